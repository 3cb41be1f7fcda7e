/* Random UUIDs (RFC 4122 version 4) from the crypto module's random source. */
#include "uuid.h"

#include <stdio.h>

#include "crypto.h"
#include "hex.h"

void
uuid_new(char out[UUID_LEN + 1])
{
	unsigned char b[16];
	char hex[33];

	cry_random(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	hex_encode(b, sizeof b, hex);
	snprintf(out, UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	    hex + 20);
}

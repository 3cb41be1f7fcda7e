/*
 * libFuzzer target for the request-signature headers, the query numbers and the enrolment
 * body (src/ledger/wire.c, on src/wire.c): the input is split at newlines into terminal, time, nonce and
 * signature header values, and is also read whole as an enrolment body.
 * Whatever is accepted must be in canonical form: the time prints back as the same text, the
 * nonce and signature are lowercase hex of the right length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/wire.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *field[4] = { NULL, NULL, NULL, NULL }, *p, num[32];
	unsigned char out[CRY_HASH_BYTES];
	struct wire_auth a;
	struct wire_fault f;
	int64_t v;
	int i = 0;

	struct wire_enroll en;

	if (size > 4096)
		return 0;
	if (wire_enroll_decode((const char *)data, size, &en, &f) == WE_OK)
		check(event_valid_id(en.terminal, strlen(en.terminal)) &&
		    strlen(en.token) == 2 * WIRE_TOKEN_BYTES);
	else
		check(f.err == WE_MALFORMED_JSON || f.err == WE_BAD_REQUEST);
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	if (wire_parse_u63(copy, strlen(copy), &v) == 0) {
		snprintf(num, sizeof num, "%lld", (long long)v);
		check(v >= 0 && strcmp(num, copy) == 0);
	}
	for (p = copy; i < 4; i++) {
		field[i] = p;
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	if (wire_auth_parse(field[0], field[1], field[2], field[3], &a, &f) == WE_OK) {
		check(strlen(a.nonce_hex) == WIRE_NONCE_HEX && strlen(a.sig_hex) == WIRE_SIG_HEX);
		snprintf(num, sizeof num, "%lld", (long long)a.time);
		check(strcmp(num, a.time_text) == 0);
		check(event_valid_id(a.terminal, strlen(a.terminal)));
		wire_request_digest("GET", "/v1/status", a.time_text, a.nonce_hex, NULL, 0, out);
	} else {
		check(f.err == WE_BAD_REQUEST_SIGNATURE || f.err == WE_UNKNOWN_TERMINAL);
	}
	free(copy);
	return 0;
}

/*
 * libFuzzer target for the normal form of ids (src/ids.c): for any bytes, an accepted band or
 * tag is upper-case hex of an allowed length inside its buffer, a refused one leaves "" and a
 * message, the normal form is its own normal form, and the keys never overrun.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static int
upper_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F')))
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), band[IDS_BAND_MAX + 1], tag[IDS_TAG_MAX + 1];
	char again[IDS_TAG_MAX + 1];
	struct errmsg em;
	size_t n;

	check(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	em.text[0] = '\0';
	if (ids_band(s, band, &em) == CST_OK) {
		n = strlen(band);
		check(n >= IDS_BAND_MIN && n <= IDS_BAND_MAX && upper_hex(band));
		check(ids_band(band, again, NULL) == CST_OK && strcmp(band, again) == 0);
	} else {
		check(band[0] == '\0' && em.text[0] != '\0');
	}
	em.text[0] = '\0';
	if (ids_tag(s, tag, &em) == CST_OK) {
		n = strlen(tag);
		check(n >= IDS_TAG_MIN && n <= IDS_TAG_MAX && n % 2 == 0 && upper_hex(tag));
	} else {
		check(tag[0] == '\0' && em.text[0] != '\0');
	}
	ids_band_key(s, band);
	check(memchr(band, '\0', sizeof band) != NULL);
	ids_tag_key(s, tag);
	check(memchr(tag, '\0', sizeof tag) != NULL);
	free(s);
	return 0;
}

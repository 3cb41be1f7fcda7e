/*
 * libFuzzer target for the normal form of ids (src/ids.c): for any bytes, an accepted band or
 * tag is upper-case hex of an allowed length inside its buffer, a refused one leaves "" and a
 * message, the normal form is its own normal form, and the keys never overrun.  A band as
 * typed (ids_band_read) is hex, ten digits or W26 within bounds; an accepted hex band's
 * printed forms and field text fit and read back.
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
	char again[IDS_TAG_MAX + 1], printed[IDS_PRINTED_MAX], field[IDS_FIELD_MAX + 1];
	struct ids_band_read r, r2;
	char dec[11];
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
	em.text[0] = '\0';
	if (ids_band_read(s, &r, &em) == CST_OK) {
		check(r.form == IDS_FORM_W26 ? r.hex[0] == '\0' && r.w26 <= 0xffffff :
		    ids_band(r.hex, again, NULL) == CST_OK && strcmp(r.hex, again) == 0);
		check(r.form != IDS_FORM_DIGITS || strlen(r.hex) == 10);
		if (r.form != IDS_FORM_W26) {
			ids_band_printed(r.hex, printed);
			check(memchr(printed, '\0', sizeof printed) != NULL);
			check(printed[0] == '\0' || strlen(r.hex) == 10);
			if (printed[0] != '\0') {	/* its printed decimal finds it again */
				memcpy(dec, printed, 10);
				dec[10] = '\0';
				check(ids_band_read(dec, &r2, NULL) == CST_OK &&
				    r2.form == IDS_FORM_DIGITS && ids_band_matches(&r2, r.hex));
			}
			ids_band_field(r.hex, field);
			check(ids_band_read(field, &r2, NULL) == CST_OK &&
			    r2.form == IDS_FORM_HEX && strcmp(r2.hex, r.hex) == 0);
		}
	} else {
		check(em.text[0] != '\0');
	}
	ids_band_key(s, band);
	check(memchr(band, '\0', sizeof band) != NULL);
	ids_tag_key(s, tag);
	check(memchr(tag, '\0', sizeof tag) != NULL);
	free(s);
	return 0;
}

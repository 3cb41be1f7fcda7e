/* The normal form of band, card and tag ids (ids.h). */
#include "ids.h"

#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "i18n.h"

static int
separator(char c)
{
	return c == ' ' || c == ':' || c == '-' || c == '\t';
}

/* Hex digits of in, upper-case, separators dropped; the count, or -1 for another character. */
static int
hex_digits(const char *in, char *out, size_t max)
{
	static const char up[] = "0123456789ABCDEF";
	size_t i, n = 0;

	for (i = 0; in[i] != '\0'; i++) {
		char c = in[i];
		int v;

		if (i >= IDS_INPUT_MAX)
			return -1;
		if (separator(c))
			continue;
		if ((v = hex_nibble(c)) < 0)
			return -1;
		if (n < max)
			out[n] = up[v];
		n++;
	}
	if (n <= max)
		out[n] = '\0';
	return (int)n;
}

int
ids_band(const char *in, char out[IDS_BAND_MAX + 1], struct errmsg *em)
{
	int n = hex_digits(in, out, IDS_BAND_MAX);

	if (n < IDS_BAND_MIN || n > IDS_BAND_MAX) {
		out[0] = '\0';
		return err_set(em, CST_ERR_ARG, _("a band id is %d to %d hexadecimal digits "
		    "(0-9, A-F)"), IDS_BAND_MIN, IDS_BAND_MAX);
	}
	return CST_OK;
}

int
ids_tag(const char *in, char out[IDS_TAG_MAX + 1], struct errmsg *em)
{
	int n = hex_digits(in, out, IDS_TAG_MAX);

	if (n < IDS_TAG_MIN || n > IDS_TAG_MAX || n % 2 != 0) {
		out[0] = '\0';
		return err_set(em, CST_ERR_ARG, _("a tag is 8 to 64 hexadecimal digits"));
	}
	return CST_OK;
}

void
ids_band_key(const char *s, char out[IDS_BAND_MAX + 1])
{
	if (ids_band(s, out, NULL) != CST_OK)
		snprintf(out, IDS_BAND_MAX + 1, "%s", s);
}

void
ids_tag_key(const char *s, char out[IDS_TAG_MAX + 1])
{
	if (ids_tag(s, out, NULL) != CST_OK)
		snprintf(out, IDS_TAG_MAX + 1, "%s", s);
}

/* Printed forms of EM4100 bands */

/* in without the blanks around it, in buf; its length, or -1 when too long. */
static int
trimmed(const char *in, char buf[IDS_INPUT_MAX + 1])
{
	size_t n = strnlen(in, IDS_INPUT_MAX + 1);

	if (n > IDS_INPUT_MAX)
		return -1;
	while (n > 0 && (*in == ' ' || *in == '\t'))
		in++, n--;
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	memcpy(buf, in, n);
	buf[n] = '\0';
	return (int)n;
}

/* s[0..n) as a decimal of 1 to n digits no greater than max; -1 otherwise. */
static long long
decimal(const char *s, size_t n, long long max)
{
	long long v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

int
ids_band_read(const char *in, struct ids_band_read *r, struct errmsg *em)
{
	char buf[IDS_INPUT_MAX + 1];
	const char *comma;
	long long fac, card, dec;
	int n = trimmed(in, buf);

	memset(r, 0, sizeof *r);
	comma = n > 0 ? strchr(buf, ',') : NULL;
	if (comma != NULL) {
		fac = comma - buf <= 3 ? decimal(buf, (size_t)(comma - buf), 255) : -1;
		card = strlen(comma + 1) <= 5 ? decimal(comma + 1, strlen(comma + 1), 65535) : -1;
		if (fac < 0 || card < 0)
			return err_set(em, CST_ERR_ARG, _("a Wiegand-26 number is the facility "
			    "(0-255), a comma and the card (0-65535), as in 070,27938"));
		r->form = IDS_FORM_W26;
		r->w26 = (uint32_t)(fac << 16 | card);
		return CST_OK;
	}
	if (ids_band(in, r->hex, em) != CST_OK)
		return CST_ERR_ARG;
	dec = n == 10 ? decimal(buf, 10, 0xffffffffLL) : -1;
	if (dec >= 0) {
		r->form = IDS_FORM_DIGITS;
		r->dec = (uint32_t)dec;
	}
	return CST_OK;
}

int
ids_band_matches(const struct ids_band_read *r, const char *band)
{
	char want[12];

	if (strlen(band) != 10)
		return r->form != IDS_FORM_W26 && strcmp(r->hex, band) == 0;
	switch (r->form) {
	case IDS_FORM_DIGITS:
		snprintf(want, sizeof want, "%08X", (unsigned)r->dec);
		return strcmp(band + 2, want) == 0;
	case IDS_FORM_W26:
		snprintf(want, sizeof want, "%06X", (unsigned)r->w26);
		return strcmp(band + 4, want) == 0;
	default:
		return strcmp(r->hex, band) == 0;
	}
}

void
ids_band_printed(const char *band, char out[IDS_PRINTED_MAX])
{
	unsigned char b[5];

	out[0] = '\0';
	if (strlen(band) != 10 || hex_decode(band, 10, b, 5) != 0)
		return;
	snprintf(out, IDS_PRINTED_MAX, "%010lu · %03u,%05u",
	    (unsigned long)b[1] << 24 | (unsigned long)b[2] << 16 | (unsigned long)b[3] << 8 | b[4],
	    (unsigned)b[2], (unsigned)(b[3] << 8 | b[4]));
}

void
ids_band_field(const char *band, char out[IDS_FIELD_MAX + 1])
{
	size_t i, n = strlen(band), o = 0;

	if (n != 10 || strspn(band, "0123456789") != 10) {
		snprintf(out, IDS_FIELD_MAX + 1, "%s", band);
		return;
	}
	for (i = 0; i < n; i += 2) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = band[i];
		out[o++] = band[i + 1];
	}
	out[o] = '\0';
}

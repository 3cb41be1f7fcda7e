/* The normal form of band, card and tag ids (ids.h). */
#include "ids.h"

#include <stdio.h>
#include <string.h>

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
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
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

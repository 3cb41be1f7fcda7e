/* UTF-8 text from people. */
#define _XOPEN_SOURCE 700	/* wcwidth */
#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Length of the UTF-8 sequence at s (1-4) and its code point, or 0 when invalid. */
static size_t
decode(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int
text_valid(const char *s, size_t max_bytes, int required)
{
	const unsigned char *p = (const unsigned char *)s;
	int visible = 0;
	uint32_t cp;
	size_t n;

	if (strlen(s) > max_bytes)
		return 0;
	while (*p) {
		if ((n = decode(p, &cp)) == 0)
			return 0;
		if (text_unsafe(cp))
			return 0;
		if (cp != ' ' && cp != 0x3000)
			visible = 1;
		p += n;
	}
	return visible || !required;
}

int
text_unsafe(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

int
text_escape_cp(unsigned long cp, char out[TEXT_ESCAPE_MAX])
{
	if (!text_unsafe(cp))
		return 0;
	if (cp < 0x100)
		snprintf(out, TEXT_ESCAPE_MAX, "\\x%02x", (unsigned)cp & 0xff);
	else
		snprintf(out, TEXT_ESCAPE_MAX, "\\u%04x", (unsigned)cp & 0xffff);
	return 1;
}

static void
escape_into(const char *s, char *out, size_t size, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[TEXT_ESCAPE_MAX];
	size_t used = 0, n, k;
	uint32_t cp;

	if (size == 0)
		return;
	while (*p) {
		esc[0] = '\0';
		if ((n = decode(p, &cp)) == 0) {
			snprintf(esc, sizeof esc, "\\x%02x", *p);
			n = 1;
		} else if (lines && (cp == '\n' || cp == '\t' || (cp == '\r' && p[1] == '\n'))) {
			/* a document's lines stay lines */
		} else if (cp == '\\' && !lines) {
			snprintf(esc, sizeof esc, "\\\\");
		} else {
			text_escape_cp(cp, esc);
		}
		k = esc[0] != '\0' ? strlen(esc) : n;
		if (used + k >= size)
			break;
		memcpy(out + used, esc[0] != '\0' ? esc : (const char *)p, k);
		used += k;
		p += n;
	}
	out[used] = '\0';
}

void
text_escape(const char *s, char *out, size_t size)
{
	escape_into(s, out, size, 0);
}

void
text_escape_lines(const char *s, char *out, size_t size)
{
	escape_into(s, out, size, 1);
}

int
text_safe(const char *s, size_t n, int lines)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned char tail[4];
	uint32_t cp;
	size_t k;

	while (p < end) {
		/* decode() reads up to 4 bytes: never past the end */
		k = (size_t)(end - p) < sizeof tail ? (size_t)(end - p) : sizeof tail;
		memset(tail, 0, sizeof tail);
		memcpy(tail, p, k);
		if ((k = decode(tail, &cp)) == 0 || cp == 0)
			return 0;
		if (text_unsafe(cp) && !(lines && (cp == '\n' || cp == '\t')))
			return 0;
		p += k;
	}
	return 1;
}

size_t
text_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t count = 0, n;
	uint32_t cp;

	while (*p) {
		n = decode(p, &cp);
		p += n ? n : 1;
		count++;
	}
	return count;
}

static int
space_at(const char *s, size_t *len)
{
	if (s[0] == ' ' || s[0] == '\t') {
		*len = 1;
		return 1;
	}
	if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 &&
	    (unsigned char)s[2] == 0x80) {	/* U+3000 ideographic space */
		*len = 3;
		return 1;
	}
	return 0;
}

void
text_trim(const char *s, char *out, size_t outlen)
{
	size_t len, n = strlen(s);

	while (n > 0 && space_at(s, &len)) {
		s += len;
		n -= len;
	}
	for (;;) {
		if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 3 && space_at(s + n - 3, &len) && len == 3)
			n -= 3;
		else
			break;
	}
	snprintf(out, outlen, "%.*s", (int)n, s);
}

int
text_only(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

int
text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int width = 0, w;
	uint32_t cp;
	size_t n;

	while (*p) {
		n = decode(p, &cp);
		if (n == 0) {
			width++;
			p++;
			continue;
		}
		w = wcwidth((wchar_t)cp);
		width += w < 0 ? 1 : w;
		p += n;
	}
	return width;
}

void
text_cut(char *out, size_t size, const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	int width = 0, w;
	uint32_t cp;
	size_t n, len = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	if (text_width(s) <= cols && strlen(s) < size) {
		snprintf(out, size, "%s", s);
		return;
	}
	/* Room for "…": one column and three bytes. */
	while (*p) {
		n = decode(p, &cp);
		w = n == 0 ? 1 : wcwidth((wchar_t)cp) < 0 ? 1 : wcwidth((wchar_t)cp);
		n = n == 0 ? 1 : n;
		if (width + w > cols - 1 || len + n + 4 > size)
			break;
		memcpy(out + len, p, n);
		len += n;
		width += w;
		p += n;
	}
	snprintf(out + len, size - len, "%s", "…");
}

void
text_pad_right(const char *s, int cols, char *out, size_t outlen)
{
	size_t len = strlen(out);
	int pad = cols - text_width(s);

	snprintf(out + len, outlen > len ? outlen - len : 0, "%s%*s", s, pad > 0 ? pad : 0, "");
}

/* A growing text buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void
reserve(struct buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	while (b->len + more + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = xrealloc(b->p, b->cap);
}

void
buf_addn(struct buf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_add(struct buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_html(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_add(b, "&amp;"); break;
		case '<': buf_add(b, "&lt;"); break;
		case '>': buf_add(b, "&gt;"); break;
		case '"': buf_add(b, "&quot;"); break;
		default: buf_addn(b, s, 1); break;
		}
	}
}

void
buf_csv(struct buf *b, const char *s)
{
	/* A leading = + - @ makes spreadsheets run the cell as a formula: neutralise it. */
	if (strchr("=+-@", *s) != NULL && *s != '\0') {
		buf_add(b, "\"'");
		for (; *s; s++) {
			if (*s == '"')
				buf_add(b, "\"");
			buf_addn(b, s, 1);
		}
		buf_add(b, "\"");
		return;
	}
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_add(b, s);
		return;
	}
	buf_add(b, "\"");
	for (; *s; s++) {
		if (*s == '"')
			buf_add(b, "\"");
		buf_addn(b, s, 1);
	}
	buf_add(b, "\"");
}

const char *
buf_str(const struct buf *b)
{
	return b->p != NULL ? b->p : "";
}

void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

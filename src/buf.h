/* A growing text buffer for documents and exports. */
#ifndef CUSTODY_BUF_H
#define CUSTODY_BUF_H

#include <stddef.h>

struct buf {
	char *p;	/* NUL-terminated, or NULL while empty */
	size_t len, cap;
};

void buf_add(struct buf *b, const char *s);
void buf_addn(struct buf *b, const char *s, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with & < > " escaped for HTML. */
void buf_html(struct buf *b, const char *s);
/* s as one CSV field (RFC 4180: quoted when it holds a comma, quote or line break). */
void buf_csv(struct buf *b, const char *s);
const char *buf_str(const struct buf *b);	/* "" while empty */
void buf_free(struct buf *b);

#endif

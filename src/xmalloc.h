/* Allocation that aborts on exhaustion: the only place out of memory is handled. */
#ifndef CUSTODY_XMALLOC_H
#define CUSTODY_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif

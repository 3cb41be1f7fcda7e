/* UTF-8 text from people: validation and counting (display width lives in src/ui.c). */
#ifndef CUSTODY_TEXT_H
#define CUSTODY_TEXT_H

#include <stddef.h>

/*
 * 1 when s is valid UTF-8 (no overlongs, no surrogates), has no control characters, has at
 * most max_bytes bytes and, when required, at least one character that is not a space.
 */
int text_valid(const char *s, size_t max_bytes, int required);
/* Number of characters (code points) of valid UTF-8; invalid bytes count one each. */
size_t text_chars(const char *s);
/*
 * Display width in terminal columns (wcwidth per character: 2 for Chinese, 0 for combining
 * marks; invalid bytes and other unprintable characters count 1).
 */
int text_width(const char *s);
/* Appends s to out padded with spaces to exactly cols columns (s is not cut). */
void text_pad_right(const char *s, int cols, char *out, size_t outlen);

/* Copies s into out without leading and trailing ASCII and ideographic (U+3000) spaces. */
void text_trim(const char *s, char *out, size_t outlen);
/* 1 when every byte of s is in the set. */
int text_only(const char *s, const char *set);

#endif

/* UTF-8 text from people: validation and counting (display width lives in src/ui.c). */
#ifndef CUSTODY_TEXT_H
#define CUSTODY_TEXT_H

#include <stddef.h>

/*
 * 1 when s is valid UTF-8 (no overlongs, no surrogates), has no control characters (C0, DEL,
 * C1, nor the bidirectional embeddings, overrides and isolates, see text_unsafe), has at
 * most max_bytes bytes and, when required, at least one character that is not a space.
 */
int text_valid(const char *s, size_t max_bytes, int required);
/*
 * 1 for a code point that must never reach a terminal as it is: the C0 controls, DEL, the C1
 * controls (U+0080..U+009F, which include CSI) and the bidirectional formatting characters
 * that reorder what follows them (U+202A..U+202E, U+2066..U+2069), which can make a line
 * read as something else (CVE-2021-42574, "Trojan Source").
 */
int text_unsafe(unsigned long cp);
/*
 * The visible escape of an unsafe code point into out (at least TEXT_ESCAPE_MAX bytes):
 * "\x1b" for C0, DEL and C1, "\u202e" for the bidirectional ones; 0 when cp is safe.
 */
#define TEXT_ESCAPE_MAX 8
int text_escape_cp(unsigned long cp, char out[TEXT_ESCAPE_MAX]);
/*
 * s made safe to print on a terminal: every unsafe code point escaped (text_escape_cp), a
 * backslash doubled, each invalid byte as "\xNN". out always ends with NUL; what does not
 * fit is cut at a character boundary. Every printer of text that came from an event or a
 * device uses it (custody operator list, custody log, exports, the console's drawing).
 */
void text_escape(const char *s, char *out, size_t size);
/*
 * The same for a document of several lines: line feeds, tabs and CR LF pairs are kept and a
 * backslash is not doubled. out needs up to 6 bytes per byte of s, and one.
 */
void text_escape_lines(const char *s, char *out, size_t size);
/*
 * 1 when the n bytes at s are valid UTF-8 with no unsafe code point (NUL included), but for
 * line feeds and tabs when lines is set (a document's text).
 */
int text_safe(const char *s, size_t n, int lines);

/* Number of characters (code points) of valid UTF-8; invalid bytes count one each. */
size_t text_chars(const char *s);
/*
 * Display width in terminal columns (wcwidth per character: 2 for Chinese, 0 for combining
 * marks; invalid bytes and other unprintable characters count 1).
 */
int text_width(const char *s);
/* Appends s to out padded with spaces to exactly cols columns (s is not cut). */
/* s in at most cols display columns into out; a text cut ends with "…" (UTF-8 kept whole). */
void text_cut(char *out, size_t size, const char *s, int cols);
void text_pad_right(const char *s, int cols, char *out, size_t outlen);

/* Copies s into out without leading and trailing ASCII and ideographic (U+3000) spaces. */
void text_trim(const char *s, char *out, size_t outlen);
/* 1 when every byte of s is in the set. */
int text_only(const char *s, const char *set);

#endif

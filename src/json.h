/* A small strict JSON (RFC 8259) parser with hard limits, and a writer that always emits valid JSON. */
#ifndef CUSTODY_JSON_H
#define CUSTODY_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define JSON_MAX_DEPTH 32		/* nesting of arrays and objects */
#define JSON_MAX_INPUT (16u << 20)	/* bytes accepted by json_parse */

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json;	/* a parsed value; opaque */

/*
 * Parses exactly one JSON text of len bytes (no NUL needed; surrounding white space allowed,
 * anything else after the value refused). Strict: UTF-8 validated (no overlongs, no surrogates
 * encoded in UTF-8), \u escapes decoded (surrogate pairs joined, lone surrogates refused),
 * no leading zeros, no NaN, no trailing commas, no comments, duplicate object keys refused,
 * depth limited to JSON_MAX_DEPTH, input limited to JSON_MAX_INPUT bytes.
 * On error returns CST_ERR_INPUT and a message naming the byte offset.
 */
int json_parse(const char *buf, size_t len, struct json **out, struct errmsg *em);
/* Same checks without keeping a tree. */
int json_validate(const char *buf, size_t len, struct errmsg *em);
void json_free(struct json *v);

/* NULL (an absent member) reads as JSON_NULL, so lookups can be chained. */
enum json_type json_type(const struct json *v);
/* Object member by key, NULL when v is not an object or has no such key. */
const struct json *json_get(const struct json *v, const char *key);
/* Number of elements of an array or members of an object; 0 for anything else. */
size_t json_count(const struct json *v);
/* i-th element of an array or value of an object member; NULL when out of range. */
const struct json *json_at(const struct json *v, size_t i);
/* i-th key of an object; NULL when out of range or not an object. */
const char *json_key_at(const struct json *v, size_t i);
/* The decoded UTF-8 string (NUL-terminated; len without the NUL may be NULL), NULL if not a string. */
const char *json_str(const struct json *v, size_t *len);
/* An integral number within int64 range (no fraction, no exponent); CST_ERR_INPUT otherwise. */
int json_int(const struct json *v, int64_t *out);
/* Any number as double; CST_ERR_INPUT when not a number. */
int json_double(const struct json *v, double *out);
/* Shorthands: member's string (NULL if absent or not a string), member's integer. */
const char *json_get_str(const struct json *obj, const char *key);
int json_get_int(const struct json *obj, const char *key, int64_t *out);

/* The writer: build a JSON text in a growing buffer. Nesting beyond JSON_MAX_DEPTH is a bug (assert). */
struct jw {
	char *buf;
	size_t len, cap;
	int depth;
	unsigned char first[JSON_MAX_DEPTH + 1];	/* per depth: next element is the first; object or array */
	unsigned char after_key;			/* a key was just written */
};

void jw_init(struct jw *w);
void jw_free(struct jw *w);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
/* A string value; invalid UTF-8 bytes become U+FFFD, control characters are escaped. */
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* Lowercase hex of n bytes, as a string value. */
void jw_hex(struct jw *w, const unsigned char *bytes, size_t n);
/* Already valid JSON, inserted as one value (the caller has validated it; nesting inside it
 * counts towards JSON_MAX_DEPTH of the whole text, which the writer cannot check cheaply). */
void jw_raw(struct jw *w, const char *json, size_t n);
/*
 * A parsed value written again; with hide, every object member whose key hide accepts is
 * written as "(hidden)" instead (custody log: password hashes). Numbers that are not
 * integers are written with 17 significant digits.
 */
void jw_value(struct jw *w, const struct json *v, int (*hide)(const char *key));
/* The text so far, NUL-terminated (owned by w). */
const char *jw_text(const struct jw *w, size_t *len);
/* Hands the buffer to the caller (free() it) and resets w. */
char *jw_take(struct jw *w, size_t *len);

#endif

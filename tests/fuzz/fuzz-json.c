/*
 * libFuzzer target for the JSON parser and writer: whatever the parser accepts, the writer
 * must re-emit as JSON the parser accepts again, and writing that must give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

/*
 * The API gives no number's text, so a number goes out as jw_int when it is an int64 and
 * otherwise as its double, printed with enough digits to read back the same double (this
 * program never calls setlocale, so printf uses a decimal point).  A double printed like an
 * integer gets ".0", or -0 would come back as the integer 0.  A double out of range is
 * written as null.
 */
static void
write_number(struct jw *w, const struct json *v)
{
	char b[64];
	int64_t i;
	double d;
	int n;

	if (json_int(v, &i) == CST_OK) {
		jw_int(w, i);
		return;
	}
	if (json_double(v, &d) != CST_OK) {
		jw_null(w);
		return;
	}
	check(isfinite(d));
	n = snprintf(b, sizeof b, "%.17g", d);
	check(n > 0 && (size_t)n < sizeof b - 2);
	if (strpbrk(b, ".e") == NULL) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	jw_raw(w, b, (size_t)n);
}

static void
write_value(struct jw *w, const struct json *v)
{
	const char *s;
	size_t i, n;

	switch (json_type(v)) {
	case JSON_NULL:
		jw_null(w);
		break;
	case JSON_FALSE:
		jw_bool(w, 0);
		break;
	case JSON_TRUE:
		jw_bool(w, 1);
		break;
	case JSON_NUMBER:
		write_number(w, v);
		break;
	case JSON_STRING:
		s = json_str(v, &n);
		check(s != NULL && s[n] == '\0');
		jw_strn(w, s, n);
		break;
	case JSON_ARRAY:
		jw_arr_begin(w);
		for (i = 0; i < json_count(v); i++)
			write_value(w, json_at(v, i));
		check(json_at(v, i) == NULL);
		jw_arr_end(w);
		break;
	case JSON_OBJECT:
		jw_obj_begin(w);
		for (i = 0; i < json_count(v); i++) {
			s = json_key_at(v, i);
			check(s != NULL && json_get(v, s) == json_at(v, i));
			jw_key(w, s);
			write_value(w, json_at(v, i));
		}
		check(json_key_at(v, i) == NULL);
		jw_obj_end(w);
		break;
	default:
		abort();
	}
}

static char *
serialise(const struct json *v, size_t *len)
{
	struct jw w;

	jw_init(&w);
	write_value(&w, v);
	check(w.depth == 0);
	return jw_take(&w, len);
}

/* Our own output must parse, and validate, and come out the same when written again. */
static void
check_stable(const char *text, size_t len)
{
	struct errmsg em = { 0, "" };
	struct json *v;
	char *again;
	size_t n;

	if (json_parse(text, len, &v, &em) != CST_OK) {
		fprintf(stderr, "writer output refused: %s\n%.*s\n", em.text, (int)len, text);
		abort();
	}
	check(json_validate(text, len, NULL) == CST_OK);
	again = serialise(v, &n);
	json_free(v);
	if (n != len || memcmp(again, text, len) != 0) {
		fprintf(stderr, "not stable:\n%.*s\n%.*s\n", (int)len, text, (int)n, again);
		abort();
	}
	free(again);
}

/* Any bytes at all written as a string value: valid JSON, and unchanged when they were valid. */
static void
string_round_trip(const char *data, size_t size)
{
	struct json *v;
	struct jw w;
	const char *s;
	char *q;
	size_t n;

	jw_init(&w);
	jw_strn(&w, data, size);
	check(json_parse(w.buf, w.len, &v, NULL) == CST_OK);
	s = json_str(v, &n);
	check(s != NULL);
	/* Quoted as they are, bytes without a backslash that the parser accepts mean themselves. */
	if (size + 2 <= JSON_MAX_INPUT && memchr(data, '\\', size) == NULL) {
		q = malloc(size + 2);
		check(q != NULL);
		q[0] = '"';
		memcpy(q + 1, data, size);
		q[size + 1] = '"';
		if (json_validate(q, size + 2, NULL) == CST_OK)
			check(n == size && memcmp(s, data, size) == 0);
		free(q);
	}
	json_free(v);
	jw_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errmsg em1 = { 0, "" }, em2 = { 0, "" };
	const char *in = (const char *)data;
	struct json *v = NULL;
	char *once;
	size_t len;
	int r1, r2;

	r1 = json_parse(in, size, &v, &em1);
	r2 = json_validate(in, size, &em2);
	check(r1 == r2);
	check(r1 == CST_OK || (r1 == CST_ERR_INPUT && v == NULL &&
	    strcmp(em1.text, em2.text) == 0 &&
	    strncmp(em1.text, "invalid JSON at byte ", 21) == 0));
	if (r1 == CST_OK) {
		once = serialise(v, &len);
		json_free(v);
		check_stable(once, len);
		free(once);
	}
	string_round_trip(in, size);
	return 0;
}

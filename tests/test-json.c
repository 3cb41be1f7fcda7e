/* Tests for the strict JSON parser and the writer: what is accepted, what refused, round trips. */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "t.h"

/* Literal inputs may hold NUL bytes, so they carry their length. */
#define L(s) (s), (sizeof(s) - 1)

static struct json *
parse(const char *s, size_t n)
{
	struct errmsg em = { 0, "" };
	struct json *v = NULL;

	if (json_parse(s, n, &v, &em) != CST_OK) {
		fprintf(stderr, "  unexpected refusal: %s\n", em.text);
		return NULL;
	}
	return v;
}

/* Accepted by json_parse, and json_validate agrees. */
static int
accepted(const char *s, size_t n)
{
	struct json *v = parse(s, n);

	json_free(v);
	return v != NULL && json_validate(s, n, NULL) == CST_OK;
}

/*
 * Refused by json_parse with CST_ERR_INPUT, no tree and a message naming a byte offset;
 * json_validate refuses it with the same message.
 */
static int
refused(const char *s, size_t n)
{
	struct errmsg em = { 0, "" }, em2 = { 0, "" };
	struct json *v = (struct json *)&em;	/* must be reset to NULL */
	int r;

	r = json_parse(s, n, &v, &em);
	if (r == CST_OK)
		json_free(v);
	return r == CST_ERR_INPUT && v == NULL && em.code == CST_ERR_INPUT &&
	    strncmp(em.text, "invalid JSON at byte ", 21) == 0 &&
	    json_validate(s, n, &em2) == CST_ERR_INPUT && strcmp(em.text, em2.text) == 0;
}

/* The message for a refused input, for checking offsets. */
static const char *
message(const char *s, size_t n)
{
	static struct errmsg em;
	struct json *v;

	em.text[0] = '\0';
	if (json_parse(s, n, &v, &em) == CST_OK)
		json_free(v);
	return em.text;
}

static int
str_is(const struct json *v, const char *want, size_t wantlen)
{
	const char *s;
	size_t n;

	if ((s = json_str(v, &n)) == NULL)
		return 0;
	return n == wantlen && memcmp(s, want, n) == 0 && s[n] == '\0';
}

static int
text_is(const struct jw *w, const char *want, size_t wantlen)
{
	size_t n;
	const char *s = jw_text(w, &n);

	if (n != wantlen || memcmp(s, want, n) != 0 || s[n] != '\0') {
		fprintf(stderr, "  writer produced: %s\n", s);
		return 0;
	}
	return 1;
}

static void
test_scalars(void)
{
	struct json *v;
	int64_t i;
	double d;

	v = parse(L("null"));
	ok(json_type(v) == JSON_NULL, "null");
	ok(json_str(v, NULL) == NULL && json_int(v, &i) == CST_ERR_INPUT,
	    "null is no string or number");
	json_free(v);
	v = parse(L("true"));
	ok(json_type(v) == JSON_TRUE, "true");
	json_free(v);
	v = parse(L("false"));
	ok(json_type(v) == JSON_FALSE, "false");
	json_free(v);
	v = parse(L(" \t\r\n 42 \n"));
	ok(json_type(v) == JSON_NUMBER && json_int(v, &i) == CST_OK && i == 42,
	    "number with white space around it");
	ok(json_count(v) == 0 && json_at(v, 0) == NULL, "a number has no elements");
	json_free(v);
	v = parse(L("\"hello\""));
	ok(str_is(v, "hello", 5), "string");
	ok(json_type(v) == JSON_STRING && json_double(v, &d) == CST_ERR_INPUT,
	    "a string is not a number");
	json_free(v);
	v = parse(L("\"\""));
	ok(str_is(v, "", 0), "empty string");
	json_free(v);
	v = parse(L("[]"));
	ok(json_type(v) == JSON_ARRAY && json_count(v) == 0 && json_at(v, 0) == NULL,
	    "empty array");
	json_free(v);
	v = parse(L("{}"));
	ok(json_type(v) == JSON_OBJECT && json_count(v) == 0 && json_key_at(v, 0) == NULL,
	    "empty object");
	json_free(v);
}

static void
test_numbers(void)
{
	static const char *good[] = {
		"0", "-0", "1", "-1", "10", "1.5", "-1.5", "0.0", "1e5", "1E5", "1e+5", "1e-5",
		"-0.5e-10", "123456789012345678901234567890", "0e0", "1.0E+2",
	};
	struct json *v;
	int64_t i;
	double d;
	size_t k;
	int all = 1;

	for (k = 0; k < sizeof good / sizeof *good; k++)
		if (!accepted(good[k], strlen(good[k]))) {
			fprintf(stderr, "  refused %s\n", good[k]);
			all = 0;
		}
	ok(all, "valid numbers accepted");

	v = parse(L("9223372036854775807"));
	ok(json_int(v, &i) == CST_OK && i == INT64_MAX, "INT64_MAX");
	json_free(v);
	v = parse(L("-9223372036854775808"));
	ok(json_int(v, &i) == CST_OK && i == INT64_MIN, "INT64_MIN");
	json_free(v);
	v = parse(L("9223372036854775808"));
	ok(v != NULL && json_int(v, &i) == CST_ERR_INPUT, "INT64_MAX + 1 is not an int64");
	ok(json_double(v, &d) == CST_OK && d == 9223372036854775808.0, "but it is a double");
	json_free(v);
	v = parse(L("-9223372036854775809"));
	ok(v != NULL && json_int(v, &i) == CST_ERR_INPUT, "INT64_MIN - 1 is not an int64");
	json_free(v);
	v = parse(L("99999999999999999999999"));
	ok(v != NULL && json_int(v, &i) == CST_ERR_INPUT, "far beyond int64");
	json_free(v);
	v = parse(L("-0"));
	ok(json_int(v, &i) == CST_OK && i == 0, "-0 is the integer 0");
	json_free(v);
	v = parse(L("1.0"));
	ok(json_int(v, &i) == CST_ERR_INPUT, "1.0 is not an integer");
	ok(json_double(v, &d) == CST_OK && d == 1.0, "1.0 as double");
	json_free(v);
	v = parse(L("1e2"));
	ok(json_int(v, &i) == CST_ERR_INPUT, "1e2 is not an integer");
	ok(json_double(v, &d) == CST_OK && d == 100.0, "1e2 as double");
	json_free(v);
	v = parse(L("-1.25e-2"));
	ok(json_double(v, &d) == CST_OK && d == -0.0125, "-1.25e-2 as double");
	json_free(v);
	v = parse(L("1e999"));
	ok(v != NULL && json_double(v, &d) == CST_ERR_INPUT, "1e999 overflows a double: refused");
	json_free(v);
	v = parse(L("1e-999"));
	ok(json_double(v, &d) == CST_OK && d == 0.0, "1e-999 underflows to 0");
	json_free(v);
}

/* strtod honours LC_NUMERIC; json_double must not. Needs a locale with a decimal comma. */
static void
test_locale(void)
{
	static const char *names[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8" };
	struct json *v;
	double d = 0;
	size_t k;
	int r;

	for (k = 0; k < sizeof names / sizeof *names; k++)
		if (setlocale(LC_NUMERIC, names[k]) != NULL &&
		    strcmp(localeconv()->decimal_point, ",") == 0)
			break;
	if (k == sizeof names / sizeof *names) {
		printf("# no locale with a decimal comma installed: locale test skipped\n");
		setlocale(LC_NUMERIC, "C");
		return;
	}
	v = parse(L("2.5"));
	r = json_double(v, &d);
	ok(r == CST_OK && d == 2.5, "json_double ignores a decimal-comma LC_NUMERIC");
	ok(strcmp(localeconv()->decimal_point, ",") == 0, "and leaves the locale as it was");
	json_free(v);
	setlocale(LC_NUMERIC, "C");
}

static void
test_nesting(void)
{
	static const char doc[] =
	    "{\"name\": \"Smith\", \"age\": 42, \"tags\": [\"a\", 1, null, [true, false], {}],"
	    " \"officer\": {\"id\": \"PC 123\", \"shift\": {\"start\": 8}}}";
	const struct json *tags, *off;
	struct json *v;
	int64_t i;

	v = parse(L(doc));
	ok(json_type(v) == JSON_OBJECT && json_count(v) == 4, "object with four members");
	ok(strcmp(json_key_at(v, 0), "name") == 0 && strcmp(json_key_at(v, 3), "officer") == 0 &&
	    json_key_at(v, 4) == NULL, "keys in input order");
	ok(json_at(v, 1) == json_get(v, "age"), "json_at on an object gives the member value");
	ok(strcmp(json_get_str(v, "name"), "Smith") == 0, "json_get_str");
	ok(json_get_int(v, "age", &i) == CST_OK && i == 42, "json_get_int");
	ok(json_get_int(v, "name", &i) == CST_ERR_INPUT, "json_get_int on a string");
	ok(json_get_int(v, "nope", &i) == CST_ERR_NOTFOUND, "json_get_int on an absent member");
	ok(json_get_str(v, "age") == NULL && json_get_str(v, "nope") == NULL,
	    "json_get_str on a number or absent member");
	ok(json_get(v, "Name") == NULL, "keys are case sensitive");
	tags = json_get(v, "tags");
	ok(json_type(tags) == JSON_ARRAY && json_count(tags) == 5, "array member");
	ok(str_is(json_at(tags, 0), "a", 1) && json_type(json_at(tags, 2)) == JSON_NULL,
	    "array elements");
	ok(json_type(json_at(json_at(tags, 3), 1)) == JSON_FALSE, "nested array");
	ok(json_type(json_at(tags, 4)) == JSON_OBJECT && json_count(json_at(tags, 4)) == 0,
	    "nested empty object");
	ok(json_at(tags, 5) == NULL && json_key_at(tags, 0) == NULL && json_get(tags, "a") == NULL,
	    "array out of range, no keys");
	off = json_get(v, "officer");
	ok(strcmp(json_get_str(off, "id"), "PC 123") == 0, "nested object");
	ok(json_get_int(json_get(off, "shift"), "start", &i) == CST_OK && i == 8,
	    "two levels down");
	ok(json_get(json_get(v, "nope"), "x") == NULL && json_count(NULL) == 0 &&
	    json_type(NULL) == JSON_NULL && json_get_str(NULL, "x") == NULL,
	    "accessors take NULL as absent");
	json_free(v);
	json_free(NULL);
	ok(1, "json_free(NULL)");
}

static void
test_escapes(void)
{
	struct json *v;

	v = parse(L("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));
	ok(str_is(v, "\"\\/\b\f\n\r\t", 8), "short escapes");
	json_free(v);
	v = parse(L("\"\\u0041\\u00e9\\u00E9\\u4e2d\""));
	ok(str_is(v, "A\xc3\xa9\xc3\xa9\xe4\xb8\xad", 8), "\\u escapes, either case of hex");
	json_free(v);
	v = parse(L("\"\\ud83d\\ude00\""));
	ok(str_is(v, "\xf0\x9f\x98\x80", 4), "surrogate pair joined");
	json_free(v);
	v = parse(L("\"\\uD800\\uDC00\\uDBFF\\uDFFF\""));
	ok(str_is(v, "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 8), "first and last surrogate pairs");
	json_free(v);
	v = parse(L("\"a\\u0000b\""));
	ok(str_is(v, "a\0b", 3), "\\u0000 inside a string value, length kept");
	json_free(v);
	v = parse(L("\"\\uffff\\u0800\\u07ff\\u0080\\u007f\""));
	ok(str_is(v, "\xef\xbf\xbf\xe0\xa0\x80\xdf\xbf\xc2\x80\x7f", 11),
	    "UTF-8 length boundaries");
	json_free(v);
	v = parse(L("\"\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 \xc3\xa9 \x7f\""));
	ok(str_is(v, "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80 \xc3\xa9 \x7f", 16),
	    "raw UTF-8 and DEL kept as they are");
	json_free(v);
	v = parse(L("{\"k\\u00e9y\": 1}"));
	ok(json_get(v, "k\xc3\xa9y") != NULL, "escaped key decoded");
	json_free(v);
}

static void
test_refused(void)
{
	static const struct {
		const char *s;
		size_t n;
		const char *what;
	} bad[] = {
#define B(s, what) { (s), sizeof(s) - 1, (what) }
		B("", "empty input"),
		B(" \n\t ", "only white space"),
		B("[", "truncated array"),
		B("[1", "truncated array after element"),
		B("[1,", "truncated array after comma"),
		B("{", "truncated object"),
		B("{\"a\"", "truncated object after key"),
		B("{\"a\":", "truncated object after colon"),
		B("{\"a\":1", "truncated object after value"),
		B("\"abc", "unterminated string"),
		B("\"abc\\", "unterminated escape"),
		B("tru", "truncated true"),
		B("nul", "truncated null"),
		B("fals", "truncated false"),
		B("-", "lone minus"),
		B("1 2", "two values"),
		B("[] x", "trailing garbage"),
		B("{}}", "extra brace"),
		B("[]]", "extra bracket"),
		B("nullx", "trailing letters"),
		B("1\0", "trailing NUL byte"),
		B("[1,]", "trailing comma in array"),
		B("{\"a\":1,}", "trailing comma in object"),
		B("[,]", "lone comma"),
		B("[,1]", "leading comma"),
		B("[1,,2]", "double comma"),
		B("[1 2]", "missing comma"),
		B("{\"a\" 1}", "missing colon"),
		B("{\"a\":1 \"b\":2}", "missing comma in object"),
		B("{,}", "comma in empty object"),
		B("{a:1}", "unquoted key"),
		B("{1:2}", "number as key"),
		B("{'a':1}", "single-quoted key"),
		B("'a'", "single quotes"),
		B("01", "leading zero"),
		B("-01", "negative leading zero"),
		B("00", "double zero"),
		B("[012]", "leading zero in array"),
		B("1.", "no digit after point"),
		B(".5", "no digit before point"),
		B("-.5", "minus point"),
		B("+1", "plus sign"),
		B("1e", "no exponent digits"),
		B("1e+", "no exponent digits after sign"),
		B("1.e3", "point then exponent"),
		B("0x10", "hex number"),
		B("1_000", "digit separator"),
		B("NaN", "NaN"),
		B("nan", "nan"),
		B("Infinity", "Infinity"),
		B("-Infinity", "-Infinity"),
		B("[Infinity]", "Infinity in array"),
		B("True", "capital True"),
		B("NULL", "capital NULL"),
		B("\"\\x41\"", "unknown escape"),
		B("\"\\'\"", "escaped single quote"),
		B("\"\\U0041\"", "capital U escape"),
		B("\"\\u12\"", "short \\u escape"),
		B("\"\\u12G4\"", "non-hex \\u escape"),
		B("\"\\u\"", "empty \\u escape"),
		B("\"\\\0\"", "escaped NUL byte"),
		B("\"\\ud800\"", "lone high surrogate"),
		B("\"\\udc00\"", "lone low surrogate"),
		B("\"\\udfff\"", "lone low surrogate, last"),
		B("\"\\ud800x\"", "high surrogate then text"),
		B("\"\\ud800\\u0041\"", "high surrogate then a BMP escape"),
		B("\"\\ud800\\ud800\"", "two high surrogates"),
		B("\"\\udc00\\ud800\"", "pair in the wrong order"),
		B("\"\\ud800\\n\"", "high surrogate then another escape"),
		B("\"\\ud800\\", "high surrogate then end"),
		B("\"\xc0\x80\"", "overlong NUL"),
		B("\"\xc1\xbf\"", "overlong two-byte"),
		B("\"\xe0\x80\xaf\"", "overlong three-byte"),
		B("\"\xe0\x9f\xbf\"", "overlong three-byte, top"),
		B("\"\xf0\x80\x80\xaf\"", "overlong four-byte"),
		B("\"\xf0\x8f\xbf\xbf\"", "overlong four-byte, top"),
		B("\"\xed\xa0\x80\"", "UTF-8 encoded high surrogate"),
		B("\"\xed\xbf\xbf\"", "UTF-8 encoded low surrogate"),
		B("\"\xed\xa0\xbd\xed\xb8\x80\"", "UTF-8 encoded surrogate pair (CESU-8)"),
		B("\"\xf4\x90\x80\x80\"", "beyond U+10FFFF"),
		B("\"\xf5\x80\x80\x80\"", "F5 lead byte"),
		B("\"\xff\"", "FF byte"),
		B("\"\x80\"", "stray continuation byte"),
		B("\"\xe4\xb8\"", "truncated sequence"),
		B("\"\xe4\xb8", "truncated sequence at end of input"),
		B("\"\xe4\x41\xad\"", "ASCII inside a sequence"),
		B("\"a\nb\"", "raw newline in string"),
		B("\"\t\"", "raw tab in string"),
		B("\"\x01\"", "raw SOH in string"),
		B("\"\x1f\"", "raw US in string"),
		B("\"a\0b\"", "raw NUL in string"),
		B("{\"a\":1,\"a\":2}", "duplicate key"),
		B("{\"a\":1,\"\\u0061\":2}", "duplicate key spelt differently"),
		B("{\"a\":{\"b\":1},\"a\":2}", "duplicate key after a nested object"),
		B("{\"x\":1,\"y\":2,\"x\":3}", "duplicate key not adjacent"),
		B("[{\"a\":1,\"a\":1}]", "duplicate key in a nested object"),
		B("{\"a\\u0000\":1}", "\\u0000 in a key"),
		B("[1]//c", "line comment"),
		B("/*c*/1", "block comment"),
		B("\xef\xbb\xbf" "1", "byte order mark"),
		B("\v1", "vertical tab is not JSON white space"),
		B("\f1", "form feed is not JSON white space"),
		B("\xc2\xa0" "1", "no-break space is not JSON white space"),
		B("\xe4\xb8\xad", "UTF-8 outside a string"),
#undef B
	};
	size_t k;
	int all = 1;

	for (k = 0; k < sizeof bad / sizeof *bad; k++)
		if (!refused(bad[k].s, bad[k].n)) {
			fprintf(stderr, "  not refused properly: %s\n", bad[k].what);
			all = 0;
		}
	ok(all, "invalid inputs refused by json_parse and json_validate alike");
	printf("# %zu invalid inputs\n", sizeof bad / sizeof *bad);

	ok(refused(NULL, 0), "NULL with length 0 is empty input");
	ok(strcmp(message(L("\"abcd")), "invalid JSON at byte 5: unterminated string") == 0,
	    "message for an unterminated string");
	ok(strcmp(message(L("[1,]")), "invalid JSON at byte 3: value expected") == 0,
	    "message for a trailing comma");
	ok(strcmp(message(L("{\"a\":1,\"b\":2,\"a\":3,\"b\":4}")),
	    "invalid JSON at byte 13: duplicate object key") == 0,
	    "the first duplicate in the input is named");
	ok(strcmp(message(L("[1] [")),
	    "invalid JSON at byte 4: unexpected data after the value") == 0,
	    "message for trailing garbage");
	ok(strcmp(message(L("01")), "invalid JSON at byte 1: leading zero in number") == 0,
	    "message for a leading zero");
	ok(strcmp(message(L("[\"\\ud800\"]")),
	    "invalid JSON at byte 2: lone surrogate in \\u escape") == 0,
	    "message for a lone surrogate");
	ok(strcmp(message(L("[tr")), "invalid JSON at byte 3: unexpected end of input") == 0,
	    "message for a truncated literal");
}

static void
test_keys_in_scope(void)
{
	struct json *v;

	ok(accepted(L("{\"a\":{\"a\":{\"a\":1}}}")), "same key at different levels");
	ok(accepted(L("[{\"a\":1},{\"a\":1}]")), "same key in sibling objects");
	ok(accepted(L("{\"a\":{\"b\":1,\"c\":2},\"b\":2,\"c\":{\"a\":0}}")),
	    "keys of a closed nested object do not count for the outer one");
	ok(refused(L("{\"a\":1,\"ab\":2,\"a\\u0000\":3}")), "but NUL in a key is refused");
	ok(accepted(L("{\"\":1,\" \":2}")), "empty key and a space key are different");
	v = parse(L("{\"\":1}"));
	ok(json_get(v, "") == json_at(v, 0), "empty key can be looked up");
	json_free(v);
}

/* Depth counts arrays and objects: JSON_MAX_DEPTH levels are fine, one more is not. */
static void
test_depth(void)
{
	char buf[8 * JSON_MAX_DEPTH + 16];
	size_t n, i;
	int d;

	for (d = JSON_MAX_DEPTH; d <= JSON_MAX_DEPTH + 1; d++) {
		n = 0;
		for (i = 0; i < (size_t)d; i++)
			buf[n++] = '[';
		buf[n++] = '1';
		for (i = 0; i < (size_t)d; i++)
			buf[n++] = ']';
		if (d == JSON_MAX_DEPTH)
			ok(accepted(buf, n), "arrays nested JSON_MAX_DEPTH deep");
		else
			ok(refused(buf, n), "arrays nested JSON_MAX_DEPTH + 1 deep");
	}
	for (d = JSON_MAX_DEPTH; d <= JSON_MAX_DEPTH + 1; d++) {
		n = 0;
		for (i = 0; i < (size_t)d; i++) {
			memcpy(buf + n, "{\"a\":", 5);
			n += 5;
		}
		buf[n++] = '0';
		for (i = 0; i < (size_t)d; i++)
			buf[n++] = '}';
		if (d == JSON_MAX_DEPTH)
			ok(accepted(buf, n), "objects nested JSON_MAX_DEPTH deep");
		else
			ok(refused(buf, n), "objects nested JSON_MAX_DEPTH + 1 deep");
	}
	n = 0;
	for (i = 0; i < JSON_MAX_DEPTH + 1; i++) {
		memcpy(buf + n, i % 2 ? "{\"a\":" : "[", i % 2 ? 5 : 1);
		n += i % 2 ? 5 : 1;
	}
	ok(refused(buf, n), "mixed nesting too deep, even truncated");
	ok(strstr(message(buf, n), "nested too deeply") != NULL, "depth named in the message");
}

static void
test_large(void)
{
	struct jw w;
	struct json *v;
	char key[32], *big;
	size_t n, i;
	int64_t x;
	int good = 1;

	/* Duplicate detection must not compare every key with every other. */
	jw_init(&w);
	jw_obj_begin(&w);
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof key, "key%zu", (i * 7919) % 100000);
		jw_key(&w, key);
		jw_int(&w, (int64_t)i);
	}
	/* Closed here, it has distinct keys; the writer goes on to repeat one at the end. */
	n = w.len;
	big = malloc(n + 1);
	memcpy(big, w.buf, n);
	big[n++] = '}';
	v = parse(big, n);
	ok(json_count(v) == 100000, "100000-member object parsed");
	for (i = 0; v != NULL && i < 100000; i += 9973)
		if (json_int(json_at(v, i), &x) != CST_OK || x != (int64_t)i)
			good = 0;
	ok(good && json_get_int(v, "key99999", &x) == CST_OK, "its members are all there");
	json_free(v);
	free(big);
	jw_key(&w, "key5000");
	jw_null(&w);
	jw_obj_end(&w);
	ok(refused(w.buf, w.len), "one duplicate among 100001 keys found");
	jw_free(&w);

	jw_init(&w);
	jw_arr_begin(&w);
	for (i = 0; i < 200000; i++) {
		jw_arr_begin(&w);
		jw_arr_end(&w);
	}
	jw_arr_end(&w);
	jw_text(&w, &n);
	v = parse(w.buf, n);
	ok(json_count(v) == 200000 && json_type(json_at(v, 199999)) == JSON_ARRAY,
	    "200000 empty arrays");
	json_free(v);
	jw_free(&w);

	n = (size_t)JSON_MAX_INPUT + 1;
	big = malloc(n);
	if (big != NULL) {
		memset(big, ' ', n);
		big[0] = '0';
		ok(refused(big, n), "input over JSON_MAX_INPUT refused");
		ok(accepted(big, n - 1), "input of exactly JSON_MAX_INPUT accepted");
		free(big);
	}
}

static void
test_writer_basics(void)
{
	struct jw w;
	static const unsigned char bytes[] = { 0x00, 0x0f, 0xab, 0xff };
	char *s;
	size_t n;

	jw_init(&w);
	ok(text_is(&w, "", 0), "empty writer gives empty text");
	jw_obj_begin(&w);
	jw_key(&w, "s");
	jw_str(&w, "x");
	jw_key(&w, "i");
	jw_int(&w, -5);
	jw_key(&w, "t");
	jw_bool(&w, 7);
	jw_key(&w, "f");
	jw_bool(&w, 0);
	jw_key(&w, "n");
	jw_null(&w);
	jw_key(&w, "none");
	jw_str(&w, NULL);
	jw_key(&w, "a");
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_int(&w, 2);
	jw_arr_begin(&w);
	jw_arr_end(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "o");
	jw_obj_begin(&w);
	jw_key(&w, "k");
	jw_str(&w, "v");
	jw_obj_end(&w);
	jw_key(&w, "h");
	jw_hex(&w, bytes, sizeof bytes);
	jw_key(&w, "h0");
	jw_hex(&w, bytes, 0);
	jw_obj_end(&w);
	ok(text_is(&w, L("{\"s\":\"x\",\"i\":-5,\"t\":true,\"f\":false,\"n\":null,\"none\":null,"
	    "\"a\":[1,2,[],{}],\"o\":{\"k\":\"v\"},\"h\":\"000fabff\",\"h0\":\"\"}")),
	    "every kind of value, commas and colons");
	ok(accepted(jw_text(&w, NULL), w.len), "and it parses");
	s = jw_take(&w, &n);
	ok(s != NULL && n == strlen(s) && s[0] == '{', "jw_take hands over the text");
	free(s);
	ok(w.buf == NULL && w.len == 0 && w.depth == 0 && text_is(&w, "", 0),
	    "and resets the writer");
	jw_arr_begin(&w);
	jw_arr_begin(&w);
	jw_int(&w, 1);
	jw_int(&w, 2);
	jw_arr_end(&w);
	jw_arr_begin(&w);
	jw_int(&w, 3);
	jw_arr_begin(&w);
	jw_int(&w, 4);
	jw_int(&w, 5);
	jw_arr_end(&w);
	jw_arr_end(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	jw_raw(&w, L("{\"x\": [true]}"));
	jw_arr_end(&w);
	ok(text_is(&w, L("[[1,2],[3,[4,5]],{},{\"x\": [true]}]")), "nested arrays and jw_raw");
	jw_free(&w);
	s = jw_take(&w, &n);
	ok(s != NULL && n == 0 && s[0] == '\0', "jw_take of an empty writer");
	free(s);

	jw_int(&w, 0);
	ok(text_is(&w, L("0")), "a lone scalar is a JSON text");
	jw_free(&w);
	jw_raw(&w, L("[1, 2]"));
	ok(text_is(&w, L("[1, 2]")), "jw_raw at the top");
	jw_free(&w);
	jw_obj_begin(&w);
	jw_key(&w, "r");
	jw_raw(&w, L("\"x\""));
	jw_key(&w, "s");
	jw_raw(&w, L("null"));
	jw_obj_end(&w);
	ok(text_is(&w, L("{\"r\":\"x\",\"s\":null}")), "jw_raw as member values");
	jw_free(&w);
}

static void
test_writer_ints(void)
{
	struct jw w;
	struct json *v;
	int64_t a, b, c;

	jw_init(&w);
	jw_arr_begin(&w);
	jw_int(&w, INT64_MIN);
	jw_int(&w, INT64_MAX);
	jw_int(&w, 0);
	jw_arr_end(&w);
	ok(text_is(&w, L("[-9223372036854775808,9223372036854775807,0]")),
	    "INT64_MIN and INT64_MAX");
	v = parse(w.buf, w.len);
	ok(json_int(json_at(v, 0), &a) == CST_OK && a == INT64_MIN &&
	    json_int(json_at(v, 1), &b) == CST_OK && b == INT64_MAX &&
	    json_int(json_at(v, 2), &c) == CST_OK && c == 0, "and they come back");
	json_free(v);
	jw_free(&w);
}

/* Writes s as a string value and parses it back. */
static int
round_trip(const char *s, size_t n, const char *want, size_t wantlen)
{
	struct jw w;
	struct json *v;
	int good;

	jw_init(&w);
	jw_strn(&w, s, n);
	v = parse(w.buf, w.len);
	good = str_is(v, want, wantlen);
	json_free(v);
	jw_free(&w);
	return good;
}

static void
test_writer_strings(void)
{
	static const char mixed[] = "ctl \x01\x02\x1b[31m \"q\" \\ \xe4\xb8\xad\0end \xc2\x9b";
	struct jw w;
	char s[3];
	unsigned a, b;
	int good;

	jw_init(&w);
	jw_str(&w, "q\"b\\s/n\nr\rt\tb\bf\f\x01\x1f\x7f");
	ok(text_is(&w, L("\"q\\\"b\\\\s/n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\\u007f\"")),
	    "quotes, backslash and control characters escaped, slash not");
	jw_free(&w);
	jw_strn(&w, L("a\0b"));
	ok(text_is(&w, L("\"a\\u0000b\"")), "NUL escaped");
	jw_free(&w);
	jw_str(&w, "\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0");
	ok(text_is(&w, L("\"\\u0080\\u009b\\u009f\xc2\xa0\"")), "C1 controls escaped, NBSP not");
	jw_free(&w);
	jw_str(&w, "\xe4\xb8\xad\xe6\x96\x87\xe5\xa7\x93\xe5\x90\x8d \xf0\x9f\x98\x80");
	ok(text_is(&w, L("\"\xe4\xb8\xad\xe6\x96\x87\xe5\xa7\x93\xe5\x90\x8d \xf0\x9f\x98\x80\"")),
	    "Chinese text and emoji written raw");
	jw_free(&w);
	jw_str(&w, "a\xff" "b");
	ok(text_is(&w, L("\"a\xef\xbf\xbd" "b\"")), "invalid byte becomes U+FFFD");
	jw_free(&w);
	jw_str(&w, "\xc0\x80");
	ok(text_is(&w, L("\"\xef\xbf\xbd\xef\xbf\xbd\"")), "overlong: one U+FFFD per byte");
	jw_free(&w);
	jw_str(&w, "\xed\xa0\x80");
	ok(text_is(&w, L("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"")),
	    "encoded surrogate replaced");
	jw_free(&w);
	jw_str(&w, "x\xe4\xb8");
	ok(text_is(&w, L("\"x\xef\xbf\xbd\xef\xbf\xbd\"")),
	    "truncated sequence at the end replaced");
	jw_free(&w);
	jw_str(&w, "\xf4\x90\x80\x80");
	ok(text_is(&w, L("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"")),
	    "beyond U+10FFFF replaced");
	jw_free(&w);

	jw_obj_begin(&w);
	jw_key(&w, "we\"ird\n\xff");
	jw_int(&w, 1);
	jw_obj_end(&w);
	ok(text_is(&w, L("{\"we\\\"ird\\n\xef\xbf\xbd\":1}")), "keys escaped the same way");
	jw_free(&w);

	ok(round_trip(L(mixed), mixed, sizeof mixed - 1), "escaped string round trip");

	/*
	 * Every one- and two-byte string: the writer's output parses, and when the bytes are
	 * already a valid raw JSON string they come back unchanged.
	 */
	good = 1;
	for (a = 0; a < 256; a++)
		for (b = 0; b < 257; b++) {
			char quoted[4] = { '"', (char)a, (char)b, '"' };
			size_t n = b < 256 ? 2 : 1;

			s[0] = (char)a;
			s[1] = (char)b;
			if (n == 1)
				quoted[2] = '"';
			jw_init(&w);
			jw_strn(&w, s, n);
			if (json_validate(w.buf, w.len, NULL) != CST_OK)
				good = 0;
			if (json_validate(quoted, n + 2, NULL) == CST_OK && !round_trip(s, n, s, n))
				good = 0;
			jw_free(&w);
		}
	ok(good, "every one- and two-byte string written as valid JSON");
}

/* A document built by the writer comes back through the parser intact. */
static void
test_writer_round_trip(void)
{
	struct jw w;
	struct json *v;
	const struct json *a;
	int64_t i;
	int d;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "\xe5\xa7\x93\xe5\x90\x8d");
	jw_str(&w, "\xe5\xbc\xa0\xe4\xbc\x9f");
	jw_key(&w, "list");
	jw_arr_begin(&w);
	jw_str(&w, "tab\there");
	jw_int(&w, -1);
	jw_bool(&w, 1);
	jw_null(&w);
	jw_arr_end(&w);
	jw_key(&w, "raw");
	jw_raw(&w, L("{\"deep\":[1.5]}"));
	jw_obj_end(&w);
	v = parse(w.buf, w.len);
	ok(strcmp(json_get_str(v, "\xe5\xa7\x93\xe5\x90\x8d"), "\xe5\xbc\xa0\xe4\xbc\x9f") == 0,
	    "Chinese key and value round trip");
	a = json_get(v, "list");
	ok(json_count(a) == 4 && strcmp(json_str(json_at(a, 0), NULL), "tab\there") == 0 &&
	    json_int(json_at(a, 1), &i) == CST_OK && i == -1 &&
	    json_type(json_at(a, 2)) == JSON_TRUE && json_type(json_at(a, 3)) == JSON_NULL,
	    "array round trip");
	ok(json_type(json_at(json_get(json_get(v, "raw"), "deep"), 0)) == JSON_NUMBER,
	    "raw value round trip");
	json_free(v);
	jw_free(&w);

	for (d = 0; d < JSON_MAX_DEPTH; d++)
		jw_arr_begin(&w);
	for (d = 0; d < JSON_MAX_DEPTH; d++)
		jw_arr_end(&w);
	ok(accepted(w.buf, w.len), "writer nested JSON_MAX_DEPTH deep parses");
	jw_free(&w);
}

static int
hide_secret(const char *key)
{
	return strcmp(key, "secret") == 0;
}

/* A parsed value written again: the same text, and a hidden member hidden at any depth. */
static void
test_jw_value(void)
{
	static const char text[] = "{\"a\":[1,-2.5,true,null,\"x\\u0001\"],\"secret\":\"pw\","
	    "\"b\":{\"secret\":[1],\"c\":0.1}}";
	struct json *v = NULL;
	struct jw w;

	ok(json_parse(text, sizeof text - 1, &v, NULL) == CST_OK, "jw_value: a value to write");
	jw_init(&w);
	jw_value(&w, v, NULL);
	ok(strcmp(jw_text(&w, NULL), text) == 0, "jw_value writes the same text back");
	jw_free(&w);
	jw_init(&w);
	jw_value(&w, v, hide_secret);
	ok(strcmp(jw_text(&w, NULL), "{\"a\":[1,-2.5,true,null,\"x\\u0001\"],\"secret\":"
	    "\"(hidden)\",\"b\":{\"secret\":\"(hidden)\",\"c\":0.1}}") == 0,
	    "jw_value hides the members asked, at any depth");
	jw_free(&w);
	json_free(v);
}

int
main(void)
{
	test_scalars();
	test_numbers();
	test_locale();
	test_nesting();
	test_escapes();
	test_refused();
	test_keys_in_scope();
	test_depth();
	test_large();
	test_writer_basics();
	test_writer_ints();
	test_writer_strings();
	test_writer_round_trip();
	test_jw_value();
	return t_done();
}

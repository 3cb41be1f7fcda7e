/*
 * A strict RFC 8259 JSON parser with hard limits, and a writer that only emits valid JSON.
 *
 * json_parse reads its input twice with the same code.  The first pass checks everything and
 * counts what the tree needs (nodes, object keys, bytes of text, each container's size); that
 * pass alone is json_validate.  The second pass fills one exactly sized block, so a tree
 * costs one allocation, and a hostile 16 MiB input cannot make us hold several copies of it
 * in half-filled growing arrays.  The second pass cannot fail: it sees the input the first
 * one accepted.
 */
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

struct json {
	enum json_type type;
	uint32_t len;		/* bytes of text, or elements/members of a container */
	union {
		char *text;		/* JSON_STRING (decoded), JSON_NUMBER (as written) */
		struct json *items;	/* JSON_ARRAY elements, JSON_OBJECT values */
	} u;
	char **keys;		/* JSON_OBJECT: keys, parallel to u.items */
};

/*
 * The tree block is [nodes][key pointers][text]; the key pointers must be aligned right
 * after the nodes.  Lengths and container sizes are kept as uint32_t to keep nodes small:
 * nothing in an input we accept is longer than the input.
 */
_Static_assert(sizeof(struct json) % _Alignof(char *) == 0, "key pointers follow the nodes");
_Static_assert(JSON_MAX_INPUT <= UINT32_MAX, "container sizes fit in uint32_t");

/* A key of an object being checked, for finding duplicates. */
struct keyref {
	size_t at;		/* offset of the decoded key in the scratch buffer */
	size_t len;
	size_t where;		/* byte offset of the key in the input */
	const char *s;		/* set just before sorting, once the buffer stops moving */
};

struct parser {
	const unsigned char *in;
	size_t len, pos;
	struct errmsg *em;
	int depth;
	int build;		/* second pass: fill the tree */

	/* First pass: what the tree will need. */
	int want_counts;	/* json_validate does not need container sizes */
	size_t nnodes, nkeys, ntext;
	uint32_t *counts;	/* elements of each container, in the order they open */
	size_t ncounts, countcap;
	char *kbuf;		/* decoded keys of the objects now open */
	size_t klen, kcap;
	struct keyref *krefs;
	size_t nkrefs, krefcap;

	/* Second pass: where the next node, key and text go. */
	struct json *nodes;
	char **keys;
	char *text;
	size_t nextnode, nextkey, nexttext, nextcount;
};

static int parse_value(struct parser *, struct json *);

/*
 * UTF-8.  One definition of well-formed (RFC 3629: no overlongs, no surrogates, nothing
 * above U+10FFFF) serves the parser and the writer, so the writer cannot emit a string the
 * parser refuses.
 */

/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes available), 0 if there is none. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* below that is an overlong form */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* above that are the surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* beyond U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Encodes code point c (not a surrogate, at most U+10FFFF) into o; returns its length. */
static size_t
utf8_put(uint32_t c, unsigned char *o)
{
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | c >> 12);
		o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | c >> 18);
	o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * The parser's small helpers.
 */

/* Every message names the byte offset where the input stopped making sense. */
static int
fail(struct parser *p, size_t at, const char *why)
{
	assert(!p->build);	/* the second pass only sees accepted input */
	return err_set(p->em, CST_ERR_INPUT, _("invalid JSON at byte %zu: %s"), at, why);
}

/* Input ending early is the commonest mistake; say so rather than what we hoped for. */
static int
expected(struct parser *p, const char *what)
{
	if (p->pos == p->len)
		return fail(p, p->pos, _("unexpected end of input"));
	return fail(p, p->pos, what);
}

static int
peek(const struct parser *p)
{
	return p->pos < p->len ? p->in[p->pos] : -1;
}

static void
skip_ws(struct parser *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->pos++;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Consumes a run of digits; returns how many. */
static size_t
digits(struct parser *p)
{
	size_t start = p->pos;

	while (is_digit(peek(p)))
		p->pos++;
	return p->pos - start;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Room for n more items of size sz in a growing array. */
static void *
grow(void *a, size_t *cap, size_t used, size_t n, size_t sz)
{
	if (used + n <= *cap)
		return a;
	while (used + n > *cap)
		*cap = *cap ? *cap * 2 : 64;
	return xrealloc(a, *cap * sz);
}

/*
 * Scalars.
 */

static int
parse_literal(struct parser *p, struct json *v, const char *word, enum json_type type)
{
	size_t i;

	for (i = 0; word[i] != '\0'; i++, p->pos++)
		if (peek(p) != word[i])
			return expected(p, _("unexpected character"));
	if (v != NULL)
		v->type = type;
	return CST_OK;
}

/* The number grammar of RFC 8259 section 6; the text is kept as written. */
static int
parse_number(struct parser *p, struct json *v)
{
	size_t start = p->pos, n;

	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0') {
		p->pos++;
		if (is_digit(peek(p)))
			return fail(p, p->pos, _("leading zero in number"));
	} else if (digits(p) == 0)
		return expected(p, _("digit expected in number"));
	if (peek(p) == '.') {
		p->pos++;
		if (digits(p) == 0)
			return expected(p, _("digit expected in number"));
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (digits(p) == 0)
			return expected(p, _("digit expected in number"));
	}
	n = p->pos - start;
	if (!p->build) {
		p->ntext += n + 1;
		return CST_OK;
	}
	v->type = JSON_NUMBER;
	v->len = (uint32_t)n;
	v->u.text = p->text + p->nexttext;
	memcpy(v->u.text, p->in + start, n);
	v->u.text[n] = '\0';
	p->nexttext += n + 1;
	return CST_OK;
}

/* Four hex digits of a \u escape; p->pos is on the first. */
static int
parse_hex4(struct parser *p, uint32_t *out)
{
	int i, h;

	*out = 0;
	for (i = 0; i < 4; i++, p->pos++) {
		if ((h = hex_value(peek(p))) < 0)
			return expected(p, _("four hex digits expected after \\u"));
		*out = *out << 4 | (uint32_t)h;
	}
	return CST_OK;
}

/*
 * A \u escape, p->pos on the 'u'.  UTF-16 surrogates only make sense in pairs; a lone one
 * has no UTF-8 form, so it is refused rather than mangled.
 */
static int
parse_unicode_escape(struct parser *p, size_t at, uint32_t *cp)
{
	uint32_t lo;
	int r;

	p->pos++;
	if ((r = parse_hex4(p, cp)) != CST_OK)
		return r;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return fail(p, at, _("lone surrogate in \\u escape"));
	if (*cp < 0xd800 || *cp > 0xdbff)
		return CST_OK;
	if (peek(p) != '\\' || p->pos + 1 >= p->len || p->in[p->pos + 1] != 'u')
		return fail(p, at, _("lone surrogate in \\u escape"));
	p->pos += 2;
	if ((r = parse_hex4(p, &lo)) != CST_OK)
		return r;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(p, at, _("lone surrogate in \\u escape"));
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return CST_OK;
}

/* One escape, p->pos on the backslash; its UTF-8 goes to o, its length to *n. */
static int
parse_escape(struct parser *p, int is_key, unsigned char *o, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	size_t at = p->pos;
	uint32_t cp;
	int c, r;

	p->pos++;
	if ((c = peek(p)) == 'u') {
		if ((r = parse_unicode_escape(p, at, &cp)) != CST_OK)
			return r;
		/* Keys are C strings in our API; a NUL would silently cut them short. */
		if (cp == 0 && is_key)
			return fail(p, at, _("\\u0000 in an object key"));
		*n = utf8_put(cp, o);
		return CST_OK;
	}
	if (c <= 0 || (e = strchr(from, c)) == NULL)
		return expected(p, _("invalid escape"));
	p->pos++;
	o[0] = (unsigned char)to[e - from];
	*n = 1;
	return CST_OK;
}

/*
 * A string, p->pos on the opening quote.  Decodes into dst when it is not NULL; the decoded
 * length goes to *len either way.
 */
static int
parse_string(struct parser *p, int is_key, char *dst, size_t *len)
{
	unsigned char esc[4];
	size_t n = 0, l = 0;
	int c, r;

	p->pos++;
	for (;;) {
		if ((c = peek(p)) < 0)
			return fail(p, p->pos, _("unterminated string"));
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(p, p->pos, _("control character in string"));
		if (c == '\\') {
			if ((r = parse_escape(p, is_key, esc, &l)) != CST_OK)
				return r;
			if (dst != NULL)
				memcpy(dst + n, esc, l);
		} else {
			if ((l = utf8_len(p->in + p->pos, p->len - p->pos)) == 0)
				return fail(p, p->pos, _("invalid UTF-8"));
			if (dst != NULL)
				memcpy(dst + n, p->in + p->pos, l);
			p->pos += l;
		}
		n += l;
	}
	p->pos++;
	if (dst != NULL)
		dst[n] = '\0';
	*len = n;
	return CST_OK;
}

static int
parse_string_value(struct parser *p, struct json *v)
{
	size_t n;
	int r;

	if (!p->build) {
		if ((r = parse_string(p, 0, NULL, &n)) == CST_OK)
			p->ntext += n + 1;
		return r;
	}
	v->type = JSON_STRING;
	v->u.text = p->text + p->nexttext;
	r = parse_string(p, 0, v->u.text, &n);
	assert(r == CST_OK);
	v->len = (uint32_t)n;
	p->nexttext += n + 1;
	return r;
}

/*
 * Containers.
 */

/* Opening: the first pass reserves a slot for the size, the second takes the nodes. */
static size_t
container_open(struct parser *p, struct json *v, enum json_type type)
{
	size_t slot;

	p->pos++;
	if (!p->build) {
		if (!p->want_counts)
			return 0;
		p->counts = grow(p->counts, &p->countcap, p->ncounts, 1, sizeof *p->counts);
		slot = p->ncounts++;
		p->counts[slot] = 0;
		return slot;
	}
	assert(p->nextcount < p->ncounts);
	v->type = type;
	v->len = p->counts[p->nextcount++];
	v->u.items = v->len ? p->nodes + p->nextnode : NULL;
	v->keys = NULL;
	p->nextnode += v->len;
	if (type == JSON_OBJECT && v->len > 0) {
		v->keys = p->keys + p->nextkey;
		p->nextkey += v->len;
	}
	return 0;
}

/* Closing: the first pass records the size (the second must have found the same). */
static void
container_close(struct parser *p, size_t slot, size_t n)
{
	p->pos++;
	p->depth--;
	if (p->build)
		return;
	if (p->want_counts)
		p->counts[slot] = (uint32_t)n;
	p->nnodes += n;
}

/* Where the i-th child of v goes: nowhere in the first pass. */
static struct json *
child(struct json *v, size_t i)
{
	return v != NULL ? &v->u.items[i] : NULL;
}

static int
parse_array(struct parser *p, struct json *v)
{
	size_t slot, n = 0;
	int r;

	if (++p->depth > JSON_MAX_DEPTH)
		return fail(p, p->pos, _("nested too deeply"));
	slot = container_open(p, v, JSON_ARRAY);
	skip_ws(p);
	if (peek(p) != ']') {
		for (;;) {
			if ((r = parse_value(p, child(v, n))) != CST_OK)
				return r;
			n++;
			skip_ws(p);
			if (peek(p) == ']')
				break;
			if (peek(p) != ',')
				return expected(p, _("',' or ']' expected"));
			p->pos++;
		}
	}
	assert(v == NULL || v->len == n);
	container_close(p, slot, n);
	return CST_OK;
}

/*
 * The first pass decodes each key into a scratch buffer shared by the objects now open
 * (measuring it first, then decoding it again into the room made), so duplicates can be found
 * by sorting when the object closes: n log n, where comparing each key with all the earlier
 * ones would be n squared on a large object.
 */
static int
check_key(struct parser *p)
{
	struct keyref *k;
	size_t where = p->pos, n;
	int r;

	if ((r = parse_string(p, 1, NULL, &n)) != CST_OK)
		return r;
	p->kbuf = grow(p->kbuf, &p->kcap, p->klen, n + 1, 1);
	p->pos = where;
	r = parse_string(p, 1, p->kbuf + p->klen, &n);
	assert(r == CST_OK);
	p->krefs = grow(p->krefs, &p->krefcap, p->nkrefs, 1, sizeof *p->krefs);
	k = &p->krefs[p->nkrefs++];
	k->at = p->klen;
	k->len = n;
	k->where = where;
	p->klen += n;
	p->nkeys++;
	p->ntext += n + 1;
	return CST_OK;
}

static int
parse_key(struct parser *p, struct json *v, size_t i)
{
	size_t n;
	int r;

	if (peek(p) != '"')
		return expected(p, _("string expected as object key"));
	if (!p->build)
		return check_key(p);
	v->keys[i] = p->text + p->nexttext;
	r = parse_string(p, 1, v->keys[i], &n);
	assert(r == CST_OK);
	p->nexttext += n + 1;
	return r;
}

static int
keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c;

	c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* Equal keys stay in input order, so the later one of a pair is the duplicate. */
	return x->where < y->where ? -1 : x->where > y->where;
}

/* The keys of the object just closed are krefs[mark..]; reports its first duplicate. */
static int
check_duplicates(struct parser *p, size_t mark)
{
	struct keyref *k;
	size_t n = p->nkrefs - mark, i, dup = SIZE_MAX;

	if (n < 2)
		return CST_OK;
	k = p->krefs + mark;
	for (i = 0; i < n; i++)
		k[i].s = p->kbuf + k[i].at;
	qsort(k, n, sizeof *k, keyref_cmp);
	for (i = 1; i < n; i++)
		if (k[i].len == k[i - 1].len && memcmp(k[i].s, k[i - 1].s, k[i].len) == 0 &&
		    k[i].where < dup)
			dup = k[i].where;
	if (dup != SIZE_MAX)
		return fail(p, dup, _("duplicate object key"));
	return CST_OK;
}

static int
parse_object(struct parser *p, struct json *v)
{
	size_t slot, n = 0, kmark = p->klen, rmark = p->nkrefs;
	int r;

	if (++p->depth > JSON_MAX_DEPTH)
		return fail(p, p->pos, _("nested too deeply"));
	slot = container_open(p, v, JSON_OBJECT);
	skip_ws(p);
	if (peek(p) != '}') {
		for (;;) {
			skip_ws(p);
			if ((r = parse_key(p, v, n)) != CST_OK)
				return r;
			skip_ws(p);
			if (peek(p) != ':')
				return expected(p, _("':' expected after object key"));
			p->pos++;
			if ((r = parse_value(p, child(v, n))) != CST_OK)
				return r;
			n++;
			skip_ws(p);
			if (peek(p) == '}')
				break;
			if (peek(p) != ',')
				return expected(p, _("',' or '}' expected"));
			p->pos++;
		}
	}
	if (!p->build) {
		if ((r = check_duplicates(p, rmark)) != CST_OK)
			return r;
		p->klen = kmark;
		p->nkrefs = rmark;
	}
	assert(v == NULL || v->len == n);
	container_close(p, slot, n);
	return CST_OK;
}

static int
parse_value(struct parser *p, struct json *v)
{
	int c;

	skip_ws(p);
	switch ((c = peek(p))) {
	case '{':
		return parse_object(p, v);
	case '[':
		return parse_array(p, v);
	case '"':
		return parse_string_value(p, v);
	case 't':
		return parse_literal(p, v, "true", JSON_TRUE);
	case 'f':
		return parse_literal(p, v, "false", JSON_FALSE);
	case 'n':
		return parse_literal(p, v, "null", JSON_NULL);
	}
	if (c == '-' || is_digit(c))
		return parse_number(p, v);
	return expected(p, _("value expected"));
}

/* One pass over the whole input. */
static int
run(struct parser *p, struct json *root)
{
	int r;

	p->pos = 0;
	p->depth = 0;
	if (p->len > JSON_MAX_INPUT)
		return fail(p, JSON_MAX_INPUT, _("input too large"));
	skip_ws(p);
	if (p->pos == p->len)
		return fail(p, p->pos, _("empty input"));
	if ((r = parse_value(p, root)) != CST_OK)
		return r;
	skip_ws(p);
	if (p->pos != p->len)
		return fail(p, p->pos, _("unexpected data after the value"));
	if (!p->build)
		p->nnodes++;	/* the root; containers counted their children */
	return CST_OK;
}

static void
parser_init(struct parser *p, const char *buf, size_t len, struct errmsg *em)
{
	assert(buf != NULL || len == 0);
	memset(p, 0, sizeof *p);
	p->in = (const unsigned char *)buf;
	p->len = len;
	p->em = em;
}

static void
parser_fini(struct parser *p)
{
	free(p->counts);
	free(p->kbuf);
	free(p->krefs);
}

/* The second pass, into one block laid out as [nodes][key pointers][text]. */
static struct json *
build(struct parser *p)
{
	struct json *root;
	int r;

	root = xmalloc(p->nnodes * sizeof *root + p->nkeys * sizeof(char *) + p->ntext);
	p->nodes = root;
	p->keys = (char **)(root + p->nnodes);
	p->text = (char *)(p->keys + p->nkeys);
	p->nextnode = 1;
	p->build = 1;
	r = run(p, root);
	assert(r == CST_OK);
	assert(p->nextnode == p->nnodes && p->nextkey == p->nkeys && p->nexttext == p->ntext);
	(void)r;
	return root;
}

int
json_parse(const char *buf, size_t len, struct json **out, struct errmsg *em)
{
	struct parser p;
	int r;

	assert(out != NULL);
	*out = NULL;
	parser_init(&p, buf, len, em);
	p.want_counts = 1;
	if ((r = run(&p, NULL)) == CST_OK)
		*out = build(&p);
	parser_fini(&p);
	return r;
}

int
json_validate(const char *buf, size_t len, struct errmsg *em)
{
	struct parser p;
	int r;

	parser_init(&p, buf, len, em);
	r = run(&p, NULL);
	parser_fini(&p);
	return r;
}

/* Only roots are ever handed out, and a root is the start of its tree's single block. */
void
json_free(struct json *v)
{
	free(v);
}

/*
 * Reading the tree.  Every accessor takes NULL as "absent", so lookups can be chained:
 * json_get_str(json_get(root, "officer"), "name").
 */

enum json_type
json_type(const struct json *v)
{
	return v != NULL ? v->type : JSON_NULL;
}

const struct json *
json_get(const struct json *v, const char *key)
{
	size_t i;

	assert(key != NULL);
	if (v == NULL || v->type != JSON_OBJECT)
		return NULL;
	/* Our objects are small; a scan beats keeping an index. */
	for (i = 0; i < v->len; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->u.items[i];
	return NULL;
}

size_t
json_count(const struct json *v)
{
	if (v == NULL || (v->type != JSON_ARRAY && v->type != JSON_OBJECT))
		return 0;
	return v->len;
}

const struct json *
json_at(const struct json *v, size_t i)
{
	if (i >= json_count(v))
		return NULL;
	return &v->u.items[i];
}

const char *
json_key_at(const struct json *v, size_t i)
{
	if (json_type(v) != JSON_OBJECT || i >= v->len)
		return NULL;
	return v->keys[i];
}

const char *
json_str(const struct json *v, size_t *len)
{
	if (json_type(v) != JSON_STRING)
		return NULL;
	if (len != NULL)
		*len = v->len;
	return v->u.text;
}

/* Integral means written without fraction or exponent: 1.0 and 1e2 are not integers here. */
int
json_int(const struct json *v, int64_t *out)
{
	const char *s;
	uint64_t mag = 0, limit = INT64_MAX;
	unsigned d;
	int neg;

	if (json_type(v) != JSON_NUMBER)
		return CST_ERR_INPUT;
	s = v->u.text;
	if ((neg = (*s == '-')))
		s++;
	if (neg)
		limit = (uint64_t)INT64_MAX + 1;
	for (; *s != '\0'; s++) {
		if (!is_digit(*s))
			return CST_ERR_INPUT;
		d = (unsigned)(*s - '0');
		if (mag > (limit - d) / 10)
			return CST_ERR_INPUT;
		mag = mag * 10 + d;
	}
	if (neg)
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		*out = (int64_t)mag;
	return CST_OK;
}

/*
 * strtod follows LC_NUMERIC for the decimal point, and the program may run in a locale that
 * writes "1,5".  Switching this thread to the C locale for the call (POSIX 2008 uselocale)
 * is safe with threads, where setlocale would not be.  A number too large for a double is
 * refused rather than returned as infinity; one too small becomes 0 or a subnormal.
 */
int
json_double(const struct json *v, double *out)
{
	locale_t c, old;
	char *end;
	double d;

	if (json_type(v) != JSON_NUMBER)
		return CST_ERR_INPUT;
	if ((c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)) == (locale_t)0)
		return CST_ERR_INTERNAL;
	old = uselocale(c);
	d = strtod(v->u.text, &end);
	uselocale(old);
	freelocale(c);
	if (end != v->u.text + v->len || isinf(d))
		return CST_ERR_INPUT;
	*out = d;
	return CST_OK;
}

const char *
json_get_str(const struct json *obj, const char *key)
{
	return json_str(json_get(obj, key), NULL);
}

/* CST_ERR_NOTFOUND when the member is absent, CST_ERR_INPUT when it is not an integer. */
int
json_get_int(const struct json *obj, const char *key, int64_t *out)
{
	const struct json *v = json_get(obj, key);

	if (v == NULL)
		return CST_ERR_NOTFOUND;
	return json_int(v, out);
}

/*
 * The writer.  first[d] holds two flags per open level: whether the next element is the first
 * (no comma), and whether the level is an object, so that a value without its key, a key in
 * an array or a mismatched end is caught by an assert instead of producing broken JSON.
 */

enum {
	JW_FIRST = 1,
	JW_OBJECT = 2
};

void
jw_init(struct jw *w)
{
	memset(w, 0, sizeof *w);
	w->first[0] = JW_FIRST;
}

void
jw_free(struct jw *w)
{
	free(w->buf);
	jw_init(w);
}

/* Room for n more bytes and the NUL that keeps the text a C string. */
static void
reserve(struct jw *w, size_t n)
{
	assert(n < SIZE_MAX - w->len - 1);
	if (w->len + n + 1 <= w->cap)
		return;
	while (w->len + n + 1 > w->cap)
		w->cap = w->cap ? w->cap * 2 : 256;
	w->buf = xrealloc(w->buf, w->cap);
}

static void
put(struct jw *w, const char *s, size_t n)
{
	reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* The comma, or nothing after a key; a JSON text is a single value. */
static void
begin_value(struct jw *w)
{
	unsigned char *f = &w->first[w->depth];

	if (*f & JW_OBJECT) {
		assert(w->after_key);	/* an object member needs its key first */
		w->after_key = 0;
		return;
	}
	assert(w->depth > 0 || (*f & JW_FIRST));
	if (!(*f & JW_FIRST))
		put(w, ",", 1);
	*f &= (unsigned char)~JW_FIRST;
}

/*
 * The escape for code point c, into o; returns its length, 0 when c goes out as it is.
 * JSON needs only '"', '\\' and C0 escaped; DEL, the C1 controls and the bidirectional
 * overrides (text_unsafe) are escaped as well so that a document shown on a terminal cannot
 * drive it or reorder it.
 */
static size_t
escape(uint32_t c, char *o)
{
	static const char hex[] = "0123456789abcdef";
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	const char *e;

	if (c != 0 && c < 0x80 && (e = strchr(from, (int)c)) != NULL) {
		o[0] = '\\';
		o[1] = to[e - from];
		return 2;
	}
	if (!text_unsafe(c))
		return 0;
	memcpy(o, "\\u", 2);
	o[2] = hex[(c >> 12) & 0xf];
	o[3] = hex[(c >> 8) & 0xf];
	o[4] = hex[(c >> 4) & 0xf];
	o[5] = hex[c & 0xf];
	return 6;
}

/*
 * A quoted string.  Each byte that does not start well-formed UTF-8 becomes one U+FFFD; no
 * input byte grows to more than six output bytes, so the room is reserved once.
 */
static void
put_string(struct jw *w, const unsigned char *s, size_t n)
{
	char *o;
	size_t i, l, e;

	assert(n < (SIZE_MAX - w->len - 3) / 6);
	reserve(w, 6 * n + 2);
	o = w->buf + w->len;
	*o++ = '"';
	for (i = 0; i < n; i += l) {
		if ((l = utf8_len(s + i, n - i)) == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			l = 1;
		} else if (l == 1 && (e = escape(s[i], o)) > 0)
			o += e;
		else if (l == 2 && s[i] == 0xc2 && (e = escape(s[i + 1], o)) > 0)
			o += e;
		else if (l == 3 && s[i] == 0xe2 && (e = escape((uint32_t)(s[i + 1] & 0x3f) << 6 |
		    (s[i + 2] & 0x3f) | 0x2000, o)) > 0)
			o += e;
		else {
			memcpy(o, s + i, l);
			o += l;
		}
	}
	*o++ = '"';
	*o = '\0';
	w->len = (size_t)(o - w->buf);
}

void
jw_obj_begin(struct jw *w)
{
	begin_value(w);
	assert(w->depth < JSON_MAX_DEPTH);
	w->first[++w->depth] = JW_FIRST | JW_OBJECT;
	put(w, "{", 1);
}

void
jw_obj_end(struct jw *w)
{
	assert(w->depth > 0 && (w->first[w->depth] & JW_OBJECT) && !w->after_key);
	w->depth--;
	put(w, "}", 1);
}

void
jw_arr_begin(struct jw *w)
{
	begin_value(w);
	assert(w->depth < JSON_MAX_DEPTH);
	w->first[++w->depth] = JW_FIRST;
	put(w, "[", 1);
}

void
jw_arr_end(struct jw *w)
{
	assert(w->depth > 0 && !(w->first[w->depth] & JW_OBJECT));
	w->depth--;
	put(w, "]", 1);
}

void
jw_key(struct jw *w, const char *key)
{
	unsigned char *f = &w->first[w->depth];

	assert(key != NULL && (*f & JW_OBJECT) && !w->after_key);
	if (!(*f & JW_FIRST))
		put(w, ",", 1);
	*f &= (unsigned char)~JW_FIRST;
	put_string(w, (const unsigned char *)key, strlen(key));
	put(w, ":", 1);
	w->after_key = 1;
}

/* NULL is written as null: the usual meaning of an absent optional string. */
void
jw_str(struct jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

void
jw_strn(struct jw *w, const char *s, size_t n)
{
	begin_value(w);
	put_string(w, (const unsigned char *)s, n);
}

void
jw_int(struct jw *w, int64_t v)
{
	char b[24];
	int n;

	n = snprintf(b, sizeof b, "%" PRId64, v);
	assert(n > 0 && (size_t)n < sizeof b);
	begin_value(w);
	put(w, b, (size_t)n);
}

void
jw_bool(struct jw *w, int v)
{
	begin_value(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jw_null(struct jw *w)
{
	begin_value(w);
	put(w, "null", 4);
}

void
jw_hex(struct jw *w, const unsigned char *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i;

	assert(n < (SIZE_MAX - w->len - 3) / 2);
	begin_value(w);
	reserve(w, 2 * n + 2);
	o = w->buf + w->len;
	*o++ = '"';
	for (i = 0; i < n; i++) {
		*o++ = hex[bytes[i] >> 4];
		*o++ = hex[bytes[i] & 0xf];
	}
	*o++ = '"';
	*o = '\0';
	w->len = (size_t)(o - w->buf);
}

void
jw_raw(struct jw *w, const char *json, size_t n)
{
	assert(json_validate(json, n, NULL) == CST_OK);
	begin_value(w);
	put(w, json, n);
}

const char *
jw_text(const struct jw *w, size_t *len)
{
	if (len != NULL)
		*len = w->len;
	return w->buf != NULL ? w->buf : "";
}

char *
jw_take(struct jw *w, size_t *len)
{
	char *s = w->buf;

	if (s == NULL)
		s = xstrdup("");
	if (len != NULL)
		*len = w->len;
	jw_init(w);
	return s;
}

/* The shortest of 15 or 17 significant digits that reads back the same, with a '.' whatever
 * the locale's decimal separator. */
static void
write_double(char *out, size_t size, double d)
{
	static const int digits[] = { 15, 17 };
	struct json *back;
	double again;
	size_t i;
	char *p;

	for (i = 0; i < 2; i++) {
		snprintf(out, size, "%.*g", digits[i], d);
		for (p = out; *p; p++)
			if (*p == ',')
				*p = '.';
		back = NULL;
		again = 0;
		if (json_parse(out, strlen(out), &back, NULL) == CST_OK &&
		    json_double(back, &again) == CST_OK && again == d) {
			json_free(back);
			return;
		}
		json_free(back);
	}
}

void
jw_value(struct jw *w, const struct json *v, int (*hide)(const char *key))
{
	char num[40];
	size_t i, n, len;
	int64_t iv;
	double dv;
	const char *s;

	switch (json_type(v)) {
	case JSON_NULL:
		jw_null(w);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		jw_bool(w, json_type(v) == JSON_TRUE);
		break;
	case JSON_NUMBER:
		if (json_int(v, &iv) == CST_OK) {
			jw_int(w, iv);
		} else if (json_double(v, &dv) == CST_OK) {
			write_double(num, sizeof num, dv);
			jw_raw(w, num, strlen(num));
		} else {
			jw_null(w);
		}
		break;
	case JSON_STRING:
		s = json_str(v, &len);
		jw_strn(w, s, len);
		break;
	case JSON_ARRAY:
		jw_arr_begin(w);
		for (i = 0, n = json_count(v); i < n; i++)
			jw_value(w, json_at(v, i), hide);
		jw_arr_end(w);
		break;
	case JSON_OBJECT:
		jw_obj_begin(w);
		for (i = 0, n = json_count(v); i < n; i++) {
			jw_key(w, json_key_at(v, i));
			if (hide != NULL && hide(json_key_at(v, i)))
				jw_str(w, "(hidden)");
			else
				jw_value(w, json_at(v, i), hide);
		}
		jw_obj_end(w);
		break;
	}
}

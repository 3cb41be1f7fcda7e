/* Name keys: characters, neighbouring pairs, Latin words and runs of pinyin initials. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "namegram.h"
#include "pinyin.h"
#include "text.h"

#define NAME_CHARS 64		/* characters of a name looked at; the rest is not indexed */
#define QUERY_MAX 64		/* bytes of a query */
#define RUN_MIN 2		/* letters of an initials key or a word key */
#define RUN_MAX 16

struct ch {
	uint32_t cp;
	char s[5];		/* the character's UTF-8, ASCII letters in lower case */
	int sep;		/* a space or middle dot between the parts of a name */
};

struct name {
	struct ch c[NAME_CHARS];
	size_t n;
};

struct keys {
	char (*out)[NAMEGRAM_MAX];
	size_t n, max;
};

/* One character of UTF-8 that text_valid() accepted: its length and code point. */
static size_t
decode(const unsigned char *s, uint32_t *cp)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4, i;

	*cp = n == 1 ? s[0] : s[0] & (0x7fu >> n);
	for (i = 1; i < n; i++)
		*cp = *cp << 6 | (s[i] & 0x3f);
	return n;
}

static int
is_sep(uint32_t cp)
{
	return cp == ' ' || cp == '.' || cp == '-' || cp == 0xb7 || cp == 0x2022 ||
	    cp == 0x2027 || cp == 0x3000 || cp == 0x30fb || cp == 0xff0e || cp == 0xff65;
}

/* CJK ideographs: Extension A, the URO, compatibility, Extensions B to H, and 〇. */
static int
is_han(uint32_t cp)
{
	return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af) || cp == 0x3007;
}

static int
is_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

/* Splits valid UTF-8 into at most NAME_CHARS characters; 0 when it is not valid. */
static int
parse(const char *s, struct name *nm)
{
	const unsigned char *p = (const unsigned char *)s;
	struct ch *c;
	size_t len;

	nm->n = 0;
	if (!text_valid(s, (size_t)-1, 0))
		return 0;
	while (*p != '\0' && nm->n < NAME_CHARS) {
		c = &nm->c[nm->n++];
		len = decode(p, &c->cp);
		memcpy(c->s, p, len);
		c->s[len] = '\0';
		if (c->cp >= 'A' && c->cp <= 'Z')
			c->s[0] = (char)(c->cp - 'A' + 'a');
		c->sep = is_sep(c->cp);
		p += len;
	}
	return 1;
}

/* key = a then b (each at most 4 bytes of UTF-8). */
static void
join(char *key, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	memcpy(key, a, la);
	memcpy(key + la, b, lb + 1);
}

/* Whether the len characters from i are ASCII letters, then '#' and them into key. */
static int
word(const struct name *nm, size_t i, size_t len, char *key)
{
	size_t j;

	if (len < RUN_MIN || len > RUN_MAX || i + len > nm->n)
		return 0;
	key[0] = '#';
	for (j = 0; j < len; j++) {
		if (!is_letter(nm->c[i + j].cp))
			return 0;
		key[j + 1] = nm->c[i + j].s[0];
	}
	key[len + 1] = '\0';
	return 1;
}

static void
add(struct keys *k, const char *key)
{
	size_t i, len = strlen(key);

	assert(len > 0 && len < NAMEGRAM_MAX);
	if (k->n >= k->max)
		return;
	for (i = 0; i < k->n; i++)
		if (strcmp(k->out[i], key) == 0)
			return;
	memcpy(k->out[k->n++], key, len + 1);
}

/* Each Chinese character, and each pair of neighbours inside a part. */
static void
add_chars(struct keys *k, const struct name *nm)
{
	char key[NAMEGRAM_MAX];
	size_t i;

	for (i = 0; i < nm->n; i++) {
		if (is_han(nm->c[i].cp))
			add(k, nm->c[i].s);
		if (i + 1 < nm->n && !nm->c[i].sep && !nm->c[i + 1].sep) {
			join(key, nm->c[i].s, nm->c[i + 1].s);
			add(k, key);
		}
	}
}

/* '#' and each word of RUN_MIN to RUN_MAX ASCII letters. */
static void
add_words(struct keys *k, const struct name *nm)
{
	char key[NAMEGRAM_MAX];
	size_t i = 0, len;

	while (i < nm->n) {
		for (len = 0; i + len < nm->n && is_letter(nm->c[i + len].cp); len++)
			continue;
		if (word(nm, i, len, key))
			add(k, key);
		i += len > 0 ? len : 1;
	}
}

/*
 * The pinyin initial of each character that is not a separator (0 where none is known), and
 * whether it starts a part. The name's first characters are read as a surname.
 */
static size_t
initials(const struct name *nm, char *ini, int *starts)
{
	uint32_t first[2] = { 0, 0 };
	size_t i, m = 0, f = 0;

	for (i = 0; i < nm->n; i++) {
		if (nm->c[i].sep)
			continue;
		starts[m] = i == 0 || nm->c[i - 1].sep;
		if (m == f && f < 2 && (f == 0 || !starts[m]))
			first[f++] = nm->c[i].cp;	/* the first part's first two */
		ini[m++] = pinyin_initial(nm->c[i].cp);
	}
	pinyin_surname_initials(first, f, ini);
	return m;
}

/*
 * '#' and each run of RUN_MIN to RUN_MAX known initials. Runs that start a part come first:
 * when a long name has more runs than keys, those are the ones people type.
 */
static void
add_initials(struct keys *k, const struct name *nm)
{
	char ini[NAME_CHARS], key[NAMEGRAM_MAX];
	int starts[NAME_CHARS], pass;
	size_t m = initials(nm, ini, starts), i, len;

	key[0] = '#';
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < m; i++) {
			if (starts[i] != pass)
				continue;
			for (len = 0; len < RUN_MAX && i + len < m && ini[i + len]; len++) {
				key[len + 1] = ini[i + len];
				key[len + 2] = '\0';
				if (len + 1 >= RUN_MIN)
					add(k, key);
			}
		}
}

size_t
namegram_initials(const char *name, char *out, size_t size)
{
	char ini[NAME_CHARS];
	int starts[NAME_CHARS];
	struct name nm;
	size_t m, i, k = 0;

	if (size == 0)
		return 0;
	if (parse(name, &nm)) {
		m = initials(&nm, ini, starts);
		for (i = 0; i < m && k + 1 < size; i++)
			if (ini[i])
				out[k++] = ini[i];
	}
	out[k] = '\0';
	return k;
}

size_t
namegram_keys(const char *name, char out[][NAMEGRAM_MAX], size_t max)
{
	struct keys k = { out, 0, max };
	struct name nm;

	if (!parse(name, &nm))
		return 0;
	add_chars(&k, &nm);
	add_words(&k, &nm);
	add_initials(&k, &nm);
	return k.n;
}

/* 1 when the query has a digit (ASCII or full width): it is a number, not a name. */
static int
has_digit(const struct name *q)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if ((q->c[i].cp >= '0' && q->c[i].cp <= '9') ||
		    (q->c[i].cp >= 0xff10 && q->c[i].cp <= 0xff19))
			return 1;
	return 0;
}

/* The query's key into buf: '#' and letters, its first pair, or its first Chinese character. */
static int
query_key(const struct name *q, char *buf, int *needs_check)
{
	size_t i;

	if (word(q, 0, q->n, buf))
		return 0;
	for (i = 0; i + 1 < q->n; i++)
		if (!q->c[i].sep && !q->c[i + 1].sep) {
			join(buf, q->c[i].s, q->c[i + 1].s);
			*needs_check = q->n > 2;
			return 0;
		}
	for (i = 0; i < q->n; i++)
		if (is_han(q->c[i].cp)) {
			join(buf, q->c[i].s, "");
			*needs_check = q->n > 1;
			return 0;
		}
	return -1;
}

int
namegram_query(const char *query, char *key, size_t key_len, int *needs_check)
{
	char buf[NAMEGRAM_MAX];
	struct name q;

	*needs_check = 0;
	if (strlen(query) > QUERY_MAX || !parse(query, &q) || q.n == 0 || has_digit(&q) ||
	    query_key(&q, buf, needs_check) != 0 || strlen(buf) >= key_len) {
		*needs_check = 0;
		return -1;
	}
	memcpy(key, buf, strlen(buf) + 1);
	return 0;
}

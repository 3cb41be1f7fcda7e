/*
 * libFuzzer target for name keys: for any bytes, at most max keys, each NUL-terminated inside
 * NAMEGRAM_MAX, non-empty, valid UTF-8 and different from the others, nothing written past
 * them; a query's key fits its buffer exactly, and a name is found by typing itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "namegram.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static size_t
keys_checked(const char *name, char (*keys)[NAMEGRAM_MAX], size_t max)
{
	size_t i, j, n;

	memset(keys, 0x5a, (max + 1) * NAMEGRAM_MAX);
	n = namegram_keys(name, keys, max);
	check(n <= max);
	for (i = 0; i < n; i++) {
		check(memchr(keys[i], '\0', NAMEGRAM_MAX) != NULL);
		check(keys[i][0] != '\0' && text_valid(keys[i], NAMEGRAM_MAX - 1, 1));
		for (j = 0; j < i; j++)
			check(strcmp(keys[i], keys[j]) != 0);
	}
	for (i = 0; i < NAMEGRAM_MAX; i++)
		check((unsigned char)keys[n][i] == 0x5a);
	return n;
}

/* The query's key, in a buffer of exactly len bytes so that ASan sees any overrun. */
static int
query(const char *q, size_t len, char *out)
{
	char *key = malloc(len);
	int needs_check = 7, r;

	check(key != NULL);
	r = namegram_query(q, key, len, &needs_check);
	check((r == 0 || r == -1) && (needs_check == 0 || needs_check == 1));
	if (r == 0) {
		check(memchr(key, '\0', len) != NULL && key[0] != '\0');
		check(text_valid(key, NAMEGRAM_MAX - 1, 1));
		memcpy(out, key, strlen(key) + 1);
	}
	free(key);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char keys[NAMEGRAM_KEYS_MAX + 1][NAMEGRAM_MAX];
	char *s = malloc(size + 1), key[NAMEGRAM_MAX];
	size_t i, n, few;

	check(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	few = size > 0 ? data[0] % 8 : 0;
	check(keys_checked(s, keys, few) <= few);
	n = keys_checked(s, keys, NAMEGRAM_KEYS_MAX);
	check(text_valid(s, (size_t)-1, 0) || n == 0);
	if (query(s, NAMEGRAM_MAX, key) == 0) {
		for (i = 0; i < n && strcmp(keys[i], key) != 0; i++)
			continue;
		check(i < n);	/* typed in full, a name finds itself */
		check(query(s, strlen(key) + 1, key) == 0);
		check(query(s, strlen(key), key) == -1);
	}
	free(s);
	return 0;
}

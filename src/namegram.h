/*
 * The keys a person's name is indexed under (table name_grams), so that any part of it is
 * found, including the two-character fragments FTS5's trigram tokenizer cannot find, and
 * its pinyin initials. See docs/search.md.
 */
#ifndef CUSTODY_NAMEGRAM_H
#define CUSTODY_NAMEGRAM_H

#include <stddef.h>

#define NAMEGRAM_MAX 32		/* bytes of one key, with its NUL */
#define NAMEGRAM_KEYS_MAX 64	/* keys of one name at most */

/*
 * The index keys of a UTF-8 name, at most max of them into out; returns how many. Keys:
 * each Chinese character; each two neighbouring characters of a part of the name (parts are
 * split by spaces and middle dots; ASCII letters folded to lower case); '#' and each word of
 * 2 to 16 ASCII letters; '#' and each run of 2 to 16 pinyin initials (the first character
 * read as a surname), e.g. 张三丰: 张 张三 三 三丰 丰 #zs #zsf #sf. No keys for invalid UTF-8.
 */
size_t namegram_keys(const char *name, char out[][NAMEGRAM_MAX], size_t max);
/*
 * The pinyin initials of a whole name, in lower case, into out ("ly" for 刘洋, "zsf" for
 * 张三丰; characters without a known initial are left out); returns how many.
 */
size_t namegram_initials(const char *name, char *out, size_t size);
/*
 * The one key to look a query up by, into key. Returns 0 and sets *needs_check to 1 when
 * the query is longer than the key (the caller confirms with instr(name, query)), to 0 when
 * the key alone answers it; returns -1 when the query cannot be part of a name (empty, more
 * than 64 bytes, digits, invalid UTF-8, a single letter) or the key does not fit key_len.
 * 2 to 16 ASCII letters are pinyin initials or a Latin word: '#' and the letters in lower case.
 */
int namegram_query(const char *query, char *key, size_t key_len, int *needs_check);

#endif

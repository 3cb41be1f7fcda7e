/* The 56 ethnic groups of China with their GB/T 3304-1991 codes, for the registration form. */
#ifndef CUSTODY_ETHNIC_H
#define CUSTODY_ETHNIC_H

#include <stddef.h>

#define ETHNIC_COUNT 58		/* 56 groups, "other", "foreign origin" */

/* Code ("01".."56", "97", "98") and translated name of the i-th entry. */
const char *ethnic_code(size_t i);
const char *ethnic_name(size_t i);
/* The entry of a code, or -1. */
int ethnic_find(const char *code);
/* The entry of a code, a Chinese name with or without 族 ("汉族", "汉"), the English name
 * (any case) or the translated name; -1 for none. */
int ethnic_parse(const char *text);
/* The names, untranslated (N_), for pick lists. */
extern const char *const ethnic_names[ETHNIC_COUNT];

#endif

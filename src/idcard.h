/* The resident identity number of the PRC (GB 11643-1999): structure, check digit, birth, sex. */
#ifndef CUSTODY_IDCARD_H
#define CUSTODY_IDCARD_H

#include <stddef.h>
#include <stdint.h>

struct idcard {
	char number[19];	/* 18 characters, upper-case X */
	char birth[11];		/* YYYY-MM-DD */
	char sex;		/* 'M' or 'F' */
	char region[7];		/* the first six digits */
};

/*
 * Checks an 18-character number (a lower-case x is taken as X, surrounding spaces are
 * trimmed): 17 digits and a check character by ISO 7064 MOD 11-2, a province code of GB/T
 * 2260 (or 81, 82, 83 of the residence permits of Hong Kong, Macao and Taiwan residents), a
 * real date of birth (local time) not after now_ms and not more than 130 years before it.
 * Returns 0 and fills out (may be NULL), or -1 with a translated message in why (may be
 * NULL). The expected check character is never revealed, so a typo is not silently "fixed".
 */
int idcard_check(const char *s, int64_t now_ms, struct idcard *out, char *why, size_t why_len);
/*
 * Whether a typed birth date ("YYYY-MM-DD", or NULL when none was typed) and sex ('M' or
 * 'F') agree with a checked number: 0, or -1 with a translated message in why (may be NULL).
 */
int idcard_cross_check(const struct idcard *id, const char *birth_or_null, char sex, char *why,
    size_t why_len);

#endif

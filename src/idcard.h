/* The resident identity number of the PRC (GB 11643-1999): structure, check digit, birth, sex. */
#ifndef CUSTODY_IDCARD_H
#define CUSTODY_IDCARD_H

#include <stddef.h>
#include <stdint.h>

struct idcard {
	char number[32];	/* 18 characters, upper-case X (other documents: up to 30) */
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

/*
 * The documents a person is registered by: the cards an ID reader reads (resident ID card,
 * residence permit of Hong Kong, Macao and Taiwan residents 'J', foreign permanent resident
 * ID cards of 2017 'I' and 2023 'Y'), documents typed by hand, and none at all.
 */
enum idcard_doc {
	IDDOC_RESIDENT, IDDOC_PERMIT, IDDOC_FOREIGN2017, IDDOC_FOREIGN2023, IDDOC_PASSPORT_CN,
	IDDOC_PASSPORT, IDDOC_HKMO_PERMIT, IDDOC_HOME_RETURN, IDDOC_TAIWAN_PERMIT, IDDOC_OTHER,
	IDDOC_NONE, IDDOC_COUNT
};

/* Stable keys in events ("resident", "permit", ..., "none") and translated labels. */
extern const char *const idcard_doc_keys[IDDOC_COUNT];
extern const char *const idcard_doc_labels[IDDOC_COUNT];	/* N_(), untranslated */
const char *idcard_doc_label(int doc);
/* The label of doc_issues: times issued, on a 2023 foreign card ('Y') times renewed. */
const char *idcard_issues_label(int doc);
/* The document of a key ("" is a resident ID card, as in events before issue 16), or -1. */
int idcard_doc_find(const char *key);
/* The document of a card read by its type (' ', 'J', 'I', 'Y'), or -1. */
int idcard_doc_of_card(char type);
/* Whether the document's number encodes the birth date and sex (resident ID, 'J', 'Y'). */
int idcard_doc_encodes_person(int doc);
/* Whether the document names a nationality (foreign cards and passports). */
int idcard_doc_foreign(int doc);

/*
 * Checks a number by the rules of its document (docs/devices.md, docs/console.md): 0 and out
 * (number normalised to upper case; birth and sex only where the number encodes them, else
 * "" and '\0'), or -1 with a translated message in why.  IDDOC_NONE takes "" only.
 */
int idcard_doc_check(int doc, const char *s, int64_t now_ms, struct idcard *out, char *why,
    size_t why_len);
/*
 * A nationality: three letters of ISO 3166-1 alpha-3 (lower case made upper) into out: 0,
 * or -1 with why.  Any three letters are taken; idcard_country names the common ones.
 */
int idcard_nationality(const char *s, char out[4], char *why, size_t why_len);
/*
 * Whether a checked number agrees with a nationality (alpha-3, upper case): a 2023 card's
 * digits 4-6 are the ISO 3166-1 numeric code, checked for the countries idcard_country
 * names; other documents and other countries pass.  0, or -1 with why.
 */
int idcard_doc_nationality(int doc, const struct idcard *id, const char *nat, char *why,
    size_t why_len);
/*
 * Whether two documents with the same number are the same document: resident, 'J' and 'Y'
 * numbers (GB 11643 form, unique across them) by the number alone; others by type and
 * nationality too.
 */
int idcard_doc_same(int doc_a, const char *nat_a, int doc_b, const char *nat_b);
/*
 * A birth date typed where no number gives one: exactly YYYY-MM-DD, a real date, not in the
 * future nor more than 130 years before now_ms.  0, or -1 with a translated message in why.
 */
int idcard_typed_birth(const char *s, int64_t now_ms, char *why, size_t len);
/* The translated name of a common alpha-3 code, or NULL. */
const char *idcard_country(const char *alpha3);

#endif

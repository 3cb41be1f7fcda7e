/*
 * The register of officers (民警): 警号, name, unit and sex, shared reference data added on an
 * administrator's authority (officer.added), read back from the officers projection; and how
 * a person is named on screens and documents: "刘洋（010231）".
 */
#ifndef CUSTODY_OFFICER_H
#define CUSTODY_OFFICER_H

#include <stddef.h>
#include <stdint.h>

#include "authority.h"
#include "error.h"
#include "event.h"
#include "journal.h"

#define OFFICER_NUMBER_MIN 6	/* characters of a 警号 */
#define OFFICER_NUMBER_MAX 12
#define OFFICER_NAME_MAX 64	/* bytes of UTF-8 */
#define OFFICER_UNIT_MAX 128
#define OFFICER_SHOWN_MAX (OFFICER_NAME_MAX + EV_MAX_ID + 16)	/* "name（number）" */

struct officer {
	char number[OFFICER_NUMBER_MAX + 1];
	char name[OFFICER_NAME_MAX + 1];
	char unit[OFFICER_UNIT_MAX + 1];
	char sex;			/* 'M', 'F' or '\0' when not known */
	char added_by[EV_MAX_ID + 1];
};

/* 1 for 6 to 12 letters, digits, '-', '_' or '.'. */
int officer_number_ok(const char *number);
/* "M", "F", 男, 女, male, female, 1, 2 (GB/T 2261.1) into 'M' or 'F'; "" into '\0'; -1 else. */
int officer_sex_parse(const char *s, char *out);
/* The fields' checks, the same for officer_add, the CSV import and officer.added from others. */
int officer_valid(const struct officer *o, struct errmsg *em);

/*
 * Adds an officer (officer.added) on the authority of an administrator present at this
 * terminal (operator_unlock). Refuses no authority, bad fields and a number already held
 * (CST_ERR_EXISTS).
 */
int officer_add(struct journal *j, const struct authority *by, const struct officer *o,
    struct errmsg *em);

int officer_get(struct journal *j, const char *number, struct officer *out, struct errmsg *em);
int officer_count(struct journal *j, int64_t *count, struct errmsg *em);
/* Calls fn for each officer by number; fn returns non-zero to stop. */
int officer_each(struct journal *j, int (*fn)(void *arg, const struct officer *o), void *arg,
    struct errmsg *em);
/*
 * At most max officers matching query: a number starting with it, a name holding it, or
 * pinyin initials starting with it ("ly" for 刘洋), exact numbers first; *n how many.
 */
int officer_search(struct journal *j, const char *query, struct officer *out, int max, int *n,
    struct errmsg *em);

/*
 * A person meant by a number or an operator id, as people read it: "刘洋（010231）" for a
 * registered officer, "王强（s1）" for an operator, the number or id alone when neither knows it.
 */
void officer_shown(struct journal *j, const char *number, char *out, size_t size);
void operator_shown(struct journal *j, const char *id, char *out, size_t size);
/* An officer's number or else an operator's id, shown as above. */
void person_shown(struct journal *j, const char *number_or_id, char *out, size_t size);
/* Two of them: "刘洋（010231）、张伟（010232）" (b may be empty). */
void officer_pair_shown(struct journal *j, const char *a, const char *b, char *out,
    size_t size);
/* The name alone of an officer or operator (the number or id when not known). */
void person_name_of(struct journal *j, const char *number_or_id, char *out, size_t size);

#endif

/*
 * Corrections of recorded facts (record.corrected): which fields of a registration may be
 * corrected, their current values, and the corrections a visit has had (read from the
 * projection), for screens and documents. The action itself is intake_correct (intake.h).
 */
#ifndef CUSTODY_CORRECT_H
#define CUSTODY_CORRECT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "intake.h"
#include "journal.h"
#include "visit.h"

/* The fields a correction may amend, in the order the correction form lists them. */
#define CORRECT_FIELDS 10
extern const char *const correct_field_keys[CORRECT_FIELDS];
/* The index of a field key, or -1. */
int correct_field_index(const char *key);
/* A field's translated label (the registration form's). */
const char *correct_field_label(const char *key);
/* A field's value in the visit as recorded now ("" for an unknown field). */
void correct_current(const struct visit *v, const char *key, char *out, size_t size);

struct correction {
	char field[16];
	char old[IN_TEXT_MAX + 1];
	char new_[IN_TEXT_MAX + 1];
	char reason[IN_TEXT_MAX + 1];
	char approved_by[EV_MAX_ID + 1];
	char operator_[EV_MAX_ID + 1];
	int64_t ts;
};

/* The corrections of a visit, oldest first, at most max. */
int correct_list(struct journal *j, const char *visit, struct correction *out, size_t max,
    size_t *n, struct errmsg *em);
/* The first correction of a field in a list (its original value), or NULL. */
const struct correction *correct_first(const struct correction *l, size_t n,
    const char *field);
/* The last correction of a field in a list (who approved the value now shown), or NULL. */
const struct correction *correct_last(const struct correction *l, size_t n,
    const char *field);

#endif

/*
 * Corrections of recorded facts (record.corrected): which fields of a registration may be
 * corrected, their current values, and the corrections a visit has had (read from the
 * projection), for screens and documents. The action itself is intake_correct (intake.h).
 */
#ifndef CUSTODY_CORRECT_H
#define CUSTODY_CORRECT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "intake.h"
#include "journal.h"
#include "visit.h"

/* The fields a correction may amend, in the order the correction form lists them. */
#define CORRECT_FIELDS 15
extern const char *const correct_field_keys[CORRECT_FIELDS];
/* The index of a field key, or -1. */
int correct_field_index(const char *key);
/* A field's translated label (the registration form's). */
const char *correct_field_label(const char *key);
/* The same for this visit's document (doc_issues: times renewed on a 2023 foreign card). */
const char *correct_field_label_for(const struct visit *v, const char *key);
/*
 * Whether a field applies to the visit's document (issue 16): nationality and English name
 * to foreign documents, pass number and times issued to residence permits and 2023 foreign
 * cards, the note to a person without one; every field with a value applies.
 */
int correct_field_applies(const struct visit *v, const char *key);
/* A field's value in the visit as recorded now ("" for an unknown field). */
void correct_current(const struct visit *v, const char *key, char *out, size_t size);

struct correction {
	char field[48];		/* a registration field, or an item's key (below) */
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

/*
 * The value a field shows now: the newest correction's, else the recorded one (for the
 * fields kept verbatim, such as a search's items).
 */
const char *correct_value(const struct correction *l, size_t n, const char *field,
    const char *recorded);

/*
 * Items of a search or of the belongings list. Their key names the item as this terminal
 * numbers it: "search.K.I.FIELD" (item I, from 0, of the visit's K-th search) or
 * "belonging.N.FIELD" (belonging N of the list). The event names the recorded event and the
 * item's index in it instead, which every terminal resolves the same way.
 */
#define CORRECT_ITEM_FIELDS 3
extern const char *const correct_item_fields[CORRECT_ITEM_FIELDS];	/* description… */
struct correct_item {
	int search;		/* 1: a search's item, 0: a belonging */
	int place;		/* K (the search) or N (the belonging), from 1 */
	int index;		/* I: the item in the search, from 0 */
	char field[16];		/* description, quantity, unit */
};
/* A field's or an item's field's translated label ("Belonging 2: Quantity"). */
void correct_label(const char *key, char *out, size_t size);
/* Parses an item's key; -1 when it is not one. */
int correct_item_parse(const char *key, struct correct_item *it);
void correct_item_key(const struct correct_item *it, char *out, size_t size);
/* An item's field as it shows now (its key: "search.1.0.description"…). */
int correct_item_current(struct journal *j, const char *visit, const char *key, char *out,
    size_t size, struct errmsg *em);
/* The event that recorded the item and its index there (it -> terminal, seq, index). */
int correct_item_event(sqlite3 *db, const char *visit, const struct correct_item *it,
    char terminal[EV_MAX_ID + 1], int64_t *seq, int *index, struct errmsg *em);
/* The reverse: the item recorded at index of event (terminal, seq) of kind (it->field
 * untouched); CST_ERR_NOTFOUND when that event has no such item of this visit. */
int correct_item_place(sqlite3 *db, const char *visit, const char *kind,
    const char *terminal, int64_t seq, int index, struct correct_item *it,
    struct errmsg *em);

#endif

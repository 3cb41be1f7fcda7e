/*
 * Conflicts of ids held twice (docs/journal.md, "Conflicts"): a band bound to two people or an
 * item code or tag given to two items by terminals that could not see each other. The
 * projection finds them (proj-conflict.c); this module lists them, records each once as a
 * signed conflict.detected event, and resolves one with a supervisor's conflict.resolved.
 */
#ifndef CUSTODY_CONFLICT_H
#define CUSTODY_CONFLICT_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "intake.h"
#include "journal.h"
#include "uuid.h"

#define CONFLICT_IDENT_MAX 320	/* kind:id:terminal:seq:terminal:seq */
#define CONFLICT_OPEN_MAX 200	/* listed at once; a real center has a handful */

/* One claiming event: what it was about, where, when and by whom. */
struct conflict_side {
	const char *subject, *terminal, *operator_;
	int64_t seq, ts;
};

/* The identity of a conflict (sides in (terminal, seq) order) and the UUID made of it. */
void conflict_ident(const char *kind, const char *held, const struct conflict_side *a,
    const struct conflict_side *b, char *ident, size_t size, char id[UUID_LEN + 1]);

struct conflict_party {
	char subject[EV_MAX_ID + 1];
	char terminal[EV_MAX_ID + 1];
	char operator_[EV_MAX_ID + 1];
	int64_t seq, ts;
	char what[IN_TEXT_MAX + 66];	/* the person's name or the item's code and description */
	int holds;			/* still holds the id */
};

struct conflict {
	char id[UUID_LEN + 1];
	char kind[8];			/* band, code, tag */
	char held[IN_TEXT_MAX + 1];	/* the band, code or tag */
	struct conflict_party a, b;
	int recorded;			/* a conflict.detected event holds it */
	int64_t resolved_ts;		/* 0 while open */
	char keep[EV_MAX_ID + 1];
};

struct conflict_list {
	struct conflict *v;
	size_t n;
};
void conflict_list_free(struct conflict_list *l);

/* The open conflicts, oldest first. */
int conflict_open(struct journal *j, struct conflict_list *out, struct errmsg *em);
int conflict_get(struct journal *j, const char *id, struct conflict *out, struct errmsg *em);
int conflict_count_open(struct journal *j, int64_t *n, struct errmsg *em);
/*
 * Appends a conflict.detected event (operator "system") for each conflict that no event of any
 * terminal holds yet, with an action id made of its identity, so that this terminal records
 * it once; *recorded (may be NULL) counts them. Called by the console each second.
 */
int conflict_record_new(struct journal *j, int *recorded, struct errmsg *em);
/*
 * Resolves an open conflict with a supervisor's credentials and a reason: the side keep_a
 * (or b) keeps the id, the other loses it by an event of its own (band.unbound, item.recoded
 * with the case's next code, item.tagged without a tag), then conflict.resolved.
 */
int conflict_resolve(struct intake *in, const char *id, int keep_a, const char *supervisor,
    const char *password, const char *reason, struct intake_error *err);
const char *conflict_kind_label(const char *kind);

#endif

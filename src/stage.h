/*
 * The loop of rooms and its rules (DESIGN.md section 5): which action a visit allows in the
 * state it is in. Pure: the facts come from the projections, the answer is yes or a reason.
 */
#ifndef CUSTODY_STAGE_H
#define CUSTODY_STAGE_H

#include <stddef.h>

enum stage {
	STAGE_REGISTERED = 1,
	STAGE_SEARCHED = 2,
	STAGE_BELONGINGS = 3,
	STAGE_COLLECTED = 4,
	STAGE_WAITING = 5,
	STAGE_INTERROGATION = 6,
	STAGE_EXITED = 7
};

enum action {
	ACT_SEARCH,
	ACT_BELONGINGS,
	ACT_COLLECT,
	ACT_WAIT,		/* into a waiting room */
	ACT_INTERROGATE,	/* into an interrogation room */
	ACT_TEMP_EXIT,
	ACT_TEMP_RETURN,
	ACT_EXIT,
	ACT_COUNT
};

/* What the rules look at, read from the projections of one visit. */
struct stage_facts {
	enum stage stage;
	int searched;		/* at least one search recorded */
	int belongings;		/* the belongings list was logged */
	int collected;		/* every collection item done or skipped with a reason */
	int temp_out;		/* a temporary exit is open */
	int items_held;		/* belongings still held (not returned, not moved to property) */
	int band_bound;
	int override;		/* an unused supervisor override for this action */
};

/*
 * CST_OK when the action is allowed; otherwise CST_ERR_ARG with why set (translated). When
 * *needs_override is set, a supervisor's override would allow it; hard conditions (the visit
 * has left, a temporary exit is open, items still held at exit) cannot be overridden.
 */
int stage_check(const struct stage_facts *f, enum action a, int *needs_override, char *why,
    size_t whylen);

/* The stage after an event of the action (rooms set the stage; steps only move it forward). */
enum stage stage_after(enum stage now, enum action a, int collected_now);

/* Display names, translated. */
const char *stage_label(enum stage s);
const char *action_label(enum action a);
/* Stable names used in event bodies ("interrogate"); NULL for an out-of-range value. */
const char *action_key(enum action a);
int action_from_key(const char *key, enum action *out);

#endif

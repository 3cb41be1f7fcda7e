/* Projections: the state tables computed from events, updated in the event's transaction. */
#ifndef CUSTODY_PROJECT_H
#define CUSTODY_PROJECT_H

#include <sqlite3.h>

#include "error.h"
#include "event.h"

struct project;	/* prepared statements for one database */

struct project *project_new(sqlite3 *db);
void project_free(struct project *p);

/* Applies one stored event to the projection tables; runs inside the caller's transaction. */
int project_apply(struct project *p, const struct event *ev, struct errmsg *em);
/*
 * The checks an event passes before project_apply, here or from another terminal
 * (src/evcheck.c), against the center key pinned in this file. A journal with no pin yet
 * pins the center of the first valid authority it checks (by arrival order). CST_OK, or
 * CST_ERR_INPUT / CST_ERR_PERM with the reason: the event must not reach a projection.
 */
int project_check(struct project *p, const struct event *ev, struct errmsg *em);
/* The center key pinned in this file: CST_OK, or CST_ERR_NOTFOUND when none is yet. */
int project_center(struct project *p, unsigned char pk[CRY_PK_BYTES], struct errmsg *em);
/*
 * The ledger's order of one event (its pull cursor), learned by sync: kept in ledger_order
 * and, for an operator's addition, the winner among additions of that id chosen again.
 */
int project_note_order(struct project *p, const char *terminal, int64_t seq, int64_t cursor,
    struct errmsg *em);
/*
 * Rebuild: the events about to be applied arrived before this file learned the checks
 * (docs/journal.md, "Authority"), or not; 0 outside a rebuild.
 */
void project_set_legacy(struct project *p, int legacy);
int project_legacy(struct project *p);
/* This file's own terminal ("" when not known): login events count only from it. */
const char *project_self(struct project *p);

/* Empties every projection table (before a rebuild); inside the caller's transaction. */
int project_reset(struct project *p, struct errmsg *em);

/*
 * For the apply functions (src/proj-*.c): a statement prepared once per database and reset
 * for reuse. sql must be a string literal: it is cached by its address.
 */
int project_stmt(struct project *p, const char *sql, sqlite3_stmt **st, struct errmsg *em);
/* Steps a write statement to its end and resets it; CST_OK or the database's error. */
int project_run(struct project *p, sqlite3_stmt *st, struct errmsg *em);
sqlite3 *project_db(struct project *p);

/* Reads the public key from a terminal.created body: CST_OK, or CST_ERR_INPUT with a reason. */
int project_created_key(const struct event *ev, unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em);

#endif

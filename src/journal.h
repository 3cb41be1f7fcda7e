/*
 * The journal: an append-only, signed, hash-chained log of events in SQLite (docs/journal.md).
 * journal_append returns only after the transaction, with its projections, committed.
 */
#ifndef CUSTODY_JOURNAL_H
#define CUSTODY_JOURNAL_H

#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "event.h"

#define JOURNAL_APP_ID 0x43535459u	/* "CSTY" in the SQLite header */

struct journal;
struct sqlite3_stmt;

enum {
	JOURNAL_RDONLY = 1,	/* never writes: log, verify */
	JOURNAL_CREATE = 2	/* create the file (init) */
};

int journal_open(const char *path, int flags, struct journal **out, struct errmsg *em);
void journal_close(struct journal *j);

/* The terminal whose chain journal_append extends, and its secret key (copied). */
void journal_set_signer(struct journal *j, const char *terminal,
    const unsigned char sk[CRY_SK_BYTES]);

/*
 * Appends one event of this terminal: next seq, prev = hash of the last one, ts from the clock,
 * checked (project_check: CST_ERR_INPUT or CST_ERR_PERM, nothing written), hashed and signed,
 * projections updated, all in one transaction; returns after COMMIT.
 * out, when not NULL, receives the stored event (event_clear it). After a failed write the
 * journal stops: every later append fails with CST_ERR_STOPPED until it is reopened.
 */
int journal_append(struct journal *j, const char *operator_, const char *kind,
    const char *subject, const char *body, size_t body_len, struct event *out,
    struct errmsg *em);

/*
 * journal_append for a user action (DESIGN.md §4): body carries "action_id":"<action>"
 * (record.c writes it), and an action is recorded at most once. When this terminal's journal already
 * holds an event with this action id (a redo of an append reported failed whose write did
 * reach the disk, or of one that succeeded), nothing is appended: *already is set to 1 and out
 * receives that event. action NULL: an event of no user action (journal_append). already may
 * be NULL.
 */
int journal_append_action(struct journal *j, const char *action, const char *operator_,
    const char *kind, const char *subject, const char *body, size_t body_len,
    struct event *out, int *already, struct errmsg *em);

/*
 * Stores another terminal's event verbatim after checking its fields, signature (against the
 * key from that terminal's terminal.created) and its link to that terminal's chain. An exact
 * duplicate is accepted and *stored set to 0; a different event at the same seq is a fork
 * (CST_ERR_VERIFY); a gap is CST_ERR_VERIFY too. An event that then fails the checks every
 * event passes (project_check: its body's fields, the center's authority) is stored all the
 * same, so its chain stays whole, but not applied: journal_unapplied says why.
 */
int journal_store_foreign(struct journal *j, const struct event *ev, int *stored,
    struct errmsg *em);

struct jw;
/* journal_append of the body written in w, which is freed whatever happens. */
int journal_append_jw(struct journal *j, const char *operator_, const char *kind,
    const char *subject, struct jw *w, struct errmsg *em);

/*
 * While reason is not "" (a heal from the ledger is under way), journal_append refuses with
 * CST_ERR_BUSY and reason; "" or NULL lets it append again. Foreign stores and the heal go on.
 */
void journal_hold(struct journal *j, const char *reason);

/*
 * Heals this terminal's own chain from the ledger (docs/journal.md, "Healing"): stores ev, an
 * event of this terminal as the ledger holds it, after checking its fields, hash, link and
 * signature by pk (this terminal's key). When the journal holds another event at that seq
 * (it was rolled back and went on), that event and every later one of this terminal are
 * first moved to the forked table and kept verbatim (*moved counts them). The same event
 * already held is not stored again (*stored 0). CST_ERR_VERIFY or CST_ERR_INPUT for an
 * event that does not check; nothing is written then.
 */
int journal_heal_store(struct journal *j, const struct event *ev,
    const unsigned char pk[CRY_PK_BYTES], int *stored, int64_t *moved, struct errmsg *em);
/*
 * Ends a batch of journal_heal_store calls, inside that batch: recomputes the projections
 * when events were moved and, when the chain is complete (the ledger has no more), records
 * each forked event not yet re-recorded again, verbatim (same operator, kind, subject, body
 * and ts) on top of the healed chain, each followed by journal.forked naming the original's
 * terminal, seq and hash and the new seq.
 */
int journal_heal_end(struct journal *j, int complete, int64_t *rerecorded, struct errmsg *em);

/* The last seq (0 if none) and its hash (zeros if none) of a terminal's chain. */
int journal_head(struct journal *j, const char *terminal, int64_t *seq,
    unsigned char hash[CRY_HASH_BYTES], struct errmsg *em);

struct journal_filter {
	const char *terminal;	/* NULL: all */
	const char *kind;	/* NULL: all; "person.*" matches the prefix "person." */
	const char *subject;	/* NULL: all */
	int64_t since_ms;	/* events with ts >= since_ms; 0: all */
};

/* Calls fn for each matching event in time order; fn returns non-zero to stop early. */
int journal_each(struct journal *j, const struct journal_filter *f,
    int (*fn)(const struct event *ev, void *arg), void *arg, struct errmsg *em);

/*
 * Calls fn for the events of one terminal with seq > after_seq in seq order, at most max of
 * them, through the primary key (sync reads its backlog this way); fn returns non-zero to stop.
 */
int journal_chain(struct journal *j, const char *terminal, int64_t after_seq, int64_t max,
    int (*fn)(const struct event *ev, void *arg), void *arg, struct errmsg *em);

struct journal_fault {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	const char *field;	/* the column or check that failed */
	char text[ERRMSG_MAX];
};

struct journal_stats {
	int64_t terminals, events, faults;
};

/*
 * Checks every terminal's chain: seq from 1 without gaps, fields, prev links, hashes and
 * signatures. Calls fault() with the first bad event of each bad chain. own_terminal and
 * own_pk, when given, must match that terminal's terminal.created key. Returns CST_OK when
 * every chain checks, CST_ERR_VERIFY when one does not, another status when it could not read.
 */
int journal_verify(struct journal *j, const char *own_terminal,
    const unsigned char *own_pk, void (*fault)(const struct journal_fault *f, void *arg),
    void *arg, struct journal_stats *stats, struct errmsg *em);

/* This file's own terminal name from the local table, into buf; CST_ERR_NOTFOUND if none. */
int journal_local_get(struct journal *j, const char *name, char *buf, size_t size,
    struct errmsg *em);
int journal_local_set(struct journal *j, const char *name, const char *value,
    struct errmsg *em);

/* The public key a terminal announced in its terminal.created event. */
int journal_terminal_key(struct journal *j, const char *terminal,
    unsigned char pk[CRY_PK_BYTES], struct errmsg *em);

/*
 * Groups many appends (or foreign stores) in one transaction: each call then commits nothing
 * by itself, and journal_batch_end commits them all (or rolls them all back on failure).
 * For bulk loads and sync; the console appends one event per transaction.
 */
int journal_batch_begin(struct journal *j, struct errmsg *em);
int journal_batch_end(struct journal *j, struct errmsg *em);
/* Rolls the batch back: nothing of it is written. */
void journal_batch_abort(struct journal *j);

/*
 * After a failed write (docs/journal.md, "What a failed write leaves behind"). The journal
 * stops, and leaves a record of the stop beside the database (DB-stopped) that outlives the
 * program: when, the reason, and the append that failed (operator, kind, subject, action; ""
 * when the failed write was no user's).
 */
struct journal_stop {
	int64_t ts;
	char operator_[EV_MAX_ID + 1];
	char kind[EV_MAX_KIND + 1];
	char subject[EV_MAX_ID + 1];
	char action[EV_MAX_ID + 1];
	char reason[ERRMSG_MAX];
};

/* 1 when this journal stopped writing (until journal_reopen). */
int journal_stopped(const struct journal *j);
/* The record of the last stop, of this run or an earlier one: CST_OK or CST_ERR_NOTFOUND. */
int journal_stop_get(struct journal *j, struct journal_stop *out, struct errmsg *em);
/* Forgets the record, once the operator it concerns has seen what was recorded. */
int journal_stop_clear(struct journal *j, struct errmsg *em);
/*
 * Closes the database and opens it again, as a restart of the program would: SQLite replays
 * its WAL, so an append reported failed whose write reached the disk shows (or not), and a
 * stopped journal writes again. The signer is kept. Fails with CST_ERR_BUSY (and changes
 * nothing) while a statement prepared on journal_db() elsewhere is not finalized; when the
 * file cannot be opened again the journal stays stopped and closed (every call fails).
 */
int journal_reopen(struct journal *j, struct errmsg *em);
/* The event of terminal (NULL: the signer's) that carries action, into out (event_clear it)
 * with *found. */
int journal_action_event(struct journal *j, const char *terminal, const char *action,
    struct event *out, int *found, struct errmsg *em);
/* The last event of terminal by operator_, logins aside, into out with *found. */
int journal_last_of(struct journal *j, const char *terminal, const char *operator_,
    struct event *out, int *found, struct errmsg *em);

/* The database handle, for the read models (src/visit.c, src/operator.c): reads only. */
struct sqlite3 *journal_db(struct journal *j);
/*
 * A read statement on journal_db() prepared once and kept until the journal closes or
 * reopens, for a lookup made at every keystroke (src/visit.c): sql is a string constant of
 * the caller (found by its address); *st comes reset and unbound; the caller resets it after
 * use.  At most a few callers.
 */
int journal_read_stmt(struct journal *j, const char *sql, struct sqlite3_stmt **st,
    struct errmsg *em);

/*
 * Recomputes every projection from the events alone, in one transaction; events that came
 * after this file learned the checks (docs/journal.md, "Authority") pass them again.
 */
int journal_rebuild(struct journal *j, struct errmsg *em);

/*
 * Why a foreign event was stored but not applied (it failed the checks): CST_OK and the
 * reason, or CST_ERR_NOTFOUND when it was applied (or is not held).
 */
int journal_unapplied(struct journal *j, const char *terminal, int64_t seq, char *reason,
    size_t size, struct errmsg *em);
/* How many foreign events were stored but not applied, and the first of them in words. */
int journal_unapplied_count(struct journal *j, int64_t *count, char *first, size_t size,
    struct errmsg *em);

/*
 * The ledger's order of an event (its pull cursor), for reference data whose conflicts it
 * decides: sync calls it for every event of a pull page, this terminal's own included.
 */
int journal_note_order(struct journal *j, const char *terminal, int64_t seq, const char *kind,
    int64_t cursor, struct errmsg *em);

/* Pins the center key (docs/journal.md, "Authority"); CST_ERR_EXISTS if another is pinned. */
int journal_pin_center(struct journal *j, const unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em);
/* The pinned center key, or CST_ERR_NOTFOUND. */
int journal_center(struct journal *j, unsigned char pk[CRY_PK_BYTES], struct errmsg *em);
/* The terminal whose chain journal_append extends, or NULL when not open for signing. */
const char *journal_signer(struct journal *j);

#endif

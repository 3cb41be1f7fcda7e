/*
 * What the sync engine records in the terminal's own journal about the ledger (docs/sync.md):
 * a refused push, a journal healed from the ledger, a clock far from the ledger's, and the
 * board's alerts for each.
 */
#ifndef CUSTODY_SYNC_NOTE_H
#define CUSTODY_SYNC_NOTE_H

#include <stdint.h>

#include "error.h"
#include "journal.h"

/* Alert rules about a terminal (docs/supervision.md); the rules engine leaves them alone. */
#define SYNC_RULE_REFUSED "sync_refused"
#define SYNC_RULE_ROLLBACK "journal_rollback"
#define SYNC_RULE_SKEW "clock_skew"
#define SYNC_RULE_LOG "log_inconsistent"

/* sync.refused: the ledger refused a push, with its HTTP status, code, message and seq. */
int sync_note_refused(struct journal *j, const char *terminal, long http, const char *code,
    const char *message, int64_t seq, struct errmsg *em);

struct sync_heal {
	int64_t ledger_seq;	/* the ledger's head of this terminal when the heal began */
	int64_t from_seq;	/* the journal's head then */
	int64_t restored;	/* events stored back from the ledger */
	int64_t forked;		/* own events moved aside (the forked tail) */
	int64_t rerecorded;	/* of those, re-recorded on top of the healed chain */
};

/* journal.healed: the journal was behind the ledger (rolled back) and was healed. */
int sync_note_healed(struct journal *j, const char *terminal, const struct sync_heal *h,
    struct errmsg *em);

/* clock.skew: this terminal's clock and the ledger's at one moment (ms since 1970). */
int sync_note_skew(struct journal *j, const char *terminal, int64_t terminal_time,
    int64_t ledger_time, struct errmsg *em);

/* A checkpoint of the ledger's log, as its events name it: size and root; size -1 for none. */
struct sync_log_point {
	int64_t size;
	unsigned char root[32];
};

/* sync.log_refused: what failed (code, in words) and the checkpoints before and offered. */
int sync_note_log_refused(struct journal *j, const char *terminal, const char *code,
    const char *why, const struct sync_log_point *old, const struct sync_log_point *offered,
    struct errmsg *em);

/* sync.log_trusted: administrator admin accepted the log again, from old to now. */
int sync_note_log_trusted(struct journal *j, const char *terminal, const char *admin,
    const char *refusal, const struct sync_log_point *old, const struct sync_log_point *now,
    struct errmsg *em);

/*
 * Keeps the alert rule about terminal in step with its condition: on raises it at level with
 * data (a JSON object) unless one is open; off clears an open one, or, when ack_first, only
 * once a supervisor has acknowledged it (an incident someone must have seen).
 */
int sync_alert(struct journal *j, const char *terminal, const char *rule, int level,
    const char *data, int on, int ack_first, struct errmsg *em);

#endif

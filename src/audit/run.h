/*
 * One run of custody-audit's check, shared by its phases: the log (log.c), the events
 * (events.c), the consistency with the state file and the report (check.c).
 */
#ifndef AUDIT_RUN_H
#define AUDIT_RUN_H

#include "audit.h"

/* What the run knows of one terminal: its place in the log and in its chain of events. */
struct audit_term {
	char name[EV_MAX_ID + 1];
	int64_t log_seq;		/* the last seq its entries reached in the log */
	int log_epoch;			/* the run's unread_bundles when log_seq was set */
	int64_t ev_seq;			/* the last seq of its events, as pulled */
	unsigned char ev_hash[CRY_HASH_BYTES];
	unsigned char pk[CRY_PK_BYTES];	/* from its terminal.created */
	int has_pk;
	int64_t events;
};

struct audit_terms {
	struct audit_term **slot;	/* open addressing by name */
	size_t cap, n;
};
/* The terminal's record, made on first sight. */
struct audit_term *audit_term(struct audit_terms *t, const char *name);
void audit_terms_free(struct audit_terms *t);

struct audit_run {
	const struct audit_opts *o;
	struct fetch *f;
	struct fetch_signer who;
	int have_key;
	struct audit_vkey vk;
	char note_text[CKPT_NOTE_MAX];	/* the newest checkpoint as served */
	size_t note_len;
	struct note note;
	struct checkpoint cp;
	unsigned char (*leaves)[TLOG_HASH_BYTES];	/* cp.size, from the entries */
	int64_t bundles, tiles, events;
	int unread_bundles;		/* entry bundles that could not be read, so far */
	struct audit_terms terms;
	int64_t findings, first_bad;	/* first_bad: lowest leaf named; -1 none */
	/* the last entry bundle read again to name an entry in a finding */
	int64_t cached_bundle;
	unsigned char *cache;
	size_t cache_len;
};

/* A problem: printed (the first ones) with its leaf when leaf >= 0, and counted. */
void audit_find(struct audit_run *r, int64_t leaf, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The log: the newest checkpoint (its signature with the vkey), every entry bundle and tile,
 * the tree rebuilt and its root compared. CST_OK when it could check (findings counted),
 * another status when it could not.
 */
int audit_log(struct audit_run *r, struct errmsg *em);
/* Entry index as the ledger serves it (read again): 0, or -1 when it cannot be had. */
int audit_entry(struct audit_run *r, int64_t index, char terminal[EV_MAX_ID + 1],
    int64_t *seq, unsigned char hash[CRY_HASH_BYTES]);
/* The events: the signed pull, each event checked and matched with its leaf. */
int audit_events(struct audit_run *r, struct errmsg *em);

#endif

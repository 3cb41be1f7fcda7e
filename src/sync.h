/*
 * The sync client (docs/sync.md): pushes this terminal's events to custody-ledger and pulls
 * the other terminals' events, over HTTPS with libcurl's multi interface driven by the
 * console's poll loop, so that no call ever blocks a screen.
 */
#ifndef CUSTODY_SYNC_H
#define CUSTODY_SYNC_H

#include <limits.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "event.h"
#include "journal.h"
#include "loop.h"
#include "sync-note.h"

#define SYNC_URL_MAX 256
#define SYNC_PIN_MAX 256
#define SYNC_PUSH_EVENTS 500		/* events in one push */
#define SYNC_PULL_EVENTS 500		/* events asked for in one pull */

/* Where the ledger is and how to trust it: kept in the journal's local table (sync.*). */
struct sync_conf {
	char url[SYNC_URL_MAX];		/* https://host[:port], no path */
	char ca[PATH_MAX];		/* CA file the ledger's certificate must chain to */
	char pin[SYNC_PIN_MAX];		/* "sha256//BASE64[;sha256//...]" or "" */
	char cert[PATH_MAX];		/* TLS client certificate (PEM) or "" */
	char key[PATH_MAX];		/* its key or "" */
	unsigned char ledger_pk[CRY_PK_BYTES];	/* signs receipts; learnt at enroll */
	/* Timing: sync_conf_defaults sets them, tests shorten them. */
	int64_t backoff_base_ms;	/* first retry ceiling: 1 s */
	int64_t backoff_max_ms;		/* largest retry ceiling: 5 min */
	int64_t poll_ms;		/* between rounds while all is well: 5 s */
	int64_t timeout_ms;		/* one request, connect to last byte: 2 min */
	int64_t connect_timeout_ms;	/* 10 s */
	int push_events;		/* events per push, 1..SYNC_PUSH_EVENTS */
	int64_t skew_max_ms;		/* [sync] clock_skew_max: a larger offset is noted: 60 s */
	int learn_key;			/* custody restore: take the ledger's key from its answer */
};

void sync_conf_defaults(struct sync_conf *cf);
/* Checks the URL (https, no path, no user part) and the pin syntax. */
int sync_conf_check(const struct sync_conf *cf, struct errmsg *em);
/* The conf saved by enroll; CST_ERR_NOTFOUND when this terminal is not enrolled. */
int sync_conf_load(struct journal *j, struct sync_conf *cf, struct errmsg *em);
/* Saves cf as this terminal's ledger (custody restore); a new URL starts push and pull over. */
int sync_conf_save(struct journal *j, const struct sync_conf *cf, struct errmsg *em);

/* libcurl's global start, once a process (sync, and the command line's src/fetch.c). */
void sync_curl_init(void);
/*
 * Every option of a libcurl handle (a CURL *) that concerns trust, from cf: https only, no
 * redirect, TLS 1.2 at least, the peer verified against cf's CA alone, its pin, the client
 * certificate, the timeouts. Verification is on and cannot be turned off.
 */
void sync_curl_trust(void *easy, const struct sync_conf *cf);
struct json;
/* The error object of an answer: its code and message, and "acked" when present (else -1). */
void sync_read_error(const struct json *root, char *code, size_t code_size, char *msg,
    size_t msg_size, int64_t *acked);

/*
 * custody enroll: presents token and this terminal's public key to the ledger at cf->url
 * (blocking: for the command line only), learns the ledger's key and saves the conf. A new
 * ledger URL starts the push and pull from the beginning.
 */
int sync_enroll(struct journal *j, struct sync_conf *cf, const char *terminal,
    const char *token, const unsigned char pk[CRY_PK_BYTES], struct errmsg *em);

enum sync_link {
	SYNC_UNKNOWN,		/* nothing tried yet */
	SYNC_ONLINE,		/* the last request was answered */
	SYNC_OFFLINE		/* the last request failed: backing off */
};

struct sync_status {
	int enrolled;
	enum sync_link link;
	int64_t head, acked, backlog;	/* own chain: last seq, acknowledged by the ledger, the rest */
	int64_t oldest_ts;		/* ts of the oldest unsent event, 0 when none */
	int64_t cursor;			/* the pull's ledger cursor */
	int64_t pulled;			/* foreign events stored by this engine */
	int64_t refused;		/* foreign events refused (fork, signature, gap), ever */
	int64_t receipt_seq, receipt_time;	/* the last receipt; 0 when none */
	int64_t last_contact;		/* when the ledger last took or gave events (ms) */
	int failures;			/* consecutive failed requests */
	int64_t retry_in_ms;		/* while backing off */
	char last_error[ERRMSG_MAX];	/* "" when the last request succeeded */
	char last_refused[ERRMSG_MAX];	/* why the last foreign event was refused */
	char refusal[ERRMSG_MAX];	/* why the ledger refused this terminal's push; "" if not */
	int64_t offset_ms;		/* ledger's clock minus this terminal's, last measured */
	int skewed;			/* |offset_ms| is above the configured bound */
	int healing;			/* the journal is behind the ledger and being healed */
	struct sync_heal heal;		/* what this engine's heal did so far */
	int64_t ledger_seq;		/* this terminal's head at the ledger, last asked; -1 unknown */
	int rolled_back;		/* the ledger holds more of this chain than the journal */
	int64_t log_size;		/* the stored checkpoint's tree size; -1 when none */
	int64_t log_cosigned;		/* the size of the checkpoint last cosigned; 0 when none */
	char log_refusal[ERRMSG_MAX];	/* why the ledger's log is refused; "" when it is not */
	char log_code[32];		/* its short reason: signature, smaller, inconsistent, ... */
};

/* Status from the journal alone (custody sync --status): link is SYNC_UNKNOWN. */
int sync_read_status(struct journal *j, const char *terminal, struct sync_status *st,
    struct errmsg *em);

/*
 * The last receipt against the journal: CST_OK when the journal still holds the acknowledged
 * event with the acknowledged hash and the ledger's signature checks; CST_ERR_VERIFY when not
 * (cut off or restored from an old copy); CST_ERR_NOTFOUND when there is no receipt. info gets
 * the receipt in words.
 */
int sync_check_receipt(struct journal *j, const char *terminal, char *info, size_t size,
    struct errmsg *em);

struct sync;

enum sync_mode {
	SYNC_RUN,		/* rounds until freed, with backoff: the console */
	SYNC_ONCE,		/* one round: head, heal, the whole backlog, everything new; no retry */
	SYNC_CHECK		/* only ask the ledger for this terminal's head: custody verify */
};

/*
 * Starts the engine on loop l for this terminal's journal: its first round runs at once.
 * Every round asks the ledger for this terminal's head first: a journal behind the ledger
 * (restored from an old copy) is healed from it before anything is pushed. In SYNC_ONCE and
 * SYNC_CHECK mode, sync_done() is true at the end and sync_result() tells how it went.
 */
int sync_new(struct loop *l, struct journal *j, const char *terminal,
    const unsigned char sk[CRY_SK_BYTES], const struct sync_conf *cf, enum sync_mode mode,
    struct sync **out, struct errmsg *em);
/* The ledger key learnt from the ledger's answer (cf->learn_key): 0, or -1 when none yet. */
int sync_learned_key(const struct sync *s, unsigned char pk[CRY_PK_BYTES]);
/* Aborts a request in flight (the ledger ignores the half-sent batch or already holds it). */
void sync_free(struct sync *s);
/* New events to push, or the operator asked: run a round now, forgetting the backoff. */
void sync_kick(struct sync *s);
void sync_get_status(struct sync *s, struct sync_status *st);
/*
 * One SYNC_ONCE or SYNC_CHECK pass on a private loop, blocking (the command line): its result,
 * and its status in st (filled even on failure). With cf->learn_key, the ledger key learnt
 * is written to cf->ledger_pk and learn_key cleared.
 */
int sync_run_once(struct journal *j, const char *terminal, const unsigned char sk[CRY_SK_BYTES],
    struct sync_conf *cf, enum sync_mode mode, struct sync_status *st, struct errmsg *em);
int sync_done(const struct sync *s);

/*
 * custody sync --trust-log: administrator admin (authenticated by the caller) accepts the
 * checkpoint the refused log served (none when its signature failed): recorded as a
 * sync.log_trusted event with the old and new checkpoints, the refusal and its alert
 * cleared; the next round starts from that checkpoint. CST_ERR_NOTFOUND when the log is not
 * refused. said gets what was done, in words.
 */
int sync_trust_log(struct journal *j, const char *terminal, const char *admin, char *said,
    size_t size, struct errmsg *em);
int sync_result(const struct sync *s, struct errmsg *em);

#endif

/*
 * The ledger's answers to each request, apart from HTTP: authenticate, enroll, push, pull,
 * status. Each fills a JSON answer or a wire_fault; the HTTP layer only carries bytes.
 */
#ifndef LEDGER_LEDGER_H
#define LEDGER_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "json.h"
#include "store.h"
#include "wire.h"

struct ltlog_cache;

struct ledger {
	struct store *st;
	unsigned char pk[CRY_PK_BYTES];		/* the ledger's own key: signs receipts */
	unsigned char sk[CRY_SK_BYTES];
	/*
	 * The center key (docs/journal.md, "Authority"): that of the first authorized reference
	 * event in the ledger's order, looked for in storage from center_scanned on until found.
	 * Zeroed with the rest of the struct; under the store's lock.
	 */
	unsigned char center[CRY_PK_BYTES];
	int has_center;
	int64_t center_scanned;
	/* The transparency log's origin (docs/transparency.md), set before ltlog_open. */
	char origin[CKPT_ORIGIN_MAX + 1];
	/* Set by bench/transparency alone, to measure pushes without the log: no leaves. */
	int no_tlog;
	struct ltlog_cache *nodes;	/* subtree hashes between requests (ltlog.c) */
};

/*
 * Checks a request's signature headers against the enrolled key: unknown terminal, bad
 * signature, time outside the window, nonce seen. On success remembers the nonce, records
 * the contact and copies the terminal's key to pk.
 */
int ledger_auth(struct ledger *l, const char *method, const char *path, const struct wire_auth *a,
    const void *body, size_t body_len, unsigned char pk[CRY_PK_BYTES], struct wire_fault *f);
/*
 * What can be checked from the headers alone, before a body is read: an enrolled terminal,
 * a time inside the window and a nonce not yet used. Keeps strangers and replays from making
 * the ledger buffer 16 MiB.
 */
int ledger_precheck(struct ledger *l, const struct wire_auth *a, struct wire_fault *f);
int ledger_enroll(struct ledger *l, const char *body, size_t len, struct jw *out,
    struct wire_fault *f);
/* A push by terminal (already authenticated, its key pk). */
int ledger_push(struct ledger *l, const char *terminal, const unsigned char pk[CRY_PK_BYTES],
    const char *body, size_t len, struct jw *out, struct wire_fault *f);
/* after and limit as they came in the query string (NULL when absent). */
int ledger_pull(struct ledger *l, const char *after, const char *limit, struct jw *out,
    struct wire_fault *f);
int ledger_status(struct ledger *l, struct jw *out, struct wire_fault *f);
/*
 * The requesting terminal's head as the ledger holds it, as a signed receipt, with the
 * ledger's time signed for the request's nonce: the terminal checks its journal against it
 * at every round (a rolled-back journal) and learns the ledger's clock. With the log, its
 * newest checkpoint, the head's inclusion and the consistency from the tree of size old
 * (the query's "old", NULL when absent).
 */
int ledger_head(struct ledger *l, const struct wire_auth *a, const char *old, struct jw *out,
    struct wire_fault *f);
/* The terminal's own events with seq > after, in seq order (healing, custody restore). */
int ledger_chain(struct ledger *l, const char *terminal, const char *after, const char *limit,
    struct jw *out, struct wire_fault *f);

/*
 * A storage failure: logged for the operator and answered as a fault (busy, full, I/O,
 * internal). Returns f->err.
 */
/* The store's lock, which serializes the HTTP threads' transactions. */
void ledger_lock(struct ledger *l);
void ledger_unlock(struct ledger *l);
int ledger_store_fault(struct wire_fault *f, int status, const struct errmsg *em);
/* A query number: absent (s NULL) gives dflt; otherwise canonical decimal in [min, max]. */
int ledger_query_num(const char *s, int64_t dflt, int64_t min, int64_t max, int64_t *out);

/* Stores a new one-time token for terminal (valid 24 h from now) and writes it as hex to out. */
int ledger_token(struct store *st, const char *terminal, int64_t now,
    char out[2 * WIRE_TOKEN_BYTES + 1], struct errmsg *em);

#endif

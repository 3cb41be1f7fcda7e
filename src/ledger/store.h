/*
 * The ledger's storage, behind one small table of operations so that SQLite (one file) and
 * PostgreSQL (a province) hold the same things the same way. The rules about what may be
 * stored live in check.c and ledger.c, never in a backend.
 */
#ifndef LEDGER_STORE_H
#define LEDGER_STORE_H

#include <pthread.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "event.h"

#define STORE_NONCE_BYTES 16

/* An enrolled terminal and the head of its chain as the ledger holds it. */
struct store_term {
	char terminal[EV_MAX_ID + 1];
	unsigned char pk[CRY_PK_BYTES];
	int64_t enrolled;
	int64_t last_seq;			/* 0 before the first event */
	unsigned char last_hash[CRY_HASH_BYTES];	/* zeroes before the first event */
	int64_t last_contact;
	int64_t events;
};

/* Walk callbacks: return 0 to go on, anything else stops the walk and is returned. */
typedef int (*store_event_fn)(void *arg, int64_t cursor, const struct event *ev);
typedef int (*store_term_fn)(void *arg, const struct store_term *t);

struct store;

/*
 * What a backend provides. Every call but begin/commit/rollback/close runs inside a
 * transaction the caller opened, except the walks, which may run alone. NOTFOUND and EXISTS
 * are answers, not failures: the caller decides what they mean.
 */
struct store_ops {
	const char *name;
	int (*begin)(struct store *, struct errmsg *);
	int (*commit)(struct store *, struct errmsg *);
	void (*rollback)(struct store *);
	/* CST_ERR_NOTFOUND when the terminal is not enrolled. */
	int (*term_get)(struct store *, const char *terminal, struct store_term *, struct errmsg *);
	int (*term_add)(struct store *, const struct store_term *, struct errmsg *);
	/* Writes last_seq, last_hash, last_contact and events. */
	int (*term_update)(struct store *, const struct store_term *, struct errmsg *);
	int (*terms_each)(struct store *, store_term_fn, void *, struct errmsg *);
	/* The hash held at (terminal, seq); CST_ERR_NOTFOUND when none. */
	int (*event_hash)(struct store *, const char *terminal, int64_t seq,
	    unsigned char hash[CRY_HASH_BYTES], struct errmsg *);
	int (*event_add)(struct store *, const struct event *, int64_t now, struct errmsg *);
	/* At most limit events with cursor > after, in cursor order. */
	int (*events_after)(struct store *, int64_t after, int limit, store_event_fn, void *,
	    struct errmsg *);
	/* At most limit events of one terminal with seq > after, in seq order (GET /v1/chain). */
	int (*chain_after)(struct store *, const char *terminal, int64_t after, int limit,
	    store_event_fn, void *, struct errmsg *);
	/* Every event ordered by terminal and seq (verify). */
	int (*chain_walk)(struct store *, store_event_fn, void *, struct errmsg *);
	int (*token_add)(struct store *, const unsigned char hash[CRY_HASH_BYTES],
	    const char *terminal, int64_t expires, struct errmsg *);
	/* Marks an unused, unexpired token of this terminal used; CST_ERR_NOTFOUND otherwise. */
	int (*token_take)(struct store *, const unsigned char hash[CRY_HASH_BYTES],
	    const char *terminal, int64_t now, struct errmsg *);
	/* Remembers a nonce until expires; CST_ERR_EXISTS when it is held; drops expired ones. */
	int (*nonce_add)(struct store *, const char *terminal,
	    const unsigned char nonce[STORE_NONCE_BYTES], int64_t expires, int64_t now,
	    struct errmsg *);
	/* CST_ERR_EXISTS when the nonce is held, CST_OK when not; may run alone. */
	int (*nonce_seen)(struct store *, const char *terminal,
	    const unsigned char nonce[STORE_NONCE_BYTES], struct errmsg *);
	int (*alert_add)(struct store *, const char *terminal, int64_t seq, const char *kind,
	    const unsigned char held[CRY_HASH_BYTES], const unsigned char offered[CRY_HASH_BYTES],
	    const char *event_json, int64_t now, struct errmsg *);
	int64_t (*alerts_count)(struct store *);
	void (*close)(struct store *);
};

/* Every backend's handle starts with this; the lock serializes the HTTP threads' transactions. */
struct store {
	const struct store_ops *ops;
	pthread_mutex_t lock;
};

/* Opens a SQLite file (created when missing) or, for a postgresql:// URL, a PostgreSQL database. */
int store_open(const char *where, struct store **out, struct errmsg *em);
void store_close(struct store *s);
/* 1 when where names a PostgreSQL database rather than a file. */
int store_is_url(const char *where);

/* The backends. */
int store_sqlite_open(const char *path, struct store **out, struct errmsg *em);
int store_pg_open(const char *url, struct store **out, struct errmsg *em);

#endif

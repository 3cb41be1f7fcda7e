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
#define STORE_NOTE_MAX 1024		/* bytes of a checkpoint's signed note as stored */

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

/* A checkpoint of the transparency log as issued (docs/transparency.md). */
struct store_ckpt {
	int64_t size;
	unsigned char root[32];
	char note[STORE_NOTE_MAX];	/* the signed note, as served */
	int64_t issued;
};

/* Walk callbacks: return 0 to go on, anything else stops the walk and is returned. */
typedef int (*store_event_fn)(void *arg, int64_t cursor, const struct event *ev);
typedef int (*store_term_fn)(void *arg, const struct store_term *t);
/* A leaf of the log and the event it commits to, read from the events row. */
typedef int (*store_leaf_fn)(void *arg, int64_t leaf, const char *terminal, int64_t seq,
    const unsigned char hash[CRY_HASH_BYTES]);
typedef int (*store_cosig_fn)(void *arg, const char *witness, const char *line);

struct store;

/*
 * What a backend provides. Every call but begin/commit/rollback/close runs inside a
 * transaction the caller opened, except the walks and the log's reads (what they read is
 * only ever added to), which may run alone. NOTFOUND and EXISTS are answers, not failures:
 * the caller decides what they mean.
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

	/*
	 * The transparency log (docs/transparency.md, "Storage"). tlog_size: the leaves held and
	 * the cursor of the last one's event (0, 0 when none).
	 */
	int (*tlog_size)(struct store *, int64_t *size, int64_t *last_cursor, struct errmsg *);
	/* Leaf number leaf, of leaf hash hash, for the stored event (terminal, seq). */
	int (*leaf_add)(struct store *, int64_t leaf, const char *terminal, int64_t seq,
	    const unsigned char hash[32], struct errmsg *);
	/* The leaf hashes of leaves first.. on, at most count (32 bytes each): *got of them. */
	int (*leaf_hashes)(struct store *, int64_t first, int count, unsigned char *out, int *got,
	    struct errmsg *);
	/* The leaf of the event (terminal, seq); CST_ERR_NOTFOUND when it has none. */
	int (*leaf_of)(struct store *, const char *terminal, int64_t seq, int64_t *leaf,
	    struct errmsg *);
	/* At most count leaves from first on, in order, with their events' terminal, seq, hash. */
	int (*leaves_each)(struct store *, int64_t first, int count, store_leaf_fn, void *,
	    struct errmsg *);
	/*
	 * The first width hashes (32 bytes each) of tile (level, idx) into out; CST_ERR_NOTFOUND
	 * when it is not held at least that wide. tile_put stores it at width, replacing it.
	 */
	int (*tile_get)(struct store *, int level, int64_t idx, int width, unsigned char *out,
	    struct errmsg *);
	int (*tile_put)(struct store *, int level, int64_t idx, int width,
	    const unsigned char *hashes, struct errmsg *);
	int (*ckpt_add)(struct store *, const struct store_ckpt *, struct errmsg *);
	/* The checkpoint of tree size size, or with size -1 the newest; CST_ERR_NOTFOUND. */
	int (*ckpt_get)(struct store *, int64_t size, struct store_ckpt *, struct errmsg *);
	/* CST_ERR_EXISTS when witness has a cosignature of that checkpoint already. */
	int (*cosig_add)(struct store *, int64_t size, const char *witness, const char *line,
	    int64_t at, struct errmsg *);
	/* The cosignature lines of the checkpoint of size, by witness name. */
	int (*cosigs_each)(struct store *, int64_t size, store_cosig_fn, void *, struct errmsg *);
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

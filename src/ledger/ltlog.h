/*
 * The ledger's transparency log (docs/transparency.md): leaves appended and a checkpoint
 * signed inside the push's transaction, the log caught up when the ledger opens, and the
 * answers that read it (checkpoint, tiles, proofs, leaf, cosignatures). The tree itself is
 * tlog.c's, the notes checkpoint.c's; here they meet storage.
 */
#ifndef LEDGER_LTLOG_H
#define LEDGER_LTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ledger.h"
#include "tlog.h"

/* The longest --origin: room for "/witness/" and a terminal id in a witness's key name. */
#define LTLOG_ORIGIN_MAX (CKPT_ORIGIN_MAX - 9 - EV_MAX_ID)

/* One stored event as its leaf sees it. */
struct ltlog_entry {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	unsigned char hash[CRY_HASH_BYTES];
};

/* "custody-ledger/" and the first 16 hex digits of pk. */
void ltlog_default_origin(const unsigned char pk[CRY_PK_BYTES], char out[CKPT_ORIGIN_MAX + 1]);
/* 1 when name can be an origin: 1 to LTLOG_ORIGIN_MAX bytes of printable ASCII, no '+'. */
int ltlog_origin_ok(const char *name);

/*
 * In the caller's transaction (under the store's lock): leaves for n events just stored, in
 * that order, the tiles that changed, and a new checkpoint signed with the ledger's key.
 * Nothing with l->no_tlog.
 */
int ltlog_append(struct ledger *l, const struct ltlog_entry *e, size_t n, int64_t now,
    struct errmsg *em);
/*
 * The tree's part of an append, for the bench too: n leaf hashes added to the tree of size
 * leaves through the store's tiles (in the caller's transaction); root of the new tree.
 */
int ltlog_append_hashes(struct store *s, int64_t size, const unsigned char h[][TLOG_HASH_BYTES],
    size_t n, unsigned char root[TLOG_HASH_BYTES], struct errmsg *em);
/*
 * A proof through the store's tiles: with inclusion, that of leaf a in the tree of size
 * leaves; otherwise the consistency from a to size. *n hashes in proof.
 */
int ltlog_prove(struct store *s, int inclusion, int64_t a, int64_t size,
    unsigned char proof[][TLOG_HASH_BYTES], int *n, struct errmsg *em);

/* The root of the tree of size leaves as the store's tiles give it. */
int ltlog_root(struct store *s, int64_t size, unsigned char root[TLOG_HASH_BYTES],
    struct errmsg *em);

/*
 * When the ledger opens (takes the lock): leaves for every event that has none yet (a
 * database made before the log), in cursor order, in one transaction, and a checkpoint when
 * there is none of this size. Refuses a log whose newest checkpoint is another origin's or
 * does not match the tiles.
 */
int ltlog_open(struct ledger *l, struct errmsg *em);

/*
 * The "log" object of a push or head answer (under the lock): the newest checkpoint, the
 * leaf of (terminal, seq) and its inclusion proof when seq > 0, the consistency proof from
 * the tree of size old when 0 < old <= its size.
 */
int ltlog_write(struct ledger *l, const char *terminal, int64_t seq, int64_t old, struct jw *out,
    struct errmsg *em);

/* The public answers (each takes the lock). The checkpoint with its cosignatures, as text. */
int ltlog_checkpoint(struct ledger *l, struct buf *out, struct wire_fault *f);
/* A tile or an entry bundle by its path after "/tlog/" ("tile/..."), as bytes. */
int ltlog_tile(struct ledger *l, const char *path, struct buf *out, struct wire_fault *f);
/* Query values as they came (NULL when absent). */
int ltlog_inclusion(struct ledger *l, const char *index, const char *size, struct jw *out,
    struct wire_fault *f);
int ltlog_consistency(struct ledger *l, const char *old, const char *size, struct jw *out,
    struct wire_fault *f);
int ltlog_leaf(struct ledger *l, const char *terminal, const char *seq, struct jw *out,
    struct wire_fault *f);
/* POST /v1/cosign by terminal (authenticated, its key pk). */
int ltlog_cosign(struct ledger *l, const char *terminal, const unsigned char pk[CRY_PK_BYTES],
    const char *body, size_t len, struct jw *out, struct wire_fault *f);

#endif

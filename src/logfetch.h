/*
 * The ledger's transparency log as a client reads it (docs/transparency.md, "Serving the
 * log"): the newest checkpoint checked against the ledger's key, where an event's leaf is,
 * and inclusion and consistency proofs. Used by custody export (offline proofs) and
 * custody-audit; every answer bounded and parsed strictly.
 */
#ifndef CUSTODY_LOGFETCH_H
#define CUSTODY_LOGFETCH_H

#include <stdint.h>

#include "checkpoint.h"
#include "error.h"
#include "fetch.h"

/*
 * GET /tlog/checkpoint: the note as it came (text, NUL-terminated, at most CKPT_NOTE_MAX - 1
 * bytes), parsed. CST_ERR_IO when the ledger cannot be reached or answers an error,
 * CST_ERR_INPUT when the answer is not a checkpoint. The signature is not checked here.
 */
int logfetch_checkpoint(struct fetch *f, char text[CKPT_NOTE_MAX], size_t *len,
    struct note *nt, struct checkpoint *cp, struct errmsg *em);
/* 1 when the note carries name's signature by pk and its body is a checkpoint of origin name. */
int logfetch_signed_by(const struct note *nt, const struct checkpoint *cp, const char *name,
    const unsigned char pk[CRY_PK_BYTES]);
/* GET /tlog/leaf: the leaf index of (terminal, seq); CST_ERR_NOTFOUND when it has none. */
int logfetch_leaf(struct fetch *f, const char *terminal, int64_t seq, int64_t *index,
    struct errmsg *em);
/*
 * GET /tlog/proof/inclusion?index=a&size=b, or with consistency set
 * /tlog/proof/consistency?old=a&size=b: the hashes into proof (TLOG_MAX_PROOF room), their
 * number into n. CST_ERR_NOTFOUND (with the ledger's words) when the ledger refuses.
 */
int logfetch_proof(struct fetch *f, int consistency, int64_t a, int64_t b,
    unsigned char proof[][TLOG_HASH_BYTES], int *n, struct errmsg *em);

#endif

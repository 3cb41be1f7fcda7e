/*
 * custody-audit: an outside auditor of custody-ledger's transparency log
 * (docs/transparency.md, "The outside auditor"). What its files share: the command table,
 * the run of one check, the state file, the report.
 */
#ifndef AUDIT_AUDIT_H
#define AUDIT_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "crypto.h"
#include "error.h"
#include "fetch.h"
#include "sync.h"
#include "tlog.h"

/* Exit statuses, documented in custody-audit(1). */
enum {
	AX_OK = 0,		/* everything checked and passed */
	AX_FOUND = 1,		/* problems found: the report names each */
	AX_CANNOT = 2		/* could not check: usage, network, a damaged state file */
};

/* The most leaves the auditor takes by default: 2^25 (1 GiB of hashes). --max-leaves. */
#define AUDIT_MAX_LEAVES ((int64_t)1 << 25)
/* The state file: its first line. */
#define AUDIT_STATE_MAGIC "custody-audit-state 1"

struct audit_cmd {
	const char *name;
	const char *usage;
	const char *summary;	/* N_() */
	int (*exec)(const struct audit_cmd *self, int argc, char **argv);
};

extern const struct audit_cmd audit_check_cmd, audit_cosign_cmd, audit_proof_cmd,
    audit_init_key_cmd, audit_enroll_cmd;

int audit_usage(const struct audit_cmd *c, const char *problem);
/* "custody-audit: message" on stderr; returns AX_CANNOT. */
int audit_fail(const struct errmsg *em);

/*
 * What the last good check saw (the state file): the signed checkpoint as it came and the
 * hash of every leaf of its tree, so that the next check can name the first leaf that
 * changed.
 */
struct audit_state {
	char note[CKPT_NOTE_MAX];	/* the signed checkpoint, verbatim */
	size_t note_len;
	struct checkpoint cp;
	unsigned char (*leaves)[TLOG_HASH_BYTES];	/* cp.size of them, owned */
};

/*
 * Parses a state file's bytes: AUDIT_STATE_MAGIC, "note LEN", the note, "leaves N", N * 32
 * bytes, nothing after. N must be the checkpoint's size, at most max_leaves. 0, or -1 with
 * the reason in em (nothing kept).
 */
int audit_state_parse(const unsigned char *data, size_t n, int64_t max_leaves,
    struct audit_state *st, struct errmsg *em);
/* Reads path: CST_ERR_NOTFOUND when there is none yet, CST_ERR_CORRUPT when damaged. */
int audit_state_read(const char *path, int64_t max_leaves, struct audit_state *st,
    struct errmsg *em);
/* Writes the state to a temporary file beside path, syncs it and renames it over path. */
int audit_state_write(const char *path, const char *note, size_t note_len,
    const unsigned char (*leaves)[TLOG_HASH_BYTES], int64_t n, struct errmsg *em);
void audit_state_free(struct audit_state *st);

/* MTH of the first n hashes (RFC 9162 §2.1.1), by a stack of complete subtrees. */
void audit_mth(const unsigned char (*leaves)[TLOG_HASH_BYTES], int64_t n,
    unsigned char root[TLOG_HASH_BYTES]);
/*
 * Replaces a row of n complete subtrees of one level by the row of the level above, in
 * place (an odd last one is dropped: not complete there); returns its length, n / 2.
 */
int64_t audit_level_up(unsigned char (*row)[TLOG_HASH_BYTES], int64_t n);

/* The ledger's verifier key, as custody-ledger key prints it. */
struct audit_vkey {
	char name[CKPT_ORIGIN_MAX + 1];
	unsigned char pk[CRY_PK_BYTES];
};

/* Options of check and cosign. */
struct audit_opts {
	const char *ledger, *vkey, *state, *ca, *key;
	int64_t max_leaves;
};
int audit_parse_opts(const struct audit_cmd *self, int argc, char **argv,
    struct audit_opts *o);

/* The ledger, its CA and the timeouts as a sync conf for fetch_open. */
void audit_conf(const struct audit_opts *o, struct sync_conf *cf);
/* The auditor's key file (a terminal key file: its name and seed) into who and pk. */
int audit_load_key(const char *path, struct fetch_signer *who, unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em);

/* The checkpoint a check passed: as served, and parsed. */
struct audit_checked {
	char text[CKPT_NOTE_MAX];
	size_t len;
	struct note note;
	struct checkpoint cp;
};

/*
 * One whole check (check and cosign), its report on standard output. Returns AX_OK (out
 * filled), AX_FOUND or AX_CANNOT.
 */
int audit_run(const struct audit_opts *o, struct audit_checked *out);

#endif

/*
 * Offline proofs of events for exported records (docs/transparency.md, "Offline proofs"):
 * for each event, its leaf in the ledger's log and its inclusion proof in the newest
 * checkpoint, checked here, then written as a c2sp.org/tlog-proof file that anyone can check
 * later with no network (custody-audit proof).
 */
#ifndef CUSTODY_EVPROOF_H
#define CUSTODY_EVPROOF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "event.h"

struct sync_conf;

/* An event a document is built from, as the document prints it. */
struct evproof_event {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	unsigned char hash[CRY_HASH_BYTES];
};

/* The file name of an event's proof in its directory: "TERMINAL.SEQ.tlog-proof". */
#define EVPROOF_NAME_MAX (EV_MAX_ID + 40)
void evproof_name(const struct evproof_event *ev, char out[EVPROOF_NAME_MAX]);

/*
 * Asks the ledger of cf for its newest checkpoint (which must be signed by cf->ledger_pk) and
 * for each of the n events its leaf index and inclusion proof, checks each proof, and writes
 * one proof file per event into dir (made when missing). CST_ERR_NOTFOUND when an event is
 * not in the log yet (not synced), CST_ERR_VERIFY when the ledger's answers do not check,
 * CST_ERR_IO when it cannot be reached. Nothing is written before every proof checked; each
 * file is written whole (a temporary file, synced, renamed).
 */
int evproof_write(const struct sync_conf *cf, const struct evproof_event *ev, size_t n,
    const char *dir, struct errmsg *em);

#endif

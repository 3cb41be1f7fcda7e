/*
 * What makes an event acceptable to the ledger, whatever the storage: its signature by the
 * enrolled key, the terminal.created rule at seq 1, and its place in the chain held (new,
 * duplicate, gap, broken link, fork). Push and verify both use these.
 */
#ifndef LEDGER_CHECK_H
#define LEDGER_CHECK_H

#include <stddef.h>

#include "store.h"
#include "wire.h"

/* The signature by pk and, at seq 1, that the event is terminal.created naming pk. */
int check_event_sig(const struct event *ev, const unsigned char pk[CRY_PK_BYTES],
    struct wire_fault *f);
/*
 * Decodes the n events of a push array into evs (zeroed by the caller) and checks that each
 * is terminal's and signed by pk, on two threads when the batch is large enough: the costly part of a push, done
 * before any lock is taken. Returns the index of the first event refused (n when none) and f
 * for it; events before it are decoded and signed.
 */
size_t check_batch(const struct json *arr, size_t n, struct event *evs, const char *terminal,
    const unsigned char pk[CRY_PK_BYTES], struct wire_fault *f);

/*
 * Reference data (docs/journal.md, "Authority"): an event of a kind that changes it must pass
 * its field checks (WE_BAD_EVENT) and carry a valid authority (WE_NO_AUTHORITY); its center
 * key goes to center. Any other event passes untouched (center zeroed, *has 0).
 */
int check_authority(const struct event *ev, unsigned char center[CRY_PK_BYTES], int *has,
    struct wire_fault *f);

/* Distinct from every wire_err, which check_place returns otherwise. */
enum { CHECK_NEW = -1, CHECK_DUPLICATE = -2 };

/*
 * Places ev after the head held (in the caller's transaction): CHECK_NEW when it is the next
 * link, CHECK_DUPLICATE when the same event is held. Otherwise a fault: WE_GAP, WE_BROKEN_CHAIN,
 * WE_FORK (the held hash in held), or WE_INTERNAL when storage failed (em says why).
 */
int check_place(struct store *s, const struct store_term *head, const struct event *ev,
    unsigned char held[CRY_HASH_BYTES], struct wire_fault *f, struct errmsg *em);

/* Called for every fault verify finds; the text is English. */
typedef void (*check_report_fn)(void *arg, const char *terminal, int64_t seq, const char *what);
/*
 * The ledger's center key: the center of the first event in its order (cursor) that carries
 * a valid authority, looked for from cursor *scanned on (which moves past what was read).
 * CST_OK and *found; *at is that event's cursor.
 */
int check_find_center(struct store *s, int64_t *scanned, unsigned char center[CRY_PK_BYTES],
    int *found, int64_t *at, struct errmsg *em);

/*
 * Walks every stored chain: fields, hashes, signatures by the enrolled key, seq from 1 with no
 * gap, prev links, that each terminal's recorded head is the last event held, and that every
 * reference event after the ledger's first authorized one carries the center's authority. Returns
 * CST_OK, CST_ERR_VERIFY when anything failed (each fault reported), or a storage error.
 * *events counts the events read.
 */
int check_chains(struct store *s, check_report_fn report, void *arg, int64_t *events,
    struct errmsg *em);

#endif

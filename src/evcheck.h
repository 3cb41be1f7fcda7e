/*
 * The checks every event passes before it reaches a projection, whether it was made here or
 * came from another terminal, and before the ledger stores a reference event: its body's
 * text, its kind's fields, and for reference data the center's authority (docs/journal.md,
 * "Checks" and "Authority"). Pure: no database, so the ledger and the fuzz targets use it.
 */
#ifndef CUSTODY_EVCHECK_H
#define CUSTODY_EVCHECK_H

#include "authority.h"
#include "error.h"
#include "event.h"
#include "json.h"

/*
 * Checks ev (its fields already checked by event_check_fields). center is the pinned center
 * key, or NULL when none is pinned yet. Returns CST_OK (proof filled: present when the body
 * carries an authority), CST_ERR_INPUT when a field breaks its rule, or CST_ERR_PERM when a
 * reference event has no valid authority of the center; em says which and why.
 */
int evcheck_event(const struct event *ev, const unsigned char *center,
    struct authority_proof *proof, struct errmsg *em);
/* The same with the body already parsed. */
int evcheck_parsed(const struct event *ev, const struct json *body,
    const unsigned char *center, struct authority_proof *proof, struct errmsg *em);

#endif

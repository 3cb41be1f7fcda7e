/* The apply functions of the projections, one file per area (src/proj-*.c); see project.c. */
#ifndef CUSTODY_PROJ_H
#define CUSTODY_PROJ_H

#include "event.h"
#include "json.h"
#include "project.h"

typedef int proj_apply_fn(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em);

proj_apply_fn proj_operator_added, proj_login_succeeded, proj_login_failed;
/* The ledger's cursor of (terminal, seq) became known: an addition's winner chosen again. */
int proj_operator_order(struct project *p, const char *terminal, int64_t seq,
    struct errmsg *em);
proj_apply_fn proj_officer_added;
int proj_officer_order(struct project *p, const char *terminal, int64_t seq,
    struct errmsg *em);
proj_apply_fn proj_person_registered, proj_band_bound, proj_band_unbound;
proj_apply_fn proj_search_recorded, proj_belongings_logged, proj_belongings_returned;
proj_apply_fn proj_collection_recorded, proj_room_entered, proj_temp_exit_started;
proj_apply_fn proj_temp_exit_returned, proj_exit_completed, proj_override_granted;
proj_apply_fn proj_signature_made;
proj_apply_fn proj_fingerprint_enrolled;
proj_apply_fn proj_record_corrected;	/* proj-intake.c */
proj_apply_fn proj_location_created, proj_item_registered, proj_item_tagged, proj_item_stored;
proj_apply_fn proj_item_checked_out, proj_item_transferred, proj_item_released;
proj_apply_fn proj_item_disposed, proj_disposal_approved, proj_inventory_completed;
proj_apply_fn proj_alert_raised, proj_alert_cleared, proj_alert_acknowledged;
proj_apply_fn proj_zone_entered, proj_room_left;
proj_apply_fn proj_item_recoded, proj_conflict_detected, proj_conflict_resolved;
/*
 * The event ev gives its subject the id held (kind band, code or tag, in normal form): a
 * conflict is noted with every other subject that still holds it (proj-conflict.c).
 */
int proj_claim(struct project *p, const struct event *ev, const char *kind, const char *held,
    struct errmsg *em);
/* The subject gave up its id of this kind. */
int proj_unclaim(struct project *p, const char *kind, const char *subject, struct errmsg *em);

/*
 * Runs a cached write statement with parameters described by types, one letter each:
 * 's' a string (NULL binds NULL), 'i' an int64_t, 'n' NULL (no argument).
 */
int proj_exec(struct project *p, const char *sql, struct errmsg *em, const char *types, ...);
/* A single integer from a cached query (fallback when there is no row). */
int proj_query_int(struct project *p, const char *sql, struct errmsg *em, int64_t *out,
    int64_t fallback, const char *types, ...);

/*
 * Runs set, an UPDATE of an additions table setting the ledger's place of (terminal ?1,
 * seq ?2) and RETURNING the id it adds: that id into key ("" when none), for choosing again.
 */
int proj_order_learned(struct project *p, const char *set, const char *terminal, int64_t seq,
    char *key, size_t size, struct errmsg *em);
/* Binding helpers for apply functions: a JSON member's string, or "" when absent. */
const char *proj_str(const struct json *obj, const char *key);
int64_t proj_int(const struct json *obj, const char *key, int64_t fallback);
/* A member (array or object) re-serialised as compact JSON text, into w (caller frees w). */
void proj_json_text(const struct json *v, struct jw *w);

#endif

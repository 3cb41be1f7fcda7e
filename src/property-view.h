/*
 * The read model of the property room: items, locations, alerts and each item's chain of
 * custody, read from the projections (and the journal's events through prop_events) only.
 */
#ifndef CUSTODY_PROPERTY_VIEW_H
#define CUSTODY_PROPERTY_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "intake.h"
#include "journal.h"
#include "uuid.h"

#define PROP_PHOTOS_MAX 4	/* photo file references of one item */
#define PROP_TAG_MAX 64		/* hex digits: a 32-byte EPC at most (UHF_EPC_MAX) */
#define PROP_CODE_MAX 64	/* WP-<case number>-<seq> */
#define PROP_PART_MAX 16	/* bytes of a room, shelf or bin */
#define PROP_LOC_MAX (3 * PROP_PART_MAX + 2)
#define PROP_HOLDER_MAX (IN_NAME_MAX + IN_TEXT_MAX + 4)
#define PROP_LIST_MAX 100000	/* rows of one list: a room holds tens of thousands */

struct prop_item {
	char id[UUID_LEN + 1];
	char code[PROP_CODE_MAX + 1];
	char case_number[IN_SHORT_MAX + 1];
	int case_seq;
	char category[16];
	char description[IN_TEXT_MAX + 1];
	char quantity[16], unit[16];
	int64_t value_fen;
	char seized_visit[UUID_LEN + 1];	/* "" when seized_from is free text */
	char seized_from[IN_TEXT_MAX + 1];
	char photos[PROP_PHOTOS_MAX][IN_TEXT_MAX + 1];
	size_t nphotos;
	char tag[PROP_TAG_MAX + 1];		/* "" when none */
	char status[16];	/* registered, stored, checked_out, transferred, released, disposed */
	char location[PROP_LOC_MAX + 1];	/* "" when not stored */
	char holder[PROP_HOLDER_MAX + 1];	/* who has it out of the room */
	char purpose[16];
	int64_t due_ts;				/* a check-out's expected return, 0 none */
	char approved[16];			/* a disposal method approved, "" none */
	char approved_by[EV_MAX_ID + 1];
	int64_t registered_ts, status_ts;
	char terminal[EV_MAX_ID + 1];
};

struct prop_item_list {
	struct prop_item *v;
	size_t n, cap;
};
void prop_item_list_free(struct prop_item_list *l);

struct prop_location {
	char code[PROP_LOC_MAX + 1];
	char room[PROP_PART_MAX + 1], shelf[PROP_PART_MAX + 1], bin[PROP_PART_MAX + 1];
	char note[IN_TEXT_MAX + 1];
	int64_t created_ts;
	int64_t items;		/* stored there now (prop_locations only) */
};

/* 1 for the final statuses: nothing more happens to the item in this room. */
int prop_status_final(const char *status);

int prop_item_get(struct journal *j, const char *id, struct prop_item *out, struct errmsg *em);
int prop_item_by_code(struct journal *j, const char *code, struct prop_item *out,
    struct errmsg *em);
/* The item not in a final status carrying this tag (upper-case hex). */
int prop_item_by_tag(struct journal *j, const char *tag, struct prop_item *out,
    struct errmsg *em);
/* The item registered from an intake source (property_import_visit); out may be NULL. */
int prop_item_by_source(struct journal *j, const char *source, struct prop_item *out,
    struct errmsg *em);
/* Lists, at most PROP_LIST_MAX rows: a case's items in sequence order; the items stored at a
 * location or under it (a room or shelf prefix: "A" holds "A/03/12"), by code; a visit's. */
int prop_items_by_case(struct journal *j, const char *case_number, struct prop_item_list *out,
    struct errmsg *em);
int prop_items_at(struct journal *j, const char *location, struct prop_item_list *out,
    struct errmsg *em);
int prop_items_by_visit(struct journal *j, const char *visit, struct prop_item_list *out,
    struct errmsg *em);

int prop_location_get(struct journal *j, const char *code, struct prop_location *out,
    struct errmsg *em);
/* Every location in code order, with the count of items stored there (caller frees *out). */
int prop_locations(struct journal *j, struct prop_location **out, size_t *n,
    struct errmsg *em);
/* Whether code is a location or a room/shelf prefix of one (for an inventory's scope). */
int prop_location_scope(struct journal *j, const char *code, struct errmsg *em);

/* Alerts (queries; issue 7 raises them as events). */
struct prop_alert {
	char kind[16];		/* overdue, overheld, misplaced */
	struct prop_item item;
	int64_t since;		/* overdue: due; overheld: registered; misplaced: when seen */
	char where[PROP_LOC_MAX + 1];	/* misplaced: the location it was seen at */
};
struct prop_alert_list {
	struct prop_alert *v;
	size_t n, cap;
};
void prop_alert_list_free(struct prop_alert_list *l);
/* Check-outs whose expected return plus grace_ms has passed by now. */
int prop_alerts_overdue(struct journal *j, int64_t now, int64_t grace_ms,
    struct prop_alert_list *out, struct errmsg *em);
/* Items still held (not final) longer than their category's limit in days (order of
 * prop_category_keys). */
int prop_alerts_overheld(struct journal *j, int64_t now, const int hold_days[8],
    struct prop_alert_list *out, struct errmsg *em);
/* Items the last inventory that saw them found where they are not recorded. */
int prop_alerts_misplaced(struct journal *j, struct prop_alert_list *out, struct errmsg *em);

/* One step of a chain of custody: an event of the item, read from the journal. */
struct prop_step {
	char item[UUID_LEN + 1];
	char code[PROP_CODE_MAX + 1];
	char kind[32];
	int64_t ts;
	char operator_[EV_MAX_ID + 1];
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	char hash[65];		/* the event's hash: its place in the signed chain */
	char *body;		/* the event's JSON body (owned by the list) */
};
struct prop_step_list {
	struct prop_step *v;
	size_t n, cap;
};
void prop_step_list_free(struct prop_step_list *l);
/* Every event of an item, or of every item of a case, in the order they arrived. */
int prop_history_item(struct journal *j, const char *item, struct prop_step_list *out,
    struct errmsg *em);
int prop_history_case(struct journal *j, const char *case_number, struct prop_step_list *out,
    struct errmsg *em);

#endif

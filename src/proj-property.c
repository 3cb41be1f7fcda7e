/* Projections of the property room: locations, items, their chain of custody, inventories. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "proj.h"

/* Every event of an item is indexed in prop_events, in arrival order. */
static int
add_step(struct project *p, const struct event *ev, struct errmsg *em)
{
	static const char sql[] = "INSERT INTO prop_events (item, n, case_number, ts, terminal, "
	    "seq) VALUES (?1, (SELECT coalesce(max(n), 0) + 1 FROM prop_events WHERE item = ?1), "
	    "coalesce((SELECT case_number FROM prop_items WHERE id = ?1), ''), ?2, ?3, ?4)";

	return proj_exec(p, sql, em, "sisi", ev->subject, ev->ts, ev->terminal, ev->seq);
}

/* An item handled again is no longer where an inventory found it out of place. */
static int
clear_misplaced(struct project *p, const char *item, struct errmsg *em)
{
	static const char sql[] = "DELETE FROM prop_misplaced WHERE item = ?";

	return proj_exec(p, sql, em, "s", item);
}

/* The receiving person, as the holder of an item out of the room. */
static void
holder(const struct json *body, char *out, size_t size)
{
	const struct json *r = json_get(body, "receiver");
	const char *unit = proj_str(r, "unit");

	snprintf(out, size, "%s%s%s%s", proj_str(r, "name"), *unit ? " (" : "", unit,
	    *unit ? ")" : "");
}

static int
set_status(struct project *p, const struct event *ev, const char *status,
    const char *location, const char *who, const char *purpose, int64_t due,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE prop_items SET status = ?1, location = ?2, "
	    "holder = ?3, purpose = ?4, due_ts = ?5, status_ts = ?6 WHERE id = ?7";
	int status_;

	status_ = proj_exec(p, sql, em, "ssssiis", status, location && *location ? location :
	    NULL, who, purpose, due, ev->ts, ev->subject);
	if (status_ == CST_OK)
		status_ = clear_misplaced(p, ev->subject, em);
	if (status_ == CST_OK)
		status_ = add_step(p, ev, em);
	return status_;
}

int
proj_location_created(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "INSERT OR IGNORE INTO prop_locations (code, room, shelf, bin, "
	    "note, operator, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?)";

	return proj_exec(p, sql, em, "ssssssi", proj_str(body, "code"), proj_str(body, "room"),
	    proj_str(body, "shelf"), proj_str(body, "bin"), proj_str(body, "note"),
	    ev->operator_, ev->ts);
}

int
proj_item_registered(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "INSERT OR REPLACE INTO prop_items (id, code, case_number, "
	    "case_seq, category, description, quantity, unit, value_fen, seized_visit, "
	    "seized_from, source, photos, tag, status, location, registered_ts, status_ts, "
	    "terminal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "'registered', NULL, ?15, ?15, ?16)";
	const char *visit = proj_str(body, "seized_visit");
	const char *source = proj_str(body, "source");
	char tag[IDS_TAG_MAX + 1];
	struct jw photos;
	int status;

	ids_tag_key(proj_str(body, "tag"), tag);
	proj_json_text(json_get(body, "photos"), &photos);
	status = proj_exec(p, sql, em, "sssissssisssssis", ev->subject, proj_str(body, "code"),
	    proj_str(body, "case_number"), proj_int(body, "case_seq", 0),
	    proj_str(body, "category"), proj_str(body, "description"),
	    proj_str(body, "quantity"), proj_str(body, "unit"), proj_int(body, "value_fen", 0),
	    *visit ? visit : NULL, proj_str(body, "seized_from"), *source ? source : NULL,
	    jw_text(&photos, NULL), *tag ? tag : NULL, ev->ts, ev->terminal);
	jw_free(&photos);
	if (status == CST_OK)
		status = add_step(p, ev, em);
	if (status == CST_OK)
		status = proj_claim(p, ev, "code", proj_str(body, "code"), em);
	if (status == CST_OK)
		status = proj_claim(p, ev, "tag", tag, em);
	return status;
}

int
proj_item_tagged(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE prop_items SET tag = ?1 WHERE id = ?2";
	char tag[IDS_TAG_MAX + 1];
	int status;

	ids_tag_key(proj_str(body, "tag"), tag);
	status = proj_exec(p, sql, em, "ss", *tag ? tag : NULL, ev->subject);
	if (status == CST_OK)
		status = add_step(p, ev, em);
	if (status == CST_OK)
		status = proj_unclaim(p, "tag", ev->subject, em);
	if (status == CST_OK)
		status = proj_claim(p, ev, "tag", tag, em);
	return status;
}

/* A new code for an item whose code another item holds too (a resolved conflict). */
int
proj_item_recoded(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE prop_items SET code = ?1, case_seq = ?2 WHERE id = ?3";
	const char *code = proj_str(body, "code");
	int status;

	if (*code == '\0')
		return CST_OK;
	status = proj_exec(p, sql, em, "sis", code, proj_int(body, "case_seq", 0), ev->subject);
	if (status == CST_OK)
		status = add_step(p, ev, em);
	if (status == CST_OK)
		status = proj_unclaim(p, "code", ev->subject, em);
	if (status == CST_OK)
		status = proj_claim(p, ev, "code", code, em);
	return status;
}

/* item.stored, item.moved, item.returned: in the room at body.location. */
int
proj_item_stored(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	return set_status(p, ev, "stored", proj_str(body, "location"), "", "", 0, em);
}

int
proj_item_checked_out(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	char who[512];

	holder(body, who, sizeof who);
	return set_status(p, ev, "checked_out", NULL, who, proj_str(body, "purpose"),
	    proj_int(body, "due_ts", 0), em);
}

int
proj_item_transferred(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	char who[512];

	holder(body, who, sizeof who);
	return set_status(p, ev, "transferred", NULL, who, "", 0, em);
}

int
proj_item_released(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	char who[512];

	holder(body, who, sizeof who);
	return set_status(p, ev, "released", NULL, who, "", 0, em);
}

int
proj_item_disposed(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	char who[512];

	holder(body, who, sizeof who);
	return set_status(p, ev, "disposed", NULL, who, "", 0, em);
}

int
proj_disposal_approved(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE prop_items SET approved = ?1, approved_by = ?2 "
	    "WHERE id = ?3";
	int status;

	status = proj_exec(p, sql, em, "sss", proj_str(body, "method"),
	    proj_str(body, "supervisor"), ev->subject);
	if (status == CST_OK)
		status = add_step(p, ev, em);
	return status;
}

/* The counts, and every item listed as seen out of place (the body may list only some). */
int
proj_inventory_completed(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR REPLACE INTO prop_inventories (id, location, "
	    "expected, seen, missing, unexpected, unknown, reads, operator, ts) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	static const char misplaced[] = "INSERT OR REPLACE INTO prop_misplaced (item, seen_at, "
	    "inventory, ts) VALUES (?, ?, ?, ?)";
	const struct json *counts = json_get(body, "counts");
	const struct json *list = json_get(body, "unexpected");
	const char *location = proj_str(body, "location");
	size_t i;
	int status;

	status = proj_exec(p, ins, em, "ssiiiiiisi", ev->subject, location,
	    proj_int(counts, "expected", 0), proj_int(counts, "seen", 0),
	    proj_int(counts, "missing", 0), proj_int(counts, "unexpected", 0),
	    proj_int(counts, "unknown", 0), proj_int(counts, "reads", 0), ev->operator_, ev->ts);
	for (i = 0; status == CST_OK && i < json_count(list); i++) {
		const char *item = proj_str(json_at(list, i), "item");

		if (*item)
			status = proj_exec(p, misplaced, em, "sssi", item, location, ev->subject,
			    ev->ts);
	}
	return status;
}

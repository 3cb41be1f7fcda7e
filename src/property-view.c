/* The read model of the property room: queries on the projections and the item's events. */
#include "property-view.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "hex.h"
#include "i18n.h"
#include "ids.h"
#include "json.h"
#include "xmalloc.h"

#define ITEM_COLUMNS "id, code, case_number, case_seq, category, description, quantity, " \
	"unit, value_fen, seized_visit, seized_from, photos, tag, status, location, holder, " \
	"purpose, due_ts, approved, approved_by, registered_ts, status_ts, terminal"

/* Statuses not in the room's keeping any more, as an SQL list. */
#define FINAL_SQL "('transferred', 'released', 'disposed')"

int
prop_status_final(const char *status)
{
	return strcmp(status, "transferred") == 0 || strcmp(status, "released") == 0 ||
	    strcmp(status, "disposed") == 0;
}

static void
col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

static void
read_photos(const char *text, struct prop_item *it)
{
	struct json *arr;
	size_t i;

	if (json_parse(text, strlen(text), &arr, NULL) != CST_OK)
		return;
	for (i = 0; i < json_count(arr) && it->nphotos < PROP_PHOTOS_MAX; i++) {
		const char *s = json_str(json_at(arr, i), NULL);

		if (s != NULL)
			snprintf(it->photos[it->nphotos++], sizeof it->photos[0], "%s", s);
	}
	json_free(arr);
}

static void
read_item(sqlite3_stmt *st, struct prop_item *it)
{
	const unsigned char *photos;

	memset(it, 0, sizeof *it);
	col(st, 0, it->id, sizeof it->id);
	col(st, 1, it->code, sizeof it->code);
	col(st, 2, it->case_number, sizeof it->case_number);
	it->case_seq = sqlite3_column_int(st, 3);
	col(st, 4, it->category, sizeof it->category);
	col(st, 5, it->description, sizeof it->description);
	col(st, 6, it->quantity, sizeof it->quantity);
	col(st, 7, it->unit, sizeof it->unit);
	it->value_fen = sqlite3_column_int64(st, 8);
	col(st, 9, it->seized_visit, sizeof it->seized_visit);
	col(st, 10, it->seized_from, sizeof it->seized_from);
	if ((photos = sqlite3_column_text(st, 11)) != NULL && photos[0] == '[' && photos[1] != ']')
		read_photos((const char *)photos, it);
	col(st, 12, it->tag, sizeof it->tag);
	col(st, 13, it->status, sizeof it->status);
	col(st, 14, it->location, sizeof it->location);
	col(st, 15, it->holder, sizeof it->holder);
	col(st, 16, it->purpose, sizeof it->purpose);
	it->due_ts = sqlite3_column_int64(st, 17);
	col(st, 18, it->approved, sizeof it->approved);
	col(st, 19, it->approved_by, sizeof it->approved_by);
	it->registered_ts = sqlite3_column_int64(st, 20);
	it->status_ts = sqlite3_column_int64(st, 21);
	col(st, 22, it->terminal, sizeof it->terminal);
}

void
prop_item_list_free(struct prop_item_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int
get_item(struct journal *j, const char *sql, const char *arg, struct prop_item *out,
    struct errmsg *em)
{
	struct prop_item scratch;
	sqlite3_stmt *st;
	int rc, status;

	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_item(st, out != NULL ? out : &scratch);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return CST_OK;
	if (rc == SQLITE_DONE)
		return err_set(em, CST_ERR_NOTFOUND, _("no such item"));
	return db_fail(journal_db(j), rc, em, _("reading property"));
}

int
prop_item_get(struct journal *j, const char *id, struct prop_item *out, struct errmsg *em)
{
	return get_item(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE id = ?", id, out, em);
}

int
prop_item_by_code(struct journal *j, const char *code, struct prop_item *out,
    struct errmsg *em)
{
	int status = get_item(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE code = ? "
	    "ORDER BY registered_ts LIMIT 1", code, out, em);

	/* Typed in another case (wp-a2026001-001): the code is letters, digits and marks. */
	if (status == CST_ERR_NOTFOUND)
		status = get_item(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE code = ? "
		    "COLLATE NOCASE ORDER BY registered_ts LIMIT 1", code, out, em);
	return status;
}

int
prop_item_by_tag(struct journal *j, const char *tag, struct prop_item *out,
    struct errmsg *em)
{
	char key[IDS_TAG_MAX + 1];

	ids_tag_key(tag, key);
	return get_item(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE tag = ? AND "
	    "status NOT IN " FINAL_SQL " ORDER BY status_ts DESC LIMIT 1", key, out, em);
}

int
prop_item_by_source(struct journal *j, const char *source, struct prop_item *out,
    struct errmsg *em)
{
	return get_item(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE source = ? LIMIT 1",
	    source, out, em);
}

static int
list_items(struct journal *j, const char *sql, const char *a, const char *b,
    struct prop_item_list *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	memset(out, 0, sizeof *out);
	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n < PROP_LIST_MAX) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xrealloc(out->v, out->cap * sizeof *out->v);
		}
		read_item(st, &out->v[out->n++]);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return CST_OK;
	prop_item_list_free(out);
	return db_fail(journal_db(j), rc, em, _("reading property"));
}

int
prop_items_by_case(struct journal *j, const char *case_number, struct prop_item_list *out,
    struct errmsg *em)
{
	return list_items(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE case_number = ? "
	    "ORDER BY case_seq, registered_ts", case_number, NULL, out, em);
}

/*
 * A location and everything under it: "A/03" holds "A/03" and "A/03/12", not "A/030". The
 * range on the index stands in for LIKE, which would treat _ in a code as a wildcard.
 */
int
prop_items_at(struct journal *j, const char *location, struct prop_item_list *out,
    struct errmsg *em)
{
	char lo[PROP_LOC_MAX + 2];

	/* '0' follows '/' in ASCII: (code/, code0) is everything under code. */
	snprintf(lo, sizeof lo, "%s/", location);
	return list_items(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE location = ?1 OR "
	    "(location > ?2 AND location < ?1 || '0') ORDER BY code", location, lo, out, em);
}

int
prop_items_by_visit(struct journal *j, const char *visit, struct prop_item_list *out,
    struct errmsg *em)
{
	return list_items(j, "SELECT " ITEM_COLUMNS " FROM prop_items WHERE seized_visit = ? "
	    "ORDER BY case_number, case_seq", visit, NULL, out, em);
}

static void
read_location(sqlite3_stmt *st, struct prop_location *l)
{
	memset(l, 0, sizeof *l);
	col(st, 0, l->code, sizeof l->code);
	col(st, 1, l->room, sizeof l->room);
	col(st, 2, l->shelf, sizeof l->shelf);
	col(st, 3, l->bin, sizeof l->bin);
	col(st, 4, l->note, sizeof l->note);
	l->created_ts = sqlite3_column_int64(st, 5);
	l->items = sqlite3_column_int64(st, 6);
}

int
prop_location_get(struct journal *j, const char *code, struct prop_location *out,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	if ((status = db_prepare(journal_db(j), "SELECT code, room, shelf, bin, note, "
	    "created_ts, (SELECT count(*) FROM prop_items WHERE location = ?1) FROM "
	    "prop_locations WHERE code = ?1", &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		read_location(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return CST_OK;
	if (rc == SQLITE_DONE)
		return err_set(em, CST_ERR_NOTFOUND, _("there is no location %s"), code);
	return db_fail(journal_db(j), rc, em, _("reading property"));
}

int
prop_locations(struct journal *j, struct prop_location **out, size_t *n, struct errmsg *em)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc, status;

	*out = NULL;
	*n = 0;
	if ((status = db_prepare(journal_db(j), "SELECT l.code, l.room, l.shelf, l.bin, l.note, "
	    "l.created_ts, (SELECT count(*) FROM prop_items i WHERE i.location = l.code) "
	    "FROM prop_locations l ORDER BY l.code", &st, em)) != CST_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < PROP_LIST_MAX) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		read_location(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return CST_OK;
	free(*out);
	*out = NULL;
	*n = 0;
	return db_fail(journal_db(j), rc, em, _("reading property"));
}

int
prop_location_scope(struct journal *j, const char *code, struct errmsg *em)
{
	char lo[PROP_LOC_MAX + 2];
	sqlite3_stmt *st;
	int rc, status;

	if (*code == '\0' || strlen(code) > PROP_LOC_MAX)
		return err_set(em, CST_ERR_NOTFOUND, _("there is no location %.*s"), PROP_LOC_MAX,
		    code);
	snprintf(lo, sizeof lo, "%s/", code);
	if ((status = db_prepare(journal_db(j), "SELECT 1 FROM prop_locations WHERE code = ?1 "
	    "OR (code > ?2 AND code < ?1 || '0') LIMIT 1", &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return CST_OK;
	if (rc == SQLITE_DONE)
		return err_set(em, CST_ERR_NOTFOUND, _("there is no location %s"), code);
	return db_fail(journal_db(j), rc, em, _("reading property"));
}

/* ---- alerts ---- */

void
prop_alert_list_free(struct prop_alert_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static struct prop_alert *
alert_add(struct prop_alert_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memset(&l->v[l->n], 0, sizeof l->v[0]);
	return &l->v[l->n++];
}

/* Rows of ITEM_COLUMNS then "since" then "where"; each one an alert of kind. */
static int
alerts(struct journal *j, sqlite3_stmt *st, const char *kind, struct prop_alert_list *out,
    struct errmsg *em)
{
	struct prop_alert *a;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n < PROP_LIST_MAX) {
		a = alert_add(out);
		snprintf(a->kind, sizeof a->kind, "%s", kind);
		read_item(st, &a->item);
		a->since = sqlite3_column_int64(st, 23);
		col(st, 24, a->where, sizeof a->where);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return CST_OK;
	return db_fail(journal_db(j), rc, em, _("reading property"));
}

int
prop_alerts_overdue(struct journal *j, int64_t now, int64_t grace_ms,
    struct prop_alert_list *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int status;

	memset(out, 0, sizeof *out);
	if ((status = db_prepare(journal_db(j), "SELECT " ITEM_COLUMNS ", due_ts, '' FROM "
	    "prop_items WHERE status = 'checked_out' AND due_ts > 0 AND due_ts + ?1 < ?2 "
	    "ORDER BY due_ts", &st, em)) != CST_OK)
		return status;
	sqlite3_bind_int64(st, 1, grace_ms);
	sqlite3_bind_int64(st, 2, now);
	return alerts(j, st, "overdue", out, em);
}

int
prop_alerts_overheld(struct journal *j, int64_t now, const int hold_days[8],
    struct prop_alert_list *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int i, status;

	memset(out, 0, sizeof *out);
	/* In the order of prop_category_keys; an unknown category holds as "other". */
	if ((status = db_prepare(journal_db(j), "SELECT " ITEM_COLUMNS ", registered_ts, "
	    "coalesce(location, '') FROM prop_items WHERE status NOT IN " FINAL_SQL " AND "
	    "registered_ts + 86400000 * CASE category WHEN 'cash' THEN ?1 WHEN 'phone' THEN ?2 "
	    "WHEN 'vehicle' THEN ?3 WHEN 'drugs' THEN ?4 WHEN 'weapon' THEN ?5 "
	    "WHEN 'documents' THEN ?6 WHEN 'valuables' THEN ?7 ELSE ?8 END < ?9 "
	    "ORDER BY registered_ts, code", &st, em)) != CST_OK)
		return status;
	for (i = 0; i < 8; i++)
		sqlite3_bind_int64(st, i + 1, hold_days[i]);
	sqlite3_bind_int64(st, 9, now);
	return alerts(j, st, "overheld", out, em);
}

int
prop_alerts_misplaced(struct journal *j, struct prop_alert_list *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int status;

	memset(out, 0, sizeof *out);
	if ((status = db_prepare(journal_db(j), "SELECT i.id, i.code, i.case_number, "
	    "i.case_seq, i.category, i.description, i.quantity, i.unit, i.value_fen, "
	    "i.seized_visit, i.seized_from, i.photos, i.tag, i.status, i.location, i.holder, "
	    "i.purpose, i.due_ts, i.approved, i.approved_by, i.registered_ts, i.status_ts, "
	    "i.terminal, m.ts, m.seen_at FROM prop_misplaced m JOIN prop_items i ON "
	    "i.id = m.item ORDER BY m.ts, i.code", &st, em)) != CST_OK)
		return status;
	return alerts(j, st, "misplaced", out, em);
}

/* ---- history ---- */

void
prop_step_list_free(struct prop_step_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].body);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int
steps(struct journal *j, const char *sql, const char *arg, struct prop_step_list *out,
    struct errmsg *em)
{
	struct prop_step *s;
	sqlite3_stmt *st;
	int rc, status;

	memset(out, 0, sizeof *out);
	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n < PROP_LIST_MAX) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xrealloc(out->v, out->cap * sizeof *out->v);
		}
		s = &out->v[out->n++];
		memset(s, 0, sizeof *s);
		col(st, 0, s->item, sizeof s->item);
		col(st, 1, s->code, sizeof s->code);
		col(st, 2, s->kind, sizeof s->kind);
		s->ts = sqlite3_column_int64(st, 3);
		col(st, 4, s->operator_, sizeof s->operator_);
		col(st, 5, s->terminal, sizeof s->terminal);
		s->seq = sqlite3_column_int64(st, 6);
		if (sqlite3_column_bytes(st, 7) == 32)
			hex_encode(sqlite3_column_blob(st, 7), 32, s->hash);
		s->body = xstrdup(sqlite3_column_text(st, 8) ?
		    (const char *)sqlite3_column_text(st, 8) : "{}");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return CST_OK;
	prop_step_list_free(out);
	return db_fail(journal_db(j), rc, em, _("reading the chain of custody"));
}

#define STEP_SELECT "SELECT p.item, coalesce(i.code, ''), e.kind, e.ts, e.operator, " \
	"e.terminal, e.seq, e.hash, CAST(e.body AS TEXT) FROM prop_events p " \
	"JOIN events e ON e.terminal = p.terminal AND e.seq = p.seq " \
	"LEFT JOIN prop_items i ON i.id = p.item "

int
prop_history_item(struct journal *j, const char *item, struct prop_step_list *out,
    struct errmsg *em)
{
	return steps(j, STEP_SELECT "WHERE p.item = ? ORDER BY p.n", item, out, em);
}

int
prop_history_case(struct journal *j, const char *case_number, struct prop_step_list *out,
    struct errmsg *em)
{
	return steps(j, STEP_SELECT "WHERE p.case_number = ? ORDER BY p.ts, i.code, p.n",
	    case_number, out, em);
}

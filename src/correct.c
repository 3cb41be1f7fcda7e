/* Corrections of recorded facts: the correctable fields and the corrections read back. */
#include "correct.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "idcard.h"
#include "json.h"

const char *const correct_field_keys[CORRECT_FIELDS] = {
	"name", "sex", "ethnicity", "id_number", "birth_date", "address", "phone",
	"case_number", "officer1", "officer2", "nationality", "name_en", "pass_number",
	"doc_issues", "doc_note"
};

static const char *const field_labels[CORRECT_FIELDS] = {
	N_("Name"), N_("Sex"), N_("Ethnicity"), N_("ID number"), N_("Birth date"),
	N_("Address"), N_("Phone"), N_("Case number"), N_("Officer 1"), N_("Officer 2"),
	N_("Nationality"), N_("English name"), N_("Pass number"), N_("Times issued"),
	N_("Why no document")
};

int
correct_field_index(const char *key)
{
	int i;

	for (i = 0; i < CORRECT_FIELDS; i++)
		if (strcmp(correct_field_keys[i], key) == 0)
			return i;
	return -1;
}

const char *
correct_field_label(const char *key)
{
	int i = correct_field_index(key);

	return i >= 0 ? _(field_labels[i]) : key;
}

const char *
correct_field_label_for(const struct visit *v, const char *key)
{
	if (strcmp(key, "doc_issues") == 0)
		return idcard_issues_label(idcard_doc_find(v->doc_type));
	return correct_field_label(key);
}

void
correct_current(const struct visit *v, const char *key, char *out, size_t size)
{
	const char *s = "";
	char sex[2] = { v->sex, 0 };

	switch (correct_field_index(key)) {
	case 0: s = v->name; break;
	case 1: s = sex; break;
	case 2: s = v->ethnicity; break;
	case 3: s = v->id_number; break;
	case 4: s = v->birth_date; break;
	case 5: s = v->address; break;
	case 6: s = v->phone; break;
	case 7: s = v->case_number; break;
	case 8: s = v->officer1; break;
	case 9: s = v->officer2; break;
	case 10: s = v->nationality; break;
	case 11: s = v->name_en; break;
	case 12: s = v->pass_number; break;
	case 13: s = v->doc_issues; break;
	case 14: s = v->doc_note; break;
	default: break;
	}
	snprintf(out, size, "%s", s);
}

int
correct_field_applies(const struct visit *v, const char *key)
{
	char now[IN_TEXT_MAX + 1];
	int doc = idcard_doc_find(v->doc_type);

	correct_current(v, key, now, sizeof now);
	if (now[0] != '\0' || correct_field_index(key) < 10)
		return 1;
	if (strcmp(key, "nationality") == 0 || strcmp(key, "name_en") == 0)
		return idcard_doc_foreign(doc);
	if (strcmp(key, "pass_number") == 0 || strcmp(key, "doc_issues") == 0)
		return doc == IDDOC_PERMIT || doc == IDDOC_FOREIGN2023;
	return doc == IDDOC_NONE;
}

static void
column(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

int
correct_list(struct journal *j, const char *visit, struct correction *out, size_t max,
    size_t *n, struct errmsg *em)
{
	static const char sql[] = "SELECT field, old, new, reason, approved_by, operator, ts "
	    "FROM corrections WHERE subject = ? ORDER BY ts, terminal, seq, field";
	sqlite3_stmt *st;
	int rc, status;

	*n = 0;
	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, visit, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct correction *c = &out[(*n)++];

		column(st, 0, c->field, sizeof c->field);
		column(st, 1, c->old, sizeof c->old);
		column(st, 2, c->new_, sizeof c->new_);
		column(st, 3, c->reason, sizeof c->reason);
		column(st, 4, c->approved_by, sizeof c->approved_by);
		column(st, 5, c->operator_, sizeof c->operator_);
		c->ts = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading visits"));
}

const struct correction *
correct_first(const struct correction *l, size_t n, const char *field)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].field, field) == 0)
			return &l[i];
	return NULL;
}

const struct correction *
correct_last(const struct correction *l, size_t n, const char *field)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (strcmp(l[i - 1].field, field) == 0)
			return &l[i - 1];
	return NULL;
}

const char *
correct_value(const struct correction *l, size_t n, const char *field, const char *recorded)
{
	const struct correction *last = correct_last(l, n, field);

	return last != NULL ? last->new_ : recorded;
}

/* ---- items of a search or of the belongings list ---- */

const char *const correct_item_fields[CORRECT_ITEM_FIELDS] = {
	"description", "quantity", "unit"
};

int
correct_item_parse(const char *key, struct correct_item *it)
{
	char field[16];
	int k, i, used = 0;

	memset(it, 0, sizeof *it);
	if (sscanf(key, "search.%d.%d.%15[a-z]%n", &k, &i, field, &used) == 3 &&
	    key[used] == '\0' && k >= 1 && i >= 0) {
		it->search = 1;
		it->index = i;
	} else if (sscanf(key, "belonging.%d.%15[a-z]%n", &k, field, &used) == 2 &&
	    key[used] == '\0' && k >= 1) {
		it->search = 0;
	} else {
		return -1;
	}
	for (i = 0; i < CORRECT_ITEM_FIELDS; i++)
		if (strcmp(correct_item_fields[i], field) == 0)
			break;
	if (i == CORRECT_ITEM_FIELDS)
		return -1;
	it->place = k;
	snprintf(it->field, sizeof it->field, "%s", field);
	return 0;
}

void
correct_item_key(const struct correct_item *it, char *out, size_t size)
{
	if (it->search)
		snprintf(out, size, "search.%d.%d.%s", it->place, it->index, it->field);
	else
		snprintf(out, size, "belonging.%d.%s", it->place, it->field);
}

/*
 * The visit's searches and belongings are numbered in the order their events were applied
 * here (searches.n, belongings.n): arrival order, without the events held back.
 */
static const char walk_sql[] = "SELECT e.terminal, e.seq, e.body FROM arrival a JOIN events e "
    "ON e.terminal = a.terminal AND e.seq = a.seq WHERE e.subject = ?1 AND e.kind = ?2 AND "
    "NOT EXISTS (SELECT 1 FROM unapplied u WHERE u.terminal = e.terminal AND u.seq = e.seq) "
    "ORDER BY a.n";

static size_t
items_in(sqlite3_stmt *st)
{
	struct json *body;
	size_t n = 0;

	if (json_parse(sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), &body,
	    NULL) == CST_OK) {
		n = json_count(json_get(body, "items"));
		json_free(body);
	}
	return n;
}

/*
 * Walks the visit's events of the item's kind. Looking for an event (terminal != NULL as
 * input, *found_at its index): fills it->place. Else looks for it->place: fills terminal,
 * seq and index.
 */
static int
walk(sqlite3 *db, const char *visit, int search, const char *want_terminal, int64_t want_seq,
    int want_index, struct correct_item *it, char *terminal, int64_t *seq, int *index,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int64_t base = 0, k = 0;
	int rc = SQLITE_DONE, status;

	if ((status = db_prepare(db, walk_sql, &st, em)) != CST_OK)
		return status;
	status = CST_ERR_NOTFOUND;
	sqlite3_bind_text(st, 1, visit, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, search ? "search.recorded" : "belongings.logged", -1,
	    SQLITE_STATIC);
	while (status == CST_ERR_NOTFOUND && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		int64_t s = sqlite3_column_int64(st, 1);
		size_t count = items_in(st);

		k++;
		if (want_terminal != NULL) {
			if (strcmp(t, want_terminal) == 0 && s == want_seq && want_index >= 0 &&
			    (size_t)want_index < count) {
				it->place = search ? (int)k : (int)(base + want_index + 1);
				it->index = search ? want_index : 0;
				status = CST_OK;
			}
		} else if (search ? k == it->place && (size_t)it->index < count :
		    it->place > base && it->place <= base + (int64_t)count) {
			snprintf(terminal, EV_MAX_ID + 1, "%s", t);
			*seq = s;
			*index = search ? it->index : (int)(it->place - base - 1);
			status = CST_OK;
		}
		base += (int64_t)count;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, rc, em, _("reading the journal"));
	if (status == CST_ERR_NOTFOUND)
		err_set(em, status, "%s", _("no such item in this visit"));
	return status;
}

int
correct_item_event(sqlite3 *db, const char *visit, const struct correct_item *it,
    char terminal[EV_MAX_ID + 1], int64_t *seq, int *index, struct errmsg *em)
{
	struct correct_item copy = *it;

	return walk(db, visit, it->search, NULL, 0, 0, &copy, terminal, seq, index, em);
}

int
correct_item_place(sqlite3 *db, const char *visit, const char *kind, const char *terminal,
    int64_t seq, int index, struct correct_item *it, struct errmsg *em)
{
	int search = strcmp(kind, "search.recorded") == 0;

	if (!search && strcmp(kind, "belongings.logged") != 0)
		return err_set(em, CST_ERR_NOTFOUND, "%s", _("no such item in this visit"));
	it->search = search;
	return walk(db, visit, search, terminal, seq, index, it, NULL, NULL, NULL, em);
}

int
correct_item_current(struct journal *j, const char *visit, const char *key, char *out,
    size_t size, struct errmsg *em)
{
	static struct visit_item items[IN_ITEMS_MAX * 4];
	static struct correction cs[256];
	struct correct_item it;
	char **bodies;
	size_t i, n, nc;
	int status;

	out[0] = '\0';
	if (correct_item_parse(key, &it) != 0)
		return err_set(em, CST_ERR_ARG, "%s", _("no such item in this visit"));
	if (!it.search) {	/* the projection holds the value now */
		if ((status = visit_belongings(j, visit, items, sizeof items / sizeof items[0],
		    &n, em)) != CST_OK)
			return status;
		for (i = 0; i < n; i++)
			if (items[i].n == it.place) {
				snprintf(out, size, "%s", strcmp(it.field, "description") == 0 ?
				    items[i].description : strcmp(it.field, "quantity") == 0 ?
				    items[i].quantity : items[i].unit);
				return CST_OK;
			}
		return err_set(em, CST_ERR_NOTFOUND, "%s", _("no such item in this visit"));
	}
	/* A search is kept as recorded; its corrections say what shows now. */
	if ((status = visit_searches(j, visit, &bodies, &n, em)) != CST_OK)
		return status;
	status = err_set(em, CST_ERR_NOTFOUND, "%s", _("no such item in this visit"));
	if ((size_t)it.place <= n) {
		struct json *b;

		if (json_parse(bodies[it.place - 1], strlen(bodies[it.place - 1]), &b, NULL) ==
		    CST_OK) {
			const struct json *o = json_at(json_get(b, "items"), (size_t)it.index);
			const char *v = json_get_str(o, it.field);

			if (o != NULL) {
				if (correct_list(j, visit, cs, 256, &nc, NULL) != CST_OK)
					nc = 0;
				snprintf(out, size, "%s", correct_value(cs, nc, key, v ? v : ""));
				status = CST_OK;
			}
			json_free(b);
		}
	}
	for (i = 0; i < n; i++)
		free(bodies[i]);
	free(bodies);
	return status;
}

void
correct_label(const char *key, char *out, size_t size)
{
	static const char *const names[CORRECT_ITEM_FIELDS] = {
		N_("Description"), N_("Quantity"), N_("Unit")
	};
	struct correct_item it;
	int f;

	if (correct_item_parse(key, &it) != 0) {
		snprintf(out, size, "%s", correct_field_label(key));
		return;
	}
	for (f = 0; f < CORRECT_ITEM_FIELDS - 1; f++)
		if (strcmp(correct_item_fields[f], it.field) == 0)
			break;
	if (it.search)
		snprintf(out, size, _("Search %1$d, item %2$d: %3$s"), it.place, it.index + 1,
		    _(names[f]));
	else
		snprintf(out, size, _("Belonging %1$d: %2$s"), it.place, _(names[f]));
}

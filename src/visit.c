/* The read model of visits: queries on the projections. */
#include "visit.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "hex.h"
#include "i18n.h"
#include "idcard.h"
#include "ids.h"
#include "namegram.h"
#include "xmalloc.h"

#define VISIT_COLUMNS "id, person_id, name, sex, ethnicity, birth_date, address, id_number, " \
	"phone, case_number, reason, serious, officer1, officer2, entry_ts, band, stage, " \
	"stage_ts, room, locker, temp_out, exit_ts, destination, terminal, exit_by, exit_note, cause, " \
	"doc_type, nationality, name_en, pass_number, doc_issues, doc_note"

static void
col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

static void
read_visit(sqlite3_stmt *st, struct visit *v)
{
	char sex[4];

	memset(v, 0, sizeof *v);
	col(st, 0, v->id, sizeof v->id);
	col(st, 1, v->person_id, sizeof v->person_id);
	col(st, 2, v->name, sizeof v->name);
	col(st, 3, sex, sizeof sex);
	v->sex = sex[0];
	col(st, 4, v->ethnicity, sizeof v->ethnicity);
	col(st, 5, v->birth_date, sizeof v->birth_date);
	col(st, 6, v->address, sizeof v->address);
	col(st, 7, v->id_number, sizeof v->id_number);
	col(st, 8, v->phone, sizeof v->phone);
	col(st, 9, v->case_number, sizeof v->case_number);
	col(st, 10, v->reason, sizeof v->reason);
	v->serious = sqlite3_column_int(st, 11);
	col(st, 12, v->officer1, sizeof v->officer1);
	col(st, 13, v->officer2, sizeof v->officer2);
	v->entry_ts = sqlite3_column_int64(st, 14);
	col(st, 15, v->band, sizeof v->band);
	v->stage = (enum stage)sqlite3_column_int(st, 16);
	v->stage_ts = sqlite3_column_int64(st, 17);
	col(st, 18, v->room, sizeof v->room);
	col(st, 19, v->locker, sizeof v->locker);
	v->temp_out = sqlite3_column_int(st, 20);
	v->exit_ts = sqlite3_column_int64(st, 21);
	col(st, 22, v->destination, sizeof v->destination);
	col(st, 23, v->terminal, sizeof v->terminal);
	col(st, 24, v->exit_by, sizeof v->exit_by);
	col(st, 25, v->exit_note, sizeof v->exit_note);
	col(st, 26, v->cause, sizeof v->cause);
	col(st, 27, v->doc_type, sizeof v->doc_type);
	col(st, 28, v->nationality, sizeof v->nationality);
	col(st, 29, v->name_en, sizeof v->name_en);
	col(st, 30, v->pass_number, sizeof v->pass_number);
	col(st, 31, v->doc_issues, sizeof v->doc_issues);
	col(st, 32, v->doc_note, sizeof v->doc_note);
}

void
visit_list_free(struct visit_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static struct visit *
list_add(struct visit_list *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	return &l->v[l->n++];
}

static int
has_id(const struct visit_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return 1;
	return 0;
}

/* Runs a query of VISIT_COLUMNS with up to two text parameters, adding rows to out. */
static int
query_visits(struct journal *j, const char *sql, const char *a, const char *b, size_t max,
    struct visit_list *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	struct visit v;
	int rc = SQLITE_DONE, status;

	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	if (a != NULL)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	while (out->n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_visit(st, &v);
		if (!has_id(out, v.id))
			*list_add(out) = v;
	}
	if (out->n >= max)
		rc = SQLITE_DONE;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(journal_db(j), rc, em, _("reading visits"));
}

static int
get_one(struct journal *j, const char *sql, const char *key, struct visit *out,
    struct errmsg *em)
{
	struct visit_list l = { NULL, 0, 0 };
	int status = query_visits(j, sql, key, NULL, 1, &l, em);

	if (status == CST_OK && l.n == 0)
		status = err_set(em, CST_ERR_NOTFOUND, _("no such visit"));
	if (status == CST_OK)
		*out = l.v[0];
	visit_list_free(&l);
	return status;
}

int
visit_get(struct journal *j, const char *id, struct visit *out, struct errmsg *em)
{
	return get_one(j, "SELECT " VISIT_COLUMNS " FROM visits WHERE id = ?", id, out, em);
}

int
visit_by_band(struct journal *j, const char *band, struct visit *out, struct errmsg *em)
{
	char key[IDS_BAND_MAX + 1];

	/* Two open visits hold one band only in a conflict (conflicts.h): the first entered. */
	ids_band_key(band, key);
	return get_one(j, "SELECT " VISIT_COLUMNS " FROM visits WHERE band = ? AND "
	    "exit_ts IS NULL ORDER BY entry_ts, id", key, out, em);
}

/*
 * Every band this journal has seen bound, in its events (worn or since unbound) and in the
 * visits; at most max of those the printed form r matches, into found; their count.
 */
/*
 * The bands this terminal knows (the projection known_bands, db/journal/0015) that a form
 * describes: by the normal form, or by the key of a printed form, each an index lookup.
 */
static const char known_bands_sql[] = "SELECT band FROM known_bands WHERE band = ?1 "
    "UNION ALL SELECT band FROM known_bands WHERE dec = ?2 "
    "UNION ALL SELECT band FROM known_bands WHERE w26 = ?3";

static int
known_matches(struct journal *j, const struct ids_band_read *r, char found[][IDS_BAND_MAX + 1],
    int max, int *n, struct errmsg *em)
{
	sqlite3_stmt *st;
	char key[12];
	int rc = SQLITE_DONE, status;

	*n = 0;
	if ((status = journal_read_stmt(j, known_bands_sql, &st, em)) != CST_OK)
		return status;
	if (r->form == IDS_FORM_DIGITS) {
		snprintf(key, sizeof key, "%08X", (unsigned)r->dec);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
	} else if (r->form == IDS_FORM_W26) {
		snprintf(key, sizeof key, "%06X", (unsigned)r->w26);
		sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_text(st, 1, r->hex, -1, SQLITE_TRANSIENT);
	}
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *b = (const char *)sqlite3_column_text(st, 0);

		if (b != NULL)
			snprintf(found[(*n)++], IDS_BAND_MAX + 1, "%s", b);
	}
	if (*n == max)
		rc = SQLITE_DONE;	/* enough to say which, or that it is ambiguous */
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(journal_db(j), rc, em, _("reading bands"));
}

int
visit_band_typed(struct journal *j, const char *typed, char out[IDS_BAND_MAX + 1],
    struct errmsg *em)
{
	struct ids_band_read r, as_hex;
	char found[2][IDS_BAND_MAX + 1], known_hex[1][IDS_BAND_MAX + 1];
	int n, nhex = 0, status;

	out[0] = '\0';
	if ((status = ids_band_read(typed, &r, em)) != CST_OK)
		return status;
	if (r.form == IDS_FORM_HEX) {
		snprintf(out, IDS_BAND_MAX + 1, "%s", r.hex);
		return CST_OK;
	}
	if ((status = known_matches(j, &r, found, 2, &n, em)) != CST_OK)
		return status;
	if (r.form == IDS_FORM_DIGITS) {
		as_hex = r;
		as_hex.form = IDS_FORM_HEX;
		if ((status = known_matches(j, &as_hex, known_hex, 1, &nhex, em)) != CST_OK)
			return status;
		if (n + nhex == 0)
			return err_set(em, CST_ERR_ARG, _("%s: no band this terminal knows has this "
			    "printed number; tap the band on the reader, or type its hex id with "
			    "colons (00:04:61:41:78)"), typed);
		if (n == 0) {
			snprintf(out, IDS_BAND_MAX + 1, "%s", r.hex);
			return CST_OK;
		}
	}
	if (n == 1 && (nhex == 0 || strcmp(found[0], known_hex[0]) == 0)) {
		snprintf(out, IDS_BAND_MAX + 1, "%s", found[0]);
		return CST_OK;
	}
	if (n == 0)
		return err_set(em, CST_ERR_ARG, _("%s: no band this terminal knows has this "
		    "printed number; tap the band on the reader"), typed);
	return err_set(em, CST_ERR_ARG, _("%s fits more than one band; tap the band on the "
	    "reader, or type its hex id"), typed);
}

int
visit_in_area(struct journal *j, struct visit_list *out, struct errmsg *em)
{
	memset(out, 0, sizeof *out);
	return query_visits(j, "SELECT " VISIT_COLUMNS " FROM visits WHERE exit_ts IS NULL "
	    "ORDER BY entry_ts", NULL, NULL, VISIT_AREA_MAX, out, em);
}

int
visit_entered_between(struct journal *j, int64_t from_ms, int64_t to_ms,
    struct visit_list *out, struct errmsg *em)
{
	char from[24], to[24];

	memset(out, 0, sizeof *out);
	snprintf(from, sizeof from, "%lld", (long long)from_ms);
	snprintf(to, sizeof to, "%lld", (long long)to_ms);
	return query_visits(j, "SELECT " VISIT_COLUMNS " FROM visits WHERE entry_ts >= "
	    "CAST(?1 AS INTEGER) AND entry_ts < CAST(?2 AS INTEGER) ORDER BY entry_ts", from, to,
	    (size_t)-1, out, em);
}

int
visit_find(struct journal *j, const char *query, size_t max, struct visit_list *out,
    struct errmsg *em)
{
	char key[NAMEGRAM_MAX], upper[IN_NAME_MAX + 1], band[IDS_BAND_MAX + 1];
	int needs_check = 0, status;
	size_t i;

	memset(out, 0, sizeof *out);
	if (*query == '\0' || strlen(query) > IN_NAME_MAX)
		return CST_OK;
	/* ID numbers are stored with an upper-case X. */
	snprintf(upper, sizeof upper, "%s", query);
	for (i = 0; upper[i]; i++)
		if (upper[i] == 'x')
			upper[i] = 'X';
	/* a number printed on a band the terminal knows finds its wearers too */
	if (visit_band_typed(j, query, band, NULL) == CST_OK && strcmp(band, query) != 0 &&
	    (status = query_visits(j, "SELECT " VISIT_COLUMNS " FROM visits WHERE band = ?1 "
	    "ORDER BY entry_ts DESC", band, NULL, max, out, em)) != CST_OK)
		return status;
	status = query_visits(j, "SELECT " VISIT_COLUMNS " FROM visits WHERE id_number = ?1 "
	    "OR band = ?2 OR case_number = ?2 OR id = ?2 ORDER BY entry_ts DESC", upper, query,
	    max, out, em);
	if (status != CST_OK || namegram_query(query, key, sizeof key, &needs_check) != 0)
		return status;
	/* A longer query is looked up by its first key, then confirmed on the whole name. */
	return query_visits(j, needs_check ?
	    "SELECT " VISIT_COLUMNS " FROM name_grams g JOIN visits v ON v.id = g.visit "
	    "WHERE g.gram = ?1 AND instr(v.name, ?2) > 0 ORDER BY v.entry_ts DESC" :
	    "SELECT " VISIT_COLUMNS " FROM name_grams g JOIN visits v ON v.id = g.visit "
	    "WHERE g.gram = ?1 AND ?2 IS NOT NULL ORDER BY v.entry_ts DESC",
	    key, query, max, out, em);
}

int
visit_same_document(const struct visit *v, int doc, const char *nat)
{
	return idcard_doc_same(idcard_doc_find(v->doc_type), v->nationality, doc, nat);
}

static int
count(struct journal *j, const char *sql, const char *id, int64_t *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, status;

	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? CST_OK : db_fail(journal_db(j), rc, em, _("reading visits"));
}

int
visit_facts(struct journal *j, const char *id, enum action a, struct stage_facts *f,
    struct errmsg *em)
{
	struct visit v;
	int64_t n;
	int status;

	memset(f, 0, sizeof *f);
	if ((status = visit_get(j, id, &v, em)) != CST_OK)
		return status;
	f->stage = v.exit_ts ? STAGE_EXITED : v.stage;
	f->temp_out = v.temp_out;
	f->band_bound = v.band[0] != '\0';
	if ((status = count(j, "SELECT count(*) FROM searches WHERE visit = ?", id, &n, em)))
		return status;
	f->searched = n > 0;
	if ((status = count(j, "SELECT count(*) FROM belongings WHERE visit = ?", id, &n, em)))
		return status;
	/* An empty list is logged too (nothing to keep): a belongings event with no items. */
	f->belongings = n > 0 || v.stage >= STAGE_BELONGINGS;
	if ((status = count(j, "SELECT count(*) FROM belongings WHERE visit = ? AND "
	    "status = 'held'", id, &n, em)))
		return status;
	f->items_held = n > 0;
	if ((status = count(j, "SELECT count(*) FROM collections WHERE visit = ?", id, &n, em)))
		return status;
	f->collected = n >= INTAKE_COLLECTION_ITEMS;
	{
		sqlite3_stmt *st;
		int rc;

		status = db_prepare(journal_db(j), "SELECT count(*) FROM overrides WHERE "
		    "visit = ? AND action = ? AND used = 0", &st, em);
		if (status != CST_OK)
			return status;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, action_key(a), -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		f->override = rc == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
		sqlite3_finalize(st);
	}
	return CST_OK;
}

/* Runs a per-visit list query, calling fill for each row up to max. */
static int
each_row(struct journal *j, const char *sql, const char *id, size_t max, size_t *n,
    void (*fill)(sqlite3_stmt *st, void *out, size_t i), void *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, status;

	*n = 0;
	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		fill(st, out, (*n)++);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading visits"));
}

static void
fill_item(sqlite3_stmt *st, void *out, size_t i)
{
	struct visit_item *it = (struct visit_item *)out + i;

	it->n = sqlite3_column_int(st, 0);
	col(st, 1, it->category, sizeof it->category);
	col(st, 2, it->description, sizeof it->description);
	col(st, 3, it->quantity, sizeof it->quantity);
	col(st, 4, it->unit, sizeof it->unit);
	col(st, 5, it->notes, sizeof it->notes);
	col(st, 6, it->status, sizeof it->status);
	col(st, 7, it->custodian, sizeof it->custodian);
	col(st, 8, it->locker, sizeof it->locker);
}

int
visit_belongings(struct journal *j, const char *id, struct visit_item *out, size_t max,
    size_t *n, struct errmsg *em)
{
	return each_row(j, "SELECT n, category, description, quantity, unit, notes, status, "
	    "custodian, locker FROM belongings WHERE visit = ? ORDER BY n", id, max, n, fill_item,
	    out, em);
}

static void
fill_collection(sqlite3_stmt *st, void *out, size_t i)
{
	struct visit_collection *c = (struct visit_collection *)out + i;

	col(st, 0, c->item, sizeof c->item);
	col(st, 1, c->result, sizeof c->result);
	c->skipped = sqlite3_column_int(st, 2);
	col(st, 3, c->reason, sizeof c->reason);
	col(st, 4, c->operator_, sizeof c->operator_);
	c->ts = sqlite3_column_int64(st, 5);
	c->done = 1;
}

int
visit_collections(struct journal *j, const char *id,
    struct visit_collection out[INTAKE_COLLECTION_ITEMS], struct errmsg *em)
{
	struct visit_collection rows[INTAKE_COLLECTION_ITEMS * 2];
	size_t n, i, k;
	int status;

	memset(out, 0, INTAKE_COLLECTION_ITEMS * sizeof *out);
	for (k = 0; k < INTAKE_COLLECTION_ITEMS; k++)
		snprintf(out[k].item, sizeof out[k].item, "%s", intake_collection_keys[k]);
	memset(rows, 0, sizeof rows);
	status = each_row(j, "SELECT item, result, skipped, reason, operator, ts FROM "
	    "collections WHERE visit = ?", id, sizeof rows / sizeof rows[0], &n, fill_collection,
	    rows, em);
	for (i = 0; status == CST_OK && i < n; i++)
		for (k = 0; k < INTAKE_COLLECTION_ITEMS; k++)
			if (strcmp(rows[i].item, intake_collection_keys[k]) == 0)
				out[k] = rows[i];
	return status;
}

static void
fill_movement(sqlite3_stmt *st, void *out, size_t i)
{
	struct visit_movement *m = (struct visit_movement *)out + i;

	m->ts = sqlite3_column_int64(st, 0);
	col(st, 1, m->room, sizeof m->room);
	col(st, 2, m->kind, sizeof m->kind);
	col(st, 3, m->officers, sizeof m->officers);
}

int
visit_movements(struct journal *j, const char *id, struct visit_movement *out, size_t max,
    size_t *n, struct errmsg *em)
{
	return each_row(j, "SELECT ts, room, kind, officers FROM movements WHERE visit = ? "
	    "ORDER BY n", id, max, n, fill_movement, out, em);
}

static void
fill_temp(sqlite3_stmt *st, void *out, size_t i)
{
	struct visit_temp_exit *t = (struct visit_temp_exit *)out + i;

	t->started_ts = sqlite3_column_int64(st, 0);
	col(st, 1, t->purpose, sizeof t->purpose);
	col(st, 2, t->reason, sizeof t->reason);
	col(st, 3, t->approved_by, sizeof t->approved_by);
	col(st, 4, t->officers, sizeof t->officers);
	t->return_ts = sqlite3_column_int64(st, 5);
	t->returned_ts = sqlite3_column_int64(st, 6);
}

int
visit_temp_exits(struct journal *j, const char *id, struct visit_temp_exit *out, size_t max,
    size_t *n, struct errmsg *em)
{
	return each_row(j, "SELECT started_ts, purpose, reason, approved_by, officers, return_ts, "
	    "returned_ts FROM temp_exits WHERE visit = ? ORDER BY n", id, max, n, fill_temp, out,
	    em);
}

static void
fill_signature(sqlite3_stmt *st, void *out, size_t i)
{
	struct visit_signature *s = (struct visit_signature *)out + i;

	col(st, 0, s->document, sizeof s->document);
	col(st, 1, s->doc_hash, sizeof s->doc_hash);
	col(st, 2, s->signer_role, sizeof s->signer_role);
	col(st, 3, s->signer_name, sizeof s->signer_name);
	col(st, 4, s->method, sizeof s->method);
	col(st, 5, s->operator_, sizeof s->operator_);
	s->ts = sqlite3_column_int64(st, 6);
	col(st, 7, s->terminal, sizeof s->terminal);
	s->seq = sqlite3_column_int64(st, 8);
	col(st, 9, s->event_hash, sizeof s->event_hash);
	col(st, 10, s->match_finger, sizeof s->match_finger);
	s->match_score = sqlite3_column_int(st, 11);
}

int
visit_signatures(struct journal *j, const char *id, struct visit_signature *out, size_t max,
    size_t *n, struct errmsg *em)
{
	return each_row(j, "SELECT s.document, s.doc_hash, s.signer_role, s.signer_name, "
	    "s.method, s.operator, s.ts, s.terminal, s.seq, lower(hex(e.hash)), s.match_finger, "
	    "s.match_score FROM signatures s "
	    "JOIN events e ON e.terminal = s.terminal AND e.seq = s.seq WHERE s.visit = ? "
	    "ORDER BY s.ts, s.terminal, s.seq", id, max, n, fill_signature, out, em);
}

static void
fill_fingerprint(sqlite3_stmt *st, void *out, size_t i)
{
	struct visit_fingerprint *f = (struct visit_fingerprint *)out + i;
	const char *hex = (const char *)sqlite3_column_text(st, 4);
	size_t len = hex ? strlen(hex) : 0;

	col(st, 0, f->finger, sizeof f->finger);
	f->quality = sqlite3_column_int(st, 1);
	col(st, 2, f->format, sizeof f->format);
	col(st, 3, f->key_id, sizeof f->key_id);
	/* A projection row made from a signed event, but bounded all the same. */
	f->sealed_len = 0;
	if (len % 2 == 0 && len / 2 <= sizeof f->sealed &&
	    hex_decode(hex, len, f->sealed, len / 2) == 0)
		f->sealed_len = len / 2;
	col(st, 5, f->operator_, sizeof f->operator_);
	f->ts = sqlite3_column_int64(st, 6);
	col(st, 7, f->terminal, sizeof f->terminal);
	f->seq = sqlite3_column_int64(st, 8);
}

int
visit_fingerprints(struct journal *j, const char *id, struct visit_fingerprint *out,
    size_t max, size_t *n, struct errmsg *em)
{
	return each_row(j, "SELECT finger, quality, format, key_id, sealed, operator, ts, "
	    "terminal, seq FROM fingerprints WHERE visit = ? ORDER BY quality DESC, finger", id,
	    max, n, fill_fingerprint, out, em);
}

int
visit_searches(struct journal *j, const char *id, char ***bodies, size_t *n, struct errmsg *em)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc = SQLITE_DONE, status;

	*bodies = NULL;
	*n = 0;
	if ((status = db_prepare(journal_db(j), "SELECT body FROM searches WHERE visit = ? "
	    "ORDER BY n", &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*bodies = xrealloc(*bodies, cap * sizeof **bodies);
		}
		(*bodies)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(journal_db(j), rc, em, _("reading visits"));
}

int
visit_signed_text(struct journal *j, const struct visit_signature *s, char **text,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, status;

	*text = NULL;
	if ((status = db_prepare(journal_db(j), "SELECT json_extract(CAST(body AS TEXT), "
	    "'$.text') FROM events WHERE terminal = ? AND seq = ?", &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, s->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
		*text = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(journal_db(j), rc, em, _("reading the journal"));
	return *text != NULL ? CST_OK :
	    err_set(em, CST_ERR_NOTFOUND, _("the signed text is not in the journal"));
}

int
visit_locker_taken(struct journal *j, const char *locker, char other[UUID_LEN + 1],
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, status;

	other[0] = '\0';
	if ((status = db_prepare(journal_db(j), "SELECT visit FROM lockers WHERE locker = ?", &st,
	    em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, locker, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		col(st, 0, other, UUID_LEN + 1);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading visits"));
}

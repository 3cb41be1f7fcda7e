/* Conflicts of ids held twice: the queue, their conflict.detected events, resolution. */
#include "conflict.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "json.h"
#include "operator.h"
#include "property.h"
#include "record.h"
#include "text.h"
#include "visit.h"
#include "xmalloc.h"

#define SIDE_COLUMNS(x) x "_subject, " x "_terminal, " x "_seq, " x "_operator, " x "_ts"
#define CONFLICT_COLUMNS "id, kind, held, " SIDE_COLUMNS("a") ", " SIDE_COLUMNS("b") \
	", recorded, coalesce(resolved_ts, 0), coalesce(keep, '')"

static const char system_operator[] = "system";	/* as alert.c's events */

void
conflict_list_free(struct conflict_list *l)
{
	if (l == NULL)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const char *
conflict_kind_label(const char *kind)
{
	if (strcmp(kind, "band") == 0)
		return _("band");
	if (strcmp(kind, "tag") == 0)
		return _("tag");
	return _("item code");
}

static void
col(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

/* Who or what a side is, and whether it still holds the id, from the projections. */
static void
describe(struct journal *j, const char *kind, const char *held, struct conflict_party *s)
{
	struct prop_item it;
	struct visit v;

	s->what[0] = '\0';
	s->holds = 0;
	if (strcmp(kind, "band") == 0) {
		if (visit_get(j, s->subject, &v, NULL) != CST_OK)
			return;
		snprintf(s->what, sizeof s->what, "%s", v.name);
		s->holds = v.exit_ts == 0 && strcmp(v.band, held) == 0;
		return;
	}
	if (prop_item_get(j, s->subject, &it, NULL) != CST_OK)
		return;
	snprintf(s->what, sizeof s->what, "%s %s", it.code, it.description);
	s->holds = strcmp(kind, "tag") == 0 ? strcmp(it.tag, held) == 0 && !prop_status_final(
	    it.status) : strcmp(it.code, held) == 0;
}

static void
read_row(struct journal *j, sqlite3_stmt *st, struct conflict *c)
{
	struct conflict_party *s;
	int i;

	memset(c, 0, sizeof *c);
	col(st, 0, c->id, sizeof c->id);
	col(st, 1, c->kind, sizeof c->kind);
	col(st, 2, c->held, sizeof c->held);
	for (i = 0; i < 2; i++) {
		s = i == 0 ? &c->a : &c->b;
		col(st, 3 + 5 * i, s->subject, sizeof s->subject);
		col(st, 4 + 5 * i, s->terminal, sizeof s->terminal);
		s->seq = sqlite3_column_int64(st, 5 + 5 * i);
		col(st, 6 + 5 * i, s->operator_, sizeof s->operator_);
		s->ts = sqlite3_column_int64(st, 7 + 5 * i);
		describe(j, c->kind, c->held, s);
	}
	c->recorded = sqlite3_column_int(st, 13);
	c->resolved_ts = sqlite3_column_int64(st, 14);
	col(st, 15, c->keep, sizeof c->keep);
}

static int
query(struct journal *j, const char *sql, const char *arg, size_t max, struct conflict_list *out,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, status;

	memset(out, 0, sizeof *out);
	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	out->v = xcalloc(max, sizeof *out->v);
	while (out->n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(j, st, &out->v[out->n++]);
	if (out->n < max && rc != SQLITE_DONE)
		status = db_fail(journal_db(j), rc, em, _("reading the conflicts"));
	sqlite3_finalize(st);
	return status;
}

int
conflict_open(struct journal *j, struct conflict_list *out, struct errmsg *em)
{
	return query(j, "SELECT " CONFLICT_COLUMNS " FROM conflicts WHERE resolved_ts IS NULL "
	    "ORDER BY max(a_ts, b_ts), id", NULL, CONFLICT_OPEN_MAX, out, em);
}

int
conflict_get(struct journal *j, const char *id, struct conflict *out, struct errmsg *em)
{
	struct conflict_list l;
	int status = query(j, "SELECT " CONFLICT_COLUMNS " FROM conflicts WHERE id = ?", id, 1,
	    &l, em);

	if (status == CST_OK && l.n == 0)
		status = err_set(em, CST_ERR_NOTFOUND, _("no such conflict"));
	if (status == CST_OK)
		*out = l.v[0];
	conflict_list_free(&l);
	return status;
}

int
conflict_count_open(struct journal *j, int64_t *n, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	*n = 0;
	if ((status = db_prepare(journal_db(j), "SELECT count(*) FROM conflicts WHERE "
	    "resolved_ts IS NULL", &st, em)) != CST_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		status = db_fail(journal_db(j), rc, em, _("reading the conflicts"));
	sqlite3_finalize(st);
	return status;
}

static void
side_json(struct jw *w, const char *key, const struct conflict_party *s)
{
	jw_key(w, key);
	jw_obj_begin(w);
	rec_kv(w, "subject", s->subject);
	rec_kv(w, "terminal", s->terminal);
	jw_key(w, "seq");
	jw_int(w, s->seq);
	rec_kv(w, "operator", s->operator_);
	jw_key(w, "ts");
	jw_int(w, s->ts);
	jw_obj_end(w);
}

int
conflict_record_new(struct journal *j, int *recorded, struct errmsg *em)
{
	struct conflict_list l;
	char action[UUID_LEN + 1];
	struct intake in;
	struct intake_error e;
	size_t i;
	int status;

	if (recorded != NULL)
		*recorded = 0;
	if ((status = query(j, "SELECT " CONFLICT_COLUMNS " FROM conflicts WHERE recorded = 0 "
	    "ORDER BY id", NULL, CONFLICT_OPEN_MAX, &l, em)) != CST_OK) {
		conflict_list_free(&l);
		return status;
	}
	memset(&in, 0, sizeof in);
	in.j = j;
	snprintf(in.operator_, sizeof in.operator_, "%s", system_operator);
	for (i = 0; i < l.n && status == CST_OK; i++) {
		struct jw w;

		/* The conflict's identity makes the action id: one event per conflict here. */
		intake_part(l.v[i].id, "detected", action);
		in.action = action;
		jw_init(&w);
		jw_obj_begin(&w);
		rec_kv(&w, "kind", l.v[i].kind);
		rec_kv(&w, "held", l.v[i].held);
		side_json(&w, "a", &l.v[i].a);
		side_json(&w, "b", &l.v[i].b);
		jw_obj_end(&w);
		memset(&e, 0, sizeof e);
		status = rec_append(&in, "conflict.detected", l.v[i].id, &w, &e);
		if (status != CST_OK)
			err_set(em, status, "%s", e.em.text);
		else if (recorded != NULL && !e.already)
			(*recorded)++;
	}
	conflict_list_free(&l);
	return status;
}

/* The supervisor's own credentials: the one at the board may resolve. */
static int
check_approver(struct intake *in, const char *id, const char *password,
    struct intake_error *err)
{
	struct operator op;

	if (*id == '\0')
		return rec_refuse(err, "supervisor", CST_ERR_ARG, _("required"));
	if (operator_authenticate(in->j, id, password, "conflict", in->max_failures,
	    in->lockout_ms, &op, &err->em) != CST_OK) {
		err->field = "supervisor";
		return err->em.code;
	}
	if (!role_can_approve(op.role))
		return rec_refuse(err, "supervisor", CST_ERR_PERM, _("%s is not a supervisor"), id);
	return CST_OK;
}

/* The event that takes the id from the side that gives it up, when it still holds it. */
static int
release(struct intake *in, const struct conflict *c, const struct conflict_party *other,
    const char *reason, struct intake_error *err)
{
	struct prop_item it;
	struct jw w;
	char code[PROP_CODE_MAX + 1];
	int seq;

	if (!other->holds)
		return CST_OK;	/* unbound, exited or recoded meanwhile */
	jw_init(&w);
	jw_obj_begin(&w);
	if (strcmp(c->kind, "band") == 0) {
		rec_kv(&w, "band", c->held);
	} else if (strcmp(c->kind, "tag") == 0) {
		rec_kv(&w, "tag", "");
	} else {
		if (prop_item_get(in->j, other->subject, &it, &err->em) != CST_OK ||
		    property_next_seq(in, it.case_number, &seq, err) != CST_OK) {
			jw_free(&w);
			return err->em.code;
		}
		property_item_code(it.case_number, seq, code);
		rec_kv(&w, "code", code);
		jw_key(&w, "case_seq");
		jw_int(&w, seq);
		rec_kv(&w, "old_code", c->held);
	}
	rec_kv(&w, "reason", reason);
	rec_kv(&w, "conflict", c->id);
	jw_obj_end(&w);
	return rec_append(in, strcmp(c->kind, "band") == 0 ? "band.unbound" :
	    strcmp(c->kind, "tag") == 0 ? "item.tagged" : "item.recoded", other->subject, &w, err);
}

int
conflict_resolve(struct intake *in, const char *id, int keep_a, const char *supervisor,
    const char *password, const char *reason, struct intake_error *err)
{
	char action[UUID_LEN + 1], part[UUID_LEN + 1];
	const struct conflict_party *keep, *other;
	struct intake step;
	struct conflict c;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (in->action == NULL || *in->action == '\0')
		uuid_new(action);
	else
		snprintf(action, sizeof action, "%s", in->action);
	intake_part(action, "resolved", part);
	step = intake_for(in, part);
	if (rec_recorded(&step, err))
		return CST_OK;
	if (conflict_get(in->j, id, &c, &err->em) != CST_OK)
		return err->em.code;
	if (c.resolved_ts != 0)
		return rec_refuse(err, NULL, CST_ERR_EXISTS, _("this conflict is resolved already"));
	if (rec_check_text(err, "reason", reason, IN_TEXT_MAX, 1))
		return err->em.code;
	if (text_chars(reason) < 4)
		return rec_refuse(err, "reason", CST_ERR_ARG, _("write the reason out"));
	if (check_approver(in, supervisor, password, err))
		return err->em.code;
	keep = keep_a ? &c.a : &c.b;
	other = keep_a ? &c.b : &c.a;
	intake_part(action, "release", part);
	step = intake_for(in, part);
	if (release(&step, &c, other, reason, err) != CST_OK)
		return err->em.code;
	intake_part(action, "resolved", part);
	step = intake_for(in, part);
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "kind", c.kind);
	rec_kv(&w, "held", c.held);
	rec_kv(&w, "keep", keep->subject);
	rec_kv(&w, "other", other->subject);
	rec_kv(&w, "approved_by", supervisor);
	rec_kv(&w, "reason", reason);
	jw_obj_end(&w);
	memset(err, 0, sizeof *err);
	return rec_append(&step, "conflict.resolved", c.id, &w, err);
}

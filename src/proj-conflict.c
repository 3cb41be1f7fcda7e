/*
 * Ids held twice (0009-conflicts.sql): who holds each band, item code and tag, and a conflict
 * row when an event claims one that another visit or item still holds. Both records stay as
 * they are; the row names both claiming events, ordered, so that every terminal and every
 * rebuild finds the same conflict whatever order the events arrived in.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "conflict.h"
#include "db.h"
#include "i18n.h"
#include "intake.h"
#include "proj.h"

/* Another subject still holding the id: a band on an open visit, a code, a live item's tag. */
static const char others_sql[] = "SELECT c.subject, c.terminal, c.seq, c.operator, c.ts "
    "FROM id_claims c WHERE c.kind = ?1 AND c.id = ?2 AND c.subject <> ?3 AND CASE ?1 "
    "WHEN 'band' THEN EXISTS (SELECT 1 FROM visits v WHERE v.id = c.subject AND "
    "v.exit_ts IS NULL AND v.band = c.id) "
    "WHEN 'tag' THEN EXISTS (SELECT 1 FROM prop_items i WHERE i.id = c.subject AND "
    "i.tag = c.id AND i.status NOT IN ('transferred', 'released', 'disposed')) "
    "ELSE EXISTS (SELECT 1 FROM prop_items i WHERE i.id = c.subject AND i.code = c.id) END "
    "ORDER BY c.terminal, c.seq";

static int
side_before(const struct conflict_side *x, const struct conflict_side *y)
{
	int c = strcmp(x->terminal, y->terminal);

	return c < 0 || (c == 0 && x->seq < y->seq);
}

void
conflict_ident(const char *kind, const char *held, const struct conflict_side *a,
    const struct conflict_side *b, char *ident, size_t size, char id[UUID_LEN + 1])
{
	snprintf(ident, size, "%s:%s:%s:%lld:%s:%lld", kind, held, a->terminal, (long long)a->seq,
	    b->terminal, (long long)b->seq);
	intake_part("custody.conflict", ident, id);
}

/* Notes a conflict between two claims (in either order); nothing when it is known. */
static int
note(struct project *p, const char *kind, const char *held, const struct conflict_side *x,
    const struct conflict_side *y, struct errmsg *em)
{
	static const char sql[] = "INSERT OR IGNORE INTO conflicts (id, ident, kind, held, "
	    "a_subject, a_terminal, a_seq, a_operator, a_ts, b_subject, b_terminal, b_seq, "
	    "b_operator, b_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	const struct conflict_side *a = side_before(x, y) ? x : y, *b = a == x ? y : x;
	char ident[CONFLICT_IDENT_MAX], id[UUID_LEN + 1];

	conflict_ident(kind, held, a, b, ident, sizeof ident, id);
	return proj_exec(p, sql, em, "ssssssisissisi", id, ident, kind, held, a->subject,
	    a->terminal, a->seq, a->operator_, a->ts, b->subject, b->terminal, b->seq,
	    b->operator_, b->ts);
}

int
proj_claim(struct project *p, const struct event *ev, const char *kind, const char *held,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR REPLACE INTO id_claims (kind, id, subject, terminal, "
	    "seq, operator, ts) VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct conflict_side self = { ev->subject, ev->terminal, ev->operator_, ev->seq, ev->ts };
	struct conflict_side other;
	sqlite3_stmt *st;
	int rc, status;

	if (held == NULL || *held == '\0')
		return CST_OK;
	if ((status = project_stmt(p, others_sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, held, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ev->subject, -1, SQLITE_TRANSIENT);
	/* note() writes conflicts through its own statement, not the claims read here. */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		other = (struct conflict_side){ (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 3),
		    sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 4) };
		if ((status = note(p, kind, held, &other, &self, em)) != CST_OK)
			break;
	}
	sqlite3_reset(st);
	if (status != CST_OK)
		return status;
	if (rc != SQLITE_DONE)
		return db_fail(project_db(p), rc, em, _("reading the projections"));
	return proj_exec(p, ins, em, "ssssisi", kind, held, ev->subject, ev->terminal, ev->seq,
	    ev->operator_, ev->ts);
}

int
proj_unclaim(struct project *p, const char *kind, const char *subject, struct errmsg *em)
{
	static const char sql[] = "DELETE FROM id_claims WHERE kind = ? AND subject = ?";

	return proj_exec(p, sql, em, "ss", kind, subject);
}

static void
body_side(const struct json *o, struct conflict_side *s)
{
	s->subject = proj_str(o, "subject");
	s->terminal = proj_str(o, "terminal");
	s->operator_ = proj_str(o, "operator");
	s->seq = proj_int(o, "seq", 0);
	s->ts = proj_int(o, "ts", 0);
}

/* Another terminal may have noticed it first, or before this one has both sides. */
int
proj_conflict_detected(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char mark[] = "UPDATE conflicts SET recorded = 1 WHERE id = ?";
	struct conflict_side a, b;
	char ident[CONFLICT_IDENT_MAX], id[UUID_LEN + 1];
	const char *kind = proj_str(body, "kind"), *held = proj_str(body, "held");
	int status;

	(void)ev;
	body_side(json_get(body, "a"), &a);
	body_side(json_get(body, "b"), &b);
	if (*kind == '\0' || *held == '\0' || *a.subject == '\0' || *b.subject == '\0')
		return CST_OK;	/* nothing to list */
	if ((status = note(p, kind, held, &a, &b, em)) != CST_OK)
		return status;
	conflict_ident(kind, held, side_before(&a, &b) ? &a : &b, side_before(&a, &b) ? &b : &a,
	    ident, sizeof ident, id);
	return proj_exec(p, mark, em, "s", id);
}

int
proj_conflict_resolved(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE conflicts SET resolved_ts = ?1, resolved_by = ?2, "
	    "keep = ?3, reason = ?4 WHERE id = ?5 AND resolved_ts IS NULL";

	return proj_exec(p, sql, em, "issss", ev->ts, proj_str(body, "approved_by"),
	    proj_str(body, "keep"), proj_str(body, "reason"), ev->subject);
}

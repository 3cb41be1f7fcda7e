/* Projections of operators and their logins. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "proj.h"

/*
 * Operators' winner among the additions of one id: the one the ledger ordered first (its pull
 * cursor), then any whose place is not known yet by hash. Pulls come in cursor order, so an
 * addition whose place is still unknown here lands after every one whose place is known:
 * each terminal holds the ledger's winner once it has pulled past both, whatever order the
 * events reached it in, and a terminal's clock decides nothing. Additions held before the
 * rule (legacy, docs/journal.md "Authority") come first, among themselves by the old rule
 * (earliest ts); the operators the migration found were chosen so and are never displaced.
 */
static int
choose(struct project *p, const char *id, struct errmsg *em)
{
	static const char sql[] = "INSERT INTO operators (id, name, role, password_hash, "
	    "credential, added_by, added_ts, legacy, active, failures, locked_until) "
	    "SELECT id, name, role, password_hash, credential, added_by, ts, legacy, 1, 0, 0 "
	    "FROM operator_additions WHERE id = ?1 ORDER BY legacy DESC, "
	    "CASE WHEN legacy THEN ts END, CASE WHEN legacy THEN password_hash END, "
	    "pos IS NULL, pos, hash LIMIT 1 "
	    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, "
	    "password_hash = excluded.password_hash, credential = excluded.credential, "
	    "added_by = excluded.added_by, added_ts = excluded.added_ts, legacy = excluded.legacy "
	    "WHERE operators.legacy = 0 OR excluded.legacy = 1";

	return proj_exec(p, sql, em, "s", id);
}

int
proj_operator_added(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "INSERT OR REPLACE INTO operator_additions (id, terminal, seq, "
	    "legacy, pos, hash, name, role, password_hash, credential, added_by, ts) VALUES (?1, "
	    "?2, ?3, ?11, (SELECT cursor FROM ledger_order WHERE terminal = ?2 AND seq = ?3), ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10)";
	const struct json *auth = json_get(body, "authority");
	const struct json *cred = json_get(body, "credential");
	sqlite3_stmt *st;
	struct jw w;
	int status;

	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	jw_init(&w);
	if (cred != NULL)
		proj_json_text(cred, &w);
	sqlite3_bind_text(st, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ev->terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, ev->seq);
	sqlite3_bind_blob(st, 4, ev->hash, sizeof ev->hash, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, proj_str(body, "name"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, proj_str(body, "role"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, proj_str(body, "password_hash"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, cred != NULL ? jw_text(&w, NULL) : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, auth != NULL ? proj_str(auth, "admin") : ev->operator_, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 10, ev->ts);
	sqlite3_bind_int(st, 11, project_legacy(p));
	status = project_run(p, st, em);
	jw_free(&w);
	return status == CST_OK ? choose(p, ev->subject, em) : status;
}

int
proj_operator_order(struct project *p, const char *terminal, int64_t seq, struct errmsg *em)
{
	static const char set[] = "UPDATE operator_additions SET pos = (SELECT cursor FROM "
	    "ledger_order WHERE terminal = ?1 AND seq = ?2) WHERE terminal = ?1 AND seq = ?2 "
	    "RETURNING id";
	char id[EV_MAX_ID + 1];
	int status = proj_order_learned(p, set, terminal, seq, id, sizeof id, em);

	return status == CST_OK && id[0] != '\0' ? choose(p, id, em) : status;
}

/*
 * Logins count only at the terminal where they happen: another terminal's failures (whatever
 * its clock says) lock nobody here, and its successes unlock nobody either.
 */
static int
own(struct project *p, const struct event *ev)
{
	return strcmp(ev->terminal, project_self(p)) == 0;
}

int
proj_login_succeeded(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE operators SET failures = 0, locked_until = 0 "
	    "WHERE id = ?";
	sqlite3_stmt *st;
	int status;

	(void)body;
	if (!own(p, ev))
		return CST_OK;
	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, ev->subject, -1, SQLITE_TRANSIENT);
	return project_run(p, st, em);
}

/* The body carries the count and the lock decided when it happened, so replay agrees. */
int
proj_login_failed(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE operators SET failures = ?, locked_until = ? "
	    "WHERE id = ?";
	sqlite3_stmt *st;
	int status;

	if (!own(p, ev))
		return CST_OK;
	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_int64(st, 1, proj_int(body, "failures", 1));
	sqlite3_bind_int64(st, 2, proj_int(body, "locked_until", 0));
	sqlite3_bind_text(st, 3, ev->subject, -1, SQLITE_TRANSIENT);
	return project_run(p, st, em);
}

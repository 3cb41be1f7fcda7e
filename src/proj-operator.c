/* Projections of operators and their logins. */
#include <sqlite3.h>

#include "proj.h"

int
proj_operator_added(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	/*
	 * Two terminals cut off from each other may each add the same id. Every terminal must
	 * end with the same operator whatever order the events reached it in, so the earliest
	 * addition wins (ties broken by the hash string), not the last one applied.
	 */
	static const char sql[] = "INSERT INTO operators (id, name, role, password_hash, active, "
	    "failures, locked_until, added_ts) VALUES (?1, ?2, ?3, ?4, 1, 0, 0, ?5) "
	    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, "
	    "password_hash = excluded.password_hash, added_ts = excluded.added_ts "
	    "WHERE excluded.added_ts < operators.added_ts OR (excluded.added_ts = "
	    "operators.added_ts AND excluded.password_hash < operators.password_hash)";
	sqlite3_stmt *st;
	int status;

	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, proj_str(body, "name"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, proj_str(body, "role"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, proj_str(body, "password_hash"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, ev->ts);
	return project_run(p, st, em);
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

	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_int64(st, 1, proj_int(body, "failures", 1));
	sqlite3_bind_int64(st, 2, proj_int(body, "locked_until", 0));
	sqlite3_bind_text(st, 3, ev->subject, -1, SQLITE_TRANSIENT);
	return project_run(p, st, em);
}

/* Projection of the register of officers (officer.added). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "namegram.h"
#include "officer.h"
#include "proj.h"

/*
 * The winner among the additions of one number: the one the ledger ordered first, then any
 * whose place is not known yet by hash (the rule of operators, src/proj-operator.c), so every
 * terminal holds the same officer once it has pulled past both, and a rebuild the same.
 */
static int
choose(struct project *p, const char *number, struct errmsg *em)
{
	static const char sql[] = "INSERT INTO officers (number, name, unit, sex, initials, "
	    "added_by, added_ts) SELECT number, name, unit, sex, initials, added_by, ts "
	    "FROM officer_additions WHERE number = ?1 ORDER BY pos IS NULL, pos, hash LIMIT 1 "
	    "ON CONFLICT (number) DO UPDATE SET name = excluded.name, unit = excluded.unit, "
	    "sex = excluded.sex, initials = excluded.initials, added_by = excluded.added_by, "
	    "added_ts = excluded.added_ts";

	return proj_exec(p, sql, em, "s", number);
}

int
proj_officer_added(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "INSERT OR REPLACE INTO officer_additions (number, terminal, "
	    "seq, pos, hash, name, unit, sex, initials, added_by, ts) VALUES (?1, ?2, ?3, "
	    "(SELECT cursor FROM ledger_order WHERE terminal = ?2 AND seq = ?3), ?4, ?5, ?6, ?7, "
	    "?8, ?9, ?10)";
	const struct json *auth = json_get(body, "authority");
	char initials[OFFICER_NAME_MAX + 1];
	sqlite3_stmt *st;
	int status;

	namegram_initials(proj_str(body, "name"), initials, sizeof initials);
	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ev->terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, ev->seq);
	sqlite3_bind_blob(st, 4, ev->hash, sizeof ev->hash, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, proj_str(body, "name"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, proj_str(body, "unit"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, proj_str(body, "sex"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, initials, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, auth != NULL ? proj_str(auth, "admin") : ev->operator_, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 10, ev->ts);
	status = project_run(p, st, em);
	return status == CST_OK ? choose(p, ev->subject, em) : status;
}

int
proj_officer_order(struct project *p, const char *terminal, int64_t seq, struct errmsg *em)
{
	static const char set[] = "UPDATE officer_additions SET pos = (SELECT cursor FROM "
	    "ledger_order WHERE terminal = ?1 AND seq = ?2) WHERE terminal = ?1 AND seq = ?2 "
	    "RETURNING number";
	char number[EV_MAX_ID + 1];
	int status = proj_order_learned(p, set, terminal, seq, number, sizeof number, em);

	return status == CST_OK && number[0] != '\0' ? choose(p, number, em) : status;
}

/*
 * Tampering: for every column of an event row, change one byte with the sqlite3 library
 * directly; custody verify must fail (exit 1) and name that row.
 */
#include <sqlite3.h>

#include "journal.h"
#include "t.h"
#include "terminal.h"
#include "util.h"

#define VICTIM 5	/* the seq whose row is altered */

static void
make_journal(const char *dir)
{
	struct terminal *t;
	char body[128];
	int i;

	if (terminal_create(dir, "t1", "intake", NULL) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		exit(99);
	for (i = 0; i < 8; i++) {
		/* The byte tamper() flips, the middle one, is the ':' after "n": JSON no more. */
		snprintf(body, sizeof body, "{\"id_number\":\"11010119900307803X\",\"n\":%d,"
		    "\"pad\":\"abcdefghi\",\"name\":\"张三\"}", i);
		if (journal_append(t->journal, "clerk-7", "person.registered", "visit-42", body,
		    strlen(body), NULL, NULL) != CST_OK)
			exit(99);
	}
	terminal_close(t);
}

/* Changes one byte of column col in row (t1, VICTIM), keeping its storage type. */
static int
tamper(const char *dir, const char *col)
{
	char path[PATH_MAX], sql[256];
	sqlite3_stmt *st;
	sqlite3 *db;
	int type, rc;

	snprintf(path, sizeof path, "%s/custody.db", dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_exec(db, "DROP TRIGGER events_no_update", NULL, NULL, NULL);
	snprintf(sql, sizeof sql, "SELECT %s FROM events WHERE terminal = 't1' AND seq = %d",
	    col, VICTIM);
	sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (sqlite3_step(st) != SQLITE_ROW)
		return -1;
	type = sqlite3_column_type(st, 0);
	{
		int n = sqlite3_column_bytes(st, 0);
		unsigned char *copy = malloc((size_t)n + 1);
		sqlite3_int64 v = sqlite3_column_int64(st, 0);
		sqlite3_stmt *up;

		memcpy(copy, type == SQLITE_BLOB ? sqlite3_column_blob(st, 0) :
		    (const void *)sqlite3_column_text(st, 0), (size_t)n);
		sqlite3_finalize(st);
		snprintf(sql, sizeof sql, "UPDATE events SET %s = ? WHERE terminal = 't1' AND "
		    "seq = %d", col, VICTIM);
		sqlite3_prepare_v2(db, sql, -1, &up, NULL);
		if (type == SQLITE_INTEGER)
			sqlite3_bind_int64(up, 1, v ^ 0x400);	/* one bit of the second byte */
		else {
			copy[n / 2] ^= 0x01;
			if (type == SQLITE_BLOB)
				sqlite3_bind_blob(up, 1, copy, n, SQLITE_TRANSIENT);
			else
				sqlite3_bind_text(up, 1, (char *)copy, n, SQLITE_TRANSIENT);
		}
		rc = sqlite3_step(up);
		sqlite3_finalize(up);
		free(copy);
	}
	sqlite3_close(db);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void
check_column(const char *base, const char *col, const char *field)
{
	char dir[PATH_MAX], arg[PATH_MAX + 8], what[200], needle[64];
	struct t_result r;

	snprintf(dir, sizeof dir, "%s/%s", base, col);
	make_journal(dir);
	snprintf(arg, sizeof arg, "--data=%s", dir);
	r = t_custody("verify", arg);
	snprintf(what, sizeof what, "before tampering with %s: verify passes", col);
	ok(r.status == 0, what);
	t_result_free(&r);

	snprintf(what, sizeof what, "tamper %s: one byte changed", col);
	ok(tamper(dir, col) == 0, what);
	r = t_custody("verify", arg);
	snprintf(what, sizeof what, "tamper %s: verify exits 1", col);
	ok(r.status == 1, what);
	snprintf(needle, sizeof needle, "seq %d,", VICTIM);
	snprintf(what, sizeof what, "tamper %s: verify names seq %d", col, VICTIM);
	ok(t_has(r.out, needle), what);
	snprintf(needle, sizeof needle, "field %s", field);
	snprintf(what, sizeof what, "tamper %s: verify names the field (%s)", col, field);
	ok(t_has(r.out, needle), what);
	if (getenv("TAMPER_SHOW") || r.status != 1 || !t_has(r.out, needle))
		fprintf(stderr, "verify said:\n%s%s", r.out, r.err);
	t_result_free(&r);
}

static void
check_deleted_row(const char *base)
{
	char dir[PATH_MAX], arg[PATH_MAX + 8], path[PATH_MAX];
	struct t_result r;
	sqlite3 *db;

	snprintf(dir, sizeof dir, "%s/deleted", base);
	make_journal(dir);
	snprintf(path, sizeof path, "%s/custody.db", dir);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 5",
	    NULL, NULL, NULL);
	sqlite3_close(db);
	snprintf(arg, sizeof arg, "--data=%s", dir);
	r = t_custody("verify", arg);
	ok(r.status == 1 && t_has(r.out, "seq 5,") && t_has(r.out, "missing"),
	    "a deleted row is named as missing");
	t_result_free(&r);
}

int
main(void)
{
	static const struct { const char *col, *field; } cases[] = {
		{ "terminal", "terminal" },	/* the row lands in a chain of its own */
		{ "seq", "seq" },
		{ "ts", "ts/operator/kind/subject/body" },
		{ "operator", "ts/operator/kind/subject/body" },
		{ "kind", "ts/operator/kind/subject/body" },
		{ "subject", "ts/operator/kind/subject/body" },
		{ "body", "body" },
		{ "prev", "prev" },
		{ "hash", "hash" },
		{ "sig", "sig" },
	};
	char *base = t_tmpdir("tamper");
	size_t i;

	cry_init();
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_column(base, cases[i].col, cases[i].field);
	check_deleted_row(base);
	t_rmrf(base);
	free(base);
	return t_done();
}

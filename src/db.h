/* SQLite helpers shared by the terminal and the ledger: opening with our pragmas, migrations, errors. */
#ifndef CUSTODY_DB_H
#define CUSTODY_DB_H

#include <sqlite3.h>

#include "error.h"

struct db_migration {
	int version;		/* 1, 2, 3... with no gaps */
	const char *name;
	const char *sql;
};

enum {
	DB_RDONLY = 1,		/* open read-only; never creates or migrates */
	DB_CREATE = 2		/* create the file when missing */
};

/*
 * Opens path with WAL, synchronous=FULL, foreign keys and a busy timeout, checks that the file
 * belongs to this application (application_id) and brings its schema up to date with
 * migrations (terminated by a NULL name). A file from a newer schema is refused with
 * CST_ERR_VERSION; a file that is not ours, or damaged, with CST_ERR_CORRUPT.
 */
int db_open(const char *path, int flags, unsigned app_id, const struct db_migration *migrations,
    sqlite3 **out, struct errmsg *em);
void db_close(sqlite3 *db);

/* Turns an SQLite result into our status and a message "what: sqlite's words (errno text)". */
int db_fail(sqlite3 *db, int rc, struct errmsg *em, const char *what);
/* Maps an SQLite result code to our status. */
int db_status(int rc);

/* Runs SQL without results; on failure reports what. */
int db_exec(sqlite3 *db, const char *sql, struct errmsg *em, const char *what);
/* Prepares a statement; on failure reports the SQL. */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct errmsg *em);

/* The schema version recorded in the file (0 for a new file). */
int db_schema_version(sqlite3 *db, int *version, struct errmsg *em);

#endif

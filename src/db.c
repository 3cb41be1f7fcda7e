/* SQLite helpers: our pragmas, numbered migrations, and errors a user can act on. */
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

int
db_status(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return CST_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CST_ERR_BUSY;
	case SQLITE_FULL:
		return CST_ERR_FULL;
	case SQLITE_IOERR:
		return CST_ERR_IO;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return CST_ERR_CORRUPT;
	case SQLITE_CANTOPEN:
		return CST_ERR_NOTFOUND;
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_AUTH:
		return CST_ERR_PERM;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
		return CST_ERR_INPUT;
	default:
		return CST_ERR_INTERNAL;
	}
}

/* Words for the disk failures a clerk or an administrator can act on. */
static const char *
io_words(int rc)
{
	switch (rc) {
	case SQLITE_FULL:
		return _("the disk is full");
	case SQLITE_IOERR_WRITE:
		return _("could not write to the disk (it may be full, over a file size limit, "
		    "or failing)");
	case SQLITE_IOERR_FSYNC:
	case SQLITE_IOERR_DIR_FSYNC:
		return _("the disk did not confirm a write (fsync failed)");
	case SQLITE_IOERR_READ:
	case SQLITE_IOERR_SHORT_READ:
		return _("could not read from the disk");
	case SQLITE_IOERR_TRUNCATE:
		return _("could not truncate a file (the disk may be failing)");
	default:
		return NULL;
	}
}

int
db_fail(sqlite3 *db, int rc, struct errmsg *em, const char *what)
{
	int status = db_status(rc);
	int sys = db != NULL ? sqlite3_system_errno(db) : 0;
	const char *msg = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	if (status == CST_OK)
		status = CST_ERR_INTERNAL;
	if (status == CST_ERR_BUSY)
		return err_set(em, status, _("%s: the database is locked by another process"), what);
	if (db != NULL && io_words(sqlite3_extended_errcode(db)) != NULL)
		msg = io_words(sqlite3_extended_errcode(db));
	if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT) {
		status = CST_ERR_FULL;
		msg = _("the disk is full or a file size limit was reached");
	}
	if (sys != 0 && (status == CST_ERR_IO || status == CST_ERR_FULL ||
	    status == CST_ERR_NOTFOUND || status == CST_ERR_PERM))
		return err_set(em, status, "%s: %s (%s)", what, msg, strerror(sys));
	return err_set(em, status, "%s: %s", what, msg);
}

int
db_exec(sqlite3 *db, const char *sql, struct errmsg *em, const char *what)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? CST_OK : db_fail(db, rc, em, what);
}

int
db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct errmsg *em)
{
	int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);

	return rc == SQLITE_OK ? CST_OK : db_fail(db, rc, em, _("preparing a query"));
}

static int
pragma_int(sqlite3 *db, const char *sql, int *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, em, _("reading the database"));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? CST_OK : db_fail(db, rc, em, _("reading the database"));
}

int
db_schema_version(sqlite3 *db, int *version, struct errmsg *em)
{
	int exists, status;

	status = pragma_int(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = 'schema_version'", &exists, em);
	if (status != CST_OK)
		return status;
	if (!exists) {
		*version = 0;
		return CST_OK;
	}
	return pragma_int(db, "SELECT max(version) FROM schema_version", version, em);
}

static int
apply_migration(sqlite3 *db, const struct db_migration *m, struct errmsg *em)
{
	char record[512];
	int status;

	status = db_exec(db, "BEGIN IMMEDIATE", em, _("upgrading the database"));
	if (status != CST_OK)
		return status;
	snprintf(record, sizeof record,
	    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
	    "name TEXT NOT NULL, applied_ms INTEGER NOT NULL);"
	    "INSERT INTO schema_version VALUES (%d, '%s', "
	    "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));",
	    m->version, m->name);
	status = db_exec(db, m->sql, em, m->name);
	if (status == CST_OK)
		status = db_exec(db, record, em, m->name);
	if (status == CST_OK)
		status = db_exec(db, "COMMIT", em, _("upgrading the database"));
	if (status != CST_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return status;
}

static int
migrate(sqlite3 *db, const struct db_migration *migrations, int flags, struct errmsg *em)
{
	const struct db_migration *m;
	int version, newest = 0, status;

	status = db_schema_version(db, &version, em);
	if (status != CST_OK)
		return status;
	for (m = migrations; m->name != NULL; m++)
		newest = m->version;
	if (version > newest)
		return err_set(em, CST_ERR_VERSION,
		    _("this database has schema version %d, written by a newer custody; this "
		    "program knows versions up to %d: upgrade custody before using it"),
		    version, newest);
	if (version == newest)
		return CST_OK;
	if (flags & DB_RDONLY)
		return err_set(em, CST_ERR_VERSION,
		    _("this database has schema version %d and needs upgrading to %d; open it "
		    "once for writing"), version, newest);
	for (m = migrations; m->name != NULL; m++) {
		if (m->version <= version)
			continue;
		status = apply_migration(db, m, em);
		if (status != CST_OK)
			return status;
	}
	return CST_OK;
}

static int
check_owner(sqlite3 *db, unsigned app_id, int flags, struct errmsg *em)
{
	int id, tables, status;
	char sql[64];

	status = pragma_int(db, "PRAGMA application_id", &id, em);
	if (status != CST_OK)
		return status;
	if ((unsigned)id == app_id)
		return CST_OK;
	status = pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables, em);
	if (status != CST_OK)
		return status;
	if (id != 0 || tables != 0)
		return err_set(em, CST_ERR_CORRUPT,
		    _("this SQLite file belongs to another program"));
	if (flags & DB_RDONLY)
		return err_set(em, CST_ERR_NOTFOUND, _("the database is empty"));
	snprintf(sql, sizeof sql, "PRAGMA application_id = %d", (int)app_id);
	return db_exec(db, sql, em, _("initialising the database"));
}

static int
configure(sqlite3 *db, int flags, struct errmsg *em)
{
	int status;

	sqlite3_busy_timeout(db, 2000);
	sqlite3_extended_result_codes(db, 1);
	status = db_exec(db, "PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF", em,
	    _("configuring the database"));
	if (status != CST_OK || (flags & DB_RDONLY))
		return status;
	status = db_exec(db, "PRAGMA journal_mode = WAL", em, _("configuring the database"));
	if (status == CST_OK)
		status = db_exec(db, "PRAGMA synchronous = FULL", em,
		    _("configuring the database"));
	return status;
}

int
db_open(const char *path, int flags, unsigned app_id, const struct db_migration *migrations,
    sqlite3 **out, struct errmsg *em)
{
	sqlite3 *db = NULL;
	int oflags, rc, status;

	*out = NULL;
	oflags = (flags & DB_RDONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if ((flags & DB_CREATE) && !(flags & DB_RDONLY))
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		status = db_fail(db, rc, em, path);
		sqlite3_close(db);
		return status;
	}
	status = configure(db, flags, em);
	if (status == CST_OK)
		status = check_owner(db, app_id, flags, em);
	if (status == CST_OK)
		status = migrate(db, migrations, flags, em);
	if (status != CST_OK) {
		err_wrap(em, status, "%s", path);
		sqlite3_close(db);
		return status;
	}
	*out = db;
	return CST_OK;
}

void
db_close(sqlite3 *db)
{
	sqlite3_close(db);
}

/* The ledger's SQLite backend: one file, WAL, synchronous=FULL, statements prepared once. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "db.h"
#include "i18n.h"
#include "xmalloc.h"

#define LEDGER_APP_ID 0x4353544cu	/* "CSTL" */
/* The sticky bit, which strict POSIX C does not name. */
#define MODE_STICKY 01000

extern const struct db_migration ledger_migrations[];

enum {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
	Q_TERM_GET, Q_TERM_ADD, Q_TERM_UPDATE, Q_TERMS,
	Q_EVENT_HASH, Q_EVENT_ADD, Q_AFTER, Q_CHAIN_AFTER, Q_CHAIN,
	Q_TOKEN_ADD, Q_TOKEN_TAKE, Q_NONCE_ADD, Q_NONCE_PURGE, Q_ALERT_ADD, Q_ALERTS,
	Q_NONCE_SEEN, Q_TLOG_SIZE, Q_LEAF_ADD, Q_LEAF_OF, Q_LEAVES, Q_LEAF_HASHES, Q_TILE_GET, Q_TILE_PUT,
	Q_CKPT_ADD, Q_CKPT_GET, Q_CKPT_NEWEST, Q_COSIG_ADD, Q_COSIGS, Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_TERM_GET] = "SELECT terminal, public_key, enrolled, last_seq, last_hash, last_contact, "
	    "events FROM terminals WHERE terminal = ?",
	[Q_TERM_ADD] = "INSERT INTO terminals (terminal, public_key, enrolled, last_seq, "
	    "last_hash, last_contact, events) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_TERM_UPDATE] = "UPDATE terminals SET last_seq = ?, last_hash = ?, last_contact = ?, "
	    "events = ? WHERE terminal = ?",
	[Q_TERMS] = "SELECT terminal, public_key, enrolled, last_seq, last_hash, last_contact, "
	    "events FROM terminals ORDER BY terminal",
	[Q_EVENT_HASH] = "SELECT hash FROM events WHERE terminal = ? AND seq = ?",
	[Q_EVENT_ADD] = "INSERT INTO events (terminal, seq, ts, operator, kind, subject, body, "
	    "prev, hash, sig, arrived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_AFTER] = "SELECT cursor, terminal, seq, ts, operator, kind, subject, body, prev, hash, "
	    "sig FROM events WHERE cursor > ? ORDER BY cursor LIMIT ?",
	[Q_CHAIN_AFTER] = "SELECT cursor, terminal, seq, ts, operator, kind, subject, body, prev, "
	    "hash, sig FROM events WHERE terminal = ? AND seq > ? ORDER BY seq LIMIT ?",
	[Q_CHAIN] = "SELECT cursor, terminal, seq, ts, operator, kind, subject, body, prev, hash, "
	    "sig FROM events ORDER BY terminal, seq",
	[Q_TOKEN_ADD] = "INSERT INTO tokens (hash, terminal, expires) VALUES (?, ?, ?)",
	[Q_TOKEN_TAKE] = "UPDATE tokens SET used = ?3 WHERE hash = ?1 AND terminal = ?2 "
	    "AND used IS NULL AND expires > ?3",
	[Q_NONCE_ADD] = "INSERT OR IGNORE INTO nonces (terminal, nonce, expires) VALUES (?, ?, ?)",
	[Q_NONCE_PURGE] = "DELETE FROM nonces WHERE expires < ?",
	[Q_ALERT_ADD] = "INSERT INTO alerts (at, terminal, seq, kind, held, offered, event) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[Q_ALERTS] = "SELECT count(*) FROM alerts",
	[Q_NONCE_SEEN] = "SELECT 1 FROM nonces WHERE terminal = ? AND nonce = ?",
	[Q_TLOG_SIZE] = "SELECT leaf, cursor FROM tlog_leaves ORDER BY leaf DESC LIMIT 1",
	[Q_LEAF_ADD] = "INSERT INTO tlog_leaves (leaf, cursor, hash) SELECT ?1, cursor, ?4 "
	    "FROM events WHERE terminal = ?2 AND seq = ?3",
	[Q_LEAF_HASHES] = "SELECT leaf, hash FROM tlog_leaves WHERE leaf >= ? ORDER BY leaf LIMIT ?",
	[Q_LEAF_OF] = "SELECT l.leaf FROM events e JOIN tlog_leaves l ON l.cursor = e.cursor "
	    "WHERE e.terminal = ? AND e.seq = ?",
	[Q_LEAVES] = "SELECT l.leaf, e.terminal, e.seq, e.hash FROM tlog_leaves l "
	    "JOIN events e ON e.cursor = l.cursor WHERE l.leaf >= ? ORDER BY l.leaf LIMIT ?",
	[Q_TILE_GET] = "SELECT width, hashes FROM tlog_tiles WHERE level = ? AND idx = ?",
	[Q_TILE_PUT] = "INSERT INTO tlog_tiles (level, idx, width, hashes) VALUES (?, ?, ?, ?) "
	    "ON CONFLICT (level, idx) DO UPDATE SET width = excluded.width, "
	    "hashes = excluded.hashes",
	[Q_CKPT_ADD] = "INSERT INTO tlog_checkpoints (size, root, note, issued) VALUES (?, ?, ?, ?)",
	[Q_CKPT_GET] = "SELECT size, root, note, issued FROM tlog_checkpoints WHERE size = ?",
	[Q_CKPT_NEWEST] = "SELECT size, root, note, issued FROM tlog_checkpoints "
	    "ORDER BY size DESC LIMIT 1",
	[Q_COSIG_ADD] = "INSERT OR IGNORE INTO tlog_cosignatures (size, witness, line, at) "
	    "VALUES (?, ?, ?, ?)",
	[Q_COSIGS] = "SELECT witness, line FROM tlog_cosignatures WHERE size = ? ORDER BY witness",
};

struct store_sqlite {
	struct store base;	/* first: the generic handle */
	char *path;
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	unsigned nonces_added;
};

static struct store_sqlite *
lite(struct store *s)
{
	return (struct store_sqlite *)s;
}

/* The statement, reset and unbound, ready for this call. */
static sqlite3_stmt *
stmt(struct store *s, int which)
{
	sqlite3_stmt *st = lite(s)->q[which];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/*
 * Whether the database or its WAL has no room to grow: a file at the file size limit, or a
 * file system with less than a megabyte left. SQLite tells a full disk apart (SQLITE_FULL)
 * but not always a write past RLIMIT_FSIZE (EFBIG), whose errno it may have lost.
 */
static int
no_room(const char *path)
{
	static const char *const suffix[] = { "", "-wal" };
	char p[PATH_MAX];
	struct statvfs vfs;
	struct rlimit rl;
	struct stat st;
	size_t i;

	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
			snprintf(p, sizeof p, "%s%s", path, suffix[i]);
			if (stat(p, &st) == 0 && (rlim_t)st.st_size + (64u << 10) > rl.rlim_cur)
				return 1;
		}
	}
	return statvfs(path, &vfs) == 0 && (uint64_t)vfs.f_bavail * vfs.f_frsize < (1u << 20);
}

static int
fail(struct store *s, int rc, struct errmsg *em, const char *what)
{
	int status = db_fail(lite(s)->db, rc, em, what);

	if (status == CST_ERR_IO && (sqlite3_extended_errcode(lite(s)->db) == SQLITE_IOERR_WRITE ||
	    sqlite3_extended_errcode(lite(s)->db) == SQLITE_IOERR_TRUNCATE) && no_room(lite(s)->path))
		return err_set(em, CST_ERR_FULL, _("%s: the disk is full or a file size limit was "
		    "reached"), what);
	return status;
}

/* Runs a statement that returns no rows. */
static int
run(struct store *s, sqlite3_stmt *st, struct errmsg *em, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return fail(s, rc, em, what);
	return CST_OK;
}

static int
lite_begin(struct store *s, struct errmsg *em)
{
	return run(s, stmt(s, Q_BEGIN), em, "begin");
}

static int
lite_commit(struct store *s, struct errmsg *em)
{
	return run(s, stmt(s, Q_COMMIT), em, "commit");
}

static void
lite_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(lite(s)->db))
		run(s, stmt(s, Q_ROLLBACK), NULL, "rollback");
}

static void
blob_out(sqlite3_stmt *st, int col, unsigned char *out, size_t n)
{
	const void *p = sqlite3_column_blob(st, col);

	memset(out, 0, n);
	if (p != NULL && (size_t)sqlite3_column_bytes(st, col) == n)
		memcpy(out, p, n);
}

static void
text_out(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *p = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", p != NULL ? (const char *)p : "");
}

static void
term_row(sqlite3_stmt *st, struct store_term *t)
{
	memset(t, 0, sizeof *t);
	text_out(st, 0, t->terminal, sizeof t->terminal);
	blob_out(st, 1, t->pk, sizeof t->pk);
	t->enrolled = sqlite3_column_int64(st, 2);
	t->last_seq = sqlite3_column_int64(st, 3);
	blob_out(st, 4, t->last_hash, sizeof t->last_hash);
	t->last_contact = sqlite3_column_int64(st, 5);
	t->events = sqlite3_column_int64(st, 6);
}

static int
lite_term_get(struct store *s, const char *terminal, struct store_term *t, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TERM_GET);
	int rc;

	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		term_row(st, t);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return CST_ERR_NOTFOUND;
	return rc == SQLITE_ROW ? CST_OK : fail(s, rc, em, "read terminal");
}

static int
lite_term_add(struct store *s, const struct store_term *t, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TERM_ADD);

	sqlite3_bind_text(st, 1, t->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, t->pk, sizeof t->pk, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->enrolled);
	sqlite3_bind_int64(st, 4, t->last_seq);
	sqlite3_bind_blob(st, 5, t->last_hash, sizeof t->last_hash, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, t->last_contact);
	sqlite3_bind_int64(st, 7, t->events);
	return run(s, st, em, "enrol terminal");
}

static int
lite_term_update(struct store *s, const struct store_term *t, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TERM_UPDATE);

	sqlite3_bind_int64(st, 1, t->last_seq);
	sqlite3_bind_blob(st, 2, t->last_hash, sizeof t->last_hash, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->last_contact);
	sqlite3_bind_int64(st, 4, t->events);
	sqlite3_bind_text(st, 5, t->terminal, -1, SQLITE_STATIC);
	return run(s, st, em, "update terminal");
}

static int
lite_terms_each(struct store *s, store_term_fn fn, void *arg, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TERMS);
	struct store_term t;
	int rc, stop = 0;

	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		term_row(st, &t);
		stop = fn(arg, &t);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "list terminals");
}

static int
lite_event_hash(struct store *s, const char *terminal, int64_t seq,
    unsigned char hash[CRY_HASH_BYTES], struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_EVENT_HASH);
	int rc;

	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		blob_out(st, 0, hash, CRY_HASH_BYTES);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return CST_ERR_NOTFOUND;
	return rc == SQLITE_ROW ? CST_OK : fail(s, rc, em, "read event");
}

static int
lite_event_add(struct store *s, const struct event *ev, int64_t now, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_EVENT_ADD);

	sqlite3_bind_text(st, 1, ev->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ev->seq);
	sqlite3_bind_int64(st, 3, ev->ts);
	sqlite3_bind_text(st, 4, ev->operator_, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, ev->body, (int)ev->body_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, ev->prev, sizeof ev->prev, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, ev->hash, sizeof ev->hash, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, ev->sig, sizeof ev->sig, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, now);
	return run(s, st, em, "store event");
}

/* Reads an event row (cursor first) into ev, whose body the caller clears. */
static void
event_row(sqlite3_stmt *st, int64_t *cursor, struct event *ev)
{
	const void *body = sqlite3_column_blob(st, 7);

	*cursor = sqlite3_column_int64(st, 0);
	text_out(st, 1, ev->terminal, sizeof ev->terminal);
	ev->seq = sqlite3_column_int64(st, 2);
	ev->ts = sqlite3_column_int64(st, 3);
	text_out(st, 4, ev->operator_, sizeof ev->operator_);
	text_out(st, 5, ev->kind, sizeof ev->kind);
	text_out(st, 6, ev->subject, sizeof ev->subject);
	event_set_body(ev, body != NULL ? body : "", (size_t)sqlite3_column_bytes(st, 7));
	blob_out(st, 8, ev->prev, sizeof ev->prev);
	blob_out(st, 9, ev->hash, sizeof ev->hash);
	blob_out(st, 10, ev->sig, sizeof ev->sig);
}

static int
walk(struct store *s, sqlite3_stmt *st, store_event_fn fn, void *arg, struct errmsg *em)
{
	struct event ev;
	int64_t cursor;
	int rc, stop = 0;

	memset(&ev, 0, sizeof ev);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		event_row(st, &cursor, &ev);
		stop = fn(arg, cursor, &ev);
	}
	event_clear(&ev);
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "read events");
}

static int
lite_events_after(struct store *s, int64_t after, int limit, store_event_fn fn, void *arg,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_AFTER);

	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	return walk(s, st, fn, arg, em);
}

static int
lite_chain_after(struct store *s, const char *terminal, int64_t after, int limit,
    store_event_fn fn, void *arg, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_CHAIN_AFTER);

	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	return walk(s, st, fn, arg, em);
}

static int
lite_chain_walk(struct store *s, store_event_fn fn, void *arg, struct errmsg *em)
{
	return walk(s, stmt(s, Q_CHAIN), fn, arg, em);
}

static int
lite_token_add(struct store *s, const unsigned char hash[CRY_HASH_BYTES], const char *terminal,
    int64_t expires, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TOKEN_ADD);

	sqlite3_bind_blob(st, 1, hash, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, expires);
	return run(s, st, em, "store token");
}

static int
lite_token_take(struct store *s, const unsigned char hash[CRY_HASH_BYTES], const char *terminal,
    int64_t now, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TOKEN_TAKE);
	int status;

	sqlite3_bind_blob(st, 1, hash, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	if ((status = run(s, st, em, "use token")) != CST_OK)
		return status;
	return sqlite3_changes(lite(s)->db) == 1 ? CST_OK : CST_ERR_NOTFOUND;
}

static int
lite_nonce_add(struct store *s, const char *terminal, const unsigned char nonce[STORE_NONCE_BYTES],
    int64_t expires, int64_t now, struct errmsg *em)
{
	sqlite3_stmt *st;
	int status;

	/* Expired nonces go now and then, not on every request: each purge is a scan of the index. */
	if (lite(s)->nonces_added++ % 256 == 0) {
		st = stmt(s, Q_NONCE_PURGE);
		sqlite3_bind_int64(st, 1, now);
		if ((status = run(s, st, em, "forget old nonces")) != CST_OK)
			return status;
	}
	st = stmt(s, Q_NONCE_ADD);
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, nonce, STORE_NONCE_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, expires);
	if ((status = run(s, st, em, "remember nonce")) != CST_OK)
		return status;
	return sqlite3_changes(lite(s)->db) == 1 ? CST_OK : CST_ERR_EXISTS;
}

static int
lite_nonce_seen(struct store *s, const char *terminal, const unsigned char nonce[STORE_NONCE_BYTES],
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_NONCE_SEEN);
	int rc;

	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, nonce, STORE_NONCE_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return CST_ERR_EXISTS;
	return rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "look up nonce");
}

static int
lite_alert_add(struct store *s, const char *terminal, int64_t seq, const char *kind,
    const unsigned char held[CRY_HASH_BYTES], const unsigned char offered[CRY_HASH_BYTES],
    const char *event_json, int64_t now, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_ALERT_ADD);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, held, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, offered, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, event_json, -1, SQLITE_STATIC);
	return run(s, st, em, "record alert");
}

static int64_t
lite_alerts_count(struct store *s)
{
	sqlite3_stmt *st = stmt(s, Q_ALERTS);
	int64_t n = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n;
}

static int
lite_tlog_size(struct store *s, int64_t *size, int64_t *last_cursor, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TLOG_SIZE);
	int rc = sqlite3_step(st);

	*size = *last_cursor = 0;
	if (rc == SQLITE_ROW) {
		*size = sqlite3_column_int64(st, 0) + 1;
		*last_cursor = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "read log size");
}

static int
lite_leaf_add(struct store *s, int64_t leaf, const char *terminal, int64_t seq,
    const unsigned char hash[32], struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_LEAF_ADD);
	int status;

	sqlite3_bind_int64(st, 1, leaf);
	sqlite3_bind_text(st, 2, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_blob(st, 4, hash, 32, SQLITE_STATIC);
	if ((status = run(s, st, em, "add log leaf")) != CST_OK)
		return status;
	if (sqlite3_changes(lite(s)->db) != 1)
		return err_set(em, CST_ERR_INTERNAL, "add log leaf: no event %s seq %lld", terminal,
		    (long long)seq);
	return CST_OK;
}

static int
lite_leaf_of(struct store *s, const char *terminal, int64_t seq, int64_t *leaf,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_LEAF_OF);
	int rc;

	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*leaf = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return CST_ERR_NOTFOUND;
	return rc == SQLITE_ROW ? CST_OK : fail(s, rc, em, "read log leaf");
}

/* Stops at the first leaf out of place: the caller sees *got short. */
static int
lite_leaf_hashes(struct store *s, int64_t first, int count, unsigned char *out, int *got,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_LEAF_HASHES);
	int rc;

	*got = 0;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int(st, 2, count);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int64(st, 0) == first + *got &&
	    sqlite3_column_bytes(st, 1) == 32) {
		memcpy(out + 32 * (size_t)*got, sqlite3_column_blob(st, 1), 32);
		(*got)++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "read leaf hashes");
}

static int
lite_leaves_each(struct store *s, int64_t first, int count, store_leaf_fn fn, void *arg,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_LEAVES);
	unsigned char hash[CRY_HASH_BYTES];
	char terminal[EV_MAX_ID + 1];
	int rc, stop = 0;

	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int(st, 2, count);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		text_out(st, 1, terminal, sizeof terminal);
		blob_out(st, 3, hash, sizeof hash);
		stop = fn(arg, sqlite3_column_int64(st, 0), terminal, sqlite3_column_int64(st, 2),
		    hash);
	}
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "read log leaves");
}

static int
lite_tile_get(struct store *s, int level, int64_t idx, int width, unsigned char *out,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TILE_GET);
	int rc, status = CST_ERR_NOTFOUND;

	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, idx);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int(st, 0) >= width &&
	    sqlite3_column_bytes(st, 1) >= width * 32) {
		memcpy(out, sqlite3_column_blob(st, 1), (size_t)width * 32);
		status = CST_OK;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, rc, em, "read log tile");
	return status;
}

static int
lite_tile_put(struct store *s, int level, int64_t idx, int width, const unsigned char *hashes,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_TILE_PUT);

	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, idx);
	sqlite3_bind_int(st, 3, width);
	sqlite3_bind_blob(st, 4, hashes, width * 32, SQLITE_STATIC);
	return run(s, st, em, "store log tile");
}

static int
lite_ckpt_add(struct store *s, const struct store_ckpt *c, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_CKPT_ADD);

	sqlite3_bind_int64(st, 1, c->size);
	sqlite3_bind_blob(st, 2, c->root, sizeof c->root, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, c->issued);
	return run(s, st, em, "store checkpoint");
}

static int
lite_ckpt_get(struct store *s, int64_t size, struct store_ckpt *c, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, size < 0 ? Q_CKPT_NEWEST : Q_CKPT_GET);
	int rc;

	if (size >= 0)
		sqlite3_bind_int64(st, 1, size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->size = sqlite3_column_int64(st, 0);
		blob_out(st, 1, c->root, sizeof c->root);
		text_out(st, 2, c->note, sizeof c->note);
		c->issued = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return CST_ERR_NOTFOUND;
	return rc == SQLITE_ROW ? CST_OK : fail(s, rc, em, "read checkpoint");
}

static int
lite_cosig_add(struct store *s, int64_t size, const char *witness, const char *line, int64_t at,
    struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_COSIG_ADD);
	int status;

	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_text(st, 2, witness, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, line, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	if ((status = run(s, st, em, "store cosignature")) != CST_OK)
		return status;
	return sqlite3_changes(lite(s)->db) == 1 ? CST_OK : CST_ERR_EXISTS;
}

static int
lite_cosigs_each(struct store *s, int64_t size, store_cosig_fn fn, void *arg, struct errmsg *em)
{
	sqlite3_stmt *st = stmt(s, Q_COSIGS);
	int rc, stop = 0;

	sqlite3_bind_int64(st, 1, size);
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? CST_OK : fail(s, rc, em, "read cosignatures");
}

static void
lite_close(struct store *s)
{
	struct store_sqlite *l = lite(s);
	int i;

	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(l->q[i]);
	db_close(l->db);
	free(l->path);
	free(l);
}

static const struct store_ops lite_ops = {
	.name = "sqlite",
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.term_get = lite_term_get,
	.term_add = lite_term_add,
	.term_update = lite_term_update,
	.terms_each = lite_terms_each,
	.event_hash = lite_event_hash,
	.event_add = lite_event_add,
	.events_after = lite_events_after,
	.chain_after = lite_chain_after,
	.chain_walk = lite_chain_walk,
	.token_add = lite_token_add,
	.token_take = lite_token_take,
	.nonce_add = lite_nonce_add,
	.nonce_seen = lite_nonce_seen,
	.alert_add = lite_alert_add,
	.alerts_count = lite_alerts_count,
	.tlog_size = lite_tlog_size,
	.leaf_add = lite_leaf_add,
	.leaf_of = lite_leaf_of,
	.leaves_each = lite_leaves_each,
	.leaf_hashes = lite_leaf_hashes,
	.tile_get = lite_tile_get,
	.tile_put = lite_tile_put,
	.ckpt_add = lite_ckpt_add,
	.ckpt_get = lite_ckpt_get,
	.cosig_add = lite_cosig_add,
	.cosigs_each = lite_cosigs_each,
	.close = lite_close,
};

/*
 * The directory of the database holds the ledger's key too. Made 0700 when missing; when it
 * exists and is ours, group and others lose their access to it. A shared directory (sticky,
 * as /tmp) or someone else's is not ours to change: left as it is, with a warning when others
 * may enter it (the files themselves are 0600).
 */
static int
prepare_dir(const char *path, struct errmsg *em)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT)
			return err_set(em, CST_ERR_IO, "%s: %s", dir, strerror(errno));
		/* Only the last component: a missing parent is a mistake worth an error. */
		if (mkdir(dir, 0700) != 0 || chmod(dir, 0700) != 0)
			return err_set(em, errno == ENOENT ? CST_ERR_NOTFOUND : CST_ERR_IO,
			    _("%s: cannot make the database's directory: %s"), dir, strerror(errno));
		return CST_OK;
	}
	if (!S_ISDIR(st.st_mode))
		return err_set(em, CST_ERR_ARG, _("%s: not a directory"), dir);
	if ((st.st_mode & 077) == 0)
		return CST_OK;
	if (st.st_mode & MODE_STICKY)
		fprintf(stderr, "custody-ledger: %s is a shared directory (sticky): its mode %04o is "
		    "left as it is; keep the ledger in a directory of its own\n", dir,
		    (unsigned)(st.st_mode & 07777));
	else if (st.st_uid != geteuid())
		fprintf(stderr, "custody-ledger: %s is not ours (owner %u): its mode %04o is left as "
		    "it is; make it 0700\n", dir, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	else if (chmod(dir, st.st_mode & 07700) != 0)
		fprintf(stderr, "custody-ledger: %s: cannot make it 0700: %s\n", dir, strerror(errno));
	else
		fprintf(stderr, "custody-ledger: %s was open to others (%04o); it is 0700 now\n", dir,
		    (unsigned)(st.st_mode & 07777));
	return CST_OK;
}

/*
 * The database is created 0600 whatever the umask, before SQLite opens it: SQLite gives its
 * -wal and -shm files the mode of the database. Existing files of ours that others could
 * read are made 0600.
 */
static void
prepare_files(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[PATH_MAX];
	struct stat st;
	size_t i;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		if (fchmod(fd, 0600) != 0)
			fprintf(stderr, "custody-ledger: %s: %s\n", path, strerror(errno));
		close(fd);
		return;
	}
	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) == 0 ||
		    st.st_uid != geteuid())
			continue;
		if (chmod(p, 0600) == 0)
			fprintf(stderr, "custody-ledger: %s was open to others (%04o); it is 0600 now\n",
			    p, (unsigned)(st.st_mode & 07777));
	}
}

#ifdef CUSTODY_TEST_HOOKS
/*
 * Test builds only: the default VFS with reads that fail (SQLITE_IOERR_READ) while the file
 * named by CUSTODY_TEST_READ_FAULT exists; a number in it lets that many reads pass first.
 * Every other method is the default's own.
 */
static sqlite3_vfs fault_vfs, *real_vfs;
static const char *fault_flag;
static sqlite3_io_methods fault_methods[4];
static const sqlite3_io_methods *fault_real[4];
static unsigned fault_reads;
static pthread_mutex_t fault_lock = PTHREAD_MUTEX_INITIALIZER;

static int
fault_read(sqlite3_file *file, void *buf, int n, sqlite3_int64 off)
{
	const sqlite3_io_methods *real = NULL;
	char text[32];
	ssize_t len;
	int i, fd, fail = 0;

	pthread_mutex_lock(&fault_lock);
	for (i = 0; i < 4; i++)
		if (file->pMethods == &fault_methods[i])
			real = fault_real[i];
	if ((fd = open(fault_flag, O_RDONLY | O_CLOEXEC)) < 0) {
		fault_reads = 0;
	} else {
		len = read(fd, text, sizeof text - 1);
		close(fd);
		text[len > 0 ? len : 0] = '\0';
		fail = fault_reads++ >= (unsigned)atoi(text);
	}
	pthread_mutex_unlock(&fault_lock);
	if (fail)
		return SQLITE_IOERR_READ;
	return real->xRead(file, buf, n, off);
}

static int
fault_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out)
{
	int rc = real_vfs->xOpen(real_vfs, name, file, flags, out), i;

	(void)vfs;
	if (rc != SQLITE_OK || file->pMethods == NULL)
		return rc;
	pthread_mutex_lock(&fault_lock);
	for (i = 0; i < 4 && fault_real[i] != NULL && fault_real[i] != file->pMethods; i++)
		;
	if (i < 4) {
		if (fault_real[i] == NULL) {
			fault_real[i] = file->pMethods;
			fault_methods[i] = *file->pMethods;
			fault_methods[i].xRead = fault_read;
		}
		file->pMethods = &fault_methods[i];
	}
	pthread_mutex_unlock(&fault_lock);
	return rc;
}

static void
fault_install(void)
{
	if ((fault_flag = getenv("CUSTODY_TEST_READ_FAULT")) == NULL || fault_flag[0] == '\0' ||
	    real_vfs != NULL)
		return;
	real_vfs = sqlite3_vfs_find(NULL);
	fault_vfs = *real_vfs;
	fault_vfs.zName = "custody-fault";
	fault_vfs.xOpen = fault_open;
	sqlite3_vfs_register(&fault_vfs, 1);
}
#endif

int
store_sqlite_open(const char *path, struct store **out, struct errmsg *em)
{
	struct store_sqlite *l;
	int i, status;

#ifdef CUSTODY_TEST_HOOKS
	fault_install();
#endif
	if ((status = prepare_dir(path, em)) != CST_OK)
		return status;
	prepare_files(path);
	l = xcalloc(1, sizeof *l);
	l->path = xstrdup(path);
	status = db_open(path, DB_CREATE, LEDGER_APP_ID, ledger_migrations, &l->db, em);
	for (i = 0; status == CST_OK && i < Q_COUNT; i++)
		status = db_prepare(l->db, sql[i], &l->q[i], em);
	if (status != CST_OK) {
		lite_close(&l->base);
		return status;
	}
	l->base.ops = &lite_ops;
	*out = &l->base;
	return CST_OK;
}

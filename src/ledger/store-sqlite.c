/* The ledger's SQLite backend: one file, WAL, synchronous=FULL, statements prepared once. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "xmalloc.h"

#define LEDGER_APP_ID 0x4353544cu	/* "CSTL" */

extern const struct db_migration ledger_migrations[];

enum {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
	Q_TERM_GET, Q_TERM_ADD, Q_TERM_UPDATE, Q_TERMS,
	Q_EVENT_HASH, Q_EVENT_ADD, Q_AFTER, Q_CHAIN_AFTER, Q_CHAIN,
	Q_TOKEN_ADD, Q_TOKEN_TAKE, Q_NONCE_ADD, Q_NONCE_PURGE, Q_ALERT_ADD, Q_ALERTS,
	Q_COUNT
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
};

struct store_sqlite {
	struct store base;	/* first: the generic handle */
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

static int
fail(struct store *s, int rc, struct errmsg *em, const char *what)
{
	return db_fail(lite(s)->db, rc, em, what);
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

static void
lite_close(struct store *s)
{
	struct store_sqlite *l = lite(s);
	int i;

	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(l->q[i]);
	db_close(l->db);
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
	.alert_add = lite_alert_add,
	.alerts_count = lite_alerts_count,
	.close = lite_close,
};

int
store_sqlite_open(const char *path, struct store **out, struct errmsg *em)
{
	struct store_sqlite *l = xcalloc(1, sizeof *l);
	int i, status;

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

/*
 * The ledger's PostgreSQL backend (libpq), for a province-wide deployment: the same tables and
 * answers as store-sqlite.c. Writers take one advisory lock per transaction, so arrival
 * cursors are handed out in commit order even with several ledgers on one database, and a
 * pull never skips an event that commits later with a smaller cursor.
 */
#include "store.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "i18n.h"
#include "xmalloc.h"

#define PG_LOCK_KEY "1129534540"	/* "CSTL" */
#define PG_PAGE 1000

static const char schema[] =
    "SET client_min_messages = warning;"
    "CREATE TABLE IF NOT EXISTS events ("
    " cursor BIGSERIAL PRIMARY KEY, terminal TEXT NOT NULL, seq BIGINT NOT NULL,"
    " ts BIGINT NOT NULL, operator TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,"
    " body BYTEA NOT NULL, prev BYTEA NOT NULL, hash BYTEA NOT NULL, sig BYTEA NOT NULL,"
    " arrived BIGINT NOT NULL, UNIQUE (terminal, seq));"
    "CREATE OR REPLACE FUNCTION custody_events_frozen() RETURNS trigger LANGUAGE plpgsql AS"
    " $$BEGIN RAISE EXCEPTION 'ledger events are never updated or deleted'; END$$;"
    "DROP TRIGGER IF EXISTS events_frozen ON events;"
    "CREATE TRIGGER events_frozen BEFORE UPDATE OR DELETE ON events"
    " FOR EACH ROW EXECUTE FUNCTION custody_events_frozen();"
    "CREATE TABLE IF NOT EXISTS terminals ("
    " terminal TEXT PRIMARY KEY, public_key BYTEA NOT NULL, enrolled BIGINT NOT NULL,"
    " last_seq BIGINT NOT NULL, last_hash BYTEA NOT NULL, last_contact BIGINT NOT NULL,"
    " events BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tokens ("
    " hash BYTEA PRIMARY KEY, terminal TEXT NOT NULL, expires BIGINT NOT NULL, used BIGINT);"
    "CREATE TABLE IF NOT EXISTS nonces ("
    " terminal TEXT NOT NULL, nonce BYTEA NOT NULL, expires BIGINT NOT NULL,"
    " PRIMARY KEY (terminal, nonce));"
    "CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires);"
    "CREATE TABLE IF NOT EXISTS alerts ("
    " id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, terminal TEXT NOT NULL, seq BIGINT NOT NULL,"
    " kind TEXT NOT NULL, held BYTEA NOT NULL, offered BYTEA NOT NULL, event TEXT NOT NULL);"
    /* The transparency log, as db/ledger/0002-tlog.sql. */
    "CREATE TABLE IF NOT EXISTS tlog_leaves ("
    " leaf BIGINT PRIMARY KEY, cursor BIGINT NOT NULL UNIQUE, hash BYTEA NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tlog_tiles ("
    " level INTEGER NOT NULL, idx BIGINT NOT NULL, width INTEGER NOT NULL,"
    " hashes BYTEA NOT NULL, PRIMARY KEY (level, idx));"
    "CREATE TABLE IF NOT EXISTS tlog_checkpoints ("
    " size BIGINT PRIMARY KEY, root BYTEA NOT NULL, note TEXT NOT NULL, issued BIGINT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tlog_cosignatures ("
    " size BIGINT NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, at BIGINT NOT NULL,"
    " PRIMARY KEY (size, witness));"
    "CREATE OR REPLACE FUNCTION custody_tlog_frozen() RETURNS trigger LANGUAGE plpgsql AS"
    " $$BEGIN RAISE EXCEPTION 'log leaves and checkpoints are never updated or deleted'; END$$;"
    "DROP TRIGGER IF EXISTS tlog_leaves_frozen ON tlog_leaves;"
    "CREATE TRIGGER tlog_leaves_frozen BEFORE UPDATE OR DELETE ON tlog_leaves"
    " FOR EACH ROW EXECUTE FUNCTION custody_tlog_frozen();"
    "DROP TRIGGER IF EXISTS tlog_checkpoints_frozen ON tlog_checkpoints;"
    "CREATE TRIGGER tlog_checkpoints_frozen BEFORE UPDATE OR DELETE ON tlog_checkpoints"
    " FOR EACH ROW EXECUTE FUNCTION custody_tlog_frozen();";

#define EVENT_COLS "cursor, terminal, seq, ts, operator, kind, subject, body, prev, hash, sig"
#define TERM_COLS "terminal, public_key, enrolled, last_seq, last_hash, last_contact, events"

enum {
	Q_TERM_GET, Q_TERM_ADD, Q_TERM_UPDATE, Q_TERMS, Q_EVENT_HASH, Q_EVENT_ADD, Q_AFTER,
	Q_CHAIN_AFTER, Q_CHAIN_TERMS, Q_CHAIN_PAGE, Q_TOKEN_ADD, Q_TOKEN_TAKE, Q_NONCE_ADD,
	Q_NONCE_PURGE, Q_ALERT_ADD, Q_ALERTS, Q_NONCE_SEEN, Q_TLOG_SIZE, Q_LEAF_ADD, Q_LEAF_OF,
	Q_LEAVES, Q_LEAF_HASHES, Q_TILE_GET, Q_TILE_PUT, Q_CKPT_ADD, Q_CKPT_GET, Q_CKPT_NEWEST, Q_COSIG_ADD,
	Q_COSIGS, Q_COUNT
};

static const struct {
	const char *sql;
	int nparams;
} sql[Q_COUNT] = {
	[Q_TERM_GET] = { "SELECT " TERM_COLS " FROM terminals WHERE terminal = $1", 1 },
	[Q_TERM_ADD] = { "INSERT INTO terminals (" TERM_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7)", 7 },
	[Q_TERM_UPDATE] = { "UPDATE terminals SET last_seq = $1, last_hash = $2, last_contact = $3, "
	    "events = $4 WHERE terminal = $5", 5 },
	[Q_TERMS] = { "SELECT " TERM_COLS " FROM terminals ORDER BY terminal", 0 },
	[Q_EVENT_HASH] = { "SELECT hash FROM events WHERE terminal = $1 AND seq = $2", 2 },
	[Q_EVENT_ADD] = { "INSERT INTO events (terminal, seq, ts, operator, kind, subject, body, "
	    "prev, hash, sig, arrived) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11 },
	[Q_AFTER] = { "SELECT " EVENT_COLS " FROM events WHERE cursor > $1 ORDER BY cursor LIMIT $2", 2 },
	[Q_CHAIN_AFTER] = { "SELECT " EVENT_COLS " FROM events WHERE terminal = $1 AND seq > $2 "
	    "ORDER BY seq LIMIT $3", 3 },
	[Q_CHAIN_TERMS] = { "SELECT DISTINCT terminal FROM events ORDER BY terminal", 0 },
	[Q_CHAIN_PAGE] = { "SELECT " EVENT_COLS " FROM events WHERE terminal = $1 AND seq > $2 "
	    "ORDER BY seq LIMIT 1000", 2 },
	[Q_TOKEN_ADD] = { "INSERT INTO tokens (hash, terminal, expires) VALUES ($1, $2, $3)", 3 },
	[Q_TOKEN_TAKE] = { "UPDATE tokens SET used = $3 WHERE hash = $1 AND terminal = $2 "
	    "AND used IS NULL AND expires > $3", 3 },
	[Q_NONCE_ADD] = { "INSERT INTO nonces (terminal, nonce, expires) VALUES ($1, $2, $3) "
	    "ON CONFLICT DO NOTHING", 3 },
	[Q_NONCE_PURGE] = { "DELETE FROM nonces WHERE expires < $1", 1 },
	[Q_ALERT_ADD] = { "INSERT INTO alerts (at, terminal, seq, kind, held, offered, event) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7)", 7 },
	[Q_ALERTS] = { "SELECT count(*) FROM alerts", 0 },
	[Q_NONCE_SEEN] = { "SELECT 1 FROM nonces WHERE terminal = $1 AND nonce = $2", 2 },
	[Q_TLOG_SIZE] = { "SELECT leaf, cursor FROM tlog_leaves ORDER BY leaf DESC LIMIT 1", 0 },
	[Q_LEAF_ADD] = { "INSERT INTO tlog_leaves (leaf, cursor, hash) SELECT $1, cursor, $4 "
	    "FROM events WHERE terminal = $2 AND seq = $3", 4 },
	[Q_LEAF_HASHES] = { "SELECT leaf, hash FROM tlog_leaves WHERE leaf >= $1 ORDER BY leaf "
	    "LIMIT $2", 2 },
	[Q_LEAF_OF] = { "SELECT l.leaf FROM events e JOIN tlog_leaves l ON l.cursor = e.cursor "
	    "WHERE e.terminal = $1 AND e.seq = $2", 2 },
	[Q_LEAVES] = { "SELECT l.leaf, e.terminal, e.seq, e.hash FROM tlog_leaves l "
	    "JOIN events e ON e.cursor = l.cursor WHERE l.leaf >= $1 ORDER BY l.leaf LIMIT $2", 2 },
	[Q_TILE_GET] = { "SELECT width, hashes FROM tlog_tiles WHERE level = $1 AND idx = $2", 2 },
	[Q_TILE_PUT] = { "INSERT INTO tlog_tiles (level, idx, width, hashes) VALUES ($1, $2, $3, $4) "
	    "ON CONFLICT (level, idx) DO UPDATE SET width = EXCLUDED.width, "
	    "hashes = EXCLUDED.hashes", 4 },
	[Q_CKPT_ADD] = { "INSERT INTO tlog_checkpoints (size, root, note, issued) "
	    "VALUES ($1, $2, $3, $4)", 4 },
	[Q_CKPT_GET] = { "SELECT size, root, note, issued FROM tlog_checkpoints WHERE size = $1", 1 },
	[Q_CKPT_NEWEST] = { "SELECT size, root, note, issued FROM tlog_checkpoints "
	    "ORDER BY size DESC LIMIT 1", 0 },
	[Q_COSIG_ADD] = { "INSERT INTO tlog_cosignatures (size, witness, line, at) "
	    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", 4 },
	[Q_COSIGS] = { "SELECT witness, line FROM tlog_cosignatures WHERE size = $1 "
	    "ORDER BY witness", 1 },
};

struct store_pg {
	struct store base;	/* first: the generic handle */
	PGconn *conn;
	unsigned nonces_added;
};

static PGconn *
conn(struct store *s)
{
	return ((struct store_pg *)s)->conn;
}

/* Parameters of one call: text, except byte strings, which go binary. */
struct params {
	const char *v[12];
	int len[12], fmt[12];
	char num[12][24];
	int n;
};

static void
p_text(struct params *p, const char *s)
{
	p->v[p->n] = s;
	p->len[p->n] = 0;
	p->fmt[p->n++] = 0;
}

static void
p_int(struct params *p, int64_t v)
{
	snprintf(p->num[p->n], sizeof p->num[0], "%" PRId64, v);
	p_text(p, p->num[p->n]);
}

static void
p_blob(struct params *p, const void *b, size_t n)
{
	p->v[p->n] = n > 0 ? b : "";
	p->len[p->n] = (int)n;
	p->fmt[p->n++] = 1;
}

/*
 * Our status for a SQLSTATE: passing troubles (a lost connection, a server shutting down, a
 * full disk, an I/O error, locks, exhausted resources) apart from damage and from our bugs.
 */
static int
pg_status(const char *state)
{
	static const struct {
		const char *state;	/* a whole SQLSTATE, or a class of two characters */
		int code;
	} map[] = {
		{ "23", CST_ERR_INPUT },	/* integrity constraint violation */
		{ "40001", CST_ERR_BUSY },	/* serialization failure */
		{ "40P01", CST_ERR_BUSY },	/* deadlock detected */
		{ "55P03", CST_ERR_BUSY },	/* lock not available */
		{ "53100", CST_ERR_FULL },	/* disk full */
		{ "53", CST_ERR_BUSY },		/* insufficient resources: memory, connections */
		{ "08", CST_ERR_IO },		/* connection exception */
		{ "57P01", CST_ERR_IO },	/* admin shutdown */
		{ "57P02", CST_ERR_IO },	/* crash shutdown */
		{ "57P03", CST_ERR_IO },	/* cannot connect now */
		{ "58030", CST_ERR_IO },	/* I/O error */
		{ "XX001", CST_ERR_CORRUPT },	/* data corrupted */
		{ "XX002", CST_ERR_CORRUPT },	/* index corrupted */
	};
	size_t i;

	for (i = 0; state != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strncmp(state, map[i].state, strlen(map[i].state)) == 0)
			return map[i].code;
	return CST_ERR_INTERNAL;
}

static int
pg_fail(struct store *s, PGresult *r, struct errmsg *em, const char *what)
{
	const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	int code = pg_status(state);

	if (PQstatus(conn(s)) != CONNECTION_OK)
		code = CST_ERR_IO;
	err_set(em, code, "PostgreSQL: %s: %s", what, PQerrorMessage(conn(s)));
	PQclear(r);
	return code;
}

/* Runs statement q; *out gets the result when rows are expected (PQclear it). */
static int
call(struct store *s, int q, struct params *p, PGresult **out, struct errmsg *em)
{
	char name[16];
	PGresult *r;
	ExecStatusType st;

	snprintf(name, sizeof name, "q%d", q);
	r = PQexecPrepared(conn(s), name, p != NULL ? p->n : 0, p != NULL ? p->v : NULL,
	    p != NULL ? p->len : NULL, p != NULL ? p->fmt : NULL, 0);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(s, r, em, sql[q].sql);
	if (out != NULL)
		*out = r;
	else
		PQclear(r);
	return CST_OK;
}

static int
simple(struct store *s, const char *text, struct errmsg *em)
{
	PGresult *r = PQexec(conn(s), text);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		return pg_fail(s, r, em, text);
	PQclear(r);
	return CST_OK;
}

static int
pg_begin(struct store *s, struct errmsg *em)
{
	return simple(s, "BEGIN; SELECT pg_advisory_xact_lock(" PG_LOCK_KEY ")", em);
}

static int
pg_commit(struct store *s, struct errmsg *em)
{
	return simple(s, "COMMIT", em);
}

static void
pg_rollback(struct store *s)
{
	if (PQtransactionStatus(conn(s)) != PQTRANS_IDLE)
		simple(s, "ROLLBACK", NULL);
}

static int64_t
col_int(PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A bytea column in hex output ("\x0a1b..."), exactly n bytes or zeroes. */
static void
col_blob(PGresult *r, int row, int col, unsigned char *out, size_t n)
{
	const char *v = PQgetvalue(r, row, col);

	if (strncmp(v, "\\x", 2) != 0 || strlen(v + 2) != 2 * n || hex_decode(v + 2, 2 * n, out, n) != 0)
		memset(out, 0, n);
}

static void
col_text(PGresult *r, int row, int col, char *out, size_t size)
{
	snprintf(out, size, "%s", PQgetvalue(r, row, col));
}

static void
term_row(PGresult *r, int row, struct store_term *t)
{
	memset(t, 0, sizeof *t);
	col_text(r, row, 0, t->terminal, sizeof t->terminal);
	col_blob(r, row, 1, t->pk, sizeof t->pk);
	t->enrolled = col_int(r, row, 2);
	t->last_seq = col_int(r, row, 3);
	col_blob(r, row, 4, t->last_hash, sizeof t->last_hash);
	t->last_contact = col_int(r, row, 5);
	t->events = col_int(r, row, 6);
}

static int
pg_term_get(struct store *s, const char *terminal, struct store_term *t, struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	p_text(&p, terminal);
	if ((status = call(s, Q_TERM_GET, &p, &r, em)) != CST_OK)
		return status;
	status = PQntuples(r) == 1 ? CST_OK : CST_ERR_NOTFOUND;
	if (status == CST_OK)
		term_row(r, 0, t);
	PQclear(r);
	return status;
}

static int
pg_term_add(struct store *s, const struct store_term *t, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_text(&p, t->terminal);
	p_blob(&p, t->pk, sizeof t->pk);
	p_int(&p, t->enrolled);
	p_int(&p, t->last_seq);
	p_blob(&p, t->last_hash, sizeof t->last_hash);
	p_int(&p, t->last_contact);
	p_int(&p, t->events);
	return call(s, Q_TERM_ADD, &p, NULL, em);
}

static int
pg_term_update(struct store *s, const struct store_term *t, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_int(&p, t->last_seq);
	p_blob(&p, t->last_hash, sizeof t->last_hash);
	p_int(&p, t->last_contact);
	p_int(&p, t->events);
	p_text(&p, t->terminal);
	return call(s, Q_TERM_UPDATE, &p, NULL, em);
}

static int
pg_terms_each(struct store *s, store_term_fn fn, void *arg, struct errmsg *em)
{
	struct store_term t;
	PGresult *r;
	int i, status, stop = 0;

	if ((status = call(s, Q_TERMS, NULL, &r, em)) != CST_OK)
		return status;
	for (i = 0; stop == 0 && i < PQntuples(r); i++) {
		term_row(r, i, &t);
		stop = fn(arg, &t);
	}
	PQclear(r);
	return stop;
}

static int
pg_event_hash(struct store *s, const char *terminal, int64_t seq,
    unsigned char hash[CRY_HASH_BYTES], struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	p_text(&p, terminal);
	p_int(&p, seq);
	if ((status = call(s, Q_EVENT_HASH, &p, &r, em)) != CST_OK)
		return status;
	status = PQntuples(r) == 1 ? CST_OK : CST_ERR_NOTFOUND;
	if (status == CST_OK)
		col_blob(r, 0, 0, hash, CRY_HASH_BYTES);
	PQclear(r);
	return status;
}

static int
pg_event_add(struct store *s, const struct event *ev, int64_t now, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_text(&p, ev->terminal);
	p_int(&p, ev->seq);
	p_int(&p, ev->ts);
	p_text(&p, ev->operator_);
	p_text(&p, ev->kind);
	p_text(&p, ev->subject);
	p_blob(&p, ev->body, ev->body_len);
	p_blob(&p, ev->prev, sizeof ev->prev);
	p_blob(&p, ev->hash, sizeof ev->hash);
	p_blob(&p, ev->sig, sizeof ev->sig);
	p_int(&p, now);
	return call(s, Q_EVENT_ADD, &p, NULL, em);
}

/* The body column: any length, hex output. */
static void
col_body(PGresult *r, int row, int col, struct event *ev)
{
	const char *v = PQgetvalue(r, row, col);
	size_t n = strlen(v);
	char *buf;

	if (strncmp(v, "\\x", 2) != 0 || n % 2 != 0) {
		event_set_body(ev, "", 0);
		return;
	}
	buf = xmalloc(n / 2 + 1);
	if (hex_decode(v + 2, n - 2, (unsigned char *)buf, (n - 2) / 2) != 0)
		n = 2;
	event_set_body(ev, buf, (n - 2) / 2);
	free(buf);
}

/* Calls fn for every row of an events result; the connection is free during the calls. */
static int
rows(PGresult *r, store_event_fn fn, void *arg, int64_t *last_seq)
{
	struct event ev;
	int64_t cursor;
	int i, stop = 0;

	memset(&ev, 0, sizeof ev);
	for (i = 0; stop == 0 && i < PQntuples(r); i++) {
		cursor = col_int(r, i, 0);
		col_text(r, i, 1, ev.terminal, sizeof ev.terminal);
		ev.seq = col_int(r, i, 2);
		ev.ts = col_int(r, i, 3);
		col_text(r, i, 4, ev.operator_, sizeof ev.operator_);
		col_text(r, i, 5, ev.kind, sizeof ev.kind);
		col_text(r, i, 6, ev.subject, sizeof ev.subject);
		col_body(r, i, 7, &ev);
		col_blob(r, i, 8, ev.prev, sizeof ev.prev);
		col_blob(r, i, 9, ev.hash, sizeof ev.hash);
		col_blob(r, i, 10, ev.sig, sizeof ev.sig);
		if (last_seq != NULL)
			*last_seq = ev.seq;
		stop = fn(arg, cursor, &ev);
	}
	event_clear(&ev);
	return stop;
}

static int
pg_events_after(struct store *s, int64_t after, int limit, store_event_fn fn, void *arg,
    struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	p_int(&p, after);
	p_int(&p, limit);
	if ((status = call(s, Q_AFTER, &p, &r, em)) != CST_OK)
		return status;
	status = rows(r, fn, arg, NULL);
	PQclear(r);
	return status;
}

static int
pg_chain_after(struct store *s, const char *terminal, int64_t after, int limit,
    store_event_fn fn, void *arg, struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	p_text(&p, terminal);
	p_int(&p, after);
	p_int(&p, limit);
	if ((status = call(s, Q_CHAIN_AFTER, &p, &r, em)) != CST_OK)
		return status;
	status = rows(r, fn, arg, NULL);
	PQclear(r);
	return status;
}

/* Terminal by terminal, in pages of seq, so memory stays flat and fn may use the store. */
static int
pg_chain_walk(struct store *s, store_event_fn fn, void *arg, struct errmsg *em)
{
	struct params p;
	PGresult *terms, *r;
	int64_t last;
	int i, n, status;

	if ((status = call(s, Q_CHAIN_TERMS, NULL, &terms, em)) != CST_OK)
		return status;
	for (i = 0; status == CST_OK && i < PQntuples(terms); i++) {
		last = 0;
		do {
			p.n = 0;
			p_text(&p, PQgetvalue(terms, i, 0));
			p_int(&p, last);
			if ((status = call(s, Q_CHAIN_PAGE, &p, &r, em)) != CST_OK)
				break;
			n = PQntuples(r);
			status = rows(r, fn, arg, &last);
			PQclear(r);
		} while (status == CST_OK && n == PG_PAGE);
	}
	PQclear(terms);
	return status;
}

static int
pg_token_add(struct store *s, const unsigned char hash[CRY_HASH_BYTES], const char *terminal,
    int64_t expires, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_blob(&p, hash, CRY_HASH_BYTES);
	p_text(&p, terminal);
	p_int(&p, expires);
	return call(s, Q_TOKEN_ADD, &p, NULL, em);
}

/* A write that should touch exactly one row: CST_OK, else missing. */
static int
one_row(struct store *s, int q, struct params *p, int missing, struct errmsg *em)
{
	PGresult *r;
	int status;

	if ((status = call(s, q, p, &r, em)) != CST_OK)
		return status;
	status = strcmp(PQcmdTuples(r), "1") == 0 ? CST_OK : missing;
	PQclear(r);
	return status;
}

static int
pg_token_take(struct store *s, const unsigned char hash[CRY_HASH_BYTES], const char *terminal,
    int64_t now, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_blob(&p, hash, CRY_HASH_BYTES);
	p_text(&p, terminal);
	p_int(&p, now);
	return one_row(s, Q_TOKEN_TAKE, &p, CST_ERR_NOTFOUND, em);
}

static int
pg_nonce_add(struct store *s, const char *terminal, const unsigned char nonce[STORE_NONCE_BYTES],
    int64_t expires, int64_t now, struct errmsg *em)
{
	struct store_pg *pg = (struct store_pg *)s;
	struct params p = { .n = 0 };
	int status;

	if (pg->nonces_added++ % 256 == 0) {
		p_int(&p, now);
		if ((status = call(s, Q_NONCE_PURGE, &p, NULL, em)) != CST_OK)
			return status;
		p.n = 0;
	}
	p_text(&p, terminal);
	p_blob(&p, nonce, STORE_NONCE_BYTES);
	p_int(&p, expires);
	return one_row(s, Q_NONCE_ADD, &p, CST_ERR_EXISTS, em);
}

static int
pg_nonce_seen(struct store *s, const char *terminal, const unsigned char nonce[STORE_NONCE_BYTES],
    struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	p_text(&p, terminal);
	p_blob(&p, nonce, STORE_NONCE_BYTES);
	if ((status = call(s, Q_NONCE_SEEN, &p, &r, em)) != CST_OK)
		return status;
	status = PQntuples(r) > 0 ? CST_ERR_EXISTS : CST_OK;
	PQclear(r);
	return status;
}

static int
pg_alert_add(struct store *s, const char *terminal, int64_t seq, const char *kind,
    const unsigned char held[CRY_HASH_BYTES], const unsigned char offered[CRY_HASH_BYTES],
    const char *event_json, int64_t now, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_int(&p, now);
	p_text(&p, terminal);
	p_int(&p, seq);
	p_text(&p, kind);
	p_blob(&p, held, CRY_HASH_BYTES);
	p_blob(&p, offered, CRY_HASH_BYTES);
	p_text(&p, event_json);
	return call(s, Q_ALERT_ADD, &p, NULL, em);
}

static int64_t
pg_alerts_count(struct store *s)
{
	PGresult *r;
	int64_t n = -1;

	if (call(s, Q_ALERTS, NULL, &r, NULL) != CST_OK)
		return -1;
	if (PQntuples(r) == 1)
		n = col_int(r, 0, 0);
	PQclear(r);
	return n;
}

static int
pg_tlog_size(struct store *s, int64_t *size, int64_t *last_cursor, struct errmsg *em)
{
	PGresult *r;
	int status;

	*size = *last_cursor = 0;
	if ((status = call(s, Q_TLOG_SIZE, NULL, &r, em)) != CST_OK)
		return status;
	if (PQntuples(r) == 1) {
		*size = col_int(r, 0, 0) + 1;
		*last_cursor = col_int(r, 0, 1);
	}
	PQclear(r);
	return CST_OK;
}

static int
pg_leaf_add(struct store *s, int64_t leaf, const char *terminal, int64_t seq,
    const unsigned char hash[32], struct errmsg *em)
{
	struct params p = { .n = 0 };
	int status;

	p_int(&p, leaf);
	p_text(&p, terminal);
	p_int(&p, seq);
	p_blob(&p, hash, 32);
	status = one_row(s, Q_LEAF_ADD, &p, CST_ERR_NOTFOUND, em);
	if (status == CST_ERR_NOTFOUND)
		return err_set(em, CST_ERR_INTERNAL, "add log leaf: no event %s seq %lld", terminal,
		    (long long)seq);
	return status;
}

static int
pg_leaf_of(struct store *s, const char *terminal, int64_t seq, int64_t *leaf, struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	p_text(&p, terminal);
	p_int(&p, seq);
	if ((status = call(s, Q_LEAF_OF, &p, &r, em)) != CST_OK)
		return status;
	status = PQntuples(r) == 1 ? CST_OK : CST_ERR_NOTFOUND;
	if (status == CST_OK)
		*leaf = col_int(r, 0, 0);
	PQclear(r);
	return status;
}

static int
pg_leaf_hashes(struct store *s, int64_t first, int count, unsigned char *out, int *got,
    struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	*got = 0;
	p_int(&p, first);
	p_int(&p, count);
	if ((status = call(s, Q_LEAF_HASHES, &p, &r, em)) != CST_OK)
		return status;
	/* Up to the first leaf out of place: the caller sees *got short. */
	while (*got < PQntuples(r) && col_int(r, *got, 0) == first + *got) {
		col_blob(r, *got, 1, out + 32 * (size_t)*got, 32);
		(*got)++;
	}
	PQclear(r);
	return CST_OK;
}

static int
pg_leaves_each(struct store *s, int64_t first, int count, store_leaf_fn fn, void *arg,
    struct errmsg *em)
{
	struct params p = { .n = 0 };
	unsigned char hash[CRY_HASH_BYTES];
	char terminal[EV_MAX_ID + 1];
	PGresult *r;
	int i, status, stop = 0;

	p_int(&p, first);
	p_int(&p, count);
	if ((status = call(s, Q_LEAVES, &p, &r, em)) != CST_OK)
		return status;
	for (i = 0; stop == 0 && i < PQntuples(r); i++) {
		col_text(r, i, 1, terminal, sizeof terminal);
		col_blob(r, i, 3, hash, sizeof hash);
		stop = fn(arg, col_int(r, i, 0), terminal, col_int(r, i, 2), hash);
	}
	PQclear(r);
	return stop;
}

static int
pg_tile_get(struct store *s, int level, int64_t idx, int width, unsigned char *out,
    struct errmsg *em)
{
	struct params p = { .n = 0 };
	const char *v;
	PGresult *r;
	int status;

	p_int(&p, level);
	p_int(&p, idx);
	if ((status = call(s, Q_TILE_GET, &p, &r, em)) != CST_OK)
		return status;
	status = CST_ERR_NOTFOUND;
	/* hashes in hex output: "\x" then two digits a byte; only the first width are decoded. */
	if (PQntuples(r) == 1 && col_int(r, 0, 0) >= width) {
		v = PQgetvalue(r, 0, 1);
		if (strncmp(v, "\\x", 2) == 0 && strlen(v + 2) >= (size_t)width * 64 &&
		    hex_decode(v + 2, (size_t)width * 64, out, (size_t)width * 32) == 0)
			status = CST_OK;
	}
	PQclear(r);
	return status;
}

static int
pg_tile_put(struct store *s, int level, int64_t idx, int width, const unsigned char *hashes,
    struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_int(&p, level);
	p_int(&p, idx);
	p_int(&p, width);
	p_blob(&p, hashes, (size_t)width * 32);
	return call(s, Q_TILE_PUT, &p, NULL, em);
}

static int
pg_ckpt_add(struct store *s, const struct store_ckpt *c, struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_int(&p, c->size);
	p_blob(&p, c->root, sizeof c->root);
	p_text(&p, c->note);
	p_int(&p, c->issued);
	return call(s, Q_CKPT_ADD, &p, NULL, em);
}

static int
pg_ckpt_get(struct store *s, int64_t size, struct store_ckpt *c, struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int status;

	if (size >= 0)
		p_int(&p, size);
	if ((status = call(s, size < 0 ? Q_CKPT_NEWEST : Q_CKPT_GET, &p, &r, em)) != CST_OK)
		return status;
	status = PQntuples(r) == 1 ? CST_OK : CST_ERR_NOTFOUND;
	if (status == CST_OK) {
		c->size = col_int(r, 0, 0);
		col_blob(r, 0, 1, c->root, sizeof c->root);
		col_text(r, 0, 2, c->note, sizeof c->note);
		c->issued = col_int(r, 0, 3);
	}
	PQclear(r);
	return status;
}

static int
pg_cosig_add(struct store *s, int64_t size, const char *witness, const char *line, int64_t at,
    struct errmsg *em)
{
	struct params p = { .n = 0 };

	p_int(&p, size);
	p_text(&p, witness);
	p_text(&p, line);
	p_int(&p, at);
	return one_row(s, Q_COSIG_ADD, &p, CST_ERR_EXISTS, em);
}

static int
pg_cosigs_each(struct store *s, int64_t size, store_cosig_fn fn, void *arg, struct errmsg *em)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int i, status, stop = 0;

	p_int(&p, size);
	if ((status = call(s, Q_COSIGS, &p, &r, em)) != CST_OK)
		return status;
	for (i = 0; stop == 0 && i < PQntuples(r); i++)
		stop = fn(arg, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	return stop;
}

static void
pg_close(struct store *s)
{
	PQfinish(conn(s));
	free(s);
}

static const struct store_ops pg_ops = {
	.name = "postgresql",
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.term_get = pg_term_get,
	.term_add = pg_term_add,
	.term_update = pg_term_update,
	.terms_each = pg_terms_each,
	.event_hash = pg_event_hash,
	.event_add = pg_event_add,
	.events_after = pg_events_after,
	.chain_after = pg_chain_after,
	.chain_walk = pg_chain_walk,
	.token_add = pg_token_add,
	.token_take = pg_token_take,
	.nonce_add = pg_nonce_add,
	.nonce_seen = pg_nonce_seen,
	.alert_add = pg_alert_add,
	.alerts_count = pg_alerts_count,
	.tlog_size = pg_tlog_size,
	.leaf_add = pg_leaf_add,
	.leaf_of = pg_leaf_of,
	.leaves_each = pg_leaves_each,
	.leaf_hashes = pg_leaf_hashes,
	.tile_get = pg_tile_get,
	.tile_put = pg_tile_put,
	.ckpt_add = pg_ckpt_add,
	.ckpt_get = pg_ckpt_get,
	.cosig_add = pg_cosig_add,
	.cosigs_each = pg_cosigs_each,
	.close = pg_close,
};

/* Creates the tables when missing, under the writers' lock, and prepares every statement. */
static int
pg_setup(struct store *s, struct errmsg *em)
{
	char name[16];
	PGresult *r;
	int i, status;

	if ((status = pg_begin(s, em)) != CST_OK)
		return status;
	if ((status = simple(s, schema, em)) != CST_OK) {
		pg_rollback(s);
		return status;
	}
	if ((status = pg_commit(s, em)) != CST_OK)
		return status;
	for (i = 0; i < Q_COUNT; i++) {
		snprintf(name, sizeof name, "q%d", i);
		r = PQprepare(conn(s), name, sql[i].sql, sql[i].nparams, NULL);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			return pg_fail(s, r, em, sql[i].sql);
		PQclear(r);
	}
	return CST_OK;
}

int
store_pg_open(const char *url, struct store **out, struct errmsg *em)
{
	struct store_pg *pg = xcalloc(1, sizeof *pg);
	int status;

	*out = NULL;
	pg->base.ops = &pg_ops;
	pg->conn = PQconnectdb(url);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		err_set(em, CST_ERR_IO, _("cannot connect to PostgreSQL: %s"), PQerrorMessage(pg->conn));
		pg_close(&pg->base);
		return CST_ERR_IO;
	}
	if ((status = pg_setup(&pg->base, em)) != CST_OK) {
		pg_close(&pg->base);
		return status;
	}
	*out = &pg->base;
	return CST_OK;
}

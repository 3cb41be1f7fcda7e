/*
 * Terminals as witnesses of the ledger's transparency log (issue 14, docs/transparency.md):
 * the real custody binary against a real custody-ledger over real TLS. A normal run keeps and
 * advances the checkpoint and the ledger publishes the terminal's cosignatures; then the
 * attacks: the ledger restored from an old backup of its database, a second ledger with the
 * same key and another history, a ledger database edited by hand; each is refused by the
 * terminal, recorded once, alerted, and pulls stop until an administrator trusts the log again.
 */
#include <sys/stat.h>

#include "checkpoint.h"
#include "hex.h"

#include "sync-util.h"

#define ADMIN_PW "admin-pass-0\n"

static char ledger_url[64];

/* One text value of the terminal's journal, by SQL (test-side inspection only). */
static void
sql_text(const char *name, const char *sql, char *out, size_t size)
{
	char file[PATH_MAX];
	sqlite3 *db;
	sqlite3_stmt *st;

	out[0] = '\0';
	snprintf(file, sizeof file, "%s/custody.db", path(name));
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open the journal");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The terminal's stored checkpoint (sync.checkpoint), parsed; size -1 when none. */
static struct checkpoint
stored_checkpoint(const char *name)
{
	static char text[CKPT_NOTE_MAX];
	static struct note nt;
	struct checkpoint c;

	c.size = -1;
	sql_text(name, "SELECT value FROM local WHERE name = 'sync.checkpoint'", text, sizeof text);
	if (text[0] == '\0' || note_parse(text, strlen(text), &nt) != 0 ||
	    checkpoint_parse(nt.body, nt.body_len, &c) != 0)
		c.size = -1;
	return c;
}

/* The ledger key the terminal learnt at enrolment. */
static void
ledger_key_of(const char *name, unsigned char pk[CRY_PK_BYTES])
{
	char hex[2 * CRY_PK_BYTES + 1];

	sql_text(name, "SELECT value FROM local WHERE name = 'sync.ledger_key'", hex, sizeof hex);
	if (hex_decode(hex, strlen(hex), pk, CRY_PK_BYTES) != 0)
		die("sync.ledger_key");
}

static int64_t
count_kind(const char *name, const char *kind)
{
	char sql[192];

	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kind = '%s' AND "
	    "terminal = '%s'", kind, name);
	return sql_int(name, sql);
}

/* A terminal founded with administrator a0 (password ADMIN_PW) and enrolled. */
static void
make_admin_terminal(const char *name, const char *room)
{
	struct t_result r = t_custody_env(NULL, ADMIN_PW, "init", "--data", path(name),
	    "--terminal", name, "--room", room, "--admin", "a0", "--admin-name", "管理员",
	    (char *)NULL);

	if (r.status != 0)
		die(r.err);
	t_result_free(&r);
	enroll_terminal(name);
}

static void
add_notes(const char *name, int n)
{
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);

	append_notes(t, n);
	terminal_close(t);
}

/* Copies the ledger's SQLite file while it is stopped (with its WAL, if any). */
static void
db_copy(const char *from, const char *to)
{
	sh("rm -f '%s' '%s-wal' '%s-shm' && cp '%s' '%s' && "
	    "if [ -f '%s-wal' ]; then cp '%s-wal' '%s-wal'; fi", to, to, to, from, to, from, from, to);
}

static void
ledger_restart_on(const char *db)
{
	int port = ledger_port;

	ledger_stop(SIGTERM);
	snprintf(ledger_db, sizeof ledger_db, "%s", db);
	ledger_start(port);
}

/* GET path from the ledger, public, with curl: the body. */
static struct t_result
fetch_public(const char *what)
{
	char url[128];
	char *argv[] = { "/usr/bin/curl", "-sS", "--fail", "--cacert", (char *)path("ca.pem"), url, NULL };

	snprintf(url, sizeof url, "%s%s", ledger_url, what);
	return t_run(argv, NULL, NULL);
}

/*
 * A normal run: the first sync stores a checkpoint that the ledger signed and that holds the
 * terminal's head; the next advances it; the terminal's cosignature is published with it.
 */
static void
test_normal(void)
{
	unsigned char lpk[CRY_PK_BYTES];
	char name[CKPT_ORIGIN_MAX + 1];
	struct checkpoint c1, c2;
	struct terminal *t;
	struct t_result r;
	static struct note nt;
	uint64_t ts = 0;

	make_admin_terminal("w1", "intake");
	sync_once_cli("w1", "w1: first sync");
	c1 = stored_checkpoint("w1");
	ok(c1.size >= head_of("w1"), "the first sync stores a checkpoint that holds w1's events");
	add_notes("w1", 5);
	sync_once_cli("w1", "w1: second sync");
	sync_once_cli("w1", "w1: third sync (a round with nothing to push)");
	c2 = stored_checkpoint("w1");
	ok(c2.size == c1.size + 5, "the checkpoint advances with the push");
	ok(strcmp(c1.origin, c2.origin) == 0 && strncmp(c1.origin, "custody-ledger/", 15) == 0,
	    "under one origin");
	ok(sql_int("w1", "SELECT value FROM local WHERE name = 'sync.cosigned'") == c2.size,
	    "the terminal cosigned the checkpoint it verified");
	r = t_custody("sync", "--data", path("w1"), "--status");
	ok(r.status == 0 && t_has(r.out, "checkpoint of") && t_has(r.out, "verified"),
	    "sync --status shows the verified checkpoint");
	t_result_free(&r);

	r = fetch_public("/tlog/checkpoint");
	ledger_key_of("w1", lpk);
	snprintf(name, sizeof name, "%s/witness/w1", c2.origin);
	t = open_terminal("w1", TERMINAL_RDONLY);
	ok(r.status == 0 && note_parse(r.out, strlen(r.out), &nt) == 0 &&
	    note_verify(&nt, c2.origin, lpk) && note_cosigned(&nt, name, t->pk, &ts) == 1 &&
	    ts > 0, "the ledger publishes the checkpoint with w1's cosignature");
	if (r.status != 0 || !t_has(r.out, "/witness/w1"))
		fprintf(stderr, "/tlog/checkpoint: %s%s\n", r.out, r.err);
	terminal_close(t);
	t_result_free(&r);
}

/*
 * (a) The ledger restored from an old backup of its database: the terminal had verified a
 * bigger tree. Refused, recorded once, a red alert, pulls stop, pushes go on; sync --status
 * says so with the sizes and exits 1. (d) Only an administrator trusts the log again.
 */
static void
test_restored_ledger(void)
{
	char backup[PATH_MAX], live[PATH_MAX], out[512];
	struct checkpoint before;
	struct t_result r;
	int64_t cursor;

	snprintf(live, sizeof live, "%s", ledger_db);
	snprintf(backup, sizeof backup, "%s", path("ledger-backup.db"));
	ledger_stop(SIGTERM);
	db_copy(live, backup);
	ledger_start(ledger_port);
	add_notes("w1", 12);
	sync_once_cli("w1", "w1 pushes after the ledger's backup");
	before = stored_checkpoint("w1");

	ledger_stop(SIGTERM);
	db_copy(backup, live);
	ledger_start(ledger_port);
	make_terminal("w2", "exit");	/* another terminal, on the restored ledger */
	sync_once_cli("w2", "w2 pushes to the restored ledger");
	cursor = sql_int("w1", "SELECT value FROM local WHERE name = 'sync.cursor'");

	r = t_custody("sync", "--data", path("w1"), "--once");
	ok(r.status == 1 && t_has(r.out, "log is refused") && t_has(r.out, "smaller"),
	    "sync --once refuses the restored ledger's log (exit 1)");
	if (r.status != 1)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	snprintf(out, sizeof out, "fewer than the %lld", (long long)before.size);
	r = t_custody("sync", "--data", path("w1"), "--status");
	ok(r.status == 1 && t_has(r.out, "LEDGER LOG REFUSED") && t_has(r.out, out),
	    "sync --status exits 1 and names the sizes");
	if (!t_has(r.out, out))
		fprintf(stderr, "%s", r.out);
	t_result_free(&r);
	ok(count_kind("w1", "sync.log_refused") == 1, "the refusal is one sync.log_refused event");
	ok(sql_int("w1", "SELECT json_extract(body, '$.old_size') FROM events WHERE kind = "
	    "'sync.log_refused'") == before.size &&
	    sql_int("w1", "SELECT json_extract(body, '$.new_size') FROM events WHERE kind = "
	    "'sync.log_refused'") < before.size, "with the old size and the smaller new one");
	ok(alert_open_about("w1", SYNC_RULE_LOG) == ALERT_RED, "a red log_inconsistent alert");
	ok(sql_int("w1", "SELECT value FROM local WHERE name = 'sync.cursor'") == cursor &&
	    sql_int("w1", "SELECT count(*) FROM events WHERE terminal = 'w2'") == 0,
	    "nothing is pulled from the refused ledger");
	ok(ledger_holds_exactly("w1", head_of("w1")), "w1's own events are pushed again");
	r = t_custody("sync", "--data", path("w1"), "--once");
	ok(r.status == 1, "the next pass is refused too");
	t_result_free(&r);
	ok(count_kind("w1", "sync.log_refused") == 1, "and not recorded again");
	ok(stored_checkpoint("w1").size == before.size, "the checkpoint verified stays");

	/* (d) A clerk cannot trust the log again; a wrong password cannot; the admin can. */
	r = t_custody_env(NULL, ADMIN_PW "clerk-pass-1\n", "operator", "add", "--data",
	    path("w1"), "--id", "c1", "--name", "李文", "--role", "clerk", "--by", "a0",
	    (char *)NULL);
	ok(r.status == 0, "a clerk is added on w1");
	t_result_free(&r);
	r = t_custody_env(NULL, "clerk-pass-1\n", "sync", "--data", path("w1"), "--trust-log",
	    "--by", "c1", (char *)NULL);
	ok(r.status != 0 && t_has(r.err, "not an administrator"), "a clerk cannot trust the log");
	t_result_free(&r);
	r = t_custody_env(NULL, "wrong-pass\n", "sync", "--data", path("w1"), "--trust-log",
	    "--by", "a0", (char *)NULL);
	ok(r.status != 0, "nor the admin's name with a wrong password");
	t_result_free(&r);
	r = t_custody("sync", "--data", path("w1"), "--trust-log");
	ok(r.status == 2, "--trust-log without --by is a usage error");
	t_result_free(&r);
	ok(count_kind("w1", "sync.log_trusted") == 0, "none of these is recorded as trust");
	r = t_custody_env(NULL, ADMIN_PW, "sync", "--data", path("w1"), "--trust-log", "--by",
	    "a0", (char *)NULL);
	ok(r.status == 0 && t_has(r.out, "trusted again"), "the administrator trusts the log");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ok(count_kind("w1", "sync.log_trusted") == 1 &&
	    sql_int("w1", "SELECT json_extract(body, '$.old_size') FROM events WHERE kind = "
	    "'sync.log_trusted'") == before.size &&
	    sql_int("w1", "SELECT count(*) FROM events WHERE kind = 'sync.log_trusted' AND "
	    "operator = 'a0'") == 1, "recorded as sync.log_trusted by a0, with the old checkpoint");
	ok(alert_open_about("w1", SYNC_RULE_LOG) == 0, "the alert is cleared");
	r = t_custody("sync", "--data", path("w1"), "--once");
	ok(r.status == 0, "the next pass is accepted, from the new checkpoint");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ok(sql_int("w1", "SELECT count(*) FROM events WHERE terminal = 'w2'") > 0,
	    "and pulls again, from the start of the history it accepted");
	r = t_custody("sync", "--data", path("w1"), "--status");
	ok(r.status == 0 && !t_has(r.out, "REFUSED"), "sync --status: nothing refused");
	t_result_free(&r);
	r = t_custody_env(NULL, ADMIN_PW, "sync", "--data", path("w1"), "--trust-log", "--by",
	    "a0", (char *)NULL);
	ok(r.status != 0 && t_has(r.err, "not refused"), "with nothing refused there is nothing "
	    "to trust");
	t_result_free(&r);
}

/*
 * (b) A ledger that serves this terminal another tree: a second database with the same key
 * (ledger.key beside it) and another history, put where the first one was.
 */
static void
test_other_tree(void)
{
	char first[PATH_MAX], second[PATH_MAX];
	struct checkpoint before;
	struct t_result r;

	snprintf(first, sizeof first, "%s", ledger_db);
	snprintf(second, sizeof second, "%s", path("ledger-other.db"));
	make_terminal("w3", "waiting");
	sync_once_cli("w3", "w3: first sync");
	ledger_stop(SIGTERM);
	db_copy(first, second);
	ledger_start(ledger_port);
	add_notes("w3", 4);
	sync_once_cli("w3", "w3 syncs with the first ledger");
	before = stored_checkpoint("w3");

	ledger_restart_on(second);
	make_terminal("x1", "search");
	add_notes("x1", 40);
	sync_once_cli("x1", "another history grows on the second ledger");
	r = t_custody("sync", "--data", path("w3"), "--once");
	ok(r.status == 1 && t_has(r.out, "log is refused") && t_has(r.out, "inconsistent"),
	    "the other tree is refused as inconsistent");
	if (r.status != 1 || !t_has(r.out, "inconsistent"))
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ok(count_kind("w3", "sync.log_refused") == 1 &&
	    alert_open_about("w3", SYNC_RULE_LOG) == ALERT_RED, "recorded and alerted");
	ok(sql_int("w3", "SELECT count(*) FROM events WHERE terminal = 'x1'") == 0,
	    "nothing of the other history is pulled");
	ok(stored_checkpoint("w3").size == before.size, "the checkpoint verified stays");
	r = t_custody("sync", "--data", path("w3"), "--status");
	ok(r.status == 1 && t_has(r.out, "inconsistent"), "sync --status exits 1 and says why");
	t_result_free(&r);
	ledger_restart_on(first);
}

/*
 * (c) The ledger's database edited by hand while stopped: one event of another terminal
 * deleted, and the log's rows with it so that the ledger rebuilds its tree from what is left
 * when it starts (it would not serve tiles that do not give its newest checkpoint's root).
 * The tree grows past what the terminal verified, but not from it: caught by consistency.
 */
static void
test_edited_ledger(void)
{
	struct t_result r;

	make_terminal("w4", "exit");
	make_terminal("x2", "intake");
	add_notes("x2", 6);
	sync_once_cli("x2", "x2 pushes");
	sync_once_cli("w4", "w4 verifies a checkpoint with x2's events");
	ledger_stop(SIGTERM);
	sh("sqlite3 '%s' \"DROP TRIGGER events_no_delete; DROP TRIGGER tlog_leaves_no_delete; "
	    "DROP TRIGGER tlog_checkpoints_no_delete; "
	    "DELETE FROM events WHERE terminal = 'x2' AND seq = 3; "
	    "DELETE FROM tlog_leaves; DELETE FROM tlog_tiles; DELETE FROM tlog_checkpoints; "
	    "DELETE FROM tlog_cosignatures\"", ledger_db);
	ledger_start(ledger_port);	/* it rebuilds its tree from the events left */
	make_terminal("x3", "search");
	add_notes("x3", 8);
	sync_once_cli("x3", "the edited ledger grows past what w4 verified");
	add_notes("w4", 3);
	r = t_custody("sync", "--data", path("w4"), "--once");
	ok(r.status == 1 && t_has(r.out, "log is refused"),
	    "a ledger edited by hand is refused");
	ok(t_has(r.out, "inconsistent"), "caught by the checkpoint's consistency");
	if (r.status != 1 || !t_has(r.out, "inconsistent"))
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ok(count_kind("w4", "sync.log_refused") == 1, "recorded once");
	ok(ledger_holds_exactly("w4", head_of("w4")), "w4's own events still reach the ledger");
}

/*
 * A terminal enrolled anew with another ledger (another key; here at the same address) starts
 * witnessing that ledger's log afresh: the first ledger's checkpoint is not held against it.
 */
static void
test_new_ledger(void)
{
	char first[PATH_MAX], other[PATH_MAX];
	struct checkpoint before, after;
	struct t_result r;

	snprintf(first, sizeof first, "%s", ledger_db);
	make_terminal("w5", "intake");
	add_notes("w5", 3);
	sync_once_cli("w5", "w5 syncs with the first ledger");
	before = stored_checkpoint("w5");
	sh("mkdir -p '%s'", path("other-ledger"));
	snprintf(other, sizeof other, "%s/ledger.db", path("other-ledger"));
	ledger_restart_on(other);
	enroll_terminal("w5");
	r = t_custody("sync", "--data", path("w5"), "--once");
	ok(r.status == 0, "a terminal enrolled with another ledger syncs with it");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	after = stored_checkpoint("w5");
	ok(before.size > 0 && after.size == head_of("w5") && strcmp(before.origin,
	    after.origin) != 0, "and keeps the new ledger's checkpoint, which holds all its events");
	ok(count_kind("w5", "sync.log_refused") == 0, "no log refused");
	ledger_restart_on(first);
}

/*
 * A cosignature the ledger did not take (answered 500 by the fault proxy) is not a fault of
 * the log: the checkpoint is kept, the round goes on, and the next round cosigns it.
 */
static void
test_cosign_retry(void)
{
	unsigned char sk[CRY_SK_BYTES];
	struct sync_status st;
	struct sync_conf cf;
	struct terminal *t;
	struct errmsg em;
	int64_t cosigned;
	int status;

	make_terminal("w6", "intake");
	sync_once_cli("w6", "w6: first sync");
	cosigned = sql_int("w6", "SELECT value FROM local WHERE name = 'sync.cosigned'");
	add_notes("w1", 2);
	sync_once_cli("w1", "the log grows with another terminal's events");
	proxy_start();
	t = open_for_sync("w6", &cf, sk);
	snprintf(cf.url, sizeof cf.url, "https://127.0.0.1:%d", proxy_port);
	ctl->mode = FP_ANSWER_500;
	ctl->skip = 1;		/* the head passes; the cosignature after it does not */
	ctl->faults = 0;
	__atomic_store_n(&ctl->left, 1, __ATOMIC_SEQ_CST);
	err_clear(&em);
	status = sync_run_once(t->journal, t->name, sk, &cf, SYNC_ONCE, &st, &em);
	ok(status == CST_OK && ctl->faults == 1, "a round whose cosignature failed still ends well");
	if (status != CST_OK)
		fprintf(stderr, "%s (proxy: %d requests, %d faults)\n", em.text, ctl->requests,
		    ctl->faults);
	terminal_close(t);
	ok(stored_checkpoint("w6").size > cosigned && sql_int("w6", "SELECT value FROM local "
	    "WHERE name = 'sync.cosigned'") == cosigned,
	    "the new checkpoint is kept, not yet cosigned");
	ok(count_kind("w6", "sync.log_refused") == 0, "a failed cosignature is no refusal of the log");
	sync_once_cli("w6", "w6: the next round");
	ok(sql_int("w6", "SELECT value FROM local WHERE name = 'sync.cosigned'") ==
	    stored_checkpoint("w6").size, "the next round cosigns it");
}

int
main(void)
{
	if (sync_test_begin("witness") != 0)
		return 99;
	snprintf(ledger_url, sizeof ledger_url, "https://127.0.0.1:%d", ledger_port);
	test_normal();
	test_restored_ledger();
	test_other_tree();
	test_edited_ledger();
	test_new_ledger();
	test_cosign_retry();
	return sync_test_end("test-witness");
}

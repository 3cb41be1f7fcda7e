/*
 * custody-audit against a real custody-ledger over HTTPS (SQLite, and PostgreSQL for the
 * plain pass), with terminals made, enrolled and synced by the real custody binary: a clean
 * log passes; a ledger database edited by hand (an event deleted, two reordered, one
 * replaced, the log's tables rebuilt and re-signed to match), a ledger restored from an old
 * copy and a ledger with another history under the same key are each caught with the first
 * bad leaf named; offline proofs written by custody export verify and tampered ones do not;
 * a cosignature is stored and published.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "checkpoint.h"
#include "hex.h"
#include "ledger/lkey.h"
#include "tlog.h"
#include "visit.h"

#include "ledger-util.h"
#include "sync-util.h"
#include "prop-util.h"

/* The auditor's own tree (src/audit/tree.c), checked against src/tlog.c's. */
#include "audit/tree.c"

static char ledger_url[64], vkey[CKPT_VKEY_MAX + 1];

/* custody-audit with arguments (NULL-terminated); its output kept. */
static struct t_result
audit_run_cmd(const char *first, ...)
{
	char *argv[32];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)t_bin("custody-audit");
	argv[n++] = (char *)first;
	va_start(ap, first);
	while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return t_run(argv, NULL, NULL);
}

/* custody-audit check of the ledger at url with the state file state. */
static struct t_result
check(const char *url, const char *state)
{
	return audit_run_cmd("check", "--ledger", url, "--ca", path("ca.pem"), "--vkey", vkey,
	    "--state", state, "--key", path("audit.key"), (char *)NULL);
}

/* A check that must find problems and name first as its first bad leaf. */
static void
expect_caught(const char *url, const char *state, int64_t first, const char *what)
{
	struct t_result r = check(url, state);
	char line[64];

	snprintf(line, sizeof line, "first bad leaf %lld\n", (long long)first);
	ok(r.status == 1 && t_has(r.out, line), what);
	if (r.status != 1 || !t_has(r.out, line) || getenv("TEST_VERBOSE") != NULL)
		fprintf(stderr, "expected %s(status %d)\n%s%s", line, r.status, r.out, r.err);
	t_result_free(&r);
}

static void
add_notes(const char *name, int n)
{
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);

	append_notes(t, n);
	terminal_close(t);
}

/* One integer from a ledger database file, by SQL. */
static int64_t
ledger_int(const char *file, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open the ledger's database");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The leaf of (terminal, seq) in the ledger database file. */
static int64_t
leaf_of(const char *file, const char *terminal, int64_t seq)
{
	char sql[256];

	snprintf(sql, sizeof sql, "SELECT leaf FROM tlog_leaves WHERE cursor = (SELECT cursor "
	    "FROM events WHERE terminal = '%s' AND seq = %lld)", terminal, (long long)seq);
	return ledger_int(file, sql);
}

static void
sql_exec(const char *file, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	if (sqlite3_open(file, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, msg ? msg : sqlite3_errmsg(db));
		die("an edit of the ledger's database");
	}
	sqlite3_close(db);
}

/* A copy of the stopped ledger's directory (database and key). */
static void
copy_ledger(const char *from_dir, const char *to_dir)
{
	sh("rm -rf '%s' && mkdir -p '%s' && cp -a '%s'/ledger.* '%s'/", to_dir, to_dir, from_dir,
	    to_dir);
}

/* Serves the ledger in ldir (ledger.db there) on a new port; its URL into ledger_url. */
static void
serve(const char *ldir)
{
	snprintf(ledger_db, sizeof ledger_db, "%s/ledger.db", ldir);
	ledger_start(0);
	snprintf(ledger_url, sizeof ledger_url, "https://127.0.0.1:%d", ledger_port);
}

/*
 * Replaces event (terminal, seq) in the ledger database by another event of the same
 * terminal, at the same place in its chain, properly signed by the terminal's own key.
 */
static void
replace_event(const char *file, const char *terminal, int64_t seq)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char key[PATH_MAX], name[EV_MAX_ID + 1];
	struct event ev;
	struct errmsg em;
	sqlite3 *db;
	sqlite3_stmt *st;
	static const char body[] = "{\"n\":999}";

	snprintf(key, sizeof key, "%s/terminal.key", path(terminal));
	err_clear(&em);
	if (terminal_key_load(key, name, sizeof name, pk, sk, &em) != CST_OK)
		die(em.text);
	memset(&ev, 0, sizeof ev);
	if (sqlite3_open(file, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "DROP TRIGGER IF EXISTS events_no_update", NULL, NULL, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT ts, operator, kind, subject, prev FROM events WHERE "
	    "terminal = ?1 AND seq = ?2", -1, &st, NULL) != SQLITE_OK)
		die("open the ledger's database");
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("no such event to replace");
	snprintf(ev.terminal, sizeof ev.terminal, "%s", terminal);
	ev.seq = seq;
	ev.ts = sqlite3_column_int64(st, 0);
	snprintf(ev.operator_, sizeof ev.operator_, "%s", sqlite3_column_text(st, 1));
	snprintf(ev.kind, sizeof ev.kind, "%s", sqlite3_column_text(st, 2));
	snprintf(ev.subject, sizeof ev.subject, "%s", sqlite3_column_text(st, 3));
	memcpy(ev.prev, sqlite3_column_blob(st, 4), CRY_HASH_BYTES);
	sqlite3_finalize(st);
	event_set_body(&ev, body, sizeof body - 1);
	event_seal(&ev, sk);
	if (sqlite3_prepare_v2(db, "UPDATE events SET body = ?1, hash = ?2, sig = ?3 WHERE "
	    "terminal = ?4 AND seq = ?5", -1, &st, NULL) != SQLITE_OK)
		die("prepare the replacement");
	sqlite3_bind_blob(st, 1, ev.body, (int)ev.body_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, ev.hash, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, ev.sig, CRY_SIG_BYTES, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, seq);
	if (sqlite3_step(st) != SQLITE_DONE)
		die("replace the event");
	sqlite3_finalize(st);
	sqlite3_close(db);
	event_clear(&ev);
	cry_wipe(sk, sizeof sk);
}

/* The tile callbacks of the rebuild below, on the database being edited. */
static int
tile_read(void *arg, int level, int64_t index, int width, unsigned char *out)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(arg, "SELECT width, hashes FROM tlog_tiles WHERE level = ?1 AND "
	    "idx = ?2", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, index);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= width) {
		memcpy(out, sqlite3_column_blob(st, 1), (size_t)width * TLOG_HASH_BYTES);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
tile_write(void *arg, int level, int64_t index, int width, const unsigned char *hashes)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(arg, "INSERT OR REPLACE INTO tlog_tiles (level, idx, width, hashes) "
	    "VALUES (?1, ?2, ?3, ?4)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, index);
	sqlite3_bind_int(st, 3, width);
	sqlite3_bind_blob(st, 4, hashes, width * TLOG_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

/*
 * What an operator with the database and the ledger's key could do to hide an edit: the log's
 * tables thrown away and built again from the edited events, and a new checkpoint signed.
 */
static void
rebuild_log(const char *ldir)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], data[TLOG_LEAF_MAX], root[32];
	unsigned char (*leaves)[TLOG_HASH_BYTES] = NULL;
	char file[PATH_MAX], key[PATH_MAX], text[CKPT_NOTE_MAX];
	struct checkpoint cp;
	struct note nt;
	struct errmsg em;
	sqlite3 *db;
	sqlite3_stmt *st, *ins;
	int64_t n = 0;
	size_t len;

	snprintf(file, sizeof file, "%s/ledger.db", ldir);
	snprintf(key, sizeof key, "%s/ledger.key", ldir);
	err_clear(&em);
	if (lkey_load(key, 0, pk, sk, &em) != CST_OK)
		die(em.text);
	memset(&cp, 0, sizeof cp);
	if (sqlite3_open(file, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
	    note_parse((const char *)sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st,
	    0), &nt) != 0 || checkpoint_parse(nt.body, nt.body_len, &cp) != 0)
		die("read the ledger's checkpoint");
	sqlite3_finalize(st);
	sql_exec(file, "DROP TRIGGER IF EXISTS tlog_leaves_no_delete; "
	    "DROP TRIGGER IF EXISTS tlog_checkpoints_no_delete; DELETE FROM tlog_leaves; "
	    "DELETE FROM tlog_tiles; DELETE FROM tlog_checkpoints; DELETE FROM tlog_cosignatures");
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "SELECT cursor, terminal, seq, hash FROM events ORDER BY cursor",
	    -1, &st, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO tlog_leaves (leaf, cursor, hash) VALUES (?1, ?2, ?3)", -1, &ins,
	    NULL);
	while (sqlite3_step(st) == SQLITE_ROW) {
		leaves = realloc(leaves, (size_t)(n + 1) * TLOG_HASH_BYTES);
		len = tlog_leaf_data((const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_blob(st, 3), data);
		tlog_leaf_hash(data, len, leaves[n]);
		sqlite3_bind_int64(ins, 1, n);
		sqlite3_bind_int64(ins, 2, sqlite3_column_int64(st, 0));
		sqlite3_bind_blob(ins, 3, leaves[n], TLOG_HASH_BYTES, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			die("insert a leaf");
		sqlite3_reset(ins);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	if (tlog_append(0, (const unsigned char (*)[TLOG_HASH_BYTES])leaves, (size_t)n,
	    tile_read, tile_write, db, root) != 0)
		die("tlog_append");
	cp.size = n;
	memcpy(cp.root, root, sizeof root);
	memset(&nt, 0, sizeof nt);
	nt.body_len = checkpoint_body(&cp, nt.body, sizeof nt.body);
	if (nt.body_len == 0 || note_sign(&nt, cp.origin, sk) != 0 ||
	    (len = note_write(&nt, text, sizeof text)) == 0)
		die("sign the checkpoint");
	sqlite3_prepare_v2(db, "INSERT INTO tlog_checkpoints (size, root, note, issued) VALUES "
	    "(?1, ?2, ?3, 0)", -1, &ins, NULL);
	sqlite3_bind_int64(ins, 1, n);
	sqlite3_bind_blob(ins, 2, root, sizeof root, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, text, (int)len, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		die("insert the checkpoint");
	sqlite3_finalize(ins);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	free(leaves);
	cry_wipe(sk, sizeof sk);
}

/* The auditor's tree against src/tlog.c's root over the same leaves. */
static int
node_of(void *arg, int level, int64_t index, unsigned char out[TLOG_HASH_BYTES])
{
	const unsigned char (*leaves)[TLOG_HASH_BYTES] = arg;
	int64_t n = (int64_t)1 << level;

	audit_mth(leaves + index * n, n, out);
	return 0;
}

static void
test_tree(void)
{
	static unsigned char leaves[300][TLOG_HASH_BYTES];
	unsigned char a[TLOG_HASH_BYTES], b[TLOG_HASH_BYTES];
	int n, good = 1;
	unsigned char x = 0;

	for (n = 0; n < 300; n++) {
		x = (unsigned char)n;
		tlog_leaf_hash(&x, 1, leaves[n]);
	}
	for (n = 0; n <= 300; n++) {
		audit_mth((const unsigned char (*)[TLOG_HASH_BYTES])leaves, n, a);
		if (tlog_tree_root(n, node_of, leaves, b) != 0 || memcmp(a, b, sizeof a) != 0)
			good = 0;
	}
	ok(good, "the auditor's rebuilt root is tlog.c's for every size from 0 to 300");
}

/* The ledger's verifier key, from custody-ledger key. */
static void
get_vkey(void)
{
	struct t_result r = ledger_cmd("key", NULL, NULL);

	snprintf(vkey, sizeof vkey, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	ok(r.status == 0 && strchr(vkey, '+') != NULL, "custody-ledger key prints the vkey");
	t_result_free(&r);
}

/* The auditor's key (made once), a token for it and its enrolment at the ledger served. */
static void
enrol_auditor(int make_key)
{
	struct t_result r;
	FILE *f;

	if (make_key) {
		r = audit_run_cmd("init-key", "--key", path("audit.key"), "--name", "audit-1",
		    (char *)NULL);
		ok(r.status == 0 && t_has(r.out, "public key "), "custody-audit init-key");
		t_result_free(&r);
	}
	r = ledger_cmd("token", "--terminal", "audit-1");
	if (r.status != 0 || (f = fopen(path("audit.token"), "w")) == NULL)
		die("a token for the auditor");
	fputs(r.out, f);
	fclose(f);
	t_result_free(&r);
	r = audit_run_cmd("enroll", "--ledger", ledger_url, "--ca", path("ca.pem"), "--key",
	    path("audit.key"), "--token-file", path("audit.token"), (char *)NULL);
	ok(r.status == 0 && t_has(r.out, "enrolled as audit-1"), "custody-audit enroll");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
}

/*
 * Offline proofs of a chain of custody: an item stored in the property room, synced; its
 * chain and its case's exported with --proofs; every proof verifies offline.
 */
static void
test_chain_proofs(void)
{
	char item[UUID_LEN + 1], out[PATH_MAX], pdir[PATH_MAX], cmd[PATH_MAX * 3];
	struct terminal *t = open_terminal("t1", TERMINAL_SIGN);
	static const char *const how[] = { "item", "case" };
	struct t_result r;
	struct errmsg em;
	int i;

	err_clear(&em);
	if (pu_location(t->journal, "A", "01", "02", &em) != CST_OK ||
	    pu_item(t->journal, "GA2026-0007", 1, "", "A/01/02", item, &em) != CST_OK)
		die(em.text);
	terminal_close(t);
	sync_once_cli("t1", "t1 syncs its item");
	for (i = 0; i < 2; i++) {
		snprintf(out, sizeof out, "%s/chain-%s.txt", path("."), how[i]);
		snprintf(pdir, sizeof pdir, "%s/chain-%s.proofs", path("."), how[i]);
		if (i == 0)
			r = t_custody("export", "chain", item, "--data", path("t1"), "--out", out,
			    "--proofs", pdir);
		else
			r = t_custody("export", "chain", "--case", "GA2026-0007", "--data",
			    path("t1"), "--out", out, "--proofs", pdir);
		ok(r.status == 0, how[i][0] == 'i' ? "custody export chain ITEM --proofs" :
		    "custody export chain --case CASE --proofs");
		if (r.status != 0)
			fprintf(stderr, "%s%s", r.out, r.err);
		t_result_free(&r);
		snprintf(cmd, sizeof cmd, "n=$(ls '%s'/*.tlog-proof | wc -l) && [ \"$n\" -ge 2 ] && "
		    "'%s' proof --vkey '%s' '%s'/*.tlog-proof > /dev/null", pdir,
		    t_bin("custody-audit"), vkey, pdir);
		ok(system(cmd) == 0, "the chain's events (registered, stored) are proven offline");
	}
}

/* Offline proofs of a visit's events: written by custody export, checked with no network. */
static void
test_proofs(const char *visit)
{
	char out[PATH_MAX], proofs[PATH_MAX], file[PATH_MAX + 64], given[160], hex[65];
	struct t_result r;
	char *text;
	FILE *f;
	int fd;

	snprintf(out, sizeof out, "%s", path("visit.txt"));
	snprintf(proofs, sizeof proofs, "%s", path("visit.proofs"));
	r = t_custody("export", "visit", visit, "--data", path("t1"), "--out", out, "--proofs",
	    proofs);
	ok(r.status == 0, "custody export visit --proofs");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	fd = open(out, O_RDONLY);
	text = fd >= 0 ? t_slurp_fd(fd) : NULL;
	if (fd >= 0)
		close(fd);
	ok(text != NULL && t_has(text, "Offline proofs of the") && t_has(text, ".tlog-proof"),
	    "the exported record lists its events and their proof files");
	free(text);
	sh("ls '%s'/*.tlog-proof > '%s'", proofs, path("proofs.list"));
	{
		char cmd[PATH_MAX * 3];

		snprintf(cmd, sizeof cmd, "'%s' proof --vkey '%s' '%s'/*.tlog-proof > '%s' 2>&1",
		    t_bin("custody-audit"), vkey, proofs, path("proof.out"));
		ok(system(cmd) == 0, "custody-audit proof: every proof of the export verifies");
	}
	fd = open(path("proof.out"), O_RDONLY);
	text = fd >= 0 ? t_slurp_fd(fd) : NULL;
	if (fd >= 0)
		close(fd);
	ok(text != NULL && t_has(text, ": proven: event t1 seq "), "each proof names its event");
	free(text);
	/* the first proof file: its event given as printed, then a wrong hash given */
	f = fopen(path("proofs.list"), "r");
	if (f == NULL || fgets(file, sizeof file, f) == NULL)
		die("no proof file");
	fclose(f);
	file[strcspn(file, "\n")] = '\0';
	{
		char term[65], *dot = strrchr(file, '/');
		long long s;
		struct terminal *tt = open_terminal("t1", TERMINAL_RDONLY);

		if (dot == NULL || sscanf(dot + 1, "%64[^.].%lld", term, &s) != 2)
			die("a proof file's name");
		{
			sqlite3_stmt *st;

			sqlite3_prepare_v2(journal_db(tt->journal), "SELECT hash FROM events WHERE "
			    "terminal = ?1 AND seq = ?2", -1, &st, NULL);
			sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, s);
			if (sqlite3_step(st) != SQLITE_ROW)
				die("the proven event in the journal");
			hex_encode(sqlite3_column_blob(st, 0), CRY_HASH_BYTES, hex);
			sqlite3_finalize(st);
		}
		terminal_close(tt);
		snprintf(given, sizeof given, "%s:%lld:%s", term, s, hex);
		r = audit_run_cmd("proof", "--vkey", vkey, "--event", given, file, (char *)NULL);
		ok(r.status == 0, "proof: the event as printed on the record is proven");
		t_result_free(&r);
		hex[0] = hex[0] == '0' ? '1' : '0';
		snprintf(given, sizeof given, "%s:%lld:%s", term, s, hex);
		r = audit_run_cmd("proof", "--vkey", vkey, "--event", given, file, (char *)NULL);
		ok(r.status == 1 && t_has(r.out, "NOT PROVEN"),
		    "proof: another hash than the proof's is not proven");
		t_result_free(&r);
	}
	/* tampered: one hash of the inclusion proof, then the leaf's seq in the extra data */
	sh("cp '%s' '%s' && sed -i '4s/^./A/;4s/^AA/BA/' '%s'", file, path("bad1.tlog-proof"),
	    path("bad1.tlog-proof"));
	r = audit_run_cmd("proof", "--vkey", vkey, path("bad1.tlog-proof"), (char *)NULL);
	ok(r.status == 1 && t_has(r.out, "NOT PROVEN"), "proof: a changed proof hash is refused");
	t_result_free(&r);
	sh("cp '%s' '%s' && sed -i '2s/^\\(extra .\\{9\\}\\)A/\\1B/;t;2s/^\\(extra .\\{9\\}\\)./\\1A/' '%s'", file,
	    path("bad2.tlog-proof"), path("bad2.tlog-proof"));
	r = audit_run_cmd("proof", "--vkey", vkey, path("bad2.tlog-proof"), (char *)NULL);
	ok(r.status == 1 && t_has(r.out, "NOT PROVEN"), "proof: changed extra data is refused");
	t_result_free(&r);
	r = audit_run_cmd("proof", "--vkey", "x+00000000+AQ==", file, (char *)NULL);
	ok(r.status == 2, "proof: a malformed vkey is a usage error");
	t_result_free(&r);
}

static void
test_cosign(void)
{
	struct t_result r = audit_run_cmd("cosign", "--ledger", ledger_url, "--ca", path("ca.pem"),
	    "--vkey", vkey, "--state", path("audit.state"), "--key", path("audit.key"),
	    (char *)NULL);
	char cmd[PATH_MAX * 2];

	ok(r.status == 0 && t_has(r.out, "cosigned checkpoint") &&
	    t_has(r.out, "publishes checkpoint"), "cosign: stored and published");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	snprintf(cmd, sizeof cmd, "curl -sS --cacert '%s' %s/tlog/checkpoint | grep -q "
	    "'/witness/audit-1 '", path("ca.pem"), ledger_url);
	ok(system(cmd) == 0, "GET /tlog/checkpoint carries the auditor's cosignature");
}


/* The plain pass on PostgreSQL: a clean log checks, grows and checks again. */
static void
test_postgresql(void)
{
	char keyfile[PATH_MAX];
	struct t_result r;
	struct lt_pg pg;

	if (!lt_pg_installed()) {
		printf("note: PostgreSQL not installed (%s): its pass is skipped\n", LT_PG_BIN);
		return;
	}
	if (!ok(lt_pg_up(&pg, dir) == 0, "a throw-away PostgreSQL starts"))
		return;
	snprintf(ledger_db, sizeof ledger_db, "postgresql://ledger@127.0.0.1:%u/ledger", pg.port);
	snprintf(keyfile, sizeof keyfile, "%s", path("pg-ledger.key"));
	ledger_start_key(0, keyfile);
	snprintf(ledger_url, sizeof ledger_url, "https://127.0.0.1:%d", ledger_port);
	r = ledger_cmd("key", "--ledger-key", keyfile);
	snprintf(vkey, sizeof vkey, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	ok(r.status == 0 && strchr(vkey, '+') != NULL, "PostgreSQL: the ledger's vkey");
	t_result_free(&r);
	enrol_auditor(0);
	make_terminal("p1", "intake");
	add_notes("p1", 20);
	sync_once_cli("p1", "PostgreSQL: p1 syncs");
	r = check(ledger_url, path("pg.state"));
	ok(r.status == 0 && t_has(r.out, "every check passed"),
	    "PostgreSQL: a clean log passes (exit 0)");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	add_notes("p1", 270);
	sync_once_cli("p1", "PostgreSQL: p1 syncs again");
	r = check(ledger_url, path("pg.state"));
	ok(r.status == 0 && t_has(r.out, " consistent ("),
	    "PostgreSQL: the grown log passes, consistent with last time");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ledger_stop(SIGTERM);
	lt_pg_down(&pg);
}

int
main(void)
{
	char visit[64], clean[PATH_MAX], old[PATH_MAX], work[PATH_MAX], state_old[PATH_MAX];
	struct t_result r;
	int64_t l1, l2, lswap, n_old;
	int rc;

	if ((rc = sync_test_begin("audit")) != 0)
		return rc;
	test_tree();
	snprintf(ledger_url, sizeof ledger_url, "https://127.0.0.1:%d", ledger_port);
	get_vkey();
	make_terminal("t1", "intake");
	make_terminal("t2", "intake");
	register_person("t1", "张三", "11010519800101001", "B0001", visit);
	add_notes("t2", 5);
	sync_once_cli("t1", "t1 syncs");
	sync_once_cli("t2", "t2 syncs");
	enrol_auditor(1);

	r = check(ledger_url, path("audit.state"));
	ok(r.status == 0 && t_has(r.out, "every check passed") && t_has(r.out, "no state file"),
	    "a clean log passes a first check (exit 0)");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	/* an old copy of the ledger, for the restore below, and the state that goes with it */
	ledger_stop(SIGTERM);
	snprintf(old, sizeof old, "%s", path("old"));
	copy_ledger(dir, old);
	sh("cp '%s' '%s'", path("audit.state"), path("state.old"));
	snprintf(state_old, sizeof state_old, "%s", path("state.old"));
	ledger_start(ledger_port);
	n_old = ledger_int(path("old/ledger.db"), "SELECT COUNT(*) FROM tlog_leaves");

	/* past one tile: several entry bundles and a tile of level 1 */
	add_notes("t1", 4);
	add_notes("t2", 300);
	sync_once_cli("t1", "t1 syncs again");
	sync_once_cli("t2", "t2 syncs again");
	r = check(ledger_url, path("audit.state"));
	ok(r.status == 0 && t_has(r.out, "every check passed") && t_has(r.out, " consistent ("),
	    "the grown log passes, consistent with last time");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	r = audit_run_cmd("check", "--ledger", ledger_url, "--ca", path("ca.pem"), "--vkey", vkey,
	    "--state", path("nokey.state"), (char *)NULL);
	ok(r.status == 0 && t_has(r.out, "events: not checked"),
	    "without --key the log alone is checked");
	t_result_free(&r);
	r = audit_run_cmd("check", "--ledger", ledger_url, "--ca", path("ca.pem"), "--vkey", vkey,
	    "--state", path("small.state"), "--max-leaves", "3", (char *)NULL);
	ok(r.status == 1 && t_has(r.out, "more than this auditor takes"),
	    "a tree above --max-leaves is a finding, not a crash");
	t_result_free(&r);

	test_proofs(visit);
	test_chain_proofs();
	test_cosign();

	/* the clean ledger, kept: each attack edits a copy of it */
	ledger_stop(SIGTERM);
	snprintf(clean, sizeof clean, "%s", path("clean"));
	copy_ledger(dir, clean);
	l1 = leaf_of(path("clean/ledger.db"), "t2", 3);
	l2 = leaf_of(path("clean/ledger.db"), "t1", 5);
	ok(l1 > 0 && l2 > 0, "the leaves of the events attacked");

	snprintf(work, sizeof work, "%s", path("del"));
	copy_ledger(clean, work);
	sql_exec(path("del/ledger.db"), "DROP TRIGGER events_no_delete; "
	    "DELETE FROM events WHERE terminal = 't2' AND seq = 3");
	serve(work);
	expect_caught(ledger_url, path("audit.state"), l1, "an event deleted: caught at its leaf");
	ledger_stop(SIGTERM);

	/* two events of different terminals next to each other change places */
	lswap = ledger_int(path("clean/ledger.db"), "SELECT MIN(a.leaf) FROM tlog_leaves a "
	    "JOIN events ea ON ea.cursor = a.cursor JOIN tlog_leaves b ON b.leaf = a.leaf + 1 "
	    "JOIN events eb ON eb.cursor = b.cursor WHERE ea.terminal <> eb.terminal");
	snprintf(work, sizeof work, "%s", path("swap"));
	copy_ledger(clean, work);
	{
		char sql[1024];
		int64_t ca, cb;

		snprintf(sql, sizeof sql, "SELECT cursor FROM tlog_leaves WHERE leaf = %lld",
		    (long long)lswap);
		ca = ledger_int(path("clean/ledger.db"), sql);
		snprintf(sql, sizeof sql, "SELECT cursor FROM tlog_leaves WHERE leaf = %lld",
		    (long long)lswap + 1);
		cb = ledger_int(path("clean/ledger.db"), sql);
		snprintf(sql, sizeof sql, "DROP TRIGGER events_no_update; "
		    "UPDATE events SET cursor = -1 WHERE cursor = %lld; "
		    "UPDATE events SET cursor = %lld WHERE cursor = %lld; "
		    "UPDATE events SET cursor = %lld WHERE cursor = -1",
		    (long long)ca, (long long)ca, (long long)cb, (long long)cb);
		sql_exec(path("swap/ledger.db"), sql);
	}
	serve(work);
	expect_caught(ledger_url, path("audit.state"), lswap,
	    "two events swapped: caught at the first");
	ledger_stop(SIGTERM);

	snprintf(work, sizeof work, "%s", path("repl"));
	copy_ledger(clean, work);
	replace_event(path("repl/ledger.db"), "t2", 3);
	serve(work);
	expect_caught(ledger_url, path("audit.state"), l1,
	    "an event replaced by another, signed: caught at its leaf");
	ledger_stop(SIGTERM);

	snprintf(work, sizeof work, "%s", path("rebuilt"));
	copy_ledger(clean, work);
	replace_event(path("rebuilt/ledger.db"), "t1", 5);
	rebuild_log(work);
	serve(work);
	r = check(ledger_url, path("audit.state"));
	{
		char want[96];

		snprintf(want, sizeof want, "inconsistent: first differing leaf %lld", (long long)l2);
		ok(r.status == 1 && t_has(r.out, want),
		    "the log rebuilt and re-signed to match an edited event: inconsistent with the "
		    "state file, the first differing leaf named");
		if (r.status != 1 || !t_has(r.out, want))
			fprintf(stderr, "%s%s", r.out, r.err);
	}
	t_result_free(&r);
	ledger_stop(SIGTERM);

	serve(old);
	r = check(ledger_url, path("audit.state"));
	{
		char want[96];

		snprintf(want, sizeof want, "first bad leaf %lld\n", (long long)n_old);
		ok(r.status == 1 && t_has(r.out, "smaller") && t_has(r.out, want),
		    "a ledger restored from an old copy: a smaller tree, the first leaf lost named");
		if (r.status != 1)
			fprintf(stderr, "%s%s", r.out, r.err);
	}
	t_result_free(&r);
	r = check(ledger_url, state_old);
	ok(r.status == 0, "the old copy is itself consistent with the state of its time");
	t_result_free(&r);
	ledger_stop(SIGTERM);

	/* another history under the same key: a new database beside a copy of the key */
	snprintf(work, sizeof work, "%s", path("split"));
	sh("rm -rf '%s' && mkdir -p '%s' && cp -a '%s/ledger.key' '%s/'", work, work, clean, work);
	serve(work);
	enrol_auditor(0);
	make_terminal("t9", "intake");
	add_notes("t9", 30);
	sync_once_cli("t9", "t9 syncs with the other ledger");
	expect_caught(ledger_url, path("audit.state"), 0,
	    "a ledger with another history under the same key: caught at leaf 0");
	ledger_stop(SIGTERM);

	/* the state file stays as the last good check left it */
	serve(clean);
	r = check(ledger_url, path("audit.state"));
	ok(r.status == 0, "after the attacks the real ledger still checks against the state");
	t_result_free(&r);
	sh("printf 'custody-audit-state 1\\nnote 3\\nabc' > '%s'", path("bad.state"));
	r = check(ledger_url, path("bad.state"));
	ok(r.status == 2, "a damaged state file: cannot check (exit 2)");
	t_result_free(&r);
	ledger_stop(SIGTERM);
	r = check(ledger_url, path("audit.state"));
	ok(r.status == 2, "the ledger out of reach: cannot check (exit 2)");
	t_result_free(&r);
	test_postgresql();
	return sync_test_end("test-audit");
}

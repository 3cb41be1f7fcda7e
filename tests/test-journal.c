/* The journal library: append, triggers, foreign events, schema versions, disk full, locks. */
#include <sqlite3.h>
#include <sys/resource.h>

#include "hex.h"
#include "journal.h"
#include "t.h"
#include "terminal.h"
#include "util.h"

static struct terminal *
make_terminal(const char *dir, const char *name)
{
	struct terminal *t = NULL;
	struct errmsg em;

	err_clear(&em);
	if (terminal_create(dir, name, "intake", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "make_terminal: %s\n", em.text);
		exit(99);
	}
	return t;
}

static int
append_n(struct terminal *t, int n, const char *kind, const char *subject)
{
	char body[128];
	int i, status = CST_OK;

	for (i = 0; i < n && status == CST_OK; i++) {
		/* a person.registered names the number (src/evcheck.c); others ignore it */
		snprintf(body, sizeof body, "{\"i\":%d,\"note\":\"第%d次\",\"id_number\":"
		    "\"11010119900307803X\"}", i, i);
		status = journal_append(t->journal, "clerk-1", kind, subject, body, strlen(body),
		    NULL, NULL);
	}
	return status;
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		exit(99);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void
test_append_and_verify(const char *dir)
{
	struct terminal *t = make_terminal(dir, "a1");
	unsigned char hash[CRY_HASH_BYTES];
	struct journal_stats st;
	struct event ev;
	int64_t seq;
	struct errmsg em;

	ok(append_n(t, 10, "person.registered", "v-1") == CST_OK, "ten appends");
	ok(journal_head(t->journal, "a1", &seq, hash, NULL) == CST_OK && seq == 11,
	    "head is seq 11 after terminal.created and ten events");
	memset(&ev, 0, sizeof ev);
	ok(journal_append(t->journal, "clerk-1", "note.added", "v-1", "{}", 2, &ev, NULL) ==
	    CST_OK && ev.seq == 12 && memcmp(ev.prev, hash, sizeof hash) == 0,
	    "the appended event links to the previous head");
	event_clear(&ev);
	err_clear(&em);
	ok(journal_append(t->journal, "clerk-1", "note.added", "v-1", "{\"a\":", 5, NULL, &em) ==
	    CST_ERR_INPUT && t_has(em.text, "body"), "invalid JSON body refused, naming the body");
	ok(journal_append(t->journal, "clerk 1", "note.added", "v-1", "{}", 2, NULL, NULL) ==
	    CST_ERR_INPUT, "operator with a space refused");
	ok(journal_append(t->journal, "clerk-1", "note.added", "v-1", "{}", 2, NULL, NULL) ==
	    CST_OK, "a refused event does not stop the journal");
	memset(&st, 0, sizeof st);
	ok(journal_verify(t->journal, "a1", t->pk, NULL, NULL, &st, NULL) == CST_OK &&
	    st.events == 13 && st.terminals == 1, "verify: 13 events, 1 terminal");
	terminal_close(t);
}

static void
test_triggers(const char *dir)
{
	char path[PATH_MAX];
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/custody.db", dir);
	db = raw_open(path);
	ok(sqlite3_exec(db, "UPDATE events SET ts = ts + 1 WHERE seq = 2", NULL, NULL, NULL) !=
	    SQLITE_OK && t_has(sqlite3_errmsg(db), "never updated"), "UPDATE is refused");
	ok(sqlite3_exec(db, "DELETE FROM events WHERE seq = 2", NULL, NULL, NULL) != SQLITE_OK &&
	    t_has(sqlite3_errmsg(db), "never deleted"), "DELETE is refused");
	sqlite3_close(db);
}

struct collect {
	struct event ev[64];
	int n;
};

static int
collect_one(const struct event *ev, void *arg)
{
	struct collect *c = arg;

	if (c->n >= 64)
		return 1;
	c->ev[c->n] = *ev;
	c->ev[c->n].body = NULL;
	event_set_body(&c->ev[c->n], ev->body, ev->body_len);
	c->n++;
	return 0;
}

static void
collect_free(struct collect *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		event_clear(&c->ev[i]);
	c->n = 0;
}

static void
test_foreign(const char *dir_a, const char *dir_b)
{
	struct terminal *a, *b;
	struct journal_filter f = { "b1", NULL, NULL, 0 };
	struct journal_stats st;
	struct collect c = { .n = 0 };
	struct event forged;
	struct errmsg em;
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], seed[CRY_SEED_BYTES];
	int i, stored, all = 1;

	b = make_terminal(dir_b, "b1");
	append_n(b, 5, "item.stored", "item-9");
	journal_each(b->journal, &f, collect_one, &c, NULL);
	ok(c.n == 6, "terminal b has six events");
	terminal_close(b);
	if (terminal_open(dir_a, TERMINAL_SIGN, &a, NULL) != CST_OK)
		exit(99);

	ok(journal_store_foreign(a->journal, &c.ev[1], &stored, NULL) == CST_ERR_VERIFY,
	    "seq 2 before seq 1 is a gap");
	for (i = 0; i < 3; i++)
		all &= journal_store_foreign(a->journal, &c.ev[i], &stored, NULL) == CST_OK && stored;
	ok(all, "the first three events of b are stored in a's journal");
	ok(journal_store_foreign(a->journal, &c.ev[2], &stored, NULL) == CST_OK && !stored,
	    "an exact duplicate is accepted and not stored again");

	memset(&forged, 0, sizeof forged);
	forged = c.ev[3];
	forged.body = NULL;
	event_set_body(&forged, "{\"i\":99}", 8);
	cry_keypair_new(seed, pk, sk);
	event_seal(&forged, sk);
	err_clear(&em);
	ok(journal_store_foreign(a->journal, &forged, &stored, &em) == CST_ERR_VERIFY &&
	    t_has(em.text, "signature"), "an event signed by another key is refused");
	forged.sig[0] ^= 1;
	c.ev[3].sig[0] ^= 1;
	ok(journal_store_foreign(a->journal, &c.ev[3], &stored, NULL) == CST_ERR_VERIFY,
	    "a flipped signature bit is refused");
	c.ev[3].sig[0] ^= 1;
	ok(journal_store_foreign(a->journal, &c.ev[4], &stored, NULL) == CST_ERR_VERIFY,
	    "skipping seq 4 is refused");
	for (i = 3; i < 6; i++)
		all &= journal_store_foreign(a->journal, &c.ev[i], &stored, NULL) == CST_OK;
	ok(all, "the rest of b's chain is stored");
	err_clear(&em);
	ok(journal_store_foreign(a->journal, &forged, &stored, &em) == CST_ERR_VERIFY &&
	    t_has(em.text, "fork"), "another event at a held seq is a fork");
	memset(&st, 0, sizeof st);
	ok(journal_verify(a->journal, "a1", a->pk, NULL, NULL, &st, NULL) == CST_OK &&
	    st.terminals == 2 && st.events == 19, "both chains verify in a's journal");
	ok(journal_terminal_key(a->journal, "b1", pk, NULL) == CST_OK, "b's key is known to a");
	event_clear(&forged);
	collect_free(&c);
	terminal_close(a);
}

static void
test_filters(const char *dir)
{
	struct journal_filter f;
	struct collect c = { .n = 0 };
	struct terminal *t;

	if (terminal_open(dir, TERMINAL_RDONLY, &t, NULL) != CST_OK)
		exit(99);
	memset(&f, 0, sizeof f);
	f.kind = "person.registered";
	journal_each(t->journal, &f, collect_one, &c, NULL);
	ok(c.n == 10, "kind filter: ten person.registered");
	collect_free(&c);
	f.kind = "terminal.*";
	journal_each(t->journal, &f, collect_one, &c, NULL);
	ok(c.n == 2, "kind prefix filter: two terminal.created (a1 and b1)");
	collect_free(&c);
	f.kind = NULL;
	f.subject = "item-9";
	journal_each(t->journal, &f, collect_one, &c, NULL);
	ok(c.n == 5, "subject filter: five item events");
	collect_free(&c);
	f.subject = NULL;
	f.since_ms = INT64_MAX / 2;
	journal_each(t->journal, &f, collect_one, &c, NULL);
	ok(c.n == 0, "since in the far future: nothing");
	collect_free(&c);
	terminal_close(t);
}

static void
dump_terminals(const char *path, char *out, size_t size)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st;
	size_t len = 0;

	out[0] = '\0';
	sqlite3_prepare_v2(db, "SELECT terminal, hex(public_key), room, created_ts FROM terminals "
	    "ORDER BY terminal", -1, &st, NULL);
	while (sqlite3_step(st) == SQLITE_ROW && len < size)
		len += (size_t)snprintf(out + len, size - len, "%s|%s|%s|%lld\n",
		    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
		    sqlite3_column_text(st, 2), (long long)sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_rebuild(const char *dir)
{
	char path[PATH_MAX], before[4096], after[4096];
	struct terminal *t;
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/custody.db", dir);
	dump_terminals(path, before, sizeof before);
	db = raw_open(path);
	sqlite3_exec(db, "UPDATE terminals SET room = 'tampered'", NULL, NULL, NULL);
	sqlite3_close(db);
	dump_terminals(path, after, sizeof after);
	ok(strcmp(before, after) != 0, "projection changed behind the journal's back");
	if (terminal_open(dir, TERMINAL_WRITABLE, &t, NULL) != CST_OK)
		exit(99);
	ok(journal_rebuild(t->journal, NULL) == CST_OK, "rebuild succeeds");
	terminal_close(t);
	dump_terminals(path, after, sizeof after);
	ok(strcmp(before, after) == 0 && t_has(after, "b1|"), "rebuild gives the same tables");
}

static void
test_schema_guards(const char *base)
{
	char path[PATH_MAX];
	struct journal *j;
	struct errmsg em;
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/newer.db", base);
	if (journal_open(path, JOURNAL_CREATE, &j, NULL) != CST_OK)
		exit(99);
	journal_close(j);
	db = raw_open(path);
	sqlite3_exec(db, "INSERT INTO schema_version VALUES (99, 'future', 0)", NULL, NULL, NULL);
	sqlite3_close(db);
	err_clear(&em);
	ok(journal_open(path, 0, &j, &em) == CST_ERR_VERSION && t_has(em.text, "newer"),
	    "a journal from a newer version is refused");

	snprintf(path, sizeof path, "%s/other.db", base);
	db = raw_open(path);
	sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL);
	sqlite3_close(db);
	err_clear(&em);
	ok(journal_open(path, 0, &j, &em) == CST_ERR_CORRUPT && t_has(em.text, "another program"),
	    "another program's SQLite file is refused");

	snprintf(path, sizeof path, "%s/garbage.db", base);
	{
		static const char junk[] = "this is not a database, not at all, no no no no no no "
		    "no no no no no no no no no no no no no no no no no no no no no no no no";

		t_write_file(path, junk, sizeof junk - 1, 0600);
	}
	err_clear(&em);
	ok(journal_open(path, 0, &j, &em) == CST_ERR_CORRUPT && t_has(em.text, "not a database"),
	    "a garbage file is refused as damaged");
}

/* Locks: another writer holds the database; the append says so and nothing stops. */
static void
test_locked(const char *dir)
{
	char path[PATH_MAX];
	struct terminal *t;
	struct errmsg em;
	sqlite3 *db;

	snprintf(path, sizeof path, "%s/custody.db", dir);
	db = raw_open(path);
	sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL);
	if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		exit(99);
	err_clear(&em);
	ok(journal_append(t->journal, "clerk-1", "note.added", "v-1", "{}", 2, NULL, &em) ==
	    CST_ERR_BUSY && t_has(em.text, "locked"), "append while locked: busy, says locked");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	ok(journal_append(t->journal, "clerk-1", "note.added", "v-1", "{}", 2, NULL, NULL) ==
	    CST_OK, "append works once the lock is gone");
	terminal_close(t);
}

/*
 * Disk full: a child appends under a small RLIMIT_FSIZE until a write fails; the journal must
 * say why, stop, and keep every event committed before.
 */
static void
test_disk_full(const char *base)
{
	char *dir = t_tmpdir("full");
	struct terminal *t = make_terminal(dir, "f1");
	int64_t committed = 0, seq;
	unsigned char hash[CRY_HASH_BYTES];
	char report[ERRMSG_MAX + 64];
	int fds[2], ws;
	pid_t pid;

	(void)base;
	terminal_close(t);
	if (pipe(fds) != 0)
		exit(99);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 256 * 1024, 256 * 1024 };
		static char body[8192];
		struct errmsg em;
		int status, after;

		close(fds[0]);
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
			_exit(2);
		memset(body, 'x', sizeof body);
		memcpy(body, "{\"pad\":\"", 8);
		memcpy(body + sizeof body - 2, "\"}", 2);
		do {
			err_clear(&em);
			status = journal_append(t->journal, "clerk-1", "note.added", "v", body,
			    sizeof body, NULL, &em);
			if (status == CST_OK)
				committed++;
		} while (status == CST_OK && committed < 10000);
		after = journal_append(t->journal, "clerk-1", "note.added", "v", "{}", 2, NULL,
		    NULL);
		dprintf(fds[1], "%lld %d %d %s", (long long)committed + 1, status, after, em.text);
		_exit(0);
	}
	close(fds[1]);
	memset(report, 0, sizeof report);
	if (read(fds[0], report, sizeof report - 1) < 0)
		report[0] = '\0';
	close(fds[0]);
	waitpid(pid, &ws, 0);
	{
		long long last = 0;
		int status = 0, after = 0, n = 0;

		sscanf(report, "%lld %d %d %n", &last, &status, &after, &n);
		ok(status == CST_ERR_IO || status == CST_ERR_FULL, "the failing append reports I/O "
		    "or disk full");
		fprintf(stderr, "disk-full report: %s\n", report);
		ok(n > 0 && (t_has(report + n, "too large") || t_has(report + n, "full")),
		    "the message names the cause");
		ok(after == CST_ERR_STOPPED, "after a failed write the journal stops");
		committed = last;
	}
	if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		exit(99);
	ok(journal_head(t->journal, "f1", &seq, hash, NULL) == CST_OK && seq == committed &&
	    committed > 2, "every committed event is there after the failure");
	{
		struct journal_stop stop;

		ok(journal_stop_get(t->journal, &stop, NULL) == CST_OK && stop.ts > 0 &&
		    strcmp(stop.kind, "note.added") == 0 && strcmp(stop.operator_, "clerk-1") == 0 &&
		    stop.reason[0] != '\0', "the stop outlives the program: when, why, which append");
		ok(journal_stop_clear(t->journal, NULL) == CST_OK &&
		    journal_stop_get(t->journal, &stop, NULL) == CST_ERR_NOTFOUND,
		    "and is forgotten once seen");
	}
	ok(journal_verify(t->journal, "f1", t->pk, NULL, NULL, NULL, NULL) == CST_OK,
	    "the journal still verifies");
	ok(journal_append(t->journal, "clerk-1", "note.added", "v", "{}", 2, NULL, NULL) == CST_OK,
	    "reopened with space again, appends work");
	terminal_close(t);
	t_rmrf(dir);
	free(dir);
}

static int
count_actions(const char *path)
{
	sqlite3 *db = raw_open(path);
	sqlite3_stmt *st;
	int n = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM actions", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* An action id is recorded at most once (issue 13 §6): the API, the projection, a rebuild. */
static void
test_action_ids(const char *base)
{
	static const char act[] = "0b7f4a52-1c2d-4e3f-9a8b-7c6d5e4f3a2b";
	static const char body[] = "{\"action_id\":\"0b7f4a52-1c2d-4e3f-9a8b-7c6d5e4f3a2b\",\"n\":1}";
	char dir[PATH_MAX], path[PATH_MAX];
	struct terminal *t;
	struct event ev, again;
	struct journal_stop stop;
	struct errmsg em;
	int already = -1, found = 0;
	int64_t seq;
	unsigned char hash[CRY_HASH_BYTES];

	snprintf(dir, sizeof dir, "%s/act", base);
	snprintf(path, sizeof path, "%s/custody.db", dir);
	t = make_terminal(dir, "x1");
	memset(&ev, 0, sizeof ev);
	memset(&again, 0, sizeof again);
	ok(journal_append_action(t->journal, act, "c1", "note.added", "v-1", body,
	    strlen(body), &ev, &already, NULL) == CST_OK && already == 0 && ev.seq == 2,
	    "an action's first append is recorded (seq 2)");
	ok(journal_append_action(t->journal, act, "c1", "note.added", "v-1", body,
	    strlen(body), &again, &already, NULL) == CST_OK && already == 1 &&
	    again.seq == ev.seq && memcmp(again.hash, ev.hash, CRY_HASH_BYTES) == 0,
	    "the same action id again: already recorded, answered with the first event");
	ok(journal_head(t->journal, "x1", &seq, hash, NULL) == CST_OK && seq == 2,
	    "nothing was appended the second time");
	event_clear(&again);
	ok(journal_action_event(t->journal, NULL, act, &again, &found, NULL) == CST_OK && found &&
	    again.seq == 2, "the event of an action id is found");
	event_clear(&again);
	err_clear(&em);
	ok(journal_append_action(t->journal, "1b7f4a52-1c2d-4e3f-9a8b-7c6d5e4f3a2b", "c1",
	    "note.added", "v-1", body, strlen(body), NULL, NULL, &em) == CST_ERR_ARG &&
	    !journal_stopped(t->journal), "a body that does not carry its action id is refused; "
	    "the journal goes on");
	ok(journal_append_action(t->journal, "not an id", "c1", "note.added", "v-1", "{}", 2,
	    NULL, NULL, NULL) == CST_ERR_INPUT, "an action id that is not an id is refused");
	ok(journal_head(t->journal, "x1", &seq, hash, NULL) == CST_OK && seq == 2,
	    "neither refusal appended anything");
	ok(journal_last_of(t->journal, "x1", "c1", &again, &found, NULL) == CST_OK && found &&
	    again.seq == 2, "the operator's last recorded event");
	event_clear(&again);
	ok(journal_rebuild(t->journal, NULL) == CST_OK && count_actions(path) == 1,
	    "custody rebuild recomputes the actions table from the bodies");
	ok(journal_append_action(t->journal, act, "c1", "note.added", "v-1", body,
	    strlen(body), NULL, &already, NULL) == CST_OK && already == 1,
	    "after the rebuild the action is still known");
	ok(journal_reopen(t->journal, NULL) == CST_OK && journal_append_action(t->journal, act,
	    "c1", "note.added", "v-1", body, strlen(body), NULL, &already, NULL) == CST_OK &&
	    already == 1, "and after the journal is reopened");
	ok(journal_stop_get(t->journal, &stop, &em) == CST_ERR_NOTFOUND,
	    "a journal that never stopped has no stop record");
	event_clear(&ev);
	terminal_close(t);
}

int
main(void)
{
	char *base = t_tmpdir("journal");
	char dir_a[PATH_MAX], dir_b[PATH_MAX];

	cry_init();
	snprintf(dir_a, sizeof dir_a, "%s/a", base);
	snprintf(dir_b, sizeof dir_b, "%s/b", base);
	test_append_and_verify(dir_a);
	test_triggers(dir_a);
	test_foreign(dir_a, dir_b);
	test_filters(dir_a);
	test_rebuild(dir_a);
	test_schema_guards(base);
	test_locked(dir_a);
	test_disk_full(base);
	test_action_ids(base);
	t_rmrf(base);
	free(base);
	return t_done();
}

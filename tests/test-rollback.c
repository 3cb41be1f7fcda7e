/*
 * Nothing lost, nothing hidden (issue 13 §1, §2, §4): a terminal restored from an old copy of
 * its data directory, a push refused by the ledger, a terminal whose disk died rebuilt from
 * the ledger and its key, and a terminal whose clock is hours off, each against a real
 * custody-ledger over real TLS with the real custody binary.
 */
#include <sqlite3.h>
#include <sys/stat.h>

#include "alert.h"
#include "loop.h"
#include "sync.h"
#include "visit.h"

#include "sync-util.h"

static char ledger_url[64];

static void
cp_dir(const char *from, const char *to)
{
	sh("rm -rf '%s' && cp -a '%s' '%s'", to, from, to);
}

/*
 * The restore of issue 13 §1 and §2: a backup of t1 taken at seq N, t1 goes on and syncs,
 * the backup is put back, a clerk registers a person on it. Before: sync --once said all was
 * well and the person never reached the ledger. Now the journal is healed from the ledger
 * and the registration made on the restored copy is recorded again on top of it.
 */
static void
test_restored_copy(void)
{
	char visit_before[64], visit_lost[64], visit_after[64], sql[512];
	struct terminal *t;
	struct t_result r;
	struct visit v;
	struct errmsg em;
	int64_t backup_head, ledger_head, healed_head;

	make_terminal("r1", "intake");
	register_person("r1", "王一", "11010519800101001", "C0001", visit_before);
	sync_once_cli("r1", "r1: first sync");
	cp_dir(path("r1"), path("r1-backup"));
	backup_head = head_of("r1");
	register_person("r1", "李二", "11010519800101005", "C0002", visit_lost);
	sync_once_cli("r1", "r1: the events after the backup reach the ledger");
	ledger_head = head_of("r1");
	ok(ledger_holds_exactly("r1", ledger_head), "the ledger holds r1 up to its head");

	/* The disk is replaced by the backup; the clerk goes on at once. */
	cp_dir(path("r1-backup"), path("r1"));
	register_person("r1", "赵三", "11010519800101003", "C0003", visit_after);
	ok(head_of("r1") > backup_head, "the restored copy took a new registration");

	r = t_custody("verify", "--data", path("r1"));
	ok(r.status == 0 && t_has(r.out, "cannot see a journal restored from an old copy"),
	    "verify without the ledger says it cannot see a rollback on its own");
	t_result_free(&r);
	r = t_custody("verify", "--data", path("r1"), "--ledger");
	ok(r.status == 1 && t_has(r.out, "rolled back"),
	    "verify --ledger finds the rollback (exit 1)");
	if (r.status != 1)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);

	r = t_custody("sync", "--data", path("r1"), "--once");
	ok(r.status == 0 && t_has(r.out, "behind the ledger"), "sync --once heals and says so");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	healed_head = head_of("r1");
	ok(healed_head > ledger_head, "the healed chain goes past the ledger's head");
	ok(ledger_holds_exactly("r1", healed_head), "the ledger holds the whole healed chain once");
	r = t_custody("verify", "--data", path("r1"), "--ledger");
	ok(r.status == 0, "verify --ledger passes after the heal");
	t_result_free(&r);
	r = t_custody("sync", "--data", path("r1"), "--status");
	ok(r.status == 0 && t_has(r.out, "unsent: 0"), "sync --status: nothing unsent");
	t_result_free(&r);

	t = open_terminal("r1", TERMINAL_RDONLY);
	err_clear(&em);
	ok(visit_get(t->journal, visit_lost, &v, &em) == CST_OK && strcmp(v.name, "李二") == 0,
	    "the registration the restore had lost came back from the ledger");
	ok(visit_get(t->journal, visit_after, &v, &em) == CST_OK && strcmp(v.name, "赵三") == 0,
	    "the registration made on the restored copy is kept");
	ok(visit_get(t->journal, visit_before, &v, &em) == CST_OK, "the older one is there");
	terminal_close(t);
	ok(sql_int("r1", "SELECT count(*) FROM forked") >= 1, "the forked tail is kept verbatim");
	ok(sql_int("r1", "SELECT count(*) FROM forked WHERE rerecorded_seq IS NULL") == 0,
	    "every forked event was recorded again");
	snprintf(sql, sizeof sql, "SELECT count(*) FROM forked f JOIN events r ON r.terminal = "
	    "'r1' AND r.seq = f.rerecorded_seq AND r.body = f.body AND r.kind = f.kind AND "
	    "r.ts = f.ts JOIN events n ON n.kind = 'journal.forked' AND "
	    "json_extract(n.body, '$.hash') = lower(hex(f.hash)) AND "
	    "json_extract(n.body, '$.seq') = f.seq AND "
	    "json_extract(n.body, '$.rerecorded_as') = f.rerecorded_seq");
	ok(sql_int("r1", sql) == sql_int("r1", "SELECT count(*) FROM forked"),
	    "each forked event is recorded again verbatim, and journal.forked names the original's "
	    "seq and hash and the new seq");
	ok(sql_int("r1", "SELECT count(*) FROM events WHERE kind = 'journal.healed'") == 1,
	    "the heal is a journal.healed event");
	ok(alert_open_about("r1", SYNC_RULE_ROLLBACK) == ALERT_RED,
	    "a red alert on the board says the journal was rolled back");
	r = t_custody("rebuild", "--data", path("r1"));
	ok(r.status == 0, "custody rebuild after the heal");
	t_result_free(&r);
	t = open_terminal("r1", TERMINAL_RDONLY);
	ok(visit_get(t->journal, visit_after, &v, &em) == CST_OK,
	    "the rebuilt projections hold the re-recorded registration");
	terminal_close(t);
	r = t_custody("verify", "--data", path("r1"));
	ok(r.status == 0, "custody verify checks the forked events too, and they hold");
	t_result_free(&r);
	cp_dir(path("r1"), path("r1-tampered"));
	snprintf(sql, sizeof sql, "sqlite3 '%s/custody.db' \"DROP TRIGGER forked_no_update; "
	    "UPDATE forked SET body = CAST('{}' AS BLOB)\"", path("r1-tampered"));
	sh("%s", sql);
	r = t_custody("verify", "--data", path("r1-tampered"));
	ok(r.status == 1 && t_has(r.out, "forked") && t_has(r.out, "altered"),
	    "a forked event edited by hand is found by custody verify");
	t_result_free(&r);
}

/*
 * While a heal runs, appends wait (§2, "stops appending"): a clerk's registration is refused
 * with a message that says why and nothing is written; saved again with the same action id
 * once the heal is over, it is recorded once.
 */
static void
test_hold(void)
{
	static const char action[] = "5b1f6c2e-9a3d-4e7f-8b2c-1d0e9f8a7b6c";
	struct terminal *t;
	struct registration reg;
	struct intake_error e;
	struct intake in;
	char visit[64], id[19];
	int64_t before;

	make_terminal("r6", "intake");
	before = head_of("r6");
	t = open_terminal("r6", TERMINAL_SIGN);
	memset(&in, 0, sizeof in);
	in.j = t->journal;
	in.action = action;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	make_id("11010519800101009", id);
	fill_registration(&reg, "吴十", id, "C0006");
	journal_hold(t->journal, "the journal is being healed from the ledger: try again in a "
	    "moment");
	memset(&e, 0, sizeof e);
	ok(intake_register(&in, &reg, visit, &e) == CST_ERR_BUSY && t_has(e.em.text, "healed"),
	    "during a heal a registration is refused, and told why");
	journal_hold(t->journal, NULL);
	memset(&e, 0, sizeof e);
	ok(intake_register(&in, &reg, visit, &e) == CST_OK && !e.already,
	    "after the heal the same form saved again is recorded");
	memset(&e, 0, sizeof e);
	ok(intake_register(&in, &reg, visit, &e) == CST_OK && e.already,
	    "and once only");
	terminal_close(t);
	ok(head_of("r6") == before + 1, "one event in all");
}

/* The engine of terminal name in this process, on its own loop, through url. */
struct engine {
	struct terminal *t;
	struct loop *l;
	struct sync *s;
};

static void
engine_start(struct engine *e, const char *name, const char *url, enum sync_mode mode)
{
	unsigned char sk[CRY_SK_BYTES];
	struct sync_conf cf;
	struct errmsg em;

	err_clear(&em);
	e->t = open_for_sync(name, &cf, sk);
	e->l = loop_new();
	snprintf(cf.url, sizeof cf.url, "%s", url);
	if (sync_new(e->l, e->t->journal, e->t->name, sk, &cf, mode, &e->s, &em) != CST_OK)
		die(em.text);
}

static void
engine_stop(struct engine *e)
{
	sync_free(e->s);
	loop_free(e->l);
	terminal_close(e->t);
}

/*
 * A push refused by the ledger (§1): a cloned disk (t2 and its copy t2c push as one terminal).
 * t2c asks for its head, and while its push is held on the way, t2 pushes another event at
 * the same seq. The ledger refuses t2c's push as a fork. Before, the refusal's acked was taken
 * as progress and nobody was told.
 */
static void
test_refused_push(void)
{
	char proxy_url[64], msg[ERRMSG_MAX];
	struct sync_status st;
	struct engine e;
	struct t_result r;
	struct errmsg em;
	int64_t acked_before, i;

	make_terminal("t2", "search");
	sync_once_cli("t2", "t2: first sync");
	cp_dir(path("t2"), path("t2c"));
	{
		struct terminal *t = open_terminal("t2c", TERMINAL_SIGN);

		append_notes(t, 2);
		terminal_close(t);
		t = open_terminal("t2", TERMINAL_SIGN);
		append_notes(t, 1);
		terminal_close(t);
	}
	snprintf(proxy_url, sizeof proxy_url, "https://127.0.0.1:%d", proxy_port);
	ctl->mode = FP_HOLD;
	ctl->release = 0;
	ctl->skip = 1;		/* the head passes; the push is held */
	ctl->left = 1;
	engine_start(&e, "t2c", proxy_url, SYNC_ONCE);
	sync_get_status(e.s, &st);
	acked_before = st.acked;
	for (i = 0; i < 1000 && ctl->held == 0 && !sync_done(e.s); i++)
		loop_run_once(e.l, 20);
	ok(ctl->held == 1, "t2c's push is held on its way to the ledger");
	sync_once_cli("t2", "meanwhile t2 pushes its own event at that seq");
	ctl->release = 1;
	for (i = 0; i < 1000 && !sync_done(e.s); i++)
		loop_run_once(e.l, 20);
	err_clear(&em);
	ok(sync_done(e.s) && sync_result(e.s, &em) == CST_ERR_VERIFY && t_has(em.text, "fork"),
	    "the refused push ends the pass with the ledger's reason");
	sync_get_status(e.s, &st);
	ok(st.acked == acked_before, "a refusal does not move the acknowledged seq");
	ok(t_has(st.refusal, "fork"), "the status says the push was refused, and why");
	snprintf(msg, sizeof msg, "%s", st.refusal);
	engine_stop(&e);
	ctl->left = 0;
	ctl->skip = 0;
	ctl->mode = FP_PASS;

	ok(sql_int("t2c", "SELECT count(*) FROM events WHERE kind = 'sync.refused'") == 1,
	    "the refusal is a sync.refused event in the journal");
	ok(alert_open_about("t2c", SYNC_RULE_REFUSED) == ALERT_RED,
	    "and a red alert on the board");
	r = t_custody("sync", "--data", path("t2c"), "--status");
	ok(r.status == 1 && t_has(r.out, "REFUSED") && t_has(r.out, "fork"),
	    "sync --status exits 1 and says the push was refused");
	t_result_free(&r);

	/* The next pass sees that the ledger holds another event at t2c's seq: it heals. */
	r = t_custody("sync", "--data", path("t2c"), "--once");
	ok(r.status == 0 && t_has(r.out, "behind the ledger"), "the next pass heals the clone");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	r = t_custody("sync", "--data", path("t2c"), "--status");
	ok(r.status == 0 && !t_has(r.out, "REFUSED") && t_has(r.out, "unsent: 0"),
	    "after the heal nothing is refused or unsent");
	t_result_free(&r);
	ok(alert_open_about("t2c", SYNC_RULE_REFUSED) == 0, "the refusal's alert is cleared");
	ok(ledger_holds_exactly("t2", head_of("t2c")), "the ledger holds the healed chain once");
}

/* A terminal whose disk died, rebuilt from the ledger and a copy of its key (§2). */
static void
test_restore_command(void)
{
	char visit[64], key[PATH_MAX];
	struct terminal *t;
	struct t_result r;
	struct visit v;
	struct errmsg em;
	int64_t head;

	make_terminal("r3", "exit");
	register_person("r3", "钱四", "11010519800101007", "C0004", visit);
	sync_once_cli("r3", "r3: sync before the disk dies");
	head = head_of("r3");
	snprintf(key, sizeof key, "%s", path("r3-key-backup"));
	sh("cp -p '%s/terminal.key' '%s' && rm -rf '%s'", path("r3"), key, path("r3"));
	r = t_custody("restore", "--data", path("r3"), "--ledger", ledger_url, "--key", key,
	    "--ca", path("ca.pem"));
	ok(r.status == 0 && t_has(r.out, "restored"), "custody restore rebuilds the terminal");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ok(head_of("r3") > head, "its whole chain is back, and the restore is recorded");
	r = t_custody("verify", "--data", path("r3"), "--ledger");
	ok(r.status == 0, "the restored terminal verifies, with the ledger");
	t_result_free(&r);
	t = open_terminal("r3", TERMINAL_SIGN);
	err_clear(&em);
	ok(visit_get(t->journal, visit, &v, &em) == CST_OK && strcmp(v.name, "钱四") == 0,
	    "its registrations are back");
	ok(strcmp(t->room, "exit") == 0, "its room is back");
	terminal_close(t);
	sync_once_cli("r3", "the restored terminal syncs");
	ok(ledger_holds_exactly("r3", head_of("r3")), "and the ledger takes its new events");
	r = t_custody("restore", "--data", path("r3"), "--ledger", ledger_url, "--key", key,
	    "--ca", path("ca.pem"));
	ok(r.status != 0 && t_has(r.err, "already exists"), "restore refuses a directory in use");
	t_result_free(&r);
	r = t_custody("init", "--data", path("stranger"), "--terminal", "stranger", "--room",
	    "exit");
	t_result_free(&r);
	r = t_custody("restore", "--data", path("stranger-new"), "--ledger", ledger_url, "--key",
	    path("stranger/terminal.key"), "--ca", path("ca.pem"));
	ok(r.status != 0 && t_has(r.err, "not enrolled"),
	    "a key the ledger does not know restores nothing");
	t_result_free(&r);
	ok(access(path("stranger-new/custody.db"), F_OK) != 0, "and leaves nothing half made");
	r = t_custody("restore", "--data", path("r3-offline"), "--ledger", "https://127.0.0.1:1",
	    "--key", key, "--ca", path("ca.pem"));
	ok(r.status == 5 && t_has(r.err, "cannot reach the ledger") &&
	    access(path("r3-offline/custody.db"), F_OK) != 0 &&
	    access(path("r3-offline/terminal.key"), F_OK) != 0,
	    "a ledger that cannot be reached: said so (exit 5), nothing left behind");
	t_result_free(&r);
}

/* A terminal clock two hours slow (§4): sync works, the skew is recorded and alerted. */
static void
test_clock_skew(void)
{
	char clock_env[64];
	char *env[] = { clock_env, NULL };
	struct t_result r;

	make_terminal("r4", "waiting");
	snprintf(clock_env, sizeof clock_env, "CUSTODY_TEST_CLOCK_MS=%lld",
	    (long long)(time(NULL) * 1000LL - 2 * 3600 * 1000LL));
	r = t_custody_env(env, NULL, "sync", "--data", path("r4"), "--once", (char *)NULL);
	ok(r.status == 0 && t_has(r.out, "behind the ledger's"),
	    "a terminal 2 h slow still syncs, and says its clock is behind");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
	ok(sql_int("r4", "SELECT count(*) FROM events WHERE kind = 'clock.skew'") == 1,
	    "the skew is a clock.skew event");
	ok(sql_int("r4", "SELECT json_extract(body, '$.offset_ms') FROM events WHERE kind = "
	    "'clock.skew'") > 7100000, "with both times: the ledger's is 2 h ahead");
	ok(alert_open_about("r4", SYNC_RULE_SKEW) == ALERT_ORANGE, "and an alert on the board");
	r = t_custody_env(env, NULL, "sync", "--data", path("r4"), "--once", (char *)NULL);
	ok(r.status == 0, "the next pass signs with the learnt time at once");
	t_result_free(&r);
	ok(sql_int("r4", "SELECT count(*) FROM events WHERE kind = 'clock.skew'") == 1,
	    "the same skew is not recorded twice");
	r = t_custody("sync", "--data", path("r4"), "--once");
	ok(r.status == 0, "the clock put right: sync");
	t_result_free(&r);
	ok(alert_open_about("r4", SYNC_RULE_SKEW) == 0, "the skew's alert is cleared");
	ok(ledger_holds_exactly("r4", head_of("r4")), "every event reached the ledger once");
}

/*
 * custody enroll --ca (§5, Also): the CA is copied into the data directory and only it is
 * trusted. Enrolled from another directory with relative paths, the terminal must still sync
 * from here; and libcurl's own CA directory must not be consulted.
 */
static void
test_ca_only(void)
{
	char bin[PATH_MAX], cmd[PATH_MAX * 2 + 512], *tok;
	char *env[] = { "CUSTODY_TEST_CURL_VERBOSE=1", NULL };
	struct t_result r;
	struct stat st;

	if (realpath(t_bin("custody"), bin) == NULL)
		die("realpath custody");
	r = t_custody("init", "--data", path("r5"), "--terminal", "r5", "--room", "exit");
	t_result_free(&r);
	r = ledger_cmd("token", "--terminal", "r5");
	tok = strtok(r.out, "\n");
	snprintf(cmd, sizeof cmd, "cd '%s' && printf '%%s\\n' '%s' > token && '%s' enroll "
	    "--data r5 --ledger %s --token-file token --ca ca.pem >/dev/null", dir, tok, bin,
	    ledger_url);
	ok(system(cmd) == 0, "enrolled from the data's parent with relative paths");
	t_result_free(&r);
	ok(stat(path("r5/ledger-ca.pem"), &st) == 0 && (st.st_mode & 0777) == 0644,
	    "the CA is copied into the data directory, mode 0644");
	r = t_custody_env(env, NULL, "sync", "--data", path("r5"), "--once", (char *)NULL);
	ok(r.status == 0, "sync from another directory finds the CA");
	ok(t_has(r.err, "CApath: none"), "and trusts that CA only, not the system's directory");
	if (!t_has(r.err, "CApath: none"))
		fprintf(stderr, "%.2000s", r.err);
	t_result_free(&r);
}

int
main(void)
{
	if (sync_test_begin("rollback") != 0)
		return 99;
	snprintf(ledger_url, sizeof ledger_url, "https://127.0.0.1:%d", ledger_port);
	proxy_start();
	test_restored_copy();
	test_refused_push();
	test_restore_command();
	test_clock_skew();
	test_ca_only();
	test_hold();
	return sync_test_end("test-rollback");
}

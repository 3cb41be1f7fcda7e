/*
 * The impostor terminal of issue 13 §5, end to end with the real binaries: custody-ledger on
 * loopback TLS and enrolled terminals driven by the custody command. t1 holds the real
 * administrator a1; t3, its clock set to 2001, adds its own a1; t4, its clock in 2100, fails
 * a1's login five times. After sync, a1 is the real administrator everywhere, its password
 * logs in, the impostor's does not, and nobody is locked out.
 */
#include "clock.h"
#include "crypto.h"
#include "journal.h"
#include "operator.h"
#include "terminal.h"

#include "sync-util.h"

#define T2001 "978307200000"
#define T2100 4102444800000LL

/* custody sync --once: its exit status, and its output in out when given. */
static int
sync_once(const char *name, char *out, size_t size)
{
	struct t_result r = t_custody("sync", "--data", path(name), "--once");
	int status = r.status;

	if (out != NULL)
		snprintf(out, size, "%s%s", r.out != NULL ? r.out : "", r.err != NULL ? r.err : "");
	t_result_free(&r);
	return status;
}

/* custody operator add with lines on standard input, and an environment (may be NULL). */
static struct t_result
cli_add(char *const env[], const char *input, const char *name, const char *id,
    const char *role, const char *by)
{
	return t_custody_env(env, input, "operator", "add", "--data", path(name), "--id", id,
	    "--name", "冒名顶替", "--role", role, by != NULL ? "--by" : NULL, by, (char *)NULL);
}

static int
can_login(const char *name, const char *id, const char *pw, int64_t at)
{
	struct terminal *t;
	struct operator op;
	struct errmsg em;
	int good;

	err_clear(&em);
	if (terminal_open(path(name), TERMINAL_SIGN, &t, &em) != CST_OK)
		die(em.text);
	clock_set_ms(at);
	good = operator_authenticate(t->journal, id, pw, "login", 5, 15 * 60000LL, &op, &em) ==
	    CST_OK;
	clock_set_ms(0);
	terminal_close(t);
	return good;
}

static void
test_impostor(void)
{
	char *const env2001[] = { "CUSTODY_TEST_CLOCK_MS=" T2001, NULL };
	char out[8192];
	struct t_result r;
	int i;

	/* t1: the center's first terminal, with its administrator a1. */
	r = t_custody_env(NULL, "real-admin-pass\n", "init", "--data", path("t1"), "--terminal",
	    "t1", "--room", "intake", "--admin", "a1", "--admin-name", "管理员", (char *)NULL);
	ok(r.status == 0 && t_has(r.out, "center.pub"),
	    "custody init --admin: t1 founds the center with the real administrator a1");
	t_result_free(&r);
	enroll_terminal("t1");
	ok(sync_once("t1", NULL, 0) == 0, "t1 syncs a1 to the ledger");
	/* t2 pins the center's key from t1's file; t3 and t4 learn it from the ledger. */
	r = t_custody("init", "--data", path("t2"), "--terminal", "t2", "--room", "search",
	    "--center", path("t1/center.pub"));
	ok(r.status == 0 && t_has(r.out, "pinned"), "custody init --center: t2 pins the key");
	t_result_free(&r);
	enroll_terminal("t2");
	make_terminal("t3", "intake");
	make_terminal("t4", "intake");

	/* The impostor, its clock at 2001, with a center key of its own (a stolen disk's best). */
	r = t_custody_env(env2001, "impostor-pass\n", "init", "--data", path("t3x"),
	    "--terminal", "t3x", "--room", "intake", "--admin", "a1", "--admin-name", "冒名顶替",
	    (char *)NULL);
	ok(r.status == 0, "t3x, its clock at 2001, makes its own a1 under its own center key");
	t_result_free(&r);
	enroll_terminal("t3x");
	ok(sync_once("t3x", out, sizeof out) != 0 && t_has(out, "no_authority"),
	    "the ledger refuses it: no_authority");
	/* Without any administrator, a terminal adds nobody. */
	r = cli_add(env2001, "impostor-pass\n", "t3", "a1", "admin", NULL);
	ok(r.status != 0, "t3 cannot add a1 without --by");
	t_result_free(&r);
	r = cli_add(env2001, "whatever-pass\nimpostor-pass\n", "t3", "a1", "admin", "a1");
	ok(r.status != 0, "nor as a1, whom it does not know");
	t_result_free(&r);
	ok(sync_once("t3", NULL, 0) == 0 && sync_once("t2", NULL, 0) == 0 &&
	    sync_once("t1", NULL, 0) == 0, "t1, t2 and t3 sync after the impostor");
	ok(can_login("t1", "a1", "real-admin-pass", clock_now_ms()) &&
	    can_login("t2", "a1", "real-admin-pass", clock_now_ms()) &&
	    can_login("t3", "a1", "real-admin-pass", clock_now_ms()),
	    "the real administrator's password logs in on t1, t2 and t3");
	ok(!can_login("t1", "a1", "impostor-pass", clock_now_ms()) &&
	    !can_login("t2", "a1", "impostor-pass", clock_now_ms()),
	    "the impostor's password does not");

	/* a1 at t2, cut off from the ledger, adds a clerk; the others take it later. */
	r = t_custody_env(NULL, "real-admin-pass\nclerk-pass-2\n", "operator", "add", "--data",
	    path("t2"), "--id", "c2", "--name", "书记员", "--role", "clerk", "--by", "a1",
	    (char *)NULL);
	ok(r.status == 0, "a1 present at t2 adds clerk c2 before t2 syncs again");
	t_result_free(&r);
	ok(sync_once("t2", NULL, 0) == 0 && sync_once("t1", NULL, 0) == 0 &&
	    can_login("t1", "c2", "clerk-pass-2", clock_now_ms()),
	    "after sync c2 logs in at t1");

	/*
	 * Both t1 and t2, cut off from each other, add c7; t1's clock says 2001, but t2 reaches
	 * the ledger first. Every terminal ends with t2's c7: the ledger's order, not the clocks.
	 */
	r = t_custody_env(env2001, "real-admin-pass\nfirst-pass-7\n", "operator", "add",
	    "--data", path("t1"), "--id", "c7", "--name", "甲", "--role", "clerk", "--by", "a1",
	    (char *)NULL);
	ok(r.status == 0, "a1 at t1, its clock at 2001, adds c7");
	t_result_free(&r);
	r = t_custody_env(NULL, "real-admin-pass\nsecond-pass-7\n", "operator", "add",
	    "--data", path("t2"), "--id", "c7", "--name", "乙", "--role", "clerk", "--by", "a1",
	    (char *)NULL);
	ok(r.status == 0, "a1 at t2 adds c7 too");
	t_result_free(&r);
	ok(sync_once("t2", NULL, 0) == 0 && sync_once("t1", NULL, 0) == 0 &&
	    sync_once("t2", NULL, 0) == 0 && sync_once("t3", NULL, 0) == 0,
	    "t2 syncs first, then t1, then t2 and t3 pull");
	ok(can_login("t1", "c7", "second-pass-7", clock_now_ms()) &&
	    can_login("t2", "c7", "second-pass-7", clock_now_ms()) &&
	    can_login("t3", "c7", "second-pass-7", clock_now_ms()),
	    "t1, t2 and t3 all keep the c7 the ledger received first (t2's)");
	ok(!can_login("t1", "c7", "first-pass-7", clock_now_ms()),
	    "t1's own c7 lost, though its ts is 25 years earlier");
	{
		struct t_result rb = t_custody("rebuild", "--data", path("t1"));

		ok(rb.status == 0 && can_login("t1", "c7", "second-pass-7", clock_now_ms()),
		    "and t1's rebuild agrees");
		t_result_free(&rb);
	}

	/* t4, its clock in 2100, fails a1's login five times where it stands. */
	ok(sync_once("t4", NULL, 0) == 0, "t4 learns a1 from the ledger");
	for (i = 0; i < 5; i++)
		can_login("t4", "a1", "wrong-password", T2100);
	ok(!can_login("t4", "a1", "real-admin-pass", T2100 + 1000),
	    "t4: five failures there lock a1 there");
	ok(sync_once("t4", NULL, 0) == 0 && sync_once("t2", NULL, 0) == 0,
	    "t4's failures reach t2 through the ledger");
	ok(can_login("t2", "a1", "real-admin-pass", clock_now_ms()),
	    "t2: a1 is not locked by t4's failures");
	r = ledger_cmd("verify", NULL, NULL);
	ok(r.status == 0, "custody-ledger verify passes");
	t_result_free(&r);
	r = t_custody("verify", "--data", path("t2"));
	ok(r.status == 0, "custody verify passes on t2");
	t_result_free(&r);
}

int
main(void)
{
	if (sync_test_begin("impostor") != 0)
		return 99;
	test_impostor();
	return sync_test_end("test-impostor");
}

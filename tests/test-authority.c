/*
 * Who may say what (issue 13 §5): a terminal that is not an administrator's cannot take over
 * an operator, whatever its clock; failed logins elsewhere lock nobody here; foreign text that
 * would drive a terminal never reaches a projection or a printer; password hashes stay out of
 * custody log and cost more than libsodium's interactive minimum.
 */
#include <sqlite3.h>

#include "clock.h"
#include "crypto.h"
#include "journal.h"
#include "operator.h"
#include "t.h"
#include "terminal.h"
#include "util.h"

#define T2026 1780000000000LL	/* the real center's clock */
#define T2001 978307200000LL	/* the impostor's clock */
#define T2100 4102444800000LL

static char *top;

static struct terminal *
make(const char *name)
{
	char dir[512];
	struct terminal *t = NULL;
	struct errmsg em;

	snprintf(dir, sizeof dir, "%s/%s", top, name);
	if (terminal_create(dir, name, "intake", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "%s: %s\n", name, em.text);
		exit(99);
	}
	return t;
}

struct copy {
	struct journal *to;
	int64_t after;
	int failed;
};

static int
store_one(const struct event *ev, void *arg)
{
	struct copy *c = arg;
	struct errmsg em;
	int stored;

	if (ev->seq <= c->after)
		return 0;
	err_clear(&em);
	if (journal_store_foreign(c->to, ev, &stored, &em) != CST_OK) {
		fprintf(stderr, "  store %s #%lld: %s\n", ev->terminal, (long long)ev->seq, em.text);
		c->failed = 1;
	}
	return 0;
}

/* The events of from's chain that to does not hold yet, in seq order. */
static int
copy_chain(struct terminal *from, struct journal *to)
{
	unsigned char h[CRY_HASH_BYTES];
	struct copy c = { to, 0, 0 };
	struct errmsg em;

	journal_head(to, from->name, &c.after, h, &em);
	return journal_chain(from->journal, from->name, c.after, 1000000, store_one, &c, &em) ==
	    CST_OK && !c.failed ? 0 : -1;
}

/* An event of t's own chain with any body, as a rogue terminal with its key can make. */
static int
rogue(struct terminal *t, const char *operator_, const char *kind, const char *subject,
    const char *body)
{
	struct errmsg em;
	int status;

	err_clear(&em);
	status = journal_append(t->journal, operator_, kind, subject, body, strlen(body), NULL, &em);
	if (status != CST_OK)
		fprintf(stderr, "  rogue %s: %s\n", kind, em.text);
	return status;
}

static int
can_login(struct terminal *t, const char *id, const char *pw)
{
	struct operator op;
	struct errmsg em;

	err_clear(&em);
	return operator_authenticate(t->journal, id, pw, "login", 5, 15 * 60000LL, &op, &em) ==
	    CST_OK;
}

static char *
stored_hash(struct terminal *t, const char *id)
{
	sqlite3_stmt *st;
	char *out = NULL;

	if (sqlite3_prepare_v2(journal_db(t->journal), "SELECT password_hash FROM operators "
	    "WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static void
test_impostor(struct terminal *ta, struct terminal *tb)
{
	char hash[CRY_PWHASH_BYTES], body[512];
	struct operator op;
	struct errmsg em;

	clock_set_ms(T2026);
	ok(operator_add(ta->journal, "system", "a1", "管理员", "admin", "real-admin-pass", &em) ==
	    CST_OK, "ta: the real administrator a1");
	/* tb, its clock at 2001, says a1 is someone else with another password. */
	clock_set_ms(T2001);
	ok(cry_pwhash("impostor-pass", 13, hash) == 0, "the impostor's hash");
	snprintf(body, sizeof body, "{\"id\":\"a1\",\"name\":\"冒名\",\"role\":\"admin\","
	    "\"password_hash\":\"%s\"}", hash);
	ok(rogue(tb, "system", "operator.added", "a1", body) == CST_OK,
	    "tb, clock at 2001, adds its own a1");
	clock_set_ms(T2026 + 60000);
	copy_chain(tb, ta->journal);
	ok(operator_get(ta->journal, "a1", &op, &em) == CST_OK && strcmp(op.name, "管理员") == 0,
	    "after sync ta's a1 is still the real administrator");
	ok(can_login(ta, "a1", "real-admin-pass"), "the real password still logs in");
	ok(!can_login(ta, "a1", "impostor-pass"), "the impostor's password does not");
	ok(journal_rebuild(ta->journal, &em) == CST_OK &&
	    operator_get(ta->journal, "a1", &op, &em) == CST_OK && strcmp(op.name, "管理员") == 0,
	    "a rebuild agrees");
}

static void
test_foreign_lockout(struct terminal *ta, struct terminal *tb)
{
	struct operator op;
	struct errmsg em;
	char body[128];
	int i, made = 0;

	clock_set_ms(T2100);
	for (i = 1; i <= 5; i++) {
		snprintf(body, sizeof body, "{\"purpose\":\"login\",\"failures\":%d,"
		    "\"locked_until\":%lld}", i, i == 5 ? T2100 + 73LL * 365 * 86400000 : 0LL);
		made += rogue(tb, "a1", "login.failed", "a1", body) == CST_OK;
	}
	ok(made == 5, "tb, clock at 2100, records five failed logins of a1");
	clock_set_ms(T2026 + 120000);
	copy_chain(tb, ta->journal);
	ok(operator_get(ta->journal, "a1", &op, &em) == CST_OK && op.locked_until == 0 &&
	    op.failures == 0, "ta: a1 is not locked by another terminal's failures");
	ok(can_login(ta, "a1", "real-admin-pass"), "ta: a1 logs in");
	/* Failures where they happen still lock. */
	for (i = 0; i < 5; i++)
		can_login(ta, "a1", "wrong-password");
	ok(!can_login(ta, "a1", "real-admin-pass"), "ta: five failures at ta lock a1 at ta");
	clock_set_ms(T2026 + 120000 + 16 * 60000LL);
	ok(can_login(ta, "a1", "real-admin-pass"), "ta: and the lock ends after lockout_ms");
}

static void
test_foreign_text(struct terminal *ta, struct terminal *tb)
{
	char hash[CRY_PWHASH_BYTES], body[1024], dir[600];
	struct operator op;
	struct t_result r;
	struct errmsg em;

	clock_set_ms(T2026 + 200000);
	ok(cry_pwhash("escape-pass-1", 13, hash) == 0, "a hash");
	snprintf(body, sizeof body, "{\"id\":\"x1\",\"name\":\"\\u001b[2J\\u001b[H\\u009b31m"
	    "\xe2\x80\xae" "evil\",\"role\":\"clerk\",\"password_hash\":\"%s\"}", hash);
	rogue(tb, "a1", "operator.added", "x1", body);
	/* A hash whose cost would take the receiver minutes and gigabytes to check. */
	rogue(tb, "a1", "operator.added", "x2", "{\"id\":\"x2\",\"name\":\"x\",\"role\":\"clerk\","
	    "\"password_hash\":\"$argon2id$v=19$m=4194304,t=4000,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
	    "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g\"}");
	rogue(tb, "a1", "operator.added", "x3", "{\"id\":\"x3\",\"name\":7,\"role\":\"janitor\","
	    "\"password_hash\":[]}");
	rogue(tb, "a1", "operator.added", "x4", "{\"id\":\"other\",\"name\":\"x\","
	    "\"role\":\"clerk\",\"password_hash\":\"x\"}");
	copy_chain(tb, ta->journal);
	ok(operator_get(ta->journal, "x1", &op, &em) != CST_OK,
	    "a foreign operator whose name holds control characters is not applied");
	ok(operator_get(ta->journal, "x2", &op, &em) != CST_OK,
	    "nor one whose hash would cost minutes to check");
	ok(operator_get(ta->journal, "x3", &op, &em) != CST_OK,
	    "nor one with a name that is not text and an unknown role");
	ok(operator_get(ta->journal, "x4", &op, &em) != CST_OK &&
	    operator_get(ta->journal, "other", &op, &em) != CST_OK,
	    "nor one whose body names another operator than its subject");
	snprintf(dir, sizeof dir, "%s/ta", top);
	r = t_custody("operator", "list", "--data", dir);
	ok(r.status == 0 && strchr(r.out, '\x1b') == NULL && !t_has(r.out, "\xc2\x9b") &&
	    !t_has(r.out, "\xe2\x80\xae"), "custody operator list prints no control character");
	t_result_free(&r);
	r = t_custody("log", "--data", dir);
	ok(r.status == 0 && t_has(r.out, "operator.added") && !t_has(r.out, "$argon2id$"),
	    "custody log prints no password hash");
	ok(strchr(r.out, '\x1b') == NULL && !t_has(r.out, "\xc2\x9b") &&
	    !t_has(r.out, "\xe2\x80\xae"), "custody log prints no control character");
	t_result_free(&r);
}

static int
hash_param(const char *h, const char *key)
{
	const char *p = h != NULL ? strstr(h, key) : NULL;

	return p != NULL ? atoi(p + strlen(key)) : 0;
}

static void
test_hash_cost(struct terminal *ta)
{
	/* Made with libsodium at the old cost: m=9216 KiB, t=4. */
	static const char old[] = "$argon2id$v=19$m=9216,t=4,p=1$Wb9svJBMtvvLfuxpyRMd0g$"
	    "4aprKSbdGeK3j/cQAcKv3S0FWWbXxvfTqJ8InJak38s";
	char *h = stored_hash(ta, "a1");

	ok(hash_param(h, "m=") >= 65536 && hash_param(h, "t=") >= 3,
	    "a new password hash costs more than libsodium's interactive minimum (64 MiB, 2 passes)");
	free(h);
	ok(cry_pwhash_check(old, "password-1", 10), "a hash made at the old cost still verifies");
	ok(!cry_pwhash_check(old, "password-2", 10), "and refuses a wrong password");
}

int
main(void)
{
	struct terminal *ta, *tb;

	if (cry_init() != CST_OK)
		return 99;
	top = t_tmpdir("authority");
	clock_set_ms(T2026 - 1000);
	ta = make("ta");
	tb = make("tb");
	copy_chain(ta, tb->journal);
	copy_chain(tb, ta->journal);
	test_impostor(ta, tb);
	test_foreign_lockout(ta, tb);
	test_foreign_text(ta, tb);
	test_hash_cost(ta);
	terminal_close(ta);
	terminal_close(tb);
	if (t_failed == 0)
		t_rmrf(top);
	else
		fprintf(stderr, "kept %s\n", top);
	free(top);
	return t_done();
}

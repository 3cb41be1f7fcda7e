/*
 * Who may say what (issue 13 §5): a terminal without an administrator cannot take over an
 * operator, whatever its clock; failed logins elsewhere lock nobody here; foreign text that
 * would drive a terminal never reaches a projection or a printer; password hashes stay out of
 * custody log and cost more than libsodium's interactive minimum. A rogue terminal is played
 * by forging events with its key, as modified software on a stolen disk could.
 */
#include <sqlite3.h>

#include "authority.h"
#include "clock.h"
#include "crypto.h"
#include "evcheck.h"
#include "hex.h"
#include "journal.h"
#include "operator.h"
#include "journal-util.h"
#include "t.h"
#include "terminal.h"
#include "text.h"
#include "util.h"
#include "visit.h"

#define T2026 1780000000000LL	/* the real center's clock */
#define T2001 978307200000LL	/* the impostor's clock */
#define T2100 4102444800000LL
#define LOCKOUT (15 * 60000LL)

static char *top;

/* A rogue terminal: tr's key and the head of a chain forged past tr's own journal. */
struct rogue {
	char name[EV_MAX_ID + 1];
	unsigned char sk[CRY_SK_BYTES];
	int64_t seq;
	unsigned char last[CRY_HASH_BYTES];
};

static void
rogue_init(struct rogue *r, struct terminal *t)
{
	unsigned char pk[CRY_PK_BYTES];
	struct errmsg em;

	memset(r, 0, sizeof *r);
	if (terminal_key_load(t->key_path, r->name, sizeof r->name, pk, r->sk, &em) != CST_OK ||
	    journal_head(t->journal, t->name, &r->seq, r->last, &em) != CST_OK) {
		fprintf(stderr, "rogue: %s\n", em.text);
		exit(99);
	}
}

/*
 * The rogue's next event, signed with its terminal key, stored into to as sync would: what
 * journal_store_foreign says, and whether it was applied (reason when it was not).
 */
static int
forge(struct rogue *r, struct journal *to, const char *operator_, const char *kind,
    const char *subject, const char *body, char *reason, size_t size)
{
	struct event ev;
	struct errmsg em;
	int stored, status;

	memset(&ev, 0, sizeof ev);
	snprintf(ev.terminal, sizeof ev.terminal, "%s", r->name);
	ev.seq = r->seq + 1;
	ev.ts = clock_now_ms();
	snprintf(ev.operator_, sizeof ev.operator_, "%s", operator_);
	snprintf(ev.kind, sizeof ev.kind, "%s", kind);
	snprintf(ev.subject, sizeof ev.subject, "%s", subject);
	event_set_body(&ev, body, strlen(body));
	memcpy(ev.prev, r->last, sizeof ev.prev);
	event_seal(&ev, r->sk);
	err_clear(&em);
	status = journal_store_foreign(to, &ev, &stored, &em);
	if (status == CST_OK && stored) {
		r->seq = ev.seq;
		memcpy(r->last, ev.hash, sizeof r->last);
	} else {
		fprintf(stderr, "  forge %s: %s\n", kind, em.text);
	}
	if (reason != NULL) {
		reason[0] = '\0';
		journal_unapplied(to, ev.terminal, ev.seq, reason, size, &em);
	}
	event_clear(&ev);
	return status;
}

/* The same with an authority attached by a. */
static int
forge_signed(struct rogue *r, struct journal *to, const struct authority *a, const char *kind,
    const char *subject, const char *body, char *reason, size_t size)
{
	char *signed_body;
	size_t n;
	struct errmsg em;
	int status;

	if (authority_attach(a, r->name, kind, subject, body, strlen(body), &signed_body, &n,
	    &em) != CST_OK)
		return -1;
	status = forge(r, to, a->admin, kind, subject, signed_body, reason, size);
	free(signed_body);
	return status;
}

static int
can_login(struct terminal *t, const char *id, const char *pw)
{
	struct operator op;
	struct errmsg em;

	err_clear(&em);
	return operator_authenticate(t->journal, id, pw, "login", 5, LOCKOUT, &op, &em) == CST_OK;
}

static int
name_is(struct terminal *t, const char *id, const char *want)
{
	struct operator op;
	struct errmsg em;

	return operator_get(t->journal, id, &op, &em) == CST_OK && strcmp(op.name, want) == 0;
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

static struct terminal *ta, *tb, *tr;	/* tr: the rogue, whose key forges */
static struct rogue rb;
static unsigned char center[CRY_PK_BYTES];

static void
test_impostor(void)
{
	char hash[CRY_PWHASH_BYTES], body[512], why[ERRMSG_MAX];
	struct authority other;
	struct errmsg em;

	clock_set_ms(T2026);
	ok(operator_found(ta->journal, "a1", "管理员", "real-admin-pass", center, &em) == CST_OK,
	    "ta founds the center with the real administrator a1");
	ok(tj_copy_chain(ta, tb->journal) == 0 && name_is(tb, "a1", "管理员"),
	    "tb learns a1 from ta");
	/* tr, its clock at 2001, says a1 is someone else with another password. */
	clock_set_ms(T2001);
	ok(cry_pwhash("impostor-pass", 13, hash) == 0, "the impostor's hash");
	snprintf(body, sizeof body, "{\"id\":\"a1\",\"name\":\"冒名\",\"role\":\"admin\","
	    "\"password_hash\":\"%s\"}", hash);
	ok(forge(&rb, ta->journal, "system", "operator.added", "a1", body, why, sizeof why) ==
	    CST_OK && t_has(why, "authority"),
	    "tr, clock at 2001, adds its own a1: stored, not applied, for want of authority");
	/* The same signed with a center key of its own making. */
	authority_new_center(&other, "a1");
	snprintf(body, sizeof body, "{\"id\":\"b9\",\"name\":\"冒名\",\"role\":\"admin\","
	    "\"password_hash\":\"%s\"}", hash);
	ok(forge_signed(&rb, ta->journal, &other, "operator.added", "b9", body, why, sizeof why) ==
	    CST_OK && t_has(why, "center key"),
	    "an administrator signed with another center's key: not applied");
	clock_set_ms(T2026 + 60000);
	ok(name_is(ta, "a1", "管理员"), "after sync ta's a1 is still the real administrator");
	ok(operator_get(ta->journal, "b9", &(struct operator){ 0 }, &em) != CST_OK,
	    "and the other center's administrator does not exist here");
	ok(can_login(ta, "a1", "real-admin-pass"), "the real password still logs in");
	ok(!can_login(ta, "a1", "impostor-pass"), "the impostor's password does not");
	ok(journal_rebuild(ta->journal, &em) == CST_OK && name_is(ta, "a1", "管理员") &&
	    journal_unapplied(ta->journal, rb.name, rb.seq, why, sizeof why, &em) == CST_OK,
	    "a rebuild agrees, and leaves the forged events unapplied again");
	authority_wipe(&other);
}

/* What an administrator present at a terminal may do, and nobody else. */
static void
test_admin_present(void)
{
	struct authority a, none;
	struct errmsg em;
	struct t_result r;
	char dir[600];

	clock_set_ms(T2026 + 70000);
	ok(operator_unlock(tb->journal, "a1", "wrong-password", 5, LOCKOUT, &a, &em) ==
	    CST_ERR_PERM, "a wrong password does not open a1's center key");
	ok(operator_unlock(tb->journal, "a1", "real-admin-pass", 5, LOCKOUT, &a, &em) == CST_OK &&
	    memcmp(a.pk, center, sizeof center) == 0,
	    "a1 present at tb (cut off from ta) opens the center key with the password");
	ok(operator_add(tb->journal, &a, "c5", "书记员", "clerk", "clerk-pass-5", &em) == CST_OK,
	    "a1 adds clerk c5 at tb, offline");
	ok(operator_add(tb->journal, &a, "a2", "副管理员", "admin", "admin-pass-2", &em) == CST_OK,
	    "and a second administrator a2");
	authority_wipe(&a);
	ok(operator_add(tb->journal, NULL, "c6", "x", "clerk", "clerk-pass-6", &em) ==
	    CST_ERR_PERM, "without an administrator no operator is added");
	ok(operator_unlock(tb->journal, "c5", "clerk-pass-5", 5, LOCKOUT, &none, &em) ==
	    CST_ERR_PERM, "a clerk holds no center key");
	ok(operator_unlock(tb->journal, "a2", "admin-pass-2", 5, LOCKOUT, &a, &em) == CST_OK &&
	    operator_add(tb->journal, &a, "k7", "库管", "keeper", "keeper-pass-7", &em) == CST_OK,
	    "a2 acts alone with its own password");
	authority_wipe(&a);
	ok(tj_copy_chain(tb, ta->journal) == 0 && name_is(ta, "c5", "书记员") &&
	    name_is(ta, "a2", "副管理员") && name_is(ta, "k7", "库管"),
	    "ta accepts them later");
	ok(can_login(ta, "c5", "clerk-pass-5"), "c5 logs in at ta");
	snprintf(dir, sizeof dir, "%s/ta", top);
	r = t_custody_env(NULL, "clerk-pass-9\n", "operator", "add", "--data", dir, "--id", "c9",
	    "--name", "x", "--role", "clerk", (char *)NULL);
	ok(r.status == 2 && t_has(r.err, "--by"), "custody operator add wants --by ADMIN");
	t_result_free(&r);
	r = t_custody_env(NULL, "wrong-password\nclerk-pass-9\n", "operator", "add", "--data", dir,
	    "--id", "c9", "--name", "x", "--role", "clerk", "--by", "a1", (char *)NULL);
	ok(r.status != 0 && operator_get(ta->journal, "c9", &(struct operator){ 0 }, &em) != CST_OK,
	    "nor with a wrong administrator's password");
	t_result_free(&r);
	r = t_custody_env(NULL, "real-admin-pass\nclerk-pass-9\n", "operator", "add", "--data",
	    dir, "--id", "c9", "--name", "书记员九", "--role", "clerk", "--by", "a1", (char *)NULL);
	ok(r.status == 0 && name_is(ta, "c9", "书记员九"),
	    "custody operator add --by a1 with a1's password, then the new one's");
	t_result_free(&r);
}

static void
test_foreign_lockout(void)
{
	struct operator op;
	struct errmsg em;
	char body[128];
	int i, made = 0;

	clock_set_ms(T2100);
	for (i = 1; i <= 5; i++) {
		snprintf(body, sizeof body, "{\"purpose\":\"login\",\"failures\":%d,"
		    "\"locked_until\":%lld}", i, i == 5 ? T2100 + 73LL * 365 * 86400000 : 0LL);
		made += forge(&rb, ta->journal, "a1", "login.failed", "a1", body, NULL, 0) ==
		    CST_OK;
	}
	ok(made == 5, "tr, clock at 2100, records five failed logins of a1");
	clock_set_ms(T2026 + 120000);
	ok(operator_get(ta->journal, "a1", &op, &em) == CST_OK && op.locked_until == 0 &&
	    op.failures == 0, "ta: a1 is not locked by another terminal's failures");
	ok(can_login(ta, "a1", "real-admin-pass"), "ta: a1 logs in");
	/* Failures where they happen still lock. */
	for (i = 0; i < 5; i++)
		can_login(ta, "a1", "wrong-password");
	ok(!can_login(ta, "a1", "real-admin-pass"), "ta: five failures at ta lock a1 at ta");
	ok(tj_copy_chain(ta, tb->journal) == 0 && can_login(tb, "a1", "real-admin-pass"),
	    "tb: ta's failures lock nobody at tb");
	forge(&rb, ta->journal, "a1", "login.succeeded", "a1", "{\"purpose\":\"login\"}", NULL, 0);
	ok(!can_login(ta, "a1", "real-admin-pass"), "ta: nor does another's success unlock a1");
	ok(journal_rebuild(ta->journal, &em) == CST_OK && !can_login(ta, "a1", "real-admin-pass"),
	    "ta: a rebuild keeps the lock");
	clock_set_ms(T2026 + 120000 + 16 * 60000LL);
	ok(can_login(ta, "a1", "real-admin-pass"), "ta: and the lock ends after lockout_ms");
}

static void
test_foreign_text(void)
{
	char hash[CRY_PWHASH_BYTES], body[1024], dir[600], why[ERRMSG_MAX];
	struct authority a;
	struct operator op;
	struct t_result r;
	struct errmsg em;
	int refused = 0;

	clock_set_ms(T2026 + 200000);
	/* With the center's authority: the fields alone refuse these. */
	ok(operator_unlock(ta->journal, "a1", "real-admin-pass", 5, LOCKOUT, &a, &em) == CST_OK,
	    "a1 opens the center key at ta");
	snprintf(a.admin, sizeof a.admin, "%s", "a1");
	ok(cry_pwhash("escape-pass-1", 13, hash) == 0, "a hash");
	snprintf(body, sizeof body, "{\"id\":\"x1\",\"name\":\"\\u001b[2J\\u001b[H\\u009b31m"
	    "\xe2\x80\xae" "evil\",\"role\":\"clerk\",\"password_hash\":\"%s\"}", hash);
	refused += forge_signed(&rb, ta->journal, &a, "operator.added", "x1", body, why,
	    sizeof why) == CST_OK && t_has(why, "control");
	/* A hash whose cost would take the receiver minutes and gigabytes to check. */
	refused += forge_signed(&rb, ta->journal, &a, "operator.added", "x2", "{\"id\":\"x2\","
	    "\"name\":\"x\",\"role\":\"clerk\",\"password_hash\":\"$argon2id$v=19$m=4194304,"
	    "t=4000,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g\"}",
	    why, sizeof why) == CST_OK && t_has(why, "password_hash");
	refused += forge_signed(&rb, ta->journal, &a, "operator.added", "x3", "{\"id\":\"x3\","
	    "\"name\":7,\"role\":\"janitor\",\"password_hash\":[]}", why, sizeof why) == CST_OK &&
	    t_has(why, "name");
	refused += forge_signed(&rb, ta->journal, &a, "operator.added", "x4", "{\"id\":\"other\","
	    "\"name\":\"x\",\"role\":\"clerk\",\"password_hash\":\"x\"}", why, sizeof why) ==
	    CST_OK && t_has(why, "id");
	refused += forge(&rb, ta->journal, "c5", "person.registered", "v-1", "{\"name\":"
	    "\"\\u001b]0;pwned\\u0007\",\"sex\":\"M\"}", why, sizeof why) == CST_OK &&
	    t_has(why, "control");
	{
		char created[300], pkhex[2 * CRY_PK_BYTES + 1];

		hex_encode(center, CRY_PK_BYTES, pkhex);	/* any valid key will do */
		snprintf(created, sizeof created, "{\"terminal\":\"tr\",\"room\":\"intake\","
		    "\"public_key\":\"%s\",\"suite\":\"ed25519-blake2b256\"}", pkhex);
		refused += forge(&rb, ta->journal, "system", "terminal.created", "tr", created, why,
		    sizeof why) == CST_OK && t_has(why, "terminal.created");
	}
	ok(refused == 6, "each is stored, not applied, with the reason (a second "
	    "terminal.created that would re-key the chain too)");
	ok(forge(&rb, ta->journal, "c5", "note.added", "v-1", "{\"n\":1}", NULL, 0) == CST_OK,
	    "and the rogue's chain still goes on with its own key");
	authority_wipe(&a);
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
	ok(r.status == 0 && t_has(r.out, "operator.added") && !t_has(r.out, "$argon2id$") &&
	    !t_has(r.out, "\"sealed\""), "custody log prints no password hash nor credential");
	ok(strchr(r.out, '\x1b') == NULL && !t_has(r.out, "\xc2\x9b") &&
	    !t_has(r.out, "\xe2\x80\xae") && t_has(r.out, "\\u202e"),
	    "custody log prints no control character: the stored ones are escaped");
	t_result_free(&r);
	r = t_custody("verify", "--data", dir);
	ok(r.status == 0 && t_has(r.out, "not applied"),
	    "custody verify passes and counts the events stored but not applied");
	t_result_free(&r);
}

/*
 * Another terminal's registration by a document (issue 16) passes the checks of a local one:
 * a forged body with a bad number for its type, an unknown type, a nationality that is not
 * three letters, a residence permit's number not of 81-83 or a person without a document
 * and without the note is stored, not applied, with the field named.
 */
static int
forge_document(const char *visit, const char *doc_keys, char *why, size_t size)
{
	char body[1024];

	snprintf(body, sizeof body, "{\"person_id\":\"p-%s\",\"name\":\"史约翰\",\"sex\":\"M\","
	    "\"ethnicity\":\"\",\"birth_date\":\"1979-05-15\",\"address\":\"北京市朝阳区\","
	    "\"phone\":\"\",%s,\"case_number\":\"A-1\",\"reason\":\"summons\","
	    "\"officers\":[\"110001\",\"110002\"]}", visit, doc_keys);
	return forge(&rb, ta->journal, "c5", "person.registered", visit, body, why, size);
}

static void
test_foreign_documents(void)
{
	static const struct {
		const char *keys, *field;
	} bad[] = {
		{ "\"id_number\":\"911124197905150017\",\"doc_type\":\"foreign2023\","
		  "\"nationality\":\"USA\",\"name_en\":\"SMITH JOHN\"", "id_number" },
		{ "\"id_number\":\"911124197905150016\",\"doc_type\":\"martian\","
		  "\"nationality\":\"USA\"", "doc_type" },
		{ "\"id_number\":\"911124197905150016\",\"doc_type\":\"foreign2023\","
		  "\"nationality\":\"U5A\"", "nationality" },
		{ "\"id_number\":\"911124197905150016\",\"doc_type\":\"foreign2023\"",
		  "nationality" },
		{ "\"id_number\":\"110101199003078034\",\"doc_type\":\"permit\","
		  "\"pass_number\":\"H0123456\"", "id_number" },
		{ "\"id_number\":\"X12\",\"doc_type\":\"passport\",\"nationality\":\"USA\"",
		  "id_number" },
		{ "\"id_number\":\"\",\"doc_type\":\"none\"", "doc_note" },
		{ "\"id_number\":\"\",\"doc_type\":\"none\",\"doc_note\":\"不肯说\","
		  "\"pass_number\":\"H0123456789012345678901234567890\"", "pass_number" },
		{ "\"id_number\":\"110101199003078035\"", "id_number" },
		{ "\"id_number\":\"\"", "id_number" },
		{ "\"id_number\":\" 11010119900307803x \"", "id_number" },
		{ "\"id_number\":\" e12345678 \",\"doc_type\":\"passport_cn\"", "id_number" },
		{ "\"id_number\":\"533380006\",\"doc_type\":\"passport\","
		  "\"nationality\":\"usa\"", "nationality" },
		{ "\"id_number\":\"911124197905150016\",\"doc_type\":\"foreign2023\","
		  "\"nationality\":\"USA\"", "nationality" },
	};
	char visit[64], why[ERRMSG_MAX], what[300];
	struct visit v;
	struct errmsg em;
	size_t i;

	clock_set_ms(T2026 + 300000);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(visit, sizeof visit, "doc-bad-%zu", i);
		int stored = forge_document(visit, bad[i].keys, why, sizeof why) == CST_OK;

		snprintf(what, sizeof what, "a foreign registration with %.120s: stored, not "
		    "applied, %s named (%.80s)", bad[i].keys, bad[i].field, why);
		ok(stored && t_has(why, bad[i].field) &&
		    visit_get(ta->journal, visit, &v, &em) != CST_OK, what);
	}
	ok(forge_document("doc-y", "\"id_number\":\"911124197905150016\",\"doc_type\":"
	    "\"foreign2023\",\"nationality\":\"CAN\",\"name_en\":\"SMITH JOHN\","
	    "\"doc_issues\":\"01\"", why, sizeof why) == CST_OK && why[0] == '\0' &&
	    visit_get(ta->journal, "doc-y", &v, &em) == CST_OK &&
	    strcmp(v.doc_type, "foreign2023") == 0 && strcmp(v.nationality, "CAN") == 0 &&
	    strcmp(v.name_en, "SMITH JOHN") == 0, "a foreign 2023 card's registration is applied "
	    "with its nationality and English name");
	ok(forge_document("doc-j", "\"id_number\":\"810000198506150012\",\"doc_type\":"
	    "\"permit\",\"pass_number\":\"H01234567\",\"doc_issues\":\"02\"", why, sizeof why) ==
	    CST_OK && t_has(why, "birth_date"), "a residence permit whose number says a man of 1985 "
	    "registered as born 1979: refused by the cross-check");
	ok(forge_document("doc-none", "\"id_number\":\"\",\"doc_type\":\"none\",\"doc_note\":"
	    "\"本人拒绝提供，身份待核实\"", why, sizeof why) == CST_OK && why[0] == '\0' &&
	    visit_get(ta->journal, "doc-none", &v, &em) == CST_OK &&
	    strcmp(v.doc_type, "none") == 0 && t_has(v.doc_note, "身份待核实"),
	    "a person without a document, with the note: applied");
	ok(forge_document("doc-res", "\"id_number\":\"11010119900307803X\"", why, sizeof why) ==
	    CST_OK && why[0] == '\0' && visit_get(ta->journal, "doc-res", &v, &em) == CST_OK &&
	    strcmp(v.doc_type, "resident") == 0, "a resident card's body as before issue 16 (a "
	    "valid number, no document keys): applied as a resident ID card");
}

static void
test_escape(void)
{
	char out[128];

	text_escape("a\x1b[2J\xc2\x9b" "b\xe2\x80\xae" "c\x7f\\d\xff" "张", out, sizeof out);
	ok(strcmp(out, "a\\x1b[2J\\x9bb\\u202ec\\x7f\\\\d\\xff张") == 0,
	    "text_escape: C0, C1, DEL, bidi override, backslash and a bad byte");
	text_escape("\xe2\x81\xa6x\xe2\x81\xa9", out, sizeof out);
	ok(strcmp(out, "\\u2066x\\u2069") == 0, "text_escape: bidirectional isolates");
	text_escape("abc\x1b", out, 6);
	ok(strcmp(out, "abc") == 0, "text_escape cuts before an escape that does not fit");
	ok(!text_valid("x\xe2\x80\xaey", 64, 1) && text_valid("张三", 64, 1),
	    "text_valid refuses a bidirectional override");
	text_escape_lines("a\r\nb\x1b\rc\\d\te\n", out, sizeof out);
	ok(strcmp(out, "a\r\nb\\x1b\\x0dc\\d\te\n") == 0,
	    "text_escape_lines keeps lines, tabs and CR LF, escapes the rest");
}

/* An event sealed with sk, inserted with its arrival behind custody's back, as old code did. */
static int
raw_event(sqlite3 *db, const unsigned char *sk, const char *terminal, int64_t seq,
    const unsigned char prev[CRY_HASH_BYTES], const char *operator_, const char *kind,
    const char *subject, const char *body, unsigned char hash[CRY_HASH_BYTES])
{
	sqlite3_stmt *st;
	struct event ev;
	int rc;

	memset(&ev, 0, sizeof ev);
	snprintf(ev.terminal, sizeof ev.terminal, "%s", terminal);
	ev.seq = seq;
	ev.ts = clock_now_ms();
	snprintf(ev.operator_, sizeof ev.operator_, "%s", operator_);
	snprintf(ev.kind, sizeof ev.kind, "%s", kind);
	snprintf(ev.subject, sizeof ev.subject, "%s", subject);
	event_set_body(&ev, body, strlen(body));
	memcpy(ev.prev, prev, CRY_HASH_BYTES);
	event_seal(&ev, sk);
	memcpy(hash, ev.hash, CRY_HASH_BYTES);
	if (sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
	    &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, ev.terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ev.seq);
	sqlite3_bind_int64(st, 3, ev.ts);
	sqlite3_bind_text(st, 4, ev.operator_, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev.kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev.subject, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, ev.body, (int)ev.body_len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, ev.prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 9, ev.hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, ev.sig, 64, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	event_clear(&ev);
	if (rc != SQLITE_DONE || sqlite3_prepare_v2(db, "INSERT INTO arrival (terminal, seq) "
	    "VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * A journal from before the rule, as the old code left it: an operator.added without
 * authority, another terminal's login.failed that locked that operator for 73 years, and
 * the old projection of both. After the migration it still verifies; the operator is kept,
 * is not displaced by a later (signed) addition of the same id, and the foreign lock is
 * lifted; a rebuild agrees.
 */
static void
test_cutover(void)
{
	char hash[CRY_PWHASH_BYTES], body[400], from[32], path[700], sql[1200], name[EV_MAX_ID + 1];
	unsigned char pk[CRY_PK_BYTES], skl[CRY_SK_BYTES], skw[CRY_SK_BYTES];
	unsigned char hl[CRY_HASH_BYTES], hw[CRY_HASH_BYTES], h[CRY_HASH_BYTES];
	struct terminal *tl = tj_make(top, "tl"), *tw = tj_make(top, "tw");
	struct journal_stats stats;
	struct authority a, none;
	struct operator op;
	struct rogue rw;
	struct errmsg em;
	int64_t seq, lock = T2100 + 73LL * 365 * 86400000;
	sqlite3 *db;

	clock_set_ms(T2026 + 300000);
	ok(tj_copy_chain(tw, tl->journal) == 0 &&
	    terminal_key_load(tl->key_path, name, sizeof name, pk, skl, &em) == CST_OK &&
	    terminal_key_load(tw->key_path, name, sizeof name, pk, skw, &em) == CST_OK &&
	    journal_head(tl->journal, "tl", &seq, hl, &em) == CST_OK &&
	    journal_head(tl->journal, "tw", &seq, hw, &em) == CST_OK &&
	    cry_pwhash("old-pass-1", 10, hash) == 0, "two old terminals, their keys, a hash");
	rogue_init(&rw, tw);
	snprintf(path, sizeof path, "%s", tl->db_path);
	terminal_close(tl);
	ok(sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, "DROP TABLE ledger_order; "
	    "DROP TABLE unapplied; DROP TABLE operator_additions; "
	    "ALTER TABLE operators DROP COLUMN credential; "
	    "ALTER TABLE operators DROP COLUMN added_by; "
	    "ALTER TABLE operators DROP COLUMN legacy; "
	    "DELETE FROM local WHERE name = 'authority.from'; "
	    /* and without the migrations after it (0009 to 0015) */
	    "DROP TABLE id_claims; DROP TABLE conflicts; DROP TABLE corrections; "
	    "DROP TABLE known_bands; "
	    "ALTER TABLE visits DROP COLUMN cause; "
	    "ALTER TABLE visits DROP COLUMN doc_type; ALTER TABLE visits DROP COLUMN nationality; "
	    "ALTER TABLE visits DROP COLUMN name_en; ALTER TABLE visits DROP COLUMN pass_number; "
	    "ALTER TABLE visits DROP COLUMN doc_issues; ALTER TABLE visits DROP COLUMN doc_note; "
	    "DROP TABLE officer_additions; DROP TABLE officers; "
	    "DELETE FROM schema_version WHERE version >= 8", NULL, NULL, NULL) == SQLITE_OK,
	    "the journal's schema as it was before 0008-authority.sql");
	snprintf(body, sizeof body, "{\"id\":\"old1\",\"name\":\"老操作员\",\"role\":"
	    "\"admin\",\"password_hash\":\"%s\"}", hash);
	ok(raw_event(db, skl, "tl", 2, hl, "system", "operator.added", "old1", body, h) == 0,
	    "an operator.added without authority");
	snprintf(body, sizeof body, "{\"purpose\":\"login\",\"failures\":5,"
	    "\"locked_until\":%lld}", (long long)lock);
	ok(raw_event(db, skw, "tw", 2, hw, "old1", "login.failed", "old1", body, h) == 0,
	    "another terminal's login.failed that locks it for 73 years");
	rw.seq = 2;
	memcpy(rw.last, h, sizeof rw.last);
	snprintf(sql, sizeof sql, "INSERT INTO operators (id, name, role, password_hash, active, "
	    "failures, locked_until, added_ts) VALUES ('old1', '老操作员', 'admin', '%s', 1, 5, "
	    "%lld, %lld)", hash, (long long)lock, (long long)clock_now_ms());
	ok(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
	    "and the old projection of both (old1 locked)");
	sqlite3_close(db);
	snprintf(path, sizeof path, "%s/tl", top);
	ok(terminal_open(path, TERMINAL_SIGN, &tl, &em) == CST_OK &&
	    journal_local_get(tl->journal, "authority.from", from, sizeof from, &em) == CST_OK &&
	    strcmp(from, "4") == 0, "the migration records the cut-over after the 4 events held");
	ok(journal_verify(tl->journal, "tl", NULL, NULL, NULL, &stats, &em) == CST_OK &&
	    stats.events == 4, "the old journal verifies");
	ok(operator_get(tl->journal, "old1", &op, &em) == CST_OK && op.locked_until == 0 &&
	    op.failures == 0 && can_login(tl, "old1", "old-pass-1"),
	    "the migration lifts the other terminal's lock: old1 logs in");
	ok(!op.has_credential && operator_unlock(tl->journal, "old1", "old-pass-1", 5, LOCKOUT,
	    &none, &em) == CST_ERR_PERM && t_has(em.text, "center key"),
	    "an administrator from before holds no center key, so cannot sign");
	/* Signed by a center now, an addition of the same id displaces nothing. */
	authority_new_center(&a, "a9");
	snprintf(body, sizeof body, "{\"id\":\"old1\",\"name\":\"新人\",\"role\":\"clerk\","
	    "\"password_hash\":\"%s\"}", hash);
	ok(forge_signed(&rw, tl->journal, &a, "operator.added", "old1", body, NULL, 0) == CST_OK &&
	    name_is(tl, "old1", "老操作员"), "a later signed addition of old1 does not displace it");
	authority_wipe(&a);
	ok(journal_rebuild(tl->journal, &em) == CST_OK && name_is(tl, "old1", "老操作员") &&
	    operator_get(tl->journal, "old1", &op, &em) == CST_OK && op.locked_until == 0 &&
	    can_login(tl, "old1", "old-pass-1"), "a rebuild agrees: old1 kept, not locked");
	terminal_close(tl);
	terminal_close(tw);
}

/* An unpinned journal pins the center of the first signed reference event, nothing else. */
static void
test_tofu(void)
{
	unsigned char pk[CRY_PK_BYTES];
	struct terminal *tu = tj_make(top, "tu"), *tv = tj_make(top, "tv");
	struct authority rogue_center;
	struct rogue rv;
	struct errmsg em;
	char why[ERRMSG_MAX];

	tj_copy_chain(tv, tu->journal);
	rogue_init(&rv, tv);
	authority_new_center(&rogue_center, "a1");
	ok(forge_signed(&rv, tu->journal, &rogue_center, "note.added", "v-1", "{\"n\":1}", why,
	    sizeof why) == CST_OK && journal_center(tu->journal, pk, &em) == CST_ERR_NOTFOUND,
	    "a signed event that is not reference data pins nothing");
	ok(tj_copy_chain(ta, tu->journal) == 0 && journal_center(tu->journal, pk, &em) == CST_OK &&
	    memcmp(pk, center, sizeof pk) == 0 && name_is(tu, "a1", "管理员"),
	    "the first signed operator it stores pins the center (trust on first use)");
	ok(forge_signed(&rv, tu->journal, &rogue_center, "operator.added", "b8", "{\"id\":\"b8\","
	    "\"name\":\"x\",\"role\":\"clerk\",\"password_hash\":\"$argon2id$v=19$"
	    "m=131072,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
	    "\"}", why, sizeof why) == CST_OK && t_has(why, "center key"),
	    "after which another center's operator is not applied");
	ok(journal_pin_center(tu->journal, rogue_center.pk, &em) == CST_ERR_EXISTS,
	    "and the pin is never replaced");
	authority_wipe(&rogue_center);
	terminal_close(tu);
	terminal_close(tv);
}

/* docs/journal.md's vector, cross-checked with Python's hashlib and OpenSSL 3. */
static void
test_vector(void)
{
	static const char want[] = "{\"id\":\"c1\",\"name\":\"李文\",\"role\":\"clerk\","
	    "\"authority\":{\"admin\":\"a1\",\"center\":\"03a107bff3ce10be1d70dd18e74bc09967e4"
	    "d6309ba50d5f1ddc8664125531b8\",\"sig\":\"d25f632d58e6fcb79586416bd980120ca4e88d4ab"
	    "ec722b7f86430e1b7ef7fdc22d7ca9d65c919f985a580f809f631a307435a15896ec3e4c76035215413"
	    "5c07\"}}";
	static const char body[] = "{\"id\":\"c1\",\"name\":\"李文\",\"role\":\"clerk\"}";
	unsigned char seed[CRY_SEED_BYTES];
	struct authority_proof p;
	struct authority a;
	struct json *root;
	struct event ev;
	struct errmsg em;
	char *out = NULL;
	size_t n, i;

	for (i = 0; i < sizeof seed; i++)
		seed[i] = (unsigned char)i;
	memset(&a, 0, sizeof a);
	snprintf(a.admin, sizeof a.admin, "a1");
	cry_keypair_from_seed(seed, a.pk, a.sk);
	ok(authority_attach(&a, "intake-01", "operator.added", "c1", body, strlen(body), &out, &n,
	    &em) == CST_OK && n == strlen(want) && memcmp(out, want, n) == 0,
	    "authority_attach gives the documented vector");
	memset(&ev, 0, sizeof ev);
	snprintf(ev.terminal, sizeof ev.terminal, "intake-01");
	snprintf(ev.operator_, sizeof ev.operator_, "a1");
	snprintf(ev.kind, sizeof ev.kind, "operator.added");
	snprintf(ev.subject, sizeof ev.subject, "c1");
	event_set_body(&ev, want, strlen(want));
	ok(json_parse(ev.body, ev.body_len, &root, &em) == CST_OK &&
	    authority_check(&ev, root, &p, &em) == CST_OK && p.present &&
	    memcmp(p.center, a.pk, sizeof a.pk) == 0, "authority_check accepts it");
	json_free(root);
	snprintf(ev.terminal, sizeof ev.terminal, "intake-02");
	ok(json_parse(ev.body, ev.body_len, &root, &em) == CST_OK &&
	    authority_check(&ev, root, &p, &em) == CST_ERR_INPUT,
	    "and refuses it replayed by another terminal");
	json_free(root);
	snprintf(ev.terminal, sizeof ev.terminal, "intake-01");
	ev.body[8] = 'X';	/* "c1" -> "cX" in the id */
	ok(json_parse(ev.body, ev.body_len, &root, &em) == CST_OK &&
	    authority_check(&ev, root, &p, &em) == CST_ERR_INPUT,
	    "or with one byte of the body changed");
	json_free(root);
	event_clear(&ev);
	free(out);
	authority_wipe(&a);
}

static int
hash_param(const char *h, const char *key)
{
	const char *p = h != NULL ? strstr(h, key) : NULL;

	return p != NULL ? atoi(p + strlen(key)) : 0;
}

static void
test_hash_cost(void)
{
	/* Made with libsodium at the old cost: m=9216 KiB, t=4. */
	static const char old[] = "$argon2id$v=19$m=9216,t=4,p=1$Wb9svJBMtvvLfuxpyRMd0g$"
	    "4aprKSbdGeK3j/cQAcKv3S0FWWbXxvfTqJ8InJak38s";
	char *h = stored_hash(ta, "a1");

	ok(hash_param(h, "m=") >= 65536 && hash_param(h, "t=") >= 3,
	    "a new password hash costs more than libsodium's interactive minimum (64 MiB, 2 passes)");
	ok(h != NULL && !cry_pwhash_needs_rehash(h), "and is of today's cost");
	free(h);
	ok(cry_pwhash_check(old, "password-1", 10), "a hash made at the old cost still verifies");
	ok(!cry_pwhash_check(old, "password-2", 10), "and refuses a wrong password");
	ok(cry_pwhash_needs_rehash(old), "and is known to be of an older cost");
}

int
main(void)
{
	if (cry_init() != CST_OK)
		return 99;
	top = t_tmpdir("authority");
	clock_set_ms(T2026 - 1000);
	ta = tj_make(top, "ta");
	tb = tj_make(top, "tb");
	tr = tj_make(top, "tr");
	tj_copy_chain(ta, tb->journal);
	tj_copy_chain(tb, ta->journal);
	tj_copy_chain(tr, ta->journal);
	rogue_init(&rb, tr);
	test_impostor();
	test_admin_present();
	test_foreign_lockout();
	test_foreign_text();
	test_foreign_documents();
	test_escape();
	test_cutover();
	test_tofu();
	test_vector();
	test_hash_cost();
	terminal_close(ta);
	terminal_close(tb);
	terminal_close(tr);
	if (t_failed == 0)
		t_rmrf(top);
	else
		fprintf(stderr, "kept %s\n", top);
	free(top);
	return t_done();
}

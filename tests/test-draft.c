/*
 * The draft store (src/draft.c): sealed and opened again, across a reopen; a damaged box, one
 * bound to another form or sealed with another key is reported and dropped; the key file is
 * private; bounds on names and sizes; the decoder refuses what this program never writes.
 */
#include <sqlite3.h>
#include <time.h>

#include "t.h"
#include "util.h"

#include "crypto.h"
#include "draft.h"
#include "i18n.h"

static const char *dir;

static int
sql(const char *stmt)
{
	char path[PATH_MAX];
	sqlite3 *db;
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir, DRAFT_FILE);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, stmt, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static int
has(const char *all, size_t len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; i + n <= len; i++)
		if (memcmp(all + i, needle, n) == 0)
			return 1;
	return 0;
}

static char *
doc(const char *action, const char *name)
{
	struct jw w;

	draft_begin(&w, action);
	draft_field(&w, "name", name, -1);
	draft_field(&w, "sex", "", 1);
	draft_fields_end(&w);
	jw_key(&w, "extra");
	jw_arr_begin(&w);
	jw_str(&w, "腿部擦伤");
	jw_arr_end(&w);
	draft_end(&w);
	return jw_take(&w, NULL);
}

static void
test_store(void)
{
	struct draft_store *ds;
	struct errmsg em;
	struct stat st;
	char *text, *got, path[PATH_MAX];
	size_t n;
	FILE *f;

	ok(draft_open(dir, &ds, &em) == CST_OK, "the store opens, made on first use");
	snprintf(path, sizeof path, "%s/%s", dir, DRAFT_KEY_FILE);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "drafts.key is made 0600");
	text = doc("0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b", "张三丰");
	ok(draft_get(ds, "register", "", &got, &n, &em) == CST_ERR_NOTFOUND, "none at first");
	ok(draft_put(ds, "register", "", text, strlen(text), &em) == CST_OK, "a draft is kept");
	ok(draft_exists(ds, "register", "") && !draft_exists(ds, "search", ""),
	    "it exists under its kind only");
	draft_close(ds);

	/* Nothing readable on disk: the name is sealed. */
	snprintf(path, sizeof path, "%s/%s", dir, DRAFT_FILE);
	f = fopen(path, "rb");
	if (f != NULL) {
		static char all[1 << 16];
		size_t len = fread(all, 1, sizeof all, f);

		fclose(f);
		ok(len > 0 && !has(all, len, "张三丰") && !has(all, len, "腿部"),
		    "no plain text in drafts.db");
	}

	ok(draft_open(dir, &ds, &em) == CST_OK, "the store opens again (a restart)");
	ok(draft_get(ds, "register", "", &got, &n, &em) == CST_OK && n == strlen(text) &&
	    memcmp(got, text, n) == 0, "the draft comes back byte for byte");
	free(got);
	ok(draft_put(ds, "register", "", "{}", 2, &em) == CST_OK &&
	    draft_get(ds, "register", "", &got, &n, &em) == CST_OK && n == 2,
	    "a second put replaces it");
	free(got);
	ok(draft_delete(ds, "register", "", &em) == CST_OK &&
	    draft_get(ds, "register", "", &got, &n, &em) == CST_ERR_NOTFOUND,
	    "a deleted draft is gone");
	ok(draft_delete(ds, "register", "", &em) == CST_OK, "deleting none is not an error");

	/* A box moved to another form does not open (the ad binds kind and subject). */
	ok(draft_put(ds, "search", "visit-a", text, strlen(text), &em) == CST_OK, "kept again");
	draft_close(ds);
	ok(sql("UPDATE draft SET subject = 'visit-b'") == 0, "moved to another visit by hand");
	ok(draft_open(dir, &ds, &em) == CST_OK, "reopened");
	ok(draft_get(ds, "search", "visit-b", &got, &n, &em) == CST_ERR_CORRUPT &&
	    strstr(em.text, "dropped") != NULL, "a moved box is refused with a message");
	ok(!draft_exists(ds, "search", "visit-b"), "and dropped");

	/* A flipped byte. */
	ok(draft_put(ds, "search", "visit-a", text, strlen(text), &em) == CST_OK, "kept again");
	draft_close(ds);
	ok(sql("UPDATE draft SET box = substr(box, 1, 50) || x'00' || substr(box, 52)") == 0,
	    "a byte altered");
	ok(draft_open(dir, &ds, &em) == CST_OK &&
	    draft_get(ds, "search", "visit-a", &got, &n, &em) == CST_ERR_CORRUPT &&
	    !draft_exists(ds, "search", "visit-a"), "an altered box is refused and dropped");
	ok(sql("INSERT INTO draft VALUES ('search', 'short', x'0102')") == 0 &&
	    draft_get(ds, "search", "short", &got, &n, &em) == CST_ERR_CORRUPT,
	    "a box shorter than its overhead is refused");

	/* Another key: every draft becomes unreadable (and is dropped), nothing crashes. */
	ok(draft_put(ds, "search", "visit-a", text, strlen(text), &em) == CST_OK, "kept again");
	draft_close(ds);
	snprintf(path, sizeof path, "%s/%s", dir, DRAFT_KEY_FILE);
	unlink(path);
	ok(draft_open(dir, &ds, &em) == CST_OK, "a new key is made when the old one is gone");
	ok(draft_get(ds, "search", "visit-a", &got, &n, &em) == CST_ERR_CORRUPT,
	    "a draft sealed with another key is refused");

	/* Bounds. */
	ok(draft_put(ds, "a-kind-name-longer-than-thirty-two-bytes", "", "{}", 2, &em) ==
	    CST_ERR_ARG, "a long kind is refused");
	ok(draft_put(ds, "", "", "{}", 2, &em) == CST_ERR_ARG, "an empty kind is refused");
	ok(draft_put(ds, "search", "", text, DRAFT_MAX + 1, &em) == CST_ERR_FULL,
	    "a draft longer than DRAFT_MAX is refused");
	draft_close(ds);

	/* A damaged key file: the store does not open, with a message. */
	f = fopen(path, "w");
	if (f != NULL) {
		fputs("custody-drafts-key 1\nkey 12\n", f);
		fclose(f);
	}
	chmod(path, 0600);
	ok(draft_open(dir, &ds, &em) == CST_ERR_CORRUPT && ds == NULL &&
	    strstr(em.text, "drafts") != NULL, "a truncated key file is refused");
	chmod(path, 0644);
	ok(draft_open(dir, &ds, &em) != CST_OK, "a key file others may read is refused");
	unlink(path);
	free(text);
}

static void
test_decode(void)
{
	struct draft d;
	struct errmsg em;
	char *text = doc("0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b", "张三丰");
	char big[DRAFT_TEXT_MAX + 200];
	static const char *bad[] = {
		"", "[]", "{\"v\":2,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\","
		"\"fields\":{}}",
		"{\"v\":1,\"action\":\"x\",\"fields\":{}}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":[]}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":"
		"{\"a\":{\"t\":\"x\"}}}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":"
		"{\"a\":{\"t\":\"x\",\"c\":99999}}}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":"
		"{\"a\":{\"t\":\"x\\u0000y\",\"c\":0}}}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":"
		"{\"\":{\"t\":\"x\",\"c\":0}}}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":"
		"{\"a\\u0000b\":{\"t\":\"x\",\"c\":0},\"a\":{\"t\":\"x\",\"c\":0}}}",
		"{\"v\":1,\"action\":\"0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b\",\"fields\":"
		"{\"A B\":{\"t\":\"x\",\"c\":0}}}",
	};
	struct jw w;
	size_t i;
	int j;

	ok(draft_decode(text, strlen(text), &d, &em) == CST_OK && d.n == 2 &&
	    strcmp(d.f[0].key, "name") == 0 && strcmp(d.f[0].text, "张三丰") == 0 &&
	    d.f[0].choice == -1 && d.f[1].choice == 1 &&
	    strcmp(d.action_id, "0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b") == 0 &&
	    json_count(d.extra) == 1, "a draft decodes to its fields, action id and extra");
	draft_free(&d);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = draft_decode(bad[i], strlen(bad[i]), &d, &em);

		draft_free(&d);
		ok(r == CST_ERR_INPUT, "a malformed draft is refused");
	}
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	draft_begin(&w, "0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b");
	draft_field(&w, "name", big, -1);
	draft_fields_end(&w);
	draft_end(&w);
	ok(draft_decode(jw_text(&w, NULL), w.len, &d, &em) == CST_ERR_INPUT,
	    "a field text over DRAFT_TEXT_MAX is refused");
	draft_free(&d);
	jw_free(&w);
	draft_begin(&w, "0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b");
	for (j = 0; j <= DRAFT_FIELDS_MAX; j++) {
		char key[16];

		snprintf(key, sizeof key, "f%d", j);
		draft_field(&w, key, "", -1);
	}
	draft_fields_end(&w);
	draft_end(&w);
	ok(draft_decode(jw_text(&w, NULL), w.len, &d, &em) == CST_ERR_INPUT,
	    "more than DRAFT_FIELDS_MAX fields are refused");
	draft_free(&d);
	jw_free(&w);
	free(text);
}

/* What keeping a draft costs: the console writes one each second when it changed. */
static void
measure(void)
{
	struct draft_store *ds;
	struct timespec a, b;
	struct errmsg em;
	char *text = doc("0b7e3a9c-1d2e-4f50-8a6b-7c8d9e0f1a2b", "张三丰");
	int i, rounds = 50;
	double ms;

	if (draft_open(dir, &ds, &em) != CST_OK)
		return;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < rounds; i++)
		draft_put(ds, "register", "", text, strlen(text), &em);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) /
	    rounds;
	printf("one draft kept (seal + WAL commit): %.2f ms\n", ms);
	draft_close(ds);
	free(text);
}

int
main(void)
{
	char *tmp = t_tmpdir("draft");

	i18n_init();
	cry_init();
	dir = tmp;
	test_store();
	test_decode();
	measure();
	t_rmrf(tmp);
	free(tmp);
	return t_done();
}

/* The custody command line: every command, exit codes, and bad input of every kind. */
#include <sqlite3.h>

#include "json.h"
#include "t.h"
#include "util.h"

static char data_arg[PATH_MAX + 8];
static char dir[PATH_MAX];

static void
test_basics(void)
{
	struct t_result r;

	r = t_custody("--version");
	ok(r.status == 0 && t_has(r.out, "custody 0."), "--version");
	t_result_free(&r);
	r = t_custody("--help");
	ok(r.status == 0 && t_has(r.out, "init") && t_has(r.out, "verify") &&
	    t_has(r.out, "log"), "--help lists the commands");
	t_result_free(&r);
	r = t_custody("frobnicate");
	ok(r.status == 2 && t_has(r.err, "unknown command"), "unknown command: exit 2");
	t_result_free(&r);
	r = t_custody("init", data_arg);
	ok(r.status == 2 && t_has(r.err, "--terminal"), "init without --terminal: exit 2");
	t_result_free(&r);
	r = t_custody("init", data_arg, "--terminal", "bad name", "--room", "intake");
	ok(r.status == 2 && t_has(r.err, "not valid"), "init with a bad name: exit 2");
	t_result_free(&r);
	r = t_custody("log", data_arg, "--since", "yesterday-ish");
	ok(r.status == 2 && t_has(r.err, "--since"), "log with a bad --since: exit 2");
	t_result_free(&r);
}

static void
test_translation(void)
{
	char *env[] = { "LANGUAGE=zh_CN", "LC_ALL=C.UTF-8", NULL };
	struct t_result r = t_custody_env(env, NULL, "--help", (char *)NULL);

	ok(r.status == 0 && t_has(r.out, "命令"), "LANGUAGE=zh_CN: help in Chinese");
	t_result_free(&r);
	{
		char *env2[] = { "LANG=zh_CN.UTF-8", "LC_ALL=", "LANGUAGE=", NULL };

		r = t_custody_env(env2, NULL, "--help", (char *)NULL);
		ok(r.status == 0 && t_has(r.out, "命令"),
		    "LANG=zh_CN.UTF-8 without that locale installed: still Chinese");
		t_result_free(&r);
	}
}

static void
test_init_verify_log(void)
{
	struct t_result r;
	struct json *line;
	char *nl;

	r = t_custody("init", data_arg, "--terminal", "intake-01", "--room", "intake");
	ok(r.status == 0 && t_has(r.out, "intake-01") && t_has(r.out, "public key"),
	    "init creates the terminal");
	t_result_free(&r);
	r = t_custody("init", data_arg, "--terminal", "intake-01", "--room", "intake");
	ok(r.status == 3 && t_has(r.err, "already exists"), "a second init is refused: exit 3");
	t_result_free(&r);
	r = t_custody("verify", data_arg);
	ok(r.status == 0 && t_has(r.out, "verified") && t_has(r.out, "head seq 1"),
	    "verify a fresh terminal");
	t_result_free(&r);
	r = t_custody("log", data_arg);
	nl = strchr(r.out, '\n');
	ok(r.status == 0 && nl != NULL && nl[1] == '\0', "log prints one line");
	if (ok(nl != NULL && json_parse(r.out, (size_t)(nl - r.out), &line, NULL) == CST_OK,
	    "the line is JSON")) {
		const struct json *body = json_get(line, "body");

		ok(strcmp(json_get_str(line, "kind"), "terminal.created") == 0 &&
		    json_get_str(body, "public_key") != NULL &&
		    strcmp(json_get_str(body, "room"), "intake") == 0,
		    "terminal.created carries the public key and the room");
		json_free(line);
	}
	t_result_free(&r);
	r = t_custody("log", data_arg, "--kind", "person.*");
	ok(r.status == 0 && r.out[0] == '\0', "log --kind person.* finds nothing yet");
	t_result_free(&r);
	r = t_custody("log", data_arg, "--kind", "terminal.*", "--since", "2020-01-01");
	ok(r.status == 0 && t_has(r.out, "terminal.created"), "log --kind prefix and --since");
	t_result_free(&r);
	r = t_custody("log", data_arg, "--subject", "intake-01");
	ok(r.status == 0 && t_has(r.out, "terminal.created"), "log --subject");
	t_result_free(&r);
	{
		char env_data[PATH_MAX + 16], *env[] = { env_data, NULL };

		snprintf(env_data, sizeof env_data, "CUSTODY_DATA=%s", dir);
		r = t_custody_env(env, NULL, "verify", (char *)NULL);
		ok(r.status == 0, "CUSTODY_DATA is the default data directory");
		t_result_free(&r);
	}
	{
		char db[PATH_MAX];

		snprintf(db, sizeof db, "%s/custody.db", dir);
		r = t_custody("verify", "--db", db);
		ok(r.status == 0 && t_has(r.out, "verified"), "verify --db FILE needs no key");
		t_result_free(&r);
	}
	r = t_custody("rebuild", data_arg);
	ok(r.status == 0, "rebuild");
	t_result_free(&r);
}

static void
key_path(char *out, size_t n)
{
	snprintf(out, n, "%s/terminal.key", dir);
}

static char *
read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	char *text;

	if (fd < 0)
		return NULL;
	text = t_slurp_fd(fd);
	close(fd);
	*len = strlen(text);
	return text;
}

static void
test_key_problems(void)
{
	char key[PATH_MAX], saved[PATH_MAX + 8], other[PATH_MAX];
	struct t_result r;
	size_t len;
	char *text;

	key_path(key, sizeof key);
	text = read_file(key, &len);
	snprintf(saved, sizeof saved, "%s.saved", key);

	chmod(key, 0644);
	r = t_custody("verify", data_arg);
	ok(r.status == 3 && t_has(r.err, "chmod 600"), "a key readable by others is refused, "
	    "with the fix");
	t_result_free(&r);
	chmod(key, 0600);

	rename(key, saved);
	r = t_custody("verify", data_arg);
	ok(r.status == 3 && t_has(r.err, "missing"), "a missing key: exit 3, says missing");
	t_result_free(&r);

	t_write_file(key, text, len / 2, 0600);
	r = t_custody("verify", data_arg);
	ok(r.status == 3 && t_has(r.err, "damaged"), "a truncated key: exit 3, says damaged");
	t_result_free(&r);
	unlink(key);

	t_write_file(key, "", 0, 0600);
	r = t_custody("verify", data_arg);
	ok(r.status == 3 && t_has(r.err, "damaged"), "an empty key: exit 3, says damaged");
	t_result_free(&r);
	unlink(key);

	snprintf(other, sizeof other, "%s-other", dir);
	r = t_custody("init", "--data", other, "--terminal", "intake-01", "--room", "intake");
	t_result_free(&r);
	snprintf(other + strlen(other), sizeof other - strlen(other), "/terminal.key");
	{
		size_t olen;
		char *otext = read_file(other, &olen);

		t_write_file(key, otext, olen, 0600);
		free(otext);
	}
	r = t_custody("verify", data_arg);
	ok(r.status == 1 && t_has(r.err, "does not match"), "another terminal's key: exit 1");
	t_result_free(&r);
	unlink(key);

	ok(symlink(saved, key) == 0, "symlink made");
	r = t_custody("verify", data_arg);
	ok(r.status == 3 && t_has(r.err, "symbolic link"), "a key behind a symlink is refused");
	t_result_free(&r);
	unlink(key);

	rename(saved, key);
	r = t_custody("verify", data_arg);
	ok(r.status == 0, "the real key back: verify passes");
	t_result_free(&r);
	free(text);
}

static void
test_database_problems(void)
{
	char db[PATH_MAX], copy[PATH_MAX + 8], other_arg[PATH_MAX + 16], bad[PATH_MAX];
	struct t_result r;
	sqlite3 *h;

	snprintf(other_arg, sizeof other_arg, "--data=%s-missing", dir);
	r = t_custody("verify", other_arg);
	ok(r.status == 3 && t_has(r.err, "custody init"), "no journal: exit 3, says how to make "
	    "one");
	t_result_free(&r);

	snprintf(db, sizeof db, "%s/custody.db", dir);
	snprintf(bad, sizeof bad, "%s-bad", dir);
	mkdir(bad, 0700);
	snprintf(copy, sizeof copy, "%s/custody.db", bad);
	{
		static const char junk[] = "garbage garbage garbage garbage garbage garbage "
		    "garbage garbage garbage garbage garbage garbage garbage garbage garbage";

		t_write_file(copy, junk, sizeof junk - 1, 0600);
	}
	snprintf(other_arg, sizeof other_arg, "--data=%s", bad);
	r = t_custody("verify", other_arg);
	ok(r.status == 3 && t_has(r.err, "not a database"), "a garbage journal: exit 3");
	t_result_free(&r);
	r = t_custody("log", other_arg);
	ok(r.status == 3, "log on a garbage journal: exit 3");
	t_result_free(&r);

	/* A writer in exclusive locking mode keeps every other connection out. */
	sqlite3_open(db, &h);
	sqlite3_exec(h, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
	    "INSERT INTO local VALUES ('lock-test', 'x')", NULL, NULL, NULL);
	r = t_custody("verify", data_arg);
	ok(r.status == 4 && t_has(r.err, "locked"), "a locked journal: exit 4, says locked");
	t_result_free(&r);
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h);
	r = t_custody("verify", data_arg);
	ok(r.status == 0, "lock released: verify passes");
	t_result_free(&r);

	/* The disk fills up: a write fails, the message says so, the journal still verifies. */
	t_child_fsize = 4096;
	r = t_custody("rebuild", data_arg);
	t_child_fsize = 0;
	ok(r.status == 5 && t_has(r.err, "full"), "rebuild on a full disk: exit 5, says full");
	t_result_free(&r);
	r = t_custody("verify", data_arg);
	ok(r.status == 0, "after the failed write the journal still verifies");
	t_result_free(&r);

	snprintf(other_arg, sizeof other_arg, "--data=%s-full", dir);
	t_child_fsize = 4096;
	r = t_custody("init", other_arg, "--terminal", "f1", "--room", "intake");
	t_child_fsize = 0;
	ok(r.status == 5, "init on a full disk: exit 5");
	snprintf(copy, sizeof copy, "%s-full/custody.db", dir);
	ok(access(copy, F_OK) != 0, "a failed init leaves no half-made journal");
	snprintf(copy, sizeof copy, "%s-full/terminal.key", dir);
	ok(access(copy, F_OK) != 0, "a failed init leaves no key");
	t_result_free(&r);

	/* Newer schema. */
	sqlite3_open(db, &h);
	sqlite3_exec(h, "INSERT INTO schema_version VALUES (99, 'from-the-future', 0)", NULL, NULL,
	    NULL);
	sqlite3_close(h);
	r = t_custody("verify", data_arg);
	ok(r.status == 3 && t_has(r.err, "newer"), "a journal from a newer custody: exit 3");
	t_result_free(&r);
}

/* Issue 13, "Also": init refuses a room run would refuse; the data directory is 0700. */
static void
test_init_room_and_mode(const char *base)
{
	char d[PATH_MAX], arg[PATH_MAX + 8], db[PATH_MAX + 16];
	struct t_result r;
	struct stat st;

	snprintf(d, sizeof d, "%s/rooms", base);
	snprintf(arg, sizeof arg, "--data=%s", d);
	snprintf(db, sizeof db, "%s/custody.db", d);
	r = t_custody("init", arg, "--terminal", "t9", "--room", "registration");
	ok(r.status == 2 && t_has(r.err, "registration") && t_has(r.err, "intake") &&
	    t_has(r.err, "supervision") && stat(db, &st) != 0,
	    "init --room registration: refused with the list of rooms, nothing created");
	t_result_free(&r);
	ok(mkdir(d, 0755) == 0 && chmod(d, 0755) == 0, "a data directory made beforehand, 0755");
	r = t_custody("init", arg, "--terminal", "t9", "--room", "exit");
	ok(r.status == 0 && stat(d, &st) == 0 && (st.st_mode & 07777) == 0700,
	    "init makes an existing data directory 0700");
	t_result_free(&r);
}

/* The one-time enrolment token: from standard input or a file, never the command line. */
static void
test_enroll_token(const char *base)
{
	char d[PATH_MAX], arg[PATH_MAX + 8], tokfile[PATH_MAX + 16];
	struct t_result r;

	snprintf(d, sizeof d, "%s/enroll", base);
	snprintf(arg, sizeof arg, "--data=%s", d);
	snprintf(tokfile, sizeof tokfile, "%s/token", base);
	r = t_custody("init", arg, "--terminal", "e1", "--room", "intake");
	t_result_free(&r);
	r = t_custody("enroll", arg, "--ledger", "https://127.0.0.1:1", "--token",
	    "0123456789abcdef0123456789abcdef");
	ok(r.status == 2 && t_has(r.err, "--token-file") && !t_has(r.err, "0123456789abcdef"),
	    "enroll --token TOKEN is refused (other users see it in ps), without echoing it");
	t_result_free(&r);
	r = t_custody("enroll", arg, "--ledger", "https://127.0.0.1:1", "--token-file",
	    "/nonexistent/token");
	ok(r.status != 0 && t_has(r.err, "/nonexistent/token"), "a missing token file is named");
	t_result_free(&r);
	r = t_custody_env(NULL, "", "enroll", arg, "--ledger", "https://127.0.0.1:1", (char *)NULL);
	ok(r.status == 2 && t_has(r.err, "token"), "an empty standard input: no token, exit 2");
	t_result_free(&r);
	t_write_file(tokfile, "0123456789abcdef0123456789abcdef\n", 33, 0600);
	r = t_custody("enroll", arg, "--ledger", "https://127.0.0.1:1", "--token-file", tokfile);
	ok(r.status != 0 && r.status != 2 && !t_has(r.err, "token"),
	    "a token file is read: the enrolment goes on to the ledger (none listens here)");
	t_result_free(&r);
	r = t_custody_env(NULL, "0123456789abcdef0123456789abcdef\n", "enroll", arg, "--ledger",
	    "https://127.0.0.1:1", (char *)NULL);
	ok(r.status != 0 && r.status != 2 && !t_has(r.err, "token"),
	    "a token on standard input is read the same way");
	t_result_free(&r);
}

int
main(void)
{
	char *base = t_tmpdir("cli");

	snprintf(dir, sizeof dir, "%s/term", base);
	snprintf(data_arg, sizeof data_arg, "--data=%s", dir);
	test_basics();
	test_translation();
	test_init_verify_log();
	test_key_problems();
	test_database_problems();
	test_init_room_and_mode(base);
	test_enroll_token(base);
	t_rmrf(base);
	free(base);
	return t_done();
}

/*
 * Crash test: a child appends events in a loop and reports each seq it saw committed; the
 * parent kills it with SIGKILL at random moments, 50 times. Afterwards every reported seq is
 * present, the chain verifies and PRAGMA integrity_check says ok.
 *
 * And what a failed write leaves behind (issue 13 §6): fdatasync fails for real (libfiu's
 * POSIX preload under fiu-run, the libc call the issue saw, in Debian's unmodified SQLite)
 * after an append's WAL frames are written. The append is reported failed and the journal
 * stops; reopened (in the same process, or after a restart) SQLite replays the WAL and the
 * event is there. The clerk saves the same form again, with the same action id: the answer
 * is "already recorded" with that event, never a second one.
 */
#include <errno.h>
#include <fiu-control.h>
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>

#include "intake.h"
#include "journal.h"
/* Where Debian's fiu-utils keeps the preload libraries that fiu-run uses. */
#define FIU_LIB "/usr/lib/fiu"

#include "t.h"
#include "terminal.h"
#include "util.h"

#define ROUNDS 50

static void
child(const char *dir, int fd)
{
	struct terminal *t;
	struct event ev;
	char body[300];

	if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		_exit(2);
	memset(body, 'x', sizeof body);
	memcpy(body, "{\"pad\":\"", 8);
	memcpy(body + sizeof body - 2, "\"}", 2);
	for (;;) {
		memset(&ev, 0, sizeof ev);
		if (journal_append(t->journal, "clerk-1", "note.added", "v-1", body, sizeof body,
		    &ev, NULL) != CST_OK)
			_exit(3);
		/* Reported only after journal_append returned: the commit is durable. */
		if (write(fd, &ev.seq, sizeof ev.seq) != sizeof ev.seq)
			_exit(4);
		event_clear(&ev);
	}
}

/* Reads the seqs the child reported; returns the highest. */
static int64_t
drain(int fd, int64_t *count)
{
	int64_t seq, max = 0;

	while (read(fd, &seq, sizeof seq) == sizeof seq) {
		if (seq > max)
			max = seq;
		(*count)++;
	}
	return max;
}

static int
integrity_ok(const char *dir)
{
	char path[PATH_MAX];
	sqlite3_stmt *st;
	sqlite3 *db;
	int good = 0;

	snprintf(path, sizeof path, "%s/custody.db", dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		good = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return good;
}

#define ACTION "6f1c9e2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b"

static void
registration(struct registration *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "张三丰");
	r->sex = 'M';
	snprintf(r->ethnicity, sizeof r->ethnicity, "01");
	snprintf(r->address, sizeof r->address, "北京市东城区东长安街1号");
	snprintf(r->id_number, sizeof r->id_number, "110105198001010016");
	snprintf(r->case_number, sizeof r->case_number, "A1101012026110001");
	snprintf(r->reason, sizeof r->reason, "criminal");
	snprintf(r->officer1, sizeof r->officer1, "110001");
	snprintf(r->officer2, sizeof r->officer2, "110002");
}

/* The body search the clerk saves, and saves again when told it failed. */
static void
search(struct search_record *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->officer, sizeof s->officer, "110003");
	s->officer_sex = 'M';
	snprintf(s->witness, sizeof s->witness, "110004");
	snprintf(s->health, sizeof s->health, "无不适");
}

static int
count_one(const struct event *ev, void *arg)
{
	(void)ev;
	(*(int *)arg)++;
	return 0;
}

static int
count_kind(struct journal *j, const char *kind)
{
	struct journal_filter f = { NULL, kind, NULL, 0 };
	int n = 0;

	journal_each(j, &f, count_one, &n, NULL);
	return n;
}

/*
 * The child, under fiu-run -x: a registration that commits, then fdatasync fails and the
 * body search with ACTION is reported failed. mode "restart": it closes the journal and exits
 * (the parent is the restarted program). mode "reopen": the same process reopens the journal,
 * as the console does after a stop (F5), and saves the form again.
 * Prints: visit first-status second-status [redo-status already searches after-status].
 */
static int
sync_child(const char *dir, const char *mode)
{
	struct intake in = { NULL, "c1", 5, 900000, NULL };
	char visit[UUID_LEN + 1] = "";
	struct registration r;
	struct search_record sr;
	struct intake_error e;
	struct terminal *t;
	int first, second, again, n, after;

	if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		return 2;
	in.j = t->journal;
	registration(&r);
	if (intake_register(&in, &r, visit, &e) != CST_OK)
		return 3;
	if (fiu_enable("posix/io/sync/fdatasync", 1, (void *)(intptr_t)EIO, 0) != 0)
		return 4;
	in.action = ACTION;
	search(&sr);
	first = intake_search(&in, visit, &sr, &e);
	fprintf(stderr, "child: %s\n", e.em.text);
	second = intake_search(&in, visit, &sr, &e);
	printf("%s %d %d", visit, first, second);
	if (strcmp(mode, "reopen") == 0) {
		/* fdatasync still fails: the close cannot checkpoint, the WAL stays for the open. */
		again = journal_reopen(t->journal, &e.em);
		if (again == CST_OK)
			again = intake_search(&in, visit, &sr, &e);
		n = count_kind(t->journal, "search.recorded");
		fiu_disable("posix/io/sync/fdatasync");
		after = journal_append(t->journal, "c1", "note.added", "v-0", "{}", 2, NULL, NULL);
		printf(" %d %d %d %d", again, e.already, n, after);
	}
	fflush(stdout);
	terminal_close(t);
	return 0;
}

/* The path of the sanitizer's runtime this program runs with, or "" (not a sanitizer build). */
static void
asan_runtime(char *out, size_t size)
{
	char line[PATH_MAX + 128], *p;
	FILE *f = fopen("/proc/self/maps", "r");

	out[0] = '\0';
	while (f != NULL && out[0] == '\0' && fgets(line, sizeof line, f) != NULL)
		if ((p = strchr(line, '/')) != NULL && strstr(p, "/libasan.so") != NULL) {
			p[strcspn(p, "\n")] = '\0';
			snprintf(out, size, "%s", p);
		}
	if (f != NULL)
		fclose(f);
}

/*
 * The child under libfiu's POSIX preload, as fiu-run -x would start it (its preload and
 * environment, here by hand): under the sanitizers their runtime must come first in
 * LD_PRELOAD, which fiu-run cannot arrange.
 */
static struct t_result
run_child(const char *dir, const char *mode)
{
	char self[PATH_MAX], asan[PATH_MAX], preload[2 * PATH_MAX + 128];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *argv[] = { self, "sync-child", (char *)dir, (char *)mode, NULL };
	char *env[] = { preload, "FIU_ENABLE=", "FIU_CTRL_FIFO=", NULL };

	if (n <= 0)
		exit(99);
	self[n] = '\0';
	asan_runtime(asan, sizeof asan);
	snprintf(preload, sizeof preload, "LD_PRELOAD=%s%s" FIU_LIB "/fiu_run_preload.so "
	    FIU_LIB "/fiu_posix_preload.so", asan, asan[0] ? " " : "");
	return t_run(argv, env, NULL);
}

static void
test_failed_sync(const char *mode)
{
	char *dir = t_tmpdir("failsync");
	char visit[UUID_LEN + 1] = "", what[200];
	int first = -1, second = -1, again = -1, already = -1, n = -1, after = -1;
	struct intake in = { NULL, "c1", 5, 900000, ACTION };
	struct journal_stop stop;
	struct search_record sr;
	struct intake_error e;
	struct terminal *t;
	struct t_result cr;

	if (terminal_create(dir, "k2", "intake", NULL) != CST_OK)
		exit(99);
	cr = run_child(dir, mode);
	sscanf(cr.out, "%36s %d %d %d %d %d %d", visit, &first, &second, &again, &already, &n,
	    &after);
	snprintf(what, sizeof what, "[%s] the search saved under a failing fdatasync is reported "
	    "failed (I/O), the next save refused: the journal stopped", mode);
	ok(cr.status == 0 && first == CST_ERR_IO && second == CST_ERR_STOPPED, what);
	if (cr.status != 0 || first != CST_ERR_IO)
		fprintf(stderr, "child (exit %d): %s\n%s\n", cr.status, cr.out, cr.err);
	if (strcmp(mode, "reopen") == 0) {
		ok(again == CST_OK && already == 1 && n == 1, "[reopen] reopened in the same "
		    "process, the search is there and saving it again is answered \"already "
		    "recorded\": one search");
		ok(after == CST_OK, "[reopen] with fdatasync working again, the journal writes");
	}
	if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		exit(99);
	snprintf(what, sizeof what, "[%s] the stop is recorded beside the journal, with the "
	    "action that failed", mode);
	ok(journal_stop_get(t->journal, &stop, NULL) == CST_OK &&
	    strcmp(stop.action, ACTION) == 0 && strcmp(stop.kind, "search.recorded") == 0 &&
	    strcmp(stop.operator_, "c1") == 0 && strcmp(stop.subject, visit) == 0 &&
	    t_has(stop.reason, "fsync"), what);
	/* The restarted program: the WAL replayed, the event reported failed is there. */
	snprintf(what, sizeof what, "[%s] after a restart the search reported failed is in the "
	    "journal (its WAL frames were replayed)", mode);
	ok(count_kind(t->journal, "search.recorded") == 1, what);
	in.j = t->journal;
	search(&sr);
	memset(&e, 0, sizeof e);
	snprintf(what, sizeof what, "[%s] the clerk saves the same form again (same action id): "
	    "already recorded, with the event", mode);
	ok(intake_search(&in, visit, &sr, &e) == CST_OK && e.already && e.seq > 0 &&
	    strcmp(e.subject, visit) == 0, what);
	snprintf(what, sizeof what, "[%s] never a second search", mode);
	ok(count_kind(t->journal, "search.recorded") == 1, what);
	ok(journal_verify(t->journal, "k2", t->pk, NULL, NULL, NULL, NULL) == CST_OK,
	    "the chain verifies");
	terminal_close(t);
	t_result_free(&cr);
	t_rmrf(dir);
	free(dir);
}

int
main(int argc, char **argv)
{
	char *dir;
	int64_t reported_max = 0, reported = 0, head;
	unsigned char hash[CRY_HASH_BYTES];
	struct terminal *t;
	struct t_result r;
	char arg[PATH_MAX + 8];
	int round, ws, kills_mid_run = 0;

	cry_init();
	if (argc == 4 && strcmp(argv[1], "sync-child") == 0)
		return sync_child(argv[2], argv[3]);
	dir = t_tmpdir("crash");
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (terminal_create(dir, "k1", "intake", NULL) != CST_OK)
		return 99;
	for (round = 0; round < ROUNDS; round++) {
		int fds[2];
		pid_t pid;
		int64_t max;
		struct timespec nap = { 0, (long)(1 + rand() % 40) * 1000000L };

		if (pipe(fds) != 0)
			return 99;
		pid = fork();
		if (pid == 0) {
			close(fds[0]);
			child(dir, fds[1]);
		}
		close(fds[1]);
		nanosleep(&nap, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, &ws, 0);
		kills_mid_run += WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL;
		max = drain(fds[0], &reported);
		close(fds[0]);
		if (max > reported_max)
			reported_max = max;
	}
	ok(kills_mid_run == ROUNDS, "every child was killed while appending");
	ok(reported > ROUNDS, "children reported committed events");
	if (terminal_open(dir, TERMINAL_SIGN, &t, NULL) != CST_OK)
		return 99;
	ok(journal_head(t->journal, "k1", &head, hash, NULL) == CST_OK && head >= reported_max,
	    "every reported seq is present (head >= highest reported)");
	ok(journal_verify(t->journal, "k1", t->pk, NULL, NULL, NULL, NULL) == CST_OK,
	    "the chain verifies after 50 kills");
	ok(journal_append(t->journal, "clerk-1", "note.added", "v-1", "{}", 2, NULL, NULL) ==
	    CST_OK, "the journal takes appends after the kills");
	terminal_close(t);
	ok(integrity_ok(dir), "PRAGMA integrity_check says ok");
	snprintf(arg, sizeof arg, "--data=%s", dir);
	r = t_custody("verify", arg);
	ok(r.status == 0, "custody verify agrees");
	t_result_free(&r);
	printf("crash: %lld events reported committed over %d kills, head seq %lld\n",
	    (long long)reported, ROUNDS, (long long)head);
	t_rmrf(dir);
	free(dir);
	test_failed_sync("restart");
	test_failed_sync("reopen");
	return t_done();
}

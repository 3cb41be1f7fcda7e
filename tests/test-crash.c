/*
 * Crash test: a child appends events in a loop and reports each seq it saw committed; the
 * parent kills it with SIGKILL at random moments, 50 times. Afterwards every reported seq is
 * present, the chain verifies and PRAGMA integrity_check says ok.
 */
#include <sqlite3.h>
#include <time.h>

#include "journal.h"
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

int
main(void)
{
	char *dir = t_tmpdir("crash");
	int64_t reported_max = 0, reported = 0, head;
	unsigned char hash[CRY_HASH_BYTES];
	struct terminal *t;
	struct t_result r;
	char arg[PATH_MAX + 8];
	int round, ws, kills_mid_run = 0;

	cry_init();
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
	return t_done();
}

/*
 * Helpers of the sync tests (test-sync, test-rollback): certificates made with openssl, a real
 * custody-ledger on loopback, the fault proxy, terminals made and enrolled with the real
 * binaries, and a look at what the ledger holds.
 */
#ifndef CUSTODY_SYNC_UTIL_H
#define CUSTODY_SYNC_UTIL_H

#include <sqlite3.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <time.h>

#include "alert.h"
#include "clock.h"
#include "crypto.h"
#include "intake.h"
#include "journal.h"
#include "sync.h"
#include "terminal.h"

#include "faultproxy.h"
#include "t.h"
#include "util.h"

static char *dir;
static char ledger_db[PATH_MAX];
static int ledger_port;
static pid_t ledger_pid = -1, proxy_pid = -1;
static int proxy_port;
static struct fp_ctl *ctl;

static inline void
die(const char *what)
{
	fprintf(stderr, "sync test: %s\n", what);
	if (ledger_pid > 0)
		kill(ledger_pid, SIGKILL);
	if (proxy_pid > 0)
		kill(proxy_pid, SIGKILL);
	exit(99);
}

static inline void
sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		die(cmd);
}

static inline const char *
path(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static inline void
make_certs(void)
{
	sh("cd %s && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout ca.key -out ca.pem -days 2 -subj /CN=custody-test-ca 2>/dev/null && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key "
	    "-out server.csr -subj /CN=127.0.0.1 2>/dev/null && "
	    "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext.cnf && "
	    "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	    "-out server.pem -days 2 -extfile ext.cnf 2>/dev/null && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-ca 2>/dev/null",
	    dir);
}

static inline int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Starts the ledger on ledger_db and port (0: any), its key in keyfile (NULL: beside a SQLite
 * ledger_db), and waits for its "on port N" line.
 */
static inline void
ledger_start_key(int port, const char *keyfile)
{
	char listen[64], line[512];
	const char *log = path("ledger.log");
	int64_t until = now_ms() + 15000;
	FILE *f;

	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	unlink(log);
	if ((ledger_pid = fork()) == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		char *argv[] = { "custody-ledger", "serve", "--db", ledger_db, "--listen", listen,
		    "--cert", (char *)path("server.pem"), "--key", (char *)path("server.key"),
		    "--ledger-key", (char *)keyfile, NULL };

		if (keyfile == NULL)
			argv[10] = NULL;
		dup2(fd, 2);
		execv(t_bin("custody-ledger"), argv);
		_exit(127);
	}
	while (now_ms() < until) {
		if ((f = fopen(log, "r")) != NULL) {
			while (fgets(line, sizeof line, f) != NULL) {
				char *p = strstr(line, "on port ");

				if (p != NULL) {
					ledger_port = atoi(p + 8);
					fclose(f);
					return;
				}
			}
			fclose(f);
		}
		{
			struct timespec ts = { 0, 20000000L };

			nanosleep(&ts, NULL);
		}
	}
	die("the ledger did not start");
}

/* Starts the ledger on port (0: any), its key beside its SQLite file. */
static inline void
ledger_start(int port)
{
	ledger_start_key(port, NULL);
}

static inline void
ledger_stop(int sig)
{
	if (ledger_pid > 0) {
		kill(ledger_pid, sig);
		waitpid(ledger_pid, NULL, 0);
	}
	ledger_pid = -1;
}

static inline struct t_result
ledger_cmd(const char *cmd, const char *arg1, const char *arg2)
{
	char *argv[8];
	int i = 0;

	argv[i++] = (char *)t_bin("custody-ledger");
	argv[i++] = (char *)cmd;
	argv[i++] = "--db";
	argv[i++] = ledger_db;
	if (arg1 != NULL) {
		argv[i++] = (char *)arg1;
		argv[i++] = (char *)arg2;
	}
	argv[i] = NULL;
	return t_run(argv, NULL, NULL);
}

static inline void
proxy_start(void)
{
	char port[16], line[32];
	int out[2], fd;
	ssize_t n;

	fd = open(path("proxy.ctl"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, sizeof *ctl) != 0)
		die("proxy control file");
	ctl = mmap(NULL, sizeof *ctl, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	snprintf(port, sizeof port, "%d", ledger_port);
	if (ctl == MAP_FAILED || pipe(out) != 0)
		die("proxy setup");
	if ((proxy_pid = fork()) == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execl(t_bin("tests/faultproxy"), "faultproxy", path("proxy.ctl"), port,
		    path("server.pem"), path("server.key"), (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	n = read(out[0], line, sizeof line - 1);
	close(out[0]);
	if (n <= 0)
		die("the fault proxy did not start");
	line[n] = '\0';
	proxy_port = atoi(line);
}

/* A token from the ledger on standard input to custody enroll: a check of the tests. */
static inline void
enroll_terminal(const char *name)
{
	struct t_result r = ledger_cmd("token", "--terminal", name), e;
	char url[64], line[128];

	if (r.status != 0)
		die(r.err);
	/* The token on standard input: never on the command line. */
	snprintf(line, sizeof line, "%.*s\n", (int)strcspn(r.out, "\n"), r.out);
	t_result_free(&r);
	snprintf(url, sizeof url, "https://127.0.0.1:%d", ledger_port);
	e = t_custody_env(NULL, line, "enroll", "--data", path(name), "--ledger", url, "--ca",
	    path("ca.pem"), (char *)NULL);
	ok(e.status == 0 && t_has(e.out, "enrolled"), "custody enroll");
	if (e.status != 0)
		fprintf(stderr, "%s", e.err);
	t_result_free(&e);
}

/* custody init, then enrolled. */
static inline void
make_terminal(const char *name, const char *room)
{
	struct t_result r;

	r = t_custody("init", "--data", path(name), "--terminal", name, "--room", room);
	if (r.status != 0)
		die(r.err);
	t_result_free(&r);
	enroll_terminal(name);
}

static inline void
fill_registration(struct registration *r, const char *name, const char *id, const char *band)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->sex = 'M';
	snprintf(r->ethnicity, sizeof r->ethnicity, "01");
	snprintf(r->address, sizeof r->address, "北京市东城区东长安街1号");
	snprintf(r->id_number, sizeof r->id_number, "%s", id);
	snprintf(r->phone, sizeof r->phone, "13800138000");
	snprintf(r->case_number, sizeof r->case_number, "A1101012026110001");
	snprintf(r->reason, sizeof r->reason, "criminal");
	snprintf(r->officer1, sizeof r->officer1, "110001");
	snprintf(r->officer2, sizeof r->officer2, "110002");
	snprintf(r->band, sizeof r->band, "%s", band);
}

/* The ID number 11010519800101001 with its check digit. */
static inline void
make_id(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	snprintf(out, 19, "%s%c", first17, "10X98765432"[sum % 11]);
}

static inline struct terminal *
open_terminal(const char *name, int flags)
{
	struct terminal *t;
	struct errmsg em;

	err_clear(&em);
	if (terminal_open(path(name), flags, &t, &em) != CST_OK)
		die(em.text);
	return t;
}

/* A person registered on terminal name by clerk c1 (ID from its first 17 digits, a band). */
static inline void
register_person(const char *name, const char *who, const char *id17, const char *band,
    char visit[64])
{
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);
	struct registration reg;
	struct intake_error e;
	struct intake in;
	char id[19];

	memset(&in, 0, sizeof in);
	in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	make_id(id17, id);
	fill_registration(&reg, who, id, band);
	memset(&e, 0, sizeof e);
	if (intake_register(&in, &reg, visit, &e) != CST_OK)
		die(e.em.text);
	terminal_close(t);
}

/* Opens terminal name for signing, with its sync conf and its secret key. */
static inline struct terminal *
open_for_sync(const char *name, struct sync_conf *cf, unsigned char sk[CRY_SK_BYTES])
{
	unsigned char pk[CRY_PK_BYTES];
	char tname[EV_MAX_ID + 1];
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);
	struct errmsg em;

	err_clear(&em);
	if (sync_conf_load(t->journal, cf, &em) != CST_OK ||
	    terminal_key_load(t->key_path, tname, sizeof tname, pk, sk, &em) != CST_OK)
		die(em.text);
	return t;
}

static inline void
sync_once_cli(const char *name, const char *what)
{
	struct t_result r = t_custody("sync", "--data", path(name), "--once");

	ok(r.status == 0, what);
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
}

static inline void
append_notes(struct terminal *t, int n)
{
	struct errmsg em;
	char body[64];
	int i;

	err_clear(&em);
	if (journal_batch_begin(t->journal, &em) != CST_OK)
		die(em.text);
	for (i = 0; i < n; i++) {
		int len = snprintf(body, sizeof body, "{\"n\":%d}", i);

		if (journal_append(t->journal, "c1", "note.added", "v-1", body, (size_t)len, NULL,
		    &em) != CST_OK)
			die(em.text);
	}
	if (journal_batch_end(t->journal, &em) != CST_OK)
		die(em.text);
}

/* The ledger's export holds seq 1..head of terminal exactly once each. */
static inline int
ledger_holds_exactly(const char *terminal, int64_t head)
{
	struct t_result r = ledger_cmd("export", NULL, NULL);
	char needle[96], *line, *save = NULL;
	unsigned char *seen = calloc((size_t)head + 2, 1);
	int64_t count = 0, dups = 0, seq;
	int good;

	snprintf(needle, sizeof needle, "\"terminal\":\"%s\"", terminal);
	for (line = strtok_r(r.out, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, "\"seq\":");

		if (strstr(line, needle) == NULL || p == NULL)
			continue;
		seq = strtoll(p + 6, NULL, 10);
		if (seq < 1 || seq > head)
			dups++;
		else if (seen[seq]++)
			dups++;
		count++;
	}
	good = r.status == 0 && count == head && dups == 0;
	if (!good)
		fprintf(stderr, "export: status %d, %lld events of %s, %lld out of range or twice, "
		    "head %lld\n", r.status, (long long)count, terminal, (long long)dups,
		    (long long)head);
	free(seen);
	t_result_free(&r);
	return good;
}

static inline int64_t
head_of(const char *name)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct terminal *t = open_terminal(name, TERMINAL_RDONLY);
	struct errmsg em;
	int64_t seq = -1;

	journal_head(t->journal, t->name, &seq, hash, &em);
	terminal_close(t);
	return seq;
}

/* One value from the terminal's journal file, by SQL (test-side inspection only). */
static inline int64_t
sql_int(const char *name, const char *sql)
{
	char file[PATH_MAX];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	snprintf(file, sizeof file, "%s/custody.db", path(name));
	if (sqlite3_open_v2(file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("open the journal");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The level of the open alert rule about terminal t->name in the journal in dir name; 0 if none. */
static inline int
alert_open_about(const char *name, const char *rule)
{
	struct terminal *t = open_terminal(name, TERMINAL_RDONLY);
	struct alert_list l = { 0 };
	struct errmsg em;
	size_t i;
	int found = 0;

	if (alert_open(t->journal, 100, &l, &em) == CST_OK)
		for (i = 0; i < l.n; i++)
			if (strcmp(l.v[i].rule, rule) == 0 && strcmp(l.v[i].about, t->name) == 0)
				found = l.v[i].level;
	alert_list_free(&l);
	terminal_close(t);
	return found;
}

/* A test's start: a directory, certificates and a ledger on a free port. 0, or 99 to exit. */
static inline int
sync_test_begin(const char *tag)
{
	if (cry_init() != CST_OK)
		return 99;
	signal(SIGPIPE, SIG_IGN);
	dir = t_tmpdir(tag);
	snprintf(ledger_db, sizeof ledger_db, "%s/ledger.db", dir);
	make_certs();
	ledger_start(0);
	return 0;
}

/* Its end: the proxy and the ledger stopped, the directory kept when a check failed. */
static inline int
sync_test_end(const char *name)
{
	if (proxy_pid > 0) {
		kill(proxy_pid, SIGTERM);
		waitpid(proxy_pid, NULL, 0);
		proxy_pid = -1;
	}
	ledger_stop(SIGTERM);
	if (t_failed == 0)
		t_rmrf(dir);
	else
		fprintf(stderr, "%s: kept %s\n", name, dir);
	free(dir);
	return t_done();
}

#endif

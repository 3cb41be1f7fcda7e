/*
 * The sync client against a real custody-ledger over real TLS on loopback (certificates made
 * here with openssl): two terminals sharing a registration, a 10,000-event outage, faults
 * through tests/faultproxy (resets, 500, slow and stalled answers, the ledger SIGKILLed
 * mid-batch), TLS and receipt refusals. While faults run, a loop timer measures the longest
 * gap between its ticks: the engine must never block the loop.
 */
#include <stdarg.h>
#include <sys/mman.h>
#include <time.h>

#include "clock.h"
#include "crypto.h"
#include "intake.h"
#include "journal.h"
#include "loop.h"
#include "sync.h"
#include "terminal.h"
#include "visit.h"

#include "faultproxy.h"
#include "t.h"
#include "util.h"

static char *dir;
static char ledger_db[PATH_MAX];
static int ledger_port;
static pid_t ledger_pid = -1, proxy_pid = -1;
static int proxy_port;
static struct fp_ctl *ctl;

static void
die(const char *what)
{
	fprintf(stderr, "test-sync: %s\n", what);
	if (ledger_pid > 0)
		kill(ledger_pid, SIGKILL);
	if (proxy_pid > 0)
		kill(proxy_pid, SIGKILL);
	exit(99);
}

static void
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

static const char *
path(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

static void
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

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Starts the ledger on port (0: any) and waits for its "on port N" line. */
static void
ledger_start(int port)
{
	char listen[64], line[512];
	const char *log = path("ledger.log");
	int64_t until = now_ms() + 15000;
	FILE *f;

	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	unlink(log);
	if ((ledger_pid = fork()) == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 2);
		execl(t_bin("custody-ledger"), "custody-ledger", "serve", "--db", ledger_db,
		    "--listen", listen, "--cert", path("server.pem"), "--key", path("server.key"),
		    (char *)NULL);
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

static void
ledger_stop(int sig)
{
	if (ledger_pid > 0) {
		kill(ledger_pid, sig);
		waitpid(ledger_pid, NULL, 0);
	}
	ledger_pid = -1;
}

static struct t_result
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

static void
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

/* custody init, a token from the ledger, custody enroll. */
static void
make_terminal(const char *name, const char *room)
{
	char url[64];
	struct t_result r;
	char *tok;

	r = t_custody("init", "--data", path(name), "--terminal", name, "--room", room);
	if (r.status != 0)
		die(r.err);
	t_result_free(&r);
	r = ledger_cmd("token", "--terminal", name);
	if (r.status != 0)
		die(r.err);
	tok = strtok(r.out, "\n");
	snprintf(url, sizeof url, "https://127.0.0.1:%d", ledger_port);
	{
		char line[128];
		struct t_result e;

		/* The token on standard input: never on the command line. */
		snprintf(line, sizeof line, "%s\n", tok);
		e = t_custody_env(NULL, line, "enroll", "--data", path(name), "--ledger", url,
		    "--ca", path("ca.pem"), (char *)NULL);

		ok(e.status == 0 && t_has(e.out, "enrolled"), "custody enroll");
		if (e.status != 0)
			fprintf(stderr, "%s", e.err);
		t_result_free(&e);
	}
	t_result_free(&r);
}

static void
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
static void
make_id(const char *first17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (first17[i] - '0') * w[i];
	snprintf(out, 19, "%s%c", first17, "10X98765432"[sum % 11]);
}

static struct terminal *
open_terminal(const char *name, int flags)
{
	struct terminal *t;
	struct errmsg em;

	err_clear(&em);
	if (terminal_open(path(name), flags, &t, &em) != CST_OK)
		die(em.text);
	return t;
}

static void
sync_once_cli(const char *name, const char *what)
{
	struct t_result r = t_custody("sync", "--data", path(name), "--once");

	ok(r.status == 0, what);
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
}

static void
test_two_terminals(void)
{
	char visit[64], id[19];
	struct registration reg;
	struct intake in;
	struct intake_error e;
	struct visit_list found = { 0 };
	struct terminal *t;
	struct visit v;
	struct errmsg em;

	make_terminal("t1", "intake");
	make_terminal("t2", "search");
	t = open_terminal("t1", TERMINAL_SIGN);
	memset(&in, 0, sizeof in);
	in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	make_id("11010519800101001", id);
	fill_registration(&reg, "张三丰", id, "B0007");
	memset(&e, 0, sizeof e);
	ok(intake_register(&in, &reg, visit, &e) == CST_OK, "registered on t1");
	terminal_close(t);
	sync_once_cli("t1", "t1 syncs once");
	sync_once_cli("t2", "t2 syncs once");
	t = open_terminal("t2", TERMINAL_RDONLY);
	err_clear(&em);
	ok(visit_by_band(t->journal, "B0007", &v, &em) == CST_OK &&
	    strcmp(v.name, "张三丰") == 0 && strcmp(v.id, visit) == 0,
	    "t2 finds the person by band");
	ok(visit_find(t->journal, "张三", 10, &found, &em) == CST_OK && found.n == 1 &&
	    strcmp(found.v[0].id, visit) == 0, "t2 finds the person by name");
	visit_list_free(&found);
	ok(visit_find(t->journal, "zsf", 10, &found, &em) == CST_OK && found.n == 1,
	    "t2 finds the person by pinyin initials");
	visit_list_free(&found);
	terminal_close(t);
	sync_once_cli("t1", "t1 syncs again and pulls t2's events");
	t = open_terminal("t1", TERMINAL_RDONLY);
	{
		unsigned char pk[CRY_PK_BYTES];

		ok(journal_terminal_key(t->journal, "t2", pk, &em) == CST_OK,
		    "t1 holds t2's terminal.created");
	}
	terminal_close(t);
	{
		struct t_result r = t_custody("verify", "--data", path("t1"));

		ok(r.status == 0 && t_has(r.out, "still reaches it"),
		    "custody verify checks the last receipt");
		t_result_free(&r);
		r = t_custody("sync", "--data", path("t1"), "--status");
		ok(r.status == 0 && t_has(r.out, "unsent: 0") && t_has(r.out, "last receipt"),
		    "custody sync --status");
		t_result_free(&r);
	}
}

/* ---- the engine in this process, on a loop with a ticking timer ---- */

struct run {
	struct loop *loop;
	struct terminal *t;
	struct sync *s;
	int64_t last_tick, max_gap;
	int ticks;
	int kill_at_request;	/* SIGKILL the ledger when the proxy counted this many */
};

static void
on_tick(void *arg)
{
	struct run *r = arg;
	int64_t now = now_ms();

	if (r->last_tick > 0 && now - r->last_tick > r->max_gap)
		r->max_gap = now - r->last_tick;
	r->last_tick = now;
	r->ticks++;
	if (r->kill_at_request > 0 && ctl != NULL && ctl->requests >= r->kill_at_request &&
	    ledger_pid > 0) {
		ledger_stop(SIGKILL);
		r->kill_at_request = 0;
	}
}

static void
run_open(struct run *r, const char *name, int via_proxy)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char tname[EV_MAX_ID + 1];
	struct sync_conf cf;
	struct errmsg em;

	memset(r, 0, sizeof *r);
	r->loop = loop_new();
	r->t = open_terminal(name, TERMINAL_SIGN);
	err_clear(&em);
	if (sync_conf_load(r->t->journal, &cf, &em) != CST_OK ||
	    terminal_key_load(r->t->key_path, tname, sizeof tname, pk, sk, &em) != CST_OK)
		die(em.text);
	cf.backoff_base_ms = 50;
	cf.backoff_max_ms = 400;
	cf.poll_ms = 100;
	cf.timeout_ms = 1500;
	if (via_proxy)
		snprintf(cf.url, sizeof cf.url, "https://127.0.0.1:%d", proxy_port);
	if (sync_new(r->loop, r->t->journal, r->t->name, sk, &cf, 0, &r->s, &em) != CST_OK)
		die(em.text);
	loop_timer(r->loop, 10, 1, on_tick, r);
}

static void
run_close(struct run *r)
{
	sync_free(r->s);
	loop_free(r->loop);
	terminal_close(r->t);
}

static void
run_for(struct run *r, int64_t ms)
{
	int64_t until = now_ms() + ms;

	while (now_ms() < until)
		loop_run_once(r->loop, 50);
}

/* Runs until the backlog is empty (and min_faults were injected): 1, or 0 at the deadline. */
static int
run_until_sent(struct run *r, int min_faults, int64_t ms)
{
	struct sync_status st;
	int64_t until = now_ms() + ms;

	while (now_ms() < until) {
		loop_run_once(r->loop, 50);
		sync_get_status(r->s, &st);
		if (st.backlog == 0 && st.head > 0 && (ctl == NULL || ctl->faults >= min_faults))
			return 1;
	}
	return 0;
}

static void
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
static int
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

static void
check_ledger(const char *terminal, struct terminal *t, const char *what)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct t_result r;
	struct errmsg em;
	int64_t head;

	err_clear(&em);
	journal_head(t->journal, terminal, &head, hash, &em);
	ok(ledger_holds_exactly(terminal, head), what);
	r = ledger_cmd("verify", NULL, NULL);
	ok(r.status == 0, "custody-ledger verify passes");
	if (r.status != 0)
		fprintf(stderr, "%s%s", r.out, r.err);
	t_result_free(&r);
}

/* Signatures one core verifies per second, for comparison with the push rate. */
static double
verify_rate(void)
{
	static double rate;
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	unsigned char msg[CRY_HASH_BYTES] = { 1 }, sig[CRY_SIG_BYTES];
	int64_t t0;
	int i, good = 0;

	if (rate > 0)
		return rate;
	cry_keypair_new(seed, pk, sk);
	cry_sign(sk, msg, sizeof msg, sig);
	t0 = now_ms();
	for (i = 0; i < 3000; i++)
		good += cry_verify(pk, msg, sizeof msg, sig);
	t0 = now_ms() - t0;
	rate = good * 1000.0 / (double)(t0 > 0 ? t0 : 1);
	return rate;
}

static void
test_outage(void)
{
	struct sync_status st;
	struct run r;
	int port = ledger_port, sent;
	int64_t t0;

	run_open(&r, "t1", 0);
	ledger_stop(SIGTERM);
	append_notes(r.t, 10000);
	run_for(&r, 1500);
	sync_get_status(r.s, &st);
	ok(st.link == SYNC_OFFLINE && st.backlog == 10000 && st.oldest_ts > 0,
	    "ledger down: offline with the whole backlog");
	ok(st.last_error[0] != '\0' && st.failures >= 2, "ledger down: retried with an error");
	ledger_start(port);
	r.last_tick = 0;	/* waiting for the ledger to start was outside the loop */
	t0 = now_ms();
	sent = run_until_sent(&r, 0, 120000);
	t0 = now_ms() - t0;
	fprintf(stderr, "outage: 10,000 events pushed in %lld ms after the ledger came back: "
	    "%.0f events/s end to end, %.0f Ed25519 verifies/s on one core here, ratio %.2f\n",
	    (long long)t0, 10000.0 * 1000 / (double)(t0 > 0 ? t0 : 1), verify_rate(),
	    10000.0 * 1000 / (double)(t0 > 0 ? t0 : 1) / verify_rate());
	sync_get_status(r.s, &st);
	ok(sent && st.backlog == 0 && st.link == SYNC_ONLINE, "ledger back: backlog zero");
	ok(r.max_gap < 200, "the loop kept ticking through the outage");
	fprintf(stderr, "outage: longest gap between 10 ms ticks: %lld ms\n",
	    (long long)r.max_gap);
	check_ledger("t1", r.t, "after the outage the ledger holds every event exactly once");
	run_close(&r);
}

static void
fault_round(const char *name, int mode, int delay_ms, int events)
{
	struct sync_status st;
	char what[160];
	struct run r;
	int sent;

	run_open(&r, "t1", 1);
	run_until_sent(&r, 0, 20000);
	ctl->mode = mode;
	ctl->delay_ms = delay_ms;
	ctl->faults = 0;
	__atomic_store_n(&ctl->left, 2, __ATOMIC_SEQ_CST);
	append_notes(r.t, events);
	r.last_tick = r.max_gap = 0;	/* the appends above ran outside the loop */
	sent = run_until_sent(&r, 2, 60000);
	sync_get_status(r.s, &st);
	snprintf(what, sizeof what, "%s: everything sent after the faults", name);
	ok(sent && st.backlog == 0, what);
	snprintf(what, sizeof what, "%s: the loop never stalled (longest gap under 200 ms)", name);
	ok(r.max_gap < 200, what);
	fprintf(stderr, "%s: %d faults, longest tick gap %lld ms\n", name, ctl->faults,
	    (long long)r.max_gap);
	snprintf(what, sizeof what, "%s: every event exactly once at the ledger", name);
	check_ledger("t1", r.t, what);
	ctl->left = 0;
	run_close(&r);
}

static void
test_faults(void)
{
	struct sync_status st;
	struct run r;
	int port = ledger_port, sent;

	proxy_start();
	fault_round("reset mid-request", FP_RESET_REQUEST, 0, 700);
	fault_round("reset mid-response", FP_RESET_RESPONSE, 0, 700);
	fault_round("500 answers", FP_ANSWER_500, 0, 700);
	fault_round("slow answers", FP_SLOW, 400, 700);
	fault_round("stalled answers", FP_STALL, 0, 700);

	/* The ledger SIGKILLed while batches flow, then restarted on the same port. */
	run_open(&r, "t1", 1);
	run_until_sent(&r, 0, 20000);
	ctl->faults = 0;
	r.kill_at_request = ctl->requests + 2;
	append_notes(r.t, 3000);
	r.last_tick = r.max_gap = 0;
	run_for(&r, 1000);
	ok(ledger_pid < 0, "the ledger was killed mid-sync");
	ledger_start(port);
	r.last_tick = 0;
	sent = run_until_sent(&r, 0, 60000);
	sync_get_status(r.s, &st);
	ok(sent && st.backlog == 0, "SIGKILL: everything sent after the restart");
	ok(r.max_gap < 200, "SIGKILL: the loop never stalled");
	check_ledger("t1", r.t, "SIGKILL: every event exactly once at the ledger");
	run_close(&r);
	kill(proxy_pid, SIGTERM);
	waitpid(proxy_pid, NULL, 0);
	proxy_pid = -1;
}

/* One pass in once mode with a changed conf: the status it ends with and its message. */
static int
once_with(const char *name, void (*change)(struct sync_conf *), char *msg, size_t size)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char tname[EV_MAX_ID + 1];
	struct terminal *t = open_terminal(name, TERMINAL_SIGN);
	struct loop *l = loop_new();
	struct sync_conf cf;
	struct sync *s;
	struct errmsg em;
	int status;

	err_clear(&em);
	if (sync_conf_load(t->journal, &cf, &em) != CST_OK ||
	    terminal_key_load(t->key_path, tname, sizeof tname, pk, sk, &em) != CST_OK)
		die(em.text);
	change(&cf);
	status = sync_new(l, t->journal, t->name, sk, &cf, 1, &s, &em);
	while (status == CST_OK && !sync_done(s))
		loop_run_once(l, 100);
	if (status == CST_OK)
		status = sync_result(s, &em);
	snprintf(msg, size, "%s", em.text);
	sync_free(s);
	loop_free(l);
	terminal_close(t);
	return status;
}

static void
other_ca(struct sync_conf *cf)
{
	snprintf(cf->ca, sizeof cf->ca, "%s", path("other-ca.pem"));
}

static void
wrong_pin(struct sync_conf *cf)
{
	snprintf(cf->pin, sizeof cf->pin, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
}

static void
wrong_ledger_key(struct sync_conf *cf)
{
	unsigned char seed[CRY_SEED_BYTES], sk[CRY_SK_BYTES];

	cry_keypair_new(seed, cf->ledger_pk, sk);
}

static void
no_change(struct sync_conf *cf)
{
	(void)cf;
}

static void
test_refusals(void)
{
	struct terminal *t;
	struct sync_status st;
	struct errmsg em;
	char msg[ERRMSG_MAX];
	int64_t acked;

	ok(once_with("t1", other_ca, msg, sizeof msg) == CST_ERR_IO,
	    "a ledger certificate from another CA is refused");
	ok(once_with("t1", wrong_pin, msg, sizeof msg) == CST_ERR_IO,
	    "a ledger key that does not match the pin is refused");
	t = open_terminal("t1", TERMINAL_SIGN);
	append_notes(t, 3);
	err_clear(&em);
	sync_read_status(t->journal, "t1", &st, &em);
	acked = st.acked;
	terminal_close(t);
	ok(once_with("t1", wrong_ledger_key, msg, sizeof msg) != CST_OK && t_has(msg, "receipt"),
	    "a receipt not signed by the enrolled ledger key is refused");
	t = open_terminal("t1", TERMINAL_RDONLY);
	sync_read_status(t->journal, "t1", &st, &em);
	ok(st.acked == acked && st.backlog == 3, "a refused receipt does not advance acked");
	terminal_close(t);
	ok(once_with("t1", no_change, msg, sizeof msg) == CST_OK, "then the right key: sent");
}

/*
 * t2 holds a forged t1 event (signed with t1's key, another body) at the seq the ledger will
 * send next: the pull refuses the ledger's event as a fork, records it, and goes on with the
 * other terminals' events.
 */
static void
test_pull_refusal(void)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES], hash[CRY_HASH_BYTES];
	char tname[EV_MAX_ID + 1];
	struct terminal *t1, *t2;
	struct sync_status st;
	struct t_result r;
	struct event ev;
	struct errmsg em;
	int64_t seq;
	int stored;

	err_clear(&em);
	t1 = open_terminal("t1", TERMINAL_SIGN);
	if (terminal_key_load(t1->key_path, tname, sizeof tname, pk, sk, &em) != CST_OK)
		die(em.text);
	terminal_close(t1);
	t2 = open_terminal("t2", TERMINAL_SIGN);
	journal_head(t2->journal, "t1", &seq, hash, &em);
	memset(&ev, 0, sizeof ev);
	snprintf(ev.terminal, sizeof ev.terminal, "t1");
	ev.seq = seq + 1;
	ev.ts = clock_now_ms();
	snprintf(ev.operator_, sizeof ev.operator_, "c1");
	snprintf(ev.kind, sizeof ev.kind, "note.added");
	snprintf(ev.subject, sizeof ev.subject, "v-1");
	event_set_body(&ev, "{\"forged\":true}", 15);
	memcpy(ev.prev, hash, sizeof hash);
	event_seal(&ev, sk);
	ok(journal_store_foreign(t2->journal, &ev, &stored, &em) == CST_OK && stored,
	    "a forged t1 event stored on t2");
	event_clear(&ev);
	terminal_close(t2);
	make_terminal("t3", "exit");
	sync_once_cli("t3", "t3 pushes its first event");
	sync_once_cli("t2", "t2 pulls past the fork");
	t2 = open_terminal("t2", TERMINAL_RDONLY);
	sync_read_status(t2->journal, "t2", &st, &em);
	ok(st.refused > 0 && t_has(st.last_refused, "t1"), "the refusal is recorded");
	ok(journal_terminal_key(t2->journal, "t3", pk, &em) == CST_OK,
	    "the other terminals' events still arrive");
	terminal_close(t2);
	r = t_custody("sync", "--data", path("t2"), "--status");
	ok(r.status == 0 && t_has(r.out, "refused"), "custody sync --status shows the refusal");
	t_result_free(&r);
}

int
main(void)
{
	if (cry_init() != CST_OK)
		return 99;
	signal(SIGPIPE, SIG_IGN);
	dir = t_tmpdir("sync");
	snprintf(ledger_db, sizeof ledger_db, "%s/ledger.db", dir);
	make_certs();
	ledger_start(0);
	test_two_terminals();
	test_refusals();
	test_outage();
	test_faults();
	test_pull_refusal();
	ledger_stop(SIGTERM);
	if (t_failed == 0)
		t_rmrf(dir);
	else
		fprintf(stderr, "test-sync: kept %s\n", dir);
	free(dir);
	return t_done();
}

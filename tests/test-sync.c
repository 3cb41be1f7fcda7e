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

#include "sync-util.h"

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
	unsigned char sk[CRY_SK_BYTES];
	struct sync_conf cf;
	struct errmsg em;

	memset(r, 0, sizeof *r);
	r->loop = loop_new();
	r->t = open_for_sync(name, &cf, sk);
	err_clear(&em);
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
	unsigned char sk[CRY_SK_BYTES];
	struct sync_conf cf;
	struct terminal *t = open_for_sync(name, &cf, sk);
	struct loop *l = loop_new();
	struct sync *s;
	struct errmsg em;
	int status;

	err_clear(&em);
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
	if (sync_test_begin("sync") != 0)
		return 99;
	test_two_terminals();
	test_refusals();
	test_outage();
	test_faults();
	test_pull_refusal();
	return sync_test_end("test-sync");
}

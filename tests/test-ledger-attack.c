/*
 * custody-ledger under attack, end to end with the real binary on loopback TLS (issue 13):
 * idle sockets, bytes trickled into the TLS handshake, into the request head and into a body,
 * too many connections from one address, bodies that would fill memory. Each attack must be
 * cut by the deadline or the limit that is its answer while a good terminal is still served.
 * The attackers connect from 127.0.0.2 and up (Linux routes all of 127.0.0.0/8 to lo), so the
 * per-address limit and the good terminal on 127.0.0.1 live side by side.
 */
#include "t.h"
#include "util.h"
#include "ledger-util.h"

static struct lt_ctx ctx;
static char bin[PATH_MAX], db[600], logpath[600];

/* Deadlines short enough for a test: 2 s for a handshake and a request head. */
#define HEAD_S 2
#define MAX_CONN 64		/* so at most 32 connections wait for their head */
#define PER_ADDR 8

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int
enrol(struct lt_term *t, const char *name)
{
	char *argv[] = { bin, "token", "--db", db, "--terminal", (char *)name, NULL };
	char body[512], pk[2 * CRY_PK_BYTES + 1];
	struct t_result tr = t_run(argv, NULL, NULL);
	struct lt_resp r;
	long code;

	lt_term_init(t, name);
	hex_encode(t->pk, sizeof t->pk, pk);
	snprintf(body, sizeof body, "{\"terminal\":\"%s\",\"token\":\"%.32s\",\"public_key\":\"%s\"}",
	    name, tr.out != NULL ? tr.out : "", pk);
	t_result_free(&tr);
	r = lt_request(&ctx, "POST", "/v1/enroll", body, strlen(body), NULL, NULL, 0);
	code = r.code;
	lt_resp_free(&r);
	return code == 200 ? 0 : -1;
}

/* A signed status by t from 127.0.0.1, with a 10 s limit: 1 when served. */
static int
served(const struct lt_term *t)
{
	struct lt_ctx c = ctx;
	struct lt_resp r;
	int good;

	c.from[0] = '\0';
	c.timeout_s = 10;
	r = lt_call(&c, t, "GET", "/v1/status", NULL, 0);
	good = r.code == 200;
	if (!good)
		fprintf(stderr, "  status: %ld (curl %d)\n", r.code, r.curl_rc);
	lt_resp_free(&r);
	return good;
}

/* 127.0.0.<n> */
static const char *
addr(int n)
{
	static char s[8][32];
	static int k;

	k = (k + 1) % 8;
	snprintf(s[k], sizeof s[k], "127.0.0.%d", n);
	return s[k];
}

/* How many of fds[0..n) the ledger closed within ms (all polled together). */
static int
count_closed(const int *fds, int n, int ms)
{
	struct pollfd p[256];
	struct timespec now;
	int64_t until;
	int closed = 0, i, done[256] = { 0 };
	char buf[512];

	/* A real deadline: poll returns early whenever a connection closes. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	until = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 + ms;
	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ fds[i], POLLIN, 0 };
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (closed == n || (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 >= until)
			break;
		if (poll(p, (nfds_t)n, 100) > 0) {
			for (i = 0; i < n; i++) {
				ssize_t k;

				if (done[i] || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				k = recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
				if (k == 0 || (k < 0 && errno != EAGAIN)) {
					done[i] = 1;
					p[i].fd = -1;
					closed++;
				}
			}
		}
	}
	return closed;
}

/* The first finding: 64 idle TCP sockets blocked every terminal for 60 s. */
static void
test_idle(const struct lt_term *good, unsigned port)
{
	int fds[64], i, open = 0;

	for (i = 0; i < 64; i++)
		open += (fds[i] = lt_tcp(addr(2 + i / PER_ADDR), port)) >= 0;
	ok(open == 64, "64 idle TCP sockets from 8 addresses are open");
	pause_ms(200);
	ok(served(good), "a terminal is served while they are open");
	ok(count_closed(fds, 64, (HEAD_S + 3) * 1000) == 64,
	    "every idle socket is closed by the head deadline (2 s), not the idle timeout (60 s)");
	for (i = 0; i < 64; i++)
		close(fds[i]);
}

/* One byte at a time, each 400 ms: closed at the deadline all the same. */
static int
trickle_cut(int fd, struct lt_tls *tls, const char *bytes, size_t n)
{
	size_t i;

	for (i = 0; i < 40; i++) {
		int k;

		if (tls != NULL)
			k = lt_tls_send(tls, bytes + i % n, 1) == 0 ? 1 : -1;
		else
			k = (int)send(fd, bytes + i % n, 1, MSG_NOSIGNAL);
		if (k != 1)
			return 1;
		if (lt_closed_within(fd, 400))
			return 1;
		if (i * 400 > (HEAD_S + 4) * 1000)
			return 0;
	}
	return 0;
}

static void
test_trickle(const struct lt_term *good, unsigned port, const char *cert, const char *key,
    const char *what)
{
	/* A TLS record header announcing 512 bytes of handshake, then its bytes one by one. */
	static const char hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	static const char head[] = "X-Custody-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	struct lt_tls t;
	char msg[200];
	int fd;

	fd = lt_tcp(addr(60), port);
	snprintf(msg, sizeof msg, "%s: a byte each 400 ms into the TLS handshake is cut at the "
	    "deadline", what);
	ok(fd >= 0 && trickle_cut(fd, NULL, hello, sizeof hello - 1), msg);
	if (fd >= 0)
		close(fd);
	if (lt_tls_open(&t, addr(61), port, cert, key) != 0) {
		ok(0, "a TLS session for the trickled head");
		lt_tls_close(&t);
		return;
	}
	lt_tls_send(&t, "GET /v1/health HTTP/1.1\r\nHost: x\r\n", 34);
	snprintf(msg, sizeof msg, "%s: a byte each 400 ms into the request head is cut at the "
	    "deadline", what);
	ok(trickle_cut(t.fd, &t, head, sizeof head - 1), msg);
	lt_tls_close(&t);
	snprintf(msg, sizeof msg, "%s: the terminal is served after the trickles", what);
	ok(served(good), msg);
}

/* More connections from one address than --max-per-address: the extra one is closed at once. */
static void
test_per_address(unsigned port)
{
	int fds[PER_ADDR + 1], i, open = 0, extra;

	for (i = 0; i < PER_ADDR; i++)
		open += (fds[i] = lt_tcp(addr(70), port)) >= 0;
	pause_ms(100);
	extra = lt_tcp(addr(70), port);
	ok(open == PER_ADDR && count_closed(fds, PER_ADDR, 300) == 0,
	    "8 connections from one address are held");
	ok(extra >= 0 && lt_closed_within(extra, 1000), "a 9th from the same address is closed at once");
	if (extra >= 0)
		close(extra);
	for (i = 0; i < PER_ADDR; i++)
		close(fds[i]);
}

/*
 * More connections waiting for their head than half of --max-connections: a newcomer closes
 * the oldest of the address that has the most, so a terminal's one connection outlives a
 * crowd from a few addresses.
 */
static void
test_evict(const struct lt_term *good, unsigned port)
{
	char req[1024], answer[4096];
	struct lt_auth a;
	struct lt_tls t;
	int fds[48], i, n = 0, gone;

	for (i = 0; i < 24; i++)
		fds[n++] = lt_tcp(addr(80 + i / PER_ADDR), port);
	if (!ok(lt_tls_open(&t, addr(90), port, NULL, NULL) == 0, "a terminal's session opens")) {
		lt_tls_close(&t);
		return;
	}
	for (i = 0; i < 24; i++)
		fds[n++] = lt_tcp(addr(83 + i / PER_ADDR), port);
	gone = count_closed(fds, n, 1000);
	ok(gone >= 16 && gone < 48,
	    "48 idle sockets when 32 may wait: the oldest of the busiest addresses are closed");
	if (gone < 16 || gone >= 48)
		fprintf(stderr, "  %d of 48 closed\n", gone);
	lt_sign(good, NULL, "GET", "/v1/status", "", 0, clock_now_ms(), &a);
	snprintf(req, sizeof req, "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n%s\r\n%s\r\n"
	    "%s\r\n\r\n", a.h[0], a.h[1], a.h[2], a.h[3]);
	lt_tls_send(&t, req, strlen(req));
	lt_tls_read(&t, 1500, answer, sizeof answer);
	ok(t_has(answer, "HTTP/1.1 200") && t_has(answer, "\"terminals\""),
	    "the terminal's lone connection was kept and is served");
	lt_tls_close(&t);
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The head of a push by t of len bytes with a signature that is not t's (a stranger's). */
static void
fake_head(const struct lt_term *t, size_t len, char *out, size_t size)
{
	struct lt_term other;
	struct lt_auth a;

	lt_term_init(&other, t->name);
	lt_sign(t, other.sk, "POST", "/v1/events", "x", 1, clock_now_ms(), &a);
	snprintf(out, size, "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n%s\r\n%s\r\n%s\r\n%s\r\n\r\n", len, a.h[0],
	    a.h[1], a.h[2], a.h[3]);
}

/*
 * Bodies in flight share one budget (--body-memory 32: 28 MiB for bodies over 1 MiB): with a
 * 15 MiB upload held open, a second is refused 503 busy from its head; small pushes still go.
 */
static void
test_budget(struct lt_term *good, unsigned port)
{
	static char chunk[1 << 20];
	char headtext[1024], answer[4096];
	struct lt_tls hold, second;
	struct lt_resp r;
	struct jw w;

	memset(chunk, 'x', sizeof chunk);
	fake_head(good, 15u << 20, headtext, sizeof headtext);
	if (!ok(lt_tls_open(&hold, addr(100), port, NULL, NULL) == 0, "an upload's session opens")) {
		lt_tls_close(&hold);
		return;
	}
	lt_tls_send(&hold, headtext, strlen(headtext));
	lt_tls_send(&hold, chunk, sizeof chunk);
	pause_ms(200);
	lt_tls_open(&second, addr(101), port, NULL, NULL);
	fake_head(good, 15u << 20, headtext, sizeof headtext);
	lt_tls_send(&second, headtext, strlen(headtext));
	lt_tls_read(&second, 1500, answer, sizeof answer);
	ok(t_has(answer, " 503 ") && t_has(answer, "\"busy\""),
	    "a second 15 MiB upload while one is in flight: 503 busy from its head");
	lt_tls_close(&second);
	lt_push_begin(&w);
	lt_more(good, &w, 20);
	{
		size_t len;
		const char *body = lt_push_end(&w, &len);

		r = lt_call(&ctx, good, "POST", "/v1/events", body, len);
	}
	ok(r.code == 200 && lt_int(r.json, "acked") == good->seq,
	    "a small push is served while the big one holds its share");
	lt_resp_free(&r);
	jw_free(&w);
	lt_tls_close(&hold);
	pause_ms(300);

	/* With the first gone, a whole fake upload is read, refused, and its connection closed. */
	lt_tls_open(&second, addr(102), port, NULL, NULL);
	fake_head(good, 1u << 20, headtext, sizeof headtext);
	lt_tls_send(&second, headtext, strlen(headtext));
	lt_tls_send(&second, chunk, sizeof chunk);
	ok(lt_tls_read(&second, 3000, answer, sizeof answer) == 1 &&
	    t_has(answer, "bad_request_signature") && t_has(answer, "close"),
	    "a whole upload with a fake signature: 401, and the connection is closed");
	lt_tls_close(&second);
}

/* A body trickled in by a name that is enrolled (names are no secret): cut for its slowness. */
static void
test_slow_body(const struct lt_term *good, unsigned port)
{
	char headtext[1024];
	struct lt_tls t;

	if (!ok(lt_tls_open(&t, addr(110), port, NULL, NULL) == 0, "a session for a slow body")) {
		lt_tls_close(&t);
		return;
	}
	fake_head(good, 1u << 20, headtext, sizeof headtext);
	lt_tls_send(&t, headtext, strlen(headtext));
	ok(trickle_cut(t.fd, &t, "{\"events\":", 10),
	    "a body trickled a byte each 400 ms is cut (64 KiB/s after the first 2 s)");
	lt_tls_close(&t);
	ok(served(good), "the terminal is served after the slow body");
}

int
main(void)
{
	char extra_a[16], extra_b[16], extra_c[16], ca[700];
	char *extra[] = { "--head-timeout", extra_a, "--max-connections", extra_b,
		"--max-per-address", extra_c, "--body-memory", "32", "--threads", "2", NULL };
	char *extra_ca[] = { "--head-timeout", extra_a, "--max-connections", extra_b,
		"--max-per-address", extra_c, "--client-ca", ca, NULL };
	struct lt_term good;
	unsigned port;
	char *tmp;
	pid_t pid;

	if (cry_init() != CST_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    gnutls_global_init() != 0)
		return 99;
	signal(SIGPIPE, SIG_IGN);
	snprintf(bin, sizeof bin, "%s", t_bin("custody-ledger"));
	tmp = t_tmpdir("ledger-attack");
	memset(&ctx, 0, sizeof ctx);
	snprintf(ctx.dir, sizeof ctx.dir, "%s", tmp);
	snprintf(ctx.ca, sizeof ctx.ca, "%s/ca.pem", tmp);
	ctx.ledger_bin = bin;
	snprintf(db, sizeof db, "%s/ledger.db", tmp);
	snprintf(logpath, sizeof logpath, "%s/ledger.log", tmp);
	snprintf(extra_a, sizeof extra_a, "%d", HEAD_S);
	snprintf(extra_b, sizeof extra_b, "%d", MAX_CONN);
	snprintf(extra_c, sizeof extra_c, "%d", PER_ADDR);
	snprintf(ca, sizeof ca, "%s/ca.pem", tmp);
	if (!ok(lt_certs(tmp) == 0, "openssl makes a CA, server and client certificates"))
		return t_done();

	port = lt_free_port();
	pid = lt_start(&ctx, db, port, logpath, extra);
	if (!ok(lt_wait_up(&ctx) == 0, "custody-ledger serve starts with short deadlines")) {
		lt_stop(pid, SIGKILL);
		return t_done();
	}
	ok(enrol(&good, "intake-01") == 0, "enrol the good terminal");
	test_idle(&good, port);
	test_trickle(&good, port, NULL, NULL, "without client certificates");
	test_per_address(port);
	test_evict(&good, port);
	test_budget(&good, port);
	test_slow_body(&good, port);
	ok(served(&good), "the ledger still serves after every attack");
	ok(lt_stop(pid, SIGTERM) == 0, "and stops cleanly");

	/* The same trickles with --client-ca: the certificate is asked in the handshake itself. */
	port = lt_free_port();
	pid = lt_start(&ctx, db, port, logpath, extra_ca);
	snprintf(ctx.cert, sizeof ctx.cert, "%s/cli.pem", tmp);
	snprintf(ctx.key, sizeof ctx.key, "%s/cli.key", tmp);
	if (ok(lt_wait_up(&ctx) == 0, "a ledger asking client certificates starts")) {
		int fds[64], i;

		for (i = 0; i < 64; i++)
			fds[i] = lt_tcp(addr(2 + i / PER_ADDR), port);
		ok(served(&good), "with --client-ca: a terminal is served while 64 idle sockets are open");
		ok(count_closed(fds, 64, (HEAD_S + 3) * 1000) == 64,
		    "with --client-ca: the idle sockets are closed by the head deadline");
		for (i = 0; i < 64; i++)
			close(fds[i]);
		test_trickle(&good, port, ctx.cert, ctx.key, "with --client-ca");
	}
	ok(lt_stop(pid, SIGTERM) == 0, "the second ledger stops cleanly");
	{
		int fd = open(logpath, O_RDONLY);
		char *log = fd >= 0 ? t_slurp_fd(fd) : NULL;

		ok(log != NULL && t_has(log, "too slow") && !t_has(log, "Sanitizer") &&
		    !t_has(log, "runtime error"),
		    "the log counts the connections cut for slowness, and shows no sanitizer report");
		free(log);
		if (fd >= 0)
			close(fd);
	}
	{
		/* The shipped unit bounds what the service may take, whatever comes in. */
		int fd = open("dist/custody-ledger.service", O_RDONLY);
		char *unit = fd >= 0 ? t_slurp_fd(fd) : NULL;

		ok(unit != NULL && t_has(unit, "\nMemoryMax=") && t_has(unit, "\nTasksMax=") &&
		    t_has(unit, "\nLimitNOFILE="), "the systemd unit sets MemoryMax, TasksMax and "
		    "LimitNOFILE");
		free(unit);
		if (fd >= 0)
			close(fd);
	}
	if (t_failed == 0 && getenv("CUSTODY_KEEP") == NULL)
		t_rmrf(tmp);
	else
		fprintf(stderr, "kept %s\n", tmp);
	free(tmp);
	gnutls_global_deinit();
	curl_global_cleanup();
	return t_done();
}

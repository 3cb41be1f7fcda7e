/*
 * bench/ledger-attack: custody-ledger (default options) on loopback TLS while it is attacked
 * from 250 addresses (127.0.0.2 to 127.0.0.251) by, all at once and for ATTACK_S seconds:
 *   - 1,000 slow sockets: TCP connections that never send a byte;
 *   - 200 trickling sockets: 100 sending a TLS handshake and 100 a request head after a real
 *     handshake, one byte every 5 s;
 *   - 60 uploads of 15 MiB naming an enrolled terminal with a fake signature;
 * each attacker connecting again as soon as the ledger closes it. Meanwhile one good terminal
 * on 127.0.0.1 pushes 20 events every 200 ms, each on a new connection (handshake included).
 * Prints the good pushes' latency (p50, p99, max; goal p99 < 2 s), the ledger's peak resident
 * memory (goal < 256 MiB), what the attack managed, and that the ledger still serves after.
 * Figures only: it fails only when the ledger does not serve after the attack.
 * Run from the tree: build/bench/ledger-attack.
 */
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/ledger-util.h"

#define ATTACK_S 40
#define WARMUP_S 5		/* the attack builds up before the good pushes are measured */
#define SLOW 1000
#define TRICKLE_RAW 100
#define TRICKLE_TLS 100
#define UPLOADS 60
#define UPLOAD_BYTES (15u << 20)
#define ADDRS 250
#define TRICKLE_MS 5000
#define RECONNECT_MS 100
#define GOOD_EVERY_MS 200
#define GOOD_BATCH 20
#define MAX_SAMPLES 4096

static volatile int attacking = 1;
static unsigned port;
static struct lt_ctx ctx;
static struct lt_term good;

/* What the attackers managed, for the report. */
static unsigned long connects_raw, connects_tls, uploads_sent, uploads_busy, uploads_401;
static unsigned long uploads_other;
static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *
t_tmpdir_bench(void)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(PATH_MAX);

	snprintf(path, PATH_MAX, "%s/custody-bench-attack-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return path;
}

/* The ledger closed fd (or sent something, which it does only when it closes): no waiting. */
static int
peer_closed(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) > 0;
}

static const char *
attacker_addr(unsigned i, char buf[32])
{
	snprintf(buf, 32, "127.0.0.%u", 2 + i % ADDRS);
	return buf;
}

/* A non-blocking TCP connection from 127.0.0.x (x from i); -1 when it cannot be made now. */
static int
raw_connect(unsigned i)
{
	struct sockaddr_in a;
	char from[32];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	inet_pton(AF_INET, attacker_addr(i, from), &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The slow and the raw trickling sockets, in one poll loop. */
struct raw {
	int fd;
	double again;		/* when closed: when to connect again */
	double next_byte;	/* trickling: when to send the next byte; 0: slow */
	unsigned sent;
};

static void *
raw_attack(void *arg)
{
	static const char hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
	static struct raw r[SLOW + TRICKLE_RAW];
	static struct pollfd p[SLOW + TRICKLE_RAW];
	char buf[512];
	unsigned i, n = SLOW + TRICKLE_RAW;
	double t;

	(void)arg;
	for (i = 0; i < n; i++) {
		r[i].fd = -1;
		r[i].again = 0;
	}
	while (attacking) {
		t = now_s();
		for (i = 0; i < n; i++) {
			if (r[i].fd < 0 && t >= r[i].again) {
				r[i].fd = raw_connect(i);
				r[i].next_byte = i >= SLOW ? t + TRICKLE_MS / 1000.0 : 0;
				if (r[i].fd < 0)
					r[i].again = t + RECONNECT_MS / 1000.0;
				else {
					pthread_mutex_lock(&stats);
					connects_raw++;
					pthread_mutex_unlock(&stats);
				}
			}
			if (r[i].fd >= 0 && r[i].next_byte > 0 && t >= r[i].next_byte) {
				if (send(r[i].fd, hello + r[i].sent++ % (sizeof hello - 1), 1,
				    MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) {
					close(r[i].fd);
					r[i].fd = -1;
					r[i].again = t + RECONNECT_MS / 1000.0;
				}
				r[i].next_byte = t + TRICKLE_MS / 1000.0;
			}
			p[i] = (struct pollfd){ r[i].fd, POLLIN, 0 };
		}
		if (poll(p, n, 50) <= 0)
			continue;
		t = now_s();
		for (i = 0; i < n; i++) {
			if (r[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (recv(r[i].fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
				continue;
			close(r[i].fd);
			r[i].fd = -1;
			r[i].again = t + RECONNECT_MS / 1000.0;
		}
	}
	for (i = 0; i < n; i++)
		if (r[i].fd >= 0)
			close(r[i].fd);
	return NULL;
}

/* Trickling a request head after a real TLS handshake, one byte every 5 s. */
static void *
tls_attack(void *arg)
{
	static const char start[] = "GET /v1/health HTTP/1.1\r\nHost: ledger\r\nX-Pad: ";
	static struct lt_tls s[TRICKLE_TLS];
	static double next[TRICKLE_TLS], again[TRICKLE_TLS];
	char from[32];
	unsigned i;
	double t;

	(void)arg;
	for (i = 0; i < TRICKLE_TLS; i++)
		s[i].fd = -1;
	while (attacking) {
		for (i = 0; i < TRICKLE_TLS && attacking; i++) {
			t = now_s();
			if (s[i].fd < 0 && t >= again[i]) {
				if (lt_tls_open(&s[i], attacker_addr(SLOW + TRICKLE_RAW + i, from), port,
				    NULL, NULL) != 0 || lt_tls_send(&s[i], start, sizeof start - 1) != 0) {
					lt_tls_close(&s[i]);
					again[i] = t + RECONNECT_MS / 1000.0;
					continue;
				}
				pthread_mutex_lock(&stats);
				connects_tls++;
				pthread_mutex_unlock(&stats);
				next[i] = t + TRICKLE_MS / 1000.0;
			}
			if (s[i].fd < 0)
				continue;
			if (peer_closed(s[i].fd) ||
			    (t >= next[i] && lt_tls_send(&s[i], "a", 1) != 0)) {
				lt_tls_close(&s[i]);
				again[i] = t + RECONNECT_MS / 1000.0;
				continue;
			}
			if (t >= next[i])
				next[i] = t + TRICKLE_MS / 1000.0;
		}
		pause_ms(20);
	}
	for (i = 0; i < TRICKLE_TLS; i++)
		if (s[i].fd >= 0)
			lt_tls_close(&s[i]);
	return NULL;
}

/* One fake upload: its curl handle, headers and progress. */
struct upload {
	CURL *e;
	struct curl_slist *h;
	size_t sent;
	char from[80];
	long code;
};

static size_t
upload_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n;

	if (k > UPLOAD_BYTES - u->sent)
		k = UPLOAD_BYTES - u->sent;
	memset(buf, 'x', k);
	u->sent += k;
	return k;
}

static size_t
upload_sink(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* Starts (again) upload k: a fresh time and nonce, a signature by a key that is not good's. */
static void
upload_start(CURLM *m, struct upload *u, unsigned k, const unsigned char *sk)
{
	struct lt_auth a;
	char url[128], from[32];
	int i;

	if (u->e != NULL) {
		curl_multi_remove_handle(m, u->e);
		curl_easy_cleanup(u->e);
		curl_slist_free_all(u->h);
	}
	u->e = curl_easy_init();
	u->h = NULL;
	u->sent = 0;
	lt_sign(&good, sk, "POST", "/v1/events", "x", 1, clock_now_ms(), &a);
	for (i = 0; i < 4; i++)
		u->h = curl_slist_append(u->h, a.h[i]);
	u->h = curl_slist_append(u->h, "Content-Type: application/json");
	u->h = curl_slist_append(u->h, "Expect:");
	snprintf(url, sizeof url, "%s/v1/events", ctx.base);
	snprintf(u->from, sizeof u->from, "host!%s", attacker_addr(7 * k + 3, from));
	curl_easy_setopt(u->e, CURLOPT_URL, url);
	curl_easy_setopt(u->e, CURLOPT_INTERFACE, u->from);
	curl_easy_setopt(u->e, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(u->e, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(u->e, CURLOPT_HTTPHEADER, u->h);
	curl_easy_setopt(u->e, CURLOPT_POST, 1L);
	curl_easy_setopt(u->e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)UPLOAD_BYTES);
	curl_easy_setopt(u->e, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(u->e, CURLOPT_READDATA, u);
	curl_easy_setopt(u->e, CURLOPT_WRITEFUNCTION, upload_sink);
	curl_easy_setopt(u->e, CURLOPT_PRIVATE, u);
	curl_easy_setopt(u->e, CURLOPT_TIMEOUT, 120L);
	curl_multi_add_handle(m, u->e);
}

static void *
upload_attack(void *arg)
{
	static struct upload u[UPLOADS];
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	CURLM *m = curl_multi_init();
	CURLMsg *msg;
	int running, left;
	unsigned k;

	(void)arg;
	cry_keypair_new(seed, pk, sk);
	for (k = 0; k < UPLOADS; k++)
		upload_start(m, &u[k], k, sk);
	while (attacking) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct upload *up;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&up);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			pthread_mutex_lock(&stats);
			uploads_sent++;
			if (code == 503)
				uploads_busy++;
			else if (code == 401)
				uploads_401++;
			else
				uploads_other++;
			pthread_mutex_unlock(&stats);
			upload_start(m, up, (unsigned)(up - u), sk);
		}
		curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	for (k = 0; k < UPLOADS; k++) {
		curl_multi_remove_handle(m, u[k].e);
		curl_easy_cleanup(u[k].e);
		curl_slist_free_all(u[k].h);
	}
	curl_multi_cleanup(m);
	return NULL;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Pushes GOOD_BATCH events; the seconds it took (-1 when refused or failed). */
static double
good_push(void)
{
	struct lt_term saved = good;
	struct lt_resp r;
	struct jw w;
	const char *body;
	size_t len;
	double t0 = now_s(), t;
	int okay;

	lt_push_begin(&w);
	lt_more(&good, &w, GOOD_BATCH);
	body = lt_push_end(&w, &len);
	r = lt_call(&ctx, &good, "POST", "/v1/events", body, len);
	t = now_s() - t0;
	okay = r.code == 200 && lt_int(r.json, "acked") == good.seq;
	if (!okay) {
		fprintf(stderr, "  a good push: %ld %s (curl %d) after %.2f s\n", r.code, lt_err(&r),
		    r.curl_rc, t);
		good = saved;
	}
	lt_resp_free(&r);
	jw_free(&w);
	return okay ? t : -1;
}

/* Pushes every GOOD_EVERY_MS for secs seconds; the latencies sorted into lat, their count. */
static int
measure(double secs, double *lat, int *failed)
{
	double end = now_s() + secs, t;
	int n = 0;

	*failed = 0;
	while (now_s() < end && n < MAX_SAMPLES) {
		t = good_push();
		if (t < 0)
			(*failed)++;
		else
			lat[n++] = t;
		if (t < GOOD_EVERY_MS / 1000.0)
			pause_ms(GOOD_EVERY_MS - (long)(t > 0 ? t * 1000 : 0));
	}
	qsort(lat, (size_t)n, sizeof *lat, by_value);
	return n;
}

static void
print_latency(const char *what, const double *lat, int n, int failed)
{
	if (n == 0) {
		printf("%s: no push succeeded (%d failed)\n", what, failed);
		return;
	}
	printf("%s: %d pushes of %d events, %d failed; latency p50 %.0f ms, p99 %.0f ms, "
	    "max %.0f ms\n", what, n, GOOD_BATCH, failed, lat[n / 2] * 1000,
	    lat[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] * 1000, lat[n - 1] * 1000);
}

/* custody-ledger token, as the administrator runs it; 0 on success. */
static int
enroll_good(const char *db)
{
	char cmd[2048], tok[64], body[512], pk[2 * CRY_PK_BYTES + 1];
	struct lt_resp r;
	FILE *p;
	long code;

	snprintf(cmd, sizeof cmd, "'%s' token --db '%s' --terminal %s", ctx.ledger_bin, db, good.name);
	if ((p = popen(cmd, "r")) == NULL || fgets(tok, sizeof tok, p) == NULL) {
		if (p != NULL)
			pclose(p);
		return -1;
	}
	pclose(p);
	tok[strcspn(tok, "\n")] = '\0';
	hex_encode(good.pk, sizeof good.pk, pk);
	snprintf(body, sizeof body, "{\"terminal\":\"%s\",\"token\":\"%s\",\"public_key\":\"%s\"}",
	    good.name, tok, pk);
	r = lt_request(&ctx, "POST", "/v1/enroll", body, strlen(body), NULL, NULL, 0);
	code = r.code;
	lt_resp_free(&r);
	return code == 200 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static double lat[MAX_SAMPLES];
	char bin[PATH_MAX], db[600], logpath[600], self[PATH_MAX], *tmp;
	pthread_t th[3];
	struct rlimit rl;
	struct lt_resp r;
	double cpu_t0;
	int n, failed, serves, i;
	long rss;
	pid_t pid;

	(void)argc;
	if (cry_init() != CST_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
	    gnutls_global_init() != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	/* Descriptors for every attacking socket. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	snprintf(self, sizeof self, "%s", argv[0]);
	snprintf(bin, sizeof bin, "%s/../custody-ledger", dirname(self));
	memset(&ctx, 0, sizeof ctx);
	ctx.ledger_bin = bin;
	ctx.timeout_s = 30;
	tmp = t_tmpdir_bench();
	snprintf(ctx.dir, sizeof ctx.dir, "%s", tmp);
	snprintf(ctx.ca, sizeof ctx.ca, "%s/ca.pem", tmp);
	snprintf(db, sizeof db, "%s/ledger.db", tmp);
	snprintf(logpath, sizeof logpath, "%s/ledger.log", tmp);
	if (lt_certs(tmp) != 0) {
		fprintf(stderr, "bench/ledger-attack: openssl failed (see %s/openssl.log)\n", tmp);
		return 1;
	}
	port = lt_free_port();
	pid = lt_start(&ctx, db, port, logpath, NULL);
	lt_term_init(&good, "intake-01");
	if (lt_wait_up(&ctx) != 0 || enroll_good(db) != 0) {
		fprintf(stderr, "bench/ledger-attack: the ledger did not start or enrol (see %s)\n",
		    logpath);
		lt_stop(pid, SIGKILL);
		return 1;
	}
	printf("custody-ledger with its default limits; attackers on 127.0.0.2-%d\n", 1 + ADDRS);
	fflush(stdout);
	n = measure(5, lat, &failed);
	print_latency("before the attack", lat, n, failed);
	printf("peak resident memory before the attack: %ld MiB\n", lt_peak_rss_kib(pid) / 1024);
	fflush(stdout);

	printf("attack: %d slow sockets, %d + %d trickling (TLS handshake, request head; a byte "
	    "every %d s), %d uploads of %u MiB with fake signatures, for %d s\n", SLOW,
	    TRICKLE_RAW, TRICKLE_TLS, TRICKLE_MS / 1000, UPLOADS, UPLOAD_BYTES >> 20, ATTACK_S);
	fflush(stdout);
	cpu_t0 = now_s();
	pthread_create(&th[0], NULL, raw_attack, NULL);
	pthread_create(&th[1], NULL, tls_attack, NULL);
	pthread_create(&th[2], NULL, upload_attack, NULL);
	pause_ms(WARMUP_S * 1000);
	n = measure(ATTACK_S - WARMUP_S, lat, &failed);
	attacking = 0;
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	print_latency("during the attack", lat, n, failed);
	printf("the attack made %lu raw connections and %lu TLS sessions in %.0f s; %lu uploads "
	    "answered: %lu 503 busy, %lu 401, %lu other or cut\n", connects_raw, connects_tls,
	    now_s() - cpu_t0, uploads_sent, uploads_busy, uploads_401, uploads_other);
	rss = lt_peak_rss_kib(pid);
	printf("peak resident memory of the ledger: %ld MiB (goal < 256 MiB)\n", rss / 1024);

	pause_ms(1000);
	r = lt_call(&ctx, &good, "GET", "/v1/status", NULL, 0);
	serves = r.code == 200;
	lt_resp_free(&r);
	serves = serves && good_push() >= 0;
	printf("after the attack the ledger %s\n", serves ? "still serves (status and a push: 200)" :
	    "DOES NOT SERVE");
	lt_stop(pid, SIGTERM);
	{
		FILE *f = fopen(logpath, "r");
		char line[1024];

		while (f != NULL && fgets(line, sizeof line, f) != NULL)
			if (strstr(line, "closed") != NULL && strstr(line, "too slow") != NULL)
				printf("ledger log: %s", line + strlen("custody-ledger: "));
		if (f != NULL)
			fclose(f);
	}
	snprintf(self, sizeof self, "rm -rf '%s'", tmp);
	if (system(self) != 0)
		fprintf(stderr, "bench/ledger-attack: could not remove %s\n", tmp);
	free(tmp);
	gnutls_global_deinit();
	curl_global_cleanup();
	return serves ? 0 : 1;
}

/*
 * bench/sync: a backlog of 100,000 events (bodies of ~300 bytes, sealed beforehand as a
 * terminal would have done over days) pushed to custody-ledger over TLS on loopback into
 * SQLite, in batches of 1,000 on one connection: events per second end to end (request
 * signing, JSON, TLS, parsing, hash and signature checks, chain checks, durable commits).
 * Next to it, the rate at which one core verifies Ed25519 signatures, measured in the same
 * run, and the ratio of the two (goal >= 0.7). Run from the tree: build/bench/sync.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/ledger-util.h"

#define N 100000
#define BATCH 1000
#define VERIFY_N 20000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One core verifying signatures the way the ledger does: event_sig_ok over the 32-byte hash. */
static double
verify_rate(const struct event *evs, const unsigned char pk[CRY_PK_BYTES])
{
	double t0 = now_s();
	int i, good = 0;

	for (i = 0; i < VERIFY_N; i++)
		good += event_sig_ok(&evs[i % N], pk);
	if (good != VERIFY_N) {
		fprintf(stderr, "bench/sync: a signature did not verify\n");
		exit(1);
	}
	return VERIFY_N / (now_s() - t0);
}

static void
seal_all(struct lt_term *t, struct event *evs)
{
	char body[400];
	int i;

	for (i = 0; i < N; i++) {
		snprintf(body, sizeof body, "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89 %d\",\"band\":\"B-%08d\","
		    "\"note\":\"%0240d\"}", i, i, i);
		lt_event(t, &evs[i], "person.registered", body, NULL);
		lt_advance(t, &evs[i]);
	}
}

/* CPU seconds (user + system) used so far by process pid, from /proc. */
static double
proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15, counted after the command name in parentheses. */
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static char *
t_tmpdir_bench(void)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(PATH_MAX);

	snprintf(path, PATH_MAX, "%s/custody-bench-sync-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return path;
}

static char *
run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	static char out[256];
	size_t n;

	if (p == NULL)
		return NULL;
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return pclose(p) == 0 ? out : NULL;
}

/* Enrols t with a token from the token command; 0 on success. */
static int
enroll(struct lt_ctx *c, const char *db, const struct lt_term *t)
{
	char cmd[2048], body[512], pk[2 * CRY_PK_BYTES + 1];
	struct lt_resp r;
	const char *tok;
	long code;

	snprintf(cmd, sizeof cmd, "'%s' token --db '%s' --terminal %s", c->ledger_bin, db, t->name);
	if ((tok = run(cmd)) == NULL)
		return -1;
	hex_encode(t->pk, sizeof t->pk, pk);
	snprintf(body, sizeof body, "{\"terminal\":\"%s\",\"token\":\"%s\",\"public_key\":\"%s\"}",
	    t->name, tok, pk);
	r = lt_request(c, "POST", "/v1/enroll", body, strlen(body), NULL, NULL, 0);
	code = r.code;
	lt_resp_free(&r);
	return code == 200 ? 0 : -1;
}

/* Pushes every event in batches on one reused connection; the seconds it took, or -1. */
static double
push_all(const struct lt_ctx *c, const struct lt_term *t, const struct event *evs)
{
	struct lt_resp r;
	CURL *e = lt_push_open(c);
	double t0 = now_s();
	int i;

	for (i = 0; i < N; i += BATCH) {
		lt_push_on(e, t, &evs[i], i + BATCH <= N ? BATCH : N - i, &r);
		if (r.code != 200) {
			fprintf(stderr, "bench/sync: push at %d: %ld %s\n", i, r.code,
			    r.body != NULL ? r.body : "");
			lt_resp_free(&r);
			curl_easy_cleanup(e);
			return -1;
		}
		lt_resp_free(&r);
	}
	curl_easy_cleanup(e);
	return now_s() - t0;
}

int
main(int argc, char **argv)
{
	char bin[PATH_MAX], db[600], logpath[600], self[PATH_MAX];
	struct event *evs;
	struct lt_ctx c;
	struct lt_term t;
	double one_core, secs, rate, cpu0, cpu1;
	char *tmp;
	pid_t pid;
	int i;

	(void)argc;
	if (cry_init() != CST_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	/* build/bench/sync finds build/custody-ledger. */
	snprintf(self, sizeof self, "%s", argv[0]);
	snprintf(bin, sizeof bin, "%s/../custody-ledger", dirname(self));
	memset(&c, 0, sizeof c);
	c.ledger_bin = bin;
	tmp = t_tmpdir_bench();
	snprintf(c.dir, sizeof c.dir, "%s", tmp);
	snprintf(c.ca, sizeof c.ca, "%s/ca.pem", tmp);
	snprintf(db, sizeof db, "%s/ledger.db", tmp);
	snprintf(logpath, sizeof logpath, "%s/ledger.log", tmp);
	if (lt_certs(tmp) != 0) {
		fprintf(stderr, "bench/sync: openssl failed (see %s/openssl.log)\n", tmp);
		return 1;
	}
	lt_term_init(&t, "intake-01");
	evs = calloc(N, sizeof *evs);
	printf("sealing %d events of ~300-byte bodies (the terminal's work, not timed)...\n", N);
	fflush(stdout);
	seal_all(&t, evs);
	pid = lt_start(&c, db, lt_free_port(), logpath, NULL);
	if (lt_wait_up(&c) != 0 || enroll(&c, db, &t) != 0) {
		fprintf(stderr, "bench/sync: the ledger did not start or enrol (see %s)\n", logpath);
		lt_stop(pid, SIGKILL);
		return 1;
	}
	one_core = verify_rate(evs, t.pk);
	cpu0 = proc_cpu_s(pid);
	secs = push_all(&c, &t, evs);
	cpu1 = proc_cpu_s(pid);
	lt_stop(pid, SIGTERM);
	if (secs < 0)
		return 1;
	rate = N / secs;
	printf("pushed %d events in batches of %d over TLS into SQLite: %.2f s, %.0f events/s\n",
	    N, BATCH, secs, rate);
	printf("the ledger used %.2f s of CPU meanwhile (%.2f cores on average)\n", cpu1 - cpu0,
	    (cpu1 - cpu0) / secs);
	printf("one core verifies %.0f Ed25519 signatures/s (same run)\n", one_core);
	printf("ratio end-to-end / one-core verify: %.2f (goal >= 0.70)\n", rate / one_core);
	for (i = 0; i < N; i++)
		event_clear(&evs[i]);
	free(evs);
	snprintf(self, sizeof self, "rm -rf '%s'", tmp);
	if (system(self) != 0)
		fprintf(stderr, "bench/sync: could not remove %s\n", tmp);
	free(tmp);
	curl_global_cleanup();
	return rate / one_core >= 0.7 ? 0 : 1;
}

/*
 * bench/transparency: what the transparency log costs.
 * (a) Pushes through the real ledger (run in this process, over TLS on loopback, into
 *     SQLite) with the log maintained, and the same pushes with it off (struct ledger's
 *     no_tlog, which only this bench sets): events per second of each and their ratio (goal
 *     >= 0.9), in batches of 100 events and of 1: seven pairs of runs, each pair without and
 *     with the log back to back, and the medians (the machine may be busy with other work).
 * (b) A SQLite store whose tiles hold 10,000,000 leaves, filled through tlog_append in big
 *     transactions, then inclusion and consistency proofs of random leaves and sizes read
 *     through the store as the ledger reads them: time per proof (goal < 1 ms) and its size.
 *     Every proof is checked with tlog_check_*. Then leaves appended one at a time to that
 *     tree, as single-event pushes append them: the time of each.
 * Run from the tree: build/bench/transparency [leaves] (default 10000000).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../tests/ledger-util.h"
#include "ledger/http.h"
#include "ledger/lkey.h"
#include "ledger/ltlog.h"
#include "tlog.h"

#define PROOFS 2000
#define FILL_BATCH 65536
#define FILL_COMMIT (16 * FILL_BATCH)

static char tmp[400];

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const struct errmsg *em)
{
	fprintf(stderr, "bench/transparency: %s: %s\n", what, em != NULL ? em->text : "");
	exit(1);
}

/* A ledger of our own, in this process, on a fresh SQLite file. */
struct run {
	struct ledger l;
	struct http *h;
	struct lt_ctx c;
};

static void
run_start(struct run *r, int n, int no_tlog)
{
	struct http_config hc = HTTP_DEFAULTS;
	char dir[450], path[500], cert[450], key[450];
	struct errmsg em;

	err_clear(&em);
	memset(r, 0, sizeof *r);
	snprintf(dir, sizeof dir, "%s/run-%d", tmp, n);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/ledger.db", dir);
	if (store_open(path, &r->l.st, &em) != CST_OK)
		die("store", &em);
	snprintf(path, sizeof path, "%s/ledger.key", dir);
	if (lkey_load(path, 1, r->l.pk, r->l.sk, &em) != CST_OK)
		die("key", &em);
	ltlog_default_origin(r->l.pk, r->l.origin);
	r->l.no_tlog = no_tlog;
	if (ltlog_open(&r->l, &em) != CST_OK)
		die("log", &em);
	snprintf(cert, sizeof cert, "%s/srv.pem", tmp);
	snprintf(key, sizeof key, "%s/srv.key", tmp);
	hc.listen = "127.0.0.1:0";
	hc.cert = cert;
	hc.key = key;
	if (http_start(&r->l, &hc, &r->h, &em) != CST_OK)
		die("http", &em);
	snprintf(r->c.dir, sizeof r->c.dir, "%s", tmp);
	snprintf(r->c.ca, sizeof r->c.ca, "%s/ca.pem", tmp);
	snprintf(r->c.base, sizeof r->c.base, "https://127.0.0.1:%u", http_port(r->h));
}

static void
run_stop(struct run *r)
{
	http_stop(r->h);
	ltlog_close(&r->l);
	store_close(r->l.st);
}

static void
enrol(struct run *r, const struct lt_term *t)
{
	char tok[2 * WIRE_TOKEN_BYTES + 1], body[512], pk[2 * CRY_PK_BYTES + 1];
	struct lt_resp resp;
	struct errmsg em;

	err_clear(&em);
	if (ledger_token(r->l.st, t->name, clock_now_ms(), tok, &em) != CST_OK)
		die("token", &em);
	hex_encode(t->pk, sizeof t->pk, pk);
	snprintf(body, sizeof body, "{\"terminal\":\"%s\",\"token\":\"%s\",\"public_key\":\"%s\"}",
	    t->name, tok, pk);
	resp = lt_request(&r->c, "POST", "/v1/enroll", body, strlen(body), NULL, NULL, 0);
	if (resp.code != 200)
		die("enrol", NULL);
	lt_resp_free(&resp);
}

/* n events pushed in batches on one reused connection: the seconds it took. */
static double
push_all(const struct lt_ctx *c, const struct lt_term *t, const struct event *evs, int n,
    int batch, int want_log)
{
	struct lt_resp r;
	CURL *e = lt_push_open(c);
	double t0 = now_s();
	int i;

	for (i = 0; i < n; i += batch) {
		lt_push_on(e, t, &evs[i], i + batch <= n ? batch : n - i, &r);
		/* With the log, every answer carries it; without, none does. */
		if (r.code != 200 || (r.body != NULL && strstr(r.body, "\"log\":") != NULL) != want_log) {
			fprintf(stderr, "bench/transparency: push at %d: %ld %.300s\n", i, r.code,
			    r.body != NULL ? r.body : "");
			exit(1);
		}
		lt_resp_free(&r);
	}
	curl_easy_cleanup(e);
	return now_s() - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * (a): PAIRS pairs of runs, each without then with the log, back to back so that both see
 * the same machine: the median rate of each and the median of the pairs' ratios.
 */
#define PAIRS 7
static void
bench_push(const struct lt_term *t, const struct event *evs, int n, int batch, int *runs)
{
	double rate[2][PAIRS], ratio[PAIRS], mid;
	struct run r;
	int i, mode;

	for (i = 0; i < PAIRS; i++) {
		for (mode = 0; mode < 2; mode++) {	/* 0: without the log, 1: with it */
			run_start(&r, (*runs)++, !mode);
			enrol(&r, t);
			rate[mode][i] = n / push_all(&r.c, t, evs, n, batch, mode);
			run_stop(&r);
		}
		ratio[i] = rate[1][i] / rate[0][i];
	}
	mid = median(ratio, PAIRS);	/* sorts ratio: its ends are the lowest and highest */
	printf("pushes of %d event%s (%d events, %d pairs of runs): median %.0f events/s without "
	    "the log, %.0f with it; median ratio %.2f (goal >= 0.90), pairs from %.2f to %.2f\n",
	    batch, batch == 1 ? "" : "s", n, PAIRS, median(rate[0], PAIRS), median(rate[1], PAIRS),
	    mid, ratio[0], ratio[PAIRS - 1]);
	fflush(stdout);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static int64_t
random_below(int64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (int64_t)(rng % (uint64_t)n);
}

/* (b) first part: the tiles of size leaves, written in big transactions; the root. */
static struct store *
fill(int64_t size, unsigned char root[TLOG_HASH_BYTES])
{
	unsigned char (*h)[TLOG_HASH_BYTES] = malloc((size_t)FILL_BATCH * TLOG_HASH_BYTES);
	unsigned char data[TLOG_LEAF_MAX], ev[32];
	char path[450];
	struct store *s;
	struct errmsg em;
	struct stat st;
	int64_t done = 0, k, n;
	double t0 = now_s();
	size_t len;

	err_clear(&em);
	snprintf(path, sizeof path, "%s/big.db", tmp);
	if (store_open(path, &s, &em) != CST_OK || s->ops->begin(s, &em) != CST_OK)
		die("big store", &em);
	while (done < size) {
		n = size - done < FILL_BATCH ? size - done : FILL_BATCH;
		for (k = 0; k < n; k++) {
			memset(ev, 0, sizeof ev);
			memcpy(ev, &(int64_t){ done + k }, sizeof(int64_t));
			len = tlog_leaf_data("bench-01", done + k + 1, ev, data);
			tlog_leaf_hash(data, len, h[k]);
		}
		if (ltlog_append_hashes(s, done, (const unsigned char (*)[TLOG_HASH_BYTES])h,
		    (size_t)n, root, &em) != CST_OK)
			die("append", &em);
		done += n;
		if (done % FILL_COMMIT == 0 || done == size) {
			if (s->ops->commit(s, &em) != CST_OK)
				die("commit", &em);
			if (done < size && s->ops->begin(s, &em) != CST_OK)
				die("begin", &em);
		}
	}
	free(h);
	printf("tiles of %lld leaves written through tlog_append in %.1f s", (long long)size,
	    now_s() - t0);
	if (stat(path, &st) == 0)
		printf(" (%.0f MiB of SQLite)", (double)st.st_size / (1 << 20));
	printf("\n");
	return s;
}

/*
 * (b) second part: PROOFS proofs of each kind through the store, each checked; with c NULL
 * from the tiles alone, otherwise with the cache of nodes the ledger keeps between requests.
 */
static void
bench_proofs(struct store *s, struct ltlog_cache *c, int64_t size,
    const unsigned char root[TLOG_HASH_BYTES])
{
	unsigned char proof[TLOG_MAX_PROOF][TLOG_HASH_BYTES], lh[TLOG_HASH_BYTES];
	unsigned char old_root[TLOG_HASH_BYTES], data[TLOG_LEAF_MAX], ev[32];
	double *t = malloc(PROOFS * sizeof *t), t0, sum;
	struct errmsg em;
	int64_t a;
	int kind, i, n, bytes, max_bytes, bad = 0;
	size_t len;

	err_clear(&em);
	for (kind = 1; kind >= 0; kind--) {
		sum = 0;
		bytes = max_bytes = 0;
		for (i = 0; i < PROOFS; i++) {
			a = kind ? random_below(size) : 1 + random_below(size - 1);
			t0 = now_s();
			if (ltlog_prove(s, c, kind, a, size, proof, &n, &em) != CST_OK)
				die("proof", &em);
			t[i] = now_s() - t0;
			sum += t[i];
			bytes += n * TLOG_HASH_BYTES;
			if (n * TLOG_HASH_BYTES > max_bytes)
				max_bytes = n * TLOG_HASH_BYTES;
			if (kind) {
				memset(ev, 0, sizeof ev);
				memcpy(ev, &a, sizeof a);
				len = tlog_leaf_data("bench-01", a + 1, ev, data);
				tlog_leaf_hash(data, len, lh);
				bad += !tlog_check_inclusion((const unsigned char (*)[32])proof, n, a, size,
				    lh, root);
			} else {
				if (ltlog_root(s, NULL, a, old_root, &em) != CST_OK)
					die("old root", &em);
				bad += !tlog_check_consistency((const unsigned char (*)[32])proof, n, a,
				    old_root, size, root);
			}
		}
		qsort(t, PROOFS, sizeof *t, cmp_double);
		printf("%s proofs at %lld leaves, %d random ones, %s: mean %.3f ms, p99 %.3f ms, "
		    "max %.3f ms (goal < 1 ms); %.0f bytes on average, at most %d\n",
		    kind ? "inclusion" : "consistency", (long long)size, PROOFS,
		    c == NULL ? "from the tiles alone" : "with the ledger's cache of nodes",
		    1e3 * sum / PROOFS, 1e3 * t[PROOFS * 99 / 100], 1e3 * t[PROOFS - 1],
		    (double)bytes / PROOFS, max_bytes);
	}
	free(t);
	if (bad > 0) {
		fprintf(stderr, "bench/transparency: %d proofs did not verify\n", bad);
		exit(1);
	}
	printf("every proof verified (tlog_check_inclusion, tlog_check_consistency)\n");
	fflush(stdout);
}

/* (b) last part: leaves appended one at a time to the big tree, as single-event pushes do. */
static void
bench_append_one(struct store *s, int64_t size)
{
	unsigned char h[1][TLOG_HASH_BYTES], root[TLOG_HASH_BYTES];
	struct errmsg em;
	double t0;
	int i, n = 2000;

	err_clear(&em);
	if (s->ops->begin(s, &em) != CST_OK)
		die("begin", &em);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		memset(h[0], i & 0xff, sizeof h[0]);
		if (ltlog_append_hashes(s, size + i, (const unsigned char (*)[TLOG_HASH_BYTES])h, 1,
		    root, &em) != CST_OK)
			die("append one", &em);
	}
	printf("appends of one leaf at %lld leaves, %d in one transaction: %.1f us each\n",
	    (long long)size, n, (now_s() - t0) / n * 1e6);
	if (s->ops->commit(s, &em) != CST_OK)
		die("commit", &em);
}

int
main(int argc, char **argv)
{
	unsigned char root[TLOG_HASH_BYTES];
	const char *base = getenv("TMPDIR");
	struct event *evs;
	struct lt_term t;
	struct store *s;
	struct ltlog_cache *cache;
	int64_t leaves = argc > 1 ? strtoll(argv[1], NULL, 10) : 10000000;
	int i, runs = 0, n = 60000;
	char cmd[450];

	if (cry_init() != CST_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || leaves < 2)
		return 1;
	snprintf(tmp, sizeof tmp, "%s/custody-bench-transparency-XXXXXX", base && *base ? base :
	    "/tmp");
	if (mkdtemp(tmp) == NULL || lt_certs(tmp) != 0) {
		fprintf(stderr, "bench/transparency: no temporary directory or certificates\n");
		return 1;
	}
	lt_term_init(&t, "intake-01");
	evs = calloc((size_t)n, sizeof *evs);
	for (i = 0; i < n; i++) {
		lt_event(&t, &evs[i], "person.registered", "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\","
		    "\"band\":\"B-00000001\"}", NULL);
		lt_advance(&t, &evs[i]);
	}
	bench_push(&t, evs, n, 100, &runs);
	bench_push(&t, evs, 3000, 1, &runs);
	for (i = 0; i < n; i++)
		event_clear(&evs[i]);
	free(evs);

	s = fill(leaves, root);
	cache = ltlog_cache_new();
	bench_proofs(s, NULL, leaves, root);
	bench_proofs(s, cache, leaves, root);
	ltlog_cache_free(cache);
	bench_append_one(s, leaves);
	store_close(s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "bench/transparency: could not remove %s\n", tmp);
	curl_global_cleanup();
	return 0;
}

/*
 * bench/journal: 10,000 durable appends of ~300-byte bodies through journal_append, then the
 * same number of plain prepared SQLite INSERTs of rows of the same size under the same
 * pragmas (WAL, synchronous=FULL, one transaction per row). The two alternate in rounds of
 * 1,000 so that a disk's drift hits both alike. Prints rates, p50/p99 latency, the ratio
 * journal / plain (goal >= 0.8) and the CPU cost of sealing an event without any I/O.
 */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "terminal.h"

#define N 10000
#define BODY 300
#define ROUND 1000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double rate, p50_ms, p99_ms, total_s;
};

static struct result
summarise(double *lat, double total)
{
	/* total: seconds spent inside the timed calls */
	struct result r;

	qsort(lat, N, sizeof lat[0], cmp_double);
	r.total_s = total;
	r.rate = N / total;
	r.p50_ms = lat[N / 2] * 1e3;
	r.p99_ms = lat[N * 99 / 100] * 1e3;
	return r;
}

static void
make_body(char *body, int i)
{
	int n = snprintf(body, BODY + 1, "{\"visit\":\"3f0c9a52-1b7e-4c1a-9d6e-%012d\","
	    "\"name\":\"张三\",\"sex\":\"male\",\"id_number\":\"11010519491231002X\","
	    "\"reason\":\"criminal\",\"case\":\"A1101052026110000%d\",\"officers\":"
	    "[\"010001\",\"010002\"],\"note\":\"", i, i % 10);

	memset(body + n, 'x', (size_t)(BODY - n - 2));
	memcpy(body + BODY - 2, "\"}", 3);
}

struct journal_run {
	struct terminal *t;
	double busy;
};

static void
journal_start(struct journal_run *r, const char *dir)
{
	struct errmsg em;

	err_clear(&em);
	if (terminal_create(dir, "bench-1", "intake", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &r->t, &em) != CST_OK) {
		fprintf(stderr, "bench: %s\n", em.text);
		exit(1);
	}
	r->busy = 0;
}

static void
journal_round(struct journal_run *r, int from, double *lat)
{
	char body[BODY + 1];
	struct errmsg em;
	double t0;
	int i;

	for (i = from; i < from + ROUND; i++) {
		make_body(body, i);
		t0 = now_s();
		if (journal_append(r->t->journal, "clerk-0042", "person.registered",
		    "3f0c9a52-1b7e-4c1a-9d6e-2a5b8c7d9e01", body, BODY, NULL, &em) != CST_OK) {
			fprintf(stderr, "bench: %s\n", em.text);
			exit(1);
		}
		lat[i] = now_s() - t0;
		r->busy += lat[i];
	}
}

struct plain_run {
	sqlite3 *db;
	sqlite3_stmt *ins;
	double busy;
};

static void
plain_start(struct plain_run *r, const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/plain.db", dir);
	sqlite3_open(path, &r->db);
	sqlite3_exec(r->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
	    "CREATE TABLE events (terminal TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, "
	    "operator TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, body BLOB NOT NULL, "
	    "prev BLOB NOT NULL, hash BLOB NOT NULL, sig BLOB NOT NULL, "
	    "PRIMARY KEY (terminal, seq)) WITHOUT ROWID", NULL, NULL, NULL);
	sqlite3_prepare_v2(r->db, "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1,
	    &r->ins, NULL);
	r->busy = 0;
}

static void
plain_round(struct plain_run *r, int from, double *lat)
{
	static const unsigned char blob[64] = { 0x5a };
	char body[BODY + 1];
	sqlite3_stmt *ins = r->ins;
	double t0;
	int i;

	for (i = from; i < from + ROUND; i++) {
		make_body(body, i);
		t0 = now_s();
		sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		sqlite3_bind_text(ins, 1, "bench-1", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, i + 1);
		sqlite3_bind_int64(ins, 3, 1795392000000LL + i);
		sqlite3_bind_text(ins, 4, "clerk-0042", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, "person.registered", -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 6, "3f0c9a52-1b7e-4c1a-9d6e-2a5b8c7d9e01", -1, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 7, body, BODY, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 8, blob, 32, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 9, blob, 32, SQLITE_STATIC);
		sqlite3_bind_blob(ins, 10, blob, 64, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE ||
		    sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "bench: plain insert: %s\n", sqlite3_errmsg(r->db));
			exit(1);
		}
		sqlite3_reset(ins);
		lat[i] = now_s() - t0;
		r->busy += lat[i];
	}
}

/* Hashing, signing and checking one event, with no I/O: what the journal adds per event. */
static double
seal_cost_us(void)
{
	unsigned char seed[CRY_SEED_BYTES], pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char body[BODY + 1];
	struct event ev;
	double t0;
	int i;

	cry_keypair_new(seed, pk, sk);
	memset(&ev, 0, sizeof ev);
	strcpy(ev.terminal, "bench-1");
	strcpy(ev.operator_, "clerk-0042");
	strcpy(ev.kind, "person.registered");
	strcpy(ev.subject, "3f0c9a52-1b7e-4c1a-9d6e-2a5b8c7d9e01");
	ev.ts = 1795392000000LL;
	make_body(body, 1);
	event_set_body(&ev, body, BODY);
	t0 = now_s();
	for (i = 0; i < N; i++) {
		ev.seq = i + 1;
		if (event_check_fields(&ev, NULL, NULL) != CST_OK)
			exit(1);
		event_seal(&ev, sk);
	}
	t0 = now_s() - t0;
	event_clear(&ev);
	return t0 / N * 1e6;
}

static void
print(const char *what, struct result r)
{
	printf("%-22s %8.0f appends/s   p50 %6.3f ms   p99 %6.3f ms   (%d in %.2f s)\n", what,
	    r.rate, r.p50_ms, r.p99_ms, N, r.total_s);
}

int
main(void)
{
	char dir[] = "/tmp/custody-bench-XXXXXX", cmd[64];
	static double jlat[N], plat[N];
	struct journal_run jr;
	struct plain_run pr;
	struct result j, p;
	int from;

	cry_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	printf("bench/journal: %d durable events, %d-byte bodies, WAL + synchronous=FULL, in %s\n",
	    N, BODY, dir);
	journal_start(&jr, dir);
	plain_start(&pr, dir);
	for (from = 0; from < N; from += ROUND) {
		journal_round(&jr, from, jlat);
		plain_round(&pr, from, plat);
	}
	terminal_close(jr.t);
	sqlite3_finalize(pr.ins);
	sqlite3_close(pr.db);
	j = summarise(jlat, jr.busy);
	p = summarise(plat, pr.busy);
	print("journal_append", j);
	print("plain SQLite INSERT", p);
	printf("ratio journal/plain: %.2f (goal >= 0.80)\n", j.rate / p.rate);
	printf("sealing without I/O (check fields + BLAKE2b + Ed25519): %.1f us per event\n",
	    seal_cost_us());
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}

/*
 * bench/inventory: a property room of 50,000 items loaded through the journal in one batch,
 * then an inventory of a 10,000-item shelf read through the real UHF driver from the
 * simulated module (back to back in memory, tests/devpair.h) at the line rate of 115200 baud
 * on a virtual clock, each tag reported three times a round for two rounds, with 50 items
 * missing, 100 misplaced from another shelf and 100 unknown tags.  Prints: reads lost
 * (notices the module sent minus reads counted; goal 0), the lag from a notice's bytes
 * reaching the driver to the live count (p50/p99/max, wall clock; goal p99 < 50 ms), the
 * time to start the inventory and the time to the final report (inventory.completed
 * committed and the CSV made; goal < 200 ms).  The serial line's own time per notice
 * (24 bytes at 115200 baud, 2.1 ms) is not in the lag; bench/devices measures the pty path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/devpair.h"
#include "../tests/prop-util.h"
#include "buf.h"
#include "clock.h"
#include "inventory.h"
#include "terminal.h"
#include "uhf.h"

#define ROOM 50000
#define SHELF 10000
#define BINS 20
#define MISSING 50
#define MISPLACED 100
#define UNKNOWN 100
#define DUP 3
#define ROUNDS 2
#define BATCH 4000		/* the simulator's field holds 4096 tags: the reader walks on */
#define MAX_READS 400000

extern const struct sim_device sim_uhf;

static struct pair pair;
static struct inventory *inv;
static uint64_t sent, counted;
static double t_send;		/* when the current notice went into the driver */
static double *lags;
static size_t nlags;
static double busy;		/* wall time inside the driver and the inventory */

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
count_send(void *arg, const uint8_t *frame, size_t n)
{
	int notice = n > 3 && frame[1] == UHF_TYPE_NOTICE && frame[2] == UHF_CMD_POLL;

	sent += notice;
	t_send = now_ms();
	pair_dev_send(arg, frame, n);
	busy += now_ms() - t_send;
}

static void
on_event(void *arg, const struct dev_event *ev)
{
	(void)arg;
	if (ev->kind != DEV_TAG)
		return;
	inventory_read(inv, ev->id);
	counted++;
	if (nlags < MAX_READS)
		lags[nlags++] = now_ms() - t_send;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
die(const char *what, const struct errmsg *em)
{
	fprintf(stderr, "bench/inventory: %s: %s\n", what, em ? em->text : "");
	exit(1);
}

/* Shelf A/01 holds items 0..9,999 over 20 bins; shelves A/02.. the other 40,000. */
static void
load_room(struct journal *j)
{
	char shelf[8], bin[8], loc[PROP_LOC_MAX + 1], epc[25], id[UUID_LEN + 1], kase[16];
	struct errmsg em;
	double t0 = now_ms();
	int s, b, i;

	if (journal_batch_begin(j, &em) != CST_OK)
		die("batch", &em);
	for (s = 1; s <= ROOM / SHELF; s++)
		for (b = 1; b <= BINS; b++) {
			snprintf(shelf, sizeof shelf, "%02d", s);
			snprintf(bin, sizeof bin, "%02d", b);
			if (pu_location(j, "A", shelf, bin, &em) != CST_OK)
				die("location", &em);
		}
	for (i = 0; i < ROOM; i++) {
		snprintf(loc, sizeof loc, "A/%02d/%02d", i / SHELF + 1, i % BINS + 1);
		snprintf(kase, sizeof kase, "K%05d", i / 10);
		pu_epc((unsigned)i, epc);
		if (pu_item(j, kase, i % 10 + 1, epc, loc, id, &em) != CST_OK)
			die("item", &em);
	}
	if (journal_batch_end(j, &em) != CST_OK)
		die("commit", &em);
	printf("  room of %d items: %d events in one batch in %.1f s\n", ROOM,
	    2 * ROOM + (ROOM / SHELF) * BINS, (now_ms() - t0) / 1e3);
}

static void
sim(const char *line)
{
	char err[256];

	if (pair_command(&pair, line, err, sizeof err) != 0) {
		fprintf(stderr, "bench/inventory: sim: %s\n", err);
		exit(1);
	}
}

/* The tags in the reader's field, in order: the shelf but the missing, misplaced, unknown. */
static void
field_tag(size_t k, char epc[25])
{
	size_t present = SHELF - MISSING;

	if (k < present)
		pu_epc((unsigned)k, epc);
	else if (k < present + MISPLACED)
		pu_epc((unsigned)(SHELF + (k - present)), epc);	/* from shelf A/02 */
	else
		snprintf(epc, 25, "300833B2DDD90140%08X", (unsigned)(k - present - MISPLACED));
}

static void
read_shelf(void)
{
	size_t total = SHELF - MISSING + MISPLACED + UNKNOWN, k, from;
	struct dev_request rq = { .kind = DEV_RQ_UHF_START };
	char line[64], epc[25];
	uint64_t target;

	pair_open(&pair, &uhf_driver, &sim_uhf, 1000);
	pair.io.emit = on_event;
	pair.sio.send = count_send;
	pair_run(&pair, 1100);
	snprintf(line, sizeof line, "dup %d", DUP);
	sim(line);
	pair_request(&pair, &rq);
	for (from = 0; from < total; from += BATCH) {
		sim("clear");
		for (k = from; k < total && k < from + BATCH; k++) {
			field_tag(k, epc);
			snprintf(line, sizeof line, "add %s", epc);
			sim(line);
		}
		target = sent + (uint64_t)(k - from) * DUP * ROUNDS;
		while (sent < target)
			pair_run(&pair, pair.now + 100);
	}
	pair_close(&pair);
}

int
main(void)
{
	char dir[] = "/tmp/custody-bench-inventory-XXXXXX", id[UUID_LEN + 1];
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	struct inventory_counts c;
	struct intake_error e;
	struct buf csv = { 0 };
	struct terminal *t = NULL;
	struct errmsg em;
	double t0, t_start, t_report, virt;
	int64_t v0;

	if (mkdtemp(dir) == NULL || terminal_create(dir, "bench", "property", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK)
		die("terminal", &em);
	in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "k1");
	lags = calloc(MAX_READS, sizeof *lags);
	load_room(in.j);

	t0 = now_ms();
	if (inventory_start(in.j, "A/01", &inv, &em) != CST_OK)
		die("start", &em);
	t_start = now_ms() - t0;
	v0 = 1000;
	read_shelf();
	virt = (double)(pair.now - v0) / 1e3;
	inventory_counts(inv, &c);
	t0 = now_ms();
	if (inventory_finish(inv, &in, id, &e) != CST_OK)
		die("finish", &e.em);
	inventory_report_csv(inv, &csv);
	t_report = now_ms() - t0;

	qsort(lags, nlags, sizeof *lags, cmp_double);
	printf("  inventory of shelf A/01: start (50,000 tagged items indexed) %.1f ms\n", t_start);
	printf("  %llu notices at 115200 baud (%.0f s of line time, %d reads a tag): "
	    "%llu counted, lost %llu\n", (unsigned long long)sent, virt, DUP * ROUNDS,
	    (unsigned long long)counted, (unsigned long long)(sent - counted));
	printf("  counts: expected %zu, seen %zu, missing %zu, unexpected %zu, unknown %zu, "
	    "duplicates %llu (want 10000, 9950, 50, 100, 100)\n", c.expected, c.seen, c.missing,
	    c.unexpected, c.unknown, (unsigned long long)c.duplicates);
	printf("  lag notice -> live count: p50 %.4f ms, p99 %.4f ms, max %.3f ms (goal p99 < 50)\n",
	    nlags ? lags[nlags / 2] : 0, nlags ? lags[nlags * 99 / 100] : 0,
	    nlags ? lags[nlags - 1] : 0);
	printf("  driver + inventory busy %.0f ms for %llu reads: %.0f reads/s possible, the "
	    "line carries %.0f/s\n", busy, (unsigned long long)counted,
	    busy > 0 ? counted / (busy / 1e3) : 0, virt > 0 ? sent / virt : 0);
	printf("  final report: inventory.completed committed + CSV (%zu bytes) in %.1f ms "
	    "(goal < 200)\n", csv.len, t_report);
	buf_free(&csv);
	inventory_free(inv);
	free(lags);
	terminal_close(t);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench/inventory: could not remove %s\n", dir);
	}
	return c.seen == SHELF - MISSING && c.missing == MISSING && c.unexpected == MISPLACED &&
	    c.unknown == UNKNOWN && sent == counted ? 0 : 1;
}

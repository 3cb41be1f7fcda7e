/*
 * bench/telemetry: 300 bands at 1 Hz each for 10 minutes of simulated time, from the simulated
 * dock through the real dock driver in memory into the rules engine, on a set clock. Prints
 * the CPU of the console-side work (driver events into telemetry and rules, rules_tick each
 * second) as a share of one core, the latency from an SOS press to the open alert, and the
 * resident memory before and after.
 */
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/devpair.h"
#include "alert.h"
#include "clock.h"
#include "dock.h"
#include "intake.h"
#include "rules.h"
#include "terminal.h"

#define BANDS 300
#define SECONDS 600
#define ZONES 20
#define T0 1795000000000LL

extern const struct sim_device sim_dock;

static struct rules *R;
static struct journal *J;
static double rules_cpu;	/* seconds spent in rules_on_device and rules_tick */

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long
rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kib;
}

static void
to_rules(void *arg, const struct dev_event *ev)
{
	struct errmsg em;
	double t = cpu_now();

	(void)arg;
	if (rules_on_device(R, ev, &em) != CST_OK)
		fprintf(stderr, "rules_on_device: %s\n", em.text);
	rules_cpu += cpu_now() - t;
}

static void
make_visits(struct intake *in)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	struct registration r;
	struct intake_error err;
	char first17[18], visit[UUID_LEN + 1];
	int i, k, sum;

	for (i = 0; i < BANDS; i++) {
		memset(&r, 0, sizeof r);
		snprintf(r.name, sizeof r.name, "测试%d", i);
		r.sex = 'M';
		snprintf(r.ethnicity, sizeof r.ethnicity, "01");
		snprintf(r.address, sizeof r.address, "北京市东城区");
		snprintf(first17, sizeof first17, "11010519800101%02d%d", i / 5, 2 * (i % 5) + 1);
		for (k = 0, sum = 0; k < 17; k++)
			sum += (first17[k] - '0') * w[k];
		snprintf(r.id_number, sizeof r.id_number, "%s%c", first17, "10X98765432"[sum % 11]);
		snprintf(r.case_number, sizeof r.case_number, "A%05d", i);	/* one each */
		snprintf(r.reason, sizeof r.reason, "criminal");
		snprintf(r.officer1, sizeof r.officer1, "110001");
		snprintf(r.officer2, sizeof r.officer2, "110002");
		snprintf(r.band, sizeof r.band, "B1%06X", i);
		if (intake_register(in, &r, visit, &err) != CST_OK) {
			fprintf(stderr, "register: %s\n", err.em.text);
			exit(1);
		}
	}
}

static int
sos_open(const char *band)
{
	struct alert_list l;
	struct errmsg em;
	char about[128];
	size_t i;
	int found = 0;

	snprintf(about, sizeof about, "band:%s", band);
	if (alert_open(J, 100000, &l, &em) != CST_OK)
		return 0;
	for (i = 0; i < l.n; i++)
		found |= strcmp(l.v[i].rule, "sos") == 0 && strcmp(l.v[i].about, about) == 0;
	alert_list_free(&l);
	return found;
}

int
main(void)
{
	char dir[] = "/tmp/custody-bench-telemetry-XXXXXX", line[96], err[256];
	struct intake in = { .max_failures = 5, .lockout_ms = 900000 };
	struct config conf;
	struct terminal *t;
	struct errmsg em;
	struct pair p;
	double total0, total, rules0, worst_ms = 0, sum_ms = 0;
	long rss0 = 0, rss1, own[3] = { 0 }, lite[3] = { 0 };
	int s, i, nsos = 0;

	if (mkdtemp(dir) == NULL)
		return 1;
	clock_set_ms(T0);
	config_defaults(&conf);
	for (i = 0; i < ZONES; i++) {
		conf.zones[i].number = i + 1;
		snprintf(conf.zones[i].name, sizeof conf.zones[i].name, "room %d", i + 1);
		conf.zones[i].kind = i % 8;
	}
	conf.nzones = ZONES;
	if (terminal_create(dir, "t1", "supervision", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "terminal: %s\n", em.text);
		return 1;
	}
	J = in.j = t->journal;
	snprintf(in.operator_, sizeof in.operator_, "c1");
	make_visits(&in);
	R = rules_new(J, &conf);
	pair_open(&p, &dock_driver, &sim_dock, clock_now_ms());
	p.io.emit = to_rules;
	pair_run(&p, clock_now_ms() + 1000);
	total0 = cpu_now();
	rules0 = rules_cpu;
	for (s = 0; s < SECONDS; s++) {
		int64_t start = clock_now_ms();

		for (i = 0; i < BANDS; i++) {
			/* Each band moves every 5 minutes, staggered; a tenth every 100 ms. */
			int zone = 1 + (i + (s + i) / 300) % ZONES;

			if (i % 10 == 0 && i > 0) {
				/* The terminal's clock and the pair's move together. */
				clock_set_ms(start + (i / 10) * 33);
				pair_run(&p, clock_now_ms());
			}
			snprintf(line, sizeof line, "telemetry B1%06X zone=%d hr=%d battery=80", i,
			    zone, 60 + (i + s) % 30);
			pair_command(&p, line, err, sizeof err);
		}
		if (s % 60 == 30) {
			/* An SOS: step 10 ms at a time until it is on the board. */
			int64_t pressed = clock_now_ms();
			double c0 = cpu_now();

			snprintf(line, sizeof line, "sos B1%06X", s % BANDS);
			pair_command(&p, line, err, sizeof err);
			snprintf(line, sizeof line, "B1%06X", s % BANDS);
			while (!sos_open(line) && clock_now_ms() - pressed < 5000) {
				clock_advance_ms(10);
				pair_run(&p, clock_now_ms());
			}
			sum_ms += clock_now_ms() - pressed + (cpu_now() - c0) * 1000;
			if (clock_now_ms() - pressed + (cpu_now() - c0) * 1000 > worst_ms)
				worst_ms = clock_now_ms() - pressed + (cpu_now() - c0) * 1000;
			nsos++;
		}
		pair_run(&p, start + 1000);
		clock_set_ms(start + 1000);
		{
			double c = cpu_now();

			if (rules_tick(R, &em) != CST_OK)
				fprintf(stderr, "rules_tick: %s\n", em.text);
			rules_cpu += cpu_now() - c;
		}
		if (s == 59)
			rss0 = rss_kib();
		if (s == 59 || s == 299 || s == SECONDS - 1) {
			/* The heap split: SQLite's own (page cache up to its bound) and the rest. */
			int k = s == 59 ? 0 : s == 299 ? 1 : 2;

			lite[k] = (long)(sqlite3_memory_used() / 1024);
			own[k] = (long)(mallinfo2().uordblks / 1024) - lite[k];
		}
	}
	total = cpu_now() - total0;
	rss1 = rss_kib();
	printf("bands %d, simulated %d s, samples %llu, faults %llu, moves %llu, rows %llu\n",
	    BANDS, SECONDS, (unsigned long long)telemetry_stats(rules_telemetry(R))->samples,
	    (unsigned long long)telemetry_stats(rules_telemetry(R))->faults,
	    (unsigned long long)telemetry_stats(rules_telemetry(R))->moves,
	    (unsigned long long)telemetry_stats(rules_telemetry(R))->rows);
	printf("console-side CPU (telemetry, rules, journal): %.2f s = %.2f %% of one core "
	    "(goal < 5 %%)\n", rules_cpu - rules0, 100 * (rules_cpu - rules0) / SECONDS);
	printf("with the simulated dock and the driver: %.2f s = %.2f %% of one core\n", total,
	    100 * total / SECONDS);
	printf("SOS to open alert: mean %.0f ms, worst %.0f ms over %d presses (goal < 1000 ms)\n",
	    nsos ? sum_ms / nsos : 0, worst_ms, nsos);
	printf("resident memory at 1 min %ld KiB, at 10 min %ld KiB\n", rss0, rss1);
	printf("heap outside SQLite at 1, 5, 10 min: %ld, %ld, %ld KiB; SQLite's (page cache, "
	    "bounded by cache_size): %ld, %ld, %ld KiB\n", own[0], own[1], own[2], lite[0], lite[1],
	    lite[2]);
	pair_close(&p);
	rules_free(R);
	terminal_close(t);
	snprintf(line, sizeof line, "rm -rf %s", dir);
	return system(line) == 0 ? 0 : 1;
}

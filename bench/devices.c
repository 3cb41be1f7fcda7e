/*
 * bench/devices:
 *  1. parse rate: each protocol's device-to-host bytes, recorded from its simulator answering
 *     the real driver, replayed into a fresh driver: frames and bytes per second, and the
 *     ratio to the line rate at 115200 baud (goal >= 100).
 *  2. tap latency: an EM4100 frame written whole into a pty, to the event from the terminal's
 *     device layer on its poll loop (so the frame's wire time is not counted): p50, p99
 *     (goal p99 < 2 ms).
 *  3. UHF at line rate: the simulated module pushes notices through a pty at exactly 115200
 *     baud for UHF_SECONDS (default 60) into the device layer: notices sent, read, lost
 *     (goal 0).
 */
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tests/devpair.h"
#include "clock.h"
#include "config.h"
#include "devices.h"
#include "em4100.h"
#include "fingerprint.h"
#include "idreader.h"
#include "loop.h"
#include "pn532.h"
#include "uhf.h"

extern const struct sim_device sim_em4100, sim_uhf, sim_idcard, sim_fingerprint, sim_pn532;

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

/* ---- 1. parse rate ---- */

struct recording {
	uint8_t *bytes;
	size_t len, cap;
};

static struct recording rec;
static const struct dev_driver *rec_drv;
static void *rec_state;

/* Wraps the pair's device-to-host path: every byte the simulator sends is also recorded. */
static void
record_send(void *arg, const uint8_t *frame, size_t n)
{
	if (rec.len + n > rec.cap) {
		rec.cap = (rec.len + n) * 2;
		rec.bytes = realloc(rec.bytes, rec.cap);
	}
	memcpy(rec.bytes + rec.len, frame, n);
	rec.len += n;
	pair_dev_send(arg, frame, n);
}

static void
no_write(void *arg, const uint8_t *b, size_t n)
{
	(void)arg;
	(void)b;
	(void)n;
}

static uint64_t events;

static void
count_event(void *arg, const struct dev_event *ev)
{
	(void)arg;
	(void)ev;
	events++;
}

struct scenario {
	const struct dev_driver *drv;
	const struct sim_device *dev;
	const char *commands[4];
	enum dev_request_kind request;	/* DEV_REQUEST_KINDS: none */
	int64_t ms;
};

static void
parse_rate(const struct scenario *sc)
{
	struct pair p;
	struct dev_io io = { no_write, count_event, NULL };
	char err[256];
	uint64_t frames0, frames = 0;
	double t0, t;
	int i, reps = 0;

	rec.len = 0;
	pair_open(&p, sc->drv, sc->dev, 1000);
	p.sio.send = record_send;
	for (i = 0; i < 4 && sc->commands[i]; i++)
		pair_command(&p, sc->commands[i], err, sizeof err);
	if (sc->request != DEV_REQUEST_KINDS) {
		struct dev_request rq = { .kind = sc->request };

		pair_request(&p, &rq);
	}
	pair_run(&p, 1000 + sc->ms);
	pair_close(&p);
	rec_drv = sc->drv;
	rec_state = calloc(1, sc->drv->state_size);
	sc->drv->start(rec_state, 0, &io);
	frames0 = sc->drv->stats(rec_state)->frames;
	events = 0;
	t0 = now_s();
	do {
		sc->drv->feed(rec_state, rec.bytes, rec.len, 5000 + reps, &io);
		reps++;
	} while ((t = now_s() - t0) < 1.0);
	frames = sc->drv->stats(rec_state)->frames - frames0;
	printf("  %-12s %8zu bytes recorded  %10.0f frames/s  %7.1f MB/s  %8.0f x line rate "
	    "(115200 baud)\n", sc->drv->name, rec.len, (double)frames / t,
	    (double)rec.len * reps / t / 1e6, (double)rec.len * reps / t / 11520.0);
	free(rec_state);
}

/* ---- 2. tap latency over a pty ---- */

#define TAPS 2000

static struct {
	double sent_at, lat[TAPS];
	int n, got;
} tap;

static void
tap_event(void *arg, int dev, const struct dev_event *ev)
{
	(void)arg;
	(void)dev;
	if (ev->kind == DEV_TAP && tap.n < TAPS) {
		tap.lat[tap.n++] = (now_s() - tap.sent_at) * 1000;
		tap.got = 1;
	}
}

static void
tap_state(void *arg, int dev, enum dev_line_state st)
{
	(void)arg;
	(void)dev;
	(void)st;
}

static void
tap_latency(void)
{
	struct devices_callbacks cb = { tap_event, tap_state, NULL };
	struct config c;
	struct loop *l = loop_new();
	struct devices *d;
	uint8_t frame[EM4100_FRAME], tag[5] = { 0x10, 0, 0, 0, 0 };
	char name[128];
	int master, slave, i;

	if (openpty(&master, &slave, name, NULL, NULL) != 0) {
		perror("openpty");
		exit(1);
	}
	config_defaults(&c);
	snprintf(c.dev[CONF_DEV_EM4100].port, sizeof c.dev[0].port, "%s", name);
	d = devices_new(l, &c, &cb);
	for (i = 0; i < 20; i++)
		loop_run_once(l, 10);
	for (i = 0; i < TAPS; i++) {
		double deadline;

		tag[3] = (uint8_t)(i >> 8);
		tag[4] = (uint8_t)i;
		em4100_encode(tag, frame);
		tap.got = 0;
		tap.sent_at = now_s();
		if (write(master, frame, sizeof frame) != (ssize_t)sizeof frame)
			break;
		deadline = tap.sent_at + 0.5;
		while (!tap.got && now_s() < deadline)
			loop_run_once(l, 50);
	}
	qsort(tap.lat, (size_t)tap.n, sizeof *tap.lat, cmp_double);
	if (tap.n > 0)
		printf("  em4100 over a pty: %d taps, latency p50 %.3f ms, p99 %.3f ms, max %.3f ms "
		    "(goal p99 < 2 ms)\n", tap.n, tap.lat[tap.n / 2], tap.lat[tap.n * 99 / 100],
		    tap.lat[tap.n - 1]);
	devices_free(d);
	loop_free(l);
	close(master);
	close(slave);
}

/* ---- 3. UHF notices at the line's full rate ---- */

static struct {
	int master;
	uint64_t sent, got, blocked;
	void *sim;
	struct sim_io io;
	struct loop *loop;
	struct devices *devs;
} uhf;

static void
uhf_send(void *arg, const uint8_t *frame, size_t n)
{
	size_t off = 0;

	(void)arg;
	if (n > 2 && frame[1] == 0x02)
		uhf.sent++;
	while (off < n) {
		ssize_t w = write(uhf.master, frame + off, n - off);

		if (w > 0)
			off += (size_t)w;
		else
			uhf.blocked++, loop_run_once(uhf.loop, 0);	/* let the reader drain */
	}
}

static void
uhf_event(void *arg, int dev, const struct dev_event *ev)
{
	(void)arg;
	(void)dev;
	if (ev->kind == DEV_TAG)
		uhf.got++;
}

static void
uhf_sim_tick(void *arg)
{
	(void)arg;
	sim_uhf.tick(uhf.sim, clock_mono_ms(), &uhf.io);
}

/* The module's side reads what the driver writes (the multiple-polling command). */
static void
uhf_from_host(void *arg, int fd, short revents)
{
	uint8_t buf[512];
	ssize_t got;

	(void)arg;
	(void)revents;
	if ((got = read(fd, buf, sizeof buf)) > 0)
		sim_uhf.from_host(uhf.sim, buf, (size_t)got, clock_mono_ms(), &uhf.io);
}

static void
uhf_line_rate(void)
{
	struct devices_callbacks cb = { uhf_event, tap_state, NULL };
	struct dev_request rq = { .kind = DEV_RQ_UHF_START };
	const char *env = getenv("UHF_SECONDS");
	int seconds = env ? atoi(env) : 60;
	char name[128], err[256], cmd[] = "tags", n[] = "200";
	char *argv[2] = { cmd, n };
	struct config c;
	const struct dev_stats *st;
	int slave, fl;
	double t0;

	if (openpty(&uhf.master, &slave, name, NULL, NULL) != 0) {
		perror("openpty");
		exit(1);
	}
	fl = fcntl(uhf.master, F_GETFL);
	fcntl(uhf.master, F_SETFL, fl | O_NONBLOCK);
	uhf.loop = loop_new();
	uhf.sim = calloc(1, sim_uhf.state_size);
	uhf.io.send = uhf_send;
	sim_uhf.init(uhf.sim);
	sim_uhf.command(uhf.sim, 2, argv, clock_mono_ms(), &uhf.io, err, sizeof err);
	config_defaults(&c);
	snprintf(c.dev[CONF_DEV_UHF].port, sizeof c.dev[0].port, "%s", name);
	uhf.devs = devices_new(uhf.loop, &c, &cb);
	loop_watch(uhf.loop, uhf.master, POLLIN, uhf_from_host, NULL);
	loop_timer(uhf.loop, 5, 1, uhf_sim_tick, NULL);
	loop_run_once(uhf.loop, 50);
	devices_request(uhf.devs, CONF_DEV_UHF, &rq);
	t0 = now_s();
	while (now_s() - t0 < seconds)
		loop_run_once(uhf.loop, 100);
	rq.kind = DEV_RQ_UHF_STOP;
	devices_request(uhf.devs, CONF_DEV_UHF, &rq);
	t0 = now_s();
	while (now_s() - t0 < 0.5)
		loop_run_once(uhf.loop, 50);
	st = devices_stats(uhf.devs, CONF_DEV_UHF);
	printf("  uhf at 115200 baud for %d s, 200 tags: %llu notices sent (%.0f/s), %llu read, "
	    "%lld lost; bad checksums %llu, bad frames %llu, garbage bytes %llu\n", seconds,
	    (unsigned long long)uhf.sent, (double)uhf.sent / seconds,
	    (unsigned long long)uhf.got, (long long)(uhf.sent - uhf.got),
	    (unsigned long long)st->bad_checksum, (unsigned long long)st->bad_frame,
	    (unsigned long long)st->garbage);
	devices_free(uhf.devs);
	loop_free(uhf.loop);
	free(uhf.sim);
	close(uhf.master);
	close(slave);
}

int
main(void)
{
	static const struct scenario scenarios[] = {
		{ &pn532_driver, &sim_pn532, { "hold 04A1B2C3D4E5F6" }, DEV_REQUEST_KINDS, 20000 },
		{ &em4100_driver, &sim_em4100, { "hold 62E3086CED" }, DEV_REQUEST_KINDS, 60000 },
		{ &fingerprint_driver, &sim_fingerprint, { "press alice" }, DEV_RQ_FP_ENROLL, 5000 },
		{ &uhf_driver, &sim_uhf, { "tags 100" }, DEV_RQ_UHF_START, 20000 },
		{ &idreader_driver, &sim_idcard, { "insert" }, DEV_REQUEST_KINDS, 2000 },
	};
	size_t i;

	printf("parse rate (one core):\n");
	for (i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
		parse_rate(&scenarios[i]);
	printf("tap latency:\n");
	tap_latency();
	printf("UHF at the line's full rate:\n");
	uhf_line_rate();
	return 0;
}

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
 *  4. recovery after line faults: for each device and each kind of fault (noise, a frame whose
 *     check fails, a truncated frame, a corrupted length byte, silence, an unplug, a power
 *     cycle), the time from the end of the fault to the next right event from the device
 *     layer: p50, p99, max over RECOVERY_RUNS trials (default 20), and the events lost or
 *     wrong (goal 0 wrong).  "devices recovery [DEVICE|FAULT|DEVICE:FAULT]..." runs only
 *     these rows.
 */
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../tests/devpair.h"
#include "clock.h"
#include "config.h"
#include "devices.h"
#include "em4100.h"
#include "fingerprint.h"
#include "idcard.h"
#include "idreader.h"
#include "loop.h"
#include "pn532.h"
#include "uhf.h"

extern const struct sim_device sim_em4100, sim_uhf, sim_idcard, sim_fingerprint, sim_pn532,
    sim_dock;

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

/*
 * ---- 4. recovery after line faults ----
 *
 * Each device's simulator runs in this process on a pty of its own, behind a link that the
 * device's line in the terminal's device layer (devices.c) is configured to; the bench stands
 * between the simulator and the pty and makes the faults there.  A trial presents something
 * new (a tag, a card, a band; for the fingerprint module the bench asks TemplateNum), makes
 * one fault, and times from the end of the fault to the first event from the device layer
 * that carries what was presented.  An event carrying something never presented is wrong.
 * Every row (device x fault) has a line, simulator and device layer of its own, and all rows
 * run at once on one poll loop.  Bytes are written unpaced: the wire time is not counted.
 */

enum fault_kind {
	F_NONE,			/* no fault: the plain latency, to compare with */
	F_NOISE,		/* NOISE_BYTES random bytes on the line */
	F_CHECKSUM,		/* the next frame with one bit flipped mid-way: its check fails */
	F_TRUNCATED,		/* the first half of the next frame, then TRUNCATED_SILENCE_MS */
	F_LENGTH,		/* the next frame with bit 7 of its length byte flipped */
	F_SILENT,		/* the device hears and says nothing for SILENT_MS */
	F_UNPLUG,		/* the pty closes, and a new one is linked UNPLUG_MS later */
	F_POWER,		/* off (silent) for POWER_OFF_MS, then the simulator starts afresh */
	FAULT_KINDS
};

static const char *const fault_names[FAULT_KINDS] = {
	"none", "noise", "checksum", "truncated", "length", "silent", "unplug", "power",
};

#define NOISE_BYTES 32
#define TRUNCATED_SILENCE_MS 300
#define SILENT_MS 1000
#define UNPLUG_MS 1000
#define POWER_OFF_MS 500
#define SETTLE_MS 200		/* between trials, after the last presentation left */
#define DEADLINE_MS 5000	/* no right event this long after the fault: lost */
#define GIVE_UP 3		/* lost in a row: the rest of the row is not run */
#define RUNS_MAX 1000
#define KEY_MAX (DEV_ID_MAX + 64)
#define RIG_OUT 65536

/* One device: its simulator, what it keeps over a power cycle, how a frame's length is hit. */
struct rig_spec {
	int dev;				/* CONF_DEV_* */
	const struct sim_device *sim;
	int len_at;				/* offset of the (low) length byte; -1: none */
	const char *setup[3];			/* sim commands at each power-on */
	const char *clear;			/* sim command: the last presentation leaves */
	int once;				/* a presentation is one event, not a stream */
	enum dev_request_kind start;		/* asked once a row (inventory), or none */
	enum dev_request_kind ask;		/* asked until answered in a trial, or none */
};

static const struct rig_spec rig_specs[] = {
	{ CONF_DEV_EM4100, &sim_em4100, -1, { NULL }, "lift", 1, DEV_REQUEST_KINDS,
	    DEV_REQUEST_KINDS },
	/* 00 00 FF LEN LCS: UM0701-02 6.2.1 */
	{ CONF_DEV_PN532, &sim_pn532, 3, { NULL }, "lift", 1, DEV_REQUEST_KINDS,
	    DEV_REQUEST_KINDS },
	/* EF 01 ADDR(4) PID LEN(2) */
	{ CONF_DEV_FINGERPRINT, &sim_fingerprint, 8, { "library 1 alice", "library 2 bob" }, NULL,
	    0, DEV_REQUEST_KINDS, DEV_RQ_FP_COUNT },
	/* AA AA AA 96 69 LEN(2) */
	{ CONF_DEV_IDCARD, &sim_idcard, 6, { NULL }, "remove", 1, DEV_REQUEST_KINDS,
	    DEV_REQUEST_KINDS },
	/* BB TYPE CMD PL(2) */
	{ CONF_DEV_UHF, &sim_uhf, 4, { NULL }, "clear", 0, DEV_RQ_UHF_START, DEV_REQUEST_KINDS },
	/* A5 5A VER TYPE SEQ LEN */
	{ CONF_DEV_DOCK, &sim_dock, 5, { NULL }, "remove 1", 1, DEV_REQUEST_KINDS,
	    DEV_REQUEST_KINDS },
};
#define RIGS (sizeof rig_specs / sizeof *rig_specs)

struct row {
	int run;		/* 0: not selected */
	int na;			/* the fault does not apply (no length field) */
	int dead;		/* the device never answered the warm-up */
	int trials, ok, lost, wrong, dup, missed, gave_up;
	double rec[RUNS_MAX];	/* ms */
	char first_wrong[KEY_MAX];
};

enum rig_phase { R_IDLE, R_CONNECT, R_WARM, R_CLEAR, R_FAULT, R_WAIT, R_NEXT, R_DONE };

struct rig {
	const struct rig_spec *spec;
	struct loop *loop;
	char link[96];		/* DIR/NAME, the line's port */
	int master, slave, watch;
	void *sim;
	struct sim_io sio;
	int64_t sim_next;
	struct devices *devs;
	uint8_t out[RIG_OUT];
	size_t out_len;
	struct row row;
	int fault;		/* enum fault_kind: the row */
	enum rig_phase phase;
	double phase_at;	/* s */
	int armed;		/* a frame fault waits for the device's next frame */
	int silent;		/* until silent_until (s): both directions dropped */
	double silent_until, plug_at, fault_end;
	int started;		/* spec->start was accepted this row */
	int early;		/* the right event came before the fault was over */
	int hits;		/* events carrying the present key */
	int lost_run;		/* lost in a row */
	unsigned k;		/* presentations so far */
	char key[KEY_MAX];	/* what the present trial's event must carry */
	char (*seen)[KEY_MAX];	/* every key presented this row */
	int nseen, maxseen;
};

static int recovery_runs = 20;

static void rig_event(void *arg, int dev, const struct dev_event *ev);
static void rig_fault_over(struct rig *r);
static void rig_trial_done(struct rig *r);

/* The k-th presentation: the simulator's command ("": none) and the key of its event. */
static const char *
presentation(const struct rig *r, unsigned k, char *cmd, size_t cmdsz)
{
	static char key[KEY_MAX];
	char num[19];
	const char *check = "0123456789X";

	switch (r->spec->dev) {
	case CONF_DEV_EM4100:
		snprintf(key, sizeof key, "E1%08X", k);
		snprintf(cmd, cmdsz, "hold %s", key);
		return key;
	case CONF_DEV_PN532:
		snprintf(key, sizeof key, "04A1%010X", k);	/* a 7-byte UID */
		snprintf(cmd, cmdsz, "hold %s", key);
		return key;
	case CONF_DEV_UHF:
		snprintf(key, sizeof key, "E2801160%016X", k);	/* a 96-bit EPC */
		snprintf(cmd, cmdsz, "add %s", key);
		return key;
	case CONF_DEV_DOCK:
		snprintf(key, sizeof key, "B1%06X", k);
		snprintf(cmd, cmdsz, "present 1 %s", key);
		return key;
	case CONF_DEV_IDCARD:
		/* A number whose check character idcard_check accepts: a new card each time. */
		for (; *check; check++) {
			snprintf(num, sizeof num, "11010119900307%03u%c", k % 999 + 1, *check);
			if (idcard_check(num, clock_now_ms(), NULL, NULL, 0) == 0)
				break;
		}
		snprintf(key, sizeof key, "%s 张三 19900307", num);
		snprintf(cmd, cmdsz, "insert id=%s name=张三 birth=19900307", num);
		return key;
	default:
		cmd[0] = 0;	/* the fingerprint module: the bench asks TemplateNum */
		return "count 2";
	}
}

/*
 * What an event carries, as presentation names it: 1 when it answers a presentation, 2 when
 * it only names one (a band leaving its slot), 0 for events that carry none.
 */
static int
event_key(const struct rig *r, const struct dev_event *ev, char *key, size_t n)
{
	int dev = r->spec->dev;

	if (ev->kind == DEV_INFO || ev->kind == DEV_ERROR)
		return 0;
	if ((ev->kind == DEV_TAP && (dev == CONF_DEV_EM4100 || dev == CONF_DEV_PN532)) ||
	    (ev->kind == DEV_TAG && dev == CONF_DEV_UHF) ||
	    (ev->kind == DEV_DOCK && ev->dock.what == DOCK_PRESENT)) {
		snprintf(key, n, "%s", ev->id);
		return 1;
	}
	if (ev->kind == DEV_DOCK) {
		snprintf(key, n, "%s", ev->id);
		return ev->dock.what == DOCK_REMOVED || ev->dock.what == DOCK_TELEMETRY ? 2 : 0;
	}
	if (ev->kind == DEV_IDCARD && ev->idcard) {
		snprintf(key, n, "%s %s %s", ev->idcard->id_number, ev->idcard->name,
		    ev->idcard->birth);
		return 1;
	}
	if (ev->kind == DEV_FINGER && ev->finger.what == FP_FAILED)
		return 0;
	if (ev->kind == DEV_FINGER && ev->finger.what == FP_COUNT)
		snprintf(key, n, "count %d", ev->finger.count);
	else if (ev->kind == DEV_FINGER)
		snprintf(key, n, "finger step %d", (int)ev->finger.what);	/* not asked */
	else
		snprintf(key, n, "event kind %d", (int)ev->kind);	/* not this device's */
	return 1;
}

static void
rig_flush(struct rig *r)
{
	ssize_t w;

	if (r->master < 0 || r->out_len == 0)
		return;
	w = write(r->master, r->out, r->out_len);
	if (w <= 0)
		return;
	memmove(r->out, r->out + w, r->out_len - (size_t)w);
	r->out_len -= (size_t)w;
}

static void
rig_put(struct rig *r, const uint8_t *b, size_t n)
{
	if (r->master < 0 || n > sizeof r->out - r->out_len)
		return;		/* unplugged, or the host is not reading: gone */
	memcpy(r->out + r->out_len, b, n);
	r->out_len += n;
	rig_flush(r);
}

static void
rig_mute(struct rig *r, int ms)
{
	r->silent = 1;
	r->silent_until = now_s() + ms / 1000.0;
}

/* A frame from the simulator: the armed fault hits it, then it goes to the line. */
static void
rig_send(void *arg, const uint8_t *frame, size_t n)
{
	struct rig *r = arg;
	uint8_t copy[8192];
	int len_at = r->spec->len_at;

	if (r->silent || r->master < 0)
		return;		/* off, silent or unplugged: the bytes go nowhere */
	if (n > sizeof copy)
		n = sizeof copy;
	memcpy(copy, frame, n);
	if (r->armed && n > 0) {
		r->armed = 0;
		if (r->fault == F_CHECKSUM)
			copy[n / 2] ^= 0x01;
		else if (r->fault == F_LENGTH && len_at >= 0 && (size_t)len_at < n)
			copy[len_at] ^= 0x80;
		else if (r->fault == F_TRUNCATED)
			n /= 2;
		rig_put(r, copy, n);
		if (r->fault == F_TRUNCATED)
			rig_mute(r, TRUNCATED_SILENCE_MS);	/* its end ends the fault */
		else
			rig_fault_over(r);
		return;
	}
	rig_put(r, copy, n);
}

static void
rig_sim_tick(struct rig *r)
{
	r->sim_next = r->spec->sim->tick(r->sim, clock_mono_ms(), &r->sio);
}

static void
rig_say(struct rig *r, const char *line)
{
	char buf[256], *argv[8], *save = NULL, *w, err[256];
	int argc = 0;

	snprintf(buf, sizeof buf, "%s", line);
	for (w = strtok_r(buf, " ", &save); w && argc < 8; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (argc > 0 && r->spec->sim->command(r->sim, argc, argv, clock_mono_ms(), &r->sio, err,
	    sizeof err) != 0)
		fprintf(stderr, "bench/devices: %s %s: %s\n", r->spec->sim->name, line, err);
	rig_sim_tick(r);
}

/* The simulator starts as from power-on, with what the device keeps (a library in flash). */
static void
rig_power_on(struct rig *r)
{
	int i;

	r->spec->sim->init(r->sim);
	rig_sim_tick(r);
	for (i = 0; i < 3 && r->spec->setup[i]; i++)
		rig_say(r, r->spec->setup[i]);
}

static void
rig_from_host(void *arg, int fd, short revents)
{
	struct rig *r = arg;
	uint8_t buf[4096];
	ssize_t got;

	(void)revents;
	while ((got = read(fd, buf, sizeof buf)) > 0)
		if (!r->silent) {
			r->spec->sim->from_host(r->sim, buf, (size_t)got, clock_mono_ms(), &r->sio);
			rig_sim_tick(r);
		}
}

/* A new pty, raw as the simulator's, and the link moved onto it. */
static void
rig_plug(struct rig *r)
{
	struct termios t;
	char name[128], tmp[sizeof r->link + 8];

	if (openpty(&r->master, &r->slave, name, NULL, NULL) != 0) {
		perror("openpty");
		exit(1);
	}
	if (tcgetattr(r->slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(r->slave, TCSANOW, &t);
	}
	fcntl(r->master, F_SETFL, fcntl(r->master, F_GETFL) | O_NONBLOCK);
	snprintf(tmp, sizeof tmp, "%s.tmp", r->link);
	unlink(tmp);
	if (symlink(name, tmp) != 0 || rename(tmp, r->link) != 0) {
		perror(r->link);
		exit(1);
	}
	r->out_len = 0;
	r->watch = loop_watch(r->loop, r->master, POLLIN, rig_from_host, r);
}

static void
rig_unplug(struct rig *r)
{
	unlink(r->link);
	loop_unwatch(r->loop, r->watch);
	if (r->master >= 0)
		close(r->master);
	if (r->slave >= 0)
		close(r->slave);
	r->master = r->slave = -1;
	r->watch = 0;
	r->out_len = 0;
}


static void
rig_row_begin(struct rig *r)
{
	struct devices_callbacks cb = { rig_event, NULL, r };
	struct config c;

	r->sim = calloc(1, r->spec->sim->state_size);
	r->sio.send = rig_send;
	r->sio.arg = r;
	r->silent = r->armed = r->started = 0;
	r->nseen = r->lost_run = 0;
	rig_plug(r);
	rig_power_on(r);
	config_defaults(&c);
	snprintf(c.dev[r->spec->dev].port, sizeof c.dev[0].port, "%s", r->link);
	r->devs = devices_new(r->loop, &c, &cb);
	r->phase = R_CONNECT;
	r->phase_at = now_s();
}

static void
rig_row_end(struct rig *r)
{
	devices_free(r->devs);
	r->devs = NULL;
	rig_unplug(r);
	free(r->sim);
	r->sim = NULL;
	r->phase = R_IDLE;
}

/* The row is over: its line, simulator and device layer go. */
static void
rig_finish(struct rig *r)
{
	if (r->devs)
		rig_row_end(r);
	r->phase = R_DONE;
}

static void
rig_present(struct rig *r)
{
	char cmd[256];
	const char *key = presentation(r, r->k++, cmd, sizeof cmd);

	snprintf(r->key, sizeof r->key, "%s", key);
	if (r->nseen < r->maxseen)
		snprintf(r->seen[r->nseen++], KEY_MAX, "%s", key);
	r->hits = 0;
	if (cmd[0])
		rig_say(r, cmd);
}

static int
rig_seen(const struct rig *r, const char *key)
{
	int i;

	for (i = 0; i < r->nseen; i++)
		if (strcmp(r->seen[i], key) == 0)
			return 1;
	return 0;
}

static void
rig_phase(struct rig *r, enum rig_phase p)
{
	r->phase = p;
	r->phase_at = now_s();
}

/* The last presentation leaves; the next trial begins SETTLE_MS later. */
static void
rig_clear(struct rig *r)
{
	rig_phase(r, R_CLEAR);
	if (r->spec->clear)
		rig_say(r, r->spec->clear);
}

/*
 * A trial is over; the next one, or the next row, from rig_step: an event's callback must not
 * free the device layer it is called from.
 */
static void
rig_trial_done(struct rig *r)
{
	r->row.trials++;
	r->phase = R_NEXT;
}

static void
rig_next(struct rig *r)
{
	struct row *w = &r->row;

	if (w->trials >= recovery_runs)
		rig_finish(r);
	else if (r->lost_run >= GIVE_UP) {
		w->gave_up = 1;
		rig_finish(r);
	} else
		rig_clear(r);
}

static void
rig_event(void *arg, int dev, const struct dev_event *ev)
{
	struct rig *r = arg;
	struct row *w;
	char key[KEY_MAX];
	int what;

	(void)dev;
	what = event_key(r, ev, key, sizeof key);
	if (what == 0 || r->phase == R_IDLE || r->phase == R_DONE)
		return;
	w = &r->row;
	if (what == 2 || strcmp(key, r->key) != 0) {
		if (!rig_seen(r, key) && w->wrong++ == 0)
			snprintf(w->first_wrong, sizeof w->first_wrong, "%s", key);
		return;
	}
	if (r->hits++ > 0) {
		w->dup += r->spec->once;	/* one presentation, two events */
		return;
	}
	if (r->phase == R_WARM) {
		rig_clear(r);
	} else if (r->phase == R_FAULT) {
		r->early = 1;
	} else if (r->phase == R_WAIT) {
		if (w->ok < RUNS_MAX)
			w->rec[w->ok] = (now_s() - r->fault_end) * 1000;
		w->ok++;
		r->lost_run = 0;
		rig_trial_done(r);
	}
}

/* The fault is over: the clock of the trial starts, unless the event came first. */
static void
rig_fault_over(struct rig *r)
{
	r->fault_end = now_s();
	if (r->early) {
		r->row.missed++;	/* the fault hit a frame after the event's */
		rig_trial_done(r);
	} else {
		r->phase = R_WAIT;
	}
}

static void
rig_fault_begin(struct rig *r)
{
	uint8_t junk[NOISE_BYTES];
	size_t i;

	r->fault_end = 0;
	r->early = 0;
	rig_phase(r, R_FAULT);
	switch (r->fault) {
	case F_NOISE:
		for (i = 0; i < sizeof junk; i++)
			junk[i] = (uint8_t)(rand() & 0xff);
		rig_put(r, junk, sizeof junk);
		/* FALLTHROUGH */
	case F_NONE:
		rig_fault_over(r);
		break;
	case F_CHECKSUM:
	case F_TRUNCATED:
	case F_LENGTH:
		r->armed = 1;
		break;
	case F_SILENT:
		rig_mute(r, SILENT_MS);
		break;
	case F_UNPLUG:
		rig_unplug(r);
		r->plug_at = now_s() + UNPLUG_MS / 1000.0;
		break;
	case F_POWER:
		rig_mute(r, POWER_OFF_MS);
		break;
	}
	if (r->fault != F_POWER)
		rig_present(r);		/* after a power cycle: once it is on again */
}

/* The fault's own timers: the end of a silence, the plug coming back, power coming on. */
static void
rig_fault_step(struct rig *r, double t)
{
	if (r->silent && t >= r->silent_until) {
		r->silent = 0;
		if (r->fault == F_POWER)
			rig_power_on(r);
		rig_fault_over(r);
		if (r->fault == F_POWER)
			rig_present(r);
	} else if (r->fault == F_UNPLUG && r->master < 0 && t >= r->plug_at) {
		rig_plug(r);
		rig_fault_over(r);
	} else if (!r->silent && r->master >= 0 && t - r->phase_at > DEADLINE_MS / 1000.0) {
		r->armed = 0;
		r->row.missed++;		/* no frame came to be hit */
		rig_trial_done(r);
	}
}

static void
rig_step(struct rig *r)
{
	double t = now_s();
	struct row *w;

	if (r->phase == R_IDLE || r->phase == R_DONE)
		return;
	w = &r->row;
	rig_flush(r);
	if (r->sim_next >= 0 && clock_mono_ms() >= r->sim_next)
		rig_sim_tick(r);
	if (r->spec->start != DEV_REQUEST_KINDS && !r->started && r->phase != R_CONNECT) {
		struct dev_request rq = { .kind = r->spec->start };

		r->started = devices_request(r->devs, r->spec->dev, &rq) == 0;
	}
	if (r->spec->ask != DEV_REQUEST_KINDS &&
	    (r->phase == R_WARM || r->phase == R_FAULT || r->phase == R_WAIT)) {
		struct dev_request rq = { .kind = r->spec->ask };

		devices_request(r->devs, r->spec->dev, &rq);	/* refused while busy */
	}
	switch (r->phase) {
	case R_CONNECT:
		if (devices_state(r->devs, r->spec->dev) == LINE_CONNECTED) {
			rig_phase(r, R_WARM);
			rig_present(r);
		} else if (t - r->phase_at > DEADLINE_MS / 1000.0) {
			w->dead = 1;
			rig_finish(r);
		}
		break;
	case R_WARM:
		if (t - r->phase_at > DEADLINE_MS / 1000.0) {
			w->dead = 1;
			rig_finish(r);
		}
		break;
	case R_CLEAR:
		if (t - r->phase_at >= SETTLE_MS / 1000.0)
			rig_fault_begin(r);
		break;
	case R_FAULT:
		rig_fault_step(r, t);
		break;
	case R_WAIT:
		if (t - r->fault_end > DEADLINE_MS / 1000.0) {
			w->lost++;
			r->lost_run++;
			rig_trial_done(r);
		}
		break;
	case R_NEXT:
		rig_next(r);
		break;
	default:
		break;
	}
}

/* Whether the row device:fault is asked for: no words, or a word naming it, its device or fault. */
static int
row_selected(const char *dev, const char *fault, int argc, char **argv)
{
	char both[64];
	int i;

	snprintf(both, sizeof both, "%s:%s", dev, fault);
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], dev) == 0 || strcmp(argv[i], fault) == 0 ||
		    strcmp(argv[i], both) == 0)
			return 1;
	return argc == 0;
}

static void
row_print(const char *dev, const char *fault, struct row *w)
{
	int n = w->ok < RUNS_MAX ? w->ok : RUNS_MAX;

	printf("  %-12s %-10s ", dev, fault);
	if (w->na) {
		printf("  (no length field)\n");
		return;
	}
	if (w->dead) {
		printf("  the device never answered before the faults\n");
		return;
	}
	printf("%4d %4d %4d %5d %4d", w->trials, w->ok, w->lost, w->wrong, w->dup);
	qsort(w->rec, (size_t)n, sizeof *w->rec, cmp_double);
	if (n > 0)
		printf(" %8.1f %8.1f %8.1f", w->rec[n / 2], w->rec[n * 99 / 100], w->rec[n - 1]);
	else
		printf(" %8s %8s %8s", "-", "-", "-");
	if (w->missed)
		printf("  (%d missed the fault)", w->missed);
	if (w->gave_up)
		printf("  (gave up: %d lost in a row)", GIVE_UP);
	if (w->wrong)
		printf("  (first wrong: %s)", w->first_wrong);
	printf("\n");
}

/* Runs the selected rows, each on a line of its own, all at once; prints the table. */
static void
recovery(int argc, char **argv)
{
	static struct rig rigs[RIGS][FAULT_KINDS];
	const char *env = getenv("RECOVERY_RUNS");
	char dir[] = "/tmp/bench-devices-XXXXXX";
	struct loop *l = loop_new();
	size_t i;
	int f, busy = 1;
	double t0 = now_s();

	if (env && (recovery_runs = atoi(env)) < 1)
		recovery_runs = 1;
	if (recovery_runs > RUNS_MAX)
		recovery_runs = RUNS_MAX;
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	srand(16);
	for (i = 0; i < RIGS; i++)
		for (f = 0; f < FAULT_KINDS; f++) {
			struct rig *r = &rigs[i][f];
			const char *name = config_device_names[rig_specs[i].dev];

			r->spec = &rig_specs[i];
			r->fault = f;
			r->phase = R_DONE;
			r->row.run = row_selected(name, fault_names[f], argc, argv);
			r->row.na = f == F_LENGTH && r->spec->len_at < 0;
			if (!r->row.run || r->row.na)
				continue;
			r->loop = l;
			r->master = r->slave = -1;
			r->sim_next = -1;
			r->maxseen = recovery_runs + 2;
			r->seen = calloc((size_t)r->maxseen, sizeof *r->seen);
			snprintf(r->link, sizeof r->link, "%s/%s-%s", dir, name, fault_names[f]);
			rig_row_begin(r);
		}
	while (busy) {
		loop_run_once(l, 1);
		busy = 0;
		for (i = 0; i < RIGS; i++)
			for (f = 0; f < FAULT_KINDS; f++) {
				rig_step(&rigs[i][f]);
				busy |= rigs[i][f].phase != R_DONE;
			}
	}
	printf("  %d trials a row (RECOVERY_RUNS), the rows at once, %.0f s; ms from the end of "
	    "the fault\n  to the first event carrying what was presented; wrong: carrying what "
	    "never was\n", recovery_runs, now_s() - t0);
	printf("  %-12s %-10s %4s %4s %4s %5s %4s %8s %8s %8s\n", "device", "fault", "runs", "ok",
	    "lost", "wrong", "dup", "p50", "p99", "max");
	for (i = 0; i < RIGS; i++)
		for (f = 0; f < FAULT_KINDS; f++) {
			if (rigs[i][f].row.run)
				row_print(config_device_names[rig_specs[i].dev], fault_names[f],
				    &rigs[i][f].row);
			free(rigs[i][f].seen);
		}
	rmdir(dir);
	loop_free(l);
}

int
main(int argc, char **argv)
{
	static const struct scenario scenarios[] = {
		{ &pn532_driver, &sim_pn532, { "hold 04A1B2C3D4E5F6" }, DEV_REQUEST_KINDS, 20000 },
		{ &em4100_driver, &sim_em4100, { "hold 62E3086CED" }, DEV_REQUEST_KINDS, 60000 },
		{ &fingerprint_driver, &sim_fingerprint, { "press alice" }, DEV_RQ_FP_ENROLL, 5000 },
		{ &uhf_driver, &sim_uhf, { "tags 100" }, DEV_RQ_UHF_START, 20000 },
		{ &idreader_driver, &sim_idcard, { "insert" }, DEV_REQUEST_KINDS, 2000 },
	};
	size_t i;

	if (argc > 1 && strcmp(argv[1], "recovery") == 0) {
		printf("recovery after line faults:\n");
		recovery(argc - 2, argv + 2);
		return 0;
	}
	printf("parse rate (one core):\n");
	for (i = 0; i < sizeof scenarios / sizeof *scenarios; i++)
		parse_rate(&scenarios[i]);
	printf("tap latency:\n");
	tap_latency();
	printf("UHF at the line's full rate:\n");
	uhf_line_rate();
	printf("recovery after line faults:\n");
	recovery(0, NULL);
	return 0;
}

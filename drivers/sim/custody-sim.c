/*
 * custody-sim: every device of a terminal on a pseudo-terminal of its own, speaking its real
 * protocol, driven by commands on standard input, a script file or a control FIFO.  The line
 * faults (garbage, a corrupt or half frame, an unplug) are made here, on the frames a device
 * hands over.  See man/custody-sim.1.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt, grantpt, unlockpt, ptsname */
#define _DEFAULT_SOURCE		/* cfmakeraw */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "dock-net.h"
#include "dock-udp.h"
#include "i18n.h"
#include "sim.h"
#include "xmalloc.h"

extern const struct sim_device sim_em4100;
extern const struct sim_device sim_pn532;
extern const struct sim_device sim_idcard;
extern const struct sim_device sim_fingerprint;
extern const struct sim_device sim_uhf;
extern const struct sim_device sim_dock;
extern const struct sim_device sim_gateway;

static const struct sim_device *const all_devices[] = {
	&sim_pn532,
	&sim_em4100,
	&sim_fingerprint,
	&sim_uhf,
	&sim_dock,
	&sim_idcard,
	&sim_gateway,		/* its frames go over UDP with --gateway; its pty carries nothing */
};
#define NDEV (sizeof all_devices / sizeof *all_devices)

#define QUEUE_MAX (256 * 1024)	/* bytes waiting for the line; beyond, the oldest frames go */
#define LINE_MAX_BYTES 4096	/* a command line */

enum fault { FAULT_NONE, FAULT_CORRUPT, FAULT_HALF };

struct simdev {
	const struct sim_device *dev;
	void *state;
	int master, slave;	/* -1 while unplugged */
	char pts[64];
	int64_t next_tick;	/* -1: none */
	int64_t back_at;	/* unplugged until this time; 0 when plugged */
	enum fault fault;
	uint8_t *queue;
	size_t qlen;
	uint64_t sent, dropped;
	int64_t paced_at;	/* --realtime: the line is busy until this time (us) */
	struct sim_io io;
};

static struct {
	struct simdev devs[NDEV];
	const char *links;
	int realtime;
	int quit;
	int verbose;
} sim;

/* --gateway: the gateway's datagrams, sealed with its key, to the terminal's UDP port. */
static struct {
	int fd;			/* -1: no --gateway */
	uint16_t id;
	uint8_t key[DOCK_NET_KEY];
	uint64_t sent, failed;
} gw = { -1, 1, { 0 }, 0, 0 };

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
}

static void
raw_line(int fd, int baud)
{
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return;
	cfmakeraw(&t);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	(void)baud;		/* a pty has no real rate; --realtime paces the bytes */
	tcsetattr(fd, TCSANOW, &t);
}

static void
make_link(const struct simdev *d)
{
	char link[4096], tmp[4200];

	if (sim.links == NULL)
		return;
	snprintf(link, sizeof link, "%s/%s", sim.links, d->dev->name);
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", link, (long)getpid());
	unlink(tmp);
	if (symlink(d->pts, tmp) != 0 || rename(tmp, link) != 0)
		fprintf(stderr, _("custody-sim: cannot link %s: %s\n"), link, strerror(errno));
}

static void
drop_link(const struct simdev *d)
{
	char link[4096];

	if (sim.links == NULL)
		return;
	snprintf(link, sizeof link, "%s/%s", sim.links, d->dev->name);
	unlink(link);
}

static int
plug(struct simdev *d)
{
	const char *name;

	d->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (d->master < 0 || grantpt(d->master) != 0 || unlockpt(d->master) != 0 ||
	    (name = ptsname(d->master)) == NULL) {
		fprintf(stderr, _("custody-sim: no pseudo-terminal for %s: %s\n"), d->dev->name,
		    strerror(errno));
		return -1;
	}
	fcntl(d->master, F_SETFD, FD_CLOEXEC);
	snprintf(d->pts, sizeof d->pts, "%s", name);
	/* Held open so the line stays up (and raw) while no host has it open. */
	d->slave = open(d->pts, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (d->slave >= 0)
		raw_line(d->slave, d->dev->baud);
	raw_line(d->master, d->dev->baud);
	d->back_at = 0;
	d->qlen = 0;
	make_link(d);
	return 0;
}

static void
unplug(struct simdev *d, int64_t until)
{
	drop_link(d);
	if (d->master >= 0)
		close(d->master);
	if (d->slave >= 0)
		close(d->slave);
	d->master = d->slave = -1;
	d->qlen = 0;
	d->back_at = until;
}

/*
 * One datagram per frame; the counter is the wall clock in microseconds, so that it still
 * grows after a restart of the simulator (docs/dock-protocol.md, section 14).
 */
static void
gateway_send(const uint8_t *frame, size_t n)
{
	static uint64_t last;
	struct timespec ts;
	uint8_t d[DOCK_NET_MAX];
	uint64_t counter;
	size_t len;

	if (gw.fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	counter = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	if (counter <= last)
		counter = last + 1;
	last = counter;
	if ((len = dock_net_seal(gw.key, gw.id, counter, frame, n, d)) == 0 ||
	    send(gw.fd, d, len, 0) != (ssize_t)len)
		gw.failed++;
	else
		gw.sent++;
}

static void
gateway_open(const char *spec, const char *keyfile)
{
	struct addrinfo hints, *res = NULL;
	struct errmsg em = { 0 };
	char host[64];
	const char *colon = strrchr(spec, ':');

	if (keyfile == NULL || dock_udp_read_key(keyfile, gw.key, &em) != CST_OK) {
		fprintf(stderr, _("custody-sim: --gateway needs --gateway-key FILE: %s\n"),
		    em.text[0] ? em.text : "-");
		exit(1);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (colon == NULL || (size_t)(colon - spec) >= sizeof host) {
		fprintf(stderr, _("custody-sim: --gateway %s is not ADDRESS:PORT\n"), spec);
		exit(2);
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0 ||
	    (gw.fd = socket(res->ai_family, SOCK_DGRAM, 0)) < 0 ||
	    connect(gw.fd, res->ai_addr, res->ai_addrlen) != 0) {
		fprintf(stderr, _("custody-sim: --gateway %s: cannot send there\n"), spec);
		exit(1);
	}
	freeaddrinfo(res);
}

/* A frame from the device: the pending fault applies, then it waits for the line. */
static void
dev_send(void *arg, const uint8_t *frame, size_t n)
{
	struct simdev *d = arg;
	uint8_t copy[2048];
	const uint8_t *p = frame;

	if (d->dev == &sim_gateway) {
		gateway_send(frame, n);
		return;
	}
	if (d->master < 0)
		return;		/* unplugged: the bytes go nowhere, as on a pulled cable */
	if (d->fault != FAULT_NONE && n > 0) {
		if (n > sizeof copy)
			n = sizeof copy;
		memcpy(copy, frame, n);
		if (d->fault == FAULT_CORRUPT)
			copy[n / 2] ^= 0x01;
		else
			n /= 2;
		p = copy;
		d->fault = FAULT_NONE;
	}
	if (n > QUEUE_MAX - d->qlen) {
		d->dropped += n;
		return;
	}
	memcpy(d->queue + d->qlen, p, n);
	d->qlen += n;
}

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Writes what the line takes; with --realtime no faster than 10 bits per byte at the baud. */
static void
drain(struct simdev *d)
{
	size_t n = d->qlen;
	ssize_t put;

	if (d->master < 0 || n == 0)
		return;
	if (sim.realtime) {
		int64_t t = now_us(), per_byte = 10000000 / d->dev->baud;

		if (d->paced_at < t - 1000)
			d->paced_at = t - 1000;	/* at most a millisecond of credit */
		n = (size_t)((t - d->paced_at) / (per_byte ? per_byte : 1));
		if (n > d->qlen)
			n = d->qlen;
		if (n == 0)
			return;
	}
	put = write(d->master, d->queue, n);
	if (put <= 0)
		return;
	if (sim.realtime)
		d->paced_at += (int64_t)put * (10000000 / d->dev->baud);
	d->sent += (uint64_t)put;
	memmove(d->queue, d->queue + put, d->qlen - (size_t)put);
	d->qlen -= (size_t)put;
}

static void
ticked(struct simdev *d, int64_t now)
{
	d->next_tick = d->dev->tick(d->state, now, &d->io);
}

static void
from_host(struct simdev *d)
{
	uint8_t buf[4096];
	ssize_t got;

	while ((got = read(d->master, buf, sizeof buf)) > 0) {
		d->dev->from_host(d->state, buf, (size_t)got, clock_mono_ms(), &d->io);
		ticked(d, clock_mono_ms());
	}
}

static struct simdev *
find_dev(const char *name)
{
	size_t i;

	for (i = 0; i < NDEV; i++)
		if (strcmp(sim.devs[i].dev->name, name) == 0)
			return &sim.devs[i];
	return NULL;
}

static void
usage_all(FILE *f)
{
	size_t i;

	fputs(_("Commands (one per line):\n"
	    "  DEVICE garbage N        N random bytes on the line\n"
	    "  DEVICE corrupt          the next frame with one bit flipped\n"
	    "  DEVICE half             only the first half of the next frame\n"
	    "  DEVICE unplug SECONDS   the line goes away, and comes back\n"
	    "  sleep MS                wait (in scripts)\n"
	    "  help | quit\n"), f);
	for (i = 0; i < NDEV; i++)
		fputs(sim.devs[i].dev->usage, f);
}

/* The faults every line can have; 1 when the verb was one of them. */
static int
line_fault(struct simdev *d, int argc, char **argv, int64_t now)
{
	if (strcmp(argv[0], "garbage") == 0 && argc == 2) {
		long n = strtol(argv[1], NULL, 10);
		uint8_t junk[4096];
		long i;

		if (n < 1 || n > (long)sizeof junk)
			n = 16;
		for (i = 0; i < n; i++)
			junk[i] = (uint8_t)(rand() & 0xff);
		d->fault = FAULT_NONE;
		dev_send(d, junk, (size_t)n);
		return 1;
	}
	if (strcmp(argv[0], "corrupt") == 0 && argc == 1) {
		d->fault = FAULT_CORRUPT;
		return 1;
	}
	if (strcmp(argv[0], "half") == 0 && argc == 1) {
		d->fault = FAULT_HALF;
		return 1;
	}
	if (strcmp(argv[0], "unplug") == 0 && argc == 2) {
		double s = strtod(argv[1], NULL);

		if (s <= 0 || s > 3600)
			s = 1;
		unplug(d, now + (int64_t)(s * 1000));
		return 1;
	}
	return 0;
}

/* One command line; the time a "sleep" asks to wait, else 0. */
static int64_t
command(char *line, const char *where)
{
	char *argv[64], *save = NULL, *w;
	char err[512] = "";
	int argc = 0;
	struct simdev *d;
	int64_t now = clock_mono_ms();

	line[strcspn(line, "\r\n#")] = 0;
	for (w = strtok_r(line, " \t", &save); w && argc < 64; w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (argc == 0)
		return 0;
	if (strcmp(argv[0], "quit") == 0) {
		sim.quit = 1;
		return 0;
	}
	if (strcmp(argv[0], "help") == 0) {
		usage_all(stdout);
		fflush(stdout);		/* at once, also when stdout is a pipe */
		return 0;
	}
	if (strcmp(argv[0], "sleep") == 0 && argc == 2)
		return strtol(argv[1], NULL, 10);
	if ((d = find_dev(argv[0])) == NULL) {
		fprintf(stderr, _("custody-sim: %s: no device \"%s\" (help lists them)\n"), where,
		    argv[0]);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, _("custody-sim: %s: what should %s do? (help)\n"), where, argv[0]);
		return 0;
	}
	if (!line_fault(d, argc - 1, argv + 1, now) &&
	    d->dev->command(d->state, argc - 1, argv + 1, now, &d->io, err, sizeof err) != 0)
		fprintf(stderr, "custody-sim: %s: %s\n", where, err);
	else if (sim.verbose)
		printf("ok\n");
	ticked(d, now);
	fflush(stdout);
	return 0;
}

/* Commands arrive on fd; complete lines are run, a partial one waits for its end. */
struct input {
	int fd;
	char buf[LINE_MAX_BYTES];
	size_t len;
	int eof;
	const char *name;
	int lineno;
};

static void
read_input(struct input *in)
{
	ssize_t got = read(in->fd, in->buf + in->len, sizeof in->buf - 1 - in->len);
	char *nl, where[64];

	if (got <= 0) {
		if (got == 0 || (errno != EAGAIN && errno != EINTR))
			in->eof = 1;
		return;
	}
	in->len += (size_t)got;
	in->buf[in->len] = 0;
	while ((nl = memchr(in->buf, '\n', in->len)) != NULL) {
		*nl = 0;
		snprintf(where, sizeof where, "%s:%d", in->name, ++in->lineno);
		command(in->buf, where);
		in->len -= (size_t)(nl + 1 - in->buf);
		memmove(in->buf, nl + 1, in->len);
	}
	if (in->len == sizeof in->buf - 1) {
		fprintf(stderr, _("custody-sim: %s: line too long, dropped\n"), in->name);
		in->len = 0;
	}
}

/* A script file runs first, its sleeps honoured, with the devices live meanwhile. */
static void run_for(int64_t ms, struct input *ins, int nin);

static void
run_script(const char *path, struct input *ins, int nin)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_BYTES], where[4200];
	int lineno = 0;
	int64_t wait;

	if (f == NULL) {
		fprintf(stderr, "custody-sim: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (!sim.quit && !got_signal && fgets(line, sizeof line, f)) {
		snprintf(where, sizeof where, "%s:%d", path, ++lineno);
		if ((wait = command(line, where)) > 0)
			run_for(wait, ins, nin);
	}
	fclose(f);
}

static int64_t
next_deadline(void)
{
	int64_t next = -1;
	size_t i;

	for (i = 0; i < NDEV; i++) {
		struct simdev *d = &sim.devs[i];
		int64_t t = d->next_tick;

		if (d->master < 0 && (t < 0 || d->back_at < t))
			t = d->back_at;

		if (d->master >= 0 && d->qlen && sim.realtime)
			t = clock_mono_ms() + 1;
		if (t >= 0 && (next < 0 || t < next))
			next = t;
	}
	return next;
}

static void
one_round(struct input *ins, int nin, int max_wait)
{
	struct pollfd p[NDEV + 4];
	int64_t now, next = next_deadline();
	int n = 0, i, wait;
	size_t k;

	for (k = 0; k < NDEV; k++) {
		struct simdev *d = &sim.devs[k];

		p[n].fd = d->master;
		p[n].events = (short)(POLLIN | (d->qlen && !sim.realtime ? POLLOUT : 0));
		n++;
	}
	for (i = 0; i < nin; i++) {
		p[n].fd = ins[i].eof ? -1 : ins[i].fd;
		p[n].events = POLLIN;
		n++;
	}
	now = clock_mono_ms();
	wait = next < 0 ? max_wait : (int)(next > now ? next - now : 0);
	if (max_wait >= 0 && (wait < 0 || wait > max_wait))
		wait = max_wait;
	if (poll(p, (nfds_t)n, wait) < 0 && errno != EINTR)
		return;
	now = clock_mono_ms();
	for (k = 0; k < NDEV; k++) {
		struct simdev *d = &sim.devs[k];

		if (d->master < 0) {
			/* A pulled cable does not stop the device: it goes on, talking to nobody. */
			if (d->back_at && now >= d->back_at && plug(d) == 0)
				ticked(d, now);
			else if (d->next_tick >= 0 && now >= d->next_tick)
				ticked(d, now);
			continue;
		}
		if (p[k].revents & POLLIN)
			from_host(d);
		if (d->next_tick >= 0 && now >= d->next_tick)
			ticked(d, now);
		drain(d);
	}
	for (i = 0; i < nin; i++)
		if (p[NDEV + i].revents)
			read_input(&ins[i]);
}

static void
run_for(int64_t ms, struct input *ins, int nin)
{
	int64_t end = clock_mono_ms() + ms;

	while (!sim.quit && !got_signal && clock_mono_ms() < end)
		one_round(ins, nin, (int)(end - clock_mono_ms()));
}

static void
usage(void)
{
	fputs(_("usage: custody-sim [--links DIR] [--realtime] [--script FILE] [--control FIFO]\n"
	    "                   [--verbose] [--gateway ADDRESS:PORT --gateway-key FILE\n"
	    "                   [--gateway-id N]]\n"), stderr);
	exit(2);
}

static int
open_control(const char *path)
{
	int fd;

	if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
		fprintf(stderr, "custody-sim: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	/* Read-write, so the FIFO never reads as ended when a writer goes away. */
	if ((fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		fprintf(stderr, "custody-sim: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "links", required_argument, NULL, 'l' },
		{ "realtime", no_argument, NULL, 'r' },
		{ "script", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "gateway", required_argument, NULL, 'g' },
		{ "gateway-key", required_argument, NULL, 'k' },
		{ "gateway-id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct input ins[2];
	const char *script = NULL, *control = NULL, *gateway = NULL, *gateway_key = NULL;
	int c, nin = 0;
	size_t i;

	setlocale(LC_ALL, "");
	i18n_init();
	while ((c = getopt_long(argc, argv, "l:rs:c:vg:k:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'g': gateway = optarg; break;
		case 'k': gateway_key = optarg; break;
		case 'i': gw.id = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'l': sim.links = optarg; break;
		case 'r': sim.realtime = 1; break;
		case 's': script = optarg; break;
		case 'c': control = optarg; break;
		case 'v': sim.verbose = 1; break;
		case 'h': usage_all(stdout); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (gateway)
		gateway_open(gateway, gateway_key);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (sim.links && mkdir(sim.links, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "custody-sim: %s: %s\n", sim.links, strerror(errno));
		return 1;
	}
	for (i = 0; i < NDEV; i++) {
		struct simdev *d = &sim.devs[i];

		d->dev = all_devices[i];
		d->state = xcalloc(1, d->dev->state_size);
		d->queue = xmalloc(QUEUE_MAX);
		d->io.send = dev_send;
		d->io.arg = d;
		d->dev->init(d->state);
		if (plug(d) != 0)
			return 1;
		ticked(d, clock_mono_ms());
		printf("%s %s\n", d->dev->name, d->pts);
	}
	fflush(stdout);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	ins[nin++] = (struct input){ .fd = 0, .name = "stdin" };
	if (control)
		ins[nin++] = (struct input){ .fd = open_control(control), .name = control };
	if (script)
		run_script(script, ins, nin);
	while (!sim.quit && !got_signal)
		one_round(ins, nin, -1);
	for (i = 0; i < NDEV; i++) {
		unplug(&sim.devs[i], 0);
		free(sim.devs[i].state);
		free(sim.devs[i].queue);
	}
	if (control)
		unlink(control);
	return 0;
}

/*
 * The gateway over the network: the datagram of docs/dock-protocol.md section 14 byte for
 * byte, then a real UDP socket in the terminal's device layer receiving sealed datagrams:
 * authenticated telemetry reaches the telemetry module of the rules; forged, replayed,
 * truncated, oversized, foreign and flooding datagrams are dropped and counted.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "crypto.h"
#include "devices.h"
#include "dock-net.h"
#include "dock-udp.h"
#include "keyfile.h"
#include "loop.h"
#include "t.h"
#include "telemetry.h"
#include "terminal.h"
#include "util.h"

/* Section 14's example: key 00 01 .. 1F, gateway 1, counter 1, one HEARTBEAT (section 9, 6). */
static const uint8_t g_datagram[] = { 0x43, 0x44, 0x47, 0x57, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xA5, 0x5A, 0x02, 0x11, 0x01, 0x04, 0xEC, 0x00,
    0x00, 0x01, 0x2C, 0x7C, 0x4A, 0x1C, 0x2F, 0x96, 0xAA, 0xCC, 0x96, 0xD8, 0x9D, 0x5C, 0xF3,
    0x9B, 0x63, 0x40, 0xDA, 0x2D, 0x2C, 0xC0, 0x1F, 0x56, 0x06, 0x4D, 0xC6, 0x25, 0x2B, 0x55,
    0x73, 0x8F, 0x1F, 0xF1, 0x87, 0x60, 0x16 };
static const uint8_t g_heartbeat[] = { 0xA5, 0x5A, 0x02, 0x11, 0x01, 0x04, 0xEC, 0x00, 0x00,
    0x01, 0x2C, 0x7C, 0x4A };

static uint8_t key[DOCK_NET_KEY];

struct got {
	int n, errors;
	struct dev_event ev[256];
};

static void
got_emit(void *arg, const struct dev_event *ev)
{
	struct got *g = arg;

	if (ev->kind == DEV_ERROR)
		g->errors++;
	if (g->n < 256)
		g->ev[g->n] = *ev;
	g->n++;
}

static void
no_write(void *arg, const uint8_t *b, size_t n)
{
	(void)arg;
	(void)b;
	(void)n;
}

/* A telemetry frame of one band sample, sealed. */
static size_t
telemetry_datagram(const uint8_t *k, uint16_t gw, uint64_t counter, const char *band, int zone,
    int hr, uint8_t flags, uint8_t *out)
{
	struct dock_telemetry t;
	uint8_t p[DOCK_PAYLOAD_MAX], f[DOCK_FRAME_MAX];
	size_t n;

	memset(&t, 0, sizeof t);
	t.n = 1;
	dock_id_parse(band, t.s[0].id, &t.s[0].id_len);
	t.s[0].zone = (uint16_t)zone;
	t.s[0].heart_rate = (uint8_t)hr;
	t.s[0].battery = 80;
	t.s[0].flags = flags;
	n = dock_encode_frame(DOCK_T_TELEMETRY, 0, p, dock_telemetry_put(&t, p), f);
	return dock_net_seal(k, gw, counter, f, n, out);
}

static void
test_codec(void)
{
	uint8_t d[DOCK_NET_MAX], bad[DOCK_NET_MAX];
	struct dock_net g;
	struct got got;
	struct dev_io io = { no_write, got_emit, &got };
	size_t n;
	uint64_t c;

	n = dock_net_seal(key, 1, 1, g_heartbeat, sizeof g_heartbeat, d);
	ok(n == sizeof g_datagram && memcmp(d, g_datagram, n) == 0,
	    "the sealed HEARTBEAT is section 14's example, byte for byte");
	memset(&got, 0, sizeof got);
	dock_net_init(&g, key, 1, 0);
	ok(dock_net_datagram(&g, g_datagram, sizeof g_datagram, 0, &io) == DOCK_NET_OK &&
	    g.net.accepted == 1 && g.stats.frames == 1, "and it is taken");
	ok(dock_net_datagram(&g, g_datagram, sizeof g_datagram, 1, &io) == DOCK_NET_REPLAY &&
	    g.net.replayed == 1, "the same datagram again is a replay");
	memcpy(bad, g_datagram, sizeof g_datagram);
	bad[sizeof g_datagram - 1] ^= 1;
	ok(dock_net_datagram(&g, bad, sizeof g_datagram, 2, &io) == DOCK_NET_MAC &&
	    g.net.bad_mac == 1, "a changed tag is forged");
	memcpy(bad, g_datagram, sizeof g_datagram);
	bad[20] ^= 1;		/* in the frame, under the MAC */
	ok(dock_net_datagram(&g, bad, sizeof g_datagram, 3, &io) == DOCK_NET_MAC,
	    "a changed frame is forged");
	ok(dock_net_datagram(&g, g_datagram, 40, 4, &io) == DOCK_NET_SIZE, "a truncated one");
	ok(dock_net_datagram(&g, d, DOCK_NET_MAX + 1, 5, &io) == DOCK_NET_SIZE && g.net.bad_size == 2,
	    "an oversized one");
	memcpy(bad, g_datagram, sizeof g_datagram);
	bad[7] = 2;
	ok(dock_net_datagram(&g, bad, sizeof g_datagram, 6, &io) == DOCK_NET_HEADER_BAD,
	    "another gateway's number");
	/* Another key. */
	{
		uint8_t other[DOCK_NET_KEY];

		memset(other, 0x55, sizeof other);
		n = dock_net_seal(other, 1, 9, g_heartbeat, sizeof g_heartbeat, d);
		ok(dock_net_datagram(&g, d, n, 7, &io) == DOCK_NET_MAC, "another key's datagram");
	}
	/* Authentic but not a gateway's frames: a version 1 frame, a BAND_PRESENT, garbage. */
	{
		uint8_t f[2 * DOCK_FRAME_MAX], p[DOCK_PAYLOAD_MAX] = { 1, 80, 2, 0xAB, 0xCD };
		size_t fl;

		fl = dock_encode_frame_v(DOCK_VERSION_1, DOCK_T_HEARTBEAT, 0, p, 4, f);
		n = dock_net_seal(key, 1, 10, f, fl, d);
		ok(dock_net_datagram(&g, d, n, 8, &io) == DOCK_NET_FRAMES, "a version 1 frame");
		fl = dock_encode_frame(DOCK_T_PRESENT, 0, p, 5, f);
		n = dock_net_seal(key, 1, 11, f, fl, d);
		ok(dock_net_datagram(&g, d, n, 9, &io) == DOCK_NET_FRAMES,
		    "a BAND_PRESENT (a slot has no meaning on the network)");
		fl = dock_encode_frame(DOCK_T_HEARTBEAT, 0, p, 4, f);
		f[fl++] = 0xA5;
		n = dock_net_seal(key, 1, 12, f, fl, d);
		ok(dock_net_datagram(&g, d, n, 10, &io) == DOCK_NET_FRAMES && g.net.bad_frames == 3,
		    "a stray byte after the frames");
	}
	/* The window: late counters once, far behind never. */
	dock_net_init(&g, key, 1, 0);
	n = telemetry_datagram(key, 1, 100, "0A0B0C0D", 3, 70, 0, d);
	ok(dock_net_datagram(&g, d, n, 0, &io) == DOCK_NET_OK, "counter 100");
	n = telemetry_datagram(key, 1, 90, "0A0B0C0D", 3, 70, 0, d);
	ok(dock_net_datagram(&g, d, n, 1, &io) == DOCK_NET_OK, "counter 90, late, in the window");
	ok(dock_net_datagram(&g, d, n, 2, &io) == DOCK_NET_REPLAY, "counter 90 again: replay");
	n = telemetry_datagram(key, 1, 100 - DOCK_NET_WINDOW, "0A0B0C0D", 3, 70, 0, d);
	ok(dock_net_datagram(&g, d, n, 3, &io) == DOCK_NET_REPLAY, "64 behind: too old");
	/* An authentic flood (a gateway gone wrong): past the rate, dropped. */
	dock_net_init(&g, key, 1, 0);
	for (c = 1; c <= DOCK_NET_RATE + 50; c++) {
		n = telemetry_datagram(key, 1, c, "0A0B0C0D", 3, 70, 0, d);
		dock_net_datagram(&g, d, n, 500, &io);
	}
	ok(g.net.accepted == DOCK_NET_RATE && g.net.flood == 50, "over 200 a second are dropped");
	n = telemetry_datagram(key, 1, c, "0A0B0C0D", 3, 70, 0, d);
	ok(dock_net_datagram(&g, d, n, 1500, &io) == DOCK_NET_OK, "and the next second is taken");
	/* Silence. */
	memset(&got, 0, sizeof got);
	ok(dock_net_tick(&g, 1500 + DOCK_SILENCE_MS - 1, &io) == 1500 + DOCK_SILENCE_MS &&
	    got.errors == 0, "no error before 15 s");
	dock_net_tick(&g, 1500 + DOCK_SILENCE_MS, &io);
	dock_net_tick(&g, 1500 + 2 * DOCK_SILENCE_MS, &io);
	ok(got.errors == 1, "one error for a silent gateway");
#define T (1500 + 3 * DOCK_SILENCE_MS)
	/* Forged datagrams (the magic and the gateway's number are no secret) crowd nobody out. */
	for (c = 0; c < 3 * DOCK_NET_RATE; c++) {
		n = telemetry_datagram(key, 1, 5000 + (uint64_t)c, "0A0B0C0D", 3, 70, 0, d);
		d[n - 1] ^= 1;
		dock_net_datagram(&g, d, n, T + 100, &io);
	}
	/* Nor do replays of a recorded datagram use up the gateway's budget. */
	n = telemetry_datagram(key, 1, 8000, "0A0B0C0D", 3, 70, 0, d);
	for (c = 0; c < 3 * DOCK_NET_RATE; c++)
		dock_net_datagram(&g, d, n, T + 150, &io);
	n = telemetry_datagram(key, 1, 9000, "0A0B0C0D", 3, 70, DOCK_SOS, d);
	ok(dock_net_datagram(&g, d, n, T + 200, &io) == DOCK_NET_OK,
	    "the gateway's SOS in a second of 600 forged and 599 replayed datagrams is taken");
	{
		struct dock_hello hh = { 0, 0, 7, "GW-01", "1.0" };
		uint8_t p[DOCK_PAYLOAD_MAX], f[DOCK_FRAME_MAX];

		n = dock_encode_frame(DOCK_T_HELLO, 0, p, dock_hello_put(&hh, p), f);
		n = dock_net_seal(key, 1, 9100, f, n, d);
		ok(dock_net_datagram(&g, d, n, T + 300, &io) == DOCK_NET_OK,
		    "a gateway's HELLO of 0 slots is taken");
		hh.slots = 4;
		n = dock_encode_frame(DOCK_T_HELLO, 0, p, dock_hello_put(&hh, p), f);
		n = dock_net_seal(key, 1, 9101, f, n, d);
		ok(dock_net_datagram(&g, d, n, T + 300, &io) == DOCK_NET_FRAMES,
		    "a HELLO with slots is a dock's, not a gateway's: refused");
	}
#undef T
}

/* A real socket in the device layer, fed by another socket. */
struct sink {
	struct telemetry *tm;
	int n, hellos, telemetry;
};

static void
sink_event(void *arg, int dev, const struct dev_event *ev)
{
	struct sink *s = arg;
	struct errmsg em;
	int urgent = 0;

	s->n++;
	if (dev != CONF_DEV_DOCK)
		return;
	s->hellos += ev->kind == DEV_DOCK && ev->dock.what == DOCK_HELLO;
	s->telemetry += ev->kind == DEV_DOCK && ev->dock.what == DOCK_TELEMETRY;
	telemetry_ingest(s->tm, ev, clock_now_ms(), &urgent, &em);
}

static void
sink_state(void *arg, int dev, enum dev_line_state st)
{
	(void)arg;
	(void)dev;
	(void)st;
}

static void
pump(struct loop *l)
{
	int i;

	for (i = 0; i < 10; i++)
		loop_run_once(l, 10);
}

static void
test_socket(void)
{
	char *dir = t_tmpdir("docknet"), path[PATH_MAX], hex[2 * DOCK_NET_KEY + 2];
	struct config conf;
	struct terminal *t;
	struct errmsg em;
	struct sink sk;
	struct devices_callbacks cb = { sink_event, sink_state, &sk };
	struct loop *l;
	struct devices *devs;
	const struct dock_net_stats *st;
	const struct tm_band *b;
	struct sockaddr_in to;
	uint8_t d[DOCK_NET_MAX + 64];
	size_t n;
	uint64_t n_ok;
	int fd, i;

	if (terminal_create(dir, "t1", "supervision", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "terminal: %s\n", em.text);
		ok(0, "a terminal");
		return;
	}
	config_defaults(&conf);
	conf.sup.zone_settle_ms = 0;
	conf.nzones = 2;
	conf.zones[0].number = 12;
	snprintf(conf.zones[0].name, sizeof conf.zones[0].name, "讯问室1");
	conf.zones[0].kind = 5;
	conf.zones[1].number = 5;
	snprintf(conf.zones[1].name, sizeof conf.zones[1].name, "候问室1");
	conf.zones[1].kind = 4;
	snprintf(path, sizeof path, "%s/gateway.key", dir);
	for (i = 0; i < DOCK_NET_KEY; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[2 * DOCK_NET_KEY] = '\n';
	keyfile_write(path, hex, 2 * DOCK_NET_KEY + 1, &em);
	snprintf(conf.gateway.listen, sizeof conf.gateway.listen, "127.0.0.1:0");
	snprintf(conf.gateway.key, sizeof conf.gateway.key, "%s", path);
	conf.gateway.id = 1;
	memset(&sk, 0, sizeof sk);
	sk.tm = telemetry_new(t->journal, &conf);
	l = loop_new();
	devs = devices_new(l, &conf, &cb);
	ok(devices_gateway_error(devs)[0] == '\0' && devices_gateway_port(devs) > 0,
	    "the gateway's socket is open");
	st = devices_gateway_stats(devs);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)devices_gateway_port(devs));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	/* An officer's badge: the telemetry module follows it without a visit to bind it to. */
	n = telemetry_datagram(key, 1, 1, "0A0B0C0D", 12, 72, DOCK_BADGE, d);
	sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);
	pump(l);
	telemetry_tick(sk.tm, clock_now_ms() + 1, &em);
	b = telemetry_find(sk.tm, "0A0B0C0D");
	ok(st && st->accepted == 1 && sk.telemetry == 1, "an authenticated datagram is taken");
	ok(b != NULL && b->badge && b->zone == 12 && b->battery == 80 && b->heard_ms != 0,
	    "its sample reaches the rules' telemetry: the badge in zone 12 at 80 %");

	sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);		/* replay */
	d[n - 1] ^= 1;
	sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);		/* forged */
	sendto(fd, d, 30, 0, (struct sockaddr *)&to, sizeof to);	/* truncated */
	memset(d, 0xA5, sizeof d);
	sendto(fd, d, sizeof d, 0, (struct sockaddr *)&to, sizeof to);	/* oversized */
	{
		uint8_t other[DOCK_NET_KEY];

		memset(other, 7, sizeof other);
		n = telemetry_datagram(other, 1, 2, "0A0B0C0D", 5, 150, DOCK_BADGE | DOCK_SOS, d);
		sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);	/* wrong key */
	}
	pump(l);
	b = telemetry_find(sk.tm, "0A0B0C0D");
	ok(st->replayed == 1 && st->bad_mac == 2 && st->bad_size == 2 && st->accepted == 1,
	    "replayed, forged, truncated, oversized and wrong-key datagrams are dropped, counted");
	ok(sk.telemetry == 1 && b && b->zone == 12 && !(b->flags & DOCK_SOS),
	    "and none of them reached the rules");

	n = telemetry_datagram(key, 1, 3, "0A0B0C0D", 5, 75, DOCK_BADGE | DOCK_SOS, d);
	sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);
	pump(l);
	telemetry_tick(sk.tm, clock_now_ms() + 2, &em);
	b = telemetry_find(sk.tm, "0A0B0C0D");
	ok(st->accepted == 2 && b && b->zone == 5 && b->sos_ms != 0,
	    "the next authentic datagram moves the band and carries its SOS");

	/* custody-sim as the gateway: its sealed datagrams reach the same socket and rules. */
	{
		char ctl[PATH_MAX], spec[64], line[] = "gateway telemetry 0A0B0C0E zone=12 badge\n";
		pid_t pid;
		int cfd, status, before = sk.telemetry;

		snprintf(ctl, sizeof ctl, "%s/control", dir);
		snprintf(spec, sizeof spec, "127.0.0.1:%d", devices_gateway_port(devs));
		mkfifo(ctl, 0600);
		if ((pid = fork()) == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 0);
			dup2(null, 1);
			execl(t_bin("custody-sim"), "custody-sim", "--control", ctl, "--gateway", spec,
			    "--gateway-key", path, "--gateway-id", "1", (char *)NULL);
			_exit(127);
		}
		for (i = 0; i < 300 && st->accepted < 4; i++)	/* its HELLO at boot */
			loop_run_once(l, 10);
		cfd = open(ctl, O_WRONLY);
		ok(cfd >= 0 && write(cfd, line, strlen(line)) == (ssize_t)strlen(line),
		    "custody-sim --gateway takes a telemetry command");
		if (cfd >= 0)
			close(cfd);
		for (i = 0; i < 300 && sk.telemetry == before; i++)
			loop_run_once(l, 10);
		telemetry_tick(sk.tm, clock_now_ms() + 3, &em);
		b = telemetry_find(sk.tm, "0A0B0C0E");
		ok(sk.hellos >= 1 && b != NULL && b->zone == 12,
		    "custody-sim's gateway HELLO and telemetry reach the rules over UDP");
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}

	/* A flood of 2000 forged datagrams: bounded, counted, and the loop goes on. */
	n_ok = st->accepted;
	for (i = 0; i < 2000; i++) {
		n = telemetry_datagram(key, 1, 1000 + (uint64_t)i, "0A0B0C0D", 5, 75, 0, d);
		d[n - 1] ^= 1;
		sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);
	}
	for (i = 0; i < 100; i++)
		loop_run_once(l, 5);
	ok(st->bad_mac + st->flood > 2 && st->accepted == n_ok, "a flood is dropped");
	printf("# flood: %llu checked and forged, %llu over the rate, the rest lost in the kernel\n",
	    (unsigned long long)st->bad_mac - 2, (unsigned long long)st->flood);

	close(fd);
	devices_free(devs);
	loop_free(l);

	/*
	 * The terminal restarts: a datagram recorded before (counter 3, the SOS) is not new to
	 * it, although its window was in memory; the gateway's next one is.
	 */
	l = loop_new();
	devs = devices_new(l, &conf, &cb);
	st = devices_gateway_stats(devs);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	to.sin_port = htons((uint16_t)devices_gateway_port(devs));
	n = telemetry_datagram(key, 1, 3, "0A0B0C0D", 5, 75, DOCK_BADGE | DOCK_SOS, d);
	sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);
	pump(l);
	ok(st && st->replayed == 1 && st->accepted == 0,
	    "after a restart, a datagram recorded before it is refused as a replay");
	n = telemetry_datagram(key, 1, (uint64_t)1 << 62, "0A0B0C0D", 5, 75, DOCK_BADGE, d);
	sendto(fd, d, n, 0, (struct sockaddr *)&to, sizeof to);
	pump(l);
	ok(st && st->accepted == 1, "and the gateway's next datagram is taken");
	close(fd);
	devices_free(devs);
	{
		char cpath[PATH_MAX + 16];

		snprintf(cpath, sizeof cpath, "%s.counter", path);
		t_write_file(cpath, "not a counter\n", 14, 0600);
		devs = devices_new(l, &conf, &cb);
		ok(strstr(devices_gateway_error(devs), "counter") != NULL &&
		    devices_gateway_stats(devs) == NULL,
		    "a damaged counter file is said, and the gateway is not heard blindly");
		devices_free(devs);
		unlink(cpath);
	}
	loop_free(l);
	telemetry_free(sk.tm);

	/* A bad key file and a bad address are said, not fatal. */
	chmod(path, 0644);
	l = loop_new();
	devs = devices_new(l, &conf, &cb);
	ok(devices_gateway_error(devs)[0] != '\0' && devices_gateway_stats(devs) == NULL,
	    "a key file readable by others is refused");
	devices_free(devs);
	chmod(path, 0600);
	snprintf(conf.gateway.listen, sizeof conf.gateway.listen, "localhost");
	devs = devices_new(l, &conf, &cb);
	ok(strstr(devices_gateway_error(devs), "ADDRESS:PORT") != NULL, "a bad address is said");
	devices_free(devs);
	loop_free(l);
	terminal_close(t);
	t_rmrf(dir);
	free(dir);
}

int
main(void)
{
	int i;

	if (cry_init() != CST_OK)
		return 99;
	for (i = 0; i < DOCK_NET_KEY; i++)
		key[i] = (uint8_t)i;
	test_codec();
	test_socket();
	return t_done();
}

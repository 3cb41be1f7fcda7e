/*
 * The dock protocol: the CRC check value, the worked frames of docs/dock-protocol.md both ways,
 * every split, garbage, bad CRCs, half frames, oversized lengths, ACK/NAK and repeats, and the
 * driver against the simulated dock with each fault.
 */
#include <stdio.h>
#include <string.h>

#include "devpair.h"
#include "dock.h"
#include "simrun.h"
#include "t.h"

extern const struct sim_device sim_dock;

/* The worked examples of docs/dock-protocol.md, section 9 (each checked there by hand). */
static const uint8_t g_ack[] = { 0xA5, 0x5A, 0x02, 0x01, 0x07, 0x00, 0x2C, 0x43, 0x45 };
static const uint8_t g_ack_0[] = { 0xA5, 0x5A, 0x02, 0x01, 0x00, 0x00, 0x47, 0x1B, 0x18 };
static const uint8_t g_nak[] = { 0xA5, 0x5A, 0x02, 0x02, 0x07, 0x01, 0x96, 0x01, 0x05, 0xA2 };
static const uint8_t g_host_hello[] = { 0xA5, 0x5A, 0x02, 0x20, 0x00, 0x01, 0x68, 0x00, 0x38,
    0x57 };
static const uint8_t g_hello[] = { 0xA5, 0x5A, 0x02, 0x10, 0x00, 0x12, 0xF0, 0x00, 0x04, 0x12,
    0x34, 0x07, 0x44, 0x4F, 0x43, 0x4B, 0x2D, 0x30, 0x31, 0x05, 0x31, 0x2E, 0x30, 0x2E, 0x33, 0x46,
    0xEE };
static const uint8_t g_heartbeat[] = { 0xA5, 0x5A, 0x02, 0x11, 0x01, 0x04, 0xEC, 0x00, 0x00, 0x01,
    0x2C, 0x7C, 0x4A };
static const uint8_t g_present[] = { 0xA5, 0x5A, 0x02, 0x12, 0x02, 0x0B, 0x43, 0x02, 0x57, 0x08,
    0xE0, 0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0x50, 0xE8 };
static const uint8_t g_bind[] = { 0xA5, 0x5A, 0x02, 0x21, 0x01, 0x11, 0x66, 0x02, 0x00, 0x0E, 0x56,
    0x32, 0x30, 0x32, 0x34, 0x31, 0x31, 0x32, 0x33, 0x2D, 0x30, 0x30, 0x34, 0x32, 0x11, 0x87 };
static const uint8_t g_result[] = { 0xA5, 0x5A, 0x02, 0x15, 0x03, 0x0E, 0x5B, 0x01, 0x21, 0x00,
    0x00, 0x02, 0x08, 0xE0, 0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0xA9, 0xF3 };
static const uint8_t g_telemetry[] = { 0xA5, 0x5A, 0x02, 0x14, 0x04, 0x23, 0x98, 0x01, 0x8B, 0xCF,
    0xE5, 0x68, 0x00, 0x02, 0x08, 0xE0, 0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0x00, 0x0C, 0x48,
    0x57, 0x00, 0x00, 0x00, 0x04, 0x0A, 0x0B, 0x0C, 0x0D, 0x00, 0x03, 0x00, 0x40, 0x81, 0x00, 0xFA,
    0x01, 0x35 };
static const uint8_t g_removed[] = { 0xA5, 0x5A, 0x02, 0x13, 0x05, 0x0A, 0x44, 0x02, 0x08, 0xE0,
    0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0x17, 0x25 };
static const uint8_t g_unbind[] = { 0xA5, 0x5A, 0x02, 0x22, 0x02, 0x0A, 0xA5, 0x00, 0x08, 0xE0,
    0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0x9C, 0xB2 };
static const uint8_t g_locate[] = { 0xA5, 0x5A, 0x02, 0x23, 0x03, 0x0B, 0xDC, 0x00, 0x08, 0xE0,
    0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0x0A, 0x5D, 0xEC };
static const uint8_t g_refused[] = { 0xA5, 0x5A, 0x02, 0x15, 0x06, 0x0E, 0x1A, 0x02, 0x22, 0x01,
    0x05, 0x00, 0x08, 0xE0, 0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0x68, 0x9B };

/* Section 9's version 1 examples, as a dock of the field still sends them. */
static const uint8_t g1_hello[] = { 0xA5, 0x5A, 0x01, 0x10, 0x00, 0x12, 0x00, 0x04, 0x12, 0x34,
    0x07, 'D', 'O', 'C', 'K', '-', '0', '1', 0x05, '1', '.', '0', '.', '3', 0x14, 0x64 };
static const uint8_t g1_ack_0[] = { 0xA5, 0x5A, 0x01, 0x01, 0x00, 0x00, 0xC5, 0x44 };
static const uint8_t g1_present[] = { 0xA5, 0x5A, 0x01, 0x12, 0x02, 0x0B, 0x02, 0x57, 0x08, 0xE0,
    0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C, 0xD7, 0xC1 };

static const uint8_t band[8] = { 0xE0, 0x04, 0x01, 0x50, 0xA3, 0x2B, 0x19, 0x7C };
#define BAND_HEX "E0040150A32B197C"

/* A driver fed by hand: what it writes and emits is kept. */
struct host {
	struct dock d;
	struct dev_io io;
	uint8_t wrote[8192];
	size_t nwrote;
	int n;
	struct dev_event ev[64];
};

static void
host_write(void *arg, const uint8_t *b, size_t n)
{
	struct host *h = arg;

	if (h->nwrote + n <= sizeof h->wrote) {
		memcpy(h->wrote + h->nwrote, b, n);
		h->nwrote += n;
	}
}

static void
host_emit(void *arg, const struct dev_event *ev)
{
	struct host *h = arg;

	if (h->n < 64)
		h->ev[h->n] = *ev;
	h->n++;
}

static void
host_open(struct host *h, int64_t now)
{
	memset(h, 0, sizeof *h);
	h->io.write = host_write;
	h->io.emit = host_emit;
	h->io.arg = h;
	dock_driver.start(&h->d, now, &h->io);
	h->nwrote = 0;			/* the HOST_HELLO, tested on its own */
}

static void
host_feed(struct host *h, const uint8_t *b, size_t n, int64_t now)
{
	dock_driver.feed(&h->d, b, n, now, &h->io);
}

/* The frames a side wrote, read back with the parser. */
struct frames {
	int n;
	struct {
		uint8_t type, seq, len, p[DOCK_PAYLOAD_MAX];
	} f[64];
};

static void
collect_frame(void *arg, const struct dock_frame *f, int good)
{
	struct frames *fs = arg;

	if (!good || fs->n == 64)
		return;
	fs->f[fs->n].type = f->type;
	fs->f[fs->n].seq = f->seq;
	fs->f[fs->n].len = f->len;
	memcpy(fs->f[fs->n].p, f->payload, f->len);
	fs->n++;
}

static void
read_frames(const uint8_t *b, size_t n, struct frames *fs)
{
	struct dock_parser p;
	struct dev_stats st;

	memset(&p, 0, sizeof p);
	memset(&st, 0, sizeof st);
	memset(fs, 0, sizeof *fs);
	dock_parse(&p, &st, b, n, 0, collect_frame, fs);
}

static void
test_crc(void)
{
	ok(dock_crc16((const uint8_t *)"123456789", 9) == 0x29B1,
	    "CRC-16/CCITT-FALSE of \"123456789\" is 0x29B1");
	ok(dock_crc16(NULL, 0) == 0xFFFF, "the CRC of nothing is the initial value");
}

static int
encodes(const uint8_t *golden, size_t glen, uint8_t type, uint8_t seq, const uint8_t *p,
    size_t n)
{
	uint8_t f[DOCK_FRAME_MAX];

	return dock_encode_frame(type, seq, p, n, f) == glen && memcmp(f, golden, glen) == 0;
}

/* The encoders write exactly the frames of the specification. */
static void
test_golden_encode(void)
{
	uint8_t p[DOCK_PAYLOAD_MAX], why = DOCK_NAK_CRC, rev = 0;
	struct dock_hello h = { 0, 4, 0x1234, "DOCK-01", "1.0.3" };
	struct dock_band b = { 2, 87, 8, { 0 } };
	struct dock_command c;
	struct dock_result r = { 1, DOCK_T_BIND, 0, 0, 2, 8, { 0 } };
	struct dock_telemetry t;

	ok(encodes(g_ack, sizeof g_ack, DOCK_T_ACK, 7, NULL, 0), "ACK seq 7");
	ok(encodes(g_nak, sizeof g_nak, DOCK_T_NAK, 7, &why, 1), "NAK seq 7, CRC");
	ok(encodes(g_host_hello, sizeof g_host_hello, DOCK_T_HOST_HELLO, 0, &rev, 1), "HOST_HELLO");
	ok(encodes(g_hello, sizeof g_hello, DOCK_T_HELLO, 0, p, dock_hello_put(&h, p)), "HELLO");
	ok(encodes(g_heartbeat, sizeof g_heartbeat, DOCK_T_HEARTBEAT, 1, p,
	    dock_heartbeat_put(300, p)), "HEARTBEAT, 300 s up");
	memcpy(b.id, band, 8);
	ok(encodes(g_present, sizeof g_present, DOCK_T_PRESENT, 2, p,
	    dock_band_put(DOCK_T_PRESENT, &b, p)), "BAND_PRESENT");
	ok(encodes(g_removed, sizeof g_removed, DOCK_T_REMOVED, 5, p,
	    dock_band_put(DOCK_T_REMOVED, &b, p)), "BAND_REMOVED");
	memset(&c, 0, sizeof c);
	c.slot = 2;
	c.visit_len = 14;
	memcpy(c.visit, "V20241123-0042", 14);
	ok(encodes(g_bind, sizeof g_bind, DOCK_T_BIND, 1, p, dock_command_put(DOCK_T_BIND, &c, p)),
	    "BIND slot 2");
	memcpy(r.id, band, 8);
	ok(encodes(g_result, sizeof g_result, DOCK_T_RESULT, 3, p, dock_result_put(&r, p)),
	    "RESULT done");
	r.cmd_seq = 2;
	r.command = DOCK_T_UNBIND;
	r.status = 1;
	r.reason = DOCK_R_NOT_BOUND;
	r.slot = 0;
	ok(encodes(g_refused, sizeof g_refused, DOCK_T_RESULT, 6, p, dock_result_put(&r, p)),
	    "RESULT refused, not bound");
	memset(&c, 0, sizeof c);
	c.id_len = 8;
	memcpy(c.id, band, 8);
	ok(encodes(g_unbind, sizeof g_unbind, DOCK_T_UNBIND, 2, p,
	    dock_command_put(DOCK_T_UNBIND, &c, p)), "UNBIND by id");
	c.seconds = 10;
	ok(encodes(g_locate, sizeof g_locate, DOCK_T_LOCATE, 3, p,
	    dock_command_put(DOCK_T_LOCATE, &c, p)), "LOCATE by id, 10 s");
	memset(&t, 0, sizeof t);
	t.base_ms = 1700000000000LL;
	t.n = 2;
	t.s[0].id_len = 8;
	memcpy(t.s[0].id, band, 8);
	t.s[0].zone = 12;
	t.s[0].heart_rate = 72;
	t.s[0].battery = 87;
	t.s[1].id_len = 4;
	memcpy(t.s[1].id, "\x0A\x0B\x0C\x0D", 4);
	t.s[1].zone = 3;
	t.s[1].battery = 64;
	t.s[1].flags = DOCK_BADGE | DOCK_SOS;
	t.s[1].dt = 250;
	ok(encodes(g_telemetry, sizeof g_telemetry, DOCK_T_TELEMETRY, 4, p,
	    dock_telemetry_put(&t, p)), "TELEMETRY, a band and a badge in SOS");
}

/* The parser and driver read the dock's frames of the specification into events. */
static void
test_golden_decode(void)
{
	struct host h;
	struct frames fs;
	const struct dev_event *e;

	host_open(&h, 1000);
	host_feed(&h, g_hello, sizeof g_hello, 1000);
	ok(h.n == 2 && h.ev[0].kind == DEV_INFO && strstr(h.ev[0].text, "DOCK-01") != NULL &&
	    strstr(h.ev[0].text, "1.0.3") != NULL, "HELLO: DEV_INFO names the dock and firmware");
	e = &h.ev[1];
	ok(e->kind == DEV_DOCK && e->dock.what == DOCK_HELLO && e->dock.slots == 4 &&
	    strcmp(e->dock.dock_id, "DOCK-01") == 0 && strcmp(e->dock.firmware, "1.0.3") == 0,
	    "HELLO: DOCK_HELLO with dock id, slots and firmware");
	ok(h.nwrote == sizeof g_ack_0 && memcmp(h.wrote, g_ack_0, sizeof g_ack_0) == 0,
	    "HELLO is ACKed with its seq");

	h.nwrote = 0;
	host_feed(&h, g_heartbeat, sizeof g_heartbeat, 1100);
	ok(h.n == 2 && h.nwrote == 9 && h.wrote[4] == 1, "HEARTBEAT: no event, ACKed");

	host_feed(&h, g_present, sizeof g_present, 1200);
	e = &h.ev[2];
	ok(h.n == 3 && e->dock.what == DOCK_PRESENT && e->dock.slot == 2 && e->dock.battery == 87 &&
	    strcmp(e->id, BAND_HEX) == 0, "BAND_PRESENT: slot 2, battery 87, id in upper-case hex");

	host_feed(&h, g_telemetry, sizeof g_telemetry, 1300);
	ok(h.n == 5, "TELEMETRY: one event per sample");
	e = &h.ev[3];
	ok(e->dock.what == DOCK_TELEMETRY && strcmp(e->id, BAND_HEX) == 0 && e->dock.zone == 12 &&
	    e->dock.heart_rate == 72 && e->dock.battery == 87 && e->dock.flags == 0 &&
	    e->dock.band_ms == 1700000000000LL, "TELEMETRY: the band's sample");
	e = &h.ev[4];
	ok(strcmp(e->id, "0A0B0C0D") == 0 && e->dock.zone == 3 && e->dock.heart_rate == 0 &&
	    e->dock.battery == 64 && e->dock.flags == (DOCK_BADGE | DOCK_SOS) &&
	    e->dock.band_ms == 1700000000250LL, "TELEMETRY: the badge's SOS, 250 ms later");

	host_feed(&h, g_removed, sizeof g_removed, 1400);
	e = &h.ev[5];
	ok(h.n == 6 && e->dock.what == DOCK_REMOVED && e->dock.slot == 2 &&
	    strcmp(e->id, BAND_HEX) == 0, "BAND_REMOVED");

	/* The host's own frames: the driver writes the specification's BIND and reads RESULT. */
	host_open(&h, 1000);
	host_feed(&h, g_ack_0, sizeof g_ack_0, 1000);	/* frees the HOST_HELLO, seq 0 */
	{
		struct dev_request rq;

		memset(&rq, 0, sizeof rq);
		rq.kind = DEV_RQ_DOCK_BIND;
		rq.slot = 2;
		snprintf(rq.visit, sizeof rq.visit, "V20241123-0042");
		ok(dock_driver.request(&h.d, &rq, 1000, &h.io) == 0 && h.nwrote == sizeof g_bind &&
		    memcmp(h.wrote, g_bind, sizeof g_bind) == 0, "a bind request writes BIND");
	}
	host_feed(&h, g_result, sizeof g_result, 1010);
	e = &h.ev[0];
	ok(h.n == 1 && e->dock.what == DOCK_DONE && e->dock.command == DEV_RQ_DOCK_BIND &&
	    e->dock.slot == 2 && strcmp(e->id, BAND_HEX) == 0, "RESULT: DOCK_DONE for the bind");

	read_frames(g_host_hello, sizeof g_host_hello, &fs);
	ok(fs.n == 1 && fs.f[0].type == DOCK_T_HOST_HELLO && fs.f[0].len == 1,
	    "HOST_HELLO parses");
	{
		struct host h2;

		memset(&h2, 0, sizeof h2);
		h2.io.write = host_write;
		h2.io.emit = host_emit;
		h2.io.arg = &h2;
		dock_driver.start(&h2.d, 0, &h2.io);
		ok(h2.nwrote == sizeof g_host_hello &&
		    memcmp(h2.wrote, g_host_hello, sizeof g_host_hello) == 0,
		    "start writes the HOST_HELLO of the specification");
	}
}

/* The codecs refuse what does not fit the specification. */
static void
test_codec_bounds(void)
{
	struct dock_telemetry t;
	struct dock_hello h;
	struct dock_command c;
	uint8_t p[DOCK_PAYLOAD_MAX], f[DOCK_FRAME_MAX], id[DOCK_BAND_ID_MAX], n;
	int i;

	memset(p, 0, sizeof p);
	ok(dock_encode_frame(DOCK_T_ACK, 0, p, DOCK_PAYLOAD_MAX + 1, f) == 0,
	    "the encoder refuses 241 bytes of payload");
	ok(dock_encode_frame(DOCK_T_ACK, 0, p, DOCK_PAYLOAD_MAX, f) == DOCK_FRAME_MAX,
	    "240 bytes make a 248-byte frame");
	memset(&t, 0, sizeof t);
	t.n = DOCK_SAMPLES_MAX;
	for (i = 0; i < t.n; i++)
		t.s[i].id_len = 1;
	ok(dock_telemetry_put(&t, p) == 7 + 25 * 9, "25 one-byte ids fill a telemetry frame");
	t.s[0].id_len = 16;
	ok(dock_telemetry_put(&t, p) == 0, "a telemetry batch over 240 bytes is refused");
	ok(dock_telemetry_get(g_telemetry + 6, 0x22, &t) == -1,
	    "a telemetry payload one byte short does not decode");
	memcpy(p, g_telemetry + 6, 0x23);
	p[6] = 3;
	ok(dock_telemetry_get(p, 0x23, &t) == -1, "a sample count past the payload does not decode");
	memcpy(p, g_hello + 6, 0x12);
	p[4] = 0x40;
	ok(dock_hello_get(p, 0x12, &h) == -1, "a dock id longer than its payload does not decode");
	memset(&c, 0, sizeof c);
	ok(dock_command_put(DOCK_T_UNBIND, &c, p) == 0, "a command with neither slot nor id");
	ok(dock_id_parse("e0040150a32b197c", id, &n) == 0 && n == 8 && memcmp(id, band, 8) == 0,
	    "band ids parse in lower case too");
	ok(dock_id_parse("E00", id, &n) == -1 && dock_id_parse("", id, &n) == -1 &&
	    dock_id_parse("0102030405060708091011121314151617", id, &n) == -1 &&
	    dock_id_parse("ZZ", id, &n) == -1, "odd, empty, over 16 bytes and non-hex ids refused");
}

/* Every split of a stream of frames gives the same frames. */
static void
test_splits(void)
{
	uint8_t all[256];
	size_t n = 0, cut, i;
	struct frames fs;
	struct dock_parser p;
	struct dev_stats st;
	int bad = 0;

	memcpy(all + n, g_hello, sizeof g_hello);
	n += sizeof g_hello;
	memcpy(all + n, g_telemetry, sizeof g_telemetry);
	n += sizeof g_telemetry;
	memcpy(all + n, g_ack, sizeof g_ack);
	n += sizeof g_ack;
	memcpy(all + n, g_result, sizeof g_result);
	n += sizeof g_result;
	for (cut = 0; cut <= n; cut++) {
		memset(&p, 0, sizeof p);
		memset(&st, 0, sizeof st);
		memset(&fs, 0, sizeof fs);
		dock_parse(&p, &st, all, cut, 0, collect_frame, &fs);
		dock_parse(&p, &st, all + cut, n - cut, 1, collect_frame, &fs);
		if (fs.n != 4 || fs.f[1].type != DOCK_T_TELEMETRY || st.garbage || st.bad_frame)
			bad++;
	}
	ok(bad == 0, "every two-way split reads the four frames");
	memset(&p, 0, sizeof p);
	memset(&st, 0, sizeof st);
	memset(&fs, 0, sizeof fs);
	for (i = 0; i < n; i++)
		dock_parse(&p, &st, all + i, 1, (int64_t)i, collect_frame, &fs);
	ok(fs.n == 4 && st.frames == 4 && fs.f[3].type == DOCK_T_RESULT, "byte by byte");
}

static void
test_faults(void)
{
	uint8_t buf[512];
	size_t n;
	struct frames fs;
	struct dock_parser p;
	struct dev_stats st;
	struct host h;

	/* Garbage, including a lone SOF and a false header, before a frame. */
	memcpy(buf, "\x00\xFF\xA5\x00\xA5\xA5\x5A\x07junk", 12);
	memcpy(buf + 12, g_ack, sizeof g_ack);
	read_frames(buf, 12 + sizeof g_ack, &fs);
	ok(fs.n == 1 && fs.f[0].type == DOCK_T_ACK, "garbage and false headers are skipped");
	memset(&p, 0, sizeof p);
	memset(&st, 0, sizeof st);
	dock_parse(&p, &st, buf, 12 + sizeof g_ack, 0, collect_frame, &fs);
	ok(st.frames == 1 && st.bad_frame == 1 && st.garbage == 11,
	    "a wrong version is a bad frame, the rest garbage");

	/* A length over 240 is refused at once: the frame right after it is read. */
	memcpy(buf, "\xA5\x5A\x02\x10\x00\xF1", 6);
	buf[6] = dock_crc8(buf + 2, 4);
	memcpy(buf + 7, g_heartbeat, sizeof g_heartbeat);
	memset(&p, 0, sizeof p);
	memset(&st, 0, sizeof st);
	memset(&fs, 0, sizeof fs);
	dock_parse(&p, &st, buf, 7 + sizeof g_heartbeat, 0, collect_frame, &fs);
	ok(fs.n == 1 && fs.f[0].type == DOCK_T_HEARTBEAT && st.bad_frame == 1,
	    "an oversized length is a bad frame and does not swallow the next");

	/* A bad CRC: counted, NAKed; a frame inside the rejected bytes is still found. */
	host_open(&h, 0);
	memcpy(buf, g_present, sizeof g_present);
	buf[sizeof g_present - 1] ^= 0x40;
	host_feed(&h, buf, sizeof g_present, 10);
	ok(h.n == 0 && h.d.stats.bad_checksum == 1, "a bad CRC is dropped and counted");
	ok(h.nwrote == sizeof g_nak && h.wrote[3] == DOCK_T_NAK && h.wrote[4] == 2 &&
	    h.wrote[7] == DOCK_NAK_CRC, "a bad CRC is NAKed with the seq as read");

	/* Half a frame, then a whole one: the whole one is read, the half counted. */
	host_open(&h, 0);
	memcpy(buf, g_telemetry, 20);
	buf[5] = 200;		/* half of a long frame, its header checked */
	buf[6] = dock_crc8(buf + 2, 4);
	memcpy(buf + 20, g_present, sizeof g_present);
	memcpy(buf + 20 + sizeof g_present, g_removed, sizeof g_removed);
	n = 20 + sizeof g_present + sizeof g_removed;
	host_feed(&h, buf, n, 10);
	ok(h.n == 0, "half a frame holds the next until the claimed length has come");
	dock_driver.tick(&h.d, 10 + DOCK_GAP_MS, &h.io);
	ok(h.n == 2 && h.ev[0].dock.what == DOCK_PRESENT && h.ev[1].dock.what == DOCK_REMOVED &&
	    h.d.stats.bad_frame == 1, "after the gap the frames behind a half frame are read");
	ok(dock_driver.tick(&h.d, 10 + DOCK_GAP_MS, &h.io) > 10 + DOCK_GAP_MS,
	    "tick asks for a time after now");

	/* Half a frame and the rest of the line filling its claimed length. */
	host_open(&h, 0);
	memcpy(buf, g_telemetry, 20);
	memcpy(buf + 20, g_present, sizeof g_present);
	memcpy(buf + 20 + sizeof g_present, g_telemetry, sizeof g_telemetry);
	n = 20 + sizeof g_present + sizeof g_telemetry;
	host_feed(&h, buf, n, 10);
	ok(h.n == 3 && h.ev[0].dock.what == DOCK_PRESENT && h.d.stats.bad_checksum == 1,
	    "a half frame completed by later bytes fails its CRC; what followed is read");

	/* A half frame is not finished by the bytes of a reopened line. */
	host_open(&h, 0);
	host_feed(&h, g_hello, 10, 10);
	dock_driver.start(&h.d, 20, &h.io);
	host_feed(&h, g_hello, sizeof g_hello, 21);
	ok(h.n == 2 && h.d.stats.bad_checksum == 0, "start forgets half a frame");

	/* A half frame alone times out. */
	host_open(&h, 0);
	host_feed(&h, g_hello, 10, 10);
	ok(dock_driver.tick(&h.d, 20, &h.io) == 10 + DOCK_GAP_MS, "tick wakes at the gap's end");
	dock_driver.tick(&h.d, 10 + DOCK_GAP_MS, &h.io);
	ok(h.d.parser.len == 0 && h.d.stats.bad_frame == 1, "a lone half frame is dropped");
	host_feed(&h, g_hello, sizeof g_hello, 100);
	ok(h.n == 2, "and the next frame is read");
}

/* The header check: its CRC, its strength over the header, and what it changes on the line. */
static void
test_header_check(void)
{
	uint8_t buf[2 * DOCK_FRAME_MAX], hdr[5];
	struct host h;
	size_t i, n;
	int a, b, c, missed = 0;

	ok(dock_crc8((const uint8_t *)"123456789", 9) == 0xF4, "CRC-8/SMBUS of \"123456789\" is 0xF4");
	ok(g_present[6] == dock_crc8(g_present + 2, 4), "HCS is the CRC-8 of VER TYPE SEQ LEN");
	/* Every error of 1, 2 or 3 bits in VER TYPE SEQ LEN HCS is seen (40 bits, 10 700 cases). */
	for (a = 0; a < 40; a++)
		for (b = a; b < 40; b++)
			for (c = b; c < 40; c++) {
				memcpy(hdr, g_present + 2, 5);
				hdr[a / 8] ^= (uint8_t)(0x80 >> a % 8);
				if (b > a)
					hdr[b / 8] ^= (uint8_t)(0x80 >> b % 8);
				if (c > b)
					hdr[c / 8] ^= (uint8_t)(0x80 >> c % 8);
				missed += dock_crc8(hdr, 4) == hdr[4];
			}
	ok(missed == 0, "every 1-, 2- and 3-bit error of the header fails its check");

	/*
	 * A corrupted LEN (the ACK's 00 made 40: 64 bytes claimed) right before a good frame.
	 * Version 1 held the frame behind it until 72 bytes or a 50 ms silence had passed;
	 * the header check rejects the false length at its 7th byte and the frame is read at once.
	 */
	host_open(&h, 0);
	memcpy(buf, g_ack_0, sizeof g_ack_0);
	buf[5] ^= 0x40;
	memcpy(buf + sizeof g_ack_0, g_present, sizeof g_present);
	n = sizeof g_ack_0 + sizeof g_present;
	for (i = 0; i < n; i++) {
		host_feed(&h, buf + i, 1, 10);
		if (h.d.stats.bad_frame == 1)
			break;
	}
	ok(i == 6, "a corrupted length is refused at the 7th byte of its frame");
	host_feed(&h, buf + i + 1, n - i - 1, 10);
	ok(h.n == 1 && h.ev[0].dock.what == DOCK_PRESENT && h.d.parser.len == 0,
	    "the frame behind a corrupted length is read at once, without waiting for the gap");

	/* The same with the length bit in the frame's own TYPE or SEQ: also refused at once. */
	host_open(&h, 0);
	memcpy(buf, g_present, sizeof g_present);
	buf[4] ^= 0x04;
	memcpy(buf + sizeof g_present, g_removed, sizeof g_removed);
	host_feed(&h, buf, sizeof g_present + sizeof g_removed, 10);
	ok(h.n == 1 && h.ev[0].dock.what == DOCK_REMOVED && h.d.stats.bad_checksum == 0 &&
	    h.d.stats.bad_frame == 1, "a corrupted SEQ is a bad header: no NAK of a false seq");
}

/* A dock of the field speaks version 1: the host reads it and answers in version 1. */
static void
test_version_1(void)
{
	struct host h;
	uint8_t buf[2 * DOCK_FRAME_MAX];
	struct dev_request rq;
	size_t n;

	host_open(&h, 0);
	host_feed(&h, g1_hello, sizeof g1_hello, 10);
	ok(h.n == 2 && h.ev[1].dock.what == DOCK_HELLO, "a version 1 HELLO is read");
	ok(h.nwrote >= sizeof g1_ack_0 && memcmp(h.wrote + h.nwrote - sizeof g1_ack_0, g1_ack_0,
	    sizeof g1_ack_0) == 0, "and ACKed in version 1");
	ok(h.d.ver == DOCK_VERSION_1, "the host writes version 1 to this dock");
	h.nwrote = 0;
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_DOCK_LOCATE;
	rq.slot = 2;
	dock_driver.request(&h.d, &rq, 20, &h.io);
	n = dock_encode_frame_v(DOCK_VERSION_1, DOCK_T_ACK, 0, NULL, 0, buf);
	host_feed(&h, buf, n, 20);	/* the re-sent HOST_HELLO is ACKed: the command goes */
	ok(h.nwrote > 0 && h.wrote[2] == DOCK_VERSION_1, "its commands go in version 1");
	host_feed(&h, g1_present, sizeof g1_present, 30);
	ok(h.n == 3 && h.ev[2].dock.what == DOCK_PRESENT, "version 1 frames go on being read");

	/* Silent 15 s, then a version 2 dock in its place: the host writes version 2 again. */
	dock_driver.tick(&h.d, 30 + DOCK_SILENCE_MS, &h.io);
	h.nwrote = 0;
	host_feed(&h, g_hello, sizeof g_hello, 40 + DOCK_SILENCE_MS);
	ok(h.d.ver == DOCK_VERSION && h.d.parser.versions == DOCK_READ_V2,
	    "a version 2 dock after a version 1 one: the host writes and reads version 2");
	ok(h.nwrote >= sizeof g_ack_0 && memcmp(h.wrote, g_ack_0, sizeof g_ack_0) == 0,
	    "and ACKs its HELLO in version 2, which it reads");

	/* A version 2 dock: once its first frame is read, a version 1 header is a false start. */
	host_open(&h, 0);
	host_feed(&h, g_hello, sizeof g_hello, 10);
	ok(h.d.ver == DOCK_VERSION && h.d.parser.versions == DOCK_READ_V2,
	    "after a version 2 frame the host reads version 2 only");
	memcpy(buf, "\xA5\x5A\x01\x10\x00\x40", 6);	/* a v1 header claiming 64 bytes */
	memcpy(buf + 6, g_present, sizeof g_present);
	host_feed(&h, buf, 6 + sizeof g_present, 20);
	ok(h.n == 3 && h.ev[2].dock.what == DOCK_PRESENT, "a version 1 false start holds nothing");

}

/* Repeats are ACKed again and applied once; a malformed payload is NAKed. */
static void
test_repeats(void)
{
	struct host h;
	uint8_t buf[2 * DOCK_FRAME_MAX], p[DOCK_PAYLOAD_MAX];
	size_t n;

	host_open(&h, 0);
	host_feed(&h, g_present, sizeof g_present, 10);
	host_feed(&h, g_present, sizeof g_present, 260);
	ok(h.n == 1 && h.d.stats.folded == 1, "a repeated seq is applied once");
	ok(h.nwrote == 18 && h.wrote[9 + 3] == DOCK_T_ACK && h.wrote[9 + 4] == 2,
	    "and ACKed both times");
	host_feed(&h, g_removed, sizeof g_removed, 300);
	ok(h.n == 2, "the next seq is applied");

	/* A reboot: HELLO of another session with the seq last seen is new, not a repeat. */
	host_open(&h, 0);
	host_feed(&h, g_hello, sizeof g_hello, 10);
	host_feed(&h, g_hello, sizeof g_hello, 20);
	ok(h.n == 2 && h.d.stats.folded == 1, "the same HELLO twice is one");
	{
		struct dock_hello hh = { 0, 4, 0x1235, "DOCK-01", "1.0.3" };

		n = dock_encode_frame(DOCK_T_HELLO, 0, p, dock_hello_put(&hh, p), buf);
		host_feed(&h, buf, n, 30);
		ok(h.n == 4, "a HELLO from a new session (reboot) is applied");
	}

	host_open(&h, 0);
	p[0] = 9;		/* slot 9, then an id length past the payload */
	p[1] = 0x30;
	n = dock_encode_frame(DOCK_T_REMOVED, 4, p, 2, buf);
	host_feed(&h, buf, n, 10);
	ok(h.n == 0 && h.nwrote == 10 && h.wrote[3] == DOCK_T_NAK &&
	    h.wrote[7] == DOCK_NAK_MALFORMED, "a payload that does not decode is NAKed");
	n = dock_encode_frame(0x77, 5, NULL, 0, buf);
	h.nwrote = 0;
	host_feed(&h, buf, n, 20);
	ok(h.nwrote == 10 && h.wrote[7] == DOCK_NAK_TYPE, "an unknown type is NAKed");
}

/* The host's commands: retransmission, NAK, busy, give-up. */
static void
test_host_retransmit(void)
{
	struct host h;
	struct dev_request rq;
	struct frames fs;
	int64_t t;
	int i;

	host_open(&h, 0);
	dock_driver.feed(&h.d, g_ack, 0, 0, &h.io);
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_DOCK_LOCATE;
	rq.slot = -1;
	snprintf(rq.id, sizeof rq.id, BAND_HEX);
	ok(dock_driver.request(&h.d, &rq, 0, &h.io) == 0, "a locate request is taken");
	read_frames(h.wrote, h.nwrote, &fs);
	ok(fs.n == 0, "it waits behind the unanswered HOST_HELLO");
	for (t = 0; t >= 0 && t < 20000; )
		t = dock_driver.tick(&h.d, t, &h.io);
	read_frames(h.wrote, h.nwrote, &fs);
	ok(fs.n == 7 && fs.f[0].type == DOCK_T_HOST_HELLO && fs.f[2].type == DOCK_T_HOST_HELLO &&
	    fs.f[3].type == DOCK_T_LOCATE && fs.f[6].seq == fs.f[3].seq,
	    "each frame is sent 1 + 3 times, then given up");
	ok(h.n >= 1 && h.ev[0].dock.what == DOCK_REFUSED && h.ev[0].dock.reason == DOCK_R_TIMEOUT &&
	    h.ev[0].dock.command == DEV_RQ_DOCK_LOCATE && strcmp(h.ev[0].id, BAND_HEX) == 0,
	    "an unanswered command ends as REFUSED, timeout");
	ok(h.d.stats.timeouts == 2, "both timeouts counted");
	ok(h.n == 2 && h.ev[1].kind == DEV_ERROR, "a silent dock is an error after 15 s");

	/* A CRC NAK sends the frame in flight again at once; a MALFORMED NAK gives it up. */
	host_open(&h, 0);
	host_feed(&h, g_ack_0, sizeof g_ack_0, 1);
	ok(h.d.tx[0].used == 0, "the ACK of the HOST_HELLO frees it");
	dock_driver.request(&h.d, &rq, 2, &h.io);
	h.nwrote = 0;
	host_feed(&h, g_nak + 0, 0, 3);
	{
		uint8_t nk[DOCK_FRAME_MAX], why = DOCK_NAK_CRC;
		size_t n = dock_encode_frame(DOCK_T_NAK, 0x55, &why, 1, nk);

		host_feed(&h, nk, n, 3);
		read_frames(h.wrote, h.nwrote, &fs);
		ok(fs.n == 1 && fs.f[0].type == DOCK_T_LOCATE, "a CRC NAK: the command goes again");
		why = DOCK_NAK_MALFORMED;
		n = dock_encode_frame(DOCK_T_NAK, fs.f[0].seq, &why, 1, nk);
		host_feed(&h, nk, n, 4);
		ok(h.n == 1 && h.ev[0].dock.reason == DOCK_R_NAKED, "a MALFORMED NAK ends it");
	}

	/* Four commands at most under way. */
	for (i = 0; i < DOCK_TX_MAX; i++)
		dock_driver.request(&h.d, &rq, 5, &h.io);
	ok(dock_driver.request(&h.d, &rq, 5, &h.io) == -1, "a fifth command is refused (busy)");
	rq.kind = DEV_RQ_FP_COUNT;
	ok(dock_driver.request(&h.d, &rq, 5, &h.io) == -1, "a request of another device is refused");
	rq.kind = DEV_RQ_DOCK_BIND;
	host_open(&h, 0);
	ok(dock_driver.request(&h.d, &rq, 5, &h.io) == -1, "a bind without a visit is refused");
	snprintf(rq.visit, sizeof rq.visit, "V1");
	snprintf(rq.id, sizeof rq.id, "XYZ");
	ok(dock_driver.request(&h.d, &rq, 5, &h.io) == -1, "a bind with a bad band id is refused");

	/* ACKed but never answered: a timeout after DOCK_RESULT_MS. */
	host_open(&h, 0);
	host_feed(&h, g_ack_0, sizeof g_ack_0, 0);
	snprintf(rq.id, sizeof rq.id, BAND_HEX);
	dock_driver.request(&h.d, &rq, 10, &h.io);
	{
		uint8_t a[DOCK_FRAME_MAX];
		size_t n = dock_encode_frame(DOCK_T_ACK, 1, NULL, 0, a);

		host_feed(&h, a, n, 20);
	}
	ok(dock_driver.tick(&h.d, 30, &h.io) == 20 + DOCK_RESULT_MS, "an ACKed command waits 2 s");
	dock_driver.tick(&h.d, 20 + DOCK_RESULT_MS - 1, &h.io);
	ok(h.n == 0, "no answer yet is no failure yet");
	dock_driver.tick(&h.d, 20 + DOCK_RESULT_MS, &h.io);
	ok(h.n == 1 && h.ev[0].dock.reason == DOCK_R_TIMEOUT && h.d.stats.timeouts == 1,
	    "no RESULT in 2 s: refused, timeout");

	/* Reopening the line ends what was under way. */
	host_open(&h, 0);
	dock_driver.request(&h.d, &rq, 5, &h.io);
	dock_driver.start(&h.d, 10, &h.io);
	ok(h.n == 1 && h.ev[0].dock.reason == DOCK_R_LINK &&
	    h.ev[0].dock.command == DEV_RQ_DOCK_BIND, "start ends a pending command (link)");
}

static int
count_what(const struct pair *p, enum dev_dock_what what)
{
	int i, c = 0;

	for (i = 0; i < p->n && i < PAIR_EVENTS; i++)
		c += p->events[i].kind == DEV_DOCK && p->events[i].dock.what == what;
	return c;
}

static const struct dev_event *
last_what(const struct pair *p, enum dev_dock_what what)
{
	int i;

	for (i = (p->n < PAIR_EVENTS ? p->n : PAIR_EVENTS) - 1; i >= 0; i--)
		if (p->events[i].kind == DEV_DOCK && p->events[i].dock.what == what)
			return &p->events[i];
	return NULL;
}

static int
request(struct pair *p, enum dev_request_kind kind, int slot, const char *id, const char *visit)
{
	struct dev_request rq;

	memset(&rq, 0, sizeof rq);
	rq.kind = kind;
	rq.slot = slot;
	snprintf(rq.id, sizeof rq.id, "%s", id);
	snprintf(rq.visit, sizeof rq.visit, "%s", visit);
	return pair_request(p, &rq);
}

/* The driver against the simulated dock: the happy path. */
static void
test_sim_happy(void)
{
	struct pair p;
	const struct dev_event *e;
	char err[256];

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	pair_run(&p, 1100);
	ok(pair_count(&p, DEV_INFO) == 1 && count_what(&p, DOCK_HELLO) == 1 &&
	    last_what(&p, DOCK_HELLO)->dock.slots == 4, "the simulated dock says hello, 4 slots");
	ok(pair_command(&p, "present 2 " BAND_HEX " 87", err, sizeof err) == 0, "present");
	pair_run(&p, 1200);
	e = last_what(&p, DOCK_PRESENT);
	ok(e && e->dock.slot == 2 && e->dock.battery == 87 && strcmp(e->id, BAND_HEX) == 0,
	    "DOCK_PRESENT slot 2");
	ok(request(&p, DEV_RQ_DOCK_BIND, 2, "", "V20241123-0042") == 0, "bind slot 2");
	pair_run(&p, 1300);
	e = last_what(&p, DOCK_DONE);
	ok(e && e->dock.command == DEV_RQ_DOCK_BIND && e->dock.slot == 2 &&
	    strcmp(e->id, BAND_HEX) == 0, "DOCK_DONE for the bind, with the band's id");
	request(&p, DEV_RQ_DOCK_BIND, 3, "", "V20241123-0043");
	pair_run(&p, 1400);
	e = last_what(&p, DOCK_REFUSED);
	ok(e && e->dock.reason == DOCK_R_NO_BAND && e->dock.slot == 3,
	    "bind of an empty slot: refused, no band");
	request(&p, DEV_RQ_DOCK_BIND, -1, "0102030405060708", "V20241123-0043");
	pair_run(&p, 1500);
	e = last_what(&p, DOCK_REFUSED);
	ok(e && e->dock.reason == DOCK_R_UNKNOWN_BAND && strcmp(e->id, "0102030405060708") == 0,
	    "bind of an unknown band: refused, unknown band");
	request(&p, DEV_RQ_DOCK_BIND, -1, BAND_HEX, "V-OTHER");
	pair_run(&p, 1600);
	ok(last_what(&p, DOCK_REFUSED)->dock.reason == DOCK_R_BOUND,
	    "a band bound to another visit: refused, bound");
	ok(pair_command(&p, "remove 2", err, sizeof err) == 0, "remove");
	pair_run(&p, 1700);
	e = last_what(&p, DOCK_REMOVED);
	ok(e && e->dock.slot == 2 && strcmp(e->id, BAND_HEX) == 0, "DOCK_REMOVED");
	request(&p, DEV_RQ_DOCK_LOCATE, -1, BAND_HEX, "");
	pair_run(&p, 1800);
	ok(last_what(&p, DOCK_DONE)->dock.command == DEV_RQ_DOCK_LOCATE,
	    "locate a bound band on a wrist: done");
	request(&p, DEV_RQ_DOCK_UNBIND, -1, BAND_HEX, "");
	pair_run(&p, 1900);
	ok(last_what(&p, DOCK_DONE)->dock.command == DEV_RQ_DOCK_UNBIND, "unbind: done");
	request(&p, DEV_RQ_DOCK_UNBIND, -1, BAND_HEX, "");
	pair_run(&p, 2000);
	ok(last_what(&p, DOCK_REFUSED)->dock.reason == DOCK_R_NOT_BOUND,
	    "unbind again: refused, not bound");
	request(&p, DEV_RQ_DOCK_LOCATE, 9, "", "");
	pair_run(&p, 2100);
	ok(last_what(&p, DOCK_REFUSED)->dock.reason == DOCK_R_BAD_SLOT, "slot 9 of 4: bad slot");

	ok(pair_command(&p, "telemetry " BAND_HEX " zone=12 hr=72 battery=80", err, sizeof err) ==
	    0 && pair_command(&p, "telemetry 0A0B0C0D zone=3 badge", err, sizeof err) == 0 &&
	    pair_command(&p, "sos " BAND_HEX, err, sizeof err) == 0 &&
	    pair_command(&p, "strap " BAND_HEX, err, sizeof err) == 0, "telemetry, sos, strap");
	pair_run(&p, 2300);
	ok(count_what(&p, DOCK_TELEMETRY) == 4, "four samples, four events");
	e = last_what(&p, DOCK_TELEMETRY) - 3;
	ok(e->dock.zone == 12 && e->dock.heart_rate == 72 && e->dock.battery == 80 &&
	    e->dock.band_ms == 2100, "the first sample as scripted, stamped with the dock's time");
	ok(e[1].dock.flags == DOCK_BADGE && e[1].dock.battery == -1 && e[1].dock.zone == 3,
	    "a badge, battery unknown");
	ok(e[2].dock.flags == DOCK_SOS && e[2].dock.zone == -1 && e[3].dock.flags ==
	    DOCK_STRAP_OPEN, "SOS and strap opened");
	ok(p.drv->stats(p.drv_state)->bad_checksum == 0 && p.drv->stats(p.drv_state)->garbage == 0,
	    "a clean line has no drops");

	pair_run(&p, 30000);
	ok(pair_count(&p, DEV_ERROR) == 0, "heartbeats keep a quiet dock alive");
	ok(pair_command(&p, "reset", err, sizeof err) == 0, "reset");
	pair_run(&p, 30100);
	ok(count_what(&p, DOCK_HELLO) == 2, "a reset dock says hello again");
	pair_close(&p);
}

/* Faults on the line, and a silent dock. */
static void
test_sim_faults(void)
{
	struct pair p;
	const struct dev_stats *st;
	char err[256];
	int n;

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	st = p.drv->stats(p.drv_state);
	pair_run(&p, 1100);
	p.fault = PAIR_CORRUPT;
	pair_command(&p, "present 1 0A0B0C0D", err, sizeof err);
	pair_run(&p, 2000);
	ok(count_what(&p, DOCK_PRESENT) == 1 && st->bad_checksum + st->bad_frame >= 1,
	    "a corrupted frame is dropped, sent again and read once");
	p.fault = PAIR_HALF;
	pair_command(&p, "remove 1", err, sizeof err);
	pair_run(&p, 3000);
	ok(count_what(&p, DOCK_REMOVED) == 1 && st->bad_frame + st->bad_checksum >= 2,
	    "half a frame is dropped, sent again and read once");

	/* The ACK is lost (the host's frame is cut): the dock sends again, read once. */
	pair_command(&p, "present 1 0A0B0C0D", err, sizeof err);
	pair_run(&p, 3100);
	request(&p, DEV_RQ_DOCK_BIND, 1, "", "V1");
	p.fault = PAIR_CORRUPT;		/* on the dock's ACK of the BIND */
	pair_run(&p, 4000);
	ok(count_what(&p, DOCK_DONE) == 1, "a bind whose ACK was corrupted is done once");

	/* A silent dock: the command times out, then the dock is reported silent. */
	pair_command(&p, "present 2 05060708", err, sizeof err);	/* last heard at 4000 */
	ok(pair_command(&p, "silent", err, sizeof err) == 0, "silent");
	request(&p, DEV_RQ_DOCK_LOCATE, 1, "", "");
	pair_run(&p, 6000);
	ok(last_what(&p, DOCK_REFUSED) && last_what(&p, DOCK_REFUSED)->dock.reason ==
	    DOCK_R_TIMEOUT && st->timeouts == 1, "a command to a silent dock times out");
	pair_run(&p, 4000 + DOCK_SILENCE_MS - 100);
	ok(pair_count(&p, DEV_ERROR) == 0, "no error before 15 s of silence");
	pair_run(&p, 4000 + DOCK_SILENCE_MS + 1000);
	ok(pair_count(&p, DEV_ERROR) == 1, "an error after 15 s of silence");
	pair_run(&p, 60000);
	ok(pair_count(&p, DEV_ERROR) == 1, "once per silence");
	n = (int)st->frames;
	ok(pair_command(&p, "talk", err, sizeof err) == 0, "talk");
	request(&p, DEV_RQ_DOCK_LOCATE, 1, "", "");
	pair_run(&p, 60100);
	ok((int)st->frames > n && last_what(&p, DOCK_DONE)->dock.command == DEV_RQ_DOCK_LOCATE &&
	    pair_count(&p, DEV_ERROR) == 1, "the dock talks again and answers");
	pair_close(&p);
}

/* A console that binds a band as soon as it is docked: a request from inside emit. */
static void
bind_on_present(void *arg, const struct dev_event *ev)
{
	struct pair *p = arg;
	struct dev_request rq;

	pair_emit(arg, ev);
	if (ev->kind != DEV_DOCK || ev->dock.what != DOCK_PRESENT)
		return;
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_DOCK_BIND;
	rq.slot = ev->dock.slot;
	snprintf(rq.visit, sizeof rq.visit, "V-AUTO");
	p->drv->request(p->drv_state, &rq, p->now, &p->io);
}

static void
test_request_from_emit(void)
{
	struct pair p;
	char err[256];

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	p.io.emit = bind_on_present;
	pair_run(&p, 1100);
	pair_command(&p, "present 1 0A0B0C0D", err, sizeof err);
	pair_command(&p, "present 2 0A0B0C0E", err, sizeof err);
	pair_run(&p, 1500);
	ok(count_what(&p, DOCK_DONE) == 2 && p.drv->stats(p.drv_state)->bad_checksum == 0 &&
	    p.drv->stats(p.drv_state)->bad_frame == 0 && p.drv->stats(p.drv_state)->garbage == 0,
	    "requests made from the event callback are sent cleanly and answered");
	pair_close(&p);
}

/* A dock on a wire with no delay: it answers a BIND inside the driver's write. */
static struct host echo;

static void
echo_write(void *arg, const uint8_t *b, size_t n)
{
	struct dock_result r = { 0, DOCK_T_BIND, 0, 0, 1, 4, { 1, 2, 3, 4 } };
	uint8_t f[3 * DOCK_FRAME_MAX], p[DOCK_PAYLOAD_MAX];
	size_t len;

	host_write(arg, b, n);
	if (n < DOCK_HEADER || b[3] != DOCK_T_BIND)
		return;
	r.cmd_seq = b[4];
	len = dock_encode_frame(DOCK_T_ACK, b[4], NULL, 0, f);
	len += dock_encode_frame(DOCK_T_RESULT, 9, p, dock_result_put(&r, p), f + len);
	dock_driver.feed(&echo.d, f, len, 0, &echo.io);
}

static void
echo_emit(void *arg, const struct dev_event *ev)
{
	struct dev_request rq;

	host_emit(arg, ev);
	if (ev->kind != DEV_DOCK || ev->dock.what != DOCK_PRESENT)
		return;
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_DOCK_BIND;
	rq.slot = ev->dock.slot;
	snprintf(rq.visit, sizeof rq.visit, "V-AUTO");
	dock_driver.request(&echo.d, &rq, 0, &echo.io);
}

static void
test_reentry(void)
{
	uint8_t buf[2 * DOCK_FRAME_MAX];

	host_open(&echo, 0);
	echo.io.write = echo_write;
	echo.io.emit = echo_emit;
	host_feed(&echo, g_ack_0, sizeof g_ack_0, 0);
	memcpy(buf, g_present, sizeof g_present);
	memcpy(buf + sizeof g_present, g_heartbeat, sizeof g_heartbeat);
	host_feed(&echo, buf, sizeof g_present + sizeof g_heartbeat, 0);
	ok(echo.n == 2 && echo.ev[1].dock.what == DOCK_DONE && echo.d.stats.frames == 5 &&
	    echo.d.stats.bad_checksum + echo.d.stats.bad_frame + echo.d.stats.garbage == 0,
	    "a device answering inside write does not break the frame being read");
}

static void
test_sim_stream(void)
{
	struct pair p;
	char err[256];
	int n;

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	pair_run(&p, 1100);
	ok(pair_command(&p, "stream 300", err, sizeof err) == 0, "stream 300");
	n = count_what(&p, DOCK_TELEMETRY);
	pair_run(&p, 11100);
	n = count_what(&p, DOCK_TELEMETRY) - n;
	ok(n >= 2900 && n <= 3100, "300 bands at 1 Hz: about 3000 samples in 10 s");
	ok(p.dev_bytes < 10 * 11520 / 2, "in under half the line's 11520 bytes a second");
	ok(p.drv->stats(p.drv_state)->folded == 0 && p.drv->stats(p.drv_state)->bad_checksum == 0,
	    "nothing lost or repeated");
	ok(pair_command(&p, "stream 0", err, sizeof err) == 0, "stream 0 stops");
	pair_run(&p, 12000);
	n = count_what(&p, DOCK_TELEMETRY);
	pair_run(&p, 15000);
	ok(count_what(&p, DOCK_TELEMETRY) == n, "no samples after stream 0");
	pair_close(&p);
}

/* The simulator's script verbs refuse bad input with a reason. */
static void
test_sim_script(void)
{
	struct pair p;
	char err[256];

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	ok(pair_command(&p, "present 5 0102", err, sizeof err) == -1 && strstr(err, "slot") != NULL,
	    "slot 5 of 4 refused");
	ok(pair_command(&p, "present 1 012", err, sizeof err) == -1, "an odd band id refused");
	ok(pair_command(&p, "present 1 0102 101", err, sizeof err) == -1, "battery 101 refused");
	ok(pair_command(&p, "present 1 0102", err, sizeof err) == 0, "present 1 0102");
	ok(pair_command(&p, "present 1 0304", err, sizeof err) == -1 && strstr(err, "already"),
	    "a full slot refused");
	ok(pair_command(&p, "present 2 0102", err, sizeof err) == -1,
	    "a band already in a slot refused");
	ok(pair_command(&p, "remove 3", err, sizeof err) == -1 && strstr(err, "empty"),
	    "removing from an empty slot refused");
	ok(pair_command(&p, "remove", err, sizeof err) == -1, "remove without a slot refused");
	ok(pair_command(&p, "telemetry 0102", err, sizeof err) == -1 && strstr(err, "zone"),
	    "telemetry without a zone refused");
	ok(pair_command(&p, "telemetry 0102 zone=x", err, sizeof err) == -1, "zone=x refused");
	ok(pair_command(&p, "telemetry 0102 zone=1 hr=300", err, sizeof err) == -1,
	    "hr=300 refused");
	ok(pair_command(&p, "telemetry 0102 zone=1 colour=red", err, sizeof err) == -1,
	    "an unknown option refused");
	ok(pair_command(&p, "sos", err, sizeof err) == -1, "sos without a band refused");
	ok(pair_command(&p, "stream 501", err, sizeof err) == -1, "stream 501 refused");
	ok(pair_command(&p, "silent now", err, sizeof err) == -1, "silent takes no argument");
	ok(pair_command(&p, "reset 17", err, sizeof err) == -1, "reset to 17 slots refused");
	ok(pair_command(&p, "reset 8", err, sizeof err) == 0, "reset to 8 slots");
	pair_run(&p, 1100);
	ok(last_what(&p, DOCK_HELLO)->dock.slots == 8 && count_what(&p, DOCK_PRESENT) >= 1,
	    "an 8-slot dock, its band announced again");
	ok(pair_command(&p, "present 8 0304", err, sizeof err) == 0, "slot 8 now exists");
	ok(pair_command(&p, "dance", err, sizeof err) == -1 && strstr(err, "dance"),
	    "an unknown verb refused");
	ok(strstr(sim_dock.usage, "stream N") != NULL && strstr(sim_dock.usage, "present SLOT"),
	    "the usage lists the verbs");
	pair_close(&p);
}

/* The simulated dock against frames written by hand: ACKs, repeats, NAKs, retransmission. */
struct capture {
	int sends;
	size_t n;
	uint8_t out[4096];
};

static void
capture_send(void *arg, const uint8_t *frame, size_t n)
{
	struct capture *c = arg;

	c->sends++;
	if (c->n + n <= sizeof c->out) {
		memcpy(c->out + c->n, frame, n);
		c->n += n;
	}
}

static void
test_sim_by_hand(void)
{
	static uint8_t state[1 << 16];
	struct capture cap;
	struct sim_io io = { capture_send, &cap };
	struct frames fs;
	uint8_t buf[2 * DOCK_FRAME_MAX];
	char err[128], *argv[3] = { "present", "2", BAND_HEX };
	size_t n;

	ok(sim_dock.state_size <= sizeof state, "the simulator's state fits the test's buffer");
	if (sim_dock.state_size > sizeof state)
		return;
	memset(state, 0, sizeof state);
	memset(&cap, 0, sizeof cap);
	sim_dock.init(state);
	sim_dock.tick(state, 0, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(cap.sends == 1 && fs.n == 1 && fs.f[0].type == DOCK_T_HELLO && fs.f[0].seq == 0,
	    "at boot the dock sends HELLO, seq 0, one frame per send");
	ok(sim_dock.tick(state, 10, &io) == DOCK_ACK_MS, "and wants to send it again at 250 ms");
	sim_dock.tick(state, DOCK_ACK_MS, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 2 && fs.f[1].type == DOCK_T_HELLO && fs.f[1].seq == 0,
	    "an unACKed HELLO is sent again with its seq");
	n = dock_encode_frame(DOCK_T_ACK, 0, NULL, 0, buf);
	sim_dock.from_host(state, buf, n, 300, &io);
	ok(sim_dock.command(state, 3, argv, 300, &io, err, sizeof err) == 0, "present by script");
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 3 && fs.f[2].type == DOCK_T_PRESENT && fs.f[2].seq == 1,
	    "after the ACK the next frame goes, seq 1");
	n = dock_encode_frame(DOCK_T_ACK, 1, NULL, 0, buf);
	sim_dock.from_host(state, buf, n, 310, &io);

	cap.n = 0;
	sim_dock.from_host(state, g_bind, 9, 400, &io);
	sim_dock.from_host(state, g_bind + 9, sizeof g_bind - 9, 401, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 2 && fs.f[0].type == DOCK_T_ACK && fs.f[0].seq == 1 &&
	    fs.f[1].type == DOCK_T_RESULT && fs.f[1].p[0] == 1 && fs.f[1].p[2] == 0,
	    "BIND (split) is ACKed and answered RESULT done");
	cap.n = 0;
	sim_dock.from_host(state, g_bind, sizeof g_bind, 410, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 1 && fs.f[0].type == DOCK_T_ACK, "a repeated BIND is ACKed, not done again");

	cap.n = 0;
	memcpy(buf, g_unbind, sizeof g_unbind);
	buf[10] ^= 0x10;
	sim_dock.from_host(state, buf, sizeof g_unbind, 420, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 1 && fs.f[0].type == DOCK_T_NAK && fs.f[0].p[0] == DOCK_NAK_CRC,
	    "a bad CRC is NAKed");
	cap.n = 0;
	buf[0] = 0;		/* slot 0 and no id: names no band */
	buf[1] = 0;
	n = dock_encode_frame(DOCK_T_UNBIND, 9, buf, 2, buf + 8);
	sim_dock.from_host(state, buf + 8, n, 430, &io);
	n = dock_encode_frame(DOCK_T_HEARTBEAT, 10, NULL, 0, buf);
	sim_dock.from_host(state, buf, n, 440, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 2 && fs.f[0].p[0] == DOCK_NAK_MALFORMED && fs.f[1].p[0] == DOCK_NAK_TYPE,
	    "a malformed command and a type the dock does not take are NAKed");
	cap.n = 0;
	sim_dock.from_host(state, g_host_hello, sizeof g_host_hello, 450, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n == 1 && fs.f[0].type == DOCK_T_ACK, "HOST_HELLO is ACKed (HELLO waits its turn)");
	{
		int i, results = 0, hellos = 0, others = 0, order = 1;

		/*
		 * The RESULT (sent at 401) 3 more times, given up, then the HELLO 1 + 3 times,
		 * then the slots announced after it (section 8).
		 */
		for (i = 0; i < 12; i++)
			sim_dock.tick(state, 450 + DOCK_ACK_MS * (i + 1), &io);
		read_frames(cap.out, cap.n, &fs);
		for (i = 1; i < fs.n; i++) {
			results += fs.f[i].type == DOCK_T_RESULT;
			hellos += fs.f[i].type == DOCK_T_HELLO;
			if (fs.f[i].type == DOCK_T_RESULT && hellos > 0)
				order = 0;
			if (fs.f[i].type != DOCK_T_RESULT && fs.f[i].type != DOCK_T_HELLO &&
			    (fs.f[i].type != DOCK_T_PRESENT || hellos < 4))
				others++;
		}
		ok(results == 3 && hellos == 4 && order && others == 0,
		    "an unACKed frame goes 1 + 3 times, then is given up for the next");
	}
}

/* The driver against a simulated dock of the field (version 1), and a version 1 host. */
static void
test_sim_version_1(void)
{
	static uint8_t state[1 << 16];
	struct capture cap;
	struct sim_io io = { capture_send, &cap };
	struct frames fs;
	struct pair p;
	char err[256], *argv[2] = { "version", "1" };
	uint8_t buf[DOCK_FRAME_MAX], rev = 0;
	size_t n;

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	ok(pair_command(&p, "version 1", err, sizeof err) == 0, "version 1: a dock of the field");
	ok(pair_command(&p, "version 3", err, sizeof err) == -1, "version 3 refused");
	pair_run(&p, 1100);
	ok(count_what(&p, DOCK_HELLO) == 1, "a dock swapped on an open line is not heard at once");
	/* After the silence the host reads version 1 again; the next HEARTBEAT is heard. */
	pair_run(&p, 1000 + DOCK_SILENCE_MS + DOCK_HEARTBEAT_MS + 1000);
	ok(count_what(&p, DOCK_HELLO) == 2 &&
	    ((struct dock *)p.drv_state)->ver == DOCK_VERSION_1,
	    "after a silence it is heard, asked for its HELLO, and written to in version 1");
	pair_command(&p, "present 1 0A0B0C0D", err, sizeof err);
	pair_run(&p, p.now + 100);
	request(&p, DEV_RQ_DOCK_BIND, 1, "", "V1");
	pair_run(&p, p.now + 200);
	ok(count_what(&p, DOCK_PRESENT) == 1 && count_what(&p, DOCK_DONE) == 1 &&
	    p.drv->stats(p.drv_state)->bad_checksum == 0, "present and bind work in version 1");
	pair_close(&p);

	/* A version 2 dock and a version 1 host: ACK and HELLO in version 1. */
	memset(state, 0, sizeof state);
	memset(&cap, 0, sizeof cap);
	sim_dock.init(state);
	sim_dock.tick(state, 0, &io);
	cap.n = 0;
	n = dock_encode_frame_v(DOCK_VERSION_1, DOCK_T_HOST_HELLO, 0, &rev, 1, buf);
	sim_dock.from_host(state, buf, n, 10, &io);
	ok(cap.n >= 8 && cap.out[2] == DOCK_VERSION_1 && cap.out[3] == DOCK_T_ACK,
	    "a version 2 dock answers a version 1 HOST_HELLO in version 1");
	sim_dock.tick(state, 10 + DOCK_ACK_MS, &io);
	{
		struct dock_parser ps;
		struct dev_stats st;

		memset(&ps, 0, sizeof ps);
		memset(&st, 0, sizeof st);
		memset(&fs, 0, sizeof fs);
		ps.versions = DOCK_READ_V1;
		dock_parse(&ps, &st, cap.out, cap.n, 0, collect_frame, &fs);
		ok(fs.n >= 2 && fs.f[1].type == DOCK_T_HELLO && st.bad_frame == 0,
		    "and its HELLO too");
	}
	ok(sim_dock.command(state, 2, argv, 20, &io, err, sizeof err) == 0, "version 1 by script");
}

/* The simulated dock corrupts the LEN of its ACK: the RESULT right behind it is not held. */
static void
test_sim_badlen(void)
{
	struct pair p;
	char err[256];
	const struct dev_event *e;

	pair_open(&p, &dock_driver, &sim_dock, 1000);
	pair_run(&p, 1100);
	pair_command(&p, "present 1 0A0B0C0D", err, sizeof err);
	pair_run(&p, 1200);
	ok(pair_command(&p, "badlen", err, sizeof err) == 0, "badlen");
	request(&p, DEV_RQ_DOCK_BIND, 1, "", "V1");
	e = last_what(&p, DOCK_DONE);
	ok(e != NULL && e->ts == 1200 && p.drv->stats(p.drv_state)->bad_frame == 1,
	    "the bind's RESULT behind an ACK with a corrupted length is read at once");
	pair_close(&p);
}

/*
 * The same over a pty, custody-sim against the terminal's device layer: the time from the
 * request to its answer.  Version 1 waited for the 50 ms gap.
 */
static struct simrun sr;
static int sr_from;

static int
sr_what(enum dev_dock_what what)
{
	int i;

	for (i = sr_from; i < sr.n && i < SIM_EVENTS; i++)
		if (sr.devof[i] == CONF_DEV_DOCK && sr.events[i].kind == DEV_DOCK &&
		    sr.events[i].dock.what == what)
			return i;
	return -1;
}

static int sr_present(struct simrun *r) { (void)r; return sr_what(DOCK_PRESENT) >= 0; }
static int sr_done(struct simrun *r) { (void)r; return sr_what(DOCK_DONE) >= 0; }
static int sr_hello(struct simrun *r) { (void)r; return sr_what(DOCK_HELLO) >= 0; }

static void
test_pty_badlen(void)
{
	struct dev_request rq;
	const struct dev_stats *st;
	int64_t t0;
	int i;
	uint64_t bad;

	simrun_start(&sr, NULL);
	simrun_wait(&sr, 3000, sr_hello);
	sr_from = sr.n;
	simrun_say(&sr, "dock present 1 0A0B0C0D");
	ok(simrun_wait(&sr, 3000, sr_present), "pty: the band is present");
	simrun_say(&sr, "dock badlen");
	simrun_wait(&sr, 300, NULL);	/* the simulator reads its control FIFO */
	st = devices_stats(sr.devs, CONF_DEV_DOCK);
	bad = st->bad_frame;
	sr_from = sr.n;
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_DOCK_BIND;
	rq.slot = 1;
	snprintf(rq.visit, sizeof rq.visit, "V1");
	t0 = clock_mono_ms();
	ok(devices_request(sr.devs, CONF_DEV_DOCK, &rq) == 0, "pty: bind sent");
	simrun_wait(&sr, 2000, sr_done);
	i = sr_what(DOCK_DONE);
	ok(i >= 0 && st->bad_frame == bad + 1,
	    "pty: the answer behind a corrupted length comes, the bad header counted");
	if (i >= 0)
		printf("# pty: answered after %lld ms\n", (long long)(sr.events[i].ts - t0));
	simrun_stop(&sr);
}

/* The simulated dock on random bytes mixed with good frames: still answers afterwards. */
static void
test_sim_noise(void)
{
	static uint8_t state[1 << 16];
	struct capture cap;
	struct sim_io io = { capture_send, &cap };
	struct frames fs;
	uint8_t buf[512];
	uint32_t x = 12345;
	int round, i;
	int64_t now = 0;

	memset(state, 0, sizeof state);
	memset(&cap, 0, sizeof cap);
	sim_dock.init(state);
	for (round = 0; round < 3000; round++) {
		int n = (int)(x % sizeof buf);

		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (uint8_t)(x >> 16);
			if (buf[i] < 8)
				buf[i] = 0xA5;	/* many false starts */
		}
		if (round % 3 == 0 && n >= 2 * (int)sizeof g_bind)
			memcpy(buf + n / 2, g_bind, sizeof g_bind);
		cap.n = 0;
		sim_dock.from_host(state, buf, (size_t)n, now, &io);
		now += 1 + x % 100;
		sim_dock.tick(state, now, &io);
	}
	now += 1000;
	sim_dock.tick(state, now, &io);
	cap.n = 0;
	sim_dock.from_host(state, g_host_hello, sizeof g_host_hello, now, &io);
	read_frames(cap.out, cap.n, &fs);
	ok(fs.n >= 1 && fs.f[0].type == DOCK_T_ACK, "after 3000 rounds of noise the dock still ACKs a HOST_HELLO");
}

static const struct dev_stats *sr_stats;
static uint64_t sr_bad_before;
static int
sr_half_dropped_or_present(struct simrun *r)
{
	(void)r;
	return sr_stats->bad_frame > sr_bad_before || sr_what(DOCK_PRESENT) >= 0;
}

/*
 * Half a frame and then a quiet line: the driver asks to be ticked DOCK_GAP_MS after the last
 * byte to drop it, and the device layer must ask the driver for its next time after every feed,
 * not only after a tick or a request (it did not: the half frame waited for the dock's own
 * retransmission at 250 ms, or the heartbeat, or the 15 s silence timer).
 */
static void
test_pty_half_frame_expires(void)
{
	int64_t t0;
	int dropped;

	simrun_start(&sr, NULL);
	simrun_wait(&sr, 3000, sr_hello);
	sr_from = sr.n;
	sr_stats = devices_stats(sr.devs, CONF_DEV_DOCK);
	simrun_say(&sr, "dock half");
	simrun_wait(&sr, 300, NULL);	/* the simulator reads its control FIFO */
	sr_bad_before = sr_stats->bad_frame;
	t0 = clock_mono_ms();
	simrun_say(&sr, "dock present 2 0A0B0C0E");
	/* Not a time limit: what came first, the drop or the retransmission (250 ms). */
	simrun_wait(&sr, 3000, sr_half_dropped_or_present);
	dropped = sr_stats->bad_frame > sr_bad_before && sr_what(DOCK_PRESENT) < 0;
	ok(dropped, "pty: half a frame on a quiet line is dropped at its gap, before a retransmission");
	printf("# pty: half frame dropped after %lld ms\n", (long long)(clock_mono_ms() - t0));
	ok(simrun_wait(&sr, 3000, sr_present), "pty: the retransmitted BAND_PRESENT arrives");
	simrun_stop(&sr);
}

/* How many DOCK events of this kind for this band since sr_from. */
static int
sr_count(enum dev_dock_what what, const char *id)
{
	int i, n = 0;

	for (i = sr_from; i < sr.n && i < SIM_EVENTS; i++)
		if (sr.devof[i] == CONF_DEV_DOCK && sr.events[i].kind == DEV_DOCK &&
		    sr.events[i].dock.what == what && strcmp(sr.events[i].id, id) == 0)
			n++;
	return n;
}

static int sr_news(struct simrun *r)
{
	(void)r;
	return sr_count(DOCK_PRESENT, "0A0B0C0F") > 0 && sr_count(DOCK_REMOVED, "0A0B0C0D") > 0;
}

/*
 * The line goes away for 2 s; meanwhile one band is put in and another taken out. The dock
 * gives up each announcement after four sends (about 1 s); the host that opens the line again
 * must still learn both (section 8: the dock announces its slots again after HOST_HELLO), and
 * must not hear again of the band it already knew.
 */
static void
test_pty_outage_resync(void)
{
	simrun_start(&sr, NULL);
	simrun_wait(&sr, 3000, sr_hello);
	simrun_say(&sr, "dock present 1 0A0B0C0D");
	simrun_say(&sr, "dock present 2 0A0B0C0E");
	sr_from = sr.n;
	ok(simrun_wait(&sr, 3000, sr_present), "outage: the bands are present before");
	simrun_wait(&sr, 300, NULL);
	sr_from = sr.n;
	simrun_say(&sr, "dock unplug 2");
	simrun_wait(&sr, 300, NULL);
	simrun_say(&sr, "dock present 3 0A0B0C0F");
	simrun_say(&sr, "dock remove 1");
	ok(simrun_wait(&sr, 6000, sr_news),
	    "outage: the band put in and the band taken out are known after the line is back");
	simrun_wait(&sr, 500, NULL);
	ok(sr_count(DOCK_PRESENT, "0A0B0C0E") == 0,
	    "outage: the band that stayed in its slot is not announced to the clerk again");
	ok(sr_count(DOCK_PRESENT, "0A0B0C0F") == 1, "outage: the new band is announced once");
	simrun_stop(&sr);
}

int
main(void)
{
	test_crc();
	test_golden_encode();
	test_golden_decode();
	test_codec_bounds();
	test_splits();
	test_faults();
	test_header_check();
	test_version_1();
	test_repeats();
	test_host_retransmit();
	test_sim_happy();
	test_sim_faults();
	test_request_from_emit();
	test_reentry();
	test_sim_noise();
	test_sim_stream();
	test_sim_script();
	test_sim_by_hand();
	test_sim_version_1();
	test_sim_badlen();
	test_pty_badlen();
	test_pty_half_frame_expires();
	test_pty_outage_resync();
	return t_done();
}

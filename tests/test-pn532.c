/*
 * The PN532 HSU driver: golden frames, any split, garbage, bad checksums, half frames, length
 * fields out of range; the driver's commands byte for byte, its timeouts and folding; and the
 * driver against the simulated chip, with faults.
 */
#include <string.h>

#include "devpair.h"
#include "pn532.h"
#include "t.h"

extern const struct sim_device sim_pn532;

/*
 * Golden frames.  Each checksum is checked by hand: LEN + LCS and TFI + data + DCS are 0
 * modulo 256.  Frame layouts: PN532 User Manual UM0701-02 (NXP), section 6.2.1 "Frame
 * structure" (normal, extended, ACK/NACK, error frames); commands in chapter 7.
 */

/* GetFirmwareVersion, UM0701-02 section 7.2.2: 02+FE = 0x100; D4+02+2A = 0x100. */
static const uint8_t gfv_cmd[] = { 0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD4, 0x02, 0x2A, 0x00 };
/* Its answer from a PN532 V1.6: IC 32, Ver 01, Rev 06, Support 07 (section 7.2.2).
 * 06+FA = 0x100; D5+03+32+01+06+07 = 0x118, +E8 = 0x200. */
static const uint8_t gfv_resp[] = { 0x00, 0x00, 0xFF, 0x06, 0xFA, 0xD5, 0x03, 0x32, 0x01,
    0x06, 0x07, 0xE8, 0x00 };
/* SAMConfiguration, section 7.2.10, as the driver sends it: normal mode 01, timeout 14 (1 s),
 * IRQ 01.  05+FB = 0x100; D4+14+01+14+01 = 0xFE, +02 = 0x100. */
static const uint8_t sam_cmd[] = { 0x00, 0x00, 0xFF, 0x05, 0xFB, 0xD4, 0x14, 0x01, 0x14, 0x01,
    0x02, 0x00 };
/* The short form (mode only) most host libraries send: 03+FD; D4+14+01 = 0xE9, +17 = 0x100. */
static const uint8_t sam_short[] = { 0x00, 0x00, 0xFF, 0x03, 0xFD, 0xD4, 0x14, 0x01, 0x17,
    0x00 };
/* Its answer D5 15: 02+FE; D5+15 = 0xEA, +16 = 0x100. */
static const uint8_t sam_resp[] = { 0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD5, 0x15, 0x16, 0x00 };
/* RFConfiguration CfgItem 05 MaxRetries (section 7.3.1): MxRtyATR FF, MxRtyPSL 01,
 * MxRtyPassiveActivation 01.  06+FA; D4+32+05+FF+01+01 = 0x20C, +F4 = 0x300. */
static const uint8_t rf_cmd[] = { 0x00, 0x00, 0xFF, 0x06, 0xFA, 0xD4, 0x32, 0x05, 0xFF, 0x01,
    0x01, 0xF4, 0x00 };
/* Its answer D5 33: D5+33 = 0x108, +F8 = 0x200. */
static const uint8_t rf_resp[] = { 0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD5, 0x33, 0xF8, 0x00 };
/* InListPassiveTarget MaxTg 01 BrTy 00 (section 7.3.5): 04+FC; D4+4A+01+00 = 0x11F, +E1. */
static const uint8_t list_cmd[] = { 0x00, 0x00, 0xFF, 0x04, 0xFC, 0xD4, 0x4A, 0x01, 0x00, 0xE1,
    0x00 };
/* Answers captured from a PN532 on UART (microbuilder LPC1343CodeBase,
 * tools/examples/sensors/pn532/ISO14443A_Detect/readme.txt), layout of section 7.3.5:
 * NbTg 01, Tg 01, SENS_RES 00 04, SEL_RES 08, NFCIDLength 04, NFCID1 9E B3 6E 66.
 * 0C+F4; D5+4B+01+01+00+04+08+04 = 0x132, +9E+B3+6E+66 = 0x357, +A9 = 0x400. */
static const uint8_t list_resp4[] = { 0x00, 0x00, 0xFF, 0x0C, 0xF4, 0xD5, 0x4B, 0x01, 0x01,
    0x00, 0x04, 0x08, 0x04, 0x9E, 0xB3, 0x6E, 0x66, 0xA9, 0x00 };
/* A MIFARE Ultralight, 7-byte UID 04 7B CB 51 96 22 80, SENS_RES 00 44, SEL_RES 00.
 * 0F+F1; D5+4B+01+01+00+44+00+07 = 0x16D, +04+7B+CB+51+96+22+80 = 0x440, +C0 = 0x500. */
static const uint8_t list_resp7[] = { 0x00, 0x00, 0xFF, 0x0F, 0xF1, 0xD5, 0x4B, 0x01, 0x01,
    0x00, 0x44, 0x00, 0x07, 0x04, 0x7B, 0xCB, 0x51, 0x96, 0x22, 0x80, 0xC0, 0x00 };
/* No card (MaxRetries run out): NbTg 00.  03+FD; D5+4B+00 = 0x120, +E0 = 0x200. */
static const uint8_t list_none[] = { 0x00, 0x00, 0xFF, 0x03, 0xFD, 0xD5, 0x4B, 0x00, 0xE0,
    0x00 };
/* Section 6.2.1.3 (ACK, NACK) and 6.2.1.5 (error frame: 01+FF; 7F+81 = 0x100). */
static const uint8_t ack[] = { 0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00 };
static const uint8_t nack[] = { 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00 };
static const uint8_t errf[] = { 0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00 };

/* What a parser reported. */
struct seen {
	int n;
	enum pn532_frame_kind kind[32];
	uint8_t tfi[32];
	uint8_t data[32][PN532_BODY_MAX];
	size_t len[32];
};

static void
record(void *arg, const struct pn532_frame *f)
{
	struct seen *s = arg;

	if (s->n < 32) {
		s->kind[s->n] = f->kind;
		s->tfi[s->n] = f->tfi;
		s->len[s->n] = f->len;
		if (f->len <= PN532_BODY_MAX && f->len > 0)
			memcpy(s->data[s->n], f->data, f->len);
	}
	s->n++;
}

static void
parse(struct pn532_parser *ps, struct seen *s, const uint8_t *b, size_t n, int64_t now)
{
	pn532_parser_feed(ps, b, n, now, record, s);
}

static int
one_info(const uint8_t *frame, size_t n, uint8_t tfi, const uint8_t *data, size_t len)
{
	struct pn532_parser ps;
	struct seen s = { 0 };

	pn532_parser_init(&ps);
	parse(&ps, &s, frame, n, 0);
	return s.n == 1 && s.kind[0] == PN532_INFO && s.tfi[0] == tfi && s.len[0] == len &&
	    memcmp(s.data[0], data, len) == 0 && ps.len <= 1 && ps.stats.frames == 1;
}

static void
test_golden(void)
{
	uint8_t out[64];
	static const uint8_t d_gfv[] = { 0x02 }, d_gfvr[] = { 0x03, 0x32, 0x01, 0x06, 0x07 };
	static const uint8_t d_sam[] = { 0x14, 0x01, 0x14, 0x01 }, d_sams[] = { 0x14, 0x01 };
	static const uint8_t d_rf[] = { 0x32, 0x05, 0xFF, 0x01, 0x01 }, d_list[] = { 0x4A, 1, 0 };
	static const uint8_t uid4[] = { 0x9E, 0xB3, 0x6E, 0x66 };
	static const uint8_t uid7[] = { 0x04, 0x7B, 0xCB, 0x51, 0x96, 0x22, 0x80 };
	static const uint8_t d_r15[] = { 0x15 }, d_r33[] = { 0x33 };
	struct pn532_parser ps;
	struct seen s = { 0 };
	size_t n;

	n = pn532_encode_frame(0xD4, d_gfv, 1, out, sizeof out);
	ok(n == sizeof gfv_cmd && memcmp(out, gfv_cmd, n) == 0, "GetFirmwareVersion encodes");
	n = pn532_encode_frame(0xD5, d_gfvr, 5, out, sizeof out);
	ok(n == sizeof gfv_resp && memcmp(out, gfv_resp, n) == 0, "its answer encodes");
	n = pn532_encode_frame(0xD4, d_sam, 4, out, sizeof out);
	ok(n == sizeof sam_cmd && memcmp(out, sam_cmd, n) == 0, "SAMConfiguration encodes");
	n = pn532_encode_frame(0xD4, d_sams, 2, out, sizeof out);
	ok(n == sizeof sam_short && memcmp(out, sam_short, n) == 0, "short SAMConfiguration");
	n = pn532_encode_frame(0xD5, d_r15, 1, out, sizeof out);
	ok(n == sizeof sam_resp && memcmp(out, sam_resp, n) == 0, "SAMConfiguration answer");
	n = pn532_encode_frame(0xD4, d_rf, 5, out, sizeof out);
	ok(n == sizeof rf_cmd && memcmp(out, rf_cmd, n) == 0, "RFConfiguration MaxRetries");
	n = pn532_encode_frame(0xD5, d_r33, 1, out, sizeof out);
	ok(n == sizeof rf_resp && memcmp(out, rf_resp, n) == 0, "RFConfiguration answer");
	n = pn532_encode_frame(0xD4, d_list, 3, out, sizeof out);
	ok(n == sizeof list_cmd && memcmp(out, list_cmd, n) == 0, "InListPassiveTarget encodes");
	n = pn532_encode_target(uid4, 4, out, sizeof out);
	ok(n == sizeof list_resp4 && memcmp(out, list_resp4, n) == 0, "4-byte UID answer");
	n = pn532_encode_target(uid7, 7, out, sizeof out);
	ok(n == sizeof list_resp7 && memcmp(out, list_resp7, n) == 0, "7-byte UID answer");
	n = pn532_encode_target(NULL, 0, out, sizeof out);
	ok(n == sizeof list_none && memcmp(out, list_none, n) == 0, "NbTg = 0 answer");
	ok(pn532_encode_target(uid4, 5, out, sizeof out) == 0, "a 5-byte UID is not encoded");
	ok(pn532_encode_frame(0xD4, d_gfv, 1, out, 8) == 0, "a frame that does not fit: 0");
	ok(memcmp(ack, pn532_ack, 6) == 0 && memcmp(nack, pn532_nack, 6) == 0 &&
	    memcmp(errf, pn532_error, 8) == 0, "ACK, NACK and error frame constants");
	ok(pn532_wakeup[0] == 0x55 && pn532_wakeup[1] == 0x55 && pn532_wakeup[15] == 0,
	    "the wake-up is 55 55 then zeros");

	ok(one_info(gfv_cmd, sizeof gfv_cmd, 0xD4, d_gfv, 1), "GetFirmwareVersion parses");
	ok(one_info(gfv_resp, sizeof gfv_resp, 0xD5, d_gfvr, 5), "its answer parses");
	ok(one_info(sam_cmd, sizeof sam_cmd, 0xD4, d_sam, 4), "SAMConfiguration parses");
	ok(one_info(rf_cmd, sizeof rf_cmd, 0xD4, d_rf, 5), "RFConfiguration parses");
	ok(one_info(list_resp7, sizeof list_resp7, 0xD5, list_resp7 + 6, 14), "7-byte answer");
	ok(one_info(errf, sizeof errf, 0x7F, (const uint8_t *)"", 0), "the error frame is TFI 7F, no data");
	pn532_parser_init(&ps);
	parse(&ps, &s, ack, 6, 0);
	parse(&ps, &s, nack, 6, 0);
	ok(s.n == 2 && s.kind[0] == PN532_ACK && s.kind[1] == PN532_NACK && ps.stats.garbage == 0,
	    "ACK and NACK parse; pre- and postamble zeros are not garbage");
}

static void
test_extended(void)
{
	uint8_t data[PN532_BODY_MAX], out[PN532_FRAME_MAX + 8];
	struct pn532_parser ps;
	struct seen s = { 0 };
	size_t n, i;

	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7);
	n = pn532_encode_frame(0xD5, data, 264, out, sizeof out);
	/* 265 = 0x0109: LENM 01 LENL 09 LCS F6 (01+09+F6 = 0x100) */
	ok(n == 264 + 11 && out[3] == 0xFF && out[4] == 0xFF && out[5] == 0x01 && out[6] == 0x09 &&
	    out[7] == 0xF6, "264 data bytes make an extended frame");
	ok(pn532_encode_frame(0xD5, data, 265, out, sizeof out) == 0, "265 data bytes: too long");
	n = pn532_encode_frame(0xD5, data, 264, out, sizeof out);
	pn532_parser_init(&ps);
	parse(&ps, &s, out, n, 0);
	ok(s.n == 1 && s.kind[0] == PN532_INFO && s.len[0] == 264 &&
	    memcmp(s.data[0], data, 264) == 0, "the extended frame parses back");

	/* an extended frame of 2 bytes: 00 00 FF FF FF 00 02 FE D5 15 16 00 */
	{
		static const uint8_t ext[] = { 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0xFE,
		    0xD5, 0x15, 0x16, 0x00 };

		ok(one_info(ext, sizeof ext, 0xD5, (const uint8_t *)"\x15", 1),
		    "a short extended frame is read too");
	}
	/* LENM LENL = 02 00 (512), LCS FE valid: over the maximum, then a good frame */
	{
		static const uint8_t big[] = { 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x02, 0x00, 0xFE,
		    0xD5, 0x03 };

		memset(&s, 0, sizeof s);
		pn532_parser_init(&ps);
		parse(&ps, &s, big, sizeof big, 0);
		parse(&ps, &s, gfv_resp, sizeof gfv_resp, 0);
		ok(ps.stats.bad_frame == 1 && s.n == 1 && s.tfi[0] == 0xD5 && s.data[0][0] == 0x03,
		    "an oversized extended length is refused at once; the next frame is read");
	}
	/* LENM LENL FF FF with a valid LCS 02 */
	{
		static const uint8_t huge[] = { 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 };

		memset(&s, 0, sizeof s);
		pn532_parser_init(&ps);
		parse(&ps, &s, huge, sizeof huge, 0);
		ok(ps.stats.bad_frame == 1 && ps.len == 0, "length 65535 is refused, nothing kept");
	}
}

/* A stream of several frames, fed whole, byte by byte and split at every point. */
static void
test_splits(void)
{
	uint8_t stream[128];
	struct pn532_parser ps;
	struct seen s;
	size_t n = 0, i, j;
	int good = 1;

	memcpy(stream + n, ack, sizeof ack), n += sizeof ack;
	memcpy(stream + n, list_resp4, sizeof list_resp4), n += sizeof list_resp4;
	memcpy(stream + n, nack, sizeof nack), n += sizeof nack;
	memcpy(stream + n, list_resp7, sizeof list_resp7), n += sizeof list_resp7;
	memcpy(stream + n, errf, sizeof errf), n += sizeof errf;

#define STREAM_OK(s) ((s).n == 5 && (s).kind[0] == PN532_ACK && (s).kind[1] == PN532_INFO && \
	(s).data[1][7] == 0x9E && (s).kind[2] == PN532_NACK && (s).len[3] == 14 && \
	(s).data[3][13] == 0x80 && (s).tfi[4] == 0x7F)

	memset(&s, 0, sizeof s);
	pn532_parser_init(&ps);
	parse(&ps, &s, stream, n, 0);
	ok(STREAM_OK(s) && ps.stats.frames == 5, "five frames in one read");
	memset(&s, 0, sizeof s);
	pn532_parser_init(&ps);
	for (i = 0; i < n; i++)
		parse(&ps, &s, stream + i, 1, 0);
	ok(STREAM_OK(s), "five frames byte by byte");
	for (i = 0; i <= n; i++) {
		memset(&s, 0, sizeof s);
		pn532_parser_init(&ps);
		parse(&ps, &s, stream, i, 0);
		parse(&ps, &s, stream + i, n - i, 0);
		good &= STREAM_OK(s) && ps.stats.garbage == 0 && ps.stats.bad_frame == 0;
	}
	ok(good, "five frames split at every point");
	good = 1;
	for (i = 0; i <= n; i += 3)
		for (j = i; j <= n; j += 5) {
			memset(&s, 0, sizeof s);
			pn532_parser_init(&ps);
			parse(&ps, &s, stream, i, 0);
			parse(&ps, &s, stream + i, j - i, 0);
			parse(&ps, &s, stream + j, n - j, 0);
			good &= STREAM_OK(s);
		}
	ok(good, "five frames split at two points");
#undef STREAM_OK
}

static void
test_faults(void)
{
	uint8_t buf[128];
	struct pn532_parser ps;
	struct seen s = { 0 };
	int64_t t;

	pn532_parser_init(&ps);
	memcpy(buf, "\xFF\x12\x55", 3);
	memcpy(buf + 3, gfv_resp, sizeof gfv_resp);
	parse(&ps, &s, buf, 3 + sizeof gfv_resp, 0);
	ok(s.n == 1 && s.tfi[0] == 0xD5 && ps.stats.garbage == 3, "garbage is skipped and counted");

	memcpy(buf, gfv_resp, sizeof gfv_resp);
	buf[4] = 0xFB;		/* LCS */
	memset(&s, 0, sizeof s);
	parse(&ps, &s, buf, sizeof gfv_resp, 10);
	parse(&ps, &s, sam_resp, sizeof sam_resp, 10);
	ok(s.n == 1 && s.data[0][0] == 0x15 && ps.stats.bad_checksum == 1,
	    "a bad length checksum drops the frame; the next is read");

	memcpy(buf, gfv_resp, sizeof gfv_resp);
	buf[8] ^= 0x01;		/* data */
	memset(&s, 0, sizeof s);
	parse(&ps, &s, buf, sizeof gfv_resp, 20);
	parse(&ps, &s, sam_resp, sizeof sam_resp, 20);
	ok(s.n == 2 && s.kind[0] == PN532_BAD && s.kind[1] == PN532_INFO &&
	    ps.stats.bad_checksum == 2, "a bad data checksum is reported as BAD; the next is read");

	/* half a frame, then a whole one in the same read: found behind the false start */
	memset(&s, 0, sizeof s);
	memcpy(buf, list_resp4, 10);
	memcpy(buf + 10, gfv_resp, sizeof gfv_resp);
	memcpy(buf + 10 + sizeof gfv_resp, sam_resp, sizeof sam_resp);
	parse(&ps, &s, buf, 10 + sizeof gfv_resp + sizeof sam_resp, 30);
	ok(s.n >= 1 && s.kind[s.n - 1] == PN532_INFO && s.data[s.n - 1][0] == 0x15,
	    "a half frame is dropped and the frames after it are read");

	/* half a frame, then silence: dropped when the next bytes come after the gap */
	memset(&s, 0, sizeof s);
	pn532_parser_init(&ps);
	parse(&ps, &s, list_resp4, 9, 100);
	parse(&ps, &s, sam_resp, sizeof sam_resp, 100 + PN532_GAP_MS + 1);
	ok(s.n == 2 && s.kind[0] == PN532_BAD && s.data[1][0] == 0x15 && ps.stats.bad_frame == 1,
	    "a half frame followed by silence is dropped (and reported) by the inter-byte timeout");
	parse(&ps, &s, list_resp4, 9, 1000);
	t = pn532_parser_tick(&ps, 1000, record, &s);
	ok(t == 1000 + PN532_GAP_MS + 1, "tick asks to come back after the gap");
	ok(pn532_parser_tick(&ps, t, record, &s) == -1 && ps.len == 0 &&
	    ps.stats.bad_frame == 2, "tick drops the half frame after the gap");
	ok(pn532_parser_tick(&ps, t + 1000, record, &s) == -1, "tick with nothing pending: -1");

	/* a half frame, then the same frame whole, a moment later (within the gap) */
	memset(&s, 0, sizeof s);
	pn532_parser_init(&ps);
	parse(&ps, &s, gfv_resp, 6, 2000);
	parse(&ps, &s, gfv_resp, sizeof gfv_resp, 2001);
	ok(s.n == 2 && s.kind[0] == PN532_BAD && s.kind[1] == PN532_INFO && s.data[1][0] == 0x03,
	    "a half frame cut by a new header: reported bad, the new frame is read");

	/* zero length (LEN 00 LCS 00 adds up, but LEN counts the TFI) */
	memset(&s, 0, sizeof s);
	pn532_parser_init(&ps);
	parse(&ps, &s, (const uint8_t *)"\x00\x00\xFF\x00\x00\x00", 6, 0);
	ok(s.n == 0 && ps.stats.bad_frame == 1, "a zero-length frame is a bad frame");
	parse(&ps, &s, gfv_resp, sizeof gfv_resp, 0);
	ok(s.n == 1, "then the next frame is read");

	/* a 256-byte burst of garbage and false starts never grows the window */
	memset(&s, 0, sizeof s);
	pn532_parser_init(&ps);
	{
		int i;

		for (i = 0; i < 200; i++)
			parse(&ps, &s, (const uint8_t *)"\x00\xFF\x05\x07", 4, 0);
	}
	ok(s.n == 0 && ps.len < 4 && ps.stats.bad_checksum == 200, "false starts are dropped");
}

/* The driver alone, against hand-made answers: what it writes and what it emits. */
struct bare {
	uint8_t out[4096];
	size_t n;		/* bytes written since the last clear */
	int writes;
	int events;
	struct dev_event ev[32];
};

static void
bare_write(void *arg, const uint8_t *b, size_t n)
{
	struct bare *b_ = arg;

	if (b_->n + n <= sizeof b_->out) {
		memcpy(b_->out + b_->n, b, n);
		b_->n += n;
	}
	b_->writes++;
}

static void
bare_emit(void *arg, const struct dev_event *ev)
{
	struct bare *b = arg;

	if (b->events < 32)
		b->ev[b->events] = *ev;
	b->events++;
}

static int
wrote(struct bare *b, int wake, const uint8_t *frame, size_t n)
{
	size_t k = wake ? PN532_WAKEUP_LEN : 0;
	int r = b->n == k + n && (!wake || memcmp(b->out, pn532_wakeup, k) == 0) &&
	    memcmp(b->out + k, frame, n) == 0;

	b->n = 0;
	return r;
}

static void
feed2(struct pn532 *p, const struct dev_io *io, const uint8_t *a, size_t an, const uint8_t *r,
    size_t rn, int64_t now)
{
	pn532_driver.feed(p, a, an, now, io);
	pn532_driver.feed(p, r, rn, now, io);
}

static void
test_driver(void)
{
	static struct bare b;
	struct pn532 p;
	struct dev_io io = { bare_write, bare_emit, &b };
	const struct dev_stats *st;
	uint8_t frame[64];
	static const uint8_t uid10[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xA0 };
	static const uint8_t other[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
	int64_t now = 1000, next;
	size_t n;
	int i, good;

	memset(&p, 0, sizeof p);
	memset(&b, 0, sizeof b);
	st = pn532_driver.stats(&p);
	pn532_driver.start(&p, now, &io);
	ok(wrote(&b, 1, sam_cmd, sizeof sam_cmd), "start: wake-up, then SAMConfiguration");
	next = pn532_driver.tick(&p, now, &io);
	ok(next == now + PN532_ACK_MS, "it waits 50 ms for the ACK");
	feed2(&p, &io, ack, sizeof ack, sam_resp, sizeof sam_resp, now += 2);
	ok(wrote(&b, 0, rf_cmd, sizeof rf_cmd), "then RFConfiguration MaxRetries");
	feed2(&p, &io, ack, sizeof ack, rf_resp, sizeof rf_resp, now += 2);
	ok(wrote(&b, 0, gfv_cmd, sizeof gfv_cmd), "then GetFirmwareVersion");
	feed2(&p, &io, ack, sizeof ack, gfv_resp, sizeof gfv_resp, now += 2);
	ok(b.events == 1 && b.ev[0].kind == DEV_INFO && strcmp(b.ev[0].text, "PN532 v1.6") == 0,
	    "the firmware answer is DEV_INFO \"PN532 v1.6\"");
	ok(b.n == 0, "nothing is written until the first poll");
	next = pn532_driver.tick(&p, now, &io);
	ok(next > now && next <= now + PN532_POLL_MS, "the first poll is due within 150 ms");
	now = next;
	pn532_driver.tick(&p, now, &io);
	ok(wrote(&b, 0, list_cmd, sizeof list_cmd), "the poll is InListPassiveTarget 1, 106A");
	feed2(&p, &io, ack, sizeof ack, list_resp4, sizeof list_resp4, now + 5);
	ok(b.events == 2 && b.ev[1].kind == DEV_TAP && strcmp(b.ev[1].id, "9EB36E66") == 0 &&
	    b.ev[1].ts == now + 5, "a card is a tap with the UID in upper-case hex");

	/* the card stays: folded; one empty poll is not a departure; two are */
#define POLL(resp, len) do { \
	now = pn532_driver.tick(&p, now + 5, &io); \
	pn532_driver.tick(&p, now, &io); \
	good &= wrote(&b, 0, list_cmd, sizeof list_cmd); \
	feed2(&p, &io, ack, sizeof ack, (resp), (len), now + 5); \
} while (0)
	good = 1;
	POLL(list_resp4, sizeof list_resp4);
	POLL(list_resp4, sizeof list_resp4);
	ok(good && b.events == 2 && st->folded == 2, "the same card on later polls is folded");
	POLL(list_none, sizeof list_none);
	POLL(list_resp4, sizeof list_resp4);
	ok(good && b.events == 2 && st->folded == 3, "one empty poll does not make a new tap");
	POLL(list_none, sizeof list_none);
	POLL(list_none, sizeof list_none);
	POLL(list_resp4, sizeof list_resp4);
	ok(good && b.events == 3 && strcmp(b.ev[2].id, "9EB36E66") == 0,
	    "after two empty polls the same card is a new tap");
	n = pn532_encode_target(other, 4, frame, sizeof frame);
	POLL(frame, n);
	ok(good && b.events == 4 && strcmp(b.ev[3].id, "DEADBEEF") == 0,
	    "another card at once is a new tap");
	POLL(list_resp7, sizeof list_resp7);
	ok(good && b.events == 5 && strcmp(b.ev[4].id, "047BCB51962280") == 0, "7-byte UID");
	n = pn532_encode_target(uid10, 10, frame, sizeof frame);
	POLL(frame, n);
	ok(good && b.events == 6 && strcmp(b.ev[5].id, "010203040506070809A0") == 0, "10-byte UID");

	/* an answer whose NFCIDLength is 5, or longer than the frame: bad frame, no tap */
	{
		uint8_t d[16] = { 0x4B, 1, 1, 0x00, 0x04, 0x08, 5, 1, 2, 3, 4, 5 };
		uint64_t bad = st->bad_frame;

		n = pn532_encode_frame(0xD5, d, 12, frame, sizeof frame);
		POLL(frame, n);
		d[6] = 10;
		n = pn532_encode_frame(0xD5, d, 12, frame, sizeof frame);
		POLL(frame, n);
		ok(good && b.events == 6 && st->bad_frame == bad + 2,
		    "a UID length that is not 4, 7 or 10, or overruns the frame, is refused");
	}

	/* NACK: the same frame again */
	now = pn532_driver.tick(&p, now + 5, &io);
	pn532_driver.tick(&p, now, &io);
	b.n = 0;
	pn532_driver.feed(&p, nack, sizeof nack, now + 1, &io);
	ok(wrote(&b, 0, list_cmd, sizeof list_cmd), "a NACK from the chip: the command again");
	/* a bad data checksum in the answer: the driver NACKs for it */
	pn532_driver.feed(&p, ack, sizeof ack, now + 2, &io);
	memcpy(frame, list_resp4, sizeof list_resp4);
	frame[14] ^= 0x40;
	pn532_driver.feed(&p, frame, sizeof list_resp4, now + 3, &io);
	ok(wrote(&b, 0, nack, sizeof nack), "a garbled answer: the driver sends NACK");
	pn532_driver.feed(&p, list_resp4, sizeof list_resp4, now + 4, &io);
	ok(b.events == 7 && strcmp(b.ev[6].id, "9EB36E66") == 0, "the answer again is read");

	/* silence: ACK timeouts, a resend with the wake-up each time, then set-up again */
	now = pn532_driver.tick(&p, now + 5, &io);
	pn532_driver.tick(&p, now, &io);
	ok(wrote(&b, 0, list_cmd, sizeof list_cmd), "a poll");
	next = pn532_driver.tick(&p, now + 1, &io);
	ok(next == now + PN532_ACK_MS && st->timeouts == 0, "nothing yet: wait for the ACK");
	now = next;
	next = pn532_driver.tick(&p, now, &io);
	ok(wrote(&b, 1, list_cmd, sizeof list_cmd) && st->timeouts == 1 && next > now,
	    "no ACK in 50 ms: counted, woken and sent again");
	now = next;
	pn532_driver.tick(&p, now, &io);
	ok(wrote(&b, 1, list_cmd, sizeof list_cmd) && st->timeouts == 2, "and again");
	now += PN532_ACK_MS;
	pn532_driver.tick(&p, now, &io);
	ok(wrote(&b, 1, sam_cmd, sizeof sam_cmd) && st->timeouts == 3,
	    "the third timeout in a row: the set-up starts over with the wake-up");
	/* the set-up again, with a lost response this time */
	pn532_driver.feed(&p, ack, sizeof ack, now + 1, &io);
	next = pn532_driver.tick(&p, now + 1, &io);
	ok(next == now + 1 + PN532_RESPONSE_MS, "after the ACK, 300 ms for the response");
	now = next;
	pn532_driver.tick(&p, now, &io);
	ok(wrote(&b, 1, sam_cmd, sizeof sam_cmd) && st->timeouts == 4,
	    "no response: counted and sent again");
	/* the response without its ACK (the ACK lost) is still taken */
	pn532_driver.feed(&p, sam_resp, sizeof sam_resp, now + 1, &io);
	ok(wrote(&b, 0, rf_cmd, sizeof rf_cmd), "a response whose ACK was lost is taken");
	/* the chip does not know the command: the error frame */
	feed2(&p, &io, ack, sizeof ack, errf, sizeof errf, now + 2);
	ok(b.events == 8 && b.ev[7].kind == DEV_ERROR && b.ev[7].code == 0x7F,
	    "the error frame is DEV_ERROR");
	/* stray frames while idle are ignored; a late answer to another command too */
	b.n = 0;
	pn532_driver.feed(&p, gfv_resp, sizeof gfv_resp, now + 3, &io);
	pn532_driver.feed(&p, ack, sizeof ack, now + 3, &io);
	ok(b.n == 0 && b.events == 8, "frames nobody asked for are ignored");
	next = pn532_driver.tick(&p, now + 3, &io);
	pn532_driver.tick(&p, next, &io);
	ok(next > now + 3 && wrote(&b, 0, gfv_cmd, sizeof gfv_cmd),
	    "after an error in the set-up, the next step (GetFirmwareVersion) follows");
	now = next;
	pn532_driver.feed(&p, sam_resp, sizeof sam_resp, now + 1, &io);
	next = pn532_driver.tick(&p, now + 1, &io);
	ok(b.n == 0 && b.events == 8 && next == now + PN532_ACK_MS,
	    "a late answer to another command is not taken for this one");

	/* ticks are always strictly after now */
	good = 1;
	for (i = 0; i < 200; i++) {
		next = pn532_driver.tick(&p, now, &io);
		good &= next > now;
		now = next;
	}
	ok(good, "tick always returns a time after now");
	{
		struct dev_request rq;

		memset(&rq, 0, sizeof rq);
		rq.kind = DEV_RQ_CANCEL;
		ok(pn532_driver.request(&p, &rq, now, &io) == -1, "a reader takes no requests");
	}
	ok(strcmp(pn532_driver.name, "pn532") == 0 && pn532_driver.baud == 115200 &&
	    pn532_driver.state_size == sizeof(struct pn532), "driver name, baud, state size");
#undef POLL
}

/* The simulated chip alone: what it sends for given host bytes. */
struct sent {
	int n;
	uint8_t f[16][64];
	size_t len[16];
};

static void
sim_capture(void *arg, const uint8_t *frame, size_t n)
{
	struct sent *s = arg;

	if (s->n < 16 && n <= 64) {
		memcpy(s->f[s->n], frame, n);
		s->len[s->n] = n;
	}
	s->n++;
}

static int
sent_is(const struct sent *s, int i, const uint8_t *frame, size_t n)
{
	return i < s->n && i < 16 && s->len[i] == n && memcmp(s->f[i], frame, n) == 0;
}

static void
test_sim_alone(void)
{
	static uint8_t st[4096];
	struct sent s;
	struct sim_io io = { sim_capture, &s };
	uint8_t frame[64];
	static const uint8_t tginit[] = { 0x8C, 0x00 };	/* TgInitAsTarget: not simulated */
	char err[256];
	char a0[] = "hold", a1[] = "9EB36E66";
	char *argv[] = { a0, a1 };
	size_t n;

	ok(sim_pn532.state_size <= sizeof st, "state fits");
	sim_pn532.init(st);
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, gfv_cmd, sizeof gfv_cmd, 0, &io);
	ok(s.n == 0, "asleep, the chip does not answer a frame without the wake-up");
	sim_pn532.from_host(st, pn532_wakeup, PN532_WAKEUP_LEN, 1, &io);
	sim_pn532.from_host(st, gfv_cmd, sizeof gfv_cmd, 2, &io);
	ok(s.n == 2 && sent_is(&s, 0, ack, sizeof ack) && sent_is(&s, 1, gfv_resp, sizeof gfv_resp),
	    "woken, it ACKs GetFirmwareVersion and answers 32 01 06 07, one send each");
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, sam_short, sizeof sam_short, 3, &io);
	sim_pn532.from_host(st, sam_cmd, sizeof sam_cmd, 3, &io);
	sim_pn532.from_host(st, rf_cmd, sizeof rf_cmd, 3, &io);
	ok(s.n == 6 && sent_is(&s, 1, sam_resp, sizeof sam_resp) &&
	    sent_is(&s, 3, sam_resp, sizeof sam_resp) && sent_is(&s, 5, rf_resp, sizeof rf_resp),
	    "SAMConfiguration (both forms) and RFConfiguration are answered");
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, list_cmd, sizeof list_cmd, 4, &io);
	ok(s.n == 2 && sent_is(&s, 1, list_none, sizeof list_none), "no card: NbTg = 0");
	ok(sim_pn532.command(st, 2, argv, 5, &io, err, sizeof err) == 0, "hold 9EB36E66");
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, list_cmd, sizeof list_cmd, 6, &io);
	ok(s.n == 2 && sent_is(&s, 1, list_resp4, sizeof list_resp4),
	    "the card held: the 4-byte UID answer, byte for byte");
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, nack, sizeof nack, 7, &io);
	ok(s.n == 1 && sent_is(&s, 0, list_resp4, sizeof list_resp4),
	    "a NACK from the host: the last answer again");
	memcpy(frame, list_cmd, sizeof list_cmd);
	frame[7] ^= 0x01;
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, frame, sizeof list_cmd, 8, &io);
	ok(s.n == 0, "a bad data checksum from the host: ignored, no ACK (UM0701-02 6.2.3)");
	memcpy(frame, list_cmd, sizeof list_cmd);
	frame[4] ^= 0x01;
	sim_pn532.from_host(st, frame, sizeof list_cmd, 8, &io);
	ok(s.n == 0, "a bad length checksum: ignored too");
	n = pn532_encode_frame(0xD4, tginit, sizeof tginit, frame, sizeof frame);
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, frame, n, 9, &io);
	ok(s.n == 2 && sent_is(&s, 0, ack, sizeof ack) && sent_is(&s, 1, errf, sizeof errf),
	    "a command it does not simulate (TgInitAsTarget): ACK, then the error frame");
	memset(&s, 0, sizeof s);
	sim_pn532.from_host(st, gfv_resp, sizeof gfv_resp, 10, &io);
	ok(s.n == 0, "a frame with the chip's own TFI is ignored");
	{
		static const uint8_t brty3[] = { 0x4A, 0x01, 0x03 }, maxtg3[] = { 0x4A, 0x03, 0x00 };

		memset(&s, 0, sizeof s);
		n = pn532_encode_frame(0xD4, brty3, 3, frame, sizeof frame);
		sim_pn532.from_host(st, frame, n, 11, &io);
		n = pn532_encode_frame(0xD4, maxtg3, 3, frame, sizeof frame);
		sim_pn532.from_host(st, frame, n, 11, &io);
		ok(s.n == 4 && sent_is(&s, 1, list_none, sizeof list_none) &&
		    sent_is(&s, 3, errf, sizeof errf),
		    "type B finds no type A card; MaxTg 3 is the error frame");
	}
}

/* The simulated chip's command set: one command in, its ACK and its answer body compared. */
static uint8_t cmd_st[4096];
static struct sent cmd_sent;

static void
say(int64_t now, const uint8_t *d, size_t n)
{
	struct sim_io io = { sim_capture, &cmd_sent };
	uint8_t frame[300];
	size_t k = pn532_encode_frame(0xD4, d, n, frame, sizeof frame);

	memset(&cmd_sent, 0, sizeof cmd_sent);
	sim_pn532.from_host(cmd_st, frame, k, now, &io);
}

/* The i-th frame sent is D5 and body. */
static int
sent_body(int i, const uint8_t *body, size_t n)
{
	uint8_t frame[300];
	size_t k = pn532_encode_frame(0xD5, body, n, frame, sizeof frame);

	return sent_is(&cmd_sent, i, frame, k);
}

/* ACK, then D5 and body: the whole answer to one command. */
static int
acked(const uint8_t *body, size_t n)
{
	return cmd_sent.n == 2 && sent_is(&cmd_sent, 0, ack, sizeof ack) && sent_body(1, body, n);
}

static int
refused(void)
{
	return cmd_sent.n == 2 && sent_is(&cmd_sent, 0, ack, sizeof ack) &&
	    sent_is(&cmd_sent, 1, errf, sizeof errf);
}

static void
sim_say(int64_t now, const char *verb, const char *uid)
{
	struct sim_io io = { sim_capture, &cmd_sent };
	char a0[16], a1[32], err[256];
	char *argv[] = { a0, a1 };

	snprintf(a0, sizeof a0, "%s", verb);
	snprintf(a1, sizeof a1, "%s", uid ? uid : "");
	memset(&cmd_sent, 0, sizeof cmd_sent);
	if (sim_pn532.command(cmd_st, uid ? 2 : 1, argv, now, &io, err, sizeof err) != 0)
		printf("# sim command %s: %s\n", verb, err);
	sim_pn532.tick(cmd_st, now, &io);	/* as custody-sim does after every command */
}

static void
test_sim_commands(void)
{
	/* Diagnose 00 with libnfc's test data, the frame by hand: LEN 09 + LCS F7 = 0x100;
	 * D5+01+00+6C+69+62+6E+66+63 = 0x344, + DCS BC = 0x400. */
	static const uint8_t diag_cmd[] = { 0x00, 0x00, 'l', 'i', 'b', 'n', 'f', 'c' };
	static const uint8_t diag_resp[] = { 0x00, 0x00, 0xFF, 0x09, 0xF7, 0xD5, 0x01, 0x00, 0x6C,
		0x69, 0x62, 0x6E, 0x66, 0x63, 0xBC, 0x00 };
	static const uint8_t sam[] = { 0x14, 0x01 }, sam_ok[] = { 0x15 };
	static const uint8_t list[] = { 0x4A, 0x01, 0x00 };
	static const uint8_t rf_ok[] = { 0x33 };
	struct sim_io io = { sim_capture, &cmd_sent };
	int64_t t = 0;

	sim_pn532.init(cmd_st);
	sim_pn532.from_host(cmd_st, pn532_wakeup, PN532_WAKEUP_LEN, t, &io);
	say(t, diag_cmd, sizeof diag_cmd);
	ok(cmd_sent.n == 2 && sent_is(&cmd_sent, 1, diag_resp, sizeof diag_resp),
	    "Diagnose 00 (communication line test) echoes NumTst and the data, as libnfc checks");
	{
		static const uint8_t rom[] = { 0x00, 0x01 }, ram[] = { 0x00, 0x02 };
		static const uint8_t antenna[] = { 0x00, 0x07, 0x00 }, polling[] = { 0x00, 0x04 };
		static const uint8_t good[] = { 0x01, 0x00 };
		int all = 1;

		say(t, rom, 2);
		all &= acked(good, 2);
		say(t, ram, 2);
		all &= acked(good, 2);
		say(t, antenna, 3);
		all &= acked(good, 2);
		ok(all, "Diagnose ROM, RAM and antenna tests pass");
		say(t, polling, 2);
		ok(refused(), "Diagnose 04 (not simulated): the error frame");
	}
	say(t, sam, sizeof sam);
	ok(acked(sam_ok, 1), "SAMConfiguration normal mode, without the timeout byte");

	/* MaxRetries: at power-on MxRtyPassiveActivation is FF and the chip waits for a card */
	say(++t, list, sizeof list);
	ok(cmd_sent.n == 1 && sent_is(&cmd_sent, 0, ack, sizeof ack),
	    "retries FF, no card: InListPassiveTarget is ACKed and not answered");
	sim_pn532.tick(cmd_st, t + 5000, &io);
	ok(cmd_sent.n == 1, "five seconds later still no answer");
	sim_say(t + 5000, "tap", "9EB36E66");
	ok(cmd_sent.n == 1 && sent_is(&cmd_sent, 0, list_resp4, sizeof list_resp4),
	    "the card comes: the waiting command answers with it");
	sim_say(t + 6000, "lift", NULL);
	say(t + 6000, list, sizeof list);
	memset(&cmd_sent, 0, sizeof cmd_sent);
	sim_pn532.from_host(cmd_st, ack, sizeof ack, t + 6001, &io);
	sim_say(t + 6002, "hold", "9EB36E66");
	ok(cmd_sent.n == 0, "an ACK from the host aborts the waiting command (6.2.1.3)");
	sim_say(t + 6003, "lift", NULL);
	{
		static const uint8_t rty2[] = { 0x32, 0x05, 0xFF, 0x01, 0x02 };

		say(t + 6004, rty2, sizeof rty2);
		ok(acked(rf_ok, 1), "RFConfiguration 05 MaxRetries FF 01 02");
		say(t + 6005, list, sizeof list);
		ok(cmd_sent.n == 2 && sent_is(&cmd_sent, 1, list_none, sizeof list_none),
		    "with a count, no card: NbTg 0 at once");
	}

	/* the other RFConfiguration items, each of its own length */
	{
		static const uint8_t field[] = { 0x32, 0x01, 0x00 };
		static const uint8_t timing[] = { 0x32, 0x02, 0x00, 0x0B, 0x0A };
		static const uint8_t com[] = { 0x32, 0x04, 0x00 };
		static const uint8_t a106[] = { 0x32, 0x0A, 0x59, 0xF4, 0x3F, 0x11, 0x4D, 0x85, 0x61,
			0x6F, 0x26, 0x62, 0x87 };
		static const uint8_t a212[] = { 0x32, 0x0B, 0x69, 0xFF, 0x3F, 0x11, 0x41, 0x85, 0x61,
			0x6F };
		static const uint8_t typeb[] = { 0x32, 0x0C, 0xFF, 0x04, 0x85 };
		static const uint8_t iso4[] = { 0x32, 0x0D, 0x85, 0x15, 0x8A, 0x85, 0x08, 0xB2, 0x85,
			0x01, 0xDA };
		static const uint8_t shortf[] = { 0x32, 0x02, 0x00, 0x0B }, item3[] = { 0x32, 0x03, 0x00 };
		static const struct {
			const uint8_t *d;
			size_t n;
		} items[] = {
			{ field, sizeof field }, { timing, sizeof timing }, { com, sizeof com },
			{ a106, sizeof a106 }, { a212, sizeof a212 }, { typeb, sizeof typeb },
			{ iso4, sizeof iso4 },
		};
		size_t i;
		int all = 1;

		for (i = 0; i < sizeof items / sizeof *items; i++) {
			say(t, items[i].d, items[i].n);
			all &= acked(rf_ok, 1);
		}
		ok(all, "RFConfiguration items 01, 02, 04, 0A, 0B, 0C and 0D are answered");
		say(t, shortf, sizeof shortf);
		all = refused();
		say(t, item3, sizeof item3);
		ok(all && refused(), "an item of the wrong length, or no such item: the error frame");
	}

	/* SetParameters, ReadRegister, WriteRegister, GetGeneralStatus */
	{
		static const uint8_t setp[] = { 0x12, 0x14 }, setp_ok[] = { 0x13 };
		static const uint8_t wr[] = { 0x08, 0x63, 0x02, 0x80, 0x63, 0x03, 0x80, 0x12, 0x34, 0x5A };
		static const uint8_t wr_ok[] = { 0x09 };
		static const uint8_t rd[] = { 0x06, 0x63, 0x02, 0x63, 0x03, 0x63, 0x04, 0x63, 0x05,
			0x12, 0x34, 0x12, 0x35 };
		static const uint8_t rd_ok[] = { 0x07, 0x80, 0x80, 0x80, 0x00, 0x5A, 0x00 };
		static const uint8_t rd_odd[] = { 0x06, 0x63 }, gs[] = { 0x04 };
		static const uint8_t gs_ok[] = { 0x05, 0x00, 0x00, 0x00, 0x00 };

		say(t, setp, sizeof setp);
		ok(acked(setp_ok, 1), "SetParameters 14 (auto ATR_RES, auto RATS)");
		say(t, wr, sizeof wr);
		ok(acked(wr_ok, 1), "WriteRegister of three registers");
		say(t, rd, sizeof rd);
		ok(acked(rd_ok, sizeof rd_ok),
		    "ReadRegister gives the written values, TxControl's power-on 80, 00 elsewhere");
		say(t, rd_odd, sizeof rd_odd);
		ok(refused(), "ReadRegister with half an address: the error frame");
		say(t, gs, sizeof gs);
		ok(acked(gs_ok, sizeof gs_ok), "GetGeneralStatus: no error, field off, no target");
	}

	/* a MIFARE Ultralight (7-byte UID): READ 30 through InDataExchange, as nfc-poll pings */
	{
		static const uint8_t read0[] = { 0x40, 0x01, 0x30, 0x00 };
		static const uint8_t pages[] = { 0x41, 0x00, 0x04, 0x7B, 0xCB, 0x3C, 0x51, 0x96, 0x22,
			0x80, 0x65, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
		static const uint8_t read_tg2[] = { 0x40, 0x02, 0x30, 0x00 };
		static const uint8_t ctx[] = { 0x41, 0x27 }, gone[] = { 0x41, 0x01 };
		static const uint8_t diag6[] = { 0x00, 0x06 };
		static const uint8_t present[] = { 0x01, 0x00 }, absent[] = { 0x01, 0x01 };

		say(t, read0, sizeof read0);
		ok(acked(ctx, 2), "InDataExchange before any target: status 27");
		sim_say(t, "hold", "047BCB51962280");
		say(t, list, sizeof list);
		ok(cmd_sent.n == 2 && sent_is(&cmd_sent, 1, list_resp7, sizeof list_resp7),
		    "the Ultralight is listed, byte for byte");
		say(t, read0, sizeof read0);
		ok(acked(pages, sizeof pages),
		    "READ 0: pages 0-3, UID with BCC0 3C (88^04^7B^CB) and BCC1 65, internal 48");
		say(t, read_tg2, sizeof read_tg2);
		ok(acked(ctx, 2), "InDataExchange to target 2, which is not there: status 27");
		say(t, diag6, sizeof diag6);
		ok(acked(present, 2), "Diagnose 06: the card is present");
		sim_say(t, "lift", NULL);
		say(t, read0, sizeof read0);
		ok(acked(gone, 2), "the card lifted: status 01, timeout");
		say(t, diag6, sizeof diag6);
		ok(acked(absent, 2), "Diagnose 06: the card is gone");
	}

	/* a MIFARE Classic 1K (4-byte UID): authenticate with the transport key, read */
	{
		static const uint8_t auth[] = { 0x40, 0x01, 0x60, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
			0xFF, 0x9E, 0xB3, 0x6E, 0x66 };
		static const uint8_t badkey[] = { 0x40, 0x01, 0x60, 0x04, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4,
			0xA5, 0x9E, 0xB3, 0x6E, 0x66 };
		static const uint8_t rd7[] = { 0x40, 0x01, 0x30, 0x07 }, rd8[] = { 0x40, 0x01, 0x30, 0x08 };
		static const uint8_t trailer[] = { 0x41, 0x00, 0, 0, 0, 0, 0, 0, 0xFF, 0x07, 0x80, 0x69,
			0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };
		static const uint8_t okst[] = { 0x41, 0x00 }, autherr[] = { 0x41, 0x14 };
		static const uint8_t thru[] = { 0x42, 0x26 }, thru_none[] = { 0x43, 0x01 };

		sim_say(t, "hold", "9EB36E66");
		say(t, list, sizeof list);
		say(t, auth, sizeof auth);
		ok(acked(okst, 2), "MIFARE AUTH A on block 4 with FF FF FF FF FF FF: status 00");
		say(t, rd7, sizeof rd7);
		ok(acked(trailer, sizeof trailer), "READ 7: the sector trailer, access bits FF 07 80 69");
		say(t, rd8, sizeof rd8);
		ok(acked(autherr, 2), "READ 8, another sector: status 14");
		say(t, badkey, sizeof badkey);
		ok(acked(autherr, 2), "AUTH with another key: status 14");

		/* InDeselect, InRelease, InSelect */
		{
			static const uint8_t desel[] = { 0x44, 0x00 }, rel1[] = { 0x52, 0x01 };
			static const uint8_t sel1[] = { 0x54, 0x01 };
			static const uint8_t desel_ok[] = { 0x45, 0x00 }, rel_ok[] = { 0x53, 0x00 };
			static const uint8_t rel_ctx[] = { 0x53, 0x27 }, sel_ctx[] = { 0x55, 0x27 };

			say(t, desel, sizeof desel);
			ok(acked(desel_ok, 2), "InDeselect 0 (all): status 00");
			say(t, rel1, sizeof rel1);
			ok(acked(rel_ok, 2), "InRelease 1: status 00");
			say(t, rel1, sizeof rel1);
			ok(acked(rel_ctx, 2), "InRelease 1 again: no such target, status 27");
			say(t, sel1, sizeof sel1);
			ok(acked(sel_ctx, 2), "InSelect 1 after the release: status 27");
		}
		say(t, thru, sizeof thru);
		ok(acked(thru_none, 2), "InCommunicateThru with no target listed: status 01");
	}

	/* InAutoPoll: the card held answers at once; with none, after PollNr x types x Period */
	{
		static const uint8_t poll_forever[] = { 0x60, 0xFF, 0x02, 0x20, 0x10 };
		static const uint8_t found[] = { 0x61, 0x01, 0x10, 0x09, 0x01, 0x00, 0x04, 0x08, 0x04,
			0x9E, 0xB3, 0x6E, 0x66 };
		static const uint8_t poll2[] = { 0x60, 0x02, 0x01, 0x10, 0x11 };
		static const uint8_t none[] = { 0x61, 0x00 };
		static const uint8_t bad_period[] = { 0x60, 0x02, 0x10, 0x10 };

		say(t, poll_forever, sizeof poll_forever);
		ok(acked(found, sizeof found),
		    "InAutoPoll types 20 and 10, the Classic held: found as type 10 (MIFARE)");
		sim_say(t, "lift", NULL);
		t = 100000;
		say(t, poll2, sizeof poll2);
		ok(cmd_sent.n == 1, "InAutoPoll, no card: only the ACK");
		memset(&cmd_sent, 0, sizeof cmd_sent);
		sim_pn532.tick(cmd_st, t + 599, &io);
		ok(cmd_sent.n == 0, "599 ms: still polling (2 polls x 2 types x 150 ms = 600 ms)");
		ok(sim_pn532.tick(cmd_st, t + 599, &io) == t + 600, "the simulator wakes at 600 ms");
		sim_pn532.tick(cmd_st, t + 600, &io);
		ok(cmd_sent.n == 1 && sent_body(0, none, sizeof none), "600 ms: NbTg 0");
		say(t + 601, bad_period, sizeof bad_period);
		ok(refused(), "InAutoPoll with Period 10 (over 0F): the error frame");
	}

	/* PowerDown: answered, then asleep until the HSU wake-up if WakeUpEnable allows it */
	{
		static const uint8_t pd_hsu[] = { 0x16, 0xF0 }, pd_int0[] = { 0x16, 0x01 };
		static const uint8_t pd_ok[] = { 0x17, 0x00 }, fw[] = { 0x02 };

		say(t, pd_hsu, sizeof pd_hsu);
		ok(acked(pd_ok, 2), "PowerDown F0: ACK, status 00");
		say(t, fw, sizeof fw);
		ok(cmd_sent.n == 0, "powered down: a command without the wake-up is not heard");
		sim_pn532.from_host(cmd_st, pn532_wakeup, PN532_WAKEUP_LEN, t, &io);
		say(t, fw, sizeof fw);
		ok(cmd_sent.n == 2 && sent_is(&cmd_sent, 1, gfv_resp, sizeof gfv_resp),
		    "woken by 55 on the HSU, it answers again");
		say(t, pd_int0, sizeof pd_int0);
		sim_pn532.from_host(cmd_st, pn532_wakeup, PN532_WAKEUP_LEN, t, &io);
		say(t, fw, sizeof fw);
		ok(cmd_sent.n == 0, "PowerDown with only INT0 enabled: the HSU cannot wake it");
	}
}

/* A chip that ACKs and answers RFConfiguration but keeps MaxRetries at FF. */
static void
ignore_rf_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	static const uint8_t rf_head[] = { 0xD4, 0x32, 0x05 };
	size_t i;

	for (i = 0; i + sizeof rf_head <= n; i++)
		if (memcmp(bytes + i, rf_head, sizeof rf_head) == 0) {
			io->send(io->arg, pn532_ack, sizeof pn532_ack);
			io->send(io->arg, rf_resp, sizeof rf_resp);
			return;
		}
	sim_pn532.from_host(st, bytes, n, now, io);
}

static void
test_max_retries(void)
{
	struct sim_device deaf = sim_pn532;
	const struct dev_stats *st;
	struct pair p;
	char err[256];

	pair_open(&p, &pn532_driver, &sim_pn532, 0);
	st = p.drv->stats(p.drv_state);
	pair_run(&p, 5000);
	ok(p.n == 1 && st->timeouts == 0,
	    "the driver's MaxRetries is taken: five seconds of empty field, no timeout");
	pair_close(&p);

	deaf.from_host = ignore_rf_from_host;
	pair_open(&p, &pn532_driver, &deaf, 0);
	st = p.drv->stats(p.drv_state);
	pair_run(&p, 5000);
	ok(st->timeouts >= 5,
	    "a chip left at retries FF: the polls wait for a card and time out (what it prevents)");
	ok(pair_command(&p, "tap 9EB36E66", err, sizeof err) == 0, "tap on that chip");
	pair_run(&p, 6000);
	ok(p.n >= 2 && p.events[p.n - 1].kind == DEV_TAP, "even so the card is read: never stuck");
	pair_close(&p);
}

static void
test_pair(void)
{
	struct pair p;
	const struct dev_stats *st;
	char err[256];
	int i;

	pair_open(&p, &pn532_driver, &sim_pn532, 1000);
	st = p.drv->stats(p.drv_state);
	pair_run(&p, 1500);
	ok(p.n == 1 && p.events[0].kind == DEV_INFO && strcmp(p.events[0].text, "PN532 v1.6") == 0,
	    "against the simulator: woken, configured, DEV_INFO");
	ok(st->timeouts == 0 && st->bad_checksum == 0 && st->garbage == 0, "with no faults");
	ok(pair_command(&p, "tap 9EB36E66", err, sizeof err) == 0, "tap");
	pair_run(&p, 3000);
	ok(p.n == 2 && p.events[1].kind == DEV_TAP && strcmp(p.events[1].id, "9EB36E66") == 0,
	    "a tap of 300 ms is one tap event");
	ok(st->folded >= 1, "its second poll was folded");
	ok(pair_command(&p, "hold 047BCB51962280", err, sizeof err) == 0, "hold");
	pair_run(&p, 5000);
	ok(p.n == 3 && strcmp(p.events[2].id, "047BCB51962280") == 0 && st->folded >= 10,
	    "a held card is one tap, its polls folded");

	/* faults on the chip's frames while the card is held: no new tap, no lost state */
	for (i = 0; i < 12; i++) {
		p.fault = i % 2 ? PAIR_HALF : PAIR_CORRUPT;
		while (p.fault != PAIR_NONE)
			pair_run(&p, p.now + 1);
		pair_run(&p, p.now + 1 + i * 17);
	}
	pair_run(&p, 7000);
	ok(p.n == 3, "corrupted and halved frames make no extra tap");
	ok(st->bad_checksum + st->bad_frame >= 12, "the faults were counted");
	ok(pair_command(&p, "lift", err, sizeof err) == 0, "lift");
	pair_run(&p, 8000);
	ok(pair_command(&p, "tap 0102030405060708090A", err, sizeof err) == 0, "tap a 10-byte UID");
	p.fault = PAIR_CORRUPT;		/* the next frame: the ACK or answer of a poll */
	pair_run(&p, 9000);
	ok(p.n == 4 && strcmp(p.events[3].id, "0102030405060708090A") == 0,
	    "a tap read through a corrupted frame");
	ok(pair_command(&p, "hold 9EB36E66", err, sizeof err) == 0, "hold again");
	p.fault = PAIR_HALF;
	pair_run(&p, 10000);
	ok(p.n == 5 && strcmp(p.events[4].id, "9EB36E66") == 0,
	    "after lift and a pause the first card is a new tap, read through a half frame");

	/* the chip powers down: the driver times out, wakes it and goes on */
	{
		uint64_t before = st->timeouts;

		ok(pair_command(&p, "sleep", err, sizeof err) == 0, "sleep");
		pair_run(&p, 11000);
		ok(st->timeouts > before, "the sleeping chip's silence is counted as timeouts");
		ok(pair_command(&p, "lift", err, sizeof err) == 0, "lift while asleep");
		pair_run(&p, 12000);
		ok(pair_command(&p, "tap DEADBEEF", err, sizeof err) == 0, "tap after sleep");
		pair_run(&p, 13000);
		ok(p.n == 6 && strcmp(p.events[5].id, "DEADBEEF") == 0,
		    "woken again, the reader reads the next tap");
	}

	/* the driver reopened mid-way (start again): set-up again, card state kept */
	p.drv->start(p.drv_state, p.now, &p.io);
	p.drv_next = p.drv->tick(p.drv_state, p.now, &p.io);
	pair_run(&p, 14000);
	ok(p.n == 7 && p.events[6].kind == DEV_INFO, "a reopened line: DEV_INFO again");

	/* script refusals */
	err[0] = 0;
	ok(pair_command(&p, "tap 123", err, sizeof err) == -1 && strstr(err, "8, 14 or 20") != NULL,
	    "a short UID is refused with a reason");
	ok(pair_command(&p, "tap 0102030405", err, sizeof err) == -1, "a 5-byte UID is refused");
	ok(pair_command(&p, "hold 9EB36E6G", err, sizeof err) == -1, "a non-hex UID is refused");
	ok(pair_command(&p, "tap", err, sizeof err) == -1, "tap without a UID is refused");
	ok(pair_command(&p, "tap 9EB36E66 9EB36E66", err, sizeof err) == -1, "two UIDs refused");
	ok(pair_command(&p, "lift now", err, sizeof err) == -1 && strstr(err, "lift") != NULL,
	    "lift with words after it is refused");
	ok(pair_command(&p, "wave", err, sizeof err) == -1 && strstr(err, "wave") != NULL,
	    "an unknown verb is refused, named");
	ok(strstr(sim_pn532.usage, "tap UID") && strstr(sim_pn532.usage, "hold UID") &&
	    strstr(sim_pn532.usage, "lift") && strstr(sim_pn532.usage, "sleep"),
	    "the usage lists every verb");
	ok(strcmp(sim_pn532.name, "pn532") == 0 && sim_pn532.baud == 115200, "sim name and baud");
	pair_run(&p, 16000);
	ok(p.n == 7, "refused commands put no card in the field");
	pair_close(&p);
}

/* The simulated chip with a fault on its k-th frame from now: the ACK, the answer, a resend. */
static struct pair *g_pair;
static int g_frame, g_hit;
static enum pair_fault g_kind;

static void
wrap_send(void *arg, const uint8_t *frame, size_t n)
{
	if (++g_frame == g_hit)
		g_pair->fault = g_kind;
	pair_dev_send(arg, frame, n);
}

static void
wrap_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_io w = { wrap_send, io->arg };

	sim_pn532.from_host(st, bytes, n, now, &w);
}

static void
test_each_frame_faulted(void)
{
	struct sim_device dev = sim_pn532;
	const struct dev_stats *st;
	struct pair p;
	char err[256];
	int k, kind, good_taps = 1, counted = 1, quick = 1;

	dev.from_host = wrap_from_host;
	for (kind = 0; kind < 2; kind++)
		for (k = 1; k <= 6; k++) {
			uint64_t bad, to;

			pair_open(&p, &pn532_driver, &dev, 0);
			g_pair = &p;
			st = p.drv->stats(p.drv_state);
			pair_run(&p, 500);
			pair_command(&p, "hold 9EB36E66", err, sizeof err);
			pair_run(&p, 1000);
			bad = st->bad_checksum + st->bad_frame;
			to = st->timeouts;
			g_kind = kind ? PAIR_HALF : PAIR_CORRUPT;
			g_hit = g_frame + k;
			pair_run(&p, 2000);
			good_taps &= p.n == 2 && p.events[1].kind == DEV_TAP;
			counted &= st->bad_checksum + st->bad_frame > bad;
			quick &= st->timeouts == to;
			pair_command(&p, "lift", err, sizeof err);
			pair_run(&p, 3000);
			pair_command(&p, "tap DEADBEEF", err, sizeof err);
			pair_run(&p, 4000);
			good_taps &= p.n == 3 && strcmp(p.events[2].id, "DEADBEEF") == 0;
			pair_close(&p);
		}
	ok(good_taps, "a fault on any of the next six frames: no extra or lost tap");
	ok(counted, "each fault was counted as a bad checksum or bad frame");
	ok(quick, "no fault costs a timeout: a NACK asks for the answer again");
}

int
main(void)
{
	test_golden();
	test_extended();
	test_splits();
	test_faults();
	test_driver();
	test_sim_alone();
	test_sim_commands();
	test_max_retries();
	test_pair();
	test_each_frame_faulted();
	return t_done();
}

/*
 * The M100 / QM100 UHF module: the manual's frames both ways, any split, garbage, bad
 * checksums, half frames, lying length fields, and the driver against the simulated module.
 */
#include <stdio.h>
#include <string.h>

#include "devpair.h"
#include "t.h"
#include "uhf.h"

extern const struct sim_device sim_uhf;

/*
 * Golden frames from MagicRF, "M100 & QM100 Firmware Application Programming Guide" (the
 * serial command manual, as published by M5Stack for the Unit UHF-RFID, English edition
 * "Unit-RFID-UHF-Protocol"), chapter 2 "Common command definitions".
 */
/* 2.1.1 get module information, hardware version: 00+03+00+01+00 = 04 */
static const uint8_t g_info_cmd[] = { 0xbb, 0x00, 0x03, 0x00, 0x01, 0x00, 0x04, 0x7e };
/* 2.1.2 its answer "M100 V1.00": 01+03+00+0B+00+4D+31+30+30+20+56+31+2E+30+30 = 0x222 -> 22 */
static const uint8_t g_info_rsp[] = { 0xbb, 0x01, 0x03, 0x00, 0x0b, 0x00, 'M', '1', '0', '0',
    ' ', 'V', '1', '.', '0', '0', 0x22, 0x7e };
/* 2.2.1 single polling: 00+22+00+00 = 22 */
static const uint8_t g_poll[] = { 0xbb, 0x00, 0x22, 0x00, 0x00, 0x22, 0x7e };
/*
 * 2.2.2 the notice of one tag: RSSI C9 (-55 dBm), PC 3400 (bits 15..11 = 6: six words of
 * EPC, 12 bytes, so PL = 1 + 2 + 12 + 2 = 0x11), EPC 30751FEB705C5904E3D50D70, CRC 3A76.
 * Checksum: 02+22+00+11 = 35; +C9 = FE; +34+00 = 132; EPC bytes 30+75+1F+EB+70+5C+59+04+
 * E3+D5+0D+70 = 0x4B0 -> 5E2; +3A+76 = 0x6EF -> EF.  The CRC is the tag's CRC-16 over PC
 * and EPC (EPC Gen2 / ISO 13239), which uhf_tag_crc computes: 3A76.
 */
static const uint8_t g_notice[] = { 0xbb, 0x02, 0x22, 0x00, 0x11, 0xc9, 0x34, 0x00, 0x30, 0x75,
    0x1f, 0xeb, 0x70, 0x5c, 0x59, 0x04, 0xe3, 0xd5, 0x0d, 0x70, 0x3a, 0x76, 0xef, 0x7e };
static const uint8_t g_epc[] = { 0x30, 0x75, 0x1f, 0xeb, 0x70, 0x5c, 0x59, 0x04, 0xe3, 0xd5,
    0x0d, 0x70 };
/* 2.2.3 and 2.3.3 no tag answered (error 15, inventory fail): 01+FF+00+01+15 = 0x116 -> 16 */
static const uint8_t g_notag[] = { 0xbb, 0x01, 0xff, 0x00, 0x01, 0x15, 0x16, 0x7e };
/* 2.3.1 multiple polling 10000 times: 00+27+00+03+22+27+10 = 0x83 */
static const uint8_t g_multi[] = { 0xbb, 0x00, 0x27, 0x00, 0x03, 0x22, 0x27, 0x10, 0x83, 0x7e };
/* 2.4.1 stop multiple polling, 2.4.2 its answer (parameter 00): 01+28+00+01+00 = 2A */
static const uint8_t err17_frame[] = { 0xbb, 0x01, 0xff, 0x00, 0x01, 0x17, 0x18, 0x7e };
static const uint8_t g_stop[] = { 0xbb, 0x00, 0x28, 0x00, 0x00, 0x28, 0x7e };
static const uint8_t g_stop_rsp[] = { 0xbb, 0x01, 0x28, 0x00, 0x01, 0x00, 0x2a, 0x7e };
/* Not in the manual: multiple polling with the largest count, 00+27+00+03+22+FF+FF = 24A */
static const uint8_t g_multi_max[] = { 0xbb, 0x00, 0x27, 0x00, 0x03, 0x22, 0xff, 0xff, 0x4a,
    0x7e };

#define GOLDEN_ID "30751FEB705C5904E3D50D70"

/* A driver fed by hand: what it writes and emits is recorded. */
struct rig {
	struct uhf u;
	struct dev_io io;
	uint8_t out[1024];
	size_t outlen;
	int n;
	struct dev_event ev[64];
};

static void
rig_write(void *arg, const uint8_t *bytes, size_t n)
{
	struct rig *r = arg;

	if (r->outlen + n <= sizeof r->out) {
		memcpy(r->out + r->outlen, bytes, n);
		r->outlen += n;
	}
}

static void
rig_emit(void *arg, const struct dev_event *ev)
{
	struct rig *r = arg;

	if (r->n < 64)
		r->ev[r->n] = *ev;
	r->n++;
}

static void
rig_open(struct rig *r, int64_t now)
{
	memset(r, 0, sizeof *r);
	r->io.write = rig_write;
	r->io.emit = rig_emit;
	r->io.arg = r;
	uhf_driver.start(&r->u, now, &r->io);
}

static void
rig_feed(struct rig *r, const uint8_t *b, size_t n, int64_t now)
{
	uhf_driver.feed(&r->u, b, n, now, &r->io);
}

static const struct dev_stats *
rig_stats(const struct rig *r)
{
	return uhf_driver.stats(&r->u);
}

static int
is_golden_tag(const struct dev_event *ev)
{
	return ev->kind == DEV_TAG && strcmp(ev->id, GOLDEN_ID) == 0 && ev->tag.rssi == -55 &&
	    ev->tag.pc == 0x3400 && ev->tag.crc == 0x3a76;
}

static void
test_encoders(void)
{
	uint8_t out[UHF_FRAME_MAX];
	static const uint8_t hw = 0x00, ok0 = 0x00;
	size_t n;

	n = uhf_encode_frame(UHF_TYPE_COMMAND, UHF_CMD_INFO, &hw, 1, out, sizeof out);
	ok(n == sizeof g_info_cmd && memcmp(out, g_info_cmd, n) == 0, "encode: info request");
	n = uhf_encode_frame(UHF_TYPE_RESPONSE, UHF_CMD_INFO, (const uint8_t *)"\0M100 V1.00", 11,
	    out, sizeof out);
	ok(n == sizeof g_info_rsp && memcmp(out, g_info_rsp, n) == 0, "encode: info answer");
	n = uhf_encode_frame(UHF_TYPE_COMMAND, UHF_CMD_POLL, NULL, 0, out, sizeof out);
	ok(n == sizeof g_poll && memcmp(out, g_poll, n) == 0, "encode: single polling");
	n = uhf_encode_multi(10000, out, sizeof out);
	ok(n == sizeof g_multi && memcmp(out, g_multi, n) == 0, "encode: multiple polling 10000");
	n = uhf_encode_multi(UHF_POLL_COUNT, out, sizeof out);
	ok(n == sizeof g_multi_max && memcmp(out, g_multi_max, n) == 0, "encode: polling FFFF");
	n = uhf_encode_frame(UHF_TYPE_COMMAND, UHF_CMD_STOP, NULL, 0, out, sizeof out);
	ok(n == sizeof g_stop && memcmp(out, g_stop, n) == 0, "encode: stop");
	n = uhf_encode_frame(UHF_TYPE_RESPONSE, UHF_CMD_STOP, &ok0, 1, out, sizeof out);
	ok(n == sizeof g_stop_rsp && memcmp(out, g_stop_rsp, n) == 0, "encode: stop answer");
	n = uhf_encode_error(UHF_ERR_INVENTORY, out, sizeof out);
	ok(n == sizeof g_notag && memcmp(out, g_notag, n) == 0, "encode: no tag error");
	n = uhf_encode_notice(-55, 0x3400, g_epc, sizeof g_epc, 0x3a76, out, sizeof out);
	ok(n == sizeof g_notice && memcmp(out, g_notice, n) == 0, "encode: the manual's notice");
	ok((uhf_pc(12) | UHF_PC_UMI) == 0x3400 && uhf_tag_crc(0x3400, g_epc, 12) == 0x3a76,
	    "PC (6 words, user memory) and tag CRC-16 of the manual's tag");
	n = uhf_encode_tag(-55, g_epc, sizeof g_epc, out, sizeof out);
	ok(n == sizeof g_notice && out[6] == 0x30 && out[7] == 0x00 &&
	    (out[20] << 8 | out[21]) == uhf_tag_crc(0x3000, g_epc, 12),
	    "encode_tag makes PC and CRC");
	ok(uhf_encode_notice(-55, 0, g_epc, UHF_EPC_MAX + 1, 0, out, sizeof out) == 0,
	    "encode: an EPC too long is refused");
	ok(uhf_encode_frame(0, 0, NULL, 0, out, 6) == 0, "encode: a buffer too small is refused");
	ok(uhf_encode_tag(-55, g_epc, 3, out, sizeof out) == 0, "encode: odd EPC refused");
}

static void
test_golden_in(void)
{
	struct rig r;

	rig_open(&r, 0);
	ok(r.outlen == sizeof g_info_cmd && memcmp(r.out, g_info_cmd, r.outlen) == 0,
	    "start asks for the hardware version");
	rig_feed(&r, g_info_rsp, sizeof g_info_rsp, 10);
	ok(r.n == 1 && r.ev[0].kind == DEV_INFO && strcmp(r.ev[0].text, "M100 V1.00") == 0 &&
	    r.ev[0].code == 0 && r.ev[0].ts == 10, "the manual's info answer is DEV_INFO");
	rig_feed(&r, g_notice, sizeof g_notice, 20);
	ok(r.n == 2 && is_golden_tag(&r.ev[1]) && r.ev[1].ts == 20,
	    "the manual's notice is a tag: EPC, -55 dBm, PC, CRC");
	rig_feed(&r, g_notice, sizeof g_notice, 21);
	ok(r.n == 3 && is_golden_tag(&r.ev[2]), "a repeat is not folded");
	rig_feed(&r, g_notag, sizeof g_notag, 30);
	rig_feed(&r, g_stop_rsp, sizeof g_stop_rsp, 31);
	ok(r.n == 3 && rig_stats(&r)->frames == 5, "no tag and stop answers are quiet");
	ok(rig_stats(&r)->garbage + rig_stats(&r)->bad_frame + rig_stats(&r)->bad_checksum == 0,
	    "nothing dropped");
}

/* Every split of a stream of four frames into three pieces gives the same four events. */
static void
test_splits(void)
{
	uint8_t s[128];
	size_t n = 0, i, j;
	int bad = 0;
	struct rig r;

	memcpy(s + n, g_notice, sizeof g_notice), n += sizeof g_notice;
	memcpy(s + n, g_info_rsp, sizeof g_info_rsp), n += sizeof g_info_rsp;
	memcpy(s + n, g_notag, sizeof g_notag), n += sizeof g_notag;
	memcpy(s + n, g_notice, sizeof g_notice), n += sizeof g_notice;
	for (i = 0; i <= n; i++)
		for (j = i; j <= n; j++) {
			rig_open(&r, 0);
			rig_feed(&r, s, i, 1);
			rig_feed(&r, s + i, j - i, 1);
			rig_feed(&r, s + j, n - j, 1);
			if (r.n != 3 || !is_golden_tag(&r.ev[0]) || r.ev[1].kind != DEV_INFO ||
			    !is_golden_tag(&r.ev[2]) || rig_stats(&r)->frames != 4)
				bad++;
		}
	ok(bad == 0, "every three-way split parses the same");
	rig_open(&r, 0);
	for (i = 0; i < n; i++)
		rig_feed(&r, s + i, 1, 1);
	ok(r.n == 3 && rig_stats(&r)->frames == 4, "byte by byte");
}

static void
test_garbage(void)
{
	static const uint8_t junk[] = { 0x00, 0x7e, 0xbb, 0x33, 0xbb, 0xbb, 0x05, 0x12 };
	uint8_t s[64], f[UHF_NOTICE_MAX];
	struct rig r;
	size_t n;

	rig_open(&r, 0);
	memcpy(s, junk, sizeof junk);
	memcpy(s + sizeof junk, g_notice, sizeof g_notice);
	rig_feed(&r, s, sizeof junk + sizeof g_notice, 1);
	ok(r.n == 1 && is_golden_tag(&r.ev[0]), "garbage with stray headers, then a frame");
	ok(rig_stats(&r)->garbage == sizeof junk, "every garbage byte counted");

	/* 0xBB and 0x7E inside an EPC are data, not frame marks */
	rig_open(&r, 0);
	memcpy(s, g_epc, sizeof g_epc);
	s[0] = 0xbb, s[1] = 0x01, s[2] = 0x7e, s[3] = 0xbb;
	n = uhf_encode_tag(-70, s, 12, f, sizeof f);
	rig_feed(&r, f, n, 1);
	ok(r.n == 1 && strncmp(r.ev[0].id, "BB017EBB", 8) == 0 && r.ev[0].tag.rssi == -70,
	    "header and end bytes inside an EPC");
}

static void
test_bad_checksum(void)
{
	uint8_t s[64];
	struct rig r;

	rig_open(&r, 0);
	memcpy(s, g_notice, sizeof g_notice);
	s[22] ^= 0x40;
	memcpy(s + sizeof g_notice, g_notice, sizeof g_notice);
	rig_feed(&r, s, 2 * sizeof g_notice, 1);
	ok(r.n == 1 && is_golden_tag(&r.ev[0]), "a bad checksum drops that frame only");
	ok(rig_stats(&r)->bad_checksum == 1 && rig_stats(&r)->frames == 1, "it is counted");

	rig_open(&r, 0);
	memcpy(s, g_notice, sizeof g_notice);
	s[23] = 0x7d;		/* no end mark */
	rig_feed(&r, s, sizeof g_notice, 1);
	rig_feed(&r, g_notice, sizeof g_notice, 1);
	ok(r.n == 1 && rig_stats(&r)->bad_frame == 1, "a missing end mark is a bad frame");
}

static void
test_half_frames(void)
{
	uint8_t s[64];
	struct rig r;
	int64_t next;

	/* a half frame swallows the start of the next one: its bytes are searched again */
	rig_open(&r, 0);
	memcpy(s, g_notice, 12);
	memcpy(s + 12, g_notice, sizeof g_notice);
	rig_feed(&r, s, 12 + sizeof g_notice, 1);
	ok(r.n == 1 && is_golden_tag(&r.ev[0]), "half a notice, then a whole one");
	ok(rig_stats(&r)->bad_checksum + rig_stats(&r)->bad_frame == 1, "the half is counted");

	/* a half frame and then silence: the gap ends it */
	rig_open(&r, 0);
	rig_feed(&r, g_info_rsp, sizeof g_info_rsp, 1);		/* info answered */
	rig_feed(&r, g_notice, 10, 100);
	next = uhf_driver.tick(&r.u, 150, &r.io);
	ok(next == 100 + UHF_GAP_MS && rig_stats(&r)->bad_frame == 0,
	    "tick waits for the rest of a frame");
	next = uhf_driver.tick(&r.u, 100 + UHF_GAP_MS, &r.io);
	ok(rig_stats(&r)->bad_frame == 1 && next == -1, "a frame silent for the gap is dropped");
	rig_feed(&r, g_notice, sizeof g_notice, 300);
	ok(r.n == 2 && is_golden_tag(&r.ev[1]), "and the next frame is read");

	/* a short frame caught inside a half one and then silence: found when the gap ends */
	rig_open(&r, 0);
	memcpy(s, g_notice, 5);
	memcpy(s + 5, g_stop_rsp, sizeof g_stop_rsp);
	memcpy(s + 5 + sizeof g_stop_rsp, g_notag, sizeof g_notag);
	rig_feed(&r, s, 5 + sizeof g_stop_rsp + sizeof g_notag, 1);
	uhf_driver.tick(&r.u, 1 + UHF_GAP_MS, &r.io);
	ok(rig_stats(&r)->frames == 2 && rig_stats(&r)->bad_frame == 1,
	    "frames inside a timed-out half frame are still read");
}

static void
test_lying_lengths(void)
{
	uint8_t s[128], f[UHF_FRAME_MAX], epc[40];
	struct rig r;
	size_t n;

	/* PL FFFF: never waited for */
	rig_open(&r, 0);
	memcpy(s, "\xbb\x02\x22\xff\xff\x00\x00", 7);
	memcpy(s + 7, g_notice, sizeof g_notice);
	rig_feed(&r, s, 7 + sizeof g_notice, 1);
	ok(r.n == 1 && is_golden_tag(&r.ev[0]) && rig_stats(&r)->bad_frame == 1,
	    "an oversized PL is a bad frame, and the next frame is read");
	rig_open(&r, 0);
	memcpy(s, "\xbb\x01\x03\x01\x00", 5);		/* PL 256: one past the limit */
	rig_feed(&r, s, 5, 1);
	ok(rig_stats(&r)->bad_frame == 1 && r.u.parser.len == 0, "PL 256 is refused at once");

	/* PC says 6 words, PL says 8: checksum right, contents wrong */
	rig_open(&r, 0);
	memset(epc, 0x11, sizeof epc);
	n = uhf_encode_notice(-60, 0x3400, epc, 16, 0x1234, f, sizeof f);
	rig_feed(&r, f, n, 1);
	ok(r.n == 0 && rig_stats(&r)->bad_frame == 1, "PC and PL disagree: bad frame");
	/* PC says 4 words, PL says 6 (shorter PC than frame) */
	n = uhf_encode_notice(-60, 0x2000, epc, 12, 0x1234, f, sizeof f);
	rig_feed(&r, f, n, 2);
	ok(r.n == 0 && rig_stats(&r)->bad_frame == 2, "a PC shorter than the frame: bad frame");
	/* 17 words of EPC, PC and PL agreeing: longer than DEV_ID_MAX allows */
	s[0] = 0xc0;
	s[1] = 17 << 3;		/* PC 8800 */
	s[2] = 0;
	memcpy(s + 3, epc, 34);
	s[37] = 0x12;
	s[38] = 0x34;
	n = uhf_encode_frame(UHF_TYPE_NOTICE, UHF_CMD_POLL, s, 39, f, sizeof f);
	ok(n == 46, "a 34-byte EPC notice can be built");
	rig_feed(&r, f, n, 3);
	ok(r.n == 0 && rig_stats(&r)->bad_frame == 3, "an EPC over 32 bytes is a bad frame");
	/* 16 words: the longest we take */
	n = uhf_encode_notice(-60, 16 << 11, epc, 32, 0x1234, f, sizeof f);
	rig_feed(&r, f, n, 4);
	ok(r.n == 1 && strlen(r.ev[0].id) == 64, "a 32-byte EPC is read");
	/* no EPC at all, and a notice too short for RSSI, PC and CRC */
	n = uhf_encode_notice(-60, 0, epc, 0, 0x1234, f, sizeof f);
	rig_feed(&r, f, n, 5);
	n = uhf_encode_frame(UHF_TYPE_NOTICE, UHF_CMD_POLL, epc, 4, f, sizeof f);
	rig_feed(&r, f, n, 6);
	ok(r.n == 1 && rig_stats(&r)->bad_frame == 5, "empty and short notices are bad frames");
}

static void
test_requests(void)
{
	struct dev_request rq;
	struct rig r;

	rig_open(&r, 0);
	rig_feed(&r, g_info_rsp, sizeof g_info_rsp, 1);
	memset(&rq, 0, sizeof rq);
	r.outlen = 0;
	rq.kind = DEV_RQ_UHF_START;
	ok(uhf_driver.request(&r.u, &rq, 10, &r.io) == 0 && r.outlen == sizeof g_multi_max &&
	    memcmp(r.out, g_multi_max, r.outlen) == 0, "start: multiple polling, count FFFF");
	r.outlen = 0;
	rq.kind = DEV_RQ_UHF_STOP;
	ok(uhf_driver.request(&r.u, &rq, 20, &r.io) == 0 && r.outlen == sizeof g_stop &&
	    memcmp(r.out, g_stop, r.outlen) == 0, "stop: the manual's stop frame");
	rig_feed(&r, g_stop_rsp, sizeof g_stop_rsp, 30);
	ok(uhf_driver.tick(&r.u, 30, &r.io) == -1, "stop answered: nothing more to wait for");
	rq.kind = DEV_RQ_FP_ENROLL;
	ok(uhf_driver.request(&r.u, &rq, 40, &r.io) == -1, "a fingerprint request is refused");
	rq.kind = DEV_RQ_DOCK_BIND;
	ok(uhf_driver.request(&r.u, &rq, 40, &r.io) == -1, "a dock request is refused");
	ok(strcmp(uhf_driver.name, "uhf") == 0 && uhf_driver.baud == 115200, "name and baud");

	/* a reopened line while inventory runs: version, then polling again */
	rq.kind = DEV_RQ_UHF_START;
	uhf_driver.request(&r.u, &rq, 50, &r.io);
	rig_feed(&r, g_notice, 12, 60);		/* cut by the unplug */
	r.outlen = 0;
	uhf_driver.start(&r.u, 70, &r.io);
	ok(r.outlen == sizeof g_info_cmd + sizeof g_multi_max &&
	    memcmp(r.out, g_info_cmd, sizeof g_info_cmd) == 0 &&
	    memcmp(r.out + sizeof g_info_cmd, g_multi_max, sizeof g_multi_max) == 0,
	    "start while running: info, then multiple polling");
	rig_feed(&r, g_notice, sizeof g_notice, 80);
	ok(r.n == 2 && is_golden_tag(&r.ev[1]) && rig_stats(&r)->bad_frame == 0,
	    "start forgets the cut frame");
	r.outlen = 0;
	rq.kind = DEV_RQ_CANCEL;
	ok(uhf_driver.request(&r.u, &rq, 90, &r.io) == 0 && r.outlen == sizeof g_stop,
	    "cancel stops the inventory");
}

/* A module that says nothing: info asked three times, polling asked again when silent. */
static void
test_silence(void)
{
	struct dev_request rq;
	struct rig r;
	int64_t t;

	rig_open(&r, 0);
	t = uhf_driver.tick(&r.u, 0, &r.io);
	ok(t == UHF_ANSWER_MS, "tick waits for the info answer");
	uhf_driver.tick(&r.u, t, &r.io);
	ok(rig_stats(&r)->timeouts == 1 && r.outlen == 2 * sizeof g_info_cmd, "info asked again");
	t = uhf_driver.tick(&r.u, 2 * UHF_ANSWER_MS, &r.io);
	t = uhf_driver.tick(&r.u, 3 * UHF_ANSWER_MS, &r.io);
	ok(rig_stats(&r)->timeouts == 3 && r.outlen == 3 * sizeof g_info_cmd && t == -1,
	    "after three tries the driver gives up");

	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_UHF_START;
	uhf_driver.request(&r.u, &rq, 2000, &r.io);
	t = uhf_driver.tick(&r.u, 2000, &r.io);
	ok(t == 2000 + UHF_IDLE_MS, "polling: tick waits for the module");
	rig_feed(&r, g_notice, sizeof g_notice, 2500);
	t = uhf_driver.tick(&r.u, 2500, &r.io);
	ok(t == 2500 + UHF_IDLE_MS, "a notice moves the deadline");
	r.outlen = 0;
	t = uhf_driver.tick(&r.u, t, &r.io);
	ok(rig_stats(&r)->timeouts == 4 && r.outlen == sizeof g_multi_max &&
	    t == 3500 + UHF_IDLE_MS, "silent module: polling sent again");

	r.outlen = 0;
	rq.kind = DEV_RQ_UHF_STOP;
	uhf_driver.request(&r.u, &rq, 4000, &r.io);
	uhf_driver.tick(&r.u, 4000 + UHF_ANSWER_MS, &r.io);
	ok(rig_stats(&r)->timeouts == 5 && r.outlen == 2 * sizeof g_stop, "stop sent again");

	/* an error 15 ends a round: polling again, but not more than once a second */
	rig_open(&r, 0);
	rq.kind = DEV_RQ_UHF_START;
	uhf_driver.request(&r.u, &rq, 0, &r.io);
	r.outlen = 0;
	rig_feed(&r, g_notag, sizeof g_notag, 100);
	ok(r.outlen == 0, "error 15 right after starting: no new polling yet");
	rig_feed(&r, g_notag, sizeof g_notag, UHF_REISSUE_MS);
	ok(r.outlen == sizeof g_multi_max && r.n == 0, "error 15 later: polling again, no event");
	/* other errors are events */
	rig_feed(&r, (const uint8_t *)"\xbb\x01\xff\x00\x01\x17\x18\x7e", 8, 2000);
	ok(r.n == 1 && r.ev[0].kind == DEV_ERROR && r.ev[0].code == 0x17, "error 17: DEV_ERROR");
}

/* The driver against the simulated module. */
static int
tags_between(const struct pair *p, int from, int to)
{
	int i, c = 0;

	for (i = from; i < to && i < PAIR_EVENTS; i++)
		c += p->events[i].kind == DEV_TAG;
	return c;
}

static void
test_against_sim(void)
{
	struct dev_request rq;
	struct pair p;
	char err[256];
	int i, k, ok_order;

	pair_open(&p, &uhf_driver, &sim_uhf, 1000);
	pair_run(&p, 1100);
	ok(p.n == 1 && p.events[0].kind == DEV_INFO &&
	    strcmp(p.events[0].text, "M100 26dBm V1.0") == 0, "the module's version");
	ok(pair_command(&p, "add " GOLDEN_ID " -55", err, sizeof err) == 0, "add a tag");
	ok(pair_command(&p, "add E2000017221101441890ABCD -62", err, sizeof err) == 0, "add two");
	pair_run(&p, 1200);
	ok(p.n == 1, "no notices before polling starts");
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_UHF_START;
	ok(pair_request(&p, &rq) == 0, "start inventory");
	pair_run(&p, 1300);
	k = pair_count(&p, DEV_TAG);
	ok(k >= 46 && k <= 48, "notices flow: 100 ms at the line rate is 48 notices");
	ok(is_golden_tag(&p.events[1]), "the first notice is the manual's tag, CRC and all");
	ok(strcmp(p.events[2].id, "E2000017221101441890ABCD") == 0 && p.events[2].tag.rssi == -62,
	    "the second tag, its own RSSI");
	ok_order = 1;
	for (i = 1; i < p.n && i < 200; i++)
		if (strcmp(p.events[i].id, i % 2 ? GOLDEN_ID : "E2000017221101441890ABCD") != 0)
			ok_order = 0;
	ok(ok_order, "round-robin, no folding");

	/* exactly the line rate: 11520 bytes a second, 24-byte notices: 480 a second */
	k = p.n;
	pair_run(&p, 2300);
	ok(p.n - k >= 478 && p.n - k <= 481, "one second of polling is the line rate");
	ok(p.dev_bytes <= (uint64_t)(2300 - 1200) * 11520 / 1000 + 200, "never above it");

	/* faults on the next frame: counted, the frames after it read */
	k = p.n;
	p.fault = PAIR_CORRUPT;
	pair_run(&p, 2400);
	ok(p.drv->stats(p.drv_state)->bad_checksum + p.drv->stats(p.drv_state)->bad_frame == 1,
	    "a corrupted notice is counted");
	ok(p.n - k >= 46, "and the next notices are read");
	k = p.n;
	p.fault = PAIR_HALF;
	pair_run(&p, 2500);
	ok(p.drv->stats(p.drv_state)->bad_checksum + p.drv->stats(p.drv_state)->bad_frame == 2,
	    "a half notice is counted");
	ok(p.n - k >= 46, "and the next notices are read");

	/* dup and rate */
	ok(pair_command(&p, "dup 3", err, sizeof err) == 0, "dup 3");
	ok(pair_command(&p, "rate 100", err, sizeof err) == 0, "rate 100");
	k = p.n;
	pair_run(&p, 3500);
	ok(p.n - k >= 99 && p.n - k <= 101, "rate 100: a hundred notices a second");
	ok_order = p.n - k >= 6;
	for (i = k; i < k + 6 && i + 3 < p.n; i += 3)
		if (strcmp(p.events[i].id, p.events[i + 1].id) != 0 ||
		    strcmp(p.events[i].id, p.events[i + 2].id) != 0 ||
		    strcmp(p.events[i].id, p.events[i + 3].id) == 0)
			ok_order = 0;
	ok(ok_order, "dup 3: each tag three times in a row");

	/* the field empties: error 15 each round, quiet for the console, polling goes on */
	ok(pair_command(&p, "clear", err, sizeof err) == 0, "clear");
	k = p.n;
	pair_run(&p, 6000);
	ok(p.n == k, "an empty field makes no events");
	ok(p.drv->stats(p.drv_state)->timeouts == 0, "error 15 rounds keep the driver content");
	ok(pair_command(&p, "rate 0", err, sizeof err) == 0, "rate 0");
	ok(pair_command(&p, "dup 1", err, sizeof err) == 0, "dup 1");
	ok(pair_command(&p, "tags 5 E280", err, sizeof err) == 0, "tags 5 E280");
	pair_run(&p, 6100);
	ok(tags_between(&p, k, p.n) > 20 && strcmp(p.events[k].id, "E28000000000000000000001") == 0
	    && strcmp(p.events[k + 4].id, "E28000000000000000000005") == 0,
	    "the new field is polled: prefix then counter");

	/* the module stops by itself (count used up): the driver polls again after silence */
	p.dev->from_host(p.dev_state, g_stop, sizeof g_stop, p.now, &p.sio);
	p.dev_next = p.dev->tick(p.dev_state, p.now, &p.sio);
	k = p.n;
	pair_run(&p, 6100 + UHF_IDLE_MS - 10);
	ok(p.n == k + 0, "a stopped module is silent");
	pair_run(&p, 6100 + UHF_IDLE_MS + 100);
	ok(p.n > k && p.drv->stats(p.drv_state)->timeouts == 1,
	    "after a second of silence the driver polls again");

	/* stop */
	rq.kind = DEV_RQ_UHF_STOP;
	ok(pair_request(&p, &rq) == 0, "stop inventory");
	k = p.n;
	pair_run(&p, 9000);
	ok(p.n == k && p.drv->stats(p.drv_state)->timeouts == 1, "stopped: no notices, answered");

	/* a reopened line whose info answer is cut: asked again */
	p.fault = PAIR_HALF;
	p.drv->start(p.drv_state, p.now, &p.io);
	p.drv_next = p.drv->tick(p.drv_state, p.now, &p.io);
	k = p.n;
	pair_run(&p, 10000);
	ok(p.n == k + 1 && p.events[k].kind == DEV_INFO, "a cut info answer is asked for again");
	ok(p.drv->stats(p.drv_state)->timeouts == 2, "that was a timeout");
	pair_close(&p);
}

/* The simulator alone: its answers byte for byte, its script and its refusals. */
struct capture {
	uint8_t b[4096];
	size_t n;
	int frames;
};

static void
capture_send(void *arg, const uint8_t *frame, size_t n)
{
	struct capture *c = arg;

	if (c->n + n <= sizeof c->b) {
		memcpy(c->b + c->n, frame, n);
		c->n += n;
	}
	c->frames++;
}

static void
test_sim(void)
{
	static const uint8_t sw_cmd[] = { 0xbb, 0x00, 0x03, 0x00, 0x01, 0x01, 0x05, 0x7e };
	static const uint8_t sw_rsp[] = { 0xbb, 0x01, 0x03, 0x00, 0x07, 0x01, 'V', '2', '.', '3',
	    '.', '1', 0x54, 0x7e };
	static const uint8_t bad_cmd[] = { 0xbb, 0x00, 0x99, 0x00, 0x00, 0x99, 0x7e };
	static const uint8_t err17[] = { 0xbb, 0x01, 0xff, 0x00, 0x01, 0x17, 0x18, 0x7e };
	struct pair p;
	struct capture c;
	struct sim_io io = { capture_send, &c };
	char err[256];
	void *s;

	pair_open(&p, &uhf_driver, &sim_uhf, 0);
	s = p.dev_state;
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, g_stop, sizeof g_stop, 0, &io);
	ok(c.n == sizeof g_stop_rsp && memcmp(c.b, g_stop_rsp, c.n) == 0,
	    "sim: stop answered as in the manual");
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, g_poll, sizeof g_poll, 0, &io);
	ok(c.n == sizeof g_notag && memcmp(c.b, g_notag, c.n) == 0,
	    "sim: single polling of an empty field: error 15");
	ok(pair_command(&p, "add " GOLDEN_ID, err, sizeof err) == 0, "sim: add, default RSSI");
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, g_poll, 3, 0, &io);
	sim_uhf.from_host(s, g_poll + 3, sizeof g_poll - 3, 0, &io);
	ok(c.n == sizeof g_notice && memcmp(c.b, g_notice, c.n) == 0,
	    "sim: single polling, split: the manual's notice byte for byte");
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, sw_cmd, sizeof sw_cmd, 0, &io);
	ok(c.n == sizeof sw_rsp && memcmp(c.b, sw_rsp, c.n) == 0, "sim: software version");
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, bad_cmd, sizeof bad_cmd, 0, &io);
	ok(c.n == sizeof err17 && memcmp(c.b, err17, c.n) == 0, "sim: unknown command: error 17");
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, g_multi, sizeof g_multi, 0, &io);
	ok(c.n == 0 && sim_uhf.tick(s, 10, &io) == 15 && c.frames == 4,
	    "sim: multiple polling sends from its tick: 10 ms of line is 115 bytes, 4 notices");
	ok(sim_uhf.tick(s, 1000, &io) > 1000, "sim: its tick is always later than now");
	sim_uhf.from_host(s, g_stop, sizeof g_stop, 1000, &io);
	ok(sim_uhf.tick(s, 1005, &io) == -1, "sim: stopped: no tick wanted");
	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, (const uint8_t *)"\xbb\x00\x27\x00\x03\x22\x00\x02\x4e\x7e", 10,
	    2000, &io);
	sim_uhf.tick(s, 2100, &io);
	ok(c.frames == 2 && sim_uhf.tick(s, 2200, &io) == -1,
	    "sim: multiple polling stops when its count is used up");

	ok(pair_command(&p, "remove " GOLDEN_ID, err, sizeof err) == 0, "sim: remove");
	ok(pair_command(&p, "remove " GOLDEN_ID, err, sizeof err) == -1 &&
	    strstr(err, "no tag") != NULL, "sim: removing an absent tag is refused");
	ok(pair_command(&p, "add 123", err, sizeof err) == -1 && strstr(err, "words") != NULL,
	    "sim: an EPC of odd length is refused");
	ok(pair_command(&p, "add 3075GGEB", err, sizeof err) == -1, "sim: non-hex refused");
	ok(pair_command(&p, "add 00000000000000000000000000000000000000000000000000000000000000"
	    "000000", err, sizeof err) == -1, "sim: a 34-byte EPC refused");
	ok(pair_command(&p, "add 3075 -300", err, sizeof err) == -1 && strstr(err, "RSSI"),
	    "sim: RSSI out of range refused");
	ok(pair_command(&p, "add 3075 x", err, sizeof err) == -1, "sim: RSSI not a number");
	ok(pair_command(&p, "tags", err, sizeof err) == -1, "sim: tags without a count");
	ok(pair_command(&p, "tags 5000", err, sizeof err) == -1, "sim: too many tags refused");
	ok(pair_command(&p, "tags 5 E2800", err, sizeof err) == -1 && strstr(err, "prefix"),
	    "sim: an odd prefix refused");
	ok(pair_command(&p, "tags 5 112233445566778899", err, sizeof err) == -1,
	    "sim: a prefix over 8 bytes refused");
	ok(pair_command(&p, "tags 4096", err, sizeof err) == 0, "sim: a full field");
	ok(pair_command(&p, "add 1234", err, sizeof err) == -1 && strstr(err, "at most"),
	    "sim: no room for one more");
	ok(pair_command(&p, "dup 0", err, sizeof err) == -1, "sim: dup 0 refused");
	ok(pair_command(&p, "rate -1", err, sizeof err) == -1, "sim: a negative rate refused");
	ok(pair_command(&p, "clear now", err, sizeof err) == -1, "sim: clear takes no argument");
	ok(pair_command(&p, "wave", err, sizeof err) == -1 && strstr(err, "unknown"),
	    "sim: an unknown verb is refused");
	ok(strstr(sim_uhf.usage, "tags N") && strstr(sim_uhf.usage, "rate N") &&
	    strstr(sim_uhf.usage, "dup K"), "sim: usage lists the verbs");
	pair_close(&p);
}

/*
 * The settings commands (issue 16), golden frames from the manual (Unit-RFID-UHF-Protocol-EN,
 * 2.13-2.22): the simulator answers each byte for byte, and the driver, asked through
 * requests, sends the same bytes and reports the module's answers.
 */
struct golden_setting {
	const char *what;
	uint8_t cmd[12], rsp[12];
	size_t cmd_len, rsp_len;
};

static const struct golden_setting g_settings[] = {
	{ "2.16 get region: China 900 MHz", { 0xbb, 0x00, 0x08, 0x00, 0x00, 0x08, 0x7e },
	  { 0xbb, 0x01, 0x08, 0x00, 0x01, 0x01, 0x0b, 0x7e }, 7, 8 },
	{ "2.15 set region China 900 MHz", { 0xbb, 0x00, 0x07, 0x00, 0x01, 0x01, 0x09, 0x7e },
	  { 0xbb, 0x01, 0x07, 0x00, 0x01, 0x00, 0x09, 0x7e }, 8, 8 },
	{ "2.13 get Query parameters 1020", { 0xbb, 0x00, 0x0d, 0x00, 0x00, 0x0d, 0x7e },
	  { 0xbb, 0x01, 0x0d, 0x00, 0x02, 0x10, 0x20, 0x40, 0x7e }, 7, 9 },
	{ "2.14 set Query parameters 1020", { 0xbb, 0x00, 0x0e, 0x00, 0x02, 0x10, 0x20, 0x40,
	  0x7e }, { 0xbb, 0x01, 0x0e, 0x00, 0x01, 0x00, 0x10, 0x7e }, 9, 8 },
	{ "2.19 automatic frequency hopping on", { 0xbb, 0x00, 0xad, 0x00, 0x01, 0xff, 0xad,
	  0x7e }, { 0xbb, 0x01, 0xad, 0x00, 0x01, 0x00, 0xaf, 0x7e }, 8, 8 },
	{ "2.22 set power 20 dBm", { 0xbb, 0x00, 0xb6, 0x00, 0x02, 0x07, 0xd0, 0x8f, 0x7e },
	  { 0xbb, 0x01, 0xb6, 0x00, 0x01, 0x00, 0xb8, 0x7e }, 9, 8 },
	{ "2.21 get power: 20 dBm", { 0xbb, 0x00, 0xb7, 0x00, 0x00, 0xb7, 0x7e },
	  { 0xbb, 0x01, 0xb7, 0x00, 0x02, 0x07, 0xd0, 0x91, 0x7e }, 7, 9 },
};

/* Whether the simulated module s answers the host's n bytes with exactly want. */
static int
sim_answers(void *s, const uint8_t *cmd, size_t n, const uint8_t *want, size_t wn)
{
	struct capture c;
	struct sim_io io = { capture_send, &c };

	memset(&c, 0, sizeof c);
	sim_uhf.from_host(s, cmd, n, 0, &io);
	return c.n == wn && memcmp(c.b, want, wn) == 0;
}

static void
test_sim_settings(void)
{
	static const uint8_t err17[] = { 0xbb, 0x01, 0xff, 0x00, 0x01, 0x17, 0x18, 0x7e };
	static const uint8_t power_out_of_range[] = { 0xbb, 0x00, 0xb6, 0x00, 0x02, 0x0b, 0xb8,
	    0x7b, 0x7e };	/* 30 dBm */
	static const uint8_t region_5[] = { 0xbb, 0x00, 0x07, 0x00, 0x01, 0x05, 0x0d, 0x7e };
	static const uint8_t query_dr64[] = { 0xbb, 0x00, 0x0e, 0x00, 0x02, 0x90, 0x20, 0xc0,
	    0x7e };
	static const uint8_t hop_01[] = { 0xbb, 0x00, 0xad, 0x00, 0x01, 0x01, 0xaf, 0x7e };
	static const uint8_t mode_f5[] = { 0xbb, 0x00, 0xf5, 0x00, 0x01, 0x01, 0xf7, 0x7e };
	struct pair p;
	size_t i;
	void *s;

	pair_open(&p, &uhf_driver, &sim_uhf, 0);
	s = p.dev_state;
	for (i = 0; i < sizeof g_settings / sizeof *g_settings; i++) {
		const struct golden_setting *g = &g_settings[i];
		char what[96];

		snprintf(what, sizeof what, "sim: %s, as in the manual", g->what);
		ok(sim_answers(s, g->cmd, g->cmd_len, g->rsp, g->rsp_len), what);
	}
	ok(sim_answers(s, power_out_of_range, sizeof power_out_of_range, err17, sizeof err17),
	    "sim: 30 dBm refused: error 17");
	ok(sim_answers(s, g_settings[6].cmd, g_settings[6].cmd_len, g_settings[6].rsp,
	    g_settings[6].rsp_len),
	    "sim: and its power is still 20 dBm");
	ok(sim_answers(s, region_5, sizeof region_5, err17, sizeof err17), "sim: region 05 refused");
	ok(sim_answers(s, query_dr64, sizeof query_dr64, err17, sizeof err17),
	    "sim: Query with DR 64/3 refused");
	ok(sim_answers(s, hop_01, sizeof hop_01, err17, sizeof err17), "sim: hopping 01 refused");
	ok(sim_answers(s, mode_f5, sizeof mode_f5, err17, sizeof err17),
	    "sim: F5, not in the M100 manual, is a command error");
	ok(sim_answers(s, (const uint8_t *)"\xbb\x00\xb7\x00\x01\x00\xb8\x7e", 8, err17,
	    sizeof err17), "sim: a get with a parameter: 17");
	pair_close(&p);
}

/* The last event of kind of the pair from event from on, or NULL. */
static const struct dev_event *
last_of(const struct pair *p, int from, enum dev_event_kind kind)
{
	const struct dev_event *found = NULL;
	int i;

	for (i = from; i < p->n && i < PAIR_EVENTS; i++)
		if (p->events[i].kind == kind)
			found = &p->events[i];
	return found;
}

#define last_setting(p, from) last_of(p, from, DEV_SETTING)
#define last_error(p, from) last_of(p, from, DEV_ERROR)

static void
test_driver_settings(void)
{
	struct dev_request rq;
	const struct dev_event *ev;
	struct pair p;
	struct rig r;
	char err[256];
	int k, rssi20;

	memset(&rq, 0, sizeof rq);
	pair_open(&p, &uhf_driver, &sim_uhf, 1000);
	pair_run(&p, 1100);
	rq.kind = DEV_RQ_UHF_GET_POWER;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "driver: get power");
	pair_run(&p, 1200);
	ev = last_setting(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_GET_POWER && ev->setting.value == 2600,
	    "driver: the module's power, 26.00 dBm");
	rq.kind = DEV_RQ_UHF_SET_POWER;
	rq.value = 2000;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "driver: set power 20 dBm");
	pair_run(&p, 1300);
	ok(k + 2 <= p.n && p.events[k].kind == DEV_SETTING &&
	    p.events[k].setting.cmd == UHF_CMD_SET_POWER && p.events[k].setting.value == 0,
	    "driver: the set is answered 00");
	ev = last_setting(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_GET_POWER && ev->setting.value == 2000,
	    "driver: and read back: the module now says 20.00 dBm");
	rq.value = 3000;
	ok(pair_request(&p, &rq) == -1, "driver: 30 dBm is outside the module's range: refused");
	rq.value = 1799;
	ok(pair_request(&p, &rq) == -1, "driver: 17.99 dBm too");
	rq.kind = DEV_RQ_UHF_SET_REGION;
	rq.value = UHF_REGION_EU;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "driver: set region Europe");
	pair_run(&p, 1400);
	rq.kind = DEV_RQ_UHF_GET_REGION;
	ok(pair_request(&p, &rq) == 0, "driver: get region");
	pair_run(&p, 1500);
	ev = last_setting(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_GET_REGION && ev->setting.value == 3,
	    "driver: the region is Europe (03)");
	rq.kind = DEV_RQ_UHF_SET_REGION;
	rq.value = 5;
	ok(pair_request(&p, &rq) == -1, "driver: region 05 does not exist: refused");
	rq.kind = DEV_RQ_UHF_SET_QUERY;
	rq.value = 0x1038;	/* Q 7 */
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "driver: set Query Q 7");
	pair_run(&p, 1600);
	rq.kind = DEV_RQ_UHF_GET_QUERY;
	ok(pair_request(&p, &rq) == 0, "driver: get Query");
	pair_run(&p, 1700);
	ev = last_setting(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_GET_QUERY && ev->setting.value == 0x1038,
	    "driver: the Query word read back");
	rq.kind = DEV_RQ_UHF_SET_QUERY;
	rq.value = 0x9020;
	ok(pair_request(&p, &rq) == -1, "driver: DR 64/3 is not taken: refused");
	rq.kind = DEV_RQ_UHF_HOPPING;
	rq.value = 0;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "driver: hopping off");
	pair_run(&p, 1800);
	ev = last_setting(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_HOPPING && ev->setting.value == 0,
	    "driver: hopping off answered 00");
	rq.value = 2;
	ok(pair_request(&p, &rq) == -1, "driver: hopping is on or off");
	/* the RSSI a tag is read with follows the power */
	ok(pair_command(&p, "add " GOLDEN_ID " -55", err, sizeof err) == 0, "add the tag");
	rq.kind = DEV_RQ_UHF_START;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "start inventory at 20 dBm");
	pair_run(&p, 1900);
	rssi20 = p.n > k && p.events[p.n - 1].kind == DEV_TAG ? p.events[p.n - 1].tag.rssi : 0;
	ok(rssi20 == -61, "at 20 dBm the tag's RSSI is 6 dB lower: -61");
	rq.kind = DEV_RQ_UHF_STOP;
	ok(pair_request(&p, &rq) == 0, "stop");
	pair_run(&p, 2000);
	pair_close(&p);

	/* a setting the module never answers: asked three times, then an error */
	rig_open(&r, 0);
	r.outlen = 0;
	r.n = 0;
	memset(&rq, 0, sizeof rq);
	rq.kind = DEV_RQ_UHF_SET_POWER;
	rq.value = 2000;
	ok(uhf_driver.request(&r.u, &rq, 0, &r.io) == 0 && r.outlen == 9 &&
	    memcmp(r.out, g_settings[5].cmd, 9) == 0, "driver: set power 20 dBm is the manual's "
	    "frame byte for byte");
	rq.kind = DEV_RQ_UHF_GET_REGION;
	ok(uhf_driver.request(&r.u, &rq, 1, &r.io) == -1, "driver: one setting at a time");
	rq.kind = DEV_RQ_UHF_SET_POWER;
	uhf_driver.tick(&r.u, UHF_ANSWER_MS, &r.io);
	uhf_driver.tick(&r.u, 2 * UHF_ANSWER_MS, &r.io);
	uhf_driver.tick(&r.u, 3 * UHF_ANSWER_MS, &r.io);
	ok(r.outlen >= 8 + 27 && r.n >= 1 && r.ev[r.n - 1].kind == DEV_ERROR,
	    "driver: unanswered, sent three times, then an error");
	rq.kind = DEV_RQ_UHF_GET_POWER;
	ok(uhf_driver.request(&r.u, &rq, 3 * UHF_ANSWER_MS, &r.io) == 0,
	    "driver: and it takes the next setting");
	rig_feed(&r, err17_frame, sizeof err17_frame, 3 * UHF_ANSWER_MS + 1);
	ok(r.ev[r.n - 1].kind == DEV_ERROR && r.ev[r.n - 1].code == 0x17,
	    "driver: a setting refused by the module is an error with its code");
	rq.kind = DEV_RQ_UHF_HOPPING;
	rq.value = 1;
	ok(uhf_driver.request(&r.u, &rq, 3 * UHF_ANSWER_MS + 2, &r.io) == 0,
	    "driver: and the next is taken again");
}

/* A setting's error says which command it is about, and whether it was refused or went
 * unanswered; an error frame about something else leaves the setting waiting (review 10b). */
static void
test_setting_errors(void)
{
	static const uint8_t access16[] = { 0xbb, 0x01, 0xff, 0x00, 0x01, 0x16, 0x17, 0x7e };
	struct dev_request rq;
	const struct dev_event *ev;
	struct pair p;
	char err[256];
	int k;

	memset(&rq, 0, sizeof rq);
	pair_open(&p, &uhf_driver, &sim_uhf, 1000);
	pair_run(&p, 1100);
	ok(pair_command(&p, "mute on", err, sizeof err) == 0, "errors: the module stops answering "
	    "settings (sim: mute on)");
	ok(pair_command(&p, "mute maybe", err, sizeof err) == -1, "errors: mute takes on or off");
	rq.kind = DEV_RQ_UHF_SET_POWER;
	rq.value = 2000;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "errors: set power 20 dBm");
	pair_run(&p, p.now + UHF_TRIES * UHF_ANSWER_MS + 100);
	ev = last_error(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_SET_POWER && !ev->setting.refused &&
	    ev->code == 0, "errors: unanswered, the error names set power and says not answered");
	pair_command(&p, "mute off", err, sizeof err);
	ok(pair_command(&p, "refuse 20", err, sizeof err) == 0, "errors: the next setting is "
	    "refused (sim: refuse 20)");
	ok(pair_command(&p, "refuse 0", err, sizeof err) == -1 &&
	    pair_command(&p, "refuse 1FF", err, sizeof err) == -1, "errors: refuse takes 01 to FF");
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "errors: set power again");
	pair_run(&p, p.now + 100);
	ev = last_error(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_SET_POWER && ev->setting.refused &&
	    ev->code == 0x20, "errors: refused, the error names set power and the module's code 20");
	ok(last_setting(&p, k) == NULL, "errors: and no setting was answered");

	pair_command(&p, "mute on", err, sizeof err);
	rq.kind = DEV_RQ_UHF_GET_POWER;
	k = p.n;
	ok(pair_request(&p, &rq) == 0, "errors: get power, the module silent");
	p.drv->feed(p.drv_state, access16, sizeof access16, p.now, &p.io);
	ev = last_error(&p, k);
	ok(ev != NULL && ev->code == 0x16 && ev->setting.cmd == 0,
	    "errors: an access error (16) is an error about no setting");
	pair_command(&p, "mute off", err, sizeof err);
	pair_run(&p, p.now + UHF_ANSWER_MS + 100);
	ev = last_setting(&p, k);
	ok(ev != NULL && ev->setting.cmd == UHF_CMD_GET_POWER && ev->setting.value == 2600,
	    "errors: the setting still waited, was asked again and answered (26.00 dBm: "
	    "neither set took)");
	pair_close(&p);
}

int
main(void)
{
	test_encoders();
	test_golden_in();
	test_splits();
	test_garbage();
	test_bad_checksum();
	test_half_frames();
	test_lying_lengths();
	test_requests();
	test_silence();
	test_against_sim();
	test_sim();
	test_sim_settings();
	test_driver_settings();
	test_setting_errors();
	return t_done();
}

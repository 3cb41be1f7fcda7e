/*
 * The fingerprint module: golden packets from the manuals, any split, garbage, bad checksums,
 * half packets, impossible lengths; the driver against the simulated module for enrolment,
 * search, 1:1 match, count and empty, with every frame of an enrolment corrupted or cut in
 * turn, and a module that never answers; the simulator's script verbs and refusals.
 */
#include <stdio.h>
#include <string.h>

#include "devpair.h"
#include "fingerprint.h"
#include "t.h"

extern const struct sim_device sim_fingerprint;

struct got {
	int n;
	struct fp_packet pk[8];
};

static void
collect(void *arg, const struct fp_packet *pk, int64_t now)
{
	struct got *g = arg;

	(void)now;
	if (g->n < 8)
		g->pk[g->n] = *pk;
	g->n++;
}

/*
 * R503 Fingerprint Module User Manual, Hangzhou Grow Technology, Ver 1.1 (2019.6), page 14,
 * TempleteNum: EF01, address, 01H, 0003H, 1dH, checksum 0021H.
 */
static const uint8_t golden_templatenum[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00,
    0x03, 0x1d, 0x00, 0x21 };
/* The same manual, page 21, Empty: 01H, 03H, 0dH, checksum 0011H. */
static const uint8_t golden_empty[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x03,
    0x0d, 0x00, 0x11 };
/*
 * ZFM-70 Series Fingerprint Identification Module User Manual, Hangzhou Zhian Technologies,
 * section 6.3.5 Handshake (page 29): 0x01, 0x0003, 0x53, checksum 0x0057.  We do not send
 * Handshake; it checks the encoder against a second printed checksum.
 */
static const uint8_t golden_handshake[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00,
    0x03, 0x53, 0x00, 0x57 };
/*
 * Not printed with a value in the manuals, but by their rule (R503 manual, "Instruction
 * format": checksum = identifier + length + content, low 16 bits): VfyPwd with the default
 * password 00000000 (ZFM-70 manual 6.2.1), and the acknowledgement "00: ok".
 */
static const uint8_t rule_vfypwd[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x07,
    0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1b };
static const uint8_t rule_ack_ok[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x03,
    0x00, 0x00, 0x0a };
/* "FC: unsupported command" (R503 manual p. 10): 07 + 0003 + FC = 0x0106. */
static const uint8_t rule_ack_unsupported[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00,
    0x03, 0xfc, 0x01, 0x06 };
/* TempleteNum's answer, 0 ok and N = 0x012c (300): 07 + 0005 + 00 + 01 + 2c = 0x39. */
static const uint8_t rule_ack_count[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x05,
    0x00, 0x01, 0x2c, 0x00, 0x39 };

static void
test_golden(void)
{
	static const uint8_t pwd[4] = { 0, 0, 0, 0 };
	static const uint8_t n300[2] = { 0x01, 0x2c };
	uint8_t out[FP_PACKET_MAX];
	struct fp_parser p;
	struct got g = { 0 };
	size_t n;

	n = fp_encode_command(FP_INS_TEMPLATENUM, NULL, 0, out, sizeof out);
	ok(n == sizeof golden_templatenum && memcmp(out, golden_templatenum, n) == 0,
	    "TempleteNum is the R503 manual's packet");
	n = fp_encode_command(FP_INS_EMPTY, NULL, 0, out, sizeof out);
	ok(n == sizeof golden_empty && memcmp(out, golden_empty, n) == 0,
	    "Empty is the R503 manual's packet");
	n = fp_encode_command(0x53, NULL, 0, out, sizeof out);
	ok(n == sizeof golden_handshake && memcmp(out, golden_handshake, n) == 0,
	    "Handshake is the ZFM-70 manual's packet");
	n = fp_encode_command(FP_INS_VFYPWD, pwd, 4, out, sizeof out);
	ok(n == sizeof rule_vfypwd && memcmp(out, rule_vfypwd, n) == 0, "VfyPwd 00000000");
	n = fp_encode_ack(FP_OK, NULL, 0, out, sizeof out);
	ok(n == sizeof rule_ack_ok && memcmp(out, rule_ack_ok, n) == 0, "the ok acknowledgement");
	n = fp_encode_ack(FP_OK, n300, 2, out, sizeof out);
	ok(n == sizeof rule_ack_count && memcmp(out, rule_ack_count, n) == 0, "a count answer");
	ok(fp_encode_command(FP_INS_GENIMG, NULL, 0, out, 11) == 0,
	    "the encoder refuses a short buffer");
	ok(fp_encode(FP_PID_DATA, out, FP_CONTENT_MAX + 1, out, sizeof out) == 0,
	    "the encoder refuses too long a content");

	fp_parser_init(&p);
	fp_parser_feed(&p, golden_templatenum, sizeof golden_templatenum, 0, collect, &g);
	fp_parser_feed(&p, rule_ack_count, sizeof rule_ack_count, 0, collect, &g);
	ok(g.n == 2 && g.pk[0].pid == FP_PID_COMMAND && g.pk[0].len == 1 &&
	    g.pk[0].content[0] == FP_INS_TEMPLATENUM, "the parser reads the manual's command");
	ok(g.pk[1].pid == FP_PID_ACK && g.pk[1].len == 3 && g.pk[1].content[2] == 0x2c,
	    "and an answer with parameters");
	ok(p.stats.frames == 2 && p.stats.garbage == 0, "two frames, nothing dropped");
}

/* An acknowledgement, a data packet and an end packet, as an upload sends them. */
static size_t
stream(uint8_t *out, size_t outsz)
{
	uint8_t d[FP_DATA_SIZE];
	size_t n, i;

	for (i = 0; i < sizeof d; i++)
		d[i] = (uint8_t)(i * 7 + 0xef);	/* header bytes inside the content too */
	d[10] = 0xef;
	d[11] = 0x01;
	n = fp_encode_ack(FP_OK, NULL, 0, out, outsz);
	n += fp_encode(FP_PID_DATA, d, sizeof d, out + n, outsz - n);
	n += fp_encode(FP_PID_END, d, 20, out + n, outsz - n);
	return n;
}

static int
stream_ok(const struct got *g)
{
	return g->n == 3 && g->pk[0].pid == FP_PID_ACK && g->pk[1].pid == FP_PID_DATA &&
	    g->pk[1].len == FP_DATA_SIZE && g->pk[1].content[11] == 0x01 &&
	    g->pk[2].pid == FP_PID_END && g->pk[2].len == 20;
}

static void
test_splits(void)
{
	uint8_t s[512];
	size_t n = stream(s, sizeof s), i, cut;
	struct fp_parser p;
	struct got g;
	int all = 1;

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	for (i = 0; i < n; i++)
		fp_parser_feed(&p, s + i, 1, (int64_t)i, collect, &g);
	ok(stream_ok(&g) && p.stats.garbage == 0, "byte by byte: three packets");
	for (cut = 0; cut <= n; cut++) {
		memset(&g, 0, sizeof g);
		fp_parser_init(&p);
		fp_parser_feed(&p, s, cut, 0, collect, &g);
		fp_parser_feed(&p, s + cut, n - cut, 1, collect, &g);
		all &= stream_ok(&g) && p.len == 0;
	}
	ok(all, "split anywhere: the same three packets");
}

static void
test_faults(void)
{
	uint8_t s[512], b[700];
	size_t n = stream(s, sizeof s), m;
	struct fp_parser p;
	struct got g;

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	memcpy(b, "\x00\xef\x02junk\xef", 8);
	memcpy(b + 8, s, n);
	fp_parser_feed(&p, b, 8 + n, 0, collect, &g);
	ok(stream_ok(&g) && p.stats.garbage == 8, "garbage before a packet is skipped and counted");

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	memcpy(b, s, n);
	b[10] ^= 0x01;		/* the first packet's checksum */
	fp_parser_feed(&p, b, n, 0, collect, &g);
	ok(g.n == 2 && g.pk[0].pid == FP_PID_DATA && p.stats.bad_checksum == 1,
	    "a bad checksum drops that packet only");

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	memcpy(b, s + 12, 60);	/* half the data packet, then the whole stream */
	memcpy(b + 60, s, n);
	fp_parser_feed(&p, b, 60 + n, 0, collect, &g);
	ok(stream_ok(&g) && p.stats.bad_checksum == 1,
	    "a half packet followed by more: its check fails, then the parser rescans");

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	fp_parser_feed(&p, s + 12, 60, 1000, collect, &g);
	/* a whole ack held inside the half packet */
	fp_parser_feed(&p, s, 12, 1000, collect, &g);
	ok(g.n == 0 && fp_parser_expire(&p, 1000 + FP_GAP_MS - 1, collect, &g) ==
	    1000 + FP_GAP_MS, "a half packet waits for the gap");
	ok(fp_parser_expire(&p, 1000 + FP_GAP_MS, collect, &g) == -1 && g.n == 1 &&
	    g.pk[0].pid == FP_PID_ACK && p.stats.bad_frame >= 1 && p.len == 0,
	    "after the gap the half is dropped and the ack behind it read");

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	memset(b + 300, 0x5a, 16);
	m = fp_encode(FP_PID_DATA, b + 300, 16, b, sizeof b);
	b[7] = 0x01;		/* length 0x0112 = 274: more than 256 + 2 */
	b[8] = 0x12;
	memcpy(b + m, s, n);
	fp_parser_feed(&p, b, m + n, 0, collect, &g);
	ok(stream_ok(&g) && p.stats.bad_frame == 1, "an oversized length is refused at once");
	b[7] = 0x00;
	b[8] = 0x01;		/* shorter than its checksum */
	memset(&g, 0, sizeof g);
	fp_parser_feed(&p, b, m + n, 0, collect, &g);
	ok(stream_ok(&g) && p.stats.bad_frame == 2, "a length under 2 is refused");

	memset(&g, 0, sizeof g);
	fp_parser_init(&p);
	memcpy(b, s, n);
	b[3] = 0x00;		/* another module's address */
	fp_parser_feed(&p, b, n, 0, collect, &g);
	ok(g.n == 2 && p.stats.bad_frame == 1, "a packet to another address is dropped");
	memcpy(b, s, n);
	b[6] = 0x05;		/* no such package identifier */
	memset(&g, 0, sizeof g);
	fp_parser_feed(&p, b, n, 0, collect, &g);
	ok(g.n == 2 && p.stats.bad_frame == 2, "an unknown package identifier is dropped");
}

/* ---- the driver against the simulated module ---- */

/*
 * The simulated module behind a shim that can put a fault on its k-th frame from now, or
 * say nothing at all.
 */
static struct pair *shim_pair;
static int shim_frames, shim_at, shim_mute;
static enum pair_fault shim_fault;

static void
shim_send(void *arg, const uint8_t *frame, size_t n)
{
	const struct sim_io *real = arg;

	if (shim_mute)
		return;
	if (++shim_frames == shim_at)
		shim_pair->fault = shim_fault;
	real->send(real->arg, frame, n);
}

static void
shim_from_host(void *st, const uint8_t *b, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_io w = { shim_send, (void *)io };

	sim_fingerprint.from_host(st, b, n, now, &w);
}

static int64_t
shim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_io w = { shim_send, (void *)io };

	return sim_fingerprint.tick(st, now, &w);
}

static int
shim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_io w = { shim_send, (void *)io };

	return sim_fingerprint.command(st, argc, argv, now, &w, err, errsz);
}

static struct sim_device shim;

static void
open_pair(struct pair *p)
{
	shim = sim_fingerprint;
	shim.from_host = shim_from_host;
	shim.tick = shim_tick;
	shim.command = shim_command;
	shim_pair = p;
	shim_frames = shim_at = shim_mute = 0;
	pair_open(p, &fingerprint_driver, &shim, 1000);
	pair_run(p, 2000);
}

static void
script(struct pair *p, const char *line)
{
	char err[256];

	if (pair_command(p, line, err, sizeof err) != 0)
		fprintf(stderr, "script \"%s\": %s\n", line, err);
}

static const struct dev_finger *
last_finger(const struct pair *p)
{
	int i;

	for (i = (p->n < PAIR_EVENTS ? p->n : PAIR_EVENTS) - 1; i >= 0; i--)
		if (p->events[i].kind == DEV_FINGER)
			return &p->events[i].finger;
	return NULL;
}

static int
finger_events(const struct pair *p, enum dev_finger_what what)
{
	int i, c = 0;

	for (i = 0; i < p->n && i < PAIR_EVENTS; i++)
		c += p->events[i].kind == DEV_FINGER && p->events[i].finger.what == what;
	return c;
}

static uint8_t enrolled[FP_TPL_MAX];
static size_t enrolled_len;

/* An enrolment at page with first then second on the sensor; the last event it ended with. */
static const struct dev_finger *
enrol(struct pair *p, int page, const char *first, const char *second)
{
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = page };
	char line[64];
	const struct dev_finger *f;

	if (pair_request(p, &rq) != 0)
		return NULL;
	pair_run(p, p->now + 400);	/* a few GenImg answered 02 */
	snprintf(line, sizeof line, "press %s", first);
	script(p, line);
	pair_run(p, p->now + 1000);
	script(p, "lift");
	pair_run(p, p->now + 1000);
	snprintf(line, sizeof line, "press %s", second);
	script(p, line);
	pair_run(p, p->now + 4000);
	script(p, "lift");
	f = last_finger(p);
	if (f && f->what == FP_ENROLLED && f->tpl_len <= sizeof enrolled) {
		memcpy(enrolled, f->tpl, f->tpl_len);	/* valid only in the callback... */
		enrolled_len = f->tpl_len;
	}
	return f;
}

static const struct dev_finger *
one_press(struct pair *p, enum dev_request_kind kind, const char *finger)
{
	struct dev_request rq = { .kind = kind, .tpl = enrolled, .tpl_len = enrolled_len };
	char line[64];

	if (pair_request(p, &rq) != 0)
		return NULL;
	pair_run(p, p->now + 300);
	snprintf(line, sizeof line, "tap %s", finger);
	script(p, line);
	pair_run(p, p->now + 3000);
	return last_finger(p);
}

static void
test_start_and_enrol(void)
{
	static struct pair p;
	const struct dev_finger *f;
	struct dev_request count = { .kind = DEV_RQ_FP_COUNT };
	int i;

	open_pair(&p);
	ok(pair_count(&p, DEV_INFO) == 1 && strstr(p.events[0].text, "library 300") &&
	    strstr(p.events[0].text, "128-byte"), "start: ReadSysPara's answer is the info");
	f = last_finger(&p);
	ok(f && f->what == FP_COUNT && f->count == 0, "start: TemplateNum says 0");

	i = p.n;
	f = enrol(&p, 7, "alice", "alice");
	ok(f && f->what == FP_ENROLLED && f->page == 7 && f->tpl_len == 512,
	    "an enrolment ends with the 512-byte template stored at page 7");
	ok(f && f->quality == fp_quality(f->score) && f->quality >= 25 &&
	    f->quality <= 100, "with a quality from the Match score");
	ok(enrolled_len == 512 && enrolled[0] == 0x87 && enrolled[1] == 0x22 &&
	    enrolled[2] == 0x13 && enrolled[3] == 0xe7, "the template is alice's (FNV-1a)");
	ok(p.n - i == 4 && p.events[i].finger.what == FP_PLACE && p.events[i].finger.press == 1 &&
	    p.events[i + 1].finger.what == FP_LIFT && p.events[i + 2].finger.what == FP_PLACE &&
	    p.events[i + 2].finger.press == 2, "place 1, lift, place 2, enrolled: in that order");
	ok(p.drv->stats(p.drv_state)->timeouts == 0 && p.drv->stats(p.drv_state)->bad_checksum == 0,
	    "the happy path needs no retry");
	ok(finger_events(&p, FP_ENROLLED) == 1 && finger_events(&p, FP_FAILED) == 0,
	    "one enrolment, no failure");

	ok(pair_request(&p, &count) == 0, "count");
	pair_run(&p, p.now + 500);
	f = last_finger(&p);
	ok(f && f->what == FP_COUNT && f->count == 1, "the library now holds one template");

	f = one_press(&p, DEV_RQ_FP_SEARCH, "alice");
	ok(f && f->what == FP_FOUND && f->page == 7 && f->score >= 50 && f->score <= 200,
	    "a search finds alice at page 7");
	f = one_press(&p, DEV_RQ_FP_SEARCH, "bob");
	ok(f && f->what == FP_NOT_FOUND, "a search does not find bob");
	f = one_press(&p, DEV_RQ_FP_MATCH, "alice");
	ok(f && f->what == FP_MATCH && f->score >= 50,
	    "1:1 against alice's template: alice matches");
	f = one_press(&p, DEV_RQ_FP_MATCH, "bob");
	ok(f && f->what == FP_NO_MATCH, "1:1 against alice's template: bob does not");

	script(&p, "library 5 carol");
	f = one_press(&p, DEV_RQ_FP_SEARCH, "carol");
	ok(f && f->what == FP_FOUND && f->page == 5, "the script's library verb fills a page");

	count.kind = DEV_RQ_FP_EMPTY;
	ok(pair_request(&p, &count) == 0, "empty");
	pair_run(&p, p.now + 1000);
	f = last_finger(&p);
	ok(f && f->what == FP_COUNT && f->count == 0, "after Empty the count is 0");
	pair_close(&p);
}

static void
test_refusals(void)
{
	static struct pair p;
	const struct dev_finger *f;
	struct dev_request rq = { .kind = DEV_RQ_FP_SEARCH };
	int n;

	open_pair(&p);
	f = enrol(&p, 3, "alice", "bob");
	ok(f && f->what == FP_FAILED && f->code == FP_ERR_MERGE,
	    "two different fingers do not merge: 0A");
	script(&p, "poor");
	f = one_press(&p, DEV_RQ_FP_SEARCH, "alice");
	ok(f && f->what == FP_FAILED && f->code == FP_ERR_MESSY, "a messy image fails with 06");
	ok(enrol(&p, 300, "alice", "alice") == NULL, "a page past the library is refused");

	ok(pair_request(&p, &rq) == 0, "a search waits for a finger");
	ok(pair_request(&p, &rq) == -1, "a second request while busy is refused");
	n = p.n;
	pair_run(&p, p.now + FP_FINGER_MS + 500);
	f = last_finger(&p);
	ok(p.n == n + 2 && p.events[n].finger.what == FP_PLACE && f->what == FP_FAILED &&
	    f->code == FP_ERR_TIMEOUT,
	    "a clear sensor, then no finger in 15 s: failed with 26 (timeout)");

	ok(pair_request(&p, &rq) == 0, "search again");
	rq.kind = DEV_RQ_CANCEL;
	ok(pair_request(&p, &rq) == 0, "cancel");
	n = p.n;
	pair_run(&p, p.now + 2000);
	ok(p.n == n, "after cancel nothing more happens");
	rq.kind = DEV_RQ_FP_COUNT;
	ok(pair_request(&p, &rq) == 0, "and the driver takes a new request");
	rq.kind = DEV_RQ_UHF_START;
	ok(pair_request(&p, &rq) == -1, "a request of another device is refused");
	rq.kind = DEV_RQ_FP_MATCH;
	pair_run(&p, p.now + 1000);
	ok(pair_request(&p, &rq) == -1, "a match without a template is refused");
	pair_close(&p);
}

/* Every frame the module sends during an enrolment, corrupted or halved in turn. */
static void
test_enrol_faults(void)
{
	static struct pair p;
	const struct dev_finger *f;
	int frames, k, good, counted;
	uint8_t want[4];
	enum pair_fault fault;

	open_pair(&p);
	shim_frames = 0;
	f = enrol(&p, 9, "dave", "dave");
	frames = shim_frames;
	memcpy(want, enrolled, sizeof want);
	ok(f && f->what == FP_ENROLLED && frames >= 15, "a clean enrolment, its frames counted");
	pair_close(&p);
	for (fault = PAIR_CORRUPT; fault <= PAIR_HALF; fault++) {
		good = counted = 0;
		for (k = 1; k <= frames; k++) {
			open_pair(&p);
			shim_frames = 0;
			shim_at = k;
			shim_fault = fault;
			f = enrol(&p, 9, "dave", "dave");
			good += f && f->what == FP_ENROLLED && f->tpl_len == 512 &&
			    memcmp(f->tpl, want, 4) == 0;
			counted += p.drv->stats(p.drv_state)->bad_checksum +
			    p.drv->stats(p.drv_state)->bad_frame > 0;
			pair_close(&p);
		}
		ok(good == frames, fault == PAIR_CORRUPT ?
		    "any one frame corrupted: the enrolment still succeeds" :
		    "any one frame cut in half: the enrolment still succeeds");
		ok(counted == frames, "and each time the damaged frame was counted");
	}
	open_pair(&p);
	shim_frames = 0;
	shim_at = 1;
	shim_fault = PAIR_CORRUPT;
	f = one_press(&p, DEV_RQ_FP_SEARCH, "x");
	ok(p.drv->stats(p.drv_state)->bad_checksum + p.drv->stats(p.drv_state)->bad_frame == 1,
	    "the corrupted frame was counted");
	pair_close(&p);
}

static void
test_mute(void)
{
	static struct pair p;
	struct dev_request rq = { .kind = DEV_RQ_FP_COUNT };
	const struct dev_finger *f;

	shim = sim_fingerprint;
	shim.from_host = shim_from_host;
	shim.tick = shim_tick;
	shim.command = shim_command;
	shim_pair = &p;
	shim_mute = 1;
	pair_open(&p, &fingerprint_driver, &shim, 1000);
	pair_run(&p, 1000 + FP_ANSWER_MS * FP_TRIES - 1);
	ok(p.n == 0, "a silent module: nothing before the last try runs out");
	pair_run(&p, 1000 + FP_ANSWER_MS * FP_TRIES);
	ok(p.n == 1 && p.events[0].kind == DEV_ERROR && p.events[0].code == FP_ERR_NO_ANSWER,
	    "then start reports no answer");
	ok(p.drv->stats(p.drv_state)->timeouts == FP_TRIES, "three sends, three timeouts");
	ok(pair_request(&p, &rq) == 0, "count on a silent module");
	pair_run(&p, p.now + FP_ANSWER_MS * FP_TRIES + 10);
	f = last_finger(&p);
	ok(f && f->what == FP_FAILED && f->code == FP_ERR_NO_ANSWER, "fails with no answer (FF)");
	shim_mute = 0;
	pair_close(&p);
}

/* ---- the simulator alone ---- */

struct sent {
	int n;
	uint8_t last[FP_PACKET_MAX];
	size_t len;
};

static void
sent(void *arg, const uint8_t *frame, size_t n)
{
	struct sent *s = arg;

	s->n++;
	s->len = n < sizeof s->last ? n : sizeof s->last;
	memcpy(s->last, frame, s->len);
}

static int
cmd(void *dev, const char *line, char *err, size_t errsz)
{
	char buf[128], *argv[8], *save = NULL, *w;
	int argc = 0;
	struct sim_io io = { sent, NULL };

	snprintf(buf, sizeof buf, "%s", line);
	for (w = strtok_r(buf, " ", &save); w && argc < 8; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return sim_fingerprint.command(dev, argc, argv, 0, &io, err, errsz);
}

/* Sends a packet to the simulated module and returns its answer's confirmation code. */
static int
ask(void *dev, const uint8_t *pk, size_t n, int64_t now, struct sent *s)
{
	struct sim_io io = { sent, s };
	int64_t t;

	s->n = 0;
	sim_fingerprint.from_host(dev, pk, n, now, &io);
	t = sim_fingerprint.tick(dev, now, &io);
	if (s->n != 0 || t <= now)
		return -2;	/* answered before its latency, or a tick not in the future */
	sim_fingerprint.tick(dev, t, &io);
	return s->n > 0 && s->len >= 12 && s->last[6] == FP_PID_ACK ? s->last[9] : -1;
}

static void
test_sim(void)
{
	static uint8_t dev[1 << 16];
	uint8_t pk[FP_PACKET_MAX], bad[sizeof rule_vfypwd];
	char err[256];
	struct sent s = { 0 };
	size_t n;

	ok(sim_fingerprint.state_size <= sizeof dev, "the state fits the test's buffer");
	sim_fingerprint.init(dev);
	ok(cmd(dev, "press", err, sizeof err) == -1 && strstr(err, "name the finger"),
	    "press without a finger is refused with a reason");
	ok(cmd(dev, "dance", err, sizeof err) == -1 && strstr(err, "unknown"),
	    "an unknown verb is refused");
	ok(cmd(dev, "library 300 x", err, sizeof err) == -1 && strstr(err, "0 to 299"),
	    "a page past the library is refused");
	ok(cmd(dev, "library five x", err, sizeof err) == -1, "a page that is not a number too");
	ok(cmd(dev, "lift now", err, sizeof err) == -1, "lift takes no argument");
	ok(cmd(dev, "poor", err, sizeof err) == 0 && cmd(dev, "lift", err, sizeof err) == 0,
	    "poor and lift");
	ok(strstr(sim_fingerprint.usage, "press FINGER") && strstr(sim_fingerprint.usage, "poor"),
	    "the usage lists the verbs");

	ok(ask(dev, rule_vfypwd, sizeof rule_vfypwd, 0, &s) == FP_OK && s.len == 12 &&
	    memcmp(s.last, rule_ack_ok, 12) == 0, "VfyPwd 00000000: the ok acknowledgement");
	memcpy(bad, rule_vfypwd, sizeof bad);
	bad[sizeof bad - 1] ^= 0x40;
	ok(ask(dev, bad, sizeof bad, 100, &s) == FP_ERR_PACKET, "a bad checksum gets 01");
	bad[sizeof bad - 1] ^= 0x40;
	bad[10] = 1;
	bad[sizeof bad - 1]++;
	ok(ask(dev, bad, sizeof bad, 200, &s) == FP_ERR_PASSWORD, "a wrong password gets 13");
	n = fp_encode_command(0x77, NULL, 0, pk, sizeof pk);
	ok(ask(dev, pk, n, 300, &s) == FP_ERR_UNSUPPORTED, "an unknown instruction gets FC");
	n = fp_encode_command(FP_INS_GENIMG, (const uint8_t *)"x", 1, pk, sizeof pk);
	ok(ask(dev, pk, n, 400, &s) == FP_ERR_PACKET, "GenImg with a parameter gets 01");
	ok(ask(dev, golden_templatenum, sizeof golden_templatenum, 500, &s) == FP_OK &&
	    s.len == 14 && s.last[10] == 0 && s.last[11] == 0, "TemplateNum: 0 templates");

	n = fp_encode_command(FP_INS_GENIMG, NULL, 0, pk, sizeof pk);
	ok(ask(dev, pk, n, 600, &s) == FP_ERR_NOFINGER, "GenImg with no finger: 02");
	ok(cmd(dev, "tap erin", err, sizeof err) == 0, "tap");	/* at time 0, for 1.5 s */
	ok(ask(dev, pk, n, 1000, &s) == FP_OK, "GenImg during a tap: 00");
	ok(ask(dev, pk, n, 1600, &s) == FP_ERR_NOFINGER, "and 02 once the tap is over");
	n = fp_encode_command(FP_INS_IMG2TZ, (const uint8_t *)"\x01", 1, pk, sizeof pk);
	ok(ask(dev, pk, n, 1700, &s) == FP_ERR_NOIMAGE, "Img2Tz without an image: 15");
	n = fp_encode_command(FP_INS_UPCHAR, (const uint8_t *)"\x01", 1, pk, sizeof pk);
	ok(ask(dev, pk, n, 1800, &s) == FP_ERR_UPLOAD, "UpChar of an empty buffer: 0D");
	n = fp_encode_command(FP_INS_STORE, (const uint8_t *)"\x01\x01\x2c", 3, pk, sizeof pk);
	ok(ask(dev, pk, n, 1900, &s) == FP_ERR_PAGE, "Store at page 300 of 300: 0B");
	ok(ask(dev, golden_empty, sizeof golden_empty, 2000, &s) == FP_OK, "Empty: 00");
}

/* ---- the driver alone, fed by hand ---- */

struct rec {
	int writes, events;
	uint8_t last[FP_PACKET_MAX];
	size_t len;
	struct dev_event ev;
};

static void
rec_write(void *arg, const uint8_t *b, size_t n)
{
	struct rec *r = arg;

	r->writes++;
	r->len = n < sizeof r->last ? n : sizeof r->last;
	memcpy(r->last, b, r->len);
}

static void
rec_emit(void *arg, const struct dev_event *ev)
{
	struct rec *r = arg;

	r->events++;
	r->ev = *ev;
}

/*
 * A ReadSysPara answer as captured from a module in public notes (source not identified; its
 * checksum 04E9 holds by the manuals' rule): library 200, security level 3, address
 * FFFFFFFF, packet size code 2 (128 bytes), baud N = 6.
 */
static const uint8_t captured_syspara[] = { 0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00,
    0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc8, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0x00,
    0x02, 0x00, 0x06, 0x04, 0xe9 };

static void
test_driver_by_hand(void)
{
	static unsigned char st[1 << 16];
	struct rec r;
	struct dev_io io = { rec_write, rec_emit, &r };
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL, .page = 200 };
	size_t i;

	memset(&r, 0, sizeof r);
	ok(fingerprint_driver.state_size <= sizeof st, "the driver's state fits");
	memset(st, 0, sizeof st);
	fingerprint_driver.start(st, 0, &io);
	ok(r.writes == 1 && r.len == sizeof rule_vfypwd && memcmp(r.last, rule_vfypwd, r.len) == 0,
	    "start sends VfyPwd 00000000");
	ok(fingerprint_driver.request(st, &rq, 0, &io) == -1, "a request during start is refused");
	fingerprint_driver.feed(st, rule_ack_ok, sizeof rule_ack_ok, 10, &io);
	ok(r.writes == 2 && r.last[9] == FP_INS_READSYSPARA, "then ReadSysPara");
	for (i = 0; i < sizeof captured_syspara; i++)	/* byte by byte */
		fingerprint_driver.feed(st, captured_syspara + i, 1, 20, &io);
	ok(r.events == 1 && r.ev.kind == DEV_INFO && strstr(r.ev.text, "library 200") &&
	    strstr(r.ev.text, "128-byte") && strstr(r.ev.text, "FFFFFFFF"),
	    "the captured answer is the module's info");
	ok(r.writes == 3 && r.last[9] == FP_INS_READPRODINFO, "then ReadProdInfo");
	fingerprint_driver.feed(st, rule_ack_unsupported, sizeof rule_ack_unsupported, 22, &io);
	ok(r.writes == 4 && r.last[9] == FP_INS_AURALED && r.last[10] == FP_LED_OFF,
	    "refused (an older module): the LED probe, ring off");
	fingerprint_driver.feed(st, rule_ack_unsupported, sizeof rule_ack_unsupported, 24, &io);
	ok(r.writes == 5 && r.len == sizeof golden_templatenum &&
	    memcmp(r.last, golden_templatenum, r.len) == 0,
	    "refused too: no LED, then the manual's TempleteNum");
	fingerprint_driver.feed(st, rule_ack_count, sizeof rule_ack_count, 30, &io);
	ok(r.events == 2 && r.ev.finger.what == FP_COUNT && r.ev.finger.count == 300, "count 300");
	ok(fingerprint_driver.request(st, &rq, 40, &io) == -1,
	    "page 200 is past a library of 200: refused");
	rq.page = 199;
	ok(fingerprint_driver.request(st, &rq, 40, &io) == 0 && r.events == 3 &&
	    r.ev.finger.what == FP_PLACE && r.last[9] == FP_INS_GENIMG, "page 199: place, GenImg");
	/*
	 * Half an answer, then quiet: its header said it was the module's answer, so no other is
	 * coming, and the command goes again at once rather than at its deadline.
	 */
	fingerprint_driver.feed(st, rule_ack_ok, 7, 50, &io);
	ok(fingerprint_driver.tick(st, 50, &io) == 50 + FP_GAP_MS, "tick wants the gap's end");
	ok(fingerprint_driver.tick(st, 50 + FP_GAP_MS, &io) == 50 + FP_GAP_MS + FP_ANSWER_MS &&
	    fingerprint_driver.stats(st)->bad_frame == 1 && r.writes == 7 &&
	    r.last[9] == FP_INS_GENIMG, "the half answer is a bad frame: GenImg again at once");
	{
		uint8_t bad[sizeof rule_ack_ok];

		memcpy(bad, rule_ack_ok, sizeof bad);
		bad[sizeof bad - 1] ^= 0x01;
		fingerprint_driver.feed(st, bad, sizeof bad, 100, &io);
		ok(fingerprint_driver.stats(st)->bad_checksum == 1 && r.writes == 8 &&
		    r.last[9] == FP_INS_GENIMG, "an answer with a bad checksum: GenImg again at once");
		fingerprint_driver.feed(st, bad, sizeof bad, 120, &io);
		ok(r.writes == 8, "not past FP_TRIES sends: then the deadline decides");
		fingerprint_driver.tick(st, 100 + FP_ANSWER_MS, &io);
		ok(r.events == 4 &&
		    r.ev.finger.what == FP_FAILED, "and the enrolment fails after three sends");
	}
}

int
main(void)
{
	test_golden();
	test_splits();
	test_faults();
	test_start_and_enrol();
	test_refusals();
	test_enrol_faults();
	test_mute();
	test_sim();
	test_driver_by_hand();
	return t_done();
}

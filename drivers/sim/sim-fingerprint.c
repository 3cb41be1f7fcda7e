/*
 * A simulated R30x / ZFM fingerprint module: a library of SIM_PAGES pages, two character
 * buffers and a sensor on which the script puts named fingers.  It answers each instruction
 * as the module's manual describes, after SIM_LATENCY_MS.  A finger's template is
 * SIM_TPL bytes: its name's FNV-1a hash (big-endian), then an xorshift32 stream from it; two
 * templates are the same finger when their first four bytes agree.
 *   press FINGER         the finger lies on the sensor until lift
 *   tap FINGER           the finger lies on the sensor for SIM_TAP_MS
 *   lift                 the finger leaves
 *   poor                 the next image is too messy to use (Img2Tz answers 06)
 *   library PAGE FINGER  the library holds FINGER at PAGE, as if enrolled
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "i18n.h"
#include "sim.h"

#define SIM_PAGES 300
#define SIM_TPL 512
#define SIM_LATENCY_MS 20
#define SIM_TAP_MS 1500
#define SIM_QUEUE 16
#define SIM_NAME_MAX 32

struct frame {
	size_t n;
	uint8_t b[FP_PACKET_MAX];
};

struct sim_fp {
	struct fp_parser parser;
	int on;			/* a finger is on the sensor */
	uint32_t finger;	/* which one */
	int64_t tap_until;	/* it leaves then; 0: when lifted */
	int poor;		/* the next image is messy */
	int image, image_poor;	/* the image buffer holds an image of image_id */
	uint32_t image_id;
	int valid[3];		/* CharBuffer1 and 2 (index 0 unused) */
	uint32_t id[3];
	int used[SIM_PAGES];
	uint32_t page[SIM_PAGES];
	int downloading;	/* DownChar accepted: data packets fill down_buf */
	int down_buf;
	size_t down_len;
	uint8_t down[FP_TPL_MAX];
	int qn;			/* frames waiting to go out at due */
	int64_t due;
	struct frame q[SIM_QUEUE];
};

static uint32_t
finger_id(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The template a finger's id stands for (documented in docs/devices-fingerprint.md). */
static void
finger_template(uint32_t id, uint8_t t[SIM_TPL])
{
	uint32_t x = id ? id : 1;
	size_t i;

	t[0] = (uint8_t)(id >> 24);
	t[1] = (uint8_t)(id >> 16);
	t[2] = (uint8_t)(id >> 8);
	t[3] = (uint8_t)id;
	for (i = 4; i < SIM_TPL; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		t[i] = (uint8_t)(x >> 24);
	}
}

static int
score_of(uint32_t id)
{
	return 50 + (int)(id % 151);	/* the same finger scores 50..200 */
}

static void
queue(struct sim_fp *s, uint8_t pid, const uint8_t *content, size_t n, int64_t now)
{
	if (s->qn == SIM_QUEUE)
		return;		/* the host floods us; a real module would lose it too */
	if (s->qn == 0)
		s->due = now + SIM_LATENCY_MS;
	s->q[s->qn].n = fp_encode(pid, content, n, s->q[s->qn].b, sizeof s->q[s->qn].b);
	s->qn++;
}

static void
ack(struct sim_fp *s, uint8_t code, const uint8_t *params, size_t n, int64_t now)
{
	uint8_t c[32];

	c[0] = code;
	if (n > 0)
		memcpy(c + 1, params, n);
	queue(s, FP_PID_ACK, c, n + 1, now);
}

static void
ack_code(struct sim_fp *s, uint8_t code, int64_t now)
{
	ack(s, code, NULL, 0, now);
}

static void
ack_two(struct sim_fp *s, uint8_t code, unsigned a, unsigned b, int64_t now)
{
	uint8_t p[4] = { (uint8_t)(a >> 8), (uint8_t)a, (uint8_t)(b >> 8), (uint8_t)b };

	ack(s, code, p, 4, now);
}

static int
finger_on(const struct sim_fp *s, int64_t now)
{
	return s->on && (s->tap_until == 0 || now < s->tap_until);
}

static void
gen_img(struct sim_fp *s, int64_t now)
{
	if (!finger_on(s, now)) {
		s->image = 0;
		ack_code(s, FP_ERR_NOFINGER, now);
		return;
	}
	s->image = 1;
	s->image_id = s->finger;
	s->image_poor = s->poor;
	s->poor = 0;
	ack_code(s, FP_OK, now);
}

static void
img2tz(struct sim_fp *s, int b, int64_t now)
{
	if (!s->image) {
		ack_code(s, FP_ERR_NOIMAGE, now);
		return;
	}
	if (s->image_poor) {
		ack_code(s, FP_ERR_MESSY, now);
		return;
	}
	s->valid[b] = 1;
	s->id[b] = s->image_id;
	ack_code(s, FP_OK, now);
}

static int
same_finger(const struct sim_fp *s)
{
	return s->valid[1] && s->valid[2] && s->id[1] == s->id[2];
}

static void
match(struct sim_fp *s, int64_t now)
{
	unsigned score = same_finger(s) ? (unsigned)score_of(s->id[1]) : 0;
	uint8_t p[2] = { (uint8_t)(score >> 8), (uint8_t)score };

	ack(s, score ? FP_OK : FP_ERR_NOMATCH, p, 2, now);
}

static void
search(struct sim_fp *s, int b, unsigned start, unsigned count, int64_t now)
{
	unsigned i;

	if (start >= SIM_PAGES) {
		ack_code(s, FP_ERR_PAGE, now);
		return;
	}
	for (i = start; s->valid[b] && i < SIM_PAGES && i - start < count; i++)
		if (s->used[i] && s->page[i] == s->id[b]) {
			ack_two(s, FP_OK, i, (unsigned)score_of(s->id[b]), now);
			return;
		}
	ack_two(s, FP_ERR_NOTFOUND, 0, 0, now);		/* page and score are 0 */
}

static void
store(struct sim_fp *s, int b, unsigned page, int64_t now)
{
	if (page >= SIM_PAGES) {
		ack_code(s, FP_ERR_PAGE, now);
		return;
	}
	if (!s->valid[b]) {
		ack_code(s, 0x0c, now);		/* the template is invalid */
		return;
	}
	s->used[page] = 1;
	s->page[page] = s->id[b];
	ack_code(s, FP_OK, now);
}

/* UpChar: the acknowledgement, then the template in FP_DATA_SIZE packets, the last 08. */
static void
up_char(struct sim_fp *s, int b, int64_t now)
{
	uint8_t t[SIM_TPL];
	size_t off;

	if (!s->valid[b]) {
		ack_code(s, FP_ERR_UPLOAD, now);
		return;
	}
	ack_code(s, FP_OK, now);
	finger_template(s->id[b], t);
	for (off = 0; off < SIM_TPL; off += FP_DATA_SIZE)
		queue(s, off + FP_DATA_SIZE < SIM_TPL ? FP_PID_DATA : FP_PID_END, t + off,
		    FP_DATA_SIZE, now);
}

static void
sys_para(struct sim_fp *s, int64_t now)
{
	static const uint8_t p[16] = {
		0x00, 0x00,		/* status register */
		0x00, 0x00,		/* system identifier code */
		SIM_PAGES >> 8, SIM_PAGES & 0xff,	/* finger library size */
		0x00, 0x03,		/* security level */
		0xff, 0xff, 0xff, 0xff,	/* device address */
		0x00, 0x02,		/* data packet size: 2 = 128 bytes */
		0x00, 0x06,		/* baud rate: 6 x 9600 */
	};

	ack(s, FP_OK, p, sizeof p, now);
}

static void
template_num(struct sim_fp *s, int64_t now)
{
	uint8_t p[2];
	unsigned n = 0;
	int i;

	for (i = 0; i < SIM_PAGES; i++)
		n += (unsigned)s->used[i];
	p[0] = (uint8_t)(n >> 8);
	p[1] = (uint8_t)n;
	ack(s, FP_OK, p, 2, now);
}

/* The parameter bytes each instruction takes; -1 for one the module does not know. */
static int
param_len(uint8_t ins)
{
	switch (ins) {
	case FP_INS_GENIMG:
	case FP_INS_MATCH:
	case FP_INS_REGMODEL:
	case FP_INS_EMPTY:
	case FP_INS_READSYSPARA:
	case FP_INS_TEMPLATENUM:
		return 0;
	case FP_INS_IMG2TZ:
	case FP_INS_UPCHAR:
	case FP_INS_DOWNCHAR:
		return 1;
	case FP_INS_STORE:
		return 3;
	case FP_INS_VFYPWD:
		return 4;
	case FP_INS_SEARCH:
		return 5;
	default:
		return -1;
	}
}

static void
command(struct sim_fp *s, const uint8_t *c, size_t n, int64_t now)
{
	const uint8_t *p = c + 1;
	int want = param_len(c[0]);
	int b = n > 1 && p[0] == 1 ? 1 : 2;	/* any buffer but 1 is taken as CharBuffer2 */
	int i;

	if (want < 0) {
		ack_code(s, FP_ERR_UNSUPPORTED, now);
		return;
	}
	if ((size_t)want != n - 1) {
		ack_code(s, FP_ERR_PACKET, now);
		return;
	}
	switch (c[0]) {
	case FP_INS_GENIMG:
		gen_img(s, now);
		break;
	case FP_INS_IMG2TZ:
		img2tz(s, b, now);
		break;
	case FP_INS_MATCH:
		match(s, now);
		break;
	case FP_INS_SEARCH:
		search(s, b, (unsigned)p[1] << 8 | p[2], (unsigned)p[3] << 8 | p[4], now);
		break;
	case FP_INS_REGMODEL:
		ack_code(s, same_finger(s) ? FP_OK : FP_ERR_MERGE, now);
		break;
	case FP_INS_STORE:
		store(s, b, (unsigned)p[1] << 8 | p[2], now);
		break;
	case FP_INS_UPCHAR:
		up_char(s, b, now);
		break;
	case FP_INS_DOWNCHAR:
		s->downloading = 1;
		s->down_buf = b;
		s->down_len = 0;
		ack_code(s, FP_OK, now);
		break;
	case FP_INS_EMPTY:
		for (i = 0; i < SIM_PAGES; i++)
			s->used[i] = 0;
		ack_code(s, FP_OK, now);
		break;
	case FP_INS_READSYSPARA:
		sys_para(s, now);
		break;
	case FP_INS_VFYPWD:
		ack_code(s, p[0] | p[1] | p[2] | p[3] ? FP_ERR_PASSWORD : FP_OK, now);
		break;
	case FP_INS_TEMPLATENUM:
		template_num(s, now);
		break;
	}
}

/* A data packet of a DownChar; the module does not acknowledge them. */
static void
data(struct sim_fp *s, const struct fp_packet *pk, int64_t now)
{
	if (pk->len > sizeof s->down - s->down_len) {
		s->downloading = 0;
		ack_code(s, FP_ERR_DOWNLOAD, now);
		return;
	}
	memcpy(s->down + s->down_len, pk->content, pk->len);
	s->down_len += pk->len;
	if (pk->pid != FP_PID_END)
		return;
	s->downloading = 0;
	s->valid[s->down_buf] = s->down_len >= 4;
	s->id[s->down_buf] = (uint32_t)s->down[0] << 24 | (uint32_t)s->down[1] << 16 |
	    (uint32_t)s->down[2] << 8 | s->down[3];
}

static void
on_packet(void *arg, const struct fp_packet *pk, int64_t now)
{
	struct sim_fp *s = arg;

	if (pk->pid == FP_PID_DATA || pk->pid == FP_PID_END) {
		if (s->downloading)
			data(s, pk, now);
		return;
	}
	if (pk->pid != FP_PID_COMMAND || pk->len < 1)
		return;
	s->downloading = 0;	/* a command ends a download cut short */
	command(s, pk->content, pk->len, now);
}

static void
sim_init(void *st)
{
	memset(st, 0, sizeof(struct sim_fp));
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_fp *s = st;
	uint64_t bad = s->parser.stats.bad_checksum;

	(void)io;		/* answers leave from tick, after the module's latency */
	fp_parser_feed(&s->parser, bytes, n, now, on_packet, s);
	for (; bad < s->parser.stats.bad_checksum; bad++) {
		ack_code(s, s->downloading ? FP_ERR_DOWNLOAD : FP_ERR_PACKET, now);
		s->downloading = 0;
	}
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_fp *s = st;
	struct frame out[SIM_QUEUE];
	int i, n;

	fp_parser_expire(&s->parser, now, on_packet, s);
	if (s->qn > 0 && now >= s->due) {
		/* the host may answer inside send: what it makes us say waits for later */
		n = s->qn;
		memcpy(out, s->q, (size_t)n * sizeof out[0]);
		s->qn = 0;
		for (i = 0; i < n; i++)
			io->send(io->arg, out[i].b, out[i].n);
	}
	if (s->on && s->tap_until && now >= s->tap_until)
		s->on = 0;
	if (s->qn > 0)
		return s->due;
	if (s->parser.len > 0)
		return s->parser.last + FP_GAP_MS;
	return s->on && s->tap_until ? s->tap_until : -1;
}

static int
put_finger(struct sim_fp *s, int argc, char **argv, int64_t until, char *err, size_t errsz)
{
	if (argc != 2 || strlen(argv[1]) >= SIM_NAME_MAX) {
		snprintf(err, errsz, _("fingerprint: name the finger (at most %d characters), "
		    "as in: %s alice"), SIM_NAME_MAX - 1, argv[0]);
		return -1;
	}
	s->on = 1;
	s->finger = finger_id(argv[1]);
	s->tap_until = until;
	return 0;
}

static int
put_library(struct sim_fp *s, int argc, char **argv, char *err, size_t errsz)
{
	char *end;
	long page;

	if (argc != 3 || strlen(argv[2]) >= SIM_NAME_MAX) {
		snprintf(err, errsz, _("fingerprint: library takes a page and a finger, "
		    "as in: library 5 alice"));
		return -1;
	}
	page = strtol(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || page < 0 || page >= SIM_PAGES) {
		snprintf(err, errsz, _("fingerprint: page \"%s\" is not 0 to %d"), argv[1],
		    SIM_PAGES - 1);
		return -1;
	}
	s->used[page] = 1;
	s->page[page] = finger_id(argv[2]);
	return 0;
}

static int
sim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_fp *s = st;

	(void)io;
	if (strcmp(argv[0], "press") == 0)
		return put_finger(s, argc, argv, 0, err, errsz);
	if (strcmp(argv[0], "tap") == 0)
		return put_finger(s, argc, argv, now + SIM_TAP_MS, err, errsz);
	if (strcmp(argv[0], "library") == 0)
		return put_library(s, argc, argv, err, errsz);
	if ((strcmp(argv[0], "lift") == 0 || strcmp(argv[0], "poor") == 0) && argc != 1) {
		snprintf(err, errsz, _("fingerprint: \"%s\" takes no argument"), argv[0]);
		return -1;
	}
	if (strcmp(argv[0], "lift") == 0) {
		s->on = 0;
		return 0;
	}
	if (strcmp(argv[0], "poor") == 0) {
		s->poor = 1;
		return 0;
	}
	snprintf(err, errsz, _("fingerprint: unknown command \"%s\""), argv[0]);
	return -1;
}

const struct sim_device sim_fingerprint = {
	.name = "fingerprint",
	.baud = 57600,
	.state_size = sizeof(struct sim_fp),
	.usage = "fingerprint press FINGER\nfingerprint tap FINGER\nfingerprint lift\n"
	    "fingerprint poor\nfingerprint library PAGE FINGER\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};

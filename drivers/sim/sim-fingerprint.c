/*
 * A simulated fingerprint module of the R30x / ZFM / AS608 / R503 family: a library of pages,
 * character buffers and a sensor on which the script puts named fingers.  It answers each
 * instruction of its model's manual as the manual describes, after SIM_LATENCY_MS.  A finger's
 * template is the model's template size: its name's FNV-1a hash (big-endian), then an
 * xorshift32 stream from it; two templates are the same finger when their first four bytes
 * agree.  The models (docs/devices.md, "The simulated module"):
 *   as608  300 pages, 512-byte templates, 2 buffers, Handshake 53 (the default)
 *   r307   1000 pages, 512-byte templates, 2 buffers, Handshake 53
 *   r503   200 pages, 1536-byte templates, 6 buffers, 0x55 when ready, AuraLedConfig 35,
 *          CheckSensor 36, ReadProdInfo 3C, SoftRst 3D, HandShake 40, GetImageEx 28, Cancel 30
 * Script verbs:
 *   press FINGER         the finger lies on the sensor until lift
 *   tap FINGER           the finger lies on the sensor for SIM_TAP_MS
 *   lift                 the finger leaves
 *   poor                 the next image is too messy to use (Img2Tz answers 06)
 *   library PAGE FINGER  the library holds FINGER at PAGE, as if enrolled
 *   model NAME           another module on the line: it powers on (library empty)
 *   reset                the module powers off and on again (the library stays)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "i18n.h"
#include "sim.h"

#define SIM_PAGES_MAX 1000
#define SIM_BUFFERS 6
#define SIM_LATENCY_MS 20
#define SIM_BOOT_MS 50		/* R503 manual v1.2.2: "about 50ms for initialization" */
#define SIM_TAP_MS 1500
/* The longest answer, UpChar of the largest template in the smallest (32-byte) packets, with
 * its acknowledgement, and room for what the host asks meanwhile. */
#define SIM_QUEUE (1 + FP_TPL_MAX / 32 + 15)
#define SIM_NAME_MAX 32
#define SIM_NOTEPAD 16		/* pages of 32 bytes */

struct model {
	const char *name;
	int pages;
	size_t tpl;		/* template bytes */
	int buffers;		/* character buffers */
	uint8_t handshake;	/* its Handshake instruction */
	int r503;		/* 0x55 when ready, and the R503's own instructions */
};

static const struct model models[] = {
	{ "as608", 300, 512, 2, FP_INS_HANDSHAKE, 0 },
	{ "r307", 1000, 512, 2, FP_INS_HANDSHAKE, 0 },
	{ "r503", 200, 1536, 6, FP_INS_HANDSHAKE_R503, 1 },
};

struct frame {
	size_t n;
	uint8_t b[FP_PACKET_MAX];
};

struct sim_fp {
	struct fp_parser parser;
	const struct model *m;
	int booting;		/* powered on, not yet ready: host bytes are lost */
	int64_t ready_at;	/* when it is ready (0: at the next tick) */
	int on;			/* a finger is on the sensor */
	uint32_t finger;	/* which one */
	int64_t tap_until;	/* it leaves then; 0: when lifted */
	int poor;		/* the next image is messy */
	int image, image_poor;	/* the image buffer holds an image of image_id */
	uint32_t image_id;
	int valid[SIM_BUFFERS + 1];	/* CharBuffer1 … (index 0 unused) */
	uint32_t id[SIM_BUFFERS + 1];
	int used[SIM_PAGES_MAX];
	uint32_t page[SIM_PAGES_MAX];
	uint32_t password;
	uint16_t security, packet_code, baud_n;
	uint32_t rng;
	uint8_t notepad[SIM_NOTEPAD][32];
	uint8_t led[4];		/* the last AuraLedConfig: control, speed, colour, count */
	int downloading;	/* DownChar accepted: data packets fill down_buf */
	int down_buf;
	size_t down_len;
	uint8_t down[FP_TPL_MAX];
	uint64_t dropped;	/* answers the queue had no room for */
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

/* The template a finger's id stands for, n bytes (documented in docs/devices.md). */
static void
finger_template(uint32_t id, uint8_t *t, size_t n)
{
	uint32_t x = id ? id : 1;
	size_t i;

	t[0] = (uint8_t)(id >> 24);
	t[1] = (uint8_t)(id >> 16);
	t[2] = (uint8_t)(id >> 8);
	t[3] = (uint8_t)id;
	for (i = 4; i < n; i++) {
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

static unsigned
be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
queue(struct sim_fp *s, uint8_t pid, const uint8_t *content, size_t n, int64_t now)
{
	if (s->qn == SIM_QUEUE) {
		s->dropped++;	/* the host floods us; a real module would lose it too */
		return;
	}
	if (s->qn == 0)
		s->due = now + SIM_LATENCY_MS;
	s->q[s->qn].n = fp_encode(pid, content, n, s->q[s->qn].b, sizeof s->q[s->qn].b);
	s->qn++;
}

static void
ack(struct sim_fp *s, uint8_t code, const uint8_t *params, size_t n, int64_t now)
{
	uint8_t c[FP_CONTENT_MAX];

	if (n + 1 > sizeof c)
		return;
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

/* GenImg; GetImageEx (R503) also refuses a poor image with 07 at once. */
static void
gen_img(struct sim_fp *s, int ex, int64_t now)
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
	ack_code(s, ex && s->image_poor ? FP_ERR_FEW_POINTS : FP_OK, now);
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

/* Search and HiSpeedSearch: buffer, start page, page count. */
static void
search(struct sim_fp *s, int b, unsigned start, unsigned count, int64_t now)
{
	unsigned i, pages = (unsigned)s->m->pages;

	if (start >= pages) {
		ack_code(s, FP_ERR_PAGE, now);
		return;
	}
	for (i = start; s->valid[b] && i < pages && i - start < count; i++)
		if (s->used[i] && s->page[i] == s->id[b]) {
			ack_two(s, FP_OK, i, (unsigned)score_of(s->id[b]), now);
			return;
		}
	ack_two(s, FP_ERR_NOTFOUND, 0, 0, now);		/* page and score are 0 */
}

static void
store(struct sim_fp *s, int b, unsigned page, int64_t now)
{
	if (page >= (unsigned)s->m->pages) {
		ack_code(s, FP_ERR_PAGE, now);
		return;
	}
	if (!s->valid[b]) {
		ack_code(s, FP_ERR_TEMPLATE, now);
		return;
	}
	s->used[page] = 1;
	s->page[page] = s->id[b];
	ack_code(s, FP_OK, now);
}

/* LoadChar: the template at page into buffer b. */
static void
load_char(struct sim_fp *s, int b, unsigned page, int64_t now)
{
	if (page >= (unsigned)s->m->pages) {
		ack_code(s, FP_ERR_PAGE, now);
		return;
	}
	if (!s->used[page]) {
		ack_code(s, FP_ERR_TEMPLATE, now);	/* nothing there: invalid template */
		return;
	}
	s->valid[b] = 1;
	s->id[b] = s->page[page];
	ack_code(s, FP_OK, now);
}

/* DeletChar: count pages from start. */
static void
delete_char(struct sim_fp *s, unsigned start, unsigned count, int64_t now)
{
	unsigned i;

	if (count == 0 || start >= (unsigned)s->m->pages ||
	    count > (unsigned)s->m->pages - start) {
		ack_code(s, FP_ERR_DELETE, now);
		return;
	}
	for (i = start; i < start + count; i++)
		s->used[i] = 0;
	ack_code(s, FP_OK, now);
}

static size_t
data_size(const struct sim_fp *s)
{
	return (size_t)32 << (s->packet_code & 3);
}

/* UpChar: the acknowledgement, then the template in data packets, the last 08. */
static void
up_char(struct sim_fp *s, int b, int64_t now)
{
	uint8_t t[FP_TPL_MAX];
	size_t off, n = s->m->tpl, k = data_size(s);

	if (!s->valid[b]) {
		ack_code(s, FP_ERR_UPLOAD, now);
		return;
	}
	ack_code(s, FP_OK, now);
	finger_template(s->id[b], t, n);
	for (off = 0; off < n; off += k)
		queue(s, off + k < n ? FP_PID_DATA : FP_PID_END, t + off, off + k < n ? k : n - off,
		    now);
}

static void
sys_para(struct sim_fp *s, int64_t now)
{
	uint8_t p[16] = {
		0x00, 0x00,		/* status register */
		0x00, 0x00,		/* system identifier code */
		(uint8_t)(s->m->pages >> 8), (uint8_t)s->m->pages,	/* library size */
		(uint8_t)(s->security >> 8), (uint8_t)s->security,	/* security level */
		0xff, 0xff, 0xff, 0xff,	/* device address */
		(uint8_t)(s->packet_code >> 8), (uint8_t)s->packet_code,	/* 0 … 3: 32 … 256 */
		(uint8_t)(s->baud_n >> 8), (uint8_t)s->baud_n,	/* baud: N x 9600 */
	};

	ack(s, FP_OK, p, sizeof p, now);
}

/* SetSysPara: parameter number 4 (baud N), 5 (security level), 6 (packet size code). */
static void
set_sys_para(struct sim_fp *s, uint8_t no, uint8_t v, int64_t now)
{
	if (no == 4 && v >= 1 && v <= 12)
		s->baud_n = v;
	else if (no == 5 && v >= 1 && v <= 5)
		s->security = v;
	else if (no == 6 && v <= 3)
		s->packet_code = v;
	else {
		ack_code(s, FP_ERR_REGISTER, now);
		return;
	}
	ack_code(s, FP_OK, now);
}

static void
template_num(struct sim_fp *s, int64_t now)
{
	uint8_t p[2];
	unsigned n = 0;
	int i;

	for (i = 0; i < s->m->pages; i++)
		n += (unsigned)s->used[i];
	p[0] = (uint8_t)(n >> 8);
	p[1] = (uint8_t)n;
	ack(s, FP_OK, p, 2, now);
}

/* ReadIndexTable: 32 bytes, bit i of byte j is slot 256 x page + 8 x j + i. */
static void
index_table(struct sim_fp *s, unsigned page, int64_t now)
{
	uint8_t t[32];
	int i, slot;

	if (page > 3) {
		ack_code(s, FP_ERR_PAGE, now);
		return;
	}
	memset(t, 0, sizeof t);
	for (i = 0; i < FP_INDEX_PAGE; i++) {
		slot = (int)page * FP_INDEX_PAGE + i;
		if (slot < s->m->pages && s->used[slot])
			t[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	ack(s, FP_OK, t, sizeof t, now);
}

static void
random_code(struct sim_fp *s, int64_t now)
{
	uint8_t p[4];

	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 17;
	s->rng ^= s->rng << 5;
	p[0] = (uint8_t)(s->rng >> 24);
	p[1] = (uint8_t)(s->rng >> 16);
	p[2] = (uint8_t)(s->rng >> 8);
	p[3] = (uint8_t)s->rng;
	ack(s, FP_OK, p, 4, now);
}

static void
notepad(struct sim_fp *s, const uint8_t *c, size_t n, int64_t now)
{
	if (c[1] >= SIM_NOTEPAD) {
		ack_code(s, FP_ERR_NOTEPAD, now);
		return;
	}
	if (c[0] == FP_INS_WRITENOTEPAD) {
		memcpy(s->notepad[c[1]], c + 2, n - 2);
		ack_code(s, FP_OK, now);
		return;
	}
	ack(s, FP_OK, s->notepad[c[1]], 32, now);
}

/* ReadProdInfo (R503 manual v1.2.2): model 16, batch 4, serial 8, hardware 2, sensor 8,
 * width 2, height 2, template size 2, library size 2; strings padded with 00. */
static void
prod_info(struct sim_fp *s, int64_t now)
{
	uint8_t p[FP_PRODINFO_LEN];

	memset(p, 0, sizeof p);
	memcpy(p, "R503", 4);
	memcpy(p + 16, "SIM1", 4);
	memcpy(p + 20, "00000001", 8);
	p[28] = 1;
	p[29] = 2;
	memcpy(p + 30, "SIM192", 6);
	p[39] = 192;		/* 192 x 192 pixels */
	p[41] = 192;
	p[42] = (uint8_t)(s->m->tpl >> 8);
	p[43] = (uint8_t)s->m->tpl;
	p[44] = (uint8_t)(s->m->pages >> 8);
	p[45] = (uint8_t)s->m->pages;
	ack(s, FP_OK, p, sizeof p, now);
}

/* Power on (or SoftRst): the RAM buffers and the image are lost, the flash (library,
 * password, parameters) stays; the module takes SIM_BOOT_MS to be ready. */
static void
power_on(struct sim_fp *s)
{
	s->booting = 1;
	s->ready_at = 0;
	s->image = 0;
	memset(s->valid, 0, sizeof s->valid);
	s->downloading = 0;
}

/* The parameter bytes each instruction takes; -1 for one the model does not know. */
static int
param_len(const struct model *m, uint8_t ins)
{
	switch (ins) {
	case FP_INS_GENIMG:
	case FP_INS_MATCH:
	case FP_INS_REGMODEL:
	case FP_INS_EMPTY:
	case FP_INS_READSYSPARA:
	case FP_INS_TEMPLATENUM:
	case FP_INS_GETRANDOM:
		return 0;
	case FP_INS_IMG2TZ:
	case FP_INS_UPCHAR:
	case FP_INS_DOWNCHAR:
	case FP_INS_READINDEX:
	case FP_INS_READNOTEPAD:
		return 1;
	case FP_INS_SETSYSPARA:
		return 2;
	case FP_INS_STORE:
	case FP_INS_LOADCHAR:
		return 3;
	case FP_INS_VFYPWD:
	case FP_INS_SETPWD:
	case FP_INS_DELETCHAR:
		return 4;
	case FP_INS_SEARCH:
	case FP_INS_HISPEEDSEARCH:
		return 5;
	case FP_INS_WRITENOTEPAD:
		return 33;
	case FP_INS_AURALED:
		return m->r503 ? 4 : -1;
	case FP_INS_GETIMAGEEX:
	case FP_INS_CANCEL:
	case FP_INS_CHECKSENSOR:
	case FP_INS_READPRODINFO:
	case FP_INS_SOFTRST:
		return m->r503 ? 0 : -1;
	default:
		return ins == m->handshake ? 0 : -1;
	}
}

/* The character buffer a BufferID names: 1 … the model's count; any other id is buffer 2. */
static int
buffer_of(const struct sim_fp *s, uint8_t id)
{
	return id >= 1 && id <= s->m->buffers ? id : 2;
}

static void
command(struct sim_fp *s, const uint8_t *c, size_t n, int64_t now)
{
	const uint8_t *p = c + 1;
	int want = param_len(s->m, c[0]);
	int b = n > 1 ? buffer_of(s, p[0]) : 1;
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
	case FP_INS_GETIMAGEEX:
		gen_img(s, c[0] == FP_INS_GETIMAGEEX, now);
		break;
	case FP_INS_IMG2TZ:
		img2tz(s, b, now);
		break;
	case FP_INS_MATCH:
		match(s, now);
		break;
	case FP_INS_SEARCH:
	case FP_INS_HISPEEDSEARCH:
		search(s, b, be16(p + 1), be16(p + 3), now);
		break;
	case FP_INS_REGMODEL:
		ack_code(s, same_finger(s) ? FP_OK : FP_ERR_MERGE, now);
		break;
	case FP_INS_STORE:
		store(s, b, be16(p + 1), now);
		break;
	case FP_INS_LOADCHAR:
		load_char(s, b, be16(p + 1), now);
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
	case FP_INS_DELETCHAR:
		delete_char(s, be16(p), be16(p + 2), now);
		break;
	case FP_INS_EMPTY:
		for (i = 0; i < SIM_PAGES_MAX; i++)
			s->used[i] = 0;
		ack_code(s, FP_OK, now);
		break;
	case FP_INS_SETSYSPARA:
		set_sys_para(s, p[0], p[1], now);
		break;
	case FP_INS_READSYSPARA:
		sys_para(s, now);
		break;
	case FP_INS_VFYPWD:
		ack_code(s, ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
		    p[3]) == s->password ? FP_OK : FP_ERR_PASSWORD, now);
		break;
	case FP_INS_SETPWD:
		s->password = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		ack_code(s, FP_OK, now);
		break;
	case FP_INS_GETRANDOM:
		random_code(s, now);
		break;
	case FP_INS_WRITENOTEPAD:
	case FP_INS_READNOTEPAD:
		notepad(s, c, n, now);
		break;
	case FP_INS_TEMPLATENUM:
		template_num(s, now);
		break;
	case FP_INS_READINDEX:
		index_table(s, p[0], now);
		break;
	case FP_INS_AURALED:
		memcpy(s->led, p, 4);
		ack_code(s, FP_OK, now);
		break;
	case FP_INS_READPRODINFO:
		prod_info(s, now);
		break;
	case FP_INS_SOFTRST:
		ack_code(s, FP_OK, now);
		power_on(s);	/* after the answer: 0x55 again when ready */
		break;
	default:		/* Handshake, Cancel, CheckSensor: the module is fine */
		ack_code(s, FP_OK, now);
		break;
	}
}

/* A data packet of a DownChar; the module does not acknowledge them. */
static void
data(struct sim_fp *s, const struct fp_packet *pk, int64_t now)
{
	if (pk->len > s->m->tpl - s->down_len) {
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
	if (pk->pid != FP_PID_COMMAND || pk->len < 1 || s->booting)
		return;
	s->downloading = 0;	/* a command ends a download cut short */
	command(s, pk->content, pk->len, now);
}

static void
set_model(struct sim_fp *s, const struct model *m)
{
	memset(s, 0, sizeof *s);
	s->m = m;
	s->security = 3;
	s->packet_code = 2;	/* 128 bytes, "the value is 128 bytes before delivery" */
	s->baud_n = 6;
	s->rng = 0x2545f491u;
	power_on(s);
}

/* custody-sim starts long after the module was powered: it is ready, and said so. */
static void
sim_init(void *st)
{
	struct sim_fp *s = st;

	set_model(s, &models[0]);
	s->booting = 0;
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_fp *s = st;
	uint64_t bad = s->parser.stats.bad_checksum;

	(void)io;		/* answers leave from tick, after the module's latency */
	if (s->booting)
		return;		/* still initialising: it cannot take commands */
	fp_parser_feed(&s->parser, bytes, n, now, on_packet, s);
	for (; bad < s->parser.stats.bad_checksum; bad++) {
		ack_code(s, s->downloading ? FP_ERR_DOWNLOAD : FP_ERR_PACKET, now);
		s->downloading = 0;
	}
}

/* Ready after booting (and after the answer to a SoftRst has gone): an R503 says so with the
 * single byte 0x55.  Returns when it next wants a tick while booting, else -1. */
static int64_t
boot(struct sim_fp *s, int64_t now, const struct sim_io *io)
{
	static const uint8_t ready = FP_READY;

	if (s->ready_at == 0)
		s->ready_at = now + SIM_BOOT_MS;
	if (s->qn > 0)
		return s->due;
	if (now < s->ready_at)
		return s->ready_at;
	s->booting = 0;
	s->parser.len = 0;
	if (s->m->r503)
		io->send(io->arg, &ready, 1);
	return -1;
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_fp *s = st;
	struct frame out[SIM_QUEUE];
	int i, n;
	int64_t next;

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
	if (s->booting && (next = boot(s, now, io)) >= 0)
		return next;
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
	if (*argv[1] == '\0' || *end != '\0' || page < 0 || page >= s->m->pages) {
		snprintf(err, errsz, _("fingerprint: page \"%s\" is not 0 to %d"), argv[1],
		    s->m->pages - 1);
		return -1;
	}
	s->used[page] = 1;
	s->page[page] = finger_id(argv[2]);
	return 0;
}

static int
put_model(struct sim_fp *s, int argc, char **argv, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; argc == 2 && i < sizeof models / sizeof models[0]; i++)
		if (strcmp(argv[1], models[i].name) == 0) {
			set_model(s, &models[i]);
			return 0;
		}
	snprintf(err, errsz, _("fingerprint: the model is as608, r307 or r503, as in: model r503"));
	return -1;
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
	if (strcmp(argv[0], "model") == 0)
		return put_model(s, argc, argv, err, errsz);
	if ((strcmp(argv[0], "lift") == 0 || strcmp(argv[0], "poor") == 0 ||
	    strcmp(argv[0], "reset") == 0) && argc != 1) {
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
	if (strcmp(argv[0], "reset") == 0) {
		s->qn = 0;	/* what it was saying is lost with the power */
		power_on(s);
		return 0;
	}
	snprintf(err, errsz, _("fingerprint: unknown command \"%s\""), argv[0]);
	return -1;
}

/* The last AuraLedConfig the module took (control, speed, colour, count), for tests. */
void
sim_fingerprint_led(const void *st, uint8_t out[4])
{
	memcpy(out, ((const struct sim_fp *)st)->led, 4);
}

/* Answers lost because the queue was full, for tests. */
uint64_t
sim_fingerprint_dropped(const void *st)
{
	return ((const struct sim_fp *)st)->dropped;
}

const struct sim_device sim_fingerprint = {
	.name = "fingerprint",
	.baud = 57600,
	.state_size = sizeof(struct sim_fp),
	.usage = "fingerprint press FINGER\nfingerprint tap FINGER\nfingerprint lift\n"
	    "fingerprint poor\nfingerprint library PAGE FINGER\n"
	    "fingerprint model as608|r307|r503\nfingerprint reset\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};

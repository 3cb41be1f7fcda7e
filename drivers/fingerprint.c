/*
 * The R30x / ZFM / AS608 / R503 fingerprint module: the packet parser and encoders, and the
 * driver that walks enrolment, search and 1:1 match through the module's instructions.
 */
#include <stdio.h>
#include <string.h>

#include "fingerprint.h"

#define HDR0 0xef
#define HDR1 0x01

/* ---- packets ---- */

void
fp_parser_init(struct fp_parser *p)
{
	memset(p, 0, sizeof *p);
}

static int
pid_known(uint8_t pid)
{
	return pid == FP_PID_COMMAND || pid == FP_PID_DATA || pid == FP_PID_ACK ||
	    pid == FP_PID_END;
}

/*
 * What buf[0..len) holds: 0 the start of a packet not yet whole, the size of a whole packet,
 * -1 when the header is wrong (outside any packet), -2 when a later field is impossible.
 * The length field is bounded before anything waits on it.
 */
static long
frame_check(const struct fp_parser *p)
{
	size_t i, need;

	if (p->buf[0] != HDR0 || (p->len >= 2 && p->buf[1] != HDR1))
		return -1;
	for (i = 2; i < 6 && i < p->len; i++)
		if (p->buf[i] != 0xff)
			return -2;	/* another module's address, or noise */
	if (p->len >= 7 && !pid_known(p->buf[6]))
		return -2;
	if (p->len < 9)
		return 0;
	need = (size_t)p->buf[7] << 8 | p->buf[8];
	if (need < 2 || need > FP_CONTENT_MAX + 2)
		return -2;
	if (p->len < 9 + need)
		return 0;
	return (long)(9 + need);
}

static uint16_t
sum16(const uint8_t *b, size_t n)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += b[i];
	return (uint16_t)s;
}

static void
drop(struct fp_parser *p, size_t n)
{
	memmove(p->buf, p->buf + n, p->len - n);
	p->len -= n;
}

/* After a bad packet: keep what follows its first byte from the next header on. */
static void
resync(struct fp_parser *p)
{
	size_t i;

	for (i = 1; i < p->len; i++)
		if (p->buf[i] == HDR0 && (i + 1 == p->len || p->buf[i + 1] == HDR1))
			break;
	drop(p, i);
}

/* A packet dropped after a whole address and PID of an acknowledgement: an answer lost. */
static void
lost_ack(struct fp_parser *p)
{
	if (p->len >= 7 && p->buf[2] == 0xff && p->buf[3] == 0xff && p->buf[4] == 0xff &&
	    p->buf[5] == 0xff && p->buf[6] == FP_PID_ACK)
		p->acks_lost++;
}

static void
process(struct fp_parser *p, int64_t now, fp_packet_fn *fn, void *arg)
{
	struct fp_packet pk;
	size_t skip;
	long r;

	for (;;) {
		for (skip = 0; skip < p->len && p->buf[skip] != HDR0; skip++)
			continue;
		p->stats.garbage += skip;
		drop(p, skip);
		if (p->len == 0)
			return;
		r = frame_check(p);
		if (r == 0)
			return;
		if (r == -1) {
			p->stats.garbage++;
			drop(p, 1);
			continue;
		}
		if (r == -2) {
			p->stats.bad_frame++;
			lost_ack(p);
			resync(p);
			continue;
		}
		if (sum16(p->buf + 6, (size_t)r - 8) !=
		    (uint16_t)(p->buf[r - 2] << 8 | p->buf[r - 1])) {
			p->stats.bad_checksum++;
			lost_ack(p);
			resync(p);
			continue;
		}
		pk.pid = p->buf[6];
		pk.len = (size_t)r - 11;
		memcpy(pk.content, p->buf + 9, pk.len);
		drop(p, (size_t)r);
		p->stats.frames++;
		fn(arg, &pk, now);	/* may feed us again: our state is whole by now */
	}
}

void
fp_parser_feed(struct fp_parser *p, const uint8_t *bytes, size_t n, int64_t now,
    fp_packet_fn *fn, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p->len >= sizeof p->buf)	/* cannot happen: frame_check bounds it */
			p->len = 0;
		p->buf[p->len++] = bytes[i];
		p->last = now;
		process(p, now, fn, arg);
	}
}

int64_t
fp_parser_expire(struct fp_parser *p, int64_t now, fp_packet_fn *fn, void *arg)
{
	while (p->len > 0 && now - p->last >= FP_GAP_MS) {
		p->stats.bad_frame++;	/* half a packet, and the line went quiet */
		lost_ack(p);
		resync(p);	/* a whole packet may have followed it */
		process(p, now, fn, arg);
	}
	return p->len > 0 ? p->last + FP_GAP_MS : -1;
}

size_t
fp_encode(uint8_t pid, const uint8_t *content, size_t n, uint8_t *out, size_t outsz)
{
	uint16_t s;

	if (n > FP_CONTENT_MAX || outsz < n + 11)
		return 0;
	out[0] = HDR0;
	out[1] = HDR1;
	out[2] = out[3] = out[4] = out[5] = 0xff;
	out[6] = pid;
	out[7] = (uint8_t)((n + 2) >> 8);
	out[8] = (uint8_t)(n + 2);
	if (n > 0)
		memcpy(out + 9, content, n);
	s = sum16(out + 6, n + 3);
	out[9 + n] = (uint8_t)(s >> 8);
	out[10 + n] = (uint8_t)s;
	return n + 11;
}

/* The first byte of content (instruction or confirmation code), then params. */
static size_t
encode_with(uint8_t pid, uint8_t first, const uint8_t *params, size_t n, uint8_t *out,
    size_t outsz)
{
	uint8_t c[FP_CONTENT_MAX];

	if (n + 1 > sizeof c)
		return 0;
	c[0] = first;
	if (n > 0)
		memcpy(c + 1, params, n);
	return fp_encode(pid, c, n + 1, out, outsz);
}

size_t
fp_encode_command(uint8_t ins, const uint8_t *params, size_t n, uint8_t *out, size_t outsz)
{
	return encode_with(FP_PID_COMMAND, ins, params, n, out, outsz);
}

size_t
fp_encode_ack(uint8_t code, const uint8_t *params, size_t n, uint8_t *out, size_t outsz)
{
	return encode_with(FP_PID_ACK, code, params, n, out, outsz);
}

int
fp_quality(int score)
{
	if (score < 0)
		return 0;
	return score >= 200 ? 100 : score / 2;
}

/* ---- the driver ---- */

enum fp_job { J_NONE, J_START, J_ENROLL, J_SEARCH, J_MATCH, J_COUNT, J_EMPTY };

enum fp_step {
	S_IDLE,
	S_VFY, S_SYSPARA, S_PRODINFO, S_LEDPROBE, S_COUNT, S_EMPTY,
	S_INDEX,		/* ReadIndexTable for a free page */
	S_LED,			/* AuraLedConfig during a capture, then led_next */
	S_FINGER,		/* GenImg until 00 */
	S_LIFT,			/* GenImg until 02 */
	S_TZ, S_MATCH, S_REG, S_STORE, S_UPCHAR,
	S_UPDATA,		/* the template's data packets */
	S_SEARCH, S_DOWNCHAR
};

enum fp_led { LED_UNKNOWN, LED_YES, LED_NO };

struct fingerprint;
struct dev_io;
typedef void fp_next_fn(struct fingerprint *f, int64_t now, const struct dev_io *io);

struct fingerprint {
	struct fp_parser parser;
	enum fp_led led;	/* does the module take AuraLedConfig (R503)? */
	fp_next_fn *led_next;	/* what follows the LED command */
	enum dev_finger_what pend_what;	/* the result that waits for its LED colour */
	struct dev_finger pend;
	int index_page;		/* ReadIndexTable page asked for */
	size_t tpl_size;	/* template bytes, from ReadProdInfo; 0 while unknown */
	enum fp_job job;
	enum fp_step step;
	int press;		/* 1 or 2; 0 while waiting for a clear sensor */
	int told_lift;		/* FP_LIFT was emitted for a finger left on the sensor */
	int page;
	int quality;
	int score;		/* Match between the two presses */
	int tries;		/* sends of cmd */
	uint64_t acks_lost;	/* the parser's acks_lost when cmd was last sent */
	int missed;		/* deadlines passed with the module silent since it last spoke */
	int64_t deadline;	/* cmd's answer is due; -1 when no answer is awaited */
	int64_t wait_ms;	/* cmd's answer time */
	int64_t poll_at;	/* next GenImg while a person acts; -1 none */
	int64_t person_until;	/* the person has until then to place or lift */
	uint64_t drops;		/* the parser's drops when the upload began */
	int overflow;
	enum fp_step cmd_step;	/* the step cmd starts, for a resend */
	uint8_t cmd[32];
	size_t cmd_len;
	size_t data_size;	/* bytes per data packet */
	int library;		/* pages, from ReadSysPara; 1000 until it answers */
	int want_page;		/* the enrolment's page, or FP_PAGE_FREE */
	size_t tpl_len;
	uint8_t tpl[FP_TPL_MAX];
};

struct ctx {
	struct fingerprint *f;
	const struct dev_io *io;
};

static void
emit_finger(const struct dev_io *io, int64_t now, enum dev_finger_what what,
    const struct dev_finger *with)
{
	struct dev_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_FINGER;
	ev.ts = now;
	if (with)
		ev.finger = *with;
	ev.finger.what = what;
	ev.code = ev.finger.code;
	io->emit(io->arg, &ev);
}

static void
emit_error(const struct dev_io *io, int64_t now, int code, const char *text)
{
	struct dev_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_ERROR;
	ev.ts = now;
	ev.code = code;
	snprintf(ev.text, sizeof ev.text, "%s", text);
	io->emit(io->arg, &ev);
}

static void
finish(struct fingerprint *f)
{
	f->job = J_NONE;
	f->step = S_IDLE;
	f->deadline = -1;
	f->poll_at = -1;
	f->missed = 0;
}

static void send_cmd(struct fingerprint *f, enum fp_step step, uint8_t ins,
    const uint8_t *params, size_t n, int64_t now, const struct dev_io *io);

/*
 * The ring of an R503 (AuraLedConfig, manual v1.2.2): breathing blue while a finger is awaited,
 * green or red flashes for the result.  A module that refused it at start gets none, and the
 * request goes on at once.
 */
static void
led_then(struct fingerprint *f, uint8_t ctrl, uint8_t colour, fp_next_fn *next, int64_t now,
    const struct dev_io *io)
{
	uint8_t q[4];

	if (f->led != LED_YES) {
		next(f, now, io);
		return;
	}
	q[0] = ctrl;
	q[1] = ctrl == FP_LED_BREATHING ? 0x80 : 0x20;	/* speed */
	q[2] = colour;
	q[3] = ctrl == FP_LED_BREATHING ? 0 : 3;	/* 0: for ever; flashes: three */
	f->led_next = next;
	send_cmd(f, S_LED, FP_INS_AURALED, q, sizeof q, now, io);
}

static void
emit_pending(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	struct dev_finger d = f->pend;

	finish(f);	/* before the event: its handler may make the next request */
	emit_finger(io, now, f->pend_what, &d);
}

/* A capture's result: its colour on the ring first, then the event. */
static void
conclude(struct fingerprint *f, enum dev_finger_what what, const struct dev_finger *d,
    int64_t now, const struct dev_io *io)
{
	int good = what == FP_ENROLLED || what == FP_FOUND || what == FP_MATCH;

	f->pend = *d;
	f->pend_what = what;
	led_then(f, FP_LED_FLASHING, good ? FP_LED_GREEN : FP_LED_RED, emit_pending, now, io);
}

static void
fail(struct fingerprint *f, uint8_t code, int64_t now, const struct dev_io *io)
{
	struct dev_finger d;

	enum fp_job job = f->job;

	if (job == J_START) {
		finish(f);
		emit_error(io, now, code, code == FP_ERR_NO_ANSWER ? "no answer" :
		    code == FP_ERR_PASSWORD ? "wrong password" : "refused");
		return;
	}
	memset(&d, 0, sizeof d);
	d.code = code;
	d.page = f->page;
	if (code == FP_ERR_NO_ANSWER || job == J_COUNT || job == J_EMPTY) {
		f->pend = d;
		f->pend_what = FP_FAILED;
		emit_pending(f, now, io);	/* a silent module gets no LED command */
		return;
	}
	conclude(f, FP_FAILED, &d, now, io);
}

static int64_t
answer_ms(uint8_t ins)
{
	return ins == FP_INS_SEARCH || ins == FP_INS_STORE || ins == FP_INS_EMPTY ? FP_SLOW_MS :
	    FP_ANSWER_MS;
}

/* State first, bytes last: the line may answer before write returns. */
static void
send_cmd(struct fingerprint *f, enum fp_step step, uint8_t ins, const uint8_t *params,
    size_t n, int64_t now, const struct dev_io *io)
{
	f->cmd_len = fp_encode_command(ins, params, n, f->cmd, sizeof f->cmd);
	f->step = f->cmd_step = step;
	f->tries = 1;
	f->wait_ms = answer_ms(ins);
	f->deadline = now + f->wait_ms;
	f->poll_at = -1;
	f->acks_lost = f->parser.acks_lost;
	io->write(io->arg, f->cmd, f->cmd_len);
}

static void
resend(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	f->step = f->cmd_step;
	f->tries++;
	f->deadline = now + f->wait_ms;
	f->acks_lost = f->parser.acks_lost;
	io->write(io->arg, f->cmd, f->cmd_len);
}

/*
 * The answer we wait for came damaged (its header said so): no other is coming, so the
 * command goes again now, not at its deadline; up to FP_TRIES sends, as for a timeout.
 */
static void
answer_lost(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	if (f->parser.acks_lost == f->acks_lost || f->deadline < 0 || f->step == S_UPDATA)
		return;
	f->acks_lost = f->parser.acks_lost;
	if (f->tries < FP_TRIES)
		resend(f, now, io);
}

static void
send_simple(struct fingerprint *f, enum fp_step step, uint8_t ins, int64_t now,
    const struct dev_io *io)
{
	send_cmd(f, step, ins, NULL, 0, now, io);
}

static void
send_buffer(struct fingerprint *f, enum fp_step step, uint8_t ins, uint8_t buffer, int64_t now,
    const struct dev_io *io)
{
	send_cmd(f, step, ins, &buffer, 1, now, io);
}

/* Asks a person to place the finger (press n), then polls GenImg. */
static void
want_finger(struct fingerprint *f, int press, int64_t now, const struct dev_io *io)
{
	struct dev_finger d;

	memset(&d, 0, sizeof d);
	d.press = press;
	d.page = f->page;
	f->press = press;
	f->person_until = now + FP_FINGER_MS;
	emit_finger(io, now, FP_PLACE, &d);
	send_simple(f, S_FINGER, FP_INS_GENIMG, now, io);
}

static void
want_lift(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	f->person_until = now + FP_FINGER_MS;
	emit_finger(io, now, FP_LIFT, NULL);
	send_simple(f, S_LIFT, FP_INS_GENIMG, now, io);
}

/*
 * A search or a match starts on a clear sensor: a press counts only when it began after the
 * request, so a finger still lying there from the last signature cannot sign the next document.
 */
static void
want_clear(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	f->press = 0;
	f->told_lift = 0;
	f->person_until = now + FP_FINGER_MS;
	send_simple(f, S_LIFT, FP_INS_GENIMG, now, io);
}

/* GenImg answered 02 (or 00 while waiting for a lift): ask again soon, unless time is up. */
static void
poll_again(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	if (now >= f->person_until) {
		fail(f, FP_ERR_TIMEOUT, now, io);
		return;
	}
	f->deadline = -1;
	f->poll_at = now + FP_POLL_MS;
}

static void
send_search(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	uint8_t q[5];

	q[0] = 1;		/* CharBuffer1, from page 0 over the whole library */
	q[1] = 0;
	q[2] = 0;
	q[3] = (uint8_t)(f->library >> 8);
	q[4] = (uint8_t)f->library;
	send_cmd(f, S_SEARCH, FP_INS_SEARCH, q, sizeof q, now, io);
}

static void
send_store(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	uint8_t q[3];

	q[0] = 1;
	q[1] = (uint8_t)(f->page >> 8);
	q[2] = (uint8_t)f->page;
	send_cmd(f, S_STORE, FP_INS_STORE, q, sizeof q, now, io);
}

/* DownChar was accepted: the template goes out in data packets, the last one 08. */
static void
send_template(struct fingerprint *f, const struct dev_io *io)
{
	uint8_t pk[FP_PACKET_MAX];
	size_t off, n, len;

	for (off = 0; off < f->tpl_len; off += n) {
		n = f->tpl_len - off < f->data_size ? f->tpl_len - off : f->data_size;
		len = fp_encode(off + n < f->tpl_len ? FP_PID_DATA : FP_PID_END, f->tpl + off, n,
		    pk, sizeof pk);
		io->write(io->arg, pk, len);
	}
}

static void
got_syspara(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	static const size_t sizes[4] = { 32, 64, 128, 256 };
	struct dev_event ev;
	unsigned code = (unsigned)c[13] << 8 | c[14];

	f->library = c[5] << 8 | c[6];
	if (f->library == 0)
		f->library = 1000;
	f->data_size = code < 4 ? sizes[code] : FP_DATA_SIZE;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_INFO;
	ev.ts = now;
	snprintf(ev.text, sizeof ev.text,
	    "fingerprint module %02X%02X%02X%02X: library %d, security level %d, %zu-byte packets",
	    c[9], c[10], c[11], c[12], f->library, c[7] << 8 | c[8], f->data_size);
	io->emit(io->arg, &ev);
}

/* ReadProdInfo (R503): the module's own template size bounds every upload. */
static void
got_prodinfo(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	struct dev_event ev;
	char model[17];
	size_t i;

	f->tpl_size = (size_t)c[43] << 8 | c[44];
	for (i = 0; i < 16 && c[1 + i] >= 0x20 && c[1 + i] < 0x7f; i++)
		model[i] = (char)c[1 + i];
	model[i] = '\0';
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_INFO;
	ev.ts = now;
	if (f->tpl_size == 0 || f->tpl_size > FP_TPL_MAX)
		snprintf(ev.text, sizeof ev.text, "fingerprint module %.16s: %zu-byte templates, "
		    "not 1 to %d", model, f->tpl_size, FP_TPL_MAX);
	else
		snprintf(ev.text, sizeof ev.text, "fingerprint module %.16s: %zu-byte templates",
		    model, f->tpl_size);
	io->emit(io->arg, &ev);
}

/* The first free page of the index table's page f->index_page, or -1. */
static int
free_slot(const struct fingerprint *f, const uint8_t *bits)
{
	int i, slot;

	for (i = 0; i < FP_INDEX_PAGE; i++) {
		slot = f->index_page * FP_INDEX_PAGE + i;
		if (slot >= f->library)
			return -1;
		if (!(bits[i / 8] & (1u << (i % 8))))	/* bit i of byte i/8, low bit first */
			return slot;
	}
	return -1;
}

static void
send_index(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	uint8_t page = (uint8_t)f->index_page;

	send_cmd(f, S_INDEX, FP_INS_READINDEX, &page, 1, now, io);
}

static void enroll_begins(struct fingerprint *f, int64_t now, const struct dev_io *io);

static void
got_index(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	int slot = free_slot(f, c + 1);

	if (slot >= 0) {
		f->page = slot;
		enroll_begins(f, now, io);
	} else if (++f->index_page < 4 && f->index_page * FP_INDEX_PAGE < f->library)
		send_index(f, now, io);
	else
		fail(f, FP_ERR_FULL, now, io);
}

static void
got_count(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	struct dev_finger d;

	memset(&d, 0, sizeof d);
	d.count = c[1] << 8 | c[2];
	finish(f);
	emit_finger(io, now, FP_COUNT, &d);
}

/* The content an acknowledgement of step must carry: code and parameters. */
static size_t
ack_len(enum fp_step step)
{
	switch (step) {
	case S_SYSPARA:
		return 17;
	case S_PRODINFO:
		return 1 + FP_PRODINFO_LEN;
	case S_INDEX:
		return 33;
	case S_COUNT:
	case S_MATCH:
		return 3;
	case S_SEARCH:
		return 5;
	default:
		return 1;
	}
}

static void
after_image(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	if (f->job == J_ENROLL && f->press == 1)
		want_lift(f, now, io);
	else if (f->job == J_SEARCH)
		send_search(f, now, io);
	else
		send_cmd(f, S_MATCH, FP_INS_MATCH, NULL, 0, now, io);
}

static void
got_match(struct fingerprint *f, uint8_t code, int score, int64_t now, const struct dev_io *io)
{
	struct dev_finger d;

	if (code != FP_OK && code != FP_ERR_NOMATCH) {
		fail(f, code, now, io);
		return;
	}
	if (f->job == J_ENROLL) {
		/* 08 here means the presses differ: RegModel will say so with 0A */
		f->score = code == FP_OK ? score : 0;
		f->quality = fp_quality(f->score);
		send_simple(f, S_REG, FP_INS_REGMODEL, now, io);
		return;
	}
	memset(&d, 0, sizeof d);
	d.score = score;
	conclude(f, code == FP_OK ? FP_MATCH : FP_NO_MATCH, &d, now, io);
}

static void
got_search(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	struct dev_finger d;

	if (c[0] != FP_OK && c[0] != FP_ERR_NOTFOUND) {
		fail(f, c[0], now, io);
		return;
	}
	memset(&d, 0, sizeof d);
	if (c[0] == FP_OK) {
		d.page = c[1] << 8 | c[2];
		d.score = c[3] << 8 | c[4];
	}
	conclude(f, c[0] == FP_OK ? FP_FOUND : FP_NOT_FOUND, &d, now, io);
}

static void
upload_begins(struct fingerprint *f, int64_t now)
{
	f->step = S_UPDATA;
	f->tpl_len = 0;
	f->overflow = 0;
	f->drops = f->parser.stats.bad_checksum + f->parser.stats.bad_frame;
	f->deadline = now + FP_ANSWER_MS;
}

/*
 * The answers that do not end a request when refused: ReadSysPara, ReadProdInfo and the LED
 * probe at start (clones and older modules lack them: FC, or silence), and the LED during a
 * capture.  code is FP_ERR_NO_ANSWER when the module said nothing.
 */
static void
optional_answer(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	static const uint8_t off[4] = { FP_LED_OFF, 0, FP_LED_BLUE, 0 };

	switch (f->step) {
	case S_SYSPARA:
		if (c[0] == FP_OK)
			got_syspara(f, c, now, io);
		send_simple(f, S_PRODINFO, FP_INS_READPRODINFO, now, io);
		break;
	case S_PRODINFO:
		if (c[0] == FP_OK)
			got_prodinfo(f, c, now, io);
		send_cmd(f, S_LEDPROBE, FP_INS_AURALED, off, sizeof off, now, io);
		break;
	case S_LEDPROBE:
		f->led = c[0] == FP_OK ? LED_YES : LED_NO;
		send_simple(f, S_COUNT, FP_INS_TEMPLATENUM, now, io);
		break;
	default:		/* S_LED */
		if (c[0] != FP_OK)
			f->led = LED_NO;	/* and the request goes on without it */
		f->led_next(f, now, io);
		break;
	}
}

/* An answer to cmd whose code is not "no finger" where that is expected. */
static void
got_ack(struct fingerprint *f, const uint8_t *c, int64_t now, const struct dev_io *io)
{
	uint8_t code = c[0];

	if (f->step == S_FINGER || f->step == S_LIFT) {
		if (f->step == S_LIFT && code == FP_OK && f->press == 0 && !f->told_lift) {
			f->told_lift = 1;	/* a finger left there: ask for it to go */
			emit_finger(io, now, FP_LIFT, NULL);
		}
		if (f->step == S_FINGER ? code == FP_ERR_NOFINGER : code == FP_OK)
			poll_again(f, now, io);
		else if (f->step == S_LIFT && code == FP_ERR_NOFINGER)
			want_finger(f, f->press + 1, now, io);
		else if (code == FP_OK)
			send_buffer(f, S_TZ, FP_INS_IMG2TZ, (uint8_t)f->press, now, io);
		else
			fail(f, code, now, io);
		return;
	}
	if (f->step == S_MATCH) {
		got_match(f, code, c[1] << 8 | c[2], now, io);
		return;
	}
	if (f->step == S_SEARCH) {
		got_search(f, c, now, io);
		return;
	}
	if (f->step == S_SYSPARA || f->step == S_PRODINFO || f->step == S_LEDPROBE ||
	    f->step == S_LED) {
		optional_answer(f, c, now, io);
		return;
	}
	if (code != FP_OK) {
		fail(f, code, now, io);
		return;
	}
	switch (f->step) {
	case S_VFY:
		send_simple(f, S_SYSPARA, FP_INS_READSYSPARA, now, io);
		break;
	case S_COUNT:
		got_count(f, c, now, io);
		break;
	case S_EMPTY:
		send_simple(f, S_COUNT, FP_INS_TEMPLATENUM, now, io);
		break;
	case S_TZ:
		after_image(f, now, io);
		break;
	case S_REG:
		send_store(f, now, io);
		break;
	case S_STORE:
		send_buffer(f, S_UPCHAR, FP_INS_UPCHAR, 1, now, io);
		break;
	case S_INDEX:
		got_index(f, c, now, io);
		break;
	case S_UPCHAR:
		upload_begins(f, now);
		break;
	case S_DOWNCHAR:
		f->deadline = -1;
		send_template(f, io);
		want_clear(f, now, io);
		break;
	default:
		break;
	}
}

/* An upload's bound: the template size the module gave, else the largest we hold. */
static size_t
upload_max(const struct fingerprint *f)
{
	return f->tpl_size > 0 && f->tpl_size < FP_TPL_MAX ? f->tpl_size : FP_TPL_MAX;
}

static void
got_data(struct fingerprint *f, const struct fp_packet *pk, int64_t now,
    const struct dev_io *io)
{
	struct dev_finger d;
	size_t n = pk->len;

	if (f->step != S_UPDATA)
		return;		/* the rest of an upload we gave up on */
	if (n > upload_max(f) - f->tpl_len) {
		n = upload_max(f) - f->tpl_len;
		f->overflow = 1;
	}
	memcpy(f->tpl + f->tpl_len, pk->content, n);
	f->tpl_len += n;
	f->deadline = now + FP_ANSWER_MS;
	if (pk->pid != FP_PID_END)
		return;
	if (f->overflow) {
		fail(f, FP_ERR_UPLOAD, now, io);	/* larger than the module's template */
		return;
	}
	if (f->parser.stats.bad_checksum + f->parser.stats.bad_frame != f->drops) {
		if (f->tries < FP_TRIES)	/* a packet of it was lost: ask again */
			resend(f, now, io);
		else
			fail(f, FP_ERR_UPLOAD, now, io);
		return;
	}
	memset(&d, 0, sizeof d);
	d.page = f->page;
	d.quality = f->quality;
	d.score = f->score;
	d.tpl = f->tpl;
	d.tpl_len = f->tpl_len;
	conclude(f, FP_ENROLLED, &d, now, io);
}

static void
on_packet(void *arg, const struct fp_packet *pk, int64_t now)
{
	struct ctx *x = arg;
	struct fingerprint *f = x->f;

	f->missed = 0;		/* the module speaks */
	if (pk->pid == FP_PID_DATA || pk->pid == FP_PID_END) {
		got_data(f, pk, now, x->io);
		return;
	}
	if (pk->pid != FP_PID_ACK || f->deadline < 0 || f->step == S_UPDATA)
		return;		/* not ours to answer, or late */
	if (pk->len < 1 || (pk->len < ack_len(f->step) &&
	    (pk->content[0] == FP_OK || f->step == S_MATCH))) {
		f->parser.stats.bad_frame++;	/* too short for what it answers */
		return;
	}
	if (pk->content[0] == FP_ERR_PACKET && f->tries < FP_TRIES) {
		resend(f, now, x->io);	/* the module got our packet wrong */
		return;
	}
	f->deadline = -1;
	got_ack(f, pk->content, now, x->io);
}

/* Two presses with a lift between: deliberate. */
static void
press_one(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	want_finger(f, 1, now, io);
}

static void
enroll_begins(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	led_then(f, FP_LED_BREATHING, FP_LED_BLUE, press_one, now, io);
}

static void
send_downchar(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	send_buffer(f, S_DOWNCHAR, FP_INS_DOWNCHAR, 2, now, io);
}

static void
driver_start(void *st, int64_t now, const struct dev_io *io)
{
	struct fingerprint *f = st;
	static const uint8_t password[4] = { 0, 0, 0, 0 };

	memset(f->parser.buf, 0, sizeof f->parser.buf);
	f->parser.len = 0;	/* a packet cut by an unplug is not finished by the next line */
	if (f->data_size == 0)
		f->data_size = FP_DATA_SIZE;
	if (f->library == 0)
		f->library = 1000;
	f->led = LED_UNKNOWN;
	f->tpl_size = 0;	/* another module may be on the line now */
	finish(f);
	f->job = J_START;
	send_cmd(f, S_VFY, FP_INS_VFYPWD, password, sizeof password, now, io);
}

/*
 * The R503 sends the single byte 0x55 once when it is ready after power-on or SoftRst (manual
 * v1.2.2, "Power-on delay time").  It can be one only when nothing is asked of the module, or
 * while start runs, or when the module fell silent on a request (one that rebooted stopped
 * answering): anywhere else a lone 0x55 is line noise (ASCII 'U') and is counted as garbage.
 */
static int
can_be_ready(const struct fingerprint *f)
{
	return f->job == J_NONE || f->job == J_START || f->missed > 0;
}

/*
 * The module on the line is new, or has lost its buffers: start runs again, and a request
 * under way ends FP_FAILED FF afterwards, so that a request its handler makes finds start
 * under way and is refused.
 */
static void
ready(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	struct dev_finger d;
	enum fp_job job = f->job;

	memset(&d, 0, sizeof d);
	d.code = FP_ERR_NO_ANSWER;
	d.page = f->page;
	driver_start(f, now, io);
	if (job != J_NONE && job != J_START)
		emit_finger(io, now, FP_FAILED, &d);
}

static void
driver_feed(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io)
{
	struct fingerprint *f = st;
	struct ctx x = { st, io };
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (bytes[i] != FP_READY)
			continue;
		fp_parser_feed(&f->parser, bytes + from, i - from, now, on_packet, &x);
		from = i;
		if (f->parser.len > 0 || !can_be_ready(f))
			continue;	/* content of a packet, or garbage to the parser */
		from = i + 1;
		ready(f, now, io);
	}
	fp_parser_feed(&f->parser, bytes + from, n - from, now, on_packet, &x);
	answer_lost(f, now, io);
}
static void
timed_out(struct fingerprint *f, int64_t now, const struct dev_io *io)
{
	static const uint8_t silent[1] = { FP_ERR_NO_ANSWER };

	f->parser.stats.timeouts++;
	f->missed++;
	if (f->step == S_PRODINFO || f->step == S_LEDPROBE || f->step == S_LED) {
		f->deadline = -1;	/* one send: a module without them may stay silent */
		optional_answer(f, silent, now, io);
		return;
	}
	if (f->tries < FP_TRIES)
		resend(f, now, io);
	else
		fail(f, FP_ERR_NO_ANSWER, now, io);
}

static int64_t
earliest(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int64_t
driver_tick(void *st, int64_t now, const struct dev_io *io)
{
	struct fingerprint *f = st;
	struct ctx x = { f, io };
	int64_t next;

	next = fp_parser_expire(&f->parser, now, on_packet, &x);
	answer_lost(f, now, io);
	if (f->deadline >= 0 && now >= f->deadline)
		timed_out(f, now, io);
	if (f->poll_at >= 0 && now >= f->poll_at) {
		f->poll_at = -1;
		send_simple(f, f->step, FP_INS_GENIMG, now, io);
	}
	next = earliest(next, earliest(f->deadline, f->poll_at));
	return next >= 0 && next <= now ? now + 1 : next;
}

static int
driver_request(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io)
{
	struct fingerprint *f = st;

	if (rq->kind == DEV_RQ_CANCEL) {
		finish(f);	/* a late answer finds no step waiting and is ignored */
		return 0;
	}
	if (f->job != J_NONE)
		return -1;
	switch (rq->kind) {
	case DEV_RQ_FP_ENROLL:
		if (rq->page != FP_PAGE_FREE && (rq->page < 0 || rq->page >= f->library))
			return -1;
		f->job = J_ENROLL;
		f->page = rq->page;
		f->quality = 0;
		f->index_page = 0;
		if (rq->page == FP_PAGE_FREE)
			send_index(f, now, io);	/* the module's own table says which is free */
		else
			enroll_begins(f, now, io);
		return 0;
	case DEV_RQ_FP_SEARCH:
		f->job = J_SEARCH;
		f->page = -1;
		led_then(f, FP_LED_BREATHING, FP_LED_BLUE, want_clear, now, io);
		return 0;
	case DEV_RQ_FP_MATCH:
		if (rq->tpl == NULL || rq->tpl_len == 0 || rq->tpl_len > FP_TPL_MAX)
			return -1;
		memcpy(f->tpl, rq->tpl, rq->tpl_len);
		f->tpl_len = rq->tpl_len;
		f->job = J_MATCH;
		f->page = -1;
		led_then(f, FP_LED_BREATHING, FP_LED_BLUE, send_downchar, now, io);
		return 0;
	case DEV_RQ_FP_COUNT:
		f->job = J_COUNT;
		send_simple(f, S_COUNT, FP_INS_TEMPLATENUM, now, io);
		return 0;
	case DEV_RQ_FP_EMPTY:
		f->job = J_EMPTY;
		send_simple(f, S_EMPTY, FP_INS_EMPTY, now, io);
		return 0;
	default:
		return -1;
	}
}

static const struct dev_stats *
driver_stats(const void *st)
{
	return &((const struct fingerprint *)st)->parser.stats;
}

const struct dev_driver fingerprint_driver = {
	.name = "fingerprint",
	.baud = 57600,
	.state_size = sizeof(struct fingerprint),
	.start = driver_start,
	.feed = driver_feed,
	.tick = driver_tick,
	.request = driver_request,
	.stats = driver_stats,
};

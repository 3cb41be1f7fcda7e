/*
 * The PN532 HSU frame reader (a window of unresolved bytes, rescanned after every false start)
 * and the driver that wakes the chip, configures it and polls for ISO 14443A cards.
 */
#include <stdio.h>
#include <string.h>

#include "pn532.h"

const uint8_t pn532_ack[6] = { 0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00 };
const uint8_t pn532_nack[6] = { 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00 };
const uint8_t pn532_error[8] = { 0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00 };
/* HSU wake-up: 0x55 0x55 then zeros, long enough for the chip's oscillator to start. */
const uint8_t pn532_wakeup[PN532_WAKEUP_LEN] = { 0x55, 0x55 };

void
pn532_parser_init(struct pn532_parser *ps)
{
	memset(ps, 0, sizeof *ps);
}

/* Copies the frame out of the window, so that the callback may write, and so feed us again. */
static void
frame_set(struct pn532_frame *f, enum pn532_frame_kind kind, const uint8_t *body, size_t blen,
    uint8_t *copy)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	if (blen > 0) {
		memcpy(copy, body, blen);
		f->tfi = copy[0];
		f->data = copy + 1;
		f->len = blen - 1;
	}
}

/*
 * Resolves the front of the window: returns how many bytes are done with (a frame, a garbage
 * byte, a zero of a preamble or postamble, or a false start code), or 0 when it needs more;
 * *got is set when there is a frame to report.  A false start drops only its 00 FF, so a
 * frame hidden behind a half frame is still found.
 */
static size_t
scan(struct pn532_parser *ps, struct pn532_frame *f, uint8_t *copy, int *got)
{
	const uint8_t *b = ps->buf;
	size_t n = ps->len, head, blen, i;
	uint8_t sum = 0;

	*got = 0;
	if (b[0] != 0x00) {
		ps->stats.garbage++;
		return 1;
	}
	if (n < 2)
		return 0;
	if (b[1] != 0xFF)
		return 1;	/* a zero: preamble, postamble or wake-up padding */
	if (n < 4)
		return 0;
	if ((b[2] == 0x00 && b[3] == 0xFF) || (b[2] == 0xFF && b[3] == 0x00)) {
		ps->stats.frames++;
		frame_set(f, b[2] == 0x00 ? PN532_ACK : PN532_NACK, NULL, 0, copy);
		*got = 1;
		return 4;
	}
	if (b[2] == 0xFF && b[3] == 0xFF) {
		if (n < 7)
			return 0;
		if ((uint8_t)(b[4] + b[5] + b[6]) != 0) {
			ps->stats.bad_checksum++;
			return 2;
		}
		blen = (size_t)b[4] << 8 | b[5];
		head = 7;
	} else {
		if ((uint8_t)(b[2] + b[3]) != 0) {
			ps->stats.bad_checksum++;
			return 2;
		}
		blen = b[2];
		head = 4;
	}
	if (blen == 0 || blen > PN532_BODY_MAX) {
		ps->stats.bad_frame++;	/* never trust a length the chip cannot send */
		return 2;
	}
	if (n < head + blen + 1)
		return 0;
	for (i = 0; i <= blen; i++)
		sum += b[head + i];
	*got = 1;
	if (sum != 0) {
		ps->stats.bad_checksum++;
		frame_set(f, PN532_BAD, NULL, 0, copy);
		return 2;
	}
	if (b[head] != PN532_TFI_HOST && b[head] != PN532_TFI_CHIP &&
	    (b[head] != PN532_TFI_ERROR || blen != 1)) {
		ps->stats.bad_frame++;	/* adds up, but no such frame: a corrupted ACK can */
		frame_set(f, PN532_BAD, NULL, 0, copy);
		return 2;
	}
	ps->stats.frames++;
	frame_set(f, PN532_INFO, b + head, blen, copy);
	return head + blen + 1;	/* the postamble, if it comes, is skipped as a zero */
}

static void
drop(struct pn532_parser *ps, size_t k)
{
	memmove(ps->buf, ps->buf + k, ps->len - k);
	ps->len -= k;
}

/* Reports what the window holds; the window is settled before each report. */
static void
scan_all(struct pn532_parser *ps, pn532_frame_fn *fn, void *arg)
{
	uint8_t copy[PN532_BODY_MAX];
	struct pn532_frame f;
	size_t k;
	int got;

	while (ps->len > 0 && (k = scan(ps, &f, copy, &got)) > 0) {
		drop(ps, k);
		if (got)
			fn(arg, &f);
	}
}

/*
 * The window has waited too long: what is left is a half frame, or holds whole ones.  A half
 * frame is reported as BAD (the driver may NACK for the answer again); last is set first, so
 * that bytes the callback brings in through a new feed are not taken for stale ones.
 */
static void
expire(struct pn532_parser *ps, int64_t now, pn532_frame_fn *fn, void *arg)
{
	struct pn532_frame f;

	ps->last = now;
	for (;;) {
		scan_all(ps, fn, arg);
		if (ps->len == 0)
			return;
		if (ps->len < 2) {
			drop(ps, 1);	/* a lone zero */
			continue;
		}
		ps->stats.bad_frame++;	/* 00 FF and less than its frame */
		drop(ps, 2);
		memset(&f, 0, sizeof f);
		f.kind = PN532_BAD;
		fn(arg, &f);
	}
}

void
pn532_parser_feed(struct pn532_parser *ps, const uint8_t *bytes, size_t n, int64_t now,
    pn532_frame_fn *fn, void *arg)
{
	size_t i;

	if (n == 0)
		return;
	if (ps->len > 0 && now - ps->last > PN532_GAP_MS)
		expire(ps, now, fn, arg);
	ps->last = now;
	for (i = 0; i < n; i++) {
		if (ps->len == sizeof ps->buf) {	/* cannot happen: scan bounds every frame */
			ps->stats.bad_frame++;
			ps->len = 0;
		}
		ps->buf[ps->len++] = bytes[i];
		scan_all(ps, fn, arg);
	}
}

int64_t
pn532_parser_tick(struct pn532_parser *ps, int64_t now, pn532_frame_fn *fn, void *arg)
{
	if (ps->len < 2)
		return -1;	/* nothing, or a zero that may start the next frame */
	if (now - ps->last > PN532_GAP_MS) {
		expire(ps, now, fn, arg);
		return -1;
	}
	return ps->last + PN532_GAP_MS + 1;
}

size_t
pn532_encode_frame(uint8_t tfi, const uint8_t *data, size_t n, uint8_t *out, size_t outsz)
{
	size_t blen = n + 1, k = 0, i;
	uint8_t sum = tfi;

	if (blen > PN532_BODY_MAX || outsz < blen + (blen > 255 ? 10 : 7))
		return 0;
	out[k++] = 0x00;
	out[k++] = 0x00;
	out[k++] = 0xFF;
	if (blen > 255) {
		out[k++] = 0xFF;
		out[k++] = 0xFF;
		out[k++] = (uint8_t)(blen >> 8);
		out[k++] = (uint8_t)blen;
		out[k++] = (uint8_t)-(uint8_t)((blen >> 8) + blen);
	} else {
		out[k++] = (uint8_t)blen;
		out[k++] = (uint8_t)-(uint8_t)blen;
	}
	out[k++] = tfi;
	for (i = 0; i < n; i++) {
		out[k++] = data[i];
		sum += data[i];
	}
	out[k++] = (uint8_t)-sum;
	out[k++] = 0x00;
	return k;
}

/* SENS_RES (ATQA) and SEL_RES (SAK) of a plain card of each UID size (ISO/IEC 14443-3, 6.5.2:
 * ATQA bits 8-7 give the UID size): MIFARE Classic 1K for single size, Ultralight for double,
 * a triple-size card that is neither; none sets SAK bit 6, so no ATS follows. */
size_t
pn532_target_data(const uint8_t *uid, size_t uid_len, uint8_t *d)
{
	if (uid_len != 4 && uid_len != 7 && uid_len != 10)
		return 0;
	d[0] = 1;		/* Tg */
	d[1] = 0x00;
	d[2] = uid_len == 4 ? 0x04 : uid_len == 7 ? 0x44 : 0x84;
	d[3] = uid_len == 4 ? 0x08 : 0x00;
	d[4] = (uint8_t)uid_len;
	memcpy(d + 5, uid, uid_len);
	return 5 + uid_len;
}

size_t
pn532_encode_target(const uint8_t *uid, size_t uid_len, uint8_t *out, size_t outsz)
{
	uint8_t d[7 + PN532_UID_MAX];
	size_t k;

	d[0] = PN532_CMD_LIST_TARGET + 1;
	if (uid_len == 0) {
		d[1] = 0;
		return pn532_encode_frame(PN532_TFI_CHIP, d, 2, out, outsz);
	}
	if ((k = pn532_target_data(uid, uid_len, d + 2)) == 0)
		return 0;
	d[1] = 1;		/* NbTg */
	return pn532_encode_frame(PN532_TFI_CHIP, d, 2 + k, out, outsz);
}

/* The driver. */

struct ctx {
	struct pn532 *p;
	int64_t now;
	const struct dev_io *io;
};

/* The commands of each step, as sent (see docs/devices-pn532.md for the bytes). */
static size_t
step_params(enum pn532_step step, uint8_t *d)
{
	switch (step) {
	case PN532_STEP_SAM:	/* normal mode, virtual-card timeout 1 s, P70_IRQ used */
		d[0] = PN532_CMD_SAM_CONFIG;
		d[1] = 0x01;
		d[2] = 0x14;
		d[3] = 0x01;
		return 4;
	case PN532_STEP_RF:	/* CfgItem 5 MaxRetries: ATR, PSL, one passive retry */
		d[0] = PN532_CMD_RF_CONFIG;
		d[1] = 0x05;
		d[2] = 0xFF;
		d[3] = 0x01;
		d[4] = 0x01;
		return 5;
	case PN532_STEP_FIRMWARE:
		d[0] = PN532_CMD_GET_FIRMWARE;
		return 1;
	case PN532_STEP_POLL:	/* MaxTg 1, BrTy 0: 106 kbps ISO 14443A */
		d[0] = PN532_CMD_LIST_TARGET;
		d[1] = 0x01;
		d[2] = 0x00;
		return 3;
	}
	return 0;
}

/* Writes the command frame, after the HSU wake-up when the chip may be asleep. */
static void
transmit(struct pn532 *p, int wake, int64_t now, const struct dev_io *io)
{
	uint8_t out[PN532_WAKEUP_LEN + sizeof p->cmd];
	size_t k = 0;

	if (wake) {
		memcpy(out, pn532_wakeup, PN532_WAKEUP_LEN);
		k = PN532_WAKEUP_LEN;
	}
	memcpy(out + k, p->cmd, p->cmd_len);
	p->wait = PN532_WAIT_ACK;	/* before the write: the answer may come at once */
	p->deadline = now + PN532_ACK_MS;
	io->write(io->arg, out, k + p->cmd_len);
}

static void
send_step(struct pn532 *p, enum pn532_step step, int wake, int64_t now, const struct dev_io *io)
{
	uint8_t d[8];
	size_t n = step_params(step, d);

	p->step = step;
	p->cmd_len = pn532_encode_frame(PN532_TFI_HOST, d, n, p->cmd, sizeof p->cmd);
	p->sent = now;
	p->nacks = 0;
	transmit(p, wake, now, io);
}

static void
go_idle(struct pn532 *p, int64_t now)
{
	p->wait = PN532_IDLE;
	p->tries = 0;
	p->deadline = p->sent + PN532_POLL_MS;
	if (p->deadline <= now)
		p->deadline = now + 1;
}

static void
emit_text(const struct ctx *c, enum dev_event_kind kind, const char *text, int code)
{
	struct dev_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = kind;
	ev.ts = c->now;
	ev.code = code;
	snprintf(ev.text, sizeof ev.text, "%s", text);
	c->io->emit(c->io->arg, &ev);
}

static void
firmware(const struct ctx *c, const uint8_t *d, size_t n)
{
	char text[DEV_TEXT_MAX];

	if (n < 5) {
		c->p->ps.stats.bad_frame++;
		return;
	}
	snprintf(text, sizeof text, "PN5%02X v%u.%u", d[1], d[2], d[3]);
	emit_text(c, DEV_INFO, text, 0);
}

/* D5 4B NbTg [Tg SENS_RES(2) SEL_RES NFCIDLength NFCID1 (ATS)]: the first target's UID. */
static void
target(const struct ctx *c, const uint8_t *d, size_t n)
{
	static const char hexd[] = "0123456789ABCDEF";
	struct pn532 *p = c->p;
	struct dev_event ev;
	size_t idlen, i;

	if (n < 2 || (d[1] > 0 && (n < 7 || (d[6] != 4 && d[6] != 7 && d[6] != 10) ||
	    n < 7 + (size_t)d[6]))) {
		p->ps.stats.bad_frame++;
		return;
	}
	if (d[1] == 0) {
		if (p->uid[0] != 0 && ++p->misses >= PN532_ABSENT_POLLS)
			p->uid[0] = 0;
		return;
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_TAP;
	ev.ts = c->now;
	idlen = d[6];
	for (i = 0; i < idlen; i++) {
		ev.id[2 * i] = hexd[d[7 + i] >> 4];
		ev.id[2 * i + 1] = hexd[d[7 + i] & 15];
	}
	p->misses = 0;
	if (strcmp(ev.id, p->uid) == 0) {
		p->ps.stats.folded++;	/* the card is still on the reader */
		return;
	}
	memcpy(p->uid, ev.id, sizeof p->uid);
	c->io->emit(c->io->arg, &ev);
}

static void
response(const struct ctx *c, const uint8_t *d, size_t n)
{
	struct pn532 *p = c->p;
	uint8_t params[8];

	if (step_params(p->step, params) == 0 || n < 1 || d[0] != params[0] + 1)
		return;		/* a late answer to an earlier command: not ours now */
	p->tries = 0;
	switch (p->step) {
	case PN532_STEP_SAM:
		send_step(p, PN532_STEP_RF, 0, c->now, c->io);
		return;
	case PN532_STEP_RF:
		send_step(p, PN532_STEP_FIRMWARE, 0, c->now, c->io);
		return;
	case PN532_STEP_FIRMWARE:
		firmware(c, d, n);
		p->step = PN532_STEP_POLL;
		break;
	case PN532_STEP_POLL:
		target(c, d, n);
		break;
	}
	go_idle(p, c->now);
}

static void
on_frame(void *arg, const struct pn532_frame *f)
{
	const struct ctx *c = arg;
	struct pn532 *p = c->p;

	if (p->wait == PN532_IDLE)
		return;		/* nothing asked: a stray frame */
	switch (f->kind) {
	case PN532_ACK:
		if (p->wait == PN532_WAIT_ACK) {
			p->wait = PN532_WAIT_RESPONSE;
			p->deadline = c->now + PN532_RESPONSE_MS;
		}
		break;
	case PN532_NACK:	/* the chip could not read our frame: say it again */
		transmit(p, 0, c->now, c->io);
		break;
	case PN532_BAD:		/* ask for the response again, twice at most */
		if (p->wait == PN532_WAIT_RESPONSE && p->nacks < 2) {
			p->nacks++;
			p->deadline = c->now + PN532_RESPONSE_MS;
			c->io->write(c->io->arg, pn532_nack, sizeof pn532_nack);
		}
		break;
	case PN532_INFO:
		if (f->tfi == PN532_TFI_ERROR) {
			emit_text(c, DEV_ERROR, "PN532 syntax error frame", PN532_TFI_ERROR);
			if (p->step != PN532_STEP_POLL)
				p->step++;	/* go on with the rest of the set-up */
			go_idle(p, c->now);
		} else if (f->tfi == PN532_TFI_CHIP) {
			response(c, f->data, f->len);	/* even if its ACK was lost */
		}
		break;
	}
}

static void
driver_start(void *st, int64_t now, const struct dev_io *io)
{
	struct pn532 *p = st;
	struct dev_stats keep = p->ps.stats;

	pn532_parser_init(&p->ps);	/* a frame cut by an unplug is not finished later */
	p->ps.stats = keep;
	p->tries = 0;
	send_step(p, PN532_STEP_SAM, 1, now, io);
}

static void
driver_feed(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io)
{
	struct ctx c = { st, now, io };

	pn532_parser_feed(&((struct pn532 *)st)->ps, bytes, n, now, on_frame, &c);
}

static int64_t
driver_tick(void *st, int64_t now, const struct dev_io *io)
{
	struct pn532 *p = st;
	struct ctx c = { p, now, io };
	int64_t gap;

	gap = pn532_parser_tick(&p->ps, now, on_frame, &c);
	if (now >= p->deadline) {
		if (p->wait == PN532_IDLE) {
			send_step(p, p->step, 0, now, io);	/* a poll, or set-up after an error */
		} else if (++p->tries >= PN532_RESTART_TRIES) {
			p->ps.stats.timeouts++;		/* reset or unplugged: start over */
			p->tries = 0;
			send_step(p, PN532_STEP_SAM, 1, now, io);
		} else {
			p->ps.stats.timeouts++;
			transmit(p, 1, now, io);	/* it may have gone to sleep */
		}
	}
	return gap >= 0 && gap < p->deadline ? gap : p->deadline;
}

static int
driver_request(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io)
{
	(void)st;
	(void)rq;
	(void)now;
	(void)io;
	return -1;		/* a reader that only reports cards takes no requests */
}

static const struct dev_stats *
driver_stats(const void *st)
{
	return &((const struct pn532 *)st)->ps.stats;
}

const struct dev_driver pn532_driver = {
	.name = "pn532",
	.baud = 115200,
	.state_size = sizeof(struct pn532),
	.start = driver_start,
	.feed = driver_feed,
	.tick = driver_tick,
	.request = driver_request,
	.stats = driver_stats,
};

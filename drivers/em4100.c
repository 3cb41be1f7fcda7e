/* The EM4100 ASCII frame parser: resynchronises on 0x02, checks the XOR, folds repeats. */
#include <stdio.h>
#include <string.h>

#include "em4100.h"
#include "hex.h"

#define STX 0x02
#define ETX 0x03

void
em4100_init(struct em4100 *p)
{
	memset(p, 0, sizeof *p);
}

static const char hex_digits[] = "0123456789ABCDEF";

void
em4100_encode(const uint8_t tag[5], uint8_t out[EM4100_FRAME])
{
	uint8_t x = 0;
	int i;

	out[0] = STX;
	for (i = 0; i < 5; i++) {
		out[1 + 2 * i] = (uint8_t)hex_digits[tag[i] >> 4];
		out[2 + 2 * i] = (uint8_t)hex_digits[tag[i] & 15];
		x ^= tag[i];
	}
	out[11] = (uint8_t)hex_digits[x >> 4];
	out[12] = (uint8_t)hex_digits[x & 15];
	out[13] = ETX;
}

/* A complete 14-byte frame in p->buf: checks it and emits a tap unless it is a repeat. */
static void
frame_done(struct em4100 *p, int64_t now, dev_emit_fn *emit, void *arg)
{
	uint8_t bytes[6];
	struct dev_event ev;
	int i;

	if (hex_decode((const char *)p->buf + 1, 12, bytes, 6) != 0) {
		p->stats.bad_frame++;
		return;
	}
	if ((bytes[0] ^ bytes[1] ^ bytes[2] ^ bytes[3] ^ bytes[4]) != bytes[5]) {
		p->stats.bad_checksum++;
		return;
	}
	p->stats.frames++;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_TAP;
	ev.ts = now;
	for (i = 0; i < 5; i++) {
		ev.id[2 * i] = hex_digits[bytes[i] >> 4];
		ev.id[2 * i + 1] = hex_digits[bytes[i] & 15];
	}
	if (strcmp(ev.id, p->last_id) == 0 && now - p->last_ts <= EM4100_FOLD_MS) {
		p->stats.folded++;
		p->last_ts = now;
		return;
	}
	memcpy(p->last_id, ev.id, sizeof p->last_id);
	p->last_ts = now;
	emit(arg, &ev);
}

void
em4100_feed(struct em4100 *p, const uint8_t *bytes, size_t n, int64_t now_ms,
    dev_emit_fn *emit, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = bytes[i];

		if (c == STX) {
			if (p->len > 0)
				p->stats.bad_frame++;	/* a half frame, cut by a new one */
			p->buf[0] = c;
			p->len = 1;
			continue;
		}
		if (p->len == 0) {
			p->stats.garbage++;
			continue;
		}
		p->buf[p->len++] = c;
		if (p->len < EM4100_FRAME && c != ETX)
			continue;
		if (p->len == EM4100_FRAME && c == ETX)
			frame_done(p, now_ms, emit, arg);
		else
			p->stats.bad_frame++;	/* ETX too early, or no ETX at the end */
		p->len = 0;
	}
}

static void
driver_start(void *st, int64_t now, const struct dev_io *io)
{
	struct em4100 *p = st;

	(void)now;
	(void)io;
	p->len = 0;		/* a frame cut by an unplug is not finished by the next line */
}

static void
driver_feed(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io)
{
	em4100_feed(st, bytes, n, now, io->emit, io->arg);
}

static int64_t
driver_tick(void *st, int64_t now, const struct dev_io *io)
{
	(void)st;
	(void)now;
	(void)io;
	return -1;
}

static int
driver_request(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io)
{
	(void)st;
	(void)rq;
	(void)now;
	(void)io;
	return -1;
}

static const struct dev_stats *
driver_stats(const void *st)
{
	return &((const struct em4100 *)st)->stats;
}

const struct dev_driver em4100_driver = {
	.name = "em4100",
	.baud = 9600,
	.state_size = sizeof(struct em4100),
	.start = driver_start,
	.feed = driver_feed,
	.tick = driver_tick,
	.request = driver_request,
	.stats = driver_stats,
};

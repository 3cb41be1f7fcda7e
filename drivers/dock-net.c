/*
 * The gateway's datagrams (docs/dock-protocol.md, section 14): size, header, rate, MAC,
 * counter, then the frames, in that order, so that nothing unauthenticated costs more than a
 * comparison and nothing is emitted from a datagram that is not good as a whole.
 */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "dock-net.h"

#define FRAME_MIN (DOCK_HEADER + 2)

static void
put_header(uint8_t *out, uint16_t gateway, uint64_t counter)
{
	int k;

	memcpy(out, DOCK_NET_MAGIC, 4);
	out[4] = DOCK_NET_VERSION;
	out[5] = 0;
	out[6] = (uint8_t)(gateway >> 8);
	out[7] = (uint8_t)gateway;
	for (k = 0; k < 8; k++)
		out[8 + k] = (uint8_t)(counter >> (56 - 8 * k));
}

size_t
dock_net_seal(const uint8_t key[DOCK_NET_KEY], uint16_t gateway, uint64_t counter,
    const uint8_t *frames, size_t n, uint8_t out[DOCK_NET_MAX])
{
	if (n > DOCK_NET_MAX - DOCK_NET_HEADER - DOCK_NET_TAG)
		return 0;
	put_header(out, gateway, counter);
	memcpy(out + DOCK_NET_HEADER, frames, n);
	cry_auth(key, out, DOCK_NET_HEADER + n, out + DOCK_NET_HEADER + n);
	return DOCK_NET_HEADER + n + DOCK_NET_TAG;
}

void
dock_net_init(struct dock_net *g, const uint8_t key[DOCK_NET_KEY], uint16_t gateway,
    int64_t now)
{
	memset(g, 0, sizeof *g);
	memcpy(g->key, key, DOCK_NET_KEY);
	g->gateway = gateway;
	g->second = now;
	g->last_rx = now;
}

void
dock_net_resume(struct dock_net *g, uint64_t top)
{
	g->have_top = 1;
	g->top = top;
	g->window = ~(uint64_t)0;	/* what the window held is unknown: all of it was seen */
}

/* The anti-replay window of RFC 4303 section 3.4.3: whether counter is new. */
static int
fresh(const struct dock_net *g, uint64_t counter)
{
	uint64_t behind;

	if (!g->have_top || counter > g->top)
		return 1;
	behind = g->top - counter;
	return behind < DOCK_NET_WINDOW && !(g->window >> behind & 1);
}

/* Records a fresh counter as seen. */
static void
seen(struct dock_net *g, uint64_t counter)
{
	uint64_t behind;

	if (!g->have_top || counter > g->top) {
		behind = g->have_top ? counter - g->top : DOCK_NET_WINDOW;
		g->window = behind >= DOCK_NET_WINDOW ? 1 : g->window << behind | 1;
		g->top = counter;
		g->have_top = 1;
		return;
	}
	g->window |= (uint64_t)1 << (g->top - counter);
}

/* The types a gateway sends; a slot's band or a RESULT has no meaning without a serial dock. */
static int
gateway_type(uint8_t type)
{
	return type == DOCK_T_HELLO || type == DOCK_T_HEARTBEAT || type == DOCK_T_TELEMETRY;
}

/*
 * Walks the frames: each a whole good version 2 frame of a gateway's type whose payload
 * decodes.  With emit 0 it only checks; with emit 1 it emits (the checks passed).
 */
static int
frames(struct dock_net *g, const uint8_t *p, size_t n, int64_t now, const struct dev_io *io,
    int emit)
{
	union {
		struct dock_hello hello;
		struct dock_telemetry tm;
	} m;
	uint32_t up;
	size_t off = 0, need;

	if (n < FRAME_MIN)
		return -1;
	while (off < n) {
		const uint8_t *f = p + off;

		if (n - off < FRAME_MIN || f[0] != DOCK_SOF1 || f[1] != DOCK_SOF2 ||
		    f[2] != DOCK_VERSION || f[5] > DOCK_PAYLOAD_MAX || dock_crc8(f + 2, 4) != f[6])
			return -1;
		need = DOCK_HEADER + f[5] + 2;
		if (n - off < need || dock_crc16(f + 2, need - 4) !=
		    (uint16_t)(f[need - 2] << 8 | f[need - 1]) || !gateway_type(f[3]))
			return -1;
		switch (f[3]) {
		case DOCK_T_HELLO:
			if (dock_hello_get(f + DOCK_HEADER, f[5], &m.hello) != 0 || m.hello.slots != 0)
				return -1;	/* a gateway has no slots (section 14) */
			if (emit)
				dock_emit_hello(io, now, DOCK_VERSION, &m.hello);
			break;
		case DOCK_T_HEARTBEAT:
			if (dock_heartbeat_get(f + DOCK_HEADER, f[5], &up) != 0)
				return -1;
			break;
		default:
			if (dock_telemetry_get(f + DOCK_HEADER, f[5], &m.tm) != 0)
				return -1;
			if (emit)
				dock_emit_telemetry(io, now, &m.tm);
			break;
		}
		if (emit)
			g->stats.frames++;
		off += need;
	}
	return 0;
}

static uint64_t
get_counter(const uint8_t *d)
{
	uint64_t c = 0;
	int k;

	for (k = 0; k < 8; k++)
		c = c << 8 | d[8 + k];
	return c;
}

enum dock_net_verdict
dock_net_datagram(struct dock_net *g, const uint8_t *d, size_t n, int64_t now,
    const struct dev_io *io)
{
	size_t body;

	if (n < DOCK_NET_HEADER + FRAME_MIN + DOCK_NET_TAG || n > DOCK_NET_MAX) {
		g->net.bad_size++;
		return DOCK_NET_SIZE;
	}
	if (memcmp(d, DOCK_NET_MAGIC, 4) != 0 || d[4] != DOCK_NET_VERSION || d[5] != 0 ||
	    (uint16_t)(d[6] << 8 | d[7]) != g->gateway) {
		g->net.bad_header++;
		return DOCK_NET_HEADER_BAD;
	}
	/*
	 * Every MAC is checked (a few microseconds): a rate limit before it would let forged
	 * datagrams, whose header is no secret, crowd the gateway's own out.  The poll loop reads
	 * at most DOCK_UDP_BURST a wake-up, and the kernel's buffer bounds the rest.
	 */
	body = n - DOCK_NET_TAG;
	if (!cry_auth_verify(g->key, d, body, d + body)) {
		g->net.bad_mac++;
		return DOCK_NET_MAC;
	}
	if (frames(g, d + DOCK_NET_HEADER, body - DOCK_NET_HEADER, now, io, 0) != 0) {
		g->net.bad_frames++;
		g->stats.bad_frame++;
		return DOCK_NET_FRAMES;
	}
	if (!fresh(g, get_counter(d))) {
		g->net.replayed++;
		return DOCK_NET_REPLAY;
	}
	/*
	 * A gateway gone wrong does not flood the rules: so many of its datagrams a second.
	 * Replays were dropped before, so that recorded datagrams cannot use up the budget.
	 */
	if (now - g->second >= 1000 || now < g->second) {
		g->second = now;
		g->in_second = 0;
	}
	if (g->in_second >= DOCK_NET_RATE) {
		g->net.flood++;
		return DOCK_NET_FLOOD;
	}
	g->in_second++;
	seen(g, get_counter(d));
	g->last_rx = now;
	g->silence_told = 0;
	g->net.accepted++;
	frames(g, d + DOCK_NET_HEADER, body - DOCK_NET_HEADER, now, io, 1);
	return DOCK_NET_OK;
}

int64_t
dock_net_tick(struct dock_net *g, int64_t now, const struct dev_io *io)
{
	struct dev_event ev;

	if (!g->silence_told && now >= g->last_rx + DOCK_SILENCE_MS) {
		g->silence_told = 1;
		memset(&ev, 0, sizeof ev);
		ev.kind = DEV_ERROR;
		ev.ts = now;
		snprintf(ev.text, sizeof ev.text, "gateway silent for %d s", DOCK_SILENCE_MS / 1000);
		io->emit(io->arg, &ev);
	}
	return g->silence_told ? -1 : g->last_rx + DOCK_SILENCE_MS;
}

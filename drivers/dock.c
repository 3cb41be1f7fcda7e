/*
 * The dock driver: ACKs the dock's frames, applies each seq once, turns messages into
 * DEV_DOCK events, and sends BIND / UNBIND / LOCATE one at a time with retransmission.
 * Bytes written while a handler runs are sent when it returns, because a device answering at
 * once (the simulator in tests) would otherwise feed us again in the middle of a frame.
 */
#include <stdio.h>
#include <string.h>

#include "dock.h"

static void
out_frame(struct dock *d, uint8_t type, uint8_t seq, const uint8_t *payload, size_t len)
{
	uint8_t f[DOCK_FRAME_MAX];
	size_t n = dock_encode_frame_v(d->ver, type, seq, payload, len, f);

	/* Full only after hundreds of frames in one read: that ACK is lost, the dock resends. */
	if (n == 0 || d->out_len + n > sizeof d->out)
		return;
	memcpy(d->out + d->out_len, f, n);
	d->out_len += n;
}

static void
ack(struct dock *d, uint8_t seq)
{
	out_frame(d, DOCK_T_ACK, seq, NULL, 0);
}

static void
nak(struct dock *d, uint8_t seq, uint8_t why)
{
	out_frame(d, DOCK_T_NAK, seq, &why, 1);
}

/* The frame to send next: the oldest not yet ACKed, if it is not already on its way. */
static struct dock_tx *
tx_next(struct dock *d)
{
	int i;

	for (i = 0; i < DOCK_TX_MAX; i++)
		if (d->tx[i].used && !d->tx[i].acked)
			return d->tx[i].sent ? NULL : &d->tx[i];
	return NULL;
}

static void
tx_send(struct dock *d, struct dock_tx *t)
{
	uint8_t f[DOCK_FRAME_MAX];
	size_t n = t->len;

	memcpy(f, t->frame, n);	/* an answer during write may remove t */
	t->sent = 1;
	t->tries++;
	t->due = d->now + DOCK_ACK_MS;
	d->io->write(d->io->arg, f, n);
}

/* Sends the queued ACKs and NAKs, then the next frame; only the outermost call does. */
static void
flush(struct dock *d)
{
	uint8_t buf[sizeof d->out];
	struct dock_tx *t;
	size_t n;

	if (d->flushing)
		return;
	d->flushing = 1;
	for (;;) {
		if (d->out_len > 0) {
			n = d->out_len;
			memcpy(buf, d->out, n);
			d->out_len = 0;
			d->io->write(d->io->arg, buf, n);
		} else if ((t = tx_next(d)) != NULL) {
			tx_send(d, t);
		} else {
			break;
		}
	}
	d->flushing = 0;
}

static void
tx_remove(struct dock *d, struct dock_tx *t)
{
	size_t i = (size_t)(t - d->tx);

	memmove(&d->tx[i], &d->tx[i + 1], (DOCK_TX_MAX - i - 1) * sizeof d->tx[0]);
	memset(&d->tx[DOCK_TX_MAX - 1], 0, sizeof d->tx[0]);
}

static int
request_kind(uint8_t type)
{
	switch (type) {
	case DOCK_T_BIND:
		return DEV_RQ_DOCK_BIND;
	case DOCK_T_UNBIND:
		return DEV_RQ_DOCK_UNBIND;
	case DOCK_T_LOCATE:
		return DEV_RQ_DOCK_LOCATE;
	}
	return -1;
}

void
dock_event_init(struct dev_event *ev, int64_t now, enum dev_dock_what what)
{
	memset(ev, 0, sizeof *ev);
	ev->kind = DEV_DOCK;
	ev->ts = now;
	ev->dock.what = what;
	ev->dock.battery = -1;
	ev->dock.zone = -1;
	ev->dock.command = -1;
}

static void
dock_event(struct dock *d, struct dev_event *ev, enum dev_dock_what what)
{
	dock_event_init(ev, d->now, what);
}

/* A command ends without a RESULT from the dock (timeout, NAK, reopened line). */
static void
tx_fail(struct dock *d, struct dock_tx *t, int reason)
{
	struct dev_event ev;

	if (t->type != DOCK_T_HOST_HELLO) {
		dock_event(d, &ev, DOCK_REFUSED);
		ev.dock.command = request_kind(t->type);
		ev.dock.reason = reason;
		ev.dock.slot = t->slot;
		memcpy(ev.id, t->id, sizeof ev.id);
		d->io->emit(d->io->arg, &ev);
	}
	tx_remove(d, t);
}

static void
on_ack(struct dock *d, uint8_t seq)
{
	int i;

	for (i = 0; i < DOCK_TX_MAX; i++) {
		struct dock_tx *t = &d->tx[i];

		if (!t->used || t->tries == 0 || t->acked || t->seq != seq)
			continue;
		if (t->type == DOCK_T_HOST_HELLO) {
			tx_remove(d, t);
		} else {
			t->acked = 1;
			t->due = d->now + DOCK_RESULT_MS;
		}
		return;
	}
}

static void
on_nak(struct dock *d, const struct dock_frame *f)
{
	int i;

	for (i = 0; i < DOCK_TX_MAX; i++) {
		struct dock_tx *t = &d->tx[i];

		if (!t->used || t->tries == 0 || t->acked)
			continue;
		/* After a CRC error the seq read may be wrong too: resend what is in flight. */
		if (f->len == 1 && f->payload[0] == DOCK_NAK_CRC) {
			if (t->tries <= DOCK_RETRIES)
				t->sent = 0;	/* flush sends it again */
		} else if (t->seq == f->seq) {
			tx_fail(d, t, DOCK_R_NAKED);
		}
		return;
	}
}

void
dock_emit_hello(const struct dev_io *io, int64_t now, uint8_t ver, const struct dock_hello *h)
{
	struct dev_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_INFO;
	ev.ts = now;
	snprintf(ev.text, sizeof ev.text, "dock %.32s fw %.32s, %d slots, v%d.%d",
	    h->dock_id, h->firmware, h->slots, ver, h->revision);
	io->emit(io->arg, &ev);
	dock_event_init(&ev, now, DOCK_HELLO);
	snprintf(ev.dock.dock_id, sizeof ev.dock.dock_id, "%s", h->dock_id);
	snprintf(ev.dock.firmware, sizeof ev.dock.firmware, "%s", h->firmware);
	snprintf(ev.text, sizeof ev.text, "%s", h->firmware);
	ev.dock.slots = h->slots;
	io->emit(io->arg, &ev);
}

/*
 * The dock announces its slots again after each HELLO and after an announcement it gave up
 * (docs/dock-protocol.md, section 8): what the host already knew is not news to the clerk.
 */
static int
band_is_news(struct dock *d, const struct dock_band *b, enum dev_dock_what what)
{
	struct dock_slot *s = &d->slot[b->slot];
	int same = s->id_len == b->id_len && memcmp(s->id, b->id, b->id_len) == 0;
	int news;

	if (what == DOCK_PRESENT) {
		news = !(s->known == 2 && same);
		s->known = 2;
		s->id_len = b->id_len;
		memcpy(s->id, b->id, b->id_len);
	} else {
		news = s->known != 1;
		s->known = 1;
	}
	return news;
}

static void
on_band(struct dock *d, const struct dock_band *b, enum dev_dock_what what)
{
	struct dev_event ev;

	if (!band_is_news(d, b, what)) {
		d->stats.folded++;
		return;
	}
	dock_event(d, &ev, what);
	ev.dock.slot = b->slot;
	ev.dock.battery = b->battery == 0xff ? -1 : b->battery;
	dock_id_hex(b->id, b->id_len, ev.id);
	d->io->emit(d->io->arg, &ev);
}

void
dock_emit_telemetry(const struct dev_io *io, int64_t now, const struct dock_telemetry *m)
{
	struct dev_event ev;
	int i;

	for (i = 0; i < m->n; i++) {
		const struct dock_sample *s = &m->s[i];

		dock_event_init(&ev, now, DOCK_TELEMETRY);
		dock_id_hex(s->id, s->id_len, ev.id);
		ev.dock.zone = s->zone == 0xffff ? -1 : s->zone;
		ev.dock.heart_rate = s->heart_rate;
		ev.dock.battery = s->battery == 0xff ? -1 : s->battery;
		ev.dock.flags = s->flags;
		ev.dock.band_ms = m->base_ms ? m->base_ms + s->dt : 0;
		io->emit(io->arg, &ev);
	}
}

static void
on_result(struct dock *d, const struct dock_result *r)
{
	struct dev_event ev;
	int i;

	for (i = 0; i < DOCK_TX_MAX; i++) {
		struct dock_tx *t = &d->tx[i];

		/* Matched even before its ACK: the ACK may be the frame that was lost. */
		if (!t->used || t->tries == 0 || t->seq != r->cmd_seq || t->type != r->command)
			continue;
		dock_event(d, &ev, r->status == 0 ? DOCK_DONE : DOCK_REFUSED);
		ev.dock.command = request_kind(t->type);
		ev.dock.reason = r->reason;
		ev.dock.slot = r->slot ? r->slot : t->slot;
		if (r->id_len > 0)
			dock_id_hex(r->id, r->id_len, ev.id);
		else
			memcpy(ev.id, t->id, sizeof ev.id);
		tx_remove(d, t);
		d->io->emit(d->io->arg, &ev);
		return;
	}
}

/* Decodes and applies a new frame from the dock; -1 if its payload does not decode. */
static int
apply(struct dock *d, const struct dock_frame *f)
{
	union {
		struct dock_hello hello;
		struct dock_band band;
		struct dock_telemetry tm;
		struct dock_result result;
	} m;
	uint32_t up;

	switch (f->type) {
	case DOCK_T_HELLO:
		if (dock_hello_get(f->payload, f->len, &m.hello) != 0)
			return -1;
		d->have_session = 1;
		d->session = m.hello.session;
		if (d->slots_session != m.hello.session + 1) {
			memset(d->slot, 0, sizeof d->slot);	/* another boot: it tells all again */
			d->slots_session = m.hello.session + 1;
		}
		dock_emit_hello(d->io, d->now, d->ver, &m.hello);
		return 0;
	case DOCK_T_HEARTBEAT:
		return dock_heartbeat_get(f->payload, f->len, &up);
	case DOCK_T_PRESENT:
	case DOCK_T_REMOVED:
		if (dock_band_get(f->type, f->payload, f->len, &m.band) != 0)
			return -1;
		on_band(d, &m.band, f->type == DOCK_T_PRESENT ? DOCK_PRESENT : DOCK_REMOVED);
		return 0;
	case DOCK_T_TELEMETRY:
		if (dock_telemetry_get(f->payload, f->len, &m.tm) != 0)
			return -1;
		dock_emit_telemetry(d->io, d->now, &m.tm);
		return 0;
	case DOCK_T_RESULT:
		if (dock_result_get(f->payload, f->len, &m.result) != 0)
			return -1;
		on_result(d, &m.result);
		return 0;
	}
	return -1;
}

/* A HELLO repeats only if it is the same boot (session) and the same seq. */
static int
is_repeat(struct dock *d, const struct dock_frame *f)
{
	if (d->rx_seq != f->seq)
		return 0;
	if (f->type != DOCK_T_HELLO)
		return 1;
	return d->have_session && f->len >= 4 &&
	    d->session == (uint16_t)(f->payload[2] << 8 | f->payload[3]);
}

static void learn_version(struct dock *d, uint8_t ver);

static void
on_frame(void *arg, const struct dock_frame *f, int good)
{
	struct dock *d = arg;

	if (!good) {
		nak(d, f->seq, DOCK_NAK_CRC);
		return;
	}
	learn_version(d, f->ver);
	d->last_rx = d->now;
	d->silence_told = 0;
	if (f->type == DOCK_T_ACK) {
		on_ack(d, f->seq);
		return;
	}
	if (f->type == DOCK_T_NAK) {
		on_nak(d, f);
		return;
	}
	if (f->type < DOCK_T_HELLO || f->type > DOCK_T_RESULT) {
		nak(d, f->seq, DOCK_NAK_TYPE);
		return;
	}
	if (is_repeat(d, f)) {
		d->stats.folded++;	/* our ACK was lost: ACK again, apply once */
		ack(d, f->seq);
		return;
	}
	if (apply(d, f) != 0) {
		d->stats.bad_frame++;
		nak(d, f->seq, DOCK_NAK_MALFORMED);
		return;
	}
	d->rx_seq = f->seq;
	ack(d, f->seq);
}

/*
 * Enters a handler: nothing is written until leave, so that a request made from the emit
 * callback, in the middle of a frame, cannot make the device answer into the parser's buffer.
 */
static int
enter(struct dock *d, int64_t now, const struct dev_io *io)
{
	int was = d->flushing;

	d->now = now;
	d->io = io;
	d->flushing = 1;
	return was;
}

static void
leave(struct dock *d, int was)
{
	d->flushing = was;
	flush(d);		/* a no-op inside an outer flush, which sends it all */
}

static struct dock_tx *
tx_add(struct dock *d, uint8_t type, const uint8_t *payload, size_t len)
{
	struct dock_tx *t = NULL;
	int i;

	for (i = 0; i < DOCK_TX_MAX && t == NULL; i++)
		if (!d->tx[i].used)
			t = &d->tx[i];
	if (t == NULL)
		return NULL;
	memset(t, 0, sizeof *t);
	t->used = 1;
	t->type = type;
	t->seq = d->next_seq++;
	t->len = dock_encode_frame_v(d->ver, type, t->seq, payload, len, t->frame);
	return t;
}

static int
hello_queued(const struct dock *d)
{
	int i;

	for (i = 0; i < DOCK_TX_MAX; i++)
		if (d->tx[i].used && d->tx[i].type == DOCK_T_HOST_HELLO)
			return 1;
	return 0;
}

/*
 * The dock's first good frame tells its version (section 4).  A version 2 dock: from now on
 * a version 1 header is a false start, not a frame.  A version 1 dock (one in the field):
 * we write version 1 to it, the frames we hold included, and ask for its HELLO again, since
 * it could not read the version 2 HOST_HELLO.  After a silence both are read again, and a
 * version 2 dock in the place of a version 1 one is written version 2 again.
 */
static void
learn_version(struct dock *d, uint8_t ver)
{
	uint8_t f[DOCK_FRAME_MAX], rev = DOCK_REVISION;
	size_t hdr;
	int i;

	if (ver == DOCK_VERSION)
		d->parser.versions = DOCK_READ_V2;
	if (d->ver == ver)
		return;
	/* Another dock (a version 2 one after a silence, or one of the field): write its version. */
	hdr = dock_header_len(d->ver);
	for (i = 0; i < DOCK_TX_MAX; i++) {
		struct dock_tx *t = &d->tx[i];

		if (!t->used)
			continue;
		t->len = dock_encode_frame_v(ver, t->type, t->seq, t->frame + hdr, t->frame[5], f);
		memcpy(t->frame, f, t->len);
	}
	d->ver = ver;
	d->have_session = 0;		/* another dock than the one we may have heard */
	d->rx_seq = -1;
	if (ver != DOCK_VERSION && !hello_queued(d))
		tx_add(d, DOCK_T_HOST_HELLO, &rev, 1);	/* it could not read ours */
}

static void
driver_start(void *st, int64_t now, const struct dev_io *io)
{
	struct dock *d = st;
	uint8_t rev = DOCK_REVISION;

	enter(d, now, io);
	while (d->tx[0].used)
		tx_fail(d, &d->tx[0], DOCK_R_LINK);
	dock_parser_reset(&d->parser);
	d->parser.versions = DOCK_READ_V1 | DOCK_READ_V2;	/* until the dock shows which */
	d->ver = DOCK_VERSION;
	d->out_len = 0;
	d->next_seq = 0;
	d->rx_seq = -1;
	d->have_session = 0;
	d->last_rx = now;
	d->silence_told = 0;
	tx_add(d, DOCK_T_HOST_HELLO, &rev, 1);	/* asks the dock for its HELLO */
	leave(d, 0);		/* a (re)opened line: nothing of before is under way */
}

static void
driver_feed(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct dev_io *io)
{
	struct dock *d = st;
	int was = enter(d, now, io);

	dock_parse(&d->parser, &d->stats, bytes, n, now, on_frame, d);
	leave(d, was);
}

static void
tx_timeouts(struct dock *d)
{
	int i;

	for (i = 0; i < DOCK_TX_MAX; i++) {
		struct dock_tx *t = &d->tx[i];

		if (!t->used || !t->sent || d->now < t->due)
			continue;
		if (!t->acked && t->tries <= DOCK_RETRIES) {
			t->sent = 0;	/* flush sends it again */
			continue;
		}
		d->stats.timeouts++;
		tx_fail(d, t, DOCK_R_TIMEOUT);
		i--;			/* the next one moved into this place */
	}
}

static int64_t
sooner(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

static int64_t
driver_tick(void *st, int64_t now, const struct dev_io *io)
{
	struct dock *d = st;
	struct dev_event ev;
	int64_t next = -1;
	int i, was = enter(d, now, io);

	dock_parser_tick(&d->parser, &d->stats, now, on_frame, d);
	tx_timeouts(d);
	if (!d->silence_told && now >= d->last_rx + DOCK_SILENCE_MS) {
		d->silence_told = 1;
		d->parser.versions = DOCK_READ_V1 | DOCK_READ_V2;	/* it may be another dock */
		memset(&ev, 0, sizeof ev);
		ev.kind = DEV_ERROR;
		ev.ts = now;
		snprintf(ev.text, sizeof ev.text, "dock silent for %d s", DOCK_SILENCE_MS / 1000);
		io->emit(io->arg, &ev);
	}
	leave(d, was);
	next = dock_parser_due(&d->parser);
	for (i = 0; i < DOCK_TX_MAX; i++)
		if (d->tx[i].used && d->tx[i].sent)
			next = sooner(next, d->tx[i].due);
	if (!d->silence_told)
		next = sooner(next, d->last_rx + DOCK_SILENCE_MS);
	return next >= 0 && next <= now ? now + 1 : next;
}

static int
make_command(const struct dev_request *rq, uint8_t *type, struct dock_command *c)
{
	memset(c, 0, sizeof *c);
	switch (rq->kind) {
	case DEV_RQ_DOCK_BIND:
		*type = DOCK_T_BIND;
		c->visit_len = (uint8_t)strnlen(rq->visit, sizeof rq->visit);
		if (c->visit_len > DOCK_VISIT_MAX)
			return -1;
		memcpy(c->visit, rq->visit, c->visit_len);
		break;
	case DEV_RQ_DOCK_UNBIND:
		*type = DOCK_T_UNBIND;
		break;
	case DEV_RQ_DOCK_LOCATE:
		*type = DOCK_T_LOCATE;
		c->seconds = DOCK_LOCATE_S;
		break;
	default:
		return -1;
	}
	if (rq->slot > 255 || rq->slot < -1)
		return -1;
	c->slot = rq->slot > 0 ? (uint8_t)rq->slot : 0;
	if (rq->id[0] != 0 && dock_id_parse(rq->id, c->id, &c->id_len) != 0)
		return -1;
	return 0;
}

static int
driver_request(void *st, const struct dev_request *rq, int64_t now, const struct dev_io *io)
{
	struct dock *d = st;
	struct dock_command c;
	struct dock_tx *t;
	uint8_t type, payload[DOCK_PAYLOAD_MAX];
	size_t len;
	int was = enter(d, now, io);

	if (make_command(rq, &type, &c) != 0 || (len = dock_command_put(type, &c, payload)) == 0 ||
	    (t = tx_add(d, type, payload, len)) == NULL) {
		d->flushing = was;
		return -1;	/* not a dock request, or busy: DOCK_TX_MAX under way */
	}
	t->slot = c.slot;
	if (c.id_len > 0)
		dock_id_hex(c.id, c.id_len, t->id);
	leave(d, was);
	return 0;
}

static const struct dev_stats *
driver_stats(const void *st)
{
	return &((const struct dock *)st)->stats;
}

const struct dev_driver dock_driver = {
	.name = "dock",
	.baud = 115200,
	.state_size = sizeof(struct dock),
	.start = driver_start,
	.feed = driver_feed,
	.tick = driver_tick,
	.request = driver_request,
	.stats = driver_stats,
};

/*
 * A simulated wristband dock with its positioning gateway (docs/dock-protocol.md): HELLO at
 * boot and when the host asks, a HEARTBEAT every 5 s, bands put in and taken out of slots,
 * telemetry batched every 100 ms, RESULTs for BIND / UNBIND / LOCATE.  It ACKs the host's
 * frames, applies a repeated seq once, and sends its own frames one at a time until ACKed.
 * Frames go out one send call each, after the handler that made them has finished.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock.h"
#include "i18n.h"
#include "sim.h"

#define SIM_SLOTS_MAX 16
#define DOCK_DIRTY_MS 1000	/* a slot given up is announced again this long after */
#define SIM_BOUND_MAX 32	/* bindings the dock keeps */
#define SIM_QUEUE 32		/* frames waiting for their turn */
#define SIM_CTL 8		/* ACKs and NAKs waiting for the handler to return */
#define SIM_BATCH_MS 100	/* telemetry waits this long for company */
#define SIM_STREAM_MAX 500

struct sim_band {
	int used;
	uint8_t id_len;
	uint8_t id[DOCK_BAND_ID_MAX];
	int battery;
	char visit[DOCK_VISIT_MAX + 1];	/* bound to, "" none */
};

struct sim_frame {
	size_t len;
	uint8_t type, seq;
	uint8_t bytes[DOCK_FRAME_MAX];
};

struct sim_dock {
	struct dock_parser parser;
	struct dev_stats stats;
	uint8_t native;			/* the firmware's frame version: 2, or 1 (a dock of the field) */
	uint8_t ver;			/* the version it writes: native, or 1 to a version 1 host */
	int badlen;			/* the next ACK or NAK goes with its LEN corrupted */
	int net;			/* a gateway on the network: frames go once, never ACKed */
	int started;
	int64_t boot, now;
	uint16_t session;
	int nslots;
	struct sim_band slot[SIM_SLOTS_MAX + 1];	/* 1..nslots */
	struct sim_band bound[SIM_BOUND_MAX];
	uint8_t next_seq;
	int rx_seq;			/* the host's last applied seq, -1 none */
	struct sim_frame q[SIM_QUEUE];	/* q[0] is in flight once sent */
	int qn, tries;
	int resend;			/* q[0] goes again at the next flush */
	int64_t due;			/* retransmission of q[0] */
	struct sim_frame ctl[SIM_CTL];
	int nctl;
	struct dock_telemetry batch;
	size_t batch_size;
	int64_t batch_due;
	int silent;
	int64_t next_heartbeat;
	int stream_n, stream_phase;
	int64_t stream_next;
	int sending;
	uint64_t dropped;		/* frames given up or not queued */
	uint8_t dirty[SIM_SLOTS_MAX + 1];	/* its announcement was given up: tell it again */
	int64_t dirty_at;		/* ... at the next ACK, or at this time if nothing is sent */
};

static void
queue(struct sim_dock *s, uint8_t type, const uint8_t *payload, size_t len)
{
	struct sim_frame *f;

	if (s->qn == SIM_QUEUE) {
		s->dropped++;		/* the host is not taking them: the newest is lost */
		return;
	}
	f = &s->q[s->qn++];
	f->type = type;
	f->seq = s->next_seq++;
	f->len = dock_encode_frame_v(s->ver, type, f->seq, payload, len, f->bytes);
}

/* A version 2 dock answers a version 1 host in version 1 (section 4), its queue included. */
static void
speak(struct sim_dock *s, uint8_t ver)
{
	uint8_t b[DOCK_FRAME_MAX];
	size_t hdr = dock_header_len(s->ver);
	int i;

	if (ver == s->ver)
		return;
	for (i = 0; i < s->qn; i++) {
		struct sim_frame *f = &s->q[i];

		f->len = dock_encode_frame_v(ver, f->type, f->seq, f->bytes + hdr, f->bytes[5], b);
		memcpy(f->bytes, b, f->len);
	}
	s->ver = ver;
}

static void
control(struct sim_dock *s, uint8_t type, uint8_t seq, const uint8_t *payload, size_t len)
{
	if (s->nctl == SIM_CTL)
		return;		/* the host will send again and be answered then */
	s->ctl[s->nctl].len = dock_encode_frame_v(s->ver, type, seq, payload, len,
	    s->ctl[s->nctl].bytes);
	if (s->badlen) {
		s->ctl[s->nctl].bytes[5] ^= 0x40;	/* the header check no longer matches */
		s->badlen = 0;
	}
	s->nctl++;
}

static void
pop(struct sim_dock *s)
{
	memmove(&s->q[0], &s->q[1], (size_t)(s->qn - 1) * sizeof s->q[0]);
	s->qn--;
	s->tries = 0;
	s->resend = 0;
}

/* Sends the ACKs and NAKs, then q[0] if it is not on its way; only the outermost call does. */
static void
flush(struct sim_dock *s, const struct sim_io *io)
{
	struct sim_frame f;

	if (s->sending || s->silent)
		return;
	s->sending = 1;
	for (;;) {
		if (s->nctl > 0) {
			f = s->ctl[0];
			memmove(&s->ctl[0], &s->ctl[1], (size_t)(s->nctl - 1) * sizeof s->ctl[0]);
			s->nctl--;
		} else if (s->qn > 0 && (s->tries == 0 || s->resend)) {
			f = s->q[0];
			s->tries++;
			s->resend = 0;
			s->due = s->now + DOCK_ACK_MS;
			if (s->net)
				pop(s);		/* a datagram is sent once (section 14) */
		} else {
			break;
		}
		io->send(io->arg, f.bytes, f.len);
	}
	s->sending = 0;
}

static void announce_slots(struct sim_dock *s, int all);

static void
send_hello(struct sim_dock *s)
{
	struct dock_hello h;
	uint8_t p[DOCK_PAYLOAD_MAX];
	int i;

	for (i = 0; i < s->qn; i++)
		if (s->q[i].type == DOCK_T_HELLO && (i > 0 || s->tries == 0))
			return;		/* one not yet sent is enough */
	memset(&h, 0, sizeof h);
	h.revision = DOCK_REVISION;
	h.slots = (uint8_t)s->nslots;
	h.session = s->session;
	snprintf(h.dock_id, sizeof h.dock_id, "SIM-DOCK-%u", (unsigned)s->session);
	snprintf(h.firmware, sizeof h.firmware, "custody-sim 1.0");
	queue(s, DOCK_T_HELLO, p, dock_hello_put(&h, p));
	announce_slots(s, 1);	/* section 8: the host learns what the slots hold now */
}

static void
send_band(struct sim_dock *s, uint8_t type, int slot)
{
	struct dock_band b;
	uint8_t p[DOCK_PAYLOAD_MAX];

	b.slot = (uint8_t)slot;
	b.battery = (uint8_t)s->slot[slot].battery;
	b.id_len = s->slot[slot].id_len;
	memcpy(b.id, s->slot[slot].id, b.id_len);
	queue(s, type, p, dock_band_put(type, &b, p));
}

/*
 * Each band in a slot again (all), or the slots whose announcement was given up: what they
 * hold now, or that they are empty.
 */
static void
announce_slots(struct sim_dock *s, int all)
{
	int i;

	for (i = 1; i <= s->nslots; i++) {
		if (s->slot[i].used && (all || s->dirty[i]))
			send_band(s, DOCK_T_PRESENT, i);
		else if (!s->slot[i].used && s->dirty[i])
			send_band(s, DOCK_T_REMOVED, i);
		s->dirty[i] = 0;
	}
}

/* q[0] is given up; a band's coming or going must still reach the host one day. */
static void
give_up(struct sim_dock *s)
{
	const struct sim_frame *f = &s->q[0];
	uint8_t slot = f->bytes[dock_header_len(s->ver)];

	if ((f->type == DOCK_T_PRESENT || f->type == DOCK_T_REMOVED) && slot >= 1 &&
	    slot <= SIM_SLOTS_MAX)
		s->dirty[slot] = 1;
	s->dirty_at = s->now + DOCK_DIRTY_MS;
	s->dropped++;
	pop(s);
}

static int
any_dirty(const struct sim_dock *s)
{
	int i;

	for (i = 1; i <= s->nslots; i++)
		if (s->dirty[i])
			return 1;
	return 0;
}

static void
flush_batch(struct sim_dock *s)
{
	uint8_t p[DOCK_PAYLOAD_MAX];

	if (s->batch.n == 0)
		return;
	queue(s, DOCK_T_TELEMETRY, p, dock_telemetry_put(&s->batch, p));
	s->batch.n = 0;
}

static void
add_sample(struct sim_dock *s, const struct dock_sample *x)
{
	if (s->batch.n > 0 && (s->batch.n == DOCK_SAMPLES_MAX ||
	    s->batch_size + dock_sample_size(x) > DOCK_PAYLOAD_MAX || s->now - s->batch.base_ms > 60000))
		flush_batch(s);
	if (s->batch.n == 0) {
		s->batch.base_ms = s->now > 0 ? s->now : 0;
		s->batch_size = 7;
		s->batch_due = s->now + SIM_BATCH_MS;
	}
	s->batch.s[s->batch.n] = *x;
	s->batch.s[s->batch.n].dt = (uint16_t)(s->now - s->batch.base_ms);
	s->batch_size += dock_sample_size(x);
	s->batch.n++;
}

static void
boot(struct sim_dock *s, int nslots)
{
	int i;

	s->session++;
	s->nslots = nslots;
	s->next_seq = 0;
	s->rx_seq = -1;
	s->qn = s->tries = s->resend = s->nctl = 0;
	s->batch.n = 0;
	s->stream_n = 0;
	s->silent = 0;
	memset(s->bound, 0, sizeof s->bound);	/* bindings live in RAM */
	memset(s->dirty, 0, sizeof s->dirty);	/* its HELLO announces every slot */
	dock_parser_reset(&s->parser);
	s->ver = s->native;
	s->parser.versions = s->native == DOCK_VERSION_1 ? DOCK_READ_V1 :
	    DOCK_READ_V1 | DOCK_READ_V2;
	s->boot = s->now;
	s->next_heartbeat = s->now + DOCK_HEARTBEAT_MS;
	send_hello(s);
	for (i = 1; i <= SIM_SLOTS_MAX; i++)
		if (i > s->nslots)
			s->slot[i].used = 0;	/* the slots a smaller dock does not have */
		else if (s->slot[i].used)
			send_band(s, DOCK_T_PRESENT, i);
}

static void
sim_init(void *st)
{
	struct sim_dock *s = st;

	memset(s, 0, sizeof *s);
	s->session = 0;			/* made from the clock at the first call */
	s->native = DOCK_VERSION;
	boot(s, 4);
}

/* The first call with a clock starts the dock's timers. */
static void
clock_in(struct sim_dock *s, int64_t now)
{
	s->now = now;
	if (!s->started) {
		/* Boot again with the clock: a restarted simulator is another session. */
		s->started = 1;
		s->session = (uint16_t)(s->session ^ now ^ now >> 16);
		boot(s, s->nslots);
	}
}

static struct sim_band *
find_bound(struct sim_dock *s, const uint8_t *id, uint8_t n)
{
	int i;

	for (i = 0; i < SIM_BOUND_MAX; i++)
		if (s->bound[i].used && s->bound[i].id_len == n && memcmp(s->bound[i].id, id, n) == 0)
			return &s->bound[i];
	return NULL;
}

static int
find_slot(struct sim_dock *s, const uint8_t *id, uint8_t n)
{
	int i;

	for (i = 1; i <= s->nslots; i++)
		if (s->slot[i].used && s->slot[i].id_len == n && memcmp(s->slot[i].id, id, n) == 0)
			return i;
	return 0;
}

/* Finds the band a command names (slot, id or both): a reason, or 0 with id set. */
static int
which_band(struct sim_dock *s, const struct dock_command *c, struct dock_result *r)
{
	if (c->slot > s->nslots)
		return DOCK_R_BAD_SLOT;
	if (c->slot > 0) {
		if (!s->slot[c->slot].used)
			return DOCK_R_NO_BAND;
		if (c->id_len > 0 && (c->id_len != s->slot[c->slot].id_len ||
		    memcmp(c->id, s->slot[c->slot].id, c->id_len) != 0))
			return DOCK_R_UNKNOWN_BAND;
		r->id_len = s->slot[c->slot].id_len;
		memcpy(r->id, s->slot[c->slot].id, r->id_len);
		return 0;
	}
	r->slot = (uint8_t)find_slot(s, c->id, c->id_len);
	r->id_len = c->id_len;
	memcpy(r->id, c->id, c->id_len);
	return 0;
}

static int
do_bind(struct sim_dock *s, const struct dock_command *c, struct dock_result *r)
{
	struct sim_band *b;
	int i, why;

	if ((why = which_band(s, c, r)) != 0)
		return why;
	if (r->slot == 0)
		return DOCK_R_UNKNOWN_BAND;	/* a band is bound while it sits in the dock */
	if ((b = find_bound(s, r->id, r->id_len)) != NULL)
		return strcmp(b->visit, c->visit) == 0 ? 0 : DOCK_R_BOUND;
	for (i = 0; i < SIM_BOUND_MAX && s->bound[i].used; i++)
		continue;
	if (i == SIM_BOUND_MAX)
		return DOCK_R_BUSY;
	b = &s->bound[i];
	b->used = 1;
	b->id_len = r->id_len;
	memcpy(b->id, r->id, r->id_len);
	memcpy(b->visit, c->visit, sizeof b->visit);
	return 0;
}

static int
do_unbind(struct sim_dock *s, const struct dock_command *c, struct dock_result *r)
{
	struct sim_band *b;
	int why;

	if ((why = which_band(s, c, r)) != 0)
		return why;
	if ((b = find_bound(s, r->id, r->id_len)) == NULL)
		return DOCK_R_NOT_BOUND;
	b->used = 0;
	return 0;
}

static int
do_locate(struct sim_dock *s, const struct dock_command *c, struct dock_result *r)
{
	int why;

	if ((why = which_band(s, c, r)) != 0)
		return why;
	if (r->slot == 0 && find_bound(s, r->id, r->id_len) == NULL)
		return DOCK_R_UNKNOWN_BAND;
	return 0;
}

static void
command_frame(struct sim_dock *s, const struct dock_frame *f)
{
	struct dock_command c;
	struct dock_result r;
	uint8_t p[DOCK_PAYLOAD_MAX];
	int why;

	if (f->seq == s->rx_seq) {
		control(s, DOCK_T_ACK, f->seq, NULL, 0);	/* our ACK was lost: not again */
		return;
	}
	if (dock_command_get(f->type, f->payload, f->len, &c) != 0) {
		p[0] = DOCK_NAK_MALFORMED;
		control(s, DOCK_T_NAK, f->seq, p, 1);
		return;
	}
	s->rx_seq = f->seq;
	control(s, DOCK_T_ACK, f->seq, NULL, 0);
	memset(&r, 0, sizeof r);
	r.cmd_seq = f->seq;
	r.command = f->type;
	r.slot = c.slot;
	if (f->type == DOCK_T_BIND)
		why = do_bind(s, &c, &r);
	else if (f->type == DOCK_T_UNBIND)
		why = do_unbind(s, &c, &r);
	else
		why = do_locate(s, &c, &r);
	r.status = why != 0;
	r.reason = (uint8_t)why;
	queue(s, DOCK_T_RESULT, p, dock_result_put(&r, p));
}

static void
on_frame(void *arg, const struct dock_frame *f, int good)
{
	struct sim_dock *s = arg;
	uint8_t why;

	if (!good) {
		why = DOCK_NAK_CRC;
		control(s, DOCK_T_NAK, f->seq, &why, 1);
		return;
	}
	speak(s, f->ver);
	switch (f->type) {
	case DOCK_T_ACK:
		if (s->qn > 0 && s->tries > 0 && s->q[0].seq == f->seq)
			pop(s);
		if (any_dirty(s))
			announce_slots(s, 0);	/* the host hears again */
		return;
	case DOCK_T_NAK:
		if (s->qn > 0 && s->tries > 0) {
			if (f->len == 1 && f->payload[0] == DOCK_NAK_CRC)
				s->resend = s->tries <= DOCK_RETRIES;
			else if (f->seq == s->q[0].seq)
				pop(s);
		}
		return;
	case DOCK_T_HOST_HELLO:
		s->rx_seq = f->seq;		/* the host starts over; asking again is harmless */
		control(s, DOCK_T_ACK, f->seq, NULL, 0);
		send_hello(s);
		return;
	case DOCK_T_BIND:
	case DOCK_T_UNBIND:
	case DOCK_T_LOCATE:
		command_frame(s, f);
		return;
	}
	why = DOCK_NAK_TYPE;
	control(s, DOCK_T_NAK, f->seq, &why, 1);
}

static void
sim_from_host(void *st, const uint8_t *bytes, size_t n, int64_t now, const struct sim_io *io)
{
	struct sim_dock *s = st;

	clock_in(s, now);
	if (s->silent)
		return;			/* a hung dock hears nothing */
	dock_parse(&s->parser, &s->stats, bytes, n, now, on_frame, s);
	flush(s, io);
}

static void
stream(struct sim_dock *s)
{
	struct dock_sample x;
	int i;

	/* Each band once a second: a tenth of them every 100 ms. */
	for (i = s->stream_phase; i < s->stream_n; i += 10) {
		memset(&x, 0, sizeof x);
		x.id_len = 8;
		x.id[0] = 0xB0;
		x.id[6] = (uint8_t)(i >> 8);
		x.id[7] = (uint8_t)i;
		x.zone = (uint16_t)(1 + (i + s->now / 1000) % 20);
		x.heart_rate = (uint8_t)(60 + i % 40);
		x.battery = 90;
		add_sample(s, &x);
	}
	s->stream_phase = (s->stream_phase + 1) % 10;
	s->stream_next += SIM_BATCH_MS;
	if (s->stream_next <= s->now)
		s->stream_next = s->now + SIM_BATCH_MS;
}

static int64_t
sooner(int64_t a, int64_t b)
{
	return a < 0 || (b >= 0 && b < a) ? b : a;
}

static int64_t
sim_tick(void *st, int64_t now, const struct sim_io *io)
{
	struct sim_dock *s = st;
	uint8_t p[4];
	int64_t next = -1;

	clock_in(s, now);
	if (s->silent)
		return -1;
	if (now >= s->next_heartbeat) {
		queue(s, DOCK_T_HEARTBEAT, p, dock_heartbeat_put((uint32_t)((now - s->boot) / 1000), p));
		s->next_heartbeat = now + DOCK_HEARTBEAT_MS;
	}
	if (s->stream_n > 0 && now >= s->stream_next)
		stream(s);
	if (s->batch.n > 0 && now >= s->batch_due)
		flush_batch(s);
	if (s->qn == 0 && now >= s->dirty_at && any_dirty(s))
		announce_slots(s, 0);	/* the host may be back: try again */
	if (s->qn > 0 && s->tries > 0 && now >= s->due) {
		if (s->tries > DOCK_RETRIES) {
			give_up(s);	/* no host: go on with the next */
		} else {
			s->resend = 1;
		}
	}
	flush(s, io);
	next = s->next_heartbeat;
	if (s->stream_n > 0)
		next = sooner(next, s->stream_next);
	if (s->batch.n > 0)
		next = sooner(next, s->batch_due);
	if (s->qn > 0 && s->tries > 0 && !s->resend)
		next = sooner(next, s->due);
	if (s->qn == 0 && any_dirty(s))
		next = sooner(next, s->dirty_at);
	return next <= now ? now + 1 : next;
}

/* A whole number in lo..hi, or -1. */
static long
number(const char *w, long lo, long hi)
{
	char *end;
	long v;

	if (*w == 0)
		return -1;
	v = strtol(w, &end, 10);
	return *end != 0 || v < lo || v > hi ? -1 : v;
}

static int
cmd_present(struct sim_dock *s, int argc, char **argv, char *err, size_t errsz)
{
	struct sim_band *b;
	long slot, battery = 100;
	uint8_t id[DOCK_BAND_ID_MAX], n;

	if (argc < 3 || argc > 4 || (slot = number(argv[1], 1, s->nslots)) < 0 ||
	    dock_id_parse(argv[2], id, &n) != 0 ||
	    (argc == 4 && (battery = number(argv[3], 0, 100)) < 0)) {
		snprintf(err, errsz, _("dock: usage: present SLOT BAND [BATTERY], slot 1 to %d, "
		    "band 2 to 32 hex digits, battery 0 to 100"), s->nslots);
		return -1;
	}
	b = &s->slot[slot];
	if (b->used) {
		snprintf(err, errsz, _("dock: slot %ld already holds a band"), slot);
		return -1;
	}
	if (find_slot(s, id, n) != 0) {
		snprintf(err, errsz, _("dock: band %s is already in a slot"), argv[2]);
		return -1;
	}
	b->used = 1;
	b->id_len = n;
	memcpy(b->id, id, n);
	b->battery = (int)battery;
	send_band(s, DOCK_T_PRESENT, (int)slot);
	return 0;
}

static int
cmd_remove(struct sim_dock *s, int argc, char **argv, char *err, size_t errsz)
{
	long slot;

	if (argc != 2 || (slot = number(argv[1], 1, s->nslots)) < 0) {
		snprintf(err, errsz, _("dock: usage: remove SLOT, slot 1 to %d"), s->nslots);
		return -1;
	}
	if (!s->slot[slot].used) {
		snprintf(err, errsz, _("dock: slot %ld is empty"), slot);
		return -1;
	}
	send_band(s, DOCK_T_REMOVED, (int)slot);
	s->slot[slot].used = 0;
	return 0;
}

/* telemetry BAND zone=Z [hr=H] [battery=B] [badge]; sos BAND; strap BAND */
static int
cmd_telemetry(struct sim_dock *s, int argc, char **argv, char *err, size_t errsz)
{
	struct dock_sample x;
	int i, zone = 0;
	long v = 0;

	memset(&x, 0, sizeof x);
	x.zone = 0xffff;
	x.battery = 0xff;
	if (argc < 2 || dock_id_parse(argv[1], x.id, &x.id_len) != 0)
		goto usage;
	if (strcmp(argv[0], "sos") == 0 || strcmp(argv[0], "strap") == 0) {
		if (argc != 2)
			goto usage;
		x.flags = strcmp(argv[0], "sos") == 0 ? DOCK_SOS : DOCK_STRAP_OPEN;
		add_sample(s, &x);
		return 0;
	}
	for (i = 2; i < argc; i++) {
		if (strncmp(argv[i], "zone=", 5) == 0 && (v = number(argv[i] + 5, 0, 65534)) >= 0) {
			x.zone = (uint16_t)v;
			zone = 1;
		} else if (strncmp(argv[i], "hr=", 3) == 0 && (v = number(argv[i] + 3, 0, 255)) >= 0) {
			x.heart_rate = (uint8_t)v;
		} else if (strncmp(argv[i], "battery=", 8) == 0 &&
		    (v = number(argv[i] + 8, 0, 100)) >= 0) {
			x.battery = (uint8_t)v;
		} else if (strcmp(argv[i], "badge") == 0) {
			x.flags |= DOCK_BADGE;
		} else {
			goto usage;
		}
	}
	if (!zone)
		goto usage;
	add_sample(s, &x);
	return 0;
usage:
	snprintf(err, errsz, _("dock: usage: telemetry BAND zone=Z [hr=H] [battery=B] [badge], "
	    "sos BAND, strap BAND; a band is 2 to 32 hex digits, zone 0 to 65534"));
	return -1;
}

static int
sim_command(void *st, int argc, char **argv, int64_t now, const struct sim_io *io, char *err,
    size_t errsz)
{
	struct sim_dock *s = st;
	const char *v = argv[0];
	long n;
	int rc = 0;

	clock_in(s, now);
	if (strcmp(v, "present") == 0) {
		rc = cmd_present(s, argc, argv, err, errsz);
	} else if (strcmp(v, "remove") == 0) {
		rc = cmd_remove(s, argc, argv, err, errsz);
	} else if (strcmp(v, "telemetry") == 0 || strcmp(v, "sos") == 0 ||
	    strcmp(v, "strap") == 0) {
		rc = cmd_telemetry(s, argc, argv, err, errsz);
	} else if ((strcmp(v, "silent") == 0 || strcmp(v, "talk") == 0) && argc == 1) {
		s->silent = v[0] == 's';
		s->resend = s->tries > 0;	/* on talk, what was in flight goes again */
		s->next_heartbeat = now;	/* and a heartbeat says it is back */
	} else if (strcmp(v, "stream") == 0) {
		if (argc != 2 || (n = number(argv[1], 0, SIM_STREAM_MAX)) < 0) {
			snprintf(err, errsz, _("dock: usage: stream N, N bands at 1 Hz, 0 to %d"),
			    SIM_STREAM_MAX);
			return -1;
		}
		s->stream_n = (int)n;
		s->stream_next = now;
	} else if (strcmp(v, "badlen") == 0 && argc == 1) {
		s->badlen = 1;
	} else if (strcmp(v, "version") == 0) {
		if (argc != 2 || (n = number(argv[1], DOCK_VERSION_1, DOCK_VERSION)) < 0) {
			snprintf(err, errsz, _("dock: usage: version 1|2, the frame format"));
			return -1;
		}
		s->native = (uint8_t)n;
		boot(s, s->nslots);
	} else if (strcmp(v, "reset") == 0) {
		if (argc > 2 || (argc == 2 && (n = number(argv[1], 1, SIM_SLOTS_MAX)) < 0)) {
			snprintf(err, errsz, _("dock: usage: reset [SLOTS], 1 to %d slots"),
			    SIM_SLOTS_MAX);
			return -1;
		}
		boot(s, argc == 2 ? (int)n : s->nslots);
	} else {
		snprintf(err, errsz, _("dock: unknown command \"%s\""), v);
		return -1;
	}
	flush(s, io);
	return rc;
}

/* The positioning gateway on the network: no slots, its frames sent once each, unACKed. */
static void
gateway_init(void *st)
{
	struct sim_dock *s = st;

	sim_init(st);
	s->net = 1;
	boot(s, 0);
}

const struct sim_device sim_gateway = {
	.name = "gateway",
	.baud = 115200,
	.state_size = sizeof(struct sim_dock),
	.usage = "gateway telemetry BAND zone=Z [hr=H] [battery=B] [badge]\ngateway sos BAND\n"
	    "gateway strap BAND\ngateway silent\ngateway talk\ngateway stream N\n",
	.init = gateway_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};

const struct sim_device sim_dock = {
	.name = "dock",
	.baud = 115200,
	.state_size = sizeof(struct sim_dock),
	.usage = "dock present SLOT BAND [BATTERY]\ndock remove SLOT\n"
	    "dock telemetry BAND zone=Z [hr=H] [battery=B] [badge]\ndock sos BAND\n"
	    "dock strap BAND\ndock silent\ndock talk\ndock stream N\ndock reset [SLOTS]\n"
	    "dock version 1|2\ndock badlen\n",
	.init = sim_init,
	.from_host = sim_from_host,
	.tick = sim_tick,
	.command = sim_command,
};

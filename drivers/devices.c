/* The terminal's device lines: open, read into the driver, write its output, reopen on loss. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "devices.h"
#include "dock.h"
#include "dock-udp.h"
#include "em4100.h"
#include "fingerprint.h"
#include "idreader.h"
#include "pn532.h"
#include "serial.h"
#include "uhf.h"
#include "xmalloc.h"

#define BACKOFF_FIRST_MS 50
#define BACKOFF_MAX_MS 500
#define OUT_MAX 16384		/* bytes queued to a device; beyond, the device is not reading */
#define READ_CHUNK 4096

struct line {
	struct devices *d;
	int dev;
	const struct dev_driver *drv;
	void *state;
	struct config_line conf;
	struct serial *ser;
	int watch, tick_timer, retry_timer;
	int64_t backoff;
	enum dev_line_state st;
	struct dev_io io;
	uint8_t out[OUT_MAX];
	size_t out_len;
	uint64_t out_dropped;
	char error[ERRMSG_MAX];
};

struct devices {
	struct loop *loop;
	struct devices_callbacks cb;
	struct line lines[CONF_DEVICES];
	struct dock_udp *gateway;	/* [gateway]: the dock's telemetry over UDP, NULL none */
	char gateway_error[ERRMSG_MAX];
};

const struct dev_driver *
devices_driver(int dev)
{
	static const struct dev_driver *const drivers[CONF_DEVICES] = {
		[CONF_DEV_PN532] = &pn532_driver,
		[CONF_DEV_EM4100] = &em4100_driver,
		[CONF_DEV_FINGERPRINT] = &fingerprint_driver,
		[CONF_DEV_UHF] = &uhf_driver,
		[CONF_DEV_DOCK] = &dock_driver,
		[CONF_DEV_IDCARD] = &idreader_driver,
	};

	return dev >= 0 && dev < CONF_DEVICES ? drivers[dev] : NULL;
}

static void try_open(void *arg);

static void
set_state(struct line *ln, enum dev_line_state st)
{
	if (ln->st == st)
		return;
	ln->st = st;
	if (ln->d->cb.state)
		ln->d->cb.state(ln->d->cb.arg, ln->dev, st);
}

static void
on_tick(void *arg)
{
	struct line *ln = arg;
	int64_t next;

	ln->tick_timer = 0;
	if (ln->ser == NULL)
		return;
	next = ln->drv->tick(ln->state, clock_mono_ms(), &ln->io);
	if (next >= 0 && ln->ser)
		ln->tick_timer = loop_timer(ln->d->loop, next - clock_mono_ms(), 0, on_tick, ln);
}

static void
retick(struct line *ln, int64_t next)
{
	loop_cancel(ln->d->loop, ln->tick_timer);
	ln->tick_timer = 0;
	if (next >= 0 && ln->ser)
		ln->tick_timer = loop_timer(ln->d->loop, next - clock_mono_ms(), 0, on_tick, ln);
}

/* The line went away: close it and come back with backoff. */
static void
lose(struct line *ln, const char *why)
{
	snprintf(ln->error, sizeof ln->error, "%s", why);
	loop_unwatch(ln->d->loop, ln->watch);
	loop_cancel(ln->d->loop, ln->tick_timer);
	ln->watch = ln->tick_timer = 0;
	serial_close(ln->ser);
	ln->ser = NULL;
	ln->out_len = 0;
	set_state(ln, LINE_RECONNECTING);
	ln->backoff = BACKOFF_FIRST_MS;
	ln->retry_timer = loop_timer(ln->d->loop, ln->backoff, 0, try_open, ln);
}

static void
flush_out(struct line *ln)
{
	struct errmsg em = { 0 };
	ssize_t put;

	if (ln->ser == NULL || ln->out_len == 0)
		return;
	put = serial_write(ln->ser, ln->out, ln->out_len, &em);
	if (put < 0) {
		lose(ln, em.text);
		return;
	}
	memmove(ln->out, ln->out + put, ln->out_len - (size_t)put);
	ln->out_len -= (size_t)put;
	loop_watch_events(ln->d->loop, ln->watch, ln->out_len ? POLLIN | POLLOUT : POLLIN);
}

static void
io_write(void *arg, const uint8_t *bytes, size_t n)
{
	struct line *ln = arg;

	if (ln->ser == NULL)
		return;
	if (n > OUT_MAX - ln->out_len) {
		ln->out_dropped += n;
		return;
	}
	memcpy(ln->out + ln->out_len, bytes, n);
	ln->out_len += n;
	flush_out(ln);
}

static void
io_emit(void *arg, const struct dev_event *ev)
{
	struct line *ln = arg;
	struct dev_event corrected;

	if (ln->d->cb.event == NULL)
		return;
	/* a tag's RSSI is dBm at the module's chip input: this module's correction makes it
	 * comparable across modules (custody.conf(5), [device.uhf] rssi_offset) */
	if (ev->kind == DEV_TAG && ev->tag.rssi != 0 && ln->conf.rssi_offset != 0) {
		corrected = *ev;
		corrected.tag.rssi += ln->conf.rssi_offset;
		ev = &corrected;
	}
	ln->d->cb.event(ln->d->cb.arg, ln->dev, ev);
}

static void
on_ready(void *arg, int fd, short revents)
{
	struct line *ln = arg;
	struct errmsg em = { 0 };
	uint8_t buf[READ_CHUNK];
	ssize_t got;
	int rounds = 0;

	(void)fd;
	if (revents & POLLOUT)
		flush_out(ln);
	/* Read what is there first: the bytes before a hang-up are still the device's. */
	while (ln->ser && (revents & (POLLIN | POLLHUP | POLLERR)) && rounds++ < 16) {
		got = serial_read(ln->ser, buf, sizeof buf, &em);
		if (got < 0) {
			lose(ln, em.text);
			return;
		}
		if (got == 0)
			break;
		ln->drv->feed(ln->state, buf, (size_t)got, clock_mono_ms(), &ln->io);
		if (got < (ssize_t)sizeof buf)
			break;
	}
	if (ln->ser && (revents & (POLLHUP | POLLERR | POLLNVAL)))
		lose(ln, revents & POLLHUP ? "hang-up" : "line error");
	else if (ln->ser && rounds > 0)
		/* What came may move the driver's next time: half a frame's gap, an answer's wait. */
		retick(ln, ln->drv->tick(ln->state, clock_mono_ms(), &ln->io));
}

static void
try_open(void *arg)
{
	struct line *ln = arg;
	struct errmsg em = { 0 };
	int baud = ln->conf.baud ? ln->conf.baud : ln->drv->baud;

	ln->retry_timer = 0;
	if (serial_open(ln->conf.port, baud, config_framings[ln->conf.framing], &ln->ser,
	    &em) != CST_OK) {
		snprintf(ln->error, sizeof ln->error, "%s", em.text);
		set_state(ln, LINE_RECONNECTING);
		ln->backoff = ln->backoff ? ln->backoff * 2 : BACKOFF_FIRST_MS;
		if (ln->backoff > BACKOFF_MAX_MS)
			ln->backoff = BACKOFF_MAX_MS;
		ln->retry_timer = loop_timer(ln->d->loop, ln->backoff, 0, try_open, ln);
		return;
	}
	ln->backoff = 0;
	ln->error[0] = 0;
	ln->watch = loop_watch(ln->d->loop, serial_fd(ln->ser), POLLIN, on_ready, ln);
	set_state(ln, LINE_CONNECTED);
	ln->drv->start(ln->state, clock_mono_ms(), &ln->io);
	if (ln->ser)
		retick(ln, ln->drv->tick(ln->state, clock_mono_ms(), &ln->io));
}

struct devices *
devices_new(struct loop *l, const struct config *c, const struct devices_callbacks *cb)
{
	struct devices *d = xcalloc(1, sizeof *d);
	int i;

	d->loop = l;
	d->cb = *cb;
	for (i = 0; i < CONF_DEVICES; i++) {
		struct line *ln = &d->lines[i];

		ln->d = d;
		ln->dev = i;
		ln->conf = c->dev[i];
		ln->drv = devices_driver(i);
		ln->io.write = io_write;
		ln->io.emit = io_emit;
		ln->io.arg = ln;
		if (ln->conf.port[0] == '\0')
			continue;
		if (ln->drv == NULL) {
			ln->st = LINE_UNSUPPORTED;
			continue;
		}
		ln->state = xcalloc(1, ln->drv->state_size);
		ln->st = LINE_RECONNECTING;
		try_open(ln);
	}
	if (c->gateway.listen[0] != '\0') {
		struct errmsg em = { 0 };

		/* Its events are the dock's: the same callback, through the dock's line. */
		if (dock_udp_open(l, &c->gateway, &d->lines[CONF_DEV_DOCK].io, &d->gateway,
		    &em) != CST_OK)
			snprintf(d->gateway_error, sizeof d->gateway_error, "%s", em.text);
	}
	return d;
}

const char *
devices_gateway_error(const struct devices *d)
{
	return d ? d->gateway_error : "";
}

const struct dock_net_stats *
devices_gateway_stats(const struct devices *d)
{
	return d && d->gateway ? dock_udp_stats(d->gateway) : NULL;
}

int
devices_gateway_port(const struct devices *d)
{
	return d && d->gateway ? dock_udp_port(d->gateway) : -1;
}

void
devices_free(struct devices *d)
{
	int i;

	if (d == NULL)
		return;
	dock_udp_free(d->gateway);
	for (i = 0; i < CONF_DEVICES; i++) {
		struct line *ln = &d->lines[i];

		loop_unwatch(d->loop, ln->watch);
		loop_cancel(d->loop, ln->tick_timer);
		loop_cancel(d->loop, ln->retry_timer);
		serial_close(ln->ser);
		free(ln->state);
	}
	free(d);
}

enum dev_line_state
devices_state(const struct devices *d, int dev)
{
	return d && dev >= 0 && dev < CONF_DEVICES ? d->lines[dev].st : LINE_ABSENT;
}

const char *
devices_error(const struct devices *d, int dev)
{
	return d && dev >= 0 && dev < CONF_DEVICES ? d->lines[dev].error : "";
}

const struct dev_stats *
devices_stats(const struct devices *d, int dev)
{
	static const struct dev_stats none;

	if (d == NULL || dev < 0 || dev >= CONF_DEVICES || d->lines[dev].state == NULL)
		return &none;
	return d->lines[dev].drv->stats(d->lines[dev].state);
}

int
devices_request(struct devices *d, int dev, const struct dev_request *rq)
{
	struct line *ln;

	if (d == NULL || dev < 0 || dev >= CONF_DEVICES)
		return -1;
	ln = &d->lines[dev];
	if (ln->ser == NULL)
		return -1;
	if (ln->drv->request(ln->state, rq, clock_mono_ms(), &ln->io) != 0)
		return -1;
	if (ln->ser)
		retick(ln, ln->drv->tick(ln->state, clock_mono_ms(), &ln->io));
	return 0;
}

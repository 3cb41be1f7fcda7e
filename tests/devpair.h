/*
 * Tests: a driver and its simulated device wired back to back in memory, on a test clock.
 * What the driver writes reaches the device's from_host; what the device sends reaches the
 * driver's feed, with an optional fault on the next frame.  Events land in pair.events.
 * Over real ptys the same pairing is tested by tests/test-devices.c.
 */
#ifndef CUSTODY_DEVPAIR_H
#define CUSTODY_DEVPAIR_H

#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "sim.h"

#define PAIR_EVENTS 4096

enum pair_fault { PAIR_NONE, PAIR_CORRUPT, PAIR_HALF };

struct pair {
	const struct dev_driver *drv;
	const struct sim_device *dev;
	void *drv_state, *dev_state;
	struct dev_io io;
	struct sim_io sio;
	int64_t now;
	int64_t drv_next, dev_next;	/* when each wants its next tick, -1 none */
	enum pair_fault fault;		/* applied to the next frame the device sends */
	int n;				/* events seen (may exceed PAIR_EVENTS) */
	struct dev_event events[PAIR_EVENTS];
	uint64_t host_bytes, dev_bytes;
};

static void
pair_emit(void *arg, const struct dev_event *ev)
{
	struct pair *p = arg;

	if (p->n < PAIR_EVENTS)
		p->events[p->n] = *ev;
	p->n++;
}

static void
pair_host_write(void *arg, const uint8_t *bytes, size_t n)
{
	struct pair *p = arg;

	p->host_bytes += n;
	p->dev->from_host(p->dev_state, bytes, n, p->now, &p->sio);
	p->dev_next = p->dev->tick(p->dev_state, p->now, &p->sio);
}

static void
pair_dev_send(void *arg, const uint8_t *frame, size_t n)
{
	struct pair *p = arg;
	uint8_t copy[8192];

	if (n > sizeof copy)
		n = sizeof copy;
	memcpy(copy, frame, n);
	if (p->fault == PAIR_CORRUPT && n > 0)
		copy[n / 2] ^= 0x01;
	else if (p->fault == PAIR_HALF)
		n /= 2;
	p->fault = PAIR_NONE;
	p->dev_bytes += n;
	p->drv->feed(p->drv_state, copy, n, p->now, &p->io);
}

static inline void
pair_open(struct pair *p, const struct dev_driver *drv, const struct sim_device *dev, int64_t now)
{
	memset(p, 0, sizeof *p);
	p->drv = drv;
	p->dev = dev;
	p->drv_state = calloc(1, drv->state_size);
	p->dev_state = calloc(1, dev->state_size);
	p->io.write = pair_host_write;
	p->io.emit = pair_emit;
	p->io.arg = p;
	p->sio.send = pair_dev_send;
	p->sio.arg = p;
	p->now = now;
	dev->init(p->dev_state);
	p->dev_next = -1;
	drv->start(p->drv_state, now, &p->io);
	p->drv_next = drv->tick(p->drv_state, now, &p->io);
}

static inline void
pair_close(struct pair *p)
{
	free(p->drv_state);
	free(p->dev_state);
}

/* Runs both sides' ticks until the clock reaches until (ms from the epoch of the pair). */
static inline void
pair_run(struct pair *p, int64_t until)
{
	for (;;) {
		int64_t next = until;

		if (p->drv_next >= 0 && p->drv_next < next)
			next = p->drv_next;
		if (p->dev_next >= 0 && p->dev_next < next)
			next = p->dev_next;
		if (next > p->now)
			p->now = next;
		if (p->dev_next >= 0 && p->dev_next <= p->now)
			p->dev_next = p->dev->tick(p->dev_state, p->now, &p->sio);
		if (p->drv_next >= 0 && p->drv_next <= p->now)
			p->drv_next = p->drv->tick(p->drv_state, p->now, &p->io);
		if (p->now >= until && (p->dev_next < 0 || p->dev_next > until) &&
		    (p->drv_next < 0 || p->drv_next > until))
			return;
	}
}

/* A script line for the device, as custody-sim would pass it; returns its result. */
static inline int
pair_command(struct pair *p, const char *line, char *err, size_t errsz)
{
	char buf[1024], *argv[32], *save = NULL, *w;
	int argc = 0, rc;

	strncpy(buf, line, sizeof buf - 1);
	buf[sizeof buf - 1] = 0;
	for (w = strtok_r(buf, " ", &save); w && argc < 32; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	if (argc == 0)
		return -1;
	rc = p->dev->command(p->dev_state, argc, argv, p->now, &p->sio, err, errsz);
	p->dev_next = p->dev->tick(p->dev_state, p->now, &p->sio);
	return rc;
}

static inline int
pair_request(struct pair *p, const struct dev_request *rq)
{
	int rc = p->drv->request(p->drv_state, rq, p->now, &p->io);

	p->drv_next = p->drv->tick(p->drv_state, p->now, &p->io);
	return rc;
}

/* The number of events of kind seen so far. */
static inline int
pair_count(const struct pair *p, enum dev_event_kind kind)
{
	int i, c = 0;

	for (i = 0; i < p->n && i < PAIR_EVENTS; i++)
		c += p->events[i].kind == kind;
	return c;
}

#endif

/*
 * The terminal's devices: one serial line per configured device, its driver, its file
 * descriptor in the poll loop.  A line that closes or errors (an unplug) is closed and reopened
 * with backoff (50 ms doubling to 500 ms), so a device is back within a second of its line
 * returning.  Events and state changes go to the console's callbacks.
 */
#ifndef CUSTODY_DEVICES_H
#define CUSTODY_DEVICES_H

#include "config.h"
#include "dock-net.h"
#include "driver.h"
#include "loop.h"

enum dev_line_state {
	LINE_ABSENT,		/* not configured (no port in custody.conf) */
	LINE_CONNECTED,
	LINE_RECONNECTING,	/* configured; the line is not there or went away */
	LINE_UNSUPPORTED	/* configured, but this build has no driver for it */
};

struct devices_callbacks {
	void (*event)(void *arg, int dev, const struct dev_event *ev);
	void (*state)(void *arg, int dev, enum dev_line_state state);
	void *arg;
};

struct devices;

/* The driver of each device (enum config_device), NULL where there is none yet. */
const struct dev_driver *devices_driver(int dev);

/* Starts opening every configured line; never fails (a missing line is "reconnecting"). */
struct devices *devices_new(struct loop *l, const struct config *c,
    const struct devices_callbacks *cb);
void devices_free(struct devices *d);

enum dev_line_state devices_state(const struct devices *d, int dev);
/* The last reason the line was lost or could not be opened ("" if none). */
const char *devices_error(const struct devices *d, int dev);
const struct dev_stats *devices_stats(const struct devices *d, int dev);
/*
 * The positioning gateway over UDP ([gateway] in custody.conf): why it could not be opened
 * ("" when it is open or not configured), its counters (NULL when not open), its port.
 * BIND, UNBIND and LOCATE are not available over it (devices_request goes to the serial dock).
 */
const char *devices_gateway_error(const struct devices *d);
const struct dock_net_stats *devices_gateway_stats(const struct devices *d);
int devices_gateway_port(const struct devices *d);
/* 0, or -1 when the device is not connected or its driver refuses the request. */
int devices_request(struct devices *d, int dev, const struct dev_request *rq);

#endif

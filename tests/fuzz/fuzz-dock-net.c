/*
 * libFuzzer: the gateway's datagram checks never crash on any bytes, never emit from a
 * datagram they refuse, and emit only events within the protocol's bounds.  The first byte
 * chooses whether the input is sealed with the test key first, so that the frame walk behind
 * the MAC is reached too.
 */
#include <assert.h>
#include <string.h>

#include "crypto.h"
#include "dock-net.h"

static int events;

static void
check_event(void *arg, const struct dev_event *ev)
{
	(void)arg;
	assert(memchr(ev->text, 0, sizeof ev->text) != NULL);
	if (ev->kind == DEV_DOCK) {
		assert(ev->dock.what == DOCK_HELLO || ev->dock.what == DOCK_TELEMETRY);
		assert(ev->dock.zone >= -1 && ev->dock.zone <= 0xffff);
		assert(ev->dock.battery >= -1 && ev->dock.battery <= 100);
		assert(strlen(ev->id) <= 2 * DOCK_BAND_ID_MAX);
	}
	events++;
}

static void
no_write(void *arg, const uint8_t *b, size_t n)
{
	(void)arg;
	(void)b;
	(void)n;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static struct dock_net g;
	static uint8_t key[DOCK_NET_KEY];
	struct dev_io io = { no_write, check_event, NULL };
	uint8_t d[DOCK_NET_MAX];
	enum dock_net_verdict v;
	size_t n;

	if (cry_init() != 0 || size == 0)
		return 0;
	dock_net_init(&g, key, 1, 0);
	events = 0;
	if (data[0] & 1) {
		n = dock_net_seal(key, 1, data[0], data + 1, size - 1, d);
		if (n == 0)
			return 0;
		v = dock_net_datagram(&g, d, n, 0, &io);
	} else {
		v = dock_net_datagram(&g, data + 1, size - 1, 0, &io);
	}
	assert(v == DOCK_NET_OK || events == 0);
	assert(g.net.accepted + g.net.bad_size + g.net.bad_header + g.net.bad_mac + g.net.replayed +
	    g.net.bad_frames + g.net.flood == 1);
	return 0;
}

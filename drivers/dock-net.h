/*
 * The positioning gateway over the network (docs/dock-protocol.md, section 14): UDP datagrams
 * that carry dock frames of version 2, each datagram authenticated with HMAC-SHA-512-256
 * under the gateway's 32-byte key and numbered by a counter that only grows.  This module
 * checks and decodes a datagram (no I/O of its own: drivers/devices.c owns the socket) and
 * emits the same events as a serial dock's gateway, so that the rules see no difference.
 */
#ifndef CUSTODY_DOCK_NET_H
#define CUSTODY_DOCK_NET_H

#include "dock.h"

#define DOCK_NET_MAGIC "CDGW"
#define DOCK_NET_VERSION 1
#define DOCK_NET_HEADER 16	/* magic 4, version 1, flags 1, gateway 2, counter 8 */
#define DOCK_NET_TAG 32		/* HMAC-SHA-512-256 of everything before it */
#define DOCK_NET_MAX 1232	/* IPv6's 1280-byte minimum MTU less its 40 + UDP's 8 */
#define DOCK_NET_KEY 32
#define DOCK_NET_WINDOW 64	/* counters this far below the highest may come late, once */
#define DOCK_NET_RATE 200	/* datagrams checked a second; beyond, dropped unchecked */

struct dock_net_stats {
	uint64_t accepted;	/* datagrams whose frames reached the rules */
	uint64_t bad_size;	/* shorter than a header, a frame and a tag, or over the maximum */
	uint64_t bad_header;	/* another magic, version, flags or gateway */
	uint64_t bad_mac;	/* forged, damaged or under another key */
	uint64_t replayed;	/* a counter already seen, or below the window */
	uint64_t bad_frames;	/* authentic, but not whole good frames of types a gateway sends */
	uint64_t flood;		/* over DOCK_NET_RATE in a second */
};

enum dock_net_verdict {
	DOCK_NET_OK, DOCK_NET_SIZE, DOCK_NET_HEADER_BAD, DOCK_NET_FLOOD, DOCK_NET_MAC,
	DOCK_NET_REPLAY, DOCK_NET_FRAMES
};

struct dock_net {
	uint8_t key[DOCK_NET_KEY];
	uint16_t gateway;
	int have_top;
	uint64_t top;			/* the highest counter accepted */
	uint64_t window;		/* bit i: counter top - i was accepted */
	int64_t second;			/* the start of the current rate second */
	int in_second;
	int64_t last_rx;		/* the last authentic datagram */
	int silence_told;
	struct dev_stats stats;		/* frames, bad frames: as a serial dock's */
	struct dock_net_stats net;
};

/*
 * Writes a datagram of the gateway's frames (whole version 2 frames, one after the other)
 * to out: header, frames, tag.  Returns its length, or 0 if it would be over DOCK_NET_MAX.
 */
size_t dock_net_seal(const uint8_t key[DOCK_NET_KEY], uint16_t gateway, uint64_t counter,
    const uint8_t *frames, size_t n, uint8_t out[DOCK_NET_MAX]);

void dock_net_init(struct dock_net *g, const uint8_t key[DOCK_NET_KEY], uint16_t gateway,
    int64_t now);
/* The highest counter taken before a restart: it and all below it are refused as replays. */
void dock_net_resume(struct dock_net *g, uint64_t top);
/* Checks one datagram of n bytes and emits its events; a verdict, DOCK_NET_OK if taken. */
enum dock_net_verdict dock_net_datagram(struct dock_net *g, const uint8_t *d, size_t n,
    int64_t now, const struct dev_io *io);
/* A DEV_ERROR once after DOCK_SILENCE_MS without an authentic datagram; the next due time. */
int64_t dock_net_tick(struct dock_net *g, int64_t now, const struct dev_io *io);

#endif

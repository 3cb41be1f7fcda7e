/*
 * The positioning gateway's UDP socket in the terminal's poll loop: binds the configured
 * address, reads the gateway's key file, hands each datagram to dock-net.c and its events to
 * the same callback as the serial dock's (device CONF_DEV_DOCK), so they feed the same rules.
 */
#ifndef CUSTODY_DOCK_UDP_H
#define CUSTODY_DOCK_UDP_H

#include "config.h"
#include "dock-net.h"
#include "error.h"
#include "loop.h"

#define DOCK_UDP_BURST 64	/* datagrams read in one wake-up; the rest wait for the next */

struct dock_udp;

/* Opens the socket of c->gateway; CST_ERR_* with em saying why (bad address, key, bind). */
int dock_udp_open(struct loop *l, const struct config_gateway *c, const struct dev_io *io,
    struct dock_udp **out, struct errmsg *em);
void dock_udp_free(struct dock_udp *u);
const struct dock_net_stats *dock_udp_stats(const struct dock_udp *u);
/* The port it is bound to (for tests that bind port 0). */
int dock_udp_port(const struct dock_udp *u);
/* Reads a key file: 64 hex digits (and an optional newline), private to this user. */
int dock_udp_read_key(const char *path, uint8_t key[DOCK_NET_KEY], struct errmsg *em);

#endif

/* The gateway's UDP socket: bounded reads, every datagram through dock-net.c's checks. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "clock.h"
#include "crypto.h"
#include "dock-udp.h"
#include "hex.h"
#include "i18n.h"
#include "keyfile.h"
#include "xmalloc.h"

struct dock_udp {
	struct loop *loop;
	int fd, watch, timer;
	struct dev_io io;
	struct dock_net net;
};

int
dock_udp_read_key(const char *path, uint8_t key[DOCK_NET_KEY], struct errmsg *em)
{
	char text[KEYFILE_MAX + 1];
	size_t n;
	int status;

	if ((status = keyfile_read(path, text, sizeof text, em)) != CST_OK)
		return status;
	n = strcspn(text, "\r\n");
	if (n != 2 * DOCK_NET_KEY || text[n + strspn(text + n, "\r\n")] != '\0' ||
	    hex_decode(text, n, key, DOCK_NET_KEY) != 0) {
		cry_wipe(text, sizeof text);
		return keyfile_damaged(path, em, _("not 64 hex digits"));
	}
	cry_wipe(text, sizeof text);
	return CST_OK;
}

/* "ADDRESS:PORT" or "[IPv6]:PORT", numeric only: no name lookup that could block the loop. */
static int
resolve(const char *spec, struct addrinfo **res, struct errmsg *em)
{
	char host[64];
	const char *colon = strrchr(spec, ':'), *h = spec;
	size_t hl;
	struct addrinfo hints;

	if (colon == NULL || colon[1] == '\0')
		return err_set(em, CST_ERR_ARG, _("[gateway] listen \"%s\" is not ADDRESS:PORT"), spec);
	hl = (size_t)(colon - spec);
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
		h = spec + 1;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof host)
		return err_set(em, CST_ERR_ARG, _("[gateway] listen \"%s\" is not ADDRESS:PORT"), spec);
	memcpy(host, h, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if (getaddrinfo(host, colon + 1, &hints, res) != 0)
		return err_set(em, CST_ERR_ARG, _("[gateway] listen \"%s\" is not ADDRESS:PORT"), spec);
	return CST_OK;
}

static void
on_tick(void *arg)
{
	struct dock_udp *u = arg;
	int64_t next;

	u->timer = 0;
	next = dock_net_tick(&u->net, clock_mono_ms(), &u->io);
	if (next >= 0)
		u->timer = loop_timer(u->loop, next - clock_mono_ms(), 0, on_tick, u);
}

static void
on_ready(void *arg, int fd, short revents)
{
	struct dock_udp *u = arg;
	uint8_t buf[DOCK_NET_MAX + 1];	/* one byte more: an oversize datagram is seen as such */
	ssize_t got;
	int i, was_silent = u->net.silence_told;

	(void)revents;
	for (i = 0; i < DOCK_UDP_BURST; i++) {
		got = recv(fd, buf, sizeof buf, MSG_TRUNC);
		if (got < 0)
			break;		/* EAGAIN: nothing more; another error: next time */
		dock_net_datagram(&u->net, buf, (size_t)got > sizeof buf ? sizeof buf : (size_t)got,
		    clock_mono_ms(), &u->io);
	}
	if (was_silent && !u->net.silence_told) {
		loop_cancel(u->loop, u->timer);
		u->timer = 0;
		on_tick(u);
	}
}

int
dock_udp_open(struct loop *l, const struct config_gateway *c, const struct dev_io *io,
    struct dock_udp **out, struct errmsg *em)
{
	struct dock_udp *u;
	struct addrinfo *res = NULL;
	uint8_t key[DOCK_NET_KEY];
	int status, fd;

	*out = NULL;
	if (c->key[0] == '\0')
		return err_set(em, CST_ERR_ARG, "%s", _("[gateway] has no key file"));
	if ((status = dock_udp_read_key(c->key, key, em)) != CST_OK)
		return status;
	if ((status = resolve(c->listen, &res, em)) != CST_OK) {
		cry_wipe(key, sizeof key);
		return status;
	}
	fd = socket(res->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
		status = err_set(em, CST_ERR_IO, _("[gateway] cannot listen on %s: %s"), c->listen,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		cry_wipe(key, sizeof key);
		return status;
	}
	freeaddrinfo(res);
	u = xcalloc(1, sizeof *u);
	u->loop = l;
	u->fd = fd;
	u->io = *io;
	dock_net_init(&u->net, key, (uint16_t)c->id, clock_mono_ms());
	cry_wipe(key, sizeof key);
	u->watch = loop_watch(l, fd, POLLIN, on_ready, u);
	on_tick(u);
	*out = u;
	return CST_OK;
}

void
dock_udp_free(struct dock_udp *u)
{
	if (u == NULL)
		return;
	loop_unwatch(u->loop, u->watch);
	loop_cancel(u->loop, u->timer);
	close(u->fd);
	cry_wipe(u->net.key, sizeof u->net.key);
	free(u);
}

const struct dock_net_stats *
dock_udp_stats(const struct dock_udp *u)
{
	return &u->net.net;
}

int
dock_udp_port(const struct dock_udp *u)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(u->fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

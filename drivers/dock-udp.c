/* The gateway's UDP socket: bounded reads, every datagram through dock-net.c's checks. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
	int counter_fd;			/* the highest counter taken, kept across restarts */
	uint64_t saved;			/* what counter_fd holds */
	int64_t synced_at;		/* its last fdatasync */
	int sync_timer;			/* a write waiting for its fdatasync */
	int write_failed;		/* told once, until a write succeeds again */
};

/*
 * The highest counter taken is written to KEY.counter after each datagram that raises it
 * (a write to the page cache survives the console's crash), and made durable at most once a
 * second (so a power cut forgets at most the last second). docs/dock-protocol.md, section 14.
 */
static int
counter_open(const char *key_path, int *fd_out, uint64_t *top, int *have, struct errmsg *em)
{
	char path[PATH_MAX], text[40];
	ssize_t got;
	size_t n;
	int fd;

	*have = 0;
	*top = 0;
	if (snprintf(path, sizeof path, "%s.counter", key_path) >= (int)sizeof path)
		return err_set(em, CST_ERR_ARG, _("[gateway] key path is too long"));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(em, keyfile_io_status(errno), _("cannot open %s: %s"), path,
		    strerror(errno));
	got = pread(fd, text, sizeof text - 1, 0);
	if (got < 0) {
		close(fd);
		return err_set(em, CST_ERR_IO, _("cannot read %s: %s"), path, strerror(errno));
	}
	text[got] = '\0';
	n = strspn(text, "0123456789abcdef");
	if (got > 0 && (n != 16 || strcmp(text + n, "\n") != 0)) {
		close(fd);
		return err_set(em, CST_ERR_INPUT, _("the gateway's counter file %s is damaged: "
		    "it must hold 16 hex digits; remove it only if the gateway's key is new"), path);
	}
	if (got > 0) {
		*top = strtoull(text, NULL, 16);
		*have = 1;
	}
	*fd_out = fd;
	return CST_OK;
}

static void
counter_sync(void *arg)
{
	struct dock_udp *u = arg;

	u->sync_timer = 0;
	fdatasync(u->counter_fd);
	u->synced_at = clock_mono_ms();
}

static void
counter_failed(struct dock_udp *u, int64_t now, int e)
{
	struct dev_event ev;

	if (u->write_failed)
		return;
	u->write_failed = 1;
	memset(&ev, 0, sizeof ev);
	ev.kind = DEV_ERROR;
	ev.ts = now;
	snprintf(ev.text, sizeof ev.text, "cannot keep the gateway's counter: %s", strerror(e));
	u->io.emit(u->io.arg, &ev);
}

static void
counter_save(struct dock_udp *u, int64_t now)
{
	char text[20];

	if (!u->net.have_top || u->net.top == u->saved)
		return;
	snprintf(text, sizeof text, "%016llx\n", (unsigned long long)u->net.top);
	if (pwrite(u->counter_fd, text, 17, 0) != 17) {
		counter_failed(u, now, errno);	/* tried again after the next datagram */
		return;
	}
	u->write_failed = 0;
	u->saved = u->net.top;
	if (u->sync_timer)
		return;
	if (now - u->synced_at >= 1000)
		counter_sync(u);
	else
		u->sync_timer = loop_timer(u->loop, u->synced_at + 1000 - now, 0, counter_sync, u);
}

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
	counter_save(u, clock_mono_ms());
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
	uint64_t top;
	int status, fd, counter_fd, have_top;

	*out = NULL;
	if (c->key[0] == '\0')
		return err_set(em, CST_ERR_ARG, "%s", _("[gateway] has no key file"));
	if ((status = dock_udp_read_key(c->key, key, em)) != CST_OK)
		return status;
	if ((status = counter_open(c->key, &counter_fd, &top, &have_top, em)) != CST_OK) {
		cry_wipe(key, sizeof key);
		return status;
	}
	if ((status = resolve(c->listen, &res, em)) != CST_OK) {
		cry_wipe(key, sizeof key);
		close(counter_fd);
		return status;
	}
	fd = socket(res->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0) {
		status = err_set(em, CST_ERR_IO, _("[gateway] cannot listen on %s: %s"), c->listen,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		close(counter_fd);
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
	u->counter_fd = counter_fd;
	u->synced_at = clock_mono_ms();
	if (have_top) {
		dock_net_resume(&u->net, top);
		u->saved = top;
	}
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
	loop_cancel(u->loop, u->sync_timer);
	close(u->fd);
	counter_save(u, clock_mono_ms());
	fdatasync(u->counter_fd);	/* the last one, durable now */
	close(u->counter_fd);
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

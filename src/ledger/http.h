/* The ledger's HTTPS front: libmicrohttpd with GnuTLS, TLS 1.2 and 1.3 only, bounded everywhere. */
#ifndef LEDGER_HTTP_H
#define LEDGER_HTTP_H

#include "error.h"
#include "ledger.h"

#define HTTP_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define HTTP_MAX_PEM (1u << 20)

struct http_config {
	const char *listen;		/* ADDR:PORT, IPv4 or [IPv6]:PORT */
	const char *cert, *key;		/* PEM files */
	const char *client_ca;		/* PEM file, or NULL: no client certificates asked */
	unsigned max_connections;
	unsigned timeout_s;		/* an idle connection is closed after this */
};

struct http;

int http_start(struct ledger *l, const struct http_config *c, struct http **out,
    struct errmsg *em);
/* The port bound (useful with port 0). */
unsigned http_port(const struct http *h);
void http_stop(struct http *h);

#endif

/* The ledger's HTTPS front: libmicrohttpd with GnuTLS, TLS 1.2 and 1.3 only, bounded everywhere. */
#ifndef LEDGER_HTTP_H
#define LEDGER_HTTP_H

#include "error.h"
#include "ledger.h"

/*
 * TLS 1.3 and 1.2; in 1.2 only AEAD suites (AES-GCM, ChaCha20-Poly1305) with ECDHE: no CBC,
 * no SHA-1 MAC, no RSA key exchange.
 */
#define HTTP_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:" \
	"+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA"
#define HTTP_MAX_PEM (1u << 20)
#define HTTP_MAX_ENROLL 4096		/* bytes of an enrolment body */
#define HTTP_MAX_COSIGN 4096		/* bytes of a cosignature body */

struct http_config {
	const char *listen;		/* ADDR:PORT, IPv4 or [IPv6]:PORT */
	const char *cert, *key;		/* PEM files */
	const char *client_ca;		/* PEM file, or NULL: no client certificates asked */
	unsigned max_connections;	/* all at once; half of them may wait for a head */
	unsigned max_per_address;	/* from one peer address */
	unsigned timeout_s;		/* an idle connection is closed after this */
	unsigned head_timeout_s;	/* TLS handshake and request head, and a body's grace */
	unsigned body_memory_mib;	/* all request bodies in flight together */
	unsigned threads;		/* threads serving connections */
};

#define HTTP_DEFAULTS { .listen = "127.0.0.1:8443", .max_connections = 1024, \
	.max_per_address = 32, .timeout_s = 60, .head_timeout_s = 10, .body_memory_mib = 64, \
	.threads = 4 }

struct http;

int http_start(struct ledger *l, const struct http_config *c, struct http **out,
    struct errmsg *em);
/* The port bound (useful with port 0). */
unsigned http_port(const struct http *h);
void http_stop(struct http *h);

#endif

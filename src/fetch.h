/*
 * Blocking HTTPS requests to the ledger for the command line (custody export's proofs,
 * custody-audit): the same trust settings as sync's (its CA only, a pin, a client
 * certificate, TLS 1.2 at least), one connection kept for many requests, every answer
 * bounded, and the request signed (docs/sync-protocol.md) when a key is given.
 */
#ifndef CUSTODY_FETCH_H
#define CUSTODY_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "event.h"

struct sync_conf;
struct fetch;

/* Who signs: a terminal (or an auditor enrolled as one) and its key; NULL for none. */
struct fetch_signer {
	char terminal[EV_MAX_ID + 1];
	unsigned char sk[CRY_SK_BYTES];
};

struct fetch_resp {
	long http;	/* the status; 0 when nothing came */
	char *body;	/* NUL-terminated, owned: fetch_resp_free */
	size_t len;
};

/* A session on cf's ledger (copied): CST_ERR_INTERNAL when libcurl cannot start. */
int fetch_open(const struct sync_conf *cf, struct fetch **out, struct errmsg *em);
void fetch_close(struct fetch *f);

/*
 * One request: method "GET" or "POST" (body then), path with its query as signed. An answer
 * longer than max bytes is refused (CST_ERR_INPUT); a failure to reach the ledger is
 * CST_ERR_IO. Any HTTP status is CST_OK: the caller reads r->http.
 */
int fetch_do(struct fetch *f, const char *method, const char *path,
    const struct fetch_signer *who, const char *body, size_t len, size_t max,
    struct fetch_resp *r, struct errmsg *em);
void fetch_resp_free(struct fetch_resp *r);

/* "code: message" of a JSON error answer, printable, for a message; "" when there is none. */
void fetch_error_text(const struct fetch_resp *r, char *out, size_t size);

#endif

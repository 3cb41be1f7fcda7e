/*
 * One journal event, its canonical encoding, hash and signature (docs/journal.md).
 * Shared by the terminal and the ledger so both hash the same bytes.
 */
#ifndef CUSTODY_EVENT_H
#define CUSTODY_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"

#define EV_MAX_ID 64		/* terminal, operator, subject: bytes */
#define EV_MAX_KIND 64
#define EV_MAX_BODY 65536	/* body bytes */
#define EV_DOMAIN "custody.event.v1"

struct event {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	int64_t ts;		/* milliseconds since the Unix epoch */
	char operator_[EV_MAX_ID + 1];
	char kind[EV_MAX_KIND + 1];
	char subject[EV_MAX_ID + 1];
	char *body;		/* JSON object bytes, owned, NUL-terminated for convenience */
	size_t body_len;
	unsigned char prev[CRY_HASH_BYTES];
	unsigned char hash[CRY_HASH_BYTES];
	unsigned char sig[CRY_SIG_BYTES];
};

/* Frees the body and zeroes the event; safe on a zeroed event. */
void event_clear(struct event *ev);
/* Copies body bytes into the event (replacing any body). */
void event_set_body(struct event *ev, const char *body, size_t len);

/* Identifier rules: 1..EV_MAX_ID bytes of [A-Za-z0-9._:@-]. */
int event_valid_id(const char *s, size_t len);
/* Kind rule: 1..EV_MAX_KIND bytes of [a-z0-9._-]. */
int event_valid_kind(const char *s, size_t len);

/*
 * Checks every field's bounds and syntax (ids, kind, seq >= 1, ts >= 0, body a JSON object
 * of at most EV_MAX_BODY bytes). On failure names the field in em and, when field is not
 * NULL, stores its column name there.
 */
int event_check_fields(const struct event *ev, const char **field, struct errmsg *em);

/* BLAKE2b-256 over the length-prefixed encoding of everything but hash and sig. */
void event_compute_hash(const struct event *ev, unsigned char out[CRY_HASH_BYTES]);
/* The encoding's pieces (docs/journal.md): a big-endian u32; str(x), its length then bytes. */
void event_hash_u32(struct cry_hash *h, uint32_t v);
void event_hash_str(struct cry_hash *h, const char *s);
/* Sets ev->hash from the fields and ev->sig = Ed25519(sk, hash). */
void event_seal(struct event *ev, const unsigned char sk[CRY_SK_BYTES]);
/* 1 when ev->sig is pk's signature of ev->hash. */
int event_sig_ok(const struct event *ev, const unsigned char pk[CRY_PK_BYTES]);

#endif

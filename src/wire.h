/*
 * The sync wire format shared by the terminal (src/sync.c) and the ledger (src/ledger/): an
 * event as a JSON object, the request signature, the ledger's receipt and the limits
 * (docs/sync-protocol.md). What only the server needs is in src/ledger/wire.h.
 */
#ifndef CUSTODY_WIRE_H
#define CUSTODY_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "error.h"
#include "event.h"
#include "json.h"
#include "tlog.h"

#define WIRE_REQUEST_DOMAIN "custody.request.v1"
#define WIRE_RECEIPT_DOMAIN "custody.receipt.v1"
#define WIRE_TIME_DOMAIN "custody.time.v1"
#define WIRE_NONCE_BYTES 16		/* random bytes of a request nonce */
#define WIRE_NONCE_HEX (2 * WIRE_NONCE_BYTES)
#define WIRE_SIG_HEX (2 * CRY_SIG_BYTES)
#define WIRE_HASH_HEX (2 * CRY_HASH_BYTES)
#define WIRE_TIME_TEXT 24		/* X-Custody-Time as text, with its NUL */
#define WIRE_MAX_BATCH 1000		/* events in one push or one pull page */
#define WIRE_MAX_BODY (16u << 20)	/* bytes of one request or response body */
#define WIRE_SKEW_MS 300000		/* allowed |request time - ledger time| */

/*
 * Writes ev as one wire object: terminal, seq, ts, operator, kind, subject, body (a JSON
 * string holding the body bytes), prev, hash, sig; with cursor > 0 a "cursor" member first,
 * as in a pull page.
 */
void wire_event_write(struct jw *w, const struct event *ev, int64_t cursor);

/*
 * Reads one wire object into ev (event_clear it after): every member present with its type,
 * no unknown member, an optional "cursor" that must be an integer from 1 (given back through
 * cursor when not NULL; -1 when absent), fields checked (event_check_fields), the hash
 * recomputed and compared with "hash". The signature is not checked here (the caller knows
 * the key). CST_ERR_INPUT for a malformed object, CST_ERR_VERIFY when the hash does not match
 * the fields.
 */
int wire_event_read(const struct json *obj, struct event *ev, int64_t *cursor,
    struct errmsg *em);

/* The 16 random bytes of a fresh nonce as 32 lowercase hex digits and a NUL. */
void wire_nonce(char out[WIRE_NONCE_HEX + 1]);

/*
 * BLAKE2b-256 of "custody.request.v1\n" METHOD "\n" PATH "\n" TIME "\n" NONCE "\n"
 * hex(BLAKE2b-256(body)) "\n". time is the decimal text exactly as sent in X-Custody-Time.
 */
void wire_request_digest(const char *method, const char *path, const char *time,
    const char *nonce, const void *body, size_t body_len, unsigned char out[CRY_HASH_BYTES]);
/* The X-Custody-Signature value (128 hex digits and a NUL). */
void wire_request_sig(const unsigned char sk[CRY_SK_BYTES], const char *method,
    const char *path, const char *time, const char *nonce, const void *body, size_t body_len,
    char sig_hex[WIRE_SIG_HEX + 1]);
/* The X-Custody-Time, -Nonce and -Signature values of a request signed by sk at ms. */
void wire_request_sign(const unsigned char sk[CRY_SK_BYTES], const char *method,
    const char *path, const void *body, size_t body_len, int64_t ms,
    char time_text[WIRE_TIME_TEXT], char nonce_hex[WIRE_NONCE_HEX + 1],
    char sig_hex[WIRE_SIG_HEX + 1]);
/* 1 when sig_hex (exactly 128 lowercase hex digits) is pk's signature of the request, else 0. */
int wire_request_verify(const unsigned char pk[CRY_PK_BYTES], const char *method,
    const char *path, const char *time, const char *nonce, const void *body, size_t body_len,
    const char *sig_hex);

/* The ledger's signed acknowledgement of a terminal's chain up to seq. */
struct wire_receipt {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	unsigned char hash[CRY_HASH_BYTES];
	int64_t ledger_time;
	unsigned char sig[CRY_SIG_BYTES];
};

/* BLAKE2b-256 of "custody.receipt.v1\n" terminal "\n" seq "\n" hash_hex "\n" ledger_time "\n". */
void wire_receipt_digest(const struct wire_receipt *r, unsigned char out[CRY_HASH_BYTES]);
void wire_receipt_sign(struct wire_receipt *r, const unsigned char sk[CRY_SK_BYTES]);
/* 1 when r->sig is pk's signature of the receipt. */
int wire_receipt_ok(const struct wire_receipt *r, const unsigned char pk[CRY_PK_BYTES]);
void wire_receipt_write(struct jw *w, const struct wire_receipt *r);
/* Reads {"terminal","seq","hash","ledger_time","sig"}; CST_ERR_INPUT when malformed. */
int wire_receipt_read(const struct json *obj, struct wire_receipt *r, struct errmsg *em);

/*
 * The ledger's signed word on its clock, bound to the nonce of the request it answers, so
 * that a terminal whose clock is wrong can learn the ledger's time from an answer that could
 * not have been replayed (docs/sync-protocol.md, "Time").
 */
struct wire_time {
	char terminal[EV_MAX_ID + 1];
	char nonce[WIRE_NONCE_HEX + 1];
	int64_t ledger_time;
	unsigned char sig[CRY_SIG_BYTES];
};

/* BLAKE2b-256 of "custody.time.v1\n" terminal "\n" nonce "\n" ledger_time "\n". */
void wire_time_sign(struct wire_time *t, const unsigned char sk[CRY_SK_BYTES]);
/* 1 when t->sig is pk's signature of t. */
int wire_time_ok(const struct wire_time *t, const unsigned char pk[CRY_PK_BYTES]);
void wire_time_write(struct jw *w, const struct wire_time *t);
/* Reads {"terminal","nonce","ledger_time","sig"}; CST_ERR_INPUT when malformed. */
int wire_time_read(const struct json *obj, struct wire_time *t, struct errmsg *em);

/* Exactly 2n lowercase hex digits (the one spelling that is hashed and signed) into out: 0. */
int wire_hex_read(const char *s, size_t len, unsigned char *out, size_t n);
/* The same of a JSON string member. */
int wire_get_hex(const struct json *obj, const char *key, unsigned char *out, size_t n);
/* A string member of at most max bytes with no NUL inside into dst (max + 1 bytes): 0. */
int wire_get_text(const struct json *obj, const char *key, char *dst, size_t max);

/*
 * A proof in a JSON answer (docs/transparency.md): an array of at most TLOG_MAX_PROOF
 * base64 hashes. 0 with the hashes and their count in n (-1 when arr is NULL: no proof), or
 * -1 when it is not such an array.
 */
int wire_proof_read(const struct json *arr, unsigned char out[][TLOG_HASH_BYTES], int *n);
/* Writes n hashes as such an array. */
void wire_proof_write(struct jw *out, const unsigned char proof[][TLOG_HASH_BYTES], int n);

#endif

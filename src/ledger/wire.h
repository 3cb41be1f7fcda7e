/*
 * The server's side of the sync protocol's bytes (docs/sync-protocol.md): the error answers,
 * the push and enrolment bodies and the request-signature headers. The event encoding, the
 * signed messages and the limits are the terminal's too, in src/wire.h. Nothing here touches
 * storage or the network, so the fuzz targets can drive all of it.
 */
#ifndef LEDGER_WIRE_H
#define LEDGER_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "event.h"
#include "json.h"
/* By its path: "wire.h" from this directory is this file. */
#include "../wire.h"

#define WIRE_PULL_DEFAULT 500
#define WIRE_TOKEN_BYTES 16
#define WIRE_TOKEN_TTL_MS (24 * 3600 * 1000LL)

/* The stable error codes of the protocol, each with its HTTP status. */
enum wire_err {
	WE_OK = 0,
	WE_MALFORMED_JSON,
	WE_BAD_REQUEST,
	WE_TOO_LARGE,
	WE_UNKNOWN_TERMINAL,
	WE_BAD_REQUEST_SIGNATURE,
	WE_STALE_REQUEST,
	WE_REPLAYED_REQUEST,
	WE_BAD_TOKEN,
	WE_BAD_CERTIFICATE,
	WE_ALREADY_ENROLLED,
	WE_BAD_EVENT,
	WE_BAD_SIGNATURE,
	WE_BROKEN_CHAIN,
	WE_GAP,
	WE_FORK,
	WE_BUSY,
	WE_INTERNAL,
	WE_NOT_FOUND,
	WE_METHOD_NOT_ALLOWED,
	WE_NO_AUTHORITY,	/* reference data without the center's authority */
	WE_STORAGE_FULL,
	WE_STORAGE_ERROR,
	WE_COUNT
};

const char *wire_err_code(int e);
int wire_err_http(int e);

/* An answer that is an error: its code, an English sentence, and the seq and acked it concerns. */
struct wire_fault {
	int err;		/* enum wire_err */
	char message[256];
	int64_t seq;		/* the event refused, or -1 */
	int64_t acked;		/* the terminal's highest contiguous seq held, or -1 */
	int has_time;		/* a stale request's answer carries the ledger's signed time */
	struct wire_time time;
};

int wire_fault(struct wire_fault *f, int err, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* {"error":{"code":..,"message":..[,"seq":N][,"acked":N][,"time":{..}]}} */
void wire_fault_json(struct jw *w, const struct wire_fault *f);

/*
 * One event of a push (wire_event_read) into ev: WE_BAD_EVENT on any fault, with the seq
 * when it could be read.
 */
int wire_event_decode(const struct json *v, struct event *ev, struct wire_fault *f);

/*
 * The outside of a push body {"events":[...]}: *root is the parsed body (json_free it), *arr
 * the array of 1..WIRE_MAX_BATCH elements, not yet decoded. WE_MALFORMED_JSON, WE_BAD_REQUEST
 * or WE_TOO_LARGE otherwise (with *root NULL).
 */
int wire_push_parse(const char *body, size_t len, struct json **root, const struct json **arr,
    struct wire_fault *f);
/*
 * A push body {"events":[...]}: 1..WIRE_MAX_BATCH events. Decodes events until the first bad
 * one: *n is how many decoded (the caller frees them with wire_events_free). When *n is short
 * of the array, f says why the next one was refused. WE_MALFORMED_JSON or WE_BAD_REQUEST for
 * a body that is not a push at all (*n is 0 then).
 */
int wire_push_decode(const char *body, size_t len, struct event **evs, size_t *n,
    struct wire_fault *f);
void wire_events_free(struct event *evs, size_t n);

/* An enrolment request {"terminal":name,"token":32 hex,"public_key":64 hex}. */
struct wire_enroll {
	char terminal[EV_MAX_ID + 1];
	char token[2 * WIRE_TOKEN_BYTES + 1];
	unsigned char pk[CRY_PK_BYTES];
};

/* WE_MALFORMED_JSON or WE_BAD_REQUEST when the body is not exactly that. */
int wire_enroll_decode(const char *body, size_t len, struct wire_enroll *e, struct wire_fault *f);

/* The request-signature headers, parsed and checked for form only. */
struct wire_auth {
	char terminal[EV_MAX_ID + 1];
	char time_text[WIRE_TIME_TEXT];
	int64_t time;
	char nonce_hex[WIRE_NONCE_HEX + 1];
	unsigned char nonce[WIRE_NONCE_BYTES];
	char sig_hex[WIRE_SIG_HEX + 1];
};

/* Any argument may be NULL (a missing header): WE_BAD_REQUEST_SIGNATURE then. */
int wire_auth_parse(const char *terminal, const char *time, const char *nonce, const char *sig,
    struct wire_auth *a, struct wire_fault *f);

/* Parses a canonical non-negative decimal (no sign, no leading zeros) of at most 18 digits. */
int wire_parse_u63(const char *s, size_t len, int64_t *out);

#endif

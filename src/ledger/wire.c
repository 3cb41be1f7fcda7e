/* The server's side of the sync protocol's bytes: see wire.h and docs/sync-protocol.md. */
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static const struct {
	const char *code;
	int http;
} errs[WE_COUNT] = {
	[WE_OK] = { "ok", 200 },
	[WE_MALFORMED_JSON] = { "malformed_json", 400 },
	[WE_BAD_REQUEST] = { "bad_request", 400 },
	[WE_TOO_LARGE] = { "too_large", 413 },
	[WE_UNKNOWN_TERMINAL] = { "unknown_terminal", 401 },
	[WE_BAD_REQUEST_SIGNATURE] = { "bad_request_signature", 401 },
	[WE_STALE_REQUEST] = { "stale_request", 401 },
	[WE_REPLAYED_REQUEST] = { "replayed_request", 401 },
	[WE_BAD_TOKEN] = { "bad_token", 403 },
	[WE_BAD_CERTIFICATE] = { "bad_certificate", 403 },
	[WE_ALREADY_ENROLLED] = { "already_enrolled", 409 },
	[WE_BAD_EVENT] = { "bad_event", 422 },
	[WE_BAD_SIGNATURE] = { "bad_signature", 422 },
	[WE_BROKEN_CHAIN] = { "broken_chain", 422 },
	[WE_GAP] = { "gap", 422 },
	[WE_FORK] = { "fork", 409 },
	[WE_BUSY] = { "busy", 503 },
	[WE_INTERNAL] = { "internal", 500 },
	[WE_NOT_FOUND] = { "not_found", 404 },
	[WE_METHOD_NOT_ALLOWED] = { "method_not_allowed", 405 },
	[WE_NO_AUTHORITY] = { "no_authority", 403 },
	[WE_STORAGE_FULL] = { "storage_full", 503 },
	[WE_STORAGE_ERROR] = { "storage_error", 503 },
};

const char *
wire_err_code(int e)
{
	return e >= 0 && e < WE_COUNT ? errs[e].code : "internal";
}

int
wire_err_http(int e)
{
	return e >= 0 && e < WE_COUNT ? errs[e].http : 500;
}

int
wire_fault(struct wire_fault *f, int err, int64_t seq, const char *fmt, ...)
{
	va_list ap;

	f->err = err;
	f->seq = seq;
	f->acked = -1;
	f->has_time = 0;
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof f->message, fmt, ap);
	va_end(ap);
	return err;
}

void
wire_fault_json(struct jw *w, const struct wire_fault *f)
{
	jw_obj_begin(w);
	jw_key(w, "error");
	jw_obj_begin(w);
	jw_key(w, "code");
	jw_str(w, wire_err_code(f->err));
	jw_key(w, "message");
	jw_str(w, f->message);
	if (f->seq >= 0) {
		jw_key(w, "seq");
		jw_int(w, f->seq);
	}
	if (f->acked >= 0) {
		jw_key(w, "acked");
		jw_int(w, f->acked);
	}
	if (f->has_time) {
		jw_key(w, "time");
		wire_time_write(w, &f->time);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

int
wire_event_decode(const struct json *v, struct event *ev, struct wire_fault *f)
{
	struct errmsg em;
	int64_t seq;

	err_clear(&em);
	if (wire_event_read(v, ev, NULL, &em) == CST_OK)
		return WE_OK;
	/* The refusal names the event by its seq when it has one, whatever else is wrong. */
	if (json_get_int(v, "seq", &seq) != CST_OK)
		seq = -1;
	return wire_fault(f, WE_BAD_EVENT, seq, "The event is refused: %s.", em.text);
}

void
wire_events_free(struct event *evs, size_t n)
{
	size_t i;

	if (evs == NULL)
		return;
	for (i = 0; i < n; i++)
		event_clear(&evs[i]);
	free(evs);
}

int
wire_push_parse(const char *body, size_t len, struct json **root, const struct json **arr,
    struct wire_fault *f)
{
	struct errmsg em;
	size_t count;

	*arr = NULL;
	err_clear(&em);
	if (json_parse(body, len, root, &em) != CST_OK) {
		*root = NULL;
		return wire_fault(f, WE_MALFORMED_JSON, -1, "The body is not JSON: %s.", em.text);
	}
	*arr = json_get(*root, "events");
	count = json_count(*arr);
	if (json_type(*root) != JSON_OBJECT || json_count(*root) != 1 ||
	    json_type(*arr) != JSON_ARRAY) {
		json_free(*root);
		*root = NULL;
		return wire_fault(f, WE_BAD_REQUEST, -1, "The body must be {\"events\":[...]}.");
	}
	if (count < 1 || count > WIRE_MAX_BATCH) {
		json_free(*root);
		*root = NULL;
		return wire_fault(f, count < 1 ? WE_BAD_REQUEST : WE_TOO_LARGE, -1,
		    "A push carries 1 to %d events, not %zu.", WIRE_MAX_BATCH, count);
	}
	return WE_OK;
}

int
wire_push_decode(const char *body, size_t len, struct event **evs, size_t *n,
    struct wire_fault *f)
{
	const struct json *arr;
	struct json *root;
	size_t count, i;
	int e;

	*evs = NULL;
	*n = 0;
	if ((e = wire_push_parse(body, len, &root, &arr, f)) != WE_OK)
		return e;
	wire_fault(f, WE_OK, -1, "%s", "");
	count = json_count(arr);
	*evs = xcalloc(count, sizeof **evs);
	for (i = 0; i < count; i++) {
		if (wire_event_decode(json_at(arr, i), &(*evs)[i], f) != WE_OK) {
			event_clear(&(*evs)[i]);
			break;
		}
	}
	*n = i;
	json_free(root);
	return WE_OK;
}

int
wire_enroll_decode(const char *body, size_t len, struct wire_enroll *e, struct wire_fault *f)
{
	struct json *root;
	struct errmsg em;
	int good;

	memset(e, 0, sizeof *e);
	err_clear(&em);
	if (json_parse(body, len, &root, &em) != CST_OK)
		return wire_fault(f, WE_MALFORMED_JSON, -1, "The body is not JSON: %s.", em.text);
	good = json_type(root) == JSON_OBJECT && json_count(root) == 3 &&
	    wire_get_text(root, "terminal", e->terminal, EV_MAX_ID) == 0 &&
	    event_valid_id(e->terminal, strlen(e->terminal)) &&
	    wire_get_text(root, "token", e->token, 2 * WIRE_TOKEN_BYTES) == 0 &&
	    strlen(e->token) == 2 * WIRE_TOKEN_BYTES &&
	    wire_get_hex(root, "public_key", e->pk, sizeof e->pk) == 0;
	json_free(root);
	if (!good)
		return wire_fault(f, WE_BAD_REQUEST, -1,
		    "Enrolment takes {\"terminal\":name,\"token\":32 hex,\"public_key\":64 hex}.");
	return WE_OK;
}

int
wire_parse_u63(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (s == NULL || len == 0 || len > 18 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
wire_auth_parse(const char *terminal, const char *time, const char *nonce, const char *sig,
    struct wire_auth *a, struct wire_fault *f)
{
	unsigned char raw[CRY_SIG_BYTES];
	size_t n;

	memset(a, 0, sizeof *a);
	if (terminal == NULL || time == NULL || nonce == NULL || sig == NULL)
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "The request lacks an X-Custody-Terminal, -Time, -Nonce or -Signature header.");
	n = strlen(terminal);
	if (!event_valid_id(terminal, n))
		return wire_fault(f, WE_UNKNOWN_TERMINAL, -1, "X-Custody-Terminal is not a terminal name.");
	memcpy(a->terminal, terminal, n + 1);
	n = strlen(time);
	if (wire_parse_u63(time, n, &a->time) != 0)
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "X-Custody-Time is not milliseconds in plain decimal.");
	memcpy(a->time_text, time, n + 1);
	n = strlen(nonce);
	if (wire_hex_read(nonce, n, a->nonce, sizeof a->nonce) != 0)
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "X-Custody-Nonce is not 32 lowercase hex digits.");
	memcpy(a->nonce_hex, nonce, n + 1);
	n = strlen(sig);
	if (wire_hex_read(sig, n, raw, sizeof raw) != 0)
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "X-Custody-Signature is not 128 lowercase hex digits.");
	memcpy(a->sig_hex, sig, n + 1);
	return WE_OK;
}

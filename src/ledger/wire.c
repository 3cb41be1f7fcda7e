/* The sync protocol's bytes: see wire.h and docs/sync-protocol.md. */
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
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
	jw_obj_end(w);
	jw_obj_end(w);
}

/* A string member of at most max bytes with no NUL inside, copied into out (max + 1 bytes). */
static int
get_text(const struct json *v, const char *key, char *out, size_t max)
{
	size_t len;
	const char *s = json_str(json_get(v, key), &len);

	if (s == NULL || len > max || memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

/* Exactly n bytes as 2n lowercase hex digits. */
static int
lower_hex(const char *s, size_t len, unsigned char *out, size_t n)
{
	size_t i;

	if (s == NULL || len != 2 * n)
		return -1;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return hex_decode(s, len, out, n);
}

static int
get_hex(const struct json *v, const char *key, unsigned char *out, size_t n)
{
	size_t len;
	const char *s = json_str(json_get(v, key), &len);

	return lower_hex(s, s != NULL ? len : 0, out, n);
}

static const char *const event_keys[] = {
	"terminal", "seq", "ts", "operator", "kind", "subject", "body", "prev", "hash", "sig",
	"cursor", NULL
};

static int
known_keys(const struct json *v)
{
	size_t i, k;
	const char *key;

	for (i = 0; (key = json_key_at(v, i)) != NULL; i++) {
		for (k = 0; event_keys[k] != NULL && strcmp(event_keys[k], key) != 0; k++)
			;
		if (event_keys[k] == NULL)
			return -1;
	}
	return 0;
}

int
wire_event_decode(const struct json *v, struct event *ev, struct wire_fault *f)
{
	unsigned char claimed[CRY_HASH_BYTES];
	struct errmsg em;
	const char *body;
	size_t body_len;

	if (json_type(v) != JSON_OBJECT)
		return wire_fault(f, WE_BAD_EVENT, -1, "An event is not a JSON object.");
	if (json_get_int(v, "seq", &ev->seq) != CST_OK)
		return wire_fault(f, WE_BAD_EVENT, -1, "An event has no integer seq.");
	if (known_keys(v) != 0)
		return wire_fault(f, WE_BAD_EVENT, ev->seq, "The event has an unknown member.");
	if (json_get_int(v, "ts", &ev->ts) != CST_OK)
		return wire_fault(f, WE_BAD_EVENT, ev->seq, "The event has no integer ts.");
	if (get_text(v, "terminal", ev->terminal, EV_MAX_ID) != 0 ||
	    get_text(v, "operator", ev->operator_, EV_MAX_ID) != 0 ||
	    get_text(v, "kind", ev->kind, EV_MAX_KIND) != 0 ||
	    get_text(v, "subject", ev->subject, EV_MAX_ID) != 0)
		return wire_fault(f, WE_BAD_EVENT, ev->seq,
		    "The event's terminal, operator, kind or subject is missing or too long.");
	body = json_str(json_get(v, "body"), &body_len);
	if (body == NULL || body_len > EV_MAX_BODY)
		return wire_fault(f, WE_BAD_EVENT, ev->seq,
		    "The event's body is not a string of at most 65536 bytes.");
	event_set_body(ev, body, body_len);
	if (get_hex(v, "prev", ev->prev, sizeof ev->prev) != 0 ||
	    get_hex(v, "hash", claimed, sizeof claimed) != 0 ||
	    get_hex(v, "sig", ev->sig, sizeof ev->sig) != 0)
		return wire_fault(f, WE_BAD_EVENT, ev->seq,
		    "The event's prev, hash or sig is not lowercase hex of the right length.");
	err_clear(&em);
	if (event_check_fields(ev, NULL, &em) != CST_OK)
		return wire_fault(f, WE_BAD_EVENT, ev->seq, "The event is not valid: %s.", em.text);
	event_compute_hash(ev, ev->hash);
	if (!cry_equal(claimed, ev->hash, sizeof claimed))
		return wire_fault(f, WE_BAD_EVENT, ev->seq, "The event's hash is not the hash of its fields.");
	return WE_OK;
}

void
wire_event_encode(struct jw *w, const struct event *ev, int64_t cursor)
{
	jw_obj_begin(w);
	if (cursor > 0) {
		jw_key(w, "cursor");
		jw_int(w, cursor);
	}
	jw_key(w, "terminal");
	jw_str(w, ev->terminal);
	jw_key(w, "seq");
	jw_int(w, ev->seq);
	jw_key(w, "ts");
	jw_int(w, ev->ts);
	jw_key(w, "operator");
	jw_str(w, ev->operator_);
	jw_key(w, "kind");
	jw_str(w, ev->kind);
	jw_key(w, "subject");
	jw_str(w, ev->subject);
	jw_key(w, "body");
	jw_strn(w, ev->body, ev->body_len);
	jw_key(w, "prev");
	jw_hex(w, ev->prev, sizeof ev->prev);
	jw_key(w, "hash");
	jw_hex(w, ev->hash, sizeof ev->hash);
	jw_key(w, "sig");
	jw_hex(w, ev->sig, sizeof ev->sig);
	jw_obj_end(w);
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
	    get_text(root, "terminal", e->terminal, EV_MAX_ID) == 0 &&
	    event_valid_id(e->terminal, strlen(e->terminal)) &&
	    get_text(root, "token", e->token, 2 * WIRE_TOKEN_BYTES) == 0 &&
	    strlen(e->token) == 2 * WIRE_TOKEN_BYTES &&
	    get_hex(root, "public_key", e->pk, sizeof e->pk) == 0;
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
	if (lower_hex(nonce, n, a->nonce, sizeof a->nonce) != 0)
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "X-Custody-Nonce is not 32 lowercase hex digits.");
	memcpy(a->nonce_hex, nonce, n + 1);
	if (lower_hex(sig, strlen(sig), a->sig, sizeof a->sig) != 0)
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "X-Custody-Signature is not 128 lowercase hex digits.");
	return WE_OK;
}

static void
line(struct cry_hash *h, const char *s)
{
	cry_hash_update(h, s, strlen(s));
	cry_hash_update(h, "\n", 1);
}

void
wire_request_hash(const char *method, const char *path, const char *time_text,
    const char *nonce_hex, const unsigned char body_hash[CRY_HASH_BYTES],
    unsigned char out[CRY_HASH_BYTES])
{
	char bh[2 * CRY_HASH_BYTES + 1];
	struct cry_hash h;

	hex_encode(body_hash, CRY_HASH_BYTES, bh);
	cry_hash_init(&h);
	line(&h, WIRE_REQUEST_DOMAIN);
	line(&h, method);
	line(&h, path);
	line(&h, time_text);
	line(&h, nonce_hex);
	line(&h, bh);
	cry_hash_final(&h, out);
}

void
wire_request_sign(const unsigned char sk[CRY_SK_BYTES], const char *method, const char *path,
    const void *body, size_t body_len, int64_t ms, char time_text[24],
    char nonce_hex[2 * WIRE_NONCE_BYTES + 1], char sig_hex[2 * CRY_SIG_BYTES + 1])
{
	unsigned char nonce[WIRE_NONCE_BYTES], bh[CRY_HASH_BYTES], mh[CRY_HASH_BYTES];
	unsigned char sig[CRY_SIG_BYTES];

	snprintf(time_text, 24, "%lld", (long long)ms);
	cry_random(nonce, sizeof nonce);
	hex_encode(nonce, sizeof nonce, nonce_hex);
	cry_hash_buf(body, body_len, bh);
	wire_request_hash(method, path, time_text, nonce_hex, bh, mh);
	cry_sign(sk, mh, sizeof mh, sig);
	hex_encode(sig, sizeof sig, sig_hex);
}

void
wire_receipt_hash(const char *terminal, int64_t seq, const unsigned char hash[CRY_HASH_BYTES],
    int64_t ledger_time, unsigned char out[CRY_HASH_BYTES])
{
	char num[24], hx[2 * CRY_HASH_BYTES + 1];
	struct cry_hash h;

	cry_hash_init(&h);
	line(&h, WIRE_RECEIPT_DOMAIN);
	line(&h, terminal);
	snprintf(num, sizeof num, "%lld", (long long)seq);
	line(&h, num);
	hex_encode(hash, CRY_HASH_BYTES, hx);
	line(&h, hx);
	snprintf(num, sizeof num, "%lld", (long long)ledger_time);
	line(&h, num);
	cry_hash_final(&h, out);
}

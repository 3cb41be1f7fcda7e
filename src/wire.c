/*
 * The sync wire format, one implementation for the terminal and the ledger: events as JSON,
 * request signatures and receipts (docs/sync-protocol.md).
 */
#include "wire.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "checkpoint.h"
#include "hex.h"

void
wire_event_write(struct jw *w, const struct event *ev, int64_t cursor)
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
	jw_strn(w, ev->body != NULL ? ev->body : "", ev->body_len);
	jw_key(w, "prev");
	jw_hex(w, ev->prev, sizeof ev->prev);
	jw_key(w, "hash");
	jw_hex(w, ev->hash, sizeof ev->hash);
	jw_key(w, "sig");
	jw_hex(w, ev->sig, sizeof ev->sig);
	jw_obj_end(w);
}

int
wire_hex_read(const char *s, size_t len, unsigned char *out, size_t n)
{
	size_t i;

	/* hex_decode takes either case; what is hashed into signatures has one spelling. */
	if (s == NULL || len != 2 * n)
		return -1;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	return hex_decode(s, len, out, n);
}

int
wire_get_hex(const struct json *obj, const char *key, unsigned char *out, size_t n)
{
	const char *s;
	size_t len;

	if ((s = json_str(json_get(obj, key), &len)) == NULL)
		return -1;
	return wire_hex_read(s, len, out, n);
}

int
wire_get_text(const struct json *obj, const char *key, char *dst, size_t max)
{
	const char *s;
	size_t len;

	if ((s = json_str(json_get(obj, key), &len)) == NULL || len > max ||
	    strlen(s) != len)
		return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static const char *const event_members[] = {
	"terminal", "seq", "ts", "operator", "kind", "subject", "body", "prev", "hash", "sig",
	"cursor", NULL
};

static int
known_member(const char *key)
{
	size_t i;

	for (i = 0; event_members[i] != NULL; i++)
		if (strcmp(key, event_members[i]) == 0)
			return 1;
	return 0;
}

/* Everything but the hash check: the members and their types. */
static int
read_members(const struct json *obj, struct event *ev, int64_t *cursor, struct errmsg *em)
{
	const char *body;
	int64_t at;
	size_t i, len;

	if (json_type(obj) != JSON_OBJECT)
		return err_set(em, CST_ERR_INPUT, "an event must be a JSON object");
	for (i = 0; i < json_count(obj); i++)
		if (!known_member(json_key_at(obj, i)))
			return err_set(em, CST_ERR_INPUT, "unknown event member \"%.64s\"",
			    json_key_at(obj, i));
	if (wire_get_text(obj, "terminal", ev->terminal, EV_MAX_ID) ||
	    wire_get_text(obj, "operator", ev->operator_, EV_MAX_ID) ||
	    wire_get_text(obj, "kind", ev->kind, EV_MAX_KIND) ||
	    wire_get_text(obj, "subject", ev->subject, EV_MAX_ID))
		return err_set(em, CST_ERR_INPUT, "terminal, operator, kind and subject must be "
		    "short strings");
	if (json_get_int(obj, "seq", &ev->seq) != CST_OK ||
	    json_get_int(obj, "ts", &ev->ts) != CST_OK)
		return err_set(em, CST_ERR_INPUT, "seq and ts must be integers");
	if ((body = json_str(json_get(obj, "body"), &len)) == NULL || len > EV_MAX_BODY)
		return err_set(em, CST_ERR_INPUT, "body must be a string of at most %d bytes",
		    EV_MAX_BODY);
	event_set_body(ev, body, len);
	if (wire_get_hex(obj, "prev", ev->prev, sizeof ev->prev) ||
	    wire_get_hex(obj, "hash", ev->hash, sizeof ev->hash) ||
	    wire_get_hex(obj, "sig", ev->sig, sizeof ev->sig))
		return err_set(em, CST_ERR_INPUT, "prev, hash and sig must be lowercase hex of "
		    "32, 32 and 64 bytes");
	/* Checked even when the caller has no use for it: one rule for every reader. */
	at = -1;
	if (json_get(obj, "cursor") != NULL &&
	    (json_get_int(obj, "cursor", &at) != CST_OK || at < 1))
		return err_set(em, CST_ERR_INPUT, "cursor must be a positive integer");
	if (cursor != NULL)
		*cursor = at;
	return CST_OK;
}

int
wire_event_read(const struct json *obj, struct event *ev, int64_t *cursor, struct errmsg *em)
{
	unsigned char hash[CRY_HASH_BYTES];
	const char *field;
	int status;

	event_clear(ev);
	if (cursor != NULL)
		*cursor = -1;
	if ((status = read_members(obj, ev, cursor, em)) != CST_OK)
		return status;
	if ((status = event_check_fields(ev, &field, em)) != CST_OK)
		return status;
	event_compute_hash(ev, hash);
	if (!cry_equal(hash, ev->hash, sizeof hash))
		return err_set(em, CST_ERR_VERIFY, "terminal %s seq %" PRId64 ": hash does not "
		    "match the fields", ev->terminal, ev->seq);
	return CST_OK;
}

void
wire_nonce(char out[WIRE_NONCE_HEX + 1])
{
	unsigned char raw[WIRE_NONCE_BYTES];

	cry_random(raw, sizeof raw);
	hex_encode(raw, sizeof raw, out);
}

static void
hash_line(struct cry_hash *h, const char *s)
{
	cry_hash_update(h, s, strlen(s));
	cry_hash_update(h, "\n", 1);
}

void
wire_request_digest(const char *method, const char *path, const char *time,
    const char *nonce, const void *body, size_t body_len, unsigned char out[CRY_HASH_BYTES])
{
	unsigned char body_hash[CRY_HASH_BYTES];
	char body_hex[WIRE_HASH_HEX + 1];
	struct cry_hash h;

	cry_hash_buf(body_len > 0 ? body : "", body_len, body_hash);
	hex_encode(body_hash, sizeof body_hash, body_hex);
	cry_hash_init(&h);
	hash_line(&h, WIRE_REQUEST_DOMAIN);
	hash_line(&h, method);
	hash_line(&h, path);
	hash_line(&h, time);
	hash_line(&h, nonce);
	hash_line(&h, body_hex);
	cry_hash_final(&h, out);
}

void
wire_request_sig(const unsigned char sk[CRY_SK_BYTES], const char *method, const char *path,
    const char *time, const char *nonce, const void *body, size_t body_len,
    char sig_hex[WIRE_SIG_HEX + 1])
{
	unsigned char digest[CRY_HASH_BYTES], sig[CRY_SIG_BYTES];

	wire_request_digest(method, path, time, nonce, body, body_len, digest);
	cry_sign(sk, digest, sizeof digest, sig);
	hex_encode(sig, sizeof sig, sig_hex);
}

void
wire_request_sign(const unsigned char sk[CRY_SK_BYTES], const char *method, const char *path,
    const void *body, size_t body_len, int64_t ms, char time_text[WIRE_TIME_TEXT],
    char nonce_hex[WIRE_NONCE_HEX + 1], char sig_hex[WIRE_SIG_HEX + 1])
{
	snprintf(time_text, WIRE_TIME_TEXT, "%" PRId64, ms);
	wire_nonce(nonce_hex);
	wire_request_sig(sk, method, path, time_text, nonce_hex, body, body_len, sig_hex);
}

int
wire_request_verify(const unsigned char pk[CRY_PK_BYTES], const char *method, const char *path,
    const char *time, const char *nonce, const void *body, size_t body_len, const char *sig_hex)
{
	unsigned char digest[CRY_HASH_BYTES], sig[CRY_SIG_BYTES];

	if (sig_hex == NULL || wire_hex_read(sig_hex, strlen(sig_hex), sig, sizeof sig) != 0)
		return 0;
	wire_request_digest(method, path, time, nonce, body, body_len, digest);
	return cry_verify(pk, digest, sizeof digest, sig);
}

void
wire_receipt_digest(const struct wire_receipt *r, unsigned char out[CRY_HASH_BYTES])
{
	char num[32], hash_hex[WIRE_HASH_HEX + 1];
	struct cry_hash h;

	cry_hash_init(&h);
	hash_line(&h, WIRE_RECEIPT_DOMAIN);
	hash_line(&h, r->terminal);
	snprintf(num, sizeof num, "%" PRId64, r->seq);
	hash_line(&h, num);
	hex_encode(r->hash, sizeof r->hash, hash_hex);
	hash_line(&h, hash_hex);
	snprintf(num, sizeof num, "%" PRId64, r->ledger_time);
	hash_line(&h, num);
	cry_hash_final(&h, out);
}

void
wire_receipt_sign(struct wire_receipt *r, const unsigned char sk[CRY_SK_BYTES])
{
	unsigned char digest[CRY_HASH_BYTES];

	wire_receipt_digest(r, digest);
	cry_sign(sk, digest, sizeof digest, r->sig);
}

int
wire_receipt_ok(const struct wire_receipt *r, const unsigned char pk[CRY_PK_BYTES])
{
	unsigned char digest[CRY_HASH_BYTES];

	wire_receipt_digest(r, digest);
	return cry_verify(pk, digest, sizeof digest, r->sig);
}

void
wire_receipt_write(struct jw *w, const struct wire_receipt *r)
{
	jw_obj_begin(w);
	jw_key(w, "terminal");
	jw_str(w, r->terminal);
	jw_key(w, "seq");
	jw_int(w, r->seq);
	jw_key(w, "hash");
	jw_hex(w, r->hash, sizeof r->hash);
	jw_key(w, "ledger_time");
	jw_int(w, r->ledger_time);
	jw_key(w, "sig");
	jw_hex(w, r->sig, sizeof r->sig);
	jw_obj_end(w);
}

static void
time_digest(const struct wire_time *t, unsigned char out[CRY_HASH_BYTES])
{
	char num[32];
	struct cry_hash h;

	cry_hash_init(&h);
	hash_line(&h, WIRE_TIME_DOMAIN);
	hash_line(&h, t->terminal);
	hash_line(&h, t->nonce);
	snprintf(num, sizeof num, "%" PRId64, t->ledger_time);
	hash_line(&h, num);
	cry_hash_final(&h, out);
}

void
wire_time_sign(struct wire_time *t, const unsigned char sk[CRY_SK_BYTES])
{
	unsigned char digest[CRY_HASH_BYTES];

	time_digest(t, digest);
	cry_sign(sk, digest, sizeof digest, t->sig);
}

int
wire_time_ok(const struct wire_time *t, const unsigned char pk[CRY_PK_BYTES])
{
	unsigned char digest[CRY_HASH_BYTES];

	time_digest(t, digest);
	return cry_verify(pk, digest, sizeof digest, t->sig);
}

void
wire_time_write(struct jw *w, const struct wire_time *t)
{
	jw_obj_begin(w);
	jw_key(w, "terminal");
	jw_str(w, t->terminal);
	jw_key(w, "nonce");
	jw_str(w, t->nonce);
	jw_key(w, "ledger_time");
	jw_int(w, t->ledger_time);
	jw_key(w, "sig");
	jw_hex(w, t->sig, sizeof t->sig);
	jw_obj_end(w);
}

int
wire_time_read(const struct json *obj, struct wire_time *t, struct errmsg *em)
{
	unsigned char nonce[WIRE_NONCE_BYTES];

	memset(t, 0, sizeof *t);
	if (json_type(obj) != JSON_OBJECT ||
	    wire_get_text(obj, "terminal", t->terminal, EV_MAX_ID) ||
	    !event_valid_id(t->terminal, strlen(t->terminal)) ||
	    wire_get_text(obj, "nonce", t->nonce, WIRE_NONCE_HEX) ||
	    wire_hex_read(t->nonce, strlen(t->nonce), nonce, sizeof nonce) ||
	    json_get_int(obj, "ledger_time", &t->ledger_time) != CST_OK || t->ledger_time < 0 ||
	    wire_get_hex(obj, "sig", t->sig, sizeof t->sig))
		return err_set(em, CST_ERR_INPUT, "a time statement must hold terminal, nonce, "
		    "ledger_time and sig");
	return CST_OK;
}

int
wire_receipt_read(const struct json *obj, struct wire_receipt *r, struct errmsg *em)
{
	memset(r, 0, sizeof *r);
	if (json_type(obj) != JSON_OBJECT ||
	    wire_get_text(obj, "terminal", r->terminal, EV_MAX_ID) ||
	    !event_valid_id(r->terminal, strlen(r->terminal)) ||
	    json_get_int(obj, "seq", &r->seq) != CST_OK || r->seq < 0 ||
	    json_get_int(obj, "ledger_time", &r->ledger_time) != CST_OK ||
	    wire_get_hex(obj, "hash", r->hash, sizeof r->hash) ||
	    wire_get_hex(obj, "sig", r->sig, sizeof r->sig))
		return err_set(em, CST_ERR_INPUT, "a receipt must hold terminal, seq, hash, "
		    "ledger_time and sig");
	return CST_OK;
}

int
wire_proof_read(const struct json *arr, unsigned char out[][TLOG_HASH_BYTES], int *n)
{
	size_t i, count, len, got;
	const char *b64;

	*n = -1;
	if (arr == NULL)
		return 0;
	if (json_type(arr) != JSON_ARRAY || (count = json_count(arr)) > TLOG_MAX_PROOF)
		return -1;
	for (i = 0; i < count; i++) {
		if ((b64 = json_str(json_at(arr, i), &len)) == NULL || len != 44 ||
		    ckpt_b64_decode(b64, len, out[i], TLOG_HASH_BYTES, &got) != 0 ||
		    got != TLOG_HASH_BYTES)
			return -1;
	}
	*n = (int)count;
	return 0;
}

void
wire_proof_write(struct jw *out, const unsigned char proof[][TLOG_HASH_BYTES], int n)
{
	char b64[45];
	int i;

	jw_arr_begin(out);
	for (i = 0; i < n; i++) {
		ckpt_b64_encode(proof[i], TLOG_HASH_BYTES, b64, sizeof b64);
		jw_str(out, b64);
	}
	jw_arr_end(out);
}

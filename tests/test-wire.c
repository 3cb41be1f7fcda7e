/* The sync wire format: events round-trip through JSON, request signatures and receipts. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "json.h"
#include "checkpoint.h"
#include "wire.h"

#include "t.h"

static unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];

static void
make_event(struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	snprintf(ev->terminal, sizeof ev->terminal, "intake-01");
	ev->seq = 2;
	ev->ts = 1795392000123;
	snprintf(ev->operator_, sizeof ev->operator_, "clerk-0042");
	snprintf(ev->kind, sizeof ev->kind, "person.registered");
	snprintf(ev->subject, sizeof ev->subject, "V-1");
	event_set_body(ev, "{\"name\":\"张三\",\"q\":\"a\\\"b\\n\"}", strlen(
	    "{\"name\":\"张三\",\"q\":\"a\\\"b\\n\"}"));
	memset(ev->prev, 0xa5, sizeof ev->prev);
	event_seal(ev, sk);
}

static char *
to_json(const struct event *ev, int64_t cursor, size_t *len)
{
	struct jw w;

	jw_init(&w);
	wire_event_write(&w, ev, cursor);
	return jw_take(&w, len);
}

/* Parses text and reads it as an event: the status. */
static int
read_text(const char *text, struct event *out, int64_t *cursor)
{
	struct json *v;
	struct errmsg em;
	int status;

	err_clear(&em);
	if (json_parse(text, strlen(text), &v, &em) != CST_OK)
		return -1;
	status = wire_event_read(v, out, cursor, &em);
	json_free(v);
	return status;
}

/* Replaces the first occurrence of from by to in a copy of s. */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) + strlen(to) + 1;
	char *out = malloc(n);

	if (p == NULL) {
		snprintf(out, n, "%s", s);
		return out;
	}
	snprintf(out, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return out;
}

static void
test_event_roundtrip(void)
{
	struct event ev, back;
	int64_t cursor = 0;
	size_t len;
	char *text, *bad;

	make_event(&ev);
	memset(&back, 0, sizeof back);
	text = to_json(&ev, 0, &len);
	ok(read_text(text, &back, &cursor) == CST_OK, "wire event reads back");
	ok(cursor == -1, "no cursor member reads as -1");
	ok(back.body_len == ev.body_len && memcmp(back.body, ev.body, ev.body_len) == 0,
	    "body bytes survive as a JSON string");
	ok(memcmp(back.hash, ev.hash, sizeof ev.hash) == 0 && event_sig_ok(&back, pk),
	    "hash and signature survive");
	ok(strcmp(back.kind, ev.kind) == 0 && back.seq == 2 && back.ts == ev.ts,
	    "fields survive");

	bad = replace(text, "{", "{\"cursor\":17,");
	ok(read_text(bad, &back, &cursor) == CST_OK && cursor == 17, "cursor member read");
	free(bad);
	bad = replace(text, "{", "{\"cursor\":0,");
	ok(read_text(bad, &back, &cursor) == CST_ERR_INPUT, "cursor 0 refused");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "cursor 0 refused when not asked for");
	free(bad);
	bad = replace(text, "{", "{\"cursor\":\"17\",");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "cursor as a string refused");
	free(bad);
	bad = replace(text, "{", "{\"extra\":1,");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "unknown member refused");
	free(bad);
	bad = replace(text, "clerk-0042", "clerk-0043");
	ok(read_text(bad, &back, NULL) == CST_ERR_VERIFY, "changed field: hash mismatch");
	free(bad);
	bad = replace(text, "\"seq\":2", "\"seq\":\"2\"");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "seq as a string refused");
	free(bad);
	bad = replace(text, "\"seq\":2", "\"seq\":0");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "seq 0 refused");
	free(bad);
	bad = replace(text, "\"prev\":\"a5", "\"prev\":\"A5");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "uppercase hex refused");
	free(bad);
	bad = replace(text, "\"kind\":\"person.registered\"", "\"kind\":\"Person\"");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "bad kind refused");
	free(bad);
	bad = replace(text, "\"body\":\"{", "\"body\":\"[");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "body that is not an object refused");
	free(bad);
	bad = replace(text, ",\"sig\"", ",\"sog\"");
	ok(read_text(bad, &back, NULL) == CST_ERR_INPUT, "missing sig refused");
	free(bad);
	ok(read_text("[1]", &back, NULL) == CST_ERR_INPUT, "an array refused");
	free(text);
	text = to_json(&ev, 17, &len);
	ok(strncmp(text, "{\"cursor\":17,\"terminal\":", 24) == 0, "a pull's cursor is written first");
	ok(read_text(text, &back, &cursor) == CST_OK && cursor == 17, "and reads back");
	free(text);
	event_clear(&ev);
	event_clear(&back);
}

static void
test_request(void)
{
	unsigned char other_pk[CRY_PK_BYTES], other_sk[CRY_SK_BYTES], seed[CRY_SEED_BYTES];
	unsigned char d1[CRY_HASH_BYTES], d2[CRY_HASH_BYTES];
	char nonce[WIRE_NONCE_HEX + 1], nonce2[WIRE_NONCE_HEX + 1], sig[WIRE_SIG_HEX + 1];
	const char *body = "{\"events\":[]}";

	wire_nonce(nonce);
	wire_nonce(nonce2);
	ok(strlen(nonce) == 32 && strcmp(nonce, nonce2) != 0, "nonces are 32 hex and fresh");
	wire_request_sig(sk, "POST", "/v1/events", "1763880000000", nonce, body, strlen(body),
	    sig);
	ok(strlen(sig) == 128, "signature is 128 hex");
	ok(wire_request_verify(pk, "POST", "/v1/events", "1763880000000", nonce, body,
	    strlen(body), sig), "request signature verifies");
	ok(!wire_request_verify(pk, "GET", "/v1/events", "1763880000000", nonce, body,
	    strlen(body), sig), "other method refused");
	ok(!wire_request_verify(pk, "POST", "/v1/events?x", "1763880000000", nonce, body,
	    strlen(body), sig), "other path refused");
	ok(!wire_request_verify(pk, "POST", "/v1/events", "1763880000001", nonce, body,
	    strlen(body), sig), "other time refused");
	ok(!wire_request_verify(pk, "POST", "/v1/events", "1763880000000", nonce2, body,
	    strlen(body), sig), "other nonce refused");
	ok(!wire_request_verify(pk, "POST", "/v1/events", "1763880000000", nonce, body,
	    strlen(body) - 1, sig), "other body refused");
	cry_keypair_new(seed, other_pk, other_sk);
	ok(!wire_request_verify(other_pk, "POST", "/v1/events", "1763880000000", nonce, body,
	    strlen(body), sig), "other key refused");
	sig[0] = sig[0] == 'a' ? 'b' : 'a';
	ok(!wire_request_verify(pk, "POST", "/v1/events", "1763880000000", nonce, body,
	    strlen(body), sig), "changed signature refused");
	ok(!wire_request_verify(pk, "POST", "/v1/events", "1", nonce, body, strlen(body), "ab"),
	    "short signature refused");
	{
		char tm[WIRE_TIME_TEXT];

		wire_request_sign(sk, "GET", "/v1/status", NULL, 0, 1763880000000LL, tm, nonce2, sig);
		ok(strcmp(tm, "1763880000000") == 0 && strlen(nonce2) == WIRE_NONCE_HEX &&
		    wire_request_verify(pk, "GET", "/v1/status", tm, nonce2, "", 0, sig),
		    "the three signed headers of a request verify");
	}
	/* An empty body hashes the zero bytes: the same digest for NULL and "". */
	wire_request_digest("GET", "/v1/status", "5", nonce, NULL, 0, d1);
	wire_request_digest("GET", "/v1/status", "5", nonce, "", 0, d2);
	ok(memcmp(d1, d2, sizeof d1) == 0, "empty body digest");
}

static void
test_receipt(void)
{
	struct wire_receipt r, back;
	struct json *v;
	struct errmsg em;
	struct jw w;
	const char *text;
	size_t len;

	memset(&r, 0, sizeof r);
	snprintf(r.terminal, sizeof r.terminal, "intake-01");
	r.seq = 42;
	memset(r.hash, 7, sizeof r.hash);
	r.ledger_time = 1763880000000;
	wire_receipt_sign(&r, sk);
	ok(wire_receipt_ok(&r, pk), "receipt verifies");
	jw_init(&w);
	wire_receipt_write(&w, &r);
	text = jw_text(&w, &len);
	err_clear(&em);
	ok(json_parse(text, len, &v, &em) == CST_OK && wire_receipt_read(v, &back, &em) == CST_OK,
	    "receipt reads back");
	ok(wire_receipt_ok(&back, pk), "read receipt verifies");
	back.seq = 43;
	ok(!wire_receipt_ok(&back, pk), "receipt for another seq refused");
	back.seq = 42;
	back.hash[0] ^= 1;
	ok(!wire_receipt_ok(&back, pk), "receipt for another hash refused");
	json_free(v);
	jw_free(&w);
	ok(json_parse("{\"terminal\":\"x\"}", 16, &v, &em) == CST_OK &&
	    wire_receipt_read(v, &back, &em) == CST_ERR_INPUT, "incomplete receipt refused");
	json_free(v);
}

static void
test_hex(void)
{
	unsigned char b[2];

	ok(wire_hex_read("0aff", 4, b, 2) == 0 && b[0] == 0x0a && b[1] == 0xff, "lowercase hex read");
	ok(wire_hex_read("0aFF", 4, b, 2) != 0, "uppercase hex refused");
	ok(wire_hex_read("0af", 3, b, 2) != 0 && wire_hex_read("0aff00", 6, b, 2) != 0,
	    "hex of another length refused");
	ok(wire_hex_read(NULL, 0, b, 2) != 0, "no hex refused");
}

/* The vectors of docs/sync-protocol.md, cross-checked there with b2sum and openssl pkeyutl. */
static void
test_vectors(void)
{
	unsigned char d[CRY_HASH_BYTES];
	char hex[2 * CRY_HASH_BYTES + 1], sig[WIRE_SIG_HEX + 1];
	struct wire_receipt r;

	wire_request_digest("POST", "/v1/events", "1763880000000",
	    "00112233445566778899aabbccddeeff", "{\"events\":[]}", 13, d);
	hex_encode(d, sizeof d, hex);
	ok(strcmp(hex, "02126ddff339441a724692a19f943d41b8241aa106308b8427affd33463ddf0f") == 0,
	    "request digest vector");
	wire_request_sig(sk, "POST", "/v1/events", "1763880000000",
	    "00112233445566778899aabbccddeeff", "{\"events\":[]}", 13, sig);
	ok(strcmp(sig, "cee12a99a37c113f011170769f619b925cabbb34c58fb65e51da0933fe2197ef"
	    "3c58d0d6f277d968c92bc4a794e6467b8dfd75713cb352c85c2d1ff1509d9a09") == 0,
	    "request signature vector");
	memset(&r, 0, sizeof r);
	snprintf(r.terminal, sizeof r.terminal, "intake-01");
	r.seq = 2;
	hex_decode("74467189c56e9593f9a435614b3b341ce1203e626678f8c6265017113e31a5f1", 64, r.hash,
	    sizeof r.hash);
	r.ledger_time = 1763880000123;
	wire_receipt_digest(&r, d);
	hex_encode(d, sizeof d, hex);
	ok(strcmp(hex, "2c77f5c4e975c99f68f6f16bd7456e9451eaca0bd45a00f7f5073ee1e9f7425e") == 0,
	    "receipt digest vector");
	wire_receipt_sign(&r, sk);
	hex_encode(r.sig, sizeof r.sig, sig);
	ok(strcmp(sig, "b43ab2728a6a6a91faab504b82a052c3c6beceaec7078c5651461d76f19bd15c"
	    "79f33d2f768adc4395725dc0c68a7bca39373559a2d8aa478454618aedbb7002") == 0,
	    "receipt signature vector");
}

/* The ledger's signed time (docs/sync-protocol.md, Time): vector, round trip, refusals. */
static void
test_time(void)
{
	struct wire_time t, back;
	char sig[WIRE_SIG_HEX + 1], *text;
	struct json *v = NULL;
	struct errmsg em;
	struct jw w;
	size_t len;

	memset(&t, 0, sizeof t);
	snprintf(t.terminal, sizeof t.terminal, "intake-01");
	snprintf(t.nonce, sizeof t.nonce, "00112233445566778899aabbccddeeff");
	t.ledger_time = 1763880000000;
	wire_time_sign(&t, sk);
	hex_encode(t.sig, sizeof t.sig, sig);
	ok(strcmp(sig, "d8257410b85df79b5e0b212115c1d3e4a45b6ec44962d79827d34a2dd61d2bf9"
	    "aaa6b4ea0cc6887a63e185465ee6b8df42d8c7eafe5313b13148a156e205640d") == 0,
	    "time signature vector");
	jw_init(&w);
	wire_time_write(&w, &t);
	text = jw_take(&w, &len);
	ok(json_parse(text, len, &v, &em) == CST_OK && wire_time_read(v, &back, &em) == CST_OK &&
	    wire_time_ok(&back, pk), "a time statement reads back and verifies");
	back.ledger_time++;
	ok(!wire_time_ok(&back, pk), "another time is not signed");
	back.ledger_time--;
	back.nonce[0] = '1';
	ok(!wire_time_ok(&back, pk), "a time for another nonce is not signed");
	json_free(v);
	free(text);
	text = "{\"terminal\":\"t\",\"nonce\":\"00\",\"ledger_time\":1,\"sig\":\"00\"}";
	ok(json_parse(text, strlen(text), &v, &em) == CST_OK && wire_time_read(v, &back, &em) == CST_ERR_INPUT,
	    "a short nonce or signature is malformed");
	json_free(v);
}

/* A proof array: read back as written; anything else refused, absent told apart. */
static void
test_proof(void)
{
	unsigned char in[3][TLOG_HASH_BYTES], out[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	struct json *root;
	struct jw w;
	size_t got;
	int n, i;
	static const char *const bad[] = {
		"[1]", "{}", "[\"AAAA\"]",
		/* 44 characters, but not canonical: the last digit leaves bits set */
		"[\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\"]",
	};

	for (i = 0; i < 3; i++)
		memset(in[i], 0x11 * (i + 1), TLOG_HASH_BYTES);
	jw_init(&w);
	wire_proof_write(&w, (const unsigned char (*)[TLOG_HASH_BYTES])in, 3);
	ok(json_parse(jw_text(&w, NULL), strlen(jw_text(&w, NULL)), &root, NULL) == CST_OK &&
	    wire_proof_read(root, out, &n) == 0 && n == 3 && memcmp(in, out, sizeof in) == 0,
	    "a proof written is read back the same");
	json_free(root);
	jw_free(&w);
	ok(wire_proof_read(NULL, out, &n) == 0 && n == -1, "no proof is told apart from an empty one");
	for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
		root = NULL;
		ok(json_parse(bad[i], strlen(bad[i]), &root, NULL) != CST_OK ||
		    wire_proof_read(root, out, &n) != 0, bad[i]);
		json_free(root);
	}
	/* a byte above 0x7f, which libsodium 1.0.18 reads as a digit */
	ok(ckpt_b64_decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xac=", 44, out[0],
	    TLOG_HASH_BYTES, &got) != 0, "base64 with a byte above 0x7f is refused");
	/* one hash more than any proof can have */
	jw_init(&w);
	jw_arr_begin(&w);
	for (i = 0; i <= TLOG_MAX_PROOF; i++)
		jw_str(&w, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
	jw_arr_end(&w);
	ok(json_parse(jw_text(&w, NULL), strlen(jw_text(&w, NULL)), &root, NULL) == CST_OK &&
	    wire_proof_read(root, out, &n) != 0, "a proof of 65 hashes is refused");
	json_free(root);
	jw_free(&w);
}

int
main(void)
{
	unsigned char seed[CRY_SEED_BYTES];

	if (cry_init() != CST_OK)
		return 99;
	hex_decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 64, seed,
	    sizeof seed);
	cry_keypair_from_seed(seed, pk, sk);
	test_event_roundtrip();
	test_request();
	test_receipt();
	test_hex();
	test_vectors();
	test_time();
	test_proof();
	return t_done();
}

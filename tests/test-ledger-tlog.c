/*
 * custody-ledger's transparency log over real TLS, on SQLite and on PostgreSQL: the
 * checkpoints verify with the key that custody-ledger key prints, tiles and entry bundles are
 * those of a tree this test recomputes from the events it pushed (its own RFC 6962 code, not
 * tlog.c's), every inclusion and consistency proof checks, the push and head answers carry
 * the log, cosignatures are taken or refused, a ledger made before the log is caught up, two
 * ledgers on one PostgreSQL keep one tree, and the Go checker built on golang.org/x/mod
 * verifies the live log on its own.
 */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "checkpoint.h"
#include "tlog.h"
#include "t.h"
#include "util.h"
#include "ledger-util.h"

#define MAX_LEAVES 2000
#define MAX_CKPTS 64

static struct lt_ctx ctx;
static char db[600], logpath[600], bin[PATH_MAX], tmpdir[600];
static char keyarg[700], originarg[200];
static char *serve_extra[5];
static const char *backend;
static struct lt_pg pg;
static unsigned port;
static pid_t pid;

/* What the log must be: every event stored, in the order it was pushed. */
static struct leaf {
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	unsigned char hash[32];
} leaves[MAX_LEAVES];
static int64_t nleaves;

/* Every checkpoint seen issued: size and root. */
static struct {
	int64_t size;
	unsigned char root[32];
} ckpts[MAX_CKPTS];
static int nckpts;

static char origin[CKPT_ORIGIN_MAX + 1];
static unsigned char log_pk[CRY_PK_BYTES];

/* RFC 6962 written here again, apart from tlog.c: the leaf and the tree hash. */
static void
sha(const unsigned char *a, size_t an, const unsigned char *b, size_t bn, const unsigned char *c,
    size_t cn, unsigned char out[32])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, a, an);
	crypto_hash_sha256_update(&st, b, bn);
	crypto_hash_sha256_update(&st, c, cn);
	crypto_hash_sha256_final(&st, out);
}

/* The leaf data of docs/transparency.md, byte by byte. */
static size_t
leaf_data(const struct leaf *lf, unsigned char *out)
{
	size_t n = strlen(lf->terminal), i;

	out[0] = 0x01;
	out[1] = (unsigned char)n;
	memcpy(out + 2, lf->terminal, n);
	for (i = 0; i < 8; i++)
		out[2 + n + i] = (unsigned char)((uint64_t)lf->seq >> (56 - 8 * i));
	memcpy(out + 2 + n + 8, lf->hash, 32);
	return 2 + n + 8 + 32;
}

static void
leaf_hash(int64_t i, unsigned char out[32])
{
	unsigned char data[200], zero = 0;
	size_t n = leaf_data(&leaves[i], data);

	sha(&zero, 1, data, n, NULL, 0, out);
}

/* MTH(D[lo:hi]) of RFC 9162 §2.1.1. */
static void
mth(int64_t lo, int64_t hi, unsigned char out[32])
{
	unsigned char l[32], r[32], one = 1;
	int64_t k = 1;

	if (hi - lo == 1) {
		leaf_hash(lo, out);
		return;
	}
	while (k * 2 < hi - lo)
		k *= 2;
	mth(lo, lo + k, l);
	mth(lo + k, hi, r);
	sha(&one, 1, l, 32, r, 32, out);
}

static void
root_of(int64_t size, unsigned char out[32])
{
	if (size == 0)
		sha(NULL, 0, NULL, 0, NULL, 0, out);
	else
		mth(0, size, out);
}

static int
b64_hash(const char *s, unsigned char out[32])
{
	size_t n = 0;

	return s != NULL && sodium_base642bin(out, 32, s, strlen(s), NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) == 0 && n == 32 ? 0 : -1;
}

/* A JSON array of base64 hashes: count, or -1. */
static int
proof_of(const struct json *arr, unsigned char proof[TLOG_MAX_PROOF][32])
{
	size_t i, n = json_count(arr);

	if (json_type(arr) != JSON_ARRAY || n > TLOG_MAX_PROOF)
		return -1;
	for (i = 0; i < n; i++)
		if (b64_hash(json_str(json_at(arr, i), NULL), proof[i]) != 0)
			return -1;
	return (int)n;
}

/*
 * A signed checkpoint as served: the ledger's signature verifies with the printed key, and
 * the tree is the one recomputed here at that size. Remembered among those issued.
 */
static int
checkpoint_ok(const char *text, size_t len, struct checkpoint *c)
{
	unsigned char root[32];
	struct note *nt = calloc(1, sizeof *nt);
	int good, i;

	good = text != NULL && note_parse(text, len, nt) == 0 && note_verify(nt, origin, log_pk) &&
	    checkpoint_parse(nt->body, nt->body_len, c) == 0 && strcmp(c->origin, origin) == 0 &&
	    c->size <= nleaves;
	if (good) {
		root_of(c->size, root);
		good = memcmp(root, c->root, 32) == 0;
	}
	if (!good)
		fprintf(stderr, "  checkpoint does not check (%lld leaves here): %.400s\n",
		    (long long)nleaves, text != NULL ? text : "(none)");
	free(nt);
	for (i = 0; good && i < nckpts && ckpts[i].size != c->size; i++)
		;
	if (good && i == nckpts && nckpts < MAX_CKPTS) {
		ckpts[nckpts].size = c->size;
		memcpy(ckpts[nckpts++].root, c->root, 32);
	}
	return good;
}

static int64_t
index_of(const char *terminal, int64_t seq)
{
	int64_t i;

	for (i = 0; i < nleaves; i++)
		if (leaves[i].seq == seq && strcmp(leaves[i].terminal, terminal) == 0)
			return i;
	return -1;
}

/*
 * The "log" object of a push or head answer for t: a checkpoint of everything pushed, t's
 * head at its leaf with an inclusion proof, and when old > 0 the consistency from old.
 */
static int
log_object_ok(const struct json *log, const struct lt_term *t, int64_t old)
{
	unsigned char proof[TLOG_MAX_PROOF][32], lh[32], old_root[32];
	const char *text = json_get_str(log, "checkpoint");
	struct checkpoint c;
	int64_t leaf = lt_int(log, "leaf");
	int n;

	if (!checkpoint_ok(text, text != NULL ? strlen(text) : 0, &c) || c.size != nleaves)
		return 0;
	if (t->seq == 0)
		return json_get(log, "leaf") == NULL && json_get(log, "inclusion") == NULL;
	if (leaf != index_of(t->name, t->seq) || leaf < 0)
		return 0;
	n = proof_of(json_get(log, "inclusion"), proof);
	leaf_hash(leaf, lh);
	if (n < 0 || !tlog_check_inclusion((const unsigned char (*)[32])proof, n, leaf, c.size, lh,
	    c.root))
		return 0;
	if (old <= 0 || old > c.size)
		return json_get(log, "consistency") == NULL;
	n = proof_of(json_get(log, "consistency"), proof);
	root_of(old, old_root);
	return n >= 0 && tlog_check_consistency((const unsigned char (*)[32])proof, n, old,
	    old_root, c.size, c.root);
}

/* n events of t pushed in one batch; they become leaves when the ledger stores them. */
static struct lt_resp
push(struct lt_term *t, int n)
{
	struct lt_term before = *t;
	struct event ev;
	struct lt_resp r;
	const char *body;
	size_t len;
	struct jw w;
	int i;

	lt_push_begin(&w);
	for (i = 0; i < n; i++) {
		lt_event(t, &ev, "person.registered", "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\"}", NULL);
		wire_event_write(&w, &ev, 0);
		lt_advance(t, &ev);
		event_clear(&ev);
	}
	body = lt_push_end(&w, &len);
	r = lt_call(&ctx, t, "POST", "/v1/events", body, len);
	jw_free(&w);
	if (r.code != 200) {
		*t = before;
		return r;
	}
	for (i = 0; i < lt_int(r.json, "stored") && nleaves < MAX_LEAVES; i++) {
		snprintf(leaves[nleaves].terminal, sizeof leaves[0].terminal, "%s", t->name);
		leaves[nleaves].seq = before.seq + 1 + i;
		nleaves++;
	}
	/* The hashes, by replaying the same events. */
	for (i = 0; i < n; i++) {
		lt_event(&before, &ev, "person.registered", "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\"}",
		    NULL);
		if (index_of(t->name, ev.seq) >= 0)
			memcpy(leaves[index_of(t->name, ev.seq)].hash, ev.hash, 32);
		lt_advance(&before, &ev);
		event_clear(&ev);
	}
	return r;
}

static struct t_result
ledger_cmd(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
    const char *a6, const char *a7)
{
	char *argv[] = { bin, (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5,
	    (char *)a6, (char *)a7, NULL };

	return t_run(argv, NULL, NULL);
}

static int
enrol(struct lt_term *t, const char *name)
{
	char body[512], pk[2 * CRY_PK_BYTES + 1], tok[64];
	struct t_result tr = ledger_cmd("token", "--db", db, "--terminal", name, NULL, NULL);
	struct lt_resp r;
	long code;

	lt_term_init(t, name);
	snprintf(tok, sizeof tok, "%.*s", (int)strcspn(tr.out != NULL ? tr.out : "", "\n"),
	    tr.out != NULL ? tr.out : "");
	t_result_free(&tr);
	hex_encode(t->pk, sizeof t->pk, pk);
	snprintf(body, sizeof body, "{\"terminal\":\"%s\",\"token\":\"%s\",\"public_key\":\"%s\"}",
	    name, tok, pk);
	r = lt_request(&ctx, "POST", "/v1/enroll", body, strlen(body), NULL, NULL, 0);
	code = r.code;
	lt_resp_free(&r);
	return code == 200 ? 0 : -1;
}

static int
start(const char *extra_origin)
{
	int n = 0;

	if (strcmp(backend, "postgresql") == 0) {
		serve_extra[n++] = "--ledger-key";
		serve_extra[n++] = keyarg;
	}
	if (extra_origin != NULL) {
		snprintf(originarg, sizeof originarg, "%s", extra_origin);
		serve_extra[n++] = "--origin";
		serve_extra[n++] = originarg;
	}
	serve_extra[n] = NULL;
	pid = lt_start(&ctx, db, port, logpath, serve_extra);
	return lt_wait_up(&ctx);
}

/* custody-ledger key: the verifier key, as golang.org/x/mod/sumdb/note reads it. */
static void
test_key(const char *want_origin, char vkey[CKPT_VKEY_MAX])
{
	char name[CKPT_ORIGIN_MAX + 1], expect[CKPT_ORIGIN_MAX + 1], hex[65];
	struct t_result r;
	size_t n;

	if (strcmp(backend, "postgresql") == 0)
		r = ledger_cmd("key", "--ledger-key", keyarg, "--origin", want_origin, NULL, NULL);
	else
		r = ledger_cmd("key", "--db", db, NULL, NULL, NULL, NULL);
	n = r.out != NULL ? strcspn(r.out, "\n") : 0;
	snprintf(vkey, CKPT_VKEY_MAX, "%.*s", (int)n, r.out != NULL ? r.out : "");
	ok(r.status == 0 && note_vkey_parse(vkey, name, log_pk) == 0,
	    "custody-ledger key prints a verifier key that parses");
	t_result_free(&r);
	hex_encode(log_pk, sizeof log_pk, hex);
	if (want_origin != NULL)
		snprintf(expect, sizeof expect, "%s", want_origin);
	else
		snprintf(expect, sizeof expect, "custody-ledger/%.16s", hex);
	ok(strcmp(name, expect) == 0, "its name is the origin: --origin, or custody-ledger/ and "
	    "16 hex digits of the key");
	snprintf(origin, sizeof origin, "%s", name);
	r = ledger_cmd("key", NULL, NULL, NULL, NULL, NULL, NULL);
	ok(r.status == 2, "custody-ledger key without --db or --ledger-key: usage, status 2");
	t_result_free(&r);
	r = ledger_cmd("key", "--db", db, "--origin", "has space", NULL, NULL);
	ok(r.status == 2, "an origin with a space is refused");
	t_result_free(&r);
}

static void
test_checkpoint_empty(void)
{
	struct lt_resp r = lt_request(&ctx, "GET", "/tlog/checkpoint", NULL, 0, NULL, NULL, 0);
	struct checkpoint c;

	ok(r.code == 200 && strcmp(r.type, "text/plain; charset=utf-8") == 0,
	    "GET /tlog/checkpoint: 200, text/plain; charset=utf-8");
	ok(checkpoint_ok(r.body, r.len, &c) && c.size == 0,
	    "before any event: a signed checkpoint of the empty tree");
	lt_resp_free(&r);
}

/* Pushes that make a tree past one full tile, each answer with its log. */
static void
test_pushes(struct lt_term *t)
{
	static const int batch[][2] = { { 0, 10 }, { 1, 5 }, { 0, 3 }, { 2, 250 }, { 1, 1 },
	    { 2, 40 }, { 0, 1 } };
	struct lt_term saved;
	struct lt_resp r;
	char what[160];
	size_t i;
	int good = 1;

	for (i = 0; i < sizeof batch / sizeof batch[0]; i++) {
		saved = t[batch[i][0]];
		r = push(&t[batch[i][0]], batch[i][1]);
		good &= r.code == 200 && lt_int(r.json, "stored") == batch[i][1] &&
		    log_object_ok(json_get(r.json, "log"), &t[batch[i][0]], 0);
		if (!good)
			fprintf(stderr, "  push %zu: %ld %.300s\n", i, r.code, r.body);
		lt_resp_free(&r);
	}
	snprintf(what, sizeof what, "7 pushes (%lld events): each answer's log has a signed "
	    "checkpoint of them all and the head's inclusion", (long long)nleaves);
	ok(good, what);
	/* The last batch again (Ed25519 signs deterministically): nothing stored, no new leaf. */
	r = push(&saved, 1);
	ok(r.code == 200 && lt_int(r.json, "duplicates") == 1 && lt_int(r.json, "stored") == 0 &&
	    log_object_ok(json_get(r.json, "log"), &t[0], 0),
	    "a duplicate push: no leaf, the same size, the head's inclusion still");
	lt_resp_free(&r);
}

/* The path of a small tile by hand (index below 1000). */
static void
tile_path(int level, int64_t idx, int width, char *out, size_t size)
{
	char w[16] = "";

	if (width < 256)
		snprintf(w, sizeof w, ".p/%d", width);
	if (level < 0)
		snprintf(out, size, "/tlog/tile/entries/%03lld%s", (long long)idx, w);
	else
		snprintf(out, size, "/tlog/tile/%d/%03lld%s", level, (long long)idx, w);
}

/* What tile (level, idx) must hold at width: node hashes, or each leaf's data after its length. */
static void
tile_expected(int level, int64_t idx, int width, struct buf *b)
{
	unsigned char h[32], data[200], len[2];
	int64_t j, span;
	size_t n;

	for (j = idx * 256; j < idx * 256 + width; j++) {
		if (level < 0) {
			n = leaf_data(&leaves[j], data);
			len[0] = (unsigned char)(n >> 8);
			len[1] = (unsigned char)n;
			buf_addn(b, (const char *)len, 2);
			buf_addn(b, (const char *)data, n);
			continue;
		}
		span = (int64_t)1 << (8 * level);
		mth(j * span, (j + 1) * span, h);
		buf_addn(b, (const char *)h, 32);
	}
}

static long
get_code(const char *path)
{
	struct lt_resp r = lt_request(&ctx, "GET", path, NULL, 0, NULL, NULL, 0);
	long code = r.code;

	if (code == 200 || r.code == 0)
		fprintf(stderr, "  %s: %ld %s\n", path, r.code, lt_err(&r));
	lt_resp_free(&r);
	return code;
}

/* Every tile and entry bundle of the newest tree, byte for byte, and what is not a tile. */
static void
test_tiles(const char *when)
{
	static const char *const bad[] = { "/tlog/tile/0/1", "/tlog/tile/0/0001",
	    "/tlog/tile/0/000.p/0", "/tlog/tile/0/000.p/256", "/tlog/tile/0/000.p/",
	    "/tlog/tile/zz/000", "/tlog/tile/0/x000/001", "/tlog/tile/-1/000", "/tlog/tile/",
	    "/tlog/tile/entries/", "/tlog/tile/0/000/", "/tlog/tile/0/000.p/01" };
	char path[128], what[200];
	struct lt_resp r;
	struct buf want;
	int64_t idx, nodes;
	int level, width, tiles = 0, good = 1, refused = 1;
	size_t i;

	for (level = -1; level <= 2; level++) {
		nodes = level < 0 ? nleaves : nleaves >> (8 * level);
		for (idx = 0; idx * 256 < nodes; idx++) {
			width = nodes - idx * 256 >= 256 ? 256 : (int)(nodes - idx * 256);
			tile_path(level, idx, width, path, sizeof path);
			memset(&want, 0, sizeof want);
			tile_expected(level, idx, width, &want);
			r = lt_request(&ctx, "GET", path, NULL, 0, NULL, NULL, 0);
			if (r.code != 200 || r.len != want.len || memcmp(r.body, want.p, want.len) != 0 ||
			    strcmp(r.type, "application/octet-stream") != 0) {
				fprintf(stderr, "  %s: %ld, %zu bytes, want %zu\n", path, r.code, r.len,
				    want.len);
				good = 0;
			}
			lt_resp_free(&r);
			tiles++;
			/* A narrower width is the same tile as it was: served; a wider one is not. */
			if (width > 1) {
				tile_path(level, idx, 1, path, sizeof path);
				r = lt_request(&ctx, "GET", path, NULL, 0, NULL, NULL, 0);
				good &= r.code == 200 && r.len > 0 && memcmp(r.body, want.p, r.len) == 0;
				lt_resp_free(&r);
			}
			buf_free(&want);
			if (width < 256) {
				tile_path(level, idx, 256, path, sizeof path);
				refused &= get_code(path) == 404;
				tile_path(level, idx, width + 1, path, sizeof path);
				refused &= get_code(path) == 404;
			}
		}
		tile_path(level, idx, 256, path, sizeof path);
		refused &= get_code(path) == 404;
	}
	snprintf(what, sizeof what, "%s: %d tiles and entry bundles are those of the tree "
	    "recomputed from the events", when, tiles);
	ok(good && tiles >= 4, what);
	ok(refused, "a tile wider than the tree holds, or past its edge: 404");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (get_code(bad[i]) != 400) {
			fprintf(stderr, "  %s was not refused with 400\n", bad[i]);
			refused = 0;
		}
	ok(refused, "paths that are not canonical tile paths: 400");
	ok(get_code("/tlog/tile/0/000?x=1") == 400, "a tile with a query: 400");
	r = lt_request(&ctx, "POST", "/tlog/tile/0/000", "x", 1, NULL, NULL, 0);
	ok(r.code == 405, "POST to a tile: 405");
	lt_resp_free(&r);
}

static int
inclusion_ok(int64_t index, int64_t size, const unsigned char root[32], const char *size_arg)
{
	unsigned char proof[TLOG_MAX_PROOF][32], lh[32];
	char path[128];
	struct lt_resp r;
	int n, good;

	snprintf(path, sizeof path, "/tlog/proof/inclusion?index=%lld%s", (long long)index,
	    size_arg);
	r = lt_request(&ctx, "GET", path, NULL, 0, NULL, NULL, 0);
	n = proof_of(json_get(r.json, "proof"), proof);
	leaf_hash(index, lh);
	good = r.code == 200 && lt_int(r.json, "index") == index && lt_int(r.json, "size") == size &&
	    n >= 0 && tlog_check_inclusion((const unsigned char (*)[32])proof, n, index, size, lh,
	    root);
	if (!good)
		fprintf(stderr, "  %s: %ld %.300s\n", path, r.code, r.body);
	lt_resp_free(&r);
	return good;
}

static int
consistency_ok(int64_t old, const unsigned char old_root[32], int64_t size,
    const unsigned char root[32])
{
	unsigned char proof[TLOG_MAX_PROOF][32];
	char path[128];
	struct lt_resp r;
	int n, good;

	snprintf(path, sizeof path, "/tlog/proof/consistency?old=%lld&size=%lld", (long long)old,
	    (long long)size);
	r = lt_request(&ctx, "GET", path, NULL, 0, NULL, NULL, 0);
	n = proof_of(json_get(r.json, "proof"), proof);
	good = r.code == 200 && lt_int(r.json, "old") == old && lt_int(r.json, "size") == size &&
	    n >= 0 && tlog_check_consistency((const unsigned char (*)[32])proof, n, old, old_root,
	    size, root);
	if (!good)
		fprintf(stderr, "  %s: %ld %.300s\n", path, r.code, r.body);
	lt_resp_free(&r);
	return good;
}

static void
test_proofs(void)
{
	unsigned char root[32];
	char arg[64], what[200];
	struct lt_resp r;
	int64_t i;
	int k, good = 1, older = 0, cons = 0;

	root_of(nleaves, root);
	snprintf(arg, sizeof arg, "&size=%lld", (long long)nleaves);
	for (i = 0; i < nleaves; i++)
		good &= inclusion_ok(i, nleaves, root, arg);
	snprintf(what, sizeof what, "the inclusion proof of each of the %lld events verifies "
	    "(tlog_check_inclusion, root recomputed here)", (long long)nleaves);
	ok(good, what);
	ok(inclusion_ok(nleaves / 2, nleaves, root, ""), "without size: in the newest checkpoint");
	for (k = 0, good = 1; k < nckpts; k++) {
		if (ckpts[k].size == 0 || ckpts[k].size == nleaves)
			continue;
		snprintf(arg, sizeof arg, "&size=%lld", (long long)ckpts[k].size);
		good &= inclusion_ok(ckpts[k].size - 1, ckpts[k].size, ckpts[k].root, arg);
		good &= inclusion_ok(0, ckpts[k].size, ckpts[k].root, arg);
		good &= consistency_ok(ckpts[k].size, ckpts[k].root, nleaves, root);
		older++;
		cons++;
	}
	snprintf(what, sizeof what, "inclusion in %d older checkpoints, and the consistency of "
	    "each with the newest, verify", older);
	ok(good && older >= 5, what);
	ok(consistency_ok(nleaves, root, nleaves, root), "consistency of the newest with itself");
	(void)cons;

	snprintf(what, sizeof what, "/tlog/proof/inclusion?index=%lld&size=%lld",
	    (long long)nleaves, (long long)nleaves);
	ok(get_code(what) == 400, "an index at the size: 400");
	snprintf(what, sizeof what, "/tlog/proof/inclusion?index=0&size=%lld",
	    (long long)nleaves + 1);
	ok(get_code(what) == 404, "a size past the newest checkpoint: 404");
	ok(get_code("/tlog/proof/inclusion?index=0&size=7") == 404, "a size never issued: 404");
	ok(get_code("/tlog/proof/inclusion?size=7") == 400 &&
	    get_code("/tlog/proof/inclusion?index=01") == 400 &&
	    get_code("/tlog/proof/inclusion?index=-1") == 400 &&
	    get_code("/tlog/proof/inclusion?index=0&when=1") == 400,
	    "inclusion without index, non-canonical, negative or with another parameter: 400");
	snprintf(what, sizeof what, "/tlog/proof/consistency?old=%lld", (long long)nleaves + 1);
	ok(get_code("/tlog/proof/consistency?old=0") == 400 && get_code(what) == 400 &&
	    get_code("/tlog/proof/consistency?size=10") == 400,
	    "consistency from 0, from past the size, or without old: 400");
	r = lt_request(&ctx, "GET", "/tlog/leaf?terminal=intake-01&seq=3", NULL, 0, NULL, NULL, 0);
	ok(r.code == 200 && lt_int(r.json, "index") == index_of("intake-01", 3) &&
	    lt_int(r.json, "seq") == 3, "/tlog/leaf names the leaf of an event");
	lt_resp_free(&r);
	ok(get_code("/tlog/leaf?terminal=intake-01&seq=99999") == 404 &&
	    get_code("/tlog/leaf?terminal=nobody&seq=1") == 404, "/tlog/leaf of no event: 404");
	ok(get_code("/tlog/leaf?terminal=intake-01&seq=0") == 400 &&
	    get_code("/tlog/leaf?seq=1") == 400, "/tlog/leaf with seq 0 or no terminal: 400");
}

/* GET /v1/head?old=N by t: the log object, with consistency from N. */
static int
head_ok(const struct lt_term *t, const char *query, int64_t old)
{
	char path[128];
	struct lt_resp r;
	int good;

	snprintf(path, sizeof path, "/v1/head%s", query);
	r = lt_call(&ctx, t, "GET", path, NULL, 0);
	good = r.code == 200 && log_object_ok(json_get(r.json, "log"), t, old);
	if (!good)
		fprintf(stderr, "  %s: %ld %.400s\n", path, r.code, r.body);
	lt_resp_free(&r);
	return good;
}

static void
test_head(const struct lt_term *t, const struct lt_term *fresh)
{
	char q[64];
	struct lt_resp r;
	int k, good = 1;

	ok(head_ok(&t[0], "", 0) && head_ok(&t[0], "?old=0", 0),
	    "GET /v1/head: the log with the head's inclusion, no consistency without old");
	for (k = 0; k < nckpts; k++) {
		snprintf(q, sizeof q, "?old=%lld", (long long)ckpts[k].size);
		good &= head_ok(&t[k % 3], q, ckpts[k].size);
	}
	ok(good, "GET /v1/head?old=N: consistency from every size issued to the newest");
	snprintf(q, sizeof q, "?old=%lld", (long long)nleaves + 3);
	ok(head_ok(&t[1], q, nleaves + 3), "old past the newest size: no consistency (the "
	    "terminal sees a smaller tree)");
	ok(head_ok(fresh, "?old=1", 1), "a terminal with no event: no leaf, no inclusion");
	r = lt_call(&ctx, &t[0], "GET", "/v1/head?old=x", NULL, 0);
	ok(lt_is(&r, 400, "bad_request"), "/v1/head?old=x: bad_request");
	lt_resp_free(&r);
}

/* A cosignature line by name with sk over the checkpoint (size, root), dated ts. */
static void
cosig_line_at(int64_t size, const unsigned char root[32], const char *name,
    const unsigned char *sk, uint64_t ts, char *line, size_t cap)
{
	struct note *nt = calloc(1, sizeof *nt);
	struct checkpoint c;
	int i;

	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", origin);
	c.size = size;
	memcpy(c.root, root, 32);
	nt->body_len = checkpoint_body(&c, nt->body, sizeof nt->body);
	line[0] = '\0';
	if (note_cosign(nt, name, sk, ts) == 0)
		for (i = 0; i < nt->nsigs; i++)
			if (strcmp(nt->sigs[i].name, name) == 0)
				note_sig_line(&nt->sigs[i], line, cap);
	free(nt);
}

/* The same, dated now. */
static void
cosig_line(int64_t size, const unsigned char root[32], const char *name,
    const unsigned char *sk, char *line, size_t cap)
{
	cosig_line_at(size, root, name, sk, (uint64_t)time(NULL), line, cap);
}

static struct lt_resp
cosign(const struct lt_term *by, int64_t size, const char *line)
{
	struct lt_resp r;
	struct jw w;
	size_t len;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "size");
	jw_int(&w, size);
	jw_key(&w, "cosignature");
	jw_str(&w, line);
	jw_obj_end(&w);
	jw_text(&w, &len);
	r = lt_call(&ctx, by, "POST", "/v1/cosign", jw_text(&w, NULL), len);
	jw_free(&w);
	return r;
}

static struct lt_resp
cosign_raw(const struct lt_term *by, const char *body)
{
	return lt_call(&ctx, by, "POST", "/v1/cosign", body, strlen(body));
}

static void
test_cosign(const struct lt_term *t)
{
	char name[200], other[200], line[400], two[800], bad[600];
	unsigned char root[32];
	struct lt_resp r;
	struct note *nt = calloc(1, sizeof *nt);
	uint64_t ts = 0;
	int k;

	root_of(nleaves, root);
	snprintf(name, sizeof name, "%s/witness/%s", origin, t[0].name);
	snprintf(other, sizeof other, "%s/witness/%s", origin, t[1].name);
	cosig_line(nleaves, root, name, t[0].sk, line, sizeof line);
	r = cosign(&t[0], nleaves, line);
	ok(r.code == 200 && lt_int(r.json, "size") == nleaves &&
	    json_type(json_get(r.json, "stored")) == JSON_TRUE,
	    "POST /v1/cosign: a terminal's cosignature of the newest checkpoint is stored");
	lt_resp_free(&r);
	r = cosign(&t[0], nleaves, line);
	ok(r.code == 200, "the same cosignature again: 200");
	lt_resp_free(&r);
	r = lt_request(&ctx, "GET", "/tlog/checkpoint", NULL, 0, NULL, NULL, 0);
	ok(r.code == 200 && note_parse(r.body, r.len, nt) == 0 && note_verify(nt, origin, log_pk) &&
	    note_cosigned(nt, name, t[0].pk, &ts) == 1 && ts > 0 && t_has(r.body, line),
	    "/tlog/checkpoint carries the cosignature line; it verifies with the terminal's key");
	lt_resp_free(&r);

	cosig_line(nleaves, root, name, t[1].sk, bad, sizeof bad);
	r = cosign(&t[0], nleaves, bad);
	ok(lt_is(&r, 400, "bad_request"), "a cosignature under the terminal's name by another key: 400");
	lt_resp_free(&r);
	cosig_line(nleaves, root, other, t[1].sk, bad, sizeof bad);
	r = cosign(&t[0], nleaves, bad);
	ok(lt_is(&r, 400, "bad_request"), "another terminal's cosignature sent by this one: 400");
	lt_resp_free(&r);
	r = cosign(&t[0], nleaves + 1000, line);
	ok(lt_is(&r, 400, "bad_request"), "a cosignature for a size never issued: 400");
	lt_resp_free(&r);
	for (k = 0; k < nckpts && (ckpts[k].size == 0 || ckpts[k].size == nleaves); k++)
		;
	if (ok(k < nckpts, "an older checkpoint to cosign")) {
		cosig_line(ckpts[k].size, ckpts[k].root, name, t[0].sk, bad, sizeof bad);
		r = cosign(&t[0], nleaves, bad);
		ok(lt_is(&r, 400, "bad_request"), "a cosignature of another checkpoint than size: 400");
		lt_resp_free(&r);
		r = cosign(&t[0], ckpts[k].size, bad);
		ok(r.code == 200, "a cosignature of an older checkpoint with its size: stored");
		lt_resp_free(&r);
	}
	/* dated an hour ahead of the ledger's clock, or an hour before the checkpoint existed */
	cosig_line_at(nleaves, root, name, t[0].sk, (uint64_t)time(NULL) + 3600,
	    bad, sizeof bad);
	r = cosign(&t[0], nleaves, bad);
	ok(lt_is(&r, 400, "bad_request") && t_has(r.body, "future"),
	    "a cosignature dated an hour ahead: 400");
	lt_resp_free(&r);
	cosig_line_at(nleaves, root, name, t[0].sk, (uint64_t)time(NULL) - 3600,
	    bad, sizeof bad);
	r = cosign(&t[0], nleaves, bad);
	ok(lt_is(&r, 400, "bad_request") && t_has(r.body, "before"),
	    "a cosignature dated before the checkpoint was issued: 400");
	lt_resp_free(&r);
	snprintf(two, sizeof two, "%s%s", line, line);
	r = cosign(&t[0], nleaves, two);
	ok(lt_is(&r, 400, "bad_request"), "two lines: 400");
	lt_resp_free(&r);
	r = cosign(&t[0], nleaves, "— nobody AAAA\n");
	ok(lt_is(&r, 400, "bad_request"), "a line that is not a cosignature: 400");
	lt_resp_free(&r);
	r = cosign_raw(&t[0], "{\"size\":");
	ok(lt_is(&r, 400, "malformed_json"), "a truncated body: malformed_json");
	lt_resp_free(&r);
	r = cosign_raw(&t[0], "{\"size\":1}");
	ok(lt_is(&r, 400, "bad_request"), "no cosignature member: 400");
	lt_resp_free(&r);
	r = cosign_raw(&t[0], "{\"size\":-1,\"cosignature\":\"x\"}");
	ok(lt_is(&r, 400, "bad_request"), "a negative size: 400");
	lt_resp_free(&r);
	r = cosign_raw(&t[0], "{\"size\":1,\"cosignature\":\"x\",\"more\":1}");
	ok(lt_is(&r, 400, "bad_request"), "another member: 400");
	lt_resp_free(&r);
	r = lt_request(&ctx, "POST", "/v1/cosign", "{}", 2, NULL, NULL, 0);
	ok(r.code == 401, "an unsigned cosignature request: 401");
	lt_resp_free(&r);
	r = lt_call(&ctx, &t[0], "GET", "/v1/cosign", NULL, 0);
	ok(r.code == 405, "GET /v1/cosign: 405");
	lt_resp_free(&r);
	free(nt);
}

/* SQL on the ledger's database behind its back: 0 when it ran. */
static int
sql(const char *text)
{
	char cmd[1200];
	sqlite3 *s;
	int rc;

	if (strcmp(backend, "postgresql") == 0) {
		snprintf(cmd, sizeof cmd, "psql -q -v ON_ERROR_STOP=1 -c \"%s\" ledger", text);
		return lt_pg_run(&pg, "%s", cmd);
	}
	if (sqlite3_open(db, &s) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(s, 5000);
	rc = sqlite3_exec(s, text, NULL, NULL, NULL);
	sqlite3_close(s);
	return rc == SQLITE_OK ? 0 : -1;
}

static void
test_frozen(void)
{
	ok(sql("DELETE FROM tlog_leaves WHERE leaf = 0") != 0, "a leaf cannot be deleted");
	ok(sql("UPDATE tlog_leaves SET cursor = cursor + 1000 WHERE leaf = 1") != 0,
	    "a leaf cannot be changed");
	ok(sql("UPDATE tlog_checkpoints SET note = 'x'") != 0, "a checkpoint cannot be changed");
	ok(sql("DELETE FROM tlog_checkpoints") != 0, "a checkpoint cannot be deleted");
}

/* Waits up to 10 s for a process that should exit by itself: its status, or -1. */
static int
exit_of(pid_t p)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int ws, i;

	for (i = 0; i < 200; i++) {
		if (waitpid(p, &ws, WNOHANG) == p)
			return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		nanosleep(&ts, NULL);
	}
	lt_stop(p, SIGKILL);
	return -1;
}

static int
log_has(const char *what)
{
	int fd = open(logpath, O_RDONLY);
	char *log = fd >= 0 ? t_slurp_fd(fd) : NULL;
	int has = log != NULL && t_has(log, what);

	free(log);
	if (fd >= 0)
		close(fd);
	return has;
}

/* Served under another origin, the log would be another log: the ledger does not start. */
static void
test_origin_change(void)
{
	ok(lt_stop(pid, SIGTERM) == 0, "the ledger stops");
	start("another.example/log");
	ok(exit_of(pid) == 2 && log_has("serve it with --origin"),
	    "started with another --origin than its checkpoints': refused, status 2");
}

/*
 * A ledger made before the log: its events, no leaves. Opened, it gives every event a leaf
 * in arrival order and issues a checkpoint, then goes on appending.
 */
static void
test_backfill(struct lt_term *t, const char *serve_origin)
{
	struct checkpoint c;
	struct lt_resp r;

	if (strcmp(backend, "postgresql") == 0)
		ok(sql("DROP TABLE tlog_leaves, tlog_tiles, tlog_checkpoints, tlog_cosignatures") == 0,
		    "the log's tables dropped: a ledger database of before the log");
	else
		ok(sql("DROP TABLE tlog_leaves; DROP TABLE tlog_tiles; DROP TABLE tlog_checkpoints; "
		    "DROP TABLE tlog_cosignatures; DELETE FROM schema_version WHERE version = 2") == 0,
		    "the log's tables and migration dropped: a ledger database of before the log");
	nckpts = 0;
	ok(start(serve_origin) == 0, "the ledger starts on it");
	ok(log_has("leaves added for events stored before it"), "and says it caught the log up");
	r = lt_request(&ctx, "GET", "/tlog/checkpoint", NULL, 0, NULL, NULL, 0);
	ok(r.code == 200 && checkpoint_ok(r.body, r.len, &c) && c.size == nleaves,
	    "its checkpoint covers every event, in arrival order (root recomputed here)");
	lt_resp_free(&r);
	test_tiles("after the catch-up");
	r = push(&t[1], 2);
	ok(r.code == 200 && log_object_ok(json_get(r.json, "log"), &t[1], 0),
	    "a push after the catch-up appends to that tree");
	lt_resp_free(&r);
	ok(lt_stop(pid, SIGTERM) == 0 && start(serve_origin) == 0, "restarted");
	r = lt_request(&ctx, "GET", "/tlog/checkpoint", NULL, 0, NULL, NULL, 0);
	ok(r.code == 200 && checkpoint_ok(r.body, r.len, &c) && c.size == nleaves,
	    "after a restart: the same log, no new leaves");
	lt_resp_free(&r);
}

/* A tile changed by hand: the tiles no longer give the checkpoint's root; it does not start. */
static void
test_tampered(void)
{
	char copy[700], cmd[1600];
	pid_t p;

	snprintf(copy, sizeof copy, "%s/tampered.db", tmpdir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", db, copy);
	if (!ok(lt_stop(pid, SIGTERM) == 0 && system(cmd) == 0, "a copy of the stopped ledger"))
		return;
	{
		sqlite3 *s;

		ok(sqlite3_open(copy, &s) == SQLITE_OK && sqlite3_exec(s, "UPDATE tlog_tiles SET "
		    "hashes = zeroblob(length(hashes))", NULL, NULL,
		    NULL) == SQLITE_OK, "the tiles of the copy zeroed");
		sqlite3_close(s);
	}
	{
		struct lt_ctx c2 = ctx;

		p = lt_start(&c2, copy, lt_free_port(), logpath, NULL);
	}
	ok(exit_of(p) == 3 && log_has("do not give the root"),
	    "a ledger whose tiles do not give its checkpoint's root does not start");
	ok(start(NULL) == 0, "the ledger itself starts again");
}

/*
 * The Go checker (tools/tlog-check, built on golang.org/x/mod/sumdb/note and .../tlog):
 * another implementation, nobody's here, verifies the live log: the checkpoint with the
 * printed key, every tile and entry bundle, consistency from every size issued, the inclusion
 * of some leaves, the cosignature of a witness when there is one, and a saved head answer.
 */
static void
test_go_checker(const struct lt_term *witness, const char *when)
{
	char checker[PATH_MAX], vkey[CKPT_VKEY_MAX], wkey[CKPT_VKEY_MAX], name[200];
	char nums[2 * MAX_CKPTS + 8][24], head[700], what[200];
	char *argv[4 * MAX_CKPTS + 40];
	struct lt_resp r;
	struct t_result tr;
	int n = 0, k, i, sizes;
	FILE *f;

	snprintf(checker, sizeof checker, "%s", t_bin("tests/tlog-check"));
	if (access(checker, X_OK) != 0) {
		printf("note: %s not built: the Go checker's run is skipped\n", checker);
		return;
	}
	note_vkey(origin, log_pk, vkey);
	argv[n++] = checker;
	argv[n++] = "-url";
	argv[n++] = ctx.base;
	argv[n++] = "-cacert";
	argv[n++] = ctx.ca;
	argv[n++] = "-vkey";
	argv[n++] = vkey;
	for (k = i = 0; k < nckpts; k++) {
		if (ckpts[k].size == 0 || ckpts[k].size > nleaves)
			continue;
		snprintf(nums[i], sizeof nums[0], "%lld", (long long)ckpts[k].size);
		argv[n++] = "-old";
		argv[n++] = nums[i++];
	}
	sizes = i;
	for (k = 0; k < 5 && nleaves > 0; k++) {
		snprintf(nums[i], sizeof nums[0], "%lld", (long long)(nleaves - 1) * k / 4);
		argv[n++] = "-leaf";
		argv[n++] = nums[i++];
	}
	if (witness != NULL) {
		snprintf(name, sizeof name, "%s/witness/%s", origin, witness->name);
		note_vkey(name, witness->pk, wkey);
		argv[n++] = "-witness";
		argv[n++] = wkey;
		/* An event found through /tlog/leaf, its inclusion checked. */
		snprintf(nums[i], sizeof nums[0], "%s:1", witness->name);
		argv[n++] = "-event";
		argv[n++] = nums[i++];
	}
	/* A head answer's log object, as a terminal saves it, with its consistency from old. */
	snprintf(head, sizeof head, "%s/head.json", tmpdir);
	if (witness != NULL) {
		r = lt_call(&ctx, witness, "GET", "/v1/head?old=10", NULL, 0);
		if (r.code == 200 && (f = fopen(head, "w")) != NULL) {
			struct jw w;

			jw_init(&w);
			jw_value(&w, json_get(r.json, "log"), NULL);
			fputs(jw_text(&w, NULL), f);
			fclose(f);
			jw_free(&w);
			argv[n++] = "-head";
			argv[n++] = head;
			argv[n++] = "-head-old";
			argv[n++] = "10";
		}
		lt_resp_free(&r);
	}
	argv[n] = NULL;
	tr = t_run(argv, NULL, NULL);
	snprintf(what, sizeof what, "%s: the Go checker (golang.org/x/mod) verifies the live log: "
	    "checkpoint, tiles, bundles, %d sizes, leaves%s", when, sizes,
	    witness != NULL ? ", an event, a witness, a head answer" : "");
	ok(tr.status == 0 && t_has(tr.out, " 0 failed"), what);
	if (tr.status != 0 || t_failed)
		fprintf(stderr, "%s%s", tr.out != NULL ? tr.out : "", tr.err != NULL ? tr.err : "");
	t_result_free(&tr);
}

/* Two ledgers on one PostgreSQL database: pushes to both at once make one tree, no gap. */
struct pusher {
	struct lt_ctx *c;
	struct lt_term *t;
	int rounds, failed;
};

static void *
pusher_run(void *arg)
{
	struct pusher *p = arg;
	struct lt_resp r;
	struct event ev;
	const char *body;
	size_t len;
	struct jw w;
	int i, k;

	for (i = 0; i < p->rounds; i++) {
		lt_push_begin(&w);
		for (k = 0; k < 3; k++) {
			lt_event(p->t, &ev, "person.registered", "{\"name\":\"x\"}", NULL);
			wire_event_write(&w, &ev, 0);
			lt_advance(p->t, &ev);
			event_clear(&ev);
		}
		body = lt_push_end(&w, &len);
		r = lt_call(&p->c[i % 2], p->t, "POST", "/v1/events", body, len);
		p->failed += r.code != 200;
		lt_resp_free(&r);
		jw_free(&w);
	}
	return NULL;
}

/* leaves[] again from the ledger's own order: a pull of every event by cursor. */
static int
leaves_from_pull(const struct lt_term *t)
{
	char path[128];
	struct lt_resp r;
	struct event ev;
	const struct json *evs;
	int64_t after = 0, cursor;
	size_t i;
	int more = 1;

	nleaves = 0;
	memset(&ev, 0, sizeof ev);
	while (more) {
		snprintf(path, sizeof path, "/v1/events?after=%lld&limit=500", (long long)after);
		r = lt_call(&ctx, t, "GET", path, NULL, 0);
		evs = json_get(r.json, "events");
		if (r.code != 200 || json_type(evs) != JSON_ARRAY) {
			lt_resp_free(&r);
			return -1;
		}
		for (i = 0; i < json_count(evs) && nleaves < MAX_LEAVES; i++) {
			if (wire_event_read(json_at(evs, i), &ev, &cursor, NULL) != CST_OK)
				return -1;
			snprintf(leaves[nleaves].terminal, sizeof leaves[0].terminal, "%s", ev.terminal);
			leaves[nleaves].seq = ev.seq;
			memcpy(leaves[nleaves++].hash, ev.hash, 32);
			event_clear(&ev);
		}
		after = lt_int(r.json, "next");
		more = json_type(json_get(r.json, "more")) == JSON_TRUE;
		lt_resp_free(&r);
	}
	return 0;
}

static void
test_two_ledgers(struct lt_term *t, const char *serve_origin)
{
	struct lt_ctx c[2];
	struct pusher p[3];
	pthread_t th[3];
	struct checkpoint ck[2];
	struct lt_resp r;
	pid_t second;
	int i, failed = 0;

	c[0] = ctx;
	c[1] = ctx;
	second = lt_start(&c[1], db, lt_free_port(), logpath, serve_extra);
	if (!ok(lt_wait_up(&c[1]) == 0, "a second ledger on the same PostgreSQL database")) {
		lt_stop(second, SIGKILL);
		return;
	}
	(void)serve_origin;
	for (i = 0; i < 3; i++) {
		p[i].c = c;
		p[i].t = &t[i];
		p[i].rounds = 20;
		p[i].failed = 0;
		pthread_create(&th[i], NULL, pusher_run, &p[i]);
	}
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		failed += p[i].failed;
	}
	ok(failed == 0, "3 terminals push 20 batches each, alternately to both ledgers");
	ok(leaves_from_pull(&t[0]) == 0, "every event pulled in the ledgers' order (cursor)");
	for (i = 0; i < 2; i++) {
		r = lt_request(&c[i], "GET", "/tlog/checkpoint", NULL, 0, NULL, NULL, 0);
		ok(r.code == 200 && checkpoint_ok(r.body, r.len, &ck[i]) && ck[i].size == nleaves,
		    i == 0 ? "the first ledger's checkpoint: every event, in cursor order, no gap" :
		    "the second's: the same tree");
		lt_resp_free(&r);
	}
	ok(lt_stop(second, SIGTERM) == 0, "the second ledger stops");
	test_tiles("after two ledgers");
}

static void
suite(const char *serve_origin)
{
	char vkey[CKPT_VKEY_MAX];
	struct lt_term t[4];

	printf("storage: %s\n", backend);
	fflush(stdout);
	nleaves = 0;
	nckpts = 0;
	port = lt_free_port();
	if (!ok(start(serve_origin) == 0, "custody-ledger serve answers over TLS")) {
		lt_stop(pid, SIGKILL);
		return;
	}
	test_key(serve_origin, vkey);
	ok(enrol(&t[0], "intake-01") == 0 && enrol(&t[1], "intake-02") == 0 &&
	    enrol(&t[2], "intake-03") == 0 && enrol(&t[3], "intake-04") == 0, "4 terminals enrol");
	test_checkpoint_empty();
	test_pushes(t);
	test_tiles("after the pushes");
	test_proofs();
	test_head(t, &t[3]);
	test_cosign(t);
	test_frozen();
	test_go_checker(&t[0], "after the pushes and a cosignature");
	test_origin_change();
	test_backfill(t, serve_origin);
	if (strcmp(backend, "sqlite") == 0)
		test_tampered();
	else
		test_two_ledgers(t, serve_origin);
	test_go_checker(NULL, "at the end");
	ok(lt_stop(pid, SIGTERM) == 0, "the ledger stops cleanly at the end");
}

int
main(void)
{
	char *tmp, num[32];

	if (cry_init() != CST_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 99;
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	snprintf(bin, sizeof bin, "%s", t_bin("custody-ledger"));
	tmp = t_tmpdir("ledger-tlog");
	snprintf(tmpdir, sizeof tmpdir, "%s", tmp);
	memset(&ctx, 0, sizeof ctx);
	snprintf(ctx.dir, sizeof ctx.dir, "%s", tmp);
	snprintf(ctx.ca, sizeof ctx.ca, "%s/ca.pem", tmp);
	ctx.ledger_bin = bin;
	snprintf(logpath, sizeof logpath, "%s/ledger.log", tmp);
	if (!ok(lt_certs(tmp) == 0, "openssl makes a CA and certificates"))
		return t_done();

	backend = "sqlite";
	snprintf(db, sizeof db, "%s/ledger.db", tmp);
	suite(NULL);

	if (!lt_pg_installed()) {
		printf("note: PostgreSQL not installed (%s): its run is skipped\n", LT_PG_BIN);
	} else if (ok(lt_pg_up(&pg, tmp) == 0, "a throw-away PostgreSQL starts")) {
		backend = "postgresql";
		snprintf(db, sizeof db, "postgresql://ledger@127.0.0.1:%u/ledger", pg.port);
		snprintf(keyarg, sizeof keyarg, "%s/pg-ledger.key", tmp);
		snprintf(num, sizeof num, "%u", pg.port);
		setenv("PGPORT", num, 1);
		setenv("PGHOST", "127.0.0.1", 1);
		setenv("PGUSER", "ledger", 1);
		suite("custody.example/ledger");
		lt_pg_down(&pg);
	}
	ok(!log_has("Sanitizer") && !log_has("runtime error"),
	    "the ledgers' log shows no sanitizer report");
	if (t_failed == 0 && getenv("CUSTODY_KEEP") == NULL)
		t_rmrf(tmp);
	else
		fprintf(stderr, "kept %s\n", tmp);
	free(tmp);
	curl_global_cleanup();
	return t_done();
}

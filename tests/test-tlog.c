/*
 * The Merkle tree of the transparency log (src/tlog.c) against the RFC 6962 test vectors, a
 * naive tree written here from RFC 9162 §2.1's definitions, and an in-memory tile store.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "t.h"
#include "tlog.h"

typedef unsigned char hash_t[TLOG_HASH_BYTES];

static void
unhex(const char *s, unsigned char *out, size_t n)
{
	if (hex_decode(s, strlen(s), out, n) != 0) {
		fprintf(stderr, "bad hex in test: %s\n", s);
		exit(2);
	}
}

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int64_t
rng_below(int64_t n)
{
	return (int64_t)(rng() % (uint64_t)n);
}

/* The naive tree: RFC 9162 §2.1.1 MTH, §2.1.3.1 PATH and §2.1.4.1 PROOF, as written there. */

static hash_t *D;		/* leaf hashes */

static int64_t
naive_k(int64_t n)
{
	int64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static void
naive_mth(int64_t lo, int64_t hi, unsigned char out[32])
{
	hash_t l, r;
	int64_t k;

	if (hi - lo == 0) {
		tlog_empty_root(out);
	} else if (hi - lo == 1) {
		memcpy(out, D[lo], 32);
	} else {
		k = naive_k(hi - lo);
		naive_mth(lo, lo + k, l);
		naive_mth(lo + k, hi, r);
		tlog_node_hash(l, r, out);
	}
}

/* Memoized for the small trees, where every (lo, hi) is asked many times. */
#define MEMO_N 301
static hash_t *memo;
static unsigned char *memo_set;

static void
mth(int64_t lo, int64_t hi, unsigned char out[32])
{
	size_t at;
	hash_t l, r;
	int64_t k;

	if (memo == NULL || hi >= MEMO_N || hi - lo < 2) {
		naive_mth(lo, hi, out);
		return;
	}
	at = (size_t)(lo * MEMO_N + hi);
	if (!memo_set[at]) {
		k = naive_k(hi - lo);
		mth(lo, lo + k, l);
		mth(lo + k, hi, r);
		tlog_node_hash(l, r, memo[at]);
		memo_set[at] = 1;
	}
	memcpy(out, memo[at], 32);
}

static int
naive_path(int64_t m, int64_t lo, int64_t hi, hash_t *out, int n)
{
	int64_t k;

	if (hi - lo <= 1)
		return n;
	k = naive_k(hi - lo);
	if (m < k) {
		n = naive_path(m, lo, lo + k, out, n);
		mth(lo + k, hi, out[n]);
	} else {
		n = naive_path(m - k, lo + k, hi, out, n);
		mth(lo, lo + k, out[n]);
	}
	return n + 1;
}

static int
naive_subproof(int64_t m, int64_t lo, int64_t hi, int b, hash_t *out, int n)
{
	int64_t k;

	if (m == hi - lo) {
		if (b)
			return n;
		mth(lo, hi, out[n]);
		return n + 1;
	}
	k = naive_k(hi - lo);
	if (m <= k) {
		n = naive_subproof(m, lo, lo + k, b, out, n);
		mth(lo + k, hi, out[n]);
	} else {
		n = naive_subproof(m - k, lo + k, hi, 0, out, n);
		mth(lo, lo + k, out[n]);
	}
	return n + 1;
}

/* Stored nodes for the library: the complete nodes of the tree over D[0:size], level by level. */
struct nodes {
	int64_t size;
	hash_t *level[64];
	int64_t count[64];
	int reads, misses;
};

static void
nodes_build(struct nodes *t, int64_t size)
{
	int64_t i;
	int l;

	memset(t, 0, sizeof *t);
	t->size = size;
	t->count[0] = size;
	t->level[0] = malloc((size_t)(size + 1) * 32);
	memcpy(t->level[0], D, (size_t)size * 32);
	for (l = 1; l < 64 && t->count[l - 1] >= 2; l++) {
		t->count[l] = t->count[l - 1] / 2;
		t->level[l] = malloc((size_t)t->count[l] * 32);
		for (i = 0; i < t->count[l]; i++)
			tlog_node_hash(t->level[l - 1][2 * i], t->level[l - 1][2 * i + 1],
			    t->level[l][i]);
	}
}

static void
nodes_free(struct nodes *t)
{
	int l;

	for (l = 0; l < 64; l++)
		free(t->level[l]);
}

/* Answers only complete nodes of the tree: asking for any other is a library bug. */
static int
nodes_read(void *arg, int level, int64_t index, unsigned char out[32])
{
	struct nodes *t = arg;

	t->reads++;
	if (level < 0 || level >= 64 || index < 0 || index >= t->count[level]) {
		t->misses++;
		return -1;
	}
	memcpy(out, t->level[level][index], 32);
	return 0;
}

static void
make_leaves(int64_t n)
{
	unsigned char data[16];
	int64_t i;
	int j;

	D = realloc(D, (size_t)n * 32);
	for (i = 0; i < n; i++) {
		for (j = 0; j < 8; j++)
			data[j] = (unsigned char)(i >> (8 * j));
		memcpy(data + 8, "leafdata", 8);
		tlog_leaf_hash(data, sizeof data, D[i]);
	}
}

/* RFC 6962 vectors, as transparency-dev/merkle carries them (proof/verify_test.go). */

static const char *rfc_leaves[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *rfc_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct rfc_proof {
	int64_t a, b;		/* leaf index and size, or old and new size */
	int n;
	const char *h[3];
};

/* Inclusion: leaf index (from 0) and tree size; the Go file numbers leaves from 1. */
static const struct rfc_proof rfc_inclusion[] = {
	{ 0, 1, 0, { NULL } },
	{ 0, 8, 3, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 5, 8, 3, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 3, 1, {
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1, 5, 3, {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

static const struct rfc_proof rfc_consistency[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, 2, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6, 7, 3, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

static void
test_hashes(void)
{
	hash_t h, want;

	tlog_empty_root(h);
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, 32);
	ok(memcmp(h, want, 32) == 0, "the empty root is SHA-256 of nothing");
	tlog_leaf_hash(NULL, 0, h);
	unhex(rfc_roots[0], want, 32);
	ok(memcmp(h, want, 32) == 0, "the leaf hash of empty data is SHA-256(0x00)");
}

static void
test_rfc_vectors(void)
{
	unsigned char data[16];
	hash_t root, want, proof[TLOG_MAX_PROOF], bad[TLOG_MAX_PROOF + 1], leaf;
	struct nodes t;
	int64_t s;
	size_t i;
	int n, j, good;

	make_leaves(8);
	for (i = 0; i < 8; i++) {
		unhex(rfc_leaves[i], data, strlen(rfc_leaves[i]) / 2);
		tlog_leaf_hash(data, strlen(rfc_leaves[i]) / 2, D[i]);
	}
	for (s = 1; s <= 8; s++) {
		nodes_build(&t, s);
		unhex(rfc_roots[s - 1], want, 32);
		ok(tlog_tree_root(s, nodes_read, &t, root) == 0 && memcmp(root, want, 32) == 0,
		    "RFC 6962 vector: the root of each size 1..8");
		nodes_free(&t);
	}
	nodes_build(&t, 8);
	for (i = 0; i < sizeof rfc_inclusion / sizeof rfc_inclusion[0]; i++) {
		const struct rfc_proof *v = &rfc_inclusion[i];

		unhex(rfc_roots[v->b - 1], root, 32);
		t.size = v->b;
		for (j = 0; j < 64; j++)
			t.count[j] = j == 0 ? v->b : t.count[j - 1] / 2;
		n = tlog_prove_inclusion(v->b, v->a, nodes_read, &t, proof);
		good = n == v->n;
		for (j = 0; good && j < n; j++) {
			unhex(v->h[j], want, 32);
			good = memcmp(proof[j], want, 32) == 0;
		}
		ok(good, "RFC 6962 vector: the inclusion proof");
		memcpy(leaf, D[v->a], 32);
		ok(tlog_check_inclusion((const hash_t *)proof, n, v->a, v->b, leaf, root),
		    "RFC 6962 vector: the inclusion proof verifies");
		ok(!tlog_check_inclusion((const hash_t *)proof, n, v->a, v->b * 2, leaf, root) &&
		    (v->b < 2 || !tlog_check_inclusion((const hash_t *)proof, n, v->a, v->b / 2, leaf,
		    root)), "RFC 6962 vector: not at twice or half the size");
		ok(!tlog_check_inclusion((const hash_t *)proof, n, v->a ^ 2, v->b, leaf, root) &&
		    !tlog_check_inclusion((const hash_t *)proof, n, v->a + 1, v->b, leaf, root) &&
		    !tlog_check_inclusion((const hash_t *)proof, n, v->a - 1, v->b, leaf, root),
		    "RFC 6962 vector: not at another index");
		memcpy(bad[0], root, 32);
		memcpy(bad + 1, proof, (size_t)n * 32);
		ok(!tlog_check_inclusion((const hash_t *)bad, n + 1, v->a, v->b, leaf, root),
		    "RFC 6962 vector: the root put before the proof is refused");
	}
	for (i = 0; i < sizeof rfc_consistency / sizeof rfc_consistency[0]; i++) {
		const struct rfc_proof *v = &rfc_consistency[i];
		hash_t old_root;

		unhex(rfc_roots[v->a - 1], old_root, 32);
		unhex(rfc_roots[v->b - 1], root, 32);
		for (j = 0; j < 64; j++)
			t.count[j] = j == 0 ? v->b : t.count[j - 1] / 2;
		n = tlog_prove_consistency(v->a, v->b, nodes_read, &t, proof);
		good = n == v->n;
		for (j = 0; good && j < n; j++) {
			unhex(v->h[j], want, 32);
			good = memcmp(proof[j], want, 32) == 0;
		}
		ok(good, "RFC 6962 vector: the consistency proof");
		ok(tlog_check_consistency((const hash_t *)proof, n, v->a, old_root, v->b, root),
		    "RFC 6962 vector: the consistency proof verifies");
		if (n == 0)
			continue;
		ok(!tlog_check_consistency((const hash_t *)proof, n, v->a - 1, old_root, v->b, root) &&
		    !tlog_check_consistency((const hash_t *)proof, n, v->a + 1, old_root, v->b, root) &&
		    !tlog_check_consistency((const hash_t *)proof, n, v->a ^ 2, old_root, v->b, root) &&
		    !tlog_check_consistency((const hash_t *)proof, n, v->a, old_root, v->b * 2, root) &&
		    !tlog_check_consistency((const hash_t *)proof, n, v->a, old_root, v->b / 2, root),
		    "RFC 6962 vector: not at other sizes");
		ok(!tlog_check_consistency((const hash_t *)proof, n, v->a, root, v->b, old_root),
		    "RFC 6962 vector: swapped roots refused");
		memcpy(bad[0], proof[0], 32);
		memcpy(bad + 1, proof, (size_t)n * 32);
		ok(!tlog_check_consistency((const hash_t *)bad, n + 1, v->a, old_root, v->b, root),
		    "RFC 6962 vector: proof[0] put before the proof is refused");
		memcpy(bad[0], old_root, 32);
		ok(!tlog_check_consistency((const hash_t *)bad, n + 1, v->a, old_root, v->b, root),
		    "RFC 6962 vector: the old root put before the proof is refused");
	}
	nodes_free(&t);
}

/* Edge cases the RFC's steps leave to the implementation. */
static void
test_edges(void)
{
	hash_t empty, x, proof[TLOG_MAX_PROOF + 1];

	tlog_empty_root(empty);
	memset(x, 0x5a, 32);
	memset(proof, 0, sizeof proof);
	ok(!tlog_check_inclusion(NULL, 0, 0, 0, x, x), "inclusion in the empty tree is refused");
	ok(!tlog_check_inclusion(NULL, 0, 1, 1, x, x), "an index past the tree is refused");
	ok(!tlog_check_inclusion(NULL, 0, -1, 1, x, x), "a negative index is refused");
	ok(tlog_check_inclusion(NULL, 0, 0, 1, x, x), "a one-leaf tree: the leaf is the root");
	ok(!tlog_check_inclusion((const hash_t *)proof, 1, 0, 1, x, x),
	    "a one-leaf tree: a hash too many is refused");
	ok(!tlog_check_inclusion((const hash_t *)proof, -1, 0, 1, x, x) &&
	    !tlog_check_inclusion((const hash_t *)proof, TLOG_MAX_PROOF + 1, 0, INT64_MAX, x, x) &&
	    !tlog_check_inclusion(NULL, 3, 0, 8, x, x), "a bad count is refused");
	ok(tlog_check_consistency(NULL, 0, 0, empty, 0, empty), "empty to empty");
	ok(tlog_check_consistency(NULL, 0, 0, empty, 5, x), "empty is a prefix of any tree");
	ok(!tlog_check_consistency(NULL, 0, 0, x, 5, x), "size 0 with another root is refused");
	ok(!tlog_check_consistency(NULL, 0, 0, empty, 0, x), "empty to a size 0 with a root");
	ok(!tlog_check_consistency((const hash_t *)proof, 1, 0, empty, 5, x),
	    "from empty, a non-empty proof is refused");
	ok(tlog_check_consistency(NULL, 0, 7, x, 7, x), "same size, same root");
	ok(!tlog_check_consistency(NULL, 0, 7, x, 7, empty), "same size, another root");
	ok(!tlog_check_consistency((const hash_t *)proof, 1, 7, x, 7, x),
	    "same size with a hash is refused");
	ok(!tlog_check_consistency(NULL, 0, 8, x, 7, x), "a smaller new tree is refused");
	ok(!tlog_check_consistency(NULL, 0, 4, x, 8, x), "an empty proof between sizes");
	ok(!tlog_check_consistency(NULL, 0, -1, x, 8, x), "a negative old size");
	ok(!tlog_check_consistency((const hash_t *)proof, TLOG_MAX_PROOF + 1, 3, x, 8, x) &&
	    !tlog_check_consistency((const hash_t *)proof, -5, 3, x, 8, x) &&
	    !tlog_check_consistency(NULL, 2, 3, x, 8, x), "a bad count is refused");
	ok(tlog_prove_inclusion(0, 0, nodes_read, NULL, proof) == -1 &&
	    tlog_prove_inclusion(5, 5, nodes_read, NULL, proof) == -1 &&
	    tlog_prove_inclusion(5, -1, nodes_read, NULL, proof) == -1,
	    "no inclusion proof of a leaf past the tree");
	ok(tlog_prove_consistency(0, 5, nodes_read, NULL, proof) == -1 &&
	    tlog_prove_consistency(6, 5, nodes_read, NULL, proof) == -1,
	    "no consistency proof from 0 or from a larger tree");
}

static int
check_incl(const hash_t *p, int n, int64_t i, int64_t s, const hash_t leaf, const hash_t root)
{
	return tlog_check_inclusion(p, n, i, s, leaf, root);
}

/* Every way to spoil a good inclusion proof: each must be refused. */
static int
spoil_inclusion(const hash_t *proof, int n, int64_t i, int64_t s, const hash_t leaf,
    const hash_t root, int every_bit)
{
	hash_t p[TLOG_MAX_PROOF + 1], x;
	int j, b, bad = 0;

	memcpy(p, proof, (size_t)n * 32);
	for (j = 0; j < n; j++)
		for (b = every_bit ? 0 : (int)((i * 7 + j * 13) % 256); b < 256;
		    b += every_bit ? 1 : 256) {
			p[j][b / 8] ^= (unsigned char)(1 << (b % 8));
			bad += check_incl((const hash_t *)p, n, i, s, leaf, root);
			p[j][b / 8] ^= (unsigned char)(1 << (b % 8));
		}
	memcpy(x, leaf, 32);
	x[31] ^= 1;
	bad += check_incl(proof, n, i, s, x, root);
	memcpy(x, root, 32);
	x[0] ^= 0x80;
	bad += check_incl(proof, n, i, s, leaf, x);
	if (n > 0) {
		bad += check_incl(proof, n - 1, i, s, leaf, root);
		bad += check_incl(proof + 1, n - 1, i, s, leaf, root);
	}
	for (j = 0; j <= n; j++) {	/* a hash inserted anywhere: the root, then a leaf */
		memcpy(p, proof, (size_t)j * 32);
		memcpy(p[j], root, 32);
		memcpy(p + j + 1, proof + j, (size_t)(n - j) * 32);
		bad += check_incl((const hash_t *)p, n + 1, i, s, leaf, root);
		memcpy(p[j], leaf, 32);
		bad += check_incl((const hash_t *)p, n + 1, i, s, leaf, root);
	}
	if (i + 1 < s)
		bad += check_incl(proof, n, i + 1, s, leaf, root);
	if (i > 0)
		bad += check_incl(proof, n, i - 1, s, leaf, root);
	bad += check_incl(proof, n, i, i, leaf, root);
	return bad;
}

static int
check_cons(const hash_t *p, int n, int64_t a, const hash_t ra, int64_t b, const hash_t rb)
{
	return tlog_check_consistency(p, n, a, ra, b, rb);
}

static int
spoil_consistency(const hash_t *proof, int n, int64_t a, const hash_t ra, int64_t b,
    const hash_t rb, int every_bit)
{
	hash_t p[TLOG_MAX_PROOF + 1], x;
	int j, k, bit, bad = 0;

	memcpy(p, proof, (size_t)n * 32);
	for (j = 0; j < n; j++)
		for (bit = every_bit ? 0 : (int)((a * 5 + b + j * 11) % 256); bit < 256;
		    bit += every_bit ? 1 : 256) {
			p[j][bit / 8] ^= (unsigned char)(1 << (bit % 8));
			bad += check_cons((const hash_t *)p, n, a, ra, b, rb);
			p[j][bit / 8] ^= (unsigned char)(1 << (bit % 8));
		}
	memcpy(x, ra, 32);
	x[3] ^= 4;
	bad += check_cons(proof, n, a, x, b, rb);
	memcpy(x, rb, 32);
	x[9] ^= 2;
	bad += check_cons(proof, n, a, ra, b, x);
	if (a != b) {
		bad += check_cons(proof, n, a, rb, b, ra);
		bad += check_cons(proof, n - 1, a, ra, b, rb);
		bad += check_cons(proof + 1, n - 1, a, ra, b, rb);
		bad += check_cons(proof, n, a, ra, b, ra);
	}
	for (j = 0; j <= n; j++)
		for (k = 0; k < 3; k++) {
			memcpy(p, proof, (size_t)j * 32);
			memcpy(p[j], k == 0 ? ra : k == 1 ? rb : (j > 0 ? proof[0] : ra), 32);
			memcpy(p + j + 1, proof + j, (size_t)(n - j) * 32);
			bad += check_cons((const hash_t *)p, n + 1, a, ra, b, rb);
		}
	if (a + 1 < b)
		bad += check_cons(proof, n, a + 1, ra, b, rb);
	if (a > 1)
		bad += check_cons(proof, n, a - 1, ra, b, rb);
	return bad;
}

/* Every size 1..300, every index and every old size: library == naive, and all verify. */
static void
test_against_naive(void)
{
	hash_t got[TLOG_MAX_PROOF], want[TLOG_MAX_PROOF], root, old_root;
	struct nodes t;
	int64_t s, i;
	int n, m, same = 1, verified = 1, spoiled = 0, reads_ok = 1, roots_ok = 1, proofs = 0;

	make_leaves(300);
	memo = calloc(MEMO_N * MEMO_N, 32);
	memo_set = calloc(MEMO_N * MEMO_N, 1);
	for (s = 1; s <= 300; s++) {
		nodes_build(&t, s);
		mth(0, s, root);
		if (tlog_tree_root(s, nodes_read, &t, got[0]) != 0 || memcmp(got[0], root, 32) != 0)
			roots_ok = 0;
		for (i = 0; i < s; i++) {
			n = tlog_prove_inclusion(s, i, nodes_read, &t, got);
			m = naive_path(i, 0, s, want, 0);
			if (n != m || memcmp(got, want, (size_t)m * 32) != 0)
				same = 0;
			if (!tlog_check_inclusion((const hash_t *)got, n, i, s, D[i], root))
				verified = 0;
			spoiled += spoil_inclusion((const hash_t *)got, n, i, s, D[i], root, s <= 24);
			proofs++;
		}
		for (i = 1; i <= s; i++) {
			mth(0, i, old_root);
			n = tlog_prove_consistency(i, s, nodes_read, &t, got);
			m = naive_subproof(i, 0, s, 1, want, 0);
			if (n != m || memcmp(got, want, (size_t)m * 32) != 0)
				same = 0;
			if (!tlog_check_consistency((const hash_t *)got, n, i, old_root, s, root))
				verified = 0;
			spoiled += spoil_consistency((const hash_t *)got, n, i, old_root, s, root,
			    s <= 24);
			proofs++;
		}
		if (t.misses > 0)
			reads_ok = 0;
		nodes_free(&t);
	}
	printf("# %d proofs of sizes 1..300 checked against the naive tree\n", proofs);
	ok(roots_ok, "naive: the root of every size 1..300");
	ok(same, "naive: every inclusion and consistency proof of sizes 1..300");
	ok(verified, "naive: every proof of sizes 1..300 verifies");
	ok(spoiled == 0, "naive: every spoiled proof (bit, truncation, extension, index) refused");
	ok(reads_ok, "naive: the library asks only for complete nodes");
	free(memo);
	free(memo_set);
	memo = NULL;
	memo_set = NULL;
}

/* An in-memory tile store, as the ledger's tables hold it. */
#define LEVELS 8
#define MAX_TILES 512

struct store {
	int64_t size;			/* the tree reads are checked against */
	unsigned char *tile[LEVELS];	/* MAX_TILES tiles of 8 KiB a level */
	int width[LEVELS][MAX_TILES];
	int bad_reads, reads;
	int logging;
	int nlog;
	struct { int level; int64_t index; int width; } log[1024];
	int nread;
	struct { int level; int64_t index; int width; } rlog[64];
};

static void
store_init(struct store *st)
{
	int l;

	memset(st, 0, sizeof *st);
	for (l = 0; l < LEVELS; l++)
		st->tile[l] = calloc(MAX_TILES, TLOG_TILE_BYTES);
}

static void
store_free(struct store *st)
{
	int l;

	for (l = 0; l < LEVELS; l++)
		free(st->tile[l]);
}

/* A read is good only for a width the tree has, and from what was written. */
static int
store_read(void *arg, int level, int64_t index, int width, unsigned char *out)
{
	struct store *st = arg;

	st->reads++;
	if (level < 0 || level >= LEVELS || index < 0 || index >= MAX_TILES || width < 1 ||
	    width > tlog_tile_width(st->size, level, index) ||
	    width > st->width[level][index]) {
		st->bad_reads++;
		return -1;
	}
	if (st->logging && st->nread < 64) {
		st->rlog[st->nread].level = level;
		st->rlog[st->nread].index = index;
		st->rlog[st->nread++].width = width;
	}
	memcpy(out, st->tile[level] + index * TLOG_TILE_BYTES, (size_t)width * 32);
	return 0;
}

static int
store_write(void *arg, int level, int64_t index, int width, const unsigned char *hashes)
{
	struct store *st = arg;

	if (level < 0 || level >= LEVELS || index < 0 || index >= MAX_TILES || width < 1 ||
	    width > 256 || st->nlog == 1024)
		return -1;
	st->log[st->nlog].level = level;
	st->log[st->nlog].index = index;
	st->log[st->nlog++].width = width;
	memcpy(st->tile[level] + index * TLOG_TILE_BYTES, hashes, (size_t)width * 32);
	st->width[level][index] = width;
	return 0;
}

static int
store_node(void *arg, int level, int64_t index, unsigned char out[32])
{
	return tlog_tile_node(store_read, arg, level, index, out);
}

/* Every tile of the tree of st->size against the naive levels t. */
static int
tiles_match(const struct store *st, const struct nodes *t)
{
	int64_t idx;
	int l, w, j;

	for (l = 0; l < LEVELS; l++)
		for (idx = 0; idx < MAX_TILES; idx++) {
			w = tlog_tile_width(st->size, l, idx);
			if (st->width[l][idx] != w)
				return 0;
			for (j = 0; j < w; j++)
				if (memcmp(st->tile[l] + idx * TLOG_TILE_BYTES + j * 32,
				    t->level[8 * l][idx * 256 + j], 32) != 0)
					return 0;
		}
	return 1;
}

/* The tiles one append must write: each whose width changed, once. */
static int
writes_match(const struct store *st, int64_t old, int64_t size)
{
	int64_t idx;
	int l, i, want = 0, found;

	for (l = 0; l < LEVELS; l++)
		for (idx = 0; idx < MAX_TILES; idx++) {
			if (tlog_tile_width(size, l, idx) == tlog_tile_width(old, l, idx))
				continue;
			want++;
			found = 0;
			for (i = 0; i < st->nlog; i++)
				if (st->log[i].level == l && st->log[i].index == idx &&
				    st->log[i].width == tlog_tile_width(size, l, idx))
					found++;
			if (found != 1)
				return 0;
		}
	return want == st->nlog;
}

/* Reads of one append: the right edge of the old tree only, partial tiles at their width. */
static int
reads_match(const struct store *st, int64_t old)
{
	int i, w;

	for (i = 0; i < st->nread; i++) {
		w = tlog_tile_width(old, st->rlog[i].level, st->rlog[i].index);
		if (w == 256 || w != st->rlog[i].width)
			return 0;
	}
	return st->nread <= LEVELS;
}

static int
append_batch(struct store *st, int64_t n, hash_t root)
{
	int64_t old = st->size;
	int rc;

	st->nlog = 0;
	st->nread = 0;
	st->logging = 1;
	rc = tlog_append(old, (const hash_t *)(D + old), (size_t)n, store_read, store_write, st,
	    root);
	st->logging = 0;
	if (rc == 0)
		st->size = old + n;
	return rc;
}

static void
test_append(struct store *st)
{
	static const int64_t batches[] = { 1, 2, 255, 256, 257, 1, 0, 253, 3, 512, 1024, 255 };
	hash_t root, want, node;
	struct nodes t;
	int64_t total = 66000, idx;
	size_t b;
	int roots = 1, tiles = 1, writes = 1, reads = 1, nodes = 1, calls = 0, l, k;

	make_leaves(total);
	store_init(st);
	tlog_append(0, NULL, 0, store_read, store_write, st, root);
	tlog_empty_root(want);
	ok(memcmp(root, want, 32) == 0 && st->nlog == 0, "append: nothing to nothing, the empty root");
	for (b = 0; st->size < 65530; b++) {
		int64_t n = b < sizeof batches / sizeof batches[0] ? batches[b] :
		    st->size < 6000 ? 1 + rng_below(600) : 65530 - st->size;
		int64_t old = st->size;

		if (append_batch(st, n, root) != 0) {
			roots = 0;
			break;
		}
		calls++;
		writes &= writes_match(st, old, st->size);
		reads &= reads_match(st, old);
		if (st->size > 6000 && st->size < 65530)
			continue;
		nodes_build(&t, st->size);
		naive_mth(0, st->size, want);
		roots &= memcmp(root, want, 32) == 0;
		tiles &= tiles_match(st, &t);
		for (k = 0; k < 20; k++) {
			l = (int)rng_below(17);
			if (t.count[l] == 0)
				continue;
			idx = rng_below(t.count[l]);
			nodes &= store_node(st, l, idx, node) == 0 &&
			    memcmp(node, t.level[l][idx], 32) == 0;
		}
		nodes_free(&t);
	}
	/* One at a time across 65536: a level-0 and a level-1 tile fill, level 2 begins. */
	while (st->size < total) {
		int64_t old = st->size;

		if (append_batch(st, old < 65545 ? 1 : total - old, root) != 0) {
			roots = 0;
			break;
		}
		calls++;
		writes &= writes_match(st, old, st->size);
		reads &= reads_match(st, old);
		nodes_build(&t, st->size);
		naive_mth(0, st->size, want);
		roots &= memcmp(root, want, 32) == 0;
		tiles &= tiles_match(st, &t);
		nodes_free(&t);
	}
	printf("# %d appends up to %lld leaves\n", calls, (long long)st->size);
	ok(roots, "append: the root after every batch is the naive root");
	ok(tiles, "append: every tile at every checked size is the naive one, at its width");
	ok(writes, "append: each changed tile written once, at its final width, nothing else");
	ok(reads, "append: reads only the partial tiles of the right edge");
	ok(nodes, "append: nodes of every level read back through tlog_tile_node");
	ok(st->bad_reads == 0, "append: no read of a width the tree does not have");
}

/*
 * Two trees appended to in turn on one thread (as after a rolled back push, or with two logs):
 * whatever the library keeps between appends must not leak from one into the other.
 */
static void
test_append_two(void)
{
	struct store a, b;
	hash_t *leaves_a, *leaves_b, ra, rb, want;
	int64_t n, i;
	int good = 1, round;

	make_leaves(3000);
	leaves_a = D;
	leaves_b = malloc(3000 * sizeof(hash_t));
	for (i = 0; i < 3000; i++) {
		memcpy(leaves_b[i], leaves_a[i], 32);
		if (i % 7 == 0)
			leaves_b[i][5] ^= 1;
	}
	store_init(&a);
	store_init(&b);
	for (round = 0; a.size < 2700; round++) {
		n = round % 3 == 0 ? 1 : 1 + rng_below(300);
		D = leaves_a;
		good &= append_batch(&a, n, ra) == 0;
		naive_mth(0, a.size, want);
		good &= memcmp(ra, want, 32) == 0;
		D = leaves_b;
		good &= append_batch(&b, n, rb) == 0;
		naive_mth(0, b.size, want);
		good &= memcmp(rb, want, 32) == 0 && memcmp(ra, rb, 32) != 0;
	}
	D = leaves_a;
	ok(good, "append: two trees in turn on one thread each get their own root");
	store_free(&a);
	store_free(&b);
	free(leaves_b);
}

/* Proofs through the tiles at sizes 1000..1100 and 65535..65540 against the naive tree. */
static void
test_tile_proofs(struct store *st)
{
	static const int64_t big[] = { 65535, 65536, 65537, 65538, 65539, 65540, 66000 };
	hash_t got[TLOG_MAX_PROOF], want[TLOG_MAX_PROOF], root, old_root, r;
	int64_t full = st->size, s, i, old;
	int n, m, k, same = 1, verified = 1, roots = 1, count = 0;

	for (s = 1000; s <= 1100 + (int64_t)(sizeof big / sizeof big[0]); s++) {
		int64_t size = s <= 1100 ? s : big[s - 1101];

		st->size = size;
		naive_mth(0, size, root);
		roots &= tlog_tree_root(size, store_node, st, r) == 0 && memcmp(r, root, 32) == 0;
		for (k = 0; k < (size > 1100 ? 4 : 3); k++) {
			i = k == 0 ? size - 1 : k == 1 ? 0 : rng_below(size);
			n = tlog_prove_inclusion(size, i, store_node, st, got);
			m = naive_path(i, 0, size, want, 0);
			same &= n == m && memcmp(got, want, (size_t)m * 32) == 0;
			verified &= tlog_check_inclusion((const hash_t *)got, n, i, size, D[i], root);
			old = k == 0 ? size : k == 1 ? 1 : k == 2 ? (size < 1024 ? 512 : 1024) : 1 + rng_below(size);
			n = tlog_prove_consistency(old, size, store_node, st, got);
			m = naive_subproof(old, 0, size, 1, want, 0);
			same &= n == m && memcmp(got, want, (size_t)m * 32) == 0;
			naive_mth(0, old, old_root);
			verified &= tlog_check_consistency((const hash_t *)got, n, old, old_root, size,
			    root);
			count += 2;
		}
	}
	st->size = full;
	printf("# %d proofs through tiles\n", count);
	ok(roots, "tiles: the root of sizes 1000..1100 and 65535..65540 through tiles");
	ok(same, "tiles: proofs through tiles are the naive proofs");
	ok(verified, "tiles: and they verify");
	ok(st->bad_reads == 0, "tiles: no read of a width the tree of that size does not have");
}

/* A store that makes up any tile: the cost of proofs in a tree of 10,000,000 leaves. */
struct fake {
	int64_t size;
	long reads, bytes, bad;
};

static int
fake_read(void *arg, int level, int64_t index, int width, unsigned char *out)
{
	struct fake *f = arg;
	int j;

	if (width < 1 || width > tlog_tile_width(f->size, level, index)) {
		f->bad++;
		return -1;
	}
	f->reads++;
	f->bytes += width * 32;
	for (j = 0; j < width; j++) {
		memset(out + j * 32, (int)(index + j), 32);
		out[j * 32] = (unsigned char)level;
	}
	return 0;
}

static int
fake_node(void *arg, int level, int64_t index, unsigned char out[32])
{
	return tlog_tile_node(fake_read, arg, level, index, out);
}

static int
fake_write(void *arg, int level, int64_t index, int width, const unsigned char *hashes)
{
	struct fake *f = arg;

	(void)hashes;
	if (width < 1 || width > 256 || index < 0 || level < 0)
		f->bad++;
	return 0;
}

/*
 * The shape of proofs in a tree of 10,000,000 leaves: every one made, O(log n) tile reads of
 * widths the tree has. Their time is bench/transparency's to measure, not a test's.
 */
static void
test_proof_cost(void)
{
	struct fake f = { 10000000, 0, 0, 0 };
	hash_t proof[TLOG_MAX_PROOF];
	int i, rounds = 200, fails = 0, maxn = 0, n;

	for (i = 0; i < rounds; i++) {
		n = tlog_prove_inclusion(f.size, rng_below(f.size), fake_node, &f, proof);
		fails += n < 0;
		maxn = n > maxn ? n : maxn;
	}
	for (i = 0; i < rounds; i++) {
		n = tlog_prove_consistency(1 + rng_below(f.size - 1), f.size, fake_node, &f, proof);
		fails += n < 0;
		maxn = n > maxn ? n : maxn;
	}
	printf("# at 10,000,000 leaves: %.1f tile reads and %.0f KiB read a proof, %d hashes at "
	    "most\n", (double)f.reads / (2 * rounds), (double)f.bytes / (2 * rounds) / 1024, maxn);
	for (i = 0; i < rounds * 5; i++) {
		fails += tlog_append(f.size, (const hash_t *)proof, 1, fake_read, fake_write, &f,
		    proof[1]) != 0;
		f.size++;
	}
	ok(fails == 0 && f.bad == 0, "10M: every proof made, reading only widths the tree has");
	ok(f.reads <= 2L * rounds * 2 * 26, "10M: O(log n) tile reads a proof");
	ok(maxn <= 2 * 24 + 2, "10M: at most 2 log2(n) hashes a proof");
}

/* docs/transparency.md, "Leaves": computed independently with Python's hashlib. */
struct leaf_vector {
	const char *terminal;
	int64_t seq;
	const char *event_hash, *data, *hash;
};

static const struct leaf_vector leaf_vectors[] = {
	{ "t1", 1, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "010274310000000000000001000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "f8d06b8fe2930a0471990c1db8ea1e2261e6b7e21a7125f105325875001829df" },
	{ "intake-01", 2, "74467189c56e9593f9a435614b3b341ce1203e626678f8c6265017113e31a5f1",
	    "0109696e74616b652d3031000000000000000274467189c56e9593f9a435614b3b341ce1203e626678f8c6"
	    "265017113e31a5f1",
	    "ba5c1b5f0649abb72db9e31cfbd28825fb32e66443ac01a3f70a46c2d43e890c" },
	{ "term:0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRST._", INT64_MAX,
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	    "01407465726d3a303132333435363738396162636465666768696a6b6c6d6e6f707172737475767778797a"
	    "2d4142434445464748494a4b4c4d4e4f50515253542e5f7fffffffffffffffffffffffffffffffffffffff"
	    "ffffffffffffffffffffffffffffffffffffffff",
	    "977bc24c45fc0f09243d2efe92b8b4d8ea34d5501d438d6cca883f257ebb4aa1" },
};

static void
test_leaves(void)
{
	unsigned char eh[32], out[TLOG_LEAF_MAX], want[TLOG_LEAF_MAX], h[32], wh[32], eh2[32];
	char term[65], long_id[66];
	int64_t seq;
	size_t i, n;
	int good;

	for (i = 0; i < sizeof leaf_vectors / sizeof leaf_vectors[0]; i++) {
		const struct leaf_vector *v = &leaf_vectors[i];

		unhex(v->event_hash, eh, 32);
		unhex(v->data, want, strlen(v->data) / 2);
		unhex(v->hash, wh, 32);
		n = tlog_leaf_data(v->terminal, v->seq, eh, out);
		ok(n == strlen(v->data) / 2 && memcmp(out, want, n) == 0, "leaf vector: the data");
		tlog_leaf_hash(out, n, h);
		ok(memcmp(h, wh, 32) == 0, "leaf vector: the leaf hash");
		good = tlog_leaf_parse(out, n, term, &seq, eh2) == 0 && strcmp(term, v->terminal) == 0 &&
		    seq == v->seq && memcmp(eh2, eh, 32) == 0;
		ok(good, "leaf vector: parses back");
		ok(tlog_leaf_parse(out, n - 1, term, &seq, eh2) == -1 &&
		    tlog_leaf_parse(out, n + 1, term, &seq, eh2) == -1, "leaf: a byte short or long");
	}
	memset(eh, 7, 32);
	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	ok(tlog_leaf_data("", 1, eh, out) == 0, "leaf: an empty terminal id is refused");
	ok(tlog_leaf_data(long_id, 1, eh, out) == 0, "leaf: 65 bytes of terminal id refused");
	long_id[64] = '\0';
	ok(tlog_leaf_data(long_id, 1, eh, out) == 2 + 64 + 40, "leaf: 64 bytes is fine");
	ok(tlog_leaf_data("a b", 1, eh, out) == 0 && tlog_leaf_data("t\n", 1, eh, out) == 0,
	    "leaf: a terminal id with a space or a newline refused");
	ok(tlog_leaf_data("t1", 0, eh, out) == 0 && tlog_leaf_data("t1", -1, eh, out) == 0,
	    "leaf: seq below 1 refused");
	n = tlog_leaf_data("t1", 5, eh, out);
	out[0] = 2;
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == -1, "leaf parse: version 2 refused");
	out[0] = 1;
	out[1] = 0;
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == -1, "leaf parse: length 0 refused");
	out[1] = 3;
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == -1, "leaf parse: a wrong length refused");
	out[1] = 2;
	out[3] = '\0';
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == -1, "leaf parse: a NUL in the id refused");
	out[3] = '1';
	memset(out + 4, 0, 8);
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == -1, "leaf parse: seq 0 refused");
	out[4] = 0x80;
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == -1, "leaf parse: seq above 2^63-1 refused");
	out[4] = 0;
	out[11] = 9;
	ok(tlog_leaf_parse(out, n, term, &seq, eh2) == 0 && seq == 9, "leaf parse: seq 9");
	ok(tlog_leaf_parse(NULL, 0, term, &seq, eh2) == -1 && tlog_leaf_parse(out, 1, term, &seq,
	    eh2) == -1, "leaf parse: nothing, or one byte");
}

static void
test_paths(void)
{
	static const struct { int level; int64_t index; int width; const char *path; } good[] = {
		{ 0, 1234067, 256, "tile/0/x001/x234/067" },
		{ 0, 0, 256, "tile/0/000" },
		{ 1, 5, 17, "tile/1/005.p/17" },
		{ 2, 0, 1, "tile/2/000.p/1" },
		{ -1, 1234067, 255, "tile/entries/x001/x234/067.p/255" },
		{ -1, 999, 256, "tile/entries/999" },
		{ 0, 1000, 256, "tile/0/x001/000" },
		{ 63, 1000000, 256, "tile/63/x001/x000/000" },
		{ 0, INT64_MAX, 255, "tile/0/x009/x223/x372/x036/x854/x775/807.p/255" },
		{ -1, INT64_MAX, 255, "tile/entries/x009/x223/x372/x036/x854/x775/807.p/255" },
	};
	static const char *bad[] = {
		"", "tile/", "tile/0/", "tile/0/1", "tile/0/01", "tile/0/0001", "tile/0/x000/001",
		"tile/0/x001/0001", "tile/0/001/002", "tile/0/x001", "tile/0/x001/", "tile/00/001",
		"tile/01/001", "tile/64/001", "tile/100/001", "tile/-1/001", "tile/0/001.p/0",
		"tile/0/001.p/256", "tile/0/001.p/", "tile/0/001.p/01", "tile/0/001.p/1000",
		"tile/0/001.p/12x", "tile/0/001/", "tile/0/001 ", "tile/entries/", "tile/entry/001",
		"tile/entries/001.p/0", "/tile/0/001", "tile//001", "tile/0/X001/002",
		"tile/0/x009/x223/x372/x036/x854/x775/808",
		"tile/0/x009/x999/x372/x036/x854/x775/807", "tile/0/x001/x002/x003/x004/x005/x006/x007/008",
		"tile/0/-01", "tile/0/+01", "tile/ 0/001", "tile/0/001.p/1/", "tile/0/001.P/1",
		"tile/0/001p/1", "tile/0/x01/002", "tile/0/x0001/002",
	};
	char out[TLOG_PATH_MAX];
	int64_t index;
	int level, width, fine = 1;
	size_t i, n;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		n = tlog_tile_path(good[i].level, good[i].index, good[i].width, out);
		if (!ok(n == strlen(good[i].path) && strcmp(out, good[i].path) == 0,
		    "tile path: written as the spec says"))
			fprintf(stderr, "  got %s want %s\n", out, good[i].path);
		ok(tlog_tile_parse(good[i].path, &level, &index, &width) == 0 &&
		    level == good[i].level && index == good[i].index && width == good[i].width,
		    "tile path: parsed back");
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (tlog_tile_parse(bad[i], &level, &index, &width) == 0) {
			fine = 0;
			fprintf(stderr, "  parsed: %s\n", bad[i]);
		}
	ok(fine, "tile path: each non-canonical path refused");
	ok(tlog_tile_parse(NULL, &level, &index, &width) == -1, "tile path: NULL refused");
	ok(tlog_tile_path(-2, 0, 1, out) == 0 && tlog_tile_path(64, 0, 1, out) == 0 &&
	    tlog_tile_path(0, -1, 1, out) == 0 && tlog_tile_path(0, 0, 0, out) == 0 &&
	    tlog_tile_path(0, 0, 257, out) == 0, "tile path: bad arguments write nothing");
	/* c2sp.org/tlog-tiles: a tree of 70,000 leaves. */
	ok(tlog_tile_width(70000, 0, 272) == 256 && tlog_tile_width(70000, 0, 273) == 112 &&
	    tlog_tile_width(70000, 0, 274) == 0 && tlog_tile_width(70000, 1, 0) == 256 &&
	    tlog_tile_width(70000, 1, 1) == 17 && tlog_tile_width(70000, 2, 0) == 1 &&
	    tlog_tile_width(70000, 3, 0) == 0 && tlog_tile_width(70000, -1, 273) == 112,
	    "tile width: the spec's tree of 70,000");
	ok(tlog_tile_width(256, 0, 0) == 256 && tlog_tile_width(256, 1, 0) == 1 &&
	    tlog_tile_width(256, 0, 1) == 0 && tlog_tile_width(0, 0, 0) == 0 &&
	    tlog_tile_width(INT64_MAX, 7, 0) == 127 && tlog_tile_width(INT64_MAX, 8, 0) == 0 &&
	    tlog_tile_width(5, 0, -1) == 0 && tlog_tile_width(5, -2, 0) == 0,
	    "tile width: 256 leaves, the largest tree, bad arguments");
}

int
main(void)
{
	struct store st;

	test_hashes();
	test_rfc_vectors();
	test_edges();
	test_leaves();
	test_paths();
	test_against_naive();
	test_append_two();
	test_append(&st);
	test_tile_proofs(&st);
	store_free(&st);
	test_proof_cost();
	free(D);
	return t_done();
}

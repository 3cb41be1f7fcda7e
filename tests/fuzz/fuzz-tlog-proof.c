/*
 * libFuzzer target for the Merkle proof verifiers of src/tlog.c. Arbitrary proofs, sizes and
 * indexes must never crash them nor make them read past n hashes (each proof is allocated at
 * exactly n hashes). Against a fixed tree of 1000 leaves, a proof that verifies for the true
 * leaf and roots must be the one the tree gives, and that one must verify.
 *
 * Input: byte 0 picks inclusion or consistency and raw or truthful; then
 *   raw:      a (8 bytes), b (8 bytes), n (1 byte, up to 70), hash x, hash y, proof bytes;
 *   truthful: size (2 bytes), index or old (2 bytes), delta of n (1 byte), delta of the
 *             claimed index or old size (1 byte), bytes XORed into the tree's own proof.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEAVES 1000

typedef unsigned char hash_t[TLOG_HASH_BYTES];

static hash_t *level[16];
static int64_t count[16];

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
tree_init(void)
{
	unsigned char leaf[8];
	int64_t i;
	int l;

	if (level[0] != NULL)
		return;
	count[0] = LEAVES;
	level[0] = malloc(LEAVES * sizeof(hash_t));
	check(level[0] != NULL);
	for (i = 0; i < LEAVES; i++) {
		memcpy(leaf, &i, sizeof leaf);
		tlog_leaf_hash(leaf, sizeof leaf, level[0][i]);
	}
	for (l = 1; l < 16 && count[l - 1] >= 2; l++) {
		count[l] = count[l - 1] / 2;
		level[l] = malloc((size_t)count[l] * sizeof(hash_t));
		check(level[l] != NULL);
		for (i = 0; i < count[l]; i++)
			tlog_node_hash(level[l - 1][2 * i], level[l - 1][2 * i + 1], level[l][i]);
	}
}

static int
node(void *arg, int l, int64_t index, unsigned char out[TLOG_HASH_BYTES])
{
	(void)arg;
	if (l < 0 || l >= 16 || index < 0 || index >= count[l])
		return -1;
	memcpy(out, level[l][index], TLOG_HASH_BYTES);
	return 0;
}

static void
root_of(int64_t s, unsigned char out[TLOG_HASH_BYTES])
{
	check(tlog_tree_root(s, node, NULL, out) == 0);
}

static int64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* A proof of exactly n hashes on the heap, so that a read past it is caught. */
static hash_t *
proof_alloc(int n, const uint8_t *bytes, size_t len)
{
	size_t want = (size_t)(n > 0 ? n : 0) * TLOG_HASH_BYTES;
	hash_t *p = malloc(want > 0 ? want : 1);

	check(p != NULL);
	if (want > 0) {
		memset(p, 0, want);
		memcpy(p, bytes, len < want ? len : want);
	}
	return p;
}

/* Is the (truthful) statement a proof of the fixed tree's? */
static int
real_inclusion(int64_t i, int64_t s, const hash_t *p, int n)
{
	hash_t want[TLOG_MAX_PROOF];
	int m;

	if (s < 1 || s > LEAVES || i < 0 || i >= s)
		return 0;
	m = tlog_prove_inclusion(s, i, node, NULL, want);
	check(m >= 0);
	return m == n && (n == 0 || memcmp(want, p, (size_t)n * TLOG_HASH_BYTES) == 0);
}

static int
real_consistency(int64_t a, int64_t b, const hash_t *p, int n)
{
	hash_t want[TLOG_MAX_PROOF];
	int m;

	if (a < 1 || b > LEAVES || a > b)
		return 0;
	m = tlog_prove_consistency(a, b, node, NULL, want);
	check(m >= 0);
	return m == n && (n == 0 || memcmp(want, p, (size_t)n * TLOG_HASH_BYTES) == 0);
}

static void
raw(int incl, const uint8_t *data, size_t size)
{
	hash_t x, y, rx, ry, gen[TLOG_MAX_PROOF];
	int64_t a, b;
	hash_t *p;
	int n, ok, g;

	if (size < 17 + 64)
		return;
	a = get64(data);
	b = get64(data + 8);
	n = data[16] % 71;
	memcpy(x, data + 17, TLOG_HASH_BYTES);
	memcpy(y, data + 17 + TLOG_HASH_BYTES, TLOG_HASH_BYTES);
	p = proof_alloc(n, data + 81, size - 81);
	if (incl) {
		ok = tlog_check_inclusion((const hash_t *)p, n, a, b, x, y);
		check(!ok || (a >= 0 && a < b && n <= TLOG_MAX_PROOF));
		/* With the true root of size b, only the true leaf and proof verify. */
		if (ok && b <= LEAVES) {
			root_of(b, ry);
			if (memcmp(y, ry, TLOG_HASH_BYTES) == 0)
				check(memcmp(x, level[0][a], TLOG_HASH_BYTES) == 0 &&
				    real_inclusion(a, b, (const hash_t *)p, n));
		}
		g = tlog_prove_inclusion(b, a, node, NULL, gen);
		check(g == -1 || (b <= LEAVES && a >= 0 && a < b));
		if (b >= 1 && b <= LEAVES && a >= 0 && a < b) {
			check(g >= 0);
			root_of(b, ry);
			check(tlog_check_inclusion((const hash_t *)gen, g, a, b, level[0][a], ry));
		}
	} else {
		ok = tlog_check_consistency((const hash_t *)p, n, a, x, b, y);
		check(!ok || (a >= 0 && a <= b && n <= TLOG_MAX_PROOF));
		if (ok && a >= 1 && b <= LEAVES) {
			root_of(a, rx);
			root_of(b, ry);
			if (memcmp(y, ry, TLOG_HASH_BYTES) == 0)
				check(memcmp(x, rx, TLOG_HASH_BYTES) == 0 &&
				    real_consistency(a, b, (const hash_t *)p, n));
		}
		g = tlog_prove_consistency(a, b, node, NULL, gen);
		/* From a size to itself the proof is empty: no node is read. */
		check(g == -1 || (a >= 1 && a <= b && (b <= LEAVES || (a == b && g == 0))));
		if (b <= LEAVES && a >= 1 && a <= b) {
			check(g >= 0);
			root_of(a, rx);
			root_of(b, ry);
			check(tlog_check_consistency((const hash_t *)gen, g, a, rx, b, ry));
		}
	}
	free(p);
}

/*
 * The tree's own proof of leaf a (or from size a), lengthened or shortened and XORed with the
 * input, claimed for the index (or old size) a + d, d from -2 to 2, with the true new root.
 */
static void
truthful(int incl, const uint8_t *data, size_t size)
{
	hash_t real[TLOG_MAX_PROOF + 2], ra, rb;
	int64_t s, a, claim;
	size_t i, bytes;
	hash_t *p;
	int m, n, ok;

	if (size < 6)
		return;
	s = 1 + (data[0] << 8 | data[1]) % LEAVES;
	a = (data[2] << 8 | data[3]) % s + (incl ? 0 : 1);
	claim = a + (int)(data[5] % 5) - 2;
	memset(real, 0xa5, sizeof real);
	m = incl ? tlog_prove_inclusion(s, a, node, NULL, real) :
	    tlog_prove_consistency(a, s, node, NULL, real);
	check(m >= 0);
	n = m + (int)(data[4] % 5) - 2;
	if (n < 0)
		n = 0;
	p = proof_alloc(n, (const uint8_t *)real, (size_t)(m + 2) * TLOG_HASH_BYTES);
	bytes = (size_t)n * TLOG_HASH_BYTES;
	for (i = 6; i < size && i - 6 < bytes; i++)
		((unsigned char *)p)[i - 6] ^= data[i];
	root_of(s, rb);
	if (incl) {
		ok = tlog_check_inclusion((const hash_t *)p, n, claim, s, level[0][a], rb);
	} else {
		root_of(a, ra);
		ok = tlog_check_consistency((const hash_t *)p, n, claim, ra, s, rb);
	}
	/* Verifies exactly when it is the tree's own proof, for what it proves. */
	check(ok == (claim == a && n == m && (n == 0 || memcmp(p, real, bytes) == 0)));
	free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	tree_init();
	if (data[0] & 2)
		truthful(data[0] & 1, data + 1, size - 1);
	else
		raw(data[0] & 1, data + 1, size - 1);
	return 0;
}

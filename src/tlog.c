/*
 * The transparency log's Merkle tree: RFC 9162 §2.1 hashes, proofs and their verification, the
 * leaf data of an event, and the tree kept as C2SP tlog-tiles of height 8.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "tlog.h"
#include "xmalloc.h"

#define TILE_LEVELS 8		/* tile levels 0..7 cover every tree below 2^63 leaves */

typedef unsigned char hash_t[TLOG_HASH_BYTES];

void
tlog_leaf_hash(const void *data, size_t n, unsigned char out[TLOG_HASH_BYTES])
{
	crypto_hash_sha256_state st;
	unsigned char prefix = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &prefix, 1);
	if (n > 0)
		crypto_hash_sha256_update(&st, data, n);
	crypto_hash_sha256_final(&st, out);
}

/* out may be left or right: both are copied before hashing. */
void
tlog_node_hash(const unsigned char left[TLOG_HASH_BYTES],
    const unsigned char right[TLOG_HASH_BYTES], unsigned char out[TLOG_HASH_BYTES])
{
	unsigned char buf[1 + 2 * TLOG_HASH_BYTES];

	buf[0] = 0x01;
	memcpy(buf + 1, left, TLOG_HASH_BYTES);
	memcpy(buf + 1 + TLOG_HASH_BYTES, right, TLOG_HASH_BYTES);
	crypto_hash_sha256(out, buf, sizeof buf);
}

void
tlog_empty_root(unsigned char out[TLOG_HASH_BYTES])
{
	crypto_hash_sha256(out, (const unsigned char *)"", 0);
}

/* Leaves */

size_t
tlog_leaf_data(const char *terminal, int64_t seq, const unsigned char event_hash[32],
    unsigned char out[TLOG_LEAF_MAX])
{
	size_t len = terminal != NULL ? strnlen(terminal, EV_MAX_ID + 1) : 0;
	uint64_t s = (uint64_t)seq;
	int i;

	if (len == 0 || len > 64 || !event_valid_id(terminal, len) || seq < 1)
		return 0;
	out[0] = TLOG_LEAF_VERSION;
	out[1] = (unsigned char)len;
	memcpy(out + 2, terminal, len);
	for (i = 0; i < 8; i++)
		out[2 + len + i] = (unsigned char)(s >> (56 - 8 * i));
	memcpy(out + 2 + len + 8, event_hash, 32);
	return 2 + len + 8 + 32;
}

int
tlog_leaf_parse(const void *data, size_t n, char terminal[65], int64_t *seq,
    unsigned char event_hash[32])
{
	const unsigned char *p = data;
	uint64_t s = 0;
	size_t len;
	int i;

	if (p == NULL || n < 2 || p[0] != TLOG_LEAF_VERSION)
		return -1;
	len = p[1];
	if (len == 0 || len > 64 || n != 2 + len + 8 + 32 ||
	    !event_valid_id((const char *)p + 2, len))
		return -1;
	for (i = 0; i < 8; i++)
		s = s << 8 | p[2 + len + i];
	if (s < 1 || s > INT64_MAX)
		return -1;
	memcpy(terminal, p + 2, len);
	terminal[len] = '\0';
	*seq = (int64_t)s;
	memcpy(event_hash, p + 2 + len + 8, 32);
	return 0;
}

/* Hashes of stored nodes */

/* The largest power of two below n (n >= 2). */
static int64_t
split_point(int64_t n)
{
	int64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

/*
 * MTH(D[lo:hi]) for 0 <= lo < hi, a range the RFC's recursion produces: lo is a multiple of a
 * power of two at least hi - lo, so the range is its complete subtrees of decreasing size,
 * folded from the right.
 */
static int
range_hash(tlog_node_fn node, void *arg, int64_t lo, int64_t hi, unsigned char out[TLOG_HASH_BYTES])
{
	hash_t parts[64];
	int level, n = 0;

	while (lo < hi) {
		for (level = 62; level > 0; level--)
			if ((lo & (((int64_t)1 << level) - 1)) == 0 &&
			    ((int64_t)1 << level) <= hi - lo)
				break;
		if (n == 64 || node(arg, level, lo >> level, parts[n]) != 0)
			return -1;
		lo += (int64_t)1 << level;
		n++;
	}
	if (n == 0)
		return -1;
	memcpy(out, parts[n - 1], TLOG_HASH_BYTES);
	while (--n > 0)
		tlog_node_hash(parts[n - 1], out, out);
	return 0;
}

int
tlog_tree_root(int64_t size, tlog_node_fn node, void *arg, unsigned char out[TLOG_HASH_BYTES])
{
	if (size < 0)
		return -1;
	if (size == 0) {
		tlog_empty_root(out);
		return 0;
	}
	return range_hash(node, arg, 0, size, out);
}

/* Proofs */

struct prover {
	tlog_node_fn node;
	void *arg;
	unsigned char (*proof)[TLOG_HASH_BYTES];
	int n;
};

static int
add_range(struct prover *p, int64_t lo, int64_t hi)
{
	if (p->n == TLOG_MAX_PROOF || range_hash(p->node, p->arg, lo, hi, p->proof[p->n]) != 0)
		return -1;
	p->n++;
	return 0;
}

/* RFC 9162 §2.1.3.1 PATH(m, D[lo:hi]): the sibling nearest the leaf first. */
static int
path(struct prover *p, int64_t m, int64_t lo, int64_t hi)
{
	int64_t k;

	if (hi - lo <= 1)
		return 0;
	k = split_point(hi - lo);
	if (m < k)
		return path(p, m, lo, lo + k) == 0 ? add_range(p, lo + k, hi) : -1;
	return path(p, m - k, lo + k, hi) == 0 ? add_range(p, lo, lo + k) : -1;
}

/* RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b). */
static int
subproof(struct prover *p, int64_t m, int64_t lo, int64_t hi, int b)
{
	int64_t k;

	if (m == hi - lo)
		return b ? 0 : add_range(p, lo, hi);
	k = split_point(hi - lo);
	if (m <= k)
		return subproof(p, m, lo, lo + k, b) == 0 ? add_range(p, lo + k, hi) : -1;
	return subproof(p, m - k, lo + k, hi, 0) == 0 ? add_range(p, lo, lo + k) : -1;
}

int
tlog_prove_inclusion(int64_t size, int64_t index, tlog_node_fn node, void *arg,
    unsigned char proof[][TLOG_HASH_BYTES])
{
	struct prover p = { node, arg, proof, 0 };

	if (index < 0 || index >= size)
		return -1;
	return path(&p, index, 0, size) == 0 ? p.n : -1;
}

int
tlog_prove_consistency(int64_t old, int64_t size, tlog_node_fn node, void *arg,
    unsigned char proof[][TLOG_HASH_BYTES])
{
	struct prover p = { node, arg, proof, 0 };

	if (old <= 0 || old > size)
		return -1;
	return subproof(&p, old, 0, size, 1) == 0 ? p.n : -1;
}

/* Verification: RFC 9162 §2.1.3.2 and §2.1.4.2, step for step. */

static int
proof_ok(const unsigned char proof[][TLOG_HASH_BYTES], int n)
{
	return n >= 0 && n <= TLOG_MAX_PROOF && (n == 0 || proof != NULL);
}

/* "Right-shift fn and sn equally until either LSB(fn) is set or fn is 0." */
static void
shift_to_set_bit(uint64_t *fn, uint64_t *sn)
{
	while ((*fn & 1) == 0 && *fn != 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

int
tlog_check_inclusion(const unsigned char proof[][TLOG_HASH_BYTES], int n, int64_t index,
    int64_t size, const unsigned char leaf_hash[TLOG_HASH_BYTES],
    const unsigned char root[TLOG_HASH_BYTES])
{
	uint64_t fn, sn;
	hash_t r;
	int i;

	if (!proof_ok(proof, n) || index < 0 || size <= 0 || index >= size)
		return 0;
	fn = (uint64_t)index;
	sn = (uint64_t)size - 1;
	memcpy(r, leaf_hash, TLOG_HASH_BYTES);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return 0;
		if ((fn & 1) || fn == sn) {
			tlog_node_hash(proof[i], r, r);
			shift_to_set_bit(&fn, &sn);
		} else {
			tlog_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, TLOG_HASH_BYTES) == 0;
}

int
tlog_check_consistency(const unsigned char proof[][TLOG_HASH_BYTES], int n, int64_t old,
    const unsigned char old_root[TLOG_HASH_BYTES], int64_t size,
    const unsigned char root[TLOG_HASH_BYTES])
{
	const unsigned char *c;
	uint64_t fn, sn;
	hash_t fr, sr, empty;
	int i, pow2, total;

	if (!proof_ok(proof, n) || old < 0 || size < old)
		return 0;
	if (old == 0) {
		/* The empty tree is a prefix of every tree; its root is SHA-256(""). */
		tlog_empty_root(empty);
		return n == 0 && memcmp(old_root, empty, TLOG_HASH_BYTES) == 0 &&
		    (size > 0 || memcmp(root, empty, TLOG_HASH_BYTES) == 0);
	}
	if (old == size)
		return n == 0 && memcmp(old_root, root, TLOG_HASH_BYTES) == 0;
	if (n == 0)
		return 0;
	/* When old is a power of two, old_root is the path's first element. */
	pow2 = (old & (old - 1)) == 0;
	total = n + pow2;
	fn = (uint64_t)old - 1;
	sn = (uint64_t)size - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	c = pow2 ? old_root : proof[0];
	memcpy(fr, c, TLOG_HASH_BYTES);
	memcpy(sr, c, TLOG_HASH_BYTES);
	for (i = 1; i < total; i++) {
		c = proof[i - pow2];
		if (sn == 0)
			return 0;
		if ((fn & 1) || fn == sn) {
			tlog_node_hash(c, fr, fr);
			tlog_node_hash(c, sr, sr);
			shift_to_set_bit(&fn, &sn);
		} else {
			tlog_node_hash(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, old_root, TLOG_HASH_BYTES) == 0 &&
	    memcmp(sr, root, TLOG_HASH_BYTES) == 0;
}

/* Tiles */

/* The subtree hash of count (a power of two, 1 to 256) consecutive hashes of a tile row. */
static void
row_hash(const unsigned char row[][TLOG_HASH_BYTES], int count, unsigned char out[TLOG_HASH_BYTES])
{
	hash_t tmp[TLOG_TILE_WIDTH / 2];
	int i;

	if (count == 1) {
		memcpy(out, row[0], TLOG_HASH_BYTES);
		return;
	}
	for (i = 0; i < count / 2; i++)
		tlog_node_hash(row[2 * i], row[2 * i + 1], tmp[i]);
	for (count /= 2; count > 1; count /= 2)
		for (i = 0; i < count / 2; i++)
			tlog_node_hash(tmp[2 * i], tmp[2 * i + 1], tmp[i]);
	memcpy(out, tmp[0], TLOG_HASH_BYTES);
}

/*
 * The node is a subtree of the tile's bottom row: the tile is read at the narrowest width that
 * holds it, so a partial tile serves every node it has.
 */
int
tlog_tile_node(tlog_tile_fn read, void *arg, int level, int64_t index,
    unsigned char out[TLOG_HASH_BYTES])
{
	unsigned char row[TLOG_TILE_WIDTH][TLOG_HASH_BYTES];
	int k = level % TLOG_TILE_HEIGHT, off;
	int64_t first;

	if (level < 0 || level > 62 || index < 0 || index > (INT64_MAX >> level))
		return -1;
	first = index << k;
	off = (int)(first % TLOG_TILE_WIDTH);
	if (read(arg, level / TLOG_TILE_HEIGHT, first / TLOG_TILE_WIDTH, off + (1 << k),
	    &row[0][0]) != 0)
		return -1;
	row_hash(row + off, 1 << k, out);
	return 0;
}

int
tlog_tile_width(int64_t size, int level, int64_t index)
{
	int64_t s;

	if (level == -1)
		level = 0;
	if (size <= 0 || level < 0 || level > 63 || index < 0 || level * TLOG_TILE_HEIGHT >= 63)
		return 0;
	s = size >> (level * TLOG_TILE_HEIGHT);
	if (index < s / TLOG_TILE_WIDTH)
		return TLOG_TILE_WIDTH;
	if (index == s / TLOG_TILE_WIDTH)
		return (int)(s % TLOG_TILE_WIDTH);
	return 0;
}

/* The right edge of one tile level while appending. */
struct edge {
	unsigned char row[TLOG_TILE_WIDTH][TLOG_HASH_BYTES];
	int width;
	int64_t index;
	int changed;
};

/* Adds a hash to level l; a tile that fills is written and its hash goes up a level. */
static int
edge_push(struct edge *e, int l, const unsigned char h[TLOG_HASH_BYTES],
    tlog_tile_write_fn write, void *arg)
{
	hash_t top;

	memcpy(e[l].row[e[l].width++], h, TLOG_HASH_BYTES);
	e[l].changed = 1;
	if (e[l].width < TLOG_TILE_WIDTH)
		return 0;
	if (write(arg, l, e[l].index, TLOG_TILE_WIDTH, &e[l].row[0][0]) != 0)
		return -1;
	row_hash(e[l].row, TLOG_TILE_WIDTH, top);
	e[l].width = 0;
	e[l].index++;
	e[l].changed = 0;
	/* A full tile at the top level would mean 2^64 leaves. */
	return l + 1 < TILE_LEVELS ? edge_push(e, l + 1, top, write, arg) : -1;
}

/*
 * Each level's right-edge subtree hashes from this thread's last append, kept with the bytes
 * they were made of: an append mostly finds the same rows again, and a subtree whose bytes
 * read back the same is not hashed again (a push at ten million leaves would otherwise hash
 * some 700 nodes to find the root).
 */
struct edge_memo {
	unsigned char row[TLOG_TILE_WIDTH][TLOG_HASH_BYTES];
	int width;
	unsigned char node[TLOG_TILE_HEIGHT][TLOG_HASH_BYTES];
};

static _Thread_local struct edge_memo memo[TILE_LEVELS];

/* The complete subtree of 2^k hashes that bit k of the width stands for. */
static void
edge_subtree(const struct edge *e, const struct edge_memo *m, int k,
    unsigned char out[TLOG_HASH_BYTES])
{
	int start = e->width & ~((2 << k) - 1);

	if ((m->width & (1 << k)) && (m->width & ~((2 << k) - 1)) == start &&
	    memcmp(m->row[start], e->row[start], (size_t)TLOG_HASH_BYTES << k) == 0)
		memcpy(out, m->node[k], TLOG_HASH_BYTES);
	else
		row_hash(e->row + start, 1 << k, out);
}

/* The root from the right edge: each set bit of a level's width is one complete subtree. */
static void
edge_root(const struct edge *e, unsigned char out[TLOG_HASH_BYTES])
{
	hash_t parts[64];
	int l, k, n = 0;

	for (l = TILE_LEVELS - 1; l >= 0; l--) {
		for (k = TLOG_TILE_HEIGHT - 1; k >= 0; k--)
			if (e[l].width & (1 << k)) {
				edge_subtree(&e[l], &memo[l], k, parts[n]);
				memcpy(memo[l].node[k], parts[n++], TLOG_HASH_BYTES);
			}
		memcpy(memo[l].row, e[l].row, (size_t)e[l].width * TLOG_HASH_BYTES);
		memo[l].width = e[l].width;
	}
	if (n == 0) {
		tlog_empty_root(out);
		return;
	}
	memcpy(out, parts[n - 1], TLOG_HASH_BYTES);
	while (--n > 0)
		tlog_node_hash(parts[n - 1], out, out);
}

static int
append_edge(struct edge *e, int64_t size, const unsigned char leaves[][TLOG_HASH_BYTES],
    size_t n, tlog_tile_fn read, tlog_tile_write_fn write, void *arg)
{
	int64_t s;
	size_t i;
	int l;

	for (l = 0; l < TILE_LEVELS; l++) {
		s = size >> (l * TLOG_TILE_HEIGHT);
		e[l].width = (int)(s % TLOG_TILE_WIDTH);
		e[l].index = s / TLOG_TILE_WIDTH;
		e[l].changed = 0;
		if (e[l].width > 0 && read(arg, l, e[l].index, e[l].width, &e[l].row[0][0]) != 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (edge_push(e, 0, leaves[i], write, arg) != 0)
			return -1;
	for (l = 0; l < TILE_LEVELS; l++)
		if (e[l].changed && write(arg, l, e[l].index, e[l].width, &e[l].row[0][0]) != 0)
			return -1;
	return 0;
}

int
tlog_append(int64_t size, const unsigned char leaves[][TLOG_HASH_BYTES], size_t n,
    tlog_tile_fn read, tlog_tile_write_fn write, void *arg, unsigned char root[TLOG_HASH_BYTES])
{
	struct edge *e;
	int rc;

	if (size < 0 || n > (uint64_t)(INT64_MAX - size) || (n > 0 && leaves == NULL))
		return -1;
	e = xmalloc(sizeof *e * TILE_LEVELS);
	rc = append_edge(e, size, leaves, n, read, write, arg);
	if (rc == 0)
		edge_root(e, root);
	free(e);
	return rc;
}

/* Tile paths */

size_t
tlog_tile_path(int level, int64_t index, int width, char out[TLOG_PATH_MAX])
{
	int groups[7], n = 0, w;
	size_t len;

	if (level < -1 || level > 63 || index < 0 || width < 1 || width > TLOG_TILE_WIDTH)
		return 0;
	do {
		groups[n++] = (int)(index % 1000);
		index /= 1000;
	} while (index > 0);
	if (level < 0)
		w = snprintf(out, TLOG_PATH_MAX, "tile/entries/");
	else
		w = snprintf(out, TLOG_PATH_MAX, "tile/%d/", level);
	len = (size_t)w;
	while (--n > 0)
		len += (size_t)snprintf(out + len, TLOG_PATH_MAX - len, "x%03d/", groups[n]);
	len += (size_t)snprintf(out + len, TLOG_PATH_MAX - len, "%03d", groups[0]);
	if (width < TLOG_TILE_WIDTH)
		len += (size_t)snprintf(out + len, TLOG_PATH_MAX - len, ".p/%d", width);
	return len;
}

/* A decimal of 1 to 3 digits without a leading zero (a lone "0" when zero_ok): its value or -1. */
static int
small_decimal(const char **p, int zero_ok)
{
	const char *s = *p;
	int v = 0, i;

	if (*s == '0') {
		if (!zero_ok)
			return -1;
		*p = s + 1;
		return 0;
	}
	for (i = 0; i < 3 && *s >= '0' && *s <= '9'; i++)
		v = v * 10 + (*s++ - '0');
	if (i == 0 || (*s >= '0' && *s <= '9'))
		return -1;
	*p = s;
	return v;
}

/* Three digits exactly: their value or -1. */
static int
three_digits(const char *s)
{
	int i, v = 0;

	for (i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The index: "xDDD/" groups then "DDD", no leading group of zeros; -1 when not canonical. */
static int
parse_index(const char **p, int64_t *index)
{
	const char *s = *p;
	int64_t v = 0;
	int g, first = 1;

	while (*s == 'x') {
		g = three_digits(s + 1);
		if (g < 0 || s[4] != '/' || (first && g == 0) || v > (INT64_MAX - g) / 1000)
			return -1;
		v = v * 1000 + g;
		s += 5;
		first = 0;
	}
	g = three_digits(s);
	if (g < 0 || v > (INT64_MAX - g) / 1000)
		return -1;
	*index = v * 1000 + g;
	*p = s + 3;
	return 0;
}

int
tlog_tile_parse(const char *path, int *level, int64_t *index, int *width)
{
	const char *p = path;
	int64_t n;
	int l, w = TLOG_TILE_WIDTH;

	if (p == NULL || strncmp(p, "tile/", 5) != 0)
		return -1;
	p += 5;
	if (strncmp(p, "entries/", 8) == 0) {
		l = -1;
		p += 8;
	} else {
		l = small_decimal(&p, 1);
		if (l < 0 || l > 63 || *p++ != '/')
			return -1;
	}
	if (parse_index(&p, &n) != 0)
		return -1;
	if (strncmp(p, ".p/", 3) == 0) {
		p += 3;
		w = small_decimal(&p, 0);
		if (w < 1 || w >= TLOG_TILE_WIDTH)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*level = l;
	*index = n;
	*width = w;
	return 0;
}

/* The ledger's transparency log, on its storage: see ltlog.h and docs/transparency.md. */
#include "ltlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "hex.h"
#include "i18n.h"
#include "tlog.h"
#include "xmalloc.h"

#define CATCH_UP_PAGE 1000	/* events read at once when the log catches up */
#define COSIG_LINE_MAX 512	/* bytes of a cosignature line taken */

/*
 * The hashes of complete subtrees computed lately, by (level, index): a complete subtree
 * never changes, so they stay true (under the store's lock, as everything here). The nodes
 * next to the right edge, which every push's proofs need, are found here instead of being
 * hashed again from their tile's row.
 */
#define NODE_SLOTS 65536

struct ltlog_cache {
	struct {
		int64_t index;
		int level;		/* -1: empty */
		unsigned char hash[TLOG_HASH_BYTES];
	} slot[NODE_SLOTS];
};

struct ltlog_cache *
ltlog_cache_new(void)
{
	struct ltlog_cache *c = xmalloc(sizeof *c);
	size_t i;

	for (i = 0; i < NODE_SLOTS; i++)
		c->slot[i].level = -1;
	return c;
}

void
ltlog_cache_free(struct ltlog_cache *c)
{
	free(c);
}

/*
 * Tiles through the store, for tlog's callbacks. The last tile read is kept: the nodes of one
 * proof often lie in the same tile. status is the first failure, em its message. size, when
 * known (a proof or a root), lets a tile be read as wide as that tree has it.
 */
struct tiles {
	struct store *s;
	struct ltlog_cache *cache;	/* or NULL */
	int64_t size;			/* 0: unknown */
	int edge;			/* level 0's partial tile is in the leaves: not written */
	struct errmsg *em;
	int status;
	int level, width;	/* the tile kept in last; width 0: none */
	int64_t idx;
	unsigned char last[TLOG_TILE_BYTES];
};

static struct tiles *
tiles_new(struct store *s, struct ltlog_cache *cache, int64_t size, struct errmsg *em)
{
	struct tiles *t = xcalloc(1, sizeof *t);

	t->s = s;
	t->cache = cache;
	t->size = size;
	t->em = em;
	return t;
}

/*
 * A partial tile of level 0 is read from the leaves' hashes (the ledger does not keep it in
 * tlog_tiles); CST_ERR_NOTFOUND when it is not partial or the leaves are not there.
 */
static int
edge_read(struct tiles *t, int level, int64_t idx, int width)
{
	int got, status;

	if (level != 0 || width >= TLOG_TILE_WIDTH)
		return CST_ERR_NOTFOUND;
	status = t->s->ops->leaf_hashes(t->s, idx * TLOG_TILE_WIDTH, width, t->last, &got, t->em);
	if (status == CST_OK && got < width)
		status = CST_ERR_NOTFOUND;
	return status;
}

static int
tile_read(void *arg, int level, int64_t idx, int width, unsigned char *out)
{
	struct tiles *t = arg;
	int status, want = width;

	if (t->width >= width && t->level == level && t->idx == idx) {
		memcpy(out, t->last, (size_t)width * TLOG_HASH_BYTES);
		return 0;
	}
	if (t->size > 0 && tlog_tile_width(t->size, level, idx) > width)
		want = tlog_tile_width(t->size, level, idx);
	status = edge_read(t, level, idx, want);
	if (status == CST_ERR_NOTFOUND)
		status = t->s->ops->tile_get(t->s, level, idx, want, t->last, t->em);
	if (status == CST_ERR_NOTFOUND)
		status = err_set(t->em, CST_ERR_CORRUPT, "the log's tile %d/%lld is missing or "
		    "narrower than %d", level, (long long)idx, want);
	if (status != CST_OK) {
		t->width = 0;
		if (t->status == CST_OK)
			t->status = status;
		return -1;
	}
	t->level = level;
	t->idx = idx;
	t->width = want;
	memcpy(out, t->last, (size_t)width * TLOG_HASH_BYTES);
	return 0;
}

static int
tile_write(void *arg, int level, int64_t idx, int width, const unsigned char *hashes)
{
	struct tiles *t = arg;
	int status = CST_OK;

	if (!t->edge || level != 0 || width == TLOG_TILE_WIDTH)
		status = t->s->ops->tile_put(t->s, level, idx, width, hashes, t->em);
	if (status != CST_OK) {
		if (t->status == CST_OK)
			t->status = status;
		return -1;
	}
	if (t->level == level && t->idx == idx)
		t->width = 0;
	return 0;
}

/*
 * A node for tlog's proofs: from the cache, or a tile's row (tlog_tile_node), or its two
 * children (cached in turn) for a node inside a tile.
 */
static int
tile_node(void *arg, int level, int64_t index, unsigned char out[TLOG_HASH_BYTES])
{
	struct tiles *t = arg;
	unsigned char l[TLOG_HASH_BYTES], r[TLOG_HASH_BYTES];
	uint64_t k = ((uint64_t)index * 0x9e3779b97f4a7c15ull) ^ (uint64_t)level * 0x632be59bd9b4e019ull;
	size_t i = (size_t)(k >> 48) % NODE_SLOTS;

	if (t->cache == NULL)
		return tlog_tile_node(tile_read, arg, level, index, out);
	if (t->cache->slot[i].level == level && t->cache->slot[i].index == index) {
		memcpy(out, t->cache->slot[i].hash, TLOG_HASH_BYTES);
		return 0;
	}
	if (level % TLOG_TILE_HEIGHT == 0) {
		if (tlog_tile_node(tile_read, arg, level, index, out) != 0)
			return -1;
	} else {
		if (tile_node(arg, level - 1, 2 * index, l) != 0 ||
		    tile_node(arg, level - 1, 2 * index + 1, r) != 0)
			return -1;
		tlog_node_hash(l, r, out);
	}
	t->cache->slot[i].level = level;
	t->cache->slot[i].index = index;
	memcpy(t->cache->slot[i].hash, out, TLOG_HASH_BYTES);
	return 0;
}

/* What a failed tlog call leaves: the storage's failure, or a log that does not add up. */
static int
tiles_status(struct tiles *t, const char *what)
{
	if (t->status != CST_OK)
		return t->status;
	return err_set(t->em, CST_ERR_CORRUPT, "the log's tiles cannot give %s", what);
}

void
ltlog_default_origin(const unsigned char pk[CRY_PK_BYTES], char out[CKPT_ORIGIN_MAX + 1])
{
	char hex[2 * CRY_PK_BYTES + 1];

	hex_encode(pk, CRY_PK_BYTES, hex);
	snprintf(out, CKPT_ORIGIN_MAX + 1, "custody-ledger/%.16s", hex);
}

int
ltlog_origin_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > LTLOG_ORIGIN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '+')
			return 0;
	return 1;
}

/* Signs and stores the checkpoint of the tree (size, root). */
static int
issue(struct ledger *l, int64_t size, const unsigned char root[TLOG_HASH_BYTES], int64_t now,
    struct errmsg *em)
{
	struct checkpoint c;
	struct store_ckpt k;
	struct note *nt = xcalloc(1, sizeof *nt);
	size_t n;

	memset(&c, 0, sizeof c);
	snprintf(c.origin, sizeof c.origin, "%s", l->origin);
	c.size = size;
	memcpy(c.root, root, sizeof c.root);
	memset(&k, 0, sizeof k);
	k.size = size;
	memcpy(k.root, root, sizeof k.root);
	k.issued = now;
	nt->body_len = checkpoint_body(&c, nt->body, sizeof nt->body);
	n = 0;
	if (nt->body_len > 0 && note_sign(nt, l->origin, l->sk) == 0)
		n = note_write(nt, k.note, sizeof k.note - 1);
	free(nt);
	if (n == 0)
		return err_set(em, CST_ERR_INTERNAL, "the checkpoint of size %lld does not fit",
		    (long long)size);
	return l->st->ops->ckpt_add(l->st, &k, em);
}

/* With edge, the leaves hold their hashes: level 0's partial tile is not written. */
static int
append_tiles(struct store *s, int64_t size, const unsigned char h[][TLOG_HASH_BYTES], size_t n,
    int edge, unsigned char root[TLOG_HASH_BYTES], struct errmsg *em)
{
	struct tiles *t = tiles_new(s, NULL, 0, em);
	int status = CST_OK;

	t->edge = edge;
	if (tlog_append(size, h, n, tile_read, tile_write, t, root) != 0)
		status = tiles_status(t, "the new leaves");
	free(t);
	return status;
}

int
ltlog_append_hashes(struct store *s, int64_t size, const unsigned char h[][TLOG_HASH_BYTES],
    size_t n, unsigned char root[TLOG_HASH_BYTES], struct errmsg *em)
{
	return append_tiles(s, size, h, n, 0, root, em);
}

/* Appends the leaves of n stored events to the tree of *size leaves: *size and root after. */
static int
append_leaves(struct ledger *l, const struct ltlog_entry *e, size_t n, int64_t *size,
    unsigned char root[TLOG_HASH_BYTES], struct errmsg *em)
{
	struct store *s = l->st;
	unsigned char data[TLOG_LEAF_MAX], (*h)[TLOG_HASH_BYTES] = xcalloc(n, TLOG_HASH_BYTES);
	size_t i, len;
	int status = CST_OK;

	for (i = 0; i < n && status == CST_OK; i++) {
		if ((len = tlog_leaf_data(e[i].terminal, e[i].seq, e[i].hash, data)) == 0)
			status = err_set(em, CST_ERR_INTERNAL, "no leaf for %s seq %lld", e[i].terminal,
			    (long long)e[i].seq);
		else
			tlog_leaf_hash(data, len, h[i]);
	}
	/* The leaves first: the tiles read the right edge's hashes from them. */
	for (i = 0; i < n && status == CST_OK; i++)
		status = s->ops->leaf_add(s, *size + (int64_t)i, e[i].terminal, e[i].seq, h[i], em);
	if (status == CST_OK)
		status = append_tiles(s, *size, (const unsigned char (*)[TLOG_HASH_BYTES])h, n, 1,
		    root, em);
	if (status == CST_OK)
		*size += (int64_t)n;
	free(h);
	return status;
}

int
ltlog_append(struct ledger *l, const struct ltlog_entry *e, size_t n, int64_t now,
    struct errmsg *em)
{
	unsigned char root[TLOG_HASH_BYTES];
	int64_t size, last;
	int status;

	if (l->no_tlog || n == 0)
		return CST_OK;
	/* Read inside the transaction: under PostgreSQL's advisory lock when ledgers share it. */
	if ((status = l->st->ops->tlog_size(l->st, &size, &last, em)) != CST_OK)
		return status;
	if ((status = append_leaves(l, e, n, &size, root, em)) != CST_OK)
		return status;
	return issue(l, size, root, now, em);
}

int
ltlog_root(struct store *s, struct ltlog_cache *c, int64_t size,
    unsigned char root[TLOG_HASH_BYTES], struct errmsg *em)
{
	struct tiles *t;
	int status = CST_OK;

	if (size == 0) {
		tlog_empty_root(root);
		return CST_OK;
	}
	t = tiles_new(s, c, size, em);
	if (tlog_tree_root(size, tile_node, t, root) != 0)
		status = tiles_status(t, "the root");
	free(t);
	return status;
}

struct catch_up {
	struct ltlog_entry *e;
	size_t n;
	int64_t last;		/* cursor of the last event read */
};

static int
catch_event(void *arg, int64_t cursor, const struct event *ev)
{
	struct catch_up *c = arg;
	struct ltlog_entry *e = &c->e[c->n++];

	snprintf(e->terminal, sizeof e->terminal, "%s", ev->terminal);
	e->seq = ev->seq;
	memcpy(e->hash, ev->hash, sizeof e->hash);
	c->last = cursor;
	return 0;
}

/* Leaves for the events after the last one that has a leaf, in cursor order; *added. */
static int
catch_up(struct ledger *l, int64_t *size, unsigned char root[TLOG_HASH_BYTES], int64_t *added,
    struct errmsg *em)
{
	struct store *s = l->st;
	struct catch_up c;
	int status;

	*added = 0;
	memset(&c, 0, sizeof c);
	c.e = xcalloc(CATCH_UP_PAGE, sizeof *c.e);
	status = s->ops->tlog_size(s, size, &c.last, em);
	while (status == CST_OK) {
		c.n = 0;
		status = s->ops->events_after(s, c.last, CATCH_UP_PAGE, catch_event, &c, em);
		if (status != CST_OK || c.n == 0)
			break;
		status = append_leaves(l, c.e, c.n, size, root, em);
		*added += (int64_t)c.n;
		if (c.n < CATCH_UP_PAGE)
			break;
	}
	free(c.e);
	return status;
}

/*
 * The newest checkpoint must be this origin's, and its root the tiles' root at its size: a
 * log edited by hand, or served under another name, does not start.
 */
static int
check_newest(struct ledger *l, const struct store_ckpt *k, struct errmsg *em)
{
	unsigned char root[TLOG_HASH_BYTES];
	struct checkpoint c;
	struct note *nt = xcalloc(1, sizeof *nt);
	int status = CST_OK;

	if (note_parse(k->note, strlen(k->note), nt) != 0 ||
	    checkpoint_parse(nt->body, nt->body_len, &c) != 0)
		status = err_set(em, CST_ERR_CORRUPT, _("the log's newest checkpoint (size %lld) "
		    "cannot be read"), (long long)k->size);
	else if (strcmp(c.origin, l->origin) != 0)
		status = err_set(em, CST_ERR_ARG, _("the log's checkpoints are for the origin %s, not "
		    "%s: serve it with --origin %s"), c.origin, l->origin, c.origin);
	free(nt);
	if (status == CST_OK && (status = ltlog_root(l->st, l->nodes, k->size, root, em)) == CST_OK &&
	    !cry_equal(root, k->root, sizeof root))
		status = err_set(em, CST_ERR_CORRUPT, _("the log's tiles do not give the root of its "
		    "newest checkpoint (size %lld)"), (long long)k->size);
	return status;
}

/* In the transaction: catch up, check, and issue a checkpoint of the size when none is. */
static int
open_in(struct ledger *l, struct errmsg *em)
{
	unsigned char root[TLOG_HASH_BYTES];
	struct store_ckpt *k = xcalloc(1, sizeof *k);
	int64_t size, added;
	int status, have;

	status = l->st->ops->ckpt_get(l->st, -1, k, em);
	have = status == CST_OK;
	if (status == CST_ERR_NOTFOUND)
		status = CST_OK;
	if (status == CST_OK && have)
		status = check_newest(l, k, em);
	if (status == CST_OK)
		status = catch_up(l, &size, root, &added, em);
	if (status == CST_OK && added > 0)
		fprintf(stderr, _("custody-ledger: the log: %lld leaves added for events stored "
		    "before it\n"), (long long)added);
	if (status == CST_OK && added == 0 && have && k->size == size) {
		free(k);
		return CST_OK;
	}
	if (status == CST_OK && added == 0)
		status = ltlog_root(l->st, l->nodes, size, root, em);
	if (status == CST_OK)
		status = issue(l, size, root, clock_now_ms(), em);
	free(k);
	return status;
}

int
ltlog_open(struct ledger *l, struct errmsg *em)
{
	struct store *s = l->st;
	int status;

	if (l->no_tlog)
		return CST_OK;
	if (l->nodes == NULL)
		l->nodes = ltlog_cache_new();
	pthread_mutex_lock(&s->lock);
	status = s->ops->begin(s, em);
	if (status == CST_OK)
		status = open_in(l, em);
	if (status == CST_OK)
		status = s->ops->commit(s, em);
	if (status != CST_OK)
		s->ops->rollback(s);
	pthread_mutex_unlock(&s->lock);
	return status;
}

int
ltlog_prove(struct store *s, struct ltlog_cache *c, int inclusion, int64_t a, int64_t size,
    unsigned char proof[][TLOG_HASH_BYTES], int *n, struct errmsg *em)
{
	struct tiles *t = tiles_new(s, c, size, em);
	int status = CST_OK;

	if (inclusion)
		*n = tlog_prove_inclusion(size, a, tile_node, t, proof);
	else
		*n = tlog_prove_consistency(a, size, tile_node, t, proof);
	if (*n < 0)
		status = tiles_status(t, inclusion ? "an inclusion proof" : "a consistency proof");
	free(t);
	return status;
}

/* The proof (ltlog_prove) written as an array. */
static int
prove(struct ledger *l, int inclusion, int64_t a, int64_t size, struct jw *out,
    struct errmsg *em)
{
	unsigned char proof[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	int n, status = ltlog_prove(l->st, l->nodes, inclusion, a, size, proof, &n, em);

	/* A null keeps the JSON whole; the caller, told of the failure, drops the answer. */
	if (status == CST_OK)
		wire_proof_write(out, (const unsigned char (*)[TLOG_HASH_BYTES])proof, n);
	else
		jw_null(out);
	return status;
}

int
ltlog_write(struct ledger *l, const char *terminal, int64_t seq, int64_t old, struct jw *out,
    struct errmsg *em)
{
	struct store *s = l->st;
	struct store_ckpt *k = xcalloc(1, sizeof *k);
	int64_t leaf = -1;
	int status;

	status = s->ops->ckpt_get(s, -1, k, em);
	if (status == CST_ERR_NOTFOUND)
		status = err_set(em, CST_ERR_INTERNAL, "the log has no checkpoint");
	if (status == CST_OK && seq > 0) {
		status = s->ops->leaf_of(s, terminal, seq, &leaf, em);
		if (status == CST_ERR_NOTFOUND)
			status = err_set(em, CST_ERR_CORRUPT, "%s seq %lld has no leaf in the log",
			    terminal, (long long)seq);
	}
	if (status == CST_OK) {
		jw_obj_begin(out);
		jw_key(out, "checkpoint");
		jw_str(out, k->note);
		if (leaf >= 0 && leaf < k->size) {
			jw_key(out, "leaf");
			jw_int(out, leaf);
			jw_key(out, "inclusion");
			status = prove(l, 1, leaf, k->size, out, em);
		}
		if (status == CST_OK && old > 0 && old <= k->size) {
			jw_key(out, "consistency");
			status = prove(l, 0, old, k->size, out, em);
		}
		jw_obj_end(out);
	}
	free(k);
	return status;
}

static int
add_cosig(void *arg, const char *witness, const char *line)
{
	(void)witness;
	buf_add(arg, line);
	return 0;
}

int
ltlog_checkpoint(struct ledger *l, struct buf *out, struct wire_fault *f)
{
	struct store_ckpt *k = xcalloc(1, sizeof *k);
	struct errmsg em;
	int status;

	err_clear(&em);
	ledger_lock(l);
	status = l->st->ops->ckpt_get(l->st, -1, k, &em);
	if (status == CST_OK) {
		buf_add(out, k->note);
		status = l->st->ops->cosigs_each(l->st, k->size, add_cosig, out, &em);
	}
	ledger_unlock(l);
	free(k);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_NOT_FOUND, -1, "The ledger has issued no checkpoint yet.");
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	return WE_OK;
}

/* An entry bundle: each leaf's data after its length (2 bytes, big-endian). */
struct bundle {
	struct buf *out;
	int64_t next;		/* the leaf expected */
};

static int
bundle_leaf(void *arg, int64_t leaf, const char *terminal, int64_t seq,
    const unsigned char hash[CRY_HASH_BYTES])
{
	struct bundle *b = arg;
	unsigned char data[2 + TLOG_LEAF_MAX];
	size_t n = tlog_leaf_data(terminal, seq, hash, data + 2);

	if (leaf != b->next || n == 0)
		return CST_ERR_CORRUPT;
	data[0] = (unsigned char)(n >> 8);
	data[1] = (unsigned char)n;
	buf_addn(b->out, (const char *)data, n + 2);
	b->next++;
	return 0;
}

/* The tile (level, idx) at width, which the newest tree holds: bytes into out. */
static int
tile_bytes(struct store *s, int level, int64_t idx, int width, struct buf *out, struct errmsg *em)
{
	struct tiles *t;
	unsigned char *h;
	struct bundle b;
	int status;

	if (level < 0) {
		b.out = out;
		b.next = idx * TLOG_TILE_WIDTH;
		status = s->ops->leaves_each(s, b.next, width, bundle_leaf, &b, em);
		if (status == CST_ERR_CORRUPT || (status == CST_OK &&
		    b.next != idx * TLOG_TILE_WIDTH + width))
			return err_set(em, CST_ERR_CORRUPT, "the log's leaves from %lld are not whole",
			    (long long)(idx * TLOG_TILE_WIDTH));
		return status;
	}
	h = xmalloc((size_t)width * TLOG_HASH_BYTES);
	t = tiles_new(s, NULL, 0, em);
	status = tile_read(t, level, idx, width, h) == 0 ? CST_OK : t->status;
	if (status == CST_OK)
		buf_addn(out, (const char *)h, (size_t)width * TLOG_HASH_BYTES);
	free(t);
	free(h);
	return status;
}

int
ltlog_tile(struct ledger *l, const char *path, struct buf *out, struct wire_fault *f)
{
	struct store_ckpt *k;
	struct errmsg em;
	int64_t idx;
	int level, width, status;

	if (tlog_tile_parse(path, &level, &idx, &width) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1, "This is not a tile path (c2sp.org/tlog-tiles).");
	k = xcalloc(1, sizeof *k);
	err_clear(&em);
	ledger_lock(l);
	status = l->st->ops->ckpt_get(l->st, -1, k, &em);
	if (status == CST_OK && width > tlog_tile_width(k->size, level, idx))
		status = CST_ERR_NOTFOUND;
	else if (status == CST_OK)
		status = tile_bytes(l->st, level, idx, width, out, &em);
	ledger_unlock(l);
	free(k);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_NOT_FOUND, -1, "The log has no such tile at that width.");
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	return WE_OK;
}

/* The checkpoint of size (-1: the newest) into k, or a fault: not_found when not issued. */
static int
issued(struct ledger *l, int64_t size, struct store_ckpt *k, struct wire_fault *f)
{
	struct errmsg em;
	int status;

	err_clear(&em);
	status = l->st->ops->ckpt_get(l->st, size, k, &em);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_NOT_FOUND, -1, "The ledger issued no checkpoint of size %lld.",
		    (long long)size);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	return WE_OK;
}

/*
 * One proof answer: {"<a_name>": a, "size": size, "proof": [...]} where size is an issued
 * tree size (default the newest) and a passes check.
 */
static int
proof_answer(struct ledger *l, const char *a_name, int64_t a, int64_t size, int inclusion,
    struct jw *out, struct wire_fault *f)
{
	struct store_ckpt *k = xcalloc(1, sizeof *k);
	struct errmsg em;
	int e, status = CST_OK;

	err_clear(&em);
	ledger_lock(l);
	e = issued(l, size, k, f);
	if (e == WE_OK && (inclusion ? a >= k->size : a > k->size))
		e = wire_fault(f, WE_BAD_REQUEST, -1, "%s must be %s the tree size %lld.", a_name,
		    inclusion ? "below" : "at most", (long long)k->size);
	if (e == WE_OK) {
		jw_obj_begin(out);
		jw_key(out, a_name);
		jw_int(out, a);
		jw_key(out, "size");
		jw_int(out, k->size);
		jw_key(out, "proof");
		status = prove(l, inclusion, a, k->size, out, &em);
		jw_obj_end(out);
	}
	ledger_unlock(l);
	free(k);
	if (e != WE_OK)
		return e;
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	return WE_OK;
}

int
ltlog_inclusion(struct ledger *l, const char *index, const char *size, struct jw *out,
    struct wire_fault *f)
{
	int64_t i, n;

	if (index == NULL || ledger_query_num(index, 0, 0, INT64_MAX, &i) != 0 ||
	    ledger_query_num(size, -1, 0, INT64_MAX, &n) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1,
		    "index must be a leaf number and size, when given, a tree size.");
	return proof_answer(l, "index", i, n, 1, out, f);
}

int
ltlog_consistency(struct ledger *l, const char *old, const char *size, struct jw *out,
    struct wire_fault *f)
{
	int64_t m, n;

	if (old == NULL || ledger_query_num(old, 0, 1, INT64_MAX, &m) != 0 ||
	    ledger_query_num(size, -1, 0, INT64_MAX, &n) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1,
		    "old must be a tree size of 1 or more and size, when given, a tree size.");
	return proof_answer(l, "old", m, n, 0, out, f);
}

int
ltlog_leaf(struct ledger *l, const char *terminal, const char *seq, struct jw *out,
    struct wire_fault *f)
{
	struct errmsg em;
	int64_t s, leaf;
	int status;

	if (terminal == NULL || !event_valid_id(terminal, strlen(terminal)) || seq == NULL ||
	    ledger_query_num(seq, 0, 1, INT64_MAX, &s) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1, "terminal must be a terminal id and seq 1 or more.");
	err_clear(&em);
	ledger_lock(l);
	status = l->st->ops->leaf_of(l->st, terminal, s, &leaf, &em);
	ledger_unlock(l);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_NOT_FOUND, -1, "The log has no leaf for %s seq %lld.", terminal,
		    (long long)s);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	jw_obj_begin(out);
	jw_key(out, "terminal");
	jw_str(out, terminal);
	jw_key(out, "seq");
	jw_int(out, s);
	jw_key(out, "index");
	jw_int(out, leaf);
	jw_obj_end(out);
	return WE_OK;
}

/* {"size": N, "cosignature": "— name base64\n"}: exactly these two members. */
static int
cosign_decode(const char *body, size_t len, int64_t *size, char line[COSIG_LINE_MAX + 2],
    struct wire_fault *f)
{
	struct json *root;
	const char *s;
	size_t n;
	int e = WE_OK;

	if (json_parse(body, len, &root, NULL) != CST_OK)
		return wire_fault(f, WE_MALFORMED_JSON, -1, "The body is not JSON.");
	s = json_str(json_get(root, "cosignature"), &n);
	if (json_count(root) != 2 || json_get_int(root, "size", size) != CST_OK || *size < 0 ||
	    s == NULL)
		e = wire_fault(f, WE_BAD_REQUEST, -1, "A cosignature is {\"size\": N, \"cosignature\": "
		    "\"<signature line>\"}.");
	else if (n > 0 && s[n - 1] == '\n')
		n--;
	/* One line, ended here by its newline. */
	if (e == WE_OK && (n == 0 || n > COSIG_LINE_MAX || memchr(s, '\n', n) != NULL ||
	    strlen(s) < n))
		e = wire_fault(f, WE_BAD_REQUEST, -1, "The cosignature must be one signature line.");
	if (e == WE_OK) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	json_free(root);
	return e;
}

/*
 * A cosignature's time is when the witness checked the checkpoint: not later than the
 * ledger's clock, nor before the checkpoint was issued, give or take the request window.
 */
static int
cosign_time_ok(const struct store_ckpt *k, uint64_t ts, struct wire_fault *f)
{
	int64_t now = clock_now_ms() / 1000, skew = WIRE_SKEW_MS / 1000;

	if (ts > (uint64_t)(now + skew))
		return wire_fault(f, WE_BAD_REQUEST, -1, "The cosignature is dated %llu, in the future "
		    "of the ledger's time (%lld).", (unsigned long long)ts, (long long)now);
	if ((int64_t)ts + skew < k->issued / 1000)
		return wire_fault(f, WE_BAD_REQUEST, -1, "The cosignature is dated %llu, before "
		    "checkpoint %lld was issued (%lld).", (unsigned long long)ts, (long long)k->size,
		    (long long)(k->issued / 1000));
	return WE_OK;
}

/*
 * The line as a cosignature by name of the checkpoint k, verified with pk: the normalized
 * line into out. A note is the body, a blank line, then signature lines: the ledger's body
 * with this one line under it is the note that witness signed.
 */
static int
cosign_check(const struct store_ckpt *k, const char *name, const unsigned char pk[CRY_PK_BYTES],
    const char *line, char *out, size_t cap, struct wire_fault *f)
{
	struct note *nt = xcalloc(2, sizeof *nt);
	struct buf text = { NULL, 0, 0 };
	uint64_t ts;
	int e = WE_OK;

	if (note_parse(k->note, strlen(k->note), &nt[0]) != 0)
		e = wire_fault(f, WE_INTERNAL, -1, "The stored checkpoint cannot be read.");
	if (e == WE_OK) {
		buf_addn(&text, nt[0].body, nt[0].body_len);
		buf_add(&text, "\n");
		buf_add(&text, line);
		if (note_parse(text.p, text.len, &nt[1]) != 0 || nt[1].nsigs != 1)
			e = wire_fault(f, WE_BAD_REQUEST, -1, "The cosignature is not a signature line.");
	}
	if (e == WE_OK && (strcmp(nt[1].sigs[0].name, name) != 0 ||
	    nt[1].sigs[0].type != 0x04))
		e = wire_fault(f, WE_BAD_REQUEST, -1, "The cosignature must be a cosignature by %s.",
		    name);
	if (e == WE_OK && note_cosigned(&nt[1], name, pk, &ts) != 1)
		e = wire_fault(f, WE_BAD_REQUEST, -1,
		    "The cosignature does not verify with this terminal's key over checkpoint %lld.",
		    (long long)k->size);
	if (e == WE_OK)
		e = cosign_time_ok(k, ts, f);
	if (e == WE_OK && note_sig_line(&nt[1].sigs[0], out, cap) == 0)
		e = wire_fault(f, WE_INTERNAL, -1, "The cosignature line does not fit.");
	buf_free(&text);
	free(nt);
	return e;
}

int
ltlog_cosign(struct ledger *l, const char *terminal, const unsigned char pk[CRY_PK_BYTES],
    const char *body, size_t len, struct jw *out, struct wire_fault *f)
{
	char line[COSIG_LINE_MAX + 2], norm[COSIG_LINE_MAX + 2], name[CKPT_ORIGIN_MAX + 1];
	struct store *s = l->st;
	struct store_ckpt *k;
	struct errmsg em;
	int64_t size;
	int e, status;

	if ((e = cosign_decode(body, len, &size, line, f)) != WE_OK)
		return e;
	/* ltlog_origin_ok keeps an origin short enough for any terminal id. */
	if ((size_t)snprintf(name, sizeof name, "%s/witness/%s", l->origin, terminal) >= sizeof name)
		return wire_fault(f, WE_INTERNAL, -1, "The witness name is too long.");
	k = xcalloc(1, sizeof *k);
	err_clear(&em);
	ledger_lock(l);
	e = issued(l, size, k, f);
	if (e == WE_NOT_FOUND)
		e = wire_fault(f, WE_BAD_REQUEST, -1, "The ledger issued no checkpoint of size %lld.",
		    (long long)size);
	if (e == WE_OK)
		e = cosign_check(k, name, pk, line, norm, sizeof norm, f);
	if (e == WE_OK) {
		status = s->ops->begin(s, &em);
		if (status == CST_OK) {
			status = s->ops->cosig_add(s, size, name, norm, clock_now_ms(), &em);
			if (status == CST_ERR_EXISTS)
				status = CST_OK;	/* kept: the first cosignature it sent */
		}
		if (status == CST_OK)
			status = s->ops->commit(s, &em);
		if (status != CST_OK) {
			s->ops->rollback(s);
			e = ledger_store_fault(f, status, &em);
		}
	}
	ledger_unlock(l);
	free(k);
	if (e != WE_OK)
		return e;
	jw_obj_begin(out);
	jw_key(out, "size");
	jw_int(out, size);
	jw_key(out, "stored");
	jw_bool(out, 1);
	jw_obj_end(out);
	return WE_OK;
}

void
ltlog_close(struct ledger *l)
{
	ltlog_cache_free(l->nodes);
	l->nodes = NULL;
}

/*
 * custody-audit, the log: the newest checkpoint checked with the ledger's key, every entry
 * bundle read (each leaf's terminal, seq and event hash; each terminal's seqs in order), every
 * tile compared with the tree rebuilt from the entries, and the root with the checkpoint's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "logfetch.h"
#include "run.h"
#include "xmalloc.h"

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* GET /tlog/<tile path>: the body when the ledger answered 200 with exactly want bytes. */
static int
get_tile(struct audit_run *r, int level, int64_t index, int width, size_t max,
    struct fetch_resp *resp, char *why, size_t why_size)
{
	char tile[TLOG_PATH_MAX], path[TLOG_PATH_MAX + 8];
	struct errmsg em;

	tlog_tile_path(level, index, width, tile);
	snprintf(path, sizeof path, "/tlog/%s", tile);
	err_clear(&em);
	why[0] = '\0';
	if (fetch_do(r->f, "GET", path, NULL, NULL, 0, max, resp, &em) != CST_OK) {
		snprintf(why, why_size, "%s", em.text);
		return -1;
	}
	if (resp->http != 200) {
		char text[300];

		fetch_error_text(resp, text, sizeof text);
		snprintf(why, why_size, _("%s answered %ld %s"), path, resp->http, text);
		fetch_resp_free(resp);
		return -1;
	}
	return 0;
}

/*
 * Splits an entry bundle: calls back with each entry's data; returns the number of entries
 * read, stopping at the first malformed one (*bad set) or at want.
 */
static int
split_bundle(const unsigned char *p, size_t n, int want, const unsigned char *entry[],
    size_t elen[], int *bad)
{
	size_t off = 0, len;
	int k;

	*bad = 0;
	for (k = 0; k < want; k++) {
		if (n - off < 2) {
			*bad = 1;
			return k;
		}
		len = (size_t)p[off] << 8 | p[off + 1];
		if (len > TLOG_LEAF_MAX || len > n - off - 2) {
			*bad = 1;
			return k;
		}
		entry[k] = p + off + 2;
		elen[k] = len;
		off += 2 + len;
	}
	if (off != n)
		*bad = 2;	/* bytes after the last entry */
	return k;
}

/* One bundle: leaf hashes into r->leaves, each terminal's seqs checked in order. */
static void
read_bundle(struct audit_run *r, int64_t k)
{
	const unsigned char *entry[TLOG_TILE_WIDTH];
	size_t elen[TLOG_TILE_WIDTH];
	struct fetch_resp resp;
	char why[ERRMSG_MAX], term[65];
	unsigned char evh[32];
	int64_t first = k * TLOG_TILE_WIDTH, seq;
	int width = (int)min64(TLOG_TILE_WIDTH, r->cp.size - first), got, bad, j;
	struct audit_term *t;

	if (get_tile(r, -1, k, width, (size_t)width * (2 + TLOG_LEAF_MAX), &resp, why,
	    sizeof why) != 0) {
		/*
		 * No leaf named here: the leaf hashes are taken from the tile instead, so that the
		 * events name the exact leaf that has no entry.
		 */
		audit_find(r, -1, _("entry bundle %lld (leaves %lld to %lld) cannot be read: %s"),
		    (long long)k, (long long)first, (long long)(first + width - 1), why);
		r->unread_bundles++;
		if (get_tile(r, 0, k, width, (size_t)width * TLOG_HASH_BYTES, &resp, why,
		    sizeof why) == 0) {
			if (resp.len == (size_t)width * TLOG_HASH_BYTES)
				memcpy(r->leaves[first], resp.body, resp.len);
			fetch_resp_free(&resp);
		}
		return;
	}
	got = split_bundle((const unsigned char *)resp.body, resp.len, width, entry, elen, &bad);
	for (j = 0; j < got; j++) {
		if (tlog_leaf_parse(entry[j], elen[j], term, &seq, evh) != 0) {
			audit_find(r, first + j, _("the entry is not a leaf of an event"));
			continue;
		}
		tlog_leaf_hash(entry[j], elen[j], r->leaves[first + j]);
		t = audit_term(&r->terms, term);
		/* after a bundle that could not be read, the terminal's last seq is not known */
		if (t->log_epoch != r->unread_bundles) {
			t->log_epoch = r->unread_bundles;
			t->log_seq = seq - 1;
		}
		if (seq != t->log_seq + 1)
			audit_find(r, first + j, _("entry %s seq %lld follows seq %lld of that "
			    "terminal in the log: %s"), term, (long long)seq, (long long)t->log_seq,
			    seq <= t->log_seq ? _("a seq twice") : _("a gap"));
		if (seq > t->log_seq)
			t->log_seq = seq;
	}
	if (bad == 1)
		audit_find(r, first + got, _("entry bundle %lld is cut short or malformed at its "
		    "entry %d"), (long long)k, got);
	else if (bad == 2)
		audit_find(r, first + width - 1, _("entry bundle %lld has bytes after its last "
		    "entry"), (long long)k);
	fetch_resp_free(&resp);
	r->bundles++;
}

/* Every tile of level level compared with row, the tree's nodes of height 8 * level. */
static void
check_tiles(struct audit_run *r, int level, const unsigned char (*row)[TLOG_HASH_BYTES],
    int64_t count)
{
	struct fetch_resp resp;
	char why[ERRMSG_MAX];
	int64_t t, node;
	int width, j;

	for (t = 0; t * TLOG_TILE_WIDTH < count; t++) {
		width = (int)min64(TLOG_TILE_WIDTH, count - t * TLOG_TILE_WIDTH);
		if (get_tile(r, level, t, width, (size_t)width * TLOG_HASH_BYTES, &resp, why,
		    sizeof why) != 0) {
			audit_find(r, (t * TLOG_TILE_WIDTH) << (8 * level),
			    _("tile %d/%lld cannot be read: %s"), level, (long long)t, why);
			continue;
		}
		r->tiles++;
		if (resp.len != (size_t)width * TLOG_HASH_BYTES) {
			audit_find(r, (t * TLOG_TILE_WIDTH) << (8 * level),
			    _("tile %d/%lld has %zu bytes, not %d hashes"), level, (long long)t,
			    resp.len, width);
			fetch_resp_free(&resp);
			continue;
		}
		for (j = 0; j < width; j++) {
			node = t * TLOG_TILE_WIDTH + j;
			if (memcmp(resp.body + (size_t)j * TLOG_HASH_BYTES, row[node],
			    TLOG_HASH_BYTES) == 0)
				continue;
			/* a leaf hash names its leaf; a node above only the leaves it covers */
			if (level == 0)
				audit_find(r, node, _("tile %d/%lld: hash %d is not that of the tree "
				    "rebuilt from the entries"), level, (long long)t, j);
			else
				audit_find(r, -1, _("tile %d/%lld: hash %d (leaves %lld to %lld) is not "
				    "that of the tree rebuilt from the entries"), level, (long long)t, j,
				    (long long)(node << (8 * level)),
				    (long long)(((node + 1) << (8 * level)) - 1));
			break;
		}
		fetch_resp_free(&resp);
	}
}

/* The tiles of every level, from the leaves up. */
static void
check_all_tiles(struct audit_run *r)
{
	unsigned char (*row)[TLOG_HASH_BYTES];
	int64_t count = r->cp.size;
	int level, h;

	if (count == 0)
		return;
	row = xmalloc((size_t)count * TLOG_HASH_BYTES);
	memcpy(row, r->leaves, (size_t)count * TLOG_HASH_BYTES);
	for (level = 0; count > 0; level++) {
		check_tiles(r, level, (const unsigned char (*)[TLOG_HASH_BYTES])row, count);
		for (h = 0; h < TLOG_TILE_HEIGHT && count > 0; h++)
			count = audit_level_up(row, count);
	}
	free(row);
}

int
audit_entry(struct audit_run *r, int64_t index, char terminal[EV_MAX_ID + 1], int64_t *seq,
    unsigned char hash[CRY_HASH_BYTES])
{
	const unsigned char *entry[TLOG_TILE_WIDTH];
	size_t elen[TLOG_TILE_WIDTH];
	struct fetch_resp resp;
	int64_t k = index / TLOG_TILE_WIDTH;
	int width = (int)min64(TLOG_TILE_WIDTH, r->cp.size - k * TLOG_TILE_WIDTH), got, bad;
	char why[ERRMSG_MAX];

	if (index < 0 || index >= r->cp.size)
		return -1;
	if (r->cached_bundle != k) {
		free(r->cache);
		r->cache = NULL;
		r->cached_bundle = -1;
		if (get_tile(r, -1, k, width, (size_t)width * (2 + TLOG_LEAF_MAX), &resp, why,
		    sizeof why) != 0)
			return -1;
		r->cache = (unsigned char *)resp.body;	/* taken from resp */
		r->cache_len = resp.len;
		r->cached_bundle = k;
	}
	got = split_bundle(r->cache, r->cache_len, width, entry, elen, &bad);
	if (index - k * TLOG_TILE_WIDTH >= got)
		return -1;
	return tlog_leaf_parse(entry[index - k * TLOG_TILE_WIDTH],
	    elen[index - k * TLOG_TILE_WIDTH], terminal, seq, hash);
}

int
audit_log(struct audit_run *r, struct errmsg *em)
{
	unsigned char root[TLOG_HASH_BYTES];
	char b64[64];
	int64_t k;
	int status;

	status = logfetch_checkpoint(r->f, r->note_text, &r->note_len, &r->note, &r->cp, em);
	if (status == CST_ERR_INPUT) {
		audit_find(r, -1, "%s", em->text);
		return CST_OK;
	}
	if (status != CST_OK)
		return status;
	ckpt_b64_encode(r->cp.root, TLOG_HASH_BYTES, b64, sizeof b64);
	printf(_("checkpoint: %s, size %lld, root %s\n"), r->cp.origin, (long long)r->cp.size,
	    b64);
	if (!logfetch_signed_by(&r->note, &r->cp, r->vk.name, r->vk.pk)) {
		audit_find(r, -1, _("the checkpoint is not signed by the key given (%s)"),
		    r->vk.name);
		return CST_OK;
	}
	if (r->cp.size > r->o->max_leaves) {
		audit_find(r, -1, _("the checkpoint's tree has %lld leaves, more than this auditor "
		    "takes (--max-leaves %lld)"), (long long)r->cp.size,
		    (long long)r->o->max_leaves);
		return CST_OK;
	}
	r->leaves = xcalloc(r->cp.size > 0 ? (size_t)r->cp.size : 1, TLOG_HASH_BYTES);
	for (k = 0; k * TLOG_TILE_WIDTH < r->cp.size; k++)
		read_bundle(r, k);
	check_all_tiles(r);
	audit_mth((const unsigned char (*)[TLOG_HASH_BYTES])r->leaves, r->cp.size, root);
	if (!cry_equal(root, r->cp.root, TLOG_HASH_BYTES))
		audit_find(r, -1, _("the tree rebuilt from the entries does not have the "
		    "checkpoint's root"));
	printf(_("log: %lld entry bundles and %lld tiles read, tree rebuilt\n"),
	    (long long)r->bundles, (long long)r->tiles);
	return CST_OK;
}

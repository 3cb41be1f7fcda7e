/*
 * The transparency log's Merkle tree (docs/transparency.md): RFC 6962 / RFC 9162 §2.1 hashing
 * (SHA-256, leaf prefix 0x00, node prefix 0x01), the leaf data of one ledger event, proofs of
 * inclusion and consistency, and the tree kept as C2SP tlog-tiles (height 8, 256 hashes a
 * tile). Pure computation: storage reaches it through the callbacks below.
 */
#ifndef CUSTODY_TLOG_H
#define CUSTODY_TLOG_H

#include <stddef.h>
#include <stdint.h>

#define TLOG_HASH_BYTES 32
#define TLOG_TILE_HEIGHT 8
#define TLOG_TILE_WIDTH 256			/* hashes in a full tile */
#define TLOG_TILE_BYTES (TLOG_TILE_WIDTH * TLOG_HASH_BYTES)
#define TLOG_MAX_PROOF 64			/* hashes in any proof of a tree below 2^63 leaves */
#define TLOG_LEAF_VERSION 1
/* version, terminal length, terminal (at most 64 bytes), seq, event hash */
#define TLOG_LEAF_MAX (1 + 1 + 64 + 8 + 32)
/* The largest tile path: "tile/entries/" or "tile/63/", 7 groups of "x000/", ".p/255". */
#define TLOG_PATH_MAX 64

/* SHA-256(0x00 || data). */
void tlog_leaf_hash(const void *data, size_t n, unsigned char out[TLOG_HASH_BYTES]);
/* SHA-256(0x01 || left || right). */
void tlog_node_hash(const unsigned char left[TLOG_HASH_BYTES],
    const unsigned char right[TLOG_HASH_BYTES], unsigned char out[TLOG_HASH_BYTES]);
/* SHA-256 of nothing: the root of the empty tree. */
void tlog_empty_root(unsigned char out[TLOG_HASH_BYTES]);

/*
 * The leaf data of one event (docs/transparency.md, "Leaves"): 0x01, the terminal id's length
 * and bytes, seq as 8 bytes big-endian, the event's BLAKE2b-256 hash. Returns its length, or
 * 0 when the terminal id is empty or longer than 64 bytes or seq is below 1.
 */
size_t tlog_leaf_data(const char *terminal, int64_t seq, const unsigned char event_hash[32],
    unsigned char out[TLOG_LEAF_MAX]);
/* The reverse: 0 when data is exactly one well-formed leaf, -1 otherwise (nothing written). */
int tlog_leaf_parse(const void *data, size_t n, char terminal[65], int64_t *seq,
    unsigned char event_hash[32]);

/*
 * Where stored hashes come from. level and index name a complete subtree: the nodes of level
 * 0 are the leaves, a node of level l covers leaves [index << l, (index + 1) << l). Answers
 * 0 with the hash, or -1 (the caller's error: storage failed or does not hold it).
 */
typedef int (*tlog_node_fn)(void *arg, int level, int64_t index, unsigned char out[TLOG_HASH_BYTES]);

/*
 * Reads a tile as stored: level (0 for leaf hashes; -1 is not asked here), index, and the
 * number of hashes wanted (1 to 256). The callback copies width * 32 bytes into out and
 * returns 0, or -1 when the tile is not held at that width.
 */
typedef int (*tlog_tile_fn)(void *arg, int level, int64_t index, int width, unsigned char *out);
/*
 * A node read through tiles: hashes of levels inside a tile are computed from its bottom row.
 * The tile is asked for at the narrowest width that holds the node; a store answers with the
 * first width hashes of the tile it holds when that tile is at least as wide.
 */
int tlog_tile_node(tlog_tile_fn read, void *arg, int level, int64_t index,
    unsigned char out[TLOG_HASH_BYTES]);

/* The root of the tree of size leaves; 0, or -1 when a node could not be read. */
int tlog_tree_root(int64_t size, tlog_node_fn node, void *arg, unsigned char out[TLOG_HASH_BYTES]);

/*
 * RFC 9162 §2.1.3: the inclusion proof of leaf index in the tree of size leaves. Writes the
 * hashes to proof (TLOG_MAX_PROOF room) and returns their number, or -1 when index >= size
 * or a node could not be read.
 */
int tlog_prove_inclusion(int64_t size, int64_t index, tlog_node_fn node, void *arg,
    unsigned char proof[][TLOG_HASH_BYTES]);
/* RFC 9162 §2.1.4: the consistency proof from old to size (0 < old <= size); count or -1. */
int tlog_prove_consistency(int64_t old, int64_t size, tlog_node_fn node, void *arg,
    unsigned char proof[][TLOG_HASH_BYTES]);

/*
 * RFC 9162 §2.1.3.2: 1 when proof (n hashes) shows leaf_hash at index in the tree of size
 * leaves with root, 0 otherwise (any malformed input is simply 0).
 */
int tlog_check_inclusion(const unsigned char proof[][TLOG_HASH_BYTES], int n, int64_t index,
    int64_t size, const unsigned char leaf_hash[TLOG_HASH_BYTES],
    const unsigned char root[TLOG_HASH_BYTES]);
/*
 * RFC 9162 §2.1.4.2: 1 when proof shows the tree (old, old_root) is a prefix of (size, root).
 * old == size needs an empty proof and equal roots; old == 0 an empty proof and old_root the
 * empty tree's root.
 */
int tlog_check_consistency(const unsigned char proof[][TLOG_HASH_BYTES], int n, int64_t old,
    const unsigned char old_root[TLOG_HASH_BYTES], int64_t size,
    const unsigned char root[TLOG_HASH_BYTES]);

/*
 * Appending. The tree is held as tiles (C2SP tlog-tiles): a tile of level L and index N holds
 * the hashes of the nodes of level 8L from N * 256 on, as many as are complete (its width).
 * tlog_append adds n leaf hashes to a tree of size leaves: it reads the partial tiles on the
 * right edge through read and hands every tile that changed, at its new width, to write
 * (level, index, width, bytes). Returns 0, or -1 when read or write failed (the caller rolls
 * back). The new root is written to root.
 */
typedef int (*tlog_tile_write_fn)(void *arg, int level, int64_t index, int width,
    const unsigned char *hashes);
int tlog_append(int64_t size, const unsigned char leaves[][TLOG_HASH_BYTES], size_t n,
    tlog_tile_fn read, tlog_tile_write_fn write, void *arg, unsigned char root[TLOG_HASH_BYTES]);

/*
 * Tile paths (C2SP tlog-tiles): level -1 is an entry bundle ("tile/entries/..."), width 256
 * a full tile (no ".p/W"). N is written in groups of three digits, all but the last with an
 * "x" prefix: 1234067 is "x001/x234/067". tlog_tile_path returns the length written, 0 when
 * level is not -1 to 63, index is negative or width is not 1 to 256.
 */
size_t tlog_tile_path(int level, int64_t index, int width, char out[TLOG_PATH_MAX]);
/* Parses a path after the prefix ("tile/..."): 0 when canonical, -1 otherwise. */
int tlog_tile_parse(const char *path, int *level, int64_t *index, int *width);
/* The width of tile (level, index) in a tree of size leaves: 0 when it does not exist yet. */
int tlog_tile_width(int64_t size, int level, int64_t index);

#endif

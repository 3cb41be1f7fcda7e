/* custody-audit's own Merkle tree: roots and tile rows rebuilt from the leaf hashes it holds. */
#include <string.h>

#include "audit.h"

void
audit_mth(const unsigned char (*leaves)[TLOG_HASH_BYTES], int64_t n,
    unsigned char root[TLOG_HASH_BYTES])
{
	/* stack[k] is a complete subtree of size[k] leaves; sizes strictly decrease */
	unsigned char stack[64][TLOG_HASH_BYTES], h[TLOG_HASH_BYTES];
	int64_t size[64];
	int top = 0;
	int64_t i;

	if (n <= 0) {
		tlog_empty_root(root);
		return;
	}
	for (i = 0; i < n; i++) {
		memcpy(stack[top], leaves[i], TLOG_HASH_BYTES);
		size[top++] = 1;
		while (top >= 2 && size[top - 2] == size[top - 1]) {
			tlog_node_hash(stack[top - 2], stack[top - 1], h);
			memcpy(stack[top - 2], h, TLOG_HASH_BYTES);
			size[top - 2] *= 2;
			top--;
		}
	}
	if (top < 1)
		return;		/* not reached: n > 0 leaves one subtree at least */
	/* MTH splits at the largest power of two below n: fold the right edge leftwards */
	memcpy(root, stack[top - 1], TLOG_HASH_BYTES);
	while (--top > 0) {
		tlog_node_hash(stack[top - 1], root, h);
		memcpy(root, h, TLOG_HASH_BYTES);
	}
}

int64_t
audit_level_up(unsigned char (*row)[TLOG_HASH_BYTES], int64_t n)
{
	unsigned char h[TLOG_HASH_BYTES];
	int64_t i;

	for (i = 0; i + 1 < n; i += 2) {
		tlog_node_hash(row[i], row[i + 1], h);
		memcpy(row[i / 2], h, TLOG_HASH_BYTES);
	}
	return n / 2;
}

/*
 * libFuzzer target for the c2sp.org/tlog-proof text (src/checkpoint.c): whatever the bytes,
 * no crash; a proof that parses is written back byte for byte and re-parses to the same index,
 * extra, hashes and checkpoint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tlog_proof a, b;
	static char out[4 * CKPT_NOTE_MAX];
	struct checkpoint c;
	size_t n;

	if (tlog_proof_parse((const char *)data, size, &a) != 0)
		return 0;
	check(a.index >= 0 && a.n >= 0 && a.n <= TLOG_MAX_PROOF && a.extra_len <= TLOG_LEAF_MAX);
	check(checkpoint_parse(a.checkpoint.body, a.checkpoint.body_len, &c) == 0 &&
	    a.index < c.size);
	n = tlog_proof_write(&a, out, sizeof out);
	check(n == size && memcmp(out, data, size) == 0);
	check(tlog_proof_parse(out, n, &b) == 0 && b.index == a.index && b.n == a.n &&
	    b.extra_len == a.extra_len && memcmp(b.extra, a.extra, a.extra_len) == 0 &&
	    memcmp(b.hashes, a.hashes, sizeof a.hashes[0] * (size_t)a.n) == 0 &&
	    b.checkpoint.body_len == a.checkpoint.body_len &&
	    b.checkpoint.nsigs == a.checkpoint.nsigs);
	return 0;
}

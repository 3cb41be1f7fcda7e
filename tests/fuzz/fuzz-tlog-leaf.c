/*
 * libFuzzer target for the leaf data of src/tlog.c (docs/transparency.md, "Leaves"): any
 * bytes parse as one leaf or are refused, and a leaf that parses writes back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tlog.h"

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
	unsigned char *copy = malloc(size > 0 ? size : 1), eh[32], out[TLOG_LEAF_MAX];
	char terminal[65];
	int64_t seq;
	size_t n;

	check(copy != NULL);
	memcpy(copy, data, size);
	if (tlog_leaf_parse(copy, size, terminal, &seq, eh) == 0) {
		check(seq >= 1 && strlen(terminal) >= 1 && strlen(terminal) <= 64);
		n = tlog_leaf_data(terminal, seq, eh, out);
		check(n == size && memcmp(out, data, size) == 0);
	}
	free(copy);
	return 0;
}

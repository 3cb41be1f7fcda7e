/*
 * libFuzzer target for the tile paths of src/tlog.c (c2sp.org/tlog-tiles): any bytes as a
 * path must parse or be refused without a crash, and a path that parses is canonical: written
 * again from what was parsed, it is the same bytes. Any (level, index, width) that writes a
 * path must parse back to itself, and a tile's width is never more than 256.
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

static int64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static void
parse_rewrite(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[TLOG_PATH_MAX];
	int64_t index;
	int level, width;
	size_t n;

	check(s != NULL);
	memcpy(s, data, size);
	s[size] = '\0';
	if (tlog_tile_parse(s, &level, &index, &width) == 0) {
		check(level >= -1 && level <= 63 && index >= 0 && width >= 1 && width <= 256);
		n = tlog_tile_path(level, index, width, out);
		check(n > 0 && n < TLOG_PATH_MAX && n == strlen(s) && strcmp(out, s) == 0);
	}
	free(s);
}

static void
write_parse(const uint8_t *data, size_t size)
{
	char out[TLOG_PATH_MAX];
	int64_t index, size_, i2;
	int level, width, l2, w2, w;
	size_t n;

	if (size < 18)
		return;
	level = (int)(int8_t)data[0];
	width = (int)(data[1] | (data[2] & 1) << 8);
	index = get64(data + 3);
	size_ = get64(data + 10);
	memset(out, 0x55, sizeof out);
	n = tlog_tile_path(level, index, width, out);
	if (n == 0)
		return;
	check(n < TLOG_PATH_MAX && out[n] == '\0' && strlen(out) == n);
	check(tlog_tile_parse(out, &l2, &i2, &w2) == 0 && l2 == level && i2 == index &&
	    w2 == width);
	w = tlog_tile_width(size_, level, index);
	check(w >= 0 && w <= 256);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_rewrite(data, size);
	write_parse(data, size);
	return 0;
}

/* libFuzzer: the EM4100 parser never crashes, and every tap it emits is ten hex digits. */
#include <assert.h>
#include <string.h>

#include "em4100.h"

static void
check(void *arg, const struct dev_event *ev)
{
	size_t i;

	(void)arg;
	assert(strlen(ev->id) == 10);
	for (i = 0; i < 10; i++)
		assert(strchr("0123456789ABCDEF", ev->id[i]) != NULL);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct em4100 p;
	size_t half = size / 2;

	em4100_init(&p);
	em4100_feed(&p, data, half, 0, check, NULL);
	em4100_feed(&p, data + half, size - half, 1, check, NULL);
	assert(p.len < EM4100_FRAME);
	return 0;
}

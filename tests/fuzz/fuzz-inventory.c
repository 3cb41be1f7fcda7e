/*
 * libFuzzer target for inventory reads: tag ids as a device may send them (one per line, any
 * bytes) against a small room. The counts always add up: every read is seen, unexpected,
 * unknown, a duplicate or bad; seen + missing = expected; a second pass adds no new item.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../prop-util.h"
#include "inventory.h"
#include "terminal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct terminal *t;
static char dir[] = "/tmp/custody-fuzz-inventory-XXXXXX";

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
cleanup(void)
{
	char cmd[128];

	terminal_close(t);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* Shelf R/S1 holds tags 0..19 (and one untagged), R/S2 tags 100..109. */
static void
setup(void)
{
	char epc[25], id[UUID_LEN + 1];
	struct errmsg em;
	int i;

	check(mkdtemp(dir) != NULL);
	check(terminal_create(dir, "fz", "property", &em) == CST_OK);
	check(terminal_open(dir, TERMINAL_SIGN, &t, &em) == CST_OK);
	atexit(cleanup);
	check(pu_location(t->journal, "R", "S1", "B1", &em) == CST_OK);
	check(pu_location(t->journal, "R", "S2", "B1", &em) == CST_OK);
	for (i = 0; i < 20; i++) {
		pu_epc((unsigned)i, epc);
		check(pu_item(t->journal, "F1", i + 1, epc, "R/S1/B1", id, &em) == CST_OK);
	}
	check(pu_item(t->journal, "F1", 21, "", "R/S1/B1", id, &em) == CST_OK);
	for (i = 0; i < 10; i++) {
		pu_epc(100u + (unsigned)i, epc);
		check(pu_item(t->journal, "F2", i + 1, epc, "R/S2/B1", id, &em) == CST_OK);
	}
}

static void
feed(struct inventory *inv, const uint8_t *data, size_t size, uint64_t *reads)
{
	char line[256];
	size_t i = 0, n;

	while (i < size) {
		for (n = 0; i + n < size && data[i + n] != '\n'; n++)
			;
		if (n < sizeof line) {
			memcpy(line, data + i, n);
			line[n] = '\0';
			inventory_read(inv, line);
			(*reads)++;
		}
		i += n + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory_counts c, again;
	struct inventory *inv;
	struct errmsg em;
	uint64_t reads = 0;

	if (t == NULL)
		setup();
	check(inventory_start(t->journal, "R/S1", &inv, &em) == CST_OK);
	feed(inv, data, size, &reads);
	inventory_counts(inv, &c);
	check(c.reads == reads && c.expected == 20 && c.untagged == 1);
	check(c.seen + c.missing == c.expected && c.seen <= 20 && c.unexpected <= 10);
	check(c.unknown <= INV_UNKNOWN_MAX);
	check(c.seen + c.unexpected + c.unknown + c.duplicates + c.bad + c.unknown_over ==
	    c.reads);
	feed(inv, data, size, &reads);
	inventory_counts(inv, &again);
	check(again.seen == c.seen && again.unexpected == c.unexpected &&
	    again.unknown == c.unknown && again.bad == 2 * c.bad);
	inventory_free(inv);
	return 0;
}

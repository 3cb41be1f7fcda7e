/*
 * libFuzzer target for the officers' CSV file: for any bytes, the parser ends, every line it
 * passes on is an officer officer_valid accepts (its strings inside their buffers), every bad
 * line has a reason, and line numbers only grow.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "officer-csv.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static int
line(void *arg, int n, const struct officer *o, const char *why)
{
	int *last = arg;
	struct errmsg em;

	check(n > *last);
	*last = n;
	if (o == NULL) {
		check(why != NULL && why[0] != '\0');
		return 0;
	}
	check(memchr(o->number, '\0', sizeof o->number) != NULL);
	check(memchr(o->name, '\0', sizeof o->name) != NULL);
	check(memchr(o->unit, '\0', sizeof o->unit) != NULL);
	check(officer_valid(o, &em) == CST_OK);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct errmsg em;
	int last = 0;

	memcpy(text, data, size);
	text[size] = '\0';
	officer_csv_parse(text, size, line, &last, &em);
	free(text);
	return 0;
}

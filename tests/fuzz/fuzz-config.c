/*
 * libFuzzer target for custody.conf: any bytes are accepted or refused with a line's message
 * and the struct untouched; whatever is accepted is in range, and config_write writes it as a
 * file that parses back to the same values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static int
same(const struct config *a, const struct config *b)
{
	return a->idle_lock_ms == b->idle_lock_ms && strcmp(a->language, b->language) == 0 &&
	    a->max_failures == b->max_failures && a->lockout_ms == b->lockout_ms &&
	    a->max_stay_hours == b->max_stay_hours;
}

static void
check_ranges(const struct config *c)
{
	check(c->idle_lock_ms >= 0 && c->idle_lock_ms <= 86400000 && c->idle_lock_ms % 1000 == 0);
	check(memchr(c->language, '\0', sizeof c->language) != NULL);
	check(c->max_failures >= 1 && c->max_failures <= 20);
	check(c->lockout_ms >= 60000 && c->lockout_ms <= 86400000 && c->lockout_ms % 1000 == 0);
	check(c->max_stay_hours >= 1 && c->max_stay_hours <= 48);
}

static void
check_round_trip(const struct config *c)
{
	struct errmsg em = { 0, "" };
	struct config back;
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	m = open_memstream(&text, &len);
	check(m != NULL);
	check(config_write(m, c) == CST_OK);
	check(fclose(m) == 0);
	memset(&back, 0x5a, sizeof back);
	if (config_parse(text, len, &back, &em) != CST_OK) {
		fprintf(stderr, "writer output refused: %s\n%.*s\n", em.text, (int)len, text);
		abort();
	}
	check(same(c, &back));
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errmsg em = { 0, "" };
	struct config c, before;
	int r;

	memset(&c, 0x5a, sizeof c);
	c.language[0] = '\0';
	before = c;
	r = config_parse((const char *)data, size, &c, &em);
	if (r != CST_OK) {
		check(r == CST_ERR_INPUT && em.code == CST_ERR_INPUT);
		check(strncmp(em.text, "custody.conf ", 13) == 0);
		check(same(&c, &before));
		return 0;
	}
	check_ranges(&c);
	check_round_trip(&c);
	return 0;
}

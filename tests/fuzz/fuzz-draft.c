/*
 * libFuzzer target for the draft decoder (src/draft.c): for any bytes, either refused or a
 * draft within its bounds (a UUID action id, at most DRAFT_FIELDS_MAX fields, each key and
 * text NUL-terminated inside its buffer, choices in range), and written again it decodes to
 * the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draft.h"

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
	static struct draft d, again;
	struct errmsg em;
	struct jw w;
	int i;

	if (draft_decode((const char *)data, size, &d, &em) != CST_OK) {
		check(em.code == CST_ERR_INPUT);
		draft_free(&d);
		return 0;
	}
	check(strlen(d.action_id) == UUID_LEN);
	check(d.n >= 0 && d.n <= DRAFT_FIELDS_MAX);
	draft_begin(&w, d.action_id);
	for (i = 0; i < d.n; i++) {
		check(memchr(d.f[i].key, '\0', sizeof d.f[i].key) != NULL && d.f[i].key[0]);
		check(memchr(d.f[i].text, '\0', sizeof d.f[i].text) != NULL);
		check(d.f[i].choice >= -1 && d.f[i].choice < DRAFT_CHOICE_MAX);
		draft_field(&w, d.f[i].key, d.f[i].text, d.f[i].choice);
	}
	draft_fields_end(&w);
	draft_end(&w);
	check(draft_decode(jw_text(&w, NULL), w.len, &again, &em) == CST_OK);
	check(again.n == d.n && strcmp(again.action_id, d.action_id) == 0);
	for (i = 0; i < d.n; i++)
		check(strcmp(again.f[i].key, d.f[i].key) == 0 &&
		    strcmp(again.f[i].text, d.f[i].text) == 0 &&
		    again.f[i].choice == d.f[i].choice);
	draft_free(&again);
	draft_free(&d);
	jw_free(&w);
	return 0;
}

/*
 * libFuzzer target for the sync wire readers: any bytes as a pull page (events with cursors)
 * and as a receipt. An event that reads back must write out as an object that reads back the
 * same: the hash still checks, the fields and body bytes are equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
roundtrip(const struct event *ev, int64_t cursor)
{
	struct event back;
	struct json *v;
	struct errmsg em;
	struct jw w;
	size_t len;
	const char *text;
	int64_t again;

	memset(&back, 0, sizeof back);
	jw_init(&w);
	wire_event_write(&w, ev, cursor);
	text = jw_text(&w, &len);
	check(json_parse(text, len, &v, &em) == CST_OK);
	check(wire_event_read(v, &back, &again, &em) == CST_OK && again == cursor);
	check(back.seq == ev->seq && back.ts == ev->ts && back.body_len == ev->body_len &&
	    memcmp(back.body, ev->body, ev->body_len) == 0 &&
	    strcmp(back.terminal, ev->terminal) == 0 && strcmp(back.kind, ev->kind) == 0 &&
	    memcmp(back.sig, ev->sig, sizeof ev->sig) == 0);
	json_free(v);
	jw_free(&w);
	event_clear(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct json *events;
	struct wire_receipt r;
	struct json *v;
	struct errmsg em;
	struct event ev;
	int64_t cursor;
	size_t i;

	if (json_parse((const char *)data, size, &v, &em) != CST_OK)
		return 0;
	memset(&ev, 0, sizeof ev);
	events = json_get(v, "events");
	for (i = 0; i < json_count(events); i++)
		if (wire_event_read(json_at(events, i), &ev, &cursor, &em) == CST_OK)
			roundtrip(&ev, cursor);
	if (wire_event_read(v, &ev, &cursor, &em) == CST_OK)
		roundtrip(&ev, cursor);
	event_clear(&ev);
	(void)wire_receipt_read(json_get(v, "receipt"), &r, &em);
	(void)wire_receipt_read(v, &r, &em);
	json_free(v);
	return 0;
}

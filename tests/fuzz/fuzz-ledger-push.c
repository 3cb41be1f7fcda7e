/*
 * libFuzzer target for the ledger's push body and event decoder (src/ledger/wire.c on the
 * shared src/wire.c): whatever it accepts must encode back to the wire form and decode again
 * to the same event; whatever it refuses must carry a code. ledger/wire.c is compiled in
 * here, as tests/test-fuzz.sh builds only src/*.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/wire.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static void
roundtrip(const struct event *ev)
{
	struct json *v;
	struct wire_fault f;
	struct event back;
	struct jw w;
	size_t len;
	const char *text;

	jw_init(&w);
	wire_event_write(&w, ev, 7);
	text = jw_text(&w, &len);
	check(json_parse(text, len, &v, NULL) == CST_OK);
	memset(&back, 0, sizeof back);
	check(wire_event_decode(v, &back, &f) == WE_OK);
	check(back.seq == ev->seq && back.ts == ev->ts && back.body_len == ev->body_len);
	check(memcmp(back.body, ev->body, ev->body_len) == 0);
	check(memcmp(back.hash, ev->hash, sizeof back.hash) == 0);
	check(strcmp(back.terminal, ev->terminal) == 0 && strcmp(back.kind, ev->kind) == 0);
	event_clear(&back);
	json_free(v);
	jw_free(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_fault f;
	struct event *evs;
	size_t n, i;
	int e;

	e = wire_push_decode((const char *)data, size, &evs, &n, &f);
	if (e != WE_OK) {
		check(n == 0 && evs == NULL && f.err == e && wire_err_http(e) >= 400);
		return 0;
	}
	check(n <= WIRE_MAX_BATCH);
	for (i = 0; i < n; i++)
		roundtrip(&evs[i]);
	check(f.err == WE_OK || wire_err_http(f.err) == 422);
	wire_events_free(evs, n);
	return 0;
}

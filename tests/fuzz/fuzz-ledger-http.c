/*
 * libFuzzer target for the ledger's HTTP layer without sockets (src/ledger/gate.c): the
 * request head checks, the body budget and the connection policy. The input's first six lines
 * are a head (method, target, Host, Content-Length, Transfer-Encoding, and a byte choosing the
 * resource's parameters and body limit; "-" for a header that is absent); the bytes after
 * drive a body in chunks and then a run of connection events on a clock.
 * What must hold: an accepted head is printable, within its limits, with only listed query
 * names, each once; a body never passes its limit nor its reservation, and the budget is
 * whole again after; no more connections wait for their head than allowed, none past its
 * deadline after a reap, and the per-address counts always add up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/wire.c"
#include "ledger/gate.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_at(int cond, int line)
{
	if (!cond) {
		fprintf(stderr, "fuzz-ledger-http: check at line %d failed\n", line);
		abort();
	}
}

#define check(cond) check_at((cond), __LINE__)

static void
no_cut(void *arg, struct gate_conn *c)
{
	(void)arg;
	(void)c;
}

static void
check_head(const struct gate_head *h, int64_t expect)
{
	const char *q = strchr(h->target, '?'), *p;
	size_t len = strlen(h->target), i;

	check(len > 0 && len <= GATE_TARGET_MAX && h->target[0] == '/');
	for (i = 0; i < len; i++)
		check(h->target[i] > ' ' && h->target[i] <= '~');
	check(h->host != NULL && h->host[0] != '\0');
	check(expect == GATE_CHUNKED ? h->body_max > 0 && h->content_length == NULL :
	    expect >= 0 && (uint64_t)expect <= h->body_max);
	for (p = q; p != NULL; p = strchr(p + 1, '&')) {
		const char *name = p + 1, *eq = strchr(name, '=');

		check(eq != NULL && listed(h->params, name, (size_t)(eq - name)) >= 0);
	}
}

/* Every connection of the table is counted where it is; the address counts add up. */
static void
check_conns(struct gate_conns *g)
{
	struct gate_addr *a;
	struct gate_conn *c;
	unsigned ph, n, sum = 0, i;

	for (ph = 0; ph < GATE_PHASES; ph++) {
		n = 0;
		for (c = g->first[ph]; c != NULL; c = c->next) {
			check(c->phase == (int)ph);
			check(c->next != NULL || g->last[ph] == c);
			n++;
		}
		check(n == g->count[ph]);
	}
	for (i = 0; i < g->nbuckets; i++)
		for (a = g->addrs[i]; a != NULL; a = a->next) {
			check(a->head > 0);
			sum += a->head;
		}
	check(sum == g->count[GATE_HEAD]);
	check(g->count[GATE_HEAD] <= g->max_head);
}

static void
run_conns(const uint8_t *p, size_t n)
{
	struct gate_conn *c[16];
	struct gate_conns g;
	unsigned char addr[4] = { 127, 0, 0, 0 };
	int64_t now = 1000;
	size_t i;
	unsigned k;

	memset(c, 0, sizeof c);
	gate_conns_init(&g, 4, 2000, no_cut, NULL);
	for (i = 0; i + 1 < n; i += 2) {
		k = p[i + 1] % 16;
		switch (p[i] % 9) {
		case 0:
			if (c[k] == NULL) {
				addr[3] = p[i + 1] >> 4;
				c[k] = gate_conn_open(&g, addr, sizeof addr, (int)k, now);
			}
			break;
		case 1:
			gate_conn_body(&g, c[k], now);
			break;
		case 2:
			gate_conn_received(&g, c[k], (size_t)p[i + 1] << 10);
			break;
		case 3:
			gate_conn_serve(&g, c[k], now);
			break;
		case 4:
			if (p[i + 1] & 0x80)
				gate_conn_closing(c[k]);
			else
				gate_conn_trust(&g, c[k]);
			break;
		case 5:
			gate_conn_done(&g, c[k], now);
			break;
		case 6:
			gate_conn_close(&g, c[k]);
			c[k] = NULL;
			break;
		case 7:
			now += (int64_t)p[i + 1] * 50;
			gate_conns_reap(&g, now);
			for (struct gate_conn *h = g.first[GATE_HEAD]; h != NULL; h = h->next)
				check(now - h->since < g.head_ms);
			break;
		default:
			now += p[i + 1];
			break;
		}
		check_conns(&g);
	}
	for (k = 0; k < 16; k++)
		gate_conn_close(&g, c[k]);
	check(g.count[GATE_HEAD] == 0 && g.count[GATE_BODY] == 0 && g.count[GATE_SERVE] == 0);
	gate_conns_free(&g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pull[] = { "after", "limit", NULL };
	static const char *const none[] = { NULL };
	static const size_t maxes[] = { 0, 4096, 16u << 20, 100 };
	char *copy, *line[6], *p, chunk[4096];
	const uint8_t *rest;
	struct gate_budget b;
	struct gate_body body;
	struct gate_head h;
	struct wire_fault f;
	size_t rest_len, i;
	int64_t expect;
	int n = 0, e;

	if (size > 8192)
		return 0;
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (p = copy; n < 6; n++) {
		line[n] = p;
		p = strchr(p, '\n');
		if (p == NULL) {
			p = copy + size;
			n++;
			break;
		}
		*p++ = '\0';
	}
	for (; n < 6; n++)
		line[n] = copy + size;
	rest = data + (p - copy);
	rest_len = size - (size_t)(p - copy);
	memset(&h, 0, sizeof h);
	h.method = line[0];
	h.target = line[1];
	h.host = strcmp(line[2], "-") == 0 ? NULL : line[2];
	h.content_length = strcmp(line[3], "-") == 0 ? NULL : line[3];
	h.transfer_encoding = strcmp(line[4], "-") == 0 ? NULL : line[4];
	h.params = (line[5][0] & 1) ? pull : none;
	h.body_max = maxes[(unsigned char)line[5][0] % 4];
	e = gate_head_check(&h, &expect, &f);
	if (e == WE_OK)
		check_head(&h, expect);
	else
		check(f.err == WE_BAD_REQUEST || f.err == WE_TOO_LARGE);

	/* A body: announced as the head said (or chunked), in chunks sized by the rest. */
	gate_budget_init(&b, 24u << 20, 3);
	if (e == WE_OK && expect != 0 && gate_body_begin(&b, &body, expect, h.body_max, &f) == WE_OK) {
		memset(chunk, 'x', sizeof chunk);
		for (i = 0; i < rest_len && i < 64; i++) {
			size_t k = ((size_t)rest[i] << 4) % sizeof chunk;

			e = gate_body_take(&b, &body, chunk, k, &f);
			check(body.len <= body.max && body.cap <= body.reserved && b.used <= b.cap);
			check(body.expect == GATE_CHUNKED || body.len <= (size_t)body.expect);
			if (e != WE_OK) {
				check(f.err == WE_TOO_LARGE || f.err == WE_BUSY);
				break;
			}
		}
		gate_body_end(&b, &body);
	}
	check(b.used == 0 && b.bodies == 0);
	gate_budget_free(&b);

	run_conns(rest, rest_len);
	free(copy);
	return 0;
}

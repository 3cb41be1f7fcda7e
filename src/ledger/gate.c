/* The checks before a body and the bounds on what is in flight: see gate.h. */
#include "gate.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* Unreserved characters of RFC 3986: all a query name or value may hold here. */
static int
unreserved(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_' || c == '~';
}

static int
listed(const char *const *names, const char *name, size_t len)
{
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* The query (after '?'): name=value pairs joined by '&', names from params, each once. */
static int
check_query(const char *q, const char *const *params, struct wire_fault *f)
{
	unsigned seen = 0;
	const char *p = q, *eq, *end;
	int k;

	for (;;) {
		end = strchr(p, '&');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || eq == p || eq + 1 == end)
			return wire_fault(f, WE_BAD_REQUEST, -1,
			    "A query parameter must be name=value.");
		for (const char *c = p; c < end; c++)
			if (c != eq && !unreserved(*c))
				return wire_fault(f, WE_BAD_REQUEST, -1,
				    "A query parameter holds a character it may not.");
		k = listed(params, p, (size_t)(eq - p));
		if (k < 0)
			return wire_fault(f, WE_BAD_REQUEST, -1,
			    "This resource does not take the query parameter %.*s.",
			    (int)(eq - p < 32 ? eq - p : 32), p);
		if (k >= 32 || (seen & (1u << k)))
			return wire_fault(f, WE_BAD_REQUEST, -1,
			    "The query parameter %.*s is given twice.", (int)(eq - p), p);
		seen |= 1u << k;
		if (*end == '\0')
			return WE_OK;
		p = end + 1;
	}
}

static int
too_large(size_t max, struct wire_fault *f)
{
	if (max == 0)
		return wire_fault(f, WE_TOO_LARGE, -1, "This resource takes no request body.");
	if (max % (1u << 20) == 0)
		return wire_fault(f, WE_TOO_LARGE, -1, "A request body here may be at most %zu MiB.",
		    max >> 20);
	if (max % 1024 == 0)
		return wire_fault(f, WE_TOO_LARGE, -1, "A request body here may be at most %zu KiB.",
		    max >> 10);
	return wire_fault(f, WE_TOO_LARGE, -1, "A request body here may be at most %zu bytes.", max);
}

int
gate_head_check(const struct gate_head *h, int64_t *expect, struct wire_fault *f)
{
	const char *t = h->target, *q;
	size_t len, i;
	int64_t n;

	*expect = 0;
	if (h->host == NULL || h->host[0] == '\0')
		return wire_fault(f, WE_BAD_REQUEST, -1, "A request needs a Host header.");
	len = t != NULL ? strlen(t) : 0;
	if (len == 0 || t[0] != '/' || len > GATE_TARGET_MAX)
		return wire_fault(f, WE_BAD_REQUEST, -1,
		    "The request target must be a path of at most %d bytes.", GATE_TARGET_MAX);
	for (i = 0; i < len; i++)
		if (t[i] <= ' ' || t[i] > '~')
			return wire_fault(f, WE_BAD_REQUEST, -1,
			    "The request target holds a byte that is not printable ASCII.");
	if ((q = strchr(t, '?')) != NULL && check_query(q + 1, h->params, f) != WE_OK)
		return f->err;
	if (h->transfer_encoding != NULL) {
		if (strcasecmp(h->transfer_encoding, "chunked") != 0 || h->content_length != NULL)
			return wire_fault(f, WE_BAD_REQUEST, -1,
			    "A body is framed by Content-Length or by chunked transfer coding alone.");
		if (h->body_max == 0)
			return too_large(h->body_max, f);
		*expect = GATE_CHUNKED;
		return WE_OK;
	}
	if (h->content_length == NULL)
		return WE_OK;
	if (wire_parse_u63(h->content_length, strlen(h->content_length), &n) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1, "Content-Length is not a plain number.");
	if ((uint64_t)n > h->body_max)
		return too_large(h->body_max, f);
	*expect = n;
	return WE_OK;
}

void
gate_budget_init(struct gate_budget *b, size_t cap, unsigned max_bodies)
{
	memset(b, 0, sizeof *b);
	pthread_mutex_init(&b->lock, NULL);
	b->cap = cap;
	b->max_bodies = max_bodies;
}

void
gate_budget_free(struct gate_budget *b)
{
	pthread_mutex_destroy(&b->lock);
}

/* Reserves n more bytes for body (and a body slot when new); 0 when there is room. */
static int
reserve(struct gate_budget *b, struct gate_body *body, size_t n)
{
	size_t limit = b->cap;
	int room;

	pthread_mutex_lock(&b->lock);
	if (body->reserved + n > GATE_SMALL_BODY)
		limit = b->cap - b->cap / 8;
	room = n <= limit && b->used <= limit - n && (body->counted || b->bodies < b->max_bodies);
	if (room) {
		b->used += n;
		if (b->used > b->peak)
			b->peak = b->used;
		body->reserved += n;
		if (!body->counted) {
			body->counted = 1;
			b->bodies++;
		}
	} else {
		b->refused++;
	}
	pthread_mutex_unlock(&b->lock);
	return room ? 0 : -1;
}

static int
busy(struct wire_fault *f)
{
	return wire_fault(f, WE_BUSY, -1,
	    "The ledger holds as many request bodies as it may; try again shortly.");
}

int
gate_body_begin(struct gate_budget *b, struct gate_body *body, int64_t expect, size_t max,
    struct wire_fault *f)
{
	size_t first;

	memset(body, 0, sizeof *body);
	body->max = max;
	body->expect = expect;
	if (expect != GATE_CHUNKED && (expect < 0 || (uint64_t)expect > max))
		return too_large(max, f);
	first = expect == GATE_CHUNKED ? (GATE_BODY_STEP < max ? GATE_BODY_STEP : max) :
	    (size_t)expect;
	if (reserve(b, body, first) != 0)
		return busy(f);
	return WE_OK;
}

int
gate_body_take(struct gate_budget *b, struct gate_body *body, const char *data, size_t n,
    struct wire_fault *f)
{
	size_t want, room;

	if (n > body->max - body->len ||
	    (body->expect != GATE_CHUNKED && n > (size_t)body->expect - body->len))
		return too_large(body->max, f);
	if (body->len + n > body->cap) {
		want = body->cap > 0 ? body->cap : GATE_BODY_STEP;
		while (want < body->len + n)
			want *= 2;
		if (body->expect != GATE_CHUNKED)
			want = (size_t)body->expect;	/* all of it was reserved at the start */
		if (want > body->max)
			want = body->max;
		if (want > body->reserved) {
			room = want - body->reserved;
			if (room < GATE_BODY_STEP && body->reserved + GATE_BODY_STEP <= body->max)
				room = GATE_BODY_STEP;
			if (reserve(b, body, room) != 0)
				return busy(f);
		}
		body->buf = xrealloc(body->buf, want);
		body->cap = want;
	}
	memcpy(body->buf + body->len, data, n);
	body->len += n;
	return WE_OK;
}

void
gate_body_end(struct gate_budget *b, struct gate_body *body)
{
	free(body->buf);
	pthread_mutex_lock(&b->lock);
	b->used -= body->reserved;
	if (body->counted)
		b->bodies--;
	pthread_mutex_unlock(&b->lock);
	memset(body, 0, sizeof *body);
}

/* A peer with connections waiting for their head, and how many. */
struct gate_addr {
	struct gate_addr *next;
	unsigned char addr[GATE_ADDR_MAX];
	unsigned len;
	unsigned head;
};

static unsigned
addr_hash(const struct gate_conns *g, const unsigned char *a, unsigned len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	unsigned i;

	for (i = 0; i < len; i++)
		h = (h ^ a[i]) * 16777619u;
	return h & (g->nbuckets - 1);
}

static struct gate_addr **
addr_slot(struct gate_conns *g, const struct gate_conn *c)
{
	struct gate_addr **p = &g->addrs[addr_hash(g, c->addr, c->addr_len)];

	while (*p != NULL && ((*p)->len != c->addr_len || memcmp((*p)->addr, c->addr, c->addr_len)))
		p = &(*p)->next;
	return p;
}

static unsigned
addr_waiting(struct gate_conns *g, const struct gate_conn *c)
{
	struct gate_addr **p = addr_slot(g, c);

	return *p != NULL ? (*p)->head : 0;
}

static void
addr_count(struct gate_conns *g, const struct gate_conn *c, int delta)
{
	struct gate_addr **p = addr_slot(g, c), *a = *p;

	if (a == NULL) {
		if (delta < 0)
			return;
		a = *p = xcalloc(1, sizeof *a);
		memcpy(a->addr, c->addr, c->addr_len);
		a->len = c->addr_len;
	}
	if (delta < 0 && a->head <= 1) {
		*p = a->next;
		free(a);
		return;
	}
	a->head = delta < 0 ? a->head - 1 : a->head + 1;
}

static void
unlink_conn(struct gate_conns *g, struct gate_conn *c)
{
	int ph = c->phase;

	if (ph >= GATE_PHASES)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->first[ph] = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		g->last[ph] = c->prev;
	c->prev = c->next = NULL;
	g->count[ph]--;
	if (ph == GATE_HEAD)
		addr_count(g, c, -1);
}

/* Moves c to the end of phase ph's list (a cut connection stays cut). */
static void
set_phase(struct gate_conns *g, struct gate_conn *c, int ph, int64_t now)
{
	if (c->phase == GATE_CUT)
		return;
	unlink_conn(g, c);
	c->phase = ph;
	c->since = now;
	c->received = 0;
	c->prev = g->last[ph];
	c->next = NULL;
	if (g->last[ph] != NULL)
		g->last[ph]->next = c;
	else
		g->first[ph] = c;
	g->last[ph] = c;
	g->count[ph]++;
	if (ph == GATE_HEAD)
		addr_count(g, c, +1);
}

static void
cut(struct gate_conns *g, struct gate_conn *c)
{
	unlink_conn(g, c);
	c->phase = GATE_CUT;
	if (g->cut != NULL)
		g->cut(g->arg, c);
}

void
gate_conns_init(struct gate_conns *g, unsigned max_head, int64_t head_ms,
    void (*cutfn)(void *, struct gate_conn *), void *arg)
{
	memset(g, 0, sizeof *g);
	pthread_mutex_init(&g->lock, NULL);
	g->nbuckets = 1024;
	g->addrs = xcalloc(g->nbuckets, sizeof *g->addrs);
	g->max_head = max_head > 0 ? max_head : 1;
	g->head_ms = head_ms;
	g->cut = cutfn;
	g->arg = arg;
}

void
gate_conns_free(struct gate_conns *g)
{
	struct gate_addr *a, *next;
	unsigned i;

	for (i = 0; i < g->nbuckets; i++)
		for (a = g->addrs[i]; a != NULL; a = next) {
			next = a->next;
			free(a);
		}
	free(g->addrs);
	pthread_mutex_destroy(&g->lock);
}

/* The oldest waiting connection of the peer with the most waiting. */
static struct gate_conn *
victim(struct gate_conns *g)
{
	struct gate_conn *c, *best = NULL;
	unsigned most = 0, n;

	for (c = g->first[GATE_HEAD]; c != NULL; c = c->next) {
		n = addr_waiting(g, c);
		if (n > most) {
			most = n;
			best = c;
		}
	}
	return best;
}

/* Too many waiting for their head: the oldest of the busiest peer goes, until they fit. */
static void
make_room(struct gate_conns *g)
{
	struct gate_conn *v;

	while (g->count[GATE_HEAD] > g->max_head && (v = victim(g)) != NULL) {
		cut(g, v);
		g->evicted++;
	}
}

struct gate_conn *
gate_conn_open(struct gate_conns *g, const void *addr, size_t len, int fd, int64_t now)
{
	struct gate_conn *c = xcalloc(1, sizeof *c);

	c->addr_len = (unsigned)(len < GATE_ADDR_MAX ? len : GATE_ADDR_MAX);
	memcpy(c->addr, addr, c->addr_len);
	c->fd = fd;
	pthread_mutex_lock(&g->lock);
	c->phase = GATE_HEAD;
	c->since = now;
	c->prev = g->last[GATE_HEAD];
	if (g->last[GATE_HEAD] != NULL)
		g->last[GATE_HEAD]->next = c;
	else
		g->first[GATE_HEAD] = c;
	g->last[GATE_HEAD] = c;
	g->count[GATE_HEAD]++;
	addr_count(g, c, +1);
	make_room(g);
	pthread_mutex_unlock(&g->lock);
	return c;
}

void
gate_conn_close(struct gate_conns *g, struct gate_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	unlink_conn(g, c);
	pthread_mutex_unlock(&g->lock);
	free(c);
}

void
gate_conn_body(struct gate_conns *g, struct gate_conn *c, int64_t now)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	set_phase(g, c, GATE_BODY, now);
	pthread_mutex_unlock(&g->lock);
}

void
gate_conn_received(struct gate_conns *g, struct gate_conn *c, size_t n)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->received += (int64_t)n;
	pthread_mutex_unlock(&g->lock);
}

void
gate_conn_serve(struct gate_conns *g, struct gate_conn *c, int64_t now)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->phase != GATE_SERVE)
		set_phase(g, c, GATE_SERVE, now);
	pthread_mutex_unlock(&g->lock);
}

void
gate_conn_trust(struct gate_conns *g, struct gate_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->trusted = 1;
	pthread_mutex_unlock(&g->lock);
}

int
gate_conn_trusted(const struct gate_conn *c)
{
	return c != NULL && c->trusted;
}

void
gate_conn_closing(struct gate_conn *c)
{
	if (c != NULL)
		c->closing = 1;
}

void
gate_conn_done(struct gate_conns *g, struct gate_conn *c, int64_t now)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (!c->closing) {
		set_phase(g, c, c->trusted ? GATE_SERVE : GATE_HEAD, now);
		make_room(g);
	}
	pthread_mutex_unlock(&g->lock);
}

/* A body behind GATE_MIN_RATE once its grace (the head deadline) is over. */
static int
too_slow(const struct gate_conns *g, const struct gate_conn *c, int64_t now)
{
	int64_t late = now - c->since - g->head_ms;

	return late > 0 && c->received < late * (int64_t)GATE_MIN_RATE / 1000;
}

void
gate_conns_reap(struct gate_conns *g, int64_t now)
{
	struct gate_conn *c, *next;

	pthread_mutex_lock(&g->lock);
	/* Oldest first, all with the same deadline: stop at the first still in time. */
	while ((c = g->first[GATE_HEAD]) != NULL && now - c->since >= g->head_ms) {
		cut(g, c);
		g->cut_head++;
	}
	for (c = g->first[GATE_BODY]; c != NULL; c = next) {
		next = c->next;
		if (too_slow(g, c, now)) {
			cut(g, c);
			g->cut_body++;
		}
	}
	pthread_mutex_unlock(&g->lock);
}

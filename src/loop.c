/*
 * The poll loop.  Watches are an array in the order they were made; timers a binary heap on
 * (due, creation order), so ten thousand timers cost log n each and still fire in order.
 * Callbacks may add and remove anything: removed watches are only marked during a round and
 * swept after it, and a timer leaves the heap before its callback runs.
 */
#include "loop.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "clock.h"
#include "error.h"
#include "xmalloc.h"

struct watch {
	int id, fd;
	short events;
	int dead;		/* unwatched during a round: swept after it */
	void (*fn)(void *, int, short);
	void *arg;
};

struct timer {
	int64_t due;
	int64_t every;		/* 0 for a one-shot timer */
	uint64_t seq;		/* when it was (re)armed: breaks ties, and fences a round */
	int id;
	void (*fn)(void *);
	void *arg;
};

struct loop {
	struct watch *w;
	size_t nw, wcap;
	struct pollfd *pfd;	/* parallel to w[] during a round */
	size_t pcap;
	struct timer *t;	/* min-heap on (due, seq) */
	size_t nt, tcap;
	uint64_t seq;
	int next_id;
	int wrapped;		/* ids went past INT_MAX: a new one must be checked for use */
	int running;		/* inside a round: w[] may grow but not shrink */
	int stopped;
};

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 16;
	return xrealloc(p, *cap * size);
}

static int64_t
add_sat(int64_t a, int64_t b)
{
	return b > INT64_MAX - a ? INT64_MAX : a + b;
}

struct loop *
loop_new(void)
{
	return xcalloc(1, sizeof(struct loop));
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	assert(!l->running);
	free(l->w);
	free(l->pfd);
	free(l->t);
	free(l);
}

/* Ids: one counter for watches and timers, so neither can be mistaken for the other. */

static int
id_used(const struct loop *l, int id)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i].id == id)
			return 1;
	for (i = 0; i < l->nt; i++)
		if (l->t[i].id == id)
			return 1;
	return 0;
}

static int
new_id(struct loop *l)
{
	do {
		if (l->next_id == INT_MAX) {
			l->next_id = 0;
			l->wrapped = 1;
		}
		l->next_id++;
	} while (l->wrapped && id_used(l, l->next_id));
	return l->next_id;
}

/* Watches. */

static struct watch *
find_watch(struct loop *l, int id)
{
	size_t i;

	for (i = 0; i < l->nw; i++)
		if (l->w[i].id == id && !l->w[i].dead)
			return &l->w[i];
	return NULL;
}

static void
sweep(struct loop *l)
{
	size_t i, n = 0;

	for (i = 0; i < l->nw; i++)
		if (!l->w[i].dead)
			l->w[n++] = l->w[i];
	l->nw = n;
}

int
loop_watch(struct loop *l, int fd, short events,
    void (*fn)(void *arg, int fd, short revents), void *arg)
{
	struct watch *w;

	assert(fd >= 0 && fn != NULL);
	if (l->nw >= LOOP_MAX_WATCHES)
		return -1;
	l->w = grow(l->w, &l->wcap, l->nw + 1, sizeof *l->w);
	w = &l->w[l->nw++];
	w->id = new_id(l);
	w->fd = fd;
	w->events = events;
	w->dead = 0;
	w->fn = fn;
	w->arg = arg;
	return w->id;
}

void
loop_watch_events(struct loop *l, int id, short events)
{
	struct watch *w = find_watch(l, id);

	if (w != NULL)
		w->events = events;
}

void
loop_unwatch(struct loop *l, int id)
{
	struct watch *w = find_watch(l, id);

	if (w == NULL)
		return;
	w->dead = 1;
	if (!l->running)
		sweep(l);
}

/* Timers. */

static int
before(const struct timer *a, const struct timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
sift_up(struct timer *t, size_t i)
{
	struct timer x = t[i];

	while (i > 0 && before(&x, &t[(i - 1) / 2])) {
		t[i] = t[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	t[i] = x;
}

static void
sift_down(struct timer *t, size_t n, size_t i)
{
	struct timer x = t[i];
	size_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && before(&t[c + 1], &t[c]))
			c++;
		if (!before(&t[c], &x))
			break;
		t[i] = t[c];
		i = c;
	}
	t[i] = x;
}

static void
heap_push(struct loop *l, const struct timer *x)
{
	l->t = grow(l->t, &l->tcap, l->nt + 1, sizeof *l->t);
	l->t[l->nt] = *x;
	sift_up(l->t, l->nt++);
}

static void
heap_remove(struct loop *l, size_t i)
{
	if (i == --l->nt)
		return;
	l->t[i] = l->t[l->nt];
	if (i > 0 && before(&l->t[i], &l->t[(i - 1) / 2]))
		sift_up(l->t, i);
	else
		sift_down(l->t, l->nt, i);
}

int
loop_timer(struct loop *l, int64_t ms, int repeat, void (*fn)(void *arg), void *arg)
{
	struct timer x;

	assert(fn != NULL && (!repeat || ms > 0));
	if (l->nt >= LOOP_MAX_TIMERS)
		return -1;
	if (ms < 0)
		ms = 0;
	x.due = add_sat(clock_mono_ms(), ms);
	x.every = repeat ? ms : 0;
	x.seq = l->seq++;
	x.id = new_id(l);
	x.fn = fn;
	x.arg = arg;
	heap_push(l, &x);
	return x.id;
}

void
loop_cancel(struct loop *l, int id)
{
	size_t i;

	for (i = 0; i < l->nt; i++)
		if (l->t[i].id == id) {
			heap_remove(l, i);
			return;
		}
}

/* The next time after now on a repeating timer's beat: it fires once however far behind. */
static void
rearm(struct timer *x, int64_t now)
{
	x->due = add_sat(x->due, x->every);
	if (x->due <= now)
		x->due = add_sat(x->due, (now - x->due) / x->every * x->every + x->every);
}

/*
 * Runs the timers due now, earliest first.  Those (re)armed by this round's callbacks sort
 * after every timer that was already due, so the fence stops the round before them and a
 * callback that re-arms itself at 0 ms cannot keep the round going forever.
 */
static void
run_timers(struct loop *l)
{
	int64_t now = clock_mono_ms();
	uint64_t fence = l->seq;
	struct timer x;

	while (l->nt > 0 && l->t[0].due <= now && l->t[0].seq < fence) {
		x = l->t[0];
		heap_remove(l, 0);
		if (x.every > 0) {
			/* Back in the heap before the call, so the callback can cancel it. */
			rearm(&x, now);
			x.seq = l->seq++;
			heap_push(l, &x);
		}
		x.fn(x.arg);
	}
}

/* The round. */

static int
poll_timeout(const struct loop *l, int max_wait_ms)
{
	int64_t wait;

	if (l->nt == 0)
		return max_wait_ms;
	wait = l->t[0].due - clock_mono_ms();
	if (wait < 0)
		wait = 0;
	if (max_wait_ms >= 0 && wait > max_wait_ms)
		wait = max_wait_ms;
	return wait > INT_MAX ? INT_MAX : (int)wait;
}

static void
run_watches(struct loop *l, size_t n)
{
	short always = POLLHUP | POLLERR | POLLNVAL, got;
	size_t i;

	/* w[i] is still pfd[i]'s watch: callbacks only append to w[] or mark entries dead. */
	for (i = 0; i < n; i++) {
		got = l->pfd[i].revents & (l->w[i].events | always);
		if (got != 0 && !l->w[i].dead)
			l->w[i].fn(l->w[i].arg, l->w[i].fd, got);
	}
}

int
loop_run_once(struct loop *l, int max_wait_ms)
{
	size_t i, n = l->nw;
	int ready;

	assert(!l->running);
	if (max_wait_ms < 0 && l->nw == 0 && l->nt == 0)
		return CST_OK;	/* nothing could ever end the wait */
	l->pfd = grow(l->pfd, &l->pcap, n, sizeof *l->pfd);
	for (i = 0; i < n; i++) {
		l->pfd[i].fd = l->w[i].fd;
		l->pfd[i].events = l->w[i].events;
		l->pfd[i].revents = 0;
	}
	ready = poll(l->pfd, (nfds_t)n, poll_timeout(l, max_wait_ms < 0 ? -1 : max_wait_ms));
	if (ready < 0 && errno != EINTR)
		return CST_ERR_IO;
	l->running = 1;
	run_timers(l);
	if (ready > 0)
		run_watches(l, n);
	l->running = 0;
	sweep(l);
	return CST_OK;
}

void
loop_stop(struct loop *l)
{
	l->stopped = 1;
}

int
loop_stopped(const struct loop *l)
{
	return l->stopped;
}

int
loop_run(struct loop *l)
{
	int r = CST_OK;

	l->stopped = 0;
	while (r == CST_OK && !l->stopped && (l->nw > 0 || l->nt > 0))
		r = loop_run_once(l, -1);
	return r;
}

/* Tests for the poll loop: pipes, hang-ups, timers on a set clock, removal inside callbacks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "loop.h"
#include "t.h"

#define T0 1000000	/* the set clock's start */

struct seen {
	struct loop *l;
	int id;		/* the watch or timer itself */
	int other;	/* another id, for cancelling */
	int calls;
	short revents;
	int unwatch;	/* unwatch itself when called */
	int cancel;	/* cancel `other` when called */
	char buf[16];
};

static void
on_fd(void *arg, int fd, short revents)
{
	struct seen *s = arg;

	s->calls++;
	s->revents = revents;
	if ((revents & POLLIN) && read(fd, s->buf, sizeof s->buf) < 0)
		s->buf[0] = '\0';
	if (s->unwatch)
		loop_unwatch(s->l, s->id);
}

static void
on_timer(void *arg)
{
	struct seen *s = arg;

	s->calls++;
	if (s->cancel)
		loop_cancel(s->l, s->other);
	if (s->unwatch)
		loop_cancel(s->l, s->id);
}

static void
test_pipe(void)
{
	struct loop *l = loop_new();
	struct seen s = { 0 };
	int p[2];

	ok(pipe(p) == 0, "pipe");
	s.l = l;
	s.id = loop_watch(l, p[0], POLLIN, on_fd, &s);
	ok(s.id > 0, "watch id > 0");
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 0, "nothing to read: not called");
	ok(write(p[1], "x", 1) == 1, "write");
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 1 && (s.revents & POLLIN) && s.buf[0] == 'x',
	    "called with POLLIN after a write");
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 1, "read: not called again");
	close(p[1]);
	ok(loop_run_once(l, -1) == CST_OK && s.calls == 2 && (s.revents & POLLHUP),
	    "the writer closing is POLLHUP");
	s.unwatch = 1;
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 3, "called again while not unwatched");
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 3, "unwatched from its own callback");
	ok(loop_run_once(l, -1) == CST_OK, "nothing left: -1 returns at once");
	close(p[0]);
	loop_free(l);
}

static void
test_unwatch_other(void)
{
	struct loop *l = loop_new();
	struct seen a = { 0 }, b = { 0 };
	int p[2], q[2];

	ok(pipe(p) == 0 && pipe(q) == 0, "pipes");
	a.l = b.l = l;
	a.id = loop_watch(l, p[0], POLLIN, on_fd, &a);
	b.id = loop_watch(l, q[0], POLLIN, on_fd, &b);
	ok(a.id != b.id, "distinct ids");
	ok(write(p[1], "a", 1) == 1 && write(q[1], "b", 1) == 1, "both ready");
	/* a's callback removes itself; b, later in the same round, must still be called. */
	a.unwatch = 1;
	ok(loop_run_once(l, 0) == CST_OK && a.calls == 1 && b.calls == 1,
	    "a watch after an unwatched one still runs");
	loop_unwatch(l, a.id);
	loop_unwatch(l, 12345);
	ok(1, "unwatching an old or unknown id is harmless");
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
	loop_free(l);
}

static void
test_watch_events(void)
{
	struct loop *l = loop_new();
	struct seen s = { 0 };
	int p[2], id;

	ok(pipe(p) == 0, "pipe");
	s.l = l;
	id = loop_watch(l, p[1], 0, on_fd, &s);
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 0, "no interest: not called");
	loop_watch_events(l, id, POLLOUT);
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 1 && (s.revents & POLLOUT),
	    "POLLOUT added: called");
	loop_watch_events(l, id, 0);
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 1, "POLLOUT removed: not called");
	close(p[0]);
	loop_watch_events(l, id, POLLOUT);
	ok(loop_run_once(l, 0) == CST_OK && s.calls == 2 && (s.revents & POLLERR),
	    "reader gone: POLLERR");
	loop_unwatch(l, id);
	close(p[1]);
	loop_free(l);
}

static int order[8], norder;

static void
on_order(void *arg)
{
	order[norder++] = (int)(intptr_t)arg;
}

static void
test_order(void)
{
	struct loop *l = loop_new();

	clock_set_ms(T0);
	norder = 0;
	loop_timer(l, 30, 0, on_order, (void *)3);
	loop_timer(l, 10, 0, on_order, (void *)1);
	loop_timer(l, 20, 0, on_order, (void *)2);
	loop_timer(l, 10, 0, on_order, (void *)11);	/* same time: after 1, made later */
	loop_timer(l, -5, 0, on_order, (void *)0);	/* negative: due at once */
	ok(loop_run_once(l, 0) == CST_OK && norder == 1 && order[0] == 0, "negative ms is now");
	ok(loop_run_once(l, 0) == CST_OK && norder == 1, "a set clock that stands still: nothing");
	clock_advance_ms(9);
	ok(loop_run_once(l, 0) == CST_OK && norder == 1, "one ms early: nothing");
	clock_advance_ms(21);
	ok(loop_run_once(l, 0) == CST_OK && norder == 5, "all due fire in one round");
	ok(order[1] == 1 && order[2] == 11 && order[3] == 2 && order[4] == 3,
	    "in order of time, then of making");
	ok(loop_run_once(l, 0) == CST_OK && norder == 5, "each once");
	loop_free(l);
	clock_set_ms(0);
}

static void
test_repeat(void)
{
	struct loop *l = loop_new();
	struct seen s = { 0 };
	int i;

	clock_set_ms(T0);
	s.l = l;
	s.id = loop_timer(l, 100, 1, on_timer, &s);
	for (i = 0; i < 5; i++) {
		clock_advance_ms(100);
		loop_run_once(l, 0);
	}
	ok(s.calls == 5, "every 100 ms over 500 ms: 5 calls");
	clock_advance_ms(1050);	/* behind by ten beats, now at +1550 */
	loop_run_once(l, 0);
	ok(s.calls == 6, "fallen behind: fires once");
	clock_advance_ms(49);
	loop_run_once(l, 0);
	ok(s.calls == 6, "keeps its beat: not at +1599");
	clock_advance_ms(1);
	loop_run_once(l, 0);
	ok(s.calls == 7, "keeps its beat: at +1600");
	s.unwatch = 1;	/* cancels itself */
	clock_advance_ms(100);
	loop_run_once(l, 0);
	clock_advance_ms(100);
	loop_run_once(l, 0);
	ok(s.calls == 8, "a repeating timer cancelled from its own callback stops");
	loop_free(l);
	clock_set_ms(0);
}

static void
test_cancel(void)
{
	struct loop *l = loop_new();
	struct seen a = { 0 }, b = { 0 }, c = { 0 };

	clock_set_ms(T0);
	a.l = b.l = c.l = l;
	a.id = loop_timer(l, 10, 0, on_timer, &a);
	b.id = loop_timer(l, 10, 0, on_timer, &b);
	c.id = loop_timer(l, 500, 0, on_timer, &c);
	a.cancel = 1;
	a.other = b.id;
	b.cancel = 1;
	b.other = c.id;
	clock_advance_ms(10);
	loop_run_once(l, 0);
	ok(a.calls == 1 && b.calls == 0, "cancelled inside a callback of the same round");
	clock_advance_ms(1000);
	loop_run_once(l, 0);
	ok(c.calls == 1, "the one the cancelled timer would have cancelled fires");
	loop_cancel(l, a.id);
	loop_cancel(l, 99999);
	ok(1, "cancelling a fired or unknown id is harmless");
	/* A one-shot timer cancelling its own (already spent) id. */
	a.calls = 0;
	a.cancel = 0;
	a.unwatch = 1;
	a.id = loop_timer(l, 0, 0, on_timer, &a);
	loop_run_once(l, 0);
	ok(a.calls == 1, "a one-shot timer may cancel itself");
	loop_free(l);
	clock_set_ms(0);
}

struct again {
	struct loop *l;
	int calls;
};

static void
on_again(void *arg)
{
	struct again *g = arg;

	g->calls++;
	loop_timer(g->l, 0, 0, on_again, g);
}

static void
test_rearm_at_zero(void)
{
	struct loop *l = loop_new();
	struct again g = { l, 0 };

	clock_set_ms(T0);
	loop_timer(l, 0, 0, on_again, &g);
	loop_run_once(l, 0);
	ok(g.calls == 1, "a timer made in a callback waits for the next round");
	loop_run_once(l, 0);
	ok(g.calls == 2, "and fires in it");
	loop_free(l);
	clock_set_ms(0);
}

static int *hits, *delay, late;

static void
on_many(void *arg)
{
	intptr_t i = (intptr_t)arg;

	hits[i]++;
	if (clock_mono_ms() != T0 + delay[i])
		late++;
}

static void
test_many(void)
{
	struct loop *l = loop_new();
	int i, prev = 0, right = 1, ids = 1;
	const int n = 10000;
	int *id = calloc(n, sizeof *id);

	clock_set_ms(T0);
	hits = calloc(n, sizeof *hits);
	delay = calloc(n, sizeof *delay);
	late = 0;
	srand(7);
	for (i = 0; i < n; i++) {
		delay[i] = rand() % 5000;
		id[i] = loop_timer(l, delay[i], 0, on_many, (void *)(intptr_t)i);
		if (id[i] <= prev)
			ids = 0;
		prev = id[i];
	}
	ok(ids, "10,000 timers: increasing ids > 0");
	for (i = 0; i < n; i += 3)
		loop_cancel(l, id[i]);	/* from the middle of the heap, too */
	for (i = 0; i < 5001; i++) {
		loop_run_once(l, 0);
		clock_advance_ms(1);
	}
	for (i = 0; i < n; i++)
		if (hits[i] != (i % 3 ? 1 : 0))
			right = 0;
	ok(right, "10,000 timers: each fires exactly once, the cancelled third never");
	ok(late == 0, "each in the round of its own millisecond");
	ok(loop_run_once(l, -1) == CST_OK, "all spent: -1 returns at once");
	free(hits);
	free(delay);
	free(id);
	loop_free(l);
	clock_set_ms(0);
}

static void
on_stop(void *arg)
{
	struct seen *s = arg;

	if (++s->calls == 3)
		loop_stop(s->l);
}

static void
test_real_clock(void)
{
	struct loop *l = loop_new();
	struct seen s = { 0 };
	int rounds = 0;

	/* No fd at all: only the timer's own timeout can end the wait. */
	clock_set_ms(0);
	s.l = l;
	loop_timer(l, 20, 0, on_timer, &s);
	while (s.calls == 0 && rounds++ < 5)
		ok(loop_run_once(l, -1) == CST_OK, "a round with only a timer");
	ok(s.calls == 1, "the wait ends for the nearest timer");
	s.calls = 0;
	s.id = loop_timer(l, 5, 1, on_stop, &s);
	ok(loop_run(l) == CST_OK && loop_stopped(l) && s.calls == 3, "loop_run until loop_stop");
	loop_cancel(l, s.id);
	loop_timer(l, 1, 0, on_timer, &s);
	ok(loop_run(l) == CST_OK && !loop_stopped(l) && s.calls == 4,
	    "loop_run clears the stop and returns when nothing is left");
	loop_free(l);
}

int
main(void)
{
	alarm(60);	/* a wait that never ends fails the test instead of hanging it */
	test_pipe();
	test_unwatch_other();
	test_watch_events();
	test_order();
	test_repeat();
	test_cancel();
	test_rearm_at_zero();
	test_many();
	test_real_clock();
	loop_free(NULL);
	return t_done();
}

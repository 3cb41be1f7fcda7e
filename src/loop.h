/*
 * The console's one poll(2) loop: file descriptors and timers on clock_mono_ms().  Callbacks
 * run briefly and return; nothing may block the loop.
 */
#ifndef CUSTODY_LOOP_H
#define CUSTODY_LOOP_H

#include <poll.h>
#include <stdint.h>

/* Beyond these something is leaking watches or timers: loop_watch and loop_timer return -1. */
#define LOOP_MAX_WATCHES 65536
#define LOOP_MAX_TIMERS (1 << 20)

struct loop;

struct loop *loop_new(void);
/* Not from inside one of its callbacks. */
void loop_free(struct loop *l);

/*
 * Watches fd (>= 0) for events (POLLIN/POLLOUT); fn is called with the revents, which may
 * include POLLHUP, POLLERR or POLLNVAL (a closed pipe, an unplugged device): a callback that
 * gets those must unwatch or the loop calls it again at once.  Returns a watch id > 0.
 */
int loop_watch(struct loop *l, int fd, short events,
    void (*fn)(void *arg, int fd, short revents), void *arg);
/* Changes the interest of watch id, e.g. to add POLLOUT while there is output. */
void loop_watch_events(struct loop *l, int id, short events);
/* Safe inside any callback, also for its own id; an unknown or old id is ignored. */
void loop_unwatch(struct loop *l, int id);

/*
 * Calls fn once after ms (a negative ms counts as 0), or every ms (> 0) when repeat, on
 * clock_mono_ms().  A repeating timer that fell behind fires once and keeps its phase.  Timers
 * due at the same time fire in the order they were made.  Returns a timer id > 0.
 */
int loop_timer(struct loop *l, int64_t ms, int repeat, void (*fn)(void *arg), void *arg);
/* Safe inside any callback, also for its own id; an unknown or fired id is ignored. */
void loop_cancel(struct loop *l, int id);

/*
 * One round: waits at most max_wait_ms (-1: until a watch is ready or a timer is due), then
 * runs the due timers and the ready watches.  Timers made during the round wait for the next.
 * Returns CST_OK (also when interrupted by a signal, or at once when there is nothing to wait
 * for), or CST_ERR_IO when poll fails otherwise.
 */
int loop_run_once(struct loop *l, int max_wait_ms);
void loop_stop(struct loop *l);
int loop_stopped(const struct loop *l);
/* Runs rounds until loop_stop (it clears an earlier stop) or nothing is left to wait for. */
int loop_run(struct loop *l);

#endif

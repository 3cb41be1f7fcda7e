/* The one clock: every timestamp comes from here so tests can set time. */
#ifndef CUSTODY_CLOCK_H
#define CUSTODY_CLOCK_H

#include <stdint.h>

/* Wall-clock milliseconds since the Unix epoch (or the time tests set). */
int64_t clock_now_ms(void);
/* Monotonic milliseconds, for timeouts and backoff (moves with the set time too). */
int64_t clock_mono_ms(void);
/* Tests: freeze the wall clock at ms (and move the monotonic clock with it); 0 returns to real time. */
void clock_set_ms(int64_t ms);
/* Tests: move a set clock forward. */
void clock_advance_ms(int64_t ms);
/*
 * Test builds only: CUSTODY_TEST_CLOCK_MS from the environment, if set, starts the wall clock
 * at that time; it runs on from there (the monotonic clock is the real one).
 */
void clock_from_env(void);
#ifdef CUSTODY_TEST_HOOKS
/* Test builds: the wall clock jumps by ms (set by hand, a bad NTP step); the monotonic does not. */
void clock_jump_wall_ms(int64_t ms);
#endif

#endif

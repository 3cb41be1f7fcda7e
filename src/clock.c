/* The one clock, settable by tests. */
#include "clock.h"

#include <stdlib.h>
#include <time.h>

static int64_t fixed_ms;	/* 0: real time */
static int64_t wall_offset_ms;	/* added to the real wall clock (CUSTODY_TEST_CLOCK_MS) */
static int64_t fixed_jump_ms;	/* tests: the set wall clock jumped, the monotonic one did not */

static int64_t
read_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_now_ms(void)
{
	return fixed_ms ? fixed_ms + fixed_jump_ms : read_clock(CLOCK_REALTIME) + wall_offset_ms;
}

int64_t
clock_mono_ms(void)
{
	return fixed_ms ? fixed_ms : read_clock(CLOCK_MONOTONIC);
}

void
clock_set_ms(int64_t ms)
{
	fixed_ms = ms;
	fixed_jump_ms = 0;
}

void
clock_advance_ms(int64_t ms)
{
	if (fixed_ms)
		fixed_ms += ms;
}

#ifdef CUSTODY_TEST_HOOKS
void
clock_jump_wall_ms(int64_t ms)
{
	if (fixed_ms)
		fixed_jump_ms += ms;
	else
		wall_offset_ms += ms;
}
#endif

void
clock_from_env(void)
{
#ifdef CUSTODY_TEST_HOOKS
	/* Only test builds read it: a shipped terminal's clock cannot be set from outside. */
	const char *s = getenv("CUSTODY_TEST_CLOCK_MS");
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return;
	v = strtoll(s, &end, 10);
	/* The wall clock starts there and runs, so timers, backoff and the idle lock work. */
	if (*end == '\0' && v > 0)
		wall_offset_ms = v - read_clock(CLOCK_REALTIME);
#endif
}

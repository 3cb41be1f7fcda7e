/* The test harness: ok() records a check, t_done() prints "N passed, N failed". */
#ifndef CUSTODY_T_H
#define CUSTODY_T_H

#include <stdio.h>

static int t_passed, t_failed;

static inline int
t_ok(int cond, const char *file, int line, const char *what)
{
	if (cond) {
		t_passed++;
	} else {
		t_failed++;
		fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
	}
	return cond;
}

#define ok(cond, what) t_ok(!!(cond), __FILE__, __LINE__, (what))

static inline int
t_done(void)
{
	printf("%d passed, %d failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

#endif

/*
 * bench/console: the real console on a pseudo-terminal (100×30), on the bench/search
 * database (PERSONS persons, default 1,000,000; run bench/search first). Logs in, then times
 * 2,000 keystrokes from the write of the key to the end of the repaint it causes (the last
 * byte before 20 ms of silence, which is not counted): Down in the area list and characters
 * typed into the find field. Prints p50/p99 in ms and the console's peak RSS (VmHWM).
 * Goals: p99 under 16 ms, RSS under 20 MiB.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "authority.h"
#include "operator.h"
#include "terminal.h"

#define KEYS 1000
#define QUIET_MS 20

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Reads until QUIET_MS of silence; returns the time of the last byte (or start). */
static double
drain(int fd, double start)
{
	char buf[65536];
	struct pollfd p = { fd, POLLIN, 0 };
	double last = start;

	while (poll(&p, 1, QUIET_MS) > 0) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n <= 0)
			break;
		last = now_ms();
	}
	return last;
}

static void
send_keys(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		perror("write");
}

static void
measure(int fd, const char *what, const char *const *keys, int nkeys)
{
	static double lat[KEYS];
	int i;

	for (i = 0; i < KEYS; i++) {
		double t0 = now_ms();

		send_keys(fd, keys[i % nkeys]);
		lat[i] = drain(fd, t0) - t0;
	}
	qsort(lat, KEYS, sizeof lat[0], cmp_double);
	printf("%-32s p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", what, lat[KEYS / 2],
	    lat[KEYS * 99 / 100], lat[KEYS - 1]);
}

static long
peak_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kib = atol(line + 6);
	fclose(f);
	return kib;
}

static void
ensure_operator(const char *dir)
{
	struct authority a;
	struct terminal *t;
	struct operator op;
	struct errmsg em;

	if (terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "bench/console: %s (run bench/search first)\n", em.text);
		exit(1);
	}
	/* A center key of the bench's own: the journal pins it with this first operator. */
	authority_new_center(&a, "bench");
	if (operator_get(t->journal, "b1", &op, NULL) != CST_OK &&
	    operator_add(t->journal, &a, "b1", "测试员", "clerk", "bench-pass-1", &em) !=
	    CST_OK) {
		fprintf(stderr, "bench/console: %s\n", em.text);
		exit(1);
	}
	terminal_close(t);
}

int
main(void)
{
	static const char *const down_up[] = { "\033OB", "\033OB", "\033OA", "\033OA" };
	static const char *const typing[] = { "张", "三", "\177", "\177" };
	const char *env = getenv("PERSONS");
	struct winsize ws = { 30, 100, 0, 0 };
	char dir[256], bin[] = "build/custody";
	pid_t pid;
	int fd, status;

	snprintf(dir, sizeof dir, "build/bench-search-%ld", env ? atol(env) : 1000000L);
	ensure_operator(dir);
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LANG", "zh_CN.UTF-8", 1);
		execl(bin, bin, "run", "--data", dir, (char *)NULL);
		_exit(127);
	}
	drain(fd, now_ms());
	send_keys(fd, "b1\tbench-pass-1\r");
	usleep(500000);
	drain(fd, now_ms());
	printf("bench/console: %s, %d keystrokes each\n", dir, KEYS);
	measure(fd, "Down/Up in the area list", down_up, 4);
	send_keys(fd, "/");
	drain(fd, now_ms());
	measure(fd, "typing in the find field", typing, 4);
	printf("peak RSS of the console: %.1f MiB\n", peak_rss_kib(pid) / 1024.0);
	send_keys(fd, "\033");
	drain(fd, now_ms());
	send_keys(fd, "\033[21~\033[21~");
	usleep(300000);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	return 0;
}

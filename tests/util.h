/* Test helpers: temporary directories, running the real binaries, reading their output. */
#ifndef CUSTODY_TEST_UTIL_H
#define CUSTODY_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* A new empty directory under $TMPDIR (or /tmp); the caller frees the string. */
static inline char *
t_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(PATH_MAX);

	snprintf(path, PATH_MAX, "%s/custody-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	if (mkdtemp(path) == NULL) {
		perror("mkdtemp");
		exit(99);
	}
	return path;
}

static inline int
t_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
t_rmrf(const char *path)
{
	nftw(path, t_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Path of a built program: $CUSTODY_BUILD/name (tests/run.sh sets it). */
static inline const char *
t_bin(const char *name)
{
	static char path[PATH_MAX];
	const char *build = getenv("CUSTODY_BUILD");

	snprintf(path, sizeof path, "%s/%s", build && *build ? build : "build/test", name);
	return path;
}

static inline char *
t_slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	for (;;) {
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/* When non-zero, children started by t_run get this RLIMIT_FSIZE (a disk that fills up). */
static long t_child_fsize;

struct t_buf {
	char *p;
	size_t len, cap;
};

/* Reads both pipes to their ends at once, so a child filling either never blocks. */
static inline void
t_collect(int fd_out, int fd_err, char **out, char **err)
{
	struct t_buf b[2] = { { malloc(4096), 0, 4096 }, { malloc(4096), 0, 4096 } };
	struct pollfd p[2] = { { fd_out, POLLIN, 0 }, { fd_err, POLLIN, 0 } };
	int open_fds = 2, i;

	while (open_fds > 0) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (b[i].len + 4097 > b[i].cap)
				b[i].p = realloc(b[i].p, b[i].cap *= 2);
			n = read(p[i].fd, b[i].p + b[i].len, 4096);
			if (n > 0) {
				b[i].len += (size_t)n;
			} else if (n == 0 || errno != EINTR) {
				close(p[i].fd);
				p[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (i = 0; i < 2; i++)
		b[i].p[b[i].len] = '\0';
	*out = b[0].p;
	*err = b[1].p;
}

struct t_result {
	int status;	/* exit code, or 128 + signal */
	char *out, *err;
};

static inline void
t_result_free(struct t_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/*
 * Runs argv (argv[0] a path) with extra "NAME=value" environment entries (NULL-terminated
 * list, may be NULL), optional standard input, and collects its output.
 */
static inline struct t_result
t_run(char *const argv[], char *const env_extra[], const char *input)
{
	struct t_result r = { -1, NULL, NULL };
	int in[2], out[2], err[2], ws;
	pid_t pid;

	if (pipe(in) || pipe(out) || pipe(err)) {
		perror("pipe");
		exit(99);
	}
	pid = fork();
	if (pid == 0) {
		size_t i;

		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		for (i = 0; env_extra && env_extra[i]; i++)
			putenv(env_extra[i]);
		if (t_child_fsize > 0) {
			struct rlimit rl = { (rlim_t)t_child_fsize, (rlim_t)t_child_fsize };

			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input != NULL && write(in[1], input, strlen(input)) < 0)
		perror("write");
	close(in[1]);
	t_collect(out[0], err[0], &r.out, &r.err);
	waitpid(pid, &ws, 0);
	r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return r;
}

/* Runs the custody binary with up to 15 arguments (NULL-terminated). */
static inline struct t_result
t_custody_env(char *const env_extra[], const char *input, ...)
{
	char *argv[18];
	va_list ap;
	int i = 0;

	argv[i++] = (char *)t_bin("custody");
	va_start(ap, input);
	while (i < 17 && (argv[i] = va_arg(ap, char *)) != NULL)
		i++;
	va_end(ap);
	argv[i] = NULL;
	return t_run(argv, env_extra, input);
}

#define t_custody(...) t_custody_env(NULL, NULL, __VA_ARGS__, (char *)NULL)

static inline int
t_has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static inline int
t_write_file(const char *path, const void *data, size_t n, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (write(fd, data, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

#endif

/*
 * A fault-injecting HTTPS proxy for the sync tests: terminates TLS on a loopback port with the
 * test's certificate, forwards each HTTP request to the ledger over TLS, and on the control
 * file's word resets mid-request, resets mid-response, answers 500, answers late or never.
 *
 * usage: faultproxy CONTROL_FILE UPSTREAM_PORT CERT KEY
 * Prints the port it listens on (127.0.0.1) on the first line of standard output. CONTROL_FILE
 * holds a struct fp_ctl (tests/faultproxy.h) that the test maps and changes while it runs.
 * One process per connection, blocking I/O: it is a test tool, not a server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultproxy.h"

#define HEAD_MAX 65536
#define BODY_MAX (64u << 20)

static struct fp_ctl *ctl;
static SSL_CTX *server_ctx, *client_ctx;
static int upstream_port;

struct msg {
	char *buf;		/* head and body */
	size_t head_len, len;
};

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Closes with a TCP reset: SO_LINGER with a zero timeout. */
static void
reset(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

static long
content_length(const char *head, size_t n)
{
	const char *p = head, *end = head + n;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol == NULL)
			break;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return strtol(p + 15, NULL, 10);
		p = eol + 1;
	}
	return 0;
}

/* Reads one HTTP message (head up to the blank line, then Content-Length bytes): 0 on success. */
static int
read_msg(SSL *ssl, struct msg *m)
{
	size_t cap = HEAD_MAX;
	char *p;
	long clen;
	int n;

	m->buf = malloc(cap);
	m->len = 0;
	for (;;) {
		if (m->len + 1 >= HEAD_MAX)
			return -1;
		n = SSL_read(ssl, m->buf + m->len, (int)(HEAD_MAX - 1 - m->len));
		if (n <= 0)
			return -1;
		m->len += (size_t)n;
		m->buf[m->len] = '\0';
		if ((p = strstr(m->buf, "\r\n\r\n")) != NULL)
			break;
	}
	m->head_len = (size_t)(p + 4 - m->buf);
	clen = content_length(m->buf, m->head_len);
	if (clen < 0 || (unsigned long)clen > BODY_MAX)
		return -1;
	if (m->head_len + (size_t)clen > cap)
		m->buf = realloc(m->buf, cap = m->head_len + (size_t)clen + 1);
	while (m->len < m->head_len + (size_t)clen) {
		n = SSL_read(ssl, m->buf + m->len, (int)(m->head_len + (size_t)clen - m->len));
		if (n <= 0)
			return -1;
		m->len += (size_t)n;
	}
	return 0;
}

static int
write_all(SSL *ssl, const char *p, size_t n)
{
	while (n > 0) {
		int w = SSL_write(ssl, p, (int)(n > 65536 ? 65536 : n));

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static SSL *
connect_upstream(int *fd)
{
	struct sockaddr_in a;
	SSL *ssl;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)upstream_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((*fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return NULL;
	if (connect(*fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(*fd);
		return NULL;
	}
	ssl = SSL_new(client_ctx);
	SSL_set_fd(ssl, *fd);
	if (SSL_connect(ssl) != 1) {
		SSL_free(ssl);
		close(*fd);
		return NULL;
	}
	return ssl;
}

/* The fault for this request: the mode while faults are left, else FP_PASS. */
static int
take_fault(void)
{
	int left = __atomic_load_n(&ctl->left, __ATOMIC_SEQ_CST);
	int skip = __atomic_load_n(&ctl->skip, __ATOMIC_SEQ_CST);

	while (skip > 0 && left != 0) {
		if (__atomic_compare_exchange_n(&ctl->skip, &skip, skip - 1, 0, __ATOMIC_SEQ_CST,
		    __ATOMIC_SEQ_CST))
			return FP_PASS;
	}

	while (left != 0) {
		if (__atomic_compare_exchange_n(&ctl->left, &left, left > 0 ? left - 1 : left, 0,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			__atomic_add_fetch(&ctl->faults, 1, __ATOMIC_SEQ_CST);
			return __atomic_load_n(&ctl->mode, __ATOMIC_SEQ_CST);
		}
	}
	return FP_PASS;
}

static const char answer_500[] = "HTTP/1.1 500 Internal Server Error\r\n"
    "Content-Type: application/json\r\nContent-Length: 66\r\n\r\n"
    "{\"error\":{\"code\":\"internal\",\"message\":\"the fault proxy says 500\"}}";

/* Serves one client connection until it closes or a fault ends it. */
static void
serve(int cfd)
{
	SSL *c = SSL_new(server_ctx), *u = NULL;
	struct msg req, resp;
	int ufd = -1, fault;

	SSL_set_fd(c, cfd);
	if (SSL_accept(c) != 1)
		_exit(0);
	for (;;) {
		memset(&req, 0, sizeof req);
		memset(&resp, 0, sizeof resp);
		if (read_msg(c, &req) != 0)
			break;
		__atomic_add_fetch(&ctl->requests, 1, __ATOMIC_SEQ_CST);
		fault = take_fault();
		if (fault == FP_ANSWER_500) {
			if (write_all(c, answer_500, sizeof answer_500 - 1) != 0)
				break;
			free(req.buf);
			continue;
		}
		if (fault == FP_STALL) {
			struct pollfd p = { cfd, POLLIN, 0 };

			poll(&p, 1, 120000);	/* until the client gives up */
			break;
		}
		if (fault == FP_HOLD) {
			/* The request waits here, as on a slow network, until the test lets it go. */
			__atomic_add_fetch(&ctl->held, 1, __ATOMIC_SEQ_CST);
			while (!__atomic_load_n(&ctl->release, __ATOMIC_SEQ_CST))
				msleep(5);
			__atomic_sub_fetch(&ctl->held, 1, __ATOMIC_SEQ_CST);
		}
		if (u == NULL && (u = connect_upstream(&ufd)) == NULL) {
			reset(cfd);
			_exit(0);
		}
		if (fault == FP_RESET_REQUEST) {
			/* The head and half the body reach the ledger, then both sides are cut. */
			write_all(u, req.buf, req.head_len + (req.len - req.head_len) / 2);
			msleep(50);
			reset(ufd);
			reset(cfd);
			_exit(0);
		}
		if (write_all(u, req.buf, req.len) != 0 || read_msg(u, &resp) != 0) {
			reset(cfd);
			_exit(0);
		}
		if (fault == FP_RESET_RESPONSE) {
			/* The ledger did the work; the client sees half an answer. */
			write_all(c, resp.buf, resp.len / 2);
			reset(cfd);
			_exit(0);
		}
		if (fault == FP_SLOW) {
			size_t half = resp.len / 2;

			msleep(ctl->delay_ms);
			if (write_all(c, resp.buf, half) != 0)
				break;
			msleep(ctl->delay_ms);
			if (write_all(c, resp.buf + half, resp.len - half) != 0)
				break;
		} else if (write_all(c, resp.buf, resp.len) != 0) {
			break;
		}
		free(req.buf);
		free(resp.buf);
	}
	_exit(0);
}

static SSL_CTX *
make_server_ctx(const char *cert, const char *key)
{
	SSL_CTX *x = SSL_CTX_new(TLS_server_method());

	if (x == NULL || SSL_CTX_use_certificate_chain_file(x, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(x, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		exit(2);
	}
	return x;
}

static void
reap(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int lfd, fd, one = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: faultproxy CONTROL_FILE UPSTREAM_PORT CERT KEY\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDWR)) < 0 ||
	    (ctl = mmap(NULL, sizeof *ctl, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) ==
	    MAP_FAILED) {
		perror(argv[1]);
		return 2;
	}
	close(fd);
	upstream_port = atoi(argv[2]);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, reap);
	server_ctx = make_server_ctx(argv[3], argv[4]);
	client_ctx = SSL_CTX_new(TLS_client_method());	/* the test's own ledger: no check */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0) {
		perror("faultproxy: listen");
		return 2;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		pid_t pid;

		if ((fd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		__atomic_add_fetch(&ctl->connections, 1, __ATOMIC_SEQ_CST);
		if ((pid = fork()) == 0) {
			close(lfd);
			serve(fd);
		}
		close(fd);
	}
}

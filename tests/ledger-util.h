/*
 * Helpers for the ledger's test and benchmark: certificates made with the openssl command,
 * custody-ledger started on a free loopback port, terminals that make signed events, and
 * signed HTTPS requests through libcurl.
 */
#ifndef CUSTODY_LEDGER_UTIL_H
#define CUSTODY_LEDGER_UTIL_H

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"
#include "json.h"
#include "ledger/wire.h"

/* A CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, in dir. */
static inline int
lt_certs(const char *dir)
{
	char cmd[4096];

	snprintf(cmd, sizeof cmd, "cd '%s' && exec >openssl.log 2>&1 && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
	    "-out ca.pem -days 2 -subj /CN=custody-test-ca && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout srv.key "
	    "-out srv.csr -subj /CN=localhost && "
	    "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' "
	    ">srv.ext && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	    "-out srv.pem -days 2 -extfile srv.ext && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout cli.key "
	    "-out cli.csr -subj /CN=intake-01 && printf 'extendedKeyUsage=clientAuth\\n' >cli.ext && "
	    "openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem "
	    "-days 2 -extfile cli.ext && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key "
	    "-out other.pem -days 2 -subj /CN=someone-else", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static inline unsigned
lt_free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* The client side: where the ledger is and how to reach it. */
struct lt_ctx {
	char dir[512];
	char base[64];		/* https://127.0.0.1:PORT */
	char ca[600], cert[600], key[600];	/* cert/key: a client certificate, or empty */
	const char *ledger_bin;
	char from[64];		/* the local address requests come from (127.0.0.N), or "" */
	long timeout_s;		/* a request's whole time limit; 0: 60 s */
};

struct lt_resp {
	long code;
	char type[80];		/* Content-Type, or "" */
	char *body;
	size_t len;
	struct json *json;	/* parsed body, or NULL */
	int curl_rc;
};

static inline void
lt_resp_free(struct lt_resp *r)
{
	free(r->body);
	json_free(r->json);
	memset(r, 0, sizeof *r);
}

/* "code" of an error answer, or "" */
static inline const char *
lt_err(const struct lt_resp *r)
{
	const char *c = json_get_str(json_get(r->json, "error"), "code");

	return c != NULL ? c : "";
}

/* 1 when the answer is code with error err (or ""); else says what came, and 0. */
static inline int
lt_is(const struct lt_resp *r, long code, const char *err)
{
	if (r->code == code && strcmp(lt_err(r), err) == 0)
		return 1;
	fprintf(stderr, "  got %ld %s (curl %d): %.300s\n", r->code, lt_err(r), r->curl_rc,
	    r->body != NULL ? r->body : "");
	return 0;
}

static inline int64_t
lt_int(const struct json *v, const char *key)
{
	int64_t n = -1;

	if (json_get_int(v, key, &n) != CST_OK)
		return -1;
	return n;
}

static size_t
lt_sink(char *p, size_t size, size_t n, void *arg)
{
	struct lt_resp *r = arg;

	r->body = realloc(r->body, r->len + size * n + 1);
	memcpy(r->body + r->len, p, size * n);
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

/* A body that curl reads through a callback: stops (aborting the transfer) after stop bytes. */
struct lt_feed {
	const char *p;
	size_t len, off, stop;
	int zeros;		/* feed zero bytes instead of p */
};

static size_t
lt_feed_read(char *buf, size_t size, size_t n, void *arg)
{
	struct lt_feed *f = arg;
	size_t k = size * n;

	if (f->off >= f->stop)
		return f->stop < f->len ? CURL_READFUNC_ABORT : 0;
	if (k > f->stop - f->off)
		k = f->stop - f->off;
	if (f->zeros)
		memset(buf, 'x', k);
	else
		memcpy(buf, f->p + f->off, k);
	f->off += k;
	return k;
}

/*
 * One request. hdrs: NULL-terminated extra headers. feed: when not NULL, the body comes from
 * it (announced as feed->len, or chunked when chunked) instead of body/len.
 */
static inline struct lt_resp
lt_request(const struct lt_ctx *c, const char *method, const char *path, const char *body,
    size_t len, char *const hdrs[], struct lt_feed *feed, int chunked)
{
	struct lt_resp r;
	struct curl_slist *h = NULL;
	char url[1024];
	CURL *e = curl_easy_init();
	size_t i;

	memset(&r, 0, sizeof r);
	snprintf(url, sizeof url, "%s%s", c->base, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CAINFO, c->ca);
	if (c->cert[0] != '\0') {
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->key);
	}
	curl_easy_setopt(e, CURLOPT_TIMEOUT, c->timeout_s > 0 ? c->timeout_s : 60L);
	if (c->from[0] != '\0') {
		char iface[80];

		snprintf(iface, sizeof iface, "host!%s", c->from);
		curl_easy_setopt(e, CURLOPT_INTERFACE, iface);
	}
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, lt_sink);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r);
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		h = curl_slist_append(h, hdrs[i]);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (chunked)
		h = curl_slist_append(h, "Transfer-Encoding: chunked");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	/* A body goes with POST, or with any other method when one is given. */
	if (strcmp(method, "POST") == 0 || body != NULL || feed != NULL) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
		if (feed != NULL) {
			curl_easy_setopt(e, CURLOPT_READFUNCTION, lt_feed_read);
			curl_easy_setopt(e, CURLOPT_READDATA, feed);
			if (!chunked)
				curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)feed->len);
		} else {
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
			curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		}
	} else if (strcmp(method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}
	r.curl_rc = (int)curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.code);
	{
		char *ct = NULL;

		if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
			snprintf(r.type, sizeof r.type, "%s", ct);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	if (r.body != NULL)
		json_parse(r.body, r.len, &r.json, NULL);
	return r;
}

/* A terminal as the tests play it: its key and the head of its chain. */
struct lt_term {
	char name[EV_MAX_ID + 1];
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	int64_t seq;
	unsigned char last[CRY_HASH_BYTES];
};

static inline void
lt_term_init(struct lt_term *t, const char *name)
{
	unsigned char seed[CRY_SEED_BYTES];

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	cry_keypair_new(seed, t->pk, t->sk);
}

/* The signature headers of a request by t, at time ms. */
struct lt_auth {
	char h[4][300];
	char *list[5];
};

static inline void
lt_sign(const struct lt_term *t, const unsigned char *sk, const char *method, const char *path,
    const char *body, size_t len, int64_t ms, struct lt_auth *a)
{
	char tm[WIRE_TIME_TEXT], nonce[WIRE_NONCE_HEX + 1], sig[WIRE_SIG_HEX + 1];
	int i;

	wire_request_sign(sk != NULL ? sk : t->sk, method, path, body, len, ms, tm, nonce, sig);
	snprintf(a->h[0], sizeof a->h[0], "X-Custody-Terminal: %s", t->name);
	snprintf(a->h[1], sizeof a->h[1], "X-Custody-Time: %s", tm);
	snprintf(a->h[2], sizeof a->h[2], "X-Custody-Nonce: %s", nonce);
	snprintf(a->h[3], sizeof a->h[3], "X-Custody-Signature: %s", sig);
	for (i = 0; i < 4; i++)
		a->list[i] = a->h[i];
	a->list[4] = NULL;
}

/* A signed request by t now. */
static inline struct lt_resp
lt_call(const struct lt_ctx *c, const struct lt_term *t, const char *method, const char *path,
    const char *body, size_t len)
{
	struct lt_auth a;

	lt_sign(t, NULL, method, path, body != NULL ? body : "", len, clock_now_ms(), &a);
	return lt_request(c, method, path, body, len, a.list, NULL, 0);
}

/* t's next event (not yet its head: lt_advance makes it so), signed by sk or t's key. */
static inline void
lt_event(const struct lt_term *t, struct event *ev, const char *kind, const char *body,
    const unsigned char *sk)
{
	char pkhex[2 * CRY_PK_BYTES + 1], buf[512];

	memset(ev, 0, sizeof *ev);
	snprintf(ev->terminal, sizeof ev->terminal, "%s", t->name);
	ev->seq = t->seq + 1;
	ev->ts = 1763880000000LL + ev->seq;
	snprintf(ev->operator_, sizeof ev->operator_, "%s", ev->seq == 1 ? "system" : "c1");
	if (ev->seq == 1) {
		hex_encode(t->pk, sizeof t->pk, pkhex);
		snprintf(buf, sizeof buf, "{\"terminal\":\"%s\",\"room\":\"intake\","
		    "\"public_key\":\"%s\",\"suite\":\"ed25519-blake2b256\"}", t->name, pkhex);
		snprintf(ev->kind, sizeof ev->kind, "terminal.created");
		snprintf(ev->subject, sizeof ev->subject, "%s", t->name);
		event_set_body(ev, buf, strlen(buf));
	} else {
		snprintf(ev->kind, sizeof ev->kind, "%s", kind);
		snprintf(ev->subject, sizeof ev->subject, "V-%lld", (long long)ev->seq);
		event_set_body(ev, body, strlen(body));
	}
	memcpy(ev->prev, t->last, sizeof ev->prev);
	event_seal(ev, sk != NULL ? sk : t->sk);
}

static inline void
lt_advance(struct lt_term *t, const struct event *ev)
{
	t->seq = ev->seq;
	memcpy(t->last, ev->hash, sizeof t->last);
}

/* n next events of t appended to the push body being written in w, t advanced. */
static inline void
lt_more(struct lt_term *t, struct jw *w, int n)
{
	struct event ev;
	int i;

	for (i = 0; i < n; i++) {
		lt_event(t, &ev, "person.registered", "{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\"}", NULL);
		wire_event_write(w, &ev, 0);
		lt_advance(t, &ev);
		event_clear(&ev);
	}
}

static inline void
lt_push_begin(struct jw *w)
{
	jw_init(w);
	jw_obj_begin(w);
	jw_key(w, "events");
	jw_arr_begin(w);
}

static inline const char *
lt_push_end(struct jw *w, size_t *len)
{
	jw_arr_end(w);
	jw_obj_end(w);
	return jw_text(w, len);
}

/* A handle for many pushes on one kept connection (lt_push_on); curl_easy_cleanup it. */
static inline CURL *
lt_push_open(const struct lt_ctx *c)
{
	char url[128];
	CURL *e = curl_easy_init();

	snprintf(url, sizeof url, "%s/v1/events", c->base);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CAINFO, c->ca);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, lt_sink);
	return e;
}

/* One signed push of evs[0..n) on e: the answer in r (lt_resp_free), r->code 0 when none. */
static inline void
lt_push_on(CURL *e, const struct lt_term *t, const struct event *evs, int n, struct lt_resp *r)
{
	struct curl_slist *h = NULL;
	struct lt_auth a;
	const char *body;
	struct jw w;
	size_t len;
	int k;

	lt_push_begin(&w);
	for (k = 0; k < n; k++)
		wire_event_write(&w, &evs[k], 0);
	body = lt_push_end(&w, &len);
	lt_sign(t, NULL, "POST", "/v1/events", body, len, clock_now_ms(), &a);
	for (k = 0; k < 4; k++)
		h = curl_slist_append(h, a.h[k]);
	h = curl_slist_append(h, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	memset(r, 0, sizeof *r);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	if (curl_easy_perform(e) != CURLE_OK)
		r->code = 0;
	else
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->code);
	curl_slist_free_all(h);
	jw_free(&w);
}

/* What else a started ledger gets: a file size limit, more environment. */
struct lt_limits {
	rlim_t fsize;		/* RLIMIT_FSIZE in bytes, or 0 to leave it */
	const char *env[4];	/* NAME=VALUE, NULL-terminated */
};

/* Starts custody-ledger serve with extra arguments (NULL-terminated); its stderr to log. */
static inline pid_t
lt_start_with(struct lt_ctx *c, const char *db, unsigned port, const char *log,
    char *const extra[], const struct lt_limits *lim)
{
	char listen[64], cert[600], key[600];
	char *argv[40];
	int n = 0, i, fd;
	pid_t pid;

	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	snprintf(cert, sizeof cert, "%s/srv.pem", c->dir);
	snprintf(key, sizeof key, "%s/srv.key", c->dir);
	snprintf(c->base, sizeof c->base, "https://127.0.0.1:%u", port);
	argv[n++] = (char *)c->ledger_bin;
	argv[n++] = "serve";
	argv[n++] = "--db";
	argv[n++] = (char *)db;
	argv[n++] = "--listen";
	argv[n++] = listen;
	argv[n++] = "--cert";
	argv[n++] = cert;
	argv[n++] = "--key";
	argv[n++] = key;
	for (i = 0; extra != NULL && extra[i] != NULL && n < 39; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	if ((pid = fork()) == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		for (i = 0; lim != NULL && i < 4 && lim->env[i] != NULL; i++)
			putenv((char *)lim->env[i]);
		if (lim != NULL && lim->fsize > 0) {
			struct rlimit rl;

			getrlimit(RLIMIT_FSIZE, &rl);
			rl.rlim_cur = lim->fsize;
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static inline pid_t
lt_start(struct lt_ctx *c, const char *db, unsigned port, const char *log, char *const extra[])
{
	return lt_start_with(c, db, port, log, extra, NULL);
}

/* Waits until /v1/health answers (up to about 10 s); 0 when it does. */
static inline int
lt_wait_up(const struct lt_ctx *c)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct lt_resp r;
	int i;

	for (i = 0; i < 200; i++) {
		r = lt_request(c, "GET", "/v1/health", NULL, 0, NULL, NULL, 0);
		long code = r.code;

		lt_resp_free(&r);
		if (code == 200)
			return 0;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* SIGTERM (or sig) and the exit status, or 128 + signal. */
static inline int
lt_stop(pid_t pid, int sig)
{
	int ws;

	kill(pid, sig);
	if (waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/*
 * Raw clients for the attack tests: a TCP connection from a chosen loopback address (Linux
 * routes all of 127.0.0.0/8 to lo, so each address is a different peer to the ledger), and a
 * TLS session on it with GnuTLS that trusts anything: attackers do not check certificates.
 */
static inline int
lt_tcp(const char *from, unsigned port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	if (from != NULL && from[0] != '\0') {
		inet_pton(AF_INET, from, &a.sin_addr);
		if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) {
			close(fd);
			return -1;
		}
	}
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * 1 when the peer closed fd (end of file or reset) within ms, 0 when it is still open then.
 * Whatever the peer sends meanwhile is read and dropped.
 */
static inline int
lt_closed_within(int fd, int ms)
{
	struct timespec t0, t1;
	struct pollfd p = { fd, POLLIN, 0 };
	char buf[4096];
	long left = ms;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left > 0) {
		if (poll(&p, 1, (int)left) > 0) {
			n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = ms - ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return 0;
}

struct lt_tls {
	int fd;
	gnutls_session_t s;
	gnutls_certificate_credentials_t cred;
};

/* A TLS session to the ledger from address from, with a client certificate when cert is set. */
static inline int
lt_tls_open(struct lt_tls *t, const char *from, unsigned port, const char *cert, const char *key)
{
	int rc;

	memset(t, 0, sizeof *t);
	if ((t->fd = lt_tcp(from, port)) < 0)
		return -1;
	gnutls_certificate_allocate_credentials(&t->cred);
	if (cert != NULL && cert[0] != '\0')
		gnutls_certificate_set_x509_key_file(t->cred, cert, key, GNUTLS_X509_FMT_PEM);
	gnutls_init(&t->s, GNUTLS_CLIENT);
	gnutls_set_default_priority(t->s);
	gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE, t->cred);
	gnutls_transport_set_int(t->s, t->fd);
	gnutls_handshake_set_timeout(t->s, 10000);
	do
		rc = gnutls_handshake(t->s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	return rc < 0 ? -1 : 0;
}

static inline int
lt_tls_send(struct lt_tls *t, const void *p, size_t n)
{
	const char *c = p;
	ssize_t k;

	while (n > 0) {
		k = gnutls_record_send(t->s, c, n);
		if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Reads what the ledger answers for up to ms: the text in out (NUL-terminated). Returns 1 when
 * the ledger closed the session (or broke it), 0 when it was still open at the end.
 */
static inline int
lt_tls_read(struct lt_tls *t, int ms, char *out, size_t size)
{
	struct pollfd p = { t->fd, POLLIN, 0 };
	size_t len = 0;
	ssize_t k;
	int waited = 0;

	if (size > 0)
		out[0] = '\0';
	while (waited < ms) {
		if (gnutls_record_check_pending(t->s) == 0 && poll(&p, 1, 50) == 0) {
			waited += 50;
			continue;
		}
		k = gnutls_record_recv(t->s, out + len, size - len - 1);
		if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
			continue;
		if (k <= 0)
			return 1;
		len += (size_t)k;
		out[len] = '\0';
		if (len + 1 >= size)
			len = 0;	/* keep only the tail of a long answer */
	}
	return 0;
}

static inline void
lt_tls_close(struct lt_tls *t)
{
	if (t->s != NULL)
		gnutls_deinit(t->s);
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	if (t->fd >= 0)
		close(t->fd);
	memset(t, 0, sizeof *t);
	t->fd = -1;
}

/* The peak resident memory of process pid in KiB (VmHWM), or -1. */
static inline long
lt_peak_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* A throw-away PostgreSQL server of a test: its directory (data, log, socket) and port. */
#define LT_PG_BIN "/usr/lib/postgresql/15/bin"

struct lt_pg {
	char dir[600];
	unsigned port;
};

/* Runs a PostgreSQL program of the server (fmt with arg), as user postgres when we are root. */
static inline int
lt_pg_run(const struct lt_pg *pg, const char *fmt, const char *arg)
{
	char cmd[2048], inner[1600];

	snprintf(inner, sizeof inner, fmt, arg);
	if (geteuid() == 0)
		snprintf(cmd, sizeof cmd, "runuser -u postgres -- %s >>'%s/pg.out' 2>&1", inner,
		    pg->dir);
	else
		snprintf(cmd, sizeof cmd, "%s >>'%s/pg.out' 2>&1", inner, pg->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* 1 when the PostgreSQL programs are installed. */
static inline int
lt_pg_installed(void)
{
	return access(LT_PG_BIN "/initdb", X_OK) == 0 && access(LT_PG_BIN "/pg_ctl", X_OK) == 0;
}

/* initdb in tmp/pg, a loopback port, its socket in tmp/pg, and a database "ledger". */
static inline int
lt_pg_up(struct lt_pg *pg, const char *tmp)
{
	char arg[1200];

	snprintf(pg->dir, sizeof pg->dir, "%s/pg", tmp);
	if (mkdir(pg->dir, 0700) != 0)
		return -1;
	/* initdb refuses to run as root: then the server runs as postgres, in its own directory. */
	if (geteuid() == 0) {
		snprintf(arg, sizeof arg, "chmod 711 '%s' && chown postgres: '%s'", tmp, pg->dir);
		if (system(arg) != 0)
			return -1;
	}
	pg->port = lt_free_port();
	snprintf(arg, sizeof arg, "'%s'", pg->dir);
	if (lt_pg_run(pg, LT_PG_BIN "/initdb -D %s/data -A trust -U ledger --no-sync", arg) != 0)
		return -1;
	snprintf(arg, sizeof arg, "-D '%s/data' -l '%s/log' -o \"-p %u -k '%s' "
	    "-c listen_addresses=127.0.0.1\"", pg->dir, pg->dir, pg->port, pg->dir);
	if (lt_pg_run(pg, LT_PG_BIN "/pg_ctl -w -t 30 %s start", arg) != 0)
		return -1;
	snprintf(arg, sizeof arg, "-h 127.0.0.1 -p %u -U ledger ledger", pg->port);
	return lt_pg_run(pg, LT_PG_BIN "/createdb %s", arg);
}

static inline void
lt_pg_down(const struct lt_pg *pg)
{
	char arg[700];

	snprintf(arg, sizeof arg, "-D '%s/data' -m fast", pg->dir);
	lt_pg_run(pg, LT_PG_BIN "/pg_ctl -w %s stop", arg);
}

#endif

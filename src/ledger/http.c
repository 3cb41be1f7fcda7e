/*
 * The HTTPS front of the ledger: routes, request bodies read within their caps, the request
 * signature and the TLS client certificate checked, answers written as JSON. What each
 * request means is ledger.c's business; what a request must pass before its body, and the
 * bounds on connections and bodies in flight, gate.c's. Here they meet libmicrohttpd: one
 * epoll loop per thread of a pool, a thread that closes connections past their deadlines,
 * and a log that an attack cannot flood.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gate.h"
#include "i18n.h"
#include "ltlog.h"
#include "xmalloc.h"

/* How often the reaper looks for connections past their deadlines, and reports them. */
#define HTTP_REAP_MS 200
#define HTTP_REPORT_MS 60000

struct http {
	struct MHD_Daemon *d;
	struct ledger *l;
	int client_certs;
	char *pem_cert, *pem_key, *pem_ca;
	struct gate_budget budget;
	struct gate_conns conns;
	pthread_t reaper;
	int reaping;			/* the reaper thread runs */
	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	int stopping;
	uint64_t reported[4];		/* counters as last reported */
	pthread_mutex_t log_lock;	/* libmicrohttpd's messages, rate-limited */
	int64_t log_window;
	unsigned log_lines;
	uint64_t log_dropped;
};

/*
 * One request: the raw target (signed as sent), the body as it arrives within its reservation
 * (body and len point into it once it is whole), and what to answer.
 */
struct req {
	char *target;
	char *body;
	size_t len;
	struct gate_body gb;
	int has_body;		/* gb was begun: a reservation to give back */
	int started;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The gate's record of this connection (NULL if it has none). */
static struct gate_conn *
conn_of(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/* The gate cuts a connection (its lock held, so the socket is still this connection's). */
static void
conn_cut(void *arg, struct gate_conn *c)
{
	(void)arg;
	shutdown(c->fd, SHUT_RDWR);
}

/* Each connection is known to the gate from accept to close, with its peer's address. */
static void
conn_notify(void *cls, struct MHD_Connection *con, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http *h = cls;
	const union MHD_ConnectionInfo *fd, *ad;
	const struct sockaddr *sa;
	const unsigned char *key = (const unsigned char *)"";
	size_t len = 0;

	if (code != MHD_CONNECTION_NOTIFY_STARTED) {
		gate_conn_close(&h->conns, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
	ad = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	sa = ad != NULL ? ad->client_addr : NULL;
	if (sa != NULL && sa->sa_family == AF_INET) {
		key = (const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		len = 4;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		key = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		len = 16;
		/* An IPv4 peer on an IPv6 socket is the same peer as on IPv4. */
		if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)key)) {
			key += 12;
			len = 4;
		}
	}
	*socket_context = gate_conn_open(&h->conns, key, len, fd != NULL ? fd->connect_fd : -1,
	    mono_ms());
}

static void *
req_new(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct req *r = xcalloc(1, sizeof *r);

	(void)cls;
	(void)con;
	r->target = xstrndup(uri, 8192);
	return r;
}

static void
req_done(void *cls, struct MHD_Connection *con, void **con_cls, enum MHD_RequestTerminationCode why)
{
	struct http *h = cls;
	struct req *r = *con_cls;

	/* A request that ended in an error ends its connection too. */
	if (why != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		gate_conn_closing(conn_of(con));
	gate_conn_done(&h->conns, conn_of(con), mono_ms());
	if (r != NULL) {
		free(r->target);
		if (r->has_body)
			gate_body_end(&h->budget, &r->gb);
		free(r);
		*con_cls = NULL;
	}
}

/* An answer; close: the connection ends after it. */
static enum MHD_Result
answer_as(struct MHD_Connection *con, int code, struct jw *w, int close)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *text = jw_take(w, &len);

	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (code == 503)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (close) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
		gate_conn_closing(conn_of(con));
	}
	ret = MHD_queue_response(con, (unsigned)code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
answer(struct MHD_Connection *con, int code, struct jw *w)
{
	return answer_as(con, code, w, 0);
}

/*
 * A log resource that is not JSON (a tile, the checkpoint): bytes of type, taken from b.
 * What never changes (a full tile) may be kept by caches and mirrors for good.
 */
static enum MHD_Result
answer_bytes(struct MHD_Connection *con, const char *type, int immutable, struct buf *b)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (b->p == NULL)
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	else
		resp = MHD_create_response_from_buffer(b->len, b->p, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		buf_free(b);
		return MHD_NO;
	}
	b->p = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
	    immutable ? "public, max-age=31536000, immutable" : "no-cache");
	ret = MHD_queue_response(con, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

/*
 * A refusal. On a connection where no request has been signed by an enrolled terminal, the
 * connection ends with it: whoever was refused comes back through the head deadline.
 */
static enum MHD_Result
answer_fault(struct MHD_Connection *con, const struct wire_fault *f)
{
	struct jw w;

	jw_init(&w);
	wire_fault_json(&w, f);
	return answer_as(con, wire_err_http(f->err), &w, !gate_conn_trusted(conn_of(con)));
}

/*
 * A body that goes over a limit once it is flowing (a chunked one past its cap or past the
 * budget): libmicrohttpd 0.9.75 cannot queue an answer in the middle of a body, so the answer
 * is written on the TLS session here, best effort, and the connection is closed instead of
 * reading the rest.
 */
static enum MHD_Result
cut_body(struct MHD_Connection *con, const struct wire_fault *f)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(con, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	const char *reason;
	char head[256];
	size_t len;
	ssize_t k;
	struct jw w;
	int code = wire_err_http(f->err), n, tries;

	if (ci == NULL || ci->tls_session == NULL)
		return MHD_NO;
	jw_init(&w);
	wire_fault_json(&w, f);
	jw_text(&w, &len);
	reason = MHD_get_reason_phrase_for((unsigned)code);
	n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", code, reason, len);
	gnutls_record_cork(ci->tls_session);
	gnutls_record_send(ci->tls_session, head, (size_t)n);
	gnutls_record_send(ci->tls_session, jw_text(&w, NULL), len);
	/* The socket is non-blocking; an answer this small goes out in a few tries at most. */
	for (tries = 0; tries < 50; tries++) {
		k = gnutls_record_uncork(ci->tls_session, 0);
		if (k != GNUTLS_E_AGAIN && k != GNUTLS_E_INTERRUPTED)
			break;
		nanosleep(&(struct timespec){ 0, 1000000L }, NULL);
	}
	jw_free(&w);
	return MHD_NO;
}

/* With --client-ca, the peer must show a certificate that chains to it. */
static int
client_cert_ok(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci;
	unsigned status = 0;
	unsigned n = 0;

	ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return 0;
	if (gnutls_certificate_get_peers(ci->tls_session, &n) == NULL || n == 0)
		return 0;
	return gnutls_certificate_verify_peers2(ci->tls_session, &status) == 0 && status == 0;
}

enum route {
	R_NONE, R_HEALTH, R_ENROLL, R_EVENTS, R_STATUS, R_HEAD, R_CHAIN, R_COSIGN,
	/* The transparency log's public resources: from R_LOG on, no request signature. */
	R_LOG, R_LOG_TILE = R_LOG, R_LOG_CHECKPOINT, R_LOG_INCLUSION, R_LOG_CONSISTENCY, R_LOG_LEAF
};

#define TILE_PREFIX "/tlog/tile/"

static enum route
route_of(const char *url)
{
	static const struct {
		const char *path;
		enum route r;
	} log[] = {
		{ "/tlog/checkpoint", R_LOG_CHECKPOINT },
		{ "/tlog/proof/inclusion", R_LOG_INCLUSION },
		{ "/tlog/proof/consistency", R_LOG_CONSISTENCY },
		{ "/tlog/leaf", R_LOG_LEAF },
	};
	size_t i;

	for (i = 0; i < sizeof log / sizeof log[0]; i++)
		if (strcmp(url, log[i].path) == 0)
			return log[i].r;
	if (strncmp(url, TILE_PREFIX, strlen(TILE_PREFIX)) == 0)
		return R_LOG_TILE;
	if (strcmp(url, "/v1/cosign") == 0)
		return R_COSIGN;
	if (strcmp(url, "/v1/health") == 0)
		return R_HEALTH;
	if (strcmp(url, "/v1/enroll") == 0)
		return R_ENROLL;
	if (strcmp(url, "/v1/events") == 0)
		return R_EVENTS;
	if (strcmp(url, "/v1/status") == 0)
		return R_STATUS;
	if (strcmp(url, "/v1/head") == 0)
		return R_HEAD;
	if (strcmp(url, "/v1/chain") == 0)
		return R_CHAIN;
	return R_NONE;
}

static int
method_ok(enum route r, const char *method)
{
	int get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

	switch (r) {
	case R_HEALTH:
	case R_STATUS:
	case R_HEAD:
	case R_CHAIN:
		return get;
	case R_ENROLL:
	case R_COSIGN:
		return post;
	case R_EVENTS:
		return get || post;
	default:
		return r >= R_LOG && get;
	}
}

static const char *
header(struct MHD_Connection *con, const char *name)
{
	return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

/* The query parameters each resource takes; any other is refused (bad_request). */
static const char *const *
route_params(enum route r, const char *method)
{
	static const char *const none[] = { NULL };
	static const char *const pull[] = { "after", "limit", NULL };
	static const char *const head[] = { "old", NULL };
	static const char *const inclusion[] = { "index", "size", NULL };
	static const char *const consistency[] = { "old", "size", NULL };
	static const char *const leaf[] = { "terminal", "seq", NULL };

	switch (r) {
	case R_EVENTS:
		return strcmp(method, "GET") == 0 ? pull : none;
	case R_CHAIN:
		return pull;	/* after: a seq there, not a cursor */
	case R_HEAD:
		return head;
	case R_LOG_INCLUSION:
		return inclusion;
	case R_LOG_CONSISTENCY:
		return consistency;
	case R_LOG_LEAF:
		return leaf;
	default:
		return none;
	}
}

/* The largest body each resource takes: only an enrolment, a push and a cosignature take one. */
static size_t
route_body_max(enum route r, const char *method)
{
	if (r == R_ENROLL)
		return HTTP_MAX_ENROLL;
	if (r == R_COSIGN)
		return HTTP_MAX_COSIGN;
	if (r == R_EVENTS && strcmp(method, "POST") == 0)
		return WIRE_MAX_BODY;
	return 0;
}

/*
 * Refuses early what can be refused from the head alone, and reserves room for the body that
 * follows; 0 when the request may go on. Only a terminal that is enrolled, in time and with a
 * fresh nonce (and a client certificate when asked) gets its body read.
 */
static int
early_fault(struct http *h, struct MHD_Connection *con, const char *url, const char *method,
    struct req *req, struct wire_fault *f)
{
	enum route r = route_of(url);
	struct gate_head gh;
	struct wire_auth a;
	int64_t expect;

	if (h->client_certs && !client_cert_ok(con))
		return wire_fault(f, WE_BAD_CERTIFICATE, -1,
		    "This ledger requires a client certificate signed by its CA.");
	if (r == R_NONE)
		return wire_fault(f, WE_NOT_FOUND, -1, "There is no such resource.");
	if (!method_ok(r, method))
		return wire_fault(f, WE_METHOD_NOT_ALLOWED, -1, "This resource does not take %s.", method);
	memset(&gh, 0, sizeof gh);
	gh.method = method;
	gh.target = req->target;
	gh.host = header(con, MHD_HTTP_HEADER_HOST);
	gh.content_length = header(con, MHD_HTTP_HEADER_CONTENT_LENGTH);
	gh.transfer_encoding = header(con, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	gh.params = route_params(r, method);
	gh.body_max = route_body_max(r, method);
	if (gate_head_check(&gh, &expect, f) != WE_OK)
		return f->err;
	if (r != R_HEALTH && r != R_ENROLL && r < R_LOG) {
		/* The signature needs the body; who is asking, when, and with what nonce do not. */
		if (wire_auth_parse(header(con, "X-Custody-Terminal"), header(con, "X-Custody-Time"),
		    header(con, "X-Custody-Nonce"), header(con, "X-Custody-Signature"), &a, f) != WE_OK)
			return f->err;
		if (ledger_precheck(h->l, &a, f) != WE_OK)
			return f->err;
	}
	if (expect == 0)
		return WE_OK;
	req->has_body = 1;
	return gate_body_begin(&h->budget, &req->gb, expect, gh.body_max, f);
}

static int
authenticate(struct http *h, struct MHD_Connection *con, const char *method, struct req *r,
    struct wire_auth *a, unsigned char pk[CRY_PK_BYTES], struct wire_fault *f)
{
	int e;

	e = wire_auth_parse(header(con, "X-Custody-Terminal"), header(con, "X-Custody-Time"),
	    header(con, "X-Custody-Nonce"), header(con, "X-Custody-Signature"), a, f);
	if (e != WE_OK)
		return e;
	e = ledger_auth(h->l, method, r->target, a, r->body, r->len, pk, f);
	/* A terminal that signed keeps its connection between requests, as long as it idles. */
	if (e == WE_OK)
		gate_conn_trust(&h->conns, conn_of(con));
	return e;
}

static const char *
query(struct MHD_Connection *con, const char *name)
{
	return MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, name);
}

/* The log's public resources: no signature, anyone may read them. */
static enum MHD_Result
dispatch_log(struct http *h, struct MHD_Connection *con, const char *url, enum route rt)
{
	struct buf b = { NULL, 0, 0 };
	struct wire_fault f;
	struct jw w;
	int e;

	if (rt == R_LOG_TILE || rt == R_LOG_CHECKPOINT) {
		if (rt == R_LOG_TILE)
			e = ltlog_tile(h->l, url + strlen("/tlog/"), &b, &f);
		else
			e = ltlog_checkpoint(h->l, &b, &f);
		if (e != WE_OK) {
			buf_free(&b);
			return answer_fault(con, &f);
		}
		if (rt == R_LOG_CHECKPOINT)
			return answer_bytes(con, "text/plain; charset=utf-8", 0, &b);
		/* A full tile or bundle never changes: its path has no ".p/". */
		return answer_bytes(con, "application/octet-stream", strstr(url, ".p/") == NULL, &b);
	}
	jw_init(&w);
	if (rt == R_LOG_INCLUSION)
		e = ltlog_inclusion(h->l, query(con, "index"), query(con, "size"), &w, &f);
	else if (rt == R_LOG_CONSISTENCY)
		e = ltlog_consistency(h->l, query(con, "old"), query(con, "size"), &w, &f);
	else
		e = ltlog_leaf(h->l, query(con, "terminal"), query(con, "seq"), &w, &f);
	if (e != WE_OK) {
		jw_free(&w);
		return answer_fault(con, &f);
	}
	return answer(con, 200, &w);
}

static enum MHD_Result
dispatch(struct http *h, struct MHD_Connection *con, const char *url, const char *method,
    struct req *r)
{
	unsigned char pk[CRY_PK_BYTES];
	struct wire_auth a;
	struct wire_fault f;
	enum route rt = route_of(url);
	struct jw w;
	int e;

	if (rt >= R_LOG)
		return dispatch_log(h, con, url, rt);
	jw_init(&w);
	if (rt == R_HEALTH) {
		jw_obj_begin(&w);
		jw_key(&w, "ok");
		jw_bool(&w, 1);
		jw_obj_end(&w);
		return answer(con, 200, &w);
	}
	if (rt == R_ENROLL)
		e = ledger_enroll(h->l, r->body, r->len, &w, &f);
	else if ((e = authenticate(h, con, method, r, &a, pk, &f)) != WE_OK)
		;
	else if (rt == R_STATUS)
		e = ledger_status(h->l, &w, &f);
	else if (rt == R_HEAD)
		e = ledger_head(h->l, &a, query(con, "old"), &w, &f);
	else if (rt == R_CHAIN)
		e = ledger_chain(h->l, a.terminal, query(con, "after"), query(con, "limit"), &w, &f);
	else if (rt == R_COSIGN)
		e = ltlog_cosign(h->l, a.terminal, pk, r->body, r->len, &w, &f);
	else if (strcmp(method, "POST") == 0)
		e = ledger_push(h->l, a.terminal, pk, r->body, r->len, &w, &f);
	else
		e = ledger_pull(h->l, query(con, "after"), query(con, "limit"), &w, &f);
	if (e != WE_OK) {
		jw_free(&w);
		return answer_fault(con, &f);
	}
	return answer(con, 200, &w);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *con, const char *url, const char *method,
    const char *version, const char *data, size_t *data_size, void **con_cls)
{
	struct http *h = cls;
	struct req *r = *con_cls;
	struct wire_fault f;

	(void)version;
	if (r == NULL)
		return MHD_NO;
	if (!r->started) {
		r->started = 1;
		/* Answering before the body is read makes libmicrohttpd close the connection after. */
		if (early_fault(h, con, url, method, r, &f) != WE_OK)
			return answer_fault(con, &f);
		if (r->has_body)
			gate_conn_body(&h->conns, conn_of(con), mono_ms());
		else
			gate_conn_serve(&h->conns, conn_of(con), mono_ms());
		return MHD_YES;
	}
	if (*data_size > 0) {
		if (!r->has_body) {
			/* Cannot be: the head announced no body. */
			wire_fault(&f, WE_TOO_LARGE, -1, "This resource takes no request body.");
			return cut_body(con, &f);
		}
		if (gate_body_take(&h->budget, &r->gb, data, *data_size, &f) != WE_OK)
			return cut_body(con, &f);
		gate_conn_received(&h->conns, conn_of(con), *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	gate_conn_serve(&h->conns, conn_of(con), mono_ms());
	r->body = r->gb.buf;
	r->len = r->gb.len;
	return dispatch(h, con, url, method, r);
}

static int
read_pem(const char *path, char **out, struct errmsg *em)
{
	struct stat st;
	ssize_t n;
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(em, CST_ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)HTTP_MAX_PEM) {
		close(fd);
		return err_set(em, CST_ERR_INPUT, _("%s: not a PEM file of at most 1 MiB"), path);
	}
	*out = xmalloc((size_t)st.st_size + 1);
	n = read(fd, *out, (size_t)st.st_size);
	close(fd);
	if (n != (ssize_t)st.st_size)
		return err_set(em, CST_ERR_IO, _("%s: could not read it"), path);
	(*out)[n] = '\0';
	return CST_OK;
}

/* ADDR:PORT or [ADDR]:PORT into a socket address. */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, struct errmsg *em)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon = strrchr(s, ':');
	int64_t port;
	size_t hl;

	memset(ss, 0, sizeof *ss);
	if (colon == NULL || wire_parse_u63(colon + 1, strlen(colon + 1), &port) != 0 ||
	    port > 65535 || (hl = (size_t)(colon - s)) >= sizeof host)
		return err_set(em, CST_ERR_ARG, _("%s: not ADDRESS:PORT"), s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1)
			return CST_OK;
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &v4->sin_addr) == 1)
			return CST_OK;
	}
	return err_set(em, CST_ERR_ARG, _("%s: not a numeric IPv4 or [IPv6] address"), s);
}

/*
 * libmicrohttpd's own messages (a failed handshake, a connection over a limit): under attack
 * there can be thousands a second, so at most a few every ten seconds reach the log, and the
 * number left out is told with the next one.
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http *h = cls;
	int64_t now = mono_ms();
	char line[512];
	size_t n, i;

	pthread_mutex_lock(&h->log_lock);
	if (now - h->log_window >= 10000) {
		h->log_window = now;
		h->log_lines = 0;
	}
	if (h->log_lines >= 5) {
		h->log_dropped++;
		pthread_mutex_unlock(&h->log_lock);
		return;
	}
	h->log_lines++;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	/* A message may quote what a peer sent: one line of printable text in the log. */
	for (i = 0; i < n; i++)
		if ((unsigned char)line[i] < ' ' || line[i] == 0x7f)
			line[i] = '?';
	if (h->log_dropped > 0)
		fprintf(stderr, "custody-ledger: libmicrohttpd: %s (and %llu more messages not shown)\n",
		    line, (unsigned long long)h->log_dropped);
	else
		fprintf(stderr, "custody-ledger: libmicrohttpd: %s\n", line);
	h->log_dropped = 0;
	pthread_mutex_unlock(&h->log_lock);
}

/* What the limits did since the last report, for the operator; nothing when nothing. */
static void
report(struct http *h, const char *since)
{
	uint64_t now[4], d[4];
	size_t peak;
	int i, any = 0;

	pthread_mutex_lock(&h->conns.lock);
	now[0] = h->conns.cut_head;
	now[1] = h->conns.cut_body;
	now[2] = h->conns.evicted;
	pthread_mutex_unlock(&h->conns.lock);
	pthread_mutex_lock(&h->budget.lock);
	now[3] = h->budget.refused;
	peak = h->budget.peak;
	pthread_mutex_unlock(&h->budget.lock);
	for (i = 0; i < 4; i++) {
		d[i] = now[i] - h->reported[i];
		any |= d[i] != 0;
		h->reported[i] = now[i];
	}
	pthread_mutex_lock(&h->log_lock);
	if (h->log_dropped > 0)
		fprintf(stderr, "custody-ledger: %llu more libmicrohttpd messages were not shown\n",
		    (unsigned long long)h->log_dropped);
	h->log_dropped = 0;
	pthread_mutex_unlock(&h->log_lock);
	if (!any)
		return;
	fprintf(stderr, "custody-ledger: %s: closed %llu connections too slow for their TLS handshake "
	    "and request head (%lld s), %llu with a body too slow, %llu to make room for newer "
	    "ones; refused %llu bodies for want of memory (at most %zu KiB held at once)\n", since,
	    (unsigned long long)d[0], (long long)(h->conns.head_ms / 1000),
	    (unsigned long long)d[1], (unsigned long long)d[2], (unsigned long long)d[3],
	    peak >> 10);
}

/* Closes connections past their deadlines; reports once a minute when there was anything. */
static void *
reaper(void *arg)
{
	struct http *h = arg;
	struct timespec until;
	int64_t last_report = mono_ms();

	pthread_mutex_lock(&h->stop_lock);
	while (!h->stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += HTTP_REAP_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->stop_cond, &h->stop_lock, &until);
		if (h->stopping)
			break;
		pthread_mutex_unlock(&h->stop_lock);
		gate_conns_reap(&h->conns, mono_ms());
		if (mono_ms() - last_report >= HTTP_REPORT_MS) {
			report(h, "in the last minute");
			last_report = mono_ms();
		}
		pthread_mutex_lock(&h->stop_lock);
	}
	pthread_mutex_unlock(&h->stop_lock);
	return NULL;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->reaping) {
		pthread_mutex_lock(&h->stop_lock);
		h->stopping = 1;
		pthread_cond_signal(&h->stop_cond);
		pthread_mutex_unlock(&h->stop_lock);
		pthread_join(h->reaper, NULL);
	}
	/* Closes every connection: the gate hears of each before its socket is closed. */
	if (h->d != NULL) {
		MHD_stop_daemon(h->d);
		report(h, "since the last report");
	}
	gate_conns_free(&h->conns);
	gate_budget_free(&h->budget);
	pthread_mutex_destroy(&h->stop_lock);
	pthread_cond_destroy(&h->stop_cond);
	pthread_mutex_destroy(&h->log_lock);
	free(h->pem_cert);
	if (h->pem_key != NULL)
		cry_wipe(h->pem_key, strlen(h->pem_key));
	free(h->pem_key);
	free(h->pem_ca);
	free(h);
}

/* The daemon with every option; without a CA the option list ends before the trust option. */
static struct MHD_Daemon *
start_daemon(struct http *h, struct sockaddr_storage *ss, const struct http_config *c,
    unsigned flags)
{
	struct MHD_OptionItem opts[] = {
		/* First, or libmicrohttpd prints the messages of the options before it itself. */
		{ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, h },
		{ MHD_OPTION_SOCK_ADDR, 0, ss },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, h->pem_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, h->pem_key },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)HTTP_PRIORITIES },
		{ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)c->max_connections, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)c->max_per_address, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)c->timeout_s, NULL },
		{ MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)c->threads, NULL },
		{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_notify, h },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)req_new, h },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)req_done, h },
		/* Last, so that without a CA the list simply ends here. */
		{ h->pem_ca != NULL ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, h->pem_ca },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
}

/* Enough descriptors for every connection allowed, raising the soft limit when it can. */
static void
raise_fd_limit(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need)
		fprintf(stderr, "custody-ledger: only %llu file descriptors for %u connections; raise "
		    "LimitNOFILE\n", (unsigned long long)rl.rlim_cur, need);
}

int
http_start(struct ledger *l, const struct http_config *c, struct http **out, struct errmsg *em)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_TLS | MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	int status;

	*out = NULL;
	h->l = l;
	pthread_mutex_init(&h->stop_lock, NULL);
	pthread_cond_init(&h->stop_cond, NULL);
	pthread_mutex_init(&h->log_lock, NULL);
	/* Half the connections may wait for a head, a quarter may be sending a body. */
	gate_conns_init(&h->conns, c->max_connections / 2, (int64_t)c->head_timeout_s * 1000,
	    conn_cut, h);
	gate_budget_init(&h->budget, (size_t)c->body_memory_mib << 20, c->max_connections / 4);
	status = parse_listen(c->listen, &ss, em);
	if (status == CST_OK)
		status = read_pem(c->cert, &h->pem_cert, em);
	if (status == CST_OK)
		status = read_pem(c->key, &h->pem_key, em);
	if (status == CST_OK && c->client_ca != NULL)
		status = read_pem(c->client_ca, &h->pem_ca, em);
	if (status != CST_OK) {
		http_stop(h);
		return status;
	}
	h->client_certs = h->pem_ca != NULL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	raise_fd_limit(c->max_connections + 64);
#ifdef __GLIBC__
	/*
	 * Request bodies of a megabyte and more get their own mappings, given back when freed:
	 * otherwise glibc raises its threshold after the first and keeps later ones in the heaps
	 * of the serving threads, where memory freed stays resident.
	 */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	h->d = start_daemon(h, &ss, c, flags);
	if (h->d == NULL) {
		http_stop(h);
		return err_set(em, CST_ERR_IO,
		    _("could not listen on %s with TLS (address in use, or a bad certificate or key?)"),
		    c->listen);
	}
	if (pthread_create(&h->reaper, NULL, reaper, h) != 0) {
		http_stop(h);
		return err_set(em, CST_ERR_INTERNAL, "%s", _("could not start a thread"));
	}
	h->reaping = 1;
	*out = h;
	return CST_OK;
}

unsigned
http_port(const struct http *h)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return di != NULL ? di->port : 0;
}

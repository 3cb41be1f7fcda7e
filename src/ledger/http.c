/*
 * The HTTPS front of the ledger: routes, request bodies read within their caps, the request
 * signature and the TLS client certificate checked, answers written as JSON. What each
 * request means is ledger.c's business.
 */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "xmalloc.h"

struct http {
	struct MHD_Daemon *d;
	struct ledger *l;
	int client_certs;
	char *pem_cert, *pem_key, *pem_ca;
};

/* One request: the raw target (signed as sent), the body as it arrives, and what to answer. */
struct req {
	char *target;
	char *body;
	size_t len, cap;
	int started;
	int too_large;
};

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
	struct req *r = *con_cls;

	(void)cls;
	(void)con;
	(void)why;
	if (r != NULL) {
		free(r->target);
		free(r->body);
		free(r);
		*con_cls = NULL;
	}
}

static enum MHD_Result
answer(struct MHD_Connection *con, int code, struct jw *w)
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
	ret = MHD_queue_response(con, (unsigned)code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
answer_fault(struct MHD_Connection *con, const struct wire_fault *f)
{
	struct jw w;

	jw_init(&w);
	wire_fault_json(&w, f);
	return answer(con, wire_err_http(f->err), &w);
}

static enum MHD_Result
refuse(struct MHD_Connection *con, int err, const char *message)
{
	struct wire_fault f;

	wire_fault(&f, err, -1, "%s", message);
	return answer_fault(con, &f);
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

enum route { R_NONE, R_HEALTH, R_ENROLL, R_EVENTS, R_STATUS, R_HEAD, R_CHAIN };

static enum route
route_of(const char *url)
{
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
		return post;
	case R_EVENTS:
		return get || post;
	default:
		return 0;
	}
}

static const char *
header(struct MHD_Connection *con, const char *name)
{
	return MHD_lookup_connection_value(con, MHD_HEADER_KIND, name);
}

/* Refuses early what can be refused from the headers alone; 0 when the request may go on. */
static int
early_fault(struct http *h, struct MHD_Connection *con, const char *url, const char *method,
    struct wire_fault *f)
{
	enum route r = route_of(url);
	struct wire_auth a;
	const char *cl;
	int64_t n;

	if (h->client_certs && !client_cert_ok(con))
		return wire_fault(f, WE_BAD_CERTIFICATE, -1,
		    "This ledger requires a client certificate signed by its CA.");
	if (r == R_NONE)
		return wire_fault(f, WE_NOT_FOUND, -1, "There is no such resource.");
	if (!method_ok(r, method))
		return wire_fault(f, WE_METHOD_NOT_ALLOWED, -1, "This resource does not take %s.", method);
	cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && (wire_parse_u63(cl, strlen(cl), &n) != 0 || n > (int64_t)WIRE_MAX_BODY))
		return wire_fault(f, WE_TOO_LARGE, -1, "A request body may be at most 16 MiB.");
	if (r == R_HEALTH || r == R_ENROLL)
		return WE_OK;
	/* The signature needs the body; who is asking, and when, does not. */
	if (wire_auth_parse(header(con, "X-Custody-Terminal"), header(con, "X-Custody-Time"),
	    header(con, "X-Custody-Nonce"), header(con, "X-Custody-Signature"), &a, f) != WE_OK)
		return f->err;
	return ledger_precheck(h->l, &a, f);
}

/* Keeps the body bytes as they come, never more than the cap. */
static void
take_body(struct req *r, const char *data, size_t n)
{
	size_t want;

	if (r->too_large || n > WIRE_MAX_BODY - r->len) {
		r->too_large = 1;
		return;
	}
	if (r->len + n > r->cap) {
		want = r->cap ? r->cap : 65536;
		while (want < r->len + n)
			want *= 2;
		if (want > WIRE_MAX_BODY)
			want = WIRE_MAX_BODY;
		r->body = xrealloc(r->body, want);
		r->cap = want;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
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
	return ledger_auth(h->l, method, r->target, a, r->body, r->len, pk, f);
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
		e = ledger_head(h->l, &a, &w, &f);
	else if (rt == R_CHAIN)
		e = ledger_chain(h->l, a.terminal,
		    MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "after"),
		    MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "limit"), &w, &f);
	else if (strcmp(method, "POST") == 0)
		e = ledger_push(h->l, a.terminal, pk, r->body, r->len, &w, &f);
	else
		e = ledger_pull(h->l, MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "after"),
		    MHD_lookup_connection_value(con, MHD_GET_ARGUMENT_KIND, "limit"), &w, &f);
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
		if (early_fault(h, con, url, method, &f) != WE_OK)
			return answer_fault(con, &f);
		return MHD_YES;
	}
	if (*data_size > 0) {
		take_body(r, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	if (r->too_large)
		return refuse(con, WE_TOO_LARGE, "A request body may be at most 16 MiB.");
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

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	if (h->d != NULL)
		MHD_stop_daemon(h->d);
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
		{ MHD_OPTION_SOCK_ADDR, 0, ss },
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, h->pem_cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, h->pem_key },
		{ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)HTTP_PRIORITIES },
		{ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)c->max_connections, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)c->timeout_s, NULL },
		{ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)req_new, h },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)req_done, h },
		/* Last, so that without a CA the list simply ends here. */
		{ h->pem_ca != NULL ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, h->pem_ca },
		{ MHD_OPTION_END, 0, NULL },
	};

	return MHD_start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_ARRAY, opts,
	    MHD_OPTION_END);
}

int
http_start(struct ledger *l, const struct http_config *c, struct http **out, struct errmsg *em)
{
	struct http *h = xcalloc(1, sizeof *h);
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	int status;

	*out = NULL;
	h->l = l;
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
	h->d = start_daemon(h, &ss, c, flags);
	if (h->d == NULL) {
		http_stop(h);
		return err_set(em, CST_ERR_IO,
		    _("could not listen on %s with TLS (address in use, or a bad certificate or key?)"),
		    c->listen);
	}
	*out = h;
	return CST_OK;
}

unsigned
http_port(const struct http *h)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return di != NULL ? di->port : 0;
}

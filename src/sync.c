/*
 * The sync engine: one request in flight at a time, push before pull, backoff with full
 * jitter while the ledger cannot be reached. libcurl's sockets and timer are mapped onto the
 * console's loop (CURLMOPT_SOCKETFUNCTION, CURLMOPT_TIMERFUNCTION), so nothing here waits.
 */
#include "sync.h"
#include "sync-engine.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "clock.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "sync-note.h"
#include "when.h"
#include "wire.h"
#include "xmalloc.h"

#define PUSH_MAX_BYTES (8u << 20)	/* a push stops growing here, half the ledger's limit */

static void finish_request(struct sync *s, CURLcode rc);

/* ---- configuration and state in the local table ---- */

void
sync_conf_defaults(struct sync_conf *cf)
{
	memset(cf, 0, sizeof *cf);
	cf->backoff_base_ms = 1000;
	cf->backoff_max_ms = 300000;
	cf->poll_ms = 5000;
	cf->timeout_ms = 120000;
	cf->connect_timeout_ms = 10000;
	cf->push_events = SYNC_PUSH_EVENTS;
	cf->skew_max_ms = 60000;
}

int
sync_conf_check(const struct sync_conf *cf, struct errmsg *em)
{
	const char *host = cf->url + 8, *slash;

	if (strncmp(cf->url, "https://", 8) != 0 || *host == '\0' || *host == '/')
		return err_set(em, CST_ERR_ARG, _("the ledger URL must be https://HOST[:PORT]"));
	slash = strchr(host, '/');
	if ((slash != NULL && slash[1] != '\0') || strpbrk(host, "@?# ") != NULL)
		return err_set(em, CST_ERR_ARG, _("the ledger URL must be https://HOST[:PORT] "
		    "without a path"));
	if (cf->pin[0] != '\0' && strncmp(cf->pin, "sha256//", 8) != 0)
		return err_set(em, CST_ERR_ARG, _("a pin must look like sha256//BASE64"));
	if ((cf->cert[0] == '\0') != (cf->key[0] == '\0'))
		return err_set(em, CST_ERR_ARG, _("give a client certificate and its key together"));
	return CST_OK;
}

static int
get_local(struct journal *j, const char *name, char *buf, size_t size, struct errmsg *em)
{
	int status = journal_local_get(j, name, buf, size, em);

	if (status == CST_ERR_NOTFOUND) {
		buf[0] = '\0';
		err_clear(em);
		return CST_OK;
	}
	return status;
}

static int
get_local_int(struct journal *j, const char *name, int64_t *v, struct errmsg *em)
{
	char buf[32], *end;
	int status;

	*v = 0;
	if ((status = get_local(j, name, buf, sizeof buf, em)) != CST_OK || buf[0] == '\0')
		return status;
	*v = strtoll(buf, &end, 10);
	if (*end != '\0' || *v < 0)
		return err_set(em, CST_ERR_CORRUPT, _("the journal's %s is damaged"), name);
	return CST_OK;
}

static int
set_local_int(struct journal *j, const char *name, int64_t v, struct errmsg *em)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return journal_local_set(j, name, buf, em);
}

/* A signed number (the clock offset); 0 when absent or damaged: it is only a hint. */
static int64_t
get_local_int_signed(struct journal *j, const char *name)
{
	char buf[32], *end;
	int64_t v;

	if (get_local(j, name, buf, sizeof buf, NULL) != CST_OK || buf[0] == '\0')
		return 0;
	v = strtoll(buf, &end, 10);
	return *end == '\0' ? v : 0;
}

int
sync_set_local_int_signed(struct journal *j, const char *name, int64_t v, struct errmsg *em)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%" PRId64, v);
	return journal_local_set(j, name, buf, em);
}

int
sync_conf_load(struct journal *j, struct sync_conf *cf, struct errmsg *em)
{
	char hex[2 * CRY_PK_BYTES + 1];
	int status;

	sync_conf_defaults(cf);
	status = get_local(j, K_URL, cf->url, sizeof cf->url, em);
	if (status == CST_OK && cf->url[0] == '\0')
		return err_set(em, CST_ERR_NOTFOUND, _("this terminal is not enrolled with a "
		    "ledger: run custody enroll"));
	if (status == CST_OK)
		status = get_local(j, K_CA, cf->ca, sizeof cf->ca, em);
	if (status == CST_OK)
		status = get_local(j, K_PIN, cf->pin, sizeof cf->pin, em);
	if (status == CST_OK)
		status = get_local(j, K_CERT, cf->cert, sizeof cf->cert, em);
	if (status == CST_OK)
		status = get_local(j, K_KEY, cf->key, sizeof cf->key, em);
	if (status == CST_OK)
		status = get_local(j, K_LEDGER_KEY, hex, sizeof hex, em);
	if (status != CST_OK)
		return status;
	if (strlen(hex) != 2 * CRY_PK_BYTES ||
	    hex_decode(hex, strlen(hex), cf->ledger_pk, sizeof cf->ledger_pk) != 0)
		return err_set(em, CST_ERR_CORRUPT, _("the journal's %s is damaged"), K_LEDGER_KEY);
	return sync_conf_check(cf, em);
}

/*
 * What a new ledger starts over: another address or another key begins the push and the pull
 * from the beginning; another key (another ledger, not one that moved) is another log too,
 * witnessed afresh (docs/transparency.md). A refusal of the log stays until an
 * administrator acts, but the checkpoint it offered, the old ledger's, is forgotten.
 */
static int
conf_reset(struct journal *j, int new_ledger, int new_log, struct errmsg *em)
{
	static const char *const log_keys[] = { K_CHECKPOINT, K_LOG_REFUSED_CKPT };
	int status = CST_OK;
	size_t i;

	if (new_ledger)
		status = set_local_int(j, K_ACKED, 0, em);
	if (status == CST_OK && new_ledger)
		status = set_local_int(j, K_CURSOR, 0, em);
	for (i = 0; status == CST_OK && new_log && i < sizeof log_keys / sizeof log_keys[0]; i++)
		status = journal_local_set(j, log_keys[i], "", em);
	if (status == CST_OK && new_log)
		status = set_local_int(j, K_COSIGNED, 0, em);
	return status;
}

static int
conf_save(struct journal *j, const struct sync_conf *cf, struct errmsg *em)
{
	char hex[2 * CRY_PK_BYTES + 1], old_url[SYNC_URL_MAX], old_key[2 * CRY_PK_BYTES + 1];
	int status, new_log;

	hex_encode(cf->ledger_pk, sizeof cf->ledger_pk, hex);
	if ((status = get_local(j, K_URL, old_url, sizeof old_url, em)) != CST_OK ||
	    (status = get_local(j, K_LEDGER_KEY, old_key, sizeof old_key, em)) != CST_OK)
		return status;
	new_log = old_key[0] != '\0' && strcmp(old_key, hex) != 0;
	if ((status = journal_batch_begin(j, em)) != CST_OK)
		return status;
	status = journal_local_set(j, K_URL, cf->url, em);
	if (status == CST_OK)
		status = journal_local_set(j, K_CA, cf->ca, em);
	if (status == CST_OK)
		status = journal_local_set(j, K_PIN, cf->pin, em);
	if (status == CST_OK)
		status = journal_local_set(j, K_CERT, cf->cert, em);
	if (status == CST_OK)
		status = journal_local_set(j, K_KEY, cf->key, em);
	if (status == CST_OK)
		status = journal_local_set(j, K_LEDGER_KEY, hex, em);
	if (status == CST_OK)
		status = conf_reset(j, strcmp(old_url, cf->url) != 0 || new_log, new_log, em);
	if (status == CST_OK)
		return journal_batch_end(j, em);
	journal_batch_end(j, NULL);	/* journal_local_set stopped the journal: rolls back */
	return status;
}

int
sync_conf_save(struct journal *j, const struct sync_conf *cf, struct errmsg *em)
{
	return conf_save(j, cf, em);
}

/* ---- one request: TLS settings shared by enroll and the engine ---- */

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sync *s = arg;
	size_t len = size * n;

	if (len > WIRE_MAX_BODY - s->resp_len) {
		s->resp_too_large = 1;
		return 0;	/* curl fails the transfer with CURLE_WRITE_ERROR */
	}
	if (s->resp_len + len + 1 > s->resp_cap) {
		while (s->resp_len + len + 1 > s->resp_cap)
			s->resp_cap = s->resp_cap ? s->resp_cap * 2 : 16384;
		s->resp = xrealloc(s->resp, s->resp_cap);
	}
	memcpy(s->resp + s->resp_len, data, len);
	s->resp_len += len;
	s->resp[s->resp_len] = '\0';
	return len;
}

static void
url_of(const struct sync_conf *cf, const char *path, char *out, size_t size)
{
	size_t n = strlen(cf->url);

	if (n > 0 && cf->url[n - 1] == '/')
		n--;
	snprintf(out, size, "%.*s%s", (int)n, cf->url, path);
}

/* Every option that concerns trust: verification is on and cannot be turned off here. */
void
sync_curl_trust(void *easy, const struct sync_conf *cf)
{
	CURL *e = easy;

	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cf->ca[0] != '\0') {
		/* This CA and no other: libcurl's default CApath would add the system's. */
		curl_easy_setopt(e, CURLOPT_CAINFO, cf->ca);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
#ifdef CUSTODY_TEST_HOOKS
	if (getenv("CUSTODY_TEST_CURL_VERBOSE") != NULL)
		curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);	/* tests read what was trusted */
#endif
	if (cf->pin[0] != '\0')
		curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, cf->pin);
	if (cf->cert[0] != '\0') {
		curl_easy_setopt(e, CURLOPT_SSLCERT, cf->cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, cf->key);
	}
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)cf->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)cf->timeout_ms);
}

static void
setup_easy(CURL *e, const struct sync_conf *cf, const char *path, struct sync *s)
{
	char url[SYNC_URL_MAX + 128];

	url_of(cf, path, url, sizeof url);
	curl_easy_setopt(e, CURLOPT_URL, url);
	sync_curl_trust(e, cf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "custody-sync/1");
}

void
sync_curl_init(void)
{
	static int done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = 1;
	}
}

/* A printable copy of text from the network, for a message. */
static void
clean_copy(char *dst, size_t size, const char *src)
{
	size_t i, n = 0;

	for (i = 0; src != NULL && src[i] != '\0' && n + 1 < size && i < 200; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/* The error object of an answer: its code and message, and "acked" when present (else -1). */
void
sync_read_error(const struct json *root, char *code, size_t code_size, char *msg, size_t msg_size,
    int64_t *acked)
{
	const struct json *e = json_get(root, "error");

	clean_copy(code, code_size, json_get_str(e, "code"));
	clean_copy(msg, msg_size, json_get_str(e, "message"));
	if (json_get_int(e, "acked", acked) != CST_OK || *acked < 0)
		*acked = -1;
}

/* ---- enroll (blocking, command line only) ---- */

int
sync_enroll(struct journal *j, struct sync_conf *cf, const char *terminal, const char *token,
    const unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	char code[64], msg[256];
	struct sync resp;
	struct json *root = NULL;
	struct jw w;
	CURL *e;
	CURLcode rc;
	long http = 0;
	int64_t acked;
	int status;

	if ((status = sync_conf_check(cf, em)) != CST_OK)
		return status;
	sync_curl_init();
	if ((e = curl_easy_init()) == NULL)
		return err_set(em, CST_ERR_INTERNAL, _("cannot start libcurl"));
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "terminal");
	jw_str(&w, terminal);
	jw_key(&w, "token");
	jw_str(&w, token);
	jw_key(&w, "public_key");
	jw_hex(&w, pk, CRY_PK_BYTES);
	jw_obj_end(&w);
	memset(&resp, 0, sizeof resp);
	setup_easy(e, cf, "/v1/enroll", &resp);
	resp.headers = curl_slist_append(NULL, "Content-Type: application/json");
	resp.headers = curl_slist_append(resp.headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, resp.headers);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, jw_text(&w, NULL));
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)w.len);
	rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &http);
	if (rc != CURLE_OK)
		status = err_set(em, CST_ERR_IO, _("cannot reach the ledger at %s: %s"), cf->url,
		    curl_easy_strerror(rc));
	else if (json_parse(resp.resp ? resp.resp : "", resp.resp_len, &root, em) != CST_OK)
		status = err_set(em, CST_ERR_INPUT, _("the ledger answered %ld with something "
		    "that is not JSON"), http);
	else if (http != 200) {
		sync_read_error(root, code, sizeof code, msg, sizeof msg, &acked);
		status = err_set(em, http == 403 || http == 409 ? CST_ERR_PERM : CST_ERR_INPUT,
		    _("the ledger refused the enrolment (%ld %s): %s"), http, code, msg);
	} else if (json_get_str(root, "terminal") == NULL ||
	    strcmp(json_get_str(root, "terminal"), terminal) != 0 ||
	    wire_get_hex(root, "ledger_key", cf->ledger_pk, CRY_PK_BYTES) != 0)
		status = err_set(em, CST_ERR_INPUT, _("the ledger's answer to the enrolment is "
		    "malformed"));
	else
		status = conf_save(j, cf, em);
	json_free(root);
	jw_free(&w);
	free(resp.resp);
	curl_slist_free_all(resp.headers);
	curl_easy_cleanup(e);
	return status;
}

/* ---- status from the journal ---- */

struct first_unsent {
	int64_t ts;
};

static int
take_ts(const struct event *ev, void *arg)
{
	((struct first_unsent *)arg)->ts = ev->ts;
	return 1;
}

static int
read_receipt(struct journal *j, struct wire_receipt *r, struct errmsg *em)
{
	char buf[1024];
	struct json *v;
	int status;

	if ((status = get_local(j, K_RECEIPT, buf, sizeof buf, em)) != CST_OK)
		return status;
	if (buf[0] == '\0')
		return err_set(em, CST_ERR_NOTFOUND, _("no receipt from the ledger yet"));
	if (json_parse(buf, strlen(buf), &v, em) != CST_OK)
		return err_set(em, CST_ERR_CORRUPT, _("the journal's %s is damaged"), K_RECEIPT);
	status = wire_receipt_read(v, r, em);
	json_free(v);
	return status == CST_OK ? CST_OK :
	    err_set(em, CST_ERR_CORRUPT, _("the journal's %s is damaged"), K_RECEIPT);
}

int
sync_read_status(struct journal *j, const char *terminal, struct sync_status *st,
    struct errmsg *em)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct first_unsent fu = { 0 };
	struct wire_receipt r;
	struct sync_conf cf;
	int status;

	memset(st, 0, sizeof *st);
	st->log_size = -1;
	status = sync_conf_load(j, &cf, em);
	if (status == CST_ERR_NOTFOUND) {
		err_clear(em);
		return journal_head(j, terminal, &st->head, hash, em);
	}
	st->enrolled = status == CST_OK;
	if (status == CST_OK)
		status = journal_head(j, terminal, &st->head, hash, em);
	if (status == CST_OK)
		status = get_local_int(j, K_ACKED, &st->acked, em);
	if (status == CST_OK)
		status = get_local_int(j, K_CURSOR, &st->cursor, em);
	if (status == CST_OK)
		status = get_local_int(j, K_REFUSED, &st->refused, em);
	if (status == CST_OK)
		status = get_local(j, K_REFUSED_LAST, st->last_refused, sizeof st->last_refused, em);
	if (status == CST_OK)
		status = get_local(j, K_LAST_ERROR, st->last_error, sizeof st->last_error, em);
	if (status == CST_OK)
		status = get_local_int(j, K_LAST_CONTACT, &st->last_contact, em);
	if (status == CST_OK)
		status = get_local(j, K_REFUSAL, st->refusal, sizeof st->refusal, em);
	st->offset_ms = get_local_int_signed(j, K_OFFSET);
	st->skewed = get_local_int_signed(j, K_SKEW) != 0;
	st->ledger_seq = -1;
	if (status == CST_OK && st->acked < st->head)
		status = journal_chain(j, terminal, st->acked, 1, take_ts, &fu, em);
	if (status != CST_OK)
		return status;
	st->backlog = st->head > st->acked ? st->head - st->acked : 0;
	st->oldest_ts = st->backlog > 0 ? fu.ts : 0;
	if (read_receipt(j, &r, em) == CST_OK) {
		st->receipt_seq = r.seq;
		st->receipt_time = r.ledger_time;
	}
	err_clear(em);
	return sync_log_read_status(j, st, em);
}

static int
take_hash(const struct event *ev, void *arg)
{
	struct find_hash *f = arg;

	if (ev->seq == f->seq) {
		memcpy(f->hash, ev->hash, sizeof f->hash);
		f->found = 1;
	}
	return 1;
}

/* The hash of own event seq, found = 0 when the journal does not hold it. */
int
sync_own_hash(struct journal *j, const char *terminal, int64_t seq, struct find_hash *f,
    struct errmsg *em)
{
	memset(f, 0, sizeof *f);
	f->seq = seq;
	return journal_chain(j, terminal, seq - 1, 1, take_hash, f, em);
}

int
sync_check_receipt(struct journal *j, const char *terminal, char *info, size_t size,
    struct errmsg *em)
{
	char when[WHEN_ISO_MAX];
	struct wire_receipt r;
	struct sync_conf cf;
	struct find_hash f;
	int status;

	info[0] = '\0';
	if ((status = sync_conf_load(j, &cf, em)) != CST_OK)
		return status;
	if ((status = read_receipt(j, &r, em)) != CST_OK)
		return status;
	when_format_iso(r.ledger_time, when);
	snprintf(info, size, _("receipt: the ledger acknowledged seq %lld at %s"),
	    (long long)r.seq, when);
	if (strcmp(r.terminal, terminal) != 0 || !wire_receipt_ok(&r, cf.ledger_pk))
		return err_set(em, CST_ERR_VERIFY, _("the last receipt is not the ledger's "
		    "signature for this terminal"));
	if (r.seq == 0)
		return CST_OK;
	if ((status = sync_own_hash(j, terminal, r.seq, &f, em)) != CST_OK)
		return status;
	if (!f.found)
		return err_set(em, CST_ERR_VERIFY, _("the ledger acknowledged seq %lld but the "
		    "journal ends before it: events were cut off or an old copy was restored"),
		    (long long)r.seq);
	if (!cry_equal(f.hash, r.hash, sizeof f.hash))
		return err_set(em, CST_ERR_VERIFY, _("the ledger acknowledged another event at "
		    "seq %lld than the journal holds"), (long long)r.seq);
	return CST_OK;
}

/* ---- the engine: libcurl on the loop ---- */

static void
run_curl(struct sync *s, curl_socket_t fd, int flags)
{
	CURLMsg *m;
	int running, left;

	curl_multi_socket_action(s->multi, fd, flags, &running);
	while ((m = curl_multi_info_read(s->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE && m->easy_handle == s->easy)
			finish_request(s, m->data.result);
}

static void
on_ready(void *arg, int fd, short revents)
{
	struct sync *s = arg;
	int flags = 0;

	if (revents & POLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		flags |= CURL_CSELECT_ERR;
	run_curl(s, fd, flags);
}

static int
on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
	struct sync *s = userp;
	struct sock *k = socketp;
	short events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) |
	    ((what & CURL_POLL_OUT) ? POLLOUT : 0));
	int i;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (k != NULL) {
			loop_unwatch(s->loop, k->watch);
			k->used = 0;
		}
		curl_multi_assign(s->multi, fd, NULL);
		return 0;
	}
	if (k != NULL) {
		loop_watch_events(s->loop, k->watch, events);
		return 0;
	}
	for (i = 0; i < MAX_SOCKETS && s->socks[i].used; i++)
		;
	if (i == MAX_SOCKETS)
		return -1;
	k = &s->socks[i];
	k->watch = loop_watch(s->loop, fd, events, on_ready, s);
	if (k->watch < 0)
		return -1;
	k->used = 1;
	k->fd = fd;
	curl_multi_assign(s->multi, fd, k);
	return 0;
}

static void
on_curl_timer(void *arg)
{
	struct sync *s = arg;

	s->curl_timer = 0;
	run_curl(s, CURL_SOCKET_TIMEOUT, 0);
}

static int
on_timer_change(CURLM *m, long ms, void *userp)
{
	struct sync *s = userp;

	(void)m;
	loop_cancel(s->loop, s->curl_timer);
	s->curl_timer = ms < 0 ? 0 : loop_timer(s->loop, ms, 0, on_curl_timer, s);
	return 0;
}

static void
drop_request(struct sync *s)
{
	if (s->easy != NULL) {
		curl_multi_remove_handle(s->multi, s->easy);
		curl_easy_cleanup(s->easy);
		s->easy = NULL;
	}
	curl_slist_free_all(s->headers);
	s->headers = NULL;
	free(s->req_body);
	s->req_body = NULL;
	s->req_len = 0;
	s->resp_len = 0;
	s->resp_too_large = 0;
	s->op = OP_NONE;
}

static void
add_header(struct sync *s, const char *name, const char *value)
{
	char line[256];

	snprintf(line, sizeof line, "%s: %s", name, value);
	s->headers = curl_slist_append(s->headers, line);
}

/* Starts a signed request; the body (owned from here on) is NULL for a GET. */
int
sync_start_request(struct sync *s, enum op op, const char *method, const char *path, char *body,
    size_t len)
{
	char now[WIRE_TIME_TEXT], nonce[WIRE_NONCE_HEX + 1], sig[WIRE_SIG_HEX + 1];

	drop_request(s);
	if ((s->easy = curl_easy_init()) == NULL) {
		free(body);
		return -1;
	}
	s->op = op;
	s->req_body = body;
	s->req_len = len;
	/* Signed at the ledger's time as last learnt: a wrong clock does not cut us off. */
	wire_request_sign(s->sk, method, path, body, len, clock_now_ms() + s->offset, now, nonce,
	    sig);
	snprintf(s->sent_nonce, sizeof s->sent_nonce, "%s", nonce);
	s->sent_mono = clock_mono_ms();
	add_header(s, "X-Custody-Terminal", s->terminal);
	add_header(s, "X-Custody-Time", now);
	add_header(s, "X-Custody-Nonce", nonce);
	add_header(s, "X-Custody-Signature", sig);
	s->headers = curl_slist_append(s->headers, "Expect:");
	setup_easy(s->easy, &s->cf, path, s);
	if (body != NULL) {
		s->headers = curl_slist_append(s->headers, "Content-Type: application/json");
		curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
		drop_request(s);
		return -1;
	}
	return 0;
}

/* ---- rounds, success and failure ---- */

static int64_t
backoff_ms(const struct sync *s)
{
	int64_t ceiling = s->cf.backoff_base_ms;
	uint32_t r;
	int i;

	for (i = 1; i < s->failures && ceiling < s->cf.backoff_max_ms; i++)
		ceiling *= 2;
	if (ceiling > s->cf.backoff_max_ms)
		ceiling = s->cf.backoff_max_ms;
	cry_random(&r, sizeof r);
	return (int64_t)((double)r / 4294967295.0 * (double)ceiling);	/* full jitter */
}

void
sync_end_once(struct sync *s, int status, const char *text)
{
	s->done = 1;
	s->result = status;
	snprintf(s->result_text, sizeof s->result_text, "%s", text);
}

/* The last error, kept for custody sync --status; written only when it changes. */
static void
remember_error(struct sync *s)
{
	if (strcmp(s->saved_error, s->last_error) == 0)
		return;
	if (journal_local_set(s->j, K_LAST_ERROR, s->last_error, NULL) == CST_OK)
		snprintf(s->saved_error, sizeof s->saved_error, "%s", s->last_error);
}

void
sync_failed(struct sync *s, int offline, const char *fmt, ...)
{
	va_list ap;
	int64_t wait;

	va_start(ap, fmt);
	vsnprintf(s->last_error, sizeof s->last_error, fmt, ap);
	va_end(ap);
	remember_error(s);
	s->link = offline ? SYNC_OFFLINE : SYNC_ONLINE;
	s->head_checked = 0;		/* the next round asks for the head again */
	s->head_without_old = 0;
	s->cosign_due = 0;		/* tried again at the next round's head */
	s->log_unproven = 0;		/* the next round starts with a head */
	s->stale_retried = 0;
	if (s->healing) {
		s->healing = 0;		/* appends go on; the next round heals again */
		journal_hold(s->j, NULL);
	}
	if (s->once) {
		sync_end_once(s, offline ? CST_ERR_IO : CST_ERR_INPUT, s->last_error);
		return;
	}
	s->failures++;
	wait = backoff_ms(s);
	s->retry_at = clock_mono_ms() + wait;
	sync_step_soon(s, wait);
}

void
sync_answered(struct sync *s)
{
	s->link = SYNC_ONLINE;
	s->failures = 0;
	s->retry_at = 0;
	s->stale_retried = 0;
	s->last_error[0] = '\0';
	remember_error(s);
}

struct pushbuf {
	struct jw w;
	int n;
	int64_t last;
};

static int
collect(const struct event *ev, void *arg)
{
	struct pushbuf *p = arg;

	wire_event_write(&p->w, ev, 0);
	p->n++;
	p->last = ev->seq;
	return p->w.len >= PUSH_MAX_BYTES;
}

static int
start_push(struct sync *s)
{
	struct pushbuf p;
	struct errmsg em;
	char *body;
	size_t len;

	memset(&p, 0, sizeof p);
	jw_init(&p.w);
	jw_obj_begin(&p.w);
	jw_key(&p.w, "events");
	jw_arr_begin(&p.w);
	err_clear(&em);
	if (journal_chain(s->j, s->terminal, s->acked, s->cf.push_events, collect, &p,
	    &em) != CST_OK || p.n == 0) {
		jw_free(&p.w);
		sync_failed(s, 0, _("reading the journal: %s"), em.text);
		return -1;
	}
	jw_arr_end(&p.w);
	jw_obj_end(&p.w);
	body = jw_take(&p.w, &len);
	s->push_last = p.last;
	return sync_start_request(s, OP_PUSH, "POST", "/v1/events", body, len);
}

static int
start_pull(struct sync *s)
{
	char path[96];

	snprintf(path, sizeof path, "/v1/events?after=%" PRId64 "&limit=%d", s->cursor,
	    s->pull_limit);
	return sync_start_request(s, OP_PULL, "GET", path, NULL, 0);
}

/* One round: this terminal's head at the ledger (heal when behind), push the backlog, pull. */
static void
step(struct sync *s)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct errmsg em;
	int64_t head;
	int rc;

	if (s->easy != NULL || s->done)
		return;
	err_clear(&em);
	if (journal_head(s->j, s->terminal, &head, hash, &em) != CST_OK) {
		sync_failed(s, 0, _("reading the journal: %s"), em.text);
		return;
	}
	if (!s->head_checked)
		rc = sync_start_head(s);
	else if (s->cosign_due)
		rc = sync_start_cosign(s);
	else if (s->healing)
		rc = sync_start_chain(s);	/* own events, checked against our own key */
	else if (head > s->acked && !s->push_refused)
		rc = start_push(s);		/* own signed events: the ledger cannot forge them */
	else if (s->log_unproven && s->log_refusal[0] == '\0') {
		s->log_unproven = 0;
		rc = sync_start_head(s);	/* the tree grew with the push: proven from ours */
	}	else if (s->log_refusal[0] != '\0') {
		rc = 0;
		sync_round_over(s);		/* a refused log: nothing is pulled from it */
	} else
		rc = start_pull(s);
	if (rc != 0 && s->easy == NULL && !s->done && s->retry_at == 0)
		sync_failed(s, 0, "%s", _("cannot start a request"));
}

static void
on_step(void *arg)
{
	struct sync *s = arg;

	s->step_timer = 0;
	step(s);
}

void
sync_step_soon(struct sync *s, int64_t ms)
{
	loop_cancel(s->loop, s->step_timer);
	s->step_timer = loop_timer(s->loop, ms, 0, on_step, s);
}

/* Stores acked and the receipt together. */
int
sync_save_ack(struct sync *s, int64_t acked, const char *receipt_json, struct errmsg *em)
{
	int status;

	if ((status = journal_batch_begin(s->j, em)) != CST_OK)
		return status;
	status = set_local_int(s->j, K_ACKED, acked, em);
	if (status == CST_OK)
		status = set_local_int(s->j, K_LAST_CONTACT, clock_now_ms(), em);
	if (status == CST_OK && receipt_json != NULL)
		status = journal_local_set(s->j, K_RECEIPT, receipt_json, em);
	if (status == CST_OK)
		return journal_batch_end(s->j, em);
	journal_batch_end(s->j, NULL);
	return status;
}

/* The receipt must be the ledger's, for this terminal, and name our own event at acked. */
static int
check_receipt(struct sync *s, const struct wire_receipt *r, int64_t acked, struct errmsg *em)
{
	struct find_hash f;
	int status;

	if (strcmp(r->terminal, s->terminal) != 0 || r->seq != acked)
		return err_set(em, CST_ERR_VERIFY, _("the receipt is for another terminal or seq"));
	if (!wire_receipt_ok(r, s->cf.ledger_pk))
		return err_set(em, CST_ERR_VERIFY, _("the receipt's signature is not the "
		    "ledger's"));
	if (acked == 0)
		return CST_OK;
	if ((status = sync_own_hash(s->j, s->terminal, acked, &f, em)) != CST_OK)
		return status;
	if (!f.found || !cry_equal(f.hash, r->hash, sizeof f.hash))
		return err_set(em, CST_ERR_VERIFY, _("the ledger acknowledged another event at "
		    "seq %lld than the journal holds"), (long long)acked);
	return CST_OK;
}

static void
push_ok(struct sync *s, const struct json *root)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct wire_receipt r;
	struct errmsg em;
	struct jw w;
	int64_t acked, head;

	err_clear(&em);
	if (json_get_int(root, "acked", &acked) != CST_OK || acked < 0 ||
	    wire_receipt_read(json_get(root, "receipt"), &r, &em) != CST_OK) {
		sync_failed(s, 0, "%s", _("the ledger's answer to a push is malformed"));
		return;
	}
	if (journal_head(s->j, s->terminal, &head, hash, &em) == CST_OK && acked > head) {
		sync_failed(s, 0, _("the ledger holds seq %lld of this terminal but the journal ends at "
		    "%lld: events were cut off or an old copy was restored"), (long long)acked,
		    (long long)head);
		return;
	}
	if (check_receipt(s, &r, acked, &em) != CST_OK) {
		sync_failed(s, 0, _("receipt refused: %s"), em.text);
		return;
	}
	jw_init(&w);
	wire_receipt_write(&w, &r);
	if (sync_save_ack(s, acked, jw_text(&w, NULL), &em) != CST_OK) {
		jw_free(&w);
		sync_failed(s, 0, _("saving the acknowledgement: %s"), em.text);
		return;
	}
	jw_free(&w);
	sync_log_check(s, json_get(root, "log"), acked, r.hash, 1);
	if (acked <= s->acked && acked < s->push_last) {
		/* Answered, but no progress: pushing the same batch again would loop. */
		s->acked = acked;
		sync_failed(s, 0, "%s", _("the ledger did not take the pushed events"));
		return;
	}
	s->acked = acked;
	sync_answered(s);
	sync_refusal_over(s);
	sync_step_soon(s, 0);
}

/*
 * An error answer to a push. Only an answer that takes events moves acked (DESIGN §7): a
 * refusal of the events themselves stops pushing and is said everywhere; anything else
 * (busy, internal, a stale time) is tried again later.
 */
static void
push_refused(struct sync *s, long http, const struct json *root)
{
	char code[64], msg[256];
	int64_t acked, seq;

	sync_read_error(root, code, sizeof code, msg, sizeof msg, &acked);
	if (json_get_int(json_get(root, "error"), "seq", &seq) != CST_OK)
		seq = -1;
	if (sync_is_event_refusal(code)) {
		sync_refuse_push(s, http, code, msg, seq);
		return;
	}
	sync_failed(s, http >= 500, _("ledger: %ld %s: %s"), http, code, msg);
}

/* Stores the foreign events of a pull page and the new cursor in one transaction. */
static int
store_page(struct sync *s, const struct json *events, int64_t next, struct errmsg *em)
{
	struct errmsg why;
	struct event ev;
	size_t i, n = json_count(events);
	int64_t cursor, refused = 0;
	int status, stored;

	if (n == 0 && next == s->cursor)
		return CST_OK;	/* nothing new: no write every poll */
	if ((status = journal_batch_begin(s->j, em)) != CST_OK)
		return status;
	memset(&ev, 0, sizeof ev);
	for (i = 0; i < n && status == CST_OK; i++) {
		err_clear(&why);
		status = wire_event_read(json_at(events, i), &ev, &cursor, &why);
		if (status == CST_OK && strcmp(ev.terminal, s->terminal) == 0) {
			/* our own, back from the ledger: now its place in the ledger's order is known */
			if ((status = journal_note_order(s->j, ev.terminal, ev.seq, ev.kind, cursor,
			    em)) != CST_OK)
				break;
			continue;
		}
		if (status == CST_OK)
			status = journal_store_foreign(s->j, &ev, &stored, &why);
		if (status == CST_OK) {
			s->pulled += stored;
			/* the ledger's order decides conflicts of reference data (docs/journal.md) */
			if ((status = journal_note_order(s->j, ev.terminal, ev.seq, ev.kind, cursor,
			    em)) != CST_OK)
				break;
			continue;
		}
		if (status != CST_ERR_VERIFY && status != CST_ERR_INPUT &&
		    status != CST_ERR_NOTFOUND) {
			err_set(em, status, "%s", why.text);
			break;
		}
		/* Refused: recorded and passed over, so one bad chain cannot stop the rest. */
		refused++;
		status = journal_local_set(s->j, K_REFUSED_LAST, why.text, em);
	}
	event_clear(&ev);
	if (status == CST_OK && refused > 0)
		status = set_local_int(s->j, K_REFUSED, s->refused + refused, em);
	if (status == CST_OK)
		status = set_local_int(s->j, K_CURSOR, next, em);
	if (status == CST_OK)
		status = set_local_int(s->j, K_LAST_CONTACT, clock_now_ms(), em);
	if (status != CST_OK) {
		journal_batch_end(s->j, NULL);
		return status;
	}
	if ((status = journal_batch_end(s->j, em)) == CST_OK) {
		s->refused += refused;
		s->cursor = next;
	}
	return status;
}

static void
pull_ok(struct sync *s, const struct json *root)
{
	const struct json *events = json_get(root, "events");
	const struct json *more = json_get(root, "more");
	struct errmsg em;
	int64_t next;

	if (json_type(events) != JSON_ARRAY || json_count(events) > WIRE_MAX_BATCH ||
	    json_get_int(root, "next", &next) != CST_OK || next < s->cursor ||
	    (json_type(more) != JSON_TRUE && json_type(more) != JSON_FALSE)) {
		sync_failed(s, 0, "%s", _("the ledger's answer to a pull is malformed"));
		return;
	}
	err_clear(&em);
	if (store_page(s, events, next, &em) != CST_OK) {
		sync_failed(s, 0, _("storing pulled events: %s"), em.text);
		return;
	}
	sync_answered(s);
	s->pull_limit = SYNC_PULL_EVENTS;
	s->pull_more = json_type(more) == JSON_TRUE;
	if (s->pull_more) {
		sync_step_soon(s, 0);
		return;
	}
	sync_round_over(s);
}

/* The round is over: in once mode the pass ends (exit 1 for a refusal), else a poll's wait. */
void
sync_round_over(struct sync *s)
{
	s->head_checked = 0;	/* the next round starts with the head again */
	s->head_without_old = 0;
	if (s->once && s->log_refusal[0] != '\0')
		sync_end_once(s, CST_ERR_VERIFY, s->log_refusal);
	else if (s->once && s->push_refused)
		sync_end_once(s, CST_ERR_VERIFY, s->refusal);
	else if (s->once)
		sync_end_once(s, CST_OK, "");
	else
		sync_step_soon(s, s->cf.poll_ms);
}

static void
pull_refused(struct sync *s, long http, const struct json *root)
{
	char code[64], msg[256];
	int64_t acked;

	sync_read_error(root, code, sizeof code, msg, sizeof msg, &acked);
	sync_failed(s, http >= 500, _("ledger: %ld %s: %s"), http, code, msg);
}

/* An answer of the ledger to the request op, with its HTTP status (0: none) and body. */
static void
handle_answer(struct sync *s, enum op op, long http, const char *body, size_t len)
{
	struct json *root = NULL;
	struct errmsg em;

	err_clear(&em);
	if (json_parse(body, len, &root, &em) != CST_OK && op == OP_COSIGN)
		sync_cosign_answer(s, http, NULL);
	else if (root == NULL)
		sync_failed(s, http >= 500 || http == 0, _("the ledger answered %ld with something "
		    "that is not JSON"), http);
	else if (http == 401 && sync_stale_answer(s, root))
		sync_step_soon(s, 0);	/* signed again at the ledger's time */
	else if (op == OP_COSIGN)
		sync_cosign_answer(s, http, root);
	else if (op == OP_HEAD && http != 200 && sync_head_again(s, http, root))
		;	/* asked again without old= */
	else if (http == 200 && op == OP_HEAD)
		sync_head_ok(s, root);
	else if (http == 200 && op == OP_CHAIN)
		sync_chain_ok(s, root);
	else if (http == 200 && op == OP_PUSH)
		push_ok(s, root);
	else if (http == 200)
		pull_ok(s, root);
	else if (op == OP_PUSH)
		push_refused(s, http, root);
	else
		pull_refused(s, http, root);
	json_free(root);
}

static void
finish_request(struct sync *s, CURLcode rc)
{
	enum op op = s->op;
	long http = 0;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &http);
	curl_multi_remove_handle(s->multi, s->easy);
	curl_easy_cleanup(s->easy);
	s->easy = NULL;
	if (rc == CURLE_WRITE_ERROR && s->resp_too_large && (op == OP_PULL || op == OP_CHAIN) &&
	    s->pull_limit > 1) {
		s->pull_limit /= 2;	/* large bodies: ask for fewer at a time */
		drop_request(s);
		sync_step_soon(s, 0);
		return;
	}
	if (rc != CURLE_OK)
		sync_failed(s, 1, _("cannot reach the ledger: %s"), curl_easy_strerror(rc));
	else
		handle_answer(s, op, http, s->resp ? s->resp : "", s->resp_len);
	drop_request(s);
}

int
sync_new(struct loop *l, struct journal *j, const char *terminal,
    const unsigned char sk[CRY_SK_BYTES], const struct sync_conf *cf, enum sync_mode mode,
    struct sync **out, struct errmsg *em)
{
	unsigned char sk2[CRY_SK_BYTES];
	struct sync *s;
	int status;

	*out = NULL;
	if ((status = sync_conf_check(cf, em)) != CST_OK)
		return status;
	sync_curl_init();
	s = xcalloc(1, sizeof *s);
	s->loop = l;
	s->j = j;
	s->cf = *cf;
	if (s->cf.push_events < 1 || s->cf.push_events > SYNC_PUSH_EVENTS)
		s->cf.push_events = SYNC_PUSH_EVENTS;
	snprintf(s->terminal, sizeof s->terminal, "%s", terminal);
	memcpy(s->sk, sk, sizeof s->sk);
	cry_keypair_from_seed(sk, s->pk, sk2);	/* libsodium's sk starts with the seed */
	cry_wipe(sk2, sizeof sk2);
	s->mode = mode;
	s->once = mode != SYNC_RUN;
	s->ledger_head.seq = -1;
	s->ckpt.size = -1;
	s->pull_limit = SYNC_PULL_EVENTS;
	status = get_local_int(j, K_ACKED, &s->acked, em);
	if (status == CST_OK)
		status = get_local(j, K_LAST_ERROR, s->saved_error, sizeof s->saved_error, em);
	if (status == CST_OK)
		status = get_local_int(j, K_CURSOR, &s->cursor, em);
	if (status == CST_OK)
		status = get_local_int(j, K_REFUSED, &s->refused, em);
	if (status == CST_OK)
		status = get_local(j, K_REFUSAL, s->refusal, sizeof s->refusal, em);
	s->offset = get_local_int_signed(j, K_OFFSET);
	s->skew_noted = get_local_int_signed(j, K_SKEW);
	if (status == CST_OK)
		sync_log_load(s);
	if (status == CST_OK && (s->multi = curl_multi_init()) == NULL)
		status = err_set(em, CST_ERR_INTERNAL, _("cannot start libcurl"));
	if (status != CST_OK) {
		sync_free(s);
		return status;
	}
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer_change);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	sync_step_soon(s, 0);
	*out = s;
	return CST_OK;
}

void
sync_free(struct sync *s)
{
	int i;

	if (s == NULL)
		return;
	drop_request(s);
	if (s->multi != NULL)
		curl_multi_cleanup(s->multi);
	for (i = 0; i < MAX_SOCKETS; i++)
		if (s->socks[i].used)
			loop_unwatch(s->loop, s->socks[i].watch);
	loop_cancel(s->loop, s->curl_timer);
	loop_cancel(s->loop, s->step_timer);
	free(s->resp);
	cry_wipe(s->sk, sizeof s->sk);
	free(s);
}

void
sync_kick(struct sync *s)
{
	if (s->easy != NULL || s->done)
		return;
	s->failures = 0;
	s->retry_at = 0;
	sync_step_soon(s, 0);
}

/* Cheap enough for every redraw of the status line: two reads by primary key. */
void
sync_get_status(struct sync *s, struct sync_status *st)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct first_unsent fu = { 0 };
	struct errmsg em;

	memset(st, 0, sizeof *st);
	err_clear(&em);
	st->enrolled = 1;
	st->acked = s->acked;
	st->cursor = s->cursor;
	st->refused = s->refused;
	journal_head(s->j, s->terminal, &st->head, hash, &em);
	if (st->head > st->acked && journal_chain(s->j, s->terminal, st->acked, 1, take_ts, &fu,
	    &em) == CST_OK) {
		st->backlog = st->head - st->acked;
		st->oldest_ts = fu.ts;
	}
	st->link = s->link;
	st->pulled = s->pulled;
	st->failures = s->failures;
	st->retry_in_ms = s->retry_at > 0 ? s->retry_at - clock_mono_ms() : 0;
	if (st->retry_in_ms < 0)
		st->retry_in_ms = 0;
	snprintf(st->last_error, sizeof st->last_error, "%s", s->last_error);
	snprintf(st->refusal, sizeof st->refusal, "%s", s->refusal);
	st->offset_ms = s->offset;
	st->skewed = llabs(s->offset) > s->cf.skew_max_ms;
	st->healing = s->healing;
	st->heal = s->heal;
	st->ledger_seq = s->ledger_head.seq;
	st->rolled_back = s->rolled_back;
	st->log_size = s->ckpt.size;
	st->log_cosigned = s->cosigned;
	snprintf(st->log_refusal, sizeof st->log_refusal, "%s", s->log_refusal);
	snprintf(st->log_code, sizeof st->log_code, "%s", s->log_code);
}

int
sync_learned_key(const struct sync *s, unsigned char pk[CRY_PK_BYTES])
{
	if (!s->learned_key)
		return -1;
	memcpy(pk, s->cf.ledger_pk, CRY_PK_BYTES);
	return 0;
}

int
sync_done(const struct sync *s)
{
	return s->done;
}

int
sync_result(const struct sync *s, struct errmsg *em)
{
	if (s->result != CST_OK)
		return err_set(em, s->result, "%s", s->result_text);
	return CST_OK;
}

int
sync_run_once(struct journal *j, const char *terminal, const unsigned char sk[CRY_SK_BYTES],
    struct sync_conf *cf, enum sync_mode mode, struct sync_status *st, struct errmsg *em)
{
	struct sync *s = NULL;
	struct loop *l = loop_new();
	int status;

	memset(st, 0, sizeof *st);
	status = sync_new(l, j, terminal, sk, cf, mode == SYNC_RUN ? SYNC_ONCE : mode, &s, em);
	while (status == CST_OK && !sync_done(s))
		status = loop_run_once(l, 1000) == CST_OK ? CST_OK :
		    err_set(em, CST_ERR_IO, _("the event loop failed"));
	if (status == CST_OK)
		status = sync_result(s, em);
	if (s != NULL) {
		sync_get_status(s, st);
		if (cf->learn_key && sync_learned_key(s, cf->ledger_pk) == 0)
			cf->learn_key = 0;
	}
	sync_free(s);
	loop_free(l);
	return status;
}

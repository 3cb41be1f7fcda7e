/* Blocking HTTPS requests to the ledger for the command line: custody export, custody-audit. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fetch.h"
#include "i18n.h"
#include "json.h"
#include "sync.h"
#include "wire.h"
#include "xmalloc.h"

struct fetch {
	struct sync_conf cf;
	CURL *easy;
	/* the answer being read */
	char *buf;
	size_t len, cap, max;
	int too_large;
};

static size_t
on_data(char *data, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n;

	if (len > f->max - f->len) {
		f->too_large = 1;
		return 0;	/* curl fails the transfer with CURLE_WRITE_ERROR */
	}
	if (f->len + len + 1 > f->cap) {
		while (f->len + len + 1 > f->cap)
			f->cap = f->cap ? f->cap * 2 : 16384;
		f->buf = xrealloc(f->buf, f->cap);
	}
	memcpy(f->buf + f->len, data, len);
	f->len += len;
	f->buf[f->len] = '\0';
	return len;
}

int
fetch_open(const struct sync_conf *cf, struct fetch **out, struct errmsg *em)
{
	struct fetch *f;

	sync_curl_init();
	f = xcalloc(1, sizeof *f);
	f->cf = *cf;
	if ((f->easy = curl_easy_init()) == NULL) {
		free(f);
		return err_set(em, CST_ERR_INTERNAL, _("cannot start libcurl"));
	}
	*out = f;
	return CST_OK;
}

void
fetch_close(struct fetch *f)
{
	if (f == NULL)
		return;
	curl_easy_cleanup(f->easy);
	free(f->buf);
	free(f);
}

/* Every option that concerns trust, as sync's: verification is on and cannot be turned off. */
static void
setup(struct fetch *f, const char *url)
{
	CURL *e = f->easy;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url);
	sync_curl_trust(e, &f->cf);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "custody-fetch/1");
}

static struct curl_slist *
add_header(struct curl_slist *h, const char *name, const char *value)
{
	char line[256];

	snprintf(line, sizeof line, "%s: %s", name, value);
	return curl_slist_append(h, line);
}

int
fetch_do(struct fetch *f, const char *method, const char *path, const struct fetch_signer *who,
    const char *body, size_t len, size_t max, struct fetch_resp *r, struct errmsg *em)
{
	char url[SYNC_URL_MAX + 1100], now[WIRE_TIME_TEXT], nonce[WIRE_NONCE_HEX + 1];
	char sig[WIRE_SIG_HEX + 1];
	struct curl_slist *h = NULL;
	size_t n = strlen(f->cf.url);
	int post = strcmp(method, "POST") == 0;
	CURLcode rc;

	memset(r, 0, sizeof *r);
	if (n > 0 && f->cf.url[n - 1] == '/')
		n--;
	if (strlen(path) > 1024 || path[0] != '/')
		return err_set(em, CST_ERR_ARG, _("bad request path %.40s"), path);
	snprintf(url, sizeof url, "%.*s%s", (int)n, f->cf.url, path);
	setup(f, url);
	f->len = 0;
	f->max = max;
	f->too_large = 0;
	if (who != NULL) {
		wire_request_sign(who->sk, method, path, post ? body : "", post ? len : 0,
		    clock_now_ms(), now, nonce, sig);
		h = add_header(h, "X-Custody-Terminal", who->terminal);
		h = add_header(h, "X-Custody-Time", now);
		h = add_header(h, "X-Custody-Nonce", nonce);
		h = add_header(h, "X-Custody-Signature", sig);
	}
	h = curl_slist_append(h, "Expect:");
	if (post) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(f->easy, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(f->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, h);
	rc = curl_easy_perform(f->easy);
	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &r->http);
	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	if (f->too_large)
		return err_set(em, CST_ERR_INPUT, _("the ledger's answer to %s is longer than "
		    "%zu bytes"), path, max);
	if (rc != CURLE_OK)
		return err_set(em, CST_ERR_IO, _("cannot reach the ledger at %s: %s"), f->cf.url,
		    curl_easy_strerror(rc));
	r->body = xmalloc(f->len + 1);
	memcpy(r->body, f->buf != NULL ? f->buf : "", f->len);
	r->body[f->len] = '\0';
	r->len = f->len;
	return CST_OK;
}

void
fetch_resp_free(struct fetch_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof *r);
}

void
fetch_error_text(const struct fetch_resp *r, char *out, size_t size)
{
	struct json *root = NULL;
	char code[64], msg[256];
	int64_t acked;

	out[0] = '\0';
	if (size == 0 || r->body == NULL || json_parse(r->body, r->len, &root, NULL) != CST_OK)
		return;
	sync_read_error(root, code, sizeof code, msg, sizeof msg, &acked);
	if (code[0] != '\0')
		snprintf(out, size, "%s: %s", code, msg);
	json_free(root);
}

/* The ledger's answers, apart from HTTP: see ledger.h and docs/sync-protocol.md. */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "hex.h"
#include "ltlog.h"
#include "xmalloc.h"

/*
 * A storage failure: logged for the operator, answered to the peer. Locked, full (the disk or
 * a file size limit) and a failed read or write are passing troubles, 503 with their own code:
 * the terminal tries again later. Anything else (damage, a library fault) is internal.
 */
int
ledger_store_fault(struct wire_fault *f, int status, const struct errmsg *em)
{
	fprintf(stderr, "custody-ledger: storage: %s\n", em->text[0] ? em->text : err_name(status));
	switch (status) {
	case CST_ERR_BUSY:
		return wire_fault(f, WE_BUSY, -1, "The ledger's storage is busy; try again.");
	case CST_ERR_FULL:
		return wire_fault(f, WE_STORAGE_FULL, -1,
		    "The ledger's storage is full; nothing was stored. Try again later.");
	case CST_ERR_IO:
		return wire_fault(f, WE_STORAGE_ERROR, -1,
		    "The ledger could not read or write its storage; try again later.");
	default:
		return wire_fault(f, WE_INTERNAL, -1, "The ledger could not use its storage.");
	}
}

void
ledger_lock(struct ledger *l)
{
	pthread_mutex_lock(&l->st->lock);
}

void
ledger_unlock(struct ledger *l)
{
	pthread_mutex_unlock(&l->st->lock);
}

/* Remembers the nonce and the contact in one transaction. */
static int
note_request(struct ledger *l, const struct wire_auth *a, int64_t now, struct wire_fault *f)
{
	struct store *s = l->st;
	struct store_term t;
	struct errmsg em;
	int status;

	err_clear(&em);
	if ((status = s->ops->begin(s, &em)) != CST_OK)
		return ledger_store_fault(f, status, &em);
	status = s->ops->nonce_add(s, a->terminal, a->nonce, a->time + WIRE_SKEW_MS, now, &em);
	if (status == CST_OK)
		status = s->ops->term_get(s, a->terminal, &t, &em);
	if (status == CST_OK) {
		t.last_contact = now;
		status = s->ops->term_update(s, &t, &em);
	}
	if (status == CST_OK)
		status = s->ops->commit(s, &em);
	if (status == CST_OK)
		return WE_OK;
	s->ops->rollback(s);
	if (status == CST_ERR_EXISTS)
		return wire_fault(f, WE_REPLAYED_REQUEST, -1, "This request was already received.");
	return ledger_store_fault(f, status, &em);
}

/* The ledger's time signed for the request's terminal and nonce (docs/sync-protocol.md). */
static void
sign_time(struct ledger *l, const struct wire_auth *a, int64_t now, struct wire_time *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->terminal, sizeof t->terminal, "%s", a->terminal);
	snprintf(t->nonce, sizeof t->nonce, "%s", a->nonce_hex);
	t->ledger_time = now;
	wire_time_sign(t, l->sk);
}

/* A stale request is answered with the ledger's signed time, so that the terminal can adjust. */
static int
check_time(struct ledger *l, const struct wire_auth *a, struct wire_fault *f)
{
	int64_t now = clock_now_ms();

	if (a->time <= now + WIRE_SKEW_MS && a->time >= now - WIRE_SKEW_MS)
		return WE_OK;
	wire_fault(f, WE_STALE_REQUEST, -1,
	    "The request time is more than 300 s from the ledger's (%lld).", (long long)now);
	sign_time(l, a, now, &f->time);
	f->has_time = 1;
	return f->err;
}

int
ledger_precheck(struct ledger *l, const struct wire_auth *a, struct wire_fault *f)
{
	struct store_term t;
	struct errmsg em;
	int status;

	err_clear(&em);
	ledger_lock(l);
	status = l->st->ops->term_get(l->st, a->terminal, &t, &em);
	ledger_unlock(l);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_UNKNOWN_TERMINAL, -1, "Terminal %s is not enrolled.", a->terminal);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	if (check_time(l, a, f) != WE_OK)
		return f->err;
	/* Only looked at: the nonce is taken once the signature over the body checks. */
	ledger_lock(l);
	status = l->st->ops->nonce_seen(l->st, a->terminal, a->nonce, &em);
	ledger_unlock(l);
	if (status == CST_ERR_EXISTS)
		return wire_fault(f, WE_REPLAYED_REQUEST, -1, "This request was already received.");
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	return WE_OK;
}

int
ledger_auth(struct ledger *l, const char *method, const char *path, const struct wire_auth *a,
    const void *body, size_t body_len, unsigned char pk[CRY_PK_BYTES], struct wire_fault *f)
{
	struct store_term t;
	struct errmsg em;
	int64_t now;
	int status;

	err_clear(&em);
	ledger_lock(l);
	status = l->st->ops->term_get(l->st, a->terminal, &t, &em);
	ledger_unlock(l);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_UNKNOWN_TERMINAL, -1, "Terminal %s is not enrolled.", a->terminal);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	if (!wire_request_verify(t.pk, method, path, a->time_text, a->nonce_hex, body, body_len,
	    a->sig_hex))
		return wire_fault(f, WE_BAD_REQUEST_SIGNATURE, -1,
		    "The request signature is not terminal %s's.", a->terminal);
	if (check_time(l, a, f) != WE_OK)
		return f->err;
	now = clock_now_ms();
	ledger_lock(l);
	status = note_request(l, a, now, f);
	ledger_unlock(l);
	if (status == WE_OK)
		memcpy(pk, t.pk, CRY_PK_BYTES);
	return status;
}

/* Binds terminal to pk with a token, in the caller's transaction. */
static int
enroll_in(struct ledger *l, const char *terminal, const unsigned char token_hash[CRY_HASH_BYTES],
    const unsigned char pk[CRY_PK_BYTES], struct wire_fault *f, struct errmsg *em)
{
	struct store *s = l->st;
	struct store_term t;
	int64_t now = clock_now_ms();
	int status;

	status = s->ops->term_get(s, terminal, &t, em);
	if (status == CST_OK) {
		if (cry_equal(t.pk, pk, CRY_PK_BYTES))
			return WE_OK;
		return wire_fault(f, WE_ALREADY_ENROLLED, -1,
		    "Terminal %s is enrolled with another key.", terminal);
	}
	if (status != CST_ERR_NOTFOUND)
		return ledger_store_fault(f, status, em);
	status = s->ops->token_take(s, token_hash, terminal, now, em);
	if (status == CST_ERR_NOTFOUND)
		return wire_fault(f, WE_BAD_TOKEN, -1,
		    "The token is not valid for %s: unknown, used, expired or for another terminal.",
		    terminal);
	if (status != CST_OK)
		return ledger_store_fault(f, status, em);
	memset(&t, 0, sizeof t);
	snprintf(t.terminal, sizeof t.terminal, "%s", terminal);
	memcpy(t.pk, pk, CRY_PK_BYTES);
	t.enrolled = t.last_contact = now;
	if ((status = s->ops->term_add(s, &t, em)) != CST_OK)
		return ledger_store_fault(f, status, em);
	return WE_OK;
}

int
ledger_enroll(struct ledger *l, const char *body, size_t len, struct jw *out,
    struct wire_fault *f)
{
	unsigned char th[CRY_HASH_BYTES];
	struct wire_enroll req;
	struct errmsg em;
	int e;

	if ((e = wire_enroll_decode(body, len, &req, f)) != WE_OK)
		return e;
	cry_hash_buf(req.token, strlen(req.token), th);
	cry_wipe(req.token, sizeof req.token);
	err_clear(&em);
	ledger_lock(l);
	if ((e = l->st->ops->begin(l->st, &em)) != CST_OK) {
		ledger_unlock(l);
		return ledger_store_fault(f, e, &em);
	}
	e = enroll_in(l, req.terminal, th, req.pk, f, &em);
	if (e == WE_OK && (e = l->st->ops->commit(l->st, &em)) != CST_OK)
		e = ledger_store_fault(f, e, &em);
	if (e != WE_OK)
		l->st->ops->rollback(l->st);
	ledger_unlock(l);
	if (e != WE_OK)
		return e;
	jw_obj_begin(out);
	jw_key(out, "terminal");
	jw_str(out, req.terminal);
	jw_key(out, "ledger_key");
	jw_hex(out, l->pk, sizeof l->pk);
	jw_obj_end(out);
	return WE_OK;
}

/* Cuts the batch at the first event out of ascending order. */
static size_t
check_order(const struct event *evs, size_t n, struct wire_fault *f)
{
	size_t i;

	for (i = 1; i < n; i++) {
		if (evs[i].seq <= evs[i - 1].seq) {
			wire_fault(f, WE_BAD_EVENT, evs[i].seq, "The events are not in ascending seq.");
			return i;
		}
	}
	return n;
}

struct push_count {
	int64_t stored, duplicates;
};

/*
 * A new reference event must be signed with the ledger's center key; before the ledger has
 * one, the first authorized event it stores names it (candidate, kept when the batch commits).
 */
static int
place_authority(struct ledger *l, const struct event *ev, unsigned char cand[CRY_PK_BYTES],
    int *has_cand, struct wire_fault *f)
{
	unsigned char center[CRY_PK_BYTES];
	const unsigned char *pin = l->has_center ? l->center : *has_cand ? cand : NULL;
	int has;

	if (check_authority(ev, center, &has, f) != WE_OK)
		return f->err;
	if (!has)
		return CHECK_NEW;
	if (pin == NULL) {
		memcpy(cand, center, CRY_PK_BYTES);
		*has_cand = 1;
		return CHECK_NEW;
	}
	if (!cry_equal(pin, center, CRY_PK_BYTES))
		return wire_fault(f, WE_NO_AUTHORITY, ev->seq,
		    "%s %s is signed with another center key than this ledger's.", ev->kind,
		    ev->subject);
	return CHECK_NEW;
}

/* Stores evs[0..n) in one transaction up to the first refused; head ends as what is held. */
static int
store_batch(struct ledger *l, const char *terminal, const struct event *evs, size_t n,
    struct store_term *head, struct push_count *c, struct wire_fault *f)
{
	struct store *s = l->st;
	unsigned char held[CRY_HASH_BYTES];
	struct wire_fault bad;
	unsigned char cand[CRY_PK_BYTES];
	struct errmsg em;
	struct jw w;
	int64_t now = clock_now_ms(), at;
	int status, v = CHECK_NEW, has_cand = 0;
	struct ltlog_entry *leaves;
	size_t i;

	err_clear(&em);
	bad.err = WE_OK;
	if ((status = s->ops->begin(s, &em)) != CST_OK)
		return ledger_store_fault(f, status, &em);
	/* The leaves of the events stored, appended to the log before the commit. */
	leaves = xcalloc(n > 0 ? n : 1, sizeof *leaves);
	if ((status = s->ops->term_get(s, terminal, head, &em)) != CST_OK)
		goto fail;
	if (!l->has_center && (status = check_find_center(s, &l->center_scanned, l->center,
	    &l->has_center, &at, &em)) != CST_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		v = check_place(s, head, &evs[i], held, &bad, &em);
		if (v == CHECK_DUPLICATE) {
			c->duplicates++;
			continue;
		}
		if (v != CHECK_NEW)
			break;
		if ((v = place_authority(l, &evs[i], cand, &has_cand, &bad)) != CHECK_NEW)
			break;
		if ((status = s->ops->event_add(s, &evs[i], now, &em)) != CST_OK)
			goto fail;
		head->last_seq = evs[i].seq;
		memcpy(head->last_hash, evs[i].hash, sizeof head->last_hash);
		snprintf(leaves[c->stored].terminal, sizeof leaves[0].terminal, "%s", evs[i].terminal);
		leaves[c->stored].seq = evs[i].seq;
		memcpy(leaves[c->stored].hash, evs[i].hash, sizeof leaves[0].hash);
		c->stored++;
	}
	if (v == WE_FORK) {
		jw_init(&w);
		wire_event_write(&w, &evs[i], 0);
		status = s->ops->alert_add(s, terminal, evs[i].seq, "fork", held, evs[i].hash,
		    jw_text(&w, NULL), now, &em);
		jw_free(&w);
		if (status != CST_OK)
			goto fail;
		fprintf(stderr, "custody-ledger: alert: fork offered by %s at seq %lld\n", terminal,
		    (long long)evs[i].seq);
	}
	head->last_contact = now;
	head->events += c->stored;
	if ((status = ltlog_append(l, leaves, (size_t)c->stored, now, &em)) != CST_OK ||
	    (status = s->ops->term_update(s, head, &em)) != CST_OK ||
	    (status = s->ops->commit(s, &em)) != CST_OK)
		goto fail;
	free(leaves);
	if (has_cand && !l->has_center) {
		memcpy(l->center, cand, sizeof l->center);
		l->has_center = 1;
	}
	if (v == WE_INTERNAL)
		return ledger_store_fault(f, em.code != CST_OK ? em.code : CST_ERR_INTERNAL, &em);
	if (bad.err != WE_OK)
		*f = bad;
	return bad.err;
fail:
	free(leaves);
	s->ops->rollback(s);
	c->stored = c->duplicates = 0;
	s->ops->term_get(s, terminal, head, NULL);
	return ledger_store_fault(f, status, &em);
}

/* The "log" member of an answer: the newest checkpoint and proofs (ltlog_write). */
static int
log_member(struct ledger *l, const char *terminal, int64_t seq, int64_t old, struct jw *out,
    struct wire_fault *f)
{
	struct errmsg em;
	int status;

	if (l->no_tlog)
		return WE_OK;
	err_clear(&em);
	jw_key(out, "log");
	ledger_lock(l);
	status = ltlog_write(l, terminal, seq, old, out, &em);
	ledger_unlock(l);
	return status == CST_OK ? WE_OK : ledger_store_fault(f, status, &em);
}

static int
push_answer(struct ledger *l, const struct store_term *head, const struct push_count *c,
    struct jw *out, struct wire_fault *f)
{
	struct wire_receipt r;

	memset(&r, 0, sizeof r);
	snprintf(r.terminal, sizeof r.terminal, "%s", head->terminal);
	r.seq = head->last_seq;
	memcpy(r.hash, head->last_hash, sizeof r.hash);
	r.ledger_time = clock_now_ms();
	wire_receipt_sign(&r, l->sk);
	jw_obj_begin(out);
	jw_key(out, "terminal");
	jw_str(out, head->terminal);
	jw_key(out, "acked");
	jw_int(out, head->last_seq);
	jw_key(out, "stored");
	jw_int(out, c->stored);
	jw_key(out, "duplicates");
	jw_int(out, c->duplicates);
	jw_key(out, "receipt");
	wire_receipt_write(out, &r);
	if (log_member(l, head->terminal, head->last_seq, 0, out, f) != WE_OK)
		return f->err;
	jw_obj_end(out);
	return WE_OK;
}

int
ledger_push(struct ledger *l, const char *terminal, const unsigned char pk[CRY_PK_BYTES],
    const char *body, size_t len, struct jw *out, struct wire_fault *f)
{
	struct push_count c = { 0, 0 };
	struct wire_fault cut, order;
	struct store_term head;
	const struct json *arr;
	struct json *root;
	struct event *evs;
	size_t n, ok, in_order;
	int e;

	if ((e = wire_push_parse(body, len, &root, &arr, f)) != WE_OK)
		return e;
	n = json_count(arr);
	evs = xcalloc(n, sizeof *evs);
	wire_fault(&cut, WE_OK, -1, "%s", "");
	ok = check_batch(arr, n, evs, terminal, pk, &cut);
	json_free(root);
	if ((in_order = check_order(evs, ok, &order)) < ok) {
		ok = in_order;
		cut = order;
	}
	memset(&head, 0, sizeof head);
	head.last_seq = -1;
	ledger_lock(l);
	e = store_batch(l, terminal, evs, ok, &head, &c, f);
	ledger_unlock(l);
	wire_events_free(evs, n);
	if (e == WE_OK && cut.err != WE_OK) {
		*f = cut;
		e = cut.err;
	}
	if (e != WE_OK) {
		f->acked = head.last_seq;
		return e;
	}
	return push_answer(l, &head, &c, out, f);
}

int
ledger_head(struct ledger *l, const struct wire_auth *a, const char *old, struct jw *out,
    struct wire_fault *f)
{
	struct wire_receipt r;
	struct wire_time t;
	struct store_term head;
	struct errmsg em;
	int64_t o;
	int status;

	if (ledger_query_num(old, 0, 0, INT64_MAX, &o) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1, "old must be a tree size (0 or more).");
	err_clear(&em);
	ledger_lock(l);
	status = l->st->ops->term_get(l->st, a->terminal, &head, &em);
	ledger_unlock(l);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	memset(&r, 0, sizeof r);
	snprintf(r.terminal, sizeof r.terminal, "%s", head.terminal);
	r.seq = head.last_seq;
	memcpy(r.hash, head.last_hash, sizeof r.hash);
	r.ledger_time = clock_now_ms();
	wire_receipt_sign(&r, l->sk);
	sign_time(l, a, r.ledger_time, &t);
	jw_obj_begin(out);
	jw_key(out, "ledger_key");
	jw_hex(out, l->pk, sizeof l->pk);
	jw_key(out, "head");
	wire_receipt_write(out, &r);
	jw_key(out, "time");
	wire_time_write(out, &t);
	if (log_member(l, head.terminal, head.last_seq, o, out, f) != WE_OK)
		return f->err;
	jw_obj_end(out);
	return WE_OK;
}

struct page {
	struct jw *out;
	int64_t last;
	int limit, count;
};

static int
page_event(void *arg, int64_t cursor, const struct event *ev)
{
	struct page *p = arg;

	/* One row past the limit is read only to learn that there is more. */
	if (p->count++ == p->limit)
		return 0;
	wire_event_write(p->out, ev, cursor);
	p->last = cursor;
	return 0;
}

int
ledger_query_num(const char *s, int64_t dflt, int64_t min, int64_t max, int64_t *out)
{
	if (s == NULL) {
		*out = dflt;
		return 0;
	}
	if (wire_parse_u63(s, strlen(s), out) != 0 || *out < min || *out > max)
		return -1;
	return 0;
}

/*
 * One page of events with a key above after, at most limit of them: every terminal's in
 * cursor order (terminal NULL: a pull, with "next"), or one terminal's in seq order (a chain).
 */
static int
write_page(struct ledger *l, const char *terminal, const char *after, const char *limit,
    struct jw *out, struct wire_fault *f)
{
	struct page p;
	struct errmsg em;
	int64_t a, n;
	int status;

	if (ledger_query_num(after, 0, 0, INT64_MAX, &a) != 0 ||
	    ledger_query_num(limit, WIRE_PULL_DEFAULT, 1, WIRE_MAX_BATCH, &n) != 0)
		return wire_fault(f, WE_BAD_REQUEST, -1,
		    "after must be a %s (0 or more) and limit 1 to %d.",
		    terminal == NULL ? "cursor" : "seq", WIRE_MAX_BATCH);
	memset(&p, 0, sizeof p);
	p.out = out;
	p.last = a;
	p.limit = (int)n;
	err_clear(&em);
	jw_obj_begin(out);
	jw_key(out, "events");
	jw_arr_begin(out);
	ledger_lock(l);
	if (terminal == NULL)
		status = l->st->ops->events_after(l->st, a, p.limit + 1, page_event, &p, &em);
	else
		status = l->st->ops->chain_after(l->st, terminal, a, p.limit + 1, page_event, &p,
		    &em);
	ledger_unlock(l);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	jw_arr_end(out);
	if (terminal == NULL) {
		jw_key(out, "next");
		jw_int(out, p.last);
	}
	jw_key(out, "more");
	jw_bool(out, p.count > p.limit);
	jw_obj_end(out);
	return WE_OK;
}

int
ledger_pull(struct ledger *l, const char *after, const char *limit, struct jw *out,
    struct wire_fault *f)
{
	return write_page(l, NULL, after, limit, out, f);
}

int
ledger_chain(struct ledger *l, const char *terminal, const char *after, const char *limit,
    struct jw *out, struct wire_fault *f)
{
	return write_page(l, terminal, after, limit, out, f);
}

static int
status_term(void *arg, const struct store_term *t)
{
	struct jw *out = arg;

	jw_obj_begin(out);
	jw_key(out, "terminal");
	jw_str(out, t->terminal);
	jw_key(out, "last_seq");
	jw_int(out, t->last_seq);
	jw_key(out, "last_contact");
	jw_int(out, t->last_contact);
	jw_key(out, "events");
	jw_int(out, t->events);
	jw_obj_end(out);
	return 0;
}

int
ledger_status(struct ledger *l, struct jw *out, struct wire_fault *f)
{
	struct errmsg em;
	int64_t alerts;
	int status;

	err_clear(&em);
	jw_obj_begin(out);
	jw_key(out, "ledger_time");
	jw_int(out, clock_now_ms());
	jw_key(out, "terminals");
	jw_arr_begin(out);
	ledger_lock(l);
	status = l->st->ops->terms_each(l->st, status_term, out, &em);
	alerts = l->st->ops->alerts_count(l->st);
	ledger_unlock(l);
	if (status != CST_OK)
		return ledger_store_fault(f, status, &em);
	jw_arr_end(out);
	jw_key(out, "alerts");
	jw_int(out, alerts);
	jw_obj_end(out);
	return WE_OK;
}

int
ledger_token(struct store *st, const char *terminal, int64_t now,
    char out[2 * WIRE_TOKEN_BYTES + 1], struct errmsg *em)
{
	unsigned char raw[WIRE_TOKEN_BYTES], th[CRY_HASH_BYTES];
	int status;

	if (!event_valid_id(terminal, strlen(terminal)))
		return err_set(em, CST_ERR_ARG, "%s: not a valid terminal name", terminal);
	cry_random(raw, sizeof raw);
	hex_encode(raw, sizeof raw, out);
	cry_wipe(raw, sizeof raw);
	/* The hash of the token's text is stored, as the ledger hashes what enroll presents. */
	cry_hash_buf(out, 2 * WIRE_TOKEN_BYTES, th);
	pthread_mutex_lock(&st->lock);
	status = st->ops->begin(st, em);
	if (status == CST_OK)
		status = st->ops->token_add(st, th, terminal, now + WIRE_TOKEN_TTL_MS, em);
	if (status == CST_OK)
		status = st->ops->commit(st, em);
	if (status != CST_OK)
		st->ops->rollback(st);
	pthread_mutex_unlock(&st->lock);
	return status;
}

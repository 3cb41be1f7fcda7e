/*
 * custody-audit, the events: the signed pull (GET /v1/events) page by page, in the ledger's
 * order, which is the log's: each event's fields, hash, chain link and signature (by the key
 * of its terminal's own terminal.created), and the leaf at its place in the log must be that
 * event's. Only each terminal's head is kept, never the events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json.h"
#include "project.h"
#include "run.h"
#include "wire.h"

#define PULL_LIMIT 500

/* The event's chain: its seq follows its terminal's head, prev links, the signature checks. */
static void
check_chain(struct audit_run *r, int64_t leaf, const struct event *ev)
{
	static const unsigned char zero[CRY_HASH_BYTES];
	struct audit_term *t = audit_term(&r->terms, ev->terminal);

	t->events++;
	if (ev->seq != t->ev_seq + 1) {
		audit_find(r, leaf, _("event %s seq %lld follows seq %lld of its chain"),
		    ev->terminal, (long long)ev->seq, (long long)t->ev_seq);
	} else if (!cry_equal(ev->prev, ev->seq == 1 ? zero : t->ev_hash, CRY_HASH_BYTES)) {
		audit_find(r, leaf, _("event %s seq %lld: prev is not the hash of the event "
		    "before it"), ev->terminal, (long long)ev->seq);
	}
	if (ev->seq == 1) {
		if (strcmp(ev->kind, "terminal.created") != 0 ||
		    project_created_key(ev, t->pk, NULL) != CST_OK)
			audit_find(r, leaf, _("event %s seq 1 is not a terminal.created with its "
			    "key"), ev->terminal);
		else
			t->has_pk = 1;
	}
	if (!t->has_pk) {
		if (ev->seq == t->ev_seq + 1 && ev->seq > 1 && t->ev_seq == 0)
			audit_find(r, leaf, _("event %s seq %lld: no terminal.created of %s comes "
			    "before it, so its key is not known"), ev->terminal,
			    (long long)ev->seq, ev->terminal);
	} else if (!event_sig_ok(ev, t->pk)) {
		audit_find(r, leaf, _("event %s seq %lld: the signature does not verify with the "
		    "key of its terminal.created"), ev->terminal, (long long)ev->seq);
	}
	if (ev->seq > t->ev_seq) {
		t->ev_seq = ev->seq;
		memcpy(t->ev_hash, ev->hash, CRY_HASH_BYTES);
	}
}

/* The leaf at the event's place must be the event's. */
static void
check_leaf(struct audit_run *r, int64_t leaf, const struct event *ev)
{
	unsigned char data[TLOG_LEAF_MAX], h[TLOG_HASH_BYTES], eh[CRY_HASH_BYTES];
	char term[EV_MAX_ID + 1];
	size_t n = tlog_leaf_data(ev->terminal, ev->seq, ev->hash, data);
	int64_t seq;

	tlog_leaf_hash(data, n, h);
	if (cry_equal(h, r->leaves[leaf], TLOG_HASH_BYTES))
		return;
	if (audit_entry(r, leaf, term, &seq, eh) != 0)
		audit_find(r, leaf, _("the entry is not event %s seq %lld, which the ledger "
		    "serves at this place"), ev->terminal, (long long)ev->seq);
	else if (strcmp(term, ev->terminal) == 0 && seq == ev->seq)
		audit_find(r, leaf, _("entry %s seq %lld does not match the event's hash"), term,
		    (long long)seq);
	else
		audit_find(r, leaf, _("entry %s seq %lld, but the ledger serves event %s seq %lld "
		    "at this place"), term, (long long)seq, ev->terminal, (long long)ev->seq);
}

/* One page: 0 and *more, or -1 when it could not be read at all (em). */
static int
pull_page(struct audit_run *r, int64_t *after, int *limit, int *more, struct errmsg *em)
{
	const struct json *arr, *obj;
	struct json *root = NULL;
	struct fetch_resp resp;
	struct event ev;
	char path[96], why[300];
	int64_t cursor, next = -1;
	size_t i;
	int status;

	snprintf(path, sizeof path, "/v1/events?after=%lld&limit=%d", (long long)*after, *limit);
	status = fetch_do(r->f, "GET", path, &r->who, NULL, 0, JSON_MAX_INPUT, &resp, em);
	if (status == CST_ERR_INPUT && *limit > 1) {
		*limit /= 2;	/* a page of large events: ask for fewer */
		*more = 1;
		return 0;
	}
	if (status != CST_OK)
		return -1;
	if (resp.http != 200) {
		fetch_error_text(&resp, why, sizeof why);
		err_set(em, CST_ERR_IO, _("the ledger refused the pull (%ld %s)"), resp.http, why);
		fetch_resp_free(&resp);
		return -1;
	}
	if (json_parse(resp.body, resp.len, &root, em) != CST_OK ||
	    json_type(arr = json_get(root, "events")) != JSON_ARRAY ||
	    json_count(arr) > WIRE_MAX_BATCH || json_get_int(root, "next", &next) != CST_OK) {
		err_set(em, CST_ERR_INPUT, _("the ledger's pull page is malformed"));
		json_free(root);
		fetch_resp_free(&resp);
		return -1;
	}
	*more = json_get(root, "more") != NULL && json_type(json_get(root, "more")) == JSON_TRUE;
	for (i = 0; i < json_count(arr) && r->events < r->cp.size; i++) {
		obj = json_at(arr, i);
		memset(&ev, 0, sizeof ev);
		if (wire_event_read(obj, &ev, &cursor, em) != CST_OK) {
			audit_find(r, r->events, _("the event at this place (cursor %lld) is "
			    "refused: %s"), (long long)cursor, em->text);
		} else if (cursor <= *after) {
			audit_find(r, r->events, _("the pull went back to cursor %lld"),
			    (long long)cursor);
		} else {
			check_chain(r, r->events, &ev);
			check_leaf(r, r->events, &ev);
		}
		if (cursor > *after)
			*after = cursor;
		event_clear(&ev);
		r->events++;
	}
	if (json_count(arr) == 0)
		*more = 0;
	json_free(root);
	fetch_resp_free(&resp);
	err_clear(em);
	return 0;
}

/* The ledger's word on each terminal's head (GET /v1/status) against the chains pulled. */
static void
check_status(struct audit_run *r)
{
	struct fetch_resp resp;
	struct json *root = NULL;
	const struct json *arr, *e;
	struct audit_term *t;
	struct errmsg em;
	const char *name;
	int64_t last;
	size_t i;

	err_clear(&em);
	if (fetch_do(r->f, "GET", "/v1/status", &r->who, NULL, 0, JSON_MAX_INPUT, &resp,
	    &em) != CST_OK)
		return;
	if (resp.http == 200 && json_parse(resp.body, resp.len, &root, NULL) == CST_OK &&
	    json_type(arr = json_get(root, "terminals")) == JSON_ARRAY) {
		for (i = 0; i < json_count(arr); i++) {
			e = json_at(arr, i);
			if ((name = json_get_str(e, "terminal")) == NULL ||
			    !event_valid_id(name, strlen(name)) ||
			    json_get_int(e, "last_seq", &last) != CST_OK)
				continue;
			t = audit_term(&r->terms, name);
			if (last < t->ev_seq)
				audit_find(r, -1, _("terminal %s: the ledger's status says its chain "
				    "ends at seq %lld, but the log holds it up to seq %lld"), name,
				    (long long)last, (long long)t->ev_seq);
		}
	}
	json_free(root);
	fetch_resp_free(&resp);
}

int
audit_events(struct audit_run *r, struct errmsg *em)
{
	int64_t after = 0, missing;
	int limit = PULL_LIMIT, more = 1;
	char term[EV_MAX_ID + 1];
	unsigned char eh[CRY_HASH_BYTES];
	int64_t seq;

	while (more && r->events < r->cp.size)
		if (pull_page(r, &after, &limit, &more, em) != 0)
			return em->code != CST_OK ? em->code : CST_ERR_IO;
	if (r->events < r->cp.size) {
		missing = r->cp.size - r->events;
		if (audit_entry(r, r->events, term, &seq, eh) == 0)
			audit_find(r, r->events, _("the ledger serves no event for entry %s seq %lld "
			    "(%lld entries of the log without their event)"), term, (long long)seq,
			    (long long)missing);
		else
			audit_find(r, r->events, _("the ledger serves no event for this entry (%lld "
			    "entries of the log without their event)"), (long long)missing);
	}
	printf(_("events: %lld pulled and checked (fields, hash, chain, signature, leaf), "
	    "%zu terminals\n"), (long long)r->events, r->terms.n);
	check_status(r);
	return CST_OK;
}

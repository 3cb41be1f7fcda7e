/* The ledger's rules for an event, shared by push and verify and by every storage backend. */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "evcheck.h"
#include "json.h"
#include "project.h"
#include "xmalloc.h"

/*
 * seq 1 opens the chain: terminal.created whose public_key is the key the terminal enrolled,
 * read as the terminal reads it when it checks a chain.
 */
static int
check_created(const struct event *ev, const unsigned char pk[CRY_PK_BYTES], struct wire_fault *f)
{
	unsigned char key[CRY_PK_BYTES];

	if (strcmp(ev->kind, "terminal.created") != 0)
		return wire_fault(f, WE_BAD_EVENT, ev->seq, "Event 1 of a terminal must be terminal.created.");
	if (project_created_key(ev, key, NULL) != CST_OK || !cry_equal(key, pk, sizeof key))
		return wire_fault(f, WE_BAD_EVENT, ev->seq,
		    "terminal.created does not carry the key this terminal enrolled.");
	return WE_OK;
}

int
check_event_sig(const struct event *ev, const unsigned char pk[CRY_PK_BYTES], struct wire_fault *f)
{
	if (!event_sig_ok(ev, pk))
		return wire_fault(f, WE_BAD_SIGNATURE, ev->seq,
		    "The event is not signed by the key of terminal %s.", ev->terminal);
	if (ev->seq == 1)
		return check_created(ev, pk, f);
	return WE_OK;
}

int
check_authority(const struct event *ev, unsigned char center[CRY_PK_BYTES], int *has,
    struct wire_fault *f)
{
	struct authority_proof proof;
	struct errmsg em;
	int status;

	memset(center, 0, CRY_PK_BYTES);
	*has = 0;
	if (!authority_kind_needs(ev->kind))
		return WE_OK;
	err_clear(&em);
	status = evcheck_event(ev, NULL, &proof, &em);
	if (status == CST_ERR_PERM)
		return wire_fault(f, WE_NO_AUTHORITY, ev->seq, "%s", em.text);
	if (status != CST_OK)
		return wire_fault(f, WE_BAD_EVENT, ev->seq, "%s", em.text);
	memcpy(center, proof.center, CRY_PK_BYTES);
	*has = 1;
	return WE_OK;
}

/*
 * A push being checked: threads take chunks of events in order until they pass the first
 * refused one, so a thread slowed by another process on its core holds nobody up.
 */
struct batch {
	const struct json *arr;
	struct event *evs;
	size_t n;
	const char *terminal;
	const unsigned char *pk;
	pthread_mutex_t lock;
	size_t next;		/* first event not yet taken */
	size_t bad;		/* first event refused so far, n when none */
	struct wire_fault f;
};

#define BATCH_CHUNK 32

static int
check_terminal(const struct event *ev, const char *terminal, struct wire_fault *f)
{
	if (strcmp(ev->terminal, terminal) != 0)
		return wire_fault(f, WE_BAD_EVENT, ev->seq,
		    "The event is of terminal %s, not of %s that signed the request.", ev->terminal,
		    terminal);
	return WE_OK;
}

static int
check_one(struct batch *b, size_t i, struct wire_fault *f)
{
	unsigned char center[CRY_PK_BYTES];
	int has;

	return wire_event_decode(json_at(b->arr, i), &b->evs[i], f) != WE_OK ||
	    check_terminal(&b->evs[i], b->terminal, f) != WE_OK ||
	    check_event_sig(&b->evs[i], b->pk, f) != WE_OK ||
	    check_authority(&b->evs[i], center, &has, f) != WE_OK;
}

static void *
batch_run(void *arg)
{
	struct batch *b = arg;
	struct wire_fault f;
	size_t from, to, i;

	for (;;) {
		pthread_mutex_lock(&b->lock);
		from = b->next;
		b->next += BATCH_CHUNK;
		pthread_mutex_unlock(&b->lock);
		if (from >= b->n)
			break;
		to = from + BATCH_CHUNK < b->n ? from + BATCH_CHUNK : b->n;
		for (i = from; i < to; i++) {
			if (check_one(b, i, &f)) {
				pthread_mutex_lock(&b->lock);
				if (i < b->bad) {
					b->bad = i;
					b->f = f;
				}
				/* Nothing after the first refused event is needed. */
				b->next = b->n;
				pthread_mutex_unlock(&b->lock);
				break;
			}
		}
	}
	return NULL;
}

/* Below this a second thread costs more than it saves. */
#define BATCH_SPLIT_MIN 64

size_t
check_batch(const struct json *arr, size_t n, struct event *evs, const char *terminal,
    const unsigned char pk[CRY_PK_BYTES], struct wire_fault *f)
{
	struct batch b;
	pthread_t th;
	int two;

	memset(&b, 0, sizeof b);
	b.arr = arr;
	b.evs = evs;
	b.n = b.bad = n;
	b.terminal = terminal;
	b.pk = pk;
	pthread_mutex_init(&b.lock, NULL);
	two = n >= BATCH_SPLIT_MIN && pthread_create(&th, NULL, batch_run, &b) == 0;
	batch_run(&b);
	if (two)
		pthread_join(th, NULL);
	pthread_mutex_destroy(&b.lock);
	if (b.bad < n)
		*f = b.f;
	return b.bad;
}

int
check_place(struct store *s, const struct store_term *head, const struct event *ev,
    unsigned char held[CRY_HASH_BYTES], struct wire_fault *f, struct errmsg *em)
{
	int status;

	if (ev->seq == head->last_seq + 1) {
		if (!cry_equal(ev->prev, head->last_hash, sizeof ev->prev))
			return wire_fault(f, WE_BROKEN_CHAIN, ev->seq,
			    "The event's prev is not the hash of event %lld held.",
			    (long long)head->last_seq);
		return CHECK_NEW;
	}
	if (ev->seq > head->last_seq)
		return wire_fault(f, WE_GAP, ev->seq, "The ledger holds events up to %lld; %lld is not next.",
		    (long long)head->last_seq, (long long)ev->seq);
	status = s->ops->event_hash(s, ev->terminal, ev->seq, held, em);
	if (status != CST_OK)
		return wire_fault(f, WE_INTERNAL, ev->seq, "The ledger could not read its storage.");
	if (cry_equal(held, ev->hash, CRY_HASH_BYTES))
		return CHECK_DUPLICATE;
	return wire_fault(f, WE_FORK, ev->seq,
	    "The ledger holds another event at this seq: a fork, recorded as an alert.");
}

struct scan {
	unsigned char *center;
	int *found;
	int64_t *at, *scanned;
};

static int
scan_event(void *arg, int64_t cursor, const struct event *ev)
{
	struct scan *sc = arg;
	struct wire_fault f;
	int has;

	*sc->scanned = cursor;
	if (check_authority(ev, sc->center, &has, &f) == WE_OK && has) {
		*sc->found = 1;
		*sc->at = cursor;
		return 1;	/* stops the walk */
	}
	return 0;
}

#define SCAN_PAGE 1000

int
check_find_center(struct store *s, int64_t *scanned, unsigned char center[CRY_PK_BYTES],
    int *found, int64_t *at, struct errmsg *em)
{
	struct scan sc = { center, found, at, scanned };
	int64_t before;
	int status;

	*found = 0;
	do {
		before = *scanned;
		status = s->ops->events_after(s, *scanned, SCAN_PAGE, scan_event, &sc, em);
		if (status == 1)
			return CST_OK;	/* stopped at the first authorized event */
		if (status != CST_OK)
			return status;
	} while (*scanned != before);
	return CST_OK;
}

struct walk {
	struct store *s;
	unsigned char center[CRY_PK_BYTES];
	int has_center;
	int64_t center_at;
	check_report_fn report;
	void *arg;
	struct store_term term;
	int have_term;			/* 1 when term is the current terminal's row */
	int64_t seq;			/* last seq seen of the current terminal */
	unsigned char last[CRY_HASH_BYTES];
	int64_t faults, events;
	char (*seen)[EV_MAX_ID + 1];	/* terminals met in the walk */
	size_t nseen;
	struct errmsg *em;		/* why storage failed, when it did */
};

static void
fault(struct walk *w, const char *terminal, int64_t seq, const char *what)
{
	w->faults++;
	w->report(w->arg, terminal, seq, what);
}

/* The terminal's recorded head must be the last event the walk saw of it. */
static void
end_terminal(struct walk *w)
{
	if (w->have_term && (w->term.last_seq != w->seq ||
	    !cry_equal(w->term.last_hash, w->last, sizeof w->last)))
		fault(w, w->term.terminal, w->seq, "the recorded head is not the last event held");
}

/* A storage failure here stops the walk with its own status: a read error is not a fault. */
static int
start_terminal(struct walk *w, const char *terminal)
{
	int status;

	end_terminal(w);
	w->seen = xrealloc(w->seen, (w->nseen + 1) * sizeof *w->seen);
	snprintf(w->seen[w->nseen++], sizeof *w->seen, "%s", terminal);
	w->seq = 0;
	memset(w->last, 0, sizeof w->last);
	status = w->s->ops->term_get(w->s, terminal, &w->term, w->em);
	w->have_term = status == CST_OK;
	if (status == CST_ERR_NOTFOUND) {
		snprintf(w->term.terminal, sizeof w->term.terminal, "%s", terminal);
		fault(w, terminal, 0, "events of a terminal that is not enrolled");
	} else if (status != CST_OK) {
		return status;
	}
	return 0;
}

/*
 * Reference events stored before the ledger's first authorized one are from before the rule
 * (docs/journal.md, "Authority"); every later one must carry the center's authority.
 */
static void
check_walk_authority(struct walk *w, int64_t cursor, const struct event *ev)
{
	unsigned char center[CRY_PK_BYTES];
	struct wire_fault f;
	int has;

	if (!authority_kind_needs(ev->kind))
		return;
	if (check_authority(ev, center, &has, &f) != WE_OK) {
		if (w->has_center && cursor > w->center_at)
			fault(w, ev->terminal, ev->seq, f.message);
	} else if (w->has_center && !cry_equal(center, w->center, sizeof center)) {
		fault(w, ev->terminal, ev->seq, "signed with another center key than the ledger's");
	}
}

static int
walk_event(void *arg, int64_t cursor, const struct event *ev)
{
	struct walk *w = arg;
	unsigned char h[CRY_HASH_BYTES];
	struct wire_fault f;
	struct errmsg em;
	int status;

	w->events++;
	if (w->events == 1 || strcmp(ev->terminal, w->term.terminal) != 0)
		if ((status = start_terminal(w, ev->terminal)) != 0)
			return status;
	err_clear(&em);
	if (event_check_fields(ev, NULL, &em) != CST_OK)
		fault(w, ev->terminal, ev->seq, em.text);
	event_compute_hash(ev, h);
	if (!cry_equal(h, ev->hash, sizeof h))
		fault(w, ev->terminal, ev->seq, "the stored hash is not the hash of the fields");
	if (ev->seq != w->seq + 1)
		fault(w, ev->terminal, ev->seq, "a gap before this event");
	else if (!cry_equal(ev->prev, w->last, sizeof w->last))
		fault(w, ev->terminal, ev->seq, "prev is not the hash of the event before");
	if (w->have_term && check_event_sig(ev, w->term.pk, &f) != WE_OK)
		fault(w, ev->terminal, ev->seq, f.message);
	check_walk_authority(w, cursor, ev);
	w->seq = ev->seq;
	memcpy(w->last, ev->hash, sizeof w->last);
	return 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A terminal whose recorded head is past seq 0 must have had its events met in the walk. */
static int
missing_chain(void *arg, const struct store_term *t)
{
	struct walk *w = arg;

	if (t->last_seq > 0 && (w->nseen == 0 ||
	    bsearch(t->terminal, w->seen, w->nseen, sizeof *w->seen, by_name) == NULL))
		fault(w, t->terminal, t->last_seq, "the recorded head has no events held");
	return 0;
}

int
check_chains(struct store *s, check_report_fn report, void *arg, int64_t *events,
    struct errmsg *em)
{
	struct walk w;
	int status;

	memset(&w, 0, sizeof w);
	w.s = s;
	w.report = report;
	w.arg = arg;
	{
		int64_t scanned = 0;

		status = check_find_center(s, &scanned, w.center, &w.has_center, &w.center_at, em);
		if (status != CST_OK)
			return status;
	}
	w.em = em;
	status = s->ops->chain_walk(s, walk_event, &w, em);
	if (status == CST_OK) {
		end_terminal(&w);
		if (w.nseen > 0)
			qsort(w.seen, w.nseen, sizeof *w.seen, by_name);
		status = s->ops->terms_each(s, missing_chain, &w, em);
	}
	free(w.seen);
	*events = w.events;
	if (status != CST_OK)
		return status;
	return w.faults > 0 ? CST_ERR_VERIFY : CST_OK;
}

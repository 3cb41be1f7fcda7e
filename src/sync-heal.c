/*
 * The sync engine's safeguards (docs/sync.md): every round first asks the ledger for this
 * terminal's head and heals a journal that is behind it; the ledger's signed time corrects
 * a wrong clock; a refused push is kept, recorded and alerted, never taken as progress.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "clock.h"
#include "i18n.h"
#include "sync-engine.h"
#include "sync-note.h"

/* ---- the ledger's clock ---- */

/*
 * A signed time from the ledger for the request in flight: the offset from our clock, taken
 * at the middle of the round trip. An offset above the bound is recorded (clock.skew) and
 * alerted once, and again only when it moves by more than the bound; back within it, the
 * alert is cleared. Requests are signed with the corrected time from here on.
 */
int
sync_learn_time(struct sync *s, const struct json *obj)
{
	struct wire_time t;
	struct errmsg em;
	int64_t now = clock_now_ms(), rtt = clock_mono_ms() - s->sent_mono, offset;
	int skewed, status = CST_OK;
	char data[96];

	err_clear(&em);
	if (wire_time_read(obj, &t, &em) != CST_OK || strcmp(t.terminal, s->terminal) != 0 ||
	    strcmp(t.nonce, s->sent_nonce) != 0 || !wire_time_ok(&t, s->cf.ledger_pk))
		return -1;
	offset = t.ledger_time + (rtt > 0 ? rtt / 2 : 0) - now;
	if (s->mode == SYNC_CHECK) {
		s->offset = offset;	/* custody verify only looks: nothing is written */
		return 0;
	}
	if (llabs(offset - s->offset) >= 1000)
		sync_set_local_int_signed(s->j, K_OFFSET, offset, NULL);
	s->offset = offset;
	skewed = llabs(offset) > s->cf.skew_max_ms;
	if (skewed && (s->skew_noted == 0 || llabs(offset - s->skew_noted) > s->cf.skew_max_ms)) {
		status = sync_note_skew(s->j, s->terminal, now, now + offset, &em);
		if (status == CST_OK) {
			s->skew_noted = offset;
			sync_set_local_int_signed(s->j, K_SKEW, offset, NULL);
		}
	} else if (!skewed && s->skew_noted != 0) {
		s->skew_noted = 0;
		sync_set_local_int_signed(s->j, K_SKEW, 0, NULL);
	}
	snprintf(data, sizeof data, "{\"offset_s\":%lld}", (long long)(offset / 1000));
	if (status == CST_OK)
		status = sync_alert(s->j, s->terminal, SYNC_RULE_SKEW, ALERT_ORANGE, data, skewed, 0,
		    &em);
	/* The clock is learnt even when the journal cannot take the note (a heal holds it). */
	return 0;
}

/* ---- the round's first step: this terminal's head at the ledger ---- */

void
sync_begin_heal(struct sync *s, int64_t local_head)
{
	memset(&s->heal, 0, sizeof s->heal);
	s->heal.ledger_seq = s->ledger_head.seq;
	s->heal.from_seq = local_head;
	s->healing = 1;
	s->heal_after = s->acked < local_head ? s->acked : local_head;
	/* DESIGN §7: nothing is appended until the journal holds what the ledger holds. */
	journal_hold(s->j, _("the journal is being healed from the ledger: try again in a moment"));
}

void
sync_head_ok(struct sync *s, const struct json *root)
{
	unsigned char pk[CRY_PK_BYTES], hash[CRY_HASH_BYTES];
	struct wire_receipt r;
	struct find_hash f;
	struct errmsg em;
	struct jw w;
	int64_t local;

	err_clear(&em);
	if (wire_get_hex(root, "ledger_key", pk, sizeof pk) != 0 ||
	    wire_receipt_read(json_get(root, "head"), &r, &em) != CST_OK) {
		sync_failed(s, 0, "%s",
		    _("the ledger's answer about this terminal's head is malformed"));
		return;
	}
	if (s->cf.learn_key && !s->learned_key) {
		memcpy(s->cf.ledger_pk, pk, sizeof pk);
		s->learned_key = 1;
	}
	if (!cry_equal(pk, s->cf.ledger_pk, sizeof pk) || strcmp(r.terminal, s->terminal) != 0 ||
	    !wire_receipt_ok(&r, s->cf.ledger_pk)) {
		sync_failed(s, 0, "%s", _("the ledger's receipt for this terminal's head is not "
		    "signed by the enrolled ledger key"));
		return;
	}
	if (sync_learn_time(s, json_get(root, "time")) != 0) {
		sync_failed(s, 0, "%s", _("the ledger's time is not signed for this request"));
		return;
	}
	s->ledger_head = r;
	s->head_checked = 1;
	if (journal_head(s->j, s->terminal, &local, hash, &em) != CST_OK ||
	    (r.seq > 0 && sync_own_hash(s->j, s->terminal, r.seq, &f, &em) != CST_OK)) {
		sync_failed(s, 0, _("reading the journal: %s"), em.text);
		return;
	}
	sync_answered(s);
	s->head_without_old = 0;
	/*
	 * The log: its checkpoint must include our head event. When the journal holds it, r.hash
	 * is the journal's own hash (checked just below); when it does not, the heal that follows
	 * checks the ledger's chain up to it against our own key.
	 */
	sync_log_check(s, json_get(root, "log"), r.seq, r.hash, 0);
	if (r.seq > 0 && (!f.found || !cry_equal(f.hash, r.hash, sizeof f.hash))) {
		/* The ledger holds more of this chain than the journal, or other events at its seqs. */
		s->rolled_back = 1;
		if (s->mode == SYNC_CHECK) {
			sync_end_once(s, CST_OK, "");
			return;
		}
		sync_begin_heal(s, local);
		sync_step_soon(s, 0);
		return;
	}
	s->rolled_back = 0;
	if (s->mode == SYNC_CHECK) {
		sync_end_once(s, CST_OK, "");
		return;
	}
	if (r.seq != s->acked) {
		/* The ledger's word, signed, on what it holds: lower when it lost events. */
		jw_init(&w);
		wire_receipt_write(&w, &r);
		if (sync_save_ack(s, r.seq, jw_text(&w, NULL), &em) == CST_OK)
			s->acked = r.seq;
		jw_free(&w);
	}
	sync_step_soon(s, 0);
}

/* ---- healing: this terminal's own events back from the ledger ---- */

/* Stores one page of own events in one transaction; *last is the page's last seq. */
static int
heal_page(struct sync *s, const struct json *events, int complete, int64_t *last,
    struct errmsg *em)
{
	struct event ev;
	size_t i, n = json_count(events);
	int64_t moved, rerecorded;
	int status, stored;

	if ((status = journal_batch_begin(s->j, em)) != CST_OK)
		return status;
	memset(&ev, 0, sizeof ev);
	for (i = 0; i < n && status == CST_OK; i++) {
		status = wire_event_read(json_at(events, i), &ev, NULL, em);
		if (status == CST_OK && strcmp(ev.terminal, s->terminal) != 0)
			status = err_set(em, CST_ERR_INPUT, _("the ledger sent another terminal's "
			    "event as this terminal's"));
		if (status == CST_OK)
			status = journal_heal_store(s->j, &ev, s->pk, &stored, &moved, em);
		if (status == CST_OK) {
			s->heal.restored += stored;
			s->heal.forked += moved;
			*last = ev.seq;
		}
		event_clear(&ev);
	}
	if (status == CST_OK)
		status = journal_heal_end(s->j, complete, &rerecorded, em);
	if (status != CST_OK) {
		journal_batch_abort(s->j);
		return status;
	}
	if ((status = journal_batch_end(s->j, em)) == CST_OK)
		s->heal.rerecorded += rerecorded;
	return status;
}

/* The heal is complete: appends go on, it is recorded and alerted, acked is the ledger's. */
static void
heal_done(struct sync *s)
{
	char data[160];
	struct errmsg em;
	struct jw w;

	err_clear(&em);
	s->healing = 0;
	s->rolled_back = 0;
	journal_hold(s->j, NULL);
	jw_init(&w);
	wire_receipt_write(&w, &s->ledger_head);
	if (sync_save_ack(s, s->ledger_head.seq, jw_text(&w, NULL), &em) == CST_OK)
		s->acked = s->ledger_head.seq;
	jw_free(&w);
	snprintf(data, sizeof data, "{\"restored\":%lld,\"forked\":%lld,\"rerecorded\":%lld}",
	    (long long)s->heal.restored, (long long)s->heal.forked,
	    (long long)s->heal.rerecorded);
	if (sync_note_healed(s->j, s->terminal, &s->heal, &em) != CST_OK ||
	    sync_alert(s->j, s->terminal, SYNC_RULE_ROLLBACK, ALERT_RED, data, 1, 1, &em) != CST_OK)
		sync_failed(s, 0, _("recording the heal: %s"), em.text);
	/* A push refused before the heal was refused for a chain that is gone now. */
	s->push_refused = 0;
}

void
sync_chain_ok(struct sync *s, const struct json *root)
{
	const struct json *events = json_get(root, "events");
	const struct json *more = json_get(root, "more");
	struct errmsg em;
	int64_t last = s->heal_after;
	int status;

	if (s->ledger_head.seq < 0 || json_type(events) != JSON_ARRAY ||
	    json_count(events) > WIRE_MAX_BATCH ||
	    (json_type(more) != JSON_TRUE && json_type(more) != JSON_FALSE) ||
	    (json_count(events) == 0 && json_type(more) == JSON_TRUE)) {
		sync_failed(s, 0, "%s", _("the ledger's answer with this terminal's events is malformed"));
		return;
	}
	err_clear(&em);
	status = heal_page(s, events, json_type(more) == JSON_FALSE, &last, &em);
	if (status == CST_ERR_VERIFY && s->heal_after > 0) {
		/* Our last acknowledged event is not where the ledger's chain goes: from the start. */
		s->heal_after = 0;
		sync_step_soon(s, 0);
		return;
	}
	if (status != CST_OK) {
		sync_failed(s, 0, _("healing the journal from the ledger: %s"), em.text);
		return;
	}
	s->heal_after = last;
	sync_answered(s);
	if (json_type(more) == JSON_FALSE) {
		if (last < s->ledger_head.seq) {
			sync_failed(s, 0, "%s", _("the ledger's chain of this terminal ends before the "
			    "head it signed"));
			return;
		}
		heal_done(s);
	}
	if (!s->done)
		sync_step_soon(s, 0);
}

/* ---- a refused push ---- */

/* The refusals that concern the events themselves: pushing them again would not help. */
int
sync_is_event_refusal(const char *code)
{
	static const char *const codes[] = { "fork", "broken_chain", "gap", "bad_signature",
	    "bad_event", "no_authority", NULL };
	size_t i;

	for (i = 0; codes[i] != NULL; i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/*
 * The ledger refused this terminal's events: acked stays, pushing stops until a heal or a
 * new start, the refusal is recorded (once for the same code and seq) and alerted in red.
 */
void
sync_refuse_push(struct sync *s, long http, const char *code, const char *msg, int64_t seq)
{
	char text[ERRMSG_MAX], data[128];
	struct errmsg em;

	snprintf(text, sizeof text, _("the ledger refused this terminal's events (%s at seq "
	    "%lld): %s"), code, (long long)seq, msg);
	err_clear(&em);
	s->push_refused = 1;
	if (strcmp(text, s->refusal) != 0) {
		snprintf(s->refusal, sizeof s->refusal, "%s", text);
		journal_local_set(s->j, K_REFUSAL, text, NULL);
		sync_note_refused(s->j, s->terminal, http, code, msg, seq, &em);
	}
	snprintf(data, sizeof data, "{\"code\":\"%s\",\"seq\":%lld}", code, (long long)seq);
	sync_alert(s->j, s->terminal, SYNC_RULE_REFUSED, ALERT_RED, data, 1, 0, &em);
	sync_failed(s, 0, "%s", text);
	if (s->once)
		s->result = CST_ERR_VERIFY;	/* not a network failure: exit status 1 */
}

/* A push was taken: a refusal in the past is over. */
void
sync_refusal_over(struct sync *s)
{
	struct errmsg em;

	if (s->refusal[0] == '\0')
		return;
	s->refusal[0] = '\0';
	journal_local_set(s->j, K_REFUSAL, "", NULL);
	sync_alert(s->j, s->terminal, SYNC_RULE_REFUSED, ALERT_RED, "{}", 0, 0, &em);
}

/*
 * A request refused as stale carries the ledger's time signed for its nonce: learn it and
 * sign again, once; 1 when that is what happens.
 */
int
sync_stale_answer(struct sync *s, const struct json *root)
{
	const struct json *e = json_get(root, "error");
	const char *code = json_get_str(e, "code");

	if (code == NULL || strcmp(code, "stale_request") != 0 || s->stale_retried)
		return 0;
	if (sync_learn_time(s, json_get(e, "time")) != 0)
		return 0;
	s->stale_retried = 1;
	return 1;
}

int
sync_start_chain(struct sync *s)
{
	char path[96];

	snprintf(path, sizeof path, "/v1/chain?after=%" PRId64 "&limit=%d", s->heal_after,
	    s->pull_limit);
	return sync_start_request(s, OP_CHAIN, "GET", path, NULL, 0);
}


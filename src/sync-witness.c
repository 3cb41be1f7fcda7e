/*
 * The terminal as a witness of the ledger's transparency log (docs/transparency.md, "Terminals
 * as witnesses"): every round checks the ledger's newest checkpoint against the one this
 * terminal verified before (signature, origin, size, consistency) and the inclusion of its own
 * head event, keeps it and cosigns it. A log that fails is refused: recorded once, alerted in
 * red, and nothing more is pulled from that ledger until an administrator acts.
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
#include "tlog.h"
#include "xmalloc.h"

/* The ledger's "log" object, parsed. */
struct log_answer {
	const char *text;		/* the checkpoint note as served */
	struct note nt;
	struct checkpoint c;		/* size -1 until it parsed */
	int signed_ok;			/* the checkpoint carries the enrolled ledger key's signature */
	int consistent;			/* proven to extend the stored checkpoint (or none stored) */
	int64_t leaf;			/* -1 when absent */
	unsigned char incl[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	int nincl;			/* -1 when absent */
	unsigned char cons[TLOG_MAX_PROOF][TLOG_HASH_BYTES];
	int ncons;			/* -1 when absent */
};

/* A stored note's checkpoint: 0, or -1 when text is empty or not a checkpoint note. */
static int
parse_stored(const char *text, struct checkpoint *c)
{
	struct note *nt;
	int rc;

	c->size = -1;
	if (text[0] == '\0')
		return -1;
	nt = xcalloc(1, sizeof *nt);
	rc = note_parse(text, strlen(text), nt) == 0 &&
	    checkpoint_parse(nt->body, nt->body_len, c) == 0 ? 0 : -1;
	free(nt);
	if (rc != 0)
		c->size = -1;
	return rc;
}

static void
point_of(const struct checkpoint *c, struct sync_log_point *p)
{
	p->size = c->size;
	memcpy(p->root, c->root, sizeof p->root);
}

static void
get_text(struct journal *j, const char *name, char *buf, size_t size)
{
	if (journal_local_get(j, name, buf, size, NULL) != CST_OK)
		buf[0] = '\0';
}

void
sync_log_load(struct sync *s)
{
	char num[32];

	get_text(s->j, K_CHECKPOINT, s->ckpt_note, sizeof s->ckpt_note);
	if (parse_stored(s->ckpt_note, &s->ckpt) != 0)
		s->ckpt_note[0] = '\0';	/* none (a damaged one cannot be checked against) */
	get_text(s->j, K_LOG_REFUSAL, s->log_refusal, sizeof s->log_refusal);
	get_text(s->j, K_LOG_CODE, s->log_code, sizeof s->log_code);
	get_text(s->j, K_COSIGNED, num, sizeof num);
	s->cosigned = strtoll(num, NULL, 10);
}

int
sync_start_head(struct sync *s)
{
	char path[64];

	sync_log_load(s);
	s->head_old = !s->head_without_old && s->ckpt.size > 0 ? s->ckpt.size : 0;
	if (s->head_old > 0)
		snprintf(path, sizeof path, "/v1/head?old=%" PRId64, s->head_old);
	else
		snprintf(path, sizeof path, "/v1/head");
	return sync_start_request(s, OP_HEAD, "GET", path, NULL, 0);
}

/*
 * A ledger that does not know the size this terminal verified (it lost history, or it is
 * another ledger) may refuse old= itself: the head is asked again without it, and the log it
 * answers is then judged against the stored checkpoint with no consistency proof.
 */
int
sync_head_again(struct sync *s, long http, const struct json *root)
{
	char code[64], msg[256];
	int64_t acked;

	if (s->head_old <= 0 || s->head_without_old || http < 400 || http >= 500)
		return 0;
	sync_read_error(root, code, sizeof code, msg, sizeof msg, &acked);
	if (strcmp(code, "bad_request") != 0 && strcmp(code, "not_found") != 0)
		return 0;
	s->head_without_old = 1;
	sync_step_soon(s, 0);
	return 1;
}

/* The checkpoint: a signed note of the enrolled ledger key, under the pinned origin. */
static const char *
judge_note(struct sync *s, struct log_answer *a, const struct json *log, char *why, size_t size)
{
	const struct json *leaf = json_get(log, "leaf");
	size_t n;

	a->text = json_str(json_get(log, "checkpoint"), &n);
	if (a->text == NULL || n >= CKPT_NOTE_MAX || strlen(a->text) != n ||
	    note_parse(a->text, n, &a->nt) != 0 ||
	    checkpoint_parse(a->nt.body, a->nt.body_len, &a->c) != 0) {
		a->c.size = -1;
		snprintf(why, size, "%s", _("its checkpoint is not a checkpoint note"));
		return "malformed";
	}
	a->leaf = -1;
	if (wire_proof_read(json_get(log, "inclusion"), a->incl, &a->nincl) != 0 ||
	    wire_proof_read(json_get(log, "consistency"), a->cons, &a->ncons) != 0 ||
	    (leaf != NULL && (json_int(leaf, &a->leaf) != CST_OK || a->leaf < 0))) {
		snprintf(why, size, "%s", _("its proofs are malformed"));
		return "malformed";
	}
	if (!note_verify(&a->nt, a->c.origin, s->cf.ledger_pk)) {
		snprintf(why, size, _("its checkpoint of %lld leaves is not signed by the enrolled "
		    "ledger key"), (long long)a->c.size);
		return "signature";
	}
	a->signed_ok = 1;
	if (s->ckpt.size >= 0 && strcmp(s->ckpt.origin, a->c.origin) != 0) {
		snprintf(why, size, _("its checkpoint names the log \"%.64s\", not \"%.64s\" as before"),
		    a->c.origin, s->ckpt.origin);
		return "origin";
	}
	return NULL;
}

/* The new tree extends the one verified before: RFC 9162 §2.1.4.2. */
static const char *
judge_consistency(struct sync *s, struct log_answer *a, int push, char *why, size_t size)
{
	const struct checkpoint *old = &s->ckpt;

	a->consistent = old->size < 0;
	if (old->size < 0)
		return NULL;
	if (a->c.size < old->size) {
		snprintf(why, size, _("its tree has %lld leaves, fewer than the %lld this terminal "
		    "verified"), (long long)a->c.size, (long long)old->size);
		return "smaller";
	}
	if (a->c.size == old->size) {
		a->consistent = cry_equal(a->c.root, old->root, TLOG_HASH_BYTES);
		if (a->consistent)
			return NULL;
		snprintf(why, size, _("its tree of %lld leaves has another root than the one this "
		    "terminal verified"), (long long)a->c.size);
		return "inconsistent";
	}
	if (old->size == 0) {
		a->consistent = 1;	/* every tree extends the empty one */
		return NULL;
	}
	if (push)
		return NULL;	/* a push answer carries no proof: the next head's proves it */
	if (a->ncons < 0 || s->head_old != old->size) {
		snprintf(why, size, _("it gives no consistency proof from the %lld leaves this "
		    "terminal verified to its %lld"), (long long)old->size, (long long)a->c.size);
		return "inconsistent";
	}
	if (!tlog_check_consistency((const unsigned char (*)[TLOG_HASH_BYTES])a->cons, a->ncons,
	    old->size, old->root, a->c.size, a->c.root)) {
		snprintf(why, size, _("its tree of %lld leaves is not an extension of the %lld "
		    "leaves this terminal verified"), (long long)a->c.size, (long long)old->size);
		return "inconsistent";
	}
	a->consistent = 1;
	return NULL;
}

/* This terminal's event seq, whose hash its journal holds, is a leaf of the tree. */
static const char *
judge_inclusion(struct sync *s, struct log_answer *a, int64_t seq,
    const unsigned char hash[CRY_HASH_BYTES], char *why, size_t size)
{
	unsigned char data[TLOG_LEAF_MAX], leaf_hash[TLOG_HASH_BYTES];
	size_t n;

	if (seq <= 0)
		return NULL;
	n = tlog_leaf_data(s->terminal, seq, hash, data);
	if (n > 0 && a->leaf >= 0 && a->nincl >= 0) {
		tlog_leaf_hash(data, n, leaf_hash);
		if (tlog_check_inclusion((const unsigned char (*)[TLOG_HASH_BYTES])a->incl, a->nincl,
		    a->leaf, a->c.size, leaf_hash, a->c.root))
			return NULL;
	}
	snprintf(why, size, _("this terminal's event seq %lld is not proven to be in its tree of "
	    "%lld leaves"), (long long)seq, (long long)a->c.size);
	return "not_included";
}

/*
 * Refuses the log: the reason kept (sync.log_refusal, with the checkpoint offered when it was
 * the ledger's, for an administrator to accept), a sync.log_refused event and a red alert,
 * in one transaction. Pulls stop from here on; pushes go on.
 */
static void
refuse(struct sync *s, const char *code, const char *why, const struct log_answer *a)
{
	struct sync_log_point old, offered;
	char text[ERRMSG_MAX], data[160];
	struct errmsg em;
	int status;

	snprintf(text, sizeof text, _("the ledger's log is refused (%s): %s"), code, why);
	point_of(&s->ckpt, &old);
	offered.size = -1;
	if (a != NULL && a->c.size >= 0)
		point_of(&a->c, &offered);
	snprintf(data, sizeof data, "{\"code\":\"%s\",\"old_size\":%lld,\"new_size\":%lld}", code,
	    (long long)old.size, (long long)offered.size);
	err_clear(&em);
	if ((status = journal_batch_begin(s->j, &em)) == CST_OK) {
		status = journal_local_set(s->j, K_LOG_REFUSAL, text, &em);
		if (status == CST_OK)
			status = journal_local_set(s->j, K_LOG_CODE, code, &em);
		if (status == CST_OK)
			status = journal_local_set(s->j, K_LOG_REFUSED_CKPT,
			    a != NULL && a->signed_ok ? a->text : "", &em);
		if (status == CST_OK)
			status = sync_note_log_refused(s->j, s->terminal, code, why, &old, &offered,
			    &em);
		if (status == CST_OK)
			status = sync_alert(s->j, s->terminal, SYNC_RULE_LOG, ALERT_RED, data, 1, 0,
			    &em);
		if (status == CST_OK)
			status = journal_batch_end(s->j, &em);
		else
			journal_batch_end(s->j, NULL);
	}
	/* Refused in memory even when the journal could not say so: nothing is pulled. */
	snprintf(s->log_refusal, sizeof s->log_refusal, "%s", text);
	snprintf(s->log_code, sizeof s->log_code, "%s", code);
	if (status != CST_OK)
		snprintf(s->last_error, sizeof s->last_error, _("recording the log's refusal: %s"),
		    em.text);
}

/*
 * A checkpoint that passed: stored when new, and due for a cosignature after a head. A push
 * answer's larger checkpoint comes without a consistency proof: the round asks for the head
 * again once its pushes are done, and that one, proven from the stored checkpoint, is kept.
 */
static void
keep(struct sync *s, const struct log_answer *a, int push)
{
	if (!a->consistent) {
		s->log_unproven = 1;	/* a push: the head asked again before the pull proves it */
		return;
	}
	if (s->ckpt.size != a->c.size || !cry_equal(s->ckpt.root, a->c.root, TLOG_HASH_BYTES) ||
	    strcmp(s->ckpt.origin, a->c.origin) != 0) {
		if (journal_local_set(s->j, K_CHECKPOINT, a->text, NULL) != CST_OK)
			return;
		snprintf(s->ckpt_note, sizeof s->ckpt_note, "%s", a->text);
		s->ckpt = a->c;
	}
	if (!push && s->cosigned != s->ckpt.size)
		s->cosign_due = 1;
}

int
sync_log_check(struct sync *s, const struct json *log, int64_t seq,
    const unsigned char hash[CRY_HASH_BYTES], int push)
{
	struct log_answer *a;
	char why[ERRMSG_MAX];
	const char *code;

	if (s->log_refusal[0] != '\0' || s->mode == SYNC_CHECK)
		return 0;	/* refused already: an administrator decides; verify only looks */
	if (log == NULL || json_type(log) != JSON_OBJECT) {
		if (log == NULL && s->ckpt.size < 0)
			return 0;	/* a ledger without a log, and none seen: nothing to witness */
		refuse(s, log == NULL ? "missing" : "malformed", log == NULL ?
		    _("the ledger's answer carries no log any more") :
		    _("its log object is malformed"), NULL);
		return -1;
	}
	a = xcalloc(1, sizeof *a);
	a->c.size = -1;
	code = judge_note(s, a, log, why, sizeof why);
	if (code == NULL)
		code = judge_consistency(s, a, push, why, sizeof why);
	if (code == NULL)
		code = judge_inclusion(s, a, seq, hash, why, sizeof why);
	if (code != NULL)
		refuse(s, code, why, a);
	else
		keep(s, a, push);
	free(a);
	return code != NULL ? -1 : 0;
}

int
sync_log_read_status(struct journal *j, struct sync_status *st, struct errmsg *em)
{
	char *note = xmalloc(CKPT_NOTE_MAX), num[32];
	struct checkpoint c;

	(void)em;
	get_text(j, K_CHECKPOINT, note, CKPT_NOTE_MAX);
	st->log_size = parse_stored(note, &c) == 0 ? c.size : -1;
	free(note);
	get_text(j, K_COSIGNED, num, sizeof num);
	st->log_cosigned = strtoll(num, NULL, 10);
	get_text(j, K_LOG_REFUSAL, st->log_refusal, sizeof st->log_refusal);
	get_text(j, K_LOG_CODE, st->log_code, sizeof st->log_code);
	return CST_OK;
}

/* ---- cosigning (c2sp.org/tlog-cosignature) ---- */

int
sync_start_cosign(struct sync *s)
{
	char name[CKPT_ORIGIN_MAX + 1], line[512];
	struct note *nt;
	struct jw w;
	size_t n = 0, len;
	char *body;

	s->cosign_due = 0;
	nt = xcalloc(1, sizeof *nt);
	if ((size_t)snprintf(name, sizeof name, "%s/witness/%s", s->ckpt.origin, s->terminal) <
	    sizeof name && note_parse(s->ckpt_note, strlen(s->ckpt_note), nt) == 0) {
		nt->nsigs = 0;	/* the ledger has its own signature: only ours is sent */
		nt->other_len = 0;
		note_cosign(nt, name, s->sk, (uint64_t)((clock_now_ms() + s->offset) / 1000));
		if (nt->nsigs == 1)
			n = note_sig_line(&nt->sigs[0], line, sizeof line);
	}
	free(nt);
	if (n == 0) {
		sync_step_soon(s, 0);	/* cannot be cosigned (a name too long): the round goes on */
		return 0;
	}
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "size");
	jw_int(&w, s->ckpt.size);
	jw_key(&w, "cosignature");
	jw_strn(&w, line, n);
	jw_obj_end(&w);
	body = jw_take(&w, &len);
	return sync_start_request(s, OP_COSIGN, "POST", "/v1/cosign", body, len);
}

void
sync_cosign_answer(struct sync *s, long http, const struct json *root)
{
	if (http == 200 && root != NULL && json_type(json_get(root, "stored")) == JSON_TRUE) {
		s->cosigned = s->ckpt.size;
		sync_set_local_int_signed(s->j, K_COSIGNED, s->cosigned, NULL);
		sync_answered(s);
	}
	sync_step_soon(s, 0);
}

/* ---- an administrator trusts the log again ---- */

/* The checkpoint of the local key name into c (size -1 when none) and its text into note. */
static void
stored_point(struct journal *j, const char *name, char *note, struct sync_log_point *p)
{
	struct checkpoint c;

	get_text(j, name, note, CKPT_NOTE_MAX);
	if (parse_stored(note, &c) != 0)
		note[0] = '\0';
	p->size = -1;
	if (c.size >= 0)
		point_of(&c, p);
}

int
sync_trust_log(struct journal *j, const char *terminal, const char *admin, char *said,
    size_t size, struct errmsg *em)
{
	char refusal[ERRMSG_MAX], *old_note, *new_note;
	struct sync_log_point old, now;
	int status;

	said[0] = '\0';
	get_text(j, K_LOG_REFUSAL, refusal, sizeof refusal);
	if (refusal[0] == '\0')
		return err_set(em, CST_ERR_NOTFOUND, "%s", _("the ledger's log is not refused: "
		    "there is nothing to trust"));
	old_note = xmalloc(CKPT_NOTE_MAX);
	new_note = xmalloc(CKPT_NOTE_MAX);
	stored_point(j, K_CHECKPOINT, old_note, &old);
	stored_point(j, K_LOG_REFUSED_CKPT, new_note, &now);
	if ((status = journal_batch_begin(j, em)) == CST_OK) {
		status = sync_note_log_trusted(j, terminal, admin, refusal, &old, &now, em);
		if (status == CST_OK)
			status = journal_local_set(j, K_CHECKPOINT, new_note, em);
		if (status == CST_OK)
			status = journal_local_set(j, K_LOG_REFUSED_CKPT, "", em);
		if (status == CST_OK)
			status = journal_local_set(j, K_LOG_REFUSAL, "", em);
		if (status == CST_OK)
			status = journal_local_set(j, K_LOG_CODE, "", em);
		if (status == CST_OK)
			status = journal_local_set(j, K_COSIGNED, "0", em);
		/* The history accepted is pulled from its start: cursors of the one refused mean
		 * nothing in it (a ledger restored from a backup hands out its cursors again). */
		if (status == CST_OK)
			status = journal_local_set(j, K_CURSOR, "0", em);
		if (status == CST_OK)
			status = sync_alert(j, terminal, SYNC_RULE_LOG, ALERT_RED, "{}", 0, 0, em);
		if (status == CST_OK)
			status = journal_batch_end(j, em);
		else
			journal_batch_end(j, NULL);
	}
	if (status == CST_OK && now.size >= 0)
		snprintf(said, size, _("the ledger's log is trusted again from its checkpoint of "
		    "%lld leaves (this terminal had verified %lld)"), (long long)now.size,
		    (long long)old.size);
	else if (status == CST_OK)
		snprintf(said, size, "%s", _("the ledger's log is trusted again; the next round "
		    "learns its checkpoint anew"));
	free(old_note);
	free(new_note);
	return status;
}

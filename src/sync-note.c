/* The sync engine's records in the journal and its alerts: see sync-note.h. */
#include "sync-note.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "json.h"

int
sync_note_refused(struct journal *j, const char *terminal, long http, const char *code,
    const char *message, int64_t seq, struct errmsg *em)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "http");
	jw_int(&w, http);
	jw_key(&w, "code");
	jw_str(&w, code);
	jw_key(&w, "message");
	jw_str(&w, message);
	if (seq >= 0) {
		jw_key(&w, "seq");
		jw_int(&w, seq);
	}
	jw_obj_end(&w);
	return journal_append_jw(j, ALERT_SYSTEM, "sync.refused", terminal, &w, em);
}

int
sync_note_healed(struct journal *j, const char *terminal, const struct sync_heal *h,
    struct errmsg *em)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "ledger_seq");
	jw_int(&w, h->ledger_seq);
	jw_key(&w, "from_seq");
	jw_int(&w, h->from_seq);
	jw_key(&w, "restored");
	jw_int(&w, h->restored);
	jw_key(&w, "forked");
	jw_int(&w, h->forked);
	jw_key(&w, "rerecorded");
	jw_int(&w, h->rerecorded);
	jw_obj_end(&w);
	return journal_append_jw(j, ALERT_SYSTEM, "journal.healed", terminal, &w, em);
}

int
sync_note_skew(struct journal *j, const char *terminal, int64_t terminal_time,
    int64_t ledger_time, struct errmsg *em)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "terminal_time");
	jw_int(&w, terminal_time);
	jw_key(&w, "ledger_time");
	jw_int(&w, ledger_time);
	jw_key(&w, "offset_ms");
	jw_int(&w, ledger_time - terminal_time);
	jw_obj_end(&w);
	return journal_append_jw(j, ALERT_SYSTEM, "clock.skew", terminal, &w, em);
}

/* "<prefix>_size" and "<prefix>_root" (base64, as in a checkpoint) of one checkpoint. */
static void
write_point(struct jw *w, const char *prefix, const struct sync_log_point *p)
{
	char key[32], b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	if (p == NULL || p->size < 0)
		return;
	snprintf(key, sizeof key, "%s_size", prefix);
	jw_key(w, key);
	jw_int(w, p->size);
	snprintf(key, sizeof key, "%s_root", prefix);
	jw_key(w, key);
	sodium_bin2base64(b64, sizeof b64, p->root, sizeof p->root,
	    sodium_base64_VARIANT_ORIGINAL);
	jw_str(w, b64);
}

int
sync_note_log_refused(struct journal *j, const char *terminal, const char *code,
    const char *why, const struct sync_log_point *old, const struct sync_log_point *offered,
    struct errmsg *em)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "code");
	jw_str(&w, code);
	jw_key(&w, "why");
	jw_str(&w, why);
	write_point(&w, "old", old);
	write_point(&w, "new", offered);
	jw_obj_end(&w);
	return journal_append_jw(j, ALERT_SYSTEM, "sync.log_refused", terminal, &w, em);
}

int
sync_note_log_trusted(struct journal *j, const char *terminal, const char *admin,
    const char *refusal, const struct sync_log_point *old, const struct sync_log_point *now,
    struct errmsg *em)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "refusal");
	jw_str(&w, refusal);
	write_point(&w, "old", old);
	write_point(&w, "new", now);
	jw_obj_end(&w);
	return journal_append_jw(j, admin, "sync.log_trusted", terminal, &w, em);
}

int
sync_alert(struct journal *j, const char *terminal, const char *rule, int level,
    const char *data, int on, int ack_first, struct errmsg *em)
{
	const struct alert *open = NULL;
	struct alert_list l = { 0 };
	size_t i;
	int status;

	if ((status = alert_open(j, 1000, &l, em)) != CST_OK)
		return status;
	for (i = 0; i < l.n && open == NULL; i++)
		if (strcmp(l.v[i].rule, rule) == 0 && strcmp(l.v[i].about, terminal) == 0)
			open = &l.v[i];
	if (on && open == NULL)
		status = alert_raise(j, NULL, rule, level, terminal, NULL, -1, data, NULL, em);
	else if (!on && open != NULL && (!ack_first || open->ack_by[0] != '\0'))
		status = alert_clear(j, open->id, "ended", em);
	alert_list_free(&l);
	return status;
}

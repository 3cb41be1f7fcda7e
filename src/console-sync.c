/*
 * The console's sync: the engine runs on the console's loop when the terminal is enrolled,
 * and the status line shows whether the ledger is reached, the backlog and its age.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conflict.h"
#include "console.h"
#include "i18n.h"
#include "sync.h"

void
console_sync_start(struct console *c)
{
	unsigned char pk[CRY_PK_BYTES], sk[CRY_SK_BYTES];
	char name[EV_MAX_ID + 1];
	struct sync_conf cf;
	struct errmsg em;

	err_clear(&em);
	if (sync_conf_load(c->t->journal, &cf, &em) != CST_OK)
		return;		/* not enrolled: the terminal works alone, the status line says nothing */
	cf.skew_max_ms = c->cfg.clock_skew_max_ms;
	if (terminal_key_load(c->t->key_path, name, sizeof name, pk, sk, &em) == CST_OK)
		sync_new(c->loop, c->t->journal, c->t->name, sk, &cf, 0, &c->sync, &em);
	cry_wipe(sk, sizeof sk);
	if (c->sync == NULL)
		console_say(c, UI_ERROR, _("Sync does not start: %s"), em.text);
}

void
console_sync_stop(struct console *c)
{
	sync_free(c->sync);
	c->sync = NULL;
}

/*
 * Each second: when this terminal appended since the last look and the ledger answered last
 * time, push now rather than at the next 5 s poll. While offline the backoff stands: a clerk's
 * typing must not turn into a retry storm.
 */
void
console_sync_tick(struct console *c)
{
	unsigned char hash[CRY_HASH_BYTES];
	struct sync_status st;
	struct errmsg em;
	int64_t seq;

	if (c->sync == NULL)
		return;
	/* Conflicts that pulled events made (proj-conflict.c) become events, then are pushed. */
	if (!journal_stopped(c->t->journal))
		conflict_record_new(c->t->journal, NULL, &em);
	if (journal_head(c->t->journal, c->t->name, &seq, hash, &em) != CST_OK)
		return;
	if (c->sync_seen_seq > 0 && seq != c->sync_seen_seq) {
		sync_get_status(c->sync, &st);
		if (st.link == SYNC_ONLINE)
			sync_kick(c->sync);
	}
	c->sync_seen_seq = seq;
}

/* "3m", "5h", "2d": the age of the oldest unsent event, short for the status line. */
static void
short_age(int64_t ms, char *out, size_t size)
{
	int64_t m = ms > 0 ? ms / 60000 : 0;

	if (m < 60)
		snprintf(out, size, _("%lldm"), (long long)m);
	else if (m < 48 * 60)
		snprintf(out, size, _("%lldh"), (long long)(m / 60));
	else
		snprintf(out, size, _("%lldd"), (long long)(m / 1440));
}

/* "+2h", "-5m", "+40s": the clock's offset from the ledger's, short. */
static void
short_offset(int64_t ms, char *out, size_t size)
{
	int64_t a = ms < 0 ? -ms : ms;
	char sign = ms < 0 ? '-' : '+';

	char unit[24];

	if (a < 60000) {
		/* TRANSLATORS: seconds, short, as in "40s". */
		snprintf(unit, sizeof unit, _("%llds"), (long long)(a / 1000));
	} else {
		short_age(a, unit, sizeof unit);
	}
	snprintf(out, size, "%c%s", sign, unit);
}

int
console_sync_status(struct console *c, char *out, size_t size)
{
	struct sync_status st;
	char age[40], code[32];
	const char *colon;
	size_t used;

	out[0] = '\0';
	if (c->sync == NULL)
		return 0;
	sync_get_status(c->sync, &st);
	short_age(clock_now_ms() - st.oldest_ts, age, sizeof age);
	if (st.healing) {
		/* TRANSLATORS: status line: the journal is behind the ledger and being healed. */
		snprintf(out, size, "%s", _("healing from the ledger"));
	} else if (st.log_refusal[0] != '\0') {
		/* TRANSLATORS: status line: the ledger's log failed a check (smaller, inconsistent...). */
		snprintf(out, size, _("ledger log refused: %s ↑%lld"), st.log_code,
		    (long long)st.backlog);
	} else if (st.refusal[0] != '\0') {
		/* The refusal's code ("fork"), from "... (fork at seq 12): ..." */
		colon = strchr(st.refusal, '(');
		snprintf(code, sizeof code, "%s", colon != NULL ? colon + 1 : "");
		code[strcspn(code, " )")] = '\0';
		/* TRANSLATORS: status line: the ledger refused this terminal's events; the code. */
		snprintf(out, size, _("push refused: %s ↑%lld"), code, (long long)st.backlog);
	} else if (st.link == SYNC_OFFLINE && st.backlog > 0)
		/* TRANSLATORS: status line: the ledger is not reached; unsent events, oldest's age. */
		snprintf(out, size, _("offline %lld (%s)"), (long long)st.backlog, age);
	else if (st.link == SYNC_OFFLINE)
		snprintf(out, size, "%s", _("offline"));
	else if (st.link == SYNC_UNKNOWN)
		snprintf(out, size, "%s", _("sync …"));
	else if (st.backlog > 0)
		/* TRANSLATORS: status line: online, events still to send. */
		snprintf(out, size, _("sync ↑%lld"), (long long)st.backlog);
	else
		snprintf(out, size, "%s", _("sync ✓"));
	used = strlen(out);
	if (st.refused > 0 && used < size)
		/* TRANSLATORS: status line: events of other terminals refused (fork, signature). */
		snprintf(out + used, size - used, _(" ⚠%lld"), (long long)st.refused);
	used = strlen(out);
	if (st.skewed && used < size) {
		short_offset(-st.offset_ms, age, sizeof age);
		/* TRANSLATORS: status line: this terminal's clock is that far from the ledger's. */
		snprintf(out + used, size - used, _(" clock %s"), age);
	}
	return st.healing || st.refusal[0] != '\0' || st.log_refusal[0] != '\0';
}

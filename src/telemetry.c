/* Telemetry: samples checked, last state per band, zone changes as room events. */
#include "telemetry.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "db.h"
#include "i18n.h"
#include "json.h"
#include "xmalloc.h"
#include "zones.h"

#define HR_MAX 250		/* above this a heart rate is a sensor fault, not a pulse */

struct pending {
	char band[DEV_ID_MAX];
	int64_t ts;
	int zone, heart_rate, battery;
	unsigned flags;
};

struct telemetry {
	struct journal *j;
	const struct config *conf;
	struct tm_band *bands;		/* open addressing, TM_BANDS_MAX entries */
	size_t used;
	struct pending *pend;
	size_t npend;
	int64_t dock_silent;		/* since when, 0 talking */
	int64_t first_heard;
	int64_t next_forget;
	struct tm_stats stats;
};

struct telemetry *
telemetry_new(struct journal *j, const struct config *conf)
{
	struct telemetry *t = xcalloc(1, sizeof *t);

	t->j = j;
	t->conf = conf;
	t->bands = xcalloc(TM_BANDS_MAX, sizeof *t->bands);
	t->pend = xcalloc(TM_PENDING, sizeof *t->pend);
	return t;
}

void
telemetry_free(struct telemetry *t)
{
	if (t == NULL)
		return;
	free(t->bands);
	free(t->pend);
	free(t);
}

static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct tm_band *
lookup(struct tm_band *bands, const char *id, int add, size_t *used)
{
	size_t i, n;
	struct tm_band *b;

	for (i = hash(id) & (TM_BANDS_MAX - 1), n = 0; n < TM_BANDS_MAX;
	    i = (i + 1) & (TM_BANDS_MAX - 1), n++) {
		b = &bands[i];
		if (strcmp(b->id, id) == 0 && b->id[0] != '\0')
			return b;
		if (b->id[0] == '\0') {
			/* Kept three quarters full at most, so probes stay short. */
			if (!add || *used >= TM_BANDS_MAX * 3 / 4)
				return NULL;
			memset(b, 0, sizeof *b);
			snprintf(b->id, sizeof b->id, "%s", id);
			b->zone = b->cand_zone = -1;
			b->battery = -1;
			b->slot = -1;
			(*used)++;
			return b;
		}
	}
	return NULL;
}

const struct tm_band *
telemetry_at(const struct telemetry *t, size_t i)
{
	return i < TM_BANDS_MAX ? &t->bands[i] : NULL;
}

const struct tm_band *
telemetry_find(const struct telemetry *t, const char *id)
{
	size_t used = 0;

	return lookup(t->bands, id, 0, &used);
}

int64_t
telemetry_dock_silent(const struct telemetry *t)
{
	return t->dock_silent;
}

int64_t
telemetry_first_heard(const struct telemetry *t)
{
	return t->first_heard;
}

const struct tm_stats *
telemetry_stats(const struct telemetry *t)
{
	return &t->stats;
}

void
telemetry_set_visits(struct telemetry *t, const struct visit_list *l)
{
	struct tm_band *b;
	size_t i;

	for (i = 0; i < TM_BANDS_MAX; i++)
		t->bands[i].visit[0] = '\0';
	for (i = 0; i < l->n; i++) {
		if (l->v[i].band[0] == '\0' || l->v[i].temp_out)
			continue;
		/* A bound band never heard gets an entry too, so its silence can be told. */
		if ((b = lookup(t->bands, l->v[i].band, 1, &t->used)) != NULL)
			snprintf(b->visit, sizeof b->visit, "%s", l->v[i].id);
	}
}

static void
fault(struct telemetry *t, struct tm_band *b, const char *what, long long value, int64_t now)
{
	t->stats.faults++;
	snprintf(b->fault, sizeof b->fault, "%s", what);
	snprintf(b->fault_value, sizeof b->fault_value, "%lld", value);
	b->fault_ms = now;
}

static int
room_event(struct telemetry *t, const struct tm_band *b, const char *kind, int zone,
    struct errmsg *em)
{
	const struct config_zone *z = zones_find(t->conf, zone);
	char name[CONF_ZONE_NAME_MAX + 1];
	const char *body;
	struct jw w;
	size_t len;
	int status;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "room");
	jw_str(&w, z != NULL ? zone_name(z, name, sizeof name) : "?");
	if (strcmp(kind, "room.entered") == 0) {
		jw_key(&w, "kind");
		jw_str(&w, zone_kind_key(z != NULL ? z->kind : ZONE_CORRIDOR));
	}
	jw_key(&w, "zone");
	jw_int(&w, zone);
	jw_key(&w, "band");
	jw_str(&w, b->id);
	jw_key(&w, "source");
	jw_str(&w, "band");
	jw_obj_end(&w);
	body = jw_text(&w, &len);
	status = journal_append(t->j, ALERT_SYSTEM, kind, b->visit, body, len, NULL, em);
	jw_free(&w);
	return status;
}

/* A zone seen long enough becomes the band's zone; a person's move is journaled. */
static int
settle(struct telemetry *t, struct tm_band *b, int64_t now, struct errmsg *em)
{
	int status = CST_OK;

	if (b->cand_zone < 0 || now - b->cand_since < t->conf->sup.zone_settle_ms)
		return CST_OK;
	if (!b->badge && b->visit[0] != '\0') {
		if (b->zone >= 0)
			status = room_event(t, b, "room.left", b->zone, em);
		if (status == CST_OK)
			status = room_event(t, b, "room.entered", b->cand_zone, em);
		if (status != CST_OK)
			return status;
		t->stats.moves++;
	}
	b->zone = b->cand_zone;
	b->zone_since = now;
	b->cand_zone = -1;
	return CST_OK;
}

static int
apply_zone(struct telemetry *t, struct tm_band *b, int zone, int64_t now, struct errmsg *em)
{
	if (zone < 0)
		return CST_OK;		/* the gateway does not know: keep the last */
	if (zones_find(t->conf, zone) == NULL) {
		fault(t, b, "zone", zone, now);
		return CST_OK;
	}
	if (zone == b->zone) {
		b->cand_zone = -1;	/* back where it was: the other zone was jitter */
		return CST_OK;
	}
	if (zone != b->cand_zone) {
		b->cand_zone = zone;
		b->cand_since = now;
	}
	return settle(t, b, now, em);
}

static void
apply_heart(struct telemetry *t, struct tm_band *b, const struct dev_event *ev, int64_t now)
{
	const struct config_supervision *s = &t->conf->sup;
	int hr = ev->dock.heart_rate;

	/* 0 is "not measured": believable from a band that is off the wrist or sending an SOS
	 * frame, a fault from one that should be measuring. */
	if (hr == 0 && (ev->dock.flags & (DOCK_SOS | DOCK_STRAP_OPEN)))
		return;
	if (hr <= 0 || hr > HR_MAX) {
		fault(t, b, "heart_rate", hr, now);
		return;
	}
	b->heart_rate = hr;
	if (hr >= s->hr_low && hr <= s->hr_high)
		b->hr_out_since = 0;
	else if (b->hr_out_since == 0)
		b->hr_out_since = now;
}

static void
keep_row(struct telemetry *t, const struct tm_band *b, const struct dev_event *ev, int64_t now)
{
	struct pending *p;

	if (t->npend == TM_PENDING) {
		t->stats.dropped_rows++;	/* flushed every second: only if the disk stalls */
		return;
	}
	p = &t->pend[t->npend++];
	snprintf(p->band, sizeof p->band, "%s", b->id);
	p->ts = now;
	p->zone = ev->dock.zone;
	p->heart_rate = ev->dock.heart_rate;
	p->battery = ev->dock.battery;
	p->flags = ev->dock.flags;
}

static int
sample(struct telemetry *t, const struct dev_event *ev, int64_t now, int *urgent,
    struct errmsg *em)
{
	struct tm_band *b;
	struct visit v;
	int64_t slot = now / TM_SLOT_MS;
	int badge = (ev->dock.flags & DOCK_BADGE) != 0;

	t->stats.samples++;
	if ((b = lookup(t->bands, ev->id, 1, &t->used)) == NULL) {
		t->stats.faults++;	/* more bands than any center has: not trusted */
		return CST_OK;
	}
	/* Once a badge, a badge: the gateway's plain SOS frame may not repeat the flag. */
	if (badge || b->visit[0] != '\0')
		b->badge = badge;
	if (!b->badge && b->visit[0] == '\0') {
		/* Bound since the rules last looked? */
		if (visit_by_band(t->j, ev->id, &v, NULL) != CST_OK || v.temp_out) {
			fault(t, b, "unknown_band", 0, now);
			return CST_OK;
		}
		snprintf(b->visit, sizeof b->visit, "%s", v.id);
	}
	b->heard_ms = now;
	b->flags = ev->dock.flags;
	if (ev->dock.flags & DOCK_SOS)
		b->sos_ms = now;
	if (ev->dock.flags & (DOCK_SOS | DOCK_STRAP_OPEN))
		*urgent = 1;
	if (ev->dock.battery >= 0 && ev->dock.battery <= 100)
		b->battery = ev->dock.battery;
	if (!b->badge)
		apply_heart(t, b, ev, now);
	if (b->slot != slot || (ev->dock.flags & (DOCK_SOS | DOCK_STRAP_OPEN))) {
		b->slot = slot;
		keep_row(t, b, ev, now);
	}
	return apply_zone(t, b, ev->dock.zone, now, em);
}

int
telemetry_ingest(struct telemetry *t, const struct dev_event *ev, int64_t now, int *urgent,
    struct errmsg *em)
{
	*urgent = 0;
	if (ev->kind == DEV_ERROR) {
		if (t->dock_silent == 0)
			t->dock_silent = now;
		return CST_OK;
	}
	if (ev->kind != DEV_DOCK)
		return CST_OK;
	t->dock_silent = 0;
	if (ev->dock.what != DOCK_TELEMETRY)
		return CST_OK;
	if (t->first_heard == 0)
		t->first_heard = now;
	return sample(t, ev, now, urgent, em);
}

static int
flush(struct telemetry *t, struct errmsg *em)
{
	static const char sql[] = "INSERT OR REPLACE INTO telemetry (band, slot, ts, zone, "
	    "heart_rate, battery, flags) VALUES (?, ?, ?, ?, ?, ?, ?)";
	sqlite3 *db = journal_db(t->j);
	sqlite3_stmt *ins;
	size_t i;
	int status, rc = SQLITE_DONE;

	if (t->npend == 0)
		return CST_OK;
	/*
	 * After a failed write nothing is written to the file (DESIGN.md §8): a telemetry write
	 * would also overwrite the WAL frames of the event that failed, which a reopen replays.
	 */
	if (journal_stopped(t->j)) {
		t->npend = 0;
		return CST_OK;
	}
	/* Prepared per flush (once a second), never kept: journal_reopen closes the database. */
	if ((status = db_prepare(db, sql, &ins, em)) != CST_OK)
		return status;
	/* One transaction a second: the samples are not worth a sync each. */
	if ((status = db_exec(db, "BEGIN", em, _("writing telemetry"))) != CST_OK) {
		sqlite3_finalize(ins);
		return status;
	}
	for (i = 0; i < t->npend && rc == SQLITE_DONE; i++) {
		const struct pending *p = &t->pend[i];

		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, p->band, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, (p->ts / TM_SLOT_MS) % TM_RING);
		sqlite3_bind_int64(ins, 3, p->ts);
		sqlite3_bind_int(ins, 4, p->zone);
		sqlite3_bind_int(ins, 5, p->heart_rate);
		sqlite3_bind_int(ins, 6, p->battery);
		sqlite3_bind_int(ins, 7, (int)p->flags);
		rc = sqlite3_step(ins);
	}
	sqlite3_finalize(ins);
	if (rc != SQLITE_DONE) {
		status = db_fail(db, rc, em, _("writing telemetry"));
		db_exec(db, "ROLLBACK", NULL, NULL);
	} else {
		status = db_exec(db, "COMMIT", em, _("writing telemetry"));
		t->stats.rows += t->npend;
	}
	t->npend = 0;
	return status;
}

/* Rebuilds the table without bands that are neither bound nor heard lately. */
static void
forget(struct telemetry *t, int64_t now)
{
	struct tm_band *old = t->bands, *b;
	size_t i;

	t->bands = xcalloc(TM_BANDS_MAX, sizeof *t->bands);
	t->used = 0;
	for (i = 0; i < TM_BANDS_MAX; i++) {
		if (old[i].id[0] == '\0' || (old[i].visit[0] == '\0' &&
		    now - old[i].heard_ms > TM_FORGET_MS))
			continue;
		if ((b = lookup(t->bands, old[i].id, 1, &t->used)) != NULL)
			*b = old[i];
	}
	free(old);
}

int
telemetry_tick(struct telemetry *t, int64_t now, struct errmsg *em)
{
	size_t i;
	int status = CST_OK;

	for (i = 0; i < TM_BANDS_MAX && status == CST_OK; i++)
		if (t->bands[i].id[0] != '\0' && t->bands[i].cand_zone >= 0)
			status = settle(t, &t->bands[i], now, em);
	if (now >= t->next_forget) {
		if (t->next_forget != 0)
			forget(t, now);
		t->next_forget = now + TM_FORGET_MS / 4;
	}
	if (status == CST_OK)
		status = flush(t, em);
	return status;
}

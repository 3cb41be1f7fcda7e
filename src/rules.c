/* The supervision rules: conditions each second, diffed against the open alerts. */
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "clock.h"
#include "property-view.h"
#include "visit.h"
#include "xmalloc.h"
#include "zones.h"

#define OPEN_MAX 20000		/* open alerts read per tick; far above any real board */
#define PROPERTY_EVERY_MS 10000	/* between looks at the property room (a days-scale rule) */

struct cond {
	char rule[ALERT_RULE_MAX + 1];
	char about[EV_MAX_ID + 1];
	char visit[UUID_LEN + 1];
	int zone;
	int level;
	char data[256];
};

/*
 * When the rules first saw a visit, and its current stage: a time stamped later than that (a
 * terminal clock ahead, or set forward) is not believed, so an alert is never late for it.
 */
struct seen_visit {
	char id[UUID_LEN + 1];
	int64_t entry_seen;
	int64_t stage_ts, stage_seen;
};

struct zone_state {
	int64_t officers_since, unguarded_since, co_case_since;
};

struct rules {
	struct journal *j;
	const struct config *conf;
	struct telemetry *tm;
	struct visit_list visits;
	struct cond *c;
	size_t nc, capc;
	struct alert_list open;
	struct zone_state zs[CONF_ZONES_MAX];
	struct prop_alert_list overdue, overheld, misplaced;
	int64_t next_property;
	int64_t last_wall, last_mono;	/* the clocks at the last look */
	int64_t jumps;			/* the wall clock's jumps, taken out */
	struct seen_visit *seen;	/* one per visit in the area, in the order of visits */
};

/* A wall clock that moves this much more or less than the monotonic one between two looks
 * jumped: set by hand or stepped by NTP. Slewing and a busy second stay well below it. */
#define JUMP_MS 2000

/*
 * The time the rules go by (docs/supervision.md, "Clock jumps"): the terminal's clock, the
 * one events are stamped with, but with every jump of it taken out, so that setting the clock
 * back does not give a person extra hours and setting it forward raises no false alert.
 * Each jump is recorded as clock.jumped.
 */
static int64_t
rules_now(struct rules *r)
{
	int64_t wall = clock_now_ms(), mono = clock_mono_ms(), d;
	char body[128];

	if (r->last_mono != 0) {
		d = (wall - r->last_wall) - (mono - r->last_mono);
		if (d > JUMP_MS || d < -JUMP_MS) {
			r->jumps -= d;
			snprintf(body, sizeof body, "{\"before\":%lld,\"after\":%lld,\"jump_ms\":%lld}",
			    (long long)(r->last_wall + (mono - r->last_mono)), (long long)wall,
			    (long long)d);
			journal_append(r->j, ALERT_SYSTEM, "clock.jumped", "clock", body, strlen(body),
			    NULL, NULL);
		}
	}
	r->last_wall = wall;
	r->last_mono = mono;
	return wall + r->jumps;
}

struct rules *
rules_new(struct journal *j, const struct config *conf)
{
	struct rules *r = xcalloc(1, sizeof *r);

	r->j = j;
	r->conf = conf;
	r->tm = telemetry_new(j, conf);
	return r;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	telemetry_free(r->tm);
	visit_list_free(&r->visits);
	alert_list_free(&r->open);
	prop_alert_list_free(&r->overdue);
	prop_alert_list_free(&r->overheld);
	prop_alert_list_free(&r->misplaced);
	free(r->c);
	free(r->seen);
	free(r);
}

struct telemetry *
rules_telemetry(struct rules *r)
{
	return r->tm;
}

static struct cond *
cond(struct rules *r, const char *rule, const char *about, const char *visit, int zone,
    int level)
{
	struct cond *c;

	if (r->nc == r->capc) {
		r->capc = r->capc ? r->capc * 2 : 64;
		r->c = xrealloc(r->c, r->capc * sizeof *r->c);
	}
	c = &r->c[r->nc++];
	snprintf(c->rule, sizeof c->rule, "%s", rule);
	snprintf(c->about, sizeof c->about, "%s", about);
	snprintf(c->visit, sizeof c->visit, "%s", visit != NULL ? visit : "");
	c->zone = zone;
	c->level = level;
	snprintf(c->data, sizeof c->data, "{}");
	return c;
}

static const struct alert *
open_alert(const struct rules *r, const char *rule, const char *about)
{
	size_t i;

	for (i = 0; i < r->open.n; i++)
		if (strcmp(r->open.v[i].rule, rule) == 0 && strcmp(r->open.v[i].about, about) == 0)
			return &r->open.v[i];
	return NULL;
}

/* Carries over when each visit in the area was first seen, for the visits read this tick. */
static void
note_seen(struct rules *r, struct seen_visit *old, size_t nold, int64_t now)
{
	const struct visit *v;
	struct seen_visit *n;
	size_t i, k;

	r->seen = xcalloc(r->visits.n ? r->visits.n : 1, sizeof *r->seen);
	for (i = 0; i < r->visits.n; i++) {
		v = &r->visits.v[i];
		n = &r->seen[i];
		for (k = 0; k < nold && strcmp(old[k].id, v->id) != 0; k++)
			;
		if (k < nold) {
			*n = old[k];
		} else {
			snprintf(n->id, sizeof n->id, "%s", v->id);
			n->entry_seen = now;
		}
		if (k == nold || n->stage_ts != v->stage_ts) {
			n->stage_ts = v->stage_ts;
			n->stage_seen = now;
		}
	}
}

static int64_t
earlier(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Time in the stage, and the stay against its ceiling. */
static void
time_rules(struct rules *r, const struct visit *v, const struct seen_visit *seen, int64_t now)
{
	const struct config_supervision *s = &r->conf->sup;
	int64_t limit, spent, ceiling, left;
	struct cond *c;
	int level;

	if (v->stage >= STAGE_REGISTERED && v->stage <= CONF_STAGE_LIMITS && !v->temp_out) {
		limit = s->stage_ms[v->stage - 1];
		spent = now - earlier(v->stage_ts, seen->stage_seen);
		if (spent > limit) {
			c = cond(r, "stage_time", v->id, v->id, -1,
			    spent > 2 * limit ? ALERT_ORANGE : ALERT_YELLOW);
			snprintf(c->data, sizeof c->data, "{\"stage\":%d,\"minutes\":%lld,"
			    "\"limit\":%lld}", (int)v->stage, (long long)(spent / 60000),
			    (long long)(limit / 60000));
		}
	}
	ceiling = v->serious ? s->ceiling_serious_ms : s->ceiling_ms;
	left = earlier(v->entry_ts, seen->entry_seen) + ceiling - now;
	level = left <= 0 ? ALERT_RED : left <= s->stay_urgent_ms ? ALERT_ORANGE :
	    left <= s->stay_warn_ms ? ALERT_YELLOW : 0;
	if (level) {
		c = cond(r, "stay", v->id, v->id, -1, level);
		snprintf(c->data, sizeof c->data, "{\"minutes_left\":%lld,\"ceiling_hours\":%lld}",
		    (long long)(left > 0 ? left / 60000 : 0), (long long)(ceiling / 3600000));
	}
}

static void
about_band(char *out, size_t size, const struct tm_band *b)
{
	/* Dock ids are at most 32 hex digits (DOCK_BAND_ID_MAX bytes). */
	snprintf(out, size, "%s:%.40s", b->badge ? "badge" : "band", b->id);
}

/* SOS, strap, heart rate, silence, battery and faults of one band or badge. */
static void
band_rules(struct rules *r, const struct tm_band *b, int64_t now)
{
	const struct config_supervision *s = &r->conf->sup;
	const char *visit = b->badge ? "" : b->visit;
	const struct alert *a;
	char about[EV_MAX_ID + 1];
	int64_t since, first = telemetry_first_heard(r->tm);
	struct cond *c;

	about_band(about, sizeof about, b);
	if (b->sos_ms != 0) {
		/* An SOS is a person asking for help: it stays until someone has answered it. */
		a = open_alert(r, "sos", about);
		if (now - b->sos_ms < s->sos_hold_ms || (a != NULL && a->ack_by[0] == '\0')) {
			c = cond(r, "sos", about, visit, b->zone, ALERT_RED);
			snprintf(c->data, sizeof c->data, "{\"band\":\"%s\",\"badge\":%s}", b->id,
			    b->badge ? "true" : "false");
		}
	}
	if (b->fault_ms != 0 && now - b->fault_ms < s->fault_hold_ms) {
		c = cond(r, "device_fault", about, visit, -1, ALERT_YELLOW);
		snprintf(c->data, sizeof c->data, "{\"reason\":\"%s\",\"value\":\"%s\"}", b->fault,
		    b->fault_value);
	}
	if (b->badge || b->visit[0] == '\0')
		return;
	if (b->flags & DOCK_STRAP_OPEN) {
		c = cond(r, "strap", about, visit, b->zone, ALERT_RED);
		snprintf(c->data, sizeof c->data, "{\"band\":\"%s\"}", b->id);
	}
	if (b->hr_out_since != 0 && now - b->hr_out_since >= s->hr_for_ms) {
		c = cond(r, "heart_rate", about, visit, b->zone, ALERT_ORANGE);
		snprintf(c->data, sizeof c->data, "{\"bpm\":%d,\"low\":%d,\"high\":%d}",
		    b->heart_rate, s->hr_low, s->hr_high);
	}
	/* Silence counts from the first sample of any band: with no gateway at all, or a dock
	 * that fell silent (its own fault), the bands are not to blame. */
	since = b->heard_ms > first ? b->heard_ms : first;
	if (first != 0 && telemetry_dock_silent(r->tm) == 0 && now - since >= s->silence_ms) {
		c = cond(r, "band_silent", about, visit, -1, ALERT_ORANGE);
		snprintf(c->data, sizeof c->data, "{\"minutes\":%lld,\"limit\":%lld}",
		    (long long)((now - since) / 60000), (long long)(s->silence_ms / 60000));
	}
	if (b->battery >= 0 && b->battery < s->battery_low) {
		c = cond(r, "battery", about, visit, -1, ALERT_YELLOW);
		snprintf(c->data, sizeof c->data, "{\"percent\":%d}", b->battery);
	}
}

static const struct visit *
visit_of(const struct rules *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->visits.n; i++)
		if (strcmp(r->visits.v[i].id, id) == 0)
			return &r->visits.v[i];
	return NULL;
}

/* A condition that must hold for grace before it counts; since remembers when it began. */
static int
held(int now_true, int64_t *since, int64_t now, int64_t grace)
{
	if (!now_true) {
		*since = 0;
		return 0;
	}
	if (*since == 0)
		*since = now;
	return now - *since >= grace;
}

/* Interrogation officers, unguarded waiting rooms, two people of one case in one zone. */
static void
zone_rules(struct rules *r, int64_t now)
{
	const struct config_supervision *s = &r->conf->sup;
	const struct tm_band *b;
	const struct visit *v, *first, *pair;
	int zi, people, badges;
	size_t i, k;
	char about[EV_MAX_ID + 1], cases[8][IN_SHORT_MAX + 1];
	struct cond *c;

	for (zi = 0; zi < r->conf->nzones; zi++) {
		const struct config_zone *z = &r->conf->zones[zi];
		size_t ncases = 0;

		people = badges = 0;
		first = pair = NULL;
		for (i = 0; i < TM_BANDS_MAX; i++) {
			b = telemetry_at(r->tm, i);
			if (b->id[0] == '\0' || b->zone != z->number)
				continue;
			if (b->badge) {
				badges += now - b->heard_ms < s->silence_ms;
				continue;
			}
			if (b->visit[0] == '\0' || (v = visit_of(r, b->visit)) == NULL)
				continue;
			people++;
			if (first == NULL)
				first = v;
			for (k = 0; k < ncases && v->case_number[0]; k++)
				if (strcmp(cases[k], v->case_number) == 0 && pair == NULL)
					pair = v;
			if (ncases < 8 && v->case_number[0])
				snprintf(cases[ncases++], sizeof cases[0], "%s", v->case_number);
		}
		snprintf(about, sizeof about, "zone:%d", z->number);
		if (held(z->kind == ZONE_INTERROGATION && people > 0 && badges < s->min_officers,
		    &r->zs[zi].officers_since, now, s->officers_grace_ms)) {
			c = cond(r, "officers", about, first->id, z->number, ALERT_RED);
			snprintf(c->data, sizeof c->data, "{\"officers\":%d,\"need\":%d,\"people\":%d}",
			    badges, s->min_officers, people);
		}
		if (held(z->kind == ZONE_WAITING && people > 0 && badges == 0,
		    &r->zs[zi].unguarded_since, now, s->unguarded_grace_ms)) {
			c = cond(r, "unguarded", about, NULL, z->number, ALERT_ORANGE);
			snprintf(c->data, sizeof c->data, "{\"people\":%d}", people);
		}
		if (held(s->co_case && pair != NULL, &r->zs[zi].co_case_since, now,
		    s->co_case_grace_ms)) {
			c = cond(r, "co_case", about, pair->id, z->number, ALERT_ORANGE);
			snprintf(c->data, sizeof c->data, "{\"case\":\"%s\",\"people\":%d}",
			    pair->case_number, people);
		}
	}
}

/* One property condition per listed item, with the item's code and a time in its data. */
static void
property_conds(struct rules *r, const struct prop_alert_list *l, const char *rule,
    enum alert_level level)
{
	struct cond *c;
	size_t i;

	for (i = 0; i < l->n; i++) {
		c = cond(r, rule, l->v[i].item.id, NULL, -1, level);
		snprintf(c->data, sizeof c->data, "{\"code\":\"%s\",\"since\":%lld,\"where\":"
		    "\"%s\"}", l->v[i].item.code, (long long)l->v[i].since, l->v[i].where);
	}
}

/*
 * The property room, looked at every PROPERTY_EVERY_MS: items checked out past their return,
 * held past their category's limit, and seen by an inventory where they are not recorded.
 */
static int
property_rules(struct rules *r, int64_t now, struct errmsg *em)
{
	const struct config_supervision *sc = &r->conf->sup;
	int status = CST_OK;

	if (now >= r->next_property) {
		r->next_property = now + PROPERTY_EVERY_MS;
		prop_alert_list_free(&r->overdue);
		prop_alert_list_free(&r->overheld);
		prop_alert_list_free(&r->misplaced);
		if (sc->property_overdue)
			status = prop_alerts_overdue(r->j, now, r->conf->checkout_grace_ms,
			    &r->overdue, em);
		if (status == CST_OK && sc->property_overheld)
			status = prop_alerts_overheld(r->j, now, r->conf->hold_days, &r->overheld, em);
		if (status == CST_OK && sc->property_misplaced)
			status = prop_alerts_misplaced(r->j, &r->misplaced, em);
	}
	property_conds(r, &r->overdue, "property_overdue", ALERT_YELLOW);
	property_conds(r, &r->overheld, "property_overheld", ALERT_YELLOW);
	property_conds(r, &r->misplaced, "property_misplaced", ALERT_ORANGE);
	return status;
}

/*
 * The rules this engine evaluates. Others (the sync engine's, about a terminal) are raised and
 * cleared by whoever owns them: an alert that arrived by sync is never cleared here.
 */
static int
own_rule(const char *rule)
{
	static const char *const mine[] = { "stage_time", "stay", "officers", "co_case",
	    "unguarded", "heart_rate", "sos", "strap", "band_silent", "battery",
	    "property_overdue", "property_overheld", "property_misplaced", "device_fault", NULL };
	size_t i;

	for (i = 0; mine[i] != NULL; i++)
		if (strcmp(rule, mine[i]) == 0)
			return 1;
	return 0;
}

/* Raise what is new or worse, clear what has ended. */
static int
reconcile(struct rules *r, struct errmsg *em)
{
	const struct alert *a;
	size_t i, k;
	int status = CST_OK;

	for (i = 0; i < r->nc && status == CST_OK; i++) {
		const struct cond *c = &r->c[i];

		a = open_alert(r, c->rule, c->about);
		if (a == NULL || a->level < c->level)
			status = alert_raise(r->j, a != NULL ? a->id : NULL, c->rule, c->level,
			    c->about, c->visit, c->zone, c->data, NULL, em);
	}
	for (k = 0; k < r->open.n && status == CST_OK; k++) {
		a = &r->open.v[k];
		if (!own_rule(a->rule))
			continue;
		for (i = 0; i < r->nc; i++)
			if (strcmp(r->c[i].rule, a->rule) == 0 && strcmp(r->c[i].about, a->about) == 0)
				break;
		if (i == r->nc)
			status = alert_clear(r->j, a->id, "ended", em);
	}
	return status;
}

int
rules_tick(struct rules *r, struct errmsg *em)
{
	int64_t now = rules_now(r);
	struct seen_visit *old = r->seen;
	size_t i, nold = r->visits.n;
	int status;

	visit_list_free(&r->visits);
	r->seen = NULL;
	status = visit_in_area(r->j, &r->visits, em);
	note_seen(r, old, old != NULL ? nold : 0, now);
	free(old);
	if (status != CST_OK)
		return status;
	telemetry_set_visits(r->tm, &r->visits);
	if ((status = telemetry_tick(r->tm, now, em)) != CST_OK)
		return status;
	alert_list_free(&r->open);
	if ((status = alert_open(r->j, OPEN_MAX, &r->open, em)) != CST_OK)
		return status;
	r->nc = 0;
	for (i = 0; i < r->visits.n; i++)
		time_rules(r, &r->visits.v[i], &r->seen[i], now);
	for (i = 0; i < TM_BANDS_MAX; i++)
		if (telemetry_at(r->tm, i)->id[0] != '\0')
			band_rules(r, telemetry_at(r->tm, i), now);
	zone_rules(r, now);
	if (telemetry_dock_silent(r->tm) != 0)
		cond(r, "device_fault", "dock", NULL, -1, ALERT_ORANGE);
	if ((status = property_rules(r, now, em)) != CST_OK)
		return status;
	return reconcile(r, em);
}

int
rules_on_device(struct rules *r, const struct dev_event *ev, struct errmsg *em)
{
	int urgent = 0, status;

	status = telemetry_ingest(r->tm, ev, rules_now(r), &urgent, em);
	if (status == CST_OK && (urgent || ev->kind == DEV_ERROR))
		status = rules_tick(r, em);
	return status;
}

void
board_list_free(struct board_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int
board_order(const void *x, const void *y)
{
	const struct board_row *a = x, *b = y;

	if (a->level != b->level)
		return b->level - a->level;
	return a->entry_ts < b->entry_ts ? -1 : a->entry_ts > b->entry_ts;
}

static void
board_row(struct rules *r, const struct visit *v, const struct alert_list *open,
    struct board_row *row)
{
	const struct tm_band *b = v->band[0] ? telemetry_find(r->tm, v->band) : NULL;
	const struct config_zone *z;
	size_t i;

	memset(row, 0, sizeof *row);
	snprintf(row->visit, sizeof row->visit, "%s", v->id);
	snprintf(row->name, sizeof row->name, "%s", v->name);
	snprintf(row->case_number, sizeof row->case_number, "%s", v->case_number);
	snprintf(row->band, sizeof row->band, "%s", v->band);
	snprintf(row->room, sizeof row->room, "%s", v->room);
	row->stage = v->stage;
	row->entry_ts = v->entry_ts;
	row->stage_ts = v->stage_ts;
	row->zone = -1;
	row->battery = -1;
	if (b != NULL) {
		row->zone = b->zone;
		row->zone_since = b->zone_since;
		row->heart_rate = b->heart_rate;
		row->battery = b->battery;
		row->heard_ts = b->heard_ms;
		if ((z = zones_find(r->conf, b->zone)) != NULL)
			zone_name(z, row->room, sizeof row->room);
	}
	for (i = 0; i < open->n; i++)
		if (strcmp(open->v[i].visit, v->id) == 0) {
			row->alerts++;
			if (open->v[i].level > row->level) {
				row->level = open->v[i].level;
				row->at_level = 0;
			}
			if (open->v[i].level == row->level)
				row->at_level++;
		}
}

int
rules_board(struct rules *r, struct board_list *out, struct errmsg *em)
{
	struct visit_list vl;
	struct alert_list open;
	size_t i;
	int status;

	memset(out, 0, sizeof *out);
	if ((status = visit_in_area(r->j, &vl, em)) != CST_OK)
		return status;
	if ((status = alert_open(r->j, OPEN_MAX, &open, em)) != CST_OK) {
		visit_list_free(&vl);
		return status;
	}
	out->v = xcalloc(vl.n ? vl.n : 1, sizeof *out->v);
	for (i = 0; i < vl.n; i++)
		board_row(r, &vl.v[i], &open, &out->v[out->n++]);
	qsort(out->v, out->n, sizeof *out->v, board_order);
	visit_list_free(&vl);
	alert_list_free(&open);
	return CST_OK;
}

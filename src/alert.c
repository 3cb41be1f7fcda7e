/* Alerts: the three events of an alert's life and the board's readers. */
#include "alert.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "json.h"
#include "operator.h"
#include "text.h"
#include "xmalloc.h"

static const struct {
	const char *key, *label;
} rules[] = {
	{ "stage_time", N_("too long in a stage") },
	{ "stay", N_("stay near its ceiling") },
	{ "officers", N_("interrogation with too few officers") },
	{ "co_case", N_("people of one case in one room") },
	{ "unguarded", N_("waiting room without an officer") },
	{ "heart_rate", N_("heart rate") },
	{ "sos", N_("SOS") },
	{ "strap", N_("strap opened") },
	{ "band_silent", N_("band silent") },
	{ "battery", N_("battery low") },
	{ "property_overdue", N_("property item overdue") },
	{ "property_overheld", N_("property item held too long") },
	{ "property_misplaced", N_("property item misplaced") },
	{ "device_fault", N_("device fault") },
	{ "sync_refused", N_("the ledger refused this terminal's events") },
	{ "journal_rollback", N_("journal rolled back and healed from the ledger") },
	{ "clock_skew", N_("terminal clock wrong") },
	{ "log_inconsistent", N_("the ledger's log failed this terminal's check") },
};

void
alert_list_free(struct alert_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

const char *
alert_level_key(int level)
{
	switch (level) {
	case ALERT_YELLOW: return "yellow";
	case ALERT_ORANGE: return "orange";
	case ALERT_RED: return "red";
	}
	return NULL;
}

const char *
alert_level_label(int level)
{
	switch (level) {
	case ALERT_YELLOW: return _("yellow");
	case ALERT_ORANGE: return _("orange");
	case ALERT_RED: return _("red");
	}
	return "?";
}

int
alert_level_from_key(const char *key)
{
	int l;

	for (l = ALERT_YELLOW; l <= ALERT_RED; l++)
		if (strcmp(alert_level_key(l), key) == 0)
			return l;
	return -1;
}

const char *
alert_rule_label(const char *rule)
{
	size_t i;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strcmp(rules[i].key, rule) == 0)
			return _(rules[i].label);
	return rule;
}

static int64_t
num(const struct json *d, const char *key)
{
	int64_t v;

	return json_get_int(d, key, &v) == CST_OK ? v : 0;
}

static const char *
str(const struct json *d, const char *key)
{
	const char *s = json_get_str(d, key);

	return s != NULL ? s : "";
}

/* The figures after the rule's name; the board shows the person and zone beside it. */
/* A device fault in words: what was wrong and the value that could not be right. */
static void
fault_message(const char *reason, const char *value, char *buf, size_t size)
{
	if (strcmp(reason, "unknown_band") == 0)
		snprintf(buf, size, "%s", _("a band bound to nobody in the area"));
	else if (strcmp(reason, "heart_rate") == 0)
		snprintf(buf, size, _("impossible heart rate %s"), value);
	else if (strcmp(reason, "zone") == 0)
		snprintf(buf, size, _("zone %s is not configured"), value);
	else
		snprintf(buf, size, "%s %s", reason, value);
}

static void
figures(const char *rule, const struct json *d, char *buf, size_t size)
{
	if ((strcmp(rule, "stage_time") == 0 || strcmp(rule, "band_silent") == 0) &&
	    num(d, "limit") > 0)
		snprintf(buf, size, _("%lld min (limit %lld min)"), (long long)num(d, "minutes"),
		    (long long)num(d, "limit"));
	else if (strcmp(rule, "stage_time") == 0 || strcmp(rule, "band_silent") == 0)
		/* A limit under a minute reads as 0: say the time only. */
		snprintf(buf, size, _("%lld min"), (long long)num(d, "minutes"));
	else if (strcmp(rule, "stay") == 0)
		snprintf(buf, size, _("%lld min left of %lld h"), (long long)num(d, "minutes_left"),
		    (long long)num(d, "ceiling_hours"));
	else if (strcmp(rule, "officers") == 0)
		snprintf(buf, size, _("%lld officer(s), %lld needed"), (long long)num(d, "officers"),
		    (long long)num(d, "need"));
	else if (strcmp(rule, "co_case") == 0)
		snprintf(buf, size, _("case %s, %lld people"), str(d, "case"),
		    (long long)num(d, "people"));
	else if (strcmp(rule, "unguarded") == 0)
		snprintf(buf, size, _("%lld people"), (long long)num(d, "people"));
	else if (strcmp(rule, "heart_rate") == 0)
		snprintf(buf, size, _("%lld bpm (%lld-%lld)"), (long long)num(d, "bpm"),
		    (long long)num(d, "low"), (long long)num(d, "high"));
	else if (strcmp(rule, "battery") == 0)
		snprintf(buf, size, "%lld %%", (long long)num(d, "percent"));
	else if (strcmp(rule, "property_overdue") == 0 ||
	    strcmp(rule, "property_overheld") == 0)
		snprintf(buf, size, "%s", str(d, "code"));
	else if (strcmp(rule, "property_misplaced") == 0)
		/* TRANSLATORS: an item's code, and the location an inventory saw it at. */
		snprintf(buf, size, _("%s seen at %s"), str(d, "code"), str(d, "where"));
	else if (strcmp(rule, "device_fault") == 0)
		fault_message(str(d, "reason"), str(d, "value"), buf, size);
	else if (strcmp(rule, "sos") == 0 || strcmp(rule, "strap") == 0)
		snprintf(buf, size, _("band %s"), str(d, "band"));
	else if (strcmp(rule, "sync_refused") == 0)
		/* TRANSLATORS: the ledger's refusal code (fork, gap, ...) and the event's seq. */
		snprintf(buf, size, _("%s at seq %lld"), str(d, "code"), (long long)num(d, "seq"));
	else if (strcmp(rule, "journal_rollback") == 0)
		snprintf(buf, size, _("%lld events restored, %lld recorded again"),
		    (long long)num(d, "restored"), (long long)num(d, "rerecorded"));
	else if (strcmp(rule, "clock_skew") == 0)
		snprintf(buf, size, _("%+lld s from the ledger's"), (long long)num(d, "offset_s"));
	else if (strcmp(rule, "log_inconsistent") == 0)
		/* TRANSLATORS: why the log was refused (smaller, inconsistent, ...), and tree sizes. */
		snprintf(buf, size, _("%s: %lld leaves verified, %lld offered"), str(d, "code"),
		    (long long)num(d, "old_size"), (long long)num(d, "new_size"));
	else
		buf[0] = '\0';
}

const char *
alert_message(const struct alert *a, char *buf, size_t size)
{
	struct json *d = NULL;
	char fig[160] = "";

	if (json_parse(a->data, strlen(a->data), &d, NULL) == CST_OK)
		figures(a->rule, d, fig, sizeof fig);
	json_free(d);
	snprintf(buf, size, "%s%s%s", alert_rule_label(a->rule), fig[0] ? ": " : "", fig);
	return buf;
}

const char *
alert_about_label(const char *about, char *buf, size_t size)
{
	if (strncmp(about, "band:", 5) == 0)
		snprintf(buf, size, _("band %s"), about + 5);
	else if (strncmp(about, "badge:", 6) == 0)
		snprintf(buf, size, _("badge %s"), about + 6);
	else if (strncmp(about, "zone:", 5) == 0)
		snprintf(buf, size, _("zone %s"), about + 5);
	else if (strcmp(about, "dock") == 0)
		snprintf(buf, size, "%s", _("wristband dock"));
	else
		snprintf(buf, size, "%s", about);
	return buf;
}

int
alert_raise(struct journal *j, const char *id, const char *rule, int level,
    const char *about, const char *visit, int zone, const char *data,
    char id_out[UUID_LEN + 1], struct errmsg *em)
{
	char fresh[UUID_LEN + 1];
	struct jw w;

	if (alert_level_key(level) == NULL || data == NULL ||
	    json_validate(data, strlen(data), NULL) != CST_OK)
		return err_set(em, CST_ERR_ARG, _("an alert needs a level and data"));
	if (id == NULL) {
		uuid_new(fresh);
		id = fresh;
	}
	if (id_out != NULL)
		snprintf(id_out, UUID_LEN + 1, "%s", id);
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "rule");
	jw_str(&w, rule);
	jw_key(&w, "level");
	jw_str(&w, alert_level_key(level));
	jw_key(&w, "about");
	jw_str(&w, about);
	if (visit != NULL && *visit) {
		jw_key(&w, "visit");
		jw_str(&w, visit);
	}
	if (zone >= 0) {
		jw_key(&w, "zone");
		jw_int(&w, zone);
	}
	jw_key(&w, "data");
	jw_raw(&w, data, strlen(data));
	jw_obj_end(&w);
	return journal_append_jw(j, ALERT_SYSTEM, "alert.raised", id, &w, em);
}

int
alert_clear(struct journal *j, const char *id, const char *why, struct errmsg *em)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "why");
	jw_str(&w, why);
	jw_obj_end(&w);
	return journal_append_jw(j, ALERT_SYSTEM, "alert.cleared", id, &w, em);
}

int
alert_acknowledge(struct journal *j, const char *operator_, const char *id,
    const char *note, struct errmsg *em)
{
	struct operator op;
	struct alert a;
	struct jw w;
	int status;

	if (operator_get(j, operator_, &op, em) != CST_OK || !op.active ||
	    !role_can_approve(op.role))
		return err_set(em, CST_ERR_PERM, _("only a supervisor acknowledges alerts"));
	if (!text_valid(note, ALERT_NOTE_MAX, 1))
		return err_set(em, CST_ERR_ARG, _("a note saying what was done is required"));
	if ((status = alert_get(j, id, &a, em)) != CST_OK)
		return status;
	if (a.cleared_ts != 0)
		return err_set(em, CST_ERR_NOTFOUND, _("the alert is no longer open"));
	if (a.ack_by[0] != '\0')
		return err_set(em, CST_ERR_EXISTS, _("%s already acknowledged this alert"),
		    a.ack_by);
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "note");
	jw_str(&w, note);
	jw_key(&w, "level");
	jw_str(&w, alert_level_key(a.level));
	jw_obj_end(&w);
	return journal_append_jw(j, operator_, "alert.acknowledged", id, &w, em);
}

/* Reading. */

#define ALERT_COLUMNS "id, rule, level, about, visit, zone, data, raised_ts, level_ts, " \
	"ack_by, ack_note, ack_ts, cleared_ts"

static void
col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

static void
row(sqlite3_stmt *st, struct alert *a)
{
	memset(a, 0, sizeof *a);
	col(st, 0, a->id, sizeof a->id);
	col(st, 1, a->rule, sizeof a->rule);
	a->level = sqlite3_column_int(st, 2);
	col(st, 3, a->about, sizeof a->about);
	col(st, 4, a->visit, sizeof a->visit);
	a->zone = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
	col(st, 6, a->data, sizeof a->data);
	a->raised_ts = sqlite3_column_int64(st, 7);
	a->level_ts = sqlite3_column_int64(st, 8);
	col(st, 9, a->ack_by, sizeof a->ack_by);
	col(st, 10, a->ack_note, sizeof a->ack_note);
	a->ack_ts = sqlite3_column_int64(st, 11);
	a->cleared_ts = sqlite3_column_int64(st, 12);
}

static int
query(struct journal *j, const char *sql, const char *arg, size_t max, struct alert_list *out,
    struct errmsg *em)
{
	sqlite3 *db = journal_db(j);
	sqlite3_stmt *st;
	int rc = SQLITE_DONE, status;

	memset(out, 0, sizeof *out);
	if ((status = db_prepare(db, sql, &st, em)) != CST_OK)
		return status;
	if (arg != NULL)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	while (out->n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 16;
			out->v = xrealloc(out->v, out->cap * sizeof *out->v);
		}
		row(st, &out->v[out->n++]);
	}
	if (out->n < max && rc != SQLITE_DONE)
		status = db_fail(db, rc, em, _("reading alerts"));
	sqlite3_finalize(st);
	return status;
}

int
alert_get(struct journal *j, const char *id, struct alert *out, struct errmsg *em)
{
	struct alert_list l;
	int status;

	status = query(j, "SELECT " ALERT_COLUMNS " FROM alerts WHERE id = ?", id, 1, &l, em);
	if (status == CST_OK && l.n == 0)
		status = err_set(em, CST_ERR_NOTFOUND, _("no such alert"));
	if (status == CST_OK)
		*out = l.v[0];
	alert_list_free(&l);
	return status;
}

int
alert_open(struct journal *j, size_t max, struct alert_list *out, struct errmsg *em)
{
	return query(j, "SELECT " ALERT_COLUMNS " FROM alerts WHERE cleared_ts IS NULL "
	    "ORDER BY level DESC, ack_by IS NOT NULL, raised_ts, id", NULL, max, out, em);
}

int
alert_of_visit(struct journal *j, const char *visit, size_t max, struct alert_list *out,
    struct errmsg *em)
{
	return query(j, "SELECT " ALERT_COLUMNS " FROM alerts WHERE visit = ? "
	    "ORDER BY raised_ts DESC, id", visit, max, out, em);
}

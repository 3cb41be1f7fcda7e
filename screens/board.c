/*
 * The supervisor's board: everyone in the area with stage, zone, time, heart rate and alerts,
 * red first, redrawn each second; the open alerts on a second page (A), acknowledged with a
 * note. A new red alert rings the bell and flashes once.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "clock.h"
#include "conflict.h"
#include "i18n.h"
#include "officer.h"
#include "rules.h"
#include "screens.h"
#include "when.h"
#include "xmalloc.h"

#define BOARD_ALERTS_MAX 500	/* open alerts listed; a real area has a handful */
#define FLASH_MS 1000

enum board_view { VIEW_PEOPLE, VIEW_ALERTS };

struct board {
	struct screen base;
	struct board_list people;
	struct alert_list alerts;
	struct ui_table ptable, atable;
	enum board_view view;
	/* The red alerts already seen: a red one not among them is new. */
	char (*red)[UUID_LEN + 1];
	size_t nred;
	int seeded;		/* the first load only learns what is there */
	int64_t flash_until;	/* mono ms: the banner line is reversed until then */
	char flash_text[ERRMSG_MAX];
	char summary[256];
	struct journal *j;	/* names of who acknowledged */
	char ack_id[UUID_LEN + 1];
	char ack_title[ERRMSG_MAX];
};

int
screen_board_allowed(const struct console *c)
{
	return c->logged_in && role_can_approve(c->op.role);
}

static const struct board_row *
person_of(const struct board *b, const char *visit)
{
	size_t i;

	for (i = 0; visit[0] != '\0' && i < b->people.n; i++)
		if (strcmp(b->people.v[i].visit, visit) == 0)
			return &b->people.v[i];
	return NULL;
}

/* Where a person is: "1 检查室" (the band's zone and its room), the visit's room, or "—". */
static void
place_of(const struct board_row *p, char *buf, size_t size)
{
	if (p->zone >= 0)
		snprintf(buf, size, "%d %s", p->zone, p->room);
	else
		snprintf(buf, size, "%s", p->room[0] ? p->room : "—");
}

/* Who an alert is about: the person's name, or its band, zone or device in words. */
static void
who_of(const struct board *b, const struct alert *a, char *buf, size_t size)
{
	const struct board_row *p = person_of(b, a->visit);

	if (p != NULL)
		snprintf(buf, size, "%s", p->name);
	else
		alert_about_label(a->about, buf, size);
}

/* The clock time an alert started: "09:05" today, "11-17 09:05" on another day. */
static void
started_at(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000), now = (time_t)(clock_now_ms() / 1000);
	struct tm tm, today;

	localtime_r(&t, &tm);
	localtime_r(&now, &today);
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, size, "%H:%M", &tm);
	else
		strftime(buf, size, "%m-%d %H:%M", &tm);
}

/* The banner of a new red alert: the person and the room first, then what happened. */
static void
banner_of(const struct board *b, const struct alert *a, char *buf, size_t size)
{
	const struct board_row *p = person_of(b, a->visit);
	char what[ERRMSG_MAX], where[CONF_ZONE_NAME_MAX + 16];

	if (p == NULL) {
		alert_message(a, what, sizeof what);
		snprintf(buf, size, _("New red alert: %s"), what);
		return;
	}
	/* The band's id says nothing to a supervisor when the person is named. */
	if (strcmp(a->rule, "sos") == 0 || strcmp(a->rule, "strap") == 0)
		snprintf(what, sizeof what, "%s", alert_rule_label(a->rule));
	else
		alert_message(a, what, sizeof what);
	place_of(p, where, sizeof where);
	/* TRANSLATORS: the board's flash line: a person's name, where they are, the alert. */
	snprintf(buf, size, _("New red alert: %1$s, %2$s: %3$s"), p->name, where, what);
}

static enum ui_style
level_style(int level)
{
	return level == ALERT_RED ? UI_ERROR : level == ALERT_ORANGE ? UI_WARN : UI_NORMAL;
}

static void
people_cell(void *arg, int row, int col, char *buf, size_t size)
{
	const struct board_row *p = &((struct board *)arg)->people.v[row];

	buf[0] = '\0';
	switch (col) {
	case 0: snprintf(buf, size, "%s", p->name); break;
	case 1: snprintf(buf, size, "%s", stage_label(p->stage)); break;
	case 2: place_of(p, buf, size); break;
	case 3: when_format_duration(clock_now_ms() - p->entry_ts, buf, size); break;
	case 4:
		if (p->heart_rate > 0)
			snprintf(buf, size, "%d", p->heart_rate);
		else
			snprintf(buf, size, "—");
		break;
	case 5:
		if (p->alerts > 0 && p->alerts == p->at_level)
			/* TRANSLATORS: open alerts about a person, all of one level ("2 red"). */
			snprintf(buf, size, _("%1$d %2$s alert(s)"), p->alerts,
			    alert_level_label(p->level));
		else if (p->alerts > 0)
			/* TRANSLATORS: open alerts about a person, and how many of the top level. */
			snprintf(buf, size, _("%1$d alerts, %2$d %3$s"), p->alerts, p->at_level,
			    alert_level_label(p->level));
		break;
	}
}

static enum ui_style
people_style(void *arg, int row)
{
	return level_style(((struct board *)arg)->people.v[row].level);
}

static void
alert_cell(void *arg, int row, int col, char *buf, size_t size)
{
	struct board *b = arg;
	const struct alert *a = &b->alerts.v[row];

	buf[0] = '\0';
	switch (col) {
	case 0: snprintf(buf, size, "%s", alert_level_label(a->level)); break;
	case 1: started_at(a->raised_ts, buf, size); break;
	case 2: who_of(b, a, buf, size); break;
	case 3: alert_message(a, buf, size); break;
	case 4: operator_shown(b->j, a->ack_by, buf, size); break;
	}
}

static enum ui_style
alert_style(void *arg, int row)
{
	const struct alert *a = &((struct board *)arg)->alerts.v[row];

	return a->ack_by[0] != '\0' ? UI_DIM : level_style(a->level);
}

/* Rings once for the red alerts that were not there at the last look. */
static void
notice_red(struct board *b, struct console *c)
{
	char (*now)[UUID_LEN + 1] = xcalloc(b->alerts.n + 1, sizeof *now);
	const struct alert *fresh = NULL;
	size_t i, k, n = 0;

	for (i = 0; i < b->alerts.n; i++) {
		const struct alert *a = &b->alerts.v[i];

		if (a->level != ALERT_RED)
			continue;
		snprintf(now[n++], sizeof now[0], "%s", a->id);
		for (k = 0; k < b->nred; k++)
			if (strcmp(b->red[k], a->id) == 0)
				break;
		if (k == b->nred && fresh == NULL)
			fresh = a;
	}
	free(b->red);
	b->red = now;
	b->nred = n;
	if (fresh != NULL && b->seeded) {
		banner_of(b, fresh, b->flash_text, sizeof b->flash_text);
		b->flash_until = clock_mono_ms() + FLASH_MS;
		console_say(c, UI_ERROR, "%s", b->flash_text);
		ui_beep();
		ui_flash();
	}
	b->seeded = 1;
}

static void
count_levels(struct board *b)
{
	size_t i;
	int n[4] = { 0 };

	for (i = 0; i < b->alerts.n; i++)
		if (b->alerts.v[i].level >= ALERT_YELLOW && b->alerts.v[i].level <= ALERT_RED)
			n[b->alerts.v[i].level]++;
	/* TRANSLATORS: the board's first line: people, then open alerts by level. */
	snprintf(b->summary, sizeof b->summary, _("%zu in the area · open alerts: %d %s, "
	    "%d %s, %d %s"), b->people.n, n[ALERT_RED], alert_level_label(ALERT_RED),
	    n[ALERT_ORANGE], alert_level_label(ALERT_ORANGE), n[ALERT_YELLOW],
	    alert_level_label(ALERT_YELLOW));
}

/* Open conflicts of ids (screens/conflicts.c) after the summary, when there are any. */
static void
count_conflicts(struct board *b, struct console *c)
{
	size_t len = strlen(b->summary);
	int64_t n;

	if (conflict_count_open(c->in.j, &n, NULL) == CST_OK && n > 0)
		snprintf(b->summary + len, sizeof b->summary - len, _(" · conflicts: %lld (C)"),
		    (long long)n);
}

/* Reloads both lists, keeping the chosen person and alert chosen when they moved. */
static void
board_load(struct board *b, struct console *c)
{
	char pid[UUID_LEN + 1] = "", aid[UUID_LEN + 1] = "";
	struct errmsg em;
	size_t i;

	if (b->people.n > 0)
		snprintf(pid, sizeof pid, "%s", b->people.v[b->ptable.sel].visit);
	if (b->alerts.n > 0)
		snprintf(aid, sizeof aid, "%s", b->alerts.v[b->atable.sel].id);
	board_list_free(&b->people);
	alert_list_free(&b->alerts);
	err_clear(&em);
	if (c->rules == NULL || rules_board(c->rules, &b->people, &em) != CST_OK ||
	    alert_open(c->in.j, BOARD_ALERTS_MAX, &b->alerts, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text[0] ? em.text :
		    _("Supervision is not running on this terminal."));
	table_set_rows(&b->ptable, (int)b->people.n);
	table_set_rows(&b->atable, (int)b->alerts.n);
	for (i = 0; pid[0] && i < b->people.n; i++)
		if (strcmp(b->people.v[i].visit, pid) == 0)
			b->ptable.sel = (int)i;
	for (i = 0; aid[0] && i < b->alerts.n; i++)
		if (strcmp(b->alerts.v[i].id, aid) == 0)
			b->atable.sel = (int)i;
	count_levels(b);
	count_conflicts(b, c);
	notice_red(b, c);
	if (em.text[0] == '\0')
		console_alerts_seen(c, &b->alerts);	/* the status line's new ones are seen */
}

static const char *
board_title(struct screen *s)
{
	return ((struct board *)s)->view == VIEW_ALERTS ? _("Supervision board: open alerts") :
	    _("Supervision board");
}

static const char *
board_keys(struct screen *s)
{
	if (((struct board *)s)->view == VIEW_ALERTS)
		return _("Enter acknowledge  O open the person  A people  F1 help  Esc back");
	return _("Enter open  A open alerts  C conflicts  F5 refresh  F1 help  Esc back");
}

static void
board_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct board *b = (struct board *)s;

	(void)c;
	if (clock_mono_ms() < b->flash_until)
		ui_put(y, x, w, b->flash_text, UI_SELECT, 1);	/* reversed for a second */
	else
		ui_put(y, x, w, b->summary, UI_LABEL, 0);
	if (b->view == VIEW_ALERTS)
		table_draw(&b->atable, y + 2, x, h - 2, w);
	else
		table_draw(&b->ptable, y + 2, x, h - 2, w);
}

static int
ack_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct board *b = arg;
	char note[ALERT_NOTE_MAX + 1];
	struct errmsg em;

	form_get(fm, "note", note, sizeof note);
	err_clear(&em);
	if (alert_acknowledge(c->in.j, c->op.id, b->ack_id, note, &em) != CST_OK) {
		form_error(fm, "note", em.text);
		return 1;
	}
	console_say(c, UI_OK, "%s", _("Alert acknowledged."));
	return 0;
}

static void
acknowledge(struct board *b, struct console *c)
{
	const struct alert *a;
	struct ui_form fm;
	char msg[ERRMSG_MAX];

	if (b->alerts.n == 0)
		return;
	a = &b->alerts.v[b->atable.sel];
	if (a->ack_by[0] != '\0') {
		console_say(c, UI_ERROR, _("%s has acknowledged this alert already."), a->ack_by);
		return;
	}
	snprintf(b->ack_id, sizeof b->ack_id, "%s", a->id);
	snprintf(b->ack_title, sizeof b->ack_title, _("Acknowledge: %s"),
	    alert_message(a, msg, sizeof msg));
	form_init(&fm);
	form_text(&fm, "note", _("Note"), 100, ALERT_NOTE_MAX);
	console_push(c, dialog_form_new(b->ack_title, &fm, ack_ok, b));
}

static void
open_person(struct console *c, const char *visit)
{
	if (visit[0] == '\0')
		console_say(c, UI_ERROR, "%s", _("This alert is not about a person."));
	else
		console_push(c, screen_visit_new(c, visit));
}

static enum ui_result
board_key(struct screen *s, struct console *c, int key)
{
	struct board *b = (struct board *)s;
	struct ui_table *t = b->view == VIEW_ALERTS ? &b->atable : &b->ptable;

	if (table_key(t, key) == UI_SUBMIT) {
		if (b->view == VIEW_ALERTS)
			acknowledge(b, c);
		else if (b->people.n > 0)
			open_person(c, b->people.v[b->ptable.sel].visit);
		return UI_HANDLED;
	}
	if (key == 'a' || key == 'A') {
		b->view = b->view == VIEW_ALERTS ? VIEW_PEOPLE : VIEW_ALERTS;
		return UI_HANDLED;
	}
	if ((key == 'o' || key == 'O') && b->view == VIEW_ALERTS && b->alerts.n > 0) {
		open_person(c, b->alerts.v[b->atable.sel].visit);
		return UI_HANDLED;
	}
	if (key == 'c' || key == 'C') {
		console_push(c, screen_conflicts_new(c));
		return UI_HANDLED;
	}
	if (key == ui_key_f(5)) {
		board_load(b, c);
		return UI_HANDLED;
	}
	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, _("Supervision board"), _("Everyone in the "
		    "area, the most urgent first: red alerts, then orange, then yellow, then the "
		    "longest there. The zone is where the person's band was last heard; the heart "
		    "rate is the band's last reading. The board is redrawn each second; a new red "
		    "alert rings the bell and flashes the first line once. Enter opens the chosen "
		    "person's visit. A shows the open alerts, red and unacknowledged first: Enter "
		    "acknowledges the chosen one with your note, O opens its person. An alert "
		    "clears itself when its condition ends; an SOS stays until acknowledged.")));
		return UI_HANDLED;
	}
	return key == UI_KEY_UP || key == UI_KEY_DOWN ? UI_HANDLED : UI_UNHANDLED;
}

static void
board_tick(struct screen *s, struct console *c)
{
	board_load((struct board *)s, c);
}

static void
board_resume(struct screen *s, struct console *c)
{
	board_load((struct board *)s, c);
}

static void
board_free(struct screen *s)
{
	struct board *b = (struct board *)s;

	board_list_free(&b->people);
	alert_list_free(&b->alerts);
	free(b->red);
	free(b);
}

static const struct screen_ops board_ops = {
	.title = board_title, .keys = board_keys, .draw = board_draw, .key = board_key,
	.resume = board_resume, .free = board_free, .tick = board_tick,
};

struct screen *
screen_board_new(struct console *c)
{
	static struct ui_column pcols[6], acols[5];
	struct board *b;

	if (!screen_board_allowed(c)) {
		console_say(c, UI_ERROR, "%s", _("The supervision board is for supervisors and "
		    "administrators."));
		return NULL;
	}
	b = xcalloc(1, sizeof *b);
	b->j = c->in.j;
	pcols[0] = (struct ui_column){ _("Name"), 12 };
	pcols[1] = (struct ui_column){ _("Stage"), 14 };
	pcols[2] = (struct ui_column){ _("Zone / room"), 18 };
	pcols[3] = (struct ui_column){ _("In the area"), 12 };
	pcols[4] = (struct ui_column){ _("Heart rate"), 10 };
	pcols[5] = (struct ui_column){ _("Alerts"), 0 };
	acols[0] = (struct ui_column){ _("Level"), 6 };
	acols[1] = (struct ui_column){ _("Since"), 10 };
	acols[2] = (struct ui_column){ _("About"), 12 };
	acols[3] = (struct ui_column){ _("Alert"), 0 };
	acols[4] = (struct ui_column){ _("Acknowledged"), 12 };
	b->base.ops = &board_ops;
	b->ptable = (struct ui_table){ .cols = pcols, .ncols = 6, .cell = people_cell,
	    .row_style = people_style, .arg = b, .empty = _("Nobody is in the area."), .fit = 1 };
	b->atable = (struct ui_table){ .cols = acols, .ncols = 5, .cell = alert_cell,
	    .row_style = alert_style, .arg = b, .empty = _("No open alerts."), .fit = 1 };
	board_load(b, c);
	return &b->base;
}

struct screen *
screen_board_at(struct console *c, const char *alert_id)
{
	struct screen *s = screen_board_new(c);
	struct board *b = (struct board *)s;
	size_t i;

	if (s == NULL)
		return NULL;
	b->view = VIEW_ALERTS;
	for (i = 0; i < b->alerts.n; i++)
		if (strcmp(b->alerts.v[i].id, alert_id) == 0)
			b->atable.sel = (int)i;
	return s;
}

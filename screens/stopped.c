/*
 * After a failed write (docs/journal.md, "What a failed write leaves behind"): the screen that
 * says the journal stopped and reopens it (F5), and the notice of what was recorded, shown
 * after the reopen and at each login while the journal's stop record stands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "kinds.h"
#include "property-view.h"
#include "screens.h"
#include "visit.h"
#include "when.h"
#include "xmalloc.h"

#define LINES_MAX 8

struct stopped {
	struct screen base;
	int recorded;			/* 0: the stop screen, 1: the notice */
	char lines[LINES_MAX][ERRMSG_MAX + 256];
	enum ui_style styles[LINES_MAX];
	int n;
	char stop_operator[EV_MAX_ID + 1];	/* the notice: whom the stop concerned */
	int had_stop;
};

static const struct screen_ops stopped_ops, recorded_ops;

static void
add(struct stopped *s, enum ui_style st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add(struct stopped *s, enum ui_style st, const char *fmt, ...)
{
	va_list ap;

	if (s->n >= LINES_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(s->lines[s->n], sizeof s->lines[s->n], fmt, ap);
	va_end(ap);
	s->styles[s->n++] = st;
}

/* A subject in words: the person of a visit, the code of an item, else the id itself. */
static void
subject_words(struct console *c, const char *subject, char *out, size_t size)
{
	struct prop_item it;
	struct visit v;

	if (visit_get(c->in.j, subject, &v, NULL) == CST_OK)
		snprintf(out, size, "%s", v.name);
	else if (prop_item_get(c->in.j, subject, &it, NULL) == CST_OK)
		snprintf(out, size, "%s", it.code);
	else
		snprintf(out, size, "%s", subject);
}

/* "body search, 张三丰, 2026-11-18 10:02" */
static void
event_words(struct console *c, const char *kind, const char *subject, int64_t ts, char *out,
    size_t size)
{
	char who[IN_NAME_MAX + EV_MAX_ID + 1], when[WHEN_ISO_MAX];

	subject_words(c, subject, who, sizeof who);
	when_format_minute(ts, when);
	snprintf(out, size, _("%s, %s, %s"), kind_label(kind), who, when);
}

static const char *
stopped_title(struct screen *scr)
{
	return ((struct stopped *)scr)->recorded ? _("What was recorded") :
	    _("The journal stopped writing");
}

static const char *
stopped_keys(struct screen *scr)
{
	return ((struct stopped *)scr)->recorded ? _("Enter continue") :
	    _("F5 reopen the journal  F10 log out");
}

static void
stopped_draw(struct screen *scr, struct console *c, int y, int x, int h, int w)
{
	struct stopped *s = (struct stopped *)scr;
	int i, row = y + 1;

	(void)c;
	for (i = 0; i < s->n && row < y + h; i++)
		row += ui_text_put(s->lines[i], row, x + 1, y + h - row, w - 2, s->styles[i]) + 1;
}

static void
fill_stopped(struct stopped *s, struct console *c)
{
	struct journal_stop stop;

	s->n = 0;
	if (journal_stop_get(c->in.j, &stop, NULL) == CST_OK && stop.reason[0])
		add(s, UI_ERROR, "%s", stop.reason);
	add(s, UI_NORMAL, "%s", _("Nothing more is written until the journal is reopened; what "
	    "was recorded before is kept. The step being saved may or may not have reached the "
	    "disk: do not record it again elsewhere."));
	add(s, UI_NORMAL, "%s", _("Fix the cause (a full or failing disk), then press F5: the "
	    "journal is opened again and you see what was recorded. The open forms stay as they "
	    "are, and saving one again records it at most once."));
}

static void
fill_recorded(struct stopped *s, struct console *c)
{
	struct journal_stop stop;
	char line[ERRMSG_MAX], when[WHEN_ISO_MAX];
	struct event ev;
	int found = 0;

	s->n = 0;
	memset(&ev, 0, sizeof ev);
	s->had_stop = journal_stop_get(c->in.j, &stop, NULL) == CST_OK;
	if (s->had_stop) {
		snprintf(s->stop_operator, sizeof s->stop_operator, "%s", stop.operator_);
		when_format_minute(stop.ts, when);
		add(s, UI_WARN, _("The journal stopped writing at %s: %s"), when, stop.reason);
	}
	if (s->had_stop && stop.kind[0]) {
		event_words(c, stop.kind, stop.subject, stop.ts, line, sizeof line);
		if (stop.action[0] && journal_action_event(c->in.j, NULL, stop.action, &ev, &found,
		    NULL) == CST_OK && found) {
			when_format_minute(ev.ts, when);
			add(s, UI_OK, _("The step being saved then (%s, by %s) IS recorded: event %lld, "
			    "%s. Saving it again changes nothing."), line, stop.operator_,
			    (long long)ev.seq, when);
		} else if (stop.action[0]) {
			add(s, UI_ERROR, _("The step being saved then (%s, by %s) was NOT recorded: "
			    "save it again."), line, stop.operator_);
		} else {
			add(s, UI_WARN, _("Whether the step being saved then (%s, by %s) was recorded "
			    "cannot be told: look at the last recorded event."), line, stop.operator_);
		}
		event_clear(&ev);
	}
	if (c->logged_in) {
		if (journal_last_of(c->in.j, c->t->name, c->op.id, &ev, &found, NULL) == CST_OK &&
		    found) {
			event_words(c, ev.kind, ev.subject, ev.ts, line, sizeof line);
			add(s, UI_LABEL, _("Your last recorded event: %s (event %lld)."), line,
			    (long long)ev.seq);
		} else {
			add(s, UI_LABEL, "%s", _("You have no recorded event on this terminal yet."));
		}
		event_clear(&ev);
	} else {
		add(s, UI_LABEL, "%s", _("Log in to see your last recorded event."));
	}
}

static enum ui_result
stopped_key(struct screen *scr, struct console *c, int key)
{
	struct stopped *s = (struct stopped *)scr;
	struct errmsg em;

	if (s->recorded) {
		if (key != UI_KEY_ENTER && key != UI_KEY_ESC)
			return UI_HANDLED;
		/* Seen by the operator it concerns (or by anyone, when it was no one's step). */
		if (s->had_stop && c->logged_in && (s->stop_operator[0] == '\0' ||
		    strcmp(s->stop_operator, c->op.id) == 0))
			journal_stop_clear(c->in.j, NULL);
		console_close(c, scr);
		return UI_HANDLED;
	}
	if (key == ui_key_f(5)) {
		err_clear(&em);
		if (journal_reopen(c->in.j, &em) != CST_OK) {
			console_say(c, UI_ERROR, "%s", em.text);
			fill_stopped(s, c);
			return UI_HANDLED;
		}
		console_close(c, scr);
		console_push(c, screen_recorded_new(c));
		console_say(c, UI_OK, "%s", _("The journal is open again and writes."));
		return UI_HANDLED;
	}
	if (key == ui_key_f(10))
		return UI_UNHANDLED;	/* log out, or leave at the login screen */
	return UI_HANDLED;		/* nothing else while nothing can be written */
}

static void
stopped_free(struct screen *scr)
{
	free(scr);
}

static const struct screen_ops stopped_ops = {
	.title = stopped_title, .keys = stopped_keys, .draw = stopped_draw, .key = stopped_key,
	.free = stopped_free,
};

static const struct screen_ops recorded_ops = {
	.title = stopped_title, .keys = stopped_keys, .draw = stopped_draw, .key = stopped_key,
	.free = stopped_free,
};

int
screen_is_stopped(const struct screen *s)
{
	return s != NULL && s->ops == &stopped_ops;
}

struct screen *
screen_stopped_new(struct console *c)
{
	struct stopped *s = xcalloc(1, sizeof *s);

	s->base.ops = &stopped_ops;
	fill_stopped(s, c);
	return &s->base;
}

struct screen *
screen_recorded_new(struct console *c)
{
	struct stopped *s = xcalloc(1, sizeof *s);

	s->base.ops = &recorded_ops;
	s->recorded = 1;
	fill_recorded(s, c);
	return &s->base;
}

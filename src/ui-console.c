/* The console frame: the screen stack, status, message and key lines, the loop, idle lock. */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "console.h"
#include "draft.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "when.h"

#define MIN_ROWS 24
#define MIN_COLS 80

int
console_init(struct console *c, struct terminal *t, const struct config *cfg,
    const char *room, struct errmsg *em)
{
	memset(c, 0, sizeof *c);
	c->t = t;
	c->cfg = *cfg;
	c->in.j = t->journal;
	c->in.max_failures = cfg->max_failures;
	c->in.lockout_ms = cfg->lockout_ms;
	snprintf(c->room, sizeof c->room, "%s", room && *room ? room : t->room);
	if (!room_valid(c->room))
		return err_set(em, CST_ERR_ARG, _("unknown room \"%s\"; the rooms are %s"), c->room,
		    room_list());
	if ((c->loop = loop_new()) == NULL)
		return err_set(em, CST_ERR_INTERNAL, _("cannot start the event loop"));
	c->last_key_ms = clock_mono_ms();
	/* Without the drafts the console still works: the clerk is told forms are not kept. */
	if (draft_open(t->dir, &c->drafts, &c->drafts_em) != CST_OK)
		console_say(c, UI_ERROR, "%s", c->drafts_em.text);
	return CST_OK;
}

static void
bury_dead(struct console *c)
{
	struct screen *s;

	while ((s = c->graveyard) != NULL) {
		c->graveyard = s->below;
		s->ops->free(s);
	}
}

void
console_free(struct console *c)
{
	console_close_all(c);
	bury_dead(c);
	devices_free(c->devs);
	c->devs = NULL;
	console_sync_stop(c);
	console_rules_stop(c);
	free(c->red_seen);
	c->red_seen = NULL;
	loop_free(c->loop);
	c->loop = NULL;
	draft_close(c->drafts);
	c->drafts = NULL;
}

void
console_push(struct console *c, struct screen *s)
{
	if (s == NULL)
		return;
	s->below = c->top;
	s->closed = 0;
	c->top = s;
	c->dirty = 1;
}

void
console_close(struct console *c, struct screen *s)
{
	struct screen **pp;

	for (pp = &c->top; *pp != NULL; pp = &(*pp)->below)
		if (*pp == s) {
			int was_top = s == c->top;

			*pp = s->below;
			s->closed = 1;
			s->below = c->graveyard;
			c->graveyard = s;
			if (was_top && c->top && c->top->ops->resume)
				c->top->ops->resume(c->top, c);
			c->dirty = 1;
			return;
		}
}

void
console_close_all(struct console *c)
{
	while (c->top != NULL) {
		struct screen *s = c->top;

		c->top = s->below;
		s->closed = 1;
		s->below = c->graveyard;
		c->graveyard = s;
	}
	c->dirty = 1;
}

void
console_say(struct console *c, enum ui_style st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	c->msg_style = st;
	c->dirty = 1;
}

void
console_logged_in(struct console *c, const struct operator *op)
{
	struct journal_stop stop;

	c->op = *op;
	c->logged_in = 1;
	c->locked = 0;
	snprintf(c->in.operator_, sizeof c->in.operator_, "%s", op->id);
	console_close_all(c);
	console_push(c, screen_home_new(c));
	/* After a stop, before anything else: was the step recorded, and the operator's last. */
	if (journal_stop_get(c->in.j, &stop, NULL) == CST_OK)
		console_push(c, screen_recorded_new(c));
}

void
console_logout(struct console *c)
{
	c->logged_in = 0;
	c->locked = 0;
	memset(&c->op, 0, sizeof c->op);
	c->in.operator_[0] = '\0';
	console_close_all(c);
	console_push(c, screen_login_new(c, 0));
}

/* ---- drawing ---- */

/*
 * 1 when the sync part is an alarm (a refused push, a heal): the whole line turns red. The
 * more compact, the less is said: 1 folds the devices into a count, 2 drops the role, 3 the
 * room, 4 the program's name; the devices and the sync mark always stay whole.
 */
static int
status_text(struct console *c, int compact, char *out, size_t size)
{
	char who[160], devs[256], sync[160], room[160] = "";
	int alarm;

	if (c->logged_in && compact < 2)
		snprintf(who, sizeof who, "%s(%s)", c->op.name, role_label(c->op.role));
	else if (c->logged_in)
		snprintf(who, sizeof who, "%s", c->op.name);
	else
		snprintf(who, sizeof who, "%s", _("not logged in"));
	if (compact < 3)
		snprintf(room, sizeof room, " │ %s", room_label(c->room));
	console_devices_status(c, compact > 0, devs, sizeof devs);
	alarm = console_sync_status(c, sync, sizeof sync);
	snprintf(out, size, "%s%s%s%s │ %s │ %s%s%s", compact < 4 ? " custody │ " : " ",
	    c->t->name, journal_stopped(c->in.j) ? _(" │ JOURNAL STOPPED") : "", room, who,
	    devs, sync[0] ? " │ " : "", sync);
	return alarm || journal_stopped(c->in.j);
}

/* The status line; the devices fold into a count when the line would not fit. */
static void
draw_status(struct console *c)
{
	char left[800], right[64], red[320];
	int room, level, rw;

	when_format_minute(clock_now_ms(), right);
	room = c->cols - text_width(right) - 2;
	enum ui_style st;

	/* A supervisor's new red alerts come first, in red; the rest folds behind them. */
	console_alerts_status(c, red, sizeof red);
	rw = text_width(red);
	st = status_text(c, 0, left, sizeof left) ? UI_ALARM : UI_BAR;
	for (level = 1; level <= 4 && text_width(left) > room - rw; level++)
		status_text(c, level, left, sizeof left);
	ui_put(0, 0, c->cols, "", st, 1);
	if (rw > 0)
		ui_put(0, 0, rw, red, UI_ALARM, 1);
	ui_put(0, rw, room - rw > 0 ? room - rw : 0, left, st, 1);
	ui_put(0, c->cols - text_width(right) - 1, text_width(right) + 1, right, st, 1);
}

static void
draw_keys(struct console *c)
{
	const char *keys = c->top && c->top->ops->keys ? c->top->ops->keys(c->top) : NULL;

	char tight[512];
	size_t i, n = 0;

	if (keys == NULL)
		keys = _("F1 help  F2 save  Tab next  Esc back  F10 leave");
	/* In a narrow window the keys close up (one space between them) before any is cut. */
	if (text_width(keys) > c->cols) {
		for (i = 0; keys[i] != '\0' && n + 1 < sizeof tight; i++)
			if (!(keys[i] == ' ' && keys[i + 1] == ' '))
				tight[n++] = keys[i];
		tight[n] = '\0';
		keys = tight;
	}
	ui_put(c->rows - 1, 0, c->cols, keys, UI_BAR, 1);
}

static void
draw_screen(struct console *c, struct screen *s, int depth)
{
	int y = 1, h = c->rows - 3;

	if (s == NULL)
		return;
	if (s->ops->modal && depth < 4)
		draw_screen(c, s->below, depth + 1);
	ui_cursor(-1, 0);	/* the screen on top places it when it has a field */
	if (!s->ops->modal) {
		ui_put(y, 0, c->cols, s->ops->title(s), UI_TITLE, 1);
		ui_hline(y + 1, 0, c->cols, UI_DIM);
		s->ops->draw(s, c, y + 2, 1, h - 2, c->cols - 2);
	} else {
		s->ops->draw(s, c, y, 0, h, c->cols);
	}
}

static void
redraw(struct console *c)
{
	ui_size(&c->rows, &c->cols);
	ui_clear();
	if (c->rows < MIN_ROWS || c->cols < MIN_COLS) {
		char msg[128];

		snprintf(msg, sizeof msg, _("The window is %d×%d; custody needs at least %d×%d."),
		    c->cols, c->rows, MIN_COLS, MIN_ROWS);
		ui_cursor(-1, 0);
		ui_put(0, 0, c->cols, msg, UI_ERROR, 0);
		ui_flush();
		return;
	}
	ui_cursor(-1, 0);
	draw_status(c);
	draw_screen(c, c->top, 0);
	ui_put(c->rows - 2, 1, c->cols - 2, c->msg, c->msg_style, 1);
	draw_keys(c);
	ui_flush();
	c->dirty = 0;
}

/* ---- keys, timers, the loop ---- */

static void
dispatch(struct console *c, int key)
{
	struct screen *s = c->top;

	c->last_key_ms = clock_mono_ms();
	c->dirty = 1;
	if (key == UI_KEY_RESIZE)
		return;
	if (s != NULL && !UI_IS_FN(key) && key != UI_KEY_ESC)
		c->msg[0] = '\0';
	if (s == NULL || s->ops->key(s, c, key) != UI_UNHANDLED)
		return;
	if (console_alerts_key(c, key))
		return;
	if (key == UI_KEY_ESC && s->below != NULL) {
		c->msg[0] = '\0';
		console_close(c, s);
	} else if (key == ui_key_f(10) && c->logged_in) {
		console_logout(c);
		console_say(c, UI_OK, "%s", _("Logged out."));
	} else if (key == ui_key_f(10)) {
		c->quit = 1;
	}
}

static void
on_keyboard(void *arg, int fd, short revents)
{
	struct console *c = arg;
	int key, n = 0;

	(void)fd;
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		c->quit = 1;
		return;
	}
	while (n++ < 256 && ui_read_key(&key)) {
		dispatch(c, key);
		bury_dead(c);
	}
}

void
console_screen_tick(struct console *c)
{
	struct screen *s;

	for (s = c->top; s != NULL && s->ops->modal; s = s->below)
		;	/* the screen under the dialogs: the board stays live under one */
	if (s != NULL && s->ops->tick != NULL) {
		s->ops->tick(s, c);
		c->dirty = 1;
	}
}

static void
on_tick(void *arg)
{
	struct console *c = arg;
	int64_t idle = clock_mono_ms() - c->last_key_ms;

	c->dirty = 1;	/* the clock in the status line */
	console_sync_tick(c);
	console_rules_tick(c);
	console_screen_tick(c);
	console_alerts_tick(c);
	if (c->logged_in && !c->locked && c->cfg.idle_lock_ms > 0 && idle >= c->cfg.idle_lock_ms) {
		c->locked = 1;
		console_push(c, screen_login_new(c, 1));
	}
}

/*
 * While the journal is stopped its screen stays on top (F5 reopens it): a form saved now
 * would only fail again, and the clerk must learn what was recorded before going on.
 */
static void
check_stop(struct console *c)
{
	struct screen *s, *below;

	if (!journal_stopped(c->in.j) || screen_is_stopped(c->top))
		return;
	for (s = c->top; s != NULL; s = below) {
		below = s->below;
		if (screen_is_stopped(s))
			console_close(c, s);
	}
	console_push(c, screen_stopped_new(c));
}

int
console_run(struct console *c, struct errmsg *em)
{
	int key;

	if (ui_init() != CST_OK)
		return err_set(em, CST_ERR_IO, _("cannot start the screen (is TERM set?)"));
	console_push(c, screen_login_new(c, 0));
	loop_watch(c->loop, STDIN_FILENO, POLLIN, on_keyboard, c);
	loop_timer(c->loop, 1000, 1, on_tick, c);
	console_rules_start(c);
	console_devices_start(c);
	console_sync_start(c);
	redraw(c);
	while (!c->quit && c->top != NULL) {
		if (loop_run_once(c->loop, 1000) != CST_OK)
			break;
		/* A resize arrives as a signal: curses reports it as a key on the next read. */
		while (!c->quit && ui_read_key(&key)) {
			dispatch(c, key);
			bury_dead(c);
		}
		if (!c->quit && c->top != NULL)
			check_stop(c);
		if (c->dirty && !c->quit)
			redraw(c);
	}
	ui_end();
	return CST_OK;
}

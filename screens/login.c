/* Login, and the idle lock: the same form; unlocking as someone else starts afresh. */
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screens.h"
#include "xmalloc.h"

#define ID_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_."

struct login {
	struct screen base;
	struct ui_form fm;
	int lock;
};

static const char *
login_title(struct screen *s)
{
	return ((struct login *)s)->lock ? _("Locked: log in to go on") : _("Log in");
}

static const char *
login_keys(struct screen *s)
{
	return ((struct login *)s)->lock ? _("Tab next field  Enter log in  F10 log out") :
	    _("Tab next field  Enter log in  F10 quit");
}

static void
login_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct login *l = (struct login *)s;
	char line[256];
	int64_t n = 0;

	snprintf(line, sizeof line, _("Terminal %s, %s"), c->t->name, room_label(c->room));
	ui_put(y + 1, x + 2, w - 4, line, UI_LABEL, 0);
	if (l->lock) {
		snprintf(line, sizeof line, _("The console locked itself after %lld minutes "
		    "without a key. %s may unlock it; anyone else logs in afresh."),
		    (long long)(c->cfg.idle_lock_ms / 60000), c->op.name);
		ui_put(y + 2, x + 2, w - 4, line, UI_WARN, 0);
	} else if (operator_count(c->in.j, &n, NULL) == CST_OK && n == 0) {
		ui_put(y + 2, x + 2, w - 4, _("No operators yet: add one with "
		    "\"custody operator add\"."), UI_WARN, 0);
	}
	form_draw(&l->fm, y + 4, x + 2, h - 4 > 2 ? 2 : h - 4, w - 4);
}

static void
try_login(struct login *l, struct console *c)
{
	char id[EV_MAX_ID + 1], pw[OP_PASSWORD_MAX + 1];
	struct operator op;
	struct errmsg em;

	form_get(&l->fm, "id", id, sizeof id);
	form_get(&l->fm, "password", pw, sizeof pw);
	form_set(&l->fm, "password", "");
	if (id[0] == '\0') {
		form_error(&l->fm, "id", _("required"));
		return;
	}
	err_clear(&em);
	if (operator_authenticate(c->in.j, id, pw, "login", c->cfg.max_failures,
	    c->cfg.lockout_ms, &op, &em) != CST_OK) {
		memset(pw, 0, sizeof pw);
		form_error(&l->fm, "password", em.text);
		console_say(c, UI_ERROR, "%s", em.text);
		return;
	}
	memset(pw, 0, sizeof pw);
	if (l->lock && strcmp(op.id, c->op.id) == 0) {
		c->locked = 0;
		console_close(c, &l->base);
		console_say(c, UI_OK, "%s", _("Unlocked."));
		return;
	}
	console_logged_in(c, &op);
	console_say(c, UI_OK, _("Welcome, %s."), op.name);
}

static enum ui_result
login_key(struct screen *s, struct console *c, int key)
{
	struct login *l = (struct login *)s;
	enum ui_result r;

	if (key == UI_KEY_ESC)
		return UI_HANDLED;
	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, _("Log in"), _("Type your operator id and "
		    "password. Five wrong passwords lock the account for a while. The console "
		    "locks itself when nobody touches a key for the configured idle time.")));
		return UI_HANDLED;
	}
	r = form_key(&l->fm, key);
	if (r == UI_SUBMIT) {
		try_login(l, c);
		return UI_HANDLED;
	}
	return r;
}

static void
login_free(struct screen *s)
{
	struct login *l = (struct login *)s;

	form_free(&l->fm);
	free(l);
}

static const struct screen_ops login_ops = {
	.title = login_title, .keys = login_keys, .draw = login_draw, .key = login_key,
	.free = login_free,
};

struct screen *
screen_login_new(struct console *c, int lock)
{
	struct login *l = xcalloc(1, sizeof *l);

	l->base.ops = &login_ops;
	l->lock = lock;
	form_init(&l->fm);
	form_text(&l->fm, "id", _("Operator ID"), EV_MAX_ID, EV_MAX_ID)->allowed = ID_CHARS;
	form_secret(&l->fm, "password", _("Password"), OP_PASSWORD_MAX);
	if (lock) {
		form_set(&l->fm, "id", c->op.id);
		l->fm.focus = 1;
	}
	return &l->base;
}

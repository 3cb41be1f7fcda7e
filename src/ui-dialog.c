/* Dialogs over the current screen: a form in a box, yes/no, a supervisor's credentials. */
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "xmalloc.h"

struct form_dialog {
	struct screen base;
	const char *title;
	struct ui_form fm;
	dialog_form_fn *ok;
	dialog_device_fn *device;	/* NULL: devices go to the defaults */
	void *arg;
	void *owned;		/* freed with the dialog */
};

static const char *
form_dialog_title(struct screen *s)
{
	return ((struct form_dialog *)s)->title;
}

static const char *
form_dialog_keys(struct screen *s)
{
	(void)s;
	return _("Tab next field  F2/Enter confirm  Esc cancel");
}

static void
form_dialog_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct form_dialog *d = (struct form_dialog *)s;
	int bw = w - 8 < 76 ? w - 8 : 76, bh = d->fm.n + 4, bx = x + (w - bw) / 2, by;

	(void)c;
	if (bh > h)
		bh = h;
	by = y + (h - bh) / 2;
	ui_box(by, bx, bh, bw, UI_NORMAL);
	ui_put(by, bx + 2, bw - 4, d->title, UI_TITLE, 0);
	form_draw(&d->fm, by + 2, bx + 2, bh - 3, bw - 4);
}

static enum ui_result
form_dialog_key(struct screen *s, struct console *c, int key)
{
	struct form_dialog *d = (struct form_dialog *)s;
	enum ui_result r;

	if (key == UI_KEY_ESC) {
		console_close(c, s);
		return UI_HANDLED;
	}
	r = form_key(&d->fm, key);
	if (r != UI_SUBMIT)
		return r == UI_UNHANDLED && key != ui_key_f(10) ? UI_HANDLED : r;
	form_clear_errors(&d->fm);
	if (d->ok(d->arg, c, &d->fm) == 0)
		console_close(c, s);
	return UI_HANDLED;
}

static void
form_dialog_free(struct screen *s)
{
	struct form_dialog *d = (struct form_dialog *)s;

	form_free(&d->fm);
	free(d->owned);
	free(d);
}

static int
form_dialog_device(struct screen *s, struct console *c, int dev, const struct dev_event *ev)
{
	struct form_dialog *d = (struct form_dialog *)s;

	(void)dev;
	return d->device != NULL && d->device(d->arg, c, &d->fm, ev);
}

static const struct screen_ops form_dialog_ops = {
	.title = form_dialog_title, .keys = form_dialog_keys, .draw = form_dialog_draw,
	.key = form_dialog_key, .free = form_dialog_free, .device = form_dialog_device,
	.modal = 1,
};

void
dialog_form_on_device(struct screen *s, dialog_device_fn *fn)
{
	((struct form_dialog *)s)->device = fn;
}

struct screen *
dialog_form_new(const char *title, struct ui_form *fm, dialog_form_fn *ok, void *arg)
{
	struct form_dialog *d = xcalloc(1, sizeof *d);

	d->base.ops = &form_dialog_ops;
	d->title = title;
	d->fm = *fm;
	d->ok = ok;
	d->arg = arg;
	return &d->base;
}

/* ---- yes / no ---- */

struct confirm {
	struct screen base;
	const char *title;
	char text[512];
	dialog_confirm_fn *fn;
	void *arg;
};

static const char *
confirm_title(struct screen *s)
{
	return ((struct confirm *)s)->title;
}

static const char *
confirm_keys(struct screen *s)
{
	(void)s;
	return _("Y / Enter yes   N / Esc no");
}

static void
confirm_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct confirm *d = (struct confirm *)s;
	int bw = w - 8 < 64 ? w - 8 : 64, bx = x + (w - bw) / 2, by;
	/* The text wraps (a list of what a yes records), as many lines as the screen gives. */
	int lines = ui_text_lines(d->text, bw - 4);

	(void)c;
	if (lines > h - 6)
		lines = h - 6 > 1 ? h - 6 : 1;
	by = y + (h - lines - 5) / 2;
	ui_box(by, bx, lines + 5, bw, UI_NORMAL);
	ui_put(by, bx + 2, bw - 4, d->title, UI_TITLE, 0);
	ui_text_put(d->text, by + 2, bx + 2, lines, bw - 4, UI_NORMAL);
	ui_put(by + 3 + lines, bx + 2, bw - 4, _("[Y] yes    [N] no"), UI_LABEL, 0);
}

static enum ui_result
confirm_key(struct screen *s, struct console *c, int key)
{
	struct confirm *d = (struct confirm *)s;
	int yes = key == 'y' || key == 'Y' || key == UI_KEY_ENTER;

	if (!yes && key != 'n' && key != 'N' && key != UI_KEY_ESC)
		return UI_HANDLED;
	console_close(c, s);
	d->fn(d->arg, c, yes);
	return UI_HANDLED;
}

static void
confirm_free(struct screen *s)
{
	free(s);
}

static const struct screen_ops confirm_ops = {
	.title = confirm_title, .keys = confirm_keys, .draw = confirm_draw, .key = confirm_key,
	.free = confirm_free, .modal = 1,
};

struct screen *
dialog_confirm_new(const char *title, const char *text, dialog_confirm_fn *fn, void *arg)
{
	struct confirm *d = xcalloc(1, sizeof *d);

	d->base.ops = &confirm_ops;
	d->title = title;
	snprintf(d->text, sizeof d->text, "%s", text);
	d->fn = fn;
	d->arg = arg;
	return &d->base;
}

/* ---- a supervisor's credentials ---- */

struct cred {
	dialog_cred_fn *ok;
	void *arg;
};

static int
cred_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct cred *cr = arg;
	char id[EV_MAX_ID + 1], pw[OP_PASSWORD_MAX + 1], reason[IN_TEXT_MAX + 1];
	int rc;

	form_get(fm, "supervisor", id, sizeof id);
	form_get(fm, "password", pw, sizeof pw);
	form_get(fm, "reason", reason, sizeof reason);
	rc = cr->ok(cr->arg, c, id, pw, reason, fm);
	memset(pw, 0, sizeof pw);
	return rc;
}

struct screen *
dialog_credentials_new(const char *title, int with_reason, dialog_cred_fn *ok, void *arg)
{
	struct cred *cr = xcalloc(1, sizeof *cr);
	struct form_dialog *d;
	struct ui_form fm;

	cr->ok = ok;
	cr->arg = arg;
	form_init(&fm);
	form_text(&fm, "supervisor", _("Supervisor ID"), EV_MAX_ID, EV_MAX_ID)->allowed =
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.";
	form_secret(&fm, "password", _("Password"), OP_PASSWORD_MAX);
	if (with_reason)
		form_text(&fm, "reason", _("Reason"), 100, IN_TEXT_MAX);
	d = (struct form_dialog *)dialog_form_new(title, &fm, cred_ok, cr);
	d->owned = cr;
	return &d->base;
}

void
screen_show_error(struct console *c, struct ui_form *fm, const struct intake_error *e)
{
	struct ui_field *f = fm != NULL && e->field != NULL ? form_field(fm, e->field) : NULL;

	if (f != NULL)
		form_error(fm, e->field, e->em.text);	/* "required" becomes "Fill in Name." */
	console_say(c, UI_ERROR, "%s", f != NULL ? f->error : e->em.text);
}

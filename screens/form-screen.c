/* The step screens' common frame: person line, form, extra lines, F1 help, F2 save. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "form-screen.h"
#include "i18n.h"
#include "when.h"
#include "xmalloc.h"

void
form_screen_person(const struct visit *v, char *out, size_t size)
{
	char stay[64];

	when_format_duration(clock_now_ms() - v->entry_ts, stay, sizeof stay);
	snprintf(out, size, _("%s  %s  case %s  stage: %s  in the area %s%s%s"), v->name,
	    v->sex == 'M' ? _("male") : _("female"), v->case_number, stage_label(v->stage), stay,
	    v->band[0] ? _("  band ") : "", v->band);
}

const char *const *
form_screen_labels(const char *const *src, int n, const char **dst)
{
	int i;

	for (i = 0; i < n; i++)
		dst[i] = _(src[i]);
	return dst;
}

int
form_screen_time(struct ui_form *fm, const char *key, int64_t *ms)
{
	char buf[64];

	form_get(fm, key, buf, sizeof buf);
	if (buf[0] == '\0' || when_parse(buf, ms) != 0) {
		form_error(fm, key, _("write it as YYYY-MM-DD HH:MM"));
		return 0;
	}
	return 1;
}

struct intake
form_screen_in(struct form_screen *fs, struct console *c)
{
	return intake_for(&c->in, fs->action_id);
}

void
form_screen_acted(struct form_screen *fs)
{
	uuid_new(fs->action_id);
}

void
screen_done(struct console *c, const struct intake_error *e, const char *fmt, ...)
{
	char when[WHEN_ISO_MAX];
	va_list ap;

	if (e != NULL && e->already) {
		when_format_minute(e->ts, when);
		console_say(c, UI_OK, _("Already recorded at %s (event %lld): this was saved "
		    "before, nothing is recorded twice."), when, (long long)e->seq);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	c->msg_style = UI_OK;
	c->dirty = 1;
}

void
form_screen_check_stage(struct form_screen *fs, struct console *c)
{
	struct intake_error e;

	if (fs->action < 0 || intake_allowed(&c->in, fs->visit_id, (enum action)fs->action,
	    &e) == CST_OK)
		return;
	if (e.needs_override)
		console_say(c, UI_ERROR, _("%s — F6: a supervisor's override"), e.em.text);
	else
		console_say(c, UI_ERROR, "%s", e.em.text);
}

static int
override_ok(void *arg, struct console *c, const char *id, const char *password,
    const char *reason, struct ui_form *fm)
{
	struct form_screen *fs = arg;
	struct intake in = intake_for(&c->in, fs->override_id);
	struct intake_error e;

	if (intake_override(&in, fs->visit_id, (enum action)fs->action, id, password, reason,
	    &e) != CST_OK) {
		screen_show_error(c, fm, &e);
		return 1;
	}
	screen_done(c, &e, _("Override granted by %s for %s."), id,
	    action_label((enum action)fs->action));
	return 0;
}

static const char *
fs_title(struct screen *s)
{
	return ((struct form_screen *)s)->title;
}

static const char *
fs_keys(struct screen *s)
{
	struct form_screen *fs = (struct form_screen *)s;

	if (fs->fm.n > 0 && fs->fm.f[fs->fm.focus].pick != NULL)	/* an officer field */
		return _("F1 help  F2 save  Tab pick / next field  F5 add officer  Esc back  "
		    "F10 log out");
	return _("F1 help  F2 save  Tab next field  Esc back  F10 log out");
}

static void
fs_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct form_screen *fs = (struct form_screen *)s;
	char line[512];
	int rows;

	(void)c;
	if (fs->visit_id[0]) {
		form_screen_person(&fs->v, line, sizeof line);
		ui_put(y, x, w, line, UI_LABEL, 0);
		y += 2;
		h -= 2;
	}
	rows = fs->fm.n < h ? fs->fm.n : h;
	if (fs->draw_extra && rows > h / 2 + 1)
		rows = h / 2 + 1;
	if (fs->draw_extra)
		fs->draw_extra(fs, y + rows + 1, x, h - rows - 1, w);
	form_draw(&fs->fm, y, x, rows, w);
}

static enum ui_result
fs_key(struct screen *s, struct console *c, int key)
{
	struct form_screen *fs = (struct form_screen *)s;
	struct ui_field *f = fs->fm.n ? &fs->fm.f[fs->fm.focus] : NULL;
	enum ui_result r;

	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, fs->title, fs->help));
		return UI_HANDLED;
	}
	if (key == ui_key_f(6) && fs->action >= 0) {
		uuid_new(fs->override_id);	/* each dialog is one act */
		console_push(c, dialog_credentials_new(_("Supervisor override"), 1, override_ok,
		    fs));
		return UI_HANDLED;
	}
	if (key == UI_KEY_ENTER && f != NULL && f->kind == UF_BUTTON && fs->button) {
		fs->button(fs, c, f->key);
		return UI_HANDLED;
	}
	r = form_key(&fs->fm, key);
	if (r == UI_SUBMIT) {
		form_clear_errors(&fs->fm);
		fs->save(fs, c);
		return UI_HANDLED;
	}
	return r;
}

static void
fs_free(struct screen *s)
{
	struct form_screen *fs = (struct form_screen *)s;

	if (fs->free_extra)
		fs->free_extra(fs->extra);
	form_free(&fs->fm);
	free(fs);
}

static int
fs_device(struct screen *s, struct console *c, int dev, const struct dev_event *ev)
{
	struct form_screen *fs = (struct form_screen *)s;

	return fs->device ? fs->device(fs, c, dev, ev) : 0;
}

static const struct screen_ops fs_ops = {
	.title = fs_title, .keys = fs_keys, .draw = fs_draw, .key = fs_key, .free = fs_free,
	.device = fs_device,
};

struct form_screen *
form_screen_new(struct console *c, size_t size, const char *visit, const char *title,
    const char *help)
{
	struct form_screen *fs = xcalloc(1, size);
	struct errmsg em;

	fs->base.ops = &fs_ops;
	fs->title = title;
	fs->help = help;
	fs->action = -1;
	uuid_new(fs->action_id);
	form_init(&fs->fm);
	if (visit != NULL) {
		snprintf(fs->visit_id, sizeof fs->visit_id, "%s", visit);
		if (visit_get(c->in.j, visit, &fs->v, &em) != CST_OK) {
			console_say(c, UI_ERROR, "%s", em.text);
			free(fs);
			return NULL;
		}
	}
	return fs;
}

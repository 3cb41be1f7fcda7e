/* The step screens' common frame: person line, form, extra lines, F1 help, F2 save. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "form-screen.h"
#include "i18n.h"
#include "ids.h"
#include "when.h"
#include "xmalloc.h"

void
form_screen_person(const struct visit *v, char *out, size_t size)
{
	char stay[64], printed[IDS_PRINTED_MAX];
	size_t n;

	when_format_duration(clock_now_ms() - v->entry_ts, stay, sizeof stay);
	snprintf(out, size, _("%s  %s  case %s  stage: %s  in the area %s%s%s"), v->name,
	    v->sex == 'M' ? _("male") : _("female"), v->case_number, stage_label(v->stage), stay,
	    v->band[0] ? _("  band ") : "", v->band);
	/* the numbers printed on an EM4100 band, which is what the clerk holds */
	ids_band_printed(v->band, printed);
	n = strlen(out);
	if (printed[0] && n < size)
		snprintf(out + n, size - n, " (%s)", printed);
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

/* ---- drafts ---- */

/* The form as a draft's text: every field by key (secrets and buttons never), the extra. */
static char *
draft_text(struct form_screen *fs, const char *action_id)
{
	char buf[DRAFT_TEXT_MAX + 1];
	struct jw w;
	int i;

	draft_begin(&w, action_id);
	for (i = 0; i < fs->fm.n; i++) {
		struct ui_field *f = &fs->fm.f[i];

		if (f->kind == UF_SECRET || f->kind == UF_BUTTON)
			continue;
		form_get(&fs->fm, f->key, buf, sizeof buf);
		draft_field(&w, f->key, buf, f->choice);
	}
	draft_fields_end(&w);
	if (fs->draft_save_extra) {
		jw_key(&w, "extra");
		fs->draft_save_extra(fs, &w);
	}
	draft_end(&w);
	return jw_take(&w, NULL);
}

/* 1 when the form holds something it did not hold when it opened. */
static int
draft_dirty(struct form_screen *fs)
{
	char *bare;
	int dirty;

	if (!fs->draft_kind[0] || fs->draft_clean == NULL)
		return 0;
	bare = draft_text(fs, "");
	dirty = strcmp(bare, fs->draft_clean) != 0;
	free(bare);
	return dirty;
}

/* The act is recorded or the clerk discarded it: no draft any more, none written again. */
static void
draft_drop(struct form_screen *fs)
{
	if (fs->draft_kind[0] && fs->drafts != NULL && fs->draft_kept != NULL)
		draft_delete(fs->drafts, fs->draft_kind, fs->draft_subject, NULL);
	free(fs->draft_kept);
	fs->draft_kept = NULL;
	fs->draft_kind[0] = '\0';
}

static int
draft_write(struct form_screen *fs, struct errmsg *em)
{
	char *text;
	int status = CST_OK;

	if (!fs->draft_kind[0] || fs->drafts == NULL)
		return CST_OK;
	if (!draft_dirty(fs)) {
		if (fs->draft_kept != NULL)
			status = draft_delete(fs->drafts, fs->draft_kind, fs->draft_subject, em);
		if (status == CST_OK) {
			free(fs->draft_kept);
			fs->draft_kept = NULL;
		}
		return status;
	}
	text = draft_text(fs, fs->action_id);
	if (fs->draft_kept != NULL && strcmp(text, fs->draft_kept) == 0) {
		free(text);
		return CST_OK;
	}
	status = draft_put(fs->drafts, fs->draft_kind, fs->draft_subject, text, strlen(text),
	    em);
	if (status != CST_OK) {
		free(text);
		return status;
	}
	free(fs->draft_kept);
	fs->draft_kept = text;
	return CST_OK;
}

int
form_screen_draft_str(const struct json *row, size_t i, char *dst, size_t size)
{
	size_t len;
	const char *s = json_str(json_at(row, i), &len);

	dst[0] = '\0';
	if (s == NULL || len >= size || strlen(s) != len)
		return -1;
	memcpy(dst, s, len + 1);
	return 0;
}

void
form_screen_recorded(struct form_screen *fs)
{
	draft_drop(fs);
}

static void
draft_restore(struct form_screen *fs, struct console *c, const char *text, size_t n)
{
	struct draft d;
	struct errmsg em;
	int i;

	if (draft_decode(text, n, &d, &em) != CST_OK) {
		draft_free(&d);
		draft_delete(fs->drafts, fs->draft_kind, fs->draft_subject, NULL);
		console_say(c, UI_ERROR, _("The draft kept for this form was dropped: %s"),
		    em.text);
		return;
	}
	for (i = 0; i < d.n; i++) {
		struct ui_field *f = form_field(&fs->fm, d.f[i].key);

		if (f == NULL || f->kind == UF_SECRET || f->kind == UF_BUTTON)
			continue;	/* a field this version no longer has */
		if (f->kind == UF_CHOICE)
			form_set_choice(&fs->fm, f->key, d.f[i].choice);
		else
			form_set(&fs->fm, f->key, d.f[i].text);
	}
	if (fs->draft_load_extra && json_type(d.extra) != JSON_NULL)
		fs->draft_load_extra(fs, d.extra);
	memcpy(fs->action_id, d.action_id, sizeof fs->action_id);
	fs->draft_kept = xstrdup(text);
	draft_free(&d);
	console_say(c, UI_OK, "%s", _("The draft of this form was restored: check it and "
	    "F2 saves, or Esc to keep or discard it."));
}

void
form_screen_draft(struct form_screen *fs, struct console *c, const char *kind,
    const char *subject)
{
	struct errmsg em;
	char *text;
	size_t n;
	int status;

	fs->drafts = c->drafts;	/* NULL: Esc still asks, but nothing can be kept */
	snprintf(fs->draft_kind, sizeof fs->draft_kind, "%s", kind);
	snprintf(fs->draft_subject, sizeof fs->draft_subject, "%s", subject ? subject : "");
	free(fs->draft_clean);
	fs->draft_clean = draft_text(fs, "");
	if (fs->drafts == NULL)
		return;
	status = draft_get(fs->drafts, fs->draft_kind, fs->draft_subject, &text, &n, &em);
	if (status == CST_OK)
		draft_restore(fs, c, text, n);
	else if (status != CST_ERR_NOTFOUND)
		console_say(c, UI_ERROR, "%s", em.text);
	free(text);
}

/* ---- leaving with unsaved input ---- */

struct leave {
	struct screen base;
	char text[512];
	form_leave_fn *fn;
	void *arg;
};

static const char *
leave_title(struct screen *s)
{
	(void)s;
	return _("Leave this form?");
}

static const char *
leave_keys(struct screen *s)
{
	(void)s;
	return _("Enter keep the draft and leave  D discard  Esc stay");
}

static void
leave_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct leave *d = (struct leave *)s;
	int bw = w - 4 < 72 ? w - 4 : 72, bx = x + (w - bw) / 2, by = y + h / 2 - 4;

	(void)c;
	ui_box(by, bx, 8, bw, UI_NORMAL);
	ui_put(by, bx + 2, bw - 4, _("Leave this form?"), UI_TITLE, 0);
	ui_text_put(d->text, by + 2, bx + 2, 2, bw - 4, UI_NORMAL);
	ui_put(by + 5, bx + 2, bw - 4, _("[Enter] keep the draft and leave"), UI_LABEL, 0);
	ui_put(by + 6, bx + 2, bw - 4, _("[D] discard it    [Esc] stay"), UI_LABEL, 0);
}

static enum ui_result
leave_key(struct screen *s, struct console *c, int key)
{
	struct leave *d = (struct leave *)s;
	int choice = key == UI_KEY_ENTER || key == 'k' || key == 'K' ? FORM_KEEP :
	    key == 'd' || key == 'D' ? FORM_DISCARD : key == UI_KEY_ESC ? FORM_STAY : -1;

	if (choice < 0)
		return UI_HANDLED;
	console_close(c, s);
	d->fn(d->arg, c, choice);
	return UI_HANDLED;
}

static void
leave_free(struct screen *s)
{
	free(s);
}

static const struct screen_ops leave_ops = {
	.title = leave_title, .keys = leave_keys, .draw = leave_draw, .key = leave_key,
	.free = leave_free, .modal = 1,
};

struct screen *
form_screen_leave_new(const char *text, form_leave_fn *fn, void *arg)
{
	struct leave *d = xcalloc(1, sizeof *d);

	d->base.ops = &leave_ops;
	snprintf(d->text, sizeof d->text, "%s", text);
	d->fn = fn;
	d->arg = arg;
	return &d->base;
}

static void
leave_chosen(void *arg, struct console *c, int choice)
{
	struct form_screen *fs = arg;
	struct errmsg em;

	if (choice == FORM_STAY)
		return;
	if (choice == FORM_DISCARD) {
		draft_drop(fs);
		console_close(c, &fs->base);
		console_say(c, UI_OK, "%s", _("Draft discarded: nothing was recorded."));
		return;
	}
	if (fs->drafts == NULL) {
		console_say(c, UI_ERROR, "%s", c->drafts_em.text);
		return;
	}
	if (draft_write(fs, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		return;
	}
	console_close(c, &fs->base);
	console_say(c, UI_OK, "%s", _("Draft kept: it comes back when this form is opened "
	    "again for the same person. Nothing was recorded."));
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
	if (fs->relabel)
		fs->relabel(fs);
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
	if (key == UI_KEY_ESC && draft_dirty(fs)) {
		console_push(c, form_screen_leave_new(_("What was typed here is not saved yet. "
		    "Keep it as a draft (sealed on this terminal) or discard it?"), leave_chosen,
		    fs));
		return UI_HANDLED;
	}
	if (key == UI_KEY_ESC)
		draft_drop(fs);		/* nothing to keep: the console closes the form */
	if (key == UI_KEY_ENTER && f != NULL && f->kind == UF_BUTTON && fs->button) {
		fs->button(fs, c, f->key);
		return UI_HANDLED;
	}
	r = form_key(&fs->fm, key);
	if (r == UI_SUBMIT) {
		form_clear_errors(&fs->fm);
		fs->save(fs, c);
		if (fs->base.closed)
			draft_drop(fs);	/* recorded (or already recorded) */
		return UI_HANDLED;
	}
	return r;
}

static void
fs_free(struct screen *s)
{
	struct form_screen *fs = (struct form_screen *)s;

	draft_write(fs, NULL);	/* a logout or an unlock by someone else: kept */
	free(fs->draft_clean);
	free(fs->draft_kept);
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

/* Each second: the draft written when it changed, so a crash loses at most a second. */
static void
fs_tick(struct screen *s, struct console *c)
{
	struct form_screen *fs = (struct form_screen *)s;
	struct errmsg em;

	if (draft_write(fs, &em) != CST_OK)
		console_say(c, UI_ERROR, _("The draft cannot be kept: %s"), em.text);
}

static const struct screen_ops fs_ops = {
	.title = fs_title, .keys = fs_keys, .draw = fs_draw, .key = fs_key, .free = fs_free,
	.device = fs_device, .tick = fs_tick,
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

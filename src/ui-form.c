/* Form fields: editing by character (not byte), moving between fields, messages beside them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "i18n.h"
#include "text.h"
#include "ui-pick.h"
#include "ui.h"
#include "xmalloc.h"

#define FIELD_COLS 36		/* input width when the screen allows it */

void
form_init(struct ui_form *fm)
{
	memset(fm, 0, sizeof *fm);
}

void
form_free(struct ui_form *fm)
{
	int i;

	for (i = 0; i < fm->n; i++)
		if (fm->f[i].pick != NULL)
			pick_free(&fm->f[i]);
	free(fm->f);
	memset(fm, 0, sizeof *fm);
}

static struct ui_field *
add(struct ui_form *fm, const char *key, const char *label, enum ui_field_kind kind)
{
	struct ui_field *f;
	int w;

	if (fm->n == fm->cap) {
		fm->cap = fm->cap ? fm->cap * 2 : 16;
		fm->f = xrealloc(fm->f, (size_t)fm->cap * sizeof *fm->f);
	}
	f = &fm->f[fm->n++];
	memset(f, 0, sizeof *f);
	f->key = key;
	f->label = label;
	f->kind = kind;
	f->choice = -1;
	f->max_chars = UI_FIELD_CHARS;
	f->max_bytes = 4 * UI_FIELD_CHARS;
	w = text_width(label);
	if (w > fm->label_width)
		fm->label_width = w;
	return f;
}

struct ui_field *
form_text(struct ui_form *fm, const char *key, const char *label, int max_chars,
    size_t max_bytes)
{
	struct ui_field *f = add(fm, key, label, UF_TEXT);

	f->max_chars = max_chars < UI_FIELD_CHARS ? max_chars : UI_FIELD_CHARS;
	f->max_bytes = max_bytes;
	return f;
}

struct ui_field *
form_secret(struct ui_form *fm, const char *key, const char *label, int max_chars)
{
	struct ui_field *f = form_text(fm, key, label, max_chars, (size_t)max_chars);

	f->kind = UF_SECRET;
	return f;
}

struct ui_field *
form_choice(struct ui_form *fm, const char *key, const char *label,
    const char *const *choices, int n)
{
	struct ui_field *f = add(fm, key, label, UF_CHOICE);

	f->choices = choices;
	f->nchoices = n;
	return f;
}

struct ui_field *
form_button(struct ui_form *fm, const char *key, const char *label)
{
	return add(fm, key, label, UF_BUTTON);
}

struct ui_field *
form_field(struct ui_form *fm, const char *key)
{
	int i;

	for (i = 0; key != NULL && i < fm->n; i++)
		if (strcmp(fm->f[i].key, key) == 0)
			return &fm->f[i];
	return NULL;
}

/* The field's characters as UTF-8. */
static void
field_utf8(const struct ui_field *f, char *buf, size_t size)
{
	size_t used = 0;
	int i;
	char mb[MB_LEN_MAX];
	mbstate_t ps;

	memset(&ps, 0, sizeof ps);
	for (i = 0; i < f->len; i++) {
		size_t r = wcrtomb(mb, f->text[i], &ps);

		if (r == (size_t)-1 || used + r + 1 > size)
			break;
		memcpy(buf + used, mb, r);
		used += r;
	}
	buf[used] = '\0';
}

/* The message beside a field that could not take all of what was typed or pasted. */
static void
overflow_error(struct ui_field *f)
{
	if (f->len >= f->max_chars)
		snprintf(f->error, sizeof f->error, _("%1$s: at most %2$d characters; %3$d more "
		    "were not taken"), f->label, f->max_chars, f->overflow);
	else
		snprintf(f->error, sizeof f->error, _("%1$s is full; %2$d more characters were "
		    "not taken"), f->label, f->overflow);
}

const char *
form_get(struct ui_form *fm, const char *key, char *buf, size_t size)
{
	struct ui_field *f = form_field(fm, key);
	char raw[4 * UI_FIELD_CHARS + 1], trimmed[4 * UI_FIELD_CHARS + 1];

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (f == NULL)
		return buf;
	if (f->pick != NULL && pick_value(f) != NULL) {
		snprintf(buf, size, "%s", pick_value(f));
		return buf;
	}
	field_utf8(f, raw, sizeof raw);
	text_trim(raw, trimmed, sizeof trimmed);
	if (strlen(trimmed) >= size) {
		/* The caller's buffer is smaller than the field: refuse rather than cut. */
		f->overflow = f->overflow ? f->overflow : 1;
		snprintf(f->error, sizeof f->error, _("%1$s: too long to be recorded"), f->label);
		return buf;
	}
	memcpy(buf, trimmed, strlen(trimmed) + 1);
	return buf;
}

const char *
form_overflowed(struct ui_form *fm)
{
	int i;

	for (i = 0; i < fm->n; i++)
		if (fm->f[i].overflow > 0 && !fm->f[i].hidden) {
			fm->focus = i;
			return fm->f[i].key;
		}
	return NULL;
}

void
form_set(struct ui_form *fm, const char *key, const char *utf8)
{
	struct ui_field *f = form_field(fm, key);
	mbstate_t ps;
	size_t r, left;
	const char *p = utf8;

	if (f == NULL)
		return;
	if (f->pick != NULL)
		pick_forget(f);
	memset(&ps, 0, sizeof ps);
	f->len = 0;
	left = strlen(utf8);
	while (left > 0 && f->len < f->max_chars) {
		r = mbrtowc(&f->text[f->len], p, left, &ps);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0)
			break;
		p += r;
		left -= r;
		f->len++;
	}
	f->text[f->len] = 0;
	f->cursor = f->len;
	f->scroll = 0;
	f->overflow = 0;
	if (left > 0 && f->len >= f->max_chars) {	/* a device's value longer than the field */
		f->overflow = (int)text_chars(p);
		overflow_error(f);
	}
	if (f->pick != NULL)	/* a number set (a draft) is found again: one match is it */
		pick_edited(fm, f);
}

int
form_choice_of(struct ui_form *fm, const char *key)
{
	struct ui_field *f = form_field(fm, key);

	return f ? f->choice : -1;
}

void
form_set_choice(struct ui_form *fm, const char *key, int i)
{
	struct ui_field *f = form_field(fm, key);

	if (f != NULL && i >= -1 && i < f->nchoices)
		f->choice = i;
}

void
form_focus(struct ui_form *fm, const char *key)
{
	int i;

	for (i = 0; key != NULL && i < fm->n; i++)
		if (strcmp(fm->f[i].key, key) == 0 && !fm->f[i].hidden)
			fm->focus = i;
}

void
form_error(struct ui_form *fm, const char *key, const char *msg)
{
	struct ui_field *f = form_field(fm, key);

	if (f == NULL)
		return;
	snprintf(f->error, sizeof f->error, "%s", msg);
	form_focus(fm, key);
}

void
form_clear_errors(struct ui_form *fm)
{
	int i;

	for (i = 0; i < fm->n; i++)
		if (fm->f[i].overflow == 0)
			fm->f[i].error[0] = '\0';
}

/* ---- drawing ---- */

/* The focused choice's list beside it ("Left/Right: a / b / c"), or only the keys. */
static void
choice_list(const struct ui_field *f, char *buf, size_t size, int cols)
{
	char list[UI_ERROR_MAX];
	size_t used = 0;
	int i;

	list[0] = '\0';
	for (i = 0; i < f->nchoices && used < sizeof list; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? " / " : "",
		    f->choices[i]);
	snprintf(buf, size, _("Left/Right: %s"), list);
	if (used >= sizeof list || text_width(buf) > cols)
		snprintf(buf, size, "%s", _("Left/Right to choose"));
}

static int
width_of(const wchar_t *s, int n)
{
	int i, w = 0;

	for (i = 0; i < n; i++)
		w += ui_wcwidth(s[i]);
	return w;
}

/* Keeps the cursor inside the visible part of a field cols wide. */
static void
scroll_to_cursor(struct ui_field *f, int cols)
{
	if (f->cursor < f->scroll)
		f->scroll = f->cursor;
	while (f->scroll < f->cursor && width_of(f->text + f->scroll, f->cursor - f->scroll) >=
	    cols)
		f->scroll++;
}

static void
draw_value(struct ui_field *f, int y, int x, int cols, int focused)
{
	wchar_t stars[UI_FIELD_CHARS + 1];
	char buf[UI_ERROR_MAX + 8];
	int i;

	if (f->kind == UF_CHOICE) {
		snprintf(buf, sizeof buf, "%s", f->choice >= 0 ? f->choices[f->choice] : "");
		ui_put(y, x, cols, buf, focused ? UI_FOCUS : UI_FIELD, 1);
		if (f->choice < 0 && f->hint && f->len == 0)
			ui_put(y, x, cols, f->hint, UI_DIM, 0);
		if (focused && f->len > 0) {	/* what was typed to pick it */
			int used = f->choice < 0 ? 0 : text_width(buf) + 1;

			ui_putw(y, x + used, cols - used, f->text, (size_t)f->len, UI_DIM, 0);
		}
		return;
	}
	if (f->kind == UF_BUTTON) {
		snprintf(buf, sizeof buf, "%s", f->note);
		ui_put(y, x, cols, buf, focused ? UI_FOCUS : UI_NORMAL, 1);
		return;
	}
	scroll_to_cursor(f, cols);
	if (f->kind == UF_SECRET) {
		for (i = 0; i < f->len; i++)
			stars[i] = L'*';
		ui_putw(y, x, cols, stars + f->scroll, (size_t)(f->len - f->scroll),
		    focused ? UI_FOCUS : UI_FIELD, 1);
	} else {
		ui_putw(y, x, cols, f->text + f->scroll, (size_t)(f->len - f->scroll),
		    focused ? UI_FOCUS : UI_FIELD, 1);
	}
	if (f->len == 0 && f->hint && (!focused || f->pick != NULL))
		ui_put(y, x, cols, f->hint, UI_DIM, 0);
}

void
form_draw(struct ui_form *fm, int y, int x, int h, int w)
{
	int i, row, lw = fm->label_width + 2, cols, msgx, cy = -1, cx = 0, py = -1;
	struct ui_field *f;

	cols = w - lw - 2 < FIELD_COLS ? w - lw - 2 : FIELD_COLS;
	if (cols < 8)
		cols = 8;
	msgx = x + lw + cols + 2;
	if (fm->focus < fm->top)
		fm->top = fm->focus;
	if (fm->focus >= fm->top + h)
		fm->top = fm->focus - h + 1;
	for (i = fm->top, row = 0; i < fm->n && row < h; i++) {
		f = &fm->f[i];
		if (f->hidden)
			continue;
		ui_put(y + row, x, lw, f->label, f->error[0] ? UI_ERROR : UI_LABEL, 1);
		draw_value(f, y + row, x + lw, cols, i == fm->focus);
		if (f->error[0]) {
			ui_put(y + row, msgx, x + w - msgx, f->error, UI_ERROR, 0);
		} else if (f->note[0] && f->kind != UF_BUTTON) {
			ui_put(y + row, msgx, x + w - msgx, f->note, UI_DIM, 0);
		} else if (f->kind == UF_CHOICE && i == fm->focus && f->nchoices > 0) {
			char list[UI_ERROR_MAX];

			choice_list(f, list, sizeof list, x + w - msgx);
			ui_put(y + row, msgx, x + w - msgx, list, UI_DIM, 0);
		}
		if (i == fm->focus && f->pick != NULL)
			py = y + row;
		if (i == fm->focus && f->kind != UF_CHOICE && f->kind != UF_BUTTON) {
			cy = y + row;
			cx = x + lw + width_of(f->text + f->scroll, f->cursor - f->scroll);
		}
		row++;
	}
	if (py >= 0)	/* over the fields below: drawn last */
		pick_draw(&fm->f[fm->focus], py, x + lw, cols, y + h - 1 - py, py - y);
	ui_cursor(cy, cx);
}

/* ---- keys ---- */

static int
next_visible(struct ui_form *fm, int from, int step)
{
	int i = from;

	do {
		i = (i + step + fm->n) % fm->n;
	} while (fm->f[i].hidden && i != from);
	return i;
}

/* 1 when c can go into the field, 0 when it is not allowed there, -1 when the field is full. */
static int
fits(const struct ui_field *f, wchar_t c)
{
	char mb[MB_LEN_MAX], utf[4 * UI_FIELD_CHARS + 1];
	mbstate_t ps;
	size_t r;

	if (c < L' ' || c == 0x7f || (c >= 0x80 && c < 0xa0) || !iswprint((wint_t)c))
		return 0;
	if (f->allowed != NULL && (c > 0x7f || strchr(f->allowed, (int)c) == NULL))
		return 0;
	if (f->len >= f->max_chars)
		return -1;
	memset(&ps, 0, sizeof ps);
	if ((r = wcrtomb(mb, c, &ps)) == (size_t)-1)
		return 0;
	field_utf8(f, utf, sizeof utf);
	return strlen(utf) + r <= f->max_bytes ? 1 : -1;
}

static enum ui_result
edit(struct ui_field *f, int key)
{
	int room;

	if (key == UI_KEY_LEFT || key == UI_KEY_RIGHT || key == UI_KEY_HOME ||
	    key == UI_KEY_END) {
		if (key == UI_KEY_LEFT && f->cursor > 0)
			f->cursor--;
		else if (key == UI_KEY_RIGHT && f->cursor < f->len)
			f->cursor++;
		else if (key == UI_KEY_HOME)
			f->cursor = 0;
		else if (key == UI_KEY_END)
			f->cursor = f->len;
		if (f->overflow == 0)	/* moving is not editing: an overflow stays said */
			f->error[0] = '\0';
		return UI_HANDLED;
	} else if ((key == UI_KEY_BACKSPACE || key == UI_KEY_BS) && f->cursor > 0) {
		memmove(f->text + f->cursor - 1, f->text + f->cursor,
		    (size_t)(f->len - f->cursor) * sizeof(wchar_t));
		f->cursor--;
		f->len--;
	} else if (key == UI_KEY_DC && f->cursor < f->len) {
		memmove(f->text + f->cursor, f->text + f->cursor + 1,
		    (size_t)(f->len - f->cursor - 1) * sizeof(wchar_t));
		f->len--;
	} else if (key == UI_KEY_CTRL_U) {
		f->len = f->cursor = f->scroll = 0;
	} else if (!UI_IS_FN(key) && key >= ' ' && key != 0x7f) {
		if ((room = fits(f, (wchar_t)key)) < 0) {
			/* A paste arrives as many keys: count what is left out, beep once. */
			if (f->overflow++ == 0)
				ui_beep();
			overflow_error(f);
			return UI_HANDLED;
		}
		if (room == 0) {
			ui_beep();
			return UI_HANDLED;
		}
		memmove(f->text + f->cursor + 1, f->text + f->cursor,
		    (size_t)(f->len - f->cursor) * sizeof(wchar_t));
		f->text[f->cursor++] = (wchar_t)key;
		f->len++;
	} else if (key == UI_KEY_LEFT || key == UI_KEY_RIGHT || key == UI_KEY_BACKSPACE ||
	    key == UI_KEY_BS || key == UI_KEY_DC) {
		return UI_HANDLED;
	} else {
		return UI_UNHANDLED;
	}
	f->text[f->len] = 0;
	f->error[0] = '\0';
	f->overflow = 0;
	return UI_HANDLED;
}

/*
 * The first choice whose label holds the typed text (type-ahead: "回" picks 回族). Text that
 * no label holds is taken back and the field says so: it is a list, not free text.
 */
static void
match_choice(struct ui_field *f)
{
	char typed[4 * UI_FIELD_CHARS + 1];
	int i;

	field_utf8(f, typed, sizeof typed);
	for (i = 0; i < f->nchoices; i++)
		if (strstr(f->choices[i], typed) != NULL) {
			f->choice = i;
			return;
		}
	ui_beep();
	snprintf(f->error, sizeof f->error, _("no choice holds \"%s\"; Left/Right to choose"),
	    typed);
	f->len = f->cursor = f->len - 1;
	f->text[f->len] = 0;
}

/* Left/Right/Space step through the choices; typing picks by a part of the label. */
static enum ui_result
choose(struct ui_field *f, int key)
{
	int n = f->nchoices;

	if (n == 0)
		return UI_UNHANDLED;
	f->error[0] = '\0';
	if (key == UI_KEY_LEFT || key == UI_KEY_RIGHT || key == ' ') {
		f->choice = key == UI_KEY_LEFT ? (f->choice <= 0 ? n - 1 : f->choice - 1) :
		    (f->choice + 1) % n;
		f->len = f->cursor = 0;
		return UI_HANDLED;
	}
	if (key == UI_KEY_CTRL_U) {	/* back to nothing chosen */
		f->choice = -1;
		f->len = f->cursor = 0;
		return UI_HANDLED;
	}
	if (key == UI_KEY_BACKSPACE || key == UI_KEY_BS) {
		if (f->len > 0)
			f->len = --f->cursor;
		if (f->len > 0)
			match_choice(f);
		return UI_HANDLED;
	}
	if (UI_IS_FN(key) || key < ' ' || key == 0x7f || f->len >= 8)
		return UI_UNHANDLED;
	f->text[f->len++] = (wchar_t)key;
	f->cursor = f->len;
	f->text[f->len] = 0;
	match_choice(f);
	return UI_HANDLED;
}

enum ui_result
form_key(struct ui_form *fm, int key)
{
	struct ui_field *f;

	if (fm->n == 0)
		return UI_UNHANDLED;
	f = &fm->f[fm->focus];
	if (key == ui_key_f(2) && form_overflowed(fm) != NULL) {
		ui_beep();	/* the field says what was not taken */
		return UI_HANDLED;
	}
	if (key == ui_key_f(2))
		return UI_SUBMIT;
	if (f->pick != NULL && pick_key(fm, f, key) == UI_HANDLED)
		return UI_HANDLED;
	if (key == UI_KEY_ENTER && (f->kind == UF_BUTTON ||
	    next_visible(fm, fm->focus, 1) <= fm->focus) && form_overflowed(fm) != NULL) {
		ui_beep();
		return UI_HANDLED;
	}
	if (f->kind == UF_CHOICE && (key == UI_KEY_TAB || key == UI_KEY_DOWN ||
	    key == UI_KEY_BTAB || key == UI_KEY_UP || key == UI_KEY_ENTER))
		f->len = f->cursor = 0;
	if (key == UI_KEY_TAB || key == UI_KEY_DOWN) {
		fm->focus = next_visible(fm, fm->focus, 1);
		return UI_HANDLED;
	}
	if (key == UI_KEY_BTAB || key == UI_KEY_UP) {
		fm->focus = next_visible(fm, fm->focus, -1);
		return UI_HANDLED;
	}
	if (key == UI_KEY_ENTER) {
		if (f->kind == UF_BUTTON || next_visible(fm, fm->focus, 1) <= fm->focus)
			return UI_SUBMIT;
		fm->focus = next_visible(fm, fm->focus, 1);
		return UI_HANDLED;
	}
	if (f->kind == UF_CHOICE)
		return choose(f, key);
	if (f->kind == UF_BUTTON)
		return UI_UNHANDLED;
	if (f->pick != NULL) {
		enum ui_result r = edit(f, key);

		if (r == UI_HANDLED)
			pick_edited(fm, f);
		return r;
	}
	return edit(f, key);
}

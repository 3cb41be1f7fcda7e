/* Pick fields: a list of matches under a text field while the clerk types (officers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ui-pick.h"
#include "xmalloc.h"

struct ui_pick {
	ui_pick_fn *fn;
	void *arg;
	struct ui_pick_row rows[UI_PICK_ROWS];
	int n, sel;
	char value[UI_PICK_VALUE];	/* the picked value; "" while none */
	int typed;			/* something is typed (and nothing picked) */
	ui_pick_add_fn *add;		/* F5, or NULL */
	void *owned;			/* arg, when the field owns it */
};

struct ui_field *
form_pick(struct ui_form *fm, const char *key, const char *label, int max_chars,
    size_t max_bytes, ui_pick_fn *fn, void *arg)
{
	struct ui_field *f = form_text(fm, key, label, max_chars, max_bytes);

	f->pick = xcalloc(1, sizeof *f->pick);
	f->pick->fn = fn;
	f->pick->arg = arg;
	return f;
}

void
form_pick_on_add(struct ui_field *f, ui_pick_add_fn *add, void *arg)
{
	if (f == NULL || f->pick == NULL)
		return;
	f->pick->add = add;
	f->pick->arg = f->pick->owned = arg;
}

void
pick_free(struct ui_field *f)
{
	free(f->pick->owned);
	free(f->pick);
	f->pick = NULL;
}

/* The rows for what is typed now; none once a value is picked or nothing is typed. */
static void
refresh(struct ui_form *fm, struct ui_field *f)
{
	char typed[4 * UI_FIELD_CHARS + 1];
	struct ui_pick *p = f->pick;

	p->n = p->sel = p->typed = 0;
	if (p->value[0] != '\0')
		return;
	form_get(fm, f->key, typed, sizeof typed);
	p->typed = typed[0] != '\0';
	if (typed[0] != '\0')
		p->n = p->fn(p->arg, typed, p->rows, UI_PICK_ROWS);
	if (p->n < 0 || p->n > UI_PICK_ROWS)
		p->n = 0;
}

static void
take(struct ui_form *fm, struct ui_field *f, const struct ui_pick_row *row)
{
	struct ui_pick *p = f->pick;
	char value[UI_PICK_VALUE];

	snprintf(value, sizeof value, "%s", row->value);
	f->pick = NULL;		/* form_set on the plain text */
	form_set(fm, f->key, row->shown);
	f->pick = p;
	snprintf(p->value, sizeof p->value, "%s", value);
	p->n = p->sel = p->typed = 0;
	f->error[0] = '\0';
}

void
form_pick_set(struct ui_form *fm, const char *key, const char *value)
{
	struct ui_field *f = form_field(fm, key);
	struct ui_pick_row row;
	struct ui_pick *p;
	int i;

	if (f == NULL || (p = f->pick) == NULL)
		return;
	p->value[0] = '\0';
	p->n = value[0] != '\0' ? p->fn(p->arg, value, p->rows, UI_PICK_ROWS) : 0;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->rows[i].value, value) == 0) {
			take(fm, f, &p->rows[i]);
			return;
		}
	snprintf(row.value, sizeof row.value, "%s", value);
	snprintf(row.shown, sizeof row.shown, "%s", value);
	if (value[0] != '\0')
		take(fm, f, &row);
	else
		p->n = 0;
}

const char *
pick_value(const struct ui_field *f)
{
	const struct ui_pick *p = f->pick;

	if (p->value[0] != '\0')
		return p->value;
	return p->n == 1 ? p->rows[0].value : NULL;	/* one match: it is meant */
}

void
pick_forget(struct ui_field *f)
{
	f->pick->value[0] = '\0';
	f->pick->n = f->pick->sel = f->pick->typed = 0;
}

enum ui_result
pick_key(struct ui_form *fm, struct ui_field *f, int key)
{
	struct ui_pick *p = f->pick;
	char typed[4 * UI_FIELD_CHARS + 1];

	if (key == ui_key_f(5) && p->add != NULL) {
		form_get(fm, f->key, typed, sizeof typed);
		p->add(p->arg, p->value[0] != '\0' ? "" : typed);
		return UI_HANDLED;
	}
	if (p->n > 0 && key == UI_KEY_DOWN) {
		p->sel = (p->sel + 1) % p->n;
		return UI_HANDLED;
	}
	if (p->n > 0 && key == UI_KEY_UP) {
		p->sel = (p->sel + p->n - 1) % p->n;
		return UI_HANDLED;
	}
	if (p->n > 0 && (key == UI_KEY_ENTER || key == UI_KEY_TAB)) {
		take(fm, f, &p->rows[p->sel]);
		return UI_UNHANDLED;	/* and on to the next field as usual */
	}
	if (UI_IS_FN(key) && key != UI_KEY_BS && key != UI_KEY_DC)
		return UI_UNHANDLED;
	if (key < ' ' && key != UI_KEY_CTRL_U)
		return UI_UNHANDLED;
	if (p->value[0] != '\0') {	/* typing over a picked officer starts again */
		p->value[0] = '\0';
		form_set(fm, f->key, "");
		if (key == UI_KEY_BACKSPACE || key == UI_KEY_BS || key == UI_KEY_DC ||
		    key == UI_KEY_CTRL_U)
			return UI_HANDLED;
	}
	return UI_UNHANDLED;	/* the edit itself is the form's; pick_edited follows */
}

void
pick_edited(struct ui_form *fm, struct ui_field *f)
{
	refresh(fm, f);
}

void
pick_draw(const struct ui_field *f, int y, int x, int w, int below, int above)
{
	const struct ui_pick *p = f->pick;
	int i, top;

	if (p->n == 0 && p->typed && p->add != NULL && below > 0) {
		ui_put(y + 1, x, w, _("not found: F5 adds"), UI_BAR, 1);
		return;
	}
	if (p->n == 0)
		return;
	top = below >= p->n || below >= above ? y + 1 : y - p->n;
	for (i = 0; i < p->n; i++) {
		if (top + i < 0 || (top > y && i >= below))
			break;
		ui_put(top + i, x, w, p->rows[i].shown, i == p->sel ? UI_SELECT : UI_BAR, 1);
	}
}

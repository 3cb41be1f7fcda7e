/* Officer fields: a pick list over the register of officers (and operators for custodians). */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "intake.h"
#include "officer-pick.h"
#include "officer.h"
#include "operator.h"

static int
find_officers(void *arg, const char *typed, struct ui_pick_row *rows, int max)
{
	struct console *c = arg;
	struct officer found[UI_PICK_ROWS];
	int n = 0, i;

	if (max > UI_PICK_ROWS)
		max = UI_PICK_ROWS;
	if (officer_search(c->t->journal, typed, found, max, &n, NULL) != CST_OK)
		return 0;
	for (i = 0; i < n; i++) {
		snprintf(rows[i].value, sizeof rows[i].value, "%.12s", found[i].number);
		snprintf(rows[i].shown, sizeof rows[i].shown, "%.64s %.12s", found[i].name,
		    found[i].number);
	}
	return n;
}

struct op_find {
	const char *typed;
	struct ui_pick_row *rows;
	int n, max;
};

static int
match_operator(void *arg, const struct operator *op)
{
	struct op_find *f = arg;
	size_t len = strlen(f->typed);

	if (!op->active || (strncmp(op->id, f->typed, len) != 0 && strstr(op->name, f->typed) ==
	    NULL))
		return 0;
	snprintf(f->rows[f->n].value, sizeof f->rows[f->n].value, "%.64s", op->id);
	snprintf(f->rows[f->n].shown, sizeof f->rows[f->n].shown, "%.64s %.64s", op->name,
	    op->id);
	return ++f->n >= f->max;
}

static int
find_people(void *arg, const char *typed, struct ui_pick_row *rows, int max)
{
	struct console *c = arg;
	struct op_find f;

	f.n = find_officers(arg, typed, rows, max);
	f.typed = typed;
	f.rows = rows;
	f.max = max;
	if (f.n < max)
		operator_each(c->t->journal, match_operator, &f, NULL);
	return f.n;
}

struct ui_field *
officer_pick_field(struct ui_form *fm, struct console *c, const char *key, const char *label)
{
	struct ui_field *f = form_pick(fm, key, label, IN_SHORT_MAX, 4 * IN_SHORT_MAX,
	    find_officers, c);

	f->hint = _("number, name or initials");
	return f;
}

struct ui_field *
person_pick_field(struct ui_form *fm, struct console *c, const char *key, const char *label)
{
	struct ui_field *f = form_pick(fm, key, label, IN_SHORT_MAX, 4 * IN_SHORT_MAX,
	    find_people, c);

	f->hint = _("number, name or operator id");
	return f;
}

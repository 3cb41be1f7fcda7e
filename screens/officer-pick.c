/* Officer fields: a pick list over the register of officers (and operators for custodians). */
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "intake.h"
#include "form-screen.h"
#include "officer-pick.h"
#include "officer.h"
#include "operator.h"
#include "screens.h"
#include "xmalloc.h"

/* The field an added officer goes into: its form (in the screen, which outlives the dialog). */
struct target {
	struct console *c;
	struct ui_form *fm;
	const char *key;
};

static int
find_officers(void *arg, const char *typed, struct ui_pick_row *rows, int max)
{
	struct console *c = ((struct target *)arg)->c;
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
	struct console *c = ((struct target *)arg)->c;
	struct op_find f;

	f.n = find_officers(arg, typed, rows, max);
	f.typed = typed;
	f.rows = rows;
	f.max = max;
	if (f.n < max)
		operator_each(c->t->journal, match_operator, &f, NULL);
	return f.n;
}


static const char *sexes[2];

/* The administrator present adds the officer; the field then holds them. */
static int
add_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct target *t = arg;
	char admin[EV_MAX_ID + 1], pw[OP_PASSWORD_MAX + 1], shown[OFFICER_SHOWN_MAX];
	struct authority a;
	struct officer o;
	struct errmsg em;
	int sex = form_choice_of(fm, "sex"), status;

	memset(&o, 0, sizeof o);
	form_get(fm, "number", o.number, sizeof o.number);
	form_get(fm, "name", o.name, sizeof o.name);
	form_get(fm, "unit", o.unit, sizeof o.unit);
	o.sex = sex == 0 ? 'M' : sex == 1 ? 'F' : '\0';
	form_get(fm, "admin", admin, sizeof admin);
	form_get(fm, "password", pw, sizeof pw);
	err_clear(&em);
	if (officer_valid(&o, &em) != CST_OK) {
		form_error(fm, o.name[0] == '\0' ? "name" : "number", em.text);
		console_say(c, UI_ERROR, "%s", em.text);
		return 1;
	}
	status = operator_unlock(c->t->journal, admin, pw, c->cfg.max_failures,
	    c->cfg.lockout_ms, &a, &em);
	memset(pw, 0, sizeof pw);
	if (status != CST_OK) {
		form_error(fm, "password", em.text);
		console_say(c, UI_ERROR, "%s", em.text);
		return 1;
	}
	status = officer_add(c->t->journal, &a, &o, &em);
	authority_wipe(&a);
	if (status != CST_OK) {
		form_error(fm, status == CST_ERR_EXISTS ? "number" : "name", em.text);
		console_say(c, UI_ERROR, "%s", em.text);
		return 1;
	}
	form_pick_set(t->fm, t->key, o.number);
	officer_shown(c->t->journal, o.number, shown, sizeof shown);
	console_say(c, UI_OK, _("%s is in the register of officers now."), shown);
	return 0;
}

/* F5 in an officer field: a dialog for an administrator, the number or name typed filled in. */
static void
add_officer(void *arg, const char *typed)
{
	static const char *const sex_keys[2] = { N_("male"), N_("female") };
	struct target *t = arg;
	struct ui_form fm;
	size_t n = strlen(typed);

	form_init(&fm);
	form_text(&fm, "number", _("Officer number"), OFFICER_NUMBER_MAX, OFFICER_NUMBER_MAX)
	    ->allowed = CODE_CHARS;
	form_text(&fm, "name", _("Name"), 32, OFFICER_NAME_MAX);
	form_text(&fm, "unit", _("Unit"), 40, OFFICER_UNIT_MAX);
	form_choice(&fm, "sex", _("Sex"), form_screen_labels(sex_keys, 2, sexes), 2);
	form_text(&fm, "admin", _("Administrator ID"), EV_MAX_ID, EV_MAX_ID)->allowed =
	    CODE_CHARS;
	form_secret(&fm, "password", _("Password"), OP_PASSWORD_MAX);
	if (n > 0 && strspn(typed, CODE_CHARS) == n)
		form_set(&fm, "number", typed);
	else
		form_set(&fm, "name", typed);
	console_push(t->c, dialog_form_new(_("Add an officer to the register"), &fm, add_ok, t));
}

static struct ui_field *
pick_field(struct ui_form *fm, struct console *c, const char *key, const char *label,
    ui_pick_fn *fn)
{
	struct target *t = xcalloc(1, sizeof *t);
	struct ui_field *f = form_pick(fm, key, label, IN_SHORT_MAX, 4 * IN_SHORT_MAX, fn, t);

	t->c = c;
	t->fm = fm;
	t->key = key;
	form_pick_on_add(f, add_officer, t);
	return f;
}

struct ui_field *
officer_pick_field(struct ui_form *fm, struct console *c, const char *key, const char *label)
{
	struct ui_field *f = pick_field(fm, c, key, label, find_officers);

	f->hint = _("number, name or initials");
	return f;
}

struct ui_field *
person_pick_field(struct ui_form *fm, struct console *c, const char *key, const char *label)
{
	struct ui_field *f = pick_field(fm, c, key, label, find_people);

	f->hint = _("number, name or operator id");
	return f;
}

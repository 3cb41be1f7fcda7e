/*
 * Correcting a registration (更正): the field, its value now, the new value and a reason;
 * then a supervisor approves (dialog_credentials_new) and record.corrected is appended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correct.h"
#include "doc.h"
#include "ethnic.h"
#include "form-screen.h"
#include "i18n.h"
#include "json.h"
#include "when.h"
#include "xmalloc.h"

/*
 * The registration's fields a clerk corrects (sex and ethnicity as choices); the document's
 * only where they apply to the visit's document (correct_field_applies).
 */
static const char *const reg_fields[] = {
	"name", "sex", "ethnicity", "id_number", "address", "phone", "case_number", "officer1",
	"officer2", "nationality", "name_en", "pass_number", "doc_issues", "doc_note"
};
#define REG_FIELDS (int)(sizeof reg_fields / sizeof reg_fields[0])
#define PICK_MAX (REG_FIELDS + 3 * 2 * IN_ITEMS_MAX)

/* The form's list of what can be corrected: the registration's fields, then every item's. */
struct pick {
	struct console *c;
	int n;
	char keys[PICK_MAX][48];
	char labels[PICK_MAX][96];
	const char *shown[PICK_MAX];
	const char *sexes[2], *ethnics[ETHNIC_COUNT];
};

static const char *
picked(struct form_screen *fs)
{
	struct pick *pk = fs->extra;
	int i = form_choice_of(&fs->fm, "field");

	return pk->keys[i >= 0 && i < pk->n ? i : 0];
}

static const char *
pick_label(struct pick *pk, const char *key)
{
	int i;

	for (i = 0; i < pk->n; i++)
		if (strcmp(pk->keys[i], key) == 0)
			return pk->labels[i];
	return correct_field_label(key);
}

static void
pick_add(struct pick *pk, const struct correct_item *it, const char *label)
{
	if (pk->n == PICK_MAX)
		return;
	correct_item_key(it, pk->keys[pk->n], sizeof pk->keys[0]);
	snprintf(pk->labels[pk->n], sizeof pk->labels[0], "%s", label);
	pk->n++;
}

/* Every item found in a search ("Item found 1: Description"…) and every belonging. */
static void
pick_items(struct pick *pk, struct console *c, const char *visit)
{
	static const char *const names[3] = { N_("Description"), N_("Quantity"), N_("Unit") };
	static struct visit_item items[IN_ITEMS_MAX * 4];
	char **bodies, label[96];
	struct errmsg em;
	size_t k, i, n;
	int f, found = 0;

	if (visit_searches(c->in.j, visit, &bodies, &n, &em) == CST_OK) {
		for (k = 0; k < n; k++) {
			struct json *b;

			if (json_parse(bodies[k], strlen(bodies[k]), &b, NULL) == CST_OK) {
				for (i = 0; i < json_count(json_get(b, "items")); i++) {
					struct correct_item it = { 1, (int)k + 1, (int)i, "" };

					found++;
					for (f = 0; f < 3; f++) {
						snprintf(it.field, sizeof it.field, "%s",
						    correct_item_fields[f]);
						snprintf(label, sizeof label, _("Item found %1$d: %2$s"),
						    found, _(names[f]));
						pick_add(pk, &it, label);
					}
				}
				json_free(b);
			}
			free(bodies[k]);
		}
		free(bodies);
	}
	if (visit_belongings(c->in.j, visit, items, sizeof items / sizeof items[0], &n,
	    &em) != CST_OK)
		return;
	for (i = 0; i < n; i++) {
		struct correct_item it = { 0, items[i].n, 0, "" };

		for (f = 0; f < 3; f++) {
			snprintf(it.field, sizeof it.field, "%s", correct_item_fields[f]);
			snprintf(label, sizeof label, _("Belonging %1$d: %2$s"), items[i].n,
			    _(names[f]));
			pick_add(pk, &it, label);
		}
	}
}

/* The value's field suits the field picked: a choice for sex and ethnicity, else text. */
static void
value_fields(struct form_screen *fs, const char *key)
{
	form_field(&fs->fm, "value")->hidden = strcmp(key, "sex") == 0 ||
	    strcmp(key, "ethnicity") == 0;
	form_field(&fs->fm, "sex")->hidden = strcmp(key, "sex") != 0;
	form_field(&fs->fm, "ethnicity")->hidden = strcmp(key, "ethnicity") != 0;
}

/* The value now of an item's field or a registration's. */
static void
current(struct form_screen *fs, const char *key, char *out, size_t size)
{
	struct pick *pk = fs->extra;
	struct errmsg em;

	if (correct_item_parse(key, &(struct correct_item){ 0 }) == 0)
		correct_item_current(pk->c->in.j, fs->visit_id, key, out, size, &em);
	else
		correct_current(&fs->v, key, out, size);
}

/* Under the form: the field's value now, and the corrections made before. */
static void
draw_now(struct form_screen *fs, int y, int x, int h, int w)
{
	static struct correction cs[64];
	char now[IN_TEXT_MAX + 1], text[2 * IN_TEXT_MAX], when[WHEN_ISO_MAX];
	struct pick *pk = fs->extra;
	struct console *c = pk->c;
	struct errmsg em;
	size_t i, n = 0;
	int row = 0, eth;

	value_fields(fs, picked(fs));
	current(fs, picked(fs), now, sizeof now);
	if (strcmp(picked(fs), "sex") == 0)
		snprintf(now, sizeof now, "%s", now[0] == 'M' ? _("male") : now[0] == 'F' ?
		    _("female") : "");
	else if (strcmp(picked(fs), "ethnicity") == 0 && (eth = ethnic_find(now)) >= 0)
		snprintf(now, sizeof now, "%s", ethnic_name((size_t)eth));
	snprintf(text, sizeof text, _("Now: %s"), now);
	if (h > 0)
		ui_put(y + row++, x, w, text, UI_LABEL, 1);
	if (correct_list(c->in.j, fs->visit_id, cs, 64, &n, &em) != CST_OK)
		n = 0;
	for (i = 0; i < n && row < h; i++) {
		when_format_minute(cs[i].ts, when);
		snprintf(text, sizeof text, _("%1$s corrected %2$s: %3$s → %4$s (approved by %5$s)"),
		    when, pick_label(pk, cs[i].field), cs[i].old, cs[i].new_, cs[i].approved_by);
		ui_put(y + row++, x, w, text, UI_DIM, 1);
	}
}

static void
read_form(struct form_screen *fs, char *value, char *reason)
{
	const char *key = picked(fs);
	int i;

	form_get(&fs->fm, "value", value, IN_TEXT_MAX + 1);
	if (strcmp(key, "sex") == 0)
		snprintf(value, IN_TEXT_MAX + 1, "%s", (i = form_choice_of(&fs->fm, "sex")) == 0 ?
		    "M" : i == 1 ? "F" : "");
	else if (strcmp(key, "ethnicity") == 0)
		snprintf(value, IN_TEXT_MAX + 1, "%s", (i = form_choice_of(&fs->fm, "ethnicity")) >=
		    0 ? ethnic_code((size_t)i) : "");
	form_get(&fs->fm, "reason", reason, IN_TEXT_MAX + 1);
}

/* A refusal of the new value goes beside the field that holds it (a list for sex, ethnicity). */
static void
show_error(struct form_screen *fs, struct console *c, struct ui_form *fm,
    struct intake_error *e)
{
	const char *key = picked(fs);

	if (e->field != NULL && strcmp(e->field, "value") == 0 && fm == &fs->fm &&
	    form_field(fm, "value")->hidden)
		e->field = strcmp(key, "sex") == 0 ? "sex" : "ethnicity";
	screen_show_error(c, fm, e);
}

static int
approve_ok(void *arg, struct console *c, const char *id, const char *password,
    const char *unused, struct ui_form *fm)
{
	struct form_screen *fs = arg;
	char value[IN_TEXT_MAX + 1], reason[IN_TEXT_MAX + 1], visit[UUID_LEN + 1], label[96];
	const char *field = picked(fs);
	struct intake in = form_screen_in(fs, c);
	struct correct_item it;
	enum doc_kind doc = DOC_REGISTRATION;
	struct intake_error e;
	struct visit v;
	struct errmsg em;

	(void)unused;
	read_form(fs, value, reason);
	if (intake_correct(&in, fs->visit_id, field, value, reason, id, password, &e) !=
	    CST_OK) {
		show_error(fs, c, fm, &e);
		return 1;
	}
	snprintf(visit, sizeof visit, "%s", fs->visit_id);
	snprintf(label, sizeof label, "%s", pick_label(fs->extra, field));
	if (correct_item_parse(field, &it) == 0)
		doc = it.search ? DOC_SEARCH : DOC_BELONGINGS;
	form_screen_recorded(fs);
	console_close(c, &fs->base);
	/* The signed form stays as signed; the corrected one is offered for signing again. */
	if (visit_get(c->in.j, visit, &v, &em) == CST_OK)
		console_push(c, screen_sign_new(c, visit, doc, "person", v.name));
	screen_done(c, &e, _("%1$s corrected, approved by %2$s. The person may sign the "
	    "corrected form."), label, id);
	return 0;
}

static void
correct_save(struct form_screen *fs, struct console *c)
{
	char value[IN_TEXT_MAX + 1], reason[IN_TEXT_MAX + 1];
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;

	if (form_overflowed(&fs->fm) != NULL)
		return;
	read_form(fs, value, reason);
	/* Every check but the approval first: the supervisor is called only for a valid one. */
	if (intake_correct(&in, fs->visit_id, picked(fs), value, reason, "", "", &e) == CST_OK)
		return;	/* not reached: an empty supervisor is refused */
	if (e.field == NULL || strcmp(e.field, "supervisor") != 0) {
		show_error(fs, c, &fs->fm, &e);
		return;
	}
	console_push(c, dialog_credentials_new(_("Supervisor's approval of the correction"), 0,
	    approve_ok, fs));
}

struct screen *
screen_correct_new(struct console *c, const char *visit)
{
	struct form_screen *fs = form_screen_new(c, sizeof *fs, visit,
	    _("Correct the registration"), _("Pick the field (Left/Right or type part of its "
	    "name), type the new value and why it is corrected, then F2: a supervisor approves "
	    "with their ID and password. The record keeps the old value; documents show the new "
	    "one and that it was corrected."));
	static const char *const sex_keys[2] = { N_("male"), N_("female") };
	struct ui_form *fm;
	struct pick *pk;
	int i;

	if (fs == NULL)
		return NULL;
	fm = &fs->fm;
	fs->save = correct_save;
	fs->draw_extra = draw_now;
	fs->extra = pk = xcalloc(1, sizeof *pk);
	fs->free_extra = free;
	pk->c = c;
	for (i = 0; i < REG_FIELDS; i++) {
		if (!correct_field_applies(&fs->v, reg_fields[i]))
			continue;
		snprintf(pk->keys[pk->n], sizeof pk->keys[0], "%s", reg_fields[i]);
		snprintf(pk->labels[pk->n], sizeof pk->labels[0], "%s",
		    correct_field_label_for(&fs->v, reg_fields[i]));
		pk->n++;
	}
	pick_items(pk, c, visit);
	for (i = 0; i < pk->n; i++)
		pk->shown[i] = pk->labels[i];
	snprintf(form_choice(fm, "field", _("Field"), pk->shown, pk->n)->note,
	    UI_ERROR_MAX, "%s", _("type to pick"));
	form_set_choice(fm, "field", 0);
	form_text(fm, "value", _("New value"), IN_TEXT_CHARS, IN_TEXT_MAX);
	/* Sex and ethnicity are picked from their lists, checked against the ID number. */
	form_choice(fm, "sex", _("New value"), form_screen_labels(sex_keys, 2, pk->sexes), 2);
	snprintf(form_choice(fm, "ethnicity", _("New value"), form_screen_labels(ethnic_names,
	    ETHNIC_COUNT, pk->ethnics), ETHNIC_COUNT)->note, UI_ERROR_MAX, "%s",
	    _("type to pick"));
	form_text(fm, "reason", _("Reason"), IN_TEXT_CHARS, IN_TEXT_MAX);
	form_screen_draft(fs, c, "correct", visit);
	value_fields(fs, picked(fs));
	return &fs->base;
}

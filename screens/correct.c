/*
 * Correcting a registration (更正): the field, its value now, the new value and a reason;
 * then a supervisor approves (dialog_credentials_new) and record.corrected is appended.
 */
#include <stdio.h>
#include <string.h>

#include "correct.h"
#include "doc.h"
#include "form-screen.h"
#include "i18n.h"
#include "when.h"

/* The fields a clerk corrects as typed text (sex, ethnicity: intake_correct only). */
static const char *const ui_fields[] = {
	"name", "id_number", "address", "phone", "case_number", "officer1", "officer2"
};
#define UI_FIELDS (int)(sizeof ui_fields / sizeof ui_fields[0])
static const char *ui_labels[UI_FIELDS];

static const char *
picked(struct form_screen *fs)
{
	int i = form_choice_of(&fs->fm, "field");

	return ui_fields[i >= 0 && i < UI_FIELDS ? i : 0];
}

/* Under the form: the field's value now, and the corrections made before. */
static void
draw_now(struct form_screen *fs, int y, int x, int h, int w)
{
	static struct correction cs[64];
	char now[IN_TEXT_MAX + 1], text[2 * IN_TEXT_MAX], when[WHEN_ISO_MAX];
	struct console *c = fs->extra;
	struct errmsg em;
	size_t i, n = 0;
	int row = 0;

	correct_current(&fs->v, picked(fs), now, sizeof now);
	snprintf(text, sizeof text, _("Now: %s"), now);
	if (h > 0)
		ui_put(y + row++, x, w, text, UI_LABEL, 1);
	if (correct_list(c->in.j, fs->visit_id, cs, 64, &n, &em) != CST_OK)
		n = 0;
	for (i = 0; i < n && row < h; i++) {
		when_format_minute(cs[i].ts, when);
		snprintf(text, sizeof text, _("%1$s corrected %2$s: %3$s → %4$s (approved by %5$s)"),
		    when, correct_field_label(cs[i].field), cs[i].old, cs[i].new_, cs[i].approved_by);
		ui_put(y + row++, x, w, text, UI_DIM, 1);
	}
}

static void
read_form(struct form_screen *fs, char *value, char *reason)
{
	form_get(&fs->fm, "value", value, IN_TEXT_MAX + 1);
	form_get(&fs->fm, "reason", reason, IN_TEXT_MAX + 1);
}

static int
approve_ok(void *arg, struct console *c, const char *id, const char *password,
    const char *unused, struct ui_form *fm)
{
	struct form_screen *fs = arg;
	char value[IN_TEXT_MAX + 1], reason[IN_TEXT_MAX + 1], visit[UUID_LEN + 1];
	const char *field = picked(fs);
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;
	struct visit v;
	struct errmsg em;

	(void)unused;
	read_form(fs, value, reason);
	if (intake_correct(&in, fs->visit_id, field, value, reason, id, password, &e) !=
	    CST_OK) {
		screen_show_error(c, fm, &e);
		return 1;
	}
	snprintf(visit, sizeof visit, "%s", fs->visit_id);
	console_close(c, &fs->base);
	/* The signed form stays as signed; the corrected one is offered for signing again. */
	if (visit_get(c->in.j, visit, &v, &em) == CST_OK)
		console_push(c, screen_sign_new(c, visit, DOC_REGISTRATION, "person", v.name));
	screen_done(c, &e, _("%1$s corrected, approved by %2$s. The person may sign the "
	    "corrected form."), correct_field_label(field), id);
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
		screen_show_error(c, &fs->fm, &e);
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
	struct ui_form *fm;
	int i;

	if (fs == NULL)
		return NULL;
	fm = &fs->fm;
	fs->save = correct_save;
	fs->draw_extra = draw_now;
	fs->extra = c;
	for (i = 0; i < UI_FIELDS; i++)
		ui_labels[i] = correct_field_label(ui_fields[i]);
	snprintf(form_choice(fm, "field", _("Field"), ui_labels, UI_FIELDS)->note,
	    UI_ERROR_MAX, "%s", _("type to pick"));
	form_set_choice(fm, "field", 0);
	form_text(fm, "value", _("New value"), IN_TEXT_CHARS, IN_TEXT_MAX);
	form_text(fm, "reason", _("Reason"), IN_TEXT_CHARS, IN_TEXT_MAX);
	return &fs->base;
}

/* Rooms (候问/讯问) and the temporary exit (临时出区) with its return. */
#include <string.h>

#include "clock.h"
#include "form-screen.h"
#include "officer-pick.h"
#include "i18n.h"
#include "when.h"

static const char *kinds[2];
static const char *purposes[4];

static void
move_save(struct form_screen *fs, struct console *c)
{
	char room[IN_SHORT_MAX + 1], o1[IN_SHORT_MAX + 1], o2[IN_SHORT_MAX + 1];
	int kind = form_choice_of(&fs->fm, "kind");
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;

	form_get(&fs->fm, "room", room, sizeof room);
	form_get(&fs->fm, "officer1", o1, sizeof o1);
	form_get(&fs->fm, "officer2", o2, sizeof o2);
	if (kind < 0) {
		form_error(&fs->fm, "kind", _("required"));
		return;
	}
	fs->action = kind == 1 ? ACT_INTERROGATE : ACT_WAIT;
	if (intake_move(&in, fs->visit_id, room, kind == 1, o1, o2, &e) != CST_OK) {
		if (e.needs_override)
			snprintf(e.em.text + strlen(e.em.text), sizeof e.em.text - strlen(e.em.text),
			    "%s", _(" — F6: a supervisor's override"));
		screen_show_error(c, &fs->fm, &e);
		return;
	}
	screen_done(c, &e, _("%s is in %s."), fs->v.name, room);
	console_close(c, &fs->base);
}

struct screen *
screen_move_new(struct console *c, const char *visit)
{
	static const char *const kind_keys[2] = { N_("waiting room"), N_("interrogation room") };
	struct form_screen *fs = form_screen_new(c, sizeof *fs, visit, _("Rooms"),
	    _("Move the person to a waiting room or an interrogation room, with the officers "
	    "present. Interrogation needs two officers, and the search, belongings and "
	    "collection done first; otherwise a supervisor may override (F6) with a written "
	    "reason."));

	if (fs == NULL)
		return NULL;
	fs->save = move_save;
	fs->action = ACT_WAIT;
	form_choice(&fs->fm, "kind", _("Into"), form_screen_labels(kind_keys, 2, kinds), 2);
	form_text(&fs->fm, "room", _("Room"), IN_SHORT_MAX, IN_SHORT_MAX);
	officer_pick_field(&fs->fm, c, "officer1", _("Officer 1"));
	officer_pick_field(&fs->fm, c, "officer2", _("Officer 2"));
	if (fs->v.stage == STAGE_WAITING)
		form_set_choice(&fs->fm, "kind", 1);
	form_screen_draft(fs, c, "move", visit);
	return &fs->base;
}

/* ---- temporary exit ---- */

/* The form screen of an open exit is never shown: the question is asked, then it goes. */
static void
return_yes(void *arg, struct console *c, int yes)
{
	struct form_screen *fs = arg;
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;

	if (yes && intake_temp_return(&in, fs->visit_id, &e) != CST_OK)
		console_say(c, UI_ERROR, "%s", e.em.text);
	else if (yes)
		screen_done(c, &e, _("%s is back in the area."), fs->v.name);
	fs->base.ops->free(&fs->base);
}

static int
temp_exit_approved(void *arg, struct console *c, const char *id, const char *password,
    const char *reason, struct ui_form *dfm)
{
	struct form_screen *fs = arg;
	char why[IN_TEXT_MAX + 1], o1[IN_SHORT_MAX + 1], o2[IN_SHORT_MAX + 1];
	int purpose = form_choice_of(&fs->fm, "purpose");
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;
	int64_t back;

	(void)reason;
	form_get(&fs->fm, "reason", why, sizeof why);
	form_get(&fs->fm, "officer1", o1, sizeof o1);
	form_get(&fs->fm, "officer2", o2, sizeof o2);
	if (!form_screen_time(&fs->fm, "return_ts", &back))
		return 0;
	if (intake_temp_exit(&in, fs->visit_id, purpose >= 0 ? intake_purpose_keys[purpose] :
	    "", why, id, password, o1, o2, back, &e) != CST_OK) {
		if (e.field && (strcmp(e.field, "approver") == 0)) {
			e.field = "password";
			screen_show_error(c, dfm, &e);
			return 1;
		}
		screen_show_error(c, &fs->fm, &e);
		return 0;
	}
	screen_done(c, &e, _("Temporary exit of %s recorded: open until the return."),
	    fs->v.name);
	form_screen_recorded(fs);
	console_close(c, &fs->base);
	return 0;
}

static void
temp_exit_save(struct form_screen *fs, struct console *c)
{
	console_push(c, dialog_credentials_new(_("Approval of the temporary exit"), 0,
	    temp_exit_approved, fs));
}

struct screen *
screen_temp_exit_new(struct console *c, const char *visit)
{
	struct form_screen *fs = form_screen_new(c, sizeof *fs, visit, _("Temporary exit"),
	    _("A temporary exit (临时出区) takes the person out of the area for identification, "
	    "pointing out stolen goods or the hospital, with two escorting officers and a "
	    "supervisor's approval. It stays open until the return is recorded here."));
	char later[WHEN_ISO_MAX];

	if (fs == NULL)
		return NULL;
	if (fs->v.temp_out)
		return dialog_confirm_new(_("Return from temporary exit"),
		    _("Record that the person is back in the area now?"), return_yes, fs);
	fs->save = temp_exit_save;
	fs->action = ACT_TEMP_EXIT;
	form_choice(&fs->fm, "purpose", _("Purpose"),
	    form_screen_labels(intake_purpose_labels, 4, purposes), 4);
	form_text(&fs->fm, "reason", _("Reason"), 100, IN_TEXT_MAX);
	officer_pick_field(&fs->fm, c, "officer1", _("Officer 1"));
	officer_pick_field(&fs->fm, c, "officer2", _("Officer 2"));
	form_text(&fs->fm, "return_ts", _("Back by"), 16, 16)->allowed = "0123456789-: ";
	when_format_minute(clock_now_ms() + 2 * 3600 * 1000, later);
	form_set(&fs->fm, "return_ts", later);
	form_screen_draft(fs, c, "temp-exit", visit);
	form_screen_check_stage(fs, c);
	return &fs->base;
}

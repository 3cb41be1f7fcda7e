/* Information collection (信息采集): the checklist, each item done with a result or skipped. */
#include <string.h>

#include "form-screen.h"
#include "i18n.h"

static const char *statuses[2];
static char keys[INTAKE_COLLECTION_ITEMS][2][24];

static void
collect_save(struct form_screen *fs, struct console *c)
{
	struct visit_collection have[INTAKE_COLLECTION_ITEMS];
	char text[IN_TEXT_MAX + 1];
	struct intake_error e;
	struct errmsg em;
	int i, st, saved = 0;

	if (visit_collections(c->in.j, fs->visit_id, have, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		return;
	}
	for (i = 0; i < INTAKE_COLLECTION_ITEMS; i++) {
		st = form_choice_of(&fs->fm, keys[i][0]);
		form_get(&fs->fm, keys[i][1], text, sizeof text);
		if (st < 0 || (have[i].done && have[i].skipped == (st == 1) &&
		    strcmp(st == 1 ? have[i].reason : have[i].result, text) == 0))
			continue;
		if (intake_collect(&c->in, fs->visit_id, intake_collection_keys[i], text, st == 1,
		    text, &e) != CST_OK) {
			e.field = e.field && (strcmp(e.field, "result") == 0 ||
			    strcmp(e.field, "reason") == 0) ? keys[i][1] : e.field;
			screen_show_error(c, &fs->fm, &e);
			return;
		}
		saved++;
	}
	if (saved == 0) {
		console_say(c, UI_ERROR, "%s", _("Nothing new to record: choose done or skipped "
		    "for an item and write its result or the reason."));
		return;
	}
	console_say(c, UI_OK, _("%d collection items recorded for %s."), saved, fs->v.name);
	console_close(c, &fs->base);
}

static void
load(struct form_screen *fs, struct console *c)
{
	struct visit_collection have[INTAKE_COLLECTION_ITEMS];
	struct errmsg em;
	int i;

	if (visit_collections(c->in.j, fs->visit_id, have, &em) != CST_OK)
		return;
	for (i = 0; i < INTAKE_COLLECTION_ITEMS; i++) {
		if (!have[i].done)
			continue;
		form_set_choice(&fs->fm, keys[i][0], have[i].skipped);
		form_set(&fs->fm, keys[i][1], have[i].skipped ? have[i].reason : have[i].result);
		snprintf(form_field(&fs->fm, keys[i][1])->note, UI_ERROR_MAX, _("recorded by %s"),
		    have[i].operator_);
	}
}

struct screen *
screen_collect_new(struct console *c, const char *visit)
{
	static const char *const status_keys[2] = { N_("done"), N_("skipped") };
	struct form_screen *fs = form_screen_new(c, sizeof *fs, visit,
	    _("Information collection"), _("For each item of the checklist choose done (and "
	    "write the result: card number, photo taken, sample number, test result…) or "
	    "skipped (and write the reason). Items already recorded are shown; F2 records what "
	    "is new or changed. Every item must be done or skipped before waiting or "
	    "interrogation."));
	int i;

	if (fs == NULL)
		return NULL;
	fs->save = collect_save;
	fs->action = ACT_COLLECT;
	form_screen_labels(status_keys, 2, statuses);
	for (i = 0; i < INTAKE_COLLECTION_ITEMS; i++) {
		snprintf(keys[i][0], sizeof keys[i][0], "status%d", i);
		snprintf(keys[i][1], sizeof keys[i][1], "text%d", i);
		form_choice(&fs->fm, keys[i][0], intake_collection_label(i), statuses, 2);
		form_text(&fs->fm, keys[i][1], _("  result / reason"), 60, IN_TEXT_MAX);
	}
	load(fs, c);
	form_screen_check_stage(fs, c);
	return &fs->base;
}

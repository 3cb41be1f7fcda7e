/*
 * Information collection (信息采集): the checklist, each item done with a result or skipped,
 * and fingerprints captured with the module (two presses, merged, the template sealed).
 */
#include <stdio.h>
#include <string.h>

#include "form-screen.h"
#include "i18n.h"

struct collect_screen {
	struct form_screen fs;
	struct devices *devs;
	int capturing;		/* an enrolment is under way on the module */
	char capture_id[UUID_LEN + 1];	/* each capture is its own act */
	char finger[12];	/* the finger being captured */
	char prompt[200];	/* what the person must do now */
};

static const char *statuses[2];
static const char *fingers[BIO_FINGERS];
static char keys[INTAKE_COLLECTION_ITEMS][2][24];

static void
collect_save(struct form_screen *fs, struct console *c)
{
	struct visit_collection have[INTAKE_COLLECTION_ITEMS];
	char text[IN_TEXT_MAX + 1], part[UUID_LEN + 1];
	struct intake_error e;
	struct intake in;
	struct errmsg em;
	int i, st, saved = 0, already = 0;

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
		/* One event per item, each with its part of the form's action id. */
		intake_part(fs->action_id, intake_collection_keys[i], part);
		in = intake_for(&c->in, part);
		if (intake_collect(&in, fs->visit_id, intake_collection_keys[i], text, st == 1,
		    text, &e) != CST_OK) {
			e.field = e.field && (strcmp(e.field, "result") == 0 ||
			    strcmp(e.field, "reason") == 0) ? keys[i][1] : e.field;
			screen_show_error(c, &fs->fm, &e);
			return;
		}
		saved++;
		already += e.already;
	}
	if (saved > 0 && already == saved) {
		screen_done(c, &e, "%s", "");
		console_close(c, &fs->base);
		return;
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

/* "right index finger (quality 78), right thumb (quality 80)" for the checklist row. */
static void
fingers_summary(struct console *c, const char *visit, char *out, size_t size)
{
	struct visit_fingerprint fp[BIO_FINGERS];
	struct errmsg em;
	size_t n = 0, i, used = 0;

	out[0] = '\0';
	if (visit_fingerprints(c->in.j, visit, fp, BIO_FINGERS, &n, &em) != CST_OK)
		return;
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, _("%s%s (quality %d)"),
		    i ? _(", ") : "", bio_finger_label(fp[i].finger), fp[i].quality);
}

static void
capture_done(struct collect_screen *cs, struct console *c, const struct dev_finger *f)
{
	struct form_screen *fs = &cs->fs;
	struct intake_error e;
	struct biokey k;
	char text[IN_TEXT_MAX + 1];

	memset(&e, 0, sizeof e);
	if (biokey_load(c->t->dir, 0, &k, &e.em) == CST_OK) {
		struct intake in = intake_for(&c->in, cs->capture_id);

		intake_fingerprint(&in, fs->visit_id, cs->finger, f->quality, "r30x", &k,
		    f->tpl, f->tpl_len, &e);
		biokey_wipe(&k);
	}
	if (e.em.code != CST_OK) {
		form_error(&fs->fm, "capture", e.em.text);
		return;
	}
	fingers_summary(c, fs->visit_id, text, sizeof text);
	form_set_choice(&fs->fm, keys[0][0], 0);
	form_set(&fs->fm, keys[0][1], text);
	snprintf(form_field(&fs->fm, "capture")->note, UI_ERROR_MAX, "%s",
	    _("[Enter: capture another finger]"));
	console_say(c, UI_OK, _("%s: %s captured (quality %d), sealed and recorded. F2 records "
	    "the checklist."), fs->v.name, bio_finger_label(cs->finger), f->quality);
}

static int
collect_device(struct form_screen *fs, struct console *c, int dev,
    const struct dev_event *ev)
{
	struct collect_screen *cs = (struct collect_screen *)fs;
	const struct dev_finger *f = &ev->finger;

	if (dev != CONF_DEV_FINGERPRINT || ev->kind != DEV_FINGER || !cs->capturing)
		return 0;
	switch (f->what) {
	case FP_PLACE:
		snprintf(cs->prompt, sizeof cs->prompt, _("Press the %s on the sensor (%d of 2)."),
		    bio_finger_label(cs->finger), f->press > 0 ? f->press : 1);
		break;
	case FP_LIFT:
		snprintf(cs->prompt, sizeof cs->prompt, "%s", _("Lift the finger."));
		break;
	case FP_ENROLLED:
		cs->capturing = 0;
		cs->prompt[0] = '\0';
		capture_done(cs, c, f);
		break;
	case FP_FAILED:
		cs->capturing = 0;
		cs->prompt[0] = '\0';
		form_error(&fs->fm, "capture", console_finger_failure(f->code));
		break;
	default:
		return 0;
	}
	return 1;
}

static void
capture_start(struct collect_screen *cs, struct console *c)
{
	struct form_screen *fs = &cs->fs;
	struct dev_request rq = { .kind = DEV_RQ_FP_ENROLL };
	struct intake_error e;
	struct biokey k;
	int i = form_choice_of(&fs->fm, "finger");

	form_clear_errors(&fs->fm);
	if (cs->capturing)
		return;
	if (i < 0) {
		form_error(&fs->fm, "finger", _("choose the finger"));
		return;
	}
	/* Everything that could refuse the template is checked before the person presses. */
	if (intake_allowed(&c->in, fs->visit_id, ACT_COLLECT, &e) != CST_OK ||
	    biokey_load(c->t->dir, 0, &k, &e.em) != CST_OK ||
	    console_finger_ready(c, &e.em) != CST_OK) {
		form_error(&fs->fm, "capture", e.em.text);
		return;
	}
	biokey_wipe(&k);
	/* The host keeps the template; the module's library slot is only scratch. */
	rq.page = i;
	if (devices_request(c->devs, CONF_DEV_FINGERPRINT, &rq) != 0) {
		form_error(&fs->fm, "capture", _("the fingerprint module is busy; try again"));
		return;
	}
	snprintf(cs->finger, sizeof cs->finger, "%s", bio_finger_keys[i]);
	snprintf(cs->prompt, sizeof cs->prompt, _("Press the %s on the sensor (%d of 2)."),
	    bio_finger_label(cs->finger), 1);
	uuid_new(cs->capture_id);
	cs->capturing = 1;
}

static void
capture_cancel(struct collect_screen *cs)
{
	struct dev_request rq = { .kind = DEV_RQ_CANCEL };

	if (cs->capturing)
		devices_request(cs->devs, CONF_DEV_FINGERPRINT, &rq);
	cs->capturing = 0;
	cs->prompt[0] = '\0';
}

static void
collect_button(struct form_screen *fs, struct console *c, const char *key)
{
	if (strcmp(key, "capture") == 0)
		capture_start((struct collect_screen *)fs, c);
}

static void
draw_prompt(struct form_screen *fs, int y, int x, int h, int w)
{
	struct collect_screen *cs = (struct collect_screen *)fs;

	if (h > 0 && cs->capturing)
		ui_put(y, x, w, cs->prompt, UI_TITLE, 0);
	else if (h > 0)
		ui_put(y, x, w, _("Fingerprints: choose the finger, Enter on \"Capture\"; the "
		    "person presses it twice. Esc stops a capture."), UI_DIM, 0);
}

static enum ui_result (*base_key)(struct screen *, struct console *, int);
static void (*base_free)(struct screen *);

static enum ui_result
collect_key(struct screen *s, struct console *c, int key)
{
	struct collect_screen *cs = (struct collect_screen *)s;

	if (key == UI_KEY_ESC && cs->capturing) {
		capture_cancel(cs);
		console_say(c, UI_NORMAL, "%s", _("Fingerprint capture stopped."));
		return UI_HANDLED;
	}
	return base_key(s, c, key);
}

static void
collect_free(struct screen *s)
{
	capture_cancel((struct collect_screen *)s);
	base_free(s);
}

static struct screen_ops collect_ops;

struct screen *
screen_collect_new(struct console *c, const char *visit)
{
	static const char *const status_keys[2] = { N_("done"), N_("skipped") };
	struct collect_screen *cs = (struct collect_screen *)form_screen_new(c, sizeof *cs, visit,
	    _("Information collection"), _("For each item of the checklist choose done (and "
	    "write the result: card number, photo taken, sample number, test result…) or "
	    "skipped (and write the reason). Items already recorded are shown; F2 records what "
	    "is new or changed. Every item must be done or skipped before waiting or "
	    "interrogation. Fingerprints: choose the finger and press Enter on \"Capture\"; "
	    "the person presses the finger twice on the module; the template is sealed with the "
	    "center's biometric key and recorded at once."));
	struct form_screen *fs = &cs->fs;
	int i;

	if (cs == NULL)
		return NULL;
	cs->devs = c->devs;
	collect_ops = *fs->base.ops;
	base_key = collect_ops.key;
	base_free = collect_ops.free;
	collect_ops.key = collect_key;
	collect_ops.free = collect_free;
	fs->base.ops = &collect_ops;
	fs->save = collect_save;
	fs->button = collect_button;
	fs->device = collect_device;
	fs->draw_extra = draw_prompt;
	fs->action = ACT_COLLECT;
	form_screen_labels(status_keys, 2, statuses);
	for (i = 0; i < INTAKE_COLLECTION_ITEMS; i++) {
		snprintf(keys[i][0], sizeof keys[i][0], "status%d", i);
		snprintf(keys[i][1], sizeof keys[i][1], "text%d", i);
		form_choice(&fs->fm, keys[i][0], intake_collection_label(i), statuses, 2);
		form_text(&fs->fm, keys[i][1], _("  result / reason"), 60, IN_TEXT_MAX);
	}
	form_choice(&fs->fm, "finger", _("Finger"),
	    form_screen_labels(bio_finger_names, BIO_FINGERS, fingers), BIO_FINGERS);
	form_set_choice(&fs->fm, "finger", 1);
	form_button(&fs->fm, "capture", _("Capture"));
	snprintf(form_field(&fs->fm, "capture")->note, UI_ERROR_MAX, "%s",
	    _("[Enter: capture with the module]"));
	load(fs, c);
	form_screen_draft(fs, c, "collect", visit);
	form_screen_check_stage(fs, c);
	return &fs->base;
}

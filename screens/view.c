/* Screens that show text: a visit's summary and documents, help, and signing a document. */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "buf.h"
#include "correct.h"
#include "doc.h"
#include "form-screen.h"
#include "i18n.h"
#include "text.h"
#include "officer.h"
#include "when.h"
#include "xmalloc.h"

#define VIEW_ALERTS_MAX 50	/* a person's alerts listed on the visit page */

struct view {
	struct screen base;
	char title[160];
	char keys[256];
	char keys_short[128];		/* the visit's keys for a narrow window */
	struct buf text;
	int top, page;
	char visit_id[UUID_LEN + 1];
	/* signing */
	struct ui_form fm;
	int doc_kind;
	char signer_role[16];
	char signer_name[IN_NAME_MAX + 1];	/* as recorded: the person's name, an id */
	char signer_typed[IN_NAME_MAX + 1];	/* what they type: their own name */
	char action_id[UUID_LEN + 1];	/* the signature is one act (DESIGN.md §4) */
	/* signing by a finger press (F4), when the signer has an enrolled fingerprint */
	struct devices *devs;
	int by_finger;			/* F4 offered */
	int matching;			/* a 1:1 match is under way on the module */
	struct visit_fingerprint fp;	/* the enrolled finger it is matched against */
	char prompt[200];
};

static const char *
view_title(struct screen *s)
{
	return ((struct view *)s)->title;
}

static const char *
view_keys(struct screen *s)
{
	struct view *v = (struct view *)s;
	int rows, cols;

	ui_size(&rows, &cols);
	return v->keys_short[0] != '\0' && text_width(v->keys) > cols ? v->keys_short : v->keys;
}

static void
view_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct view *v = (struct view *)s;
	int form_rows = v->fm.n ? 2 : 0;

	(void)c;
	v->page = h - form_rows - 1;
	ui_text_draw(buf_str(&v->text), &v->top, y, x, h - form_rows, w);
	if (form_rows && v->matching)
		ui_put(y + h - 2, x, w, v->prompt, UI_TITLE, 1);
	if (form_rows)
		form_draw(&v->fm, y + h - 1, x, 1, w);
	else
		ui_cursor(-1, 0);
}

static void
finger_cancel(struct view *v)
{
	struct dev_request rq = { .kind = DEV_RQ_CANCEL };

	if (v->matching)
		devices_request(v->devs, CONF_DEV_FINGERPRINT, &rq);
	v->matching = 0;
}

static void
view_free(struct screen *s)
{
	struct view *v = (struct view *)s;

	finger_cancel(v);
	cry_wipe(&v->fp, sizeof v->fp);
	buf_free(&v->text);
	form_free(&v->fm);
	free(v);
}

/* ---- a visit ---- */

/* "Corrected: name, address" under the person line, when the record was corrected. */
static void
corrected_fields(struct view *v, struct console *c)
{
	static struct correction cs[64];
	struct buf names = { NULL, 0, 0 };
	struct errmsg em;
	char label[96];
	size_t i, n = 0;

	if (correct_list(c->in.j, v->visit_id, cs, 64, &n, &em) != CST_OK)
		return;
	for (i = 0; i < n; i++)
		if (correct_first(cs, n, cs[i].field) == &cs[i]) {
			correct_label(cs[i].field, label, sizeof label);
			buf_printf(&names, "%s%s", names.len ? _(", ") : "", label);
		}
	if (names.len)
		buf_printf(&v->text, _("Corrected: %s\n"), buf_str(&names));
	buf_free(&names);
}

/* The person's alerts, open and closed, newest first: level, since, rule, state, who saw. */
static void
visit_alerts(struct view *v, struct console *c)
{
	struct alert_list l = { NULL, 0, 0 };
	char since[WHEN_ISO_MAX], msg[ERRMSG_MAX], state[160];
	size_t i;

	if (alert_of_visit(c->in.j, v->visit_id, VIEW_ALERTS_MAX, &l, NULL) != CST_OK ||
	    l.n == 0) {
		alert_list_free(&l);
		return;
	}
	buf_printf(&v->text, "%s\n", _("Alerts:"));
	for (i = 0; i < l.n; i++) {
		const struct alert *a = &l.v[i];

		when_format_minute(a->raised_ts, since);
		if (a->cleared_ts != 0)
			snprintf(state, sizeof state, "%s", _("closed"));
		else
			snprintf(state, sizeof state, "%s", _("open"));
		if (a->ack_by[0] != '\0') {
			size_t len = strlen(state);

			/* TRANSLATORS: after "open" or "closed" on a visit's list of alerts. */
			snprintf(state + len, sizeof state - len, _(", acknowledged by %s"), a->ack_by);
		}
		buf_printf(&v->text, "  %s  %s  %s  (%s)\n", alert_level_label(a->level), since,
		    alert_message(a, msg, sizeof msg), state);
	}
	alert_list_free(&l);
}

static void
visit_load(struct view *v, struct console *c)
{
	struct visit vi;
	struct errmsg em;
	char line[512], steps[200], digits[32];
	const char *p;
	size_t n;

	buf_free(&v->text);
	if (visit_get(c->in.j, v->visit_id, &vi, &em) != CST_OK) {
		buf_add(&v->text, em.text);
		return;
	}
	form_screen_person(&vi, line, sizeof line);
	buf_printf(&v->text, "%s\n", line);
	corrected_fields(v, c);
	visit_alerts(v, c);
	buf_add(&v->text, "\n");
	if (doc_export_text(c->in.j, v->visit_id, &v->text, &em) != CST_OK)
		buf_add(&v->text, em.text);
	snprintf(v->title, sizeof v->title, _("Visit of %s"), vi.name);
	screen_step_keys(c->room, 0, steps, sizeof steps);
	snprintf(v->keys, sizeof v->keys, _("%sE correct  PgUp/PgDn scroll  Esc back"), steps);
	/* At 80 columns the steps' names do not fit: their digits then (F1 on home names them). */
	for (p = screen_room_steps(c->room), n = 0; *p && n + 2 < sizeof digits; p++)
		if (*p != '1') {
			digits[n++] = *p;
			digits[n++] = ' ';
		}
	digits[n > 0 ? n - 1 : 0] = '\0';
	snprintf(v->keys_short, sizeof v->keys_short, n > 0 ? _("Steps %s  E correct  PgUp/PgDn scroll  "
	    "Esc back") : "%sE correct  PgUp/PgDn scroll  Esc back", digits);
}

static enum ui_result
visit_key(struct screen *s, struct console *c, int key)
{
	struct view *v = (struct view *)s;

	if (ui_text_key(&v->top, v->page, key) == UI_HANDLED)
		return UI_HANDLED;
	if (key == 'E' || key == 'e') {
		struct screen *s2 = screen_correct_new(c, v->visit_id);

		if (s2 != NULL)
			console_push(c, s2);
		return UI_HANDLED;
	}
	if (!UI_IS_FN(key) && key != '1' && screen_step_open(c, key, v->visit_id))
		return UI_HANDLED;
	return UI_UNHANDLED;
}

static void
visit_resume(struct screen *s, struct console *c)
{
	visit_load((struct view *)s, c);
}

static const struct screen_ops visit_ops = {
	.title = view_title, .keys = view_keys, .draw = view_draw, .key = visit_key,
	.resume = visit_resume, .free = view_free,
};

struct screen *
screen_visit_new(struct console *c, const char *visit)
{
	struct view *v = xcalloc(1, sizeof *v);

	v->base.ops = &visit_ops;
	snprintf(v->visit_id, sizeof v->visit_id, "%s", visit);
	visit_load(v, c);
	return &v->base;
}

int
screen_shows_visit(const struct screen *s, const char *visit)
{
	return s->ops == &visit_ops && strcmp(((const struct view *)s)->visit_id, visit) == 0;
}

/* ---- help ---- */

static enum ui_result
help_key(struct screen *s, struct console *c, int key)
{
	struct view *v = (struct view *)s;

	if (ui_text_key(&v->top, v->page, key) == UI_HANDLED)
		return UI_HANDLED;
	if (key == UI_KEY_ESC || key == UI_KEY_ENTER || key == ui_key_f(1)) {
		console_close(c, s);
		return UI_HANDLED;
	}
	return UI_UNHANDLED;
}

static const struct screen_ops help_ops = {
	.title = view_title, .keys = view_keys, .draw = view_draw, .key = help_key,
	.free = view_free,
};

struct screen *
screen_help_new(struct console *c, const char *topic, const char *text)
{
	struct view *v = xcalloc(1, sizeof *v);

	(void)c;
	v->base.ops = &help_ops;
	snprintf(v->title, sizeof v->title, _("Help: %s"), topic);
	buf_printf(&v->text, "%s\n\n%s", text, _("Keys on every screen: Tab / Shift-Tab move "
	    "between fields, Enter accepts, Esc goes back, F1 help, F2 saves, F10 leaves (logs "
	    "out). In a choice field, Left/Right step through the choices, or type part of "
	    "one."));
	snprintf(v->keys, sizeof v->keys, "%s", _("Esc back  PgUp/PgDn scroll"));
	return &v->base;
}

/* ---- signing ---- */

static void
sign(struct view *v, struct console *c)
{
	char typed[IN_NAME_MAX + 1];
	struct intake in = intake_for(&c->in, v->action_id);
	struct intake_error e;

	form_get(&v->fm, "confirm", typed, sizeof typed);
	if (strcmp(typed, v->signer_typed) != 0) {
		form_error(&v->fm, "confirm", _("the signer types their own name to sign"));
		return;
	}
	if (intake_sign(&in, v->visit_id, doc_key((enum doc_kind)v->doc_kind), v->signer_role,
	    v->signer_name, "typed", buf_str(&v->text), NULL, &e) != CST_OK) {
		screen_show_error(c, &v->fm, &e);
		return;
	}
	screen_done(c, &e, _("%s signed the %s."), v->signer_typed,
	    doc_title((enum doc_kind)v->doc_kind));
	console_close(c, &v->base);
}

static void
signed_ok(struct view *v, struct console *c, const struct intake_error *e)
{
	screen_done(c, e, _("%s signed the %s."), v->signer_typed,
	    doc_title((enum doc_kind)v->doc_kind));
	console_close(c, &v->base);
}

/* F4: the enrolled template goes to the module, which matches the next press against it. */
static void
finger_start(struct view *v, struct console *c)
{
	unsigned char tpl[BIO_TPL_MAX];
	struct dev_request rq = { .kind = DEV_RQ_FP_MATCH };
	struct errmsg em;
	struct biokey k;
	size_t n = 0;
	int status;

	form_clear_errors(&v->fm);
	if (v->matching)
		return;
	if ((status = console_finger_ready(c, &em)) == CST_OK &&
	    (status = biokey_load(c->t->dir, 0, &k, &em)) == CST_OK) {
		status = bio_open(&k, v->fp.key_id, v->visit_id, v->fp.finger, v->fp.sealed,
		    v->fp.sealed_len, tpl, &n, &em);
		biokey_wipe(&k);
	}
	if (status == CST_OK) {
		rq.tpl = tpl;
		rq.tpl_len = n;
		if (devices_request(c->devs, CONF_DEV_FINGERPRINT, &rq) != 0)
			status = err_set(&em, CST_ERR_BUSY, "%s", _("the fingerprint module is busy; "
			    "try again"));
	}
	cry_wipe(tpl, sizeof tpl);	/* the driver keeps its own copy until it is sent */
	if (status != CST_OK) {
		form_error(&v->fm, "confirm", em.text);
		return;
	}
	v->matching = 1;
	snprintf(v->prompt, sizeof v->prompt, _("%s: press the %s on the sensor (Esc stops)."),
	    v->signer_name, bio_finger_label(v->fp.finger));
}

static void
finger_matched(struct view *v, struct console *c, int score)
{
	struct intake in = intake_for(&c->in, v->action_id);
	struct sign_match m;
	struct intake_error e;

	memset(&m, 0, sizeof m);
	snprintf(m.finger, sizeof m.finger, "%s", v->fp.finger);
	m.score = score;
	snprintf(m.enrolled_terminal, sizeof m.enrolled_terminal, "%s", v->fp.terminal);
	m.enrolled_seq = v->fp.seq;
	if (intake_sign(&in, v->visit_id, doc_key((enum doc_kind)v->doc_kind), v->signer_role,
	    v->signer_name, "fingerprint", buf_str(&v->text), &m, &e) != CST_OK) {
		screen_show_error(c, &v->fm, &e);
		return;
	}
	signed_ok(v, c, &e);
}

static int
sign_device(struct screen *s, struct console *c, int dev, const struct dev_event *ev)
{
	struct view *v = (struct view *)s;
	const struct dev_finger *f = &ev->finger;

	if (dev != CONF_DEV_FINGERPRINT || ev->kind != DEV_FINGER || !v->matching)
		return 0;
	switch (f->what) {
	case FP_LIFT:
		snprintf(v->prompt, sizeof v->prompt, _("%s: lift the finger from the sensor, then "
		    "press the %s (Esc stops)."), v->signer_name, bio_finger_label(v->fp.finger));
		return 1;
	case FP_PLACE:
		snprintf(v->prompt, sizeof v->prompt, _("%s: press the %s on the sensor (Esc "
		    "stops)."), v->signer_name, bio_finger_label(v->fp.finger));
		return 1;
	case FP_MATCH:
		v->matching = 0;
		finger_matched(v, c, f->score);
		return 1;
	case FP_NO_MATCH:
		v->matching = 0;
		form_error(&v->fm, "confirm", _("no match"));
		console_say(c, UI_ERROR, _("This finger does not match the %s enrolled for %s "
		    "(score %d); F4 to try again."), bio_finger_label(v->fp.finger), v->signer_name,
		    f->score);
		return 1;
	case FP_FAILED:
		v->matching = 0;
		form_error(&v->fm, "confirm", console_finger_failure(f->code));
		return 1;
	default:
		return 0;
	}
}

static enum ui_result
sign_key(struct screen *s, struct console *c, int key)
{
	struct view *v = (struct view *)s;
	enum ui_result r;

	if (key == ui_key_f(4) && v->by_finger) {
		finger_start(v, c);
		return UI_HANDLED;
	}
	if (key == UI_KEY_ESC && v->matching) {
		finger_cancel(v);
		console_say(c, UI_NORMAL, "%s", _("Fingerprint signing stopped."));
		return UI_HANDLED;
	}

	if (key == UI_KEY_PGUP || key == UI_KEY_PGDN || key == UI_KEY_UP || key == UI_KEY_DOWN)
		return ui_text_key(&v->top, v->page, key);
	r = form_key(&v->fm, key);
	if (r == UI_SUBMIT) {
		form_clear_errors(&v->fm);
		sign(v, c);
		return UI_HANDLED;
	}
	return r;
}

static const struct screen_ops sign_ops = {
	.title = view_title, .keys = view_keys, .draw = view_draw, .key = sign_key,
	.free = view_free, .device = sign_device,
};

/* A person with an enrolled fingerprint, at a terminal with a module, may sign by finger. */
static void
offer_finger(struct view *v, struct console *c)
{
	struct visit_fingerprint *fp = xcalloc(BIO_FINGERS, sizeof *fp);
	struct errmsg em;
	size_t n = 0;

	if (strcmp(v->signer_role, "person") == 0 &&
	    devices_state(c->devs, CONF_DEV_FINGERPRINT) != LINE_ABSENT &&
	    visit_fingerprints(c->in.j, v->visit_id, fp, BIO_FINGERS, &n, &em) == CST_OK && n > 0) {
		v->fp = fp[0];	/* the best quality */
		v->by_finger = 1;
	}
	cry_wipe(fp, BIO_FINGERS * sizeof *fp);
	free(fp);
}

struct screen *
screen_sign_new(struct console *c, const char *visit, int doc_kind, const char *signer_role,
    const char *signer_name)
{
	struct view *v = xcalloc(1, sizeof *v);
	char shown[OFFICER_SHOWN_MAX];
	struct errmsg em;

	v->base.ops = &sign_ops;
	uuid_new(v->action_id);
	snprintf(v->visit_id, sizeof v->visit_id, "%s", visit);
	v->doc_kind = doc_kind;
	snprintf(v->signer_role, sizeof v->signer_role, "%s", signer_role);
	snprintf(v->signer_name, sizeof v->signer_name, "%s", signer_name);
	/* An officer or operator signs with their name, not their number or login. */
	if (strcmp(signer_role, "person") == 0)
		snprintf(v->signer_typed, sizeof v->signer_typed, "%s", signer_name);
	else
		person_name_of(c->in.j, signer_name, v->signer_typed, sizeof v->signer_typed);
	if (strcmp(signer_role, "person") == 0)
		snprintf(shown, sizeof shown, "%s", signer_name);
	else
		person_shown(c->in.j, signer_name, shown, sizeof shown);
	if (doc_render(c->in.j, visit, (enum doc_kind)doc_kind, &v->text, &em) != CST_OK)
		buf_add(&v->text, em.text);
	snprintf(v->title, sizeof v->title, _("Sign: %s (%s)"), doc_title((enum doc_kind)doc_kind),
	    shown);
	v->devs = c->devs;
	offer_finger(v, c);
	snprintf(v->keys, sizeof v->keys, "%s", v->by_finger ?
	    _("F2/Enter sign  F4 sign by fingerprint  PgUp/PgDn read  Esc not now") :
	    _("F2/Enter sign  PgUp/PgDn read  Esc not now"));
	form_init(&v->fm);
	form_text(&v->fm, "confirm", _("Signer types own name"), 32, IN_NAME_MAX);
	return &v->base;
}

/*
 * One item of case property: its record, its QR code in half blocks, its chain of custody,
 * and the movements, each a dialog where both sides of the handover sign.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "form-screen.h"
#include "i18n.h"
#include "property-doc.h"
#include "property.h"
#include "qr-render.h"
#include "text.h"
#include "when.h"
#include "xmalloc.h"

enum act { ACT_P_STORE, ACT_P_MOVE, ACT_P_CHECK_OUT, ACT_P_RETURN, ACT_P_TRANSFER,
    ACT_P_RELEASE, ACT_P_DISPOSE, ACT_P_COUNT };

/* The key, the dialog's title, and the line said when it is done. */
static const struct {
	int key;
	const char *title, *done;
} acts[ACT_P_COUNT] = {
	{ 's', N_("Store the item"), N_("%s stored.") },
	{ 'm', N_("Move the item"), N_("%s moved.") },
	{ 'o', N_("Check the item out"), N_("%s checked out.") },
	{ 'r', N_("Return the item to storage"), N_("%s returned to storage.") },
	{ 't', N_("Transfer the item"), N_("%s transferred.") },
	{ 'w', N_("Return the item to its owner"), N_("%s returned to its owner.") },
	{ 'd', N_("Dispose of the item"), N_("%s disposed of.") },
};

struct item_screen {
	struct screen base;
	char id[UUID_LEN + 1];
	struct prop_item it;
	struct qr_lines qr;
	int have_qr;
	char *history;
	int top, page;
	int pending;		/* the act of the open dialog */
	char action_id[UUID_LEN + 1];	/* its id, made when the dialog opens */
	char title[PROP_CODE_MAX + 32];
	int reading;			/* the UHF reader is on for the tag dialog */
	char last_tag[PROP_TAG_MAX + 1];	/* the last tag it put in the dialog */
};

#define DETAIL_MAX (PROP_HOLDER_MAX + 128)

static const char *purposes[4], *units[2], *methods[3], *yesno[2];

static const char *const *
labels(const char *const *keys, int n, const char **out)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = prop_label(keys[i]);
	return out;
}

static void
item_load(struct item_screen *is, struct console *c)
{
	struct buf b = { 0 };
	struct errmsg em;
	struct qr *q;

	if (prop_item_get(c->in.j, is->id, &is->it, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		return;
	}
	snprintf(is->title, sizeof is->title, _("Item %s"), is->it.code);
	if (!is->have_qr && qr_encode(is->it.code, &q, &em) == CST_OK) {
		qr_render(q, 0, &is->qr);
		qr_free(q);
		is->have_qr = 1;
	}
	free(is->history);
	is->history = NULL;
	if (prop_doc_item(c->in.j, is->id, PROP_DOC_TEXT, &b, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	is->history = xstrdup(buf_str(&b));
	is->top = INT_MAX;	/* the latest steps: drawing clamps it to the last page */
	buf_free(&b);
}

static const char *
item_title(struct screen *s)
{
	return ((struct item_screen *)s)->title;
}

static const char *
item_keys(struct screen *s)
{
	const char *st = ((struct item_screen *)s)->it.status;

	/* The acts the item's state allows, so that the line fits 80 columns (every key
	 * still works, and says why not when it cannot). */
	if (strcmp(st, "registered") == 0)
		return _("S store  T transfer  W owner  A approve  D dispose  G tag  P label  "
		    "X export  F1 help");
	if (strcmp(st, "stored") == 0)
		return _("M move  O out  T transfer  W owner  A approve  D dispose  G tag  P label  "
		    "X export  F1 help");
	if (strcmp(st, "checked_out") == 0)
		return _("R return  G tag  P label  X export  F1 help");
	return _("P label  X export  F1 help");
}

/* The record, one "label: value" a line, beside the code. */
static int
item_details(const struct prop_item *it, char lines[][DETAIL_MAX], int max)
{
	char due[WHEN_ISO_MAX];
	int n = 0;

#define LINE(...) do { if (n < max) snprintf(lines[n++], DETAIL_MAX, __VA_ARGS__); } \
	while (0)
	LINE("%s %s", _("Code:"), it->code);
	LINE("%s %s", _("Case:"), it->case_number);
	LINE("%s %s", _("Category:"), prop_label(it->category));
	LINE("%s %s", _("Description:"), it->description);
	LINE("%s %s %s", _("Quantity:"), it->quantity, it->unit);
	LINE("%s %lld.%02lld", _("Value (yuan):"), (long long)(it->value_fen / 100),
	    (long long)(it->value_fen % 100));
	LINE("%s %s", _("Seized from:"), it->seized_from);
	LINE("%s %s", _("Tag:"), it->tag[0] ? it->tag : "-");
	LINE("%s %s", _("Status:"), prop_label(it->status));
	if (it->location[0])
		LINE("%s %s", _("Location:"), it->location);
	if (it->holder[0])
		LINE("%s %s", _("Held by:"), it->holder);
	if (it->due_ts) {
		when_format_minute(it->due_ts, due);
		LINE("%s %s (%s)", _("Due back:"), due, prop_label(it->purpose));
	}
	if (it->approved[0])
		LINE("%s %s (%s)", _("Disposal approved:"), prop_label(it->approved),
		    it->approved_by);
#undef LINE
	return n;
}

static void
item_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct item_screen *is = (struct item_screen *)s;
	char lines[14][DETAIL_MAX];
	int n, i, dx = 0, used;

	(void)c;
	n = item_details(&is->it, lines, 14);
	/* The code only where it fits whole: a cut code does not scan. */
	if (is->have_qr && is->qr.cols + 30 <= w && is->qr.count + 4 <= h) {
		for (i = 0; i < is->qr.count; i++)
			ui_put(y + i, x, is->qr.cols, is->qr.line[i], UI_NORMAL, 0);
		dx = is->qr.cols + 2;
	}
	for (i = 0; i < n && i < h; i++)
		ui_put(y + i, x + dx, w - dx, lines[i], i == 0 ? UI_TITLE : UI_NORMAL, 0);
	used = n;
	if (dx && is->qr.count > used)
		used = is->qr.count;
	used++;
	if (h - used < 2)
		return;
	ui_hline(y + used - 1, x, w, UI_DIM);
	is->page = h - used;
	ui_text_draw(is->history ? is->history : "", &is->top, y + used, x, h - used, w);
}

/* ---- the two sides of a handover ---- */

/* The fields of one side: operator id, password; or an outsider's name, unit, ID number
 * and their confirmation. */
enum { PF_ID, PF_PASSWORD, PF_NAME, PF_UNIT, PF_IDNO, PF_CONFIRMED, PF_COUNT };
static const char *const party_keys[2][PF_COUNT] = {
	{ "giver", "giver_password", "giver_name", "giver_unit", "giver_idno",
	    "giver_confirmed" },
	{ "receiver", "receiver_password", "receiver_name", "receiver_unit", "receiver_idno",
	    "receiver_confirmed" },
};

static void
party_fields(struct ui_form *fm, int side, const char *who, const char *op_id)
{
	const char *const *k = party_keys[side];

	form_text(fm, k[PF_ID], who, EV_MAX_ID, EV_MAX_ID)->allowed = CODE_CHARS;
	form_secret(fm, k[PF_PASSWORD], _("  password"), OP_PASSWORD_MAX);
	form_text(fm, k[PF_NAME], _("  or an outsider's name"), 30, IN_NAME_MAX);
	form_text(fm, k[PF_UNIT], _("  unit"), 60, IN_TEXT_MAX);
	form_text(fm, k[PF_IDNO], _("  ID number"), IN_SHORT_MAX, IN_SHORT_MAX)->allowed =
	    "0123456789Xx-";
	form_choice(fm, k[PF_CONFIRMED], _("  confirms at the terminal"), yesno, 2);
	if (op_id != NULL)
		form_set(fm, k[PF_ID], op_id);
}

/* An operator when the id is given, else the outsider named under it. */
static void
party_get(struct ui_form *fm, int side, struct prop_party *p)
{
	const char *const *k = party_keys[side];

	memset(p, 0, sizeof *p);
	form_get(fm, k[PF_ID], p->id, sizeof p->id);
	if (p->id[0] != '\0') {
		form_get(fm, k[PF_PASSWORD], p->password, sizeof p->password);
		return;
	}
	p->external = 1;
	form_get(fm, k[PF_NAME], p->name, sizeof p->name);
	form_get(fm, k[PF_UNIT], p->unit, sizeof p->unit);
	form_get(fm, k[PF_IDNO], p->id_number, sizeof p->id_number);
	p->confirmed = form_choice_of(fm, k[PF_CONFIRMED]) == 1;
}

static int
run_act(struct item_screen *is, struct console *c, struct ui_form *fm,
    const struct prop_party *g, const struct prop_party *r, struct intake_error *e)
{
	char loc[PROP_LOC_MAX + 1], note[IN_TEXT_MAX + 1], name[IN_TEXT_MAX + 1];
	struct intake in = intake_for(&c->in, is->action_id);
	int i;
	int64_t due;

	form_get(fm, "location", loc, sizeof loc);
	switch (is->pending) {
	case ACT_P_STORE:
		return property_store(&in, is->id, loc, g, r, e);
	case ACT_P_MOVE:
		return property_move(&in, is->id, loc, g, r, e);
	case ACT_P_RETURN:
		return property_return(&in, is->id, loc, g, r, e);
	case ACT_P_CHECK_OUT:
		if (!form_screen_time(fm, "due", &due))
			return CST_ERR_ARG;
		form_get(fm, "note", note, sizeof note);
		i = form_choice_of(fm, "purpose");
		return property_check_out(&in, is->id, i < 0 ? "" : prop_purpose_keys[i], due,
		    note, g, r, e);
	case ACT_P_TRANSFER:
		form_get(fm, "unit_name", name, sizeof name);
		i = form_choice_of(fm, "unit");
		return property_transfer(&in, is->id, i < 0 ? "" : prop_unit_keys[i], name, g,
		    r, e);
	case ACT_P_RELEASE:
		return property_release(&in, is->id, g, r, e);
	default:
		i = form_choice_of(fm, "method");
		return property_dispose(&in, is->id, i < 0 ? "" : prop_disposal_keys[i], g, r,
		    e);
	}
}

static int
handover_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct item_screen *is = arg;
	struct prop_party g, r;
	struct intake_error e;
	int rc;

	memset(&e, 0, sizeof e);
	party_get(fm, 0, &g);
	party_get(fm, 1, &r);
	rc = run_act(is, c, fm, &g, &r, &e);
	memset(&g, 0, sizeof g);	/* the passwords */
	memset(&r, 0, sizeof r);
	if (rc != CST_OK) {
		if (e.em.text[0])
			screen_show_error(c, fm, &e);
		return 1;
	}
	screen_done(c, &e, _(acts[is->pending].done), is->it.code);
	return 0;
}

static void
open_handover(struct item_screen *is, struct console *c, int act)
{
	char later[WHEN_ISO_MAX];
	struct ui_form fm;
	int keeper_gives = act != ACT_P_STORE && act != ACT_P_RETURN, i;

	is->pending = act;
	uuid_new(is->action_id);
	form_init(&fm);
	switch (act) {
	case ACT_P_STORE: case ACT_P_MOVE: case ACT_P_RETURN:
		form_text(&fm, "location", _("Location"), PROP_LOC_MAX, PROP_LOC_MAX)->allowed =
		    CODE_CHARS "/";
		if (act == ACT_P_RETURN && is->it.location[0] == '\0')
			break;
		form_set(&fm, "location", act == ACT_P_MOVE ? "" : is->it.location);
		break;
	case ACT_P_CHECK_OUT:
		form_choice(&fm, "purpose", _("Purpose"), labels(prop_purpose_keys, 4, purposes),
		    4);
		form_text(&fm, "due", _("Back by"), 16, 16)->allowed = "0123456789-: ";
		when_format_minute(clock_now_ms() + 7 * 86400000LL, later);
		form_set(&fm, "due", later);
		form_text(&fm, "note", _("Note"), 100, IN_TEXT_MAX);
		break;
	case ACT_P_TRANSFER:
		form_choice(&fm, "unit", _("To"), labels(prop_unit_keys, 2, units), 2);
		form_text(&fm, "unit_name", _("Receiving unit"), 60, IN_TEXT_MAX);
		break;
	case ACT_P_DISPOSE:
		form_choice(&fm, "method", _("Method"), labels(prop_disposal_keys, 3, methods),
		    3);
		for (i = 0; i < 3; i++)	/* the method approved, when there is one */
			if (strcmp(is->it.approved, prop_disposal_keys[i]) == 0)
				form_set_choice(&fm, "method", i);
		break;
	}
	/* The keeper at the terminal is prefilled on the room's side; they still sign. */
	party_fields(&fm, 0, _("Handed over by (operator)"),
	    keeper_gives ? c->op.id : NULL);
	party_fields(&fm, 1, _("Received by (operator)"),
	    keeper_gives ? NULL : c->op.id);
	form_focus(&fm, act == ACT_P_RELEASE ? "giver_password" : fm.f[0].key);
	console_push(c, dialog_form_new(_(acts[act].title), &fm, handover_ok, is));
}

/* ---- disposal approval, tag ---- */

static int
approve_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct item_screen *is = arg;
	char sup[EV_MAX_ID + 1], pw[OP_PASSWORD_MAX + 1], reason[IN_TEXT_MAX + 1];
	int m = form_choice_of(fm, "method");
	struct intake in = intake_for(&c->in, is->action_id);
	struct intake_error e;
	int rc;

	form_get(fm, "supervisor", sup, sizeof sup);
	form_get(fm, "password", pw, sizeof pw);
	form_get(fm, "reason", reason, sizeof reason);
	rc = property_approve_disposal(&in, is->id, m < 0 ? "" : prop_disposal_keys[m], sup,
	    pw, reason, &e);
	memset(pw, 0, sizeof pw);
	if (rc != CST_OK) {
		screen_show_error(c, fm, &e);
		return 1;
	}
	screen_done(c, &e, _("Disposal of %s approved by %s."), is->it.code, sup);
	return 0;
}

static int
tag_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct item_screen *is = arg;
	char tag[PROP_TAG_MAX + 1];
	struct intake in = intake_for(&c->in, is->action_id);
	struct intake_error e;

	form_get(fm, "tag", tag, sizeof tag);
	if (property_tag(&in, is->id, tag, &e) != CST_OK) {
		screen_show_error(c, fm, &e);
		return 1;
	}
	screen_done(c, &e, _("Tag %s bound to %s."), tag, is->it.code);
	return 0;
}

static int
tag_device(void *arg, struct console *c, struct ui_form *fm, const struct dev_event *ev)
{
	struct item_screen *is = arg;

	return property_tag_read(c, fm, ev, is->last_tag, sizeof is->last_tag);
}

static void
open_simple(struct item_screen *is, struct console *c, int approve)
{
	struct ui_form fm;
	struct screen *d;

	uuid_new(is->action_id);
	form_init(&fm);
	if (approve) {
		form_choice(&fm, "method", _("Method"), labels(prop_disposal_keys, 3, methods),
		    3);
		form_text(&fm, "supervisor", _("Supervisor"), EV_MAX_ID, EV_MAX_ID)->allowed =
		    CODE_CHARS;
		form_secret(&fm, "password", _("Password"), OP_PASSWORD_MAX);
		form_text(&fm, "reason", _("Reason"), 100, IN_TEXT_MAX);
		console_push(c, dialog_form_new(_("Approve the disposal"), &fm, approve_ok, is));
		return;
	}
	form_text(&fm, "tag", _("RFID tag"), PROP_TAG_MAX, PROP_TAG_MAX)->allowed =
	    "0123456789abcdefABCDEF";
	d = dialog_form_new(_("Bind a tag"), &fm, tag_ok, is);
	dialog_form_on_device(d, tag_device);
	console_push(c, d);
	is->last_tag[0] = '\0';
	is->reading = 1;
	property_tag_reader(c, 1);
}

static enum ui_result
item_key(struct screen *s, struct console *c, int key)
{
	struct item_screen *is = (struct item_screen *)s;
	int k = key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key, i;

	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, is->title, _("The item's record, its code and "
		    "its chain of custody (Up, Down, PgUp, PgDn scroll it). Every movement is a "
		    "handover signed by both sides: an operator with their password, or a person "
		    "from outside named with their unit and ID number who confirms at the "
		    "terminal. Disposal needs a supervisor's approval first (A). P writes the "
		    "label (SVG and PNG), X the chain of custody (text, HTML, CSV), into the "
		    "exports folder.")));
		return UI_HANDLED;
	}
	if (UI_IS_FN(key) && key != UI_KEY_UP && key != UI_KEY_DOWN && key != UI_KEY_PGUP &&
	    key != UI_KEY_PGDN && key != UI_KEY_HOME)
		return UI_UNHANDLED;
	for (i = 0; i < ACT_P_COUNT; i++)
		if (k == acts[i].key) {
			open_handover(is, c, i);
			return UI_HANDLED;
		}
	switch (k) {
	case 'a': open_simple(is, c, 1); return UI_HANDLED;
	case 'g': open_simple(is, c, 0); return UI_HANDLED;
	case 'p': screen_property_label(c, is->id, NULL); return UI_HANDLED;
	case 'x': screen_property_history_export(c, is->id, NULL); return UI_HANDLED;
	}
	return ui_text_key(&is->top, is->page, key);
}

static void
item_resume(struct screen *s, struct console *c)
{
	struct item_screen *is = (struct item_screen *)s;

	if (is->reading) {	/* the tag dialog closed */
		property_tag_reader(c, 0);
		is->reading = 0;
	}
	item_load(is, c);
}

static void
item_free(struct screen *s)
{
	struct item_screen *is = (struct item_screen *)s;

	if (is->have_qr)
		qr_lines_free(&is->qr);
	free(is->history);
	free(is);
}

static const struct screen_ops item_ops = {
	.title = item_title, .keys = item_keys, .draw = item_draw, .key = item_key,
	.resume = item_resume, .free = item_free,
};

struct screen *
screen_property_item_new(struct console *c, const char *item)
{
	struct item_screen *is = xcalloc(1, sizeof *is);
	struct errmsg em;

	yesno[0] = _("no");
	yesno[1] = _("yes");
	is->base.ops = &item_ops;
	snprintf(is->id, sizeof is->id, "%s", item);
	if (prop_item_get(c->in.j, item, &is->it, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		free(is);
		return NULL;
	}
	item_load(is, c);
	return &is->base;
}

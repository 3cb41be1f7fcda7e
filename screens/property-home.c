/*
 * The property room's first screen: its locations with how many items each holds, the
 * items of one location or case, search by code, case number or tag, and the alerts line.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "form-screen.h"
#include "i18n.h"
#include "property.h"
#include "visit.h"
#include "xmalloc.h"

struct phome {
	struct screen base;
	int items_mode;			/* 0: locations, 1: the items of scope */
	struct prop_location *locs;
	size_t nlocs;
	struct prop_item_list items;
	char scope[IN_SHORT_MAX + 64];	/* what the item list shows */
	char case_number[IN_SHORT_MAX + 1];	/* set when it is a case's items */
	struct ui_table loc_table, item_table;
	char alerts[ERRMSG_MAX];
	enum ui_style alert_style;
	char action_id[UUID_LEN + 1];	/* the open dialog's act, made when it opens */
};

static void
loc_cell(void *arg, int row, int col, char *buf, size_t size)
{
	const struct prop_location *l = &((struct phome *)arg)->locs[row];

	switch (col) {
	case 0: snprintf(buf, size, "%s", l->code); break;
	case 1: snprintf(buf, size, "%lld", (long long)l->items); break;
	case 2: snprintf(buf, size, "%s", l->note); break;
	}
}

static void
item_cell(void *arg, int row, int col, char *buf, size_t size)
{
	const struct prop_item *it = &((struct phome *)arg)->items.v[row];

	switch (col) {
	case 0: snprintf(buf, size, "%s", it->code); break;
	case 1: snprintf(buf, size, "%s", prop_label(it->category)); break;
	case 2: snprintf(buf, size, "%s", it->description); break;
	case 3: snprintf(buf, size, "%s", prop_label(it->status)); break;
	case 4: snprintf(buf, size, "%s", it->location[0] ? it->location : it->holder); break;
	}
}

static enum ui_style
item_style(void *arg, int row)
{
	const struct prop_item *it = &((struct phome *)arg)->items.v[row];

	return strcmp(it->status, "checked_out") == 0 ? UI_WARN :
	    prop_status_final(it->status) ? UI_DIM : UI_NORMAL;
}

static void
load_alerts(struct phome *h, struct console *c)
{
	struct prop_alert_list o = { 0 }, held = { 0 }, mis = { 0 };
	struct errmsg em;

	if (prop_alerts_overdue(c->in.j, clock_now_ms(), c->cfg.checkout_grace_ms, &o, &em) ||
	    prop_alerts_overheld(c->in.j, clock_now_ms(), c->cfg.hold_days, &held, &em) ||
	    prop_alerts_misplaced(c->in.j, &mis, &em)) {
		snprintf(h->alerts, sizeof h->alerts, "%s", em.text);
		h->alert_style = UI_ERROR;
	} else {
		snprintf(h->alerts, sizeof h->alerts, _("Alerts: %zu overdue, %zu held too long, "
		    "%zu misplaced"), o.n, held.n, mis.n);
		h->alert_style = o.n + held.n + mis.n ? UI_WARN : UI_DIM;
	}
	prop_alert_list_free(&o);
	prop_alert_list_free(&held);
	prop_alert_list_free(&mis);
}

static void
load_locations(struct phome *h, struct console *c)
{
	struct errmsg em;

	free(h->locs);
	h->locs = NULL;
	h->nlocs = 0;
	if (prop_locations(c->in.j, &h->locs, &h->nlocs, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	table_set_rows(&h->loc_table, (int)h->nlocs);
}

/* The items list again: a location's or a case's, as it was chosen. */
static void
load_items(struct phome *h, struct console *c, const char *location)
{
	struct errmsg em;
	int rc;

	prop_item_list_free(&h->items);
	rc = location ? prop_items_at(c->in.j, location, &h->items, &em) :
	    prop_items_by_case(c->in.j, h->case_number, &h->items, &em);
	if (rc != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	table_set_rows(&h->item_table, (int)h->items.n);
}

static void
show_location(struct phome *h, struct console *c, const char *code)
{
	h->case_number[0] = '\0';
	snprintf(h->scope, sizeof h->scope, "%s", code);
	load_items(h, c, code);
	h->items_mode = 1;
}

static void
show_case(struct phome *h, struct console *c, const char *case_number)
{
	snprintf(h->case_number, sizeof h->case_number, "%s", case_number);
	snprintf(h->scope, sizeof h->scope, _("case %s"), case_number);
	load_items(h, c, NULL);
	h->items_mode = 1;
}

static const char *
phome_title(struct screen *s)
{
	(void)s;
	return _("Property room");
}

static const char *
phome_keys(struct screen *s)
{
	return ((struct phome *)s)->items_mode ?
	    _("Enter open  N register  P case label  X history  / find  Esc locations  "
	    "F10 log out") :
	    _("Enter open  N register  V intake  C location  I inventory  / find  F1 help  "
	    "F10 log out");
}

static void
phome_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct phome *hm = (struct phome *)s;
	char line[256];

	(void)c;
	ui_put(y, x, w, hm->alerts, hm->alert_style, 0);
	if (hm->items_mode) {
		snprintf(line, sizeof line, _("%zu items: %s"), hm->items.n, hm->scope);
		ui_put(y + 1, x, w, line, UI_LABEL, 0);
		table_draw(&hm->item_table, y + 2, x, h - 2, w);
	} else {
		snprintf(line, sizeof line, _("%zu locations"), hm->nlocs);
		ui_put(y + 1, x, w, line, UI_LABEL, 0);
		table_draw(&hm->loc_table, y + 2, x, h - 2, w);
	}
}

/* ---- dialogs: find, new location, inventory ---- */

static int
find_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct phome *h = arg;
	char q[IN_SHORT_MAX + 1], tag[PROP_TAG_MAX + 1];
	struct prop_item it;
	struct errmsg em;

	form_get(fm, "q", q, sizeof q);
	if (q[0] == '\0') {
		form_error(fm, "q", _("required"));
		return 1;
	}
	if (prop_item_by_code(c->in.j, q, &it, &em) == CST_OK ||
	    (property_tag_normal(q, tag) == 0 &&
	    prop_item_by_tag(c->in.j, tag, &it, &em) == CST_OK)) {
		console_close(c, c->top);
		console_push(c, screen_property_item_new(c, it.id));
		return 0;
	}
	show_case(h, c, q);
	if (h->items.n == 0) {
		h->items_mode = 0;
		form_error(fm, "q", _("no item has this code or tag, and no case this number"));
		return 1;
	}
	return 0;
}

static int
location_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct phome *h = arg;
	char room[PROP_PART_MAX + 1], shelf[PROP_PART_MAX + 1], bin[PROP_PART_MAX + 1];
	char note[IN_TEXT_MAX + 1], code[PROP_LOC_MAX + 1];
	struct intake in = intake_for(&c->in, h->action_id);
	struct intake_error e;

	form_get(fm, "room", room, sizeof room);
	form_get(fm, "shelf", shelf, sizeof shelf);
	form_get(fm, "bin", bin, sizeof bin);
	form_get(fm, "note", note, sizeof note);
	if (property_location_create(&in, room, shelf, bin, note, code, &e) != CST_OK) {
		screen_show_error(c, fm, &e);
		return 1;
	}
	screen_done(c, &e, _("Location %s created."), code);
	load_locations(h, c);
	return 0;
}

static int
inventory_ok(void *arg, struct console *c, struct ui_form *fm)
{
	char loc[PROP_LOC_MAX + 1];
	struct errmsg em;

	(void)arg;
	form_get(fm, "location", loc, sizeof loc);
	if (prop_location_scope(c->in.j, loc, &em) != CST_OK) {
		form_error(fm, "location", em.text);
		return 1;
	}
	console_close(c, c->top);
	console_push(c, screen_property_inventory_new(c, loc));
	return 0;
}

/*
 * What the intake screens sent "to case property" (search items, belongings) becomes items of
 * the visit's case, once: property_import_visit skips what it registered before.
 */
static int
import_ok(void *arg, struct console *c, struct ui_form *fm)
{
	struct phome *h = arg;
	struct visit_list vl = { 0 };
	struct intake in = intake_for(&c->in, h->action_id);
	struct intake_error e;
	char q[IN_SHORT_MAX + 1];
	size_t i, added, total = 0;
	int rc = CST_OK;

	form_get(fm, "q", q, sizeof q);
	if (q[0] == '\0') {
		form_error(fm, "q", _("required"));
		return 1;
	}
	if ((rc = visit_find(c->in.j, q, 50, &vl, &e.em)) != CST_OK || vl.n == 0) {
		form_error(fm, "q", rc != CST_OK ? e.em.text : _("nobody matches"));
		visit_list_free(&vl);
		return 1;
	}
	for (i = 0; i < vl.n && rc == CST_OK; i++) {
		rc = property_import_visit(&in, vl.v[i].id, &added, &e);
		total += rc == CST_OK ? added : 0;
	}
	if (rc != CST_OK)
		console_say(c, UI_ERROR, "%s", e.em.text);
	else
		console_say(c, UI_OK, _("%zu items taken in from %zu visits."), total, vl.n);
	if (rc == CST_OK && vl.v[0].case_number[0])
		show_case(h, c, vl.v[0].case_number);
	visit_list_free(&vl);
	return 0;
}

static void
open_dialog(struct phome *h, struct console *c, int which)
{
	struct ui_form fm;

	uuid_new(h->action_id);
	form_init(&fm);
	switch (which) {
	case 'f':
		form_text(&fm, "q", _("Code, case number or tag"), IN_SHORT_MAX,
		    IN_SHORT_MAX)->allowed = CODE_CHARS "/:";
		console_push(c, dialog_form_new(_("Find an item"), &fm, find_ok, h));
		break;
	case 'v':
		form_text(&fm, "q", _("ID number, band, case number or name"), 30,
		    IN_SHORT_MAX);
		console_push(c, dialog_form_new(_("Take in a visit's case property"), &fm,
		    import_ok, h));
		break;
	case 'c':
		form_text(&fm, "room", _("Room"), PROP_PART_MAX, PROP_PART_MAX)->allowed =
		    CODE_CHARS;
		form_text(&fm, "shelf", _("Shelf"), PROP_PART_MAX, PROP_PART_MAX)->allowed =
		    CODE_CHARS;
		form_text(&fm, "bin", _("Bin"), PROP_PART_MAX, PROP_PART_MAX)->allowed =
		    CODE_CHARS;
		form_text(&fm, "note", _("Note"), 100, IN_TEXT_MAX);
		console_push(c, dialog_form_new(_("New location"), &fm, location_ok, h));
		break;
	default:
		form_text(&fm, "location", _("Location, shelf or room"), PROP_LOC_MAX,
		    PROP_LOC_MAX)->allowed = CODE_CHARS "/";
		if (h->nlocs)
			form_set(&fm, "location", h->locs[h->loc_table.sel].code);
		console_push(c, dialog_form_new(_("Start an inventory"), &fm, inventory_ok, h));
		break;
	}
}

static enum ui_result
phome_key(struct screen *s, struct console *c, int key)
{
	struct phome *h = (struct phome *)s;
	struct ui_table *t = h->items_mode ? &h->item_table : &h->loc_table;
	int k = key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key;

	if (table_key(t, key) == UI_SUBMIT) {
		if (h->items_mode && h->items.n)
			console_push(c, screen_property_item_new(c, h->items.v[t->sel].id));
		else if (!h->items_mode && h->nlocs)
			show_location(h, c, h->locs[t->sel].code);
		return UI_HANDLED;
	}
	if (key == UI_KEY_ESC && h->items_mode) {
		h->items_mode = 0;
		return UI_HANDLED;
	}
	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, _("Property room"), _("The locations "
		    "(room/shelf/bin) and how many items each holds; Enter lists a location's "
		    "items, Enter again opens one. N registers an item, V takes in what the intake "
		    "screens sent to case property from a person's visit, C creates a location, I "
		    "starts an inventory of the chosen location (or of a shelf or room, typed), / "
		    "finds an item by its code or tag, or a case's items by the case number. A tag "
		    "held to a reader opens its item. The alerts line counts overdue check-outs, "
		    "items held past their category's limit and items an inventory found out of "
		    "place.")));
		return UI_HANDLED;
	}
	if (key == ui_key_f(5)) {
		s->ops->resume(s, c);
		return UI_HANDLED;
	}
	if (key == ui_key_f(3) || key == '/') {
		open_dialog(h, c, 'f');
		return UI_HANDLED;
	}
	switch (UI_IS_FN(key) ? 0 : k) {
	case 'n':
		console_push(c, screen_property_register_new(c, h->case_number[0] && h->items_mode ?
		    h->case_number : NULL));
		return UI_HANDLED;
	case 'c': case 'i': case 'v':
		open_dialog(h, c, k);
		return UI_HANDLED;
	case 'p': case 'x':
		if (!h->items_mode || !h->case_number[0])
			console_say(c, UI_ERROR, "%s", _("Find a case first (/ and its number)."));
		else if (k == 'p')
			screen_property_label(c, NULL, h->case_number);
		else
			screen_property_history_export(c, NULL, h->case_number);
		return UI_HANDLED;
	}
	return key == UI_KEY_UP || key == UI_KEY_DOWN ? UI_HANDLED : UI_UNHANDLED;
}

/* A tag held to a reader: its item, wherever the keeper is in the list. */
static int
phome_device(struct screen *s, struct console *c, int dev, const struct dev_event *ev)
{
	char tag[PROP_TAG_MAX + 1];
	struct prop_item it;
	struct errmsg em;

	(void)s;
	(void)dev;
	if (ev->kind != DEV_TAG && ev->kind != DEV_TAP)
		return 0;
	if (property_tag_normal(ev->id, tag) != 0 ||
	    prop_item_by_tag(c->in.j, tag, &it, &em) != CST_OK) {
		console_say(c, UI_ERROR, _("No item in the room carries tag %s."), ev->id);
		return 1;
	}
	console_push(c, screen_property_item_new(c, it.id));
	return 1;
}

static void
phome_resume(struct screen *s, struct console *c)
{
	struct phome *h = (struct phome *)s;

	load_alerts(h, c);
	load_locations(h, c);
	if (h->items_mode)
		load_items(h, c, h->case_number[0] ? NULL : h->scope);
}

static void
phome_free(struct screen *s)
{
	struct phome *h = (struct phome *)s;

	free(h->locs);
	prop_item_list_free(&h->items);
	free(h);
}

static const struct screen_ops phome_ops = {
	.title = phome_title, .keys = phome_keys, .draw = phome_draw, .key = phome_key,
	.resume = phome_resume, .free = phome_free, .device = phome_device,
};

struct screen *
screen_property_home_new(struct console *c)
{
	static struct ui_column lcols[3], icols[5];
	struct phome *h = xcalloc(1, sizeof *h);

	lcols[0] = (struct ui_column){ _("Location"), 20 };
	lcols[1] = (struct ui_column){ _("Items"), 8 };
	lcols[2] = (struct ui_column){ _("Note"), 0 };
	icols[0] = (struct ui_column){ _("Code"), 26 };
	icols[1] = (struct ui_column){ _("Category"), 12 };
	icols[2] = (struct ui_column){ _("Description"), 24 };
	icols[3] = (struct ui_column){ _("Status"), 12 };
	icols[4] = (struct ui_column){ _("Where"), 0 };
	h->base.ops = &phome_ops;
	h->loc_table = (struct ui_table){ .cols = lcols, .ncols = 3, .cell = loc_cell, .arg = h,
	    .empty = _("No locations yet: C creates one (room, shelf, bin).") };
	h->item_table = (struct ui_table){ .cols = icols, .ncols = 5, .cell = item_cell,
	    .row_style = item_style, .arg = h, .empty = _("No items here.") };
	phome_resume(&h->base, c);
	return &h->base;
}

/* Body search (人身检查): officer of the person's sex, a witness, injuries, items found. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "form-screen.h"
#include "officer-pick.h"
#include "officer.h"
#include "i18n.h"
#include "xmalloc.h"

static const char *sexes[2];
static const char *destinations[2];
static const char *categories[INTAKE_SEARCH_CATEGORIES];

struct search_screen {
	struct form_screen fs;
	struct search_record rec;
};

static void
draw_lists(struct form_screen *fs, int y, int x, int h, int w)
{
	struct search_record *r = &((struct search_screen *)fs)->rec;
	char line[600];
	size_t i;
	int row = 0;

	for (i = 0; i < r->ninjuries && row < h; i++, row++) {
		snprintf(line, sizeof line, _("Injury %zu: %s — %s"), i + 1, r->injuries[i].area,
		    r->injuries[i].description);
		ui_put(y + row, x, w, line, UI_NORMAL, 0);
	}
	for (i = 0; i < r->nitems && row < h; i++, row++) {
		const char *to = r->items[i].to_property ? _("case property") : _("belongings");

		if (r->items[i].category[0] != '\0')
			snprintf(line, sizeof line, _("Item %zu: [%s] %s  %s %s  → %s"), i + 1,
			    intake_label(intake_search_category_keys,
			    intake_search_category_labels, INTAKE_SEARCH_CATEGORIES,
			    r->items[i].category), r->items[i].description, r->items[i].quantity,
			    r->items[i].unit, to);
		else
			snprintf(line, sizeof line, _("Item %zu: %s  %s %s  → %s"), i + 1,
			    r->items[i].description, r->items[i].quantity, r->items[i].unit, to);
		ui_put(y + row, x, w, line, UI_NORMAL, 0);
	}
	if (row == 0)
		ui_put(y, x, w, _("No injuries or items recorded yet (Enter on the buttons above "
		    "adds one, Delete removes the last)."), UI_DIM, 0);
}

static int
add_injury(void *arg, struct console *c, struct ui_form *fm)
{
	struct search_record *r = &((struct search_screen *)arg)->rec;
	struct injury *in;

	(void)c;
	if (r->ninjuries >= IN_ITEMS_MAX)
		return 0;
	in = &r->injuries[r->ninjuries];
	form_get(fm, "area", in->area, sizeof in->area);
	form_get(fm, "description", in->description, sizeof in->description);
	if (!in->area[0] || !in->description[0]) {
		form_error(fm, in->area[0] ? "description" : "area", _("required"));
		return 1;
	}
	r->ninjuries++;
	return 0;
}

static int
add_item(void *arg, struct console *c, struct ui_form *fm)
{
	struct search_record *r = &((struct search_screen *)arg)->rec;
	struct search_item *it;
	int cat = form_choice_of(fm, "category");

	(void)c;
	if (r->nitems >= IN_ITEMS_MAX)
		return 0;
	it = &r->items[r->nitems];
	/* Optional: an item without one goes to the property room as "other". */
	snprintf(it->category, sizeof it->category, "%s",
	    cat >= 0 ? intake_search_category_keys[cat] : "");
	form_get(fm, "description", it->description, sizeof it->description);
	form_get(fm, "quantity", it->quantity, sizeof it->quantity);
	form_get(fm, "unit", it->unit, sizeof it->unit);
	it->to_property = form_choice_of(fm, "to") == 1;
	if (!it->description[0] || !it->quantity[0]) {
		form_error(fm, it->description[0] ? "quantity" : "description", _("required"));
		return 1;
	}
	r->nitems++;
	return 0;
}

static void
search_button(struct form_screen *fs, struct console *c, const char *key)
{
	struct ui_form fm;

	form_init(&fm);
	if (strcmp(key, "injuries") == 0) {
		form_text(&fm, "area", _("Body area"), 16, IN_SHORT_MAX);
		form_text(&fm, "description", _("Injury"), 100, IN_TEXT_MAX);
		console_push(c, dialog_form_new(_("Add an injury"), &fm, add_injury, fs));
		return;
	}
	form_text(&fm, "description", _("Item"), 100, IN_TEXT_MAX);
	form_text(&fm, "quantity", _("Quantity"), 10, 15)->allowed = "0123456789.";
	form_text(&fm, "unit", _("Unit"), 6, 15);
	form_choice(&fm, "to", _("Goes to"), destinations, 2);
	form_set_choice(&fm, "to", 0);
	form_choice(&fm, "category", _("Category"), categories, INTAKE_SEARCH_CATEGORIES);
	console_push(c, dialog_form_new(_("Add an item found"), &fm, add_item, fs));
}

static void
search_save(struct form_screen *fs, struct console *c)
{
	struct search_record *r = &((struct search_screen *)fs)->rec;
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;
	int sex = form_choice_of(&fs->fm, "officer_sex");

	form_get(&fs->fm, "officer", r->officer, sizeof r->officer);
	r->officer_sex = sex == 0 ? 'M' : sex == 1 ? 'F' : '\0';
	form_get(&fs->fm, "witness", r->witness, sizeof r->witness);
	form_get(&fs->fm, "health", r->health, sizeof r->health);
	if (intake_search(&in, fs->visit_id, r, &e) != CST_OK) {
		screen_show_error(c, &fs->fm, &e);
		return;
	}
	screen_done(c, &e, _("Search recorded for %s. The person signs the record."),
	    fs->v.name);
	console_push(c, screen_sign_new(c, fs->visit_id, DOC_SEARCH, "person", fs->v.name));
	console_close(c, &fs->base);
}

static enum ui_result
delete_last(struct form_screen *fs, const char *key)
{
	struct search_record *r = &((struct search_screen *)fs)->rec;

	if (strcmp(key, "injuries") == 0 && r->ninjuries > 0)
		r->ninjuries--;
	else if (strcmp(key, "items") == 0 && r->nitems > 0)
		r->nitems--;
	return UI_HANDLED;
}

/* The draft's lists: {"injuries":[[area,description]…],"items":[[description,quantity,unit,
 * to_property]…]}. */
static void
search_draft_save(struct form_screen *fs, struct jw *w)
{
	struct search_record *r = &((struct search_screen *)fs)->rec;
	size_t i;

	jw_obj_begin(w);
	jw_key(w, "injuries");
	jw_arr_begin(w);
	for (i = 0; i < r->ninjuries; i++) {
		jw_arr_begin(w);
		jw_str(w, r->injuries[i].area);
		jw_str(w, r->injuries[i].description);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "items");
	jw_arr_begin(w);
	for (i = 0; i < r->nitems; i++) {
		jw_arr_begin(w);
		jw_str(w, r->items[i].description);
		jw_str(w, r->items[i].quantity);
		jw_str(w, r->items[i].unit);
		jw_bool(w, r->items[i].to_property);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void
search_draft_load(struct form_screen *fs, const struct json *x)
{
	struct search_record *r = &((struct search_screen *)fs)->rec;
	const struct json *a = json_get(x, "injuries"), *row;
	size_t i;

	for (i = 0; i < json_count(a) && r->ninjuries < IN_ITEMS_MAX; i++) {
		struct injury *in = &r->injuries[r->ninjuries];

		row = json_at(a, i);
		if (form_screen_draft_str(row, 0, in->area, sizeof in->area) == 0 &&
		    form_screen_draft_str(row, 1, in->description, sizeof in->description) == 0)
			r->ninjuries++;
	}
	a = json_get(x, "items");
	for (i = 0; i < json_count(a) && r->nitems < IN_ITEMS_MAX; i++) {
		struct search_item *it = &r->items[r->nitems];

		row = json_at(a, i);
		it->to_property = json_type(json_at(row, 3)) == JSON_TRUE;
		if (form_screen_draft_str(row, 0, it->description, sizeof it->description) == 0 &&
		    form_screen_draft_str(row, 1, it->quantity, sizeof it->quantity) == 0 &&
		    form_screen_draft_str(row, 2, it->unit, sizeof it->unit) == 0)
			r->nitems++;
	}
}

static enum ui_result (*base_key)(struct screen *, struct console *, int);

/* The searching officer's sex, once picked from the register, unless the clerk chose one. */
static void
officer_sex_from_register(struct form_screen *fs, struct console *c)
{
	char number[IN_SHORT_MAX + 1];
	struct officer o;

	if (form_field(&fs->fm, "officer") == NULL ||
	    form_choice_of(&fs->fm, "officer_sex") >= 0)
		return;
	form_get(&fs->fm, "officer", number, sizeof number);
	if (number[0] != '\0' && officer_get(c->in.j, number, &o, NULL) == CST_OK && o.sex)
		form_set_choice(&fs->fm, "officer_sex", o.sex == 'M' ? 0 : 1);
}

static enum ui_result
search_key(struct screen *s, struct console *c, int key)
{
	struct form_screen *fs = (struct form_screen *)s;
	struct ui_field *f = &fs->fm.f[fs->fm.focus];

	enum ui_result r;

	if (key == UI_KEY_DC && f->kind == UF_BUTTON)
		return delete_last(fs, f->key);
	r = base_key(s, c, key);
	officer_sex_from_register(fs, c);
	return r;
}

static struct screen_ops search_ops;

struct screen *
screen_search_new(struct console *c, const char *visit)
{
	static const char *const sex_keys[2] = { N_("male"), N_("female") };
	static const char *const to_keys[2] = { N_("belongings"), N_("case property") };
	struct search_screen *ss = (struct search_screen *)form_screen_new(c, sizeof *ss, visit,
	    _("Body search"), _("The searching officer must be of the person's sex; the witness "
	    "is another officer. Record the person's own statement of health, every injury by "
	    "body area, and every item found, each sent to the belongings or to case property. "
	    "Enter on a button adds an entry, Delete on it removes the last one. F2 saves; the "
	    "person then signs the record."));
	struct form_screen *fs = &ss->fs;

	if (ss == NULL)
		return NULL;
	search_ops = *fs->base.ops;
	base_key = search_ops.key;
	search_ops.key = search_key;
	fs->base.ops = &search_ops;
	fs->save = search_save;
	fs->button = search_button;
	fs->draw_extra = draw_lists;
	fs->action = ACT_SEARCH;
	form_screen_labels(sex_keys, 2, sexes);
	form_screen_labels(to_keys, 2, destinations);
	form_screen_labels(intake_search_category_labels, INTAKE_SEARCH_CATEGORIES, categories);
	officer_pick_field(&fs->fm, c, "officer", _("Searching officer"));
	form_choice(&fs->fm, "officer_sex", _("Officer's sex"), sexes, 2);
	officer_pick_field(&fs->fm, c, "witness", _("Witness"));
	form_text(&fs->fm, "health", _("Health statement"), 100, IN_TEXT_MAX);
	form_button(&fs->fm, "injuries", _("Injuries"))->note[0] = '\0';
	snprintf(form_field(&fs->fm, "injuries")->note, UI_ERROR_MAX, "%s", _("[Enter: add]"));
	form_button(&fs->fm, "items", _("Items found"));
	snprintf(form_field(&fs->fm, "items")->note, UI_ERROR_MAX, "%s", _("[Enter: add]"));
	fs->draft_save_extra = search_draft_save;
	fs->draft_load_extra = search_draft_load;
	form_screen_draft(fs, c, "search", visit);
	form_screen_check_stage(fs, c);
	return &fs->base;
}

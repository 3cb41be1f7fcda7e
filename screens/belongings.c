/* Belongings custody (随身物品保管): items, a locker, a custodian; person and custodian sign. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "form-screen.h"
#include "officer-pick.h"
#include "i18n.h"
#include "json.h"

static const char *categories[8];

struct belongings_screen {
	struct form_screen fs;
	struct belongings_list list;
};

static void
draw_items(struct form_screen *fs, int y, int x, int h, int w)
{
	struct belongings_list *b = &((struct belongings_screen *)fs)->list;
	char line[700];
	size_t i;

	if (b->nitems == 0)
		ui_put(y, x, w, _("No items yet: Enter on \"Items\" adds one, Delete removes the "
		    "last. A person with nothing to keep is saved with no items."), UI_DIM, 0);
	for (i = 0; i < b->nitems && (int)i < h; i++) {
		snprintf(line, sizeof line, "%zu. [%s] %s  %s %s  %s", i + 1,
		    intake_label(intake_category_keys, intake_category_labels, 8,
		    b->items[i].category), b->items[i].description, b->items[i].quantity,
		    b->items[i].unit, b->items[i].notes);
		ui_put(y + (int)i, x, w, line, UI_NORMAL, 0);
	}
}

static int
add_item(void *arg, struct console *c, struct ui_form *fm)
{
	struct belongings_list *b = &((struct belongings_screen *)arg)->list;
	struct belonging *it;
	int cat = form_choice_of(fm, "category");

	(void)c;
	if (b->nitems >= IN_ITEMS_MAX)
		return 0;
	it = &b->items[b->nitems];
	memset(it, 0, sizeof *it);
	if (cat < 0) {
		form_error(fm, "category", _("required"));
		return 1;
	}
	snprintf(it->category, sizeof it->category, "%s", intake_category_keys[cat]);
	form_get(fm, "description", it->description, sizeof it->description);
	form_get(fm, "quantity", it->quantity, sizeof it->quantity);
	form_get(fm, "unit", it->unit, sizeof it->unit);
	form_get(fm, "notes", it->notes, sizeof it->notes);
	if (!it->description[0] || !it->quantity[0]) {
		form_error(fm, it->description[0] ? "quantity" : "description", _("required"));
		return 1;
	}
	b->nitems++;
	return 0;
}

static void
items_button(struct form_screen *fs, struct console *c, const char *key)
{
	struct ui_form fm;

	(void)key;
	form_init(&fm);
	form_choice(&fm, "category", _("Category"), categories, 8);
	form_text(&fm, "description", _("Description"), 100, IN_TEXT_MAX);
	form_text(&fm, "quantity", _("Quantity"), 10, 15)->allowed = "0123456789.";
	form_text(&fm, "unit", _("Unit"), 6, 15);
	form_text(&fm, "notes", _("Notes"), 100, IN_TEXT_MAX);
	console_push(c, dialog_form_new(_("Add an item"), &fm, add_item, fs));
}

/* The items the search sent to the belongings start the list. */
/* A search item's category when the belongings list has it, else "other". */
static const char *
belongings_category(const char *key)
{
	size_t i;

	for (i = 0; key != NULL && i < 8; i++)
		if (strcmp(intake_category_keys[i], key) == 0)
			return key;
	return "other";
}

static void
prefill(struct belongings_screen *bs, struct console *c)
{
	struct belongings_list *b = &bs->list;
	char **bodies = NULL;
	struct json *js;
	size_t n = 0, i, k;

	if (visit_searches(c->in.j, bs->fs.visit_id, &bodies, &n, NULL) != CST_OK)
		return;
	for (i = 0; i < n; i++) {
		const struct json *items;

		if (i + 1 == n && json_parse(bodies[i], strlen(bodies[i]), &js, NULL) == CST_OK) {
			items = json_get(js, "items");
			for (k = 0; k < json_count(items) && b->nitems < IN_ITEMS_MAX; k++) {
				const struct json *it = json_at(items, k);
				const char *to = json_get_str(it, "to");
				const char *cat = json_get_str(it, "category");
				struct belonging *d = &b->items[b->nitems];

				if (to == NULL || strcmp(to, "belongings") != 0)
					continue;
				/* The search's category when the belongings list has it. */
				snprintf(d->category, sizeof d->category, "%s",
				    belongings_category(cat));
				snprintf(d->description, sizeof d->description, "%s",
				    json_get_str(it, "description") ? json_get_str(it, "description") : "");
				snprintf(d->quantity, sizeof d->quantity, "%s",
				    json_get_str(it, "quantity") ? json_get_str(it, "quantity") : "1");
				snprintf(d->unit, sizeof d->unit, "%s",
				    json_get_str(it, "unit") ? json_get_str(it, "unit") : "");
				b->nitems++;
			}
			json_free(js);
		}
		free(bodies[i]);
	}
	free(bodies);
}

static void
belongings_save(struct form_screen *fs, struct console *c)
{
	struct belongings_list *b = &((struct belongings_screen *)fs)->list;
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;

	form_get(&fs->fm, "locker", b->locker, sizeof b->locker);
	form_get(&fs->fm, "custodian", b->custodian, sizeof b->custodian);
	if (intake_belongings(&in, fs->visit_id, b, &e) != CST_OK) {
		screen_show_error(c, &fs->fm, &e);
		return;
	}
	screen_done(c, &e, _("Belongings logged for %s. The person and the custodian sign "
	    "the list."), fs->v.name);
	console_push(c, screen_sign_new(c, fs->visit_id, DOC_BELONGINGS, "custodian",
	    b->custodian));
	console_push(c, screen_sign_new(c, fs->visit_id, DOC_BELONGINGS, "person", fs->v.name));
	console_close(c, &fs->base);
}

/* The draft's list: [[category, description, quantity, unit, notes]…]. */
static void
belongings_draft_save(struct form_screen *fs, struct jw *w)
{
	struct belongings_list *b = &((struct belongings_screen *)fs)->list;
	size_t i;

	jw_arr_begin(w);
	for (i = 0; i < b->nitems; i++) {
		jw_arr_begin(w);
		jw_str(w, b->items[i].category);
		jw_str(w, b->items[i].description);
		jw_str(w, b->items[i].quantity);
		jw_str(w, b->items[i].unit);
		jw_str(w, b->items[i].notes);
		jw_arr_end(w);
	}
	jw_arr_end(w);
}

/* The draft's list replaces the one the search started. */
static void
belongings_draft_load(struct form_screen *fs, const struct json *x)
{
	struct belongings_list *b = &((struct belongings_screen *)fs)->list;
	size_t i;

	b->nitems = 0;
	for (i = 0; i < json_count(x) && b->nitems < IN_ITEMS_MAX; i++) {
		const struct json *row = json_at(x, i);
		struct belonging *d = &b->items[b->nitems];

		if (form_screen_draft_str(row, 0, d->category, sizeof d->category) == 0 &&
		    intake_label(intake_category_keys, intake_category_labels, 8, d->category) !=
		    d->category &&
		    form_screen_draft_str(row, 1, d->description, sizeof d->description) == 0 &&
		    form_screen_draft_str(row, 2, d->quantity, sizeof d->quantity) == 0 &&
		    form_screen_draft_str(row, 3, d->unit, sizeof d->unit) == 0 &&
		    form_screen_draft_str(row, 4, d->notes, sizeof d->notes) == 0)
			b->nitems++;
	}
}

static enum ui_result (*base_key)(struct screen *, struct console *, int);

static enum ui_result
belongings_key(struct screen *s, struct console *c, int key)
{
	struct belongings_screen *bs = (struct belongings_screen *)s;
	struct ui_field *f = &bs->fs.fm.f[bs->fs.fm.focus];

	if (key == UI_KEY_DC && f->kind == UF_BUTTON) {
		if (bs->list.nitems > 0)
			bs->list.nitems--;
		return UI_HANDLED;
	}
	return base_key(s, c, key);
}

static struct screen_ops belongings_ops;

struct screen *
screen_belongings_new(struct console *c, const char *visit)
{
	struct belongings_screen *bs = (struct belongings_screen *)form_screen_new(c, sizeof *bs,
	    visit, _("Belongings custody"), _("List every item the person leaves in custody, "
	    "with its category, quantity and unit. One locker holds one person's belongings. "
	    "The custodian signs with the person and may not be one of the case's officers. "
	    "Items the search sent to the belongings are already listed."));
	struct form_screen *fs = &bs->fs;

	if (bs == NULL)
		return NULL;
	belongings_ops = *fs->base.ops;
	base_key = belongings_ops.key;
	belongings_ops.key = belongings_key;
	fs->base.ops = &belongings_ops;
	fs->save = belongings_save;
	fs->button = items_button;
	fs->draw_extra = draw_items;
	fs->action = ACT_BELONGINGS;
	form_screen_labels(intake_category_labels, 8, categories);
	form_text(&fs->fm, "locker", _("Locker"), IN_SHORT_MAX, IN_SHORT_MAX)->allowed =
	    CODE_CHARS;
	person_pick_field(&fs->fm, c, "custodian", _("Custodian"));
	form_button(&fs->fm, "items", _("Items"));
	snprintf(form_field(&fs->fm, "items")->note, UI_ERROR_MAX, "%s", _("[Enter: add]"));
	prefill(bs, c);
	fs->draft_save_extra = belongings_draft_save;
	fs->draft_load_extra = belongings_draft_load;
	form_screen_draft(fs, c, "belongings", visit);
	form_screen_check_stage(fs, c);
	return &fs->base;
}

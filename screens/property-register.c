/* Registering a case property item (涉案财物登记): its record, code and optional tag. */
#include <stdlib.h>
#include <string.h>

#include "form-screen.h"
#include "i18n.h"
#include "property.h"

static const char *categories[PROP_CATEGORIES];

/*
 * Yuan with up to two decimals to fen. -1 when it is not such a number or more than
 * PROP_VALUE_MAX: the limit is checked here, on digits, before anything can overflow.
 */
static int
parse_yuan(const char *s, int64_t *fen)
{
	int64_t v = 0;
	int decimals = -1;

	if (*s == '\0') {
		*fen = 0;
		return 0;
	}
	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || decimals >= 2 || v > PROP_VALUE_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (decimals = decimals < 0 ? 0 : decimals; decimals < 2; decimals++) {
		if (v > PROP_VALUE_MAX / 10)
			return -1;
		v *= 10;
	}
	if (v > PROP_VALUE_MAX)
		return -1;
	*fen = v;
	return 0;
}

static void
register_save(struct form_screen *fs, struct console *c)
{
	char value[32], id[UUID_LEN + 1], code[PROP_CODE_MAX + 1];
	int cat = form_choice_of(&fs->fm, "category");
	struct prop_new_item it;
	struct intake_error e;
	struct intake in;

	memset(&it, 0, sizeof it);
	form_get(&fs->fm, "case_number", it.case_number, sizeof it.case_number);
	if (cat < 0) {
		form_error(&fs->fm, "category", _("required"));
		return;
	}
	snprintf(it.category, sizeof it.category, "%s", prop_category_keys[cat]);
	form_get(&fs->fm, "description", it.description, sizeof it.description);
	form_get(&fs->fm, "quantity", it.quantity, sizeof it.quantity);
	form_get(&fs->fm, "unit", it.unit, sizeof it.unit);
	form_get(&fs->fm, "value", value, sizeof value);
	if (parse_yuan(value, &it.value_fen) != 0) {
		form_error(&fs->fm, "value", _("write the value in yuan, e.g. 1200.50"));
		return;
	}
	form_get(&fs->fm, "seized_from", it.seized_from, sizeof it.seized_from);
	form_get(&fs->fm, "photos", it.photos[0], sizeof it.photos[0]);
	it.nphotos = it.photos[0][0] != '\0';
	form_get(&fs->fm, "tag", it.tag, sizeof it.tag);
	in = form_screen_in(fs, c);
	if (property_register(&in, &it, id, code, &e) != CST_OK) {
		screen_show_error(c, &fs->fm, &e);
		return;
	}
	screen_done(c, &e, _("Item %s registered."), code);
	console_close(c, &fs->base);
	console_push(c, screen_property_item_new(c, id));
}

/* A tag held to the reader (UHF or 13.56 MHz) while the form is open fills the tag field. */
static int
register_device(struct form_screen *fs, struct console *c, int dev,
    const struct dev_event *ev)
{
	(void)dev;
	if (ev->kind != DEV_TAG && ev->kind != DEV_TAP)
		return 0;
	form_set(&fs->fm, "tag", ev->id);
	console_say(c, UI_OK, _("Tag %s read."), ev->id);
	return 1;
}

struct screen *
screen_property_register_new(struct console *c, const char *case_number)
{
	struct form_screen *fs = form_screen_new(c, sizeof *fs, NULL, _("Register an item"),
	    _("Register one item of case property: its case number, category, what it is, "
	    "how many, its estimated value in yuan and from whom it was seized. A tag held to "
	    "the reader fills the tag field. F2 saves it and gives the item its code "
	    "(WP-case-number), then the item's screen opens to store it."));
	int i;

	if (fs == NULL)
		return NULL;
	for (i = 0; i < PROP_CATEGORIES; i++)
		categories[i] = prop_label(prop_category_keys[i]);
	fs->save = register_save;
	fs->device = register_device;
	form_text(&fs->fm, "case_number", _("Case number"), IN_SHORT_MAX, IN_SHORT_MAX)->allowed =
	    CODE_CHARS "/:";
	form_choice(&fs->fm, "category", _("Category"), categories, PROP_CATEGORIES);
	form_text(&fs->fm, "description", _("Description"), 100, IN_TEXT_MAX);
	form_text(&fs->fm, "quantity", _("Quantity"), 10, 15)->allowed = "0123456789.";
	form_text(&fs->fm, "unit", _("Unit"), 6, 15);
	form_text(&fs->fm, "value", _("Value (yuan)"), 16, 16)->allowed = "0123456789.";
	form_text(&fs->fm, "seized_from", _("Seized from"), 100, IN_TEXT_MAX);
	form_text(&fs->fm, "photos", _("Photo file"), 100, IN_TEXT_MAX);
	form_text(&fs->fm, "tag", _("RFID tag"), PROP_TAG_MAX, PROP_TAG_MAX)->allowed =
	    "0123456789abcdefABCDEF";
	if (case_number != NULL)
		form_set(&fs->fm, "case_number", case_number);
	form_screen_draft(fs, c, "property-register", case_number);
	return &fs->base;
}

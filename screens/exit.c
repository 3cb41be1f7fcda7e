/* Exit review (出区): what is still open, belongings back, band off, destination, approval. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "form-screen.h"
#include "i18n.h"
#include "text.h"
#include "xmalloc.h"

static const char *destinations[5];
static const char *ways[2];

/* The held items offered for return and where the clerk sends each (the return dialog). */
struct exit_extra {
	struct stage_facts facts;		/* first: draw_checks reads it as fs->extra */
	struct visit_item items[IN_ITEMS_MAX];
	char keys[IN_ITEMS_MAX][8], labels[IN_ITEMS_MAX][80];
	struct return_choice ch[IN_ITEMS_MAX];
	size_t n;
};

static void
draw_checks(struct form_screen *fs, int y, int x, int h, int w)
{
	struct stage_facts *f = fs->extra;
	const char *lines[6];
	char buf[200];
	int i, n = 0;

	lines[n++] = f->searched ? _("✓ body search recorded") : _("✗ body search missing");
	lines[n++] = f->belongings ? _("✓ belongings logged") : _("✗ belongings not logged");
	lines[n++] = f->collected ? _("✓ collection complete") : _("✗ collection incomplete");
	lines[n++] = f->items_held ? _("✗ belongings still held") : _("✓ no belongings held");
	lines[n++] = f->band_bound ? _("✗ wristband still bound") : _("✓ wristband unbound");
	lines[n++] = f->temp_out ? _("✗ a temporary exit is open") : _("✓ no temporary exit open");
	for (i = 0; i < n && i < h; i++) {
		snprintf(buf, sizeof buf, "%s", lines[i]);
		ui_put(y + i, x, w, buf, strncmp(buf, "✓", 3) == 0 ? UI_OK : UI_ERROR, 0);
	}
}

static void
reload(struct form_screen *fs, struct console *c)
{
	struct errmsg em;

	if (visit_facts(c->in.j, fs->visit_id, ACT_EXIT, fs->extra, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	visit_get(c->in.j, fs->visit_id, &fs->v, NULL);
}

/* Records where each held item goes, once the clerk has confirmed the list. */
static void
return_confirmed(void *arg, struct console *c, int yes)
{
	struct form_screen *fs = arg;
	struct exit_extra *x = fs->extra;
	char part[UUID_LEN + 1];
	struct intake in;
	struct intake_error e;
	size_t i;
	int owner = 0;

	if (!yes)
		return;
	intake_part(fs->action_id, "return", part);
	in = intake_for(&c->in, part);
	if (intake_return_items(&in, fs->visit_id, x->ch, x->n, &e) != CST_OK) {
		console_say(c, UI_ERROR, "%s", e.em.text);
		return;
	}
	for (i = 0; i < x->n; i++)
		owner |= !x->ch[i].to_property;
	form_screen_acted(fs);
	reload(fs, c);
	if (owner) {
		screen_done(c, &e, "%s", _("Belongings returned: the person signs the receipt."));
		console_push(c, screen_sign_new(c, fs->visit_id, DOC_BELONGINGS, "person",
		    fs->v.name));
	} else {
		screen_done(c, &e, "%s", _("Belongings moved to case property."));
	}
}

/* Appends a line "label: item、item" of one way to text (none when no item goes that way). */
static void
list_way(struct exit_extra *x, int to_property, const char *label, char *text, size_t size)
{
	size_t i, len;
	int first = 1;

	for (i = 0; i < x->n; i++) {
		if (x->ch[i].to_property != to_property)
			continue;
		len = strlen(text);
		if (first)
			snprintf(text + len, size - len, "%s%s%s", len ? "\n" : "", label,
			    x->labels[i]);
		else
			snprintf(text + len, size - len, "%s%s", _(", "), x->labels[i]);
		first = 0;
	}
}

/* F2 in the return dialog: where each item goes, then a confirmation listing it. */
static int
return_chosen(void *arg, struct console *c, struct ui_form *fm)
{
	struct form_screen *fs = arg;
	struct exit_extra *x = fs->extra;
	char text[512] = "";
	size_t i;

	for (i = 0; i < x->n; i++) {
		x->ch[i].n = x->items[i].n;
		x->ch[i].to_property = form_choice_of(fm, x->keys[i]) == 1;
	}
	list_way(x, 0, _("To the person: "), text, sizeof text);
	list_way(x, 1, _("To case property: "), text, sizeof text);
	console_push(c, dialog_confirm_new(_("Record where the belongings go?"), text,
	    return_confirmed, fs));
	return 0;
}

/* The held items, each to the person or to case property (all preset to one of them). */
static void
return_dialog(struct form_screen *fs, struct console *c, int to_property)
{
	struct exit_extra *x = fs->extra;
	struct visit_item *all;
	struct errmsg em;
	struct ui_form fm;
	size_t n, i;

	all = xcalloc(IN_RETURN_MAX, sizeof *all);
	if (visit_belongings(c->in.j, fs->visit_id, all, IN_RETURN_MAX, &n, &em) != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
		free(all);
		return;
	}
	form_init(&fm);
	for (i = 0, x->n = 0; i < n && x->n < IN_ITEMS_MAX; i++) {
		struct visit_item *it = &all[i];

		if (strcmp(it->status, "held") != 0)
			continue;
		x->items[x->n] = *it;
		snprintf(x->keys[x->n], sizeof x->keys[x->n], "i%d", it->n);
		text_cut(x->labels[x->n], sizeof x->labels[x->n], it->description, 24);
		form_choice(&fm, x->keys[x->n], x->labels[x->n], ways, 2);
		form_set_choice(&fm, x->keys[x->n], to_property);
		x->n++;
	}
	free(all);
	if (x->n == 0) {
		form_free(&fm);
		console_say(c, UI_ERROR, "%s", _("no belongings are held"));
		return;
	}
	console_push(c, dialog_form_new(_("Where each item goes (Left/Right)"), &fm,
	    return_chosen, fs));
}

static void
exit_button(struct form_screen *fs, struct console *c, const char *key)
{
	char part[UUID_LEN + 1];
	struct intake in;
	struct intake_error e;
	int rc;

	/* Each button is its own act: a part of the form's action id. */
	intake_part(fs->action_id, key, part);
	in = intake_for(&c->in, part);
	if (strcmp(key, "unbind") == 0) {
		rc = intake_unbind_band(&in, fs->visit_id, &e);
		if (rc == CST_OK && !e.already)
			console_dock_band(c, fs->v.band, NULL);	/* fs->v is reloaded below */
	} else {
		return_dialog(fs, c, strcmp(key, "property") == 0);
		return;
	}
	if (rc != CST_OK) {
		console_say(c, UI_ERROR, "%s", e.em.text);
		return;
	}
	form_screen_acted(fs);
	reload(fs, c);
	screen_done(c, &e, "%s", _("Wristband unbound."));
}

static int
exit_approved(void *arg, struct console *c, const char *id, const char *password,
    const char *reason, struct ui_form *dfm)
{
	struct form_screen *fs = arg;
	int d = form_choice_of(&fs->fm, "destination");
	char note[IN_TEXT_MAX + 1], visit[UUID_LEN + 1], name[IN_NAME_MAX + 1];
	struct intake in = form_screen_in(fs, c);
	struct intake_error e;

	(void)reason;
	form_get(&fs->fm, "note", note, sizeof note);
	if (intake_exit(&in, fs->visit_id, d >= 0 ? intake_destination_keys[d] : "", id,
	    password, note, &e) != CST_OK) {
		if (e.field && strcmp(e.field, "supervisor") == 0) {
			e.field = "password";
			screen_show_error(c, dfm, &e);
			return 1;
		}
		screen_show_error(c, &fs->fm, &e);
		return 0;
	}
	snprintf(visit, sizeof visit, "%s", fs->visit_id);
	snprintf(name, sizeof name, "%s", fs->v.name);
	form_screen_recorded(fs);
	console_close(c, &fs->base);
	console_push(c, screen_sign_new(c, visit, DOC_EXIT, "person", name));
	screen_done(c, &e, _("%s has left the area. The person signs the exit record."), name);
	return 0;
}

static void
exit_save(struct form_screen *fs, struct console *c)
{
	struct intake_error e;

	if (form_choice_of(&fs->fm, "destination") < 0) {
		form_error(&fs->fm, "destination", _("required"));
		return;
	}
	if (intake_allowed(&c->in, fs->visit_id, ACT_EXIT, &e) != CST_OK) {
		screen_show_error(c, &fs->fm, &e);
		return;
	}
	console_push(c, dialog_credentials_new(_("Supervisor's approval of the exit"), 0,
	    exit_approved, fs));
}

struct screen *
screen_exit_new(struct console *c, const char *visit)
{
	static const char *const way_keys[2] = { N_("back to the person"),
	    N_("to case property") };
	struct form_screen *fs = form_screen_new(c, sizeof *fs + sizeof(struct exit_extra),
	    visit, _("Exit review"), _("A person leaves when every step is done, the belongings "
	    "are returned (the person signs the receipt) or moved to case property, the "
	    "wristband is docked and unbound, and a supervisor approves the exit with the "
	    "destination. The buttons do the last steps; F2 asks for the approval."));

	if (fs == NULL)
		return NULL;
	fs->extra = fs + 1;
	fs->save = exit_save;
	fs->button = exit_button;
	form_screen_labels(way_keys, 2, ways);
	fs->draw_extra = draw_checks;
	fs->action = ACT_EXIT;
	form_button(&fs->fm, "return", _("Return belongings"));
	form_button(&fs->fm, "property", _("To case property"));
	form_button(&fs->fm, "unbind", _("Unbind the band"));
	form_choice(&fs->fm, "destination", _("Destination"),
	    form_screen_labels(intake_destination_labels, 5, destinations), 5);
	form_text(&fs->fm, "note", _("Note"), 100, IN_TEXT_MAX);
	reload(fs, c);
	form_screen_draft(fs, c, "exit", visit);
	form_screen_check_stage(fs, c);
	return &fs->base;
}

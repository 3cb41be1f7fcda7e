/* The room's first screen: everyone in the area, and the steps this room takes with them. */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "i18n.h"
#include "screens.h"
#include "visit.h"
#include "when.h"
#include "xmalloc.h"

struct home {
	struct screen base;
	struct visit_list people;
	struct ui_table table;
	char keys[256];
	char steps[256];
};

/* Which steps a room's terminal offers: digits 1-7 (see step_open). */
static const struct {
	const char *room;
	const char *steps;
} room_steps[] = {
	{ "intake", "1234567" }, { "search", "2" }, { "belongings", "37" },
	{ "collection", "4" }, { "waiting", "56" }, { "interrogation", "56" },
	{ "exit", "367" }, { "property", "" }, { "supervision", "1234567" },
};

const char *
screen_room_steps(const char *room)
{
	size_t i;

	for (i = 0; i < sizeof room_steps / sizeof room_steps[0]; i++)
		if (strcmp(room_steps[i].room, room) == 0)
			return room_steps[i].steps;
	return "";
}

/* Opens step d ('2'…'7') for a visit, when this room offers it. 1 when it did. */
int
screen_step_open(struct console *c, int d, const char *visit)
{
	struct screen *s = NULL;

	if (d < '1' || d > '7' || strchr(screen_room_steps(c->room), d) == NULL)
		return 0;
	if (d == '1') {
		console_push(c, screen_register_new(c));
		return 1;
	}
	if (visit == NULL || *visit == '\0') {
		console_say(c, UI_ERROR, "%s", _("Choose a person first."));
		return 1;
	}
	switch (d) {
	case '2': s = screen_search_new(c, visit); break;
	case '3': s = screen_belongings_new(c, visit); break;
	case '4': s = screen_collect_new(c, visit); break;
	case '5': s = screen_move_new(c, visit); break;
	case '6': s = screen_temp_exit_new(c, visit); break;
	case '7': s = screen_exit_new(c, visit); break;
	}
	console_push(c, s);
	return 1;
}

/* The key line for the steps a room offers. */
void
screen_step_keys(const char *room, int with_register, char *out, size_t size)
{
	static const char *labels[] = { N_("1 register"), N_("2 search"), N_("3 belongings"),
	    N_("4 collection"), N_("5 rooms"), N_("6 temporary exit"), N_("7 exit") };
	const char *p;
	size_t used = 0;

	out[0] = '\0';
	for (p = screen_room_steps(room); *p && used < size; p++) {
		if (*p == '1' && !with_register)
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s  ", _(labels[*p - '1']));
	}
}

static void
home_cell(void *arg, int row, int col, char *buf, size_t size)
{
	struct home *h = arg;
	const struct visit *v = &h->people.v[row];

	switch (col) {
	case 0: snprintf(buf, size, "%s", v->name); break;
	case 1: snprintf(buf, size, "%s", v->sex == 'M' ? _("male") : _("female")); break;
	case 2: snprintf(buf, size, "%s", v->case_number); break;
	case 3: snprintf(buf, size, "%s %s%s", stage_label(v->stage), v->room,
	    v->temp_out ? _(" (out)") : ""); break;
	case 4: when_format_duration(clock_now_ms() - v->entry_ts, buf, size); break;
	case 5: snprintf(buf, size, "%s", v->band); break;
	}
}

static enum ui_style
home_row_style(void *arg, int row)
{
	struct home *h = arg;

	return h->people.v[row].temp_out ? UI_WARN : UI_NORMAL;
}

static const char *
home_title(struct screen *s)
{
	(void)s;
	return _("People in the area");
}

static const char *
home_keys(struct screen *s)
{
	return ((struct home *)s)->keys;
}

static void
home_load(struct home *h, struct console *c)
{
	struct errmsg em;

	visit_list_free(&h->people);
	if (visit_in_area(c->in.j, &h->people, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	table_set_rows(&h->table, (int)h->people.n);
	screen_step_keys(c->room, 1, h->steps, sizeof h->steps);
	if (screen_board_allowed(c))
		snprintf(h->keys, sizeof h->keys, "%s", _("Enter open  / find  L register  "
		    "B board  C conflicts  F1 help  F10 log out"));
	else
		snprintf(h->keys, sizeof h->keys, "%s", _("Enter open  / find  L register  "
		    "F1 help  F10 log out"));
}

static void
home_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct home *hm = (struct home *)s;
	char line[128];

	snprintf(line, sizeof line, _("%zu in the area"), hm->people.n);
	ui_put(y, x, w, line, UI_LABEL, 0);
	ui_put(y + 1, x, w, hm->steps, UI_DIM, 0);
	(void)c;
	table_draw(&hm->table, y + 2, x, h - 2, w);
}

static enum ui_result
home_key(struct screen *s, struct console *c, int key)
{
	struct home *h = (struct home *)s;
	const char *sel = h->people.n ? h->people.v[h->table.sel].id : NULL;

	if (table_key(&h->table, key) == UI_SUBMIT) {
		console_push(c, screen_visit_new(c, sel));
		return UI_HANDLED;
	}
	if (key == '/' || key == ui_key_f(3)) {
		console_push(c, screen_find_new(c));
		return UI_HANDLED;
	}
	if (key == 'l' || key == 'L') {
		console_push(c, screen_ledger_new(c));
		return UI_HANDLED;
	}
	if (key == 'b' || key == 'B') {
		console_push(c, screen_board_new(c));	/* NULL, with a message, for a clerk */
		return UI_HANDLED;
	}
	if ((key == 'c' || key == 'C') && screen_board_allowed(c)) {
		console_push(c, screen_conflicts_new(c));
		return UI_HANDLED;
	}
	if (key == ui_key_f(5)) {
		home_load(h, c);
		return UI_HANDLED;
	}
	if (key == ui_key_f(1)) {
		char help[2048];

		/* Two messages, so that the catalogs' first one stands as it is. */
		snprintf(help, sizeof help, "%s%s%s", _("Up and Down choose "
		    "a person, Enter opens the visit. The digits start the steps this room takes: "
		    "1 registers a new person; the others act on the chosen person. / finds anyone "
		    "by band, ID number, case number or part of a name; L opens the area "
		    "register."), screen_board_allowed(c) ? " " : "", screen_board_allowed(c) ?
		    _("B opens the supervision board: everyone with zone, heart rate and alerts, "
		    "red first; C the conflicts of ids between terminals.") : "");
		console_push(c, screen_help_new(c, _("People in the area"), help));
		return UI_HANDLED;
	}
	if (!UI_IS_FN(key) && screen_step_open(c, key, sel))
		return UI_HANDLED;
	return key == UI_KEY_UP || key == UI_KEY_DOWN ? UI_HANDLED : UI_UNHANDLED;
}

static void
home_resume(struct screen *s, struct console *c)
{
	home_load((struct home *)s, c);
}

static void
home_free(struct screen *s)
{
	struct home *h = (struct home *)s;

	visit_list_free(&h->people);
	free(h);
}

static const struct screen_ops home_ops = {
	.title = home_title, .keys = home_keys, .draw = home_draw, .key = home_key,
	.resume = home_resume, .free = home_free,
};

struct screen *
screen_home_new(struct console *c)
{
	static struct ui_column cols[6];
	struct home *h;

	/* The property room keeps things, not people: its own first screen. */
	if (strcmp(c->room, "property") == 0)
		return screen_property_home_new(c);
	h = xcalloc(1, sizeof *h);
	cols[0] = (struct ui_column){ _("Name"), 12 };
	cols[1] = (struct ui_column){ _("Sex"), 4 };
	cols[2] = (struct ui_column){ _("Case number"), 20 };
	cols[3] = (struct ui_column){ _("Stage"), 16 };
	cols[4] = (struct ui_column){ _("In the area"), 12 };
	cols[5] = (struct ui_column){ _("Band"), 0 };
	h->base.ops = &home_ops;
	h->table.cols = cols;
	h->table.ncols = 6;
	h->table.cell = home_cell;
	h->table.row_style = home_row_style;
	h->table.arg = h;
	h->table.empty = _("Nobody is in the area.");
	home_load(h, c);
	return &h->base;
}

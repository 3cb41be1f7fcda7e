/* Find (查找): by band, ID number, case number, or part of a name; opens the visit. */
#include <stdlib.h>
#include <string.h>

#include "form-screen.h"
#include "i18n.h"
#include "when.h"
#include "xmalloc.h"

struct find {
	struct screen base;
	struct ui_form fm;
	struct ui_table table;
	struct visit_list hits;
	char searched[IN_NAME_MAX + 1];
};

static void
find_cell(void *arg, int row, int col, char *buf, size_t size)
{
	const struct visit *v = &((struct find *)arg)->hits.v[row];
	char t[WHEN_ISO_MAX];

	switch (col) {
	case 0: snprintf(buf, size, "%s", v->name); break;
	case 1: snprintf(buf, size, "%s", v->id_number); break;
	case 2: snprintf(buf, size, "%s", v->case_number); break;
	case 3: when_format_minute(v->entry_ts, t); snprintf(buf, size, "%s", t); break;
	case 4: snprintf(buf, size, "%s", v->exit_ts ? _("left") : stage_label(v->stage)); break;
	}
}

static const char *
find_title(struct screen *s)
{
	(void)s;
	return _("Find a person");
}

static const char *
find_keys(struct screen *s)
{
	(void)s;
	return _("Enter find / open  Up/Down choose  Esc back");
}

static void
find_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct find *f = (struct find *)s;

	(void)c;
	ui_put(y, x, w, _("Band id, ID number, case number, or part of a name (two characters, "
	    "or pinyin initials such as zsf)"), UI_DIM, 0);
	table_draw(&f->table, y + 3, x, h - 3, w);
	form_draw(&f->fm, y + 1, x, 1, w);
}

static void
run_query(struct find *f, struct console *c, const char *q)
{
	struct errmsg em;

	visit_list_free(&f->hits);
	if (visit_find(c->in.j, q, 200, &f->hits, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	else if (f->hits.n == 0)
		console_say(c, UI_ERROR, _("Nobody found for \"%s\"."), q);
	else
		console_say(c, UI_OK, _("%zu found."), f->hits.n);
	f->table.sel = f->table.top = 0;
	table_set_rows(&f->table, (int)f->hits.n);
	snprintf(f->searched, sizeof f->searched, "%s", q);
}

static enum ui_result
find_key(struct screen *s, struct console *c, int key)
{
	struct find *f = (struct find *)s;
	char q[IN_NAME_MAX + 1];

	if (key == UI_KEY_UP || key == UI_KEY_DOWN || key == UI_KEY_PGUP || key == UI_KEY_PGDN)
		return table_key(&f->table, key);
	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, _("Find a person"), _("Type a band id, an ID "
		    "number, a case number or part of a name and press Enter; choose with Up and "
		    "Down and press Enter again to open the visit. Names are found from two "
		    "characters on, anywhere in the name, and by pinyin initials.")));
		return UI_HANDLED;
	}
	if (key != UI_KEY_ENTER && key != ui_key_f(2))
		return form_key(&f->fm, key) == UI_UNHANDLED ? UI_UNHANDLED : UI_HANDLED;
	form_get(&f->fm, "query", q, sizeof q);
	if (f->hits.n > 0 && strcmp(q, f->searched) == 0) {
		console_push(c, screen_visit_new(c, f->hits.v[f->table.sel].id));
		return UI_HANDLED;
	}
	run_query(f, c, q);
	return UI_HANDLED;
}

static void
find_free(struct screen *s)
{
	struct find *f = (struct find *)s;

	visit_list_free(&f->hits);
	form_free(&f->fm);
	free(f);
}

static const struct screen_ops find_ops = {
	.title = find_title, .keys = find_keys, .draw = find_draw, .key = find_key,
	.free = find_free,
};

struct screen *
screen_find_new(struct console *c)
{
	static struct ui_column cols[5];
	struct find *f = xcalloc(1, sizeof *f);

	(void)c;
	cols[0] = (struct ui_column){ _("Name"), 12 };
	cols[1] = (struct ui_column){ _("ID number"), 18 };
	cols[2] = (struct ui_column){ _("Case number"), 18 };
	cols[3] = (struct ui_column){ _("Entered"), 16 };
	cols[4] = (struct ui_column){ _("Stage"), 0 };
	f->base.ops = &find_ops;
	form_init(&f->fm);
	form_text(&f->fm, "query", _("Find"), 32, IN_NAME_MAX);
	f->table = (struct ui_table){ .cols = cols, .ncols = 5, .cell = find_cell, .arg = f,
	    .empty = "" };
	return &f->base;
}

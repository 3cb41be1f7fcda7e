/*
 * The supervisor's conflict queue: ids held twice after terminals that could not see each
 * other met again (a band on two people, one code or tag on two items), what each side did,
 * and the resolution: which side keeps the id, with a supervisor's credentials and a reason.
 */
#include <stdlib.h>
#include <string.h>

#include "conflict.h"
#include "i18n.h"
#include "screens.h"
#include "when.h"
#include "xmalloc.h"

struct conflicts {
	struct screen base;
	struct conflict_list list;
	struct ui_table table;
	char summary[128];
	/* The resolution being approved: its conflict, the side kept and its action id. */
	char id[UUID_LEN + 1];
	int keep_a;
	char action[UUID_LEN + 1];
	char title[ERRMSG_MAX];
};

static void
conflicts_cell(void *arg, int row, int col, char *buf, size_t size)
{
	const struct conflict *k = &((struct conflicts *)arg)->list.v[row];
	char t[WHEN_ISO_MAX];

	buf[0] = '\0';
	switch (col) {
	case 0: snprintf(buf, size, "%s", conflict_kind_label(k->kind)); break;
	case 1: snprintf(buf, size, "%s", k->held); break;
	case 2:
		when_format_minute(k->a.ts > k->b.ts ? k->a.ts : k->b.ts, t);
		snprintf(buf, size, "%s", t);
		break;
	case 3: snprintf(buf, size, "%s / %s", k->a.what, k->b.what); break;
	}
}

static void
conflicts_load(struct conflicts *q, struct console *c)
{
	char id[UUID_LEN + 1] = "";
	struct errmsg em;
	size_t i;

	if (q->list.n > 0)
		snprintf(id, sizeof id, "%s", q->list.v[q->table.sel].id);
	conflict_list_free(&q->list);
	err_clear(&em);
	if (conflict_open(c->in.j, &q->list, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	table_set_rows(&q->table, (int)q->list.n);
	for (i = 0; id[0] && i < q->list.n; i++)
		if (strcmp(q->list.v[i].id, id) == 0)
			q->table.sel = (int)i;
	snprintf(q->summary, sizeof q->summary, _("Open conflicts: %zu"), q->list.n);
}

static const char *
conflicts_title(struct screen *s)
{
	(void)s;
	return _("Conflicts of ids");
}

static const char *
conflicts_keys(struct screen *s)
{
	(void)s;
	return _("1 first keeps it  2 second keeps it  F5 refresh  F1 help  Esc back");
}

/* One side: "1 郑三 · t1 c1 12-02 13:05 · holds it". */
static void
side_line(const struct conflict_party *p, int n, char *out, size_t size)
{
	char t[WHEN_ISO_MAX];

	when_format_minute(p->ts, t);
	snprintf(out, size, _("%1$d %2$s · terminal %3$s, operator %4$s, %5$s · %6$s"), n,
	    p->what[0] ? p->what : p->subject, p->terminal, p->operator_, t,
	    p->holds ? _("holds it") : _("no longer holds it"));
}

static void
conflicts_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct conflicts *q = (struct conflicts *)s;
	const struct conflict *k;
	char line[ERRMSG_MAX];
	int rows = h - 5;

	(void)c;
	ui_put(y, x, w, q->summary, UI_LABEL, 0);
	table_draw(&q->table, y + 1, x, rows > 2 ? rows : 2, w);
	if (q->list.n == 0 || h < 6)
		return;
	k = &q->list.v[q->table.sel];
	snprintf(line, sizeof line, _("%1$s %2$s is held by both:"), conflict_kind_label(k->kind),
	    k->held);
	ui_put(y + h - 3, x, w, line, UI_LABEL, 0);
	side_line(&k->a, 1, line, sizeof line);
	ui_put(y + h - 2, x, w, line, UI_NORMAL, 0);
	side_line(&k->b, 2, line, sizeof line);
	ui_put(y + h - 1, x, w, line, UI_NORMAL, 0);
}

static int
resolve_ok(void *arg, struct console *c, const char *id, const char *password,
    const char *reason, struct ui_form *fm)
{
	struct conflicts *q = arg;
	struct intake in = intake_for(&c->in, q->action);
	struct intake_error e;

	if (conflict_resolve(&in, q->id, q->keep_a, id, password, reason, &e) != CST_OK) {
		screen_show_error(c, fm, &e);
		return 1;
	}
	screen_done(c, &e, "%s", _("Conflict resolved."));
	conflicts_load(q, c);
	return 0;
}

static void
resolve(struct conflicts *q, struct console *c, int keep_a)
{
	const struct conflict *k;

	if (q->list.n == 0)
		return;
	k = &q->list.v[q->table.sel];
	snprintf(q->id, sizeof q->id, "%s", k->id);
	q->keep_a = keep_a;
	uuid_new(q->action);
	snprintf(q->title, sizeof q->title, _("%1$s keeps %2$s %3$s"),
	    keep_a ? k->a.what : k->b.what, conflict_kind_label(k->kind), k->held);
	console_push(c, dialog_credentials_new(q->title, 1, resolve_ok, q));
}

static enum ui_result
conflicts_key(struct screen *s, struct console *c, int key)
{
	struct conflicts *q = (struct conflicts *)s;

	if (table_key(&q->table, key) == UI_SUBMIT)
		return UI_HANDLED;
	if (key == '1' || key == '2') {
		resolve(q, c, key == '1');
		return UI_HANDLED;
	}
	if (key == ui_key_f(5)) {
		conflicts_load(q, c);
		return UI_HANDLED;
	}
	if (key == ui_key_f(1)) {
		console_push(c, screen_help_new(c, _("Conflicts of ids"), _("Terminals that could "
		    "not reach each other may bind one band to two people or give two items one "
		    "code or tag. Both records are kept, and the conflict is listed here once the "
		    "terminals have synced. Below the list, the two sides of the chosen conflict: "
		    "who or what, on which terminal, by whom and when. 1 or 2 chooses the side that "
		    "keeps the id; a supervisor approves it with a reason. The other side loses it "
		    "by an event: the band is unbound (bind a new one on the visit's page), the item "
		    "gets the next code of its case, or its tag is removed.")));
		return UI_HANDLED;
	}
	return key == UI_KEY_UP || key == UI_KEY_DOWN ? UI_HANDLED : UI_UNHANDLED;
}

static void
conflicts_tick(struct screen *s, struct console *c)
{
	conflicts_load((struct conflicts *)s, c);
}

static void
conflicts_free(struct screen *s)
{
	struct conflicts *q = (struct conflicts *)s;

	conflict_list_free(&q->list);
	free(q);
}

static const struct screen_ops conflicts_ops = {
	.title = conflicts_title, .keys = conflicts_keys, .draw = conflicts_draw,
	.key = conflicts_key, .resume = conflicts_tick, .free = conflicts_free,
	.tick = conflicts_tick,
};

struct screen *
screen_conflicts_new(struct console *c)
{
	static struct ui_column cols[4];
	struct conflicts *q;

	if (!screen_board_allowed(c)) {
		console_say(c, UI_ERROR, "%s", _("The conflict queue is for supervisors and "
		    "administrators."));
		return NULL;
	}
	q = xcalloc(1, sizeof *q);
	cols[0] = (struct ui_column){ _("Kind"), 10 };
	cols[1] = (struct ui_column){ _("Id"), 22 };
	cols[2] = (struct ui_column){ _("Met"), 17 };
	cols[3] = (struct ui_column){ _("Held by"), 0 };
	q->base.ops = &conflicts_ops;
	q->table = (struct ui_table){ .cols = cols, .ncols = 4, .cell = conflicts_cell,
	    .arg = q, .empty = _("No open conflicts.") };
	conflicts_load(q, c);
	return &q->base;
}

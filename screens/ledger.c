/* The area register (办案区使用登记台账): who entered in a period; exported as CSV and HTML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "clock.h"
#include "doc.h"
#include "form-screen.h"
#include "i18n.h"
#include "officer.h"
#include "when.h"
#include "xmalloc.h"

struct ledger {
	struct screen base;
	struct ui_form fm;
	struct ui_table table;
	struct visit_list rows;
	int64_t from, to;
	struct journal *j;	/* officers' names */
};

static void
ledger_cell(void *arg, int row, int col, char *buf, size_t size)
{
	struct ledger *l = arg;
	const struct visit *v = &l->rows.v[row];
	char t[WHEN_ISO_MAX];

	switch (col) {
	case 0: snprintf(buf, size, "%s", v->name); break;
	case 1: snprintf(buf, size, "%s", v->case_number); break;
	case 2: snprintf(buf, size, "%s", intake_label(intake_reason_keys, intake_reason_labels,
	    3, v->reason)); break;
	case 3: when_format_minute(v->entry_ts, t); snprintf(buf, size, "%s", t); break;
	case 4: when_format_minute(v->exit_ts, t); snprintf(buf, size, "%s", t); break;
	case 5: officer_pair_shown(l->j, v->officer1, v->officer2, buf, size); break;
	}
}

static const char *
ledger_title(struct screen *s)
{
	(void)s;
	return _("Area register");
}

static const char *
ledger_keys(struct screen *s)
{
	(void)s;
	return _("Enter show  F4 export CSV  F5 export HTML  Esc back");
}

static void
ledger_draw(struct screen *s, struct console *c, int y, int x, int h, int w)
{
	struct ledger *l = (struct ledger *)s;

	(void)c;
	table_draw(&l->table, y + 3, x, h - 3, w);
	form_draw(&l->fm, y, x, 2, w);
}

static void
load(struct ledger *l, struct console *c)
{
	struct errmsg em;
	char buf[32];

	form_get(&l->fm, "from", buf, sizeof buf);
	if (when_parse(buf, &l->from) != 0) {
		form_error(&l->fm, "from", _("write it as YYYY-MM-DD"));
		return;
	}
	form_get(&l->fm, "to", buf, sizeof buf);
	if (when_parse(buf, &l->to) != 0) {
		form_error(&l->fm, "to", _("write it as YYYY-MM-DD"));
		return;
	}
	l->to += 86400000;	/* the whole last day */
	visit_list_free(&l->rows);
	if (visit_entered_between(c->in.j, l->from, l->to, &l->rows, &em) != CST_OK)
		console_say(c, UI_ERROR, "%s", em.text);
	table_set_rows(&l->table, (int)l->rows.n);
	console_say(c, UI_OK, _("%zu entries."), l->rows.n);
}

static void
export(struct ledger *l, struct console *c, int html)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 64], day[WHEN_ISO_MAX];
	struct buf b = { 0 };
	struct errmsg em;
	FILE *f;
	int rc;

	if ((size_t)snprintf(dir, sizeof dir, "%s/exports", c->t->dir) >= sizeof dir)
		return;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		console_say(c, UI_ERROR, _("cannot create %s: %s"), dir, strerror(errno));
		return;
	}
	when_format_minute(l->from, day);
	day[10] = '\0';
	if ((size_t)snprintf(path, sizeof path, "%s/register-%s.%s", dir, day,
	    html ? "html" : "csv") >= sizeof path)
		return;
	rc = html ? doc_register_html(c->in.j, l->from, l->to, &b, &em) :
	    doc_register_csv(c->in.j, l->from, l->to, &b, &em);
	if (rc != CST_OK) {
		console_say(c, UI_ERROR, "%s", em.text);
	} else if ((f = fopen(path, "w")) == NULL || fwrite(buf_str(&b), 1, b.len, f) != b.len ||
	    fclose(f) != 0) {
		console_say(c, UI_ERROR, _("cannot write %s: %s"), path, strerror(errno));
	} else {
		console_say(c, UI_OK, _("Written to %s"), path);
	}
	buf_free(&b);
}

static enum ui_result
ledger_key(struct screen *s, struct console *c, int key)
{
	struct ledger *l = (struct ledger *)s;
	enum ui_result r;

	if (key == UI_KEY_PGUP || key == UI_KEY_PGDN)
		return table_key(&l->table, key);
	if (key == ui_key_f(4) || key == ui_key_f(5)) {
		export(l, c, key == ui_key_f(5));
		return UI_HANDLED;
	}
	r = form_key(&l->fm, key);
	if (r == UI_SUBMIT) {
		form_clear_errors(&l->fm);
		load(l, c);
		return UI_HANDLED;
	}
	return r;
}

static void
ledger_free(struct screen *s)
{
	struct ledger *l = (struct ledger *)s;

	visit_list_free(&l->rows);
	form_free(&l->fm);
	free(l);
}

static const struct screen_ops ledger_ops = {
	.title = ledger_title, .keys = ledger_keys, .draw = ledger_draw, .key = ledger_key,
	.free = ledger_free,
};

struct screen *
screen_ledger_new(struct console *c)
{
	static struct ui_column cols[6];
	struct ledger *l = xcalloc(1, sizeof *l);
	char today[WHEN_ISO_MAX];

	cols[0] = (struct ui_column){ _("Name"), 10 };
	cols[1] = (struct ui_column){ _("Case number"), 18 };
	cols[2] = (struct ui_column){ _("Reason"), 8 };
	cols[3] = (struct ui_column){ _("Entered"), 16 };
	cols[4] = (struct ui_column){ _("Left"), 16 };
	cols[5] = (struct ui_column){ _("Officers"), 0 };
	l->base.ops = &ledger_ops;
	l->j = c->in.j;
	form_init(&l->fm);
	form_text(&l->fm, "from", _("From"), 10, 10)->allowed = "0123456789-";
	form_text(&l->fm, "to", _("To"), 10, 10)->allowed = "0123456789-";
	when_format_minute(clock_now_ms(), today);
	today[10] = '\0';
	form_set(&l->fm, "from", today);
	form_set(&l->fm, "to", today);
	l->table = (struct ui_table){ .cols = cols, .ncols = 6, .cell = ledger_cell, .arg = l,
	    .empty = _("Nobody entered in this period.") };
	load(l, c);
	return &l->base;
}

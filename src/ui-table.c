/* Tables that scroll: columns cut and padded by display width, a selected row. */
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "ui.h"

void
table_set_rows(struct ui_table *t, int nrows)
{
	t->nrows = nrows < 0 ? 0 : nrows;
	if (t->sel >= t->nrows)
		t->sel = t->nrows - 1;
	if (t->sel < 0)
		t->sel = 0;
	if (t->top > t->sel)
		t->top = t->sel;
}

static int
column_width(const struct ui_table *t, int c, int w)
{
	int i, fixed = 0;

	if (t->fit && c < UI_TABLE_COLS)
		return t->fitw[c];
	if (t->cols[c].width > 0)
		return t->cols[c].width;
	for (i = 0; i < t->ncols; i++)
		fixed += t->cols[i].width + 1;
	return w - fixed > 4 ? w - fixed : 4;
}

static void
draw_row(struct ui_table *t, int row, int y, int x, int w, enum ui_style st)
{
	char buf[512];
	int c, cx = x, cw;

	for (c = 0; c < t->ncols && cx < x + w; c++) {
		cw = column_width(t, c, w);
		if (cx + cw > x + w)
			cw = x + w - cx;
		buf[0] = '\0';
		if (row < 0)
			snprintf(buf, sizeof buf, "%s", t->cols[c].title);
		else
			t->cell(t->arg, row, c, buf, sizeof buf);
		/* The cell is cut at its width: the column after it keeps its blank separator. */
		ui_put(y, cx, cw, buf, st, UI_PAD | UI_CUT);
		if (cx + cw < x + w)
			ui_put(y, cx + cw, 1, "", st, 1);
		cx += cw + 1;
	}
	if (cx < x + w)
		ui_put(y, cx, x + w - cx, "", st, 1);
}

/* The widths of a table that fits: what the title and the rows from top to top + rows need,
 * the widest shrunk one column at a time while the whole is wider than w; the last column
 * takes what is left. */
static void
fit_columns(struct ui_table *t, int top, int rows, int w)
{
	char buf[512];
	int c, r, total, widest, n = t->ncols < UI_TABLE_COLS ? t->ncols : UI_TABLE_COLS;

	for (c = 0; c < n; c++) {
		t->fitw[c] = text_width(t->cols[c].title);
		for (r = top; r < top + rows && r < t->nrows; r++) {
			buf[0] = '\0';
			t->cell(t->arg, r, c, buf, sizeof buf);
			if (text_width(buf) > t->fitw[c])
				t->fitw[c] = text_width(buf);
		}
	}
	for (;;) {
		total = n - 1;
		widest = 0;
		for (c = 0; c < n; c++) {
			total += t->fitw[c];
			if (t->fitw[c] > t->fitw[widest])
				widest = c;
		}
		if (total <= w || t->fitw[widest] <= 4)
			break;
		t->fitw[widest]--;
	}
	if (n > 0 && total < w)
		t->fitw[n - 1] += w - total;
}

void
table_draw(struct ui_table *t, int y, int x, int h, int w)
{
	int i, rows = h - 1;
	enum ui_style st;

	if (h < 2)
		return;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + rows)
		t->top = t->sel - rows + 1;
	if (t->fit)
		fit_columns(t, t->top, rows, w);
	draw_row(t, -1, y, x, w, UI_TITLE);
	t->page = rows;
	if (t->nrows == 0) {
		ui_put(y + 1, x, w, t->empty ? t->empty : "", UI_DIM, 0);
		return;
	}
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + rows)
		t->top = t->sel - rows + 1;
	for (i = 0; i < rows && t->top + i < t->nrows; i++) {
		int r = t->top + i;

		st = t->row_style ? t->row_style(t->arg, r) : UI_NORMAL;
		draw_row(t, r, y + 1 + i, x, w, r == t->sel ? UI_SELECT : st);
	}
}

enum ui_result
table_key(struct ui_table *t, int key)
{
	int page = t->page > 1 ? t->page : 10;

	if (key == UI_KEY_ENTER)
		return t->nrows > 0 ? UI_SUBMIT : UI_HANDLED;
	if (key == UI_KEY_UP)
		t->sel--;
	else if (key == UI_KEY_DOWN)
		t->sel++;
	else if (key == UI_KEY_PGUP)
		t->sel -= page;
	else if (key == UI_KEY_PGDN)
		t->sel += page;
	else if (key == UI_KEY_HOME)
		t->sel = 0;
	else if (key == UI_KEY_END)
		t->sel = t->nrows - 1;
	else
		return UI_UNHANDLED;
	if (t->sel >= t->nrows)
		t->sel = t->nrows - 1;
	if (t->sel < 0)
		t->sel = 0;
	return UI_HANDLED;
}

/* Text that scrolls: documents, the visit summary, help. Lines wrap by display width. */
#include <stdio.h>
#include <string.h>

#include "ui.h"

/* Calls fn for each display line of text wrapped at width; stops early when fn returns 0. */
static int
each_line(const char *text, int width, int (*fn)(void *arg, const char *s, size_t n),
    void *arg)
{
	const char *p = text, *start;
	int count = 0, used;
	mbstate_t ps;
	wchar_t wc;
	size_t r;

	while (*p) {
		start = p;
		used = 0;
		memset(&ps, 0, sizeof ps);
		while (*p && *p != '\n') {
			r = mbrtowc(&wc, p, strlen(p), &ps);
			if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
				r = 1;
				wc = L'?';
				memset(&ps, 0, sizeof ps);
			}
			if (used + ui_wcwidth(wc) > width)
				break;
			used += ui_wcwidth(wc);
			p += r;
		}
		count++;
		if (fn != NULL && !fn(arg, start, (size_t)(p - start)))
			return count;
		if (*p == '\n')
			p++;
	}
	return count;
}

struct draw_state {
	int y, x, w, h, skip, row;
	enum ui_style st;
};

static int
draw_one(void *arg, const char *s, size_t n)
{
	struct draw_state *d = arg;
	char line[1024];

	if (d->skip > 0) {
		d->skip--;
		return 1;
	}
	if (d->row >= d->h)
		return 0;
	snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), s);
	ui_put(d->y + d->row++, d->x, d->w, line, d->st, 0);
	return 1;
}

int
ui_text_lines(const char *text, int width)
{
	return each_line(text, width, NULL, NULL);
}

void
ui_text_draw(const char *text, int *top, int y, int x, int h, int w)
{
	int lines = ui_text_lines(text, w);
	struct draw_state d = { y, x, w, h, 0, 0, UI_NORMAL };

	if (*top > lines - h)
		*top = lines - h;
	if (*top < 0)
		*top = 0;
	d.skip = *top;
	each_line(text, w, draw_one, &d);
}

enum ui_result
ui_text_key(int *top, int page, int key)
{
	if (key == UI_KEY_UP)
		(*top)--;
	else if (key == UI_KEY_DOWN)
		(*top)++;
	else if (key == UI_KEY_PGUP)
		*top -= page;
	else if (key == UI_KEY_PGDN || key == ' ')
		*top += page;
	else if (key == UI_KEY_HOME)
		*top = 0;
	else
		return UI_UNHANDLED;
	if (*top < 0)
		*top = 0;
	return UI_HANDLED;
}

int
ui_text_put(const char *text, int y, int x, int h, int w, enum ui_style st)
{
	struct draw_state d = { y, x, w, h, 0, 0, st };

	each_line(text, w, draw_one, &d);
	return d.row;
}

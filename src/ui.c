/* The toolkit's base: curses set-up, keys, and text drawn by display width. */
#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text.h"
#include "ui.h"

const int UI_KEY_BTAB = UI_FN(KEY_BTAB), UI_KEY_UP = UI_FN(KEY_UP),
    UI_KEY_DOWN = UI_FN(KEY_DOWN), UI_KEY_LEFT = UI_FN(KEY_LEFT),
    UI_KEY_RIGHT = UI_FN(KEY_RIGHT), UI_KEY_HOME = UI_FN(KEY_HOME), UI_KEY_END = UI_FN(KEY_END),
    UI_KEY_PGUP = UI_FN(KEY_PPAGE), UI_KEY_PGDN = UI_FN(KEY_NPAGE), UI_KEY_DC = UI_FN(KEY_DC),
    UI_KEY_IC = UI_FN(KEY_IC), UI_KEY_BS = UI_FN(KEY_BACKSPACE),
    UI_KEY_RESIZE = UI_FN(KEY_RESIZE);

static attr_t styles[UI_STYLE_COUNT];

int
ui_key_f(int n)
{
	return UI_FN(KEY_F(n));
}

static void
init_styles(void)
{
	static const short fg[UI_STYLE_COUNT] = {
		[UI_BAR] = COLOR_WHITE, [UI_TITLE] = COLOR_CYAN, [UI_ERROR] = COLOR_RED,
		[UI_OK] = COLOR_GREEN, [UI_WARN] = COLOR_YELLOW, [UI_SELECT] = COLOR_BLACK,
		[UI_ALARM] = COLOR_WHITE,
		[UI_FOCUS] = COLOR_BLACK,
	};
	static const short bg[UI_STYLE_COUNT] = {
		[UI_BAR] = COLOR_BLUE, [UI_SELECT] = COLOR_CYAN, [UI_FOCUS] = COLOR_WHITE,
		[UI_ALARM] = COLOR_RED,
	};
	int i;

	styles[UI_LABEL] = A_NORMAL;
	styles[UI_FIELD] = A_UNDERLINE;
	styles[UI_DIM] = A_DIM;
	styles[UI_TITLE] = A_BOLD;
	styles[UI_BAR] = A_REVERSE;
	styles[UI_SELECT] = A_REVERSE;
	styles[UI_FOCUS] = A_REVERSE;
	styles[UI_ERROR] = A_BOLD;
	styles[UI_ALARM] = A_REVERSE | A_BOLD;
	if (!has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	for (i = 1; i < UI_STYLE_COUNT; i++) {
		if (fg[i] == 0 && bg[i] == 0)
			continue;
		init_pair((short)i, fg[i], bg[i] ? bg[i] : -1);
		styles[i] = (styles[i] & ~A_REVERSE) | COLOR_PAIR(i);
	}
	styles[UI_TITLE] |= A_BOLD;
	styles[UI_ERROR] |= A_BOLD;
	styles[UI_ALARM] |= A_BOLD;
}

int
ui_init(void)
{
	if (initscr() == NULL)
		return CST_ERR_IO;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	init_styles();
	return CST_OK;
}

void
ui_end(void)
{
	if (!isendwin())
		endwin();
}

int
ui_read_key(int *key)
{
	wint_t ch;
	int rc = get_wch(&ch);

	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES) {
		*key = ch == KEY_ENTER ? UI_KEY_ENTER : UI_FN((int)ch);
		return 1;
	}
	if (ch == '\r')
		ch = '\n';
	if (ch == 8)
		ch = UI_KEY_BACKSPACE;
	*key = (int)ch;
	return 1;
}

void
ui_size(int *rows, int *cols)
{
	*rows = LINES;
	*cols = COLS;
}

void
ui_clear(void)
{
	erase();
}

/* Where the cursor goes when the screen is put out: the focused field's insertion point, or
 * nowhere (hidden). Kept until the flush because lines drawn after the form move it. */
static int cursor_y = -1, cursor_x;

void
ui_flush(void)
{
	if (cursor_y >= 0 && cursor_y < LINES && cursor_x >= 0 && cursor_x < COLS) {
		curs_set(1);
		move(cursor_y, cursor_x);
	} else {
		curs_set(0);
	}
	refresh();
}

void
ui_beep(void)
{
	beep();
}

void
ui_flash(void)
{
	flash();
}

void
ui_cursor(int y, int x)
{
	cursor_y = y;
	cursor_x = x;
}

/* An unsafe character takes the width of its escape (text_escape_cp), as ui_putw draws it. */
int
ui_wcwidth(wchar_t c)
{
	char esc[TEXT_ESCAPE_MAX];
	int w;

	if (text_escape_cp((unsigned long)c, esc))
		return (int)strlen(esc);
	w = wcwidth(c);
	return w < 0 ? 1 : w;
}

/* Display columns of text as ui_putw draws it (escapes of controls included). */
static int
ui_textw(const wchar_t *text, size_t n)
{
	char esc[TEXT_ESCAPE_MAX];
	int used = 0;
	size_t i;

	for (i = 0; i < n && text[i]; i++)
		used += text_escape_cp((unsigned long)text[i], esc) ? (int)strlen(esc) :
		    ui_wcwidth(text[i]);
	return used;
}

static int put_cut(int y, int x, int width, const wchar_t *text, size_t n, enum ui_style st,
    int pad);

int
ui_putw(int y, int x, int width, const wchar_t *text, size_t n, enum ui_style st, int pad)
{
	int used = 0, w;
	size_t i;
	wchar_t one[2] = { 0, 0 };

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	/* Cut with an ellipsis: the text keeps one column less and "…" takes it. */
	if ((pad & UI_CUT) && ui_textw(text, n) > width)
		return put_cut(y, x, width, text, n, st, pad);
	attrset(styles[st]);
	move(y, x);
	for (i = 0; i < n && text[i]; i++) {
		char esc[TEXT_ESCAPE_MAX];

		/* A control or a bidirectional override shows as its escape, never acts. */
		if (text_escape_cp((unsigned long)text[i], esc)) {
			w = (int)strlen(esc);
			if (used + w > width)
				break;
			addnstr(esc, w);
			used += w;
			continue;
		}
		w = ui_wcwidth(text[i]);
		if (used + w > width)
			break;
		one[0] = wcwidth(text[i]) < 0 ? L'?' : text[i];
		addnwstr(one, 1);
		used += w;
	}
	for (; (pad & UI_PAD) && used < width; used++)
		addch(' ');
	attrset(A_NORMAL);
	return used;
}

static int
put_cut(int y, int x, int width, const wchar_t *text, size_t n, enum ui_style st, int pad)
{
	int used = ui_putw(y, x, width - 1, text, n, st, 0);

	used += ui_putw(y, x + used, 1, L"…", 1, st, 0);
	for (attrset(styles[st]); (pad & UI_PAD) && used < width; used++)
		addch(' ');
	attrset(A_NORMAL);
	return used;
}

int
ui_put(int y, int x, int width, const char *text, enum ui_style st, int pad)
{
	wchar_t wbuf[512];
	mbstate_t ps;
	const char *p = text;
	size_t n = 0, r;

	memset(&ps, 0, sizeof ps);
	while (*p && n < sizeof wbuf / sizeof wbuf[0] - 1) {
		r = mbrtowc(&wbuf[n], p, strlen(p), &ps);
		if (r == (size_t)-1 || r == (size_t)-2) {
			wbuf[n++] = L'?';
			p++;
			memset(&ps, 0, sizeof ps);
			continue;
		}
		if (wbuf[n] == L'\n' || wbuf[n] == L'\t')
			wbuf[n] = L' ';
		p += r;
		n++;
	}
	return ui_putw(y, x, width, wbuf, n, st, pad);
}

void
ui_hline(int y, int x, int width, enum ui_style st)
{
	if (y < 0 || y >= LINES || width <= 0)
		return;
	attrset(styles[st]);
	mvhline(y, x, ACS_HLINE, width);
	attrset(A_NORMAL);
}

void
ui_box(int y, int x, int h, int w, enum ui_style st)
{
	int i;

	if (h < 2 || w < 2)
		return;
	attrset(styles[st]);
	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	attrset(A_NORMAL);
}

/*
 * The console's toolkit on ncursesw: keys, text drawn by display width, form fields, tables
 * and dialogs. Screens (screens/) are built from these and never call curses themselves.
 */
#ifndef CUSTODY_UI_H
#define CUSTODY_UI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/*
 * A key is a character (its code point) or a function key: UI_FN(curses KEY_ code), kept
 * apart from characters so that no code point is mistaken for a function key.
 */
#define UI_FN_BASE 0x200000
#define UI_FN(k) (UI_FN_BASE + (k))
#define UI_IS_FN(k) ((k) >= UI_FN_BASE)
enum {
	UI_KEY_TAB = '\t',
	UI_KEY_ENTER = '\n',
	UI_KEY_ESC = 27,
	UI_KEY_BACKSPACE = 127,
	UI_KEY_CTRL_U = 21
};
/* Function keys by name (resolved in ui.c where curses.h is included). */
extern const int UI_KEY_BTAB, UI_KEY_UP, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT, UI_KEY_HOME,
    UI_KEY_END, UI_KEY_PGUP, UI_KEY_PGDN, UI_KEY_DC, UI_KEY_IC, UI_KEY_BS, UI_KEY_RESIZE;
int ui_key_f(int n);	/* F1..F12 */

/* What a key handler did with a key. */
enum ui_result { UI_UNHANDLED = 0, UI_HANDLED, UI_SUBMIT, UI_CANCEL };

/* Colour pairs / attributes by role. */
enum ui_style { UI_NORMAL, UI_BAR, UI_TITLE, UI_LABEL, UI_FIELD, UI_FOCUS, UI_ERROR, UI_OK,
    UI_DIM, UI_SELECT, UI_WARN, UI_ALARM, UI_STYLE_COUNT };

int ui_init(void);		/* curses on, keypad, no echo; CST_OK or CST_ERR_IO */
void ui_end(void);
int ui_read_key(int *key);	/* non-blocking: 1 with a key, 0 with none */
void ui_size(int *rows, int *cols);
void ui_clear(void);
void ui_flush(void);		/* puts what was drawn on the terminal, the cursor last */
void ui_beep(void);
void ui_flash(void);
void ui_cursor(int y, int x);	/* where ui_flush leaves it; y < 0 hides it */

/*
 * Draws UTF-8 text at (y, x) in at most width columns, cut by display width (a wide
 * character that does not fit leaves a space), padded with spaces to width when pad has
 * UI_PAD; with UI_CUT a text that does not fit ends with "…" in its last column.
 * Returns the columns used.
 */
#define UI_PAD 1
#define UI_CUT 2
int ui_put(int y, int x, int width, const char *text, enum ui_style st, int pad);
/* The same for wide characters (the form's editing buffer). */
int ui_putw(int y, int x, int width, const wchar_t *text, size_t n, enum ui_style st, int pad);
void ui_hline(int y, int x, int width, enum ui_style st);
void ui_box(int y, int x, int h, int w, enum ui_style st);
/* Display width of a wide character (wcwidth, 1 for unprintables). */
int ui_wcwidth(wchar_t c);

/* ---- Form fields ---- */

#define UI_FIELD_CHARS 128	/* characters one field holds at most */
#define UI_ERROR_MAX 256

enum ui_field_kind {
	UF_TEXT,	/* free text */
	UF_SECRET,	/* shown as stars */
	UF_CHOICE,	/* one of a list: Left/Right, or type to pick from the list */
	UF_BUTTON	/* a line that does something on Enter (opens a list, saves) */
};

struct ui_field {
	const char *key;		/* as in intake_error.field */
	const char *label;		/* translated */
	const char *hint;		/* shown greyed while empty, e.g. "YYYY-MM-DD" */
	enum ui_field_kind kind;
	int max_chars;			/* characters */
	size_t max_bytes;		/* bytes of UTF-8 */
	const char *allowed;		/* ASCII characters allowed, or NULL for any */
	const char *const *choices;	/* UF_CHOICE: translated labels */
	int nchoices;
	int choice;			/* -1 while none is picked */
	wchar_t text[UI_FIELD_CHARS + 1];
	int len, cursor, scroll;	/* in characters; scroll: first shown */
	char error[UI_ERROR_MAX];
	char note[UI_ERROR_MAX];	/* a hint to the right when there is no error */
	int hidden;
	/* Characters typed or pasted past the limit and not taken (or a value form_get could
	 * not hold whole): the field says so until it is edited, and F2 is refused meanwhile. */
	int overflow;
	struct ui_pick *pick;		/* a list that follows what is typed (form_pick) */
};

struct ui_form {
	struct ui_field *f;
	int n, cap;
	int focus;
	int top;			/* first row shown when the form scrolls */
	int label_width;		/* columns, computed from the labels */
};

void form_init(struct ui_form *fm);
void form_free(struct ui_form *fm);
struct ui_field *form_text(struct ui_form *fm, const char *key, const char *label,
    int max_chars, size_t max_bytes);
struct ui_field *form_secret(struct ui_form *fm, const char *key, const char *label,
    int max_chars);
struct ui_field *form_choice(struct ui_form *fm, const char *key, const char *label,
    const char *const *choices, int n);
struct ui_field *form_button(struct ui_form *fm, const char *key, const char *label);
struct ui_field *form_field(struct ui_form *fm, const char *key);

/*
 * The field's text as trimmed UTF-8 ("" when absent). A text that does not fit in size is
 * never cut silently: the field is marked overflowed (form_overflowed) and buf is "".
 */
const char *form_get(struct ui_form *fm, const char *key, char *buf, size_t size);
/* The key of the first field that overflowed (the focus goes there), or NULL. */
const char *form_overflowed(struct ui_form *fm);
void form_set(struct ui_form *fm, const char *key, const char *utf8);
int form_choice_of(struct ui_form *fm, const char *key);	/* -1 none */
void form_set_choice(struct ui_form *fm, const char *key, int i);
/* Puts a message next to a field and moves the focus there (key NULL: no field). */
void form_error(struct ui_form *fm, const char *key, const char *msg);
void form_clear_errors(struct ui_form *fm);
void form_focus(struct ui_form *fm, const char *key);

/* Draws the form in the rectangle; places the cursor in the focused field. */
void form_draw(struct ui_form *fm, int y, int x, int h, int w);
/*
 * Tab / Shift-Tab / Up / Down move between fields, Enter moves on and gives UI_SUBMIT on the
 * last field or a button, F2 gives UI_SUBMIT, editing keys edit; UI_UNHANDLED otherwise.
 * A submit while a field has overflowed is refused (UI_HANDLED, the focus on that field).
 */
enum ui_result form_key(struct ui_form *fm, int key);

/* ---- Picking from a list that follows what is typed (src/ui-pick.c) ---- */

#define UI_PICK_ROWS 5
#define UI_PICK_VALUE 72		/* bytes: what the form gives (an officer number) */
#define UI_PICK_SHOWN 160		/* bytes: what the field shows ("刘洋 010231") */

struct ui_pick_row {
	char value[UI_PICK_VALUE];
	char shown[UI_PICK_SHOWN];
};
/* The screen's search: at most max rows matching typed (UTF-8); returns how many. */
typedef int ui_pick_fn(void *arg, const char *typed, struct ui_pick_row *rows, int max);

/*
 * A text field with a list of matches under it while the clerk types: Up/Down choose,
 * Enter or Tab picks and moves on; the field then shows the row and form_get gives its
 * value. Typing over a picked value starts again.
 */
struct ui_field *form_pick(struct ui_form *fm, const char *key, const char *label,
    int max_chars, size_t max_bytes, ui_pick_fn *fn, void *arg);
/* Sets a pick field to a value as if picked (shown as fn finds it, or the value alone). */
void form_pick_set(struct ui_form *fm, const char *key, const char *value);
/*
 * F5 in the field calls add with what is typed (to add what the list lacks); the list then
 * says so when nothing matches. arg replaces fn's argument and is freed with the field.
 */
typedef void ui_pick_add_fn(void *arg, const char *typed);
void form_pick_on_add(struct ui_field *f, ui_pick_add_fn *add, void *arg);

/* ---- Tables ---- */

#define UI_TABLE_COLS 12		/* columns of a table that fits (fit) at most */

struct ui_column {
	const char *title;		/* translated */
	int width;			/* display columns; 0 takes the rest */
};

struct ui_table {
	const struct ui_column *cols;
	int ncols;
	int nrows;
	int sel, top;
	int page;			/* rows shown at the last draw */
	/* Writes the text of a cell into buf (UTF-8). */
	void (*cell)(void *arg, int row, int col, char *buf, size_t size);
	/* Optional: a row's style (UI_NORMAL, UI_WARN, UI_ERROR…). */
	enum ui_style (*row_style)(void *arg, int row);
	void *arg;
	const char *empty;		/* shown when there are no rows */
	/* Set: the widths are those of the titles and the cells shown, the widest shrunk first
	 * when they do not fit, so short texts (ids, counts) stay whole in a narrow window. */
	int fit;
	int fitw[UI_TABLE_COLS];
};

void table_draw(struct ui_table *t, int y, int x, int h, int w);
/* Up/Down/PgUp/PgDn/Home/End move the selection; Enter gives UI_SUBMIT. */
enum ui_result table_key(struct ui_table *t, int key);
void table_set_rows(struct ui_table *t, int nrows);

/* ---- Text that scrolls (wrapped by display width) ---- */

int ui_text_lines(const char *text, int width);
/* Draws from line *top (clamped so the last page is full). */
void ui_text_draw(const char *text, int *top, int y, int x, int h, int w);
/* Draws text wrapped from its first line in style st, at most h lines; the lines drawn. */
int ui_text_put(const char *text, int y, int x, int h, int w, enum ui_style st);
/* Up/Down/PgUp/PgDn/Space/Home move *top. */
enum ui_result ui_text_key(int *top, int page, int key);

#endif

/* The form's side of pick fields (src/ui-pick.c); screens use form_pick in ui.h. */
#ifndef CUSTODY_UI_PICK_H
#define CUSTODY_UI_PICK_H

#include "ui.h"

void pick_free(struct ui_field *f);
/* The value form_get gives: the picked one, the only match, or NULL (what was typed). */
const char *pick_value(const struct ui_field *f);
/* A key for the focused pick field before the form's own handling. */
enum ui_result pick_key(struct ui_form *fm, struct ui_field *f, int key);
/* After an edit of the field's text: the list follows. */
void pick_edited(struct ui_form *fm, struct ui_field *f);
/* The list under (or, without room, above) the field at row y, w columns. */
void pick_draw(const struct ui_field *f, int y, int x, int w, int below, int above);
/* Forgets the picked value (form_set of plain text). */
void pick_forget(struct ui_field *f);

#endif

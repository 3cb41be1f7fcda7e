/*
 * The fields that name a person by number: officers (警号, picked from the register by
 * number, name or pinyin initials) and custodians (an officer or an operator).
 */
#ifndef CUSTODY_OFFICER_PICK_H
#define CUSTODY_OFFICER_PICK_H

#include "console.h"
#include "ui.h"

struct ui_field *officer_pick_field(struct ui_form *fm, struct console *c, const char *key,
    const char *label);
/* The same over officers and operators (the belongings custodian). */
struct ui_field *person_pick_field(struct ui_form *fm, struct console *c, const char *key,
    const char *label);

#endif

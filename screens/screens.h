/* Every screen and dialog of the console: constructors only (each file is one screen). */
#ifndef CUSTODY_SCREENS_H
#define CUSTODY_SCREENS_H

#include "console.h"
#include "uuid.h"

/* Login; with lock set, the idle lock over whatever was open. */
struct screen *screen_login_new(struct console *c, int lock);
/* The room's first screen: everyone in the area and what this room does to them. */
struct screen *screen_home_new(struct console *c);
struct screen *screen_register_new(struct console *c);
struct screen *screen_visit_new(struct console *c, const char *visit);
/* Whether s is the visit screen of visit. */
int screen_shows_visit(const struct screen *s, const char *visit);
/* Correcting a field of the registration, approved by a supervisor (screens/correct.c). */
struct screen *screen_correct_new(struct console *c, const char *visit);
struct screen *screen_search_new(struct console *c, const char *visit);
struct screen *screen_belongings_new(struct console *c, const char *visit);
struct screen *screen_collect_new(struct console *c, const char *visit);
struct screen *screen_move_new(struct console *c, const char *visit);
struct screen *screen_temp_exit_new(struct console *c, const char *visit);
struct screen *screen_exit_new(struct console *c, const char *visit);
struct screen *screen_find_new(struct console *c);
struct screen *screen_ledger_new(struct console *c);	/* the area register */
/* The supervision board: NULL (with a message) for an operator who is not a supervisor or
 * an admin; screen_board_allowed says beforehand. */
struct screen *screen_board_new(struct console *c);
int screen_board_allowed(const struct console *c);
/* The board's open alerts with alert_id chosen (F12 from the status line). */
struct screen *screen_board_at(struct console *c, const char *alert_id);
/* The conflict queue (ids held twice after a sync): for whom screen_board_allowed says. */
struct screen *screen_conflicts_new(struct console *c);
/* Shows a rendered document; F2 has the named signer confirm it (a typed confirmation). */
struct screen *screen_sign_new(struct console *c, const char *visit, int doc_kind,
    const char *signer_role, const char *signer_name);
struct screen *screen_help_new(struct console *c, const char *topic_title, const char *text);
/*
 * After a failed write: the journal stopped (F5 reopens it; nothing else is possible while
 * nothing can be written), and the notice of what was recorded: the step that failed,
 * recorded or not, and the operator's last recorded event (screens/stopped.c).
 */
struct screen *screen_stopped_new(struct console *c);
int screen_is_stopped(const struct screen *s);
struct screen *screen_recorded_new(struct console *c);

/* The property room (涉案财物): locations and items, one item, registering one, an
 * inventory of a location with the UHF reader (screens/property-*.c). */
struct screen *screen_property_home_new(struct console *c);
struct screen *screen_property_register_new(struct console *c, const char *case_number);
struct screen *screen_property_item_new(struct console *c, const char *item);
struct screen *screen_property_inventory_new(struct console *c, const char *location);
/* Writes the SVG and PNG label of an item (item set) or of a case into DATA/exports/ and
 * says where on the message line; CST_OK or the error it showed. */
int screen_property_label(struct console *c, const char *item, const char *case_number);
/*
 * A tag field filled by the readers (screens/property-tag.c): the UHF reader inventories
 * while such a form is open (on 1, off 0); a UHF read or a 13.56 MHz tap puts the tag into
 * the field "tag" when it differs from the last one put there (last: PROP_TAG_MAX + 1 bytes,
 * the caller's), so that a tag read again and again does not undo the clerk's editing.
 */
void property_tag_reader(struct console *c, int on);
int property_tag_read(struct console *c, struct ui_form *fm, const struct dev_event *ev,
    char *last, size_t size);

/* Writes the chain of custody of an item or a case as text, HTML and CSV into exports/. */
int screen_property_history_export(struct console *c, const char *item,
    const char *case_number);

/*
 * Dialogs. A form dialog owns fm (built by the caller); on F2 or Enter on the last field it
 * calls ok, which returns 0 to close the dialog or non-zero to keep it open (with the errors
 * it set on the form). Esc closes it without calling ok.
 */
typedef int dialog_form_fn(void *arg, struct console *c, struct ui_form *fm);
struct screen *dialog_form_new(const char *title, struct ui_form *fm, dialog_form_fn *ok,
    void *arg);
/* A device event while the form dialog s is on top goes to fn (1 when it used it). */
typedef int dialog_device_fn(void *arg, struct console *c, struct ui_form *fm,
    const struct dev_event *ev);
void dialog_form_on_device(struct screen *s, dialog_device_fn *fn);
typedef void dialog_confirm_fn(void *arg, struct console *c, int yes);
struct screen *dialog_confirm_new(const char *title, const char *text, dialog_confirm_fn *fn,
    void *arg);
/*
 * A supervisor's credentials (id, password) and, when with_reason, a written reason; ok
 * gets them and returns 0 to close or non-zero to keep the dialog open.
 */
typedef int dialog_cred_fn(void *arg, struct console *c, const char *id, const char *password,
    const char *reason, struct ui_form *fm);
struct screen *dialog_credentials_new(const char *title, int with_reason,
    dialog_cred_fn *ok, void *arg);

/* The steps ('1' register … '7' exit) a room's terminal offers, and opening one. */
const char *screen_room_steps(const char *room);
int screen_step_open(struct console *c, int digit, const char *visit);
void screen_step_keys(const char *room, int with_register, char *out, size_t size);

/*
 * The line said when an action succeeded: fmt, or, when it was a redo of an act recorded
 * before (e->already), that it was already recorded and when, so nothing is recorded twice.
 */
void screen_done(struct console *c, const struct intake_error *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Shows an intake refusal: next to its field when the form has it, else on the message line. */
void screen_show_error(struct console *c, struct ui_form *fm, const struct intake_error *e);

#endif

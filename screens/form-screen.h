/*
 * The shape shared by the step screens: a form about one visit (or none), a header line with
 * the person, a save function, optional lines drawn under the form (lists of items).
 */
#ifndef CUSTODY_FORM_SCREEN_H
#define CUSTODY_FORM_SCREEN_H

#include "draft.h"
#include "json.h"
#include "screens.h"
#include "visit.h"

struct form_screen {
	struct screen base;
	struct ui_form fm;
	char visit_id[UUID_LEN + 1];
	struct visit v;			/* when visit_id is set */
	const char *title;
	const char *help;
	/* F2: checks and acts; closes the screen itself when done. */
	void (*save)(struct form_screen *fs, struct console *c);
	/* Enter on a button field. */
	void (*button)(struct form_screen *fs, struct console *c, const char *key);
	/* Lines under the form (the rows it gets), and the extra state's free. */
	/* A device event while the screen is on top; 1 when it used it. */
	int (*device)(struct form_screen *fs, struct console *c, int dev,
	    const struct dev_event *ev);
	void (*draw_extra)(struct form_screen *fs, int y, int x, int h, int w);
	/* Before each draw: a form may relabel fields by what is chosen (NULL: none). */
	void (*relabel)(struct form_screen *fs);
	void (*free_extra)(void *extra);
	void *extra;
	int action;			/* enum action the stage rules check, -1 for none */
	/* The id of the act this form saves (DESIGN.md §4): made when it opens, a new one after
	 * each act that leaves the form open. */
	char action_id[UUID_LEN + 1];
	char override_id[UUID_LEN + 1];	/* the override dialog's (F6) */
	/*
	 * The form's draft (src/draft.h), kept from form_screen_draft on: every field but secrets
	 * and buttons by key, and what draft_save_extra writes (one JSON value: the lists). It is
	 * written each second when it changed, dropped when the act is recorded or discarded.
	 */
	char draft_kind[DRAFT_KIND_MAX + 1];	/* "" keeps no draft */
	char draft_subject[DRAFT_SUBJECT_MAX + 1];
	struct draft_store *drafts;
	char *draft_clean;		/* the form as it opened, without the action id */
	char *draft_kept;		/* the draft on disk (NULL: none) */
	void (*draft_save_extra)(struct form_screen *fs, struct jw *w);
	/* Restores the lists from what draft_save_extra wrote, checking every bound as input. */
	void (*draft_load_extra)(struct form_screen *fs, const struct json *extra);
};

/* The console's intake acting with this form's action id. */
struct intake form_screen_in(struct form_screen *fs, struct console *c);
/* The act is recorded and the form stays open: the next save is another act. */
void form_screen_acted(struct form_screen *fs);

/*
 * Keeps a draft of this form under (kind, subject: the visit, "" for none): call at the end
 * of the constructor, when the fields and their first values are in place. A draft kept
 * before is restored (with its action id, so a save recorded before a crash is not recorded
 * twice) and the clerk told; a damaged one is dropped with a message.
 */
void form_screen_draft(struct form_screen *fs, struct console *c, const char *kind,
    const char *subject);
/* The i-th element of a draft's row (a JSON array) into dst when it is a string that fits:
 * 0; otherwise dst is "" and -1 (the row is skipped by the caller). */
int form_screen_draft_str(const struct json *row, size_t i, char *dst, size_t size);
/* The act was recorded outside F2 (a dialog's callback closing the form): no draft now. */
void form_screen_recorded(struct form_screen *fs);

/*
 * Leaving a screen with unsaved input: Enter keeps the draft and leaves (FORM_KEEP), D
 * discards it (FORM_DISCARD), Esc stays (FORM_STAY). text says what would be lost.
 */
enum { FORM_KEEP, FORM_DISCARD, FORM_STAY };
typedef void form_leave_fn(void *arg, struct console *c, int choice);
struct screen *form_screen_leave_new(const char *text, form_leave_fn *fn, void *arg);

/* Checks the stage rules for fs->action and says why not (F6 offers an override). */
void form_screen_check_stage(struct form_screen *fs, struct console *c);

/* Allocates size bytes (>= sizeof(struct form_screen)) and loads the visit; NULL when gone. */
struct form_screen *form_screen_new(struct console *c, size_t size, const char *visit,
    const char *title, const char *help);

/* The person line drawn above every step form. */
void form_screen_person(const struct visit *v, char *out, size_t size);
/* Parses a "YYYY-MM-DD HH:MM" field; 0 and an error beside the field when it is not one. */
int form_screen_time(struct ui_form *fm, const char *key, int64_t *ms);

/* Fills dst with the translations of n untranslated labels and returns it. */
const char *const *form_screen_labels(const char *const *src, int n, const char **dst);
/* Letters, digits and - _ . : what officer numbers, case numbers and ids are made of. */
#define CODE_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_."

#endif

/*
 * Drafts of open forms, outside the signed journal: DATA/drafts.db (its own SQLite file) holds
 * one sealed box per (screen kind, subject), sealed with the terminal-local key
 * DATA/drafts.key (docs/console.md, "Drafts"). A draft's text is a small JSON document: the
 * form's action id, each field's text and choice, and the screen's extra lists.
 */
#ifndef CUSTODY_DRAFT_H
#define CUSTODY_DRAFT_H

#include <stddef.h>

#include "error.h"
#include "json.h"
#include "uuid.h"

#define DRAFT_FILE "drafts.db"
#define DRAFT_KEY_FILE "drafts.key"
#define DRAFT_KIND_MAX 32		/* bytes of a screen kind ("search", "inventory") */
#define DRAFT_SUBJECT_MAX 128		/* bytes of a subject (a visit id, a location) */
#define DRAFT_MAX (1u << 20)		/* bytes of a draft's text */
#define DRAFT_FIELDS_MAX 64		/* fields of one form */
#define DRAFT_KEY_MAX 47		/* bytes of a field's key */
#define DRAFT_TEXT_MAX 512		/* bytes of a field's text */
#define DRAFT_CHOICE_MAX 4096		/* choices of one field */

struct draft_store;

/* Opens DIR/drafts.db, creating it and DIR/drafts.key (0600) on first use. */
int draft_open(const char *dir, struct draft_store **out, struct errmsg *em);
void draft_close(struct draft_store *ds);

/* Seals text (n <= DRAFT_MAX bytes) as the draft of (kind, subject), replacing any. */
int draft_put(struct draft_store *ds, const char *kind, const char *subject, const char *text,
    size_t n, struct errmsg *em);
/*
 * The draft of (kind, subject) into *text (malloc'ed, NUL-terminated, *n bytes). CST_ERR_NOTFOUND
 * when there is none; CST_ERR_CORRUPT when its box does not open (altered, another key, too
 * long): it is deleted and the message says so.
 */
int draft_get(struct draft_store *ds, const char *kind, const char *subject, char **text,
    size_t *n, struct errmsg *em);
/* Deletes the draft of (kind, subject); none is not an error. */
int draft_delete(struct draft_store *ds, const char *kind, const char *subject,
    struct errmsg *em);
/* 1 when (kind, subject) has a draft. */
int draft_exists(struct draft_store *ds, const char *kind, const char *subject);

/* ---- The draft's text ---- */

struct draft_field {
	char key[DRAFT_KEY_MAX + 1];
	char text[DRAFT_TEXT_MAX + 1];
	int choice;			/* -1: none */
};

struct draft {
	char action_id[UUID_LEN + 1];
	struct draft_field f[DRAFT_FIELDS_MAX];
	int n;
	struct json *doc;		/* owns extra */
	const struct json *extra;	/* the screen's own part (JSON_NULL when absent) */
};

/*
 * Parses {"v":1,"action":UUID,"fields":{KEY:{"t":TEXT,"c":CHOICE},…},"extra":…} within the
 * bounds above; CST_ERR_INPUT with a message otherwise. draft_free after either.
 */
int draft_decode(const char *text, size_t n, struct draft *d, struct errmsg *em);
void draft_free(struct draft *d);
/* The writer's side: starts the document (action and the "fields" object opened). */
void draft_begin(struct jw *w, const char *action_id);
void draft_field(struct jw *w, const char *key, const char *text, int choice);
/* Closes "fields"; the caller may then write jw_key(w, "extra") and a value, then draft_end. */
void draft_fields_end(struct jw *w);
void draft_end(struct jw *w);

#endif

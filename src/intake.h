/*
 * The actions of the intake loop: each checks its input and the stage rules against the
 * projections, then appends one signed event (and returns after the commit). Screens call
 * these; they never write SQL or build event bodies themselves.
 */
#ifndef CUSTODY_INTAKE_H
#define CUSTODY_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "biometric.h"
#include "error.h"
#include "journal.h"
#include "stage.h"
#include "uuid.h"

/*
 * Field limits, in bytes of UTF-8, and in characters for the texts a clerk types: a byte
 * limit is 4 bytes a character, so that a Chinese name of IN_NAME_CHARS fits whole.
 */
#define IN_NAME_CHARS 32
#define IN_NAME_MAX (4 * IN_NAME_CHARS)
#define IN_TEXT_CHARS 100
#define IN_TEXT_MAX (4 * IN_TEXT_CHARS)	/* addresses, findings, notes */
#define IN_SHORT_MAX 48		/* officer numbers, case numbers, rooms, lockers, bands */
#define IN_CAUSE_MAX 120		/* the free-text cause (案由), about 40 characters */
#define IN_ITEMS_MAX 64		/* items in one search or belongings list */
#define INTAKE_COLLECTION_ITEMS 5

/* The collection checklist: stable keys in events and translated labels. */
extern const char *const intake_collection_keys[INTAKE_COLLECTION_ITEMS];
const char *intake_collection_label(int i);

/* Keys and labels of the fixed choices (index order = pick list order). */
extern const char *const intake_reason_keys[3];	/* criminal, administrative, other */
extern const char *const intake_reason_labels[3];
extern const char *const intake_destination_keys[5];
extern const char *const intake_destination_labels[5];
extern const char *const intake_purpose_keys[4];	/* temporary exit purposes */
extern const char *const intake_purpose_labels[4];
extern const char *const intake_category_keys[8];	/* belongings categories */
extern const char *const intake_category_labels[8];
/* Categories of an item found in a search: the belongings' and what only case property holds. */
#define INTAKE_SEARCH_CATEGORIES 10
extern const char *const intake_search_category_keys[INTAKE_SEARCH_CATEGORIES];
extern const char *const intake_search_category_labels[INTAKE_SEARCH_CATEGORIES];
/* The translated label of a key from one of the lists above, or the key itself. */
const char *intake_label(const char *const *keys, const char *const *labels, size_t n,
    const char *key);

struct intake {
	struct journal *j;
	char operator_[EV_MAX_ID + 1];	/* who is logged in */
	int max_failures;		/* for supervisor credentials */
	int64_t lockout_ms;
	/*
	 * The action id (DESIGN.md §4): made when the form opens and kept with it, so that saving
	 * it again after a failed write records nothing twice. A screen passes a copy of the
	 * console's intake with its form's id (intake_for); NULL: a new id for each event.
	 */
	const char *action;
};

/*
 * What became of an action: why it was refused (the form field to point at, NULL for none,
 * and the message), or, when it returned CST_OK, which event records it.
 */
struct intake_error {
	const char *field;
	int needs_override;	/* a supervisor's override would allow it */
	struct errmsg em;
	int already;		/* CST_OK, but its action id was recorded before: nothing new */
	int64_t seq, ts;	/* the event that records the action (this terminal's chain) */
	char subject[EV_MAX_ID + 1];	/* and its subject */
};

/* A copy of in acting with the action id action (which must outlive the copy's use). */
struct intake intake_for(const struct intake *in, const char *action);
/*
 * The action id of one of several events of one action (a checklist's items, a button of a
 * form): a name-based UUID from the action's id and the part's key, the same on every redo.
 */
void intake_part(const char *action, const char *part, char out[UUID_LEN + 1]);

struct registration {
	char name[IN_NAME_MAX + 1];
	char sex;			/* 'M' or 'F' */
	char ethnicity[4];		/* GB/T 3304 code */
	char birth_date[11];		/* YYYY-MM-DD */
	char address[IN_TEXT_MAX + 1];
	char id_number[32];		/* the document's number ("" for none) */
	char phone[24];
	/*
	 * The document (idcard_doc_keys; "" a resident ID card, as before issue 16), and what
	 * it carries: nationality (alpha-3) of foreign documents, an English name, a residence
	 * permit's pass number and times issued (or a 2023 card's renewals); for "none" a note
	 * of why there is none (required).
	 */
	char doc_type[16];
	char nationality[4];
	char name_en[IN_NAME_MAX + 1];
	char pass_number[24];
	char doc_issues[4];
	char doc_note[IN_TEXT_MAX + 1];
	char case_number[IN_SHORT_MAX + 1];
	char reason[16];		/* intake_reason_keys */
	char cause[IN_CAUSE_MAX + 1];	/* optional free text, e.g. 涉嫌盗窃 */
	int serious;			/* the 24 h ceiling applies */
	char officer1[IN_SHORT_MAX + 1], officer2[IN_SHORT_MAX + 1];
	int64_t entry_ts;		/* 0: now */
	char band[IN_SHORT_MAX + 1];	/* optional */
};

int intake_register(struct intake *in, const struct registration *r,
    char visit_out[UUID_LEN + 1], struct intake_error *err);

int intake_bind_band(struct intake *in, const char *visit, const char *band,
    struct intake_error *err);
int intake_unbind_band(struct intake *in, const char *visit, struct intake_error *err);

struct search_item {
	char category[16];		/* intake_search_category_keys; "" when not given */
	char description[IN_TEXT_MAX + 1];
	char quantity[16];
	char unit[16];
	int to_property;		/* 0: belongings, 1: case property */
};

struct injury {
	char area[IN_SHORT_MAX + 1];	/* body area */
	char description[IN_TEXT_MAX + 1];
};

struct search_record {
	char officer[IN_SHORT_MAX + 1];
	char officer_sex;		/* must be the person's sex */
	char witness[IN_SHORT_MAX + 1];
	char health[IN_TEXT_MAX + 1];	/* the person's health statement */
	struct injury injuries[IN_ITEMS_MAX];
	size_t ninjuries;
	struct search_item items[IN_ITEMS_MAX];
	size_t nitems;
};

int intake_search(struct intake *in, const char *visit, const struct search_record *s,
    struct intake_error *err);

struct belonging {
	char category[16];		/* intake_category_keys */
	char description[IN_TEXT_MAX + 1];
	char quantity[16];
	char unit[16];
	char notes[IN_TEXT_MAX + 1];
};

struct belongings_list {
	char locker[IN_SHORT_MAX + 1];
	char custodian[IN_SHORT_MAX + 1];	/* may not be one of the case's officers */
	struct belonging items[IN_ITEMS_MAX];
	size_t nitems;
};

int intake_belongings(struct intake *in, const char *visit, const struct belongings_list *b,
    struct intake_error *err);
/* Every held item returned to the person (to_property 0) or moved to case property. */
int intake_return_belongings(struct intake *in, const char *visit, int to_property,
    struct intake_error *err);
/* Where each chosen item goes: the belonging's n (visit_belongings) and its destination. */
struct return_choice {
	int n;
	int to_property;		/* 0: back to the person, 1: case property */
};
#define IN_RETURN_MAX 256		/* items in one belongings.returned */
/* The chosen held items, each to the person or to case property (one event). */
int intake_return_items(struct intake *in, const char *visit, const struct return_choice *ch,
    size_t n, struct intake_error *err);

int intake_collect(struct intake *in, const char *visit, const char *item, const char *result,
    int skipped, const char *reason, struct intake_error *err);

/* Into a waiting room (interrogation 0) or an interrogation room (1), with the officers. */
int intake_move(struct intake *in, const char *visit, const char *room, int interrogation,
    const char *officer1, const char *officer2, struct intake_error *err);

int intake_temp_exit(struct intake *in, const char *visit, const char *purpose,
    const char *reason, const char *approver, const char *approver_password,
    const char *officer1, const char *officer2, int64_t return_ts, struct intake_error *err);
int intake_temp_return(struct intake *in, const char *visit, struct intake_error *err);

int intake_exit(struct intake *in, const char *visit, const char *destination,
    const char *supervisor, const char *password, const char *note, struct intake_error *err);

/* A supervisor's override of the stage order for one action, with a written reason. */
int intake_override(struct intake *in, const char *visit, enum action a,
    const char *supervisor, const char *password, const char *reason,
    struct intake_error *err);

/*
 * A correction (record.corrected) of one field of a registration (correct.h lists them;
 * sex is "M" or "F", ethnicity its GB/T 3304 code): the new value passes the checks of a
 * registration (an ID number its check digit and the sex; its birth date follows it), a
 * written reason, and a supervisor's approval (purpose "correction"). The event names the
 * person.registered it corrects and the field's old and new value.
 * An item's description, quantity or unit (field: its key, correct.h "search.K.I.FIELD" or
 * "belonging.N.FIELD") is corrected the same way; the event names the search.recorded or
 * belongings.logged and the item's index in its list.
 */
int intake_correct(struct intake *in, const char *visit, const char *field, const char *value,
    const char *reason, const char *supervisor, const char *password,
    struct intake_error *err);

/* A fingerprint signature's proof: the finger matched 1:1 against the person's enrolled
 * template, the module's score, and which fingerprint.enrolled event it was. */
struct sign_match {
	char finger[12];
	int score;
	char enrolled_terminal[EV_MAX_ID + 1];
	int64_t enrolled_seq;
};

/*
 * An e-signature: binds the document kind, the exact text signed (kept in the event) and its
 * BLAKE2b-256 hash, the signer's role and name, and how they signed: "typed" (a typed
 * confirmation, match NULL) or "fingerprint" (a finger press that matched, match given).
 */
int intake_sign(struct intake *in, const char *visit, const char *document,
    const char *signer_role, const char *signer_name, const char *method, const char *text,
    const struct sign_match *match, struct intake_error *err);

/*
 * A fingerprint captured at collection (fingerprint.enrolled): the template is sealed with
 * the center's biometric key and bound to the visit and the finger before it is recorded.
 */
int intake_fingerprint(struct intake *in, const char *visit, const char *finger, int quality,
    const char *format, const struct biokey *key, const unsigned char *tpl, size_t tpl_len,
    struct intake_error *err);

/* Whether the stage rules allow the action now (for screens that grey out choices). */
int intake_allowed(struct intake *in, const char *visit, enum action a,
    struct intake_error *err);

#endif

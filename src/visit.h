/* The read model of visits: what screens show, read from the projections only. */
#ifndef CUSTODY_VISIT_H
#define CUSTODY_VISIT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ids.h"
#include "intake.h"
#include "journal.h"
#include "stage.h"
#include "biometric.h"

struct visit {
	char id[UUID_LEN + 1];
	char person_id[UUID_LEN + 1];
	char name[IN_NAME_MAX + 1];
	char sex;
	char ethnicity[4];
	char birth_date[11];
	char address[IN_TEXT_MAX + 1];
	char id_number[32];
	char phone[24];
	/* The document (issue 16): "resident" for registrations without one. */
	char doc_type[16], nationality[4], name_en[IN_NAME_MAX + 1], pass_number[24];
	char doc_issues[4], doc_note[IN_TEXT_MAX + 1];
	char case_number[IN_SHORT_MAX + 1];
	char reason[16];
	char cause[IN_CAUSE_MAX + 1];	/* free text, "" when none */
	int serious;
	char officer1[IN_SHORT_MAX + 1], officer2[IN_SHORT_MAX + 1];
	int64_t entry_ts;
	char band[IN_SHORT_MAX + 1];	/* "" when none */
	enum stage stage;
	int64_t stage_ts;
	char room[IN_SHORT_MAX + 1];
	char locker[IN_SHORT_MAX + 1];
	int temp_out;
	int64_t exit_ts;		/* 0 while in the area */
	char destination[20];
	char exit_by[EV_MAX_ID + 1];
	char exit_note[IN_TEXT_MAX + 1];
	char terminal[EV_MAX_ID + 1];
};

struct visit_list {
	struct visit *v;
	size_t n, cap;
};

void visit_list_free(struct visit_list *l);

int visit_get(struct journal *j, const char *id, struct visit *out, struct errmsg *em);
/*
 * A band as a clerk typed it, to its normal form in out: hex as typed, or a printed number
 * (ids_band_read) matched against the bands this journal has seen bound (worn now or once).
 * Ten decimal digits are the printed decimal when that matches a known band and the hex
 * reading does not, hex in the reverse case; both, several or none is CST_ERR_ARG with a
 * message saying how to type it unambiguously.  A W26 number must match exactly one band.
 */
int visit_band_typed(struct journal *j, const char *typed, char out[IDS_BAND_MAX + 1],
    struct errmsg *em);
/* The visit in the area wearing this band. */
int visit_by_band(struct journal *j, const char *band, struct visit *out, struct errmsg *em);
/*
 * Everyone in the area now, longest there first, at most VISIT_AREA_MAX (a center holds a
 * few dozen at once; the bound keeps a damaged or synthetic database from filling memory).
 */
#define VISIT_AREA_MAX 2000
int visit_in_area(struct journal *j, struct visit_list *out, struct errmsg *em);
/* Everyone who entered in [from_ms, to_ms), in entry order (the area register). */
int visit_entered_between(struct journal *j, int64_t from_ms, int64_t to_ms,
    struct visit_list *out, struct errmsg *em);
/*
 * Find: an ID number, a band id or a case number (exact), or part of a name (Chinese
 * characters, two or more in a row, or pinyin initials); newest first, at most max.
 */
int visit_find(struct journal *j, const char *query, size_t max, struct visit_list *out,
    struct errmsg *em);
/*
 * Whether v was registered by the same document as one of type doc (enum idcard_doc) and
 * nationality nat ("" for none) with the same number: idcard_doc_same.
 */
int visit_same_document(const struct visit *v, int doc, const char *nat);

/* The facts the stage rules need for this action. */
int visit_facts(struct journal *j, const char *id, enum action a, struct stage_facts *f,
    struct errmsg *em);

struct visit_item {		/* a belonging */
	int n;
	char category[16];
	char description[IN_TEXT_MAX + 1];
	char quantity[16], unit[16];
	char notes[IN_TEXT_MAX + 1];
	char custodian[IN_SHORT_MAX + 1];
	char locker[IN_SHORT_MAX + 1];
	char status[12];	/* held, returned, property */
};

struct visit_collection {
	char item[16];
	char result[IN_TEXT_MAX + 1];
	int skipped;
	char reason[IN_TEXT_MAX + 1];
	char operator_[EV_MAX_ID + 1];
	int64_t ts;
	int done;		/* recorded at all */
};

struct visit_movement {
	int64_t ts;
	char room[IN_SHORT_MAX + 1];
	char kind[16];
	char officers[128];	/* JSON array text */
};

struct visit_temp_exit {
	int64_t started_ts, return_ts, returned_ts;	/* returned_ts 0 while open */
	char purpose[16];
	char reason[IN_TEXT_MAX + 1];
	char approved_by[EV_MAX_ID + 1];
	char officers[128];
};

struct visit_signature {
	char document[16];
	char doc_hash[65];
	char signer_role[16];
	char signer_name[IN_NAME_MAX + 1];
	char method[16];
	char operator_[EV_MAX_ID + 1];
	int64_t ts;
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
	char event_hash[65];	/* the signature event's own hash: its place in the chain */
	char match_finger[12];	/* method "fingerprint": the finger pressed */
	int match_score;	/* and the module's score */
};

/* A fingerprint captured at collection: the latest of each finger, sealed (biometric.h). */
struct visit_fingerprint {
	char finger[12];
	int quality;
	char format[16];
	char key_id[BIO_KEY_ID_LEN + 1];
	unsigned char sealed[BIO_SEALED_MAX];
	size_t sealed_len;
	char operator_[EV_MAX_ID + 1];
	int64_t ts;
	char terminal[EV_MAX_ID + 1];
	int64_t seq;
};

/* Each fills up to max entries and sets *n; the counts are small (bounded by IN_ITEMS_MAX and
 * the number of events of one visit). */
int visit_belongings(struct journal *j, const char *id, struct visit_item *out, size_t max,
    size_t *n, struct errmsg *em);
/* Always INTAKE_COLLECTION_ITEMS entries, in checklist order; done = 0 when not recorded. */
int visit_collections(struct journal *j, const char *id,
    struct visit_collection out[INTAKE_COLLECTION_ITEMS], struct errmsg *em);
int visit_movements(struct journal *j, const char *id, struct visit_movement *out, size_t max,
    size_t *n, struct errmsg *em);
int visit_temp_exits(struct journal *j, const char *id, struct visit_temp_exit *out,
    size_t max, size_t *n, struct errmsg *em);
/* Best quality first; at most BIO_FINGERS. */
int visit_fingerprints(struct journal *j, const char *id, struct visit_fingerprint *out,
    size_t max, size_t *n, struct errmsg *em);
int visit_signatures(struct journal *j, const char *id, struct visit_signature *out,
    size_t max, size_t *n, struct errmsg *em);
/* The JSON bodies of the search records, oldest first (caller frees each and the array). */
int visit_searches(struct journal *j, const char *id, char ***bodies, size_t *n,
    struct errmsg *em);
/* The exact text of a signed document (from the signature event), caller frees. */
int visit_signed_text(struct journal *j, const struct visit_signature *s, char **text,
    struct errmsg *em);
/* Whether a locker is taken by another visit in the area (its id in other, else ""). */
int visit_locker_taken(struct journal *j, const char *locker, char other[UUID_LEN + 1],
    struct errmsg *em);

#endif

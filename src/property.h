/*
 * The actions of the property room (涉案财物): register, tag, store, move, check out, return,
 * transfer, release to the owner, approve and carry out a disposal. Each checks its input and
 * the item's status against the projections, then appends one signed event; a refusal
 * records nothing (except the login events of a credential check, which is done last).
 * They share struct intake (journal, operator, lockout settings) and struct intake_error.
 */
#ifndef CUSTODY_PROPERTY_H
#define CUSTODY_PROPERTY_H

#include <stddef.h>
#include <stdint.h>

#include "intake.h"
#include "operator.h"
#include "property-view.h"

/* Keys in events and translated labels, index order = pick list order. */
#define PROP_CATEGORIES 8
extern const char *const prop_category_keys[PROP_CATEGORIES];
	/* cash, phone, vehicle, drugs, weapon, documents, valuables, other */
extern const char *const prop_purpose_keys[4];	/* examination, appraisal, court, other */
extern const char *const prop_disposal_keys[3];	/* destroy, confiscate, auction */
extern const char *const prop_unit_keys[2];	/* procuratorate, court */
extern const char *const prop_status_keys[6];
/* The translated label of any key above (or the key itself when unknown). */
const char *prop_label(const char *key);
int prop_category_index(const char *key);	/* -1 when unknown */

/*
 * One side of a handover. An operator signs with their password (checked like a
 * supervisor's, with lockout); a person from outside (court, procuratorate, owner) is named
 * with their unit and ID number, which they confirm at the terminal (confirmed = 1).
 */
struct prop_party {
	int external;
	char id[EV_MAX_ID + 1];			/* operator id */
	char password[OP_PASSWORD_MAX + 1];
	char name[IN_NAME_MAX + 1];		/* external */
	char unit[IN_TEXT_MAX + 1];
	char id_number[IN_SHORT_MAX + 1];
	int confirmed;
};

struct prop_new_item {
	char case_number[IN_SHORT_MAX + 1];
	char category[16];			/* prop_category_keys */
	char description[IN_TEXT_MAX + 1];
	char quantity[16], unit[16];
	int64_t value_fen;			/* 0 .. PROP_VALUE_MAX */
	char seized_visit[UUID_LEN + 1];	/* a visit, or "" and seized_from */
	char seized_from[IN_TEXT_MAX + 1];
	char photos[PROP_PHOTOS_MAX][IN_TEXT_MAX + 1];
	size_t nphotos;
	char tag[PROP_TAG_MAX + 1];		/* optional, hex */
};
#define PROP_VALUE_MAX 100000000000000LL	/* one trillion yuan, in fen */

/* The printed code of an item and of a case (one QR code each). */
void property_item_code(const char *case_number, int seq, char out[PROP_CODE_MAX + 1]);
void property_case_code(const char *case_number, char out[PROP_CODE_MAX + 1]);
/* The next free number of an item within its case (1 for the first). */
int property_next_seq(struct intake *in, const char *case_number, int *seq,
    struct intake_error *err);
/* A tag read or typed, to its normal form in out (ids_tag); -1 when it is not one. */
int property_tag_normal(const char *tag, char out[PROP_TAG_MAX + 1]);

int property_register(struct intake *in, const struct prop_new_item *it,
    char id_out[UUID_LEN + 1], char code_out[PROP_CODE_MAX + 1], struct intake_error *err);
/* Binds (or rebinds) a tag; refused when another item in the room carries it. */
int property_tag(struct intake *in, const char *item, const char *tag,
    struct intake_error *err);
/* A location room[/shelf[/bin]]; its code in code_out. */
int property_location_create(struct intake *in, const char *room, const char *shelf,
    const char *bin, const char *note, char code_out[PROP_LOC_MAX + 1],
    struct intake_error *err);

/* Into storage the receiver, out of it the giver, is an operator who keeps the room
 * (keeper, supervisor or admin). */
int property_store(struct intake *in, const char *item, const char *location,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err);
int property_move(struct intake *in, const char *item, const char *location,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err);
int property_check_out(struct intake *in, const char *item, const char *purpose,
    int64_t due_ts, const char *note, const struct prop_party *giver,
    const struct prop_party *receiver, struct intake_error *err);
/* Back into storage after a check-out. */
int property_return(struct intake *in, const char *item, const char *location,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err);
/* To the procuratorate or a court (unit: prop_unit_keys), the receiving unit's name. */
int property_transfer(struct intake *in, const char *item, const char *unit,
    const char *unit_name, const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err);
/* Back to its owner. */
int property_release(struct intake *in, const char *item, const struct prop_party *giver,
    const struct prop_party *receiver, struct intake_error *err);
/* A supervisor approves one disposal method for one item (disposal.approved). */
int property_approve_disposal(struct intake *in, const char *item, const char *method,
    const char *supervisor, const char *password, const char *reason,
    struct intake_error *err);
int property_dispose(struct intake *in, const char *item, const char *method,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err);

/*
 * Registers as property items every "to case property" item of a visit's searches and
 * every belonging moved to case property, seized from that visit, once: items already
 * registered from the same source are skipped. *added counts the new ones.
 */
int property_import_visit(struct intake *in, const char *visit, size_t *added,
    struct intake_error *err);

#endif

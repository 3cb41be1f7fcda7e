/* The actions of the property room: input checks, status rules, handovers, one event each. */
#include "property.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "correct.h"
#include "i18n.h"
#include "ids.h"
#include "json.h"
#include "record.h"
#include "text.h"
#include "visit.h"
#include "xmalloc.h"

/* Belongings of one visit read for an import: several lists of IN_ITEMS_MAX at most. */
#define PROP_IMPORT_MAX 1024

const char *const prop_category_keys[PROP_CATEGORIES] = {
	"cash", "phone", "vehicle", "drugs", "weapon", "documents", "valuables", "other"
};
const char *const prop_purpose_keys[4] = { "examination", "appraisal", "court", "other" };
const char *const prop_disposal_keys[3] = { "destroy", "confiscate", "auction" };
const char *const prop_unit_keys[2] = { "procuratorate", "court" };
const char *const prop_status_keys[6] = {
	"registered", "stored", "checked_out", "transferred", "released", "disposed"
};

static const struct {
	const char *key, *label;
} labels[] = {
	{ "cash", N_("cash") }, { "phone", N_("phone or electronics") },
	{ "vehicle", N_("vehicle") }, { "drugs", N_("drugs") }, { "weapon", N_("weapon") },
	{ "documents", N_("documents") }, { "valuables", N_("valuables") },
	{ "other", N_("other") }, { "examination", N_("examination") },
	{ "appraisal", N_("appraisal") }, { "court", N_("court") },
	{ "destroy", N_("destroy") }, { "confiscate", N_("confiscate") },
	{ "auction", N_("auction") }, { "procuratorate", N_("procuratorate") },
	{ "registered", N_("registered") }, { "stored", N_("stored") },
	{ "checked_out", N_("checked out") }, { "transferred", N_("transferred") },
	{ "released", N_("returned to owner") }, { "disposed", N_("disposed of") },
};

const char *
prop_label(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].key, key) == 0)
			return _(labels[i].label);
	return key;
}

int
prop_category_index(const char *key)
{
	return rec_key_index(prop_category_keys, PROP_CATEGORIES, key);
}

void
property_item_code(const char *case_number, int seq, char out[PROP_CODE_MAX + 1])
{
	snprintf(out, PROP_CODE_MAX + 1, "WP-%s-%03d", case_number, seq);
}

void
property_case_code(const char *case_number, char out[PROP_CODE_MAX + 1])
{
	snprintf(out, PROP_CODE_MAX + 1, "AJ-%s", case_number);
}

int
property_tag_normal(const char *tag, char out[PROP_TAG_MAX + 1])
{
	return ids_tag(tag, out, NULL) == CST_OK ? 0 : -1;
}

/* The item, and a refusal when it has left the room for good. */
static int
live_item(struct intake *in, const char *id, struct prop_item *it, struct intake_error *err)
{
	if (prop_item_get(in->j, id, it, &err->em) != CST_OK)
		return rec_refuse(err, NULL, err->em.code, _("no such item"));
	if (prop_status_final(it->status))
		return rec_refuse(err, NULL, CST_ERR_ARG, _("item %s is %s: nothing more can be done "
		    "with it"), it->code, prop_label(it->status));
	return CST_OK;
}

static int
check_tag_free(struct intake *in, const char *tag, const char *self, struct intake_error *err)
{
	struct prop_item other;

	if (prop_item_by_tag(in->j, tag, &other, NULL) == CST_OK && strcmp(other.id, self) != 0)
		return rec_refuse(err, "tag", CST_ERR_EXISTS, _("tag %s is bound to item %s"), tag,
		    other.code);
	return CST_OK;
}

static int
check_new_item(struct intake *in, const struct prop_new_item *it, struct visit *v,
    struct intake_error *err)
{
	size_t i;

	if (rec_check_code(err, "case_number", it->case_number, IN_SHORT_MAX, "-_./:", 1))
		return err->em.code;
	if (prop_category_index(it->category) < 0)
		return rec_refuse(err, "category", CST_ERR_ARG, _("choose a category"));
	if (rec_check_text(err, "description", it->description, IN_TEXT_MAX, 1) ||
	    rec_check_text(err, "quantity", it->quantity, 15, 1) ||
	    rec_check_text(err, "unit", it->unit, 15, 0))
		return err->em.code;
	if (it->value_fen < 0 || it->value_fen > PROP_VALUE_MAX)
		return rec_refuse(err, "value", CST_ERR_ARG, _("the estimated value is out of range"));
	if (it->seized_visit[0] != '\0') {
		if (visit_get(in->j, it->seized_visit, v, &err->em) != CST_OK)
			return rec_refuse(err, "seized_from", CST_ERR_NOTFOUND, _("no such visit"));
	} else if (rec_check_text(err, "seized_from", it->seized_from, IN_TEXT_MAX, 1))
		return err->em.code;
	if (it->nphotos > PROP_PHOTOS_MAX)
		return rec_refuse(err, "photos", CST_ERR_ARG, _("at most %d photos"), PROP_PHOTOS_MAX);
	for (i = 0; i < it->nphotos; i++)
		if (rec_check_text(err, "photos", it->photos[i], IN_TEXT_MAX, 1))
			return err->em.code;
	return CST_OK;
}

int
property_next_seq(struct intake *in, const char *case_number, int *seq,
    struct intake_error *err)
{
	struct prop_item_list l;
	size_t i;
	int status;

	*seq = 1;
	if ((status = prop_items_by_case(in->j, case_number, &l, &err->em)) != CST_OK)
		return status;
	for (i = 0; i < l.n; i++)
		if (l.v[i].case_seq >= *seq)
			*seq = l.v[i].case_seq + 1;
	prop_item_list_free(&l);
	return CST_OK;
}

static int
register_item(struct intake *in, const struct prop_new_item *it, const char *source,
    char id_out[UUID_LEN + 1], char code_out[PROP_CODE_MAX + 1], struct intake_error *err)
{
	char tag[PROP_TAG_MAX + 1] = "", code[PROP_CODE_MAX + 1];
	struct prop_item other;
	struct visit v;
	struct jw w;
	size_t i;
	int seq;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err)) {
		snprintf(id_out, UUID_LEN + 1, "%.*s", UUID_LEN, err->subject);
		if (code_out && prop_item_get(in->j, id_out, &other, NULL) == CST_OK)
			snprintf(code_out, PROP_CODE_MAX + 1, "%s", other.code);
		return CST_OK;
	}
	if (check_new_item(in, it, &v, err))
		return err->em.code;
	if (it->tag[0] && property_tag_normal(it->tag, tag) != 0)
		return rec_refuse(err, "tag", CST_ERR_ARG, _("a tag is 8 to 64 hexadecimal digits"));
	if (tag[0] && check_tag_free(in, tag, "", err))
		return err->em.code;
	if (property_next_seq(in, it->case_number, &seq, err) != CST_OK)
		return err->em.code;
	property_item_code(it->case_number, seq, code);
	if (prop_item_by_code(in->j, code, &other, NULL) == CST_OK)
		return rec_refuse(err, "case_number", CST_ERR_EXISTS, _("code %s is taken"), code);
	uuid_new(id_out);
	if (code_out)
		snprintf(code_out, PROP_CODE_MAX + 1, "%s", code);
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "code", code);
	rec_kv(&w, "case_number", it->case_number);
	jw_key(&w, "case_seq");
	jw_int(&w, seq);
	rec_kv(&w, "category", it->category);
	rec_kv(&w, "description", it->description);
	rec_kv(&w, "quantity", it->quantity);
	rec_kv(&w, "unit", it->unit);
	jw_key(&w, "value_fen");
	jw_int(&w, it->value_fen);
	rec_kv(&w, "seized_visit", it->seized_visit);
	rec_kv(&w, "seized_from", it->seized_visit[0] ? v.name : it->seized_from);
	if (source)
		rec_kv(&w, "source", source);
	jw_key(&w, "photos");
	jw_arr_begin(&w);
	for (i = 0; i < it->nphotos; i++)
		jw_str(&w, it->photos[i]);
	jw_arr_end(&w);
	rec_kv(&w, "tag", tag);
	jw_obj_end(&w);
	return rec_append(in, "item.registered", id_out, &w, err);
}

int
property_register(struct intake *in, const struct prop_new_item *it, char id_out[UUID_LEN + 1],
    char code_out[PROP_CODE_MAX + 1], struct intake_error *err)
{
	return register_item(in, it, NULL, id_out, code_out, err);
}

int
property_tag(struct intake *in, const char *item, const char *tag, struct intake_error *err)
{
	char norm[PROP_TAG_MAX + 1];
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (live_item(in, item, &it, err))
		return err->em.code;
	if (property_tag_normal(tag, norm) != 0)
		return rec_refuse(err, "tag", CST_ERR_ARG, _("a tag is 8 to 64 hexadecimal digits"));
	if (strcmp(it.tag, norm) == 0)
		return rec_refuse(err, "tag", CST_ERR_ARG, _("the item already carries this tag"));
	if (check_tag_free(in, norm, item, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "tag", norm);
	rec_kv(&w, "previous", it.tag);
	jw_obj_end(&w);
	return rec_append(in, "item.tagged", item, &w, err);
}

int
property_location_create(struct intake *in, const char *room, const char *shelf,
    const char *bin, const char *note, char code_out[PROP_LOC_MAX + 1],
    struct intake_error *err)
{
	struct prop_location l;
	char code[PROP_LOC_MAX + 1], subject[PROP_LOC_MAX + 8];
	struct jw w;
	char *c;

	memset(err, 0, sizeof *err);
	if (rec_check_code(err, "room", room, PROP_PART_MAX, "-_.", 1) ||
	    rec_check_code(err, "shelf", shelf, PROP_PART_MAX, "-_.", 0) ||
	    rec_check_code(err, "bin", bin, PROP_PART_MAX, "-_.", 0) ||
	    rec_check_text(err, "note", note, IN_TEXT_MAX, 0))
		return err->em.code;
	if (*bin && !*shelf)
		return rec_refuse(err, "shelf", CST_ERR_ARG, _("a bin is on a shelf: name the shelf"));
	snprintf(code, sizeof code, "%s%s%s%s%s", room, *shelf ? "/" : "", shelf,
	    *bin ? "/" : "", bin);
	if (code_out)
		snprintf(code_out, PROP_LOC_MAX + 1, "%s", code);
	if (rec_recorded(in, err))
		return CST_OK;
	if (prop_location_get(in->j, code, &l, NULL) == CST_OK)
		return rec_refuse(err, "room", CST_ERR_EXISTS, _("location %s exists already"), code);
	if (code_out)
		snprintf(code_out, PROP_LOC_MAX + 1, "%s", code);
	/* An event subject has no '/': the location's own subject is loc:A:03:12. */
	snprintf(subject, sizeof subject, "loc:%s", code);
	for (c = subject; *c; c++)
		if (*c == '/')
			*c = ':';
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "code", code);
	rec_kv(&w, "room", room);
	rec_kv(&w, "shelf", shelf);
	rec_kv(&w, "bin", bin);
	rec_kv(&w, "note", note);
	jw_obj_end(&w);
	return rec_append(in, "location.created", subject, &w, err);
}

/* ---- handovers ---- */

enum side { SIDE_ANY, SIDE_KEEPER };

static int
same_party(const struct prop_party *a, const struct prop_party *b)
{
	if (a->external != b->external)
		return 0;
	return a->external ? strcmp(a->id_number, b->id_number) == 0 :
	    strcmp(a->id, b->id) == 0;
}

/* Everything about a party but the password: checked before anything is recorded. */
static int
check_party(struct intake *in, const char *field, const struct prop_party *p, enum side side,
    int unit_required, struct intake_error *err)
{
	struct operator op;

	if (p->external) {
		if (side == SIDE_KEEPER)
			return rec_refuse(err, field, CST_ERR_PERM, _("the property room's side of this "
			    "handover is an operator who keeps it"));
		if (rec_check_text(err, field, p->name, IN_NAME_MAX, 1) ||
		    rec_check_text(err, field, p->unit, IN_TEXT_MAX, unit_required) ||
		    rec_check_code(err, field, p->id_number, IN_SHORT_MAX, "-", 1))
			return err->em.code;
		if (!p->confirmed)
			return rec_refuse(err, field, CST_ERR_ARG, _("%s must confirm the handover"),
			    p->name);
		return CST_OK;
	}
	if (p->id[0] == '\0')
		return rec_refuse(err, field, CST_ERR_ARG, _("required"));
	if (operator_get(in->j, p->id, &op, NULL) != CST_OK || !op.active)
		return rec_refuse(err, field, CST_ERR_PERM, _("%s is not an operator of this terminal"),
		    p->id);
	if (side == SIDE_KEEPER && op.role != ROLE_KEEPER && !role_can_approve(op.role))
		return rec_refuse(err, field, CST_ERR_PERM, _("%s may not keep the property room"),
		    p->id);
	return CST_OK;
}

static int
check_handover(struct intake *in, const struct prop_party *giver, enum side gside,
    const struct prop_party *receiver, enum side rside, int unit_required,
    struct intake_error *err)
{
	if (check_party(in, "giver", giver, gside, 0, err) ||
	    check_party(in, "receiver", receiver, rside, unit_required, err))
		return err->em.code;
	if (same_party(giver, receiver))
		return rec_refuse(err, "receiver", CST_ERR_ARG, _("the giving and the receiving person "
		    "must be two different people"));
	return CST_OK;
}

/* The operators' passwords, last: each check is itself journaled (login events). */
static int
sign_party(struct intake *in, const char *field, const struct prop_party *p,
    struct intake_error *err)
{
	struct operator op;

	if (p->external)
		return CST_OK;
	if (operator_authenticate(in->j, p->id, p->password, "handover", in->max_failures,
	    in->lockout_ms, &op, &err->em) != CST_OK) {
		err->field = field;
		return err->em.code;
	}
	return CST_OK;
}

static void
party_json(struct intake *in, struct jw *w, const char *key, const struct prop_party *p)
{
	struct operator op;

	jw_key(w, key);
	jw_obj_begin(w);
	if (p->external) {
		rec_kv(w, "kind", "external");
		rec_kv(w, "name", p->name);
		rec_kv(w, "unit", p->unit);
		rec_kv(w, "id_number", p->id_number);
		rec_kv(w, "signed", "confirmed");
	} else {
		if (operator_get(in->j, p->id, &op, NULL) != CST_OK)
			memset(&op, 0, sizeof op);
		rec_kv(w, "kind", "operator");
		rec_kv(w, "id", p->id);
		rec_kv(w, "name", op.name);
		rec_kv(w, "role", role_key(op.role));
		rec_kv(w, "signed", "password");
	}
	jw_obj_end(w);
}

static int
check_location(struct intake *in, const char *location, struct intake_error *err)
{
	struct prop_location l;

	if (*location == '\0')
		return rec_refuse(err, "location", CST_ERR_ARG, _("required"));
	if (strlen(location) > PROP_LOC_MAX ||
	    prop_location_get(in->j, location, &l, NULL) != CST_OK)
		return rec_refuse(err, "location", CST_ERR_NOTFOUND, _("there is no location %.*s"),
		    PROP_LOC_MAX, location);
	return CST_OK;
}

/* Signs both parties and appends the movement w (already holding the kind's own fields). */
static int
handover(struct intake *in, const char *kind, const char *item, struct jw *w,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	if (sign_party(in, "giver", giver, err) || sign_party(in, "receiver", receiver, err)) {
		jw_free(w);
		return err->em.code;
	}
	party_json(in, w, "giver", giver);
	party_json(in, w, "receiver", receiver);
	jw_obj_end(w);
	return rec_append(in, kind, item, w, err);
}

static int
need_status(struct intake_error *err, const struct prop_item *it, const char *want,
    const char *why)
{
	if (strcmp(it->status, want) != 0)
		return rec_refuse(err, NULL, CST_ERR_ARG, "%s", why);
	return CST_OK;
}

int
property_store(struct intake *in, const char *item, const char *location,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (live_item(in, item, &it, err))
		return err->em.code;
	if (strcmp(it.status, "checked_out") == 0)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("item %s is checked out: record its return "
		    "instead"), it.code);
	if (need_status(err, &it, "registered", _("the item is stored already: move it "
	    "instead")) || check_location(in, location, err) ||
	    check_handover(in, giver, SIDE_ANY, receiver, SIDE_KEEPER, 0, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "location", location);
	return handover(in, "item.stored", item, &w, giver, receiver, err);
}

int
property_move(struct intake *in, const char *item, const char *location,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (live_item(in, item, &it, err))
		return err->em.code;
	if (strcmp(it.status, "checked_out") == 0)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("item %s is checked out: it cannot be moved "
		    "until it is returned"), it.code);
	if (need_status(err, &it, "stored", _("only a stored item can be moved")) ||
	    check_location(in, location, err))
		return err->em.code;
	if (strcmp(it.location, location) == 0)
		return rec_refuse(err, "location", CST_ERR_ARG, _("the item is at %s already"), location);
	if (check_handover(in, giver, SIDE_KEEPER, receiver, SIDE_KEEPER, 0, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "from", it.location);
	rec_kv(&w, "location", location);
	return handover(in, "item.moved", item, &w, giver, receiver, err);
}

int
property_check_out(struct intake *in, const char *item, const char *purpose, int64_t due_ts,
    const char *note, const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (live_item(in, item, &it, err))
		return err->em.code;
	if (strcmp(it.status, "checked_out") == 0)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("item %s is checked out already"), it.code);
	if (need_status(err, &it, "stored", _("only a stored item can be checked out")))
		return err->em.code;
	if (rec_key_index(prop_purpose_keys, 4, purpose) < 0)
		return rec_refuse(err, "purpose", CST_ERR_ARG, _("choose a purpose"));
	if (due_ts <= clock_now_ms())
		return rec_refuse(err, "due", CST_ERR_ARG, _("the expected return must be in the "
		    "future"));
	if (rec_check_text(err, "note", note, IN_TEXT_MAX, strcmp(purpose, "other") == 0) ||
	    check_handover(in, giver, SIDE_KEEPER, receiver, SIDE_ANY, 0, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "from", it.location);
	rec_kv(&w, "purpose", purpose);
	jw_key(&w, "due_ts");
	jw_int(&w, due_ts);
	rec_kv(&w, "note", note);
	return handover(in, "item.checked_out", item, &w, giver, receiver, err);
}

int
property_return(struct intake *in, const char *item, const char *location,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (live_item(in, item, &it, err))
		return err->em.code;
	if (strcmp(it.status, "checked_out") != 0)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("item %s is not checked out: there is "
		    "nothing to return"), it.code);
	if (check_location(in, location, err) ||
	    check_handover(in, giver, SIDE_ANY, receiver, SIDE_KEEPER, 0, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "location", location);
	return handover(in, "item.returned", item, &w, giver, receiver, err);
}

/* The item leaves the room from storage (or straight after registration). */
static int
check_leaving(struct intake *in, const char *item, struct prop_item *it,
    struct intake_error *err)
{
	if (live_item(in, item, it, err))
		return err->em.code;
	if (strcmp(it->status, "checked_out") == 0)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("item %s is checked out: record its return "
		    "first"), it->code);
	return CST_OK;
}

int
property_transfer(struct intake *in, const char *item, const char *unit, const char *unit_name,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_leaving(in, item, &it, err))
		return err->em.code;
	if (rec_key_index(prop_unit_keys, 2, unit) < 0)
		return rec_refuse(err, "unit", CST_ERR_ARG, _("choose the procuratorate or a court"));
	if (rec_check_text(err, "unit_name", unit_name, IN_TEXT_MAX, 1) ||
	    check_handover(in, giver, SIDE_KEEPER, receiver, SIDE_ANY, 1, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "from", it.location);
	rec_kv(&w, "unit", unit);
	rec_kv(&w, "unit_name", unit_name);
	return handover(in, "item.transferred", item, &w, giver, receiver, err);
}

int
property_release(struct intake *in, const char *item, const struct prop_party *giver,
    const struct prop_party *receiver, struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_leaving(in, item, &it, err) ||
	    check_handover(in, giver, SIDE_KEEPER, receiver, SIDE_ANY, 0, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "from", it.location);
	return handover(in, "item.released", item, &w, giver, receiver, err);
}

int
property_approve_disposal(struct intake *in, const char *item, const char *method,
    const char *supervisor, const char *password, const char *reason,
    struct intake_error *err)
{
	struct prop_item it;
	struct operator op;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_leaving(in, item, &it, err))
		return err->em.code;
	if (rec_key_index(prop_disposal_keys, 3, method) < 0)
		return rec_refuse(err, "method", CST_ERR_ARG, _("choose destroy, confiscate or auction"));
	if (rec_check_text(err, "reason", reason, IN_TEXT_MAX, 1))
		return err->em.code;
	if (text_chars(reason) < 4)
		return rec_refuse(err, "reason", CST_ERR_ARG, _("write the reason out"));
	if (*supervisor == '\0')
		return rec_refuse(err, "supervisor", CST_ERR_ARG, _("required"));
	if (strcmp(supervisor, in->operator_) == 0)
		return rec_refuse(err, "supervisor", CST_ERR_PERM, _("the approving supervisor must be "
		    "someone other than the operator at this terminal"));
	if (operator_get(in->j, supervisor, &op, NULL) == CST_OK && !role_can_approve(op.role))
		return rec_refuse(err, "supervisor", CST_ERR_PERM, _("%s is not a supervisor"),
		    supervisor);
	if (operator_authenticate(in->j, supervisor, password, "approval", in->max_failures,
	    in->lockout_ms, &op, &err->em) != CST_OK) {
		err->field = "supervisor";
		return err->em.code;
	}
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "method", method);
	rec_kv(&w, "supervisor", supervisor);
	rec_kv(&w, "reason", reason);
	jw_obj_end(&w);
	return rec_append(in, "disposal.approved", item, &w, err);
}

int
property_dispose(struct intake *in, const char *item, const char *method,
    const struct prop_party *giver, const struct prop_party *receiver,
    struct intake_error *err)
{
	struct prop_item it;
	struct jw w;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_leaving(in, item, &it, err))
		return err->em.code;
	if (rec_key_index(prop_disposal_keys, 3, method) < 0)
		return rec_refuse(err, "method", CST_ERR_ARG, _("choose destroy, confiscate or auction"));
	if (it.approved[0] == '\0')
		return rec_refuse(err, "method", CST_ERR_PERM, _("item %s has no supervisor's approval "
		    "for disposal"), it.code);
	if (strcmp(it.approved, method) != 0)
		return rec_refuse(err, "method", CST_ERR_PERM, _("the approval is to %s, not to %s"),
		    prop_label(it.approved), prop_label(method));
	if (check_handover(in, giver, SIDE_KEEPER, receiver, SIDE_ANY, 0, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "from", it.location);
	rec_kv(&w, "method", method);
	rec_kv(&w, "approved_by", it.approved_by);
	return handover(in, "item.disposed", item, &w, giver, receiver, err);
}

/* ---- items from intake ---- */

static int
import_one(struct intake *in, const struct visit *v, const char *source, const char *category,
    const char *description, const char *quantity, const char *unit, size_t *added,
    struct intake_error *err)
{
	char id[UUID_LEN + 1], part[UUID_LEN + 1];
	struct prop_new_item it;
	struct intake one;

	if (prop_item_by_source(in->j, source, NULL, NULL) == CST_OK)
		return CST_OK;
	/* One id per item imported, the same on a redo of the whole import. */
	one = *in;
	if (in->action != NULL && *in->action != '\0') {
		intake_part(in->action, source, part);
		one.action = part;
	}
	memset(&it, 0, sizeof it);
	snprintf(it.case_number, sizeof it.case_number, "%s", v->case_number);
	snprintf(it.category, sizeof it.category, "%s",
	    prop_category_index(category) >= 0 ? category : "other");
	snprintf(it.description, sizeof it.description, "%s", description);
	snprintf(it.quantity, sizeof it.quantity, "%s", *quantity ? quantity : "1");
	snprintf(it.unit, sizeof it.unit, "%s", unit);
	snprintf(it.seized_visit, sizeof it.seized_visit, "%s", v->id);
	if (register_item(&one, &it, source, id, NULL, err) != CST_OK)
		return err->em.code;
	if (!err->already)
		(*added)++;
	return CST_OK;
}

static int
import_searches(struct intake *in, const struct visit *v, size_t *added,
    struct intake_error *err)
{
	static struct correction cs[256];
	char source[160], key[3][64], **bodies;
	size_t n, k, i, nc = 0;
	int status;

	if ((status = visit_searches(in->j, v->id, &bodies, &n, &err->em)) != CST_OK)
		return status;
	if (correct_list(in->j, v->id, cs, 256, &nc, NULL) != CST_OK)
		nc = 0;	/* items go as recorded */
	for (k = 0; k < n; k++) {
		struct json *root;
		const struct json *items;

		if (status == CST_OK && json_parse(bodies[k], strlen(bodies[k]), &root, NULL) ==
		    CST_OK) {
			items = json_get(root, "items");
			for (i = 0; status == CST_OK && i < json_count(items); i++) {
				const struct json *o = json_at(items, i);
				const char *to = json_get_str(o, "to");
				struct correct_item at = { 1, (int)k + 1, (int)i, "" };
				const char *d, *q, *u;
				int f;

				/* As corrected (record.corrected), when it was. */
				for (f = 0; f < 3; f++) {
					snprintf(at.field, sizeof at.field, "%s",
					    correct_item_fields[f]);
					correct_item_key(&at, key[f], sizeof key[f]);
				}
				d = correct_value(cs, nc, key[0], json_get_str(o, "description"));
				q = correct_value(cs, nc, key[1], json_get_str(o, "quantity"));
				u = correct_value(cs, nc, key[2], json_get_str(o, "unit"));

				if (to == NULL || strcmp(to, "property") != 0 || d == NULL)
					continue;
				snprintf(source, sizeof source, "search:%s:%zu:%zu", v->id, k + 1, i);
				/* Its category when the search gave one: import_one maps
				 * what case property does not know to "other". */
				status = import_one(in, v, source, json_get_str(o, "category") ?
				    json_get_str(o, "category") : "other", d, q ? q : "",
				    u ? u : "", added, err);
			}
			json_free(root);
		}
		free(bodies[k]);
	}
	free(bodies);
	return status;
}

int
property_import_visit(struct intake *in, const char *visit, size_t *added,
    struct intake_error *err)
{
	struct visit_item *items;
	char source[160];
	struct visit v;
	size_t n, i;
	int status;

	memset(err, 0, sizeof *err);
	*added = 0;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return rec_refuse(err, NULL, CST_ERR_NOTFOUND, _("no such visit"));
	if ((status = import_searches(in, &v, added, err)) != CST_OK)
		return status;
	items = xcalloc(PROP_IMPORT_MAX, sizeof *items);
	status = visit_belongings(in->j, visit, items, PROP_IMPORT_MAX, &n, &err->em);
	for (i = 0; status == CST_OK && i < n; i++) {
		if (strcmp(items[i].status, "property") != 0)
			continue;
		snprintf(source, sizeof source, "belonging:%s:%d", visit, items[i].n);
		status = import_one(in, &v, source, items[i].category, items[i].description,
		    items[i].quantity, items[i].unit, added, err);
	}
	free(items);
	return status;
}

/* The actions of the intake loop: input checks, stage rules, one event each. */
#include "intake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "correct.h"
#include "crypto.h"
#include "db.h"
#include "ethnic.h"
#include "hex.h"
#include "i18n.h"
#include "idcard.h"
#include "ids.h"
#include "json.h"
#include "officer.h"
#include "operator.h"
#include "record.h"
#include "text.h"
#include "xmalloc.h"
#include "visit.h"

/* Police numbers, case numbers, lockers, rooms, bands: letters, digits and these. */
#define CODE_MARKS "-_./:"

const char *const intake_collection_keys[INTAKE_COLLECTION_ITEMS] = {
	"fingerprints", "photo", "dna", "drug_test", "health_check"
};

static const char *const collection_labels[INTAKE_COLLECTION_ITEMS] = {
	N_("fingerprints"), N_("photo"), N_("DNA sample"), N_("drug test"), N_("health check")
};

const char *const intake_reason_keys[3] = { "criminal", "administrative", "other" };
const char *const intake_reason_labels[3] = {
	N_("criminal case"), N_("administrative case"), N_("other")
};
const char *const intake_destination_keys[5] = {
	"released", "detention_center", "admin_detention", "bail", "transfer"
};
const char *const intake_destination_labels[5] = {
	N_("released"), N_("detention center"), N_("administrative detention"),
	N_("bail pending trial"), N_("transferred")
};
const char *const intake_purpose_keys[4] = { "identification", "recovery", "hospital", "other" };
const char *const intake_purpose_labels[4] = {
	N_("identification"), N_("pointing out stolen goods"), N_("hospital"), N_("other")
};
const char *const intake_category_keys[8] = {
	"cash", "phone", "documents", "valuables", "keys", "clothing", "medicine", "other"
};
const char *const intake_category_labels[8] = {
	N_("cash"), N_("phone or electronics"), N_("documents"), N_("valuables"), N_("keys"),
	N_("clothing"), N_("medicine"), N_("other")
};
const char *const intake_search_category_keys[INTAKE_SEARCH_CATEGORIES] = {
	"cash", "phone", "documents", "valuables", "keys", "clothing", "medicine", "weapon",
	"drugs", "other"
};
const char *const intake_search_category_labels[INTAKE_SEARCH_CATEGORIES] = {
	N_("cash"), N_("phone or electronics"), N_("documents"), N_("valuables"), N_("keys"),
	N_("clothing"), N_("medicine"), N_("weapon"), N_("drugs"), N_("other")
};

const char *
intake_collection_label(int i)
{
	return i >= 0 && i < INTAKE_COLLECTION_ITEMS ? _(collection_labels[i]) : "?";
}

const char *
intake_label(const char *const *keys, const char *const *labels, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return _(labels[i]);
	return key;
}

static void
reset_error(struct intake_error *err)
{
	memset(err, 0, sizeof *err);
}

/* The stage rules for an action on a visit; sets *used_override when an override lets it. */
static int
check_stage(struct intake *in, const char *visit, enum action a, int *used_override,
    struct intake_error *err)
{
	struct stage_facts f;
	char why[256];
	int status, needs;

	*used_override = 0;
	if ((status = visit_facts(in->j, visit, a, &f, &err->em)) != CST_OK)
		return status;
	status = stage_check(&f, a, &needs, why, sizeof why);
	if (status != CST_OK) {
		err->needs_override = needs;
		return rec_refuse(err, NULL, status, _("%s is not allowed now: %s"), action_label(a), why);
	}
	/* Allowed though a prerequisite is missing: only the override can explain that. */
	if (f.override) {
		f.override = 0;
		*used_override = stage_check(&f, a, &needs, why, sizeof why) != CST_OK;
	}
	return CST_OK;
}

static void
officers(struct jw *w, const char *a, const char *b)
{
	jw_key(w, "officers");
	jw_arr_begin(w);
	if (*a)
		jw_str(w, a);
	if (*b)
		jw_str(w, b);
	jw_arr_end(w);
}

static void
override_flag(struct jw *w, int used)
{
	if (used) {
		jw_key(w, "override");
		jw_bool(w, 1);
	}
}

/* Supervisor credentials for an approval; the check itself is journaled (login events). */
static int
check_supervisor(struct intake *in, const char *field, const char *id, const char *password,
    const char *purpose, struct intake_error *err)
{
	struct operator op;
	int status;

	if (*id == '\0')
		return rec_refuse(err, field, CST_ERR_ARG, _("required"));
	status = operator_authenticate(in->j, id, password, purpose, in->max_failures,
	    in->lockout_ms, &op, &err->em);
	if (status != CST_OK) {
		err->field = field;
		return status;
	}
	if (!role_can_approve(op.role))
		return rec_refuse(err, field, CST_ERR_PERM, _("%s is not a supervisor"), id);
	if (strcmp(id, in->operator_) == 0)
		return rec_refuse(err, field, CST_ERR_PERM, _("the approving supervisor must be someone "
		    "other than the operator at this terminal"));
	return CST_OK;
}

/* The document and what it carries; *doc and id (the checked number) filled (intake.h). */
int
intake_check_document(const struct registration *r, int64_t now, int *doc, struct idcard *id,
    struct intake_error *err)
{
	char why[200], nat[4];

	if ((*doc = idcard_doc_find(r->doc_type)) < 0)
		return rec_refuse(err, "doc_type", CST_ERR_ARG, _("required"));
	if (idcard_doc_check(*doc, r->id_number, now, id, why, sizeof why) != 0)
		return rec_refuse(err, "id_number", CST_ERR_ARG, "%s", why);
	if (idcard_doc_encodes_person(*doc) && idcard_cross_check(id, r->birth_date[0] ?
	    r->birth_date : NULL, r->sex, why, sizeof why) != 0)
		return rec_refuse(err, r->birth_date[0] && strcmp(r->birth_date, id->birth) != 0 ?
		    "birth_date" : "sex", CST_ERR_ARG, "%s", why);
	if ((idcard_doc_foreign(*doc) || r->nationality[0]) &&
	    (idcard_nationality(r->nationality, nat, why, sizeof why) != 0 ||
	    idcard_doc_nationality(*doc, id, nat, why, sizeof why) != 0))
		return rec_refuse(err, "nationality", CST_ERR_ARG, "%s", why);
	if (rec_check_chars(err, "name_en", _("English name"), r->name_en, IN_NAME_CHARS, 0))
		return err->em.code;
	if (r->pass_number[0] && (strlen(r->pass_number) > 12 ||
	    !text_only(r->pass_number, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
		return rec_refuse(err, "pass_number", CST_ERR_ARG, _("letters and digits only"));
	if (r->doc_issues[0] && (strlen(r->doc_issues) > 2 ||
	    !text_only(r->doc_issues, "0123456789")))
		return rec_refuse(err, "doc_issues", CST_ERR_ARG, _("two digits"));
	if (rec_check_chars(err, "doc_note", _("Note"), r->doc_note, IN_TEXT_CHARS,
	    *doc == IDDOC_NONE))
		return err->em.code;
	return CST_OK;
}

/* A birth date typed where no number gives one: a real date, or none. */
static int
check_typed_birth(const char *birth, int64_t now, struct intake_error *err)
{
	char why[200];

	if (birth[0] != '\0' && idcard_typed_birth(birth, now, why, sizeof why) != 0)
		return rec_refuse(err, "birth_date", CST_ERR_ARG, "%s", why);
	return CST_OK;
}

/*
 * Ethnicity is a citizen's: foreigners have none, and the cards of Hong Kong, Macao and
 * Taiwan residents (the residence permit, 回乡证, 台胞证) carry none.
 */
static int
ethnicity_required(int doc)
{
	return !idcard_doc_foreign(doc) && doc != IDDOC_PERMIT && doc != IDDOC_HOME_RETURN &&
	    doc != IDDOC_TAIWAN_PERMIT;
}

static int
check_person(const struct registration *r, int64_t now, int *doc, struct idcard *id,
    struct intake_error *err)
{
	if (rec_check_chars(err, "name", _("Name"), r->name, IN_NAME_CHARS, 1))
		return err->em.code;
	if (r->sex != 'M' && r->sex != 'F')
		return rec_refuse(err, "sex", CST_ERR_ARG, _("required"));
	if (intake_check_document(r, now, doc, id, err))
		return err->em.code;
	if ((ethnicity_required(*doc) || r->ethnicity[0]) && ethnic_find(r->ethnicity) < 0)
		return rec_refuse(err, "ethnicity", CST_ERR_ARG, _("required"));
	if (!idcard_doc_encodes_person(*doc) && check_typed_birth(r->birth_date, now, err))
		return err->em.code;
	/* Someone with no document may not give an address either: the note says why. */
	if (rec_check_chars(err, "address", _("Address"), r->address, IN_TEXT_CHARS,
	    *doc != IDDOC_NONE))
		return err->em.code;
	if (r->phone[0] && (!text_only(r->phone, "0123456789+- ") || strlen(r->phone) < 5 ||
	    strlen(r->phone) > 20))
		return rec_refuse(err, "phone", CST_ERR_ARG, _("digits, 5 to 20"));
	return CST_OK;
}

/* The document's keys of a registration body: none for a resident ID card, as before. */
static void
document_keys(struct jw *w, const struct registration *r, int doc)
{
	char nat[4] = "";

	if (doc != IDDOC_RESIDENT)
		rec_kv(w, "doc_type", idcard_doc_keys[doc]);
	if (r->nationality[0] && idcard_nationality(r->nationality, nat, NULL, 0) == 0)
		rec_kv(w, "nationality", nat);
	if (r->name_en[0])
		rec_kv(w, "name_en", r->name_en);
	if (r->pass_number[0])
		rec_kv(w, "pass_number", r->pass_number);
	if (r->doc_issues[0])
		rec_kv(w, "doc_issues", r->doc_issues);
	if (r->doc_note[0])
		rec_kv(w, "doc_note", r->doc_note);
}

/*
 * An officer's number (or, with operators set, an operator's id): once the center keeps a
 * register, a number not in it is refused; with none yet any number goes (docs/console.md).
 * Non-zero when refused, as rec_check_code.
 */
static int
check_registered(struct intake *in, struct intake_error *err, const char *field,
    const char *number, int required, int operators)
{
	struct operator op;
	struct officer o;
	int64_t n;

	if (number[0] != '\0' && officer_count(in->j, &n, NULL) == CST_OK && n > 0 &&
	    officer_get(in->j, number, &o, NULL) != CST_OK &&
	    !(operators && operator_get(in->j, number, &op, NULL) == CST_OK))
		return rec_refuse(err, field, CST_ERR_NOTFOUND, _("%s is not in the register of "
		    "officers: pick from the list (number, name or initials), or an administrator "
		    "adds the officer"), number);
	return rec_check_code(err, field, number, IN_SHORT_MAX, CODE_MARKS, required);
}

/*
 * A band typed or read, in its normal form in out ("" when none): hex, or a number printed on
 * an EM4100 band that is known here (visit_band_typed); refused when it is neither.
 */
static int
band_normal(struct intake *in, const char *band, int required, char out[IDS_BAND_MAX + 1],
    struct intake_error *err)
{
	struct errmsg why;

	out[0] = '\0';
	if (band[0] == '\0')
		return required ? rec_refuse(err, "band", CST_ERR_ARG, _("required")) : CST_OK;
	err_clear(&why);
	if (visit_band_typed(in->j, band, out, &why) != CST_OK)
		return rec_refuse(err, "band", why.code, "%s", why.text);
	return CST_OK;
}

static int
check_case(struct intake *in, const struct registration *r, char band[IDS_BAND_MAX + 1],
    struct intake_error *err)
{
	struct visit v;

	if (rec_check_code(err, "case_number", r->case_number, IN_SHORT_MAX, CODE_MARKS, 1))
		return err->em.code;
	if (rec_key_index(intake_reason_keys, 3, r->reason) < 0)
		return rec_refuse(err, "reason", CST_ERR_ARG, _("required"));
	if (rec_check_text(err, "cause", r->cause, IN_CAUSE_MAX, 0))
		return err->em.code;
	if (check_registered(in, err, "officer1", r->officer1, 1, 0) ||
	    check_registered(in, err, "officer2", r->officer2, 1, 0))
		return err->em.code;
	if (strcmp(r->officer1, r->officer2) == 0)
		return rec_refuse(err, "officer2", CST_ERR_ARG, _("two different officers escort a "
		    "person"));
	if (band_normal(in, r->band, 0, band, err))
		return err->em.code;
	if (band[0] && visit_by_band(in->j, band, &v, NULL) == CST_OK)
		return rec_refuse(err, "band", CST_ERR_EXISTS, _("this band is bound to %s, who is in "
		    "the area"), v.name);
	return CST_OK;
}

/*
 * The same document already in the area is refused; a returning person keeps their id.  A
 * document is its number, type and nationality (idcard_doc_same): a Taiwan compatriot
 * permit and a passport of the same number are two people.
 */
static int
person_id_for(struct intake *in, int doc, const struct registration *r, const char *id_number,
    char out[UUID_LEN + 1], struct intake_error *err)
{
	struct visit_list l;
	char nat[4] = "";
	size_t i;
	int status;

	out[0] = '\0';
	if (id_number[0] == '\0') {	/* no document: nothing to know them again by */
		uuid_new(out);
		return CST_OK;
	}
	if (r->nationality[0])
		idcard_nationality(r->nationality, nat, NULL, 0);
	status = visit_find(in->j, id_number, 50, &l, &err->em);
	for (i = 0; status == CST_OK && i < l.n; i++) {
		if (strcmp(l.v[i].id_number, id_number) != 0 ||
		    !visit_same_document(&l.v[i], doc, nat))
			continue;
		if (l.v[i].exit_ts == 0) {
			status = rec_refuse(err, "id_number", CST_ERR_EXISTS, _("%s with this ID number "
			    "is already in the area"), l.v[i].name);
			break;
		}
		if (out[0] == '\0')	/* the latest visit first */
			snprintf(out, UUID_LEN + 1, "%s", l.v[i].person_id);
	}
	visit_list_free(&l);
	if (status == CST_OK && out[0] == '\0')
		uuid_new(out);
	return status;
}

int
intake_register(struct intake *in, const struct registration *r, char visit_out[UUID_LEN + 1],
    struct intake_error *err)
{
	char person[UUID_LEN + 1], band[IDS_BAND_MAX + 1];
	struct idcard id;
	struct jw w;
	int64_t now = clock_now_ms();
	int doc = IDDOC_RESIDENT;

	reset_error(err);
	if (rec_recorded(in, err)) {
		snprintf(visit_out, UUID_LEN + 1, "%.*s", UUID_LEN, err->subject);
		return CST_OK;
	}
	if (check_person(r, now, &doc, &id, err) || check_case(in, r, band, err))
		return err->em.code;
	if (r->entry_ts > now + 60000 || (r->entry_ts && r->entry_ts < now - 86400000LL))
		return rec_refuse(err, "entry_ts", CST_ERR_ARG, _("the entry time must be within the "
		    "last 24 hours"));
	if (person_id_for(in, doc, r, id.number, person, err) != CST_OK)
		return err->em.code;
	uuid_new(visit_out);
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "person_id", person);
	rec_kv(&w, "name", r->name);
	rec_kv(&w, "sex", r->sex == 'M' ? "M" : "F");
	rec_kv(&w, "ethnicity", r->ethnicity);
	rec_kv(&w, "birth_date", idcard_doc_encodes_person(doc) ? id.birth : r->birth_date);
	rec_kv(&w, "address", r->address);
	rec_kv(&w, "id_number", id.number);
	rec_kv(&w, "phone", r->phone);
	document_keys(&w, r, doc);
	rec_kv(&w, "case_number", r->case_number);
	rec_kv(&w, "reason", r->reason);
	if (r->cause[0])	/* optional: events before issue 15 have none */
		rec_kv(&w, "cause", r->cause);
	jw_key(&w, "serious");
	jw_bool(&w, r->serious);
	officers(&w, r->officer1, r->officer2);
	jw_key(&w, "entry_ts");
	jw_int(&w, r->entry_ts ? r->entry_ts : now);
	if (band[0])
		rec_kv(&w, "band", band);
	jw_obj_end(&w);
	return rec_append(in, "person.registered", visit_out, &w, err);
}

static int
band_event(struct intake *in, const char *visit, const char *kind, const char *band,
    struct intake_error *err)
{
	struct jw w;

	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "band", band);
	jw_obj_end(&w);
	return rec_append(in, kind, visit, &w, err);
}

int
intake_bind_band(struct intake *in, const char *visit, const char *typed,
    struct intake_error *err)
{
	struct visit v, other;
	char band[IDS_BAND_MAX + 1];

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (band_normal(in, typed, 1, band, err))
		return err->em.code;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return err->em.code;
	if (v.exit_ts)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("this person has already left the area"));
	if (visit_by_band(in->j, band, &other, NULL) == CST_OK && strcmp(other.id, visit) != 0)
		return rec_refuse(err, "band", CST_ERR_EXISTS, _("this band is bound to %s, who is in "
		    "the area"), other.name);
	return band_event(in, visit, "band.bound", band, err);
}

int
intake_unbind_band(struct intake *in, const char *visit, struct intake_error *err)
{
	struct visit v;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return err->em.code;
	if (v.band[0] == '\0')
		return rec_refuse(err, NULL, CST_ERR_ARG, _("no band is bound"));
	return band_event(in, visit, "band.unbound", v.band, err);
}

static int
check_search(struct intake *in, const struct visit *v, const struct search_record *s,
    struct intake_error *err)
{
	size_t i;

	if (check_registered(in, err, "officer", s->officer, 1, 0) ||
	    check_registered(in, err, "witness", s->witness, 1, 0))
		return err->em.code;
	if (s->officer_sex != v->sex)
		return rec_refuse(err, "officer_sex", CST_ERR_ARG, _("the searching officer must be of "
		    "the person's sex"));
	if (strcmp(s->officer, s->witness) == 0)
		return rec_refuse(err, "witness", CST_ERR_ARG, _("the witness must be another person"));
	if (rec_check_text(err, "health", s->health, IN_TEXT_MAX, 1))
		return err->em.code;
	if (s->ninjuries > IN_ITEMS_MAX || s->nitems > IN_ITEMS_MAX)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("at most %d entries"), IN_ITEMS_MAX);
	for (i = 0; i < s->ninjuries; i++)
		if (rec_check_text(err, "injuries", s->injuries[i].area, IN_SHORT_MAX, 1) ||
		    rec_check_text(err, "injuries", s->injuries[i].description, IN_TEXT_MAX, 1))
			return err->em.code;
	for (i = 0; i < s->nitems; i++)
		if (rec_check_text(err, "items", s->items[i].description, IN_TEXT_MAX, 1) ||
		    rec_check_text(err, "items", s->items[i].quantity, 15, 1) ||
		    rec_check_text(err, "items", s->items[i].unit, 15, 0))
			return err->em.code;
		else if (s->items[i].category[0] != '\0' && rec_key_index(
		    intake_search_category_keys, INTAKE_SEARCH_CATEGORIES, s->items[i].category) < 0)
			return rec_refuse(err, "items", CST_ERR_ARG, _("item %zu: choose a category"),
			    i + 1);
	return CST_OK;
}

int
intake_search(struct intake *in, const char *visit, const struct search_record *s,
    struct intake_error *err)
{
	struct visit v;
	struct jw w;
	size_t i;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return err->em.code;
	if (check_stage(in, visit, ACT_SEARCH, &used, err) || check_search(in, &v, s, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "officer", s->officer);
	rec_kv(&w, "officer_sex", s->officer_sex == 'M' ? "M" : "F");
	rec_kv(&w, "witness", s->witness);
	rec_kv(&w, "health", s->health);
	jw_key(&w, "injuries");
	jw_arr_begin(&w);
	for (i = 0; i < s->ninjuries; i++) {
		jw_obj_begin(&w);
		rec_kv(&w, "area", s->injuries[i].area);
		rec_kv(&w, "description", s->injuries[i].description);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "items");
	jw_arr_begin(&w);
	for (i = 0; i < s->nitems; i++) {
		jw_obj_begin(&w);
		if (s->items[i].category[0] != '\0')
			rec_kv(&w, "category", s->items[i].category);
		rec_kv(&w, "description", s->items[i].description);
		rec_kv(&w, "quantity", s->items[i].quantity);
		rec_kv(&w, "unit", s->items[i].unit);
		rec_kv(&w, "to", s->items[i].to_property ? "property" : "belongings");
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	override_flag(&w, used);
	jw_obj_end(&w);
	return rec_append(in, "search.recorded", visit, &w, err);
}

static int
check_belongings(struct intake *in, const char *visit, const struct visit *v,
    const struct belongings_list *b, struct intake_error *err)
{
	char other[UUID_LEN + 1];
	size_t i;

	if (rec_check_code(err, "locker", b->locker, IN_SHORT_MAX, CODE_MARKS, b->nitems > 0) ||
	    check_registered(in, err, "custodian", b->custodian, 1, 1))
		return err->em.code;
	if (strcmp(b->custodian, v->officer1) == 0 || strcmp(b->custodian, v->officer2) == 0)
		return rec_refuse(err, "custodian", CST_ERR_ARG, _("the custodian may not be one of the "
		    "case's officers"));
	if (b->locker[0] && visit_locker_taken(in->j, b->locker, other, &err->em) == CST_OK &&
	    other[0] && strcmp(other, visit) != 0)
		return rec_refuse(err, "locker", CST_ERR_EXISTS, _("locker %s holds another person's "
		    "belongings"), b->locker);
	if (b->nitems > IN_ITEMS_MAX)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("at most %d entries"), IN_ITEMS_MAX);
	for (i = 0; i < b->nitems; i++) {
		if (rec_key_index(intake_category_keys, 8, b->items[i].category) < 0)
			return rec_refuse(err, "items", CST_ERR_ARG, _("item %zu: choose a category"), i + 1);
		if (rec_check_text(err, "items", b->items[i].description, IN_TEXT_MAX, 1) ||
		    rec_check_text(err, "items", b->items[i].quantity, 15, 1) ||
		    rec_check_text(err, "items", b->items[i].unit, 15, 0) ||
		    rec_check_text(err, "items", b->items[i].notes, IN_TEXT_MAX, 0))
			return err->em.code;
	}
	return CST_OK;
}

int
intake_belongings(struct intake *in, const char *visit, const struct belongings_list *b,
    struct intake_error *err)
{
	struct visit v;
	struct jw w;
	size_t i;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return err->em.code;
	if (check_stage(in, visit, ACT_BELONGINGS, &used, err) ||
	    check_belongings(in, visit, &v, b, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "locker", b->locker);
	rec_kv(&w, "custodian", b->custodian);
	jw_key(&w, "items");
	jw_arr_begin(&w);
	for (i = 0; i < b->nitems; i++) {
		jw_obj_begin(&w);
		rec_kv(&w, "category", b->items[i].category);
		rec_kv(&w, "description", b->items[i].description);
		rec_kv(&w, "quantity", b->items[i].quantity);
		rec_kv(&w, "unit", b->items[i].unit);
		rec_kv(&w, "notes", b->items[i].notes);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	override_flag(&w, used);
	jw_obj_end(&w);
	return rec_append(in, "belongings.logged", visit, &w, err);
}

int
intake_return_belongings(struct intake *in, const char *visit, int to_property,
    struct intake_error *err)
{
	struct stage_facts f;
	struct jw w;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_facts(in->j, visit, ACT_EXIT, &f, &err->em) != CST_OK)
		return err->em.code;
	if (!f.items_held)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("no belongings are held"));
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "to", to_property ? "property" : "owner");
	jw_obj_end(&w);
	return rec_append(in, "belongings.returned", visit, &w, err);
}

/* Each choice a held belonging of the visit, named once. */
static int
check_return(struct intake *in, const char *visit, const struct return_choice *ch, size_t n,
    struct intake_error *err)
{
	struct visit_item *items;
	size_t have, i, k;
	int status;

	if (n == 0 || n > IN_RETURN_MAX)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("choose 1 to %d items"), IN_RETURN_MAX);
	items = xcalloc(IN_RETURN_MAX, sizeof *items);
	status = visit_belongings(in->j, visit, items, IN_RETURN_MAX, &have, &err->em);
	for (i = 0; status == CST_OK && i < n; i++) {
		for (k = 0; k < have && items[k].n != ch[i].n; k++)
			;
		if (k == have || strcmp(items[k].status, "held") != 0)
			status = rec_refuse(err, NULL, CST_ERR_ARG, _("item %d is not held"),
			    ch[i].n);
		for (k = 0; status == CST_OK && k < i; k++)
			if (ch[k].n == ch[i].n)
				status = rec_refuse(err, NULL, CST_ERR_ARG, _("item %d is chosen "
				    "twice"), ch[i].n);
	}
	free(items);
	return status;
}

int
intake_return_items(struct intake *in, const char *visit, const struct return_choice *ch,
    size_t n, struct intake_error *err)
{
	struct jw w;
	size_t i;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_return(in, visit, ch, n, err) != CST_OK)
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "items");
	jw_arr_begin(&w);
	for (i = 0; i < n; i++) {
		jw_obj_begin(&w);
		jw_key(&w, "n");
		jw_int(&w, ch[i].n);
		rec_kv(&w, "to", ch[i].to_property ? "property" : "owner");
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	return rec_append(in, "belongings.returned", visit, &w, err);
}

int
intake_collect(struct intake *in, const char *visit, const char *item, const char *result,
    int skipped, const char *reason, struct intake_error *err)
{
	struct jw w;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (rec_key_index(intake_collection_keys, INTAKE_COLLECTION_ITEMS, item) < 0)
		return rec_refuse(err, "item", CST_ERR_ARG, _("unknown collection item"));
	if (check_stage(in, visit, ACT_COLLECT, &used, err))
		return err->em.code;
	if (skipped ? rec_check_text(err, "reason", reason, IN_TEXT_MAX, 1) :
	    rec_check_text(err, "result", result, IN_TEXT_MAX, 1))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "item", item);
	rec_kv(&w, "result", skipped ? "" : result);
	jw_key(&w, "skipped");
	jw_bool(&w, skipped);
	rec_kv(&w, "reason", skipped ? reason : "");
	override_flag(&w, used);
	jw_obj_end(&w);
	return rec_append(in, "collection.recorded", visit, &w, err);
}

int
intake_move(struct intake *in, const char *visit, const char *room, int interrogation,
    const char *officer1, const char *officer2, struct intake_error *err)
{
	struct jw w;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_stage(in, visit, interrogation ? ACT_INTERROGATE : ACT_WAIT, &used, err))
		return err->em.code;
	if (rec_check_text(err, "room", room, IN_SHORT_MAX, 1) ||
	    check_registered(in, err, "officer1", officer1, 1, 0) ||
	    check_registered(in, err, "officer2", officer2, interrogation, 0))
		return err->em.code;
	if (strcmp(officer1, officer2) == 0)
		return rec_refuse(err, "officer2", CST_ERR_ARG, _("two different officers interrogate; "
		    "one officer alone may not"));
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "room", room);
	rec_kv(&w, "kind", interrogation ? "interrogation" : "waiting");
	officers(&w, officer1, officer2);
	override_flag(&w, used);
	jw_obj_end(&w);
	return rec_append(in, "room.entered", visit, &w, err);
}

int
intake_temp_exit(struct intake *in, const char *visit, const char *purpose,
    const char *reason, const char *approver, const char *approver_password,
    const char *officer1, const char *officer2, int64_t return_ts, struct intake_error *err)
{
	struct jw w;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_stage(in, visit, ACT_TEMP_EXIT, &used, err))
		return err->em.code;
	if (rec_key_index(intake_purpose_keys, 4, purpose) < 0)
		return rec_refuse(err, "purpose", CST_ERR_ARG, _("required"));
	if (rec_check_text(err, "reason", reason, IN_TEXT_MAX, 1) ||
	    check_registered(in, err, "officer1", officer1, 1, 0) ||
	    check_registered(in, err, "officer2", officer2, 1, 0))
		return err->em.code;
	if (strcmp(officer1, officer2) == 0)
		return rec_refuse(err, "officer2", CST_ERR_ARG, _("two different officers escort a "
		    "person"));
	if (return_ts <= clock_now_ms())
		return rec_refuse(err, "return_ts", CST_ERR_ARG, _("the return time must be in the "
		    "future"));
	if (check_supervisor(in, "approver", approver, approver_password, "approval", err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "purpose", purpose);
	rec_kv(&w, "reason", reason);
	rec_kv(&w, "approved_by", approver);
	officers(&w, officer1, officer2);
	jw_key(&w, "return_ts");
	jw_int(&w, return_ts);
	override_flag(&w, used);
	jw_obj_end(&w);
	return rec_append(in, "temp_exit.started", visit, &w, err);
}

int
intake_temp_return(struct intake *in, const char *visit, struct intake_error *err)
{
	struct jw w;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_stage(in, visit, ACT_TEMP_RETURN, &used, err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	jw_obj_end(&w);
	return rec_append(in, "temp_exit.returned", visit, &w, err);
}

int
intake_exit(struct intake *in, const char *visit, const char *destination,
    const char *supervisor, const char *password, const char *note, struct intake_error *err)
{
	struct jw w;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (check_stage(in, visit, ACT_EXIT, &used, err))
		return err->em.code;
	if (rec_key_index(intake_destination_keys, 5, destination) < 0)
		return rec_refuse(err, "destination", CST_ERR_ARG, _("required"));
	if (rec_check_text(err, "note", note, IN_TEXT_MAX, 0))
		return err->em.code;
	if (check_supervisor(in, "supervisor", supervisor, password, "approval", err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "destination", destination);
	rec_kv(&w, "approved_by", supervisor);
	rec_kv(&w, "note", note);
	override_flag(&w, used);
	jw_obj_end(&w);
	return rec_append(in, "exit.completed", visit, &w, err);
}

int
intake_override(struct intake *in, const char *visit, enum action a, const char *supervisor,
    const char *password, const char *reason, struct intake_error *err)
{
	struct stage_facts f;
	char why[256];
	struct jw w;
	int needs;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_facts(in->j, visit, a, &f, &err->em) != CST_OK)
		return err->em.code;
	f.override = 0;
	if (stage_check(&f, a, &needs, why, sizeof why) == CST_OK)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("%s is allowed already: no override needed"),
		    action_label(a));
	if (!needs)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("an override cannot allow this: %s"), why);
	if (rec_check_text(err, "reason", reason, IN_TEXT_MAX, 1))
		return err->em.code;
	if (text_chars(reason) < 4)
		return rec_refuse(err, "reason", CST_ERR_ARG, _("write the reason out"));
	if (check_supervisor(in, "supervisor", supervisor, password, "override", err))
		return err->em.code;
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "action", action_key(a));
	rec_kv(&w, "supervisor", supervisor);
	rec_kv(&w, "reason", reason);
	rec_kv(&w, "missing", why);
	jw_obj_end(&w);
	return rec_append(in, "override.granted", visit, &w, err);
}

/* The registration as recorded, to check a corrected value against the rest of it. */
static void
registration_of(const struct visit *v, struct registration *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", v->name);
	r->sex = v->sex;
	snprintf(r->ethnicity, sizeof r->ethnicity, "%s", v->ethnicity);
	snprintf(r->birth_date, sizeof r->birth_date, "%s", v->birth_date);
	snprintf(r->address, sizeof r->address, "%s", v->address);
	snprintf(r->id_number, sizeof r->id_number, "%s", v->id_number);
	snprintf(r->phone, sizeof r->phone, "%s", v->phone);
	snprintf(r->doc_type, sizeof r->doc_type, "%s", v->doc_type);
	snprintf(r->nationality, sizeof r->nationality, "%s", v->nationality);
	snprintf(r->name_en, sizeof r->name_en, "%s", v->name_en);
	snprintf(r->pass_number, sizeof r->pass_number, "%s", v->pass_number);
	snprintf(r->doc_issues, sizeof r->doc_issues, "%s", v->doc_issues);
	snprintf(r->doc_note, sizeof r->doc_note, "%s", v->doc_note);
	snprintf(r->case_number, sizeof r->case_number, "%s", v->case_number);
	snprintf(r->reason, sizeof r->reason, "%s", v->reason);
	snprintf(r->officer1, sizeof r->officer1, "%s", v->officer1);
	snprintf(r->officer2, sizeof r->officer2, "%s", v->officer2);
}

/* Sets one field of r to value; "value" names the form's field in refusals. */
static int
amend(struct registration *r, const char *field, const char *value, struct intake_error *err)
{
	struct { const char *key; char *dst; size_t size; } text[] = {
		{ "name", r->name, sizeof r->name }, { "ethnicity", r->ethnicity,
		sizeof r->ethnicity }, { "id_number", r->id_number, sizeof r->id_number },
		{ "birth_date", r->birth_date, sizeof r->birth_date }, { "address", r->address,
		sizeof r->address }, { "phone", r->phone, sizeof r->phone }, { "case_number",
		r->case_number, sizeof r->case_number }, { "officer1", r->officer1,
		sizeof r->officer1 }, { "officer2", r->officer2, sizeof r->officer2 },
		{ "nationality", r->nationality, sizeof r->nationality }, { "name_en", r->name_en,
		sizeof r->name_en }, { "pass_number", r->pass_number, sizeof r->pass_number },
		{ "doc_issues", r->doc_issues, sizeof r->doc_issues }, { "doc_note", r->doc_note,
		sizeof r->doc_note },
	};
	size_t i;

	if (strcmp(field, "sex") == 0) {
		if (strcmp(value, "M") != 0 && strcmp(value, "F") != 0)
			return rec_refuse(err, "value", CST_ERR_INPUT, _("M or F"));
		r->sex = value[0];
		return CST_OK;
	}
	for (i = 0; i < sizeof text / sizeof text[0]; i++)
		if (strcmp(text[i].key, field) == 0) {
			if (strlen(value) >= text[i].size)
				return rec_refuse(err, "value", CST_ERR_INPUT, _("%1$s: at most %2$zu "
				    "characters"), correct_field_label(field), text[i].size - 1);
			snprintf(text[i].dst, text[i].size, "%s", value);
			if (strcmp(field, "id_number") == 0)
				r->birth_date[0] = '\0';	/* it follows the number */
			return CST_OK;
		}
	return rec_refuse(err, "field", CST_ERR_ARG, _("%s cannot be corrected"), field);
}

/* The person.registered event of a visit: the one a correction refers to. */
static int
registered_event(struct intake *in, const char *visit, char terminal[EV_MAX_ID + 1],
    int64_t *seq, struct intake_error *err)
{
	static const char sql[] = "SELECT terminal, seq FROM events WHERE subject = ? AND "
	    "kind = 'person.registered' ORDER BY ts LIMIT 1";
	sqlite3_stmt *st;
	int rc, status;

	if ((status = db_prepare(journal_db(in->j), sql, &st, &err->em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, visit, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(terminal, EV_MAX_ID + 1, "%s", (const char *)sqlite3_column_text(st, 0));
		*seq = sqlite3_column_int64(st, 1);
		status = CST_OK;
	} else {
		status = rc == SQLITE_DONE ? rec_refuse(err, NULL, CST_ERR_NOTFOUND, _("the "
		    "registration of this visit is not in the journal")) :
		    db_fail(journal_db(in->j), rc, &err->em, _("reading the journal"));
	}
	sqlite3_finalize(st);
	return status;
}

/* One amended field; item >= 0: of that item of the event's list. */
static void
amended_field(struct jw *w, const char *field, int item, const char *old, const char *new_)
{
	jw_obj_begin(w);
	rec_kv(w, "field", field);
	if (item >= 0) {
		jw_key(w, "item");
		jw_int(w, item);
	}
	rec_kv(w, "old", old);
	rec_kv(w, "new", new_);
	jw_obj_end(w);
}

static int
reason_ok(const char *reason, struct intake_error *err)
{
	if (rec_check_chars(err, "reason", _("Reason"), reason, IN_TEXT_CHARS, 1))
		return err->em.code;
	if (text_chars(reason) < 4)
		return rec_refuse(err, "reason", CST_ERR_ARG, _("write the reason out"));
	return CST_OK;
}

/* A record.corrected body up to its fields' list, which the caller fills. */
static void
correction_begin(struct jw *w, const char *terminal, int64_t seq, const char *kind)
{
	jw_init(w);
	jw_obj_begin(w);
	jw_key(w, "corrects");
	jw_obj_begin(w);
	rec_kv(w, "terminal", terminal);
	jw_key(w, "seq");
	jw_int(w, seq);
	rec_kv(w, "kind", kind);
	jw_obj_end(w);
	jw_key(w, "fields");
	jw_arr_begin(w);
}

static int
correction_end(struct intake *in, const char *visit, struct jw *w, const char *reason,
    const char *supervisor, struct intake_error *err)
{
	jw_arr_end(w);
	rec_kv(w, "reason", reason);
	rec_kv(w, "approved_by", supervisor);
	jw_obj_end(w);
	return rec_append(in, "record.corrected", visit, w, err);
}

/* A correction of an item of a search or of the belongings list (correct.h, its key). */
static int
correct_item(struct intake *in, const char *visit, const struct correct_item *it,
    const char *key, const char *value, const char *reason, const char *supervisor,
    const char *password, struct intake_error *err)
{
	char terminal[EV_MAX_ID + 1], old[IN_TEXT_MAX + 1];
	struct jw w;
	int64_t seq = 0;
	int index = 0;

	if (correct_item_event(journal_db(in->j), visit, it, terminal, &seq, &index,
	    &err->em) != CST_OK)
		return rec_refuse(err, "field", err->em.code, "%s", err->em.text);
	if (correct_item_current(in->j, visit, key, old, sizeof old, &err->em) != CST_OK)
		return err->em.code;
	if (strcmp(it->field, "description") == 0 ?
	    rec_check_chars(err, "value", _("Description"), value, IN_TEXT_CHARS, 1) :
	    rec_check_text(err, "value", value, 15, strcmp(it->field, "quantity") == 0))
		return err->em.code;
	if (strcmp(old, value) == 0)
		return rec_refuse(err, "value", CST_ERR_ARG, _("this is the value recorded now"));
	if (reason_ok(reason, err) != CST_OK)
		return err->em.code;
	if (check_supervisor(in, "supervisor", supervisor, password, "correction", err))
		return err->em.code;
	correction_begin(&w, terminal, seq, it->search ? "search.recorded" :
	    "belongings.logged");
	amended_field(&w, it->field, index, old, value);
	return correction_end(in, visit, &w, reason, supervisor, err);
}

int
intake_correct(struct intake *in, const char *visit, const char *field, const char *value,
    const char *reason, const char *supervisor, const char *password,
    struct intake_error *err)
{
	char terminal[EV_MAX_ID + 1], old[IN_TEXT_MAX + 1], unused[UUID_LEN + 1];
	char upper[IN_TEXT_MAX + 1];
	struct correct_item it;
	struct registration r;
	struct idcard id;
	struct visit v;
	struct jw w;
	int64_t seq = 0, now = clock_now_ms();
	int doc = IDDOC_RESIDENT;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return err->em.code;
	if (correct_item_parse(field, &it) == 0)
		return correct_item(in, visit, &it, field, value, reason, supervisor, password,
		    err);
	if (correct_field_index(field) < 0)
		return rec_refuse(err, "field", CST_ERR_ARG, _("%s cannot be corrected"), field);
	correct_current(&v, field, old, sizeof old);
	registration_of(&v, &r);
	/* Codes are recorded in capitals, as a registration records them. */
	if (strcmp(field, "nationality") == 0 || strcmp(field, "pass_number") == 0) {
		size_t i;

		snprintf(upper, sizeof upper, "%s", value);
		for (i = 0; upper[i]; i++)
			if (upper[i] >= 'a' && upper[i] <= 'z')
				upper[i] = (char)(upper[i] - 'a' + 'A');
		value = upper;
	}
	if (amend(&r, field, value, err) != CST_OK)
		return err->em.code;
	if (strcmp(old, value) == 0)
		return rec_refuse(err, "value", CST_ERR_ARG, _("this is the value recorded now"));
	/* The new value passes the checks of a registration, against the rest of it. */
	if (check_person(&r, now, &doc, &id, err) != CST_OK ||
	    rec_check_code(err, "case_number", r.case_number, IN_SHORT_MAX, CODE_MARKS, 1) ||
	    rec_check_code(err, "officer1", r.officer1, IN_SHORT_MAX, CODE_MARKS, 1) ||
	    rec_check_code(err, "officer2", r.officer2, IN_SHORT_MAX, CODE_MARKS, 1)) {
		err->field = "value";	/* the only value that changed is the one to blame */
		return err->em.code;
	}
	if (strcmp(r.officer1, r.officer2) == 0)
		return rec_refuse(err, "value", CST_ERR_ARG, _("two different officers escort a "
		    "person"));
	if (strcmp(field, "id_number") == 0 &&
	    person_id_for(in, doc, &r, id.number, unused, err) != CST_OK)
		return err->em.code;
	if (reason_ok(reason, err) != CST_OK ||
	    registered_event(in, visit, terminal, &seq, err) != CST_OK)
		return err->em.code;
	if (check_supervisor(in, "supervisor", supervisor, password, "correction", err))
		return err->em.code;
	correction_begin(&w, terminal, seq, "person.registered");
	amended_field(&w, field, -1, old, strcmp(field, "id_number") == 0 ? id.number : value);
	if (strcmp(field, "id_number") == 0 && idcard_doc_encodes_person(doc) &&
	    strcmp(id.birth, v.birth_date) != 0)
		amended_field(&w, "birth_date", -1, v.birth_date, id.birth);
	return correction_end(in, visit, &w, reason, supervisor, err);
}

static void
sign_match(struct jw *w, const struct sign_match *m)
{
	jw_key(w, "match");
	jw_obj_begin(w);
	rec_kv(w, "finger", m->finger);
	jw_key(w, "score");
	jw_int(w, m->score);
	rec_kv(w, "enrolled_terminal", m->enrolled_terminal);
	jw_key(w, "enrolled_seq");
	jw_int(w, m->enrolled_seq);
	jw_obj_end(w);
}

int
intake_sign(struct intake *in, const char *visit, const char *document,
    const char *signer_role, const char *signer_name, const char *method, const char *text,
    const struct sign_match *match, struct intake_error *err)
{
	unsigned char hash[CRY_HASH_BYTES];
	char hex[2 * CRY_HASH_BYTES + 1];
	struct visit v;
	struct jw w;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (visit_get(in->j, visit, &v, &err->em) != CST_OK)
		return err->em.code;
	if (rec_check_text(err, "signer_name", signer_name, IN_NAME_MAX, 1))
		return err->em.code;
	if (strlen(text) > 48 * 1024)
		return rec_refuse(err, NULL, CST_ERR_ARG, _("the document is too long to sign"));
	if ((strcmp(method, "fingerprint") == 0) != (match != NULL) ||
	    (match && bio_finger_index(match->finger) < 0))
		return rec_refuse(err, NULL, CST_ERR_ARG, _("a fingerprint signature needs the match "
		    "of an enrolled finger"));
	cry_hash_buf(text, strlen(text), hash);
	hex_encode(hash, sizeof hash, hex);
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "document", document);
	rec_kv(&w, "doc_hash", hex);
	rec_kv(&w, "signer_role", signer_role);
	rec_kv(&w, "signer_name", signer_name);
	rec_kv(&w, "method", method);
	if (match)
		sign_match(&w, match);
	rec_kv(&w, "text", text);
	jw_obj_end(&w);
	return rec_append(in, "signature.made", visit, &w, err);
}

int
intake_fingerprint(struct intake *in, const char *visit, const char *finger, int quality,
    const char *format, const struct biokey *key, const unsigned char *tpl, size_t tpl_len,
    struct intake_error *err)
{
	unsigned char sealed[BIO_SEALED_MAX];
	char hex[2 * BIO_SEALED_MAX + 1];
	struct jw w;
	int used;

	reset_error(err);
	if (rec_recorded(in, err))
		return CST_OK;
	if (bio_finger_index(finger) < 0)
		return rec_refuse(err, "finger", CST_ERR_ARG, _("unknown finger"));
	if (tpl_len == 0 || tpl_len > BIO_TPL_MAX)
		return rec_refuse(err, NULL, CST_ERR_INPUT, _("the fingerprint template has %zu bytes; "
		    "1 to %d are accepted"), tpl_len, BIO_TPL_MAX);
	if (quality < 0 || quality > 100)
		return rec_refuse(err, NULL, CST_ERR_INPUT, _("fingerprint quality %d is not 0 to 100"),
		    quality);
	if (check_stage(in, visit, ACT_COLLECT, &used, err))
		return err->em.code;
	bio_seal(key, visit, finger, tpl, tpl_len, sealed);
	hex_encode(sealed, tpl_len + CRY_SEAL_OVERHEAD, hex);
	jw_init(&w);
	jw_obj_begin(&w);
	rec_kv(&w, "finger", finger);
	jw_key(&w, "quality");
	jw_int(&w, quality);
	rec_kv(&w, "format", format);
	rec_kv(&w, "key_id", key->id);
	rec_kv(&w, "sealed", hex);
	jw_obj_end(&w);
	return rec_append(in, "fingerprint.enrolled", visit, &w, err);
}

int
intake_allowed(struct intake *in, const char *visit, enum action a, struct intake_error *err)
{
	int used;

	reset_error(err);
	return check_stage(in, visit, a, &used, err);
}

/* Field and authority checks of an event's body: see evcheck.h and docs/journal.md. */
#include "evcheck.h"

#include <string.h>

#include "crypto.h"
#include "hex.h"
#include "i18n.h"
#include "idcard.h"
#include "intake.h"
#include "officer.h"
#include "operator.h"
#include "text.h"

static int
field(struct errmsg *em, const struct event *ev, const char *name, const char *why)
{
	return err_set(em, CST_ERR_INPUT, _("%s %s: %s: %s"), ev->kind, ev->subject, name, why);
}

/*
 * Every key and string in v: valid UTF-8 without NUL, controls or bidirectional overrides;
 * strings may hold line feeds and tabs (a signed document's text does), keys may not.
 */
static int
all_text(const struct json *v, int depth)
{
	size_t i, n, len;
	const char *s;

	switch (json_type(v)) {
	case JSON_STRING:
		s = json_str(v, &len);
		return text_safe(s, len, 1);
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (depth > 64)
			return 0;
		for (i = 0, n = json_count(v); i < n; i++) {
			if (json_type(v) == JSON_OBJECT && !text_valid(json_key_at(v, i),
			    EV_MAX_BODY, 0))
				return 0;
			if (!all_text(json_at(v, i), depth + 1))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

static int
check_operator_added(const struct event *ev, const struct json *body,
    const struct authority_proof *proof, struct errmsg *em)
{
	const char *id = json_get_str(body, "id"), *name = json_get_str(body, "name");
	const char *role = json_get_str(body, "role"), *hash = json_get_str(body, "password_hash");
	const struct json *cred = json_get(body, "credential");
	unsigned char center[CRY_PK_BYTES];
	struct errmsg why;
	enum role r;

	if (id == NULL || strcmp(id, ev->subject) != 0)
		return field(em, ev, "id", _("must be the event's subject"));
	if (name == NULL || !text_valid(name, OP_NAME_MAX, 1))
		return field(em, ev, "name", _("must be 1 to 64 bytes of text"));
	if (role == NULL || role_from_key(role, &r) != 0)
		return field(em, ev, "role", _("must be clerk, keeper, supervisor or admin"));
	if (hash == NULL || !cry_pwhash_str_ok(hash, NULL, NULL))
		return field(em, ev, "password_hash", _("must be an argon2id hash of at most 8 "
		    "passes over 256 MiB"));
	if (cred == NULL)
		return CST_OK;
	if (r != ROLE_ADMIN)
		return field(em, ev, "credential", _("only an administrator holds one"));
	err_clear(&why);
	if (authority_credential_ok(cred, &why) != CST_OK)
		return field(em, ev, "credential", why.text);
	hex_decode(json_get_str(cred, "center"), 2 * CRY_PK_BYTES, center, sizeof center);
	if (proof->present && !cry_equal(center, proof->center, CRY_PK_BYTES))
		return field(em, ev, "credential", _("is sealed for another center than the one "
		    "that signed the event"));
	return CST_OK;
}

static int
check_officer_added(const struct event *ev, const struct json *body, struct errmsg *em)
{
	const char *number = json_get_str(body, "number"), *name = json_get_str(body, "name");
	const char *unit = json_get_str(body, "unit"), *sex = json_get_str(body, "sex");
	struct officer o;
	struct errmsg why;

	if (number == NULL || strcmp(number, ev->subject) != 0)
		return field(em, ev, "number", _("must be the event's subject"));
	memset(&o, 0, sizeof o);
	if (strlen(number) >= sizeof o.number || (name != NULL && strlen(name) >= sizeof o.name) ||
	    (unit != NULL && strlen(unit) >= sizeof o.unit))
		return field(em, ev, "body", _("a field is too long"));
	memcpy(o.number, number, strlen(number) + 1);
	if (name == NULL)
		return field(em, ev, "name", _("is missing"));
	memcpy(o.name, name, strlen(name) + 1);
	if (unit != NULL)
		memcpy(o.unit, unit, strlen(unit) + 1);
	if (sex != NULL && strcmp(sex, "") != 0 && strcmp(sex, "M") != 0 && strcmp(sex, "F") != 0)
		return field(em, ev, "sex", _("must be M, F or empty"));
	o.sex = sex != NULL ? sex[0] : '\0';
	err_clear(&why);
	if (officer_valid(&o, &why) != CST_OK)
		return field(em, ev, "body", why.text);
	return CST_OK;
}

static int
check_login(const struct event *ev, const struct json *body, struct errmsg *em)
{
	const char *purpose = json_get_str(body, "purpose");
	int64_t failures, until;

	if (purpose == NULL || !text_valid(purpose, 32, 1))
		return field(em, ev, "purpose", _("must be 1 to 32 bytes of text"));
	if (strcmp(ev->kind, "login.failed") != 0)
		return CST_OK;
	if (json_get(body, "failures") != NULL && (json_get_int(body, "failures", &failures) !=
	    CST_OK || failures < 0 || failures > 1000000))
		return field(em, ev, "failures", _("must be a count from 0 to 1000000"));
	if (json_get(body, "locked_until") != NULL && (json_get_int(body, "locked_until",
	    &until) != CST_OK || until < 0))
		return field(em, ev, "locked_until", _("must be a time in ms, 0 or more"));
	return CST_OK;
}

/*
 * record.corrected: what it corrects, and fields the correction may amend, each with text
 * old and new values (docs/journal.md); a reason and an approving supervisor.
 */
static int
check_corrected(const struct event *ev, const struct json *body, struct errmsg *em)
{
	static const char *const known[] = { "name", "sex", "ethnicity", "id_number",
	    "birth_date", "address", "phone", "case_number", "officer1", "officer2",
	    "nationality", "name_en", "pass_number", "doc_issues", "doc_note" };
	static const char *const item_known[] = { "description", "quantity", "unit" };
	const struct json *fields = json_get(body, "fields"), *of = json_get(body, "corrects");
	const char *reason = json_get_str(body, "reason"), *by = json_get_str(body, "approved_by");
	const char *terminal = json_get_str(of, "terminal"), *kind = json_get_str(of, "kind");
	/* An item of a search or of the belongings list, or a registration's field. */
	int items = kind != NULL && (strcmp(kind, "search.recorded") == 0 ||
	    strcmp(kind, "belongings.logged") == 0);
	const char *const *names = items ? item_known : known;
	size_t nnames = items ? 3 : sizeof known / sizeof known[0];
	int64_t seq, item;
	size_t i, k;

	if (kind != NULL && !items && strcmp(kind, "person.registered") != 0)
		return field(em, ev, "corrects", _("names a kind of event that cannot be "
		    "corrected"));
	if (terminal == NULL || !event_valid_id(terminal, strlen(terminal)) ||
	    json_get_int(of, "seq", &seq) != CST_OK || seq < 1)
		return field(em, ev, "corrects", _("must name the event corrected (terminal, seq)"));
	if (json_type(fields) != JSON_ARRAY || json_count(fields) == 0 || json_count(fields) > 16)
		return field(em, ev, "fields", _("must list 1 to 16 fields"));
	for (i = 0; i < json_count(fields); i++) {
		const struct json *f = json_at(fields, i);
		const char *name = json_get_str(f, "field"), *old = json_get_str(f, "old");
		const char *new_ = json_get_str(f, "new");

		for (k = 0; name != NULL && k < nnames; k++)
			if (strcmp(names[k], name) == 0)
				break;
		if (name == NULL || k == nnames)
			return field(em, ev, "fields", _("names a field that cannot be corrected"));
		if (items && (json_get_int(f, "item", &item) != CST_OK || item < 0 ||
		    item >= 256))
			return field(em, ev, "fields", _("must name the item corrected"));
		if (old == NULL || new_ == NULL || !text_valid(old, 400, 0) ||
		    !text_valid(new_, 400, 1))
			return field(em, ev, "fields", _("must give old and new text of at most 400 "
			    "bytes"));
	}
	if (reason == NULL || !text_valid(reason, 400, 1))
		return field(em, ev, "reason", _("must be 1 to 400 bytes of text"));
	if (by == NULL || !event_valid_id(by, strlen(by)))
		return field(em, ev, "approved_by", _("must name the approving supervisor"));
	return CST_OK;
}

/*
 * The number and nationality as a local registration records them (trimmed, upper case), so
 * that the projection of another terminal's event holds the same values as a local one.
 */
static int
normal_form(const struct event *ev, const struct registration *r, const struct idcard *id,
    struct errmsg *em)
{
	char nat[4];

	if (strcmp(r->id_number, id->number) != 0)
		return field(em, ev, "id_number", _("is not in its normal form (trimmed, upper "
		    "case)"));
	if (r->nationality[0] && (idcard_nationality(r->nationality, nat, NULL, 0) != 0 ||
	    strcmp(r->nationality, nat) != 0))
		return field(em, ev, "nationality", _("is not in its normal form (3 capital "
		    "letters)"));
	return CST_OK;
}

/*
 * person.registered: the document a person is registered by (issue 16). A body with one of
 * the document's keys passes the checks of a registration here (intake_check_document, the
 * event's time as now); one without them is a resident ID card's, as before, whose number
 * is required and checked alone.  Number and nationality must be in their normal form.
 */
static int
check_registered(const struct event *ev, const struct json *body, struct errmsg *em)
{
	static const char *const documented[] = { "doc_type", "nationality", "name_en",
	    "pass_number", "doc_issues", "doc_note" };
	struct registration r;
	struct {
		const char *key;
		char *dst;
		size_t size;
	} keys[] = {
		{ "id_number", r.id_number, sizeof r.id_number },
		{ "birth_date", r.birth_date, sizeof r.birth_date },
		{ "doc_type", r.doc_type, sizeof r.doc_type },
		{ "nationality", r.nationality, sizeof r.nationality },
		{ "name_en", r.name_en, sizeof r.name_en },
		{ "pass_number", r.pass_number, sizeof r.pass_number },
		{ "doc_issues", r.doc_issues, sizeof r.doc_issues },
		{ "doc_note", r.doc_note, sizeof r.doc_note },
	};
	const char *sex = json_get_str(body, "sex");
	struct intake_error err;
	struct idcard id;
	char why[200];
	size_t i, has = 0;
	int doc;

	memset(&r, 0, sizeof r);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *s = json_get_str(body, keys[i].key);

		if (json_get(body, keys[i].key) == NULL)
			continue;
		if (s == NULL || strlen(s) >= keys[i].size)
			return field(em, ev, keys[i].key, _("must be text, and not too long"));
		memcpy(keys[i].dst, s, strlen(s) + 1);
	}
	for (i = 0; i < sizeof documented / sizeof documented[0]; i++)
		has += json_get(body, documented[i]) != NULL;
	/* a resident ID card's body, as before issue 16: the number is required */
	if (has == 0 && idcard_check(r.id_number, ev->ts, &id, why, sizeof why) != 0)
		return field(em, ev, "id_number", why);
	if (has == 0)
		return normal_form(ev, &r, &id, em);
	r.sex = sex != NULL && (strcmp(sex, "M") == 0 || strcmp(sex, "F") == 0) ? sex[0] : '?';
	memset(&err, 0, sizeof err);
	if (intake_check_document(&r, ev->ts, &doc, &id, &err) != CST_OK)
		return field(em, ev, err.field != NULL ? err.field : "body", err.em.text);
	return normal_form(ev, &r, &id, em);
}

/* belongings.returned: every held item ("to") or the items named, each with its own "to". */
static int
check_returned(const struct event *ev, const struct json *body, struct errmsg *em)
{
	const struct json *items = json_get(body, "items");
	const char *to = json_get_str(body, "to");
	int64_t n;
	size_t i;

	if (to != NULL && strcmp(to, "owner") != 0 && strcmp(to, "property") != 0)
		return field(em, ev, "to", _("must be owner or property"));
	if (items == NULL)
		return to != NULL ? CST_OK : field(em, ev, "to", _("is missing"));
	if (json_type(items) != JSON_ARRAY || json_count(items) == 0 || json_count(items) > 256)
		return field(em, ev, "items", _("must list 1 to 256 items"));
	for (i = 0; i < json_count(items); i++) {
		const struct json *it = json_at(items, i);
		const char *its = json_get_str(it, "to");

		if (json_type(it) == JSON_OBJECT ? json_get_int(it, "n", &n) != CST_OK ||
		    its == NULL || (strcmp(its, "owner") != 0 && strcmp(its, "property") != 0) :
		    json_int(it, &n) != CST_OK || to == NULL)
			return field(em, ev, "items", _("each must be an item's n with where it "
			    "goes (owner or property)"));
		if (n < 1)
			return field(em, ev, "items", _("an item's n is 1 or more"));
	}
	return CST_OK;
}

int
evcheck_parsed(const struct event *ev, const struct json *body, const unsigned char *center,
    struct authority_proof *proof, struct errmsg *em)
{
	struct errmsg why;
	int status, needs = authority_kind_needs(ev->kind);

	memset(proof, 0, sizeof *proof);
	if (json_type(body) != JSON_OBJECT)
		return field(em, ev, "body", _("must be a JSON object"));
	if (!all_text(body, 0))
		return field(em, ev, "body", _("holds control characters, bidirectional "
		    "overrides or a NUL in its text"));
	err_clear(&why);
	if ((status = authority_check(ev, body, proof, &why)) != CST_OK)
		return err_set(em, CST_ERR_PERM, "%s %s: %s", ev->kind, ev->subject, why.text);
	if (needs && !proof->present)
		return err_set(em, CST_ERR_PERM, _("%s %s: reference data needs an administrator's "
		    "authority, signed with the center key"), ev->kind, ev->subject);
	if (proof->present && center != NULL && !cry_equal(center, proof->center, CRY_PK_BYTES))
		return err_set(em, CST_ERR_PERM, _("%s %s: signed with another center key than "
		    "the one pinned here"), ev->kind, ev->subject);
	/* A later terminal.created would change the key the rest of the chain is checked with. */
	if (strcmp(ev->kind, "terminal.created") == 0 && (ev->seq != 1 ||
	    strcmp(ev->subject, ev->terminal) != 0))
		return field(em, ev, "seq", _("terminal.created only opens its own terminal's "
		    "chain"));
	if (strcmp(ev->kind, "operator.added") == 0)
		return check_operator_added(ev, body, proof, em);
	if (strcmp(ev->kind, "officer.added") == 0)
		return check_officer_added(ev, body, em);
	if (strncmp(ev->kind, "login.", 6) == 0)
		return check_login(ev, body, em);
	if (strcmp(ev->kind, "record.corrected") == 0)
		return check_corrected(ev, body, em);
	if (strcmp(ev->kind, "belongings.returned") == 0)
		return check_returned(ev, body, em);
	if (strcmp(ev->kind, "person.registered") == 0)
		return check_registered(ev, body, em);
	return CST_OK;
}

int
evcheck_event(const struct event *ev, const unsigned char *center,
    struct authority_proof *proof, struct errmsg *em)
{
	struct json *body;
	int status;

	memset(proof, 0, sizeof *proof);
	if ((status = json_parse(ev->body, ev->body_len, &body, em)) != CST_OK)
		return CST_ERR_INPUT;
	status = evcheck_parsed(ev, body, center, proof, em);
	json_free(body);
	return status;
}

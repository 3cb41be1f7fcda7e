/* The documents of a visit as plain text, and their export with signatures. */
#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correct.h"
#include "crypto.h"
#include "ethnic.h"
#include "idcard.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "officer.h"
#include "text.h"
#include "visit.h"
#include "when.h"

#define LABEL_COLS 12	/* width of the label column in documents */
#define MAX_ROWS 256	/* items, movements, signatures per visit shown */

static const char *const doc_keys[DOC_COUNT] = { "registration", "search", "belongings", "exit" };

const char *
doc_key(enum doc_kind k)
{
	return (unsigned)k < DOC_COUNT ? doc_keys[k] : "";
}

int
doc_from_key(const char *key, enum doc_kind *out)
{
	int i;

	for (i = 0; i < DOC_COUNT; i++)
		if (strcmp(doc_keys[i], key) == 0) {
			*out = (enum doc_kind)i;
			return 0;
		}
	return -1;
}

const char *
doc_title(enum doc_kind k)
{
	switch (k) {
	case DOC_REGISTRATION:	return _("Entry registration form");
	case DOC_SEARCH:	return _("Body search record");
	case DOC_BELONGINGS:	return _("Belongings custody list");
	case DOC_EXIT:		return _("Exit record");
	default:		return "?";
	}
}

/* "label      value\n" with the label padded to LABEL_COLS display columns. */
static void
line(struct buf *b, const char *label, const char *value)
{
	char padded[256] = "";

	text_pad_right(label, LABEL_COLS, padded, sizeof padded);
	buf_printf(b, "%s %s\n", padded, value);
}

static void
heading(struct buf *b, const char *title)
{
	int i, w = text_width(title);

	buf_printf(b, "%s\n", title);
	for (i = 0; i < w; i++)
		buf_add(b, "=");
	buf_add(b, "\n");
}

static const char *
sex_label(char sex)
{
	return sex == 'M' ? _("male") : sex == 'F' ? _("female") : "";
}

/* A recorded value as the document shows it (sex and ethnicity by name). */
static void
shown_value(const char *field, const char *raw, char *out, size_t size)
{
	int eth;

	if (strcmp(field, "sex") == 0)
		snprintf(out, size, "%s", sex_label(raw[0]));
	else if (strcmp(field, "ethnicity") == 0 && (eth = ethnic_find(raw)) >= 0)
		snprintf(out, size, "%s", ethnic_name((size_t)eth));
	else if (strcmp(field, "nationality") == 0 && idcard_country(raw) != NULL)
		snprintf(out, size, "%s (%s)", idcard_country(raw), raw);	/* 美国 (USA) */
	else
		snprintf(out, size, "%s", raw);
}

/*
 * The marks of a corrected field, oldest first: what it was before each correction, when,
 * who approved it and why. label: the field's name, for an item's line that has several.
 */
static void
marks(struct buf *b, const char *label, const char *field, const struct correction *cs,
    size_t n)
{
	char was[IN_TEXT_MAX + 1], when[WHEN_ISO_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(cs[i].field, field) != 0)
			continue;
		shown_value(field, cs[i].old, was, sizeof was);
		when_format_minute(cs[i].ts, when);
		if (label != NULL)
			buf_printf(b, _(" (%1$s corrected; was %2$s; %3$s, approved by %4$s; reason: "
			    "%5$s)"), label, was, when, cs[i].approved_by, cs[i].reason);
		else
			buf_printf(b, _(" (corrected; was %1$s; %2$s, approved by %3$s; reason: %4$s)"),
			    was, when, cs[i].approved_by, cs[i].reason);
	}
}

/* A line of a record: the value now and, when it was corrected, every correction's mark. */
static void
field_line(struct buf *b, const char *label, const char *field, const char *value,
    const struct correction *cs, size_t n)
{
	struct buf text = { NULL, 0, 0 };

	buf_add(&text, value);
	marks(&text, NULL, field, cs, n);
	line(b, label, buf_str(&text));
	buf_free(&text);
}

/* The corrections of a visit, for the documents (none when they cannot be read). */
static size_t
corrections_of(struct journal *j, const char *visit, struct correction *cs)
{
	size_t n = 0;

	if (correct_list(j, visit, cs, MAX_ROWS, &n, NULL) != CST_OK)
		n = 0;
	return n;
}

/* A person meant by a number or id: "刘洋（010231）" (src/officer.c). */
static const char *
who(struct journal *j, const char *number_or_id, char out[OFFICER_SHOWN_MAX])
{
	person_shown(j, number_or_id, out, OFFICER_SHOWN_MAX);
	return out;
}

/* A line of the document's when it has a value (or a correction). */
static void
document_line(struct buf *b, const char *label, const char *field, const char *value,
    const struct correction *cs, size_t n)
{
	char shown[IN_TEXT_MAX + 64];

	if (value[0] == '\0' && correct_first(cs, n, field) == NULL)
		return;
	shown_value(field, value, shown, sizeof shown);
	field_line(b, label, field, shown, cs, n);
}

/*
 * The document a person was registered by (issue 16): a resident ID card's number as
 * before; another document's type, number, nationality, English name, pass number and
 * times issued where present; for a person without one, why.
 */
static void
document_lines(struct buf *b, const struct visit *v, const struct correction *cs, size_t n)
{
	int doc = idcard_doc_find(v->doc_type);

	if (doc == IDDOC_RESIDENT) {
		field_line(b, _("ID number"), "id_number", v->id_number, cs, n);
		return;
	}
	line(b, _("Document"), idcard_doc_label(doc));
	document_line(b, _("Document number"), "id_number", v->id_number, cs, n);
	document_line(b, _("Nationality"), "nationality", v->nationality, cs, n);
	document_line(b, _("English name"), "name_en", v->name_en, cs, n);
	document_line(b, _("Pass number"), "pass_number", v->pass_number, cs, n);
	document_line(b, idcard_issues_label(doc), "doc_issues", v->doc_issues, cs, n);
	document_line(b, _("Why no document"), "doc_note", v->doc_note, cs, n);
}

static void
render_registration(struct journal *j, const struct visit *v, struct buf *b)
{
	static struct correction cs[MAX_ROWS];
	char when[WHEN_ISO_MAX], officers[2 * OFFICER_SHOWN_MAX + 8], reason[128];
	int eth = ethnic_find(v->ethnicity);
	size_t n = corrections_of(j, v->id, cs);

	when_format_minute(v->entry_ts, when);
	officer_pair_shown(j, v->officer1, v->officer2, officers, sizeof officers);
	snprintf(reason, sizeof reason, "%s%s", intake_label(intake_reason_keys,
	    intake_reason_labels, 3, v->reason), v->serious ? _(" (serious: 24 h limit)") : "");
	heading(b, doc_title(DOC_REGISTRATION));
	line(b, _("Visit"), v->id);
	field_line(b, _("Name"), "name", v->name, cs, n);
	field_line(b, _("Sex"), "sex", sex_label(v->sex), cs, n);
	field_line(b, _("Ethnicity"), "ethnicity", eth >= 0 ? ethnic_name((size_t)eth) :
	    v->ethnicity, cs, n);
	field_line(b, _("Birth date"), "birth_date", v->birth_date, cs, n);
	document_lines(b, v, cs, n);
	field_line(b, _("Address"), "address", v->address, cs, n);
	field_line(b, _("Phone"), "phone", v->phone, cs, n);
	field_line(b, _("Case number"), "case_number", v->case_number, cs, n);
	line(b, _("Reason"), reason);
	if (v->cause[0])
		field_line(b, _("Cause"), "cause", v->cause, cs, n);
	if (correct_first(cs, n, "officer1") || correct_first(cs, n, "officer2")) {
		char shown[OFFICER_SHOWN_MAX];

		field_line(b, _("Officer 1"), "officer1", who(j, v->officer1, shown), cs, n);
		field_line(b, _("Officer 2"), "officer2", who(j, v->officer2, shown), cs, n);
	} else {
		line(b, _("Officers"), officers);
	}
	line(b, _("Entry time"), when);
	line(b, _("Terminal"), v->terminal);
}

/* An item's field as it shows now; its marks go to mk (label: the field's name). */
static const char *
item_field(const struct correct_item *at, const char *field, const char *label,
    const char *recorded, const struct correction *cs, size_t n, struct buf *mk)
{
	struct correct_item it = *at;
	char key[64];

	snprintf(it.field, sizeof it.field, "%s", field);
	correct_item_key(&it, key, sizeof key);
	marks(mk, label, key, cs, n);
	return correct_value(cs, n, key, recorded ? recorded : "");
}

static void
render_one_search(struct journal *j, const struct json *s, int n,
    const struct correction *cs, size_t nc, struct buf *b)
{
	const struct json *list;
	char label[64], shown[OFFICER_SHOWN_MAX];
	size_t i;

	snprintf(label, sizeof label, _("Search %d"), n);
	buf_printf(b, "\n[%s]\n", label);
	line(b, _("Officer"), who(j, json_get_str(s, "officer") ? json_get_str(s, "officer") : "",
	    shown));
	line(b, _("Officer's sex"), sex_label(json_get_str(s, "officer_sex") ?
	    json_get_str(s, "officer_sex")[0] : 0));
	line(b, _("Witness"), who(j, json_get_str(s, "witness") ? json_get_str(s, "witness") : "",
	    shown));
	line(b, _("Health"), json_get_str(s, "health") ? json_get_str(s, "health") : "");
	list = json_get(s, "injuries");
	if (json_count(list) == 0)
		line(b, _("Injuries"), _("none found"));
	for (i = 0; i < json_count(list); i++) {
		char text[2 * IN_TEXT_MAX];

		snprintf(text, sizeof text, "%s: %s", json_get_str(json_at(list, i), "area"),
		    json_get_str(json_at(list, i), "description"));
		line(b, i == 0 ? _("Injuries") : "", text);
	}
	list = json_get(s, "items");
	if (json_count(list) == 0)
		line(b, _("Items found"), _("none"));
	for (i = 0; i < json_count(list); i++) {
		const struct json *it = json_at(list, i);
		const char *to = json_get_str(it, "to");
		struct correct_item at = { 1, n, (int)i, "" };
		struct buf mk = { NULL, 0, 0 };
		char text[2 * IN_TEXT_MAX];
		const char *d = item_field(&at, "description", _("Description"),
		    json_get_str(it, "description"), cs, nc, &mk);
		const char *q = item_field(&at, "quantity", _("Quantity"),
		    json_get_str(it, "quantity"), cs, nc, &mk);
		const char *u = item_field(&at, "unit", _("Unit"), json_get_str(it, "unit"), cs,
		    nc, &mk);

		snprintf(text, sizeof text, "%s %s%s → %s%s", d, q, u,
		    to && strcmp(to, "property") == 0 ? _("case property") : _("belongings"),
		    buf_str(&mk));
		buf_free(&mk);
		line(b, i == 0 ? _("Items found") : "", text);
	}
}

static int
render_search(struct journal *j, const struct visit *v, struct buf *b, struct errmsg *em)
{
	static struct correction cs[MAX_ROWS];
	size_t nc = corrections_of(j, v->id, cs);
	char **bodies;
	size_t i, n;
	int status;

	heading(b, doc_title(DOC_SEARCH));
	line(b, _("Visit"), v->id);
	field_line(b, _("Name"), "name", v->name, cs, nc);
	if ((status = visit_searches(j, v->id, &bodies, &n, em)) != CST_OK)
		return status;
	if (n == 0)
		buf_printf(b, "\n%s\n", _("No search recorded."));
	for (i = 0; i < n; i++) {
		struct json *s;

		if (json_parse(bodies[i], strlen(bodies[i]), &s, NULL) == CST_OK) {
			render_one_search(j, s, (int)i + 1, cs, nc, b);
			json_free(s);
		}
		free(bodies[i]);
	}
	free(bodies);
	return CST_OK;
}

static const char *
item_status(const char *status)
{
	if (strcmp(status, "held") == 0)
		return _("held");
	if (strcmp(status, "returned") == 0)
		return _("returned to owner");
	return _("moved to case property");
}

static int
render_belongings(struct journal *j, const struct visit *v, struct buf *b, struct errmsg *em)
{
	static struct visit_item items[IN_ITEMS_MAX * 4];
	static struct correction cs[MAX_ROWS];
	size_t nc = corrections_of(j, v->id, cs);
	char shown[OFFICER_SHOWN_MAX];
	size_t i, n;
	int status;

	heading(b, doc_title(DOC_BELONGINGS));
	line(b, _("Visit"), v->id);
	field_line(b, _("Name"), "name", v->name, cs, nc);
	if ((status = visit_belongings(j, v->id, items, sizeof items / sizeof items[0], &n,
	    em)) != CST_OK)
		return status;
	if (n > 0) {
		line(b, _("Locker"), items[n - 1].locker);
		line(b, _("Custodian"), who(j, items[n - 1].custodian, shown));
	}
	buf_add(b, "\n");
	if (n == 0)
		buf_printf(b, "%s\n", _("No belongings kept."));
	for (i = 0; i < n; i++) {
		const struct visit_item *it = &items[i];
		struct correct_item at = { 0, it->n, 0, "" };

		buf_printf(b, "%2d. [%s] %s  %s%s", it->n, intake_label(intake_category_keys,
		    intake_category_labels, 8, it->category), it->description, it->quantity,
		    it->unit);
		if (it->notes[0])
			buf_printf(b, "  (%s)", it->notes);
		/* The projection holds the values now; the marks say they were corrected. */
		item_field(&at, "description", _("Description"), "", cs, nc, b);
		item_field(&at, "quantity", _("Quantity"), "", cs, nc, b);
		item_field(&at, "unit", _("Unit"), "", cs, nc, b);
		buf_printf(b, "  %s\n", item_status(it->status));
	}
	return CST_OK;
}

/* A projection's JSON array of officer numbers (["110001","110002"]) as "110001, 110002". */
static void
officers_text(const char *array, char *out, size_t size)
{
	struct json *a;
	size_t i, used = 0;

	out[0] = '\0';
	if (json_parse(array, strlen(array), &a, NULL) != CST_OK)
		return;
	for (i = 0; i < json_count(a) && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "",
		    json_str(json_at(a, i), NULL) ? json_str(json_at(a, i), NULL) : "");
	json_free(a);
}

static int
render_exit(struct journal *j, const struct visit *v, struct buf *b, struct errmsg *em)
{
	static struct visit_movement moves[MAX_ROWS];
	static struct visit_temp_exit temps[MAX_ROWS];
	static struct correction cs[MAX_ROWS];
	char when[WHEN_ISO_MAX], back[WHEN_ISO_MAX], stay[64], text[512], officers[160];
	char shown[OFFICER_SHOWN_MAX];
	size_t i, n;
	int status;

	heading(b, doc_title(DOC_EXIT));
	line(b, _("Visit"), v->id);
	field_line(b, _("Name"), "name", v->name, cs, corrections_of(j, v->id, cs));
	when_format_minute(v->entry_ts, when);
	line(b, _("Entry time"), when);
	when_format_minute(v->exit_ts, when);
	line(b, _("Exit time"), v->exit_ts ? when : _("still in the area"));
	when_format_duration((v->exit_ts ? v->exit_ts : v->stage_ts) - v->entry_ts, stay,
	    sizeof stay);
	if (v->exit_ts)
		line(b, _("Time in area"), stay);
	line(b, _("Destination"), v->destination[0] ? intake_label(intake_destination_keys,
	    intake_destination_labels, 5, v->destination) : "");
	line(b, _("Approved by"), who(j, v->exit_by, shown));
	if (v->exit_note[0])
		line(b, _("Note"), v->exit_note);
	if ((status = visit_movements(j, v->id, moves, MAX_ROWS, &n, em)) != CST_OK)
		return status;
	buf_printf(b, "\n[%s]\n", _("Rooms"));
	for (i = 0; i < n; i++) {
		when_format_minute(moves[i].ts, when);
		officers_text(moves[i].officers, officers, sizeof officers);
		snprintf(text, sizeof text, "%s  %s  %s", moves[i].room,
		    strcmp(moves[i].kind, "interrogation") == 0 ? _("interrogation") :
		    _("waiting"), officers);
		line(b, when, text);
	}
	if ((status = visit_temp_exits(j, v->id, temps, MAX_ROWS, &n, em)) != CST_OK)
		return status;
	if (n > 0)
		buf_printf(b, "\n[%s]\n", _("Temporary exits"));
	for (i = 0; i < n; i++) {
		when_format_minute(temps[i].started_ts, when);
		when_format_minute(temps[i].returned_ts, back);
		snprintf(text, sizeof text, "%s: %s; %s %s; %s %s",
		    intake_label(intake_purpose_keys, intake_purpose_labels, 4, temps[i].purpose),
		    temps[i].reason, _("approved by"), who(j, temps[i].approved_by, shown), _("back"),
		    temps[i].returned_ts ? back : _("not yet"));
		line(b, when, text);
	}
	return CST_OK;
}

int
doc_render(struct journal *j, const char *visit, enum doc_kind k, struct buf *out,
    struct errmsg *em)
{
	struct visit v;
	int status;

	if ((status = visit_get(j, visit, &v, em)) != CST_OK)
		return status;
	switch (k) {
	case DOC_REGISTRATION:
		render_registration(j, &v, out);
		return CST_OK;
	case DOC_SEARCH:
		return render_search(j, &v, out, em);
	case DOC_BELONGINGS:
		return render_belongings(j, &v, out, em);
	case DOC_EXIT:
		return render_exit(j, &v, out, em);
	default:
		return err_set(em, CST_ERR_ARG, "doc_render: no such document");
	}
}

/* Whether text has line (a whole line, without its newline). */
static int
text_has_line(const char *text, const char *line_)
{
	size_t n = strlen(line_);
	const char *p = text;

	while ((p = strstr(p, line_)) != NULL) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

/* Whether a signature's stored text still hashes to its recorded hash. */
static int
signature_intact(const struct visit_signature *s, const char *text)
{
	unsigned char h[CRY_HASH_BYTES];
	char hex[2 * CRY_HASH_BYTES + 1];

	cry_hash_buf(text, strlen(text), h);
	hex_encode(h, sizeof h, hex);
	return strcmp(hex, s->doc_hash) == 0;
}

static const char *
signer_role_label(const char *role)
{
	if (strcmp(role, "person") == 0)
		return _("the person");
	if (strcmp(role, "custodian") == 0)
		return _("custodian");
	if (strcmp(role, "officer") == 0)
		return _("officer");
	if (strcmp(role, "witness") == 0)
		return _("witness");
	if (strcmp(role, "supervisor") == 0)
		return _("supervisor");
	return role;
}

struct export_sink {
	int html;
	struct buf *b;
	struct journal *j;	/* names of signers and operators */
};

static void
sink_text(struct export_sink *x, const char *text)
{
	if (x->html) {
		buf_add(x->b, "<pre>");
		buf_html(x->b, text);
		buf_add(x->b, "</pre>\n");
	} else {
		buf_add(x->b, text);
	}
}

static void
sink_signature(struct export_sink *x, const struct visit_signature *s, int intact,
    int as_current)
{
	char when[WHEN_ISO_MAX], line_[1024], how[128], signer[OFFICER_SHOWN_MAX];
	char op[OFFICER_SHOWN_MAX];

	when_format_minute(s->ts, when);
	if (strcmp(s->signer_role, "person") == 0)
		snprintf(signer, sizeof signer, "%s", s->signer_name);
	else
		person_shown(x->j, s->signer_name, signer, sizeof signer);
	operator_shown(x->j, s->operator_, op, sizeof op);
	if (strcmp(s->method, "typed") == 0)
		snprintf(how, sizeof how, "%s", _("typed confirmation"));
	else if (strcmp(s->method, "fingerprint") == 0)
		snprintf(how, sizeof how, _("fingerprint, %s matched with score %d"),
		    bio_finger_label(s->match_finger), s->match_score);
	else
		snprintf(how, sizeof how, "%s", s->method);
	/* Each hash alone on its line (64 characters, indented 6): no wrapper cuts it. */
	snprintf(line_, sizeof line_, _("Signed by %1$s (%2$s), %3$s, %4$s; operator %5$s; "
	    "journal %6$s #%7$lld%8$s\n    document hash %9$s\n      %10$s\n    event hash\n"
	    "      %11$s"), signer, signer_role_label(s->signer_role), how, when,
	    op, s->terminal, (long long)s->seq, as_current ? "" :
	    _("; signed an earlier version of this document"),
	    intact ? _("(checks)") : _("(DOES NOT CHECK)"), s->doc_hash, s->event_hash);
	if (x->html) {
		buf_add(x->b, "<p class=\"sig\">");
		buf_html(x->b, line_);
		buf_add(x->b, "</p>\n");
	} else {
		buf_printf(x->b, "  * %s\n", line_);
	}
}

/*
 * What an earlier signed version said that the current text does not: its lines missing
 * from the current text, each once, so that no list is shown twice.
 */
static void
sink_earlier(struct export_sink *x, const char *signed_text, const char *current)
{
	struct buf diff = { NULL, 0, 0 };
	const char *p = signed_text, *nl;
	size_t n;

	buf_printf(&diff, "    %s\n", _("As signed then (lines that differ from the text above):"));
	for (; *p; p = nl + (*nl == '\n')) {
		char line_[1024];

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		n = (size_t)(nl - p);
		if (n == 0 || n >= sizeof line_)
			continue;
		snprintf(line_, sizeof line_, "%.*s", (int)n, p);
		if (!text_has_line(current, line_))
			buf_printf(&diff, "    | %s\n", line_);
	}
	if (x->html) {
		buf_add(x->b, "<pre class=\"earlier\">");
		buf_html(x->b, buf_str(&diff));
		buf_add(x->b, "</pre>\n");
	} else {
		buf_add(x->b, buf_str(&diff));
	}
	buf_free(&diff);
}

/* A document: its current text, each signature, and any earlier signed version. */
static int
export_document(struct journal *j, const char *visit, enum doc_kind k,
    const struct visit_signature *sigs, size_t nsigs, struct export_sink *x,
    struct errmsg *em)
{
	struct buf current = { NULL, 0, 0 };
	char *shown = NULL;	/* the earlier version whose differences are shown */
	size_t i;
	int status;

	if ((status = doc_render(j, visit, k, &current, em)) != CST_OK)
		return status;
	if (x->html)
		buf_add(x->b, "<section>\n");
	sink_text(x, buf_str(&current));
	for (i = 0; i < nsigs; i++) {
		char *signed_text;

		if (strcmp(sigs[i].document, doc_key(k)) != 0)
			continue;
		if (visit_signed_text(j, &sigs[i], &signed_text, em) != CST_OK) {
			buf_free(&current);
			free(shown);
			return em != NULL ? em->code : CST_ERR_NOTFOUND;
		}
		sink_signature(x, &sigs[i], signature_intact(&sigs[i], signed_text),
		    strcmp(signed_text, buf_str(&current)) == 0);
		/* Each earlier version's differences once, however many signed it. */
		if (strcmp(signed_text, buf_str(&current)) != 0 &&
		    (shown == NULL || strcmp(signed_text, shown) != 0)) {
			sink_earlier(x, signed_text, buf_str(&current));
			free(shown);
			shown = signed_text;
		} else {
			free(signed_text);
		}
	}
	if (x->html)
		buf_add(x->b, "</section>\n");
	else
		buf_add(x->b, "\n");
	buf_free(&current);
	free(shown);
	return CST_OK;
}

static int
export_all(struct journal *j, const char *visit, struct export_sink *x, struct errmsg *em)
{
	static struct visit_signature sigs[MAX_ROWS];
	size_t nsigs;
	int k, status;

	if ((status = visit_signatures(j, visit, sigs, MAX_ROWS, &nsigs, em)) != CST_OK)
		return status;
	for (k = 0; k < DOC_COUNT; k++)
		if ((status = export_document(j, visit, (enum doc_kind)k, sigs, nsigs, x, em)))
			return status;
	return CST_OK;
}

int
doc_export_text(struct journal *j, const char *visit, struct buf *out, struct errmsg *em)
{
	struct export_sink x = { 0, out, j };

	return export_all(j, visit, &x, em);
}

static void
html_head(struct buf *b, const char *title)
{
	buf_add(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>");
	buf_html(b, title);
	buf_add(b, "</title>\n<style>\n"
	    "@page { size: A4; margin: 18mm 15mm; }\n"
	    "body { font-family: \"Noto Sans CJK SC\", \"Source Han Sans SC\", \"WenQuanYi Micro "
	    "Hei\", sans-serif; font-size: 11pt; }\n"
	    "pre { font-family: \"Noto Sans Mono CJK SC\", \"WenQuanYi Zen Hei Mono\", monospace; "
	    "font-size: 10.5pt; white-space: pre-wrap; }\n"
	    "section { page-break-after: always; }\n"
	    ".sig { font-size: 9pt; border-top: 1px solid #888; padding-top: 2mm; "
	    "word-break: break-all; }\n"
	    "table { border-collapse: collapse; width: 100%; font-size: 9pt; }\n"
	    "th, td { border: 1px solid #444; padding: 1mm 1.5mm; text-align: left; }\n"
	    "</style>\n</head>\n<body>\n");
}

int
doc_export_html(struct journal *j, const char *visit, struct buf *out, struct errmsg *em)
{
	struct export_sink x = { 1, out, j };
	struct visit v;
	int status;

	if ((status = visit_get(j, visit, &v, em)) != CST_OK)
		return status;
	html_head(out, v.name);
	status = export_all(j, visit, &x, em);
	buf_add(out, "</body>\n</html>\n");
	return status;
}

struct register_row {
	char cells[11][IN_TEXT_MAX + 1];
};

static const char *const register_titles[11] = {
	N_("No."), N_("Name"), N_("Sex"), N_("ID number"), N_("Case number"), N_("Reason"),
	N_("Entry time"), N_("Exit time"), N_("Destination"), N_("Officers"), N_("Terminal")
};

static void
register_row(struct journal *j, const struct visit *v, size_t i, struct register_row *r)
{
	char when[WHEN_ISO_MAX];

	snprintf(r->cells[0], sizeof r->cells[0], "%zu", i + 1);
	snprintf(r->cells[1], sizeof r->cells[1], "%s", v->name);
	snprintf(r->cells[2], sizeof r->cells[2], "%s", sex_label(v->sex));
	snprintf(r->cells[3], sizeof r->cells[3], "%s", v->id_number);
	snprintf(r->cells[4], sizeof r->cells[4], "%s", v->case_number);
	snprintf(r->cells[5], sizeof r->cells[5], "%s%s%s", intake_label(intake_reason_keys,
	    intake_reason_labels, 3, v->reason), v->cause[0] ? ": " : "", v->cause);
	when_format_minute(v->entry_ts, when);
	snprintf(r->cells[6], sizeof r->cells[6], "%s", when);
	when_format_minute(v->exit_ts, when);
	snprintf(r->cells[7], sizeof r->cells[7], "%s", when);
	snprintf(r->cells[8], sizeof r->cells[8], "%s", v->destination[0] ?
	    intake_label(intake_destination_keys, intake_destination_labels, 5, v->destination) :
	    "");
	officer_pair_shown(j, v->officer1, v->officer2, r->cells[9], sizeof r->cells[9]);
	snprintf(r->cells[10], sizeof r->cells[10], "%s", v->terminal);
}

static int
register_out(struct journal *j, int64_t from, int64_t to, int html, struct buf *b,
    struct errmsg *em)
{
	struct visit_list l;
	struct register_row r;
	size_t i, c;
	int status;

	if ((status = visit_entered_between(j, from, to, &l, em)) != CST_OK)
		return status;
	if (html) {
		html_head(b, _("Area register"));
		buf_printf(b, "<h1>%s</h1>\n<table>\n<tr>", _("Area register"));
	}
	for (c = 0; c < 11; c++) {
		if (html) {
			buf_add(b, "<th>");
			buf_html(b, _(register_titles[c]));
			buf_add(b, "</th>");
		} else {
			buf_add(b, c ? "," : "");
			buf_csv(b, _(register_titles[c]));
		}
	}
	buf_add(b, html ? "</tr>\n" : "\r\n");
	for (i = 0; i < l.n; i++) {
		register_row(j, &l.v[i], i, &r);
		buf_add(b, html ? "<tr>" : "");
		for (c = 0; c < 11; c++) {
			if (html) {
				buf_add(b, "<td>");
				buf_html(b, r.cells[c]);
				buf_add(b, "</td>");
			} else {
				buf_add(b, c ? "," : "");
				buf_csv(b, r.cells[c]);
			}
		}
		buf_add(b, html ? "</tr>\n" : "\r\n");
	}
	if (html)
		buf_add(b, "</table>\n</body>\n</html>\n");
	visit_list_free(&l);
	return CST_OK;
}

int
doc_register_csv(struct journal *j, int64_t from_ms, int64_t to_ms, struct buf *out,
    struct errmsg *em)
{
	return register_out(j, from_ms, to_ms, 0, out, em);
}

int
doc_register_html(struct journal *j, int64_t from_ms, int64_t to_ms, struct buf *out,
    struct errmsg *em)
{
	return register_out(j, from_ms, to_ms, 1, out, em);
}

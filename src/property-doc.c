/* The chain of custody as text, HTML and CSV, from the item's events in the journal. */
#include "property-doc.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "json.h"
#include "property.h"
#include "when.h"

#define NCOLS 11

static const char *
str(const struct json *o, const char *key)
{
	const char *s = json_get_str(o, key);

	return s != NULL ? s : "";
}

static const char *
step_label(const char *kind)
{
	static const struct {
		const char *kind, *label;
	} k[] = {
		{ "item.registered", N_("registered") }, { "item.tagged", N_("tag bound") },
		{ "item.stored", N_("stored") }, { "item.moved", N_("moved") },
		{ "item.checked_out", N_("checked out") },
		{ "item.returned", N_("returned to storage") },
		{ "item.transferred", N_("transferred") },
		{ "item.released", N_("returned to owner") },
		{ "disposal.approved", N_("disposal approved") },
		{ "item.disposed", N_("disposed of") },
	};
	size_t i;

	for (i = 0; i < sizeof k / sizeof k[0]; i++)
		if (strcmp(k[i].kind, kind) == 0)
			return _(k[i].label);
	return kind;
}

/* "名字 [k1] 库管 (password)" or "名字 (unit, ID) (confirmed)". */
static void
party(const struct json *p, char *out, size_t size)
{
	if (p == NULL) {
		out[0] = '\0';
		return;
	}
	if (strcmp(str(p, "kind"), "external") == 0)
		snprintf(out, size, "%s (%s%s%s) %s", str(p, "name"), str(p, "unit"),
		    *str(p, "unit") ? ", " : "", str(p, "id_number"), _("confirmed"));
	else
		snprintf(out, size, "%s [%s] %s", str(p, "name"), str(p, "id"),
		    _("signed with password"));
}

static void
detail(const char *kind, const struct json *b, char *out, size_t size)
{
	char due[WHEN_ISO_MAX];
	int64_t v = 0;

	out[0] = '\0';
	if (strcmp(kind, "item.registered") == 0) {
		json_get_int(b, "value_fen", &v);
		snprintf(out, size, "%s; %s %s %s; %s %lld.%02lld; %s %s; %s %s",
		    prop_label(str(b, "category")), str(b, "description"), str(b, "quantity"),
		    str(b, "unit"), _("value"), (long long)(v / 100), (long long)(v % 100),
		    _("seized from"), str(b, "seized_from"), _("tag"), str(b, "tag"));
	} else if (strcmp(kind, "item.tagged") == 0) {
		snprintf(out, size, "%s %s (%s %s)", _("tag"), str(b, "tag"), _("before"),
		    str(b, "previous"));
	} else if (strcmp(kind, "item.checked_out") == 0) {
		json_get_int(b, "due_ts", &v);
		when_format_minute(v, due);
		snprintf(out, size, "%s; %s %s; %s", prop_label(str(b, "purpose")),
		    _("due back"), due, str(b, "note"));
	} else if (strcmp(kind, "item.transferred") == 0) {
		snprintf(out, size, "%s %s", prop_label(str(b, "unit")), str(b, "unit_name"));
	} else if (strcmp(kind, "disposal.approved") == 0) {
		snprintf(out, size, "%s; %s %s; %s", prop_label(str(b, "method")),
		    _("approved by"), str(b, "supervisor"), str(b, "reason"));
	} else if (strcmp(kind, "item.disposed") == 0) {
		snprintf(out, size, "%s; %s %s", prop_label(str(b, "method")), _("approved by"),
		    str(b, "approved_by"));
	}
}

void
prop_doc_row(const struct prop_step *s, struct prop_doc_row *r)
{
	struct json *b = NULL;

	memset(r, 0, sizeof *r);
	when_format_minute(s->ts, r->when);
	snprintf(r->code, sizeof r->code, "%s", s->code);
	snprintf(r->action, sizeof r->action, "%s", step_label(s->kind));
	if (json_parse(s->body, strlen(s->body), &b, NULL) != CST_OK)
		return;
	snprintf(r->from, sizeof r->from, "%s", str(b, "from"));
	if (*str(b, "location"))
		snprintf(r->to, sizeof r->to, "%s", str(b, "location"));
	else if (*str(b, "unit_name"))
		snprintf(r->to, sizeof r->to, "%s", str(b, "unit_name"));
	party(json_get(b, "giver"), r->giver, sizeof r->giver);
	party(json_get(b, "receiver"), r->receiver, sizeof r->receiver);
	detail(s->kind, b, r->detail, sizeof r->detail);
	json_free(b);
}

static const char *
header(int c)
{
	switch (c) {
	case 0:		return _("Time");
	case 1:		return _("Item");
	case 2:		return _("Action");
	/* TRANSLATORS: column headers of a chain of custody: where the item was, where it went. */
	case 3:		return _("From place");
	case 4:		return _("To place");
	case 5:		return _("Handed over by");
	case 6:		return _("Received by");
	case 7:		return _("Details");
	case 8:		return _("Operator");
	case 9:		return _("Event");
	default:	return _("Event hash");
	}
}

static void
cells(const struct prop_step *s, const struct prop_doc_row *r, const char *cell[NCOLS],
    char ev[EV_MAX_ID + 24])
{
	snprintf(ev, EV_MAX_ID + 24, "%s#%lld", s->terminal, (long long)s->seq);
	cell[0] = r->when;
	cell[1] = r->code;
	cell[2] = r->action;
	cell[3] = r->from;
	cell[4] = r->to;
	cell[5] = r->giver;
	cell[6] = r->receiver;
	cell[7] = r->detail;
	cell[8] = s->operator_;
	cell[9] = ev;
	cell[10] = s->hash;
}

static void
text_out(const struct prop_step_list *l, const char *title, struct buf *b)
{
	struct prop_doc_row r;
	size_t i;

	buf_printf(b, "%s\n\n", title);
	for (i = 0; i < l->n; i++) {
		prop_doc_row(&l->v[i], &r);
		buf_printf(b, "%s  %s  %s\n", r.when, r.code, r.action);
		if (r.from[0] || r.to[0])
			buf_printf(b, "    %s %s → %s\n", _("where:"), r.from[0] ? r.from : "-",
			    r.to[0] ? r.to : "-");
		if (r.giver[0])
			buf_printf(b, "    %s %s\n", _("handed over by:"), r.giver);
		if (r.receiver[0])
			buf_printf(b, "    %s %s\n", _("received by:"), r.receiver);
		if (r.detail[0])
			buf_printf(b, "    %s\n", r.detail);
		buf_printf(b, "    %s %s  %s#%lld  %.16s\n", _("operator:"), l->v[i].operator_,
		    l->v[i].terminal, (long long)l->v[i].seq, l->v[i].hash);
	}
}

static void
html_out(const struct prop_step_list *l, const char *title, struct buf *b)
{
	const char *cell[NCOLS];
	char ev[EV_MAX_ID + 24];
	struct prop_doc_row r;
	size_t i;
	int c;

	buf_add(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>");
	buf_html(b, title);
	buf_add(b, "</title>\n<style>\ntable { border-collapse: collapse; font-size: 9pt; }\n"
	    "th, td { border: 1px solid #444; padding: 1mm; text-align: left; "
	    "word-break: break-all; }\n</style>\n</head>\n<body>\n<h1>");
	buf_html(b, title);
	buf_add(b, "</h1>\n<table>\n<tr>");
	for (c = 0; c < NCOLS; c++) {
		buf_add(b, "<th>");
		buf_html(b, header(c));
		buf_add(b, "</th>");
	}
	buf_add(b, "</tr>\n");
	for (i = 0; i < l->n; i++) {
		prop_doc_row(&l->v[i], &r);
		cells(&l->v[i], &r, cell, ev);
		buf_add(b, "<tr>");
		for (c = 0; c < NCOLS; c++) {
			buf_add(b, "<td>");
			buf_html(b, cell[c]);
			buf_add(b, "</td>");
		}
		buf_add(b, "</tr>\n");
	}
	buf_add(b, "</table>\n</body>\n</html>\n");
}

static void
csv_out(const struct prop_step_list *l, struct buf *b)
{
	const char *cell[NCOLS];
	char ev[EV_MAX_ID + 24];
	struct prop_doc_row r;
	size_t i;
	int c;

	/* A BOM: spreadsheet programs in China read UTF-8 without one as GBK. */
	buf_add(b, "\xef\xbb\xbf");
	for (c = 0; c < NCOLS; c++) {
		buf_add(b, c ? "," : "");
		buf_csv(b, header(c));
	}
	buf_add(b, ",");
	buf_csv(b, _("Event kind"));
	buf_add(b, "\r\n");
	for (i = 0; i < l->n; i++) {
		prop_doc_row(&l->v[i], &r);
		cells(&l->v[i], &r, cell, ev);
		for (c = 0; c < NCOLS; c++) {
			buf_add(b, c ? "," : "");
			buf_csv(b, cell[c]);
		}
		/* The action in words for people, its kind last for a filter on stable keys. */
		buf_add(b, ",");
		buf_csv(b, l->v[i].kind);
		buf_add(b, "\r\n");
	}
}

static void
render(const struct prop_step_list *l, const char *title, enum prop_doc_format f,
    struct buf *out)
{
	if (f == PROP_DOC_HTML)
		html_out(l, title, out);
	else if (f == PROP_DOC_CSV)
		csv_out(l, out);
	else
		text_out(l, title, out);
}

int
prop_doc_item(struct journal *j, const char *item, enum prop_doc_format f, struct buf *out,
    struct errmsg *em)
{
	struct prop_step_list l;
	struct prop_item it;
	char title[256];
	int status;

	if ((status = prop_item_get(j, item, &it, em)) != CST_OK)
		return status;
	if ((status = prop_history_item(j, item, &l, em)) != CST_OK)
		return status;
	snprintf(title, sizeof title, _("Chain of custody of %s (case %s)"), it.code,
	    it.case_number);
	render(&l, title, f, out);
	prop_step_list_free(&l);
	return CST_OK;
}

int
prop_doc_case(struct journal *j, const char *case_number, enum prop_doc_format f,
    struct buf *out, struct errmsg *em)
{
	struct prop_step_list l;
	char title[256], code[PROP_CODE_MAX + 1];
	int status;

	if ((status = prop_history_case(j, case_number, &l, em)) != CST_OK)
		return status;
	if (l.n == 0) {
		prop_step_list_free(&l);
		return err_set(em, CST_ERR_NOTFOUND, _("case %s has no property"), case_number);
	}
	property_case_code(case_number, code);
	snprintf(title, sizeof title, _("Chain of custody of the property of case %s (%s)"),
	    case_number, code);
	render(&l, title, f, out);
	prop_step_list_free(&l);
	return CST_OK;
}

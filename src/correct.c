/* Corrections of recorded facts: the correctable fields and the corrections read back. */
#include "correct.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "i18n.h"

const char *const correct_field_keys[CORRECT_FIELDS] = {
	"name", "sex", "ethnicity", "id_number", "birth_date", "address", "phone",
	"case_number", "officer1", "officer2"
};

static const char *const field_labels[CORRECT_FIELDS] = {
	N_("Name"), N_("Sex"), N_("Ethnicity"), N_("ID number"), N_("Birth date"),
	N_("Address"), N_("Phone"), N_("Case number"), N_("Officer 1"), N_("Officer 2")
};

int
correct_field_index(const char *key)
{
	int i;

	for (i = 0; i < CORRECT_FIELDS; i++)
		if (strcmp(correct_field_keys[i], key) == 0)
			return i;
	return -1;
}

const char *
correct_field_label(const char *key)
{
	int i = correct_field_index(key);

	return i >= 0 ? _(field_labels[i]) : key;
}

void
correct_current(const struct visit *v, const char *key, char *out, size_t size)
{
	const char *s = "";
	char sex[2] = { v->sex, 0 };

	switch (correct_field_index(key)) {
	case 0: s = v->name; break;
	case 1: s = sex; break;
	case 2: s = v->ethnicity; break;
	case 3: s = v->id_number; break;
	case 4: s = v->birth_date; break;
	case 5: s = v->address; break;
	case 6: s = v->phone; break;
	case 7: s = v->case_number; break;
	case 8: s = v->officer1; break;
	case 9: s = v->officer2; break;
	default: break;
	}
	snprintf(out, size, "%s", s);
}

static void
column(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", s ? (const char *)s : "");
}

int
correct_list(struct journal *j, const char *visit, struct correction *out, size_t max,
    size_t *n, struct errmsg *em)
{
	static const char sql[] = "SELECT field, old, new, reason, approved_by, operator, ts "
	    "FROM corrections WHERE subject = ? ORDER BY ts, terminal, seq, field";
	sqlite3_stmt *st;
	int rc, status;

	*n = 0;
	if ((status = db_prepare(journal_db(j), sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, visit, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
		struct correction *c = &out[(*n)++];

		column(st, 0, c->field, sizeof c->field);
		column(st, 1, c->old, sizeof c->old);
		column(st, 2, c->new_, sizeof c->new_);
		column(st, 3, c->reason, sizeof c->reason);
		column(st, 4, c->approved_by, sizeof c->approved_by);
		column(st, 5, c->operator_, sizeof c->operator_);
		c->ts = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading visits"));
}

const struct correction *
correct_first(const struct correction *l, size_t n, const char *field)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i].field, field) == 0)
			return &l[i];
	return NULL;
}

const struct correction *
correct_last(const struct correction *l, size_t n, const char *field)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (strcmp(l[i - 1].field, field) == 0)
			return &l[i - 1];
	return NULL;
}

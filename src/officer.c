/* The register of officers: officer.added events, read back from the officers projection. */
#include "officer.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "i18n.h"
#include "json.h"
#include "operator.h"
#include "text.h"

#define NUMBER_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_."

int
officer_number_ok(const char *number)
{
	size_t n = strlen(number);

	return n >= OFFICER_NUMBER_MIN && n <= OFFICER_NUMBER_MAX &&
	    strspn(number, NUMBER_CHARS) == n;
}

int
officer_sex_parse(const char *s, char *out)
{
	static const char *const male[] = { "M", "m", "男", "male", "1" };
	static const char *const female[] = { "F", "f", "女", "female", "2" };
	size_t i;

	*out = '\0';
	if (s[0] == '\0')
		return 0;
	for (i = 0; i < sizeof male / sizeof male[0]; i++) {
		if (strcmp(s, male[i]) == 0)
			return *out = 'M', 0;
		if (strcmp(s, female[i]) == 0)
			return *out = 'F', 0;
	}
	return -1;
}

int
officer_valid(const struct officer *o, struct errmsg *em)
{
	if (!officer_number_ok(o->number))
		return err_set(em, CST_ERR_ARG, _("officer number \"%s\" is not valid: use %d to %d "
		    "letters or digits"), o->number, OFFICER_NUMBER_MIN, OFFICER_NUMBER_MAX);
	if (!text_valid(o->name, OFFICER_NAME_MAX, 1))
		return err_set(em, CST_ERR_ARG, _("the officer's name must be 1 to %d bytes of "
		    "text"), OFFICER_NAME_MAX);
	if (!text_valid(o->unit, OFFICER_UNIT_MAX, 0))
		return err_set(em, CST_ERR_ARG, _("the officer's unit must be at most %d bytes of "
		    "text"), OFFICER_UNIT_MAX);
	if (o->sex != '\0' && o->sex != 'M' && o->sex != 'F')
		return err_set(em, CST_ERR_ARG, _("the officer's sex must be male or female"));
	return CST_OK;
}

int
officer_add(struct journal *j, const struct authority *by, const struct officer *o,
    struct errmsg *em)
{
	const char *terminal = journal_signer(j), *body;
	char sex[2] = { o->sex, '\0' };
	struct officer existing;
	char *signed_body = NULL;
	size_t len, signed_len;
	struct jw w;
	int status;

	if (by == NULL)
		return err_set(em, CST_ERR_PERM, _("adding an officer needs an administrator "
		    "present at this terminal (--by ID and their password)"));
	if ((status = officer_valid(o, em)) != CST_OK)
		return status;
	if (terminal == NULL)
		return err_set(em, CST_ERR_ARG, _("this journal is not open for signing"));
	if (officer_get(j, o->number, &existing, NULL) == CST_OK)
		return err_set(em, CST_ERR_EXISTS, _("officer %s is already registered (%s)"),
		    o->number, existing.name);
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "number");
	jw_str(&w, o->number);
	jw_key(&w, "name");
	jw_str(&w, o->name);
	jw_key(&w, "unit");
	jw_str(&w, o->unit);
	jw_key(&w, "sex");
	jw_str(&w, sex);
	jw_obj_end(&w);
	body = jw_text(&w, &len);
	status = authority_attach(by, terminal, "officer.added", o->number, body, len,
	    &signed_body, &signed_len, em);
	if (status == CST_OK)
		status = journal_append(j, by->admin, "officer.added", o->number, signed_body,
		    signed_len, NULL, em);
	free(signed_body);
	jw_free(&w);
	return status;
}

#define OFFICER_COLUMNS "number, name, unit, sex, added_by"

static void
read_officer(sqlite3_stmt *st, struct officer *out)
{
	const char *sex = (const char *)sqlite3_column_text(st, 3);

	memset(out, 0, sizeof *out);
	snprintf(out->number, sizeof out->number, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(out->unit, sizeof out->unit, "%s", (const char *)sqlite3_column_text(st, 2));
	out->sex = sex != NULL && (sex[0] == 'M' || sex[0] == 'F') ? sex[0] : '\0';
	snprintf(out->added_by, sizeof out->added_by, "%s",
	    (const char *)sqlite3_column_text(st, 4));
}

int
officer_get(struct journal *j, const char *number, struct officer *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(journal_db(j), "SELECT " OFFICER_COLUMNS " FROM officers "
	    "WHERE number = ?", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_officer(st, out);
		status = CST_OK;
	} else if (rc == SQLITE_DONE) {
		status = err_set(em, CST_ERR_NOTFOUND, _("no officer %s in the register"), number);
	} else {
		status = db_fail(journal_db(j), rc, em, _("reading officers"));
	}
	sqlite3_finalize(st);
	return status;
}

int
officer_count(struct journal *j, int64_t *count, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	*count = 0;
	status = db_prepare(journal_db(j), "SELECT count(*) FROM officers", &st, em);
	if (status != CST_OK)
		return status;
	rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? CST_OK : db_fail(journal_db(j), rc, em, _("reading officers"));
}

int
officer_each(struct journal *j, int (*fn)(void *arg, const struct officer *o), void *arg,
    struct errmsg *em)
{
	struct officer o;
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(journal_db(j), "SELECT " OFFICER_COLUMNS " FROM officers "
	    "ORDER BY number", &st, em);
	if (status != CST_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_officer(st, &o);
		if (fn(arg, &o))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading officers"));
}

int
officer_search(struct journal *j, const char *query, struct officer *out, int max, int *n,
    struct errmsg *em)
{
	/* Prefixes by range, not LIKE: '_' and '%' in a query are characters, not patterns. */
	static const char sql[] = "SELECT " OFFICER_COLUMNS " FROM officers "
	    "WHERE (number >= ?1 AND number < ?1 || char(1114111)) OR instr(name, ?1) > 0 "
	    "OR (?2 != '' AND initials >= ?2 AND initials < ?2 || char(1114111)) "
	    "ORDER BY number != ?1, instr(name, ?1) = 0, number LIMIT ?3";
	char lower[OFFICER_NAME_MAX + 1];
	sqlite3_stmt *st;
	size_t i, len = strlen(query);
	int rc, status;

	*n = 0;
	if (len == 0 || len > OFFICER_NAME_MAX || max <= 0 || !text_valid(query, len, 1))
		return CST_OK;
	/* ASCII letters alone are initials too: folded to lower case. */
	for (i = 0; i < len; i++) {
		char c = query[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			break;
		lower[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
	}
	lower[i == len ? len : 0] = '\0';
	status = db_prepare(journal_db(j), sql, &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, lower, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
		read_officer(st, &out[(*n)++]);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading officers"));
}

static void
shown(const char *name, const char *id, char *out, size_t size)
{
	/* TRANSLATORS: a person's name and their officer number or operator id. */
	snprintf(out, size, _("%1$s (%2$s)"), name, id);
}

void
officer_shown(struct journal *j, const char *number, char *out, size_t size)
{
	struct officer o;

	if (number[0] != '\0' && officer_get(j, number, &o, NULL) == CST_OK)
		shown(o.name, o.number, out, size);
	else
		snprintf(out, size, "%s", number);
}

void
operator_shown(struct journal *j, const char *id, char *out, size_t size)
{
	struct operator op;

	if (id[0] != '\0' && operator_get(j, id, &op, NULL) == CST_OK && strcmp(op.name, id) != 0)
		shown(op.name, op.id, out, size);
	else
		snprintf(out, size, "%s", id);
}

void
person_shown(struct journal *j, const char *number_or_id, char *out, size_t size)
{
	struct officer o;

	if (number_or_id[0] != '\0' && officer_get(j, number_or_id, &o, NULL) == CST_OK)
		shown(o.name, o.number, out, size);
	else
		operator_shown(j, number_or_id, out, size);
}

void
officer_pair_shown(struct journal *j, const char *a, const char *b, char *out, size_t size)
{
	char x[OFFICER_SHOWN_MAX], y[OFFICER_SHOWN_MAX];

	person_shown(j, a, x, sizeof x);
	person_shown(j, b, y, sizeof y);
	if (b[0] == '\0')
		snprintf(out, size, "%s", x);
	else	/* TRANSLATORS: two people, as in 刘洋（010231）、张伟（010232） */
		snprintf(out, size, _("%1$s, %2$s"), x, y);
}

void
person_name_of(struct journal *j, const char *number_or_id, char *out, size_t size)
{
	struct operator op;
	struct officer o;

	if (officer_get(j, number_or_id, &o, NULL) == CST_OK)
		snprintf(out, size, "%s", o.name);
	else if (operator_get(j, number_or_id, &op, NULL) == CST_OK)
		snprintf(out, size, "%s", op.name);
	else
		snprintf(out, size, "%s", number_or_id);
}

/* Operators and logins: events for every change, read back from the operators projection. */
#include "operator.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "i18n.h"
#include "json.h"
#include "text.h"

static const char *const role_keys[ROLE_COUNT] = { "clerk", "keeper", "supervisor", "admin" };

const char *
role_key(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_keys[r] : "clerk";
}

const char *
role_label(enum role r)
{
	switch (r) {
	case ROLE_CLERK:	return _("clerk");
	case ROLE_KEEPER:	return _("property keeper");
	case ROLE_SUPERVISOR:	return _("supervisor");
	case ROLE_ADMIN:	return _("administrator");
	default:		return "?";
	}
}

int
role_from_key(const char *key, enum role *out)
{
	int i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role_keys[i], key) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}

int
role_can_approve(enum role r)
{
	return r == ROLE_SUPERVISOR || r == ROLE_ADMIN;
}

#define OPERATOR_COLUMNS "id, name, role, active, failures, locked_until, " \
	"credential != '', password_hash, added_by"

static void
read_operator(sqlite3_stmt *st, struct operator *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->id, sizeof out->id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
	if (role_from_key((const char *)sqlite3_column_text(st, 2), &out->role) != 0)
		out->role = ROLE_CLERK;
	out->active = sqlite3_column_int(st, 3);
	out->failures = sqlite3_column_int(st, 4);
	out->locked_until = sqlite3_column_int64(st, 5);
	out->has_credential = sqlite3_column_int(st, 6);
	out->old_hash = cry_pwhash_needs_rehash((const char *)sqlite3_column_text(st, 7));
	snprintf(out->added_by, sizeof out->added_by, "%s", (const char *)sqlite3_column_text(st, 8));
}

int
operator_each(struct journal *j, int (*fn)(void *arg, const struct operator *op), void *arg,
    struct errmsg *em)
{
	struct operator op;
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(journal_db(j), "SELECT " OPERATOR_COLUMNS " FROM operators ORDER BY id",
	    &st, em);
	if (status != CST_OK)
		return status;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_operator(st, &op);
		if (fn(arg, &op))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(journal_db(j), rc, em, _("reading operators"));
}

int
operator_get(struct journal *j, const char *id, struct operator *out, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(journal_db(j), "SELECT " OPERATOR_COLUMNS " FROM operators "
	    "WHERE id = ?", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_operator(st, out);
		status = CST_OK;
	} else if (rc == SQLITE_DONE) {
		status = err_set(em, CST_ERR_NOTFOUND, _("no operator %s"), id);
	} else {
		status = db_fail(journal_db(j), rc, em, _("reading operators"));
	}
	sqlite3_finalize(st);
	return status;
}

int
operator_count(struct journal *j, int64_t *count, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(journal_db(j), "SELECT count(*) FROM operators", &st, em);
	if (status != CST_OK)
		return status;
	rc = sqlite3_step(st);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? CST_OK : db_fail(journal_db(j), rc, em, _("reading operators"));
}

static int
stored_hash(struct journal *j, const char *id, char *out, size_t size)
{
	sqlite3_stmt *st;
	int found = 0;

	if (db_prepare(journal_db(j), "SELECT password_hash FROM operators WHERE id = ?", &st,
	    NULL) != CST_OK)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int
operator_add(struct journal *j, const struct authority *by, const char *id, const char *name,
    const char *role, const char *password, struct errmsg *em)
{
	char hash[CRY_PWHASH_BYTES];
	const char *terminal = journal_signer(j);
	struct operator existing;
	enum role r;
	struct jw w;
	size_t len, signed_len;
	const char *body;
	char *signed_body = NULL;
	int status;

	if (by == NULL)
		return err_set(em, CST_ERR_PERM, _("adding an operator needs an administrator "
		    "present at this terminal (--by ID and their password)"));
	if (!event_valid_id(id, strlen(id)))
		return err_set(em, CST_ERR_ARG, _("operator id \"%s\" is not valid: use 1 to 64 "
		    "letters, digits, '.', '_', ':', '@' or '-'"), id);
	if (!text_valid(name, OP_NAME_MAX, 1))
		return err_set(em, CST_ERR_ARG, _("the operator's name must be 1 to %d bytes of "
		    "text"), OP_NAME_MAX);
	if (role_from_key(role, &r) != 0)
		return err_set(em, CST_ERR_ARG, _("role \"%s\" is not one of clerk, keeper, "
		    "supervisor, admin"), role);
	if (text_chars(password) < OP_PASSWORD_MIN || strlen(password) > OP_PASSWORD_MAX)
		return err_set(em, CST_ERR_ARG, _("the password must have %d to %d characters"),
		    OP_PASSWORD_MIN, OP_PASSWORD_MAX);
	if (terminal == NULL)
		return err_set(em, CST_ERR_ARG, _("this journal is not open for signing"));
	if (operator_get(j, id, &existing, NULL) == CST_OK)
		return err_set(em, CST_ERR_EXISTS, _("operator %s already exists"), id);
	if (cry_pwhash(password, strlen(password), hash) != 0)
		return err_set(em, CST_ERR_INTERNAL, _("cannot hash the password (out of memory?)"));
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "id");
	jw_str(&w, id);
	jw_key(&w, "name");
	jw_str(&w, name);
	jw_key(&w, "role");
	jw_str(&w, role_key(r));
	jw_key(&w, "password_hash");
	jw_str(&w, hash);
	cry_wipe(hash, sizeof hash);
	status = CST_OK;
	if (r == ROLE_ADMIN) {	/* every administrator can act alone: each holds the center key */
		jw_key(&w, "credential");
		status = authority_seal(by, id, password, &w, em);
	}
	if (status == CST_OK) {
		jw_obj_end(&w);
		body = jw_text(&w, &len);
		status = authority_attach(by, terminal, "operator.added", id, body, len,
		    &signed_body, &signed_len, em);
	}
	if (status == CST_OK)
		status = journal_append(j, by->admin, "operator.added", id, signed_body,
		    signed_len, NULL, em);
	free(signed_body);
	jw_free(&w);
	return status;
}

/* The credential (JSON) of an administrator, into a parsed tree; NULL when none. */
static struct json *
credential_of(struct journal *j, const char *id)
{
	struct json *cred = NULL;
	sqlite3_stmt *st;
	const char *text;

	if (db_prepare(journal_db(j), "SELECT credential FROM operators WHERE id = ? "
	    "AND role = 'admin'", &st, NULL) != CST_OK)
		return NULL;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && (text = (const char *)sqlite3_column_text(st, 0)) !=
	    NULL && text[0] != '\0')
		json_parse(text, strlen(text), &cred, NULL);
	sqlite3_finalize(st);
	return cred;
}

int
operator_unlock(struct journal *j, const char *id, const char *password, int max_failures,
    int64_t lockout_ms, struct authority *out, struct errmsg *em)
{
	unsigned char pinned[CRY_PK_BYTES];
	struct operator op;
	struct json *cred;
	int status;

	memset(out, 0, sizeof *out);
	status = operator_authenticate(j, id, password, "authority", max_failures, lockout_ms, &op,
	    em);
	if (status != CST_OK)
		return status;
	if (op.role != ROLE_ADMIN)
		return err_set(em, CST_ERR_PERM, _("%s is not an administrator"), id);
	if ((cred = credential_of(j, id)) == NULL)
		return err_set(em, CST_ERR_PERM, _("administrator %s holds no center key (added "
		    "before the center had one): an administrator who does must act"), id);
	status = authority_unseal(cred, id, password, out, em);
	json_free(cred);
	if (status != CST_OK)
		return status;
	if (journal_center(j, pinned, NULL) == CST_OK && !cry_equal(pinned, out->pk, CRY_PK_BYTES)) {
		authority_wipe(out);
		return err_set(em, CST_ERR_PERM, _("%s's center key is not the one pinned here"),
		    id);
	}
	return CST_OK;
}

int
operator_found(struct journal *j, const char *id, const char *name, const char *password,
    unsigned char center[CRY_PK_BYTES], struct errmsg *em)
{
	struct authority a;
	int status;

	if (!event_valid_id(id, strlen(id)))
		return err_set(em, CST_ERR_ARG, _("operator id \"%s\" is not valid: use 1 to 64 "
		    "letters, digits, '.', '_', ':', '@' or '-'"), id);
	if (journal_center(j, center, NULL) == CST_OK)
		return err_set(em, CST_ERR_EXISTS, _("this journal already belongs to a center "
		    "(its key is pinned): an administrator of that center adds operators"));
	authority_new_center(&a, id);
	memcpy(center, a.pk, CRY_PK_BYTES);
	status = journal_batch_begin(j, em);
	if (status == CST_OK)
		status = journal_pin_center(j, a.pk, em);
	if (status == CST_OK)
		status = operator_add(j, &a, id, name, "admin", password, em);
	if (status == CST_OK)
		status = journal_batch_end(j, em);
	else
		journal_batch_abort(j);	/* no pin without its administrator */
	authority_wipe(&a);
	return status;
}

static int
record_login(struct journal *j, const char *id, const char *purpose, int ok_, int failures,
    int64_t locked_until, struct errmsg *em)
{
	struct jw w;
	size_t len;
	const char *body;
	int status;

	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "purpose");
	jw_str(&w, purpose);
	if (!ok_) {
		jw_key(&w, "failures");
		jw_int(&w, failures);
		jw_key(&w, "locked_until");
		jw_int(&w, locked_until);
	}
	jw_obj_end(&w);
	body = jw_text(&w, &len);
	status = journal_append(j, id, ok_ ? "login.succeeded" : "login.failed", id, body, len,
	    NULL, em);
	jw_free(&w);
	return status;
}

int
operator_authenticate(struct journal *j, const char *id, const char *password,
    const char *purpose, int max_failures, int64_t lockout_ms, struct operator *out,
    struct errmsg *em)
{
	char hash[CRY_PWHASH_BYTES];
	int64_t now = clock_now_ms(), locked_until = 0;
	int status, known, good;

	if (!event_valid_id(id, strlen(id)) || strlen(password) > OP_PASSWORD_MAX)
		return err_set(em, CST_ERR_PERM, _("wrong operator id or password"));
	known = operator_get(j, id, out, NULL) == CST_OK && stored_hash(j, id, hash, sizeof hash);
	if (known && out->locked_until > now)
		return err_set(em, CST_ERR_PERM, _("operator %s is locked after too many failed "
		    "logins; try again in %lld minutes or ask an administrator"), id,
		    (long long)((out->locked_until - now + 59999) / 60000));
	if (known && !out->active)
		return err_set(em, CST_ERR_PERM, _("operator %s is disabled"), id);
	good = known && cry_pwhash_check(hash, password, strlen(password));
	cry_wipe(hash, sizeof hash);
	if (!known) {
		/* An unknown id is recorded too (someone is guessing), but locks nothing. */
		record_login(j, id, purpose, 0, 1, 0, NULL);
		return err_set(em, CST_ERR_PERM, _("wrong operator id or password"));
	}
	if (good) {
		status = record_login(j, id, purpose, 1, 0, 0, em);
		out->failures = 0;
		out->locked_until = 0;
		return status;
	}
	if (out->failures + 1 >= max_failures)
		locked_until = now + lockout_ms;
	status = record_login(j, id, purpose, 0, out->failures + 1, locked_until, em);
	if (status != CST_OK)
		return status;
	if (locked_until)
		return err_set(em, CST_ERR_PERM, _("wrong operator id or password; %s is now "
		    "locked for %lld minutes"), id, (long long)(lockout_ms / 60000));
	return err_set(em, CST_ERR_PERM, _("wrong operator id or password"));
}

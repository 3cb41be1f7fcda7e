/* The local store of sealed drafts (draft.h): drafts.db, drafts.key, and the draft's JSON. */
#include "draft.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "db.h"
#include "hex.h"
#include "i18n.h"
#include "keyfile.h"
#include "xmalloc.h"

#define DRAFT_APP_ID 0x43535444u	/* "CSTD" in the SQLite header */
#define KEY_MAGIC "custody-drafts-key 1"
#define SEAL_DOMAIN "custody.draft.v1"

/* One small table of a local file that never syncs: kept here, not among db/journal's. */
static const struct db_migration migrations[] = {
	{ 1, "drafts", "CREATE TABLE draft (kind TEXT NOT NULL, subject TEXT NOT NULL, "
	    "box BLOB NOT NULL, PRIMARY KEY (kind, subject)) WITHOUT ROWID;" },
	{ 0, NULL, NULL }
};

struct draft_store {
	sqlite3 *db;
	unsigned char key[CRY_SEAL_KEY_BYTES];
};

/* "custody-drafts-key 1\nkey HEX\n" */
static int
load_key(const char *path, unsigned char key[CRY_SEAL_KEY_BYTES], struct errmsg *em)
{
	char text[KEYFILE_MAX + 1], hex[2 * CRY_SEAL_KEY_BYTES + 1];
	const char *line = text + strlen(KEY_MAGIC) + 1;
	int status, n;

	status = keyfile_read(path, text, sizeof text, em);
	if (status == CST_ERR_NOTFOUND) {
		cry_random(key, CRY_SEAL_KEY_BYTES);
		hex_encode(key, CRY_SEAL_KEY_BYTES, hex);
		n = snprintf(text, sizeof text, "%s\nkey %s\n", KEY_MAGIC, hex);
		status = keyfile_write(path, text, (size_t)n, em);
		cry_wipe(hex, sizeof hex);
	} else if (status == CST_OK) {
		if (strncmp(text, KEY_MAGIC "\n", strlen(KEY_MAGIC) + 1) != 0 ||
		    strncmp(line, "key ", 4) != 0 ||
		    strlen(line) != 4 + 2 * CRY_SEAL_KEY_BYTES + 1 ||
		    hex_decode(line + 4, 2 * CRY_SEAL_KEY_BYTES, key, CRY_SEAL_KEY_BYTES) != 0)
			status = keyfile_damaged(path, em, _("the key is not 64 hex digits: "
			    "truncated?"));
	}
	cry_wipe(text, sizeof text);
	return status;
}

int
draft_open(const char *dir, struct draft_store **out, struct errmsg *em)
{
	char path[PATH_MAX];
	struct draft_store *ds;
	int status;

	*out = NULL;
	ds = xcalloc(1, sizeof *ds);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, DRAFT_KEY_FILE) >= sizeof path)
		status = err_set(em, CST_ERR_ARG, _("the data directory path is too long"));
	else
		status = load_key(path, ds->key, em);
	if (status == CST_OK)
		snprintf(path, sizeof path, "%s/%s", dir, DRAFT_FILE);
	if (status == CST_OK)
		status = db_open(path, DB_CREATE, DRAFT_APP_ID, migrations, &ds->db, em);
	/*
	 * No fsync on each write: the console's loop must not wait on the disk each second (a
	 * device's half frame would time out). A killed console loses nothing (the page cache
	 * keeps the WAL); a power cut may lose the last writes, as a draft may.
	 */
	if (status == CST_OK)
		status = db_exec(ds->db, "PRAGMA synchronous = NORMAL", em,
		    _("configuring the database"));
	if (status != CST_OK) {
		err_wrap(em, status, _("drafts are not kept"));
		draft_close(ds);
		return status;
	}
	*out = ds;
	return CST_OK;
}

void
draft_close(struct draft_store *ds)
{
	if (ds == NULL)
		return;
	db_close(ds->db);
	cry_wipe(ds->key, sizeof ds->key);
	free(ds);
}

/* What a box is bound to: the domain, the screen kind and the subject. */
static size_t
seal_ad(const char *kind, const char *subject, char *ad, size_t size)
{
	int n = snprintf(ad, size, "%s\n%s\n%s", SEAL_DOMAIN, kind, subject);

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static int
check_names(const char *kind, const char *subject, struct errmsg *em)
{
	if (kind[0] == '\0' || strlen(kind) > DRAFT_KIND_MAX || strlen(subject) >
	    DRAFT_SUBJECT_MAX)
		return err_set(em, CST_ERR_ARG, _("a draft's kind or subject is too long"));
	return CST_OK;
}

static int
bind_names(sqlite3_stmt *st, const char *kind, const char *subject)
{
	int rc = sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);

	return rc == SQLITE_OK ? sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC) : rc;
}

int
draft_put(struct draft_store *ds, const char *kind, const char *subject, const char *text,
    size_t n, struct errmsg *em)
{
	char ad[DRAFT_KIND_MAX + DRAFT_SUBJECT_MAX + 32];
	size_t ad_len = seal_ad(kind, subject, ad, sizeof ad);
	unsigned char *box;
	sqlite3_stmt *st;
	int rc, status;

	if ((status = check_names(kind, subject, em)) != CST_OK)
		return status;
	if (n > DRAFT_MAX)
		return err_set(em, CST_ERR_FULL, _("the draft is too long to keep (%zu bytes)"), n);
	if ((status = db_prepare(ds->db, "INSERT OR REPLACE INTO draft (kind, subject, box) "
	    "VALUES (?, ?, ?)", &st, em)) != CST_OK)
		return status;
	box = xmalloc(n + CRY_SEAL_OVERHEAD);
	cry_seal(ds->key, text, n, ad, ad_len, box);
	rc = bind_names(st, kind, subject);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 3, box, (int)(n + CRY_SEAL_OVERHEAD), SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	status = rc == SQLITE_DONE ? CST_OK : db_fail(ds->db, rc, em, _("keeping the draft"));
	sqlite3_finalize(st);
	free(box);
	return status;
}

int
draft_get(struct draft_store *ds, const char *kind, const char *subject, char **text,
    size_t *n, struct errmsg *em)
{
	char ad[DRAFT_KIND_MAX + DRAFT_SUBJECT_MAX + 32];
	size_t ad_len = seal_ad(kind, subject, ad, sizeof ad), len;
	const unsigned char *box;
	sqlite3_stmt *st;
	char *out = NULL;
	int rc, status;

	*text = NULL;
	*n = 0;
	if ((status = check_names(kind, subject, em)) != CST_OK)
		return status;
	if ((status = db_prepare(ds->db, "SELECT box FROM draft WHERE kind = ? AND subject = ?",
	    &st, em)) != CST_OK)
		return status;
	rc = bind_names(st, kind, subject);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		status = err_set(em, CST_ERR_NOTFOUND, _("no draft"));
	} else if (rc != SQLITE_ROW) {
		status = db_fail(ds->db, rc, em, _("reading the draft"));
	} else {
		box = sqlite3_column_blob(st, 0);
		len = (size_t)sqlite3_column_bytes(st, 0);
		if (box != NULL && len >= CRY_SEAL_OVERHEAD && len <= DRAFT_MAX +
		    CRY_SEAL_OVERHEAD) {
			out = xmalloc(len - CRY_SEAL_OVERHEAD + 1);
			if (cry_open(ds->key, box, len, ad, ad_len, (unsigned char *)out) == 0) {
				out[len - CRY_SEAL_OVERHEAD] = '\0';
				*text = out;
				*n = len - CRY_SEAL_OVERHEAD;
				out = NULL;
			}
		}
		status = *text != NULL ? CST_OK : CST_ERR_CORRUPT;
	}
	sqlite3_finalize(st);
	free(out);
	if (status == CST_ERR_CORRUPT) {
		draft_delete(ds, kind, subject, NULL);
		err_set(em, CST_ERR_CORRUPT, _("the draft kept here was damaged or sealed with "
		    "another key and was dropped: the form opens empty"));
	}
	return status;
}

int
draft_delete(struct draft_store *ds, const char *kind, const char *subject, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	if ((status = check_names(kind, subject, em)) != CST_OK)
		return status;
	if ((status = db_prepare(ds->db, "DELETE FROM draft WHERE kind = ? AND subject = ?", &st,
	    em)) != CST_OK)
		return status;
	rc = bind_names(st, kind, subject);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	status = rc == SQLITE_DONE ? CST_OK : db_fail(ds->db, rc, em, _("dropping the draft"));
	sqlite3_finalize(st);
	return status;
}

int
draft_exists(struct draft_store *ds, const char *kind, const char *subject)
{
	sqlite3_stmt *st;
	int found;

	if (ds == NULL || check_names(kind, subject, NULL) != CST_OK ||
	    db_prepare(ds->db, "SELECT 1 FROM draft WHERE kind = ? AND subject = ?", &st,
	    NULL) != CST_OK)
		return 0;
	found = bind_names(st, kind, subject) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* ---- the text ---- */

static int
bad(struct errmsg *em, const char *why)
{
	return err_set(em, CST_ERR_INPUT, _("the draft is not one this program writes: %s"), why);
}

static int
decode_field(const char *key, const struct json *v, struct draft_field *f, struct errmsg *em)
{
	const char *t = json_get_str(v, "t");
	int64_t c;
	size_t len;

	if (strlen(key) > DRAFT_KEY_MAX || key[0] == '\0' ||
	    key[strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_")] != '\0')
		return bad(em, _("a field's name is not one"));
	if (json_type(v) != JSON_OBJECT || t == NULL || json_get_int(v, "c", &c) != CST_OK)
		return bad(em, _("a field has no text or choice"));
	json_str(json_get(v, "t"), &len);
	if (len > DRAFT_TEXT_MAX || strlen(t) != len)
		return bad(em, _("a field's text is too long"));
	if (c < -1 || c >= DRAFT_CHOICE_MAX)
		return bad(em, _("a field's choice is out of range"));
	snprintf(f->key, sizeof f->key, "%s", key);
	memcpy(f->text, t, len + 1);
	f->choice = (int)c;
	return CST_OK;
}

int
draft_decode(const char *text, size_t n, struct draft *d, struct errmsg *em)
{
	const struct json *fields;
	const char *action;
	int64_t v;
	size_t i;
	int k, status;

	memset(d, 0, sizeof *d);
	if (n > DRAFT_MAX)
		return bad(em, _("too long"));
	if ((status = json_parse(text, n, &d->doc, em)) != CST_OK)
		return status;
	action = json_get_str(d->doc, "action");
	fields = json_get(d->doc, "fields");
	if (json_get_int(d->doc, "v", &v) != CST_OK || v != 1)
		return bad(em, _("no version 1"));
	if (action == NULL || strlen(action) != UUID_LEN || strspn(action,
	    "0123456789abcdef-") != UUID_LEN)
		return bad(em, _("no action id"));
	if (json_type(fields) != JSON_OBJECT || json_count(fields) > DRAFT_FIELDS_MAX)
		return bad(em, _("no fields, or too many"));
	memcpy(d->action_id, action, UUID_LEN + 1);
	for (i = 0; i < json_count(fields); i++) {
		status = decode_field(json_key_at(fields, i), json_at(fields, i), &d->f[d->n], em);
		if (status != CST_OK)
			return status;
		for (k = 0; k < d->n; k++)
			if (strcmp(d->f[k].key, d->f[d->n].key) == 0)
				return bad(em, _("a field twice"));
		d->n++;
	}
	d->extra = json_get(d->doc, "extra");
	return CST_OK;
}

void
draft_free(struct draft *d)
{
	json_free(d->doc);
	d->doc = NULL;
	d->extra = NULL;
}

void
draft_begin(struct jw *w, const char *action_id)
{
	jw_init(w);
	jw_obj_begin(w);
	jw_key(w, "v");
	jw_int(w, 1);
	jw_key(w, "action");
	jw_str(w, action_id);
	jw_key(w, "fields");
	jw_obj_begin(w);
}

void
draft_field(struct jw *w, const char *key, const char *text, int choice)
{
	jw_key(w, key);
	jw_obj_begin(w);
	jw_key(w, "t");
	jw_str(w, text);
	jw_key(w, "c");
	jw_int(w, choice);
	jw_obj_end(w);
}

void
draft_fields_end(struct jw *w)
{
	jw_obj_end(w);
}

void
draft_end(struct jw *w)
{
	jw_obj_end(w);
}

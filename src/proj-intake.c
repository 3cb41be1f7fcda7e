/* Projections of the intake loop: visits and what is recorded about them. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correct.h"
#include "ids.h"
#include "intake.h"
#include "namegram.h"
#include "proj.h"
#include "project.h"
#include "stage.h"

static int
set_stage(struct project *p, const char *visit, enum stage next, int64_t ts, struct errmsg *em)
{
	static const char sql[] = "UPDATE visits SET stage = ?1, stage_ts = ?2, updated_ts = ?2 "
	    "WHERE id = ?3 AND stage <> ?1";

	return proj_exec(p, sql, em, "iis", (int64_t)next, ts, visit);
}

/* Moves the visit's stage as the action does (stage_after), from the stored stage. */
static int
advance(struct project *p, const char *visit, enum action a, int collected, int64_t ts,
    struct errmsg *em)
{
	static const char sql[] = "SELECT stage FROM visits WHERE id = ?";
	int64_t now;
	int status;

	status = proj_query_int(p, sql, em, &now, 0, "s", visit);
	if (status != CST_OK || now == 0)
		return status;	/* an unknown visit: nothing to move */
	return set_stage(p, visit, stage_after((enum stage)now, a, collected), ts, em);
}

/* An action done under a supervisor's override uses the override up. */
static int
use_override(struct project *p, const char *visit, const struct json *body, const char *action,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE overrides SET used = 1 WHERE visit = ?1 AND "
	    "action = ?2 AND used = 0 AND ts = (SELECT min(ts) FROM overrides WHERE visit = ?1 "
	    "AND action = ?2 AND used = 0)";

	if (json_type(json_get(body, "override")) != JSON_TRUE)
		return CST_OK;
	return proj_exec(p, sql, em, "ss", visit, action);
}

static int
index_name(struct project *p, const char *visit, const char *name, struct errmsg *em)
{
	static const char sql[] = "INSERT OR IGNORE INTO name_grams (gram, visit) VALUES (?, ?)";
	char keys[NAMEGRAM_KEYS_MAX][NAMEGRAM_MAX];
	size_t i, n = namegram_keys(name, keys, NAMEGRAM_KEYS_MAX);
	int status = CST_OK;

	for (i = 0; i < n && status == CST_OK; i++)
		status = proj_exec(p, sql, em, "ss", keys[i], visit);
	return status;
}

/*
 * The band of ev's body, in its normal form: a foreign terminal's event is kept as signed,
 * and its band found as if it had been typed here.
 */
static int
bind_band(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char unbind_left[] = "UPDATE visits SET band = NULL, updated_ts = ?1 "
	    "WHERE band = ?2 AND exit_ts IS NOT NULL";
	static const char bind[] = "UPDATE visits SET band = ?2, updated_ts = ?1 WHERE id = ?3";
	/* the bands known, with the keys of their printed forms (db/journal/0015) */
	static const char known[] = "INSERT OR IGNORE INTO known_bands (band, dec, w26) VALUES "
	    "(?1, CASE WHEN length(?1) = 10 THEN substr(?1, 3) END, "
	    "CASE WHEN length(?1) = 10 THEN substr(?1, 5) END)";
	char band[IDS_BAND_MAX + 1];
	int status;

	if (*proj_str(body, "band") == '\0')
		return CST_OK;
	ids_band_key(proj_str(body, "band"), band);
	if ((status = proj_exec(p, known, em, "s", band)) != CST_OK)
		return status;
	/*
	 * A band is on one wrist: a visit that left keeps it no longer. One still in the area
	 * keeps it too: both records stand, and the conflict is noted for a supervisor.
	 */
	status = proj_exec(p, unbind_left, em, "is", ev->ts, band);
	if (status == CST_OK)
		status = proj_claim(p, ev, "band", band, em);
	if (status == CST_OK)
		status = proj_exec(p, bind, em, "iss", ev->ts, band, ev->subject);
	return status;
}

int
proj_person_registered(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "INSERT OR REPLACE INTO visits (id, person_id, name, sex, "
	    "ethnicity, birth_date, address, id_number, phone, case_number, reason, serious, "
	    "officer1, officer2, entry_ts, band, stage, stage_ts, room, locker, temp_out, exit_ts, "
	    "destination, terminal, updated_ts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15, NULL, 1, ?16, NULL, NULL, 0, NULL, NULL, ?17, ?16)";
	const struct json *officers = json_get(body, "officers");
	int64_t entry = proj_int(body, "entry_ts", ev->ts);
	int status;

	status = proj_exec(p, sql, em, "sssssssssssissiis", ev->subject,
	    proj_str(body, "person_id"), proj_str(body, "name"), proj_str(body, "sex"),
	    proj_str(body, "ethnicity"), proj_str(body, "birth_date"), proj_str(body, "address"),
	    proj_str(body, "id_number"), proj_str(body, "phone"), proj_str(body, "case_number"),
	    proj_str(body, "reason"), (int64_t)(json_type(json_get(body, "serious")) == JSON_TRUE),
	    json_str(json_at(officers, 0), NULL) ? json_str(json_at(officers, 0), NULL) : "",
	    json_str(json_at(officers, 1), NULL) ? json_str(json_at(officers, 1), NULL) : "",
	    entry, ev->ts, ev->terminal);
	if (status == CST_OK && proj_str(body, "cause")[0])
		status = proj_exec(p, "UPDATE visits SET cause = ?2 WHERE id = ?1", em, "ss",
		    ev->subject, proj_str(body, "cause"));
	/* The document (issue 16); a body without it is a resident ID card's. */
	if (status == CST_OK && (json_get(body, "doc_type") != NULL ||
	    json_get(body, "nationality") != NULL || json_get(body, "name_en") != NULL ||
	    json_get(body, "pass_number") != NULL || json_get(body, "doc_issues") != NULL ||
	    json_get(body, "doc_note") != NULL))
		status = proj_exec(p, "UPDATE visits SET doc_type = ?2, nationality = ?3, "
		    "name_en = ?4, pass_number = ?5, doc_issues = ?6, doc_note = ?7 WHERE id = ?1",
		    em, "sssssss", ev->subject, proj_str(body, "doc_type")[0] ?
		    proj_str(body, "doc_type") : "resident", proj_str(body, "nationality"),
		    proj_str(body, "name_en"), proj_str(body, "pass_number"),
		    proj_str(body, "doc_issues"), proj_str(body, "doc_note"));
	if (status == CST_OK)
		status = index_name(p, ev->subject, proj_str(body, "name"), em);
	if (status == CST_OK)
		status = bind_band(p, ev, body, em);
	return status;
}

int
proj_band_bound(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	return bind_band(p, ev, body, em);
}

int
proj_band_unbound(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "UPDATE visits SET band = NULL, updated_ts = ?1 "
	    "WHERE id = ?2 AND band = ?3";
	char band[IDS_BAND_MAX + 1];
	int status;

	ids_band_key(proj_str(body, "band"), band);
	status = proj_exec(p, sql, em, "iss", ev->ts, ev->subject, band);
	if (status == CST_OK)
		status = proj_unclaim(p, "band", ev->subject, em);
	return status;
}

static int64_t
next_n(struct project *p, const char *sql, const char *visit, struct errmsg *em, int *status)
{
	int64_t n;

	*status = proj_query_int(p, sql, em, &n, 0, "s", visit);
	return n + 1;
}

int
proj_search_recorded(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char last[] = "SELECT max(n) FROM searches WHERE visit = ?";
	static const char ins[] = "INSERT INTO searches (visit, n, ts, officer, witness, body) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	int status;
	int64_t n = next_n(p, last, ev->subject, em, &status);

	if (status == CST_OK)
		status = proj_exec(p, ins, em, "siisss", ev->subject, n, ev->ts,
		    proj_str(body, "officer"), proj_str(body, "witness"), ev->body);
	if (status == CST_OK)
		status = use_override(p, ev->subject, body, "search", em);
	if (status == CST_OK)
		status = advance(p, ev->subject, ACT_SEARCH, 0, ev->ts, em);
	return status;
}

int
proj_belongings_logged(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char last[] = "SELECT max(n) FROM belongings WHERE visit = ?";
	static const char ins[] = "INSERT INTO belongings (visit, n, category, description, "
	    "quantity, unit, notes, custodian, locker, status) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'held')";
	static const char free_locker[] = "DELETE FROM lockers WHERE locker = ?1 OR visit = ?2";
	static const char take_locker[] = "INSERT INTO lockers (locker, visit) VALUES (?, ?)";
	static const char set_locker[] = "UPDATE visits SET locker = ?1, updated_ts = ?2 "
	    "WHERE id = ?3";
	const struct json *items = json_get(body, "items");
	const char *locker = proj_str(body, "locker");
	size_t i;
	int status;
	int64_t n = next_n(p, last, ev->subject, em, &status);

	for (i = 0; status == CST_OK && i < json_count(items); i++) {
		const struct json *it = json_at(items, i);

		status = proj_exec(p, ins, em, "sisssssss", ev->subject, n + (int64_t)i,
		    proj_str(it, "category"), proj_str(it, "description"),
		    proj_str(it, "quantity"), proj_str(it, "unit"), proj_str(it, "notes"),
		    proj_str(body, "custodian"), locker);
	}
	if (status == CST_OK && *locker != '\0') {
		status = proj_exec(p, free_locker, em, "ss", locker, ev->subject);
		if (status == CST_OK)
			status = proj_exec(p, take_locker, em, "ss", locker, ev->subject);
		if (status == CST_OK)
			status = proj_exec(p, set_locker, em, "sis", locker, ev->ts, ev->subject);
	}
	if (status == CST_OK)
		status = use_override(p, ev->subject, body, "belongings", em);
	if (status == CST_OK)
		status = advance(p, ev->subject, ACT_BELONGINGS, 0, ev->ts, em);
	return status;
}

/* Items returned to their owner or moved to case property; the locker frees when empty. */
int
proj_belongings_returned(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char one[] = "UPDATE belongings SET status = ?1 WHERE visit = ?2 AND n = ?3 "
	    "AND status = 'held'";
	static const char all[] = "UPDATE belongings SET status = ?1 WHERE visit = ?2 "
	    "AND status = 'held'";
	static const char held[] = "SELECT count(*) FROM belongings WHERE visit = ? AND "
	    "status = 'held'";
	static const char release[] = "DELETE FROM lockers WHERE visit = ?";
	static const char clear[] = "UPDATE visits SET locker = NULL, updated_ts = ?1 WHERE id = ?2";
	const struct json *items = json_get(body, "items");
	const char *to = strcmp(proj_str(body, "to"), "property") == 0 ? "property" : "returned";
	int64_t left, n;
	size_t i;
	int status = CST_OK;

	if (json_type(items) != JSON_ARRAY)
		status = proj_exec(p, all, em, "ss", to, ev->subject);
	/* An item is its n (to the body's "to") or {"n", "to"} of its own (docs/journal.md). */
	for (i = 0; status == CST_OK && i < json_count(items); i++) {
		const struct json *it = json_at(items, i);
		const char *its = json_get_str(it, "to");

		if (json_type(it) == JSON_OBJECT && json_get_int(it, "n", &n) == CST_OK)
			status = proj_exec(p, one, em, "ssi", its != NULL && strcmp(its,
			    "property") == 0 ? "property" : "returned", ev->subject, n);
		else if (json_int(it, &n) == CST_OK)
			status = proj_exec(p, one, em, "ssi", to, ev->subject, n);
	}
	if (status == CST_OK)
		status = proj_query_int(p, held, em, &left, 0, "s", ev->subject);
	if (status == CST_OK && left == 0) {
		status = proj_exec(p, release, em, "s", ev->subject);
		if (status == CST_OK)
			status = proj_exec(p, clear, em, "is", ev->ts, ev->subject);
	}
	return status;
}

int
proj_collection_recorded(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR REPLACE INTO collections (visit, item, result, "
	    "skipped, reason, operator, ts) VALUES (?, ?, ?, ?, ?, ?, ?)";
	static const char done[] = "SELECT count(*) FROM collections WHERE visit = ?";
	int64_t count;
	int status;

	status = proj_exec(p, ins, em, "sssissi", ev->subject, proj_str(body, "item"),
	    proj_str(body, "result"), (int64_t)(json_type(json_get(body, "skipped")) == JSON_TRUE),
	    proj_str(body, "reason"), ev->operator_, ev->ts);
	if (status == CST_OK)
		status = proj_query_int(p, done, em, &count, 0, "s", ev->subject);
	if (status == CST_OK)
		status = use_override(p, ev->subject, body, "collect", em);
	if (status == CST_OK)
		status = advance(p, ev->subject, ACT_COLLECT, count >= INTAKE_COLLECTION_ITEMS,
		    ev->ts, em);
	return status;
}

int
proj_room_entered(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char last[] = "SELECT max(n) FROM movements WHERE visit = ?";
	static const char ins[] = "INSERT INTO movements (visit, n, ts, room, kind, officers) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	static const char set_room[] = "UPDATE visits SET room = ?1, updated_ts = ?2 WHERE id = ?3";
	const char *kind = proj_str(body, "kind");
	int interrogation = strcmp(kind, "interrogation") == 0;
	struct jw officers;
	int status;
	int64_t n = next_n(p, last, ev->subject, em, &status);

	proj_json_text(json_get(body, "officers"), &officers);
	if (status == CST_OK)
		status = proj_exec(p, ins, em, "siisss", ev->subject, n, ev->ts,
		    proj_str(body, "room"), kind, jw_text(&officers, NULL));
	jw_free(&officers);
	if (status == CST_OK)
		status = proj_exec(p, set_room, em, "sis", proj_str(body, "room"), ev->ts,
		    ev->subject);
	if (status == CST_OK)
		status = use_override(p, ev->subject, body, interrogation ? "interrogate" : "wait",
		    em);
	if (status == CST_OK)
		status = advance(p, ev->subject, interrogation ? ACT_INTERROGATE : ACT_WAIT, 0,
		    ev->ts, em);
	return status;
}

int
proj_temp_exit_started(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char last[] = "SELECT max(n) FROM temp_exits WHERE visit = ?";
	static const char ins[] = "INSERT INTO temp_exits (visit, n, started_ts, purpose, reason, "
	    "approved_by, officers, return_ts, returned_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)";
	static const char out[] = "UPDATE visits SET temp_out = 1, updated_ts = ?1 WHERE id = ?2";
	struct jw officers;
	int status;
	int64_t n = next_n(p, last, ev->subject, em, &status);

	proj_json_text(json_get(body, "officers"), &officers);
	if (status == CST_OK)
		status = proj_exec(p, ins, em, "siissssi", ev->subject, n, ev->ts,
		    proj_str(body, "purpose"), proj_str(body, "reason"),
		    proj_str(body, "approved_by"), jw_text(&officers, NULL),
		    proj_int(body, "return_ts", 0));
	jw_free(&officers);
	if (status == CST_OK)
		status = proj_exec(p, out, em, "is", ev->ts, ev->subject);
	if (status == CST_OK)
		status = use_override(p, ev->subject, body, "temp_exit", em);
	return status;
}

int
proj_temp_exit_returned(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char back[] = "UPDATE temp_exits SET returned_ts = ?1 WHERE visit = ?2 "
	    "AND returned_ts IS NULL";
	static const char in[] = "UPDATE visits SET temp_out = 0, updated_ts = ?1 WHERE id = ?2";
	int status;

	(void)body;
	status = proj_exec(p, back, em, "is", ev->ts, ev->subject);
	if (status == CST_OK)
		status = proj_exec(p, in, em, "is", ev->ts, ev->subject);
	return status;
}

int
proj_exit_completed(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char out[] = "UPDATE visits SET exit_ts = ?1, destination = ?2, room = NULL, "
	    "exit_by = ?4, exit_note = ?5, updated_ts = ?1 WHERE id = ?3";
	static const char release[] = "DELETE FROM lockers WHERE visit = ?";
	int status;

	status = proj_exec(p, out, em, "issss", ev->ts, proj_str(body, "destination"), ev->subject,
	    proj_str(body, "approved_by"), proj_str(body, "note"));
	if (status == CST_OK)
		status = proj_exec(p, release, em, "s", ev->subject);
	if (status == CST_OK)
		status = use_override(p, ev->subject, body, "exit", em);
	if (status == CST_OK)
		status = advance(p, ev->subject, ACT_EXIT, 0, ev->ts, em);
	return status;
}

int
proj_override_granted(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR REPLACE INTO overrides (visit, action, supervisor, "
	    "reason, ts, used) VALUES (?, ?, ?, ?, ?, 0)";

	return proj_exec(p, ins, em, "ssssi", ev->subject, proj_str(body, "action"),
	    proj_str(body, "supervisor"), proj_str(body, "reason"), ev->ts);
}

int
proj_signature_made(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR REPLACE INTO signatures (visit, terminal, seq, "
	    "document, doc_hash, signer_role, signer_name, method, operator, ts, match_finger, "
	    "match_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	const struct json *match = json_get(body, "match");

	return proj_exec(p, ins, em, "ssissssssisi", ev->subject, ev->terminal, ev->seq,
	    proj_str(body, "document"), proj_str(body, "doc_hash"), proj_str(body, "signer_role"),
	    proj_str(body, "signer_name"), proj_str(body, "method"), ev->operator_, ev->ts,
	    proj_str(match, "finger"), proj_int(match, "score", 0));
}

int
proj_fingerprint_enrolled(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR REPLACE INTO fingerprints (visit, finger, quality, "
	    "format, key_id, sealed, operator, ts, terminal, seq) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	return proj_exec(p, ins, em, "ssissssisi", ev->subject, proj_str(body, "finger"),
	    proj_int(body, "quality", 0),
	    proj_str(body, "format"), proj_str(body, "key_id"), proj_str(body, "sealed"),
	    ev->operator_, ev->ts, ev->terminal, ev->seq);
}

/*
 * A correction: each named field of the visit takes its new value, and what it was is kept
 * (corrections) for screens and documents. Fields are mapped to columns by this table only;
 * a field not in it changes nothing (evcheck refuses such an event before it gets here).
 */
/*
 * A correction of an item: the belongings list takes the new value (a search stays as
 * recorded, documents read its corrections), so does the property room's item that came from
 * it; the corrections row names the item as this terminal numbers it (correct.h). An item
 * this journal does not have changes nothing.
 */
static int
corrected_item(struct project *p, const struct event *ev, const struct json *body,
    const struct json *f, struct errmsg *em)
{
	static const char *const cols[][3] = {
		{ "description",
		  "UPDATE belongings SET description = ?1 WHERE visit = ?2 AND n = ?3",
		  "UPDATE prop_items SET description = ?1 WHERE source = ?2" },
		{ "quantity",
		  "UPDATE belongings SET quantity = ?1 WHERE visit = ?2 AND n = ?3",
		  "UPDATE prop_items SET quantity = ?1 WHERE source = ?2" },
		{ "unit",
		  "UPDATE belongings SET unit = ?1 WHERE visit = ?2 AND n = ?3",
		  "UPDATE prop_items SET unit = ?1 WHERE source = ?2" },
	};
	static const char ins[] = "INSERT OR REPLACE INTO corrections (subject, terminal, seq, "
	    "field, old, new, reason, approved_by, operator, ts) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	const struct json *of = json_get(body, "corrects");
	const char *field = proj_str(f, "field"), *value = proj_str(f, "new");
	char key[64], source[160];
	struct correct_item it;
	struct errmsg why;
	int64_t seq = 0, item = -1;
	size_t k;
	int status;

	for (k = 0; k < sizeof cols / sizeof cols[0]; k++)
		if (strcmp(cols[k][0], field) == 0)
			break;
	json_get_int(of, "seq", &seq);
	json_get_int(f, "item", &item);
	if (k == sizeof cols / sizeof cols[0] || item < 0)
		return CST_OK;
	status = correct_item_place(project_db(p), ev->subject, proj_str(of, "kind"),
	    proj_str(of, "terminal"), seq, (int)item, &it, &why);
	if (status == CST_ERR_NOTFOUND)
		return CST_OK;
	if (status != CST_OK)
		return err_set(em, status, "%s", why.text);
	snprintf(it.field, sizeof it.field, "%s", field);
	correct_item_key(&it, key, sizeof key);
	if (it.search) {
		snprintf(source, sizeof source, "search:%s:%d:%d", ev->subject, it.place, it.index);
	} else {
		snprintf(source, sizeof source, "belonging:%s:%d", ev->subject, it.place);
		status = proj_exec(p, cols[k][1], em, "ssi", value, ev->subject,
		    (int64_t)it.place);
	}
	if (status == CST_OK)
		status = proj_exec(p, cols[k][2], em, "ss", value, source);
	if (status == CST_OK)
		status = proj_exec(p, ins, em, "ssissssssi", ev->subject, ev->terminal, ev->seq,
		    key, proj_str(f, "old"), value, proj_str(body, "reason"),
		    proj_str(body, "approved_by"), ev->operator_, ev->ts);
	return status;
}

int
proj_record_corrected(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char *const sets[][2] = {
		{ "name", "UPDATE visits SET name = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "sex", "UPDATE visits SET sex = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "ethnicity", "UPDATE visits SET ethnicity = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "id_number", "UPDATE visits SET id_number = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "birth_date", "UPDATE visits SET birth_date = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "address", "UPDATE visits SET address = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "phone", "UPDATE visits SET phone = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "case_number", "UPDATE visits SET case_number = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "officer1", "UPDATE visits SET officer1 = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "officer2", "UPDATE visits SET officer2 = ?1, updated_ts = ?2 WHERE id = ?3" },
		/* The document (issue 16). */
		{ "nationality", "UPDATE visits SET nationality = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "name_en", "UPDATE visits SET name_en = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "pass_number", "UPDATE visits SET pass_number = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "doc_issues", "UPDATE visits SET doc_issues = ?1, updated_ts = ?2 WHERE id = ?3" },
		{ "doc_note", "UPDATE visits SET doc_note = ?1, updated_ts = ?2 WHERE id = ?3" },
	};
	static const char ins[] = "INSERT OR REPLACE INTO corrections (subject, terminal, seq, "
	    "field, old, new, reason, approved_by, operator, ts) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	const struct json *fields = json_get(body, "fields");
	size_t i, k;
	int status = CST_OK;

	const char *kind = proj_str(json_get(body, "corrects"), "kind");

	if (strcmp(kind, "search.recorded") == 0 || strcmp(kind, "belongings.logged") == 0) {
		for (i = 0; status == CST_OK && i < json_count(fields); i++)
			status = corrected_item(p, ev, body, json_at(fields, i), em);
		return status;
	}
	for (i = 0; status == CST_OK && i < json_count(fields); i++) {
		const struct json *f = json_at(fields, i);
		const char *field = proj_str(f, "field"), *value = proj_str(f, "new");

		for (k = 0; k < sizeof sets / sizeof sets[0]; k++)
			if (strcmp(sets[k][0], field) == 0)
				break;
		if (k == sizeof sets / sizeof sets[0])
			continue;
		status = proj_exec(p, sets[k][1], em, "sis", value, ev->ts, ev->subject);
		if (status == CST_OK)
			status = proj_exec(p, ins, em, "ssissssssi", ev->subject, ev->terminal,
			    ev->seq, field, proj_str(f, "old"), value, proj_str(body, "reason"),
			    proj_str(body, "approved_by"), ev->operator_, ev->ts);
		if (status == CST_OK && k == 0)	/* found by the new name too */
			status = index_name(p, ev->subject, value, em);
	}
	return status;
}

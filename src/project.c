/*
 * Projections computed from events: a table from event kind to apply function. An apply
 * function never refuses an event that passed project_check (local or foreign, the same
 * checks); it only fails when the database does.
 */
#include "project.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "db.h"
#include "evcheck.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "proj.h"
#include "xmalloc.h"

#define STMT_CACHE 64

struct project {
	sqlite3 *db;
	char self[EV_MAX_ID + 1];
	int self_known;
	int legacy;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	int ncache;
};

struct project *
project_new(sqlite3 *db)
{
	struct project *p = xcalloc(1, sizeof *p);

	p->db = db;
	return p;
}

void
project_free(struct project *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->ncache; i++)
		sqlite3_finalize(p->cache[i].st);
	free(p);
}

sqlite3 *
project_db(struct project *p)
{
	return p->db;
}

int
project_stmt(struct project *p, const char *sql, sqlite3_stmt **st, struct errmsg *em)
{
	int i, status;

	for (i = 0; i < p->ncache; i++)
		if (p->cache[i].sql == sql) {
			sqlite3_reset(p->cache[i].st);
			sqlite3_clear_bindings(p->cache[i].st);
			*st = p->cache[i].st;
			return CST_OK;
		}
	/* More statements than slots is a bug of ours, not an input. */
	assert(p->ncache < STMT_CACHE);
	if ((status = db_prepare(p->db, sql, st, em)) != CST_OK)
		return status;
	p->cache[p->ncache].sql = sql;
	p->cache[p->ncache].st = *st;
	p->ncache++;
	return CST_OK;
}

int
project_run(struct project *p, sqlite3_stmt *st, struct errmsg *em)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? CST_OK :
	    db_fail(p->db, rc, em, _("updating the projections"));
}

static void
bind_args(sqlite3_stmt *st, const char *types, va_list ap)
{
	int i;

	for (i = 0; types[i] != '\0'; i++) {
		switch (types[i]) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (s == NULL)
				sqlite3_bind_null(st, i + 1);
			else
				sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
			break;
		}
		case 'i':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		default:
			sqlite3_bind_null(st, i + 1);
			break;
		}
	}
}

int
proj_exec(struct project *p, const char *sql, struct errmsg *em, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int status;

	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	return project_run(p, st, em);
}

int
proj_query_int(struct project *p, const char *sql, struct errmsg *em, int64_t *out,
    int64_t fallback, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc, status;

	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	va_start(ap, types);
	bind_args(st, types, ap);
	va_end(ap);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL ?
	    sqlite3_column_int64(st, 0) : fallback;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(p->db, rc, em, _("reading the projections"));
}

int
proj_order_learned(struct project *p, const char *set, const char *terminal, int64_t seq,
    char *key, size_t size, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	key[0] = '\0';
	if ((status = project_stmt(p, set, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, seq);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(key, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(p->db, rc, em, _("updating the projections"));
}

const char *
proj_str(const struct json *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s != NULL ? s : "";
}

int64_t
proj_int(const struct json *obj, const char *key, int64_t fallback)
{
	int64_t v;

	return json_get_int(obj, key, &v) == CST_OK ? v : fallback;
}

void
proj_json_text(const struct json *v, struct jw *w)
{
	jw_init(w);
	jw_value(w, v, NULL);
}

int
project_created_key(const struct event *ev, unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	struct json *root;
	const char *hex;
	int status;

	status = json_parse(ev->body, ev->body_len, &root, em);
	if (status != CST_OK)
		return status;
	hex = json_get_str(root, "public_key");
	if (hex == NULL || hex_decode(hex, strlen(hex), pk, CRY_PK_BYTES) != 0)
		status = err_set(em, CST_ERR_INPUT,
		    _("terminal.created has no valid public_key"));
	json_free(root);
	return status;
}

void
project_set_legacy(struct project *p, int legacy)
{
	p->legacy = legacy;
}

int
project_legacy(struct project *p)
{
	return p->legacy;
}

const char *
project_self(struct project *p)
{
	static const char sql[] = "SELECT value FROM local WHERE name = 'terminal'";
	sqlite3_stmt *st;

	if (p->self_known)
		return p->self;
	if (project_stmt(p, sql, &st, NULL) != CST_OK)
		return "";
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(p->self, sizeof p->self, "%s", (const char *)sqlite3_column_text(st, 0));
		p->self_known = 1;
	}
	sqlite3_reset(st);
	return p->self;
}

int
project_center(struct project *p, unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	static const char sql[] = "SELECT value FROM local WHERE name = 'center.key'";
	sqlite3_stmt *st;
	const char *hex;
	int rc, status;

	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	rc = sqlite3_step(st);
	hex = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (hex != NULL && hex_decode(hex, strlen(hex), pk, CRY_PK_BYTES) == 0)
		status = CST_OK;
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		status = err_set(em, CST_ERR_NOTFOUND, _("no center key is pinned here"));
	else
		status = db_fail(p->db, rc, em, _("reading the journal"));
	sqlite3_reset(st);
	return status;
}

int
project_check(struct project *p, const struct event *ev, struct errmsg *em)
{
	static const char pin[] = "INSERT INTO local (name, value) VALUES ('center.key', ?)";
	unsigned char center[CRY_PK_BYTES];
	char hex[2 * CRY_PK_BYTES + 1];
	struct authority_proof proof;
	int status, pinned;

	status = project_center(p, center, NULL);
	pinned = status == CST_OK;
	status = evcheck_event(ev, pinned ? center : NULL, &proof, em);
	if (status != CST_OK || pinned || !proof.present || !authority_kind_needs(ev->kind))
		return status;
	/*
	 * Trust on first use, in arrival order, and only from reference data: the ledger pins
	 * the same way (it does not look at the authority of other kinds) and enforces its pin
	 * upstream, so a journal that pulls from it pins what it pinned.
	 */
	hex_encode(proof.center, CRY_PK_BYTES, hex);
	return proj_exec(p, pin, em, "s", hex);
}

int
project_note_order(struct project *p, const char *terminal, int64_t seq, int64_t cursor,
    struct errmsg *em)
{
	static const char ins[] = "INSERT OR IGNORE INTO ledger_order (terminal, seq, cursor) "
	    "VALUES (?, ?, ?)";
	int status;

	if ((status = proj_exec(p, ins, em, "sii", terminal, seq, cursor)) != CST_OK)
		return status;
	if ((status = proj_operator_order(p, terminal, seq, em)) != CST_OK)
		return status;
	return proj_officer_order(p, terminal, seq, em);
}

static int
apply_terminal_created(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	static const char sql[] = "INSERT OR REPLACE INTO terminals "
	    "(terminal, public_key, room, created_ts) VALUES (?, ?, ?, ?)";
	unsigned char pk[CRY_PK_BYTES];
	sqlite3_stmt *st;
	int status;

	if ((status = project_created_key(ev, pk, em)) != CST_OK)
		return status;
	if ((status = project_stmt(p, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, ev->terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, pk, sizeof pk, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, proj_str(body, "room"), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, ev->ts);
	return project_run(p, st, em);
}

struct applier {
	const char *kind;
	proj_apply_fn *apply;
};

static const struct applier appliers[] = {
	{ "terminal.created", apply_terminal_created },
	{ "operator.added", proj_operator_added },
	{ "officer.added", proj_officer_added },
	{ "login.succeeded", proj_login_succeeded },
	{ "login.failed", proj_login_failed },
	{ "person.registered", proj_person_registered },
	{ "band.bound", proj_band_bound },
	{ "band.unbound", proj_band_unbound },
	{ "search.recorded", proj_search_recorded },
	{ "belongings.logged", proj_belongings_logged },
	{ "belongings.returned", proj_belongings_returned },
	{ "collection.recorded", proj_collection_recorded },
	{ "room.entered", proj_zone_entered },	/* the gateway's, or proj_room_entered */
	{ "room.left", proj_room_left },
	{ "temp_exit.started", proj_temp_exit_started },
	{ "temp_exit.returned", proj_temp_exit_returned },
	{ "exit.completed", proj_exit_completed },
	{ "override.granted", proj_override_granted },
	{ "signature.made", proj_signature_made },
	{ "fingerprint.enrolled", proj_fingerprint_enrolled },
	{ "record.corrected", proj_record_corrected },
	{ "location.created", proj_location_created },
	{ "item.registered", proj_item_registered },
	{ "item.tagged", proj_item_tagged },
	{ "item.stored", proj_item_stored },
	{ "item.moved", proj_item_stored },
	{ "item.returned", proj_item_stored },
	{ "item.checked_out", proj_item_checked_out },
	{ "item.transferred", proj_item_transferred },
	{ "item.released", proj_item_released },
	{ "disposal.approved", proj_disposal_approved },
	{ "item.disposed", proj_item_disposed },
	{ "inventory.completed", proj_inventory_completed },
	{ "alert.raised", proj_alert_raised },
	{ "alert.cleared", proj_alert_cleared },
	{ "alert.acknowledged", proj_alert_acknowledged },
	{ "item.recoded", proj_item_recoded },
	{ "conflict.detected", proj_conflict_detected },
	{ "conflict.resolved", proj_conflict_resolved },
};

/*
 * The action id an event carries (DESIGN.md §4): the first one of a terminal wins, so that a
 * foreign terminal's odd duplicate can never make a valid event fail to apply.
 */
static int
apply_action(struct project *p, const struct event *ev, const struct json *body,
    struct errmsg *em)
{
	const char *action = json_get_str(body, "action_id");

	if (action == NULL || !event_valid_id(action, strlen(action)))
		return CST_OK;
	return proj_exec(p, "INSERT OR IGNORE INTO actions (terminal, action, seq) "
	    "VALUES (?, ?, ?)", em, "ssi", ev->terminal, action, ev->seq);
}

static int
has_action(const struct event *ev)
{
	static const char key[] = "\"action_id\"";

	/* event_set_body keeps a NUL after the body */
	return ev->body != NULL && strstr(ev->body, key) != NULL;
}

int
project_apply(struct project *p, const struct event *ev, struct errmsg *em)
{
	struct json *body;
	size_t i;
	int status;

	for (i = 0; i < sizeof appliers / sizeof appliers[0]; i++)
		if (strcmp(appliers[i].kind, ev->kind) == 0)
			break;
	if (i == sizeof appliers / sizeof appliers[0] && !has_action(ev))
		return CST_OK;	/* kinds without state of their own */
	if ((status = json_parse(ev->body, ev->body_len, &body, em)) != CST_OK)
		return status;
	status = apply_action(p, ev, body, em);
	if (status == CST_OK && i < sizeof appliers / sizeof appliers[0])
		status = appliers[i].apply(p, ev, body, em);
	json_free(body);
	return status;
}

int
project_reset(struct project *p, struct errmsg *em)
{
	return db_exec(p->db, "DELETE FROM terminals; DELETE FROM operators; "
	    "DELETE FROM operator_additions; DELETE FROM officers; "
	    "DELETE FROM officer_additions; DELETE FROM visits; "
	    "DELETE FROM name_grams; DELETE FROM searches; DELETE FROM belongings; "
	    "DELETE FROM lockers; DELETE FROM collections; DELETE FROM movements; "
	    "DELETE FROM temp_exits; DELETE FROM signatures; DELETE FROM overrides; "
	    "DELETE FROM fingerprints; DELETE FROM prop_locations; DELETE FROM prop_items; "
	    "DELETE FROM prop_events; DELETE FROM prop_inventories; DELETE FROM prop_misplaced; "
	    "DELETE FROM alerts; DELETE FROM zone_presence; DELETE FROM actions; "
	    "DELETE FROM corrections; "
	    "DELETE FROM id_claims; DELETE FROM conflicts; DELETE FROM known_bands",
	    em, _("emptying projections"));
}

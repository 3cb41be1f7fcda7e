/* Projections computed from events. Each kind that changes state has one apply function. */
#include "project.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "xmalloc.h"

struct project {
	sqlite3 *db;
	sqlite3_stmt *terminal_insert;
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
	if (p == NULL)
		return;
	sqlite3_finalize(p->terminal_insert);
	free(p);
}

static int
step_done(struct project *p, sqlite3_stmt *st, struct errmsg *em, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(p->db, rc, em, what);
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

static int
apply_terminal_created(struct project *p, const struct event *ev, struct errmsg *em)
{
	unsigned char pk[CRY_PK_BYTES];
	struct json *root;
	const char *room;
	int status;

	status = project_created_key(ev, pk, em);
	if (status != CST_OK)
		return status;
	if (p->terminal_insert == NULL &&
	    (status = db_prepare(p->db, "INSERT OR REPLACE INTO terminals "
	    "(terminal, public_key, room, created_ts) VALUES (?, ?, ?, ?)",
	    &p->terminal_insert, em)) != CST_OK)
		return status;
	status = json_parse(ev->body, ev->body_len, &root, em);
	if (status != CST_OK)
		return status;
	room = json_get_str(root, "room");
	sqlite3_bind_text(p->terminal_insert, 1, ev->terminal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(p->terminal_insert, 2, pk, sizeof pk, SQLITE_TRANSIENT);
	sqlite3_bind_text(p->terminal_insert, 3, room ? room : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(p->terminal_insert, 4, ev->ts);
	status = step_done(p, p->terminal_insert, em, _("recording the terminal"));
	json_free(root);
	return status;
}

struct applier {
	const char *kind;
	int (*apply)(struct project *p, const struct event *ev, struct errmsg *em);
};

static const struct applier appliers[] = {
	{ "terminal.created", apply_terminal_created },
};

int
project_apply(struct project *p, const struct event *ev, struct errmsg *em)
{
	size_t i;

	for (i = 0; i < sizeof appliers / sizeof appliers[0]; i++)
		if (strcmp(appliers[i].kind, ev->kind) == 0)
			return appliers[i].apply(p, ev, em);
	return CST_OK;	/* kinds without state of their own */
}

int
project_reset(struct project *p, struct errmsg *em)
{
	return db_exec(p->db, "DELETE FROM terminals", em, _("emptying projections"));
}

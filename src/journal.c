/* The journal: append, store foreign events, read, verify and rebuild. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authority.h"
#include "clock.h"
#include "db.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "project.h"
#include "xmalloc.h"

extern const struct db_migration journal_migrations[];

#define EVENT_COLUMNS "terminal, seq, ts, operator, kind, subject, body, prev, hash, sig"

/* The file beside the database that remembers a stop across restarts (journal_stop_get). */
#define STOP_SUFFIX "-stopped"
#define STOP_MAGIC "custody-stopped 1"
#define STOP_FILE_MAX 4096
#define JOURNAL_READS 4		/* read statements kept for the read models */

struct journal {
	sqlite3 *db;
	struct project *proj;
	int flags;
	char path[PATH_MAX];
	int has_signer;
	char signer[EV_MAX_ID + 1];
	unsigned char sk[CRY_SK_BYTES];
	int stopped;
	int in_batch;
	int heal_moved;			/* the heal moved events: projections are rebuilt */
	char stop_reason[ERRMSG_MAX];
	char hold_reason[ERRMSG_MAX];	/* "" unless appends wait for a heal */
	struct journal_stop attempt;	/* the append under way, for the stop record */
	sqlite3_stmt *head, *insert, *arrive, *find, *key_of, *action_of;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} reads[JOURNAL_READS];		/* journal_read_stmt's */
	int nreads;
};

int
journal_open(const char *path, int flags, struct journal **out, struct errmsg *em)
{
	struct journal *j;
	sqlite3 *db;
	int dbflags = 0, status;

	*out = NULL;
	if (flags & JOURNAL_RDONLY)
		dbflags |= DB_RDONLY;
	if (flags & JOURNAL_CREATE)
		dbflags |= DB_CREATE;
	status = db_open(path, dbflags, JOURNAL_APP_ID, journal_migrations, &db, em);
	if (status != CST_OK)
		return status;
	j = xcalloc(1, sizeof *j);
	j->db = db;
	j->flags = flags;
	snprintf(j->path, sizeof j->path, "%s", path);
	j->proj = project_new(db);
	*out = j;
	return CST_OK;
}

/* Finalizes every statement the journal prepared on its connection. */
static void
finalize_all(struct journal *j)
{
	sqlite3_stmt **st[] = { &j->head, &j->insert, &j->arrive, &j->find, &j->key_of,
	    &j->action_of };
	size_t i;

	for (i = 0; i < sizeof st / sizeof st[0]; i++) {
		sqlite3_finalize(*st[i]);
		*st[i] = NULL;
	}
	for (i = 0; i < (size_t)j->nreads; i++)
		sqlite3_finalize(j->reads[i].st);
	j->nreads = 0;
	project_free(j->proj);
	j->proj = NULL;
}

void
journal_close(struct journal *j)
{
	if (j == NULL)
		return;
	finalize_all(j);
	db_close(j->db);
	cry_wipe(j->sk, sizeof j->sk);
	free(j);
}

void
journal_set_signer(struct journal *j, const char *terminal, const unsigned char sk[CRY_SK_BYTES])
{
	snprintf(j->signer, sizeof j->signer, "%s", terminal);
	memcpy(j->sk, sk, sizeof j->sk);
	j->has_signer = 1;
}

static int
prepare_once(struct journal *j, sqlite3_stmt **st, const char *sql, struct errmsg *em)
{
	if (*st != NULL)
		return CST_OK;
	return db_prepare(j->db, sql, st, em);
}

static void
reset(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
journal_head(struct journal *j, const char *terminal, int64_t *seq,
    unsigned char hash[CRY_HASH_BYTES], struct errmsg *em)
{
	int rc, status;

	status = prepare_once(j, &j->head, "SELECT seq, hash FROM events WHERE terminal = ? "
	    "ORDER BY seq DESC LIMIT 1", em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(j->head, 1, terminal, -1, SQLITE_STATIC);
	rc = sqlite3_step(j->head);
	*seq = 0;
	memset(hash, 0, CRY_HASH_BYTES);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(j->head, 0);
		if (sqlite3_column_bytes(j->head, 1) == CRY_HASH_BYTES)
			memcpy(hash, sqlite3_column_blob(j->head, 1), CRY_HASH_BYTES);
		rc = SQLITE_DONE;
	}
	status = rc == SQLITE_DONE ? CST_OK : db_fail(j->db, rc, em, _("reading the journal"));
	reset(j->head);
	return status;
}

static int
insert_event(struct journal *j, const struct event *ev, int apply, struct errmsg *em)
{
	int rc, status;

	status = prepare_once(j, &j->insert, "INSERT INTO events (" EVENT_COLUMNS ") "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", em);
	if (status == CST_OK)
		status = prepare_once(j, &j->arrive,
		    "INSERT INTO arrival (terminal, seq) VALUES (?, ?)", em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(j->insert, 1, ev->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(j->insert, 2, ev->seq);
	sqlite3_bind_int64(j->insert, 3, ev->ts);
	sqlite3_bind_text(j->insert, 4, ev->operator_, -1, SQLITE_STATIC);
	sqlite3_bind_text(j->insert, 5, ev->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(j->insert, 6, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_blob(j->insert, 7, ev->body, (int)ev->body_len, SQLITE_STATIC);
	sqlite3_bind_blob(j->insert, 8, ev->prev, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(j->insert, 9, ev->hash, CRY_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(j->insert, 10, ev->sig, CRY_SIG_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(j->insert);
	reset(j->insert);
	if (rc != SQLITE_DONE)
		return db_fail(j->db, rc, em, _("writing the journal"));
	sqlite3_bind_text(j->arrive, 1, ev->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(j->arrive, 2, ev->seq);
	rc = sqlite3_step(j->arrive);
	reset(j->arrive);
	if (rc != SQLITE_DONE)
		return db_fail(j->db, rc, em, _("writing the journal"));
	if (j->heal_moved)
		return CST_OK;	/* the heal recomputes every projection before it commits */
	return apply ? project_apply(j->proj, ev, em) : CST_OK;
}

/* A foreign event kept verbatim but not applied: why, for custody verify and the tests. */
static int
note_unapplied(struct journal *j, const struct event *ev, const char *reason,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(j->db, "INSERT OR REPLACE INTO unapplied (terminal, seq, reason) "
	    "VALUES (?, ?, ?)", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, ev->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ev->seq);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(j->db, rc, em, _("writing the journal"));
}

/* A refusal by project_check (the event's content), as opposed to a database failure. */
static int
refused_content(int status)
{
	return status == CST_ERR_INPUT || status == CST_ERR_PERM;
}

static void
stop_path(const struct journal *j, char *buf, size_t size)
{
	snprintf(buf, size, "%s" STOP_SUFFIX, j->path);
}

/*
 * Leaves the stop record beside the database: best effort, without fsync (the disk has just
 * failed one); the page cache keeps it for a restart of the program, which is what it is for.
 */
static void
write_stop_record(struct journal *j)
{
	char path[PATH_MAX + 16], text[STOP_FILE_MAX], *c;
	const struct journal_stop *a = &j->attempt;
	int fd, n;

	stop_path(j, path, sizeof path);
	n = snprintf(text, sizeof text, STOP_MAGIC "\nts %lld\noperator %s\nkind %s\nsubject %s\n"
	    "action %s\nreason %s\n", (long long)a->ts, a->operator_, a->kind, a->subject,
	    a->action, j->stop_reason);
	if (n < 0 || (size_t)n >= sizeof text)
		return;
	/* The reason is one line: the record is read line by line. */
	for (c = strstr(text, "\nreason ") + 8; *c; c++)
		if (*c == '\n' && c[1] != '\0')
			*c = ' ';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, text, (size_t)n) != n)
		(void)unlink(path);
	close(fd);
}

/* A write that failed for a reason of the disk is never retried blindly (DESIGN.md §8). */
static int
write_failed(struct journal *j, int status, struct errmsg *em)
{
	/* In a batch, one failure undoes the whole batch: the caller learns it from this status. */
	j->in_batch = 0;
	if (!sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
	if (status == CST_ERR_IO || status == CST_ERR_FULL || status == CST_ERR_CORRUPT ||
	    status == CST_ERR_INTERNAL) {
		j->stopped = 1;
		snprintf(j->stop_reason, sizeof j->stop_reason, "%s",
		    em != NULL ? em->text : err_name(status));
		j->attempt.ts = clock_now_ms();
		write_stop_record(j);
	}
	memset(&j->attempt, 0, sizeof j->attempt);
	return status;
}

static int
refuse_if_stopped(struct journal *j, struct errmsg *em)
{
	if (!j->stopped)
		return CST_OK;
	return err_set(em, CST_ERR_STOPPED,
	    _("the journal stopped writing after a failed write (%s); what was committed "
	    "before is kept; fix the cause and restart"), j->stop_reason);
}

static int
begin(struct journal *j, struct errmsg *em)
{
	int rc;

	if (j->in_batch)
		return CST_OK;
	rc = sqlite3_exec(j->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return CST_OK;
	return db_fail(j->db, rc, em, _("starting a journal write"));
}

static int
commit(struct journal *j, struct errmsg *em)
{
	int rc;

	if (j->in_batch)
		return CST_OK;
	rc = sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return CST_OK;
	return db_fail(j->db, rc, em, _("committing the journal"));
}

static void
copy_id(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

static int append_checked(struct journal *j, const char *action, const char *operator_,
    const char *kind, const char *subject, const char *body, size_t body_len, int64_t ts,
    struct event *out, int *already, struct errmsg *em);

/* Appends one event of this terminal at ts (the clock's when ts < 0), even during a heal. */
static int
append_at(struct journal *j, const char *operator_, const char *kind, const char *subject,
    const char *body, size_t body_len, int64_t ts, struct event *out, struct errmsg *em)
{
	return append_checked(j, NULL, operator_, kind, subject, body, body_len, ts, out, NULL,
	    em);
}

/* The seq of this terminal's event that carries action, in *seq (0 when none). */
static int
action_seq(struct journal *j, const char *terminal, const char *action, int64_t *seq,
    struct errmsg *em)
{
	int rc, status;

	status = prepare_once(j, &j->action_of, "SELECT seq FROM actions WHERE terminal = ? AND "
	    "action = ?", em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(j->action_of, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(j->action_of, 2, action, -1, SQLITE_STATIC);
	rc = sqlite3_step(j->action_of);
	*seq = rc == SQLITE_ROW ? sqlite3_column_int64(j->action_of, 0) : 0;
	status = rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(j->db, rc, em, _("reading the journal"));
	reset(j->action_of);
	return status;
}

static int find_event(struct journal *j, const char *terminal, int64_t seq, struct event *ev,
    int *found, struct errmsg *em);
static void end_unwritten(struct journal *j);

/* A redo of an action recorded before: that event into out, nothing written. */
static int
answer_recorded(struct journal *j, int64_t seq, struct event *out, int *already,
    struct errmsg *em)
{
	struct event have;
	int found, status;

	memset(&have, 0, sizeof have);
	status = find_event(j, j->signer, seq, &have, &found, em);
	if (status == CST_OK && !found)
		status = err_set(em, CST_ERR_CORRUPT, _("the journal lists an action at seq %lld "
		    "but holds no such event: run custody rebuild"), (long long)seq);
	end_unwritten(j);
	if (status == CST_OK) {
		*already = 1;
		if (out != NULL) {
			*out = have;
			return CST_OK;
		}
	}
	event_clear(&have);
	return status;
}

int
journal_append_action(struct journal *j, const char *action, const char *operator_,
    const char *kind, const char *subject, const char *body, size_t body_len,
    struct event *out, int *already, struct errmsg *em)
{
	if (j->hold_reason[0] != '\0')
		return err_set(em, CST_ERR_BUSY, "%s", j->hold_reason);
	return append_checked(j, action, operator_, kind, subject, body, body_len, -1, out,
	    already, em);
}

static int
append_checked(struct journal *j, const char *action, const char *operator_,
    const char *kind, const char *subject, const char *body, size_t body_len, int64_t ts,
    struct event *out, int *already, struct errmsg *em)
{
	struct event ev;
	int64_t head_seq, seq;
	int status, dummy;

	if (already == NULL)
		already = &dummy;
	*already = 0;
	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if (!j->has_signer || (j->flags & JOURNAL_RDONLY))
		return err_set(em, CST_ERR_ARG, _("this journal is not open for signing"));
	if (strlen(operator_) > EV_MAX_ID || strlen(kind) > EV_MAX_KIND ||
	    strlen(subject) > EV_MAX_ID)
		return err_set(em, CST_ERR_INPUT, _("an event name or identifier is too long"));
	if (action != NULL && !event_valid_id(action, strlen(action)))
		return err_set(em, CST_ERR_INPUT, _("the action id \"%.64s\" is not valid"), action);
	memset(&ev, 0, sizeof ev);
	copy_id(ev.terminal, sizeof ev.terminal, j->signer);
	copy_id(ev.operator_, sizeof ev.operator_, operator_);
	copy_id(ev.kind, sizeof ev.kind, kind);
	copy_id(ev.subject, sizeof ev.subject, subject);
	event_set_body(&ev, body, body_len);
	if ((status = begin(j, em)) != CST_OK)
		goto done;
	/* In the same transaction as the append: nothing can record the action in between. */
	if (action != NULL) {
		if ((status = action_seq(j, j->signer, action, &seq, em)) != CST_OK)
			goto fail;
		if (seq > 0) {
			event_clear(&ev);
			return answer_recorded(j, seq, out, already, em);
		}
	}
	memset(&j->attempt, 0, sizeof j->attempt);
	copy_id(j->attempt.operator_, sizeof j->attempt.operator_, operator_);
	copy_id(j->attempt.kind, sizeof j->attempt.kind, kind);
	copy_id(j->attempt.subject, sizeof j->attempt.subject, subject);
	copy_id(j->attempt.action, sizeof j->attempt.action, action);
	status = journal_head(j, j->signer, &head_seq, ev.prev, em);
	if (status != CST_OK)
		goto fail;
	ev.seq = head_seq + 1;
	ev.ts = ts >= 0 ? ts : clock_now_ms();
	if ((status = event_check_fields(&ev, NULL, em)) != CST_OK)
		goto fail;
	/* The same checks as a foreign event's: a local one that fails them is not made. */
	if ((status = project_check(j->proj, &ev, em)) != CST_OK)
		goto fail;
	event_seal(&ev, j->sk);
	if ((status = insert_event(j, &ev, 1, em)) != CST_OK)
		goto fail;
	/* The body must carry the same id, or the next redo would not find it. */
	if (action != NULL && ((status = action_seq(j, j->signer, action, &seq, em)) != CST_OK ||
	    seq != ev.seq)) {
		if (status == CST_OK)
			status = err_set(em, CST_ERR_ARG, "journal_append_action: the body does not "
			    "carry \"action_id\":\"%s\"", action);
		goto fail;
	}
	if ((status = commit(j, em)) != CST_OK)
		goto fail;
	memset(&j->attempt, 0, sizeof j->attempt);
	if (out != NULL) {
		*out = ev;
		return CST_OK;
	}
	goto done;
fail:
	write_failed(j, status, em);
done:
	memset(&j->attempt, 0, sizeof j->attempt);
	event_clear(&ev);
	return status;
}

int
journal_append(struct journal *j, const char *operator_, const char *kind,
    const char *subject, const char *body, size_t body_len, struct event *out,
    struct errmsg *em)
{
	return journal_append_action(j, NULL, operator_, kind, subject, body, body_len, out, NULL,
	    em);
}

int
journal_append_jw(struct journal *j, const char *operator_, const char *kind,
    const char *subject, struct jw *w, struct errmsg *em)
{
	size_t len;
	const char *body = jw_text(w, &len);
	int status = journal_append(j, operator_, kind, subject, body, len, NULL, em);

	jw_free(w);
	return status;
}

void
journal_hold(struct journal *j, const char *reason)
{
	snprintf(j->hold_reason, sizeof j->hold_reason, "%s", reason != NULL ? reason : "");
}

/* Reads the text column i into dst; 0 when it fits and holds no NUL, else the field's name. */
static int
column_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	if (s == NULL) {
		dst[0] = '\0';
		return -1;
	}
	snprintf(dst, size, "%s", (const char *)s);
	return (n >= size || strlen((const char *)s) != n ||
	    sqlite3_column_type(st, i) != SQLITE_TEXT) ? -1 : 0;
}

static int
column_fixed(sqlite3_stmt *st, int i, unsigned char *dst, size_t size)
{
	const void *p = sqlite3_column_blob(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	memset(dst, 0, size);
	if (p == NULL || n != size || sqlite3_column_type(st, i) != SQLITE_BLOB)
		return -1;
	memcpy(dst, p, size);
	return 0;
}

/*
 * Fills ev from a row of EVENT_COLUMNS. Returns the name of the first column that is not of
 * the right type or size (the event is then only partly trustworthy), or NULL.
 */
static const char *
read_row(sqlite3_stmt *st, struct event *ev)
{
	const char *bad = NULL;
	const void *body;
	int n;

	event_clear(ev);
	if (column_text(st, 0, ev->terminal, sizeof ev->terminal))
		bad = "terminal";
	ev->seq = sqlite3_column_int64(st, 1);
	if (!bad && sqlite3_column_type(st, 1) != SQLITE_INTEGER)
		bad = "seq";
	ev->ts = sqlite3_column_int64(st, 2);
	if (!bad && sqlite3_column_type(st, 2) != SQLITE_INTEGER)
		bad = "ts";
	if (column_text(st, 3, ev->operator_, sizeof ev->operator_) && !bad)
		bad = "operator";
	if (column_text(st, 4, ev->kind, sizeof ev->kind) && !bad)
		bad = "kind";
	if (column_text(st, 5, ev->subject, sizeof ev->subject) && !bad)
		bad = "subject";
	body = sqlite3_column_blob(st, 6);
	n = sqlite3_column_bytes(st, 6);
	event_set_body(ev, body != NULL ? body : "", body != NULL ? (size_t)n : 0);
	if (!bad && (sqlite3_column_type(st, 6) != SQLITE_BLOB || n > EV_MAX_BODY))
		bad = "body";
	if (column_fixed(st, 7, ev->prev, sizeof ev->prev) && !bad)
		bad = "prev";
	if (column_fixed(st, 8, ev->hash, sizeof ev->hash) && !bad)
		bad = "hash";
	if (column_fixed(st, 9, ev->sig, sizeof ev->sig) && !bad)
		bad = "sig";
	return bad;
}

int
journal_terminal_key(struct journal *j, const char *terminal, unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em)
{
	int rc, status;

	status = prepare_once(j, &j->key_of,
	    "SELECT public_key FROM terminals WHERE terminal = ?", em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(j->key_of, 1, terminal, -1, SQLITE_STATIC);
	rc = sqlite3_step(j->key_of);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(j->key_of, 0) == CRY_PK_BYTES) {
		memcpy(pk, sqlite3_column_blob(j->key_of, 0), CRY_PK_BYTES);
		status = CST_OK;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		status = err_set(em, CST_ERR_NOTFOUND, _("terminal %s is not known"), terminal);
	} else {
		status = db_fail(j->db, rc, em, _("reading the journal"));
	}
	reset(j->key_of);
	return status;
}

/* The stored event at (terminal, seq): CST_OK and *found. */
static int
find_event(struct journal *j, const char *terminal, int64_t seq, struct event *ev, int *found,
    struct errmsg *em)
{
	int rc, status;

	status = prepare_once(j, &j->find, "SELECT " EVENT_COLUMNS " FROM events "
	    "WHERE terminal = ? AND seq = ?", em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(j->find, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(j->find, 2, seq);
	rc = sqlite3_step(j->find);
	*found = rc == SQLITE_ROW;
	if (*found)
		read_row(j->find, ev);
	status = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? CST_OK :
	    db_fail(j->db, rc, em, _("reading the journal"));
	reset(j->find);
	return status;
}

/* The key that must have signed ev: from its own body for seq 1, else from the projection. */
static int
signing_key(struct journal *j, const struct event *ev, unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em)
{
	if (ev->seq == 1) {
		if (strcmp(ev->kind, "terminal.created") != 0)
			return err_set(em, CST_ERR_VERIFY,
			    _("the first event of a terminal must be terminal.created"));
		return project_created_key(ev, pk, em);
	}
	return journal_terminal_key(j, ev->terminal, pk, em);
}

static int
check_foreign(struct journal *j, const struct event *ev, struct errmsg *em)
{
	unsigned char head_hash[CRY_HASH_BYTES], hash[CRY_HASH_BYTES], pk[CRY_PK_BYTES];
	int64_t head_seq;
	int status;

	status = journal_head(j, ev->terminal, &head_seq, head_hash, em);
	if (status != CST_OK)
		return status;
	if (ev->seq != head_seq + 1)
		return err_set(em, CST_ERR_VERIFY,
		    _("terminal %s seq %lld does not follow seq %lld held here"),
		    ev->terminal, (long long)ev->seq, (long long)head_seq);
	if (!cry_equal(ev->prev, head_hash, CRY_HASH_BYTES))
		return err_set(em, CST_ERR_VERIFY,
		    _("terminal %s seq %lld: prev does not match the hash of seq %lld"),
		    ev->terminal, (long long)ev->seq, (long long)head_seq);
	event_compute_hash(ev, hash);
	if (!cry_equal(hash, ev->hash, CRY_HASH_BYTES))
		return err_set(em, CST_ERR_VERIFY, _("terminal %s seq %lld: hash does not match "
		    "its fields"), ev->terminal, (long long)ev->seq);
	status = signing_key(j, ev, pk, em);
	if (status != CST_OK)
		return status == CST_ERR_INPUT ? CST_ERR_VERIFY : status;
	if (!event_sig_ok(ev, pk))
		return err_set(em, CST_ERR_VERIFY, _("terminal %s seq %lld: bad signature"),
		    ev->terminal, (long long)ev->seq);
	return CST_OK;
}

/* Ends a transaction that wrote nothing (outside a batch; a batch goes on). */
static void
end_unwritten(struct journal *j)
{
	if (!j->in_batch && !sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Inserts an event that came from outside (another terminal's, or the ledger's copy of our
 * own): kept verbatim, so its chain stays whole and verifies, but applied to the projections
 * only when it passes the checks; why it did not is recorded.
 */
static int
insert_checked(struct journal *j, const struct event *ev, struct errmsg *em)
{
	struct errmsg why;
	int status, apply = 1;

	err_clear(&why);
	status = project_check(j->proj, ev, &why);
	if (refused_content(status)) {
		apply = 0;
		status = note_unapplied(j, ev, why.text, em);
	} else if (status != CST_OK) {
		err_set(em, status, "%s", why.text);
	}
	if (status == CST_OK)
		status = insert_event(j, ev, apply, em);
	return status;
}

int
journal_store_foreign(struct journal *j, const struct event *ev, int *stored, struct errmsg *em)
{
	struct event have;
	int found, status;

	*stored = 0;
	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if ((status = event_check_fields(ev, NULL, em)) != CST_OK)
		return status;
	if ((status = begin(j, em)) != CST_OK)
		return status;
	memset(&have, 0, sizeof have);
	status = find_event(j, ev->terminal, ev->seq, &have, &found, em);
	if (status == CST_OK && found && !cry_equal(have.hash, ev->hash, CRY_HASH_BYTES))
		status = err_set(em, CST_ERR_VERIFY, _("fork: terminal %s seq %lld is held here "
		    "with another hash"), ev->terminal, (long long)ev->seq);
	event_clear(&have);
	if (status == CST_OK && !found)
		status = check_foreign(j, ev, em);
	if (status != CST_OK || found) {
		end_unwritten(j);
		return status;
	}
	status = insert_checked(j, ev, em);
	if (status == CST_OK)
		status = commit(j, em);
	if (status != CST_OK)
		return write_failed(j, status, em);
	*stored = 1;
	return CST_OK;
}

/* ---- healing a rolled-back journal from the ledger (docs/journal.md, "Healing") ---- */

/* Runs sql with (terminal, seq) bound to ?1 and ?2 and, when ts >= 0, ts to ?3. */
static int
exec_tail(struct journal *j, const char *sql, int64_t seq, int64_t ts, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	if ((status = db_prepare(j->db, sql, &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, j->signer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	if (ts >= 0)
		sqlite3_bind_int64(st, 3, ts);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(j->db, rc, em, _("healing the journal"));
}

/* Moves this terminal's events from seq on into forked, kept verbatim, with their arrival. */
static int
move_tail(struct journal *j, int64_t seq, int64_t *moved, struct errmsg *em)
{
	int status;

	status = exec_tail(j, "INSERT INTO heal_permit (terminal, from_seq) VALUES (?1, ?2)", seq,
	    -1, em);
	if (status == CST_OK)
		status = exec_tail(j, "INSERT INTO forked (" EVENT_COLUMNS ", moved_ts) SELECT "
		    EVENT_COLUMNS ", ?3 FROM events WHERE terminal = ?1 AND seq >= ?2 "
		    "ORDER BY seq", seq, clock_now_ms(), em);
	if (status == CST_OK)
		*moved = sqlite3_changes(j->db);
	if (status == CST_OK)
		status = exec_tail(j, "DELETE FROM arrival WHERE terminal = ?1 AND seq >= ?2", seq,
		    -1, em);
	if (status == CST_OK)
		status = exec_tail(j, "DELETE FROM events WHERE terminal = ?1 AND seq >= ?2", seq,
		    -1, em);
	if (status == CST_OK)
		status = exec_tail(j, "DELETE FROM heal_permit WHERE terminal = ?1 AND from_seq = ?2",
		    seq, -1, em);
	if (status == CST_OK)
		j->heal_moved = 1;
	return status;
}

/* ev's hash, and its link to the event held at the seq before it. */
static int
check_own_link(struct journal *j, const struct event *ev, struct errmsg *em)
{
	unsigned char hash[CRY_HASH_BYTES], prev[CRY_HASH_BYTES];
	struct event before;
	int found = 1, status = CST_OK;

	memset(prev, 0, sizeof prev);
	memset(&before, 0, sizeof before);
	if (ev->seq > 1)
		status = find_event(j, ev->terminal, ev->seq - 1, &before, &found, em);
	if (status == CST_OK && found && ev->seq > 1)
		memcpy(prev, before.hash, sizeof prev);
	event_clear(&before);
	if (status != CST_OK)
		return status;
	event_compute_hash(ev, hash);
	if (!found || !cry_equal(prev, ev->prev, CRY_HASH_BYTES) ||
	    !cry_equal(hash, ev->hash, CRY_HASH_BYTES))
		return err_set(em, CST_ERR_VERIFY, _("terminal %s seq %lld from the ledger does not "
		    "follow the chain held here"), ev->terminal, (long long)ev->seq);
	return CST_OK;
}

int
journal_heal_store(struct journal *j, const struct event *ev, const unsigned char pk[CRY_PK_BYTES],
    int *stored, int64_t *moved, struct errmsg *em)
{
	struct event have;
	int found, status;

	*stored = 0;
	*moved = 0;
	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if (!j->has_signer || strcmp(ev->terminal, j->signer) != 0)
		return err_set(em, CST_ERR_ARG, _("only this terminal's own events heal its chain"));
	if (!j->in_batch)
		return err_set(em, CST_ERR_ARG, "journal_heal_store: outside a batch");
	if ((status = event_check_fields(ev, NULL, em)) != CST_OK)
		return status;
	if (!event_sig_ok(ev, pk))
		return err_set(em, CST_ERR_VERIFY, _("terminal %s seq %lld from the ledger is not "
		    "signed by this terminal's key"), ev->terminal, (long long)ev->seq);
	if ((status = begin(j, em)) != CST_OK)
		return status;
	memset(&have, 0, sizeof have);
	status = find_event(j, ev->terminal, ev->seq, &have, &found, em);
	if (status == CST_OK && found && cry_equal(have.hash, ev->hash, CRY_HASH_BYTES)) {
		event_clear(&have);
		end_unwritten(j);
		return CST_OK;
	}
	event_clear(&have);
	/* Everything about ev is checked before anything is moved for it. */
	if (status == CST_OK && found)
		status = check_own_link(j, ev, em);
	if (status == CST_OK && found)
		status = move_tail(j, ev->seq, moved, em);
	if (status == CST_OK)
		status = check_foreign(j, ev, em);
	if (status == CST_OK)
		status = insert_checked(j, ev, em);
	if (status == CST_OK)
		status = commit(j, em);
	if (status == CST_ERR_VERIFY || status == CST_ERR_INPUT) {
		end_unwritten(j);	/* in a batch the caller rolls back */
		return status;
	}
	if (status != CST_OK)
		return write_failed(j, status, em);
	*stored = 1;
	return CST_OK;
}

static int
mark_rerecorded(struct journal *j, const unsigned char hash[CRY_HASH_BYTES], int64_t seq,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(j->db, "UPDATE forked SET rerecorded_seq = ? WHERE hash = ?", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_blob(st, 2, hash, CRY_HASH_BYTES, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(j->db, rc, em, _("healing the journal"));
}

/*
 * Names a forked event in the chain: journal.forked with its terminal, seq, hash and kind,
 * and the seq that re-recorded it (0 when it could not be, and why).
 */
static int
note_forked(struct journal *j, const struct event *orig, int64_t as_seq, const char *why,
    struct errmsg *em)
{
	char hash_hex[2 * CRY_HASH_BYTES + 1], body[512];
	struct jw w;
	int status;

	hex_encode(orig->hash, sizeof orig->hash, hash_hex);
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "terminal");
	jw_str(&w, orig->terminal);
	jw_key(&w, "seq");
	jw_int(&w, orig->seq);
	jw_key(&w, "hash");
	jw_str(&w, hash_hex);
	jw_key(&w, "kind");
	jw_str(&w, orig->kind);
	jw_key(&w, "rerecorded_as");
	jw_int(&w, as_seq);
	if (why != NULL) {
		snprintf(body, sizeof body, "%s", why);
		jw_key(&w, "why");
		jw_str(&w, body);
	}
	jw_obj_end(&w);
	status = append_at(j, "system", "journal.forked", orig->subject, jw_text(&w, NULL), w.len,
	    -1, NULL, em);
	jw_free(&w);
	return status;
}

/* A failure that is the disk's, not the event's: the heal stops on it. */
static int
disk_failure(int status)
{
	return status == CST_ERR_IO || status == CST_ERR_FULL || status == CST_ERR_CORRUPT ||
	    status == CST_ERR_STOPPED || status == CST_ERR_INTERNAL;
}

/*
 * Re-records one forked event verbatim (operator, kind, subject, body and ts: an authority
 * it carries still checks, as it signed this terminal and this body), then names the
 * original in journal.forked. An event that cannot be recorded again (a terminal.created, or
 * one the checks refuse now) stays in forked, named with why; *done counts the others.
 */
static int
rerecord_one(struct journal *j, const struct event *orig, int64_t *done, struct errmsg *em)
{
	struct errmsg why;
	struct event made;
	int status;

	err_clear(&why);
	memset(&made, 0, sizeof made);
	if (strcmp(orig->kind, "terminal.created") == 0)
		status = err_set(&why, CST_ERR_ARG, "%s", _("a terminal is created once"));
	else
		status = append_at(j, orig->operator_, orig->kind, orig->subject, orig->body,
		    orig->body_len, orig->ts, &made, &why);
	if (disk_failure(status))
		return err_set(em, status, "%s", why.text);
	if (status == CST_OK)
		(*done)++;
	status = mark_rerecorded(j, orig->hash, status == CST_OK ? made.seq : 0, em);
	if (status == CST_OK)
		status = note_forked(j, orig, made.seq, made.seq ? NULL : why.text, em);
	event_clear(&made);
	return status;
}

int
journal_heal_end(struct journal *j, int complete, int64_t *rerecorded, struct errmsg *em)
{
	struct event *evs = NULL;
	sqlite3_stmt *st;
	size_t n = 0, cap = 0, i;
	int rc, status;

	*rerecorded = 0;
	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if (!j->in_batch)
		return err_set(em, CST_ERR_ARG, "journal_heal_end: outside a batch");
	/* The projections without the moved events first: the re-recorded ones go on top. */
	if (j->heal_moved) {
		j->heal_moved = 0;
		if ((status = journal_rebuild(j, em)) != CST_OK)
			return status;
	}
	if (!complete)
		return CST_OK;
	status = db_prepare(j->db, "SELECT " EVENT_COLUMNS " FROM forked WHERE terminal = ? "
	    "AND rerecorded_seq IS NULL ORDER BY moved_ts, seq", &st, em);
	if (status != CST_OK)
		return write_failed(j, status, em);
	sqlite3_bind_text(st, 1, j->signer, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			evs = xrealloc(evs, cap * sizeof *evs);
		}
		memset(&evs[n], 0, sizeof evs[n]);
		read_row(st, &evs[n++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		status = db_fail(j->db, rc, em, _("reading the journal"));
	for (i = 0; i < n && status == CST_OK; i++)
		status = rerecord_one(j, &evs[i], rerecorded, em);
	for (i = 0; i < n; i++)
		event_clear(&evs[i]);
	free(evs);
	return status == CST_OK ? CST_OK : write_failed(j, status, em);
}

int
journal_each(struct journal *j, const struct journal_filter *f,
    int (*fn)(const struct event *ev, void *arg), void *arg, struct errmsg *em)
{
	sqlite3_stmt *st;
	struct event ev;
	size_t klen = f->kind ? strlen(f->kind) : 0;
	int prefix = klen >= 2 && strcmp(f->kind + klen - 2, ".*") == 0;
	int rc, status;

	status = db_prepare(j->db, "SELECT " EVENT_COLUMNS " FROM events "
	    "WHERE (?1 IS NULL OR terminal = ?1) AND (?2 IS NULL OR subject = ?2) "
	    "AND ts >= ?3 AND (?4 IS NULL OR (CASE WHEN ?5 THEN substr(kind, 1, length(?4)) = ?4 "
	    "ELSE kind = ?4 END)) ORDER BY ts, terminal, seq", &st, em);
	if (status != CST_OK)
		return status;
	if (f->terminal)
		sqlite3_bind_text(st, 1, f->terminal, -1, SQLITE_STATIC);
	if (f->subject)
		sqlite3_bind_text(st, 2, f->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->since_ms);
	if (f->kind)	/* "person.*" matches the prefix "person." */
		sqlite3_bind_text(st, 4, f->kind, prefix ? (int)klen - 1 : -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, prefix);
	memset(&ev, 0, sizeof ev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &ev);
		if (fn(&ev, arg))
			break;
	}
	status = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? CST_OK :
	    db_fail(j->db, rc, em, _("reading the journal"));
	event_clear(&ev);
	sqlite3_finalize(st);
	return status;
}

int
journal_chain(struct journal *j, const char *terminal, int64_t after_seq, int64_t max,
    int (*fn)(const struct event *ev, void *arg), void *arg, struct errmsg *em)
{
	sqlite3_stmt *st;
	struct event ev;
	int rc, status;

	status = db_prepare(j->db, "SELECT " EVENT_COLUMNS " FROM events "
	    "WHERE terminal = ? AND seq > ? ORDER BY seq LIMIT ?", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, after_seq);
	sqlite3_bind_int64(st, 3, max);
	memset(&ev, 0, sizeof ev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &ev);
		if (fn(&ev, arg))
			break;
	}
	status = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? CST_OK :
	    db_fail(j->db, rc, em, _("reading the journal"));
	event_clear(&ev);
	sqlite3_finalize(st);
	return status;
}

/* One chain under verification. */
struct chain {
	char terminal[EV_MAX_ID + 1];
	int64_t next_seq;
	unsigned char prev[CRY_HASH_BYTES];
	unsigned char pk[CRY_PK_BYTES];
	int broken;	/* a fault was reported: skip the rest of this chain */
};

struct verifier {
	const char *own_terminal;
	const unsigned char *own_pk;
	void (*fault)(const struct journal_fault *f, void *arg);
	void *arg;
	struct journal_stats stats;
	struct chain chain;
};

static void
report(struct verifier *v, const char *terminal, int64_t seq, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
report(struct verifier *v, const char *terminal, int64_t seq, const char *field,
    const char *fmt, ...)
{
	struct journal_fault f;
	va_list ap;

	memset(&f, 0, sizeof f);
	snprintf(f.terminal, sizeof f.terminal, "%s", terminal);
	f.seq = seq;
	f.field = field;
	va_start(ap, fmt);
	vsnprintf(f.text, sizeof f.text, fmt, ap);
	va_end(ap);
	v->stats.faults++;
	v->chain.broken = 1;
	if (v->fault != NULL)
		v->fault(&f, v->arg);
}

static void
start_chain(struct verifier *v, const char *terminal)
{
	memset(&v->chain, 0, sizeof v->chain);
	snprintf(v->chain.terminal, sizeof v->chain.terminal, "%s", terminal);
	v->chain.next_seq = 1;
	v->stats.terminals++;
}

/* The first event's key, and for our own terminal the key file's. 0 when usable. */
static int
verify_genesis(struct verifier *v, const struct event *ev)
{
	struct errmsg em;

	if (strcmp(ev->kind, "terminal.created") != 0) {
		report(v, ev->terminal, 1, "kind", _("the first event is %s, not terminal.created"),
		    ev->kind);
		return -1;
	}
	err_clear(&em);
	if (project_created_key(ev, v->chain.pk, &em) != CST_OK) {
		report(v, ev->terminal, 1, "body", "%s", em.text);
		return -1;
	}
	if (v->own_pk != NULL && v->own_terminal != NULL &&
	    strcmp(v->own_terminal, ev->terminal) == 0 &&
	    !cry_equal(v->own_pk, v->chain.pk, CRY_PK_BYTES)) {
		report(v, ev->terminal, 1, "body", _("public_key is not the key in terminal.key"));
		return -1;
	}
	return 0;
}

static void
verify_event(struct verifier *v, const struct event *ev, const char *bad_column)
{
	unsigned char hash[CRY_HASH_BYTES];
	const char *field = NULL;
	struct errmsg em;

	if (v->chain.next_seq == 1 && ev->seq != 1) {
		report(v, ev->terminal, ev->seq, "terminal",
		    _("no terminal %s is known here: its chain has no seq 1 to %lld"),
		    ev->terminal, (long long)ev->seq - 1);
		return;
	}
	if (v->chain.next_seq != ev->seq) {
		report(v, ev->terminal, v->chain.next_seq, "seq",
		    _("seq %lld is missing: seq %lld follows seq %lld"),
		    (long long)v->chain.next_seq, (long long)ev->seq,
		    (long long)v->chain.next_seq - 1);
		return;
	}
	if (bad_column != NULL) {
		report(v, ev->terminal, ev->seq, bad_column, _("column %s has the wrong type or size"),
		    bad_column);
		return;
	}
	err_clear(&em);
	if (event_check_fields(ev, &field, &em) != CST_OK) {
		/* the message is "field: why"; the report names the field itself */
		report(v, ev->terminal, ev->seq, field, "%s", em.text + strlen(field) + 2);
		return;
	}
	if (ev->seq == 1 && verify_genesis(v, ev) != 0)
		return;
	if (!cry_equal(ev->prev, v->chain.prev, CRY_HASH_BYTES)) {
		report(v, ev->terminal, ev->seq, "prev",
		    _("prev is not the hash of the event before it"));
		return;
	}
	event_compute_hash(ev, hash);
	if (!cry_equal(hash, ev->hash, CRY_HASH_BYTES)) {
		if (cry_verify(v->chain.pk, hash, sizeof hash, ev->sig))
			report(v, ev->terminal, ev->seq, "hash",
			    _("the stored hash was altered; the fields are as signed"));
		else if (event_sig_ok(ev, v->chain.pk))
			report(v, ev->terminal, ev->seq, "ts/operator/kind/subject/body",
			    _("the fields were altered after signing: they no longer match the "
			    "signed hash"));
		else
			report(v, ev->terminal, ev->seq, "hash",
			    _("neither the fields nor the hash match the signature"));
		return;
	}
	if (!event_sig_ok(ev, v->chain.pk)) {
		report(v, ev->terminal, ev->seq, "sig", _("the signature does not verify"));
		return;
	}
	memcpy(v->chain.prev, ev->hash, CRY_HASH_BYTES);
	v->chain.next_seq++;
}

/*
 * The events a heal moved aside are kept as they were signed: each must still hash to its
 * hash and carry its terminal's signature (docs/journal.md, Healing).
 */
static int
verify_forked(struct journal *j, struct verifier *v, struct errmsg *em)
{
	unsigned char hash[CRY_HASH_BYTES], pk[CRY_PK_BYTES];
	struct errmsg why;
	struct event ev;
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(j->db, "SELECT " EVENT_COLUMNS " FROM forked ORDER BY terminal, seq",
	    &st, em);
	if (status != CST_OK)
		return status;
	memset(&ev, 0, sizeof ev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &ev);
		event_compute_hash(&ev, hash);
		err_clear(&why);
		if (!cry_equal(hash, ev.hash, sizeof hash))
			report(v, ev.terminal, ev.seq, "forked",
			    _("an event moved aside by a heal was altered"));
		else if (journal_terminal_key(j, ev.terminal, pk, &why) != CST_OK ||
		    !event_sig_ok(&ev, pk))
			report(v, ev.terminal, ev.seq, "forked",
			    _("an event moved aside by a heal is not signed by its terminal"));
	}
	event_clear(&ev);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CST_OK : db_fail(j->db, rc, em, _("reading the journal"));
}

int
journal_verify(struct journal *j, const char *own_terminal, const unsigned char *own_pk,
    void (*fault)(const struct journal_fault *f, void *arg), void *arg,
    struct journal_stats *stats, struct errmsg *em)
{
	struct verifier v;
	struct event ev;
	sqlite3_stmt *st;
	const char *bad;
	int rc, status, own_seen = 0;

	memset(&v, 0, sizeof v);
	v.own_terminal = own_terminal;
	v.own_pk = own_pk;
	v.fault = fault;
	v.arg = arg;
	status = db_prepare(j->db, "SELECT " EVENT_COLUMNS " FROM events ORDER BY terminal, seq",
	    &st, em);
	if (status != CST_OK)
		return status;
	memset(&ev, 0, sizeof ev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		bad = read_row(st, &ev);
		v.stats.events++;
		if (v.stats.terminals == 0 || strcmp(ev.terminal, v.chain.terminal) != 0)
			start_chain(&v, ev.terminal);
		if (own_terminal != NULL && strcmp(ev.terminal, own_terminal) == 0)
			own_seen = 1;
		if (!v.chain.broken)
			verify_event(&v, &ev, bad);
	}
	event_clear(&ev);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(j->db, rc, em, _("reading the journal"));
	if (own_terminal != NULL && !own_seen)
		report(&v, own_terminal, 1, "seq", _("this terminal's own chain is empty"));
	if ((status = verify_forked(j, &v, em)) != CST_OK)
		return status;
	if (stats != NULL)
		*stats = v.stats;
	if (v.stats.faults)
		return err_set(em, CST_ERR_VERIFY, _("%lld bad chain(s)"),
		    (long long)v.stats.faults);
	return CST_OK;
}

int
journal_local_get(struct journal *j, const char *name, char *buf, size_t size,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(j->db, "SELECT value FROM local WHERE name = ?", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
		status = CST_OK;
	} else if (rc == SQLITE_DONE) {
		status = err_set(em, CST_ERR_NOTFOUND, _("the journal has no %s"), name);
	} else {
		status = db_fail(j->db, rc, em, _("reading the journal"));
	}
	sqlite3_finalize(st);
	return status;
}

int
journal_local_set(struct journal *j, const char *name, const char *value, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	status = db_prepare(j->db, "INSERT OR REPLACE INTO local (name, value) VALUES (?, ?)",
	    &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return write_failed(j, db_fail(j->db, rc, em, _("writing the journal")), em);
	return CST_OK;
}

int
journal_batch_begin(struct journal *j, struct errmsg *em)
{
	int status;

	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if (j->in_batch)
		return err_set(em, CST_ERR_ARG, "journal_batch_begin: already in a batch");
	if ((status = begin(j, em)) == CST_OK)
		j->in_batch = 1;
	return status;
}

int
journal_batch_end(struct journal *j, struct errmsg *em)
{
	int status;

	if (!j->in_batch)
		return err_set(em, CST_ERR_ARG, "journal_batch_end: no batch (it failed earlier?)");
	j->in_batch = 0;
	status = commit(j, em);
	return status == CST_OK ? CST_OK : write_failed(j, status, em);
}

void
journal_batch_abort(struct journal *j)
{
	if (!j->in_batch)
		return;
	j->in_batch = 0;
	j->heal_moved = 0;
	if (!sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

struct sqlite3 *
journal_db(struct journal *j)
{
	return j->db;
}

int
journal_read_stmt(struct journal *j, const char *sql, sqlite3_stmt **st, struct errmsg *em)
{
	int i, status;

	for (i = 0; i < j->nreads; i++)
		if (j->reads[i].sql == sql) {
			sqlite3_reset(j->reads[i].st);
			sqlite3_clear_bindings(j->reads[i].st);
			*st = j->reads[i].st;
			return CST_OK;
		}
	if (j->nreads == JOURNAL_READS)	/* more than slots is a bug of ours: no cache */
		return err_set(em, CST_ERR_ARG, "journal_read_stmt: no slot left");
	if ((status = db_prepare(j->db, sql, st, em)) != CST_OK)
		return status;
	j->reads[j->nreads].sql = sql;
	j->reads[j->nreads].st = *st;
	j->nreads++;
	return CST_OK;
}

int
journal_unapplied(struct journal *j, const char *terminal, int64_t seq, char *reason,
    size_t size, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	status = db_prepare(j->db, "SELECT reason FROM unapplied WHERE terminal = ? AND seq = ?",
	    &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (reason != NULL)
			snprintf(reason, size, "%s", (const char *)sqlite3_column_text(st, 0));
		status = CST_OK;
	} else if (rc == SQLITE_DONE) {
		status = CST_ERR_NOTFOUND;
	} else {
		status = db_fail(j->db, rc, em, _("reading the journal"));
	}
	sqlite3_finalize(st);
	return status;
}

int
journal_unapplied_count(struct journal *j, int64_t *count, char *first, size_t size,
    struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	*count = 0;
	if (first != NULL && size > 0)
		first[0] = '\0';
	status = db_prepare(j->db, "SELECT count(*), (SELECT terminal || ' #' || seq || ': ' || "
	    "reason FROM unapplied ORDER BY terminal, seq LIMIT 1) FROM unapplied", &st, em);
	if (status != CST_OK)
		return status;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		if (first != NULL && sqlite3_column_type(st, 1) == SQLITE_TEXT)
			snprintf(first, size, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? CST_OK : db_fail(j->db, rc, em, _("reading the journal"));
}

int
journal_note_order(struct journal *j, const char *terminal, int64_t seq, const char *kind,
    int64_t cursor, struct errmsg *em)
{
	int status;

	/* Only reference data has conflicts the ledger's order decides. */
	if (!authority_kind_needs(kind))
		return CST_OK;
	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if ((status = begin(j, em)) != CST_OK)
		return status;
	status = project_note_order(j->proj, terminal, seq, cursor, em);
	if (status == CST_OK)
		status = commit(j, em);
	return status == CST_OK ? CST_OK : write_failed(j, status, em);
}

int
journal_pin_center(struct journal *j, const unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	unsigned char have[CRY_PK_BYTES];
	char hex[2 * CRY_PK_BYTES + 1];

	if (project_center(j->proj, have, NULL) == CST_OK) {
		if (cry_equal(have, pk, CRY_PK_BYTES))
			return CST_OK;
		return err_set(em, CST_ERR_EXISTS, _("another center key is pinned in this "
		    "journal already"));
	}
	hex_encode(pk, CRY_PK_BYTES, hex);
	return journal_local_set(j, "center.key", hex, em);
}

int
journal_center(struct journal *j, unsigned char pk[CRY_PK_BYTES], struct errmsg *em)
{
	return project_center(j->proj, pk, em);
}

const char *
journal_signer(struct journal *j)
{
	return j->has_signer ? j->signer : NULL;
}

/*
 * Replays every event in arrival order. Those that arrived after this file learned the checks
 * (arrival n past authority.from, docs/journal.md "Authority") pass them again, so the events
 * left unapplied when they came are left unapplied again; older ones are replayed as they were.
 */
int
journal_rebuild(struct journal *j, struct errmsg *em)
{
	sqlite3_stmt *st;
	struct event ev;
	struct errmsg why;
	char from_text[32];
	int64_t from = 0;
	int rc, status, check;

	if ((status = refuse_if_stopped(j, em)) != CST_OK)
		return status;
	if (journal_local_get(j, "authority.from", from_text, sizeof from_text, NULL) == CST_OK)
		from = strtoll(from_text, NULL, 10);
	if ((status = begin(j, em)) != CST_OK)
		return status;
	status = project_reset(j->proj, em);
	if (status == CST_OK)
		status = db_exec(j->db, "DELETE FROM unapplied", em, _("emptying projections"));
	if (status == CST_OK)
		status = db_prepare(j->db, "SELECT e.terminal, e.seq, e.ts, e.operator, e.kind, "
		    "e.subject, e.body, e.prev, e.hash, e.sig, a.n FROM arrival a JOIN events e "
		    "ON e.terminal = a.terminal AND e.seq = a.seq ORDER BY a.n", &st, em);
	if (status != CST_OK)
		return write_failed(j, status, em);
	memset(&ev, 0, sizeof ev);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_row(st, &ev);
		project_set_legacy(j->proj, sqlite3_column_int64(st, 10) <= from);
		if (sqlite3_column_int64(st, 10) > from) {
			err_clear(&why);
			check = project_check(j->proj, &ev, &why);
			if (refused_content(check)) {
				if ((status = note_unapplied(j, &ev, why.text, em)) != CST_OK)
					break;
				continue;
			}
			if (check != CST_OK) {
				status = err_set(em, check, "%s", why.text);
				break;
			}
		}
		if ((status = project_apply(j->proj, &ev, em)) != CST_OK)
			break;
	}
	project_set_legacy(j->proj, 0);
	if (status == CST_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		status = db_fail(j->db, rc, em, _("reading the journal"));
	event_clear(&ev);
	sqlite3_finalize(st);
	if (status == CST_OK)
		status = commit(j, em);
	return status == CST_OK ? CST_OK : write_failed(j, status, em);
}

/* ---- after a failed write: the stop, reopening, what was recorded ---- */

int
journal_stopped(const struct journal *j)
{
	return j->stopped;
}

/* One "key value" line of the stop record into dst (its value may be empty). */
static void
stop_field(const char *text, const char *key, char *dst, size_t size)
{
	char pat[32];
	const char *p, *end;

	dst[0] = '\0';
	snprintf(pat, sizeof pat, "\n%s ", key);
	if ((p = strstr(text, pat)) == NULL)
		return;
	p += strlen(pat);
	end = strchr(p, '\n');
	snprintf(dst, size, "%.*s", (int)(end != NULL ? end - p : (ptrdiff_t)strlen(p)), p);
}

int
journal_stop_get(struct journal *j, struct journal_stop *out, struct errmsg *em)
{
	char path[PATH_MAX + 16], text[STOP_FILE_MAX + 1], ts[24];
	ssize_t n;
	int fd;

	memset(out, 0, sizeof *out);
	stop_path(j, path, sizeof path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? err_set(em, CST_ERR_NOTFOUND, _("the journal has not "
		    "stopped")) : err_set(em, CST_ERR_IO, _("cannot read %s: %s"), path,
		    strerror(errno));
	n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0)
		return err_set(em, CST_ERR_IO, _("cannot read %s: %s"), path, strerror(errno));
	text[n] = '\0';
	if (strncmp(text, STOP_MAGIC "\n", strlen(STOP_MAGIC) + 1) != 0)
		return err_set(em, CST_ERR_CORRUPT, _("%s is damaged"), path);
	stop_field(text, "ts", ts, sizeof ts);
	out->ts = strtoll(ts, NULL, 10);
	stop_field(text, "operator", out->operator_, sizeof out->operator_);
	stop_field(text, "kind", out->kind, sizeof out->kind);
	stop_field(text, "subject", out->subject, sizeof out->subject);
	stop_field(text, "action", out->action, sizeof out->action);
	stop_field(text, "reason", out->reason, sizeof out->reason);
	/* A record is read back as data, never trusted as ids: drop what is not one. */
	if (!event_valid_id(out->operator_, strlen(out->operator_)))
		out->operator_[0] = '\0';
	if (!event_valid_kind(out->kind, strlen(out->kind)))
		out->kind[0] = '\0';
	if (!event_valid_id(out->subject, strlen(out->subject)))
		out->subject[0] = '\0';
	if (!event_valid_id(out->action, strlen(out->action)))
		out->action[0] = '\0';
	return CST_OK;
}

int
journal_stop_clear(struct journal *j, struct errmsg *em)
{
	char path[PATH_MAX + 16];

	stop_path(j, path, sizeof path);
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(em, CST_ERR_IO, _("cannot remove %s: %s"), path, strerror(errno));
	return CST_OK;
}

int
journal_reopen(struct journal *j, struct errmsg *em)
{
	sqlite3 *db;
	int dbflags = (j->flags & JOURNAL_RDONLY) ? DB_RDONLY : 0, status;

	if (j->in_batch)
		return err_set(em, CST_ERR_ARG, "journal_reopen: inside a batch");
	if (j->db != NULL) {
		finalize_all(j);
		/* Only the last connection's close lets the next open replay the WAL. */
		if (sqlite3_close(j->db) != SQLITE_OK) {
			j->proj = project_new(j->db);
			return err_set(em, CST_ERR_BUSY, _("the journal is still in use (a query is "
			    "open); try again"));
		}
		j->db = NULL;
	}
	status = db_open(j->path, dbflags, JOURNAL_APP_ID, journal_migrations, &db, em);
	if (status != CST_OK) {
		/* Closed: every call fails (the journal stays stopped) until a reopen works. */
		j->stopped = 1;
		snprintf(j->stop_reason, sizeof j->stop_reason, "%s", em != NULL ? em->text :
		    err_name(status));
		return status;
	}
	j->db = db;
	j->proj = project_new(db);
	j->stopped = 0;
	j->stop_reason[0] = '\0';
	return CST_OK;
}

int
journal_action_event(struct journal *j, const char *terminal, const char *action,
    struct event *out, int *found, struct errmsg *em)
{
	int64_t seq;
	int status;

	*found = 0;
	if (terminal == NULL)
		terminal = j->signer;
	if (!event_valid_id(action, strlen(action)) || j->db == NULL)
		return CST_OK;
	if ((status = action_seq(j, terminal, action, &seq, em)) != CST_OK || seq == 0)
		return status;
	return find_event(j, terminal, seq, out, found, em);
}

int
journal_last_of(struct journal *j, const char *terminal, const char *operator_,
    struct event *out, int *found, struct errmsg *em)
{
	sqlite3_stmt *st;
	int rc, status;

	*found = 0;
	/* Backwards along the primary key: the operator's last act is near the head. */
	status = db_prepare(j->db, "SELECT " EVENT_COLUMNS " FROM events WHERE terminal = ? AND "
	    "operator = ? AND kind NOT IN ('login.succeeded', 'login.failed') "
	    "ORDER BY seq DESC LIMIT 1", &st, em);
	if (status != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, operator_, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		*found = 1;
	}
	status = rc == SQLITE_ROW || rc == SQLITE_DONE ? CST_OK :
	    db_fail(j->db, rc, em, _("reading the journal"));
	sqlite3_finalize(st);
	return status;
}

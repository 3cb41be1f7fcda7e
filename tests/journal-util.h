/*
 * Helpers of the tests that pass events between journals in one process, as sync would
 * without the ledger (test-converge, test-authority): terminals made in a directory, and one
 * terminal's chain stored into another journal.
 */
#ifndef CUSTODY_JOURNAL_UTIL_H
#define CUSTODY_JOURNAL_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "buf.h"
#include "journal.h"
#include "terminal.h"

/* A new terminal name (room intake) in top/name, open for signing; exits 99 when it cannot. */
static inline struct terminal *
tj_make(const char *top, const char *name)
{
	char dir[512];
	struct terminal *t = NULL;
	struct errmsg em;

	snprintf(dir, sizeof dir, "%s/%s", top, name);
	if (terminal_create(dir, name, "intake", &em) != CST_OK ||
	    terminal_open(dir, TERMINAL_SIGN, &t, &em) != CST_OK) {
		fprintf(stderr, "%s: %s\n", name, em.text);
		exit(99);
	}
	return t;
}

struct tj_copy {
	struct journal *to;
	int failed;
};

static inline int
tj_store_one(const struct event *ev, void *arg)
{
	struct tj_copy *c = arg;
	struct errmsg em;
	int stored;

	err_clear(&em);
	if (journal_store_foreign(c->to, ev, &stored, &em) != CST_OK) {
		fprintf(stderr, "  store %s #%lld: %s\n", ev->terminal, (long long)ev->seq, em.text);
		c->failed = 1;
	}
	return 0;
}

/* The events of from's chain that to does not hold yet, in seq order: 0, or -1 on a refusal. */
static inline int
tj_copy_chain(struct terminal *from, struct journal *to)
{
	unsigned char h[CRY_HASH_BYTES];
	struct tj_copy c = { to, 0 };
	struct errmsg em;
	int64_t after;

	journal_head(to, from->name, &after, h, &em);
	return journal_chain(from->journal, from->name, after, 1000000, tj_store_one, &c, &em) ==
	    CST_OK && !c.failed ? 0 : -1;
}

/* Every row of a query as text, "v1|v2|…|" a line, appended to out (for comparing tables). */
static inline void
tj_dump(sqlite3 *db, const char *sql, struct buf *out)
{
	sqlite3_stmt *st;
	int c;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		buf_printf(out, "cannot read: %s\n", sql);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(st); c++) {
			const unsigned char *v = sqlite3_column_text(st, c);

			buf_printf(out, "%s|", v ? (const char *)v : "NULL");
		}
		buf_add(out, "\n");
	}
	sqlite3_finalize(st);
}

#endif

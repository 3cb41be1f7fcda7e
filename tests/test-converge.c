/*
 * Terminals that learn each other's events in different orders end with the same
 * projections: two terminals cut off from each other both add operator c9 (each with an
 * administrator present), and c8 the other way round. Every terminal, whatever order the two
 * additions reach it in, keeps the same one; once they learn the ledger's order (the pull
 * cursor), every terminal keeps the one the ledger received first, whatever the terminals'
 * clocks said.
 */
#include "admin.h"
#include "clock.h"
#include "journal.h"
#include "operator.h"
#include "journal-util.h"
#include "t.h"
#include "terminal.h"
#include "util.h"

#define T0 1795000000000LL

static int
name_of(struct journal *j, const char *id, const char *want)
{
	struct operator op;
	struct errmsg em;

	return operator_get(j, id, &op, &em) == CST_OK && strcmp(op.name, want) == 0;
}

static int
name_is(struct journal *j, const char *want)
{
	return name_of(j, "c9", want);
}

/* The same operator's name on every terminal. */
static int
agree(struct terminal **t, int n, const char *id, char *name, size_t size)
{
	struct operator op, first;
	struct errmsg em;
	int i;

	if (operator_get(t[0]->journal, id, &first, &em) != CST_OK)
		return 0;
	for (i = 1; i < n; i++)
		if (operator_get(t[i]->journal, id, &op, &em) != CST_OK ||
		    strcmp(op.name, first.name) != 0)
			return 0;
	snprintf(name, size, "%s", first.name);
	return 1;
}

/* What a pull from the ledger tells terminal t: the cursor of (terminal, seq) there. */
static int
learn(struct terminal *t, const char *terminal, int64_t seq, int64_t cursor)
{
	struct errmsg em;

	return journal_note_order(t->journal, terminal, seq, "operator.added", cursor, &em);
}

int
main(void)
{
	char *top = t_tmpdir("converge");
	struct terminal *a, *b, *c, *d;
	struct errmsg em;

	clock_set_ms(T0);
	a = tj_make(top, "ta");
	b = tj_make(top, "tb");
	c = tj_make(top, "tc");
	d = tj_make(top, "td");
	clock_set_ms(T0 + 1000);
	ok(operator_add(a->journal, t_admin(), "c9", "甲", "clerk", "first-pass-1", &em) == CST_OK,
	    "ta adds c9");
	ok(operator_add(a->journal, t_admin(), "c8", "丁", "clerk", "first-pass-8", &em) == CST_OK,
	    "and c8");
	/* tb's clock says 2001: it must not matter. */
	clock_set_ms(978307200000LL);
	ok(operator_add(b->journal, t_admin(), "c9", "乙", "clerk", "second-pass-2", &em) == CST_OK,
	    "tb, cut off from ta, its clock at 2001, adds c9 too");
	ok(operator_add(b->journal, t_admin(), "c8", "丙", "clerk", "second-pass-8", &em) ==
	    CST_OK, "and c8");
	clock_set_ms(T0 + 3000);
	ok(tj_copy_chain(a, c->journal) == 0 && tj_copy_chain(b, c->journal) == 0,
	    "tc learns ta's events, then tb's");
	ok(tj_copy_chain(b, d->journal) == 0 && tj_copy_chain(a, d->journal) == 0,
	    "td learns tb's events, then ta's");
	ok(tj_copy_chain(b, a->journal) == 0 && tj_copy_chain(a, b->journal) == 0,
	    "ta and tb learn each other's");
	{
		struct terminal *all[4] = { a, b, c, d };
		char n9[64], n8[64];

		ok(agree(all, 4, "c9", n9, sizeof n9) && agree(all, 4, "c8", n8, sizeof n8),
		    "before the ledger's order is known, every terminal keeps the same c9 and c8");
		/*
		 * The ledger received ta's c9 (ta #2) at cursor 10 and tb's (tb #2) at 20, and
		 * tb's c8 (tb #3) at 15, before ta's (ta #3) at 40.
		 */
		ok(learn(d, "ta", 2, 10) == CST_OK && name_of(d->journal, "c9", "甲"),
		    "td learns that the ledger has ta's c9 first: an addition whose place is known "
		    "beats one whose place is not");
		ok(learn(a, "ta", 2, 10) == CST_OK && learn(a, "tb", 2, 20) == CST_OK &&
		    learn(a, "tb", 3, 15) == CST_OK && learn(a, "ta", 3, 40) == CST_OK &&
		    learn(b, "ta", 2, 10) == CST_OK && learn(b, "tb", 3, 15) == CST_OK &&
		    learn(b, "tb", 2, 20) == CST_OK && learn(b, "ta", 3, 40) == CST_OK &&
		    learn(c, "tb", 3, 15) == CST_OK && learn(c, "ta", 2, 10) == CST_OK &&
		    learn(c, "tb", 2, 20) == CST_OK && learn(c, "ta", 3, 40) == CST_OK &&
		    learn(d, "tb", 2, 20) == CST_OK && learn(d, "tb", 3, 15) == CST_OK &&
		    learn(d, "ta", 3, 40) == CST_OK, "every terminal learns the ledger's order");
		ok(name_of(a->journal, "c9", "甲") && name_of(b->journal, "c9", "甲") &&
		    name_of(c->journal, "c9", "甲") && name_of(d->journal, "c9", "甲"),
		    "every terminal keeps the c9 the ledger received first (ta's), not tb's "
		    "earlier ts");
		ok(name_of(a->journal, "c8", "丙") && name_of(b->journal, "c8", "丙") &&
		    name_of(c->journal, "c8", "丙") && name_of(d->journal, "c8", "丙"),
		    "and the c8 the ledger received first (tb's)");
	}
	ok(journal_rebuild(d->journal, &em) == CST_OK && name_is(d->journal, "甲") &&
	    name_of(d->journal, "c8", "丙"), "and a rebuild gives the same");
	ok(journal_rebuild(a->journal, &em) == CST_OK && name_is(a->journal, "甲") &&
	    name_of(a->journal, "c8", "丙"), "also on the terminal that made the loser");
	terminal_close(a);
	terminal_close(b);
	terminal_close(c);
	terminal_close(d);
	t_rmrf(top);
	free(top);
	return t_done();
}

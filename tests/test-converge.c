/*
 * Terminals that learn each other's events in different orders end with the same
 * projections: two terminals cut off from each other both add operator c9; every terminal,
 * whatever order the two additions reach it in, keeps the earliest.
 */
#include "clock.h"
#include "journal.h"
#include "operator.h"
#include "t.h"
#include "terminal.h"
#include "util.h"

#define T0 1795000000000LL

static struct terminal *
make(const char *top, const char *name)
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

struct copy {
	struct journal *to;
	int failed;
};

static int
store_one(const struct event *ev, void *arg)
{
	struct copy *c = arg;
	struct errmsg em;
	int stored;

	if (journal_store_foreign(c->to, ev, &stored, &em) != CST_OK) {
		fprintf(stderr, "  store %s #%lld: %s\n", ev->terminal, (long long)ev->seq, em.text);
		c->failed = 1;
	}
	return 0;
}

/* Every event of terminal from's chain into to, in seq order. */
static int
copy_chain(struct terminal *from, struct journal *to)
{
	struct journal_filter f = { .terminal = from->name };
	struct copy c = { to, 0 };
	struct errmsg em;

	return journal_each(from->journal, &f, store_one, &c, &em) == CST_OK && !c.failed ? 0 : -1;
}

static int
name_is(struct journal *j, const char *want)
{
	struct operator op;
	struct errmsg em;

	return operator_get(j, "c9", &op, &em) == CST_OK && strcmp(op.name, want) == 0;
}

int
main(void)
{
	char *top = t_tmpdir("converge");
	struct terminal *a, *b, *c, *d;
	struct errmsg em;

	clock_set_ms(T0);
	a = make(top, "ta");
	b = make(top, "tb");
	c = make(top, "tc");
	d = make(top, "td");
	clock_set_ms(T0 + 1000);
	ok(operator_add(a->journal, "admin", "c9", "甲", "clerk", "first-pass-1", &em) == CST_OK,
	    "ta adds c9");
	clock_set_ms(T0 + 2000);
	ok(operator_add(b->journal, "admin", "c9", "乙", "clerk", "second-pass-2", &em) == CST_OK,
	    "tb, cut off from ta, adds c9 too");
	ok(copy_chain(a, c->journal) == 0 && copy_chain(b, c->journal) == 0,
	    "tc learns ta's events, then tb's");
	ok(copy_chain(b, d->journal) == 0 && copy_chain(a, d->journal) == 0,
	    "td learns tb's events, then ta's");
	ok(copy_chain(b, a->journal) == 0 && copy_chain(a, b->journal) == 0,
	    "ta and tb learn each other's");
	ok(name_is(c->journal, "甲"), "tc keeps the earliest c9");
	ok(name_is(d->journal, "甲"), "td, which heard of the later one first, keeps the earliest too");
	ok(name_is(a->journal, "甲") && name_is(b->journal, "甲"),
	    "ta and tb agree with them");
	ok(journal_rebuild(d->journal, &em) == CST_OK && name_is(d->journal, "甲"),
	    "and a rebuild gives the same");
	terminal_close(a);
	terminal_close(b);
	terminal_close(c);
	terminal_close(d);
	t_rmrf(top);
	free(top);
	return t_done();
}

/* custody-audit's table of terminals, by name: a small open-addressing hash. */
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "xmalloc.h"

static size_t
name_hash(const char *s)
{
	size_t h = 1469598103934665603ULL & (size_t)-1;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * (size_t)1099511628211ULL;
	return h;
}

static void
grow(struct audit_terms *t)
{
	struct audit_term **old = t->slot;
	size_t oldcap = t->cap, i, k;

	t->cap = oldcap ? oldcap * 2 : 64;
	t->slot = xcalloc(t->cap, sizeof *t->slot);
	for (i = 0; i < oldcap; i++) {
		if (old[i] == NULL)
			continue;
		for (k = name_hash(old[i]->name) & (t->cap - 1); t->slot[k] != NULL;
		    k = (k + 1) & (t->cap - 1))
			;
		t->slot[k] = old[i];
	}
	free(old);
}

struct audit_term *
audit_term(struct audit_terms *t, const char *name)
{
	struct audit_term *e;
	size_t k;

	if (2 * (t->n + 1) > t->cap)
		grow(t);
	for (k = name_hash(name) & (t->cap - 1); t->slot[k] != NULL; k = (k + 1) & (t->cap - 1))
		if (strcmp(t->slot[k]->name, name) == 0)
			return t->slot[k];
	e = xcalloc(1, sizeof *e);
	strncpy(e->name, name, EV_MAX_ID);
	t->slot[k] = e;
	t->n++;
	return e;
}

void
audit_terms_free(struct audit_terms *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i]);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/*
 * The tests' administrator: a center key made once per test program, for operator_add. A
 * journal that has no center pinned yet pins it with its first operator (docs/journal.md,
 * "Authority").
 */
#ifndef CUSTODY_TEST_ADMIN_H
#define CUSTODY_TEST_ADMIN_H

#include "authority.h"

static inline const struct authority *
t_admin(void)
{
	static struct authority a;
	static int made;

	if (!made) {
		authority_new_center(&a, "admin");
		made = 1;
	}
	return &a;
}

#endif

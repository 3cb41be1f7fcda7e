/* Operators: who may use a terminal, in which role, and their logins (argon2id). */
#ifndef CUSTODY_OPERATOR_H
#define CUSTODY_OPERATOR_H

#include <stdint.h>

#include "error.h"
#include "event.h"
#include "journal.h"

#define OP_NAME_MAX 64		/* bytes of UTF-8 */
#define OP_PASSWORD_MIN 8	/* characters */
#define OP_PASSWORD_MAX 128	/* bytes */

enum role { ROLE_CLERK, ROLE_KEEPER, ROLE_SUPERVISOR, ROLE_ADMIN, ROLE_COUNT };

struct operator {
	char id[EV_MAX_ID + 1];
	char name[OP_NAME_MAX + 1];
	enum role role;
	int active;
	int failures;
	int64_t locked_until;	/* ms, 0 when not locked */
};

/* Stable names in events ("supervisor") and translated labels. */
const char *role_key(enum role r);
const char *role_label(enum role r);
int role_from_key(const char *key, enum role *out);
/* Supervisors and admins approve exits and grant overrides. */
int role_can_approve(enum role r);

/*
 * Adds an operator (operator.added, made by `by`). The password is hashed with argon2id at
 * once; only the hash is recorded. Refuses an existing id, a bad id, name or role, and a
 * password shorter than OP_PASSWORD_MIN characters.
 */
int operator_add(struct journal *j, const char *by, const char *id, const char *name,
    const char *role, const char *password, struct errmsg *em);

int operator_get(struct journal *j, const char *id, struct operator *out, struct errmsg *em);
int operator_count(struct journal *j, int64_t *count, struct errmsg *em);
/* Calls fn for each operator by id; fn returns non-zero to stop. */
int operator_each(struct journal *j, int (*fn)(void *arg, const struct operator *op),
    void *arg, struct errmsg *em);

/*
 * Checks id and password for a purpose ("login", "override", "approval"): records
 * login.succeeded or login.failed. After max_failures consecutive failures the account is
 * locked for lockout_ms. A wrong id or password gives the same message (no hint which).
 */
int operator_authenticate(struct journal *j, const char *id, const char *password,
    const char *purpose, int max_failures, int64_t lockout_ms, struct operator *out,
    struct errmsg *em);

#endif

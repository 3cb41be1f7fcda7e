/* Operators: who may use a terminal, in which role, and their logins (argon2id). */
#ifndef CUSTODY_OPERATOR_H
#define CUSTODY_OPERATOR_H

#include <stdint.h>

#include "authority.h"
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
	int failures;		/* consecutive failed logins at this terminal */
	int64_t locked_until;	/* ms, 0 when not locked */
	int has_credential;	/* an administrator holding the center key (sealed) */
	int old_hash;		/* the password hash is of an older cost than today's */
	char added_by[EV_MAX_ID + 1];
};

/* Stable names in events ("supervisor") and translated labels. */
const char *role_key(enum role r);
const char *role_label(enum role r);
int role_from_key(const char *key, enum role *out);
/* Supervisors and admins approve exits and grant overrides. */
int role_can_approve(enum role r);

/*
 * Adds an operator (operator.added) on the authority of an administrator present at this
 * terminal (operator_unlock, or operator_found for the first one): the event carries their
 * signature with the center key (docs/journal.md, "Authority"). The password is hashed with
 * argon2id at once; only the hash is recorded, and an administrator's event carries the center
 * key sealed under their password. Refuses no authority, an existing id, a bad id, name or
 * role, and a password shorter than OP_PASSWORD_MIN characters.
 */
int operator_add(struct journal *j, const struct authority *by, const char *id,
    const char *name, const char *role, const char *password, struct errmsg *em);

/*
 * An administrator present at this terminal: id and password are checked as a login
 * (purpose "authority", recorded, with the lockout), then the center key is unsealed from
 * their credential into out (authority_wipe it after use). CST_ERR_PERM for a wrong id or
 * password, an operator who is not an administrator, or one without a credential.
 */
int operator_unlock(struct journal *j, const char *id, const char *password, int max_failures,
    int64_t lockout_ms, struct authority *out, struct errmsg *em);

/*
 * Founds a center on this terminal: a new center key, pinned in the journal, and its first
 * administrator id (operator.added signed by that key, which is sealed under password in
 * it). The public half is returned in center; the secret exists nowhere else.
 */
int operator_found(struct journal *j, const char *id, const char *name, const char *password,
    unsigned char center[CRY_PK_BYTES], struct errmsg *em);

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

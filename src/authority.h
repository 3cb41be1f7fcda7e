/*
 * Who may change a center's reference data (docs/journal.md, "Authority"): the center key,
 * an Ed25519 key whose public half every terminal and the ledger pin, whose secret half
 * exists only sealed under each administrator's password (argon2id) in that administrator's
 * operator.added. An administrator present at a terminal unseals it and signs each reference
 * event; every receiver checks that signature against its pin, event by event.
 */
#ifndef CUSTODY_AUTHORITY_H
#define CUSTODY_AUTHORITY_H

#include <stddef.h>

#include "crypto.h"
#include "error.h"
#include "event.h"
#include "json.h"

#define AUTH_DOMAIN "custody.authority.v1"
#define AUTH_SEAL_DOMAIN "custody.center-seal.v1"
#define AUTH_PUB_FILE "center.pub"

/* 1 for a kind that changes reference data (operator.*, role.*, officer.*, zone.*, key.*, center.*). */
int authority_kind_needs(const char *kind);

/* The center key, unsealed by the administrator admin: held in memory only while needed. */
struct authority {
	char admin[EV_MAX_ID + 1];
	unsigned char pk[CRY_PK_BYTES];
	unsigned char sk[CRY_SK_BYTES];
};

/* A new center key, for the founding administrator admin. */
void authority_new_center(struct authority *a, const char *admin);
void authority_wipe(struct authority *a);

/*
 * The body of a reference event with its authority member appended: body (a JSON object with
 * at least one member) gets ,"authority":{"admin":..,"center":..,"sig":..} before its last
 * brace, the signature made over terminal, kind, subject and body as given. *out is the
 * caller's to free.
 */
int authority_attach(const struct authority *a, const char *terminal, const char *kind,
    const char *subject, const char *body, size_t len, char **out, size_t *out_len,
    struct errmsg *em);

/* What a body's authority member says, once checked. */
struct authority_proof {
	int present;				/* 0: the body has no authority member */
	char admin[EV_MAX_ID + 1];
	unsigned char center[CRY_PK_BYTES];
};

/*
 * Reads and checks the authority member of ev's body (parsed as body): it must be the last
 * member, in the form authority_attach writes, name the event's operator as admin, and its
 * signature must verify under the center key it names. CST_OK with p->present 0 when there
 * is none; CST_ERR_INPUT with a reason otherwise. Whether that center is the pinned one is
 * the caller's question.
 */
int authority_check(const struct event *ev, const struct json *body, struct authority_proof *p,
    struct errmsg *em);

/*
 * The credential of administrator id: the center's secret sealed under a key derived from
 * password (argon2id at today's cost), written as a JSON object into w.
 */
int authority_seal(const struct authority *a, const char *id, const char *password,
    struct jw *w, struct errmsg *em);
/* The credential's form and cost bounds (for field checks; no password needed). */
int authority_credential_ok(const struct json *cred, struct errmsg *em);
/*
 * Opens administrator id's credential with password: a->pk is then the center key it was
 * sealed for. CST_ERR_PERM for a wrong password, CST_ERR_INPUT for a damaged credential.
 */
int authority_unseal(const struct json *cred, const char *id, const char *password,
    struct authority *a, struct errmsg *em);

/* The center's public key as text: "custody-center-key 1\npublic_key <64 hex>\n". */
int authority_pub_write(const char *path, const unsigned char pk[CRY_PK_BYTES],
    struct errmsg *em);
/* arg is such a file, or the 64 hex digits themselves. */
int authority_pub_read(const char *arg, unsigned char pk[CRY_PK_BYTES], struct errmsg *em);

#endif

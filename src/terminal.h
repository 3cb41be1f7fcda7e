/* A terminal's identity on disk: DIR/custody.db (its journal) and DIR/terminal.key (its secret). */
#ifndef CUSTODY_TERMINAL_H
#define CUSTODY_TERMINAL_H

#include <limits.h>

#include "crypto.h"
#include "error.h"
#include "event.h"
#include "journal.h"

#define TERMINAL_DB "custody.db"
#define TERMINAL_KEY "terminal.key"

struct terminal {
	char dir[PATH_MAX];
	char db_path[PATH_MAX];
	char key_path[PATH_MAX];
	char name[EV_MAX_ID + 1];
	char room[EV_MAX_ID + 1];
	unsigned char pk[CRY_PK_BYTES];
	int has_key;			/* the secret key was loaded and checked */
	struct journal *journal;
};

enum {
	TERMINAL_RDONLY = 0,	/* the journal read-only, no key: log, verify */
	TERMINAL_WRITABLE = 1,	/* the journal writable, no key: rebuild */
	TERMINAL_SIGN = 2	/* writable, key loaded and checked: the terminal appends */
};

/*
 * Creates DIR if needed and makes it 0700, a new Ed25519 key in DIR/terminal.key (0600)
 * and the journal DIR/custody.db with its first event, terminal.created. Refuses to
 * overwrite an existing terminal, and a room that is not one of room.h's; on failure leaves
 * nothing half made.
 */
int terminal_create(const char *dir, const char *name, const char *room, struct errmsg *em);

/*
 * custody restore, in three steps. Create: an empty DIR gets a copy of the key file (0600)
 * and an empty journal open for signing as that key's terminal (its name into name); the
 * caller then heals the whole chain from the ledger. Finish: the room from the restored
 * terminal.created, so that terminal_open works. Undo: removes what create made.
 */
int terminal_restore_create(const char *dir, const char *key_file, char *name,
    size_t name_size, struct journal **out, struct errmsg *em);
int terminal_restore_finish(struct journal *j, const char *dir, const char *name,
    struct errmsg *em);
void terminal_restore_undo(const char *dir);

int terminal_open(const char *dir, int flags, struct terminal **out, struct errmsg *em);
void terminal_close(struct terminal *t);
/* Loads DIR/terminal.key and checks it is this journal's key; with sign, appends will use it. */
int terminal_check_key(struct terminal *t, int sign, struct errmsg *em);

/*
 * Reads a key file: refuses one that is missing, not a regular file, readable or writable by
 * group or others, owned by another user, or damaged. Fills the seed-derived key pair.
 */
int terminal_key_load(const char *path, char *name, size_t name_size,
    unsigned char pk[CRY_PK_BYTES], unsigned char sk[CRY_SK_BYTES], struct errmsg *em);

#endif

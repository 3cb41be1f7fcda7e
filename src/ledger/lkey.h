/* The ledger's own Ed25519 key, which signs receipts: a small text file of mode 0600. */
#ifndef LEDGER_LKEY_H
#define LEDGER_LKEY_H

#include <stddef.h>

#include "crypto.h"
#include "error.h"

#define LKEY_FILE "ledger.key"

/* The key file that goes with --db: ledger.key beside a SQLite file; NULL-free for a URL. */
int lkey_path(const char *db, char *out, size_t size, struct errmsg *em);
/* Loads path, or with create makes a new key there when it does not exist. */
int lkey_load(const char *path, int create, unsigned char pk[CRY_PK_BYTES],
    unsigned char sk[CRY_SK_BYTES], struct errmsg *em);

#endif

/* custody-ledger's command table (as custody's, one file per command) and what they share. */
#ifndef LEDGER_LCMD_H
#define LEDGER_LCMD_H

#include "error.h"
#include "store.h"

/* Exit statuses, documented in custody-ledger(8). */
enum {
	LX_OK = 0,
	LX_VERIFY = 1,		/* a stored chain does not check */
	LX_USAGE = 2,
	LX_DATA = 3,		/* storage or key missing, damaged or refused */
	LX_IO = 5,
	LX_INTERNAL = 6
};

struct lcmd {
	const char *name;
	const char *usage;
	const char *summary;	/* N_() */
	int (*exec)(const struct lcmd *self, int argc, char **argv);
};

extern const struct lcmd lcmd_serve, lcmd_token, lcmd_verify, lcmd_export, lcmd_sign_request,
    lcmd_push_body, lcmd_key;

/* Prints "custody-ledger: message" and returns the exit status for em. */
int lcmd_fail(const struct errmsg *em);
int lcmd_usage(const struct lcmd *c, const char *problem);
/*
 * Opens --db, reporting a failure; NULL then, and *lx the exit status for it (a disk that
 * fails a read is LX_IO, not damaged storage).
 */
struct store *lcmd_open_store(const char *db, int *lx);

#endif

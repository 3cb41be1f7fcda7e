/*
 * Small private files that hold a secret (the terminal's key, the center's biometric key):
 * written once with O_EXCL and fsync, read only when they are private to this user.
 */
#ifndef CUSTODY_KEYFILE_H
#define CUSTODY_KEYFILE_H

#include <stddef.h>

#include "error.h"

#define KEYFILE_MAX 1024	/* bytes: any longer file is refused as damaged */

/* The status for a failed system call's errno: FULL, PERM or IO. */
int keyfile_io_status(int e);

/* Creates path (mode 0600, never over an existing file) with text, and syncs it. */
int keyfile_write(const char *path, const char *text, size_t n, struct errmsg *em);

/*
 * Reads path into text (NUL-terminated; size > KEYFILE_MAX). Refuses a missing file
 * (CST_ERR_NOTFOUND), a symbolic link, a file that is not regular, readable or writable by
 * group or others, owned by another user, larger than KEYFILE_MAX or holding a NUL byte.
 */
int keyfile_read(const char *path, char *text, size_t size, struct errmsg *em);

/* The message for a key file whose content is not what it must be. */
int keyfile_damaged(const char *path, struct errmsg *em, const char *why);

#endif

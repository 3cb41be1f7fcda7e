/* One status enum for the whole code base, and the message that goes with a failure. */
#ifndef CUSTODY_ERROR_H
#define CUSTODY_ERROR_H

#include <stddef.h>

enum cst_status {
	CST_OK = 0,
	CST_ERR_ARG,		/* bad argument from the caller or the command line */
	CST_ERR_INPUT,		/* malformed input: a file, a frame, a body */
	CST_ERR_NOTFOUND,	/* something that should exist does not */
	CST_ERR_EXISTS,		/* something that must not exist does */
	CST_ERR_PERM,		/* permissions wrong or refused */
	CST_ERR_IO,		/* the operating system failed a read or write */
	CST_ERR_FULL,		/* the disk or a file size limit is full */
	CST_ERR_BUSY,		/* locked by someone else */
	CST_ERR_CORRUPT,	/* a file is damaged */
	CST_ERR_VERSION,	/* written by a newer version */
	CST_ERR_VERIFY,		/* a signature, hash or chain does not check */
	CST_ERR_STOPPED,	/* the journal stopped writing after a failed commit */
	CST_ERR_INTERNAL,	/* a library failed in a way we did not expect */
	CST_ERR_COUNT
};

#define ERRMSG_MAX 512

/* Where a failing function leaves its message for the user; may be NULL. */
struct errmsg {
	int code;
	char text[ERRMSG_MAX];
};

/* Sets code and a formatted, translated-by-the-caller message; returns code. */
int err_set(struct errmsg *em, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with more context; returns em's code (or code if em is NULL). */
int err_wrap(struct errmsg *em, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void err_clear(struct errmsg *em);
/* A short generic description of a status, for when there is no message. */
const char *err_name(int code);

#endif

/* Status codes and their messages. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"

int
err_set(struct errmsg *em, int code, const char *fmt, ...)
{
	va_list ap;

	if (em == NULL)
		return code;
	em->code = code;
	va_start(ap, fmt);
	vsnprintf(em->text, sizeof em->text, fmt, ap);
	va_end(ap);
	return code;
}

int
err_wrap(struct errmsg *em, int code, const char *fmt, ...)
{
	char prefix[ERRMSG_MAX], joined[2 * ERRMSG_MAX + 2];
	va_list ap;

	if (em == NULL)
		return code;
	if (em->code == CST_OK)
		em->code = code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	snprintf(joined, sizeof joined, "%s: %s", prefix, em->text);
	memcpy(em->text, joined, sizeof em->text - 1);
	em->text[sizeof em->text - 1] = '\0';
	return em->code;
}

void
err_clear(struct errmsg *em)
{
	if (em == NULL)
		return;
	em->code = CST_OK;
	em->text[0] = '\0';
}

const char *
err_name(int code)
{
	switch (code) {
	case CST_OK:		return _("success");
	case CST_ERR_ARG:	return _("invalid argument");
	case CST_ERR_INPUT:	return _("malformed input");
	case CST_ERR_NOTFOUND:	return _("not found");
	case CST_ERR_EXISTS:	return _("already exists");
	case CST_ERR_PERM:	return _("permission problem");
	case CST_ERR_IO:	return _("input/output error");
	case CST_ERR_FULL:	return _("disk full");
	case CST_ERR_BUSY:	return _("locked by another process");
	case CST_ERR_CORRUPT:	return _("damaged file");
	case CST_ERR_VERSION:	return _("written by a newer version");
	case CST_ERR_VERIFY:	return _("verification failed");
	case CST_ERR_STOPPED:	return _("journal stopped after a failed write");
	case CST_ERR_INTERNAL:	return _("internal error");
	}
	return _("unknown error");
}

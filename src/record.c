/* Checking an action's input and recording its event (record.h). */
#include "record.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

int
rec_refuse(struct intake_error *err, const char *field, int code, const char *fmt, ...)
{
	va_list ap;

	err->field = field;
	err->em.code = code;
	va_start(ap, fmt);
	vsnprintf(err->em.text, sizeof err->em.text, fmt, ap);
	va_end(ap);
	return code;
}

int
rec_check_text(struct intake_error *err, const char *field, const char *s, size_t max,
    int required)
{
	if (required && !text_valid(s, max, 1))
		return *s == '\0' || text_valid(s, max, 0) ?
		    rec_refuse(err, field, CST_ERR_ARG, _("required")) :
		    rec_refuse(err, field, CST_ERR_ARG, _("not valid text or longer than %zu bytes"),
		    max);
	if (!text_valid(s, max, 0))
		return rec_refuse(err, field, CST_ERR_ARG, _("not valid text or longer than %zu "
		    "bytes"), max);
	return CST_OK;
}

int
rec_check_code(struct intake_error *err, const char *field, const char *s, size_t max,
    const char *marks, int required)
{
	char set[96];

	if (*s == '\0')
		return required ? rec_refuse(err, field, CST_ERR_ARG, _("required")) : CST_OK;
	snprintf(set, sizeof set, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz%s",
	    marks);
	if (strlen(s) > max || !text_only(s, set))
		return rec_refuse(err, field, CST_ERR_ARG, _("use letters, digits and %s only, at "
		    "most %zu"), marks, max);
	return CST_OK;
}

int
rec_key_index(const char *const *keys, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], key) == 0)
			return (int)i;
	return -1;
}

void
rec_kv(struct jw *w, const char *key, const char *value)
{
	jw_key(w, key);
	jw_str(w, value);
}

int
rec_append(struct intake *in, const char *kind, const char *subject, struct jw *w,
    struct intake_error *err)
{
	size_t len;
	const char *body = jw_text(w, &len);
	int status;

	if (len > EV_MAX_BODY)
		status = rec_refuse(err, NULL, CST_ERR_ARG, _("the record is too long"));
	else
		status = journal_append(in->j, in->operator_, kind, subject, body, len, NULL,
		    &err->em);
	jw_free(w);
	return status;
}

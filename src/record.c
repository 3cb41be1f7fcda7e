/* Checking an action's input and recording its event (record.h). */
#include "record.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "hex.h"
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
rec_check_chars(struct intake_error *err, const char *field, const char *label,
    const char *s, int max_chars, int required)
{
	size_t n = text_valid(s, (size_t)-1 / 2, 0) ? text_chars(s) : 0;

	if (n > (size_t)max_chars)
		return rec_refuse(err, field, CST_ERR_INPUT, _("%1$s: at most %2$d characters; this "
		    "one has %3$zu"), label, max_chars, n);
	return rec_check_text(err, field, s, 4 * (size_t)max_chars, required);
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

struct intake
intake_for(const struct intake *in, const char *action)
{
	struct intake copy = *in;

	copy.action = action;
	return copy;
}

void
intake_part(const char *action, const char *part, char out[UUID_LEN + 1])
{
	unsigned char h[CRY_HASH_BYTES];
	char hex[2 * CRY_HASH_BYTES + 1];
	struct buf b = { NULL, 0, 0 };

	/* Version 8 (RFC 9562): the layout of a UUID, the bits of a hash. */
	buf_printf(&b, "custody.action.part\n%s\n%s", action, part);
	cry_hash_buf(buf_str(&b), b.len, h);
	buf_free(&b);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	hex_encode(h, 16, hex);
	snprintf(out, UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
	    hex + 20);
}

int
rec_recorded(struct intake *in, struct intake_error *err)
{
	struct event ev;
	int found = 0;

	if (in->action == NULL || *in->action == '\0')
		return 0;
	memset(&ev, 0, sizeof ev);
	if (journal_action_event(in->j, NULL, in->action, &ev, &found, NULL) != CST_OK || !found)
		return 0;
	err->already = 1;
	err->seq = ev.seq;
	err->ts = ev.ts;
	snprintf(err->subject, sizeof err->subject, "%s", ev.subject);
	event_clear(&ev);
	return 1;
}

int
rec_append(struct intake *in, const char *kind, const char *subject, struct jw *w,
    struct intake_error *err)
{
	char fresh[UUID_LEN + 1];
	const char *action = in->action, *body = jw_text(w, NULL);
	struct buf b = { NULL, 0, 0 };
	struct event ev;
	int status;

	if (action == NULL || *action == '\0') {
		uuid_new(fresh);
		action = fresh;
	}
	/* Our writer made an object: the action id goes first, where a reader sees it. */
	assert(body[0] == '{');
	buf_printf(&b, "{\"action_id\":\"%s\"%s", action, body[1] == '}' ? "" : ",");
	buf_add(&b, body + 1);
	jw_free(w);
	memset(&ev, 0, sizeof ev);
	if (b.len > EV_MAX_BODY)
		status = rec_refuse(err, NULL, CST_ERR_ARG, _("the record is too long"));
	else
		status = journal_append_action(in->j, action, in->operator_, kind, subject,
		    buf_str(&b), b.len, &ev, &err->already, &err->em);
	if (status == CST_OK) {
		err->seq = ev.seq;
		err->ts = ev.ts;
		snprintf(err->subject, sizeof err->subject, "%s", ev.subject);
		event_clear(&ev);
	}
	buf_free(&b);
	return status;
}

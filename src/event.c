/* The canonical event encoding: see docs/journal.md for the layout and a test vector. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json.h"
#include "xmalloc.h"

void
event_clear(struct event *ev)
{
	free(ev->body);
	memset(ev, 0, sizeof *ev);
}

void
event_set_body(struct event *ev, const char *body, size_t len)
{
	free(ev->body);
	ev->body = xmalloc(len + 1);
	memcpy(ev->body, body, len);
	ev->body[len] = '\0';
	ev->body_len = len;
}

static int
id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
}

int
event_valid_id(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > EV_MAX_ID)
		return 0;
	for (i = 0; i < len; i++)
		if (!id_char((unsigned char)s[i]))
			return 0;
	return 1;
}

int
event_valid_kind(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > EV_MAX_KIND)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return 0;
	}
	return 1;
}

static int
bad_field(const char **field, const char *name, struct errmsg *em, const char *why)
{
	if (field != NULL)
		*field = name;
	return err_set(em, CST_ERR_INPUT, "%s: %s", name, why);
}

static int
check_body(const struct event *ev, const char **field, struct errmsg *em)
{
	struct json *root;
	struct errmsg jm;
	int is_object;

	if (ev->body == NULL || ev->body_len > EV_MAX_BODY)
		return bad_field(field, "body", em, _("missing or larger than 64 KiB"));
	err_clear(&jm);
	if (json_parse(ev->body, ev->body_len, &root, &jm) != CST_OK)
		return bad_field(field, "body", em, jm.text);
	is_object = json_type(root) == JSON_OBJECT;
	json_free(root);
	if (!is_object)
		return bad_field(field, "body", em, _("not a JSON object"));
	return CST_OK;
}

int
event_check_fields(const struct event *ev, const char **field, struct errmsg *em)
{
	if (!event_valid_id(ev->terminal, strnlen(ev->terminal, sizeof ev->terminal)))
		return bad_field(field, "terminal", em, _("not a valid name"));
	if (ev->seq < 1)
		return bad_field(field, "seq", em, _("must be 1 or more"));
	if (ev->ts < 0)
		return bad_field(field, "ts", em, _("must not be negative"));
	if (!event_valid_id(ev->operator_, strnlen(ev->operator_, sizeof ev->operator_)))
		return bad_field(field, "operator", em, _("not a valid name"));
	if (!event_valid_kind(ev->kind, strnlen(ev->kind, sizeof ev->kind)))
		return bad_field(field, "kind", em, _("not a valid kind"));
	if (!event_valid_id(ev->subject, strnlen(ev->subject, sizeof ev->subject)))
		return bad_field(field, "subject", em, _("not a valid identifier"));
	return check_body(ev, field, em);
}

void
event_hash_u32(struct cry_hash *h, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	cry_hash_update(h, b, sizeof b);
}

static void
put_u64(struct cry_hash *h, uint64_t v)
{
	unsigned char b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	cry_hash_update(h, b, sizeof b);
}

static void
put_bytes(struct cry_hash *h, const void *p, size_t n)
{
	event_hash_u32(h, (uint32_t)n);
	cry_hash_update(h, p, n);
}

void
event_hash_str(struct cry_hash *h, const char *s)
{
	put_bytes(h, s, strlen(s));
}

void
event_compute_hash(const struct event *ev, unsigned char out[CRY_HASH_BYTES])
{
	struct cry_hash h;

	cry_hash_init(&h);
	event_hash_str(&h, EV_DOMAIN);
	event_hash_str(&h, ev->terminal);
	put_u64(&h, (uint64_t)ev->seq);
	put_u64(&h, (uint64_t)ev->ts);
	event_hash_str(&h, ev->operator_);
	event_hash_str(&h, ev->kind);
	event_hash_str(&h, ev->subject);
	put_bytes(&h, ev->body, ev->body_len);
	cry_hash_update(&h, ev->prev, sizeof ev->prev);
	cry_hash_final(&h, out);
}

void
event_seal(struct event *ev, const unsigned char sk[CRY_SK_BYTES])
{
	event_compute_hash(ev, ev->hash);
	cry_sign(sk, ev->hash, sizeof ev->hash, ev->sig);
}

int
event_sig_ok(const struct event *ev, const unsigned char pk[CRY_PK_BYTES])
{
	return cry_verify(pk, ev->hash, sizeof ev->hash, ev->sig);
}

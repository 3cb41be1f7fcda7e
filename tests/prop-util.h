/*
 * Tests and bench/inventory: property items made in bulk, straight through the journal with
 * the event bodies the actions write (src/property.c), without the handovers' password
 * checks (argon2id per signature would take minutes for 50,000 items).
 */
#ifndef CUSTODY_PROP_UTIL_H
#define CUSTODY_PROP_UTIL_H

#include <stdio.h>
#include <string.h>

#include "journal.h"
#include "json.h"
#include "property.h"
#include "uuid.h"

static inline int
pu_append(struct journal *j, const char *kind, const char *subject, struct jw *w,
    struct errmsg *em)
{
	size_t len;
	const char *body = jw_text(w, &len);
	int status = journal_append(j, "k1", kind, subject, body, len, NULL, em);

	jw_free(w);
	return status;
}

static inline void
pu_kv(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

/* room/shelf/bin, each part without '/'. */
static inline int
pu_location(struct journal *j, const char *room, const char *shelf, const char *bin,
    struct errmsg *em)
{
	char code[PROP_LOC_MAX + 1], subject[PROP_LOC_MAX + 8], *c;
	struct jw w;

	snprintf(code, sizeof code, "%s/%s/%s", room, shelf, bin);
	snprintf(subject, sizeof subject, "loc:%s", code);
	for (c = subject; *c; c++)
		if (*c == '/')
			*c = ':';
	jw_init(&w);
	jw_obj_begin(&w);
	pu_kv(&w, "code", code);
	pu_kv(&w, "room", room);
	pu_kv(&w, "shelf", shelf);
	pu_kv(&w, "bin", bin);
	pu_kv(&w, "note", "");
	jw_obj_end(&w);
	return pu_append(j, "location.created", subject, &w, em);
}

static inline void
pu_party(struct jw *w, const char *key, const char *id, const char *name)
{
	jw_key(w, key);
	jw_obj_begin(w);
	pu_kv(w, "kind", "operator");
	pu_kv(w, "id", id);
	pu_kv(w, "name", name);
	pu_kv(w, "role", "keeper");
	pu_kv(w, "signed", "password");
	jw_obj_end(w);
}

/* An item registered with tag (may be "") and, when location is not NULL, stored there. */
static inline int
pu_item(struct journal *j, const char *case_number, int seq, const char *tag,
    const char *location, char id[UUID_LEN + 1], struct errmsg *em)
{
	char code[PROP_CODE_MAX + 1];
	struct jw w;
	int status;

	uuid_new(id);
	property_item_code(case_number, seq, code);
	jw_init(&w);
	jw_obj_begin(&w);
	pu_kv(&w, "code", code);
	pu_kv(&w, "case_number", case_number);
	jw_key(&w, "case_seq");
	jw_int(&w, seq);
	pu_kv(&w, "category", "other");
	pu_kv(&w, "description", "bulk item");
	pu_kv(&w, "quantity", "1");
	pu_kv(&w, "unit", "");
	jw_key(&w, "value_fen");
	jw_int(&w, 0);
	pu_kv(&w, "seized_visit", "");
	pu_kv(&w, "seized_from", "bulk");
	jw_key(&w, "photos");
	jw_arr_begin(&w);
	jw_arr_end(&w);
	pu_kv(&w, "tag", tag);
	jw_obj_end(&w);
	if ((status = pu_append(j, "item.registered", id, &w, em)) != CST_OK || !location)
		return status;
	jw_init(&w);
	jw_obj_begin(&w);
	pu_kv(&w, "location", location);
	pu_party(&w, "giver", "k2", "keeper two");
	pu_party(&w, "receiver", "k1", "keeper one");
	jw_obj_end(&w);
	return pu_append(j, "item.stored", id, &w, em);
}

/* The EPC of bulk tag n: 12 bytes, as on most UHF tags. */
static inline void
pu_epc(unsigned n, char out[25])
{
	snprintf(out, 25, "E2801170000000%010X", n);
}

#endif

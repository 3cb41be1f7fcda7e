/* An inventory session: expected items, folded tag reads, live counts, the report. */
#include "inventory.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "crypto.h"
#include "db.h"
#include "hex.h"
#include "i18n.h"
#include "json.h"
#include "record.h"
#include "property.h"
#include "xmalloc.h"

struct inv_item {
	char id[UUID_LEN + 1];
	char code[PROP_CODE_MAX + 1];
	char tag[PROP_TAG_MAX + 1];
	char location[PROP_LOC_MAX + 1];
	char status[16];
	unsigned char expected, seen;
};

struct inventory {
	char location[PROP_LOC_MAX + 1];
	int64_t started_ts;
	struct inv_item *items;		/* every tagged item in the room's keeping, by code */
	size_t nitems, capitems;
	struct inv_item *untagged;	/* expected here, no tag */
	size_t nuntagged, capuntagged;
	char (*unknown)[PROP_TAG_MAX + 1];	/* INV_UNKNOWN_MAX, in read order */
	uint32_t *slots;		/* open addressing: 0 empty, else 1 + index */
	size_t mask;
	struct inventory_counts c;
	int finished;
};

/* FNV-1a: tags are random enough that a plain hash spreads them. */
static uint32_t
hash_tag(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *
slot_tag(const struct inventory *inv, uint32_t v)
{
	return v - 1 < inv->nitems ? inv->items[v - 1].tag : inv->unknown[v - 1 - inv->nitems];
}

/* The slot holding tag, or the empty slot where it would go. */
static uint32_t *
find_slot(const struct inventory *inv, const char *tag)
{
	size_t i = hash_tag(tag) & inv->mask;

	while (inv->slots[i] != 0 && strcmp(slot_tag(inv, inv->slots[i]), tag) != 0)
		i = (i + 1) & inv->mask;
	return &inv->slots[i];
}

/* "A/03/12" is in the scope "A/03/12", "A/03" and "A", not "A/0". */
static int
in_scope(const char *location, const char *scope)
{
	size_t n = strlen(scope);

	return strncmp(location, scope, n) == 0 && (location[n] == '\0' || location[n] == '/');
}

static struct inv_item *
grow(struct inv_item **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	memset(&(*v)[*n], 0, sizeof **v);
	return &(*v)[(*n)++];
}

static void
col(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

static int
load(struct inventory *inv, struct journal *j, struct errmsg *em)
{
	sqlite3_stmt *st;
	struct inv_item *it;
	int rc, status;

	if ((status = db_prepare(journal_db(j), "SELECT id, code, coalesce(tag, ''), "
	    "coalesce(location, ''), status FROM prop_items WHERE status NOT IN ('transferred', "
	    "'released', 'disposed') AND (tag IS NOT NULL OR location = ?1 OR "
	    "(location > ?1 || '/' AND location < ?1 || '0')) ORDER BY code", &st, em)) != CST_OK)
		return status;
	sqlite3_bind_text(st, 1, inv->location, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *tag = sqlite3_column_text(st, 2);
		int expected;

		it = tag && *tag ? grow(&inv->items, &inv->nitems, &inv->capitems) :
		    grow(&inv->untagged, &inv->nuntagged, &inv->capuntagged);
		col(st, 0, it->id, sizeof it->id);
		col(st, 1, it->code, sizeof it->code);
		col(st, 2, it->tag, sizeof it->tag);
		col(st, 3, it->location, sizeof it->location);
		col(st, 4, it->status, sizeof it->status);
		expected = strcmp(it->status, "stored") == 0 && in_scope(it->location, inv->location);
		it->expected = (unsigned char)expected;
		if (!tag || !*tag) {
			if (!expected)
				inv->nuntagged--;	/* not ours: the query's OR let it in */
			continue;
		}
		inv->c.expected += expected;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(journal_db(j), rc, em, _("reading property"));
	inv->c.untagged = inv->nuntagged;
	inv->c.missing = inv->c.expected;
	return CST_OK;
}

static void
index_items(struct inventory *inv)
{
	size_t n = 1024, i;
	uint32_t *s;

	/* At most half full with every item and every unknown tag remembered. */
	while (n < 2 * (inv->nitems + INV_UNKNOWN_MAX))
		n *= 2;
	inv->slots = xcalloc(n, sizeof *inv->slots);
	inv->mask = n - 1;
	for (i = 0; i < inv->nitems; i++) {
		s = find_slot(inv, inv->items[i].tag);
		if (*s == 0)	/* two items with one tag (terminals offline): the first */
			*s = (uint32_t)i + 1;
	}
}

int
inventory_start(struct journal *j, const char *location, struct inventory **out,
    struct errmsg *em)
{
	struct inventory *inv;
	int status;

	*out = NULL;
	if ((status = prop_location_scope(j, location, em)) != CST_OK)
		return status;
	inv = xcalloc(1, sizeof *inv);
	snprintf(inv->location, sizeof inv->location, "%s", location);
	inv->started_ts = clock_now_ms();
	if ((status = load(inv, j, em)) != CST_OK) {
		inventory_free(inv);
		return status;
	}
	inv->unknown = xcalloc(INV_UNKNOWN_MAX, sizeof *inv->unknown);
	index_items(inv);
	*out = inv;
	return CST_OK;
}

void
inventory_free(struct inventory *inv)
{
	if (inv == NULL)
		return;
	free(inv->items);
	free(inv->untagged);
	free(inv->unknown);
	free(inv->slots);
	free(inv);
}

const char *
inventory_location(const struct inventory *inv)
{
	return inv->location;
}

enum inventory_read
inventory_read(struct inventory *inv, const char *tag)
{
	char norm[PROP_TAG_MAX + 1];
	struct inv_item *it;
	size_t k;
	uint32_t *s;

	inv->c.reads++;
	if (property_tag_normal(tag, norm) != 0) {
		inv->c.bad++;
		return INV_READ_BAD;
	}
	s = find_slot(inv, norm);
	if (*s == 0) {
		if (inv->c.unknown >= INV_UNKNOWN_MAX) {
			inv->c.unknown_over++;	/* the table stays half empty: count, not fold */
			return INV_READ_UNKNOWN;
		}
		k = inv->c.unknown++;
		memcpy(inv->unknown[k], norm, sizeof norm);
		*s = (uint32_t)(inv->nitems + k) + 1;
		return INV_READ_UNKNOWN;
	}
	if (*s - 1 >= inv->nitems) {
		inv->c.duplicates++;
		return INV_READ_DUPLICATE;
	}
	it = &inv->items[*s - 1];
	if (it->seen) {
		inv->c.duplicates++;
		return INV_READ_DUPLICATE;
	}
	it->seen = 1;
	if (it->expected) {
		inv->c.seen++;
		inv->c.missing--;
		return INV_READ_SEEN;
	}
	inv->c.unexpected++;
	return INV_READ_UNEXPECTED;
}

void
inventory_counts(const struct inventory *inv, struct inventory_counts *c)
{
	*c = inv->c;
}

/* The report's rows in keys (local 0: what the journal's hash is over) or in the reader's
 * language (local 1: the translated result and status, for the export). */
static void
row(struct buf *b, int local, const char *result, const struct inv_item *it, const char *tag)
{
	static const struct { const char *key, *label; } results[] = {
		{ "missing", N_("Missing") }, { "unexpected", N_("Unexpected") },
		{ "unknown", N_("Unknown tags") }, { "untagged", N_("Untagged") },
		{ "seen", N_("Seen") },
	};
	size_t i;

	for (i = 0; local && i < sizeof results / sizeof results[0]; i++)
		if (strcmp(results[i].key, result) == 0)
			result = _(results[i].label);
	buf_csv(b, result);
	buf_add(b, ",");
	buf_csv(b, it ? it->code : "");
	buf_add(b, ",");
	buf_add(b, it ? it->id : "");
	buf_add(b, ",");
	buf_add(b, it ? it->tag : tag);
	buf_add(b, ",");
	buf_csv(b, it ? it->location : "");
	buf_add(b, ",");
	if (local)
		buf_csv(b, it ? prop_label(it->status) : "");
	else
		buf_add(b, it ? it->status : "");
	buf_add(b, "\r\n");
}

static void
report(const struct inventory *inv, int local, struct buf *out)
{
	static const char *const heads[] = { N_("Result"), N_("Code"), N_("Item"), N_("Tag"),
	    N_("Recorded location"), N_("Status") };
	size_t i;

	if (local) {
		/* A BOM: spreadsheet programs in China read UTF-8 without one as GBK. */
		buf_add(out, "\xef\xbb\xbf");
		for (i = 0; i < sizeof heads / sizeof heads[0]; i++) {
			buf_add(out, i ? "," : "");
			buf_csv(out, _(heads[i]));
		}
		buf_add(out, "\r\n");
	} else {
		buf_add(out, "result,code,item,tag,recorded_at,status\r\n");
	}
	for (i = 0; i < inv->nitems; i++)
		if (inv->items[i].expected && !inv->items[i].seen)
			row(out, local, "missing", &inv->items[i], NULL);
	for (i = 0; i < inv->nitems; i++)
		if (!inv->items[i].expected && inv->items[i].seen)
			row(out, local, "unexpected", &inv->items[i], NULL);
	for (i = 0; i < inv->c.unknown; i++)
		row(out, local, "unknown", NULL, inv->unknown[i]);
	for (i = 0; i < inv->nuntagged; i++)
		row(out, local, "untagged", &inv->untagged[i], NULL);
	for (i = 0; i < inv->nitems; i++)
		if (inv->items[i].expected && inv->items[i].seen)
			row(out, local, "seen", &inv->items[i], NULL);
}

void
inventory_report_csv(const struct inventory *inv, struct buf *out)
{
	report(inv, 0, out);
}

void
inventory_report_export(const struct inventory *inv, struct buf *out)
{
	report(inv, 1, out);
}

static void
count(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_int(w, (int64_t)v);
}

static size_t
body_len(const struct jw *w)
{
	size_t len;

	jw_text(w, &len);
	return len;
}

/* The discrepancies that fit the budget; returns how many of each were left out. */
static void
lists(const struct inventory *inv, struct jw *w, size_t omitted[3])
{
	size_t i;

	memset(omitted, 0, 3 * sizeof omitted[0]);
	jw_key(w, "unexpected");
	jw_arr_begin(w);
	for (i = 0; i < inv->nitems; i++) {
		const struct inv_item *it = &inv->items[i];

		if (it->expected || !it->seen)
			continue;
		if (body_len(w) > INV_BODY_BUDGET) {
			omitted[0]++;
			continue;
		}
		jw_obj_begin(w);
		jw_key(w, "item");
		jw_str(w, it->id);
		jw_key(w, "code");
		jw_str(w, it->code);
		jw_key(w, "recorded");
		jw_str(w, it->location[0] ? it->location : it->status);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "missing");
	jw_arr_begin(w);
	for (i = 0; i < inv->nitems; i++) {
		const struct inv_item *it = &inv->items[i];

		if (!it->expected || it->seen)
			continue;
		if (body_len(w) > INV_BODY_BUDGET) {
			omitted[1]++;
			continue;
		}
		jw_obj_begin(w);
		jw_key(w, "item");
		jw_str(w, it->id);
		jw_key(w, "code");
		jw_str(w, it->code);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "unknown");
	jw_arr_begin(w);
	for (i = 0; i < inv->c.unknown; i++) {
		if (body_len(w) > INV_BODY_BUDGET) {
			omitted[2]++;
			continue;
		}
		jw_str(w, inv->unknown[i]);
	}
	jw_arr_end(w);
}

int
inventory_finish(struct inventory *inv, struct intake *in, char id_out[UUID_LEN + 1],
    struct intake_error *err)
{
	unsigned char hash[CRY_HASH_BYTES];
	char hex[2 * CRY_HASH_BYTES + 1];
	struct buf report = { 0 };
	size_t omitted[3];
	struct jw w;
	int status;

	memset(err, 0, sizeof *err);
	if (rec_recorded(in, err)) {
		snprintf(id_out, UUID_LEN + 1, "%.*s", UUID_LEN, err->subject);
		inv->finished = 1;
		return CST_OK;
	}
	if (inv->finished) {
		err->em.code = CST_ERR_ARG;
		snprintf(err->em.text, sizeof err->em.text, "%s",
		    _("this inventory is recorded already"));
		return CST_ERR_ARG;
	}
	inventory_report_csv(inv, &report);
	cry_hash_buf(buf_str(&report), report.len, hash);
	buf_free(&report);
	hex_encode(hash, sizeof hash, hex);
	uuid_new(id_out);
	jw_init(&w);
	jw_obj_begin(&w);
	jw_key(&w, "location");
	jw_str(&w, inv->location);
	jw_key(&w, "started_ts");
	jw_int(&w, inv->started_ts);
	jw_key(&w, "counts");
	jw_obj_begin(&w);
	count(&w, "expected", inv->c.expected);
	count(&w, "seen", inv->c.seen);
	count(&w, "missing", inv->c.missing);
	count(&w, "unexpected", inv->c.unexpected);
	count(&w, "unknown", inv->c.unknown + inv->c.unknown_over);
	count(&w, "untagged", inv->c.untagged);
	count(&w, "reads", inv->c.reads);
	count(&w, "duplicates", inv->c.duplicates);
	jw_obj_end(&w);
	jw_key(&w, "report_blake2b");
	jw_str(&w, hex);
	lists(inv, &w, omitted);
	jw_key(&w, "complete");
	jw_bool(&w, omitted[0] + omitted[1] + omitted[2] == 0 && inv->c.unknown_over == 0);
	jw_key(&w, "omitted");
	jw_obj_begin(&w);
	count(&w, "unexpected", omitted[0]);
	count(&w, "missing", omitted[1]);
	count(&w, "unknown", omitted[2] + inv->c.unknown_over);
	jw_obj_end(&w);
	jw_obj_end(&w);
	status = rec_append(in, "inventory.completed", id_out, &w, err);
	if (status == CST_OK && err->already)
		snprintf(id_out, UUID_LEN + 1, "%.*s", UUID_LEN, err->subject);
	if (status == CST_OK)
		inv->finished = 1;
	return status;
}

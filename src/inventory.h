/*
 * An inventory (盘点) of one location or of everything under it (a room, a shelf): the
 * items recorded there are expected; tag reads from the UHF reader (DEV_TAG ids) are folded
 * (each tag counts once) and sorted into seen, unexpected (a known item recorded elsewhere)
 * and unknown, with live counts. Every item with a tag is loaded at the start, so a read
 * costs one hash lookup, no query and no allocation. Finishing records inventory.completed.
 */
#ifndef CUSTODY_INVENTORY_H
#define CUSTODY_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "intake.h"
#include "journal.h"
#include "uuid.h"

#define INV_UNKNOWN_MAX 8192	/* distinct unknown tags remembered (more are counted only) */
#define INV_BODY_BUDGET 60000	/* bytes of lists in inventory.completed (EV_MAX_BODY 64 KiB) */

struct inventory;

struct inventory_counts {
	size_t expected;	/* tagged items recorded at the location */
	size_t seen;		/* of those, read at least once */
	size_t missing;		/* expected - seen */
	size_t unexpected;	/* known items recorded elsewhere (or out of the room), read here */
	size_t unknown;		/* distinct tags of no item in the room's keeping */
	size_t untagged;	/* items recorded here without a tag: to be checked by eye */
	uint64_t reads;		/* every read fed, duplicates too */
	uint64_t duplicates;	/* reads of a tag already counted */
	uint64_t bad;		/* reads that were not a tag id */
	uint64_t unknown_over;	/* reads of unknown tags beyond INV_UNKNOWN_MAX */
};

enum inventory_read {
	INV_READ_SEEN,		/* an expected item, first read */
	INV_READ_UNEXPECTED,	/* a known item recorded elsewhere, first read */
	INV_READ_UNKNOWN,	/* an unknown tag, first read */
	INV_READ_DUPLICATE,	/* folded */
	INV_READ_BAD
};

/* Loads the expected items of location (a location code or a room/shelf prefix of one). */
int inventory_start(struct journal *j, const char *location, struct inventory **out,
    struct errmsg *em);
/* One tag read: hex, any case (the UHF driver gives upper case). */
enum inventory_read inventory_read(struct inventory *inv, const char *tag);
void inventory_counts(const struct inventory *inv, struct inventory_counts *c);
const char *inventory_location(const struct inventory *inv);

/*
 * Records inventory.completed: the counts, and the discrepancies (unexpected first, then
 * missing, then unknown) as far as INV_BODY_BUDGET allows; when they do not all fit,
 * "complete" is false and "omitted" counts what was left out. Either way the body carries
 * the BLAKE2b-256 of the full CSV report, so the exported report can be checked against
 * the journal. The inventory's id in id_out.
 */
int inventory_finish(struct inventory *inv, struct intake *in, char id_out[UUID_LEN + 1],
    struct intake_error *err);
/* result,code,item,tag,recorded_at,status: missing, unexpected, unknown, untagged, seen. */
void inventory_report_csv(const struct inventory *inv, struct buf *out);
/* The same rows for people: a UTF-8 BOM, headers, results and statuses in the reader's
 * language (the recorded hash is over inventory_report_csv's keys, row for row the same). */
void inventory_report_export(const struct inventory *inv, struct buf *out);
void inventory_free(struct inventory *inv);

#endif

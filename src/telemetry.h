/*
 * Telemetry of the bands and badges from the dock's gateway (DOCK_TELEMETRY events): checks
 * each sample, keeps each band's last state in memory, writes a bounded, down-sampled copy to
 * the telemetry table (not the journal), and turns a person's change of zone into room.left /
 * room.entered events, the movement ledger. A sample that cannot be right is a device fault
 * of that band, not a fact: see docs/supervision.md.
 */
#ifndef CUSTODY_TELEMETRY_H
#define CUSTODY_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "driver.h"
#include "error.h"
#include "journal.h"
#include "uuid.h"
#include "visit.h"

#define TM_BANDS_MAX 4096	/* bands and badges remembered (a power of two) */
#define TM_SLOT_MS 10000	/* the telemetry table keeps one sample per band per slot */
#define TM_RING 360		/* ... in a ring of this many slots: an hour per band */
#define TM_PENDING 4096		/* rows waiting for telemetry_flush */
#define TM_FORGET_MS 3600000	/* an unbound band not heard this long is forgotten */

/* The last state of one band or badge. */
struct tm_band {
	char id[DEV_ID_MAX];		/* "" for a free entry */
	int badge;			/* an officer's badge */
	char visit[UUID_LEN + 1];	/* the visit in the area wearing it, "" when none */
	int zone;			/* the zone it is in, -1 unknown */
	int64_t zone_since;
	int cand_zone;			/* a new zone not yet settled, -1 none */
	int64_t cand_since;
	int heart_rate;			/* last plausible, 0 none */
	int64_t hr_out_since;		/* since when outside the normal range, 0 inside */
	int battery;			/* percent, -1 unknown */
	unsigned flags;			/* of the last sample: DOCK_SOS, DOCK_STRAP_OPEN */
	int64_t heard_ms;		/* last sample, 0 never */
	int64_t sos_ms;			/* last SOS press, 0 none */
	char fault[16];			/* last fault: unknown_band, heart_rate, zone */
	char fault_value[24];
	int64_t fault_ms;		/* 0 none */
	int64_t slot;			/* the last 10 s slot written to the table */
};

struct tm_stats {
	uint64_t samples, faults, moves, rows, dropped_rows;
};

struct telemetry;

/* conf is kept (not copied): zones and [supervision] thresholds. */
struct telemetry *telemetry_new(struct journal *j, const struct config *conf);
void telemetry_free(struct telemetry *t);

/*
 * Ingests one device event of the dock: telemetry samples (validated, applied, room events
 * appended), any frame from the dock (which ends a dock-silence fault) and DEV_ERROR (the dock
 * fell silent). *urgent is set when the sample asks for the rules at once (SOS, strap).
 * Fails only when the journal does.
 */
int telemetry_ingest(struct telemetry *t, const struct dev_event *ev, int64_t now, int *urgent,
    struct errmsg *em);
/* Which visit wears which band: from the visits in the area (the rules call it each tick). */
void telemetry_set_visits(struct telemetry *t, const struct visit_list *l);
/* Settles zones whose time has come, forgets old bands, writes the pending rows. */
int telemetry_tick(struct telemetry *t, int64_t now, struct errmsg *em);

/* The band table, for the rules and the board: entries 0..TM_BANDS_MAX-1, id "" free. */
const struct tm_band *telemetry_at(const struct telemetry *t, size_t i);
const struct tm_band *telemetry_find(const struct telemetry *t, const char *id);
/* Since when the dock has been silent (0: talking); whether it has ever spoken. */
int64_t telemetry_dock_silent(const struct telemetry *t);
int64_t telemetry_first_heard(const struct telemetry *t);
const struct tm_stats *telemetry_stats(const struct telemetry *t);

#endif

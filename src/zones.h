/*
 * Zones of the positioning gateway: zone numbers to room names and kinds, from custody.conf's
 * [zone.N] sections (custody.conf(5)). A number not configured is not a place: telemetry that
 * names it is a device fault (src/telemetry.c).
 */
#ifndef CUSTODY_ZONES_H
#define CUSTODY_ZONES_H

#include "config.h"

/* In the order of config_zone_kinds. */
enum zone_kind {
	ZONE_ENTRY, ZONE_SEARCH, ZONE_BELONGINGS, ZONE_COLLECTION, ZONE_WAITING,
	ZONE_INTERROGATION, ZONE_EXIT, ZONE_CORRIDOR, ZONE_KINDS
};

/* The configured zone numbered n, or NULL. */
const struct config_zone *zones_find(const struct config *c, int n);
/* The stable key ("waiting") of a kind, and its translated label. */
const char *zone_kind_key(int kind);
const char *zone_kind_label(int kind);
/* The zone's room name, or "zone N" (translated) when the file gives none, into buf. */
const char *zone_name(const struct config_zone *z, char *buf, size_t size);

#endif

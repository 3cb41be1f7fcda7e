-- Supervision (issue 7): alerts and who is in which zone, computed from events only
-- (src/proj-alert.c; custody rebuild recomputes them). And the raw telemetry of the bands,
-- which is not a projection: see the last table.

CREATE TABLE alerts (
	id         TEXT PRIMARY KEY,		-- uuid, the subject of the alert's events
	rule       TEXT NOT NULL,		-- stage_time, stay, officers, co_case, ... (docs/supervision.md)
	level      INTEGER NOT NULL,		-- 1 yellow, 2 orange, 3 red
	about      TEXT NOT NULL,		-- what it is about: a visit, zone:N, band:ID, badge:ID, an item, dock
	visit      TEXT,			-- the visit concerned, NULL when none
	zone       INTEGER,			-- the zone concerned, NULL when none
	data       TEXT NOT NULL,		-- JSON: the figures the message shows
	raised_ts  INTEGER NOT NULL,		-- first raised
	level_ts   INTEGER NOT NULL,		-- when the level was last raised
	ack_by     TEXT,			-- the supervisor who acknowledged the current level
	ack_note   TEXT,
	ack_ts     INTEGER,
	cleared_ts INTEGER			-- NULL while open
) WITHOUT ROWID;
CREATE INDEX alerts_open ON alerts (level, raised_ts) WHERE cleared_ts IS NULL;

-- Where each person's band was last placed by the gateway (room.entered with source "band").
CREATE TABLE zone_presence (
	visit    TEXT PRIMARY KEY,
	zone     INTEGER NOT NULL,
	room     TEXT NOT NULL,
	kind     TEXT NOT NULL,			-- entry, search, ..., corridor
	band     TEXT NOT NULL,
	since_ts INTEGER NOT NULL
) WITHOUT ROWID;

-- The movement ledger gains the gateway's zone and when the room was left.
ALTER TABLE movements ADD COLUMN zone INTEGER;
ALTER TABLE movements ADD COLUMN left_ts INTEGER;

-- Raw telemetry, down-sampled: at most one row per band per 10 s slot, in a ring of
-- TM_RING slots per band (src/telemetry.c), so the table is bounded by bands x TM_RING.
-- Not signed, not synced, not rebuilt: zone changes are journaled as room.entered/room.left.
CREATE TABLE telemetry (
	band       TEXT NOT NULL,
	slot       INTEGER NOT NULL,		-- (ts / 10 s) mod TM_RING
	ts         INTEGER NOT NULL,
	zone       INTEGER NOT NULL,		-- -1 unknown
	heart_rate INTEGER NOT NULL,		-- 0 not measured
	battery    INTEGER NOT NULL,		-- -1 unknown
	flags      INTEGER NOT NULL,		-- dock protocol: 1 SOS, 2 strap open, 0x80 badge
	PRIMARY KEY (band, slot)
) WITHOUT ROWID;

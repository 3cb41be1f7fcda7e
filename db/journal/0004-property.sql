-- The property room (涉案财物): items, storage locations, the events of each item's chain of
-- custody and the inventories' findings. Computed from events only (src/proj-property.c).

CREATE TABLE prop_locations (
	code       TEXT PRIMARY KEY,		-- room/shelf/bin, as typed: "A/03/12"
	room       TEXT NOT NULL,
	shelf      TEXT NOT NULL,		-- "" for a room without shelves (a vehicle yard)
	bin        TEXT NOT NULL,
	note       TEXT NOT NULL,
	operator   TEXT NOT NULL,
	created_ts INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE prop_items (
	id            TEXT PRIMARY KEY,		-- uuid, the subject of its events
	code          TEXT NOT NULL,		-- printed: WP-<case>-<seq>
	case_number   TEXT NOT NULL,
	case_seq      INTEGER NOT NULL,		-- 1, 2, 3... within the case
	category      TEXT NOT NULL,		-- cash, phone, vehicle, drugs, weapon, documents, valuables, other
	description   TEXT NOT NULL,
	quantity      TEXT NOT NULL,
	unit          TEXT NOT NULL,
	value_fen     INTEGER NOT NULL,		-- estimated value in fen (yuan x 100)
	seized_visit  TEXT,			-- the visit it was seized in, NULL for free text
	seized_from   TEXT NOT NULL,		-- the person's name or the free text
	source        TEXT,			-- intake origin (search:VISIT:N:I, belonging:VISIT:N)
	photos        TEXT NOT NULL,		-- JSON array of file references
	tag           TEXT,			-- RFID tag, upper-case hex, NULL when none
	status        TEXT NOT NULL,		-- registered, stored, checked_out, transferred, released, disposed
	location      TEXT,			-- prop_locations.code while stored
	holder        TEXT NOT NULL DEFAULT '',	-- who has it when out of the room (name, unit)
	purpose       TEXT NOT NULL DEFAULT '',	-- check-out purpose
	due_ts        INTEGER NOT NULL DEFAULT 0,	-- expected return of a check-out
	approved      TEXT NOT NULL DEFAULT '',	-- disposal method a supervisor approved
	approved_by   TEXT NOT NULL DEFAULT '',
	registered_ts INTEGER NOT NULL,
	status_ts     INTEGER NOT NULL,
	terminal      TEXT NOT NULL
) WITHOUT ROWID;
-- Not UNIQUE: a projection never refuses an event (two terminals offline may collide); the
-- actions refuse a code or tag already in use.
CREATE INDEX prop_items_code ON prop_items (code);
CREATE INDEX prop_items_case ON prop_items (case_number, case_seq);
CREATE INDEX prop_items_tag ON prop_items (tag) WHERE tag IS NOT NULL;
CREATE INDEX prop_items_location ON prop_items (location) WHERE location IS NOT NULL;
CREATE INDEX prop_items_visit ON prop_items (seized_visit) WHERE seized_visit IS NOT NULL;
CREATE INDEX prop_items_source ON prop_items (source) WHERE source IS NOT NULL;

-- Every event of an item, in arrival order: the chain of custody is read from the journal
-- through this index (the events table has none on subject).
CREATE TABLE prop_events (
	item        TEXT NOT NULL,
	n           INTEGER NOT NULL,
	case_number TEXT NOT NULL,
	ts          INTEGER NOT NULL,
	terminal    TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	PRIMARY KEY (item, n)
) WITHOUT ROWID;
CREATE INDEX prop_events_case ON prop_events (case_number, ts);

CREATE TABLE prop_inventories (
	id         TEXT PRIMARY KEY,
	location   TEXT NOT NULL,		-- the location or prefix counted
	expected   INTEGER NOT NULL,
	seen       INTEGER NOT NULL,
	missing    INTEGER NOT NULL,
	unexpected INTEGER NOT NULL,
	unknown    INTEGER NOT NULL,
	reads      INTEGER NOT NULL,
	operator   TEXT NOT NULL,
	ts         INTEGER NOT NULL
) WITHOUT ROWID;

-- Items an inventory saw where they are not recorded; gone when the item is handled again.
CREATE TABLE prop_misplaced (
	item      TEXT PRIMARY KEY,
	seen_at   TEXT NOT NULL,		-- the location counted
	inventory TEXT NOT NULL,
	ts        INTEGER NOT NULL
) WITHOUT ROWID;

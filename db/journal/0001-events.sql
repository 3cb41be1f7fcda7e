-- The terminal's journal: signed, hash-chained events, never updated or deleted.
-- Events of every terminal live here, this terminal's own and those that came by sync.
CREATE TABLE events (
	terminal TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	ts       INTEGER NOT NULL,
	operator TEXT NOT NULL,
	kind     TEXT NOT NULL,
	subject  TEXT NOT NULL,
	body     BLOB NOT NULL,
	prev     BLOB NOT NULL,
	hash     BLOB NOT NULL,
	sig      BLOB NOT NULL,
	PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;

-- No secondary index: each one costs a page write in every commit (bench/journal). Screens
-- read projections, which carry the indexes they need; custody log filters with a scan.

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'journal events are never updated');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'journal events are never deleted');
END;

-- Facts about this file itself, not about the world: which terminal owns it.
CREATE TABLE local (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- Projection: every terminal known from its terminal.created event.
CREATE TABLE terminals (
	terminal   TEXT PRIMARY KEY,
	public_key BLOB NOT NULL,
	room       TEXT NOT NULL,
	created_ts INTEGER NOT NULL
) WITHOUT ROWID;

-- The order in which events reached this file (own and synced), so that a rebuild replays
-- the projections in exactly the order they were first applied. Not signed: local bookkeeping.
CREATE TABLE arrival (
	n        INTEGER PRIMARY KEY,
	terminal TEXT NOT NULL,
	seq      INTEGER NOT NULL
);

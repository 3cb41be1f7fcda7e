-- The transparency log (docs/transparency.md): one leaf for each stored event, in the order of
-- cursor, numbered from 0 with no gap, with its leaf hash (the level-0 tile on the right edge
-- is read from here, not rewritten at every push); kept in the same transaction as the events.
CREATE TABLE tlog_leaves (
	leaf   INTEGER PRIMARY KEY,
	cursor INTEGER NOT NULL UNIQUE,
	hash   BLOB NOT NULL
);

CREATE TRIGGER tlog_leaves_no_update BEFORE UPDATE ON tlog_leaves
BEGIN
	SELECT RAISE(ABORT, 'log leaves are never updated');
END;

CREATE TRIGGER tlog_leaves_no_delete BEFORE DELETE ON tlog_leaves
BEGIN
	SELECT RAISE(ABORT, 'log leaves are never deleted');
END;

-- The tree as C2SP tlog-tiles: width hashes of 32 bytes of level 8 * level from idx * 256 on.
-- The partial tile on the right edge of each level above 0 is rewritten in place as it grows;
-- that of level 0 is in tlog_leaves until it is full.
CREATE TABLE tlog_tiles (
	level  INTEGER NOT NULL,
	idx    INTEGER NOT NULL,
	width  INTEGER NOT NULL,
	hashes BLOB NOT NULL,
	PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Every checkpoint issued: the signed note as it was served.
CREATE TABLE tlog_checkpoints (
	size   INTEGER PRIMARY KEY,
	root   BLOB NOT NULL,
	note   TEXT NOT NULL,
	issued INTEGER NOT NULL
);

CREATE TRIGGER tlog_checkpoints_no_update BEFORE UPDATE ON tlog_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are never updated');
END;

CREATE TRIGGER tlog_checkpoints_no_delete BEFORE DELETE ON tlog_checkpoints
BEGIN
	SELECT RAISE(ABORT, 'checkpoints are never deleted');
END;

-- Cosignatures of witnesses, as verified: one line for each witness and checkpoint.
CREATE TABLE tlog_cosignatures (
	size    INTEGER NOT NULL,
	witness TEXT NOT NULL,
	line    TEXT NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (size, witness)
) WITHOUT ROWID;

-- Healing a rolled-back journal (docs/journal.md, "Healing"). When an old copy of this file
-- was restored and the terminal went on, the ledger holds other events of this terminal at
-- the seqs the journal reused. The heal stores the ledger's events verbatim and moves the
-- journal's own events from the first differing seq on into forked, where they are kept
-- verbatim forever; each is then re-recorded as a new event on top of the healed chain that
-- names the original (terminal, seq, hash). This is the one way an event ever leaves the
-- events table, and only inside the heal's transaction.
CREATE TABLE forked (
	terminal TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	ts       INTEGER NOT NULL,
	operator TEXT NOT NULL,
	kind     TEXT NOT NULL,
	subject  TEXT NOT NULL,
	body     BLOB NOT NULL,
	prev     BLOB NOT NULL,
	hash     BLOB NOT NULL PRIMARY KEY,
	sig      BLOB NOT NULL,
	moved_ts INTEGER NOT NULL,	-- when the heal moved it aside (the terminal's clock)
	rerecorded_seq INTEGER		-- the seq of the event that re-recorded it; NULL until then
);

CREATE TRIGGER forked_no_update BEFORE UPDATE OF terminal, seq, ts, operator, kind, subject,
	body, prev, hash, sig, moved_ts ON forked
BEGIN
	SELECT RAISE(ABORT, 'forked events are never updated');
END;

CREATE TRIGGER forked_rerecorded_once BEFORE UPDATE OF rerecorded_seq ON forked
WHEN OLD.rerecorded_seq IS NOT NULL
BEGIN
	SELECT RAISE(ABORT, 'a forked event is re-recorded once');
END;

CREATE TRIGGER forked_no_delete BEFORE DELETE ON forked
BEGIN
	SELECT RAISE(ABORT, 'forked events are never deleted');
END;

-- The heal's permission to move one chain's events from from_seq on: written and removed
-- inside the heal's transaction, so it is never seen committed.
CREATE TABLE heal_permit (
	terminal TEXT NOT NULL,
	from_seq INTEGER NOT NULL
);

DROP TRIGGER events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
WHEN NOT EXISTS (SELECT 1 FROM heal_permit
    WHERE heal_permit.terminal = OLD.terminal AND OLD.seq >= heal_permit.from_seq)
BEGIN
	SELECT RAISE(ABORT, 'journal events are never deleted');
END;

-- Projection: the corrections of recorded facts (record.corrected, docs/journal.md). The
-- corrected value is in the record itself (visits); this keeps what it was, who approved
-- the change and why, so that screens and documents say it was corrected.
CREATE TABLE corrections (
	subject     TEXT NOT NULL,	-- the visit
	terminal    TEXT NOT NULL,	-- the record.corrected event
	seq         INTEGER NOT NULL,
	field       TEXT NOT NULL,	-- name, address, id_number…
	old         TEXT NOT NULL,
	new         TEXT NOT NULL,
	reason      TEXT NOT NULL,
	approved_by TEXT NOT NULL,
	operator    TEXT NOT NULL,
	ts          INTEGER NOT NULL,
	PRIMARY KEY (terminal, seq, field)
) WITHOUT ROWID;
CREATE INDEX corrections_subject ON corrections (subject, ts);

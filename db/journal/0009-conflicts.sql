-- Ids held twice (docs/journal.md, "Conflicts"). Two terminals cut off from each other can
-- bind one band to two people or give two items one code; the projection keeps both records
-- and notes the conflict here. Computed from events only (src/proj-conflict.c).

-- Who holds each band, item code and tag, and by which event: the other side of a conflict.
CREATE TABLE id_claims (
	kind     TEXT NOT NULL,		-- band, code, tag
	id       TEXT NOT NULL,		-- the normal form (src/ids.c)
	subject  TEXT NOT NULL,		-- the visit or item
	terminal TEXT NOT NULL,		-- the event that made the claim
	seq      INTEGER NOT NULL,
	operator TEXT NOT NULL,
	ts       INTEGER NOT NULL,
	PRIMARY KEY (kind, id, subject)
) WITHOUT ROWID;

-- One row per conflict, keyed by its identity: the id and both claiming events, ordered by
-- (terminal, seq), so that every terminal finds the same row whatever order events arrive in.
CREATE TABLE conflicts (
	id          TEXT PRIMARY KEY,	-- a name-based UUID of ident: the events' subject
	ident       TEXT NOT NULL UNIQUE,	-- kind:id:terminal:seq:terminal:seq
	kind        TEXT NOT NULL,
	held        TEXT NOT NULL,	-- the band, code or tag
	a_subject   TEXT NOT NULL,
	a_terminal  TEXT NOT NULL,
	a_seq       INTEGER NOT NULL,
	a_operator  TEXT NOT NULL,
	a_ts        INTEGER NOT NULL,
	b_subject   TEXT NOT NULL,
	b_terminal  TEXT NOT NULL,
	b_seq       INTEGER NOT NULL,
	b_operator  TEXT NOT NULL,
	b_ts        INTEGER NOT NULL,
	recorded    INTEGER NOT NULL DEFAULT 0,	-- a conflict.detected event holds it
	resolved_ts INTEGER,		-- NULL while open
	resolved_by TEXT,
	keep        TEXT,		-- the subject that keeps the id
	reason      TEXT
) WITHOUT ROWID;
CREATE INDEX conflicts_open ON conflicts (a_ts) WHERE resolved_ts IS NULL;

-- Projections of the intake loop: operators, visits and everything recorded about them.
-- Computed from events only (src/proj-*.c); custody rebuild recomputes them.

CREATE TABLE operators (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	active        INTEGER NOT NULL DEFAULT 1,
	failures      INTEGER NOT NULL DEFAULT 0,	-- consecutive failed logins
	locked_until  INTEGER NOT NULL DEFAULT 0,	-- ms; 0 when not locked
	added_ts      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE visits (
	id           TEXT PRIMARY KEY,
	person_id    TEXT NOT NULL,
	name         TEXT NOT NULL,
	sex          TEXT NOT NULL,		-- 'M' or 'F'
	ethnicity    TEXT NOT NULL,
	birth_date   TEXT NOT NULL,
	address      TEXT NOT NULL,
	id_number    TEXT NOT NULL,
	phone        TEXT NOT NULL,
	case_number  TEXT NOT NULL,
	reason       TEXT NOT NULL,		-- criminal, administrative, other
	serious      INTEGER NOT NULL DEFAULT 0,	-- the 24 h ceiling applies
	officer1     TEXT NOT NULL,
	officer2     TEXT NOT NULL,
	entry_ts     INTEGER NOT NULL,
	band         TEXT,			-- bound wristband, NULL when none
	stage        INTEGER NOT NULL,		-- enum stage in src/stage.h
	stage_ts     INTEGER NOT NULL,		-- when the stage began
	room         TEXT,
	locker       TEXT,
	temp_out     INTEGER NOT NULL DEFAULT 0,	-- an open temporary exit
	exit_ts      INTEGER,
	destination  TEXT,
	exit_by      TEXT,			-- the approving supervisor
	exit_note    TEXT,
	terminal     TEXT NOT NULL,		-- where it was registered
	updated_ts   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX visits_id_number ON visits (id_number);
CREATE INDEX visits_case ON visits (case_number);
CREATE INDEX visits_entry ON visits (entry_ts);
-- Not UNIQUE: a projection never refuses an event; binding a band unbinds it elsewhere.
CREATE INDEX visits_band ON visits (band) WHERE band IS NOT NULL;
CREATE INDEX visits_in_area ON visits (entry_ts) WHERE exit_ts IS NULL;

-- Search keys of names: characters, adjacent pairs, pinyin initials (src/namegram.c).
CREATE TABLE name_grams (
	gram  TEXT NOT NULL,
	visit TEXT NOT NULL,
	PRIMARY KEY (gram, visit)
) WITHOUT ROWID;

CREATE TABLE searches (
	visit    TEXT NOT NULL,
	n        INTEGER NOT NULL,
	ts       INTEGER NOT NULL,
	officer  TEXT NOT NULL,
	witness  TEXT NOT NULL,
	body     TEXT NOT NULL,		-- the findings as recorded (JSON)
	PRIMARY KEY (visit, n)
) WITHOUT ROWID;

CREATE TABLE belongings (
	visit       TEXT NOT NULL,
	n           INTEGER NOT NULL,
	category    TEXT NOT NULL,
	description TEXT NOT NULL,
	quantity    TEXT NOT NULL,
	unit        TEXT NOT NULL,
	notes       TEXT NOT NULL,
	custodian   TEXT NOT NULL,
	locker      TEXT NOT NULL,
	status      TEXT NOT NULL DEFAULT 'held',	-- held, returned, property
	PRIMARY KEY (visit, n)
) WITHOUT ROWID;

CREATE TABLE lockers (
	locker TEXT PRIMARY KEY,
	visit  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE collections (
	visit    TEXT NOT NULL,
	item     TEXT NOT NULL,		-- fingerprints, photo, dna, drug_test, health_check
	result   TEXT NOT NULL,
	skipped  INTEGER NOT NULL,
	reason   TEXT NOT NULL,
	operator TEXT NOT NULL,
	ts       INTEGER NOT NULL,
	PRIMARY KEY (visit, item)
) WITHOUT ROWID;

CREATE TABLE movements (
	visit    TEXT NOT NULL,
	n        INTEGER NOT NULL,
	ts       INTEGER NOT NULL,
	room     TEXT NOT NULL,
	kind     TEXT NOT NULL,		-- waiting, interrogation
	officers TEXT NOT NULL,		-- JSON array
	PRIMARY KEY (visit, n)
) WITHOUT ROWID;

CREATE TABLE temp_exits (
	visit       TEXT NOT NULL,
	n           INTEGER NOT NULL,
	started_ts  INTEGER NOT NULL,
	purpose     TEXT NOT NULL,	-- identification, recovery, hospital, other
	reason      TEXT NOT NULL,
	approved_by TEXT NOT NULL,
	officers    TEXT NOT NULL,	-- JSON array
	return_ts   INTEGER NOT NULL,	-- expected
	returned_ts INTEGER,		-- NULL while open
	PRIMARY KEY (visit, n)
) WITHOUT ROWID;

CREATE TABLE signatures (
	visit       TEXT NOT NULL,
	terminal    TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	document    TEXT NOT NULL,
	doc_hash    TEXT NOT NULL,
	signer_role TEXT NOT NULL,
	signer_name TEXT NOT NULL,
	method      TEXT NOT NULL,
	operator    TEXT NOT NULL,
	ts          INTEGER NOT NULL,
	PRIMARY KEY (visit, terminal, seq)
) WITHOUT ROWID;

CREATE TABLE overrides (
	visit      TEXT NOT NULL,
	action     TEXT NOT NULL,
	supervisor TEXT NOT NULL,
	reason     TEXT NOT NULL,
	ts         INTEGER NOT NULL,
	used       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (visit, action, ts)
) WITHOUT ROWID;

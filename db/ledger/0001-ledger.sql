-- The ledger: every terminal's events, verbatim, in the order they arrived.
-- cursor is the arrival number that GET /v1/events pages on (docs/sync-protocol.md).
CREATE TABLE events (
	cursor   INTEGER PRIMARY KEY,
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
	arrived  INTEGER NOT NULL,
	UNIQUE (terminal, seq)
);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'ledger events are never updated');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'ledger events are never deleted');
END;

-- Enrolled terminals and the head of each chain, kept in the same transaction as the events.
CREATE TABLE terminals (
	terminal     TEXT PRIMARY KEY,
	public_key   BLOB NOT NULL,
	enrolled     INTEGER NOT NULL,
	last_seq     INTEGER NOT NULL,
	last_hash    BLOB NOT NULL,
	last_contact INTEGER NOT NULL,
	events       INTEGER NOT NULL
) WITHOUT ROWID;

-- One-time enrolment tokens, by their BLAKE2b-256 hash: the token itself is never stored.
CREATE TABLE tokens (
	hash     BLOB PRIMARY KEY,
	terminal TEXT NOT NULL,
	expires  INTEGER NOT NULL,
	used     INTEGER
) WITHOUT ROWID;

-- Request nonces seen, kept until the request's time leaves the skew window.
CREATE TABLE nonces (
	terminal TEXT NOT NULL,
	nonce    BLOB NOT NULL,
	expires  INTEGER NOT NULL,
	PRIMARY KEY (terminal, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_expires ON nonces (expires);

-- Forks offered to the ledger: same terminal and seq, another hash. Never deleted.
CREATE TABLE alerts (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	terminal TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	kind     TEXT NOT NULL,
	held     BLOB NOT NULL,
	offered  BLOB NOT NULL,
	event    TEXT NOT NULL
);

-- Authority (docs/journal.md, "Authority" and "Checks"). Every event that reaches this file
-- from now on passes its kind's checks before it touches a projection; the events held
-- before this migration (arrival n up to authority.from) are replayed as they always were.
INSERT OR REPLACE INTO local (name, value)
	SELECT 'authority.from', CAST(coalesce(max(n), 0) AS TEXT) FROM arrival;

-- The order the ledger gave reference events, learned when they come back in a pull (the
-- pull cursor). Local bookkeeping like arrival: not signed, kept by custody rebuild.
CREATE TABLE ledger_order (
	terminal TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	cursor   INTEGER NOT NULL,
	PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;

-- Foreign events stored (their chain stays whole) but not applied, and why.
CREATE TABLE unapplied (
	terminal TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	reason   TEXT NOT NULL,
	PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;

-- Projection: every addition of an operator id, so that the one the ledger ordered first
-- wins on every terminal (operators holds the winner).
CREATE TABLE operator_additions (
	id            TEXT NOT NULL,
	terminal      TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	pos           INTEGER,		-- the ledger's cursor; NULL until known
	hash          BLOB NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	credential    TEXT NOT NULL,	-- an administrator's sealed center key (JSON), or ''
	added_by      TEXT NOT NULL,
	ts            INTEGER NOT NULL,
	PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;
CREATE INDEX operator_additions_id ON operator_additions (id);

ALTER TABLE operators ADD COLUMN credential TEXT NOT NULL DEFAULT '';
ALTER TABLE operators ADD COLUMN added_by TEXT NOT NULL DEFAULT '';

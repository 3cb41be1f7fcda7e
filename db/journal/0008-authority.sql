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
-- wins on every terminal (operators holds the winner). Additions held before this migration
-- (legacy) keep the old rule among themselves, earliest ts first, and come before any other.
CREATE TABLE operator_additions (
	id            TEXT NOT NULL,
	terminal      TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	legacy        INTEGER NOT NULL,	-- 1: arrived before this migration
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
-- The operators held now were chosen by the old rule: a later addition never displaces them.
ALTER TABLE operators ADD COLUMN legacy INTEGER NOT NULL DEFAULT 1;

-- Logins count only at the terminal where they happen, history included: each operator's
-- failures and lock become what this terminal's own last login event of them says, as
-- custody rebuild computes them from now on (another terminal's 73-year lock is lifted).
UPDATE operators SET failures = 0, locked_until = 0;
WITH own AS (
	SELECT e.subject AS id, e.kind AS kind,
		CASE WHEN json_valid(CAST(e.body AS TEXT)) THEN CAST(e.body AS TEXT) END AS body,
		row_number() OVER (PARTITION BY e.subject ORDER BY a.n DESC) AS r
	FROM arrival a JOIN events e ON e.terminal = a.terminal AND e.seq = a.seq
	WHERE e.kind IN ('login.failed', 'login.succeeded')
		AND e.terminal = (SELECT value FROM local WHERE name = 'terminal')
)
UPDATE operators SET
	failures = CASE WHEN own.kind = 'login.failed' THEN
		coalesce(json_extract(own.body, '$.failures'), 1) ELSE 0 END,
	locked_until = CASE WHEN own.kind = 'login.failed' THEN
		coalesce(json_extract(own.body, '$.locked_until'), 0) ELSE 0 END
	FROM own WHERE own.id = operators.id AND own.r = 1;

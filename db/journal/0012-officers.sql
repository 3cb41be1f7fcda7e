-- The register of officers (民警): 警号, name, unit, sex (docs/console.md, "Officers").
-- Reference data: officer.added carries an administrator's authority like operator.added.
-- Every addition of a number is kept, so that the one the ledger ordered first wins on every
-- terminal (officers holds the winner), as operator_additions does for operators.
CREATE TABLE officer_additions (
	number    TEXT NOT NULL,
	terminal  TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	pos       INTEGER,		-- the ledger's cursor; NULL until known
	hash      BLOB NOT NULL,
	name      TEXT NOT NULL,
	unit      TEXT NOT NULL,
	sex       TEXT NOT NULL,	-- 'M', 'F' or '' when not known
	initials  TEXT NOT NULL,	-- pinyin initials of the name, lower case ("ly" for 刘洋)
	added_by  TEXT NOT NULL,
	ts        INTEGER NOT NULL,
	PRIMARY KEY (terminal, seq)
) WITHOUT ROWID;
CREATE INDEX officer_additions_number ON officer_additions (number);

CREATE TABLE officers (
	number    TEXT PRIMARY KEY,
	name      TEXT NOT NULL,
	unit      TEXT NOT NULL,
	sex       TEXT NOT NULL,
	initials  TEXT NOT NULL,
	added_by  TEXT NOT NULL,
	added_ts  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX officers_initials ON officers (initials);

-- Fingerprints captured at collection: the latest template of each finger of a visit, sealed
-- with the center's biometric key (src/biometric.c); never stored in the clear.
CREATE TABLE fingerprints (
	visit    TEXT NOT NULL,
	finger   TEXT NOT NULL,		-- r_thumb … l_little
	quality  INTEGER NOT NULL,	-- 0..100
	format   TEXT NOT NULL,		-- the module's template format, e.g. r30x
	key_id   TEXT NOT NULL,		-- which biometric key sealed it
	sealed   TEXT NOT NULL,		-- hex of nonce || ciphertext || tag
	operator TEXT NOT NULL,
	ts       INTEGER NOT NULL,
	terminal TEXT NOT NULL,		-- the fingerprint.enrolled event
	seq      INTEGER NOT NULL,
	PRIMARY KEY (visit, finger)
) WITHOUT ROWID;

-- A signature made by a finger press carries the finger and the module's match score.
ALTER TABLE signatures ADD COLUMN match_finger TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN match_score INTEGER NOT NULL DEFAULT 0;

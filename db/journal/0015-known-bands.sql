-- The bands this terminal knows (review of issue 16): every band a person was registered with
-- or bound to, here or on another terminal, in its normal form, with its two printed forms'
-- keys, so that a printed number typed in Find or Register is an index lookup, not a scan of
-- the events.  Filled by the projection (src/proj-intake.c, bind_band) and rebuilt by custody
-- rebuild; a band stays known after it is unbound or its visit ends.
CREATE TABLE known_bands (
	band TEXT PRIMARY KEY,	-- the normal form (src/ids.c)
	dec  TEXT,		-- EM4100 (10 hex digits): its last 8, the printed decimal's data bytes
	w26  TEXT		-- EM4100: its last 6, Wiegand-26 facility and card
) WITHOUT ROWID;
CREATE INDEX known_bands_dec ON known_bands (dec) WHERE dec IS NOT NULL;
CREATE INDEX known_bands_w26 ON known_bands (w26) WHERE w26 IS NOT NULL;

-- A journal written before: the bands of its visits and of the events applied (custody
-- rebuild recomputes the same from the events, normalizing foreign ids as src/ids.c does).
INSERT OR IGNORE INTO known_bands (band, dec, w26)
SELECT b, CASE WHEN length(b) = 10 THEN substr(b, 3) END,
    CASE WHEN length(b) = 10 THEN substr(b, 5) END
FROM (SELECT band AS b FROM visits WHERE band IS NOT NULL
    UNION SELECT upper(replace(replace(replace(json_extract(CAST(e.body AS TEXT), '$.band'),
        ':', ''), '-', ''), ' ', '')) FROM events e
    WHERE e.kind IN ('person.registered', 'band.bound') AND NOT EXISTS (SELECT 1 FROM
        unapplied u WHERE u.terminal = e.terminal AND u.seq = e.seq))
WHERE b IS NOT NULL AND b <> '';

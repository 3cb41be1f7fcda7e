-- Action ids (issue 13): every user action carries an id made when its form opens, in its
-- event's body ("action_id":"<uuid>"; an override.granted's "action" is the step it allows),
-- so that an action is recorded at most once even when a write reported failed did reach the
-- disk and the clerk saves the form again. Projection
-- (src/project.c): filled from the bodies in the event's own transaction, rebuilt by
-- custody rebuild. Per terminal: an action is made and redone on one terminal.
CREATE TABLE actions (
	terminal TEXT NOT NULL,
	action   TEXT NOT NULL,
	seq      INTEGER NOT NULL,
	PRIMARY KEY (terminal, action)
) WITHOUT ROWID;

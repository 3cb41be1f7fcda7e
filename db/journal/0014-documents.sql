-- The document a person is registered by (issue 16): its type (idcard_doc_keys; visits
-- registered before have a resident ID card), nationality, English name, a residence permit's
-- pass number and times issued, and for a person without a document the note of why.
ALTER TABLE visits ADD COLUMN doc_type TEXT NOT NULL DEFAULT 'resident';
ALTER TABLE visits ADD COLUMN nationality TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN name_en TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN pass_number TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN doc_issues TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN doc_note TEXT NOT NULL DEFAULT '';

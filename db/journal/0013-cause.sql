-- The free-text cause (案由) beside the reason's category, from person.registered's optional
-- "cause" key (issue 15); visits registered before it have none.
ALTER TABLE visits ADD COLUMN cause TEXT NOT NULL DEFAULT '';

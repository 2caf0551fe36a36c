-- The query log: every utterance the NLU classified, for assistants that log
-- queries. A file of its own, so that its writes never wait for or hold up
-- the main database's writer; the assistant is checked in the main database
-- when a query is written, and its queries are deleted with it.
CREATE TABLE queries (
	id              INTEGER PRIMARY KEY,
	sid             TEXT    NOT NULL UNIQUE,
	account_sid     TEXT    NOT NULL,
	assistant_sid   TEXT    NOT NULL,
	language        TEXT    NOT NULL,
	query           TEXT    NOT NULL,
	tasks           TEXT,
	model_build_sid TEXT,
	sample_sid      TEXT,
	dialogue_sid    TEXT,
	status          TEXT    NOT NULL DEFAULT 'pending-review',
	source_channel  TEXT,
	results         TEXT,
	date_created    INTEGER NOT NULL,
	date_updated    INTEGER NOT NULL
);
CREATE INDEX queries_assistant ON queries (assistant_sid, id);
CREATE INDEX queries_dialogue ON queries (dialogue_sid) WHERE dialogue_sid IS NOT NULL;
CREATE INDEX queries_date_created ON queries (date_created);

-- The turn log: each turn of the dialogues that are logged (the console's
-- simulator, and every channel with serve --log-turns), with its trace,
-- for the console's Dialogues page. In the query log's file, like queries,
-- deleted with their assistant and purged with them.
CREATE TABLE turns (
	id            INTEGER PRIMARY KEY,
	account_sid   TEXT    NOT NULL,
	assistant_sid TEXT    NOT NULL,
	dialogue_sid  TEXT    NOT NULL,
	channel       TEXT    NOT NULL,
	user_id       TEXT    NOT NULL,
	input         TEXT    NOT NULL,
	task          TEXT    NOT NULL,
	trace         TEXT    NOT NULL,
	date_created  INTEGER NOT NULL
);
CREATE INDEX turns_dialogue ON turns (dialogue_sid, id);
CREATE INDEX turns_assistant ON turns (assistant_sid, id);
CREATE INDEX turns_date_created ON turns (date_created);

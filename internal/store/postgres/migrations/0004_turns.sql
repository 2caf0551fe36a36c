-- The turn log: each turn of the dialogues that are logged (the console's
-- simulator, and every channel with serve --log-turns), with its trace,
-- for the console's Dialogues page; deleted with its assistant, purged with
-- the queries.
CREATE TABLE turns (
    id            BIGSERIAL PRIMARY KEY,
    account_sid   TEXT   NOT NULL,
    assistant_sid TEXT   NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
    dialogue_sid  TEXT   NOT NULL,
    channel       TEXT   NOT NULL,
    user_id       TEXT   NOT NULL,
    input         TEXT   NOT NULL,
    task          TEXT   NOT NULL,
    trace         TEXT   NOT NULL,
    date_created  BIGINT NOT NULL
);
CREATE INDEX turns_dialogue ON turns (dialogue_sid, id);
CREATE INDEX turns_assistant ON turns (assistant_sid, id);
CREATE INDEX turns_date_created ON turns (date_created);

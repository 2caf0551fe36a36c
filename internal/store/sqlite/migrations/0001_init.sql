-- 0001_init: the whole schema of the REST resources Parley serves.
--
-- Conventions:
--   * id INTEGER PRIMARY KEY is the creation order (lists and page tokens);
--     sid is the public identifier, unique, and what foreign keys point at.
--   * Dates are Unix seconds, UTC.
--   * JSON documents (actions, defaults, style_sheet, results) are stored as
--     the exact text given; NULL means unset.
--   * position keeps the author's order of tasks, fields, samples, field
--     types and values (schema import/export round-trips it).
--   * Everything below an assistant goes with it (ON DELETE CASCADE), and
--     every foreign key column leads an index so cascades do not scan.

CREATE TABLE accounts (
	id            INTEGER PRIMARY KEY,
	sid           TEXT    NOT NULL UNIQUE,
	auth_token    TEXT    NOT NULL,
	friendly_name TEXT    NOT NULL DEFAULT '',
	date_created  INTEGER NOT NULL,
	date_updated  INTEGER NOT NULL
);

CREATE TABLE assistants (
	id                     INTEGER PRIMARY KEY,
	sid                    TEXT    NOT NULL UNIQUE,
	account_sid            TEXT    NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
	unique_name            TEXT    NOT NULL,
	friendly_name          TEXT    NOT NULL DEFAULT '',
	log_queries            INTEGER NOT NULL DEFAULT 1,
	defaults               TEXT,
	style_sheet            TEXT,
	model_build            TEXT    NOT NULL DEFAULT '', -- unique name of the schema file's modelBuild
	latest_model_build_sid TEXT,
	callback_url           TEXT,
	callback_events        TEXT,
	development_stage      TEXT    NOT NULL DEFAULT 'in-development',
	needs_model_build      INTEGER NOT NULL DEFAULT 1,
	revision               INTEGER NOT NULL DEFAULT 1,
	date_created           INTEGER NOT NULL,
	date_updated           INTEGER NOT NULL,
	UNIQUE (account_sid, unique_name)
);

CREATE TABLE tasks (
	id            INTEGER PRIMARY KEY,
	sid           TEXT    NOT NULL UNIQUE,
	assistant_sid TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name   TEXT    NOT NULL,
	friendly_name TEXT    NOT NULL DEFAULT '',
	actions       TEXT,
	actions_url   TEXT,
	position      INTEGER NOT NULL,
	date_created  INTEGER NOT NULL,
	date_updated  INTEGER NOT NULL,
	UNIQUE (assistant_sid, unique_name)
);
CREATE INDEX tasks_assistant_position ON tasks (assistant_sid, position);

CREATE TABLE fields (
	id           INTEGER PRIMARY KEY,
	sid          TEXT    NOT NULL UNIQUE,
	task_sid     TEXT    NOT NULL REFERENCES tasks (sid) ON DELETE CASCADE,
	unique_name  TEXT    NOT NULL,
	field_type   TEXT    NOT NULL, -- as given: Twilio.* name, custom unique name or UB SID
	position     INTEGER NOT NULL,
	date_created INTEGER NOT NULL,
	date_updated INTEGER NOT NULL,
	UNIQUE (task_sid, unique_name)
);
CREATE INDEX fields_task_position ON fields (task_sid, position);

CREATE TABLE samples (
	id             INTEGER PRIMARY KEY,
	sid            TEXT    NOT NULL UNIQUE,
	task_sid       TEXT    NOT NULL REFERENCES tasks (sid) ON DELETE CASCADE,
	language       TEXT    NOT NULL,
	tagged_text    TEXT    NOT NULL,
	source_channel TEXT,
	position       INTEGER NOT NULL,
	date_created   INTEGER NOT NULL,
	date_updated   INTEGER NOT NULL
);
CREATE INDEX samples_task_position ON samples (task_sid, position);

CREATE TABLE field_types (
	id            INTEGER PRIMARY KEY,
	sid           TEXT    NOT NULL UNIQUE,
	assistant_sid TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name   TEXT    NOT NULL,
	friendly_name TEXT    NOT NULL DEFAULT '',
	position      INTEGER NOT NULL,
	date_created  INTEGER NOT NULL,
	date_updated  INTEGER NOT NULL,
	UNIQUE (assistant_sid, unique_name)
);
CREATE INDEX field_types_assistant_position ON field_types (assistant_sid, position);

-- synonym_of is the canonical value string (what schema files and the REST
-- create call carry); synonym_of_sid is that canonical value's row, which
-- REST responses show. Both are NULL for a canonical value.
CREATE TABLE field_values (
	id             INTEGER PRIMARY KEY,
	sid            TEXT    NOT NULL UNIQUE,
	field_type_sid TEXT    NOT NULL REFERENCES field_types (sid) ON DELETE CASCADE,
	language       TEXT    NOT NULL,
	value          TEXT    NOT NULL,
	synonym_of     TEXT,
	synonym_of_sid TEXT    REFERENCES field_values (sid) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	date_created   INTEGER NOT NULL,
	date_updated   INTEGER NOT NULL
);
CREATE INDEX field_values_type_position ON field_values (field_type_sid, position);
CREATE INDEX field_values_synonym_of_sid ON field_values (synonym_of_sid) WHERE synonym_of_sid IS NOT NULL;

-- A model build is also a job: enqueued builds are claimed by a node, and the
-- trained model is stored here so that every node can load it.
CREATE TABLE model_builds (
	id              INTEGER PRIMARY KEY,
	sid             TEXT    NOT NULL UNIQUE,
	assistant_sid   TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name     TEXT    NOT NULL, -- defaults to the SID
	status          TEXT    NOT NULL DEFAULT 'enqueued', -- enqueued building completed failed canceled
	status_callback TEXT,
	build_duration  INTEGER, -- seconds
	error_code      INTEGER,
	revision        INTEGER NOT NULL, -- the assistant revision it was built from
	model           BLOB,
	claimed_by      TEXT,
	claimed_until   INTEGER,
	date_created    INTEGER NOT NULL,
	date_updated    INTEGER NOT NULL,
	UNIQUE (assistant_sid, unique_name)
);
CREATE INDEX model_builds_assistant ON model_builds (assistant_sid, id);
CREATE INDEX model_builds_queue ON model_builds (id) WHERE status IN ('enqueued', 'building');

-- Queries reference samples, model builds and dialogues softly (no foreign
-- key): those come and go, and the query log outlives them.
CREATE TABLE queries (
	id              INTEGER PRIMARY KEY,
	sid             TEXT    NOT NULL UNIQUE,
	account_sid     TEXT    NOT NULL,
	assistant_sid   TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	language        TEXT    NOT NULL,
	query           TEXT    NOT NULL,
	tasks           TEXT, -- the Tasks filter: comma-separated unique names
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

CREATE TABLE webhooks (
	id             INTEGER PRIMARY KEY,
	sid            TEXT    NOT NULL UNIQUE,
	assistant_sid  TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name    TEXT    NOT NULL,
	events         TEXT    NOT NULL, -- space-separated
	webhook_url    TEXT    NOT NULL,
	webhook_method TEXT    NOT NULL DEFAULT 'POST',
	date_created   INTEGER NOT NULL,
	date_updated   INTEGER NOT NULL,
	UNIQUE (assistant_sid, unique_name)
);

-- state is the engine's JSON, opaque to the store. version is the
-- compare-and-swap counter of SaveDialogue.
CREATE TABLE dialogues (
	id            INTEGER PRIMARY KEY,
	sid           TEXT    NOT NULL UNIQUE,
	account_sid   TEXT    NOT NULL,
	assistant_sid TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	channel       TEXT    NOT NULL,
	user_id       TEXT    NOT NULL,
	status        TEXT    NOT NULL,
	state         BLOB,
	version       INTEGER NOT NULL,
	date_created  INTEGER NOT NULL,
	date_updated  INTEGER NOT NULL
);
-- At most one active dialogue per (assistant, channel, user); also the index
-- ActiveDialogue reads on every turn.
CREATE UNIQUE INDEX dialogues_active ON dialogues (assistant_sid, channel, user_id) WHERE status = 'active';
-- A user's history, and the cascade from assistants.
CREATE INDEX dialogues_user ON dialogues (assistant_sid, channel, user_id, id);

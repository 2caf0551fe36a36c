-- 0001_init: the whole schema, equivalent to the SQLite store's after all its
-- migrations (internal/store/sqlite/migrations 0001-0006 and querylog 0001).
--
-- Conventions (as in SQLite):
--   * id is the creation order (lists and page tokens); sid is the public
--     identifier, unique, and what foreign keys point at.
--   * Dates are Unix seconds, UTC (BIGINT).
--   * JSON documents (actions, defaults, style_sheet, results) are stored as
--     the exact text given (TEXT, not jsonb); NULL means unset.
--   * Opaque blobs (models, schemas, dialogue state) are BYTEA.
--   * position keeps the author's order of tasks, fields, samples, field
--     types and values (schema import/export round-trips it).
--   * Everything below an assistant goes with it (ON DELETE CASCADE), and
--     every foreign key column leads an index so cascades do not scan.
--   * The query log, a file of its own in SQLite, is a table here, deleted
--     with its assistant by the same cascade.

CREATE TABLE accounts (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid           TEXT    NOT NULL CONSTRAINT accounts_sid UNIQUE,
	auth_token    TEXT    NOT NULL,
	friendly_name TEXT    NOT NULL DEFAULT '',
	date_created  BIGINT  NOT NULL,
	date_updated  BIGINT  NOT NULL
);

CREATE TABLE assistants (
	id                     BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid                    TEXT    NOT NULL CONSTRAINT assistants_sid UNIQUE,
	account_sid            TEXT    NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
	unique_name            TEXT    NOT NULL,
	friendly_name          TEXT    NOT NULL DEFAULT '',
	log_queries            BOOLEAN NOT NULL DEFAULT true,
	defaults               TEXT,
	style_sheet            TEXT,
	model_build            TEXT    NOT NULL DEFAULT '', -- unique name of the schema file's modelBuild
	latest_model_build_sid TEXT,
	callback_url           TEXT,
	callback_events        TEXT,
	development_stage      TEXT    NOT NULL DEFAULT 'in-development',
	needs_model_build      BOOLEAN NOT NULL DEFAULT true,
	revision               BIGINT  NOT NULL DEFAULT 1,
	nlu_threshold          DOUBLE PRECISION, -- NULL: the engine's default
	date_created           BIGINT  NOT NULL,
	date_updated           BIGINT  NOT NULL,
	CONSTRAINT assistants_account_unique_name UNIQUE (account_sid, unique_name)
);

CREATE TABLE tasks (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid           TEXT    NOT NULL CONSTRAINT tasks_sid UNIQUE,
	assistant_sid TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name   TEXT    NOT NULL,
	friendly_name TEXT    NOT NULL DEFAULT '',
	actions       TEXT,
	actions_url   TEXT,
	position      INTEGER NOT NULL,
	date_created  BIGINT  NOT NULL,
	date_updated  BIGINT  NOT NULL,
	CONSTRAINT tasks_assistant_unique_name UNIQUE (assistant_sid, unique_name)
);
CREATE INDEX tasks_assistant_position ON tasks (assistant_sid, position);

CREATE TABLE fields (
	id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid          TEXT    NOT NULL CONSTRAINT fields_sid UNIQUE,
	task_sid     TEXT    NOT NULL REFERENCES tasks (sid) ON DELETE CASCADE,
	unique_name  TEXT    NOT NULL,
	field_type   TEXT    NOT NULL, -- as given: Twilio.* name, custom unique name or UB SID
	position     INTEGER NOT NULL,
	date_created BIGINT  NOT NULL,
	date_updated BIGINT  NOT NULL,
	CONSTRAINT fields_task_unique_name UNIQUE (task_sid, unique_name)
);
CREATE INDEX fields_task_position ON fields (task_sid, position);

CREATE TABLE samples (
	id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid            TEXT    NOT NULL CONSTRAINT samples_sid UNIQUE,
	task_sid       TEXT    NOT NULL REFERENCES tasks (sid) ON DELETE CASCADE,
	language       TEXT    NOT NULL,
	tagged_text    TEXT    NOT NULL,
	source_channel TEXT,
	position       INTEGER NOT NULL,
	date_created   BIGINT  NOT NULL,
	date_updated   BIGINT  NOT NULL
);
CREATE INDEX samples_task_position ON samples (task_sid, position);

CREATE TABLE field_types (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid           TEXT    NOT NULL CONSTRAINT field_types_sid UNIQUE,
	assistant_sid TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name   TEXT    NOT NULL,
	friendly_name TEXT    NOT NULL DEFAULT '',
	position      INTEGER NOT NULL,
	date_created  BIGINT  NOT NULL,
	date_updated  BIGINT  NOT NULL,
	CONSTRAINT field_types_assistant_unique_name UNIQUE (assistant_sid, unique_name)
);
CREATE INDEX field_types_assistant_position ON field_types (assistant_sid, position);

-- synonym_of is the canonical value string (what schema files and the REST
-- create call carry); synonym_of_sid is that canonical value's row, which
-- REST responses show. Both are NULL for a canonical value.
CREATE TABLE field_values (
	id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid            TEXT    NOT NULL CONSTRAINT field_values_sid UNIQUE,
	field_type_sid TEXT    NOT NULL REFERENCES field_types (sid) ON DELETE CASCADE,
	language       TEXT    NOT NULL,
	value          TEXT    NOT NULL,
	synonym_of     TEXT,
	synonym_of_sid TEXT    REFERENCES field_values (sid) ON DELETE CASCADE,
	position       INTEGER NOT NULL,
	date_created   BIGINT  NOT NULL,
	date_updated   BIGINT  NOT NULL
);
CREATE INDEX field_values_type_position ON field_values (field_type_sid, position);
CREATE INDEX field_values_synonym_of_sid ON field_values (synonym_of_sid) WHERE synonym_of_sid IS NOT NULL;

-- A model build is also a job: enqueued builds are claimed by a node, and the
-- trained model is stored here so that every node can load it.
CREATE TABLE model_builds (
	id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid             TEXT    NOT NULL CONSTRAINT model_builds_sid UNIQUE,
	assistant_sid   TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name     TEXT    NOT NULL, -- defaults to the SID
	status          TEXT    NOT NULL DEFAULT 'enqueued', -- enqueued building completed failed canceled
	status_callback TEXT,
	build_duration  INTEGER, -- seconds
	error_code      INTEGER,
	error_message   TEXT,
	revision        BIGINT  NOT NULL, -- the assistant revision it was built from
	model           BYTEA,
	schema          BYTEA,  -- what it trained on, as a schema file (for Restore)
	sids            BYTEA,  -- the SIDs of what it trained on (for Restore)
	claimed_by      TEXT,
	claimed_until   BIGINT,
	date_created    BIGINT  NOT NULL,
	date_updated    BIGINT  NOT NULL,
	CONSTRAINT model_builds_assistant_unique_name UNIQUE (assistant_sid, unique_name)
);
CREATE INDEX model_builds_assistant ON model_builds (assistant_sid, id);
CREATE INDEX model_builds_queue ON model_builds (id) WHERE status IN ('enqueued', 'building');
-- The index the engine reads the newest completed build through.
CREATE INDEX model_builds_completed ON model_builds (assistant_sid, id) WHERE status = 'completed';

CREATE TABLE webhooks (
	id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid            TEXT    NOT NULL CONSTRAINT webhooks_sid UNIQUE,
	assistant_sid  TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	unique_name    TEXT    NOT NULL,
	events         TEXT    NOT NULL, -- space-separated
	webhook_url    TEXT    NOT NULL,
	webhook_method TEXT    NOT NULL DEFAULT 'POST',
	date_created   BIGINT  NOT NULL,
	date_updated   BIGINT  NOT NULL,
	CONSTRAINT webhooks_assistant_unique_name UNIQUE (assistant_sid, unique_name)
);

-- state is the engine's JSON, opaque to the store. version is the
-- compare-and-swap counter of SaveDialogue.
CREATE TABLE dialogues (
	id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid           TEXT    NOT NULL CONSTRAINT dialogues_sid UNIQUE,
	account_sid   TEXT    NOT NULL,
	assistant_sid TEXT    NOT NULL REFERENCES assistants (sid) ON DELETE CASCADE,
	channel       TEXT    NOT NULL,
	user_id       TEXT    NOT NULL,
	status        TEXT    NOT NULL,
	state         BYTEA,
	version       BIGINT  NOT NULL,
	date_created  BIGINT  NOT NULL,
	date_updated  BIGINT  NOT NULL
);
-- At most one active dialogue per (assistant, channel, user); also the index
-- ActiveDialogue reads on every turn.
CREATE UNIQUE INDEX dialogues_active ON dialogues (assistant_sid, channel, user_id) WHERE status = 'active';
-- A user's history, and the cascade from assistants.
CREATE INDEX dialogues_user ON dialogues (assistant_sid, channel, user_id, id);

-- The query log: every utterance the NLU classified, for assistants that log
-- queries. Queries reference samples, model builds and dialogues softly (no
-- foreign key): those come and go, and the query log outlives them.
CREATE TABLE queries (
	id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	sid             TEXT    NOT NULL CONSTRAINT queries_sid UNIQUE,
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
	date_created    BIGINT  NOT NULL,
	date_updated    BIGINT  NOT NULL
);
CREATE INDEX queries_assistant ON queries (assistant_sid, id);
CREATE INDEX queries_dialogue ON queries (dialogue_sid) WHERE dialogue_sid IS NOT NULL;
CREATE INDEX queries_date_created ON queries (date_created);

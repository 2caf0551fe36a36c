-- 0002_model_build_errors: a failed build's message, and the index the engine
-- reads the newest completed build through when it loads an assistant.

ALTER TABLE model_builds ADD COLUMN error_message TEXT;

CREATE INDEX model_builds_completed ON model_builds (assistant_sid, id) WHERE status = 'completed';

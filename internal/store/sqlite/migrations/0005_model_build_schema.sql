-- 0005_model_build_schema: what each model build trained on, as a schema
-- file, so that Restore can bring an assistant back to it.
ALTER TABLE model_builds ADD COLUMN schema BLOB;

-- 0006_model_build_sids: the SIDs of what each model build trained on
-- (tasks, fields, samples, field types and values), so that Restore brings
-- them back under the SIDs clients hold.
ALTER TABLE model_builds ADD COLUMN sids BLOB;

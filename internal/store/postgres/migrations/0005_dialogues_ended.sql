-- 0005_dialogues_ended: the ended dialogues by their last save, for
-- PurgeDialogues.
CREATE INDEX dialogues_ended ON dialogues (date_updated) WHERE status <> 'active';

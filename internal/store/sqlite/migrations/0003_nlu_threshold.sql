-- An assistant's classifier threshold (a Parley extension); NULL means the
-- engine's default.
ALTER TABLE assistants ADD COLUMN nlu_threshold REAL;

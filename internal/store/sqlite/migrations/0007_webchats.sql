-- 0007_webchats: the web chat channel of an assistant (a Parley extension):
-- whether it is on, the origins of the pages that may embed it, and the
-- secret that signs its visitors' ids.
CREATE TABLE webchats (
    assistant_sid TEXT PRIMARY KEY REFERENCES assistants (sid) ON DELETE CASCADE,
    enabled       INTEGER NOT NULL,
    origins       TEXT NOT NULL,
    secret        TEXT NOT NULL
);

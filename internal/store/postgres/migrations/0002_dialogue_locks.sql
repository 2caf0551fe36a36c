-- Leases that serialize the turns of one dialogue across the nodes, and the
-- nodes' heartbeats: a lease of a node that stopped beating is free.
CREATE TABLE nodes (
    id        TEXT PRIMARY KEY,
    heartbeat TIMESTAMPTZ NOT NULL
);

CREATE TABLE dialogue_locks (
    key     TEXT PRIMARY KEY,
    node    TEXT NOT NULL,
    expires TIMESTAMPTZ NOT NULL
);

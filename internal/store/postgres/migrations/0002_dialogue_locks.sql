-- Leases that serialize the turns of one dialogue across the nodes, and the
-- nodes' heartbeats: a lease of a node that stopped beating is free.
CREATE TABLE nodes (
    id        TEXT PRIMARY KEY,
    heartbeat TIMESTAMPTZ NOT NULL
);

-- A lease is free when expires has passed. A lease given back with a save
-- records the dialogue that save left (its SID and version, and whether it
-- is still active), so that the node that takes the lease next can tell
-- whether the dialogue it read in the same statement is older.
CREATE TABLE dialogue_locks (
    key              TEXT PRIMARY KEY,
    node             TEXT NOT NULL,
    expires          TIMESTAMPTZ NOT NULL,
    dialogue_sid     TEXT,
    dialogue_version BIGINT,
    dialogue_active  BOOLEAN
);

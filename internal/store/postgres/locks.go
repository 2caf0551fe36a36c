package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Leases of dialogues. A node holds the lease of a dialogue while it runs
// one of its turns (LockDialogue), so that a turn's webhooks run once
// however the turns of one dialogue are spread over the nodes. A lease
// lapses at its expiry, or as soon as its node stops beating: a node
// beats every heartbeatEvery, and one that has not for nodeTimeout is
// taken for dead (a kill -9 frees its leases within seconds). Times are
// the database's, so that the nodes' clocks need not agree.
const (
	heartbeatEvery = time.Second
	nodeTimeout    = "3 seconds"
	// leaseTTL outlasts any turn (serve --turn-timeout, a minute by
	// default, and the save after it).
	leaseTTL = "5 minutes"
)

func newNodeID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// beat records that this node is alive.
func (db *DB) beat(ctx context.Context) error {
	_, err := db.db.ExecContext(ctx, `INSERT INTO nodes (id, heartbeat) VALUES ($1, clock_timestamp())
		ON CONFLICT (id) DO UPDATE SET heartbeat = EXCLUDED.heartbeat`, db.node)
	return err
}

// heartbeats beats until Close, and then says the node is gone and frees
// its leases.
func (db *DB) heartbeats() {
	defer close(db.beatDone)
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stopBeat:
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			db.db.ExecContext(ctx, `DELETE FROM dialogue_locks WHERE node = $1`, db.node)
			db.db.ExecContext(ctx, `DELETE FROM nodes WHERE id = $1`, db.node)
			cancel()
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), heartbeatEvery)
			db.beat(ctx)
			cancel()
		}
	}
}

// LockDialogue serializes the turns of one dialogue, named by key, across
// the nodes of the database: it waits until no live node holds the key's
// lease, holds it until unlock is called, and returns ctx's error if ctx
// ends first. One round trip to take the lease, one to give it back.
func (db *DB) LockDialogue(ctx context.Context, key string) (unlock func(), err error) {
	sum := sha256.Sum256([]byte(key))
	k := hex.EncodeToString(sum[:16])
	wait := time.Millisecond
	for {
		res, err := db.db.ExecContext(ctx, `INSERT INTO dialogue_locks (key, node, expires)
			VALUES ($1, $2, clock_timestamp() + interval '`+leaseTTL+`')
			ON CONFLICT (key) DO UPDATE SET node = EXCLUDED.node, expires = EXCLUDED.expires
			WHERE dialogue_locks.expires < clock_timestamp()
			   OR NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = dialogue_locks.node
			                  AND n.heartbeat > clock_timestamp() - interval '`+nodeTimeout+`')`, k, db.node)
		if err != nil {
			return nil, fmt.Errorf("lock dialogue: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return func() {
				// Given back even when the turn's context has ended.
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				db.db.ExecContext(ctx, `DELETE FROM dialogue_locks WHERE key = $1 AND node = $2`, k, db.node)
			}, nil
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

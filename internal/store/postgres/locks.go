package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/store"
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
	// A lease given back, or lapsed, this long ago is deleted, and so is a
	// node silent this long (killed, or gone): every purgeEvery, by every
	// node, so that the table holds the dialogues of the last hour rather
	// than every user there ever was. A lease taken again later is a new
	// row; what the old one recorded of the last save is long visible.
	purgeAfter = "1 hour"
	purgeEvery = 10 * time.Minute
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
	// The purge runs beside the beats (a slow one must not make the node
	// look dead) and ends with them.
	life, end := context.WithCancel(context.Background())
	var purging sync.WaitGroup
	defer func() { end(); purging.Wait() }()
	purging.Go(func() {
		purge := time.NewTicker(purgeEvery)
		defer purge.Stop()
		for {
			select {
			case <-life.Done():
				return
			case <-purge.C:
				ctx, cancel := context.WithTimeout(life, 30*time.Second)
				db.purgeLeases(ctx)
				cancel()
			}
		}
	})
	for {
		select {
		case <-db.stopBeat:
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			db.db.ExecContext(ctx, `UPDATE dialogue_locks SET expires = clock_timestamp() WHERE node = $1`, db.node)
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

// purgeLeases deletes the leases given back or lapsed more than
// purgeAfter ago, and the nodes silent as long; it returns how many leases
// went.
func (db *DB) purgeLeases(ctx context.Context) (int64, error) {
	res, err := db.db.ExecContext(ctx, `DELETE FROM dialogue_locks WHERE expires < clock_timestamp() - interval '`+purgeAfter+`'`)
	if err != nil {
		return 0, fmt.Errorf("purge leases: %w", err)
	}
	if _, err := db.db.ExecContext(ctx, `DELETE FROM nodes WHERE heartbeat < clock_timestamp() - interval '`+purgeAfter+`'`); err != nil {
		return 0, fmt.Errorf("purge nodes: %w", err)
	}
	return res.RowsAffected()
}

// leaseKey is the key of a dialogue's lease: the engine's key may hold
// bytes PostgreSQL text cannot.
func leaseKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// takeLease is the statement that takes a lease: free, or already this
// node's. It returns what the lease recorded of the dialogue's last save.
const takeLease = `INSERT INTO dialogue_locks (key, node, expires)
	VALUES ($1, $2, clock_timestamp() + interval '` + leaseTTL + `')
	ON CONFLICT (key) DO UPDATE SET node = EXCLUDED.node, expires = EXCLUDED.expires
	WHERE dialogue_locks.node = EXCLUDED.node
	   OR dialogue_locks.expires < clock_timestamp()
	   OR NOT EXISTS (SELECT 1 FROM nodes n WHERE n.id = dialogue_locks.node
	                  AND n.heartbeat > clock_timestamp() - interval '` + nodeTimeout + `')
	RETURNING dialogue_sid, dialogue_version, dialogue_active`

// waitLease runs try until it takes the lease, waiting longer each time, or
// until ctx ends.
func waitLease(ctx context.Context, try func() (bool, error)) error {
	wait := time.Millisecond
	for {
		ok, err := try()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// LockDialogue serializes the turns of one dialogue, named by key, across
// the nodes of the database: it waits until no live node holds the key's
// lease, holds it until unlock is called, and returns ctx's error if ctx
// ends first. Callers that share one DB serialize their own calls for a key.
func (db *DB) LockDialogue(ctx context.Context, key string) (unlock func(), err error) {
	k := leaseKey(key)
	err = waitLease(ctx, func() (bool, error) {
		res, err := db.db.ExecContext(ctx, takeLease, k, db.node)
		if err != nil {
			return false, fmt.Errorf("lock dialogue: %w", err)
		}
		n, _ := res.RowsAffected()
		return n == 1, nil
	})
	if err != nil {
		return nil, err
	}
	return func() { db.ReleaseDialogue(key) }, nil
}

// ReleaseDialogue gives back this node's lease of key, even when the
// turn's context has ended.
func (db *DB) ReleaseDialogue(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	db.db.ExecContext(ctx, `UPDATE dialogue_locks SET expires = clock_timestamp() WHERE key = $1 AND node = $2`, leaseKey(key), db.node)
}

// LeaseDialogue takes the lease of key as LockDialogue does and, in the
// same statement, reads the active dialogue of userID on channel with the
// assistant assistantSID: nil when there is none. One round trip, but for
// the rare turn whose lease was given back by a save that the statement's
// snapshot does not show yet: the lease says so, and the dialogue is read
// again.
func (db *DB) LeaseDialogue(ctx context.Context, key, assistantSID, channel, userID string) (*store.Dialogue, error) {
	k := leaseKey(key)
	var d *store.Dialogue
	stale := false
	err := waitLease(ctx, func() (bool, error) {
		var (
			recSID                    sql.NullString
			recVersion                sql.NullInt64
			recActive                 sql.NullBool
			sid, account, status      sql.NullString
			state                     []byte
			version, created, updated sql.NullInt64
		)
		err := db.db.QueryRowContext(ctx, `WITH lease AS (`+takeLease+`)
			SELECT l.dialogue_sid, l.dialogue_version, l.dialogue_active,
			       d.sid, d.account_sid, d.status, d.state, d.version, d.date_created, d.date_updated
			FROM lease l LEFT JOIN dialogues d
			  ON d.assistant_sid = $3 AND d.channel = $4 AND d.user_id = $5 AND d.status = 'active'`,
			k, db.node, assistantSID, channel, userID).
			Scan(&recSID, &recVersion, &recActive, &sid, &account, &status, &state, &version, &created, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil // another node holds the lease
		}
		if err != nil {
			return false, fmt.Errorf("lease dialogue %s/%s: %w", channel, userID, err)
		}
		if sid.Valid {
			d = &store.Dialogue{SID: sid.String, AccountSID: account.String, AssistantSID: assistantSID, Channel: channel, UserID: userID,
				Status: status.String, State: state, Version: version.Int64, DateCreated: fromUnix(created.Int64), DateUpdated: fromUnix(updated.Int64)}
		}
		if recSID.Valid {
			// The last save, as the lease recorded it, against what the
			// statement read.
			switch {
			case d != nil && d.SID == recSID.String && d.Version < recVersion.Int64:
				stale = true // an older version of that dialogue
			case recActive.Bool && (d == nil || d.SID != recSID.String):
				stale = true // an active dialogue the snapshot does not show
			}
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if stale {
		d, err = db.ActiveDialogue(ctx, assistantSID, channel, userID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			db.ReleaseDialogue(key)
			return nil, err
		}
	}
	return d, nil
}

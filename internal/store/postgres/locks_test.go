package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// TestLockDialogueAcrossNodes: a dialogue's lease taken by one node waits
// for its unlock on another node of the same database; other keys do not
// wait; the lease of a node that stopped beating (killed) is free.
func TestLockDialogueAcrossNodes(t *testing.T) {
	dsn := freshSchema(t)
	nodes := make([]*DB, 2)
	for i := range nodes {
		db, err := Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes[i] = db
	}
	a, b := nodes[0], nodes[1]
	unlock, err := a.LockDialogue(t.Context(), "UA1\x00sms\x00+1555")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := b.LockDialogue(ctx, "UA1\x00sms\x00+1555"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a held lease taken by another node: %v", err)
	}
	other, err := b.LockDialogue(t.Context(), "UA1\x00sms\x00+1666")
	if err != nil {
		t.Fatal(err)
	}
	other()
	got := make(chan error, 1)
	go func() {
		u, err := b.LockDialogue(t.Context(), "UA1\x00sms\x00+1555")
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(50 * time.Millisecond)
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the lease was not handed over after unlock")
	}

	// A node that died holding a lease: its heartbeat stopped long ago.
	sum := sha256.Sum256([]byte("dead-key"))
	if _, err := a.db.ExecContext(t.Context(), `INSERT INTO nodes (id, heartbeat) VALUES ('dead', clock_timestamp() - interval '1 minute')`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.ExecContext(t.Context(), `INSERT INTO dialogue_locks (key, node, expires) VALUES ($1, 'dead', clock_timestamp() + interval '5 minutes')`, hex.EncodeToString(sum[:16])); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	u, err := b.LockDialogue(ctx, "dead-key")
	if err != nil {
		t.Fatalf("the lease of a dead node was not free: %v", err)
	}
	u()

	// Close gives back the node's leases.
	if _, err := a.LockDialogue(t.Context(), "left-behind"); err != nil {
		t.Fatal(err)
	}
	c, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.LockDialogue(t.Context(), "held-at-close"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	ctx, cancel = context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	if u, err := b.LockDialogue(ctx, "held-at-close"); err != nil {
		t.Errorf("a closed node's lease was kept: %v", err)
	} else {
		u()
	}
}

// countStatements counts the statements sent to the database.
type countStatements struct{ n atomic.Int64 }

func (c *countStatements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *countStatements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// TestLeaseDialogue: a lease is taken with the dialogue read in one
// statement, and given back with the save in another; the next node reads
// what the save left; a lease whose record says the dialogue moved on makes
// the read happen again.
func TestLeaseDialogue(t *testing.T) {
	dsn := freshSchema(t)
	var count countStatements
	a, err := OpenWith(t.Context(), dsn, Options{Tracer: &count})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	acct := newAccount(t, a)
	asst, err := a.CreateAssistant(t.Context(), &assistant.Assistant{AccountSID: acct, UniqueName: "leases"})
	if err != nil {
		t.Fatal(err)
	}
	const key = "UA\x00sms\x00u1"
	before := count.n.Load()
	d, err := a.LeaseDialogue(t.Context(), key, asst.SID, "sms", "u1")
	if err != nil || d != nil {
		t.Fatalf("lease of a new dialogue: %+v, %v", d, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if _, err := b.LeaseDialogue(ctx, key, asst.SID, "sms", "u1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a held lease taken by another node: %v", err)
	}
	d = &store.Dialogue{AccountSID: acct, AssistantSID: asst.SID, Channel: "sms", UserID: "u1", Status: store.DialogueActive, State: []byte(`{"n":1}`)}
	if err := a.SaveDialogueAndRelease(t.Context(), key, d); err != nil {
		t.Fatal(err)
	}
	if n := count.n.Load() - before; n != 2 {
		t.Errorf("lease and save: %d statements, want 2", n)
	}
	got, err := b.LeaseDialogue(t.Context(), key, asst.SID, "sms", "u1")
	if err != nil || got == nil || got.SID != d.SID || got.Version != 1 || string(got.State) != `{"n":1}` {
		t.Fatalf("the next node's lease: %+v, %v", got, err)
	}
	got.State = []byte(`{"n":2}`)
	if err := b.SaveDialogueAndRelease(t.Context(), key, got); err != nil {
		t.Fatal(err)
	}
	// A lease just given back by a save is not purged.
	if n, err := a.purgeLeases(t.Context()); err != nil || n != 0 {
		t.Errorf("purge after a save: %d leases deleted, %v", n, err)
	}
	// A stale save is refused and keeps the lease.
	d2, err := a.LeaseDialogue(t.Context(), key, asst.SID, "sms", "u1")
	if err != nil || d2.Version != 2 {
		t.Fatalf("lease after the second save: %+v, %v", d2, err)
	}
	stale := *d2
	stale.Version = 1
	if err := a.SaveDialogueAndRelease(t.Context(), key, &stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a stale save: %v, want ErrConflict", err)
	}
	ctx2, cancel2 := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel2()
	if _, err := b.LeaseDialogue(ctx2, key, asst.SID, "sms", "u1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a refused save gave the lease back: %v", err)
	}
	a.ReleaseDialogue(key)

	// The lease records a newer version than the row the statement reads
	// (as when the save that gave it back committed after the statement's
	// snapshot): the dialogue is read again.
	if _, err := a.db.ExecContext(t.Context(), `UPDATE dialogue_locks SET dialogue_version = 99 WHERE key = $1`, leaseKey(key)); err != nil {
		t.Fatal(err)
	}
	before = count.n.Load()
	d3, err := a.LeaseDialogue(t.Context(), key, asst.SID, "sms", "u1")
	if err != nil || d3 == nil || d3.Version != 2 {
		t.Fatalf("lease with a newer record: %+v, %v", d3, err)
	}
	if n := count.n.Load() - before; n != 2 {
		t.Errorf("lease with a newer record: %d statements, want 2 (the lease, the read again)", n)
	}
	a.ReleaseDialogue(key)
}

// TestPurgeLeases: leases given back or lapsed more than purgeAfter ago
// go, and so do nodes silent as long; recent and held leases stay.
func TestPurgeLeases(t *testing.T) {
	db, err := Open(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	unlock, err := db.LockDialogue(t.Context(), "recent")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	held, err := db.LockDialogue(t.Context(), "held")
	if err != nil {
		t.Fatal(err)
	}
	defer held()
	for _, q := range []string{
		`INSERT INTO dialogue_locks (key, node, expires) VALUES ('old', 'gone', clock_timestamp() - interval '2 hours')`,
		`INSERT INTO nodes (id, heartbeat) VALUES ('gone', clock_timestamp() - interval '2 hours')`,
	} {
		if _, err := db.db.ExecContext(t.Context(), q); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.purgeLeases(t.Context()); err != nil || n != 1 {
		t.Fatalf("purge: %d leases deleted, %v; want 1", n, err)
	}
	var leases, nodes int
	db.db.QueryRowContext(t.Context(), `SELECT count(*) FROM dialogue_locks WHERE key IN ($1, $2)`, leaseKey("recent"), leaseKey("held")).Scan(&leases)
	db.db.QueryRowContext(t.Context(), `SELECT count(*) FROM nodes`).Scan(&nodes)
	if leases != 2 || nodes != 1 {
		t.Errorf("after the purge: %d of the 2 recent leases, %d nodes (want this one)", leases, nodes)
	}
}

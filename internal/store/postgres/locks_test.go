package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"
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

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// TestConcurrentSavesEachGetTheirOutcome: saves written together in one
// transaction each keep their own compare-and-swap: of two saves of one
// version, one wins and the other is a conflict; the others all land.
func TestConcurrentSavesEachGetTheirOutcome(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	acct := store.Account{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "0123456789abcdef0123456789abcdef"}
	if err := db.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	a, err := db.ImportAssistant(ctx, &assistant.Assistant{AccountSID: acct.SID, UniqueName: "gc"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	ds := make([]*store.Dialogue, n)
	var wg sync.WaitGroup
	for i := range n {
		ds[i] = &store.Dialogue{AccountSID: acct.SID, AssistantSID: a.SID, Channel: "c", UserID: fmt.Sprint(i), Status: store.DialogueActive, State: []byte(`{}`)}
		wg.Go(func() {
			if err := db.SaveDialogue(ctx, ds[i]); err != nil {
				t.Errorf("save %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for i, d := range ds {
		if d.Version != 1 || d.SID == "" {
			t.Fatalf("dialogue %d: version %d, SID %q", i, d.Version, d.SID)
		}
	}
	// Two copies of each dialogue at version 1 save at once: one per pair
	// wins.
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for _, d := range ds {
		for range 2 {
			cp := *d
			wg.Go(func() {
				err := db.SaveDialogue(ctx, &cp)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && cp.Version == 2:
					wins++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("save: %v (version %d)", err, cp.Version)
				}
			})
		}
	}
	wg.Wait()
	if wins != n || conflicts != n {
		t.Errorf("%d wins and %d conflicts, want %d of each", wins, conflicts, n)
	}
}

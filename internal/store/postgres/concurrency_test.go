package postgres

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// The SQLite store runs every write on one connection, one after the
// other; these tests check that what that gave for free holds when
// PostgreSQL runs the writes side by side.

// TestConcurrentClaimsTakeDifferentBuilds: nodes claiming at once each get a
// build of their own (FOR UPDATE SKIP LOCKED), and none is handed out twice.
func TestConcurrentClaimsTakeDifferentBuilds(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
	a, err := db.CreateAssistant(ctx, &assistant.Assistant{AccountSID: acct, UniqueName: "claims"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	for range n {
		if err := db.CreateModelBuild(ctx, &store.ModelBuild{AccountSID: acct, AssistantSID: a.SID}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		claimed = map[string]string{} // build SID → node
	)
	start := make(chan struct{})
	for i := range n {
		node := fmt.Sprintf("node-%d", i)
		wg.Go(func() {
			<-start
			b, err := db.ClaimModelBuild(ctx, node, time.Hour)
			if err != nil {
				t.Errorf("ClaimModelBuild(%s): %v", node, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if other, ok := claimed[b.SID]; ok {
				t.Errorf("build %s claimed by %s and %s", b.SID, other, node)
			}
			claimed[b.SID] = node
		})
	}
	close(start)
	wg.Wait()
	if len(claimed) != n {
		t.Errorf("%d builds claimed, want %d", len(claimed), n)
	}
	if _, err := db.ClaimModelBuild(ctx, "late", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ClaimModelBuild with every build claimed: %v, want ErrNotFound", err)
	}
}

// TestConcurrentImportsOfANewName: imports of one new unique name at once
// make one assistant, which each import in turn replaces (as SQLite's one
// writer would), not ErrExists.
func TestConcurrentImportsOfANewName(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
	const n = 4
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := db.ImportAssistant(ctx, &assistant.Assistant{AccountSID: acct, UniqueName: "racy",
				Tasks: []assistant.Task{{UniqueName: fmt.Sprintf("task-%d", i)}}})
			if err != nil {
				t.Errorf("ImportAssistant #%d: %v", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	refs, err := db.Assistants(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 1 || refs[0].Revision != n {
		t.Errorf("assistants after %d imports: %+v; want one, revision %d", n, refs, n)
	}
	if got := count(t, db, "tasks"); got != 1 {
		t.Errorf("%d tasks, want the last import's one", got)
	}
}

// TestConcurrentSavesEachGetTheirOutcome: of two saves of one version of a
// dialogue at once, one wins and the other is a conflict; saves of other
// dialogues all land.
func TestConcurrentSavesEachGetTheirOutcome(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
	a, err := db.CreateAssistant(ctx, &assistant.Assistant{AccountSID: acct, UniqueName: "saves"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 50
	ds := make([]*store.Dialogue, n)
	var wg sync.WaitGroup
	for i := range n {
		ds[i] = &store.Dialogue{AccountSID: acct, AssistantSID: a.SID, Channel: "c", UserID: fmt.Sprint(i),
			Status: store.DialogueActive, State: []byte(`{}`)}
		wg.Go(func() {
			if err := db.SaveDialogue(ctx, ds[i]); err != nil {
				t.Errorf("save %d: %v", i, err)
			}
		})
	}
	wg.Wait()
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
				case err == nil:
					wins++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("save: %v", err)
				}
			})
		}
	}
	wg.Wait()
	if wins != n || conflicts != n {
		t.Errorf("wins, conflicts = %d, %d; want %d, %d", wins, conflicts, n, n)
	}
	// A second active dialogue of one user, saved at once: one wins.
	wins, conflicts = 0, 0
	for range 4 {
		wg.Go(func() {
			err := db.SaveDialogue(ctx, &store.Dialogue{AccountSID: acct, AssistantSID: a.SID, Channel: "c",
				UserID: "new", Status: store.DialogueActive})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Errorf("save: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 || conflicts != 3 {
		t.Errorf("new active dialogues: wins, conflicts = %d, %d; want 1, 3", wins, conflicts)
	}
}

// TestBuildWritesBesideDeleteAssistant: model build writes and the
// deletion of their assistant, at once, end in a deleted assistant and
// errors no worse than ErrNotFound (no deadlock reaches the caller).
func TestBuildWritesBesideDeleteAssistant(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
	for round := range 5 {
		a, err := db.CreateAssistant(ctx, &assistant.Assistant{AccountSID: acct, UniqueName: fmt.Sprint("doomed-", round)})
		if err != nil {
			t.Fatal(err)
		}
		var builds []*store.ModelBuild
		for range 4 {
			b := &store.ModelBuild{AccountSID: acct, AssistantSID: a.SID}
			if err := db.CreateModelBuild(ctx, b); err != nil {
				t.Fatal(err)
			}
			builds = append(builds, b)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, b := range builds {
			wg.Go(func() {
				<-start
				b.Status, b.Model = store.BuildCompleted, []byte("model")
				if err := db.UpdateModelBuild(ctx, b); err != nil && !errors.Is(err, store.ErrNotFound) {
					t.Errorf("UpdateModelBuild: %v", err)
				}
			})
		}
		wg.Go(func() {
			<-start
			if err := db.DeleteAssistant(ctx, acct, a.SID); err != nil {
				t.Errorf("DeleteAssistant: %v", err)
			}
		})
		close(start)
		wg.Wait()
		if bs, err := db.ModelBuilds(ctx, acct, a.SID); err != nil || len(bs) != 0 {
			t.Errorf("builds of a deleted assistant: %d, %v", len(bs), err)
		}
	}
}

// TestPoolKeepsItsConnections: as many turns at once as the pool may open
// connections for reuse them rather than opening new ones (a PostgreSQL
// backend process each).
func TestPoolKeepsItsConnections(t *testing.T) {
	db, err := Open(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	open := db.db.Stats().MaxOpenConnections
	for range 5 {
		var wg sync.WaitGroup
		for range open {
			wg.Go(func() {
				if _, err := db.db.ExecContext(t.Context(), `SELECT pg_sleep(0.01)`); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	if s := db.db.Stats(); s.MaxIdleClosed > 0 {
		t.Errorf("%d connections closed for want of idle room (of %d open at most)", s.MaxIdleClosed, open)
	}
}

// TestPoolMaxConns: the URL's pool_max_conns sizes the pool and is not sent
// to the server (which would refuse an unknown parameter); a bad value is
// refused with its name.
func TestPoolMaxConns(t *testing.T) {
	dsn := freshSchema(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := Open(t.Context(), dsn+sep+"pool_max_conns=3")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.db.Stats().MaxOpenConnections; got != 3 {
		t.Errorf("MaxOpenConnections %d, want 3", got)
	}
	for _, bad := range []string{"1", "many"} {
		if _, err := Open(t.Context(), dsn+sep+"pool_max_conns="+bad); err == nil || !strings.Contains(err.Error(), "pool_max_conns") {
			t.Errorf("pool_max_conns=%s: %v", bad, err)
		}
	}
}

package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
)

// TestLockDialogue: a dialogue key locked through one handle of the
// database waits for its unlock through another handle of the same file;
// other keys do not wait.
func TestLockDialogue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	a, b := openPath(t, path), openPath(t, path)
	unlock, err := a.LockDialogue(t.Context(), "UA1\x00sms\x00+1555")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.LockDialogue(ctx, "UA1\x00sms\x00+1555"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a locked key taken again: %v", err)
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
	time.Sleep(20 * time.Millisecond)
	unlock()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the lock was not handed over after unlock")
	}
}

func openPath(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestLockDialogueOfADeadProcess: a lock held by another process is free
// once that process is killed (kill -9: no chance to unlock).
func TestLockDialogueOfADeadProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("locks across processes need Linux")
	}
	if path := os.Getenv("PARLEY_TEST_LOCK_HOLDER"); path != "" {
		holdLock(path)
		return
	}
	path := filepath.Join(t.TempDir(), "parley.db")
	db := openPath(t, path)
	child := exec.Command(os.Args[0], "-test.run=^TestLockDialogueOfADeadProcess$")
	child.Env = append(os.Environ(), "PARLEY_TEST_LOCK_HOLDER="+path)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("the other process: %q, %v", line, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := db.LockDialogue(ctx, "key"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a key another process holds was taken: %v", err)
	}
	child.Process.Kill()
	child.Wait()
	ctx, cancel = context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	unlock, err := db.LockDialogue(ctx, "key")
	if err != nil {
		t.Fatalf("the dead process's lock was not freed: %v", err)
	}
	unlock()
}

// holdLock is the other process of TestLockDialogueOfADeadProcess: it
// takes the lock, says so, and waits to be killed.
func holdLock(path string) {
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		os.Exit(1)
	}
	if _, err := db.LockDialogue(context.Background(), "key"); err != nil {
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestOpenRaceMigratesOnce: servers that start at once on one new data
// directory all open it: each migration is applied once (a step applied
// twice would fail, its tables existing already).
func TestOpenRaceMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	const n = 4
	errs := make(chan error, n)
	dbs := make(chan *sqlite.DB, n)
	for range n {
		go func() {
			db, err := sqlite.Open(t.Context(), path)
			errs <- err
			dbs <- db
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
		if db := <-dbs; db != nil {
			t.Cleanup(func() { db.Close() })
		}
	}
	db := openPath(t, path)
	// The store works: one account, seen through every handle.
	if err := db.CreateAccount(t.Context(), store.Account{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "0123456789abcdef0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	if accts, err := db.Accounts(t.Context()); err != nil || len(accts) != 1 {
		t.Errorf("accounts after the race: %v, %v", accts, err)
	}
}

package sqlite

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

func TestOpenConfiguresAndMigrates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "parley.db")
	for i := range 2 { // the second Open finds the schema current
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		ms, err := migrations(migrationFiles, "migrations")
		if err != nil {
			t.Fatal(err)
		}
		var version int
		if err := db.r.QueryRowContext(t.Context(), `SELECT version FROM schema_version`).Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version != len(ms) {
			t.Errorf("schema version = %d, want %d", version, len(ms))
		}
		var n int
		if err := db.r.QueryRowContext(t.Context(), `SELECT count(*) FROM schema_version`).Scan(&n); err != nil || n != 1 {
			t.Errorf("schema_version rows = %d, %v; want 1", n, err)
		}
		for _, p := range []struct{ pragma, want string }{
			{"journal_mode", "wal"},
			{"foreign_keys", "1"},
			{"synchronous", "1"}, // NORMAL
			{"busy_timeout", "5000"},
		} {
			for name, pool := range map[string]interface {
				QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
			}{"writer": db.w, "reader": db.r} {
				var got string
				if err := pool.QueryRowContext(t.Context(), "PRAGMA "+p.pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != p.want {
					t.Errorf("%s: PRAGMA %s = %s, want %s", name, p.pragma, got, p.want)
				}
			}
		}
		if _, err := db.r.ExecContext(t.Context(), `DELETE FROM accounts`); err == nil {
			t.Errorf("reader pool accepted a write")
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDataFilesAreOwnerOnly: the store holds auth tokens: its directory is
// 0700 and its files 0600, the WAL and the query log included, also when an
// older store made them readable by others.
func TestDataFilesAreOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "parley.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(t.Context(), store.Account{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "0123456789abcdef0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("data directory: %v, %v; want 0700", fi.Mode().Perm(), err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(files) < 3 {
			t.Fatalf("files: %v, want the database, its WAL and the query log", files)
		}
		for _, f := range files {
			fi, err := os.Stat(f)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v, want 0600", filepath.Base(f), fi.Mode().Perm())
			}
		}
	}
	check()
	db.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		os.Chmod(f, 0o644)
	}
	db, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateAccount(t.Context(), store.Account{SID: "AC0123456789abcdef0123456789abcdee", AuthToken: "0123456789abcdef0123456789abcdef"}); err != nil {
		t.Fatal(err)
	}
	check()
}

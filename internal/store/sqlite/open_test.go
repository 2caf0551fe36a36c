package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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

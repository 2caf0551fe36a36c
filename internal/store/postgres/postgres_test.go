package postgres

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store/postgres/pgtest"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// freshSchema is pgtest.Schema.
func freshSchema(t testing.TB) string { return pgtest.Schema(t) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// open opens a store in a fresh schema, closed when the test ends.
func open(t testing.TB) *DB {
	t.Helper()
	dsn := freshSchema(t)
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	pgtest.DSN(t) // skips the whole suite at once when there is no server
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

// TestOpenRaceMigratesOnce: processes that open one fresh database at once
// all succeed, and each migration is applied and recorded once.
func TestOpenRaceMigratesOnce(t *testing.T) {
	dsn := freshSchema(t)
	const n = 4
	errs := make(chan error, n)
	dbs := make(chan *DB, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			db, err := Open(t.Context(), dsn)
			if err != nil {
				errs <- fmt.Errorf("Open #%d: %w", i+1, err)
				return
			}
			dbs <- db
			errs <- nil
		}()
	}
	close(start)
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	close(dbs)
	var opened []*DB
	for d := range dbs {
		opened = append(opened, d)
	}
	t.Cleanup(func() {
		for _, d := range opened {
			d.Close()
		}
	})
	if len(opened) == 0 {
		t.Fatal("no Open succeeded")
	}
	db := opened[0]
	ms, err := migrations(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.db.QueryContext(t.Context(), `SELECT version, name FROM schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s", v, name))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, m := range ms {
		want = append(want, fmt.Sprintf("%d %s", m.version, m.name))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("schema_version rows:\n%s\nwant each migration once:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The store works, and a later Open finds the schema current.
	if err := db.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	again, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open after migration: %v", err)
	}
	again.Close()
}

// TestOpenRefusesNewerSchema: a binary does not run on a schema migrated by
// a newer one.
func TestOpenRefusesNewerSchema(t *testing.T) {
	dsn := freshSchema(t)
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.db.ExecContext(t.Context(), `INSERT INTO schema_version (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if db2, err := Open(t.Context(), dsn); err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		if db2 != nil {
			db2.Close()
		}
		t.Errorf("Open on a newer schema: %v, want an error", err)
	}
}

// TestOpenNeedsSchema: a search_path that names no existing schema is an
// error of Open, not tables created who knows where.
func TestOpenNeedsSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	db, err := Open(t.Context(), pgtest.WithSearchPath(t, dsn, "parley_test_missing_"+randomHex(4)))
	if err == nil {
		db.Close()
		t.Fatal("Open with a missing schema succeeded")
	}
	if !strings.Contains(err.Error(), "search_path") {
		t.Errorf("Open with a missing schema: %v, want an error about the search_path", err)
	}
}

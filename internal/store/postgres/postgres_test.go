package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store/storetest"
)

// envDSN names the variable that holds the DSN of a PostgreSQL database the
// tests may create schemas in, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const envDSN = "PARLEY_TEST_POSTGRES"

// adminDB connects to the database of PARLEY_TEST_POSTGRES, or skips the
// test when it is not set.
func adminDB(t testing.TB) (*sql.DB, string) {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Skipf("PostgreSQL tests skipped: set %s to the DSN of a database they may create schemas in, e.g. "+
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable", envDSN)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("%s: %v", envDSN, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(t.Context()); err != nil {
		t.Fatalf("%s: %v", envDSN, err)
	}
	return db, dsn
}

// freshSchema creates an empty schema of a unique name, drops it (and all in
// it) when the test ends, and returns a DSN whose search_path is that schema.
func freshSchema(t testing.TB) string {
	t.Helper()
	admin, dsn := adminDB(t)
	schema := "parley_test_" + randomHex(8)
	if _, err := admin.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, dsn, schema)
}

// withSearchPath returns dsn (a URL or a keyword/value string) with its
// search_path set to schema.
func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return dsn + " search_path=" + schema
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", envDSN, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

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
	adminDB(t) // skips the whole suite at once when there is no server
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
	_, dsn := adminDB(t)
	db, err := Open(t.Context(), withSearchPath(t, dsn, "parley_test_missing_"+randomHex(4)))
	if err == nil {
		db.Close()
		t.Fatal("Open with a missing schema succeeded")
	}
	if !strings.Contains(err.Error(), "search_path") {
		t.Errorf("Open with a missing schema: %v, want an error about the search_path", err)
	}
}

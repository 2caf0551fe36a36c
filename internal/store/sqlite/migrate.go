package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// The schema's history: migrations/NNNN_name.sql, applied in order, each once.
// A released file never changes; a schema change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// The query log lives in a database file of its own (its own write lock, so
// that logging never holds up a turn's save), with its own history.
//
//go:embed querylog/*.sql
var queryLogFiles embed.FS

// A migration is one schema step; version n is the n-th file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the migrations in dir of fsys in order and checks that
// they are numbered 1, 2, 3, ... without gaps.
func migrations(fsys embed.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for i, e := range entries { // sorted by name
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", e.Name(), i+1)
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return ms, nil
}

// migrate brings the schema up to the newest embedded migration. Each step
// runs in its own write transaction together with the bump of the version
// row, so a failed step leaves the database at the previous version, and two
// processes opening the same file at once apply each step once.
func migrate(ctx context.Context, w *sql.DB, fsys embed.FS, dir string) error {
	ms, err := migrations(fsys, dir)
	if err != nil {
		return err
	}
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, w, m, len(ms)); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

func applyMigration(ctx context.Context, w *sql.DB, m migration, newest int) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&current); {
	case err == sql.ErrNoRows:
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if current > newest {
		return fmt.Errorf("database schema version %d is newer than this binary's %d", current, newest)
	}
	if current >= m.version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, m.version); err != nil {
		return err
	}
	return tx.Commit()
}

// Package sqlite is Parley's embedded store: one SQLite database file, in WAL
// mode, through the pure-Go modernc.org/sqlite driver.
//
// A [DB] holds two connection pools on the same file. All writes go through a
// pool of exactly one connection whose transactions begin with BEGIN
// IMMEDIATE, so writers inside the process queue in Go instead of failing
// with SQLITE_BUSY; other processes (a CLI import beside a running server)
// wait up to the busy timeout. Reads go through a pool of query-only
// connections, which WAL lets run beside the writer.
//
// The schema is an ordered list of embedded SQL files (migrations/NNNN_*.sql)
// and a one-row version table, applied by [Open].
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long a connection waits for another process's lock.
const busyTimeout = 5 * time.Second

// A DB is an open SQLite store. It is safe for concurrent use.
type DB struct {
	w *sql.DB // one connection, BEGIN IMMEDIATE
	r *sql.DB // query-only pool

	// Statements of the per-turn hot path, prepared once.
	insertDialogue *sql.Stmt
	updateDialogue *sql.Stmt
	// saves queue the dialogue saves that the saver writes in batches.
	saves          chan *saveRequest
	stopSaves      chan struct{}
	saverDone      chan struct{}
	activeDialogue *sql.Stmt
	assistantRef   *sql.Stmt
	account        *sql.Stmt

	// q is the query log, a database file of its own; one connection.
	q *sql.DB

	// The checkpointer copies the WAL into the database in the background,
	// so that the fsyncs of a checkpoint never stall a turn's commit.
	ckpt     *sql.DB
	stopCkpt chan struct{}
	ckptDone chan struct{}

	now func() time.Time

	// path is the database file's; locks the file beside it that locks
	// dialogues across processes (LockDialogue).
	path  string
	locks *lockFile
}

// Path returns the path of the database file.
func (db *DB) Path() string { return db.path }

// checkpointEvery is how often the background checkpointer runs.
const checkpointEvery = time.Second

// Ping checks that both the reader and the writer connections answer.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := db.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// ownerOnly creates the file at path, readable and writable by its owner
// only, or makes an existing one so, with its -wal and -shm files.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Open opens the SQLite database at path, creating the file (mode 0600) and
// its parent directory (0700) if needed, and brings its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	pragmas := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
		"foreign_keys(1)",
		"journal_mode(WAL)",
		"synchronous(NORMAL)",
	}}
	// The writer never checkpoints on commit: the checkpointer does.
	wq := url.Values{"_txlock": {"immediate"}, "_pragma": append([]string{"wal_autocheckpoint(0)"}, pragmas["_pragma"]...)}
	rq := url.Values{"_pragma": append([]string{"query_only(1)"}, pragmas["_pragma"]...)}
	// The driver cuts the DSN at its first '?'; a plain path (no file: URI)
	// is then used as is.
	if strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open store %s: path must be a plain file name", path)
	}
	u := path
	// The store holds auth tokens: its files are the owner's alone. SQLite
	// gives its -wal and -shm files the mode of the database file.
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}

	w, err := sql.Open("sqlite", u+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	db := &DB{w: w, now: time.Now, path: path}
	// Migrate on the writer first: it switches the file to WAL mode before
	// any query-only connection opens.
	if err := migrateWhenFree(ctx, w, migrationFiles, "migrations"); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}

	if db.locks, err = openLockFile(lockPath(path)); err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", u+"?"+rq.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxLifetime(0)
	r.SetConnMaxIdleTime(0)
	db.r = r

	if err := db.prepare(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	ckpt, err := sql.Open("sqlite", u+"?"+pragmas.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	db.ckpt, db.stopCkpt, db.ckptDone = ckpt, make(chan struct{}), make(chan struct{})
	go db.checkpointer()
	db.saves, db.stopSaves, db.saverDone = make(chan *saveRequest, maxSaveBatch), make(chan struct{}), make(chan struct{})
	go db.saver()

	qpath := QueryLogPath(path)
	if err := ownerOnly(qpath); err != nil {
		db.Close()
		return nil, fmt.Errorf("open query log %s: %w", qpath, err)
	}
	q, err := sql.Open("sqlite", qpath+"?"+wq.Encode())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open query log %s: %w", qpath, err)
	}
	q.SetMaxOpenConns(1)
	db.q = q
	if err := migrateWhenFree(ctx, q, queryLogFiles, "querylog"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open query log %s: %w", qpath, err)
	}
	return db, nil
}

// QueryLogPath is the file of the query log beside the database at path:
// parley.db's is parley-queries.db.
func QueryLogPath(path string) string {
	return withSuffix(path, "-queries")
}

// withSuffix adds suffix to the name of the file at path, before its
// extension.
func withSuffix(path, suffix string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + suffix + ext
}

// checkpointer runs a passive checkpoint every checkpointEvery until Close.
// A passive checkpoint never waits for readers or the writer; what it cannot
// copy now, the next one will.
func (db *DB) checkpointer() {
	defer close(db.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-db.stopCkpt:
			return
		case <-t.C:
			db.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

func (db *DB) prepare(ctx context.Context) error {
	for _, p := range []struct {
		dst   **sql.Stmt
		pool  *sql.DB
		query string
	}{
		{&db.insertDialogue, db.w, `INSERT INTO dialogues
			(sid, account_sid, assistant_sid, channel, user_id, status, state, version, date_created, date_updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`},
		{&db.updateDialogue, db.w, `UPDATE dialogues
			SET status = ?, state = ?, version = version + 1, date_updated = ?
			WHERE sid = ? AND version = ?`},
		{&db.activeDialogue, db.r, `SELECT sid, account_sid, status, state, version, date_created, date_updated
			FROM dialogues
			WHERE assistant_sid = ? AND channel = ? AND user_id = ? AND status = 'active'`},
		{&db.account, db.r, `SELECT sid, auth_token, friendly_name, date_created
			FROM accounts WHERE sid = ?`},
		{&db.assistantRef, db.r, `SELECT sid, account_sid, unique_name, revision, COALESCE(latest_model_build_sid, '')
			FROM assistants
			WHERE account_sid = ?1 AND (sid = ?2 OR unique_name = ?2)
			ORDER BY sid = ?2 DESC LIMIT 1`},
	} {
		s, err := p.pool.PrepareContext(ctx, p.query)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		*p.dst = s
	}
	return nil
}

// Close closes the database. Calls in flight may fail.
func (db *DB) Close() error {
	var errs []error
	if db.saverDone != nil {
		close(db.stopSaves)
		<-db.saverDone
	}
	if db.ckpt != nil {
		close(db.stopCkpt)
		<-db.ckptDone
		// A last checkpoint, which waits for nobody.
		db.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		errs = append(errs, db.ckpt.Close())
	}
	for _, s := range []*sql.Stmt{db.insertDialogue, db.updateDialogue, db.activeDialogue, db.assistantRef, db.account} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.q != nil {
		errs = append(errs, db.q.Close())
	}
	errs = append(errs, db.w.Close())
	if db.locks != nil {
		errs = append(errs, db.locks.close())
	}
	return errors.Join(errs...)
}

// timestamp is now in the store's precision: UTC, whole seconds.
func (db *DB) timestamp() time.Time {
	return db.now().UTC().Truncate(time.Second)
}

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

// write runs f in a write transaction (BEGIN IMMEDIATE) and commits it if f
// returns nil.
func (db *DB) write(ctx context.Context, f func(*sql.Tx) error) error { return inTx(ctx, db.w, f) }

// read runs f in a read transaction, so that everything f reads comes from
// one snapshot.
func (db *DB) read(ctx context.Context, f func(*sql.Tx) error) error { return inTx(ctx, db.r, f) }

// inTx runs f in a transaction of pool and commits it if f returns nil.
func inTx(ctx context.Context, pool *sql.DB, f func(*sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// constraint classifies a constraint violation: store.ErrExists for a
// unique or primary key, store.ErrNotFound for a foreign key (the parent is
// missing), and err itself otherwise.
func constraint(err error) error {
	e, ok := errors.AsType[*sqlite.Error](err)
	if !ok {
		return err
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w (%v)", store.ErrExists, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w (%v)", store.ErrNotFound, err)
	}
	return err
}

// nullString maps "" to NULL.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullBytes maps an empty document to NULL.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// An update collects the SET clause of an UPDATE statement from the members
// of a patch that are set.
type update struct {
	cols []string
	args []any
}

// set adds "col = v" to the clause.
func (u *update) set(col string, v any) {
	u.cols = append(u.cols, col+" = ?")
	u.args = append(u.args, v)
}

// add adds a clause of its own, such as "n = n + 1".
func (u *update) add(clause string) { u.cols = append(u.cols, clause) }

// clause returns the SET clause, without SET; its arguments are u.args.
func (u *update) clause() string { return strings.Join(u.cols, ", ") }

// exec runs UPDATE table SET … WHERE sid = sid in tx.
func (u *update) exec(ctx context.Context, tx *sql.Tx, table, sid string) error {
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+u.clause()+` WHERE sid = ?`, append(u.args, sid)...)
	return constraint(err)
}

// The SQLite store is a whole backend.
var _ store.Store = (*DB)(nil)

// migrateWhenFree is migrate, tried again for up to busyTimeout while the
// file is busy: processes that open one new file at once race to switch it
// to WAL mode, and the switch does not wait for the busy timeout as
// statements do.
func migrateWhenFree(ctx context.Context, w *sql.DB, fsys embed.FS, dir string) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := migrate(ctx, w, fsys, dir)
		e, ok := errors.AsType[*sqlite.Error](err)
		if !ok || e.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

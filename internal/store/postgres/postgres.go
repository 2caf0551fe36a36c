// Package postgres is Parley's multi-node store: one PostgreSQL database,
// through github.com/jackc/pgx/v5 behind database/sql, so that its SQL reads
// like the SQLite store's (internal/store/sqlite), whose contracts it keeps.
// Both pass the conformance suite in internal/store/storetest.
//
// A [DB] is one connection pool. Reads that span several statements run in a
// read-only REPEATABLE READ transaction (one snapshot). Writes run in READ
// COMMITTED transactions; those that change an assistant, its contents or
// its model builds lock the assistant's row first, so that changes to one
// assistant queue behind each other as they do behind SQLite's single
// writer. A write that loses a deadlock or serialization race is retried.
//
// The schema is an ordered list of embedded SQL files (migrations/NNNN_*.sql)
// and a version table, applied by [Open] under a PostgreSQL advisory lock,
// so that processes opening one database at once apply each step once. The
// tables live in the connection's current schema: the first schema of its
// search_path that exists (set search_path in the DSN to choose another than
// public). The query log, a file of its own in SQLite, is a table here.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/parleyhq/parley/internal/store"
)

// A DB is an open PostgreSQL store. It is safe for concurrent use.
type DB struct {
	db  *sql.DB
	now func() time.Time

	// node names this process among the nodes of the database; the
	// heartbeat says it is alive (see LockDialogue).
	node     string
	stopBeat chan struct{}
	beatDone chan struct{}
}

// Open connects to the PostgreSQL database that dsn names (a postgres:// URL
// or keyword/value string, as pgx reads it), and brings its schema up to
// date.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return OpenWith(ctx, dsn, Options{})
}

// Options change what [OpenWith] opens.
type Options struct {
	// Tracer, when set, is told of every statement sent to the database:
	// each is one round trip (tests count them).
	Tracer pgx.QueryTracer
}

// poolSize is the number of connections a node may open: the URL's
// pool_max_conns (the parameter pgxpool reads, taken out of those sent to
// the server), else 4 × max(4, CPUs).
func poolSize(cfg *pgx.ConnConfig) (int, error) {
	v, ok := cfg.RuntimeParams["pool_max_conns"]
	if !ok {
		return 4 * max(4, runtime.GOMAXPROCS(0)), nil
	}
	delete(cfg.RuntimeParams, "pool_max_conns")
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 {
		return 0, fmt.Errorf("pool_max_conns=%q: want a number of connections, at least 2 (one beats while another runs a turn)", v)
	}
	return n, nil
}

// OpenWith is [Open] with options.
func OpenWith(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if opts.Tracer != nil {
		cfg.Tracer = opts.Tracer
	}
	if cfg.ConnectTimeout == 0 {
		// A database that does not answer fails the turn, not hangs it.
		cfg.ConnectTimeout = 5 * time.Second
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	conns, err := poolSize(cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	db := stdlib.OpenDB(*cfg)
	// As many kept idle as may be open: a pool that closes what it cannot
	// keep opens a connection (a PostgreSQL backend process) for every
	// turn past the idle count, which cost two thirds of the throughput
	// of 20 concurrent dialogues (BENCHMARKS.md). Idle ones close after
	// five minutes.
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	d := &DB{db: db, now: time.Now, node: newNodeID(), stopBeat: make(chan struct{}), beatDone: make(chan struct{})}
	if err := d.beat(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", where, err)
	}
	go d.heartbeats()
	return d, nil
}

// Close closes the database, after giving back this node's leases. Calls in
// flight may fail.
func (db *DB) Close() error {
	close(db.stopBeat)
	<-db.beatDone
	return db.db.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// timestamp is now in the store's precision: UTC, whole seconds.
func (db *DB) timestamp() time.Time {
	return db.now().UTC().Truncate(time.Second)
}

func fromUnix(s int64) time.Time { return time.Unix(s, 0).UTC() }

// maxAttempts bounds the tries of a write that loses a deadlock or a
// serialization race.
const maxAttempts = 5

// write runs f in a write transaction and commits it if f returns nil. A
// transaction that PostgreSQL aborts to break a deadlock or a serialization
// conflict runs again (f must not depend on what a failed run left behind).
func (db *DB) write(ctx context.Context, f func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := inTx(ctx, db.db, nil, f)
		if attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
			continue
		}
		return err
	}
}

// readOnly is the transaction of read: one snapshot for all it reads.
var readOnly = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// read runs f in a read-only transaction, so that everything f reads comes
// from one snapshot.
func (db *DB) read(ctx context.Context, f func(*sql.Tx) error) error {
	return inTx(ctx, db.db, readOnly, f)
}

// inTx runs f in a transaction of pool and commits it if f returns nil.
func inTx(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, f func(*sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// SQLSTATE codes the store tells apart.
const (
	uniqueViolation      = "23505"
	foreignKeyViolation  = "23503"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
	undefinedTable       = "42P01"
	// PostgreSQL text holds valid UTF-8 without NUL bytes; other bytes in a
	// text argument are this error (SQLite stores them as given).
	characterNotInRepertoire = "22021"
)

// pgError returns the PostgreSQL error in err's chain, if any.
func pgError(err error) (*pgconn.PgError, bool) { return errors.AsType[*pgconn.PgError](err) }

// retryable reports whether err is a transaction PostgreSQL aborted that
// would succeed if run again.
func retryable(err error) bool {
	e, ok := pgError(err)
	return ok && (e.Code == serializationFailure || e.Code == deadlockDetected)
}

// violates reports whether err is a unique violation of the named
// constraint (or unique index).
func violates(err error, constraint string) bool {
	e, ok := pgError(err)
	return ok && e.Code == uniqueViolation && e.ConstraintName == constraint
}

// constraint classifies a constraint violation: store.ErrExists for a
// unique or primary key, store.ErrNotFound for a foreign key (the parent is
// missing), store.ErrInvalid for text PostgreSQL cannot hold (a NUL byte,
// invalid UTF-8), and err itself otherwise.
func constraint(err error) error {
	e, ok := pgError(err)
	if !ok {
		return err
	}
	switch e.Code {
	case uniqueViolation:
		return fmt.Errorf("%w (%w)", store.ErrExists, err)
	case foreignKeyViolation:
		return fmt.Errorf("%w (%w)", store.ErrNotFound, err)
	case characterNotInRepertoire:
		return fmt.Errorf("%w: text must be UTF-8 without NUL bytes (%w)", store.ErrInvalid, err)
	}
	return err
}

// missing reports whether a lookup found nothing: no row, or a key that
// PostgreSQL cannot hold as text (a NUL byte, invalid UTF-8), which names
// nothing stored.
func missing(err error) bool {
	if errors.Is(err, sql.ErrNoRows) {
		return true
	}
	e, ok := pgError(err)
	return ok && e.Code == characterNotInRepertoire
}

// orErr returns err if it is not nil, and otherwise def.
func orErr(err, def error) error {
	if err != nil {
		return err
	}
	return def
}

type scanner interface{ Scan(...any) error }

// nullString maps "" to NULL.
func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nullBytes maps an empty document to NULL, and binds the others as text.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// blob binds a byte slice as BYTEA, and an empty one as NULL.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// nullInt maps 0 to NULL.
func nullInt(n int) sql.NullInt64 { return sql.NullInt64{Int64: int64(n), Valid: n != 0} }

// nullFloat stores 0 as NULL.
func nullFloat(f float64) any {
	if f == 0 {
		return nil
	}
	return f
}

// An update collects the SET clause of an UPDATE statement from the members
// of a patch that are set. Its placeholders are numbered $1, $2, … in the
// order of args.
type update struct {
	cols []string
	args []any
}

// set adds "col = v" to the clause.
func (u *update) set(col string, v any) {
	u.cols = append(u.cols, col+" = "+u.arg(v))
}

// arg adds v to the arguments and returns its placeholder, for a WHERE
// clause after the SET clause.
func (u *update) arg(v any) string {
	u.args = append(u.args, v)
	return "$" + strconv.Itoa(len(u.args))
}

// add adds a clause of its own, such as "n = n + 1".
func (u *update) add(clause string) { u.cols = append(u.cols, clause) }

// clause returns the SET clause, without SET; its arguments are u.args.
func (u *update) clause() string { return strings.Join(u.cols, ", ") }

// exec runs UPDATE table SET … WHERE sid = sid in tx.
func (u *update) exec(ctx context.Context, tx *sql.Tx, table, sid string) error {
	set := u.clause()
	where := u.arg(sid)
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+set+` WHERE sid = `+where, u.args...)
	return constraint(err)
}

// The PostgreSQL store is a whole backend.
var _ store.Store = (*DB)(nil)

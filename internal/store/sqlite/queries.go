package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// The query log is a database file of its own (see QueryLogPath): writing it
// never waits for, nor holds up, the main database's writer. Its rows name
// an assistant of the main database, checked when they are written.

// assistantExists reports whether the account has the assistant with SID sid.
func (db *DB) assistantExists(ctx context.Context, accountSID, sid string) (bool, error) {
	var one int
	err := db.r.QueryRowContext(ctx, `SELECT 1 FROM assistants WHERE sid = ? AND account_sid = ?`, sid, accountSID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// CreateQuery stores a classified utterance. It assigns the SID (UH…) when
// empty, the dates, and the status pending-review when empty. An unknown
// assistant, or another account's, is ErrNotFound.
func (db *DB) CreateQuery(ctx context.Context, q *store.Query) error {
	if q.AccountSID == "" || q.AssistantSID == "" {
		return fmt.Errorf("create query: account and assistant required: %w", store.ErrInvalid)
	}
	ok, err := db.assistantExists(ctx, q.AccountSID, q.AssistantSID)
	if err != nil {
		return fmt.Errorf("create query: %w", err)
	}
	if !ok {
		return fmt.Errorf("create query: assistant %s: %w", q.AssistantSID, store.ErrNotFound)
	}
	c := *q
	now := db.timestamp()
	prepareQuery(&c, now)
	if _, err := db.q.ExecContext(ctx, insertQuery, queryArgs(&c)...); err != nil {
		return fmt.Errorf("create query: %w", constraint(err))
	}
	*q = c
	return nil
}

// CreateQueries stores many classified utterances in one transaction of the
// query log, as CreateQuery does each; queries of assistants that do not
// exist (any more) are skipped. It returns how many it stored.
func (db *DB) CreateQueries(ctx context.Context, qs []*store.Query) (int, error) {
	exists := map[[2]string]bool{}
	var keep []*store.Query
	for _, q := range qs {
		key := [2]string{q.AccountSID, q.AssistantSID}
		ok, seen := exists[key]
		if !seen {
			var err error
			if ok, err = db.assistantExists(ctx, q.AccountSID, q.AssistantSID); err != nil {
				return 0, fmt.Errorf("create queries: %w", err)
			}
			exists[key] = ok
		}
		if ok {
			keep = append(keep, q)
		}
	}
	if len(keep) == 0 {
		return 0, nil
	}
	now := db.timestamp()
	err := inTx(ctx, db.q, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertQuery)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, q := range keep {
			prepareQuery(q, now)
			if _, err := stmt.ExecContext(ctx, queryArgs(q)...); err != nil {
				return constraint(err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create queries: %w", err)
	}
	return len(keep), nil
}

func prepareQuery(q *store.Query, now time.Time) {
	if q.SID == "" {
		q.SID = twilio.NewSID(twilio.PrefixQuery)
	}
	if q.Status == "" {
		q.Status = "pending-review"
	}
	q.DateCreated, q.DateUpdated = now, now
}

const insertQuery = `INSERT INTO queries
	(sid, account_sid, assistant_sid, language, query, tasks, model_build_sid, sample_sid, dialogue_sid,
	 status, source_channel, results, date_created, date_updated)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func queryArgs(c *store.Query) []any {
	return []any{c.SID, c.AccountSID, c.AssistantSID, c.Language, c.Query, nullString(c.Tasks),
		nullString(c.ModelBuildSID), nullString(c.SampleSID), nullString(c.DialogueSID), c.Status,
		nullString(c.SourceChannel), nullBytes(c.Results), c.DateCreated.Unix(), c.DateUpdated.Unix()}
}

// queryColumns are the columns scanQuery reads.
const queryColumns = `sid, account_sid, assistant_sid, language, query, COALESCE(tasks, ''),
	COALESCE(model_build_sid, ''), COALESCE(sample_sid, ''), COALESCE(dialogue_sid, ''), status,
	COALESCE(source_channel, ''), results, date_created, date_updated`

func scanQuery(s scanner) (*store.Query, error) {
	q := &store.Query{}
	var results sql.NullString
	var created, updated int64
	if err := s.Scan(&q.SID, &q.AccountSID, &q.AssistantSID, &q.Language, &q.Query, &q.Tasks,
		&q.ModelBuildSID, &q.SampleSID, &q.DialogueSID, &q.Status, &q.SourceChannel, &results,
		&created, &updated); err != nil {
		return nil, err
	}
	if results.Valid {
		q.Results = []byte(results.String)
	}
	q.DateCreated, q.DateUpdated = fromUnix(created), fromUnix(updated)
	return q, nil
}

// Queries returns the assistant's logged queries, newest first.
func (db *DB) Queries(ctx context.Context, accountSID, assistantSID string, f store.QueryFilter) ([]store.Query, error) {
	where, tail, args := f.SQL(3, func(int) string { return "?" })
	rows, err := db.q.QueryContext(ctx, `SELECT `+queryColumns+`
		FROM queries WHERE account_sid = ? AND assistant_sid = ?`+where+tail, append([]any{accountSID, assistantSID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list queries: %w", err)
	}
	defer rows.Close()
	var out []store.Query
	for rows.Next() {
		q, err := scanQuery(rows)
		if err != nil {
			return nil, fmt.Errorf("list queries: %w", err)
		}
		out = append(out, *q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list queries: %w", err)
	}
	return out, nil
}

// Query returns the logged query sid of the assistant assistantSID (a SID,
// not a name) of account accountSID.
func (db *DB) Query(ctx context.Context, accountSID, assistantSID, sid string) (*store.Query, error) {
	q, err := scanQuery(db.q.QueryRowContext(ctx, `SELECT `+queryColumns+`
		FROM queries WHERE sid = ? AND account_sid = ? AND assistant_sid = ?`, sid, accountSID, assistantSID))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get query %s: %w", sid, err)
	}
	return q, nil
}

// Query statuses, which [DB.UpdateQuery] accepts.
var queryStatuses = []string{"pending-review", "reviewed", "discarded"}

// UpdateQuery changes the sample and status that p sets of the logged query
// sid (named as in [DB.Query]), sets its date_updated, and returns it. A
// sample set to "" is unset; the store does not check that a sample names
// one. Errors: [store.ErrInvalid] when the status is none of pending-review,
// reviewed and discarded; [store.ErrNotFound] when there is no such query.
func (db *DB) UpdateQuery(ctx context.Context, accountSID, assistantSID, sid string, p store.QueryPatch) (*store.Query, error) {
	if p.Status != nil && !slices.Contains(queryStatuses, *p.Status) {
		return nil, fmt.Errorf("update query %s: status %q: %w", sid, *p.Status, store.ErrInvalid)
	}
	var q *store.Query
	err := inTx(ctx, db.q, func(tx *sql.Tx) error {
		var u update
		if p.SampleSID != nil {
			u.set("sample_sid", nullString(*p.SampleSID))
		}
		if p.Status != nil {
			u.set("status", *p.Status)
		}
		u.set("date_updated", db.timestamp().Unix())
		var err error
		q, err = scanQuery(tx.QueryRowContext(ctx, `UPDATE queries SET `+u.clause()+`
			WHERE sid = ? AND account_sid = ? AND assistant_sid = ?
			RETURNING `+queryColumns, append(u.args, sid, accountSID, assistantSID)...))
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update query %s: %w", sid, err)
	}
	return q, nil
}

// DeleteQuery deletes the logged query sid (named as in [DB.Query]).
func (db *DB) DeleteQuery(ctx context.Context, accountSID, assistantSID, sid string) error {
	res, err := db.q.ExecContext(ctx, `DELETE FROM queries WHERE sid = ? AND account_sid = ? AND assistant_sid = ?`,
		sid, accountSID, assistantSID)
	if err != nil {
		return fmt.Errorf("delete query %s: %w", sid, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("delete query %s: %w", sid, orErr(err, store.ErrNotFound))
	}
	return nil
}

// deleteQueries removes the query log of an assistant (deleted with it).
func (db *DB) deleteQueries(ctx context.Context, assistantSID string) error {
	for _, table := range []string{"queries", "turns"} {
		if _, err := db.q.ExecContext(ctx, `DELETE FROM `+table+` WHERE assistant_sid = ?`, assistantSID); err != nil {
			return fmt.Errorf("delete %s of %s: %w", table, assistantSID, err)
		}
	}
	return nil
}

// PurgeQueries deletes the logged queries created before before (Autopilot
// kept them 30 days), a thousand at a time so that the log's writers wait
// for no long transaction, and returns how many it deleted.
func (db *DB) PurgeQueries(ctx context.Context, before time.Time) (int64, error) {
	// The turn log goes with the queries.
	if _, err := store.DeleteInBatches(func() (sql.Result, error) {
		return db.q.ExecContext(ctx, `DELETE FROM turns WHERE id IN
			(SELECT id FROM turns WHERE date_created < ? LIMIT `+store.PurgeLimit+`)`, before.Unix())
	}); err != nil {
		return 0, fmt.Errorf("purge turns: %w", err)
	}
	n, err := store.DeleteInBatches(func() (sql.Result, error) {
		return db.q.ExecContext(ctx, `DELETE FROM queries WHERE id IN
			(SELECT id FROM queries WHERE date_created < ? LIMIT `+store.PurgeLimit+`)`, before.Unix())
	})
	if err != nil {
		return n, fmt.Errorf("purge queries: %w", err)
	}
	return n, nil
}

package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// The query log is the table queries, in the same database as the rest (the
// SQLite store keeps it in a file of its own). A query names its assistant
// by a foreign key: it is written only for an assistant of its account, in
// the same statement that checks so, and deleted with the assistant.

// insertQuery inserts the query of queryArgs if its assistant is one of its
// account's, and nothing otherwise.
const insertQuery = `INSERT INTO queries
	(sid, account_sid, assistant_sid, language, query, tasks, model_build_sid, sample_sid, dialogue_sid,
	 status, source_channel, results, date_created, date_updated)
	SELECT $1::text, a.account_sid, a.sid, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,
		$10::text, $11::text, $12::text, $13::bigint, $14::bigint
	FROM assistants a WHERE a.account_sid = $2 AND a.sid = $3`

func queryArgs(c *store.Query) []any {
	return []any{c.SID, c.AccountSID, c.AssistantSID, c.Language, c.Query, nullString(c.Tasks),
		nullString(c.ModelBuildSID), nullString(c.SampleSID), nullString(c.DialogueSID), c.Status,
		nullString(c.SourceChannel), nullBytes(c.Results), c.DateCreated.Unix(), c.DateUpdated.Unix()}
}

// CreateQuery stores a classified utterance. It assigns the SID (UH…) when
// empty, the dates, and the status pending-review when empty. An unknown
// assistant, or another account's, is ErrNotFound.
func (db *DB) CreateQuery(ctx context.Context, q *store.Query) error {
	if q.AccountSID == "" || q.AssistantSID == "" {
		return fmt.Errorf("create query: account and assistant required: %w", store.ErrInvalid)
	}
	c := *q
	prepareQuery(&c, db.timestamp())
	res, err := db.db.ExecContext(ctx, insertQuery, queryArgs(&c)...)
	if err != nil {
		// A foreign key violation: the assistant was deleted meanwhile.
		return fmt.Errorf("create query: %w", constraint(err))
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("create query: %w", orErr(err, fmt.Errorf("assistant %s: %w", q.AssistantSID, store.ErrNotFound)))
	}
	*q = c
	return nil
}

// CreateQueries stores many classified utterances in one transaction, as
// CreateQuery does each; queries of assistants that do not exist (any more)
// are skipped. It returns how many it stored.
func (db *DB) CreateQueries(ctx context.Context, qs []*store.Query) (int, error) {
	if len(qs) == 0 {
		return 0, nil
	}
	now := db.timestamp()
	var stored []*store.Query
	var copies []store.Query
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = db.write(ctx, func(tx *sql.Tx) error {
			// A run again (after a deadlock, say) starts afresh.
			stored, copies = stored[:0], copies[:0]
			for _, q := range qs {
				c := *q
				prepareQuery(&c, now)
				// pgx caches the statement per connection: no Prepare, which
				// would cost a round trip, and its Close another.
				res, err := tx.ExecContext(ctx, insertQuery, queryArgs(&c)...)
				if err != nil {
					return err
				}
				if n, err := res.RowsAffected(); err != nil {
					return err
				} else if n == 1 {
					stored, copies = append(stored, q), append(copies, c)
				}
			}
			return nil
		})
		// An assistant deleted between the check and the foreign key's:
		// run the batch again, which now skips it.
		if e, ok := pgError(err); !ok || e.Code != foreignKeyViolation {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("create queries: %w", constraint(err))
	}
	for i, q := range stored {
		*q = copies[i]
	}
	return len(stored), nil
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
	where, tail, args := f.SQL(3, func(n int) string { return "$" + strconv.Itoa(n) })
	rows, err := db.db.QueryContext(ctx, `SELECT `+queryColumns+`
		FROM queries WHERE account_sid = $1 AND assistant_sid = $2`+where+tail, append([]any{accountSID, assistantSID}, args...)...)
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
	q, err := scanQuery(db.db.QueryRowContext(ctx, `SELECT `+queryColumns+`
		FROM queries WHERE sid = $1 AND account_sid = $2 AND assistant_sid = $3`, sid, accountSID, assistantSID))
	if missing(err) {
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
	var u update
	if p.SampleSID != nil {
		u.set("sample_sid", nullString(*p.SampleSID))
	}
	if p.Status != nil {
		u.set("status", *p.Status)
	}
	u.set("date_updated", db.timestamp().Unix())
	set := u.clause()
	where := fmt.Sprintf("sid = %s AND account_sid = %s AND assistant_sid = %s",
		u.arg(sid), u.arg(accountSID), u.arg(assistantSID))
	q, err := scanQuery(db.db.QueryRowContext(ctx, `UPDATE queries SET `+set+` WHERE `+where+`
		RETURNING `+queryColumns, u.args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("update query %s: %w", sid, constraint(err))
	}
	return q, nil
}

// DeleteQuery deletes the logged query sid (named as in [DB.Query]).
func (db *DB) DeleteQuery(ctx context.Context, accountSID, assistantSID, sid string) error {
	res, err := db.db.ExecContext(ctx, `DELETE FROM queries WHERE sid = $1 AND account_sid = $2 AND assistant_sid = $3`,
		sid, accountSID, assistantSID)
	if err != nil {
		return fmt.Errorf("delete query %s: %w", sid, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("delete query %s: %w", sid, orErr(err, store.ErrNotFound))
	}
	return nil
}

// PurgeQueries deletes the logged queries created before before (Autopilot
// kept them 30 days), a thousand at a time so that no transaction holds
// many rows for long, and returns how many it deleted.
func (db *DB) PurgeQueries(ctx context.Context, before time.Time) (int64, error) {
	// The turn log goes with the queries.
	if _, err := store.DeleteInBatches(func() (sql.Result, error) {
		return db.db.ExecContext(ctx, `DELETE FROM turns WHERE id IN
			(SELECT id FROM turns WHERE date_created < $1 LIMIT `+store.PurgeLimit+`)`, before.Unix())
	}); err != nil {
		return 0, fmt.Errorf("purge turns: %w", err)
	}
	n, err := store.DeleteInBatches(func() (sql.Result, error) {
		return db.db.ExecContext(ctx, `DELETE FROM queries WHERE id IN
			(SELECT id FROM queries WHERE date_created < $1 LIMIT `+store.PurgeLimit+`)`, before.Unix())
	})
	if err != nil {
		return n, fmt.Errorf("purge queries: %w", err)
	}
	return n, nil
}

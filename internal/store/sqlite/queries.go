package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// Queries returns the assistant's logged queries, newest first.
func (db *DB) Queries(ctx context.Context, accountSID, assistantSID string) ([]store.Query, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT sid, account_sid, assistant_sid, language, query, COALESCE(tasks, ''),
			COALESCE(model_build_sid, ''), COALESCE(sample_sid, ''), COALESCE(dialogue_sid, ''), status,
			COALESCE(source_channel, ''), results, date_created, date_updated
		FROM queries WHERE account_sid = ? AND assistant_sid = ? ORDER BY id DESC`, accountSID, assistantSID)
	if err != nil {
		return nil, fmt.Errorf("list queries: %w", err)
	}
	defer rows.Close()
	var out []store.Query
	for rows.Next() {
		var q store.Query
		var results sql.NullString
		var created, updated int64
		if err := rows.Scan(&q.SID, &q.AccountSID, &q.AssistantSID, &q.Language, &q.Query, &q.Tasks,
			&q.ModelBuildSID, &q.SampleSID, &q.DialogueSID, &q.Status, &q.SourceChannel, &results,
			&created, &updated); err != nil {
			return nil, fmt.Errorf("list queries: %w", err)
		}
		if results.Valid {
			q.Results = []byte(results.String)
		}
		q.DateCreated, q.DateUpdated = fromUnix(created), fromUnix(updated)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list queries: %w", err)
	}
	return out, nil
}

// deleteQueries removes the query log of an assistant (deleted with it).
func (db *DB) deleteQueries(ctx context.Context, assistantSID string) error {
	if _, err := db.q.ExecContext(ctx, `DELETE FROM queries WHERE assistant_sid = ?`, assistantSID); err != nil {
		return fmt.Errorf("delete queries of %s: %w", assistantSID, err)
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// CreateQuery stores a classified utterance. It assigns the SID (UH…) when
// empty, the dates, and the status pending-review when empty. An unknown
// assistant is ErrNotFound.
func (db *DB) CreateQuery(ctx context.Context, q *store.Query) error {
	if q.AccountSID == "" || q.AssistantSID == "" {
		return fmt.Errorf("create query: account and assistant required: %w", store.ErrInvalid)
	}
	c := *q
	if c.SID == "" {
		c.SID = twilio.NewSID(twilio.PrefixQuery)
	}
	if c.Status == "" {
		c.Status = "pending-review"
	}
	now := db.timestamp()
	res, err := db.w.ExecContext(ctx, insertQuery, queryArgs(&c, now)...)
	if err != nil {
		return fmt.Errorf("create query: %w", constraint(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("create query: assistant %s: %w", c.AssistantSID, store.ErrNotFound)
	}
	c.DateCreated, c.DateUpdated = now, now
	*q = c
	return nil
}

// CreateQueries stores many classified utterances in one transaction, as
// CreateQuery does each; queries of assistants that no longer exist are
// skipped. It returns how many it stored.
func (db *DB) CreateQueries(ctx context.Context, qs []*store.Query) (int, error) {
	stored := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertQuery)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := db.timestamp()
		for _, q := range qs {
			if q.SID == "" {
				q.SID = twilio.NewSID(twilio.PrefixQuery)
			}
			if q.Status == "" {
				q.Status = "pending-review"
			}
			res, err := stmt.ExecContext(ctx, queryArgs(q, now)...)
			if err != nil {
				return constraint(err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				q.DateCreated, q.DateUpdated = now, now
				stored++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create queries: %w", err)
	}
	return stored, nil
}

const insertQuery = `INSERT INTO queries
	(sid, account_sid, assistant_sid, language, query, tasks, model_build_sid, sample_sid, dialogue_sid,
	 status, source_channel, results, date_created, date_updated)
	SELECT ?, ?, sid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
	FROM assistants WHERE sid = ? AND account_sid = ?`

func queryArgs(c *store.Query, now time.Time) []any {
	return []any{c.SID, c.AccountSID, c.Language, c.Query, nullString(c.Tasks), nullString(c.ModelBuildSID),
		nullString(c.SampleSID), nullString(c.DialogueSID), c.Status, nullString(c.SourceChannel),
		nullBytes(c.Results), now.Unix(), now.Unix(), c.AssistantSID, c.AccountSID}
}

// Queries returns the assistant's logged queries, newest first.
func (db *DB) Queries(ctx context.Context, accountSID, assistantSID string) ([]store.Query, error) {
	var out []store.Query
	err := db.read(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, `SELECT sid, account_sid, assistant_sid, language, query, COALESCE(tasks, ''),
			COALESCE(model_build_sid, ''), COALESCE(sample_sid, ''), COALESCE(dialogue_sid, ''), status,
			COALESCE(source_channel, ''), results, date_created, date_updated
		FROM queries WHERE account_sid = ? AND assistant_sid = ? ORDER BY id DESC`,
			[]any{accountSID, assistantSID}, func(rows *sql.Rows) error {
				var q store.Query
				var results sql.NullString
				var created, updated int64
				if err := rows.Scan(&q.SID, &q.AccountSID, &q.AssistantSID, &q.Language, &q.Query, &q.Tasks,
					&q.ModelBuildSID, &q.SampleSID, &q.DialogueSID, &q.Status, &q.SourceChannel, &results,
					&created, &updated); err != nil {
					return err
				}
				if results.Valid {
					q.Results = []byte(results.String)
				}
				q.DateCreated, q.DateUpdated = fromUnix(created), fromUnix(updated)
				out = append(out, q)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("list queries: %w", err)
	}
	return out, nil
}

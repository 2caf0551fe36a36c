package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
	res, err := db.w.ExecContext(ctx, `INSERT INTO queries
		(sid, account_sid, assistant_sid, language, query, tasks, model_build_sid, sample_sid, dialogue_sid,
		 status, source_channel, results, date_created, date_updated)
		SELECT ?, ?, sid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
		FROM assistants WHERE sid = ? AND account_sid = ?`,
		c.SID, c.AccountSID, c.Language, c.Query, nullString(c.Tasks), nullString(c.ModelBuildSID),
		nullString(c.SampleSID), nullString(c.DialogueSID), c.Status, nullString(c.SourceChannel),
		nullBytes(c.Results), now.Unix(), now.Unix(), c.AssistantSID, c.AccountSID)
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

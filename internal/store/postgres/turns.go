package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley/internal/store"
)

// LogTurns is the SQLite store's (internal/store/sqlite): a turn of an
// assistant that is gone is skipped.
func (db *DB) LogTurns(ctx context.Context, ts []*store.TurnRecord) (int, error) {
	now := db.timestamp()
	n := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, t := range ts {
			created := t.DateCreated
			if created.IsZero() {
				created = now
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO turns
				(account_sid, assistant_sid, dialogue_sid, channel, user_id, input, task, trace, date_created)
				SELECT account_sid, sid, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::bigint
				FROM assistants WHERE sid = $2 AND account_sid = $1`,
				t.AccountSID, t.AssistantSID, t.DialogueSID, t.Channel, t.UserID, t.Input, t.Task, string(t.Trace), created.Unix())
			if err != nil {
				return constraint(err)
			}
			if k, _ := res.RowsAffected(); k == 1 {
				n++
				t.DateCreated = created
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("log turns: %w", err)
	}
	return n, nil
}

// RecentDialogues is the SQLite store's (internal/store/sqlite).
func (db *DB) RecentDialogues(ctx context.Context, accountSID, assistantSID string, limit int) ([]store.DialogueSummary, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT dialogue_sid, channel, user_id, count(*), MIN(date_created), MAX(date_created),
			(SELECT input FROM turns l WHERE l.dialogue_sid = t.dialogue_sid ORDER BY l.id DESC LIMIT 1)
		FROM turns t WHERE account_sid = $1 AND assistant_sid = $2
		GROUP BY dialogue_sid, channel, user_id ORDER BY MAX(id) DESC LIMIT $3`, accountSID, assistantSID, limit)
	if err != nil {
		return nil, fmt.Errorf("recent dialogues: %w", err)
	}
	defer rows.Close()
	var out []store.DialogueSummary
	for rows.Next() {
		var d store.DialogueSummary
		var first, last int64
		if err := rows.Scan(&d.DialogueSID, &d.Channel, &d.UserID, &d.Turns, &first, &last, &d.LastInput); err != nil {
			return nil, fmt.Errorf("recent dialogues: %w", err)
		}
		d.First, d.Last = fromUnix(first), fromUnix(last)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DialogueTurns is the SQLite store's (internal/store/sqlite).
func (db *DB) DialogueTurns(ctx context.Context, accountSID, assistantSID, dialogueSID string) ([]store.TurnRecord, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT channel, user_id, input, task, trace, date_created FROM turns
		WHERE account_sid = $1 AND assistant_sid = $2 AND dialogue_sid = $3 ORDER BY id`, accountSID, assistantSID, dialogueSID)
	if err != nil {
		return nil, fmt.Errorf("dialogue turns: %w", err)
	}
	defer rows.Close()
	var out []store.TurnRecord
	for rows.Next() {
		t := store.TurnRecord{AccountSID: accountSID, AssistantSID: assistantSID, DialogueSID: dialogueSID}
		var trace string
		var created int64
		if err := rows.Scan(&t.Channel, &t.UserID, &t.Input, &t.Task, &trace, &created); err != nil {
			return nil, fmt.Errorf("dialogue turns: %w", err)
		}
		t.Trace, t.DateCreated = []byte(trace), fromUnix(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

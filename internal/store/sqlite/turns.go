package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley/internal/store"
)

// LogTurns writes turns to the turn log, in the query log's file, skipping
// those whose assistant is gone, and returns how many it wrote.
func (db *DB) LogTurns(ctx context.Context, ts []*store.TurnRecord) (int, error) {
	exists := map[[2]string]bool{}
	var keep []*store.TurnRecord
	for _, t := range ts {
		key := [2]string{t.AccountSID, t.AssistantSID}
		ok, seen := exists[key]
		if !seen {
			var err error
			if ok, err = db.assistantExists(ctx, t.AccountSID, t.AssistantSID); err != nil {
				return 0, fmt.Errorf("log turns: %w", err)
			}
			exists[key] = ok
		}
		if ok {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		return 0, nil
	}
	now := db.timestamp()
	err := inTx(ctx, db.q, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO turns
			(account_sid, assistant_sid, dialogue_sid, channel, user_id, input, task, trace, date_created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range keep {
			if t.DateCreated.IsZero() {
				t.DateCreated = now
			}
			if _, err := stmt.ExecContext(ctx, t.AccountSID, t.AssistantSID, t.DialogueSID, t.Channel, t.UserID, t.Input, t.Task,
				string(t.Trace), t.DateCreated.Unix()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("log turns: %w", err)
	}
	return len(keep), nil
}

// RecentDialogues returns the logged dialogues of the assistant
// assistantSID (a SID) of account accountSID, the latest first.
func (db *DB) RecentDialogues(ctx context.Context, accountSID, assistantSID string, limit int) ([]store.DialogueSummary, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT dialogue_sid, channel, user_id, count(*), MIN(date_created), MAX(date_created),
			(SELECT input FROM turns l WHERE l.dialogue_sid = t.dialogue_sid ORDER BY l.id DESC LIMIT 1)
		FROM turns t WHERE account_sid = ? AND assistant_sid = ?
		GROUP BY dialogue_sid, channel, user_id ORDER BY MAX(id) DESC LIMIT ?`, accountSID, assistantSID, limit)
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

// DialogueTurns returns the logged turns of a dialogue, in order.
func (db *DB) DialogueTurns(ctx context.Context, accountSID, assistantSID, dialogueSID string) ([]store.TurnRecord, error) {
	rows, err := db.q.QueryContext(ctx, `SELECT channel, user_id, input, task, trace, date_created FROM turns
		WHERE account_sid = ? AND assistant_sid = ? AND dialogue_sid = ? ORDER BY id`, accountSID, assistantSID, dialogueSID)
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

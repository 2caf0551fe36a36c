package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/store"
)

// WebChat is the SQLite store's (internal/store/sqlite).
func (db *DB) WebChat(ctx context.Context, assistantSID string) (store.WebChat, error) {
	w := store.WebChat{AssistantSID: assistantSID}
	var enabled sql.NullBool
	var origins, secret sql.NullString
	err := db.db.QueryRowContext(ctx, `SELECT a.account_sid, w.enabled, w.origins, w.secret
		FROM assistants a LEFT JOIN webchats w ON w.assistant_sid = a.sid
		WHERE a.sid = $1`, assistantSID).Scan(&w.AccountSID, &enabled, &origins, &secret)
	if missing(err) {
		return w, fmt.Errorf("web chat of %s: %w", assistantSID, store.ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("web chat of %s: %w", assistantSID, err)
	}
	w.Enabled, w.Secret = enabled.Bool, secret.String
	if origins.String != "" {
		w.Origins = strings.Split(origins.String, " ")
	}
	if w.Secret == "" {
		w.Secret = store.NewWebChatSecret()
	}
	return w, nil
}

// SetWebChat is the SQLite store's (internal/store/sqlite).
func (db *DB) SetWebChat(ctx context.Context, accountSID string, w store.WebChat) error {
	if w.Secret == "" {
		w.Secret = store.NewWebChatSecret()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webchats (assistant_sid, enabled, origins, secret)
			SELECT sid, $1::boolean, $2::text, $3::text FROM assistants WHERE sid = $4 AND account_sid = $5
			ON CONFLICT (assistant_sid) DO UPDATE SET enabled = EXCLUDED.enabled, origins = EXCLUDED.origins, secret = EXCLUDED.secret`,
			w.Enabled, strings.Join(w.Origins, " "), w.Secret, w.AssistantSID, accountSID)
		if err != nil {
			return constraint(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orErr(err, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set web chat of %s: %w", w.AssistantSID, err)
	}
	return nil
}

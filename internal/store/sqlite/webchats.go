package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/store"
)

// WebChat returns the web chat of the assistant assistantSID, with the
// account that owns it: disabled, with no origins and a new secret, when it
// was never set. Errors: [store.ErrNotFound] for no such assistant.
func (db *DB) WebChat(ctx context.Context, assistantSID string) (store.WebChat, error) {
	w := store.WebChat{AssistantSID: assistantSID}
	var enabled sql.NullBool
	var origins, secret sql.NullString
	err := db.r.QueryRowContext(ctx, `SELECT a.account_sid, w.enabled, w.origins, w.secret
		FROM assistants a LEFT JOIN webchats w ON w.assistant_sid = a.sid
		WHERE a.sid = ?`, assistantSID).Scan(&w.AccountSID, &enabled, &origins, &secret)
	if errors.Is(err, sql.ErrNoRows) {
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

// SetWebChat stores the web chat w of an assistant of account accountSID,
// with a new secret when w's is empty. Errors: [store.ErrNotFound] for no
// such assistant.
func (db *DB) SetWebChat(ctx context.Context, accountSID string, w store.WebChat) error {
	if w.Secret == "" {
		w.Secret = store.NewWebChatSecret()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webchats (assistant_sid, enabled, origins, secret)
			SELECT sid, ?, ?, ? FROM assistants WHERE sid = ? AND account_sid = ?
			ON CONFLICT (assistant_sid) DO UPDATE SET enabled = excluded.enabled, origins = excluded.origins, secret = excluded.secret`,
			w.Enabled, strings.Join(w.Origins, " "), w.Secret, w.AssistantSID, accountSID)
		if err != nil {
			return err
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

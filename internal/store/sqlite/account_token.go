package sqlite

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/store"
)

// SetAuthToken replaces an account's auth token (PARLEY_AUTH_TOKEN pins it).
func (db *DB) SetAuthToken(ctx context.Context, sid, token string) error {
	if token == "" {
		return fmt.Errorf("set auth token of %s: empty token: %w", sid, store.ErrInvalid)
	}
	res, err := db.w.ExecContext(ctx, `UPDATE accounts SET auth_token = ?, date_updated = ? WHERE sid = ?`,
		token, db.timestamp().Unix(), sid)
	if err != nil {
		return fmt.Errorf("set auth token of %s: %w", sid, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set auth token of %s: %w", sid, store.ErrNotFound)
	}
	return nil
}

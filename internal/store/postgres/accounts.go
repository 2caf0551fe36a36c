package postgres

import (
	"context"
	"fmt"

	"github.com/parleyhq/parley/internal/store"
)

// CreateAccount stores a new account. SID and AuthToken are required
// ([store.ErrInvalid]); a zero DateCreated means now. An account with the same
// SID is [store.ErrExists].
func (db *DB) CreateAccount(ctx context.Context, a store.Account) error {
	if a.SID == "" || a.AuthToken == "" {
		return fmt.Errorf("create account %s: sid and auth token required: %w", a.SID, store.ErrInvalid)
	}
	created := a.DateCreated.UTC().Truncate(0)
	if a.DateCreated.IsZero() {
		created = db.timestamp()
	}
	_, err := db.db.ExecContext(ctx, `INSERT INTO accounts (sid, auth_token, friendly_name, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5)`, a.SID, a.AuthToken, a.FriendlyName, created.Unix(), created.Unix())
	if err != nil {
		return fmt.Errorf("create account %s: %w", a.SID, constraint(err))
	}
	return nil
}

// Account returns the account with the given SID.
func (db *DB) Account(ctx context.Context, sid string) (store.Account, error) {
	a, err := scanAccount(db.db.QueryRowContext(ctx, `SELECT sid, auth_token, friendly_name, date_created
		FROM accounts WHERE sid = $1`, sid))
	if missing(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Account{}, fmt.Errorf("get account %s: %w", sid, err)
	}
	return a, nil
}

// Accounts returns every account, oldest first.
func (db *DB) Accounts(ctx context.Context) ([]store.Account, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT sid, auth_token, friendly_name, date_created
		FROM accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var as []store.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return as, nil
}

func scanAccount(s scanner) (store.Account, error) {
	var a store.Account
	var created int64
	if err := s.Scan(&a.SID, &a.AuthToken, &a.FriendlyName, &created); err != nil {
		return store.Account{}, err
	}
	a.DateCreated = fromUnix(created)
	return a, nil
}

// SetAuthToken replaces an account's auth token (PARLEY_AUTH_TOKEN pins it).
func (db *DB) SetAuthToken(ctx context.Context, sid, token string) error {
	if token == "" {
		return fmt.Errorf("set auth token of %s: empty token: %w", sid, store.ErrInvalid)
	}
	res, err := db.db.ExecContext(ctx, `UPDATE accounts SET auth_token = $1, date_updated = $2 WHERE sid = $3`,
		token, db.timestamp().Unix(), sid)
	if err != nil {
		return fmt.Errorf("set auth token of %s: %w", sid, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("set auth token of %s: %w", sid, orErr(err, store.ErrNotFound))
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
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
	_, err := db.w.ExecContext(ctx, `INSERT INTO accounts (sid, auth_token, friendly_name, date_created, date_updated)
		VALUES (?, ?, ?, ?, ?)`, a.SID, a.AuthToken, a.FriendlyName, created.Unix(), created.Unix())
	if err != nil {
		return fmt.Errorf("create account %s: %w", a.SID, constraint(err))
	}
	return nil
}

// Account returns the account with the given SID.
func (db *DB) Account(ctx context.Context, sid string) (store.Account, error) {
	a, err := scanAccount(db.account.QueryRowContext(ctx, sid))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Account{}, fmt.Errorf("get account %s: %w", sid, err)
	}
	return a, nil
}

// Accounts returns every account, oldest first.
func (db *DB) Accounts(ctx context.Context) ([]store.Account, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT sid, auth_token, friendly_name, date_created
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

type scanner interface{ Scan(...any) error }

func scanAccount(s scanner) (store.Account, error) {
	var a store.Account
	var created int64
	if err := s.Scan(&a.SID, &a.AuthToken, &a.FriendlyName, &created); err != nil {
		return store.Account{}, err
	}
	a.DateCreated = fromUnix(created)
	return a, nil
}

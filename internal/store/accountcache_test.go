package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

type countingSource struct {
	calls int
	acct  Account
}

func (s *countingSource) Account(_ context.Context, sid string) (Account, error) {
	s.calls++
	if sid != s.acct.SID {
		return Account{}, ErrNotFound
	}
	return s.acct, nil
}

func TestAccountCache(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	src := &countingSource{acct: Account{SID: "AC1", AuthToken: "a"}}
	c := &AccountCache{Source: src, TTL: 5 * time.Second, Now: func() time.Time { return now }}
	ctx := context.Background()
	for range 3 {
		if a, err := c.Account(ctx, "AC1"); err != nil || a.AuthToken != "a" {
			t.Fatalf("Account = %+v, %v", a, err)
		}
	}
	if src.calls != 1 {
		t.Errorf("%d lookups within the TTL, want 1", src.calls)
	}
	src.acct.AuthToken = "b"
	now = now.Add(6 * time.Second)
	if a, _ := c.Account(ctx, "AC1"); a.AuthToken != "b" {
		t.Errorf("after the TTL the token is %q, want the new one", a.AuthToken)
	}
	for range 2 {
		if _, err := c.Account(ctx, "AC2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown account: %v", err)
		}
	}
	if src.calls != 4 {
		t.Errorf("unknown accounts were cached: %d lookups, want 4", src.calls)
	}
}

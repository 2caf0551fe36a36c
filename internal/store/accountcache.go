package store

import (
	"context"
	"sync"
	"time"
)

// AccountSource looks accounts up; every backend is one.
type AccountSource interface {
	Account(ctx context.Context, sid string) (Account, error)
}

// An AccountCache remembers accounts for TTL, so that authenticating every
// request does not cost a database query. A token changed elsewhere (another
// process) takes effect within TTL; unknown accounts are not remembered.
type AccountCache struct {
	Source AccountSource
	TTL    time.Duration
	Now    func() time.Time // time.Now when nil

	mu      sync.Mutex
	entries map[string]cachedAccount
}

type cachedAccount struct {
	a       Account
	expires time.Time
}

// Account returns the account with the given SID, from the cache while it is
// fresh.
func (c *AccountCache) Account(ctx context.Context, sid string) (Account, error) {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now()
	c.mu.Lock()
	e, ok := c.entries[sid]
	c.mu.Unlock()
	if ok && t.Before(e.expires) {
		return e.a, nil
	}
	a, err := c.Source.Account(ctx, sid)
	if err != nil {
		return Account{}, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]cachedAccount{}
	}
	if len(c.entries) > 10000 {
		clear(c.entries) // bounded: accounts are few, SIDs to probe are not
	}
	c.entries[sid] = cachedAccount{a: a, expires: t.Add(c.TTL)}
	c.mu.Unlock()
	return a, nil
}

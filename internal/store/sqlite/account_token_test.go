package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
)

func TestSetAuthToken(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const sid = "AC0123456789abcdef0123456789abcdef"
	if err := db.CreateAccount(ctx, store.Account{SID: sid, AuthToken: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAuthToken(ctx, sid, "new"); err != nil {
		t.Fatal(err)
	}
	a, err := db.Account(ctx, sid)
	if err != nil || a.AuthToken != "new" {
		t.Errorf("after SetAuthToken: %+v, %v", a, err)
	}
	if err := db.SetAuthToken(ctx, "AC00000000000000000000000000000000", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
	if err := db.SetAuthToken(ctx, sid, ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("empty token: %v", err)
	}
}

package console

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

type oneAccount store.Account

func (a oneAccount) Account(_ context.Context, sid string) (store.Account, error) {
	if sid != a.SID {
		return store.Account{}, store.ErrNotFound
	}
	return store.Account(a), nil
}

// FuzzSession: a session cookie is taken only as the server wrote it for
// the account's current token, and before it expires; anything else a
// browser may send is no session, and never a panic.
func FuzzSession(f *testing.F) {
	acct := store.Account{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "token-0123456789abcdef0123456789abcd"}
	now := time.Unix(1_800_000_000, 0)
	h := &Handler{Accounts: oneAccount(acct), Now: func() time.Time { return now }}
	valid := sessionValue(acct, now.Add(time.Hour))
	f.Add(valid)
	f.Add(sessionValue(acct, now.Add(-time.Second)))
	f.Add(sessionValue(store.Account{SID: acct.SID, AuthToken: "an old token, since changed...."}, now.Add(time.Hour)))
	f.Add(acct.SID + ".99999999999." + "AAAA")
	f.Add("..")
	f.Add("")
	f.Fuzz(func(t *testing.T, value string) {
		r := httptest.NewRequest("GET", "/console/assistants", nil)
		r.Header.Set("Cookie", cookieName+"="+value)
		got, err := h.session(r)
		c, cerr := r.Cookie(cookieName)
		if err == nil && (cerr != nil || c.Value != valid || got.SID != acct.SID) {
			t.Fatalf("cookie %q taken as a session of %s", value, got.SID)
		}
		if cerr == nil && c.Value == valid && err != nil {
			t.Fatalf("the server's own cookie refused: %v", err)
		}
	})
}

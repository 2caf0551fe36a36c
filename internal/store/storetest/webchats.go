package storetest

import (
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/store"
)

// testWebChats: an assistant's web chat is off until set; what is set reads
// back, secret included; another account cannot read or set it; it goes
// with its assistant.
func testWebChats(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "webchat")
	a := namedAssistant(t, s, acct, "webchat")
	w, err := s.WebChat(ctx, a.SID)
	if err != nil {
		t.Fatal(err)
	}
	if w.Enabled || len(w.Origins) != 0 || len(w.Secret) < 32 || w.AssistantSID != a.SID || w.AccountSID != acct.SID {
		t.Fatalf("a web chat never set: %+v", w)
	}
	set := store.WebChat{AssistantSID: a.SID, Enabled: true, Origins: []string{"https://shop.example", "http://localhost:3000"}, Secret: w.Secret}
	if err := s.SetWebChat(ctx, acct.SID, set); err != nil {
		t.Fatal(err)
	}
	got, err := s.WebChat(ctx, a.SID)
	if err != nil || !got.Enabled || !slices.Equal(got.Origins, set.Origins) || got.Secret != set.Secret {
		t.Fatalf("web chat read back: %+v, %v; want %+v", got, err, set)
	}
	set.Enabled, set.Origins = false, nil
	if err := s.SetWebChat(ctx, acct.SID, set); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.WebChat(ctx, a.SID); got.Enabled || len(got.Origins) != 0 || got.Secret != set.Secret {
		t.Errorf("web chat turned off: %+v", got)
	}
	other := newAccount(t, s, "webchat-other")
	wantErr(t, "SetWebChat of another account's assistant", s.SetWebChat(ctx, other.SID, set), store.ErrNotFound)
	if err := s.DeleteAssistant(ctx, acct.SID, a.SID); err != nil {
		t.Fatal(err)
	}
	_, err = s.WebChat(ctx, a.SID)
	wantErr(t, "WebChat of a deleted assistant", err, store.ErrNotFound)
}

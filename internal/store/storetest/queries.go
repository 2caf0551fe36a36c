package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

func testQueries(t *testing.T, s Store) {
	acct := newAccount(t, s, "queries")
	a := namedAssistant(t, s, acct, "queries")

	q1 := &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "book a table",
		DialogueSID: "UK0123456789abcdef0123456789abcdef", SourceChannel: "sms",
		Results: []byte(`{"task":"book","fields":[],"confidence":1,"next_best_task":""}`)}
	if err := s.CreateQuery(t.Context(), q1); err != nil {
		t.Fatal(err)
	}
	if !twilio.IsSID(twilio.PrefixQuery, q1.SID) || q1.Status != "pending-review" || q1.DateCreated.IsZero() {
		t.Errorf("created query: %+v", q1)
	}
	q2 := &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "hi", Tasks: "greeting,book"}
	if err := s.CreateQuery(t.Context(), q2); err != nil {
		t.Fatal(err)
	}
	got, err := s.Queries(t.Context(), acct.SID, a.SID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.Query{*q2, *q1}, got); diff != "" {
		t.Errorf("Queries, newest first (-want +got):\n%s", diff)
	}

	batch := []*store.Query{
		{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "one"},
		{AccountSID: acct.SID, AssistantSID: "UA00000000000000000000000000000000", Language: "en-US", Query: "gone"},
		{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "two", SourceChannel: "custom.web"},
	}
	n, err := s.CreateQueries(t.Context(), batch)
	if err != nil || n != 2 {
		t.Fatalf("CreateQueries = %d, %v; want 2 stored (one assistant is gone)", n, err)
	}
	got, err = s.Queries(t.Context(), acct.SID, a.SID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.Query{*batch[2], *batch[0], *q2, *q1}, got); diff != "" {
		t.Errorf("Queries after a batch (-want +got):\n%s", diff)
	}

	other := newAccount(t, s, "queries-other")
	err = s.CreateQuery(t.Context(), &store.Query{AccountSID: other.SID, AssistantSID: a.SID, Language: "en-US", Query: "x"})
	wantErr(t, "CreateQuery for another account's assistant", err, store.ErrNotFound)
	if got, err := s.Queries(t.Context(), other.SID, a.SID); err != nil || len(got) != 0 {
		t.Errorf("another account sees %d queries (%v)", len(got), err)
	}
}

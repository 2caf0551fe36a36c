package storetest

import (
	"fmt"
	"testing"
	"time"

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
	got, err := s.Queries(t.Context(), acct.SID, a.SID, store.QueryFilter{})
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
	got, err = s.Queries(t.Context(), acct.SID, a.SID, store.QueryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.Query{*batch[2], *batch[0], *q2, *q1}, got); diff != "" {
		t.Errorf("Queries after a batch (-want +got):\n%s", diff)
	}

	other := newAccount(t, s, "queries-other")
	err = s.CreateQuery(t.Context(), &store.Query{AccountSID: other.SID, AssistantSID: a.SID, Language: "en-US", Query: "x"})
	wantErr(t, "CreateQuery for another account's assistant", err, store.ErrNotFound)
	if got, err := s.Queries(t.Context(), other.SID, a.SID, store.QueryFilter{}); err != nil || len(got) != 0 {
		t.Errorf("another account sees %d queries (%v)", len(got), err)
	}
}

func testQueryEdits(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "query-edits")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "query-edits")
	b := namedAssistant(t, s, acct, "query-edits-too")

	q := &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "a table for two",
		ModelBuildSID: twilio.NewSID(twilio.PrefixModelBuild), Results: []byte(`{"task":"book_table","fields":[]}`)}
	if err := s.CreateQuery(ctx, q); err != nil {
		t.Fatalf("CreateQuery: %v", err)
	}
	queryOK := func(t *testing.T) *store.Query {
		t.Helper()
		got, err := s.Query(ctx, acct.SID, a.SID, q.SID)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		return got
	}
	t.Run("get", func(t *testing.T) {
		if diff := cmp.Diff(q, queryOK(t)); diff != "" {
			t.Errorf("Query (-create +get):\n%s", diff)
		}
	})

	sample := a.Task("book_table").Samples[0].SID
	t.Run("update", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			patch store.QueryPatch
			want  func(*store.Query)
		}{
			{"nothing", store.QueryPatch{}, func(*store.Query) {}},
			{"sample", store.QueryPatch{SampleSID: new(sample)}, func(q *store.Query) { q.SampleSID = sample }},
			{"status", store.QueryPatch{Status: new("reviewed")}, func(q *store.Query) { q.Status = "reviewed" }},
			{"both", store.QueryPatch{SampleSID: new(""), Status: new("discarded")}, func(q *store.Query) {
				q.SampleSID, q.Status = "", "discarded"
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := getOK(t, s, acct.SID, a.SID)
				start := now()
				want := queryOK(t)
				got, err := s.UpdateQuery(ctx, acct.SID, a.SID, q.SID, tc.patch)
				if err != nil {
					t.Fatalf("UpdateQuery: %v", err)
				}
				checkDate(t, "DateUpdated", got.DateUpdated, start)
				tc.want(want)
				want.DateUpdated = got.DateUpdated
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("UpdateQuery (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(got, queryOK(t)); diff != "" {
					t.Errorf("Query after update (-update +get):\n%s", diff)
				}
				checkChanged(t, s, before, false, start)
			})
		}
	})

	for _, tc := range []failCase{
		{"get-unknown", func() error {
			_, err := s.Query(ctx, acct.SID, a.SID, twilio.NewSID(twilio.PrefixQuery))
			return err
		}, store.ErrNotFound},
		{"get-other-account", func() error {
			_, err := s.Query(ctx, other.SID, a.SID, q.SID)
			return err
		}, store.ErrNotFound},
		{"get-other-assistant", func() error {
			_, err := s.Query(ctx, acct.SID, b.SID, q.SID)
			return err
		}, store.ErrNotFound},
		{"update-bad-status", func() error {
			_, err := s.UpdateQuery(ctx, acct.SID, a.SID, q.SID, store.QueryPatch{Status: new("done")})
			return err
		}, store.ErrInvalid},
		{"update-no-status", func() error {
			_, err := s.UpdateQuery(ctx, acct.SID, a.SID, q.SID, store.QueryPatch{Status: new("")})
			return err
		}, store.ErrInvalid},
		{"update-unknown", func() error {
			_, err := s.UpdateQuery(ctx, acct.SID, a.SID, twilio.NewSID(twilio.PrefixQuery), store.QueryPatch{Status: new("reviewed")})
			return err
		}, store.ErrNotFound},
		{"update-other-account", func() error {
			_, err := s.UpdateQuery(ctx, other.SID, a.SID, q.SID, store.QueryPatch{Status: new("reviewed")})
			return err
		}, store.ErrNotFound},
		{"update-other-assistant", func() error {
			_, err := s.UpdateQuery(ctx, acct.SID, b.SID, q.SID, store.QueryPatch{Status: new("reviewed")})
			return err
		}, store.ErrNotFound},
		{"delete-unknown", func() error {
			return s.DeleteQuery(ctx, acct.SID, a.SID, twilio.NewSID(twilio.PrefixQuery))
		}, store.ErrNotFound},
		{"delete-other-account", func() error { return s.DeleteQuery(ctx, other.SID, a.SID, q.SID) }, store.ErrNotFound},
		{"delete-other-assistant", func() error { return s.DeleteQuery(ctx, acct.SID, b.SID, q.SID) }, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := queryOK(t)
			wantErr(t, tc.name, tc.call(), tc.want)
			if diff := cmp.Diff(want, queryOK(t)); diff != "" {
				t.Errorf("a failed call changed the query (-before +after):\n%s", diff)
			}
		})
	}

	t.Run("delete", func(t *testing.T) {
		kept := &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "kept"}
		if err := s.CreateQuery(ctx, kept); err != nil {
			t.Fatalf("CreateQuery: %v", err)
		}
		before := getOK(t, s, acct.SID, a.SID)
		start := now()
		if err := s.DeleteQuery(ctx, acct.SID, a.SID, q.SID); err != nil {
			t.Fatalf("DeleteQuery: %v", err)
		}
		_, err := s.Query(ctx, acct.SID, a.SID, q.SID)
		wantErr(t, "Query after delete", err, store.ErrNotFound)
		wantErr(t, "DeleteQuery again", s.DeleteQuery(ctx, acct.SID, a.SID, q.SID), store.ErrNotFound)
		got, err := s.Queries(ctx, acct.SID, a.SID, store.QueryFilter{})
		if err != nil {
			t.Fatalf("Queries: %v", err)
		}
		if diff := cmp.Diff([]store.Query{*kept}, got); diff != "" {
			t.Errorf("Queries after delete (-want +got):\n%s", diff)
		}
		checkChanged(t, s, before, false, start)
	})
}

func testPurgeQueries(t *testing.T, s Store) {
	acct := newAccount(t, s, "purge")
	a := namedAssistant(t, s, acct, "purge")
	for range 1500 { // more than one batch
		if err := s.CreateQuery(t.Context(), &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.PurgeQueries(t.Context(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PurgeQueries(an hour ago) = %d, %v; want 0: every query is newer", n, err)
	}
	if n, err := s.PurgeQueries(t.Context(), time.Now().Add(time.Hour)); err != nil || n != 1500 {
		t.Errorf("PurgeQueries(in an hour) = %d, %v; want 1500", n, err)
	}
	if got, err := s.Queries(t.Context(), acct.SID, a.SID, store.QueryFilter{}); err != nil || len(got) != 0 {
		t.Errorf("%d queries left (%v)", len(got), err)
	}
}

// testQueryFilter: a list of queries narrowed by language, model build,
// status and dialogue, in either order, a window of it at a time.
func testQueryFilter(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "query-filter")
	a := namedAssistant(t, s, acct, "query-filter")
	const dialogue = "UK0123456789abcdef0123456789abcdef"
	for i := range 12 {
		q := &store.Query{AccountSID: acct.SID, AssistantSID: a.SID, Language: "en-US", Query: fmt.Sprintf("q%d", i)}
		if i%3 == 0 {
			q.Language = "es-MX"
		}
		if i%4 == 0 {
			q.DialogueSID = dialogue
		}
		if err := s.CreateQuery(ctx, q); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if _, err := s.UpdateQuery(ctx, acct.SID, a.SID, q.SID, store.QueryPatch{Status: new("reviewed")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	texts := func(qs []store.Query) []string {
		var out []string
		for _, q := range qs {
			out = append(out, q.Query)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    store.QueryFilter
		want []string
	}{
		{"all, newest first", store.QueryFilter{}, []string{"q11", "q10", "q9", "q8", "q7", "q6", "q5", "q4", "q3", "q2", "q1", "q0"}},
		{"oldest first, a window", store.QueryFilter{Oldest: true, Offset: 2, Limit: 3}, []string{"q2", "q3", "q4"}},
		{"newest first, a window", store.QueryFilter{Offset: 10, Limit: 5}, []string{"q1", "q0"}},
		{"past the end", store.QueryFilter{Offset: 12, Limit: 5}, nil},
		{"from an offset, to the end", store.QueryFilter{Oldest: true, Offset: 9}, []string{"q9", "q10", "q11"}},
		{"language", store.QueryFilter{Language: "es-MX", Oldest: true}, []string{"q0", "q3", "q6", "q9"}},
		{"status", store.QueryFilter{Status: "pending-review", Limit: 2}, []string{"q11", "q9"}},
		{"dialogue and status", store.QueryFilter{DialogueSID: dialogue, Status: "reviewed", Oldest: true}, []string{"q0", "q4", "q8"}},
		{"language and status, a window", store.QueryFilter{Language: "en-US", Status: "reviewed", Oldest: true, Offset: 1, Limit: 2}, []string{"q4", "q8"}},
		{"a model build no query has", store.QueryFilter{ModelBuildSID: "UG0123456789abcdef0123456789abcdef"}, nil},
	} {
		got, err := s.Queries(ctx, acct.SID, a.SID, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if diff := cmp.Diff(c.want, texts(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// A failCase is a call that must fail with want.
type failCase struct {
	name string
	call func() error
	want error
}

// checkFails runs each case and checks that it fails as it must and leaves
// the assistant a (SIDs, contents, revision and dates) as it was.
func checkFails(t *testing.T, s Store, a *assistant.Assistant, cases []failCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := getOK(t, s, a.AccountSID, a.SID)
			wantErr(t, tc.name, tc.call(), tc.want)
			if diff := cmp.Diff(before, getOK(t, s, a.AccountSID, a.SID), exact); diff != "" {
				t.Errorf("a failed call changed the assistant (-before +after):\n%s", diff)
			}
		})
	}
}

// checkChanged reads the assistant that was before, and checks that it kept
// its SID and creation date, and that its revision grew by one and its
// date_updated is now if changed, and that neither moved otherwise.
func checkChanged(t *testing.T, s Store, before *assistant.Assistant, changed bool, start time.Time) *assistant.Assistant {
	t.Helper()
	after := getOK(t, s, before.AccountSID, before.SID)
	if after.SID != before.SID || !after.DateCreated.Equal(before.DateCreated) {
		t.Errorf("assistant SID, DateCreated = %s, %v; want kept %s, %v", after.SID, after.DateCreated, before.SID, before.DateCreated)
	}
	switch {
	case changed:
		if after.Revision != before.Revision+1 {
			t.Errorf("Revision = %d, want %d after a change", after.Revision, before.Revision+1)
		}
		checkDate(t, "assistant DateUpdated", after.DateUpdated, start)
	case after.Revision != before.Revision || !after.DateUpdated.Equal(before.DateUpdated):
		t.Errorf("Revision, DateUpdated = %d, %v; want unchanged %d, %v", after.Revision, after.DateUpdated, before.Revision, before.DateUpdated)
	}
	if changed && !buildStateOK(t, s, after.AccountSID, after.SID).NeedsModelBuild {
		t.Errorf("BuildState.NeedsModelBuild = false after a change")
	}
	return after
}

func createAssistantOK(t *testing.T, s Store, a *assistant.Assistant) *assistant.Assistant {
	t.Helper()
	got, err := s.CreateAssistant(t.Context(), a)
	if err != nil {
		t.Fatalf("CreateAssistant: %v", err)
	}
	return got
}

// heads drops an assistant's tasks and field types.
var heads = cmpopts.IgnoreFields(assistant.Assistant{}, "Tasks", "FieldTypes")

func testCreateAssistant(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "create")
	other := newAccount(t, s, "other")

	t.Run("create-get", func(t *testing.T) {
		before := now()
		in := &assistant.Assistant{
			AccountSID:       acct.SID,
			UniqueName:       "concierge",
			FriendlyName:     "Concierge",
			LogQueries:       true,
			Defaults:         json.RawMessage(`{"defaults":{"fallback":"task://fallback"}}`),
			StyleSheet:       json.RawMessage(`{"style_sheet":{"voice":{"say_voice":"Polly.Joanna"}}}`),
			CallbackURL:      "https://example.com/callback",
			CallbackEvents:   "model_build_completed model_build_failed",
			DevelopmentStage: "in-production",
			// Ignored: a new assistant is empty.
			Tasks:      []assistant.Task{{UniqueName: "ignored"}},
			FieldTypes: []assistant.FieldType{{UniqueName: "ignored"}},
		}
		got := createAssistantOK(t, s, in)
		want := *in
		want.Tasks, want.FieldTypes = nil, nil
		if diff := cmp.Diff(&want, got, ignoreStoreAssigned, cmpopts.IgnoreFields(assistant.Assistant{}, "DevelopmentStage")); diff != "" {
			t.Errorf("CreateAssistant (-want +got):\n%s", diff)
		}
		if got.DevelopmentStage != "in-production" {
			t.Errorf("DevelopmentStage = %q, want the given in-production", got.DevelopmentStage)
		}
		if !twilio.IsSID(twilio.PrefixAssistant, got.SID) || got.Revision != 1 {
			t.Errorf("SID, Revision = %s, %d; want a UA SID, 1", got.SID, got.Revision)
		}
		checkDate(t, "DateCreated", got.DateCreated, before)
		if !got.DateUpdated.Equal(got.DateCreated) {
			t.Errorf("DateUpdated = %v, want DateCreated %v", got.DateUpdated, got.DateCreated)
		}
		for _, key := range []string{got.SID, "concierge"} {
			if diff := cmp.Diff(got, getOK(t, s, acct.SID, key), exact); diff != "" {
				t.Errorf("Assistant(%s) (-create +get):\n%s", key, diff)
			}
		}
		if diff := cmp.Diff(store.BuildState{NeedsModelBuild: true}, buildStateOK(t, s, acct.SID, got.SID)); diff != "" {
			t.Errorf("BuildState (-want +got):\n%s", diff)
		}
	})

	t.Run("defaults", func(t *testing.T) {
		got := createAssistantOK(t, s, &assistant.Assistant{AccountSID: acct.SID})
		if got.UniqueName != got.SID || got.DevelopmentStage != "in-development" {
			t.Errorf("UniqueName, DevelopmentStage = %q, %q; want the SID %s, in-development", got.UniqueName, got.DevelopmentStage, got.SID)
		}
		if got.LogQueries || got.Defaults != nil || got.CallbackURL != "" {
			t.Errorf("LogQueries, Defaults, CallbackURL = %v, %s, %q; want as given (zero)", got.LogQueries, got.Defaults, got.CallbackURL)
		}
	})

	t.Run("same-name-other-account", func(t *testing.T) {
		createAssistantOK(t, s, &assistant.Assistant{AccountSID: acct.SID, UniqueName: "shared"})
		createAssistantOK(t, s, &assistant.Assistant{AccountSID: other.SID, UniqueName: "shared"})
	})

	t.Run("errors", func(t *testing.T) {
		createAssistantOK(t, s, &assistant.Assistant{AccountSID: acct.SID, UniqueName: "taken"})
		for _, tc := range []struct {
			name string
			in   assistant.Assistant
			want error
		}{
			{"no-account", assistant.Assistant{UniqueName: "x"}, store.ErrInvalid},
			{"unknown-account", assistant.Assistant{AccountSID: twilio.NewSID(twilio.PrefixAccount), UniqueName: "x"}, store.ErrNotFound},
			{"name-taken", assistant.Assistant{AccountSID: acct.SID, UniqueName: "taken"}, store.ErrExists},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.CreateAssistant(ctx, &tc.in)
				wantErr(t, "CreateAssistant", err, tc.want)
			})
		}
	})
}

func testUpdateAssistant(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "update")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "update")
	theirs := namedAssistant(t, s, other, "theirs")

	for _, tc := range []struct {
		name  string
		patch store.AssistantPatch
		want  func(a *assistant.Assistant)
	}{
		{"nothing", store.AssistantPatch{}, func(*assistant.Assistant) {}},
		{"friendly-name", store.AssistantPatch{FriendlyName: new("Deeper Table")}, func(a *assistant.Assistant) {
			a.FriendlyName = "Deeper Table"
		}},
		{"log-queries", store.AssistantPatch{LogQueries: new(false)}, func(a *assistant.Assistant) { a.LogQueries = false }},
		{"defaults-style-sheet", store.AssistantPatch{
			Defaults:   json.RawMessage(`{"defaults":{"fallback":"task://menu"}}`),
			StyleSheet: json.RawMessage(`{"style_sheet":{"collect":{"validate":{"max_attempts":3}}}}`),
		}, func(a *assistant.Assistant) {
			a.Defaults = json.RawMessage(`{"defaults":{"fallback":"task://menu"}}`)
			a.StyleSheet = json.RawMessage(`{"style_sheet":{"collect":{"validate":{"max_attempts":3}}}}`)
		}},
		{"unset-defaults", store.AssistantPatch{Defaults: json.RawMessage{}}, func(a *assistant.Assistant) { a.Defaults = nil }},
		{"callback", store.AssistantPatch{CallbackURL: new("https://example.com/cb"), CallbackEvents: new("model_build_completed")},
			func(a *assistant.Assistant) {
				a.CallbackURL, a.CallbackEvents = "https://example.com/cb", "model_build_completed"
			}},
		{"unset-callback", store.AssistantPatch{CallbackURL: new("")}, func(a *assistant.Assistant) { a.CallbackURL = "" }},
		{"stage", store.AssistantPatch{DevelopmentStage: new("in-production")}, func(a *assistant.Assistant) {
			a.DevelopmentStage = "in-production"
		}},
		{"default-stage", store.AssistantPatch{DevelopmentStage: new("")}, func(a *assistant.Assistant) {
			a.DevelopmentStage = "in-development"
		}},
		{"rename", store.AssistantPatch{UniqueName: new("renamed")}, func(a *assistant.Assistant) { a.UniqueName = "renamed" }},
		{"rename-to-sid", store.AssistantPatch{UniqueName: new("")}, func(a *assistant.Assistant) { a.UniqueName = a.SID }},
		{"rename-back", store.AssistantPatch{UniqueName: new("update")}, func(a *assistant.Assistant) { a.UniqueName = "update" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := getOK(t, s, acct.SID, a.SID)
			start := now()
			// By SID, and by unique name once.
			key := a.SID
			if tc.name == "friendly-name" {
				key = before.UniqueName
			}
			got, err := s.UpdateAssistant(ctx, acct.SID, key, tc.patch)
			if err != nil {
				t.Fatalf("UpdateAssistant: %v", err)
			}
			after := checkChanged(t, s, before, true, start)
			want := *before
			tc.want(&want)
			want.Revision, want.DateUpdated = after.Revision, after.DateUpdated
			if diff := cmp.Diff(&want, after, exact); diff != "" {
				t.Errorf("Assistant after update (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(after, got, exact, heads); diff != "" {
				t.Errorf("UpdateAssistant result (-get +update):\n%s", diff)
			}
			if len(got.Tasks) != 0 || len(got.FieldTypes) != 0 {
				t.Errorf("UpdateAssistant returned %d tasks, %d field types; want the head only", len(got.Tasks), len(got.FieldTypes))
			}
		})
	}

	t.Run("ref-sees-revision", func(t *testing.T) {
		got, err := s.UpdateAssistant(ctx, acct.SID, a.SID, store.AssistantPatch{})
		if err != nil {
			t.Fatalf("UpdateAssistant: %v", err)
		}
		ref, err := s.AssistantRef(ctx, acct.SID, a.SID)
		if err != nil || ref.Revision != got.Revision {
			t.Errorf("AssistantRef.Revision = %d, %v; want %d", ref.Revision, err, got.Revision)
		}
	})

	namedAssistant(t, s, acct, "taken")
	checkFails(t, s, a, []failCase{
		{"unknown", func() error {
			_, err := s.UpdateAssistant(ctx, acct.SID, twilio.NewSID(twilio.PrefixAssistant), store.AssistantPatch{})
			return err
		}, store.ErrNotFound},
		{"name-taken", func() error {
			_, err := s.UpdateAssistant(ctx, acct.SID, a.SID, store.AssistantPatch{UniqueName: new("taken"), FriendlyName: new("x")})
			return err
		}, store.ErrExists},
		{"other-account", func() error {
			_, err := s.UpdateAssistant(ctx, other.SID, a.SID, store.AssistantPatch{FriendlyName: new("stolen")})
			return err
		}, store.ErrNotFound},
	})
	t.Run("not-theirs", func(t *testing.T) {
		_, err := s.UpdateAssistant(ctx, acct.SID, theirs.SID, store.AssistantPatch{FriendlyName: new("stolen")})
		wantErr(t, "UpdateAssistant of another account's assistant", err, store.ErrNotFound)
		if diff := cmp.Diff(theirs, getOK(t, s, other.SID, theirs.SID), exact); diff != "" {
			t.Errorf("another account changed the assistant (-want +got):\n%s", diff)
		}
	})
}

func testAssistantHeads(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "heads")
	other := newAccount(t, s, "other")
	var want []*assistant.Assistant
	want = append(want, namedAssistant(t, s, acct, "imported"))
	want = append(want, createAssistantOK(t, s, &assistant.Assistant{AccountSID: acct.SID, UniqueName: "created",
		CallbackURL: "https://example.com/cb", CallbackEvents: "model_build_failed"}))
	namedAssistant(t, s, other, "theirs")
	want = append(want, createAssistantOK(t, s, &assistant.Assistant{AccountSID: acct.SID}))

	got, err := s.AssistantHeads(ctx, acct.SID)
	if err != nil {
		t.Fatalf("AssistantHeads: %v", err)
	}
	if diff := cmp.Diff(want, got, exact, heads); diff != "" {
		t.Errorf("AssistantHeads (-want +got):\n%s", diff)
	}
	for _, a := range got {
		if len(a.Tasks) != 0 || len(a.FieldTypes) != 0 {
			t.Errorf("AssistantHeads: %s has %d tasks, %d field types; want none loaded", a.UniqueName, len(a.Tasks), len(a.FieldTypes))
		}
	}
	if got, err := s.AssistantHeads(ctx, twilio.NewSID(twilio.PrefixAccount)); err != nil || len(got) != 0 {
		t.Errorf("AssistantHeads(unknown account) = %d assistants, %v; want none", len(got), err)
	}
}

package storetest

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// fixture is a small assistant that uses every part of the model. Its
// second field type lists a synonym before its canonical value, which the
// store must keep in that order.
func fixture(accountSID string) *assistant.Assistant {
	return &assistant.Assistant{
		AccountSID:   accountSID,
		UniqueName:   "deep-table",
		FriendlyName: "Deep Table",
		LogQueries:   true,
		Defaults:     json.RawMessage(`{"defaults":{"assistant_initiation":"task://greeting","fallback":"task://goodbye"}}`),
		StyleSheet:   json.RawMessage(`{"style_sheet":{"voice":{"say_voice":"Polly.Joanna"}}}`),
		ModelBuild:   "v1",
		NLUThreshold: 0.55,
		Tasks: []assistant.Task{
			{
				UniqueName:   "greeting",
				FriendlyName: "Greeting",
				Actions:      json.RawMessage(`{"actions":[{"say":"Hello! How can I help?"},{"listen":true}]}`),
				Samples: []assistant.Sample{
					{Language: "en-US", TaggedText: "hi"},
					{Language: "en-US", TaggedText: "hello"},
					{Language: "en-US", TaggedText: "good morning", SourceChannel: "voice"},
				},
			},
			{
				UniqueName: "book_table",
				Actions:    json.RawMessage(`{"actions":[{"redirect":"https://example.com/book"}]}`),
				Fields: []assistant.Field{
					{UniqueName: "party_size", FieldType: "Twilio.NUMBER"},
					{UniqueName: "cuisine", FieldType: "cuisine_type"},
				},
				Samples: []assistant.Sample{
					{Language: "en-US", TaggedText: "book a table for {party_size}"},
					{Language: "en-US", TaggedText: "I want {cuisine} food", SourceChannel: "sms"},
				},
			},
			{
				UniqueName: "menu",
				ActionsURL: "https://example.com/menu",
				Samples:    []assistant.Sample{{Language: "en-US", TaggedText: "what is on the menu"}},
			},
			{
				UniqueName: "goodbye",
				Actions:    json.RawMessage(`{"actions":[{"say":"Bye!"}]}`),
				Samples:    []assistant.Sample{{Language: "en-US", TaggedText: "bye"}},
			},
		},
		FieldTypes: []assistant.FieldType{
			{
				UniqueName:   "cuisine_type",
				FriendlyName: "Cuisine",
				Values: []assistant.FieldValue{
					{Language: "en-US", Value: "italian"},
					{Language: "en-US", Value: "pasta", SynonymOf: "italian"},
					{Language: "en-US", Value: "thai"},
				},
			},
			{
				UniqueName: "yes_no",
				Values: []assistant.FieldValue{
					{Language: "en-US", Value: "yeah", SynonymOf: "yes"},
					{Language: "en-US", Value: "yes"},
					{Language: "en-US", Value: "no"},
				},
			},
		},
	}
}

// jsonEqual compares JSON documents by their compact form, so that a backend
// may store them in a normalised way; empty and nil are the same.
var jsonEqual = cmp.Transformer("compactJSON", func(m json.RawMessage) string {
	if len(m) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, m); err != nil {
		return "invalid JSON: " + string(m)
	}
	return b.String()
})

// equateEmpty is cmpopts.EquateEmpty for everything but JSON documents,
// which jsonEqual handles.
var equateEmpty = cmp.FilterPath(func(p cmp.Path) bool {
	return p.Last().Type() != reflect.TypeFor[json.RawMessage]()
}, cmpopts.EquateEmpty())

// ignoreStoreAssigned compares an imported assistant with its input.
var ignoreStoreAssigned = cmp.Options{
	jsonEqual,
	equateEmpty,
	cmpopts.IgnoreFields(assistant.Assistant{}, "SID", "Revision", "DateCreated", "DateUpdated", "DevelopmentStage"),
	cmpopts.IgnoreFields(assistant.Task{}, "SID", "DateCreated", "DateUpdated"),
	cmpopts.IgnoreFields(assistant.Field{}, "SID", "DateCreated", "DateUpdated"),
	cmpopts.IgnoreFields(assistant.Sample{}, "SID", "DateCreated", "DateUpdated"),
	cmpopts.IgnoreFields(assistant.FieldType{}, "SID", "DateCreated", "DateUpdated"),
	cmpopts.IgnoreFields(assistant.FieldValue{}, "SID", "SynonymOfSID", "DateCreated", "DateUpdated"),
}

// exact compares two stored assistants.
var exact = cmp.Options{jsonEqual, equateEmpty}

// checkAssigned checks the SIDs and dates the store gave a and everything in
// it.
func checkAssigned(t *testing.T, a *assistant.Assistant, before time.Time) {
	t.Helper()
	sid := func(what, prefix, s string) {
		t.Helper()
		if !twilio.IsSID(prefix, s) {
			t.Errorf("%s SID = %q, want %s…", what, s, prefix)
		}
	}
	dates := func(what string, created, updated time.Time) {
		t.Helper()
		checkDate(t, what+" DateCreated", created, before.Add(-time.Hour*24*365*10))
		checkDate(t, what+" DateUpdated", updated, before)
		if updated.Before(created) {
			t.Errorf("%s DateUpdated %v before DateCreated %v", what, updated, created)
		}
	}
	sid("assistant", twilio.PrefixAssistant, a.SID)
	dates("assistant", a.DateCreated, a.DateUpdated)
	if a.DevelopmentStage != "in-development" {
		t.Errorf("DevelopmentStage = %q, want in-development", a.DevelopmentStage)
	}
	for _, tk := range a.Tasks {
		sid("task "+tk.UniqueName, twilio.PrefixTask, tk.SID)
		dates("task "+tk.UniqueName, tk.DateCreated, tk.DateUpdated)
		for _, f := range tk.Fields {
			sid("field "+f.UniqueName, twilio.PrefixField, f.SID)
			dates("field "+f.UniqueName, f.DateCreated, f.DateUpdated)
		}
		for _, s := range tk.Samples {
			sid("sample "+s.TaggedText, twilio.PrefixSample, s.SID)
			dates("sample "+s.TaggedText, s.DateCreated, s.DateUpdated)
		}
	}
	for _, ft := range a.FieldTypes {
		sid("field type "+ft.UniqueName, twilio.PrefixFieldType, ft.SID)
		dates("field type "+ft.UniqueName, ft.DateCreated, ft.DateUpdated)
		for _, v := range ft.Values {
			sid("value "+v.Value, twilio.PrefixFieldValue, v.SID)
			dates("value "+v.Value, v.DateCreated, v.DateUpdated)
			checkSynonym(t, ft, v)
		}
	}
}

// checkSynonym checks that the value v of ft names its canonical value by
// both its string and its SID, or neither.
func checkSynonym(t *testing.T, ft assistant.FieldType, v assistant.FieldValue) {
	t.Helper()
	if v.SynonymOf == "" {
		if v.SynonymOfSID != "" {
			t.Errorf("canonical value %q: SynonymOfSID = %q, want none", v.Value, v.SynonymOfSID)
		}
		return
	}
	for _, c := range ft.Values {
		if c.SID == v.SynonymOfSID {
			if c.Value != v.SynonymOf || c.SynonymOf != "" {
				t.Errorf("synonym %q of %q: SynonymOfSID names %q (synonym of %q), want the canonical %q",
					v.Value, v.SynonymOf, c.Value, c.SynonymOf, v.SynonymOf)
			}
			return
		}
	}
	t.Errorf("synonym %q of %q: SynonymOfSID %q names no value of %s", v.Value, v.SynonymOf, v.SynonymOfSID, ft.UniqueName)
}

func importOK(t *testing.T, s Store, a *assistant.Assistant) *assistant.Assistant {
	t.Helper()
	got, err := s.ImportAssistant(t.Context(), a)
	if err != nil {
		t.Fatalf("ImportAssistant: %v", err)
	}
	return got
}

func getOK(t *testing.T, s Store, accountSID, sidOrName string) *assistant.Assistant {
	t.Helper()
	got, err := s.Assistant(t.Context(), accountSID, sidOrName)
	if err != nil {
		t.Fatalf("Assistant(%s): %v", sidOrName, err)
	}
	return got
}

func testImport(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "import")

	t.Run("create", func(t *testing.T) {
		before := now()
		in := fixture(acct.SID)
		got := importOK(t, s, in)
		if diff := cmp.Diff(in, got, ignoreStoreAssigned); diff != "" {
			t.Errorf("ImportAssistant (-want +got):\n%s", diff)
		}
		checkAssigned(t, got, before)
		if got.Revision != 1 {
			t.Errorf("Revision = %d, want 1", got.Revision)
		}
		if !got.DateCreated.Equal(got.DateUpdated) {
			t.Errorf("new assistant: DateCreated %v != DateUpdated %v", got.DateCreated, got.DateUpdated)
		}
		if diff := cmp.Diff(got, getOK(t, s, acct.SID, got.SID), exact); diff != "" {
			t.Errorf("Assistant(sid) differs from the import result (-import +get):\n%s", diff)
		}
	})

	t.Run("reimport", func(t *testing.T) {
		acct := newAccount(t, s, "reimport")
		first := importOK(t, s, fixture(acct.SID))

		in := fixture(acct.SID)
		in.FriendlyName = "Deep Table v2"
		in.Defaults = nil
		// Drop goodbye, move menu first, change greeting's samples and
		// actions, add a task.
		greeting := in.Tasks[0]
		greeting.Actions = json.RawMessage(`{"actions":[{"say":"Hi there"},{"listen":true}]}`)
		greeting.Samples = []assistant.Sample{{Language: "en-US", TaggedText: "hey"}, {Language: "en-US", TaggedText: "hi"}}
		in.Tasks = []assistant.Task{in.Tasks[2], greeting, in.Tasks[1], {UniqueName: "hours", Actions: json.RawMessage(`{"actions":[{"say":"9 to 5"}]}`)}}
		// Drop yes_no, change cuisine_type's values, add a type.
		in.FieldTypes = []assistant.FieldType{
			{UniqueName: "size", Values: []assistant.FieldValue{{Language: "en-US", Value: "large"}}},
			{UniqueName: "cuisine_type", FriendlyName: "Cuisines", Values: []assistant.FieldValue{
				{Language: "en-US", Value: "thai"},
				{Language: "en-US", Value: "curry", SynonymOf: "thai"},
			}},
		}
		got := importOK(t, s, in)
		if diff := cmp.Diff(in, got, ignoreStoreAssigned); diff != "" {
			t.Errorf("ImportAssistant (-want +got):\n%s", diff)
		}
		checkAssigned(t, got, first.DateCreated)

		if got.SID != first.SID || !got.DateCreated.Equal(first.DateCreated) {
			t.Errorf("assistant SID, DateCreated = %s, %v; want kept %s, %v", got.SID, got.DateCreated, first.SID, first.DateCreated)
		}
		if got.Revision != first.Revision+1 {
			t.Errorf("Revision = %d, want %d", got.Revision, first.Revision+1)
		}
		for _, name := range []string{"greeting", "book_table", "menu"} {
			was, is := first.Task(name), got.Task(name)
			if was.SID != is.SID || !was.DateCreated.Equal(is.DateCreated) {
				t.Errorf("task %s: SID, DateCreated = %s, %v; want kept %s, %v", name, is.SID, is.DateCreated, was.SID, was.DateCreated)
			}
		}
		if was, is := first.FieldType("cuisine_type"), got.FieldType("cuisine_type"); was.SID != is.SID {
			t.Errorf("field type cuisine_type: SID = %s, want kept %s", is.SID, was.SID)
		}
		for _, tk := range first.Tasks {
			for _, gt := range got.Tasks {
				if tk.SID == gt.SID && tk.UniqueName != gt.UniqueName {
					t.Errorf("task %s reuses the SID of %s", gt.UniqueName, tk.UniqueName)
				}
			}
		}
		if diff := cmp.Diff(got, getOK(t, s, acct.SID, "deep-table"), exact); diff != "" {
			t.Errorf("Assistant(name) differs from the import result (-import +get):\n%s", diff)
		}
		ref, err := s.AssistantRef(ctx, acct.SID, got.SID)
		if err != nil {
			t.Fatalf("AssistantRef: %v", err)
		}
		if diff := cmp.Diff(store.AssistantRef{SID: got.SID, AccountSID: acct.SID, UniqueName: "deep-table", Revision: 2}, ref); diff != "" {
			t.Errorf("AssistantRef (-want +got):\n%s", diff)
		}
	})

	t.Run("into-sid-renames", func(t *testing.T) {
		acct := newAccount(t, s, "rename")
		first := importOK(t, s, fixture(acct.SID))
		in := fixture(acct.SID)
		in.SID = first.SID
		in.UniqueName = "renamed"
		got := importOK(t, s, in)
		if got.SID != first.SID || got.UniqueName != "renamed" || got.Revision != 2 {
			t.Errorf("SID, UniqueName, Revision = %s, %s, %d; want %s, renamed, 2", got.SID, got.UniqueName, got.Revision, first.SID)
		}
		_, err := s.AssistantRef(ctx, acct.SID, "deep-table")
		wantErr(t, "AssistantRef(old name)", err, store.ErrNotFound)

		other := fixture(acct.SID)
		other.UniqueName = "other"
		other = importOK(t, s, other)
		in.SID = other.SID
		_, err = s.ImportAssistant(ctx, in) // takes the name "renamed"
		wantErr(t, "ImportAssistant renaming onto a used name", err, store.ErrExists)

		in.SID = twilio.NewSID(twilio.PrefixAssistant)
		_, err = s.ImportAssistant(ctx, in)
		wantErr(t, "ImportAssistant into a missing SID", err, store.ErrNotFound)
	})

	t.Run("atomic", func(t *testing.T) {
		acct := newAccount(t, s, "atomic")
		before := importOK(t, s, fixture(acct.SID))
		for _, tc := range []struct {
			name   string
			change func(a *assistant.Assistant)
			want   error
		}{
			{"dangling-synonym", func(a *assistant.Assistant) {
				a.Tasks = a.Tasks[:1]
				ft := &a.FieldTypes[1]
				ft.Values = append(ft.Values, assistant.FieldValue{Language: "en-US", Value: "nope", SynonymOf: "never"})
			}, store.ErrInvalid},
			{"duplicate-task", func(a *assistant.Assistant) {
				a.Tasks = append(a.Tasks, assistant.Task{UniqueName: "greeting"})
			}, store.ErrExists},
			{"duplicate-field-type", func(a *assistant.Assistant) {
				a.FieldTypes = append(a.FieldTypes, assistant.FieldType{UniqueName: "yes_no"})
			}, store.ErrExists},
			{"duplicate-field", func(a *assistant.Assistant) {
				a.Tasks[1].Fields = append(a.Tasks[1].Fields, assistant.Field{UniqueName: "cuisine", FieldType: "Twilio.NUMBER"})
			}, store.ErrExists},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := fixture(acct.SID)
				in.FriendlyName = "changed"
				tc.change(in)
				_, err := s.ImportAssistant(ctx, in)
				wantErr(t, "ImportAssistant", err, tc.want)
				if diff := cmp.Diff(before, getOK(t, s, acct.SID, before.SID), exact); diff != "" {
					t.Errorf("a failed import changed the assistant (-before +after):\n%s", diff)
				}
			})
		}
		t.Run("new-assistant", func(t *testing.T) {
			in := fixture(acct.SID)
			in.UniqueName = "never-created"
			in.FieldTypes[0].Values[1].SynonymOf = "french"
			_, err := s.ImportAssistant(ctx, in)
			wantErr(t, "ImportAssistant", err, store.ErrInvalid)
			_, err = s.AssistantRef(ctx, acct.SID, "never-created")
			wantErr(t, "AssistantRef after a failed create", err, store.ErrNotFound)
		})
	})

	t.Run("invalid", func(t *testing.T) {
		in := fixture("")
		_, err := s.ImportAssistant(ctx, in)
		wantErr(t, "ImportAssistant without account", err, store.ErrInvalid)
		in = fixture(acct.SID)
		in.UniqueName = ""
		_, err = s.ImportAssistant(ctx, in)
		wantErr(t, "ImportAssistant without unique name", err, store.ErrInvalid)
		_, err = s.ImportAssistant(ctx, fixture(twilio.NewSID(twilio.PrefixAccount)))
		wantErr(t, "ImportAssistant into a missing account", err, store.ErrNotFound)
	})
}

func testLookup(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "lookup")
	other := newAccount(t, s, "other")
	a := importOK(t, s, fixture(acct.SID))
	b := fixture(acct.SID)
	b.UniqueName = "second"
	b = importOK(t, s, b)
	theirs := importOK(t, s, fixture(other.SID)) // same unique name, other account

	t.Run("by-sid-and-name", func(t *testing.T) {
		for _, key := range []string{a.SID, a.UniqueName} {
			if diff := cmp.Diff(a, getOK(t, s, acct.SID, key), exact); diff != "" {
				t.Errorf("Assistant(%s) (-want +got):\n%s", key, diff)
			}
			ref, err := s.AssistantRef(ctx, acct.SID, key)
			if err != nil {
				t.Fatalf("AssistantRef(%s): %v", key, err)
			}
			want := store.AssistantRef{SID: a.SID, AccountSID: acct.SID, UniqueName: a.UniqueName, Revision: a.Revision}
			if diff := cmp.Diff(want, ref); diff != "" {
				t.Errorf("AssistantRef(%s) (-want +got):\n%s", key, diff)
			}
		}
		if theirs.SID == a.SID {
			t.Errorf("two accounts share assistant SID %s", a.SID)
		}
	})
	t.Run("sid-wins-over-name", func(t *testing.T) {
		c := fixture(acct.SID)
		c.UniqueName = b.SID // a unique name that is another assistant's SID
		importOK(t, s, c)
		ref, err := s.AssistantRef(ctx, acct.SID, b.SID)
		if err != nil || ref.SID != b.SID {
			t.Errorf("AssistantRef(%s) = %s, %v; want %s", b.SID, ref.SID, err, b.SID)
		}
		got, err := s.Assistant(ctx, acct.SID, b.SID)
		if err != nil || got.SID != b.SID {
			t.Errorf("Assistant(%s) = %v; want %s", b.SID, err, b.SID)
		}
	})
	t.Run("other-account", func(t *testing.T) {
		for _, tc := range []struct{ account, key string }{
			{acct.SID, theirs.SID},                            // their SID
			{other.SID, "second"},                             // our name
			{acct.SID, twilio.NewSID(twilio.PrefixAssistant)}, // nobody's
			{twilio.NewSID(twilio.PrefixAccount), theirs.SID}, // no account
		} {
			_, err := s.Assistant(ctx, tc.account, tc.key)
			wantErr(t, "Assistant("+tc.key+")", err, store.ErrNotFound)
			_, err = s.AssistantRef(ctx, tc.account, tc.key)
			wantErr(t, "AssistantRef("+tc.key+")", err, store.ErrNotFound)
		}
		_, err := s.AssistantRef(ctx, acct.SID, theirs.SID)
		wantErr(t, "AssistantRef of another account", err, store.ErrNotFound)
		wantErr(t, "DeleteAssistant of another account", s.DeleteAssistant(ctx, acct.SID, theirs.SID), store.ErrNotFound)
		if _, err := s.AssistantRef(ctx, other.SID, theirs.SID); err != nil {
			t.Errorf("AssistantRef after a refused delete: %v", err)
		}
	})
	t.Run("list-in-creation-order", func(t *testing.T) {
		refs, err := s.Assistants(ctx, other.SID)
		if err != nil {
			t.Fatalf("Assistants: %v", err)
		}
		want := []store.AssistantRef{{SID: theirs.SID, AccountSID: other.SID, UniqueName: theirs.UniqueName, Revision: 1}}
		if diff := cmp.Diff(want, refs); diff != "" {
			t.Errorf("Assistants (-want +got):\n%s", diff)
		}
		refs, err = s.Assistants(ctx, acct.SID)
		if err != nil {
			t.Fatalf("Assistants: %v", err)
		}
		var names []string
		for _, r := range refs {
			names = append(names, r.UniqueName)
		}
		if diff := cmp.Diff([]string{"deep-table", "second", b.SID}, names); diff != "" {
			t.Errorf("Assistants names (-want +got):\n%s", diff)
		}
		refs, err = s.Assistants(ctx, twilio.NewSID(twilio.PrefixAccount))
		if err != nil || len(refs) != 0 {
			t.Errorf("Assistants(unknown account) = %v, %v; want none", refs, err)
		}
	})
}

func testDeleteAssistant(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "delete")
	for _, by := range []string{"sid", "name"} {
		t.Run(by, func(t *testing.T) {
			a := importOK(t, s, fixture(acct.SID))
			key := a.SID
			if by == "name" {
				key = a.UniqueName
			}
			if err := s.DeleteAssistant(ctx, acct.SID, key); err != nil {
				t.Fatalf("DeleteAssistant: %v", err)
			}
			_, err := s.Assistant(ctx, acct.SID, a.SID)
			wantErr(t, "Assistant after delete", err, store.ErrNotFound)
			_, err = s.AssistantRef(ctx, acct.SID, a.UniqueName)
			wantErr(t, "AssistantRef after delete", err, store.ErrNotFound)
			wantErr(t, "DeleteAssistant again", s.DeleteAssistant(ctx, acct.SID, key), store.ErrNotFound)

			// The name is free again, and nothing of the old one survives.
			b := importOK(t, s, fixture(acct.SID))
			if b.SID == a.SID || b.Revision != 1 {
				t.Errorf("after delete: SID, Revision = %s, %d; want new SID, 1", b.SID, b.Revision)
			}
			for i := range b.Tasks {
				if b.Tasks[i].SID == a.Tasks[i].SID {
					t.Errorf("task %s kept its SID across delete", b.Tasks[i].UniqueName)
				}
			}
			if err := s.DeleteAssistant(ctx, acct.SID, b.SID); err != nil {
				t.Fatalf("DeleteAssistant: %v", err)
			}
		})
	}
}

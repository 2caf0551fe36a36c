package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// typeOf returns the field type of a with the given SID, or fails.
func typeOf(t *testing.T, a *assistant.Assistant, sid string) *assistant.FieldType {
	t.Helper()
	for i := range a.FieldTypes {
		if a.FieldTypes[i].SID == sid {
			return &a.FieldTypes[i]
		}
	}
	t.Fatalf("assistant %s has no field type %s", a.UniqueName, sid)
	return nil
}

func testFieldTypes(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "field-types")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "field-types")
	theirs := namedAssistant(t, s, other, "theirs")

	var created assistant.FieldType
	t.Run("create", func(t *testing.T) {
		start := now()
		in := assistant.FieldType{UniqueName: "size", FriendlyName: "Size",
			Values: []assistant.FieldValue{{Language: "en-US", Value: "ignored"}}}
		got, err := s.CreateFieldType(ctx, acct.SID, a.SID, in)
		if err != nil {
			t.Fatalf("CreateFieldType: %v", err)
		}
		if !twilio.IsSID(twilio.PrefixFieldType, got.SID) {
			t.Errorf("SID = %q, want a UB SID", got.SID)
		}
		checkDate(t, "DateCreated", got.DateCreated, start)
		want := assistant.FieldType{SID: got.SID, UniqueName: "size", FriendlyName: "Size", DateCreated: got.DateCreated, DateUpdated: got.DateCreated}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateFieldType (-want +got):\n%s", diff)
		}
		after := checkChanged(t, s, a, true, start)
		if diff := cmp.Diff(want, after.FieldTypes[len(after.FieldTypes)-1], exact); diff != "" {
			t.Errorf("last field type (-want +got):\n%s", diff)
		}
		created = got
	})

	t.Run("update", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			key   string
			patch store.FieldTypePatch
			want  func(*assistant.FieldType)
		}{
			{"nothing", "cuisine_type", store.FieldTypePatch{}, func(*assistant.FieldType) {}},
			{"friendly-name", a.FieldTypes[0].SID, store.FieldTypePatch{FriendlyName: new("Kitchen")}, func(ft *assistant.FieldType) {
				ft.FriendlyName = "Kitchen"
			}},
			{"rename", "cuisine_type", store.FieldTypePatch{UniqueName: new("kitchen")}, func(ft *assistant.FieldType) {
				ft.UniqueName = "kitchen"
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := getOK(t, s, acct.SID, a.SID)
				start := now()
				got, err := s.UpdateFieldType(ctx, acct.SID, a.SID, tc.key, tc.patch)
				if err != nil {
					t.Fatalf("UpdateFieldType: %v", err)
				}
				after := checkChanged(t, s, before, true, start)
				want := *typeOf(t, before, a.FieldTypes[0].SID)
				tc.want(&want)
				stored := typeOf(t, after, a.FieldTypes[0].SID)
				checkDate(t, "field type DateUpdated", stored.DateUpdated, start)
				want.DateUpdated = stored.DateUpdated
				if diff := cmp.Diff(&want, stored, exact); diff != "" {
					t.Errorf("stored field type (-want +got):\n%s", diff)
				}
				want.Values = nil
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("UpdateFieldType (-want +got):\n%s", diff)
				}
			})
		}
	})

	checkFails(t, s, a, []failCase{
		{"create-no-name", func() error {
			_, err := s.CreateFieldType(ctx, acct.SID, a.SID, assistant.FieldType{FriendlyName: "x"})
			return err
		}, store.ErrInvalid},
		{"create-name-taken", func() error {
			_, err := s.CreateFieldType(ctx, acct.SID, a.SID, assistant.FieldType{UniqueName: "yes_no"})
			return err
		}, store.ErrExists},
		{"create-other-account", func() error {
			_, err := s.CreateFieldType(ctx, other.SID, a.SID, assistant.FieldType{UniqueName: "x"})
			return err
		}, store.ErrNotFound},
		{"update-no-name", func() error {
			_, err := s.UpdateFieldType(ctx, acct.SID, a.SID, "yes_no", store.FieldTypePatch{UniqueName: new("")})
			return err
		}, store.ErrInvalid},
		{"update-name-taken", func() error {
			_, err := s.UpdateFieldType(ctx, acct.SID, a.SID, "yes_no", store.FieldTypePatch{UniqueName: new("size"), FriendlyName: new("x")})
			return err
		}, store.ErrExists},
		{"update-unknown", func() error {
			_, err := s.UpdateFieldType(ctx, acct.SID, a.SID, "nope", store.FieldTypePatch{FriendlyName: new("x")})
			return err
		}, store.ErrNotFound},
		{"update-theirs", func() error {
			_, err := s.UpdateFieldType(ctx, acct.SID, a.SID, theirs.FieldTypes[0].SID, store.FieldTypePatch{FriendlyName: new("x")})
			return err
		}, store.ErrNotFound},
		{"update-other-account", func() error {
			_, err := s.UpdateFieldType(ctx, other.SID, a.SID, "yes_no", store.FieldTypePatch{FriendlyName: new("x")})
			return err
		}, store.ErrNotFound},
		{"delete-unknown", func() error { return s.DeleteFieldType(ctx, acct.SID, a.SID, "nope") }, store.ErrNotFound},
		{"delete-other-account", func() error { return s.DeleteFieldType(ctx, other.SID, a.SID, "yes_no") }, store.ErrNotFound},
	})

	t.Run("delete", func(t *testing.T) {
		for _, key := range []string{created.SID, "yes_no"} {
			before := getOK(t, s, acct.SID, a.SID)
			start := now()
			if err := s.DeleteFieldType(ctx, acct.SID, a.SID, key); err != nil {
				t.Fatalf("DeleteFieldType(%s): %v", key, err)
			}
			after := checkChanged(t, s, before, true, start)
			for _, ft := range after.FieldTypes {
				if ft.SID == key || ft.UniqueName == key {
					t.Errorf("field type %s still there after DeleteFieldType", ft.UniqueName)
				}
			}
			if len(after.FieldTypes) != len(before.FieldTypes)-1 {
				t.Errorf("%d field types after DeleteFieldType, want %d", len(after.FieldTypes), len(before.FieldTypes)-1)
			}
			wantErr(t, "DeleteFieldType again", s.DeleteFieldType(ctx, acct.SID, a.SID, key), store.ErrNotFound)
		}
		// Its values went with it: a new type of the same name starts empty.
		ft, err := s.CreateFieldType(ctx, acct.SID, a.SID, assistant.FieldType{UniqueName: "yes_no"})
		if err != nil {
			t.Fatalf("CreateFieldType: %v", err)
		}
		if got := typeOf(t, getOK(t, s, acct.SID, a.SID), ft.SID); len(got.Values) != 0 {
			t.Errorf("recreated field type has %d values, want none", len(got.Values))
		}
	})
}

func testFieldValues(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "field-values")
	other := newAccount(t, s, "other")
	a := namedAssistant(t, s, acct, "field-values")
	cuisine, yesNo := a.FieldTypes[0], a.FieldTypes[1]
	italian, thai := cuisine.Values[0], cuisine.Values[2]
	pasta := cuisine.Values[1] // a synonym of italian
	yes := yesNo.Values[1]

	create := func(t *testing.T, typ string, v assistant.FieldValue) assistant.FieldValue {
		t.Helper()
		before := getOK(t, s, acct.SID, a.SID)
		start := now()
		got, err := s.CreateFieldValue(ctx, acct.SID, a.SID, typ, v)
		if err != nil {
			t.Fatalf("CreateFieldValue: %v", err)
		}
		if !twilio.IsSID(twilio.PrefixFieldValue, got.SID) {
			t.Errorf("SID = %q, want a UC SID", got.SID)
		}
		checkDate(t, "DateCreated", got.DateCreated, start)
		if !got.DateUpdated.Equal(got.DateCreated) {
			t.Errorf("DateUpdated = %v, want DateCreated %v", got.DateUpdated, got.DateCreated)
		}
		after := checkChanged(t, s, before, true, start)
		ft := after.FieldType(typ)
		if ft == nil {
			ft = typeOf(t, after, typ)
		}
		if diff := cmp.Diff(got, ft.Values[len(ft.Values)-1]); diff != "" {
			t.Errorf("last value of %s (-create +get):\n%s", ft.UniqueName, diff)
		}
		for _, v := range ft.Values {
			checkSynonym(t, *ft, v)
		}
		return got
	}

	var korean assistant.FieldValue
	for _, tc := range []struct {
		name, typ string
		in        assistant.FieldValue
		want      func(got assistant.FieldValue) assistant.FieldValue
	}{
		{"canonical", "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "korean"}, nil},
		{"synonym-by-value", cuisine.SID, assistant.FieldValue{Language: "en-US", Value: "noodles", SynonymOf: "thai"},
			func(v assistant.FieldValue) assistant.FieldValue { v.SynonymOfSID = thai.SID; return v }},
		{"synonym-by-sid", "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "pizza", SynonymOf: italian.SID},
			func(v assistant.FieldValue) assistant.FieldValue {
				v.SynonymOf, v.SynonymOfSID = "italian", italian.SID
				return v
			}},
		{"other-language-by-sid", "yes_no", assistant.FieldValue{Language: "es-ES", Value: "sí", SynonymOf: yes.SID},
			func(v assistant.FieldValue) assistant.FieldValue {
				v.SynonymOf, v.SynonymOfSID = "yes", yes.SID
				return v
			}},
		{"same-value-twice", "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "thai"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := create(t, tc.typ, tc.in)
			want := tc.in
			if tc.want != nil {
				want = tc.want(want)
			}
			want.SID, want.DateCreated, want.DateUpdated = got.SID, got.DateCreated, got.DateUpdated
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CreateFieldValue (-want +got):\n%s", diff)
			}
			if tc.name == "canonical" {
				korean = got
			}
		})
	}
	t.Run("synonym-of-new", func(t *testing.T) {
		got := create(t, "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "kimchi", SynonymOf: "korean"})
		if got.SynonymOfSID != korean.SID {
			t.Errorf("SynonymOfSID = %s, want korean's %s", got.SynonymOfSID, korean.SID)
		}
	})

	checkFails(t, s, a, []failCase{
		{"no-value", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "cuisine_type", assistant.FieldValue{Language: "en-US"})
			return err
		}, store.ErrInvalid},
		{"no-language", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "cuisine_type", assistant.FieldValue{Value: "x"})
			return err
		}, store.ErrInvalid},
		{"synonym-of-nothing", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "x", SynonymOf: "french"})
			return err
		}, store.ErrInvalid},
		{"synonym-of-synonym-by-value", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "x", SynonymOf: "pasta"})
			return err
		}, store.ErrInvalid},
		{"synonym-of-synonym-by-sid", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "x", SynonymOf: pasta.SID})
			return err
		}, store.ErrInvalid},
		{"synonym-other-language-by-value", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "cuisine_type", assistant.FieldValue{Language: "es-ES", Value: "x", SynonymOf: "italian"})
			return err
		}, store.ErrInvalid},
		{"synonym-of-other-type", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "yes_no", assistant.FieldValue{Language: "en-US", Value: "x", SynonymOf: "italian"})
			return err
		}, store.ErrInvalid},
		{"synonym-of-other-type-by-sid", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "yes_no", assistant.FieldValue{Language: "en-US", Value: "x", SynonymOf: italian.SID})
			return err
		}, store.ErrInvalid},
		{"unknown-type", func() error {
			_, err := s.CreateFieldValue(ctx, acct.SID, a.SID, "nope", assistant.FieldValue{Language: "en-US", Value: "x"})
			return err
		}, store.ErrNotFound},
		{"create-other-account", func() error {
			_, err := s.CreateFieldValue(ctx, other.SID, a.SID, "cuisine_type", assistant.FieldValue{Language: "en-US", Value: "x"})
			return err
		}, store.ErrNotFound},
		{"delete-unknown", func() error {
			return s.DeleteFieldValue(ctx, acct.SID, a.SID, "cuisine_type", twilio.NewSID(twilio.PrefixFieldValue))
		}, store.ErrNotFound},
		{"delete-of-other-type", func() error { return s.DeleteFieldValue(ctx, acct.SID, a.SID, "yes_no", italian.SID) }, store.ErrNotFound},
		{"delete-other-account", func() error { return s.DeleteFieldValue(ctx, other.SID, a.SID, "cuisine_type", italian.SID) }, store.ErrNotFound},
	})

	t.Run("delete-synonym", func(t *testing.T) {
		before := getOK(t, s, acct.SID, a.SID)
		start := now()
		if err := s.DeleteFieldValue(ctx, acct.SID, a.SID, "cuisine_type", pasta.SID); err != nil {
			t.Fatalf("DeleteFieldValue: %v", err)
		}
		after := checkChanged(t, s, before, true, start)
		var want []assistant.FieldValue
		for _, v := range before.FieldType("cuisine_type").Values {
			if v.SID != pasta.SID {
				want = append(want, v)
			}
		}
		if diff := cmp.Diff(want, after.FieldType("cuisine_type").Values); diff != "" {
			t.Errorf("values after deleting a synonym (-want +got):\n%s", diff)
		}
	})
	t.Run("delete-canonical-keeps-synonyms", func(t *testing.T) {
		// The Twilio CLI plugin lists every value, synonyms included, and
		// deletes them one by one: deleting a canonical value leaves its
		// synonyms, as values of their own, for their own deletes.
		before := getOK(t, s, acct.SID, a.SID)
		start := now()
		if err := s.DeleteFieldValue(ctx, acct.SID, a.SID, cuisine.SID, italian.SID); err != nil {
			t.Fatalf("DeleteFieldValue: %v", err)
		}
		after := checkChanged(t, s, before, true, start)
		var want []assistant.FieldValue
		var synonyms []string
		for _, v := range before.FieldType("cuisine_type").Values {
			if v.SID == italian.SID {
				continue
			}
			if v.SynonymOfSID == italian.SID {
				synonyms = append(synonyms, v.SID)
				v.SynonymOf, v.SynonymOfSID = "", ""
			}
			want = append(want, v)
		}
		got := after.FieldType("cuisine_type").Values
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(assistant.FieldValue{}, "DateUpdated")); diff != "" {
			t.Errorf("values after deleting a canonical value (-want +got):\n%s", diff)
		}
		if len(synonyms) == 0 {
			t.Fatal("the deleted value had no synonym: the case tests nothing")
		}
		wantErr(t, "DeleteFieldValue again", s.DeleteFieldValue(ctx, acct.SID, a.SID, cuisine.SID, italian.SID), store.ErrNotFound)
		for _, sid := range synonyms {
			if err := s.DeleteFieldValue(ctx, acct.SID, a.SID, cuisine.SID, sid); err != nil {
				t.Errorf("deleting the former synonym %s: %v", sid, err)
			}
		}
	})
}

// Package storetest is the conformance suite every store backend passes: the
// SQLite store on every go test, and PostgreSQL when a server is at hand.
//
// A backend's test calls [Run] with a function that opens a fresh, empty
// store and arranges (with t.Cleanup) for it to be closed.
package storetest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// Store is what a backend implements: all of [store.Store].
type Store = store.Store

// Run runs the conformance suite. open must return a new, empty store.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Run("accounts", func(t *testing.T) { testAccounts(t, open(t)) })
	t.Run("import", func(t *testing.T) { testImport(t, open(t)) })
	t.Run("lookup", func(t *testing.T) { testLookup(t, open(t)) })
	t.Run("delete-assistant", func(t *testing.T) { testDeleteAssistant(t, open(t)) })
	t.Run("create-assistant", func(t *testing.T) { testCreateAssistant(t, open(t)) })
	t.Run("update-assistant", func(t *testing.T) { testUpdateAssistant(t, open(t)) })
	t.Run("assistant-heads", func(t *testing.T) { testAssistantHeads(t, open(t)) })
	t.Run("tasks", func(t *testing.T) { testTasks(t, open(t)) })
	t.Run("fields", func(t *testing.T) { testFields(t, open(t)) })
	t.Run("samples", func(t *testing.T) { testSamples(t, open(t)) })
	t.Run("field-types", func(t *testing.T) { testFieldTypes(t, open(t)) })
	t.Run("field-values", func(t *testing.T) { testFieldValues(t, open(t)) })
	t.Run("webhooks", func(t *testing.T) { testWebhooks(t, open(t)) })
	t.Run("dialogues", func(t *testing.T) { testDialogues(t, open(t)) })
	t.Run("model-builds", func(t *testing.T) { testModelBuilds(t, open(t)) })
	t.Run("rename-model-build", func(t *testing.T) { testRenameModelBuild(t, open(t)) })
	t.Run("prune-models", func(t *testing.T) { testPruneModels(t, open(t)) })
	t.Run("restore-keeps-sids", func(t *testing.T) { testRestoreKeepsSIDs(t, open(t)) })
	t.Run("assistant-task", func(t *testing.T) { testAssistantTask(t, open(t)) })
	t.Run("assistant-outline", func(t *testing.T) { testAssistantOutline(t, open(t)) })
	t.Run("claim-model-build", func(t *testing.T) { testClaimModelBuild(t, open(t)) })
	t.Run("queries", func(t *testing.T) { testQueries(t, open(t)) })
	t.Run("purge-queries", func(t *testing.T) { testPurgeQueries(t, open(t)) })
	t.Run("query-filter", func(t *testing.T) { testQueryFilter(t, open(t)) })
	t.Run("purge-dialogues", func(t *testing.T) { testPurgeDialogues(t, open(t)) })
	t.Run("query-edits", func(t *testing.T) { testQueryEdits(t, open(t)) })
	t.Run("web-chats", func(t *testing.T) { testWebChats(t, open(t)) })
	t.Run("turn-log", func(t *testing.T) { testTurnLog(t, open(t)) })
}

func newAccount(t *testing.T, s Store, name string) store.Account {
	t.Helper()
	a := store.Account{
		SID:          twilio.NewSID(twilio.PrefixAccount),
		AuthToken:    twilio.NewAuthToken(),
		FriendlyName: name,
	}
	if err := s.CreateAccount(t.Context(), a); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	return a
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", what, err, want)
	}
}

func testAccounts(t *testing.T, s Store) {
	ctx := t.Context()
	t.Run("create-get", func(t *testing.T) {
		before := now()
		a := newAccount(t, s, "first")
		got, err := s.Account(ctx, a.SID)
		if err != nil {
			t.Fatalf("Account: %v", err)
		}
		checkDate(t, "DateCreated", got.DateCreated, before)
		a.DateCreated = got.DateCreated
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("Account (-want +got):\n%s", diff)
		}
	})
	t.Run("keeps-date-created", func(t *testing.T) {
		a := store.Account{
			SID:         twilio.NewSID(twilio.PrefixAccount),
			AuthToken:   twilio.NewAuthToken(),
			DateCreated: fixedDate,
		}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatalf("CreateAccount: %v", err)
		}
		got, err := s.Account(ctx, a.SID)
		if err != nil {
			t.Fatalf("Account: %v", err)
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("Account (-want +got):\n%s", diff)
		}
	})
	t.Run("not-found", func(t *testing.T) {
		_, err := s.Account(ctx, twilio.NewSID(twilio.PrefixAccount))
		wantErr(t, "Account", err, store.ErrNotFound)
	})
	t.Run("duplicate", func(t *testing.T) {
		a := newAccount(t, s, "dup")
		a.AuthToken = twilio.NewAuthToken()
		wantErr(t, "CreateAccount", s.CreateAccount(ctx, a), store.ErrExists)
	})
	t.Run("invalid", func(t *testing.T) {
		err := s.CreateAccount(ctx, store.Account{SID: twilio.NewSID(twilio.PrefixAccount)})
		wantErr(t, "CreateAccount without token", err, store.ErrInvalid)
	})
	t.Run("list-in-creation-order", func(t *testing.T) {
		before, err := s.Accounts(ctx)
		if err != nil {
			t.Fatalf("Accounts: %v", err)
		}
		var want []string
		for _, a := range before {
			want = append(want, a.SID)
		}
		for range 3 {
			want = append(want, newAccount(t, s, "listed").SID)
		}
		as, err := s.Accounts(ctx)
		if err != nil {
			t.Fatalf("Accounts: %v", err)
		}
		var got []string
		for _, a := range as {
			got = append(got, a.SID)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Accounts SIDs (-want +got):\n%s", diff)
		}
	})
}

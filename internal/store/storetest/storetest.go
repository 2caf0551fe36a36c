// Package storetest is the conformance suite every store backend passes: the
// SQLite store on every go test, and PostgreSQL when a server is at hand.
//
// A backend's test calls [Run] with a function that opens a fresh, empty
// store and arranges (with t.Cleanup) for it to be closed.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// Store is what a backend implements. Each method's contract is written on
// the SQLite implementation (internal/store/sqlite) and checked here.
type Store interface {
	CreateAccount(ctx context.Context, a store.Account) error
	Account(ctx context.Context, sid string) (store.Account, error)
	Accounts(ctx context.Context) ([]store.Account, error)

	ImportAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error)
	Assistant(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error)
	AssistantRef(ctx context.Context, accountSID, sidOrUniqueName string) (store.AssistantRef, error)
	Assistants(ctx context.Context, accountSID string) ([]store.AssistantRef, error)
	DeleteAssistant(ctx context.Context, accountSID, sidOrUniqueName string) error
	CreateAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error)
	UpdateAssistant(ctx context.Context, accountSID, sidOrName string, p store.AssistantPatch) (*assistant.Assistant, error)
	AssistantHeads(ctx context.Context, accountSID string) ([]*assistant.Assistant, error)

	CreateTask(ctx context.Context, accountSID, assistantSID string, t assistant.Task) (assistant.Task, error)
	UpdateTask(ctx context.Context, accountSID, assistantSID, sidOrName string, p store.TaskPatch) (assistant.Task, error)
	DeleteTask(ctx context.Context, accountSID, assistantSID, sidOrName string) error
	CreateField(ctx context.Context, accountSID, assistantSID, taskSIDOrName string, f assistant.Field) (assistant.Field, error)
	DeleteField(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sidOrName string) error
	CreateSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName string, s assistant.Sample) (assistant.Sample, error)
	UpdateSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sid string, p store.SamplePatch) (assistant.Sample, error)
	DeleteSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sid string) error
	CreateFieldType(ctx context.Context, accountSID, assistantSID string, ft assistant.FieldType) (assistant.FieldType, error)
	UpdateFieldType(ctx context.Context, accountSID, assistantSID, sidOrName string, p store.FieldTypePatch) (assistant.FieldType, error)
	DeleteFieldType(ctx context.Context, accountSID, assistantSID, sidOrName string) error
	CreateFieldValue(ctx context.Context, accountSID, assistantSID, typeSIDOrName string, v assistant.FieldValue) (assistant.FieldValue, error)
	DeleteFieldValue(ctx context.Context, accountSID, assistantSID, typeSIDOrName, sid string) error

	CreateWebhook(ctx context.Context, w *store.Webhook) error
	Webhook(ctx context.Context, accountSID, assistantSID, sidOrName string) (*store.Webhook, error)
	Webhooks(ctx context.Context, accountSID, assistantSID string) ([]store.Webhook, error)
	UpdateWebhook(ctx context.Context, accountSID, assistantSID, sidOrName string, p store.WebhookPatch) (*store.Webhook, error)
	DeleteWebhook(ctx context.Context, accountSID, assistantSID, sidOrName string) error

	ActiveDialogue(ctx context.Context, assistantSID, channel, userID string) (*store.Dialogue, error)
	Dialogue(ctx context.Context, accountSID, assistantSID, dialogueSID string) (*store.Dialogue, error)
	SaveDialogue(ctx context.Context, d *store.Dialogue) error

	CreateModelBuild(ctx context.Context, b *store.ModelBuild) error
	UpdateModelBuild(ctx context.Context, b *store.ModelBuild) error
	ModelBuild(ctx context.Context, accountSID, assistantSID, sidOrUniqueName string) (*store.ModelBuild, error)
	ModelBuilds(ctx context.Context, accountSID, assistantSID string) ([]store.ModelBuild, error)
	LatestCompletedModelBuild(ctx context.Context, assistantSID string) (*store.ModelBuild, error)
	PruneModels(ctx context.Context, assistantSID string, keep int) (int64, error)
	RestoreAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error)
	AssistantTask(ctx context.Context, accountSID, assistantSIDOrName, taskSIDOrName string) (*assistant.Assistant, error)
	AssistantOutline(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error)
	CountSamples(ctx context.Context, assistantSID string) (int, error)
	AssistantFieldType(ctx context.Context, accountSID, assistantSIDOrName, typeSIDOrName string) (*assistant.Assistant, error)
	DeleteModelBuild(ctx context.Context, accountSID, assistantSID, sidOrUniqueName string) error
	BuildState(ctx context.Context, accountSID, assistantSID string) (store.BuildState, error)
	RenameModelBuild(ctx context.Context, accountSID, assistantSID, sidOrName, uniqueName string) (*store.ModelBuild, error)
	ClaimModelBuild(ctx context.Context, node string, lease time.Duration) (*store.ModelBuild, error)
	CreateQuery(ctx context.Context, q *store.Query) error
	CreateQueries(ctx context.Context, qs []*store.Query) (int, error)
	PurgeQueries(ctx context.Context, before time.Time) (int64, error)
	Queries(ctx context.Context, accountSID, assistantSID string) ([]store.Query, error)
	Query(ctx context.Context, accountSID, assistantSID, sid string) (*store.Query, error)
	UpdateQuery(ctx context.Context, accountSID, assistantSID, sid string, p store.QueryPatch) (*store.Query, error)
	DeleteQuery(ctx context.Context, accountSID, assistantSID, sid string) error
}

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
	t.Run("query-edits", func(t *testing.T) { testQueryEdits(t, open(t)) })
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

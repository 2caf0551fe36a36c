package builds_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
)

const testAccount = "AC0123456789abcdef0123456789abcdef"

func openDB(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(t.Context(), store.Account{SID: testAccount, AuthToken: "secret"}); err != nil {
		t.Fatal(err)
	}
	return db
}

// cancelOnRead cancels a context once the builder has read the assistant
// to train, so that training starts with its context done.
type cancelOnRead struct {
	*sqlite.DB
	cancel context.CancelFunc
}

func (s cancelOnRead) Assistant(ctx context.Context, account, sidOrName string) (*assistant.Assistant, error) {
	a, err := s.DB.Assistant(ctx, account, sidOrName)
	s.cancel()
	return a, err
}

// TestInterruptedBuildGoesBackToTheQueue: a build whose training is stopped
// by shutdown is enqueued again, at once claimable, not failed, and has no
// status callback.
func TestInterruptedBuildGoesBackToTheQueue(t *testing.T) {
	db := openDB(t)
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "stoppable", "tasks": [
		{"uniqueName": "greet", "actions": {"actions": [{"say": "Hi."}]}, "samples": [{"language": "en-US", "taggedText": "hello"}, {"language": "en-US", "taggedText": "good morning"}]},
		{"uniqueName": "dance", "actions": {"actions": [{"say": "Dancing."}]}, "samples": [{"language": "en-US", "taggedText": "let us dance"}, {"language": "en-US", "taggedText": "shake it"}]}]}`), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if a, err = db.ImportAssistant(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	b := &store.ModelBuild{AccountSID: testAccount, AssistantSID: a.SID, Revision: a.Revision, Status: store.BuildEnqueued, StatusCallback: "http://127.0.0.1:1/never"}
	if err := db.CreateModelBuild(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	builder := builds.NewBuilder(cancelOnRead{db, cancel}, nil, builds.Options{Poll: time.Hour})
	done := make(chan struct{})
	go func() { builder.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the builder did not stop")
	}
	got, err := db.ModelBuild(context.Background(), testAccount, a.SID, b.SID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.BuildEnqueued || got.ErrorMessage != "" || len(got.Model) != 0 {
		t.Fatalf("interrupted build: status %q, error %q, %d bytes of model; want enqueued, none, none", got.Status, got.ErrorMessage, len(got.Model))
	}
	again, err := db.ClaimModelBuild(context.Background(), "other-node", time.Minute)
	if err != nil || again.SID != b.SID {
		t.Fatalf("claim after the interruption: %v, %+v; want the same build at once", err, again)
	}
}

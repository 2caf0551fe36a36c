package dialogue_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/webhook"
)

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRedirectLimitIsLoggedWithTheChain checks the operator's side of the
// sixth redirect: an error in the log that lists every redirect followed.
func TestRedirectLimitIsLoggedWithTheChain(t *testing.T) {
	db, _ := openDB(t, "https://unused.example")
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "loop", "tasks": [
		{"uniqueName": "a", "actions": {"actions": [{"redirect": "task://b"}]}, "samples": [{"language": "en-US", "taggedText": "go"}]},
		{"uniqueName": "b", "actions": {"actions": [{"redirect": "task://a"}]}, "samples": []}]}`), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if _, err := db.ImportAssistant(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	client, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, client, dialogue.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	reply, err := eng.Handle(context.Background(), dialogue.Turn{
		AccountSID: testAccount, AuthToken: testToken, Assistant: "loop", Channel: "test", UserID: "u", Text: "go",
	})
	if err != nil {
		t.Fatal(err)
	}
	chain := "task://b -> task://a -> task://b -> task://a -> task://b -> task://a"
	if len(reply.Faults) != 1 || !strings.Contains(reply.Faults[0].Message, chain) {
		t.Errorf("faults = %v", reply.Faults)
	}
	out := logs.String()
	if !strings.Contains(out, "level=ERROR") || !strings.Contains(out, chain) || !strings.Contains(out, "code=90100") {
		t.Errorf("log does not hold the error with the chain:\n%s", out)
	}
}

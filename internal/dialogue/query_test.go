package dialogue_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/webhook"
)

// TestQuery classifies without running a turn: the Queries resource's
// engine side.
func TestQuery(t *testing.T) {
	db, _ := openDB(t, "https://unused.example")
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "pizza",
		"defaults": {"defaults": {"fallback": "task://fallback"}},
		"fieldTypes": [{"uniqueName": "Custom.SIZE", "values": [{"language": "en-US", "value": "small"}, {"language": "en-US", "value": "large"}]}],
		"tasks": [
		{"uniqueName": "order", "actions": {"actions": [{"say": "ok"}]},
		 "fields": [{"uniqueName": "size", "fieldType": "Custom.SIZE"}],
		 "samples": [{"language": "en-US", "taggedText": "I want a {size} pizza"}, {"language": "en-US", "taggedText": "order a pizza"},
		             {"language": "en-US", "taggedText": "can I get a pizza"}, {"language": "en-US", "taggedText": "pizza please"}]},
		{"uniqueName": "hours", "actions": {"actions": [{"say": "9 to 5"}]},
		 "samples": [{"language": "en-US", "taggedText": "when are you open"}, {"language": "en-US", "taggedText": "what are your hours"},
		             {"language": "en-US", "taggedText": "are you open today"}]},
		{"uniqueName": "fallback", "actions": {"actions": [{"say": "sorry"}]}, "samples": []}]}`), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if _, err := db.ImportAssistant(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, db)
	ctx := context.Background()

	got, err := eng.Query(ctx, db, testAccount, "pizza", "en-US", "I want a large pizza", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &dialogue.QueryResult{SID: got.SID, Task: "order", Fields: []nlu.Field{{Name: "size", Value: "large", Type: "Custom.SIZE"}}, Confidence: 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exact sample (-want +got):\n%s", diff)
	}
	// The assistant logs queries (the schema's default): the query is kept.
	logged, err := db.Queries(ctx, testAccount, mustRef(t, db, "pizza"), store.QueryFilter{})
	if err != nil || len(logged) != 1 || logged[0].SID != got.SID || logged[0].Query != "I want a large pizza" ||
		string(logged[0].Results) != `{"task":"order","fields":[{"name":"size","value":"large","type":"Custom.SIZE"}],"confidence":1,"next_best_task":""}` {
		t.Errorf("logged queries: %+v (%v)", logged, err)
	}

	got, err = eng.Query(ctx, nil, testAccount, "pizza", "en-US", "what is the capital of peru", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Task != "fallback" || got.Confidence != 0 || len(got.Fields) != 0 {
		t.Errorf("off-topic: %+v, want the fallback task", got)
	}

	got, err = eng.Query(ctx, nil, testAccount, "pizza", "en-US", "I'd like to order a large pizza", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Task != "order" || got.Confidence <= 0 || got.NextBestTask != "hours" {
		t.Errorf("paraphrase: %+v", got)
	}

	if _, err := eng.Query(ctx, nil, testAccount, "nope", "en-US", "hi", nil); !errors.Is(err, dialogue.ErrAssistantNotFound) {
		t.Errorf("unknown assistant: %v", err)
	}
}

func mustRef(t *testing.T, db *sqlite.DB, name string) string {
	t.Helper()
	ref, err := db.AssistantRef(context.Background(), testAccount, name)
	if err != nil {
		t.Fatal(err)
	}
	return ref.SID
}

// TestAssistantThreshold: an assistant's nluThreshold decides how sure the
// classifier must be.
func TestAssistantThreshold(t *testing.T) {
	db, _ := openDB(t, "https://unused.example")
	ctx := context.Background()
	for _, name := range []string{"lenient", "strict"} {
		extra := ""
		if name == "strict" {
			extra = `"nluThreshold": 0.999,`
		}
		a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "`+name+`", `+extra+` "tasks": [
			{"uniqueName": "order", "actions": {"actions": [{"say": "ok"}]}, "samples": [{"language": "en-US", "taggedText": "order a pizza"},
			 {"language": "en-US", "taggedText": "can I get a pizza"}, {"language": "en-US", "taggedText": "pizza please"}]},
			{"uniqueName": "hours", "actions": {"actions": [{"say": "9 to 5"}]}, "samples": [{"language": "en-US", "taggedText": "when are you open"},
			 {"language": "en-US", "taggedText": "what are your hours"}]}]}`), assistant.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		a.AccountSID = testAccount
		if _, err := db.ImportAssistant(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	eng := newEngine(t, db)
	lenient, err := eng.Query(ctx, nil, testAccount, "lenient", "en-US", "I'd like a large pizza", nil)
	if err != nil {
		t.Fatal(err)
	}
	strict, err := eng.Query(ctx, nil, testAccount, "strict", "en-US", "I'd like a large pizza", nil)
	if err != nil {
		t.Fatal(err)
	}
	if lenient.Task != "order" || strict.Task != "" {
		t.Errorf("lenient -> %q, strict -> %q; want order and no task", lenient.Task, strict.Task)
	}
}

// TestTurnsAreLoggedAsQueries: with a query log, every message the NLU
// classifies for an assistant that logs queries is kept, with its dialogue
// and channel, once the engine writes its queue.
func TestTurnsAreLoggedAsQueries(t *testing.T) {
	db, a := openDB(t, counterServer(t).URL) // the "counter" assistant logs queries
	client, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, client, dialogue.Options{QueryLog: db})
	ctx := context.Background()
	var dialogueSID string
	for _, text := range []string{"count", "what is the capital of peru"} {
		r, err := eng.Handle(ctx, dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "counter",
			Channel: "web", MemoryKey: "custom.web", UserID: "q", Text: text, Language: "en-US"})
		if err != nil {
			t.Fatal(err)
		}
		dialogueSID = r.DialogueSID
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := db.Queries(ctx, testAccount, a.SID, store.QueryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d queries logged, want 2: %+v", len(got), got)
	}
	last, first := got[0], got[1]
	if first.Query != "count" || first.DialogueSID != dialogueSID || first.SourceChannel != "web" || first.Language != "en-US" ||
		string(first.Results) != `{"task":"count","fields":[],"confidence":1,"next_best_task":""}` {
		t.Errorf("first query: %+v (results %s)", first, first.Results)
	}
	if last.Query != "what is the capital of peru" || string(last.Results) != `{"task":"","fields":[],"confidence":0,"next_best_task":""}` {
		t.Errorf("off-topic query: %+v (results %s)", last, last.Results)
	}
}

// TestQueryLogAskedOnly: with QueryLogAskedOnly, only the turns that ask to
// be logged (the console's simulator) reach the query log.
func TestQueryLogAskedOnly(t *testing.T) {
	db, a := openDB(t, counterServer(t).URL) // the "counter" assistant logs queries
	client, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, client, dialogue.Options{QueryLog: db, QueryLogAskedOnly: true})
	ctx := context.Background()
	for _, turn := range []struct {
		text string
		log  bool
	}{{"count", false}, {"count", true}} {
		if _, err := eng.Handle(ctx, dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "counter",
			Channel: "web", MemoryKey: "custom.web", UserID: "asked", Text: turn.text, Language: "en-US", Log: turn.log}); err != nil {
			t.Fatal(err)
		}
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := db.Queries(ctx, testAccount, a.SID, store.QueryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d queries logged, want only the turn that asked: %+v", len(got), got)
	}
}

package dialogue_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/webhook"
)

// openSchema imports schema into a new store.
func openSchema(t testing.TB, schema string) (*sqlite.DB, *assistant.Assistant) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(ctx, store.Account{SID: testAccount, AuthToken: testToken}); err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema([]byte(schema), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	stored, err := db.ImportAssistant(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return db, stored
}

const greeterSchema = `{"uniqueName": "greeter",
	"defaults": {"defaults": {"assistant_initiation": "task://welcome", "fallback": "task://welcome"}},
	"styleSheet": {"style_sheet": {"voice": {"say_voice": "Polly.Joanna"}}},
	"tasks": [
		{"uniqueName": "welcome", "actions": {"actions": [{"say": "Welcome to the shop."}, {"listen": true}]},
		 "samples": [{"language": "en-US", "taggedText": "hello"}]},
		{"uniqueName": "agent", "actions": {"actions": [{"say": "Connecting you."}, {"handoff": {"channel": "voice", "uri": "taskrouter://WW0123456789abcdef0123456789abcdef"}}]},
		 "samples": [{"language": "en-US", "taggedText": "talk to an agent"}]},
		{"uniqueName": "bye", "actions": {"actions": [{"say": "Goodbye."}]},
		 "samples": [{"language": "en-US", "taggedText": "goodbye"}]}
	]}`

// TestInitiateRunsAssistantInitiation: a turn that initiates a new dialogue
// (a call that connected) runs defaults.assistant_initiation whatever its
// text; on a dialogue already begun it is an ordinary turn.
func TestInitiateRunsAssistantInitiation(t *testing.T) {
	db, _ := openSchema(t, greeterSchema)
	eng := newEngine(t, db)
	turn := dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "greeter",
		Channel: "voice", UserID: "+15550001111", Thread: "CA1", Initiate: true}
	r, err := eng.Handle(context.Background(), turn)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Says) != 1 || r.Says[0].Speech != "Welcome to the shop." || r.CurrentTask != "welcome" || r.Listen == nil || r.SayVoice != "Polly.Joanna" {
		t.Fatalf("initiation: %+v", r)
	}
	turn.Text = "talk to an agent"
	r, err = eng.Handle(context.Background(), turn)
	if err != nil {
		t.Fatal(err)
	}
	if r.CurrentTask != "agent" || r.Handoff == nil || r.Request.Get("CurrentTask") != "agent" || r.Request.Get("Channel") != "voice" || r.Request.Get("DialogueSid") != r.DialogueSID {
		t.Fatalf("handoff turn: task %q, handoff %+v, request %v", r.CurrentTask, r.Handoff, r.Request)
	}
}

// TestInitiateWithoutInitiationListens: with no assistant_initiation the
// bot says nothing and waits for the caller.
func TestInitiateWithoutInitiationListens(t *testing.T) {
	db, _ := openSchema(t, `{"uniqueName": "quiet", "tasks": [{"uniqueName": "hi", "actions": {"actions": [{"say": "hi"}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]}]}`)
	eng := newEngine(t, db)
	r, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "quiet",
		Channel: "voice", UserID: "+15550001111", Thread: "CA1", Initiate: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Says) != 0 || r.Ended {
		t.Fatalf("initiation without assistant_initiation: %+v", r)
	}
}

// TestThreadsAreDialogues: one user on two threads (two numbers texted,
// two calls) has two dialogues; End ends one of them alone.
func TestThreadsAreDialogues(t *testing.T) {
	db, a := openSchema(t, greeterSchema)
	eng := newEngine(t, db)
	ctx := context.Background()
	turn := func(thread, text string) *dialogue.Reply {
		t.Helper()
		r, err := eng.Handle(ctx, dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "greeter",
			Channel: "sms", UserID: "+15550001111", Thread: thread, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	one, two := turn("+15550002222", "hello"), turn("+15550003333", "hello")
	if one.DialogueSID == two.DialogueSID {
		t.Fatalf("two threads share dialogue %s", one.DialogueSID)
	}
	if again := turn("+15550002222", "hello"); again.DialogueSID != one.DialogueSID {
		t.Errorf("the same thread started dialogue %s, want %s", again.DialogueSID, one.DialogueSID)
	}
	if err := eng.End(ctx, dialogue.Turn{AccountSID: testAccount, Assistant: "greeter", Channel: "sms", UserID: "+15550001111", Thread: "+15550002222"}); err != nil {
		t.Fatal(err)
	}
	d, err := db.Dialogue(ctx, testAccount, a.SID, one.DialogueSID)
	if err != nil || d.Status != store.DialogueEnded {
		t.Fatalf("ended dialogue: %+v, %v", d, err)
	}
	if d, err := db.Dialogue(ctx, testAccount, a.SID, two.DialogueSID); err != nil || d.Status != store.DialogueActive {
		t.Fatalf("the other thread's dialogue: %+v, %v", d, err)
	}
	if next := turn("+15550002222", "hello"); next.DialogueSID == one.DialogueSID {
		t.Error("a turn after End continued the ended dialogue")
	}
	// Ending a thread with no dialogue is not an error.
	if err := eng.End(ctx, dialogue.Turn{AccountSID: testAccount, Assistant: "greeter", Channel: "sms", UserID: "+1555", Thread: "none"}); err != nil {
		t.Error(err)
	}
}

// TestEndCallsDialogueEndWebhooks: a dialogue ended by End (a call hung up)
// calls the assistant's onDialogueEnd webhooks with the dialogue's
// parameters.
func TestEndCallsDialogueEndWebhooks(t *testing.T) {
	db, a := openSchema(t, greeterSchema)
	got := make(chan url.Values, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		got <- r.PostForm
	}))
	t.Cleanup(hook.Close)
	ctx := context.Background()
	if err := db.CreateWebhook(ctx, &store.Webhook{AccountSID: testAccount, AssistantSID: a.SID, UniqueName: "ends", Events: "onDialogueEnd", WebhookURL: hook.URL, WebhookMethod: "POST"}); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, db)
	turn := dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "greeter", Channel: "voice", UserID: "+15550001111", Thread: "CA9", Initiate: true}
	r, err := eng.Handle(ctx, turn)
	if err != nil {
		t.Fatal(err)
	}
	if err := eng.End(ctx, turn); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-got:
		if p.Get("Event") != "onDialogueEnd" || p.Get("DialogueSid") != r.DialogueSID || p.Get("Channel") != "voice" || p.Get("CurrentTask") != "welcome" {
			t.Errorf("onDialogueEnd parameters: %v", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no onDialogueEnd webhook")
	}
}

// TestReplyTrace: a reply says what understanding made of the input and
// which webhooks the turn called, with their status.
func TestReplyTrace(t *testing.T) {
	hook := counterServer(t)
	db, _ := openDB(t, hook.URL)
	eng := newEngine(t, db)
	r, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "counter",
		Channel: "test", MemoryKey: "custom.test", UserID: "trace", Text: "count"})
	if err != nil {
		t.Fatal(err)
	}
	if r.CurrentTask != "count" || r.Confidence <= 0 || len(r.Webhooks) != 1 {
		t.Fatalf("trace: task %q confidence %v webhooks %+v", r.CurrentTask, r.Confidence, r.Webhooks)
	}
	if w := r.Webhooks[0]; w.URL != hook.URL || w.Status != 200 || w.Method != "POST" || w.Error != "" || w.Took <= 0 {
		t.Errorf("webhook call: %+v", w)
	}
}

// TestTurnLog: a turn that asks to be logged is, with its trace; others
// are not, unless the engine logs every turn.
func TestTurnLog(t *testing.T) {
	hook := counterServer(t)
	db, a := openDB(t, hook.URL)
	client, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, client, dialogue.Options{TurnLog: db})
	turn := dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "counter", Channel: "console", MemoryKey: "custom.console", UserID: "logged", Text: "count", Log: true}
	r, err := eng.Handle(context.Background(), turn)
	if err != nil {
		t.Fatal(err)
	}
	turn.Log, turn.UserID = false, "unlogged"
	if _, err := eng.Handle(context.Background(), turn); err != nil {
		t.Fatal(err)
	}
	eng.Close() // writes what is queued
	got, err := db.DialogueTurns(context.Background(), testAccount, a.SID, r.DialogueSID)
	if err != nil || len(got) != 1 || got[0].Input != "count" || got[0].Task != "count" || !strings.Contains(string(got[0].Trace), `"webhooks"`) || !strings.Contains(string(got[0].Trace), `"count":1`) {
		t.Fatalf("logged turns: %+v, %v", got, err)
	}
	ds, _ := db.RecentDialogues(context.Background(), testAccount, a.SID, 10)
	if len(ds) != 1 {
		t.Errorf("%d dialogues logged, want the one that asked", len(ds))
	}
}

package dialogue_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/webhook"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "secret"
)

// counterServer answers each Autopilot Request by remembering the Memory's
// "count" plus one.
func counterServer(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var mem struct {
			Count int `json:"count"`
		}
		if err := json.Unmarshal([]byte(r.PostFormValue("Memory")), &mem); err != nil {
			t.Errorf("memory: %v", err)
		}
		fmt.Fprintf(w, `{"actions":[{"remember":{"count":%d}},{"say":"%d"},{"listen":true}]}`, mem.Count+1, mem.Count+1)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func openDB(t testing.TB, hookURL string) (*sqlite.DB, *assistant.Assistant) {
	t.Helper()
	return openSchema(t, fmt.Sprintf(`{"uniqueName": "counter", "tasks": [{"uniqueName": "count",
		"actions": {"actions": [{"redirect": %q}]},
		"samples": [{"language": "en-US", "taggedText": "count"}]}]}`, hookURL))
}

func newEngine(t testing.TB, db dialogue.Store) *dialogue.Engine {
	client, err := webhook.New(webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return dialogue.New(db, client, dialogue.Options{Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))})
}

// TestConcurrentTurnsLoseNoRemember sends many messages of one user at once,
// through one engine and through two engines sharing the store (as two
// processes would); every turn's remember must survive.
func TestConcurrentTurnsLoseNoRemember(t *testing.T) {
	for _, engines := range []int{1, 2} {
		t.Run(fmt.Sprintf("engines-%d", engines), func(t *testing.T) {
			db, a := openDB(t, counterServer(t).URL)
			var engs []*dialogue.Engine
			for range engines {
				engs = append(engs, newEngine(t, db))
			}
			const turns = 24
			var wg sync.WaitGroup
			for i := range turns {
				wg.Go(func() {
					_, err := engs[i%engines].Handle(context.Background(), dialogue.Turn{
						AccountSID: testAccount, AuthToken: testToken, Assistant: a.SID,
						Channel: "test", MemoryKey: "custom.test", UserID: "u1", Text: "count",
					})
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			d, err := db.ActiveDialogue(context.Background(), a.SID, "custom.test", "u1")
			if err != nil {
				t.Fatal(err)
			}
			var st struct {
				Memory struct {
					Count int `json:"count"`
				} `json:"memory"`
			}
			if err := json.Unmarshal(d.State, &st); err != nil {
				t.Fatal(err)
			}
			if st.Memory.Count != turns {
				t.Errorf("count = %d after %d concurrent turns; remembers were lost", st.Memory.Count, turns)
			}
		})
	}
}

// TestTurnStateIsSavedBeforeReply checks that when Handle returns, the
// dialogue's new state is already in the store.
func TestTurnStateIsSavedBeforeReply(t *testing.T) {
	db, a := openDB(t, counterServer(t).URL)
	eng := newEngine(t, db)
	reply, err := eng.Handle(context.Background(), dialogue.Turn{
		AccountSID: testAccount, AuthToken: testToken, Assistant: "counter",
		Channel: "test", MemoryKey: "custom.test", UserID: "u2", Text: "count",
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.ActiveDialogue(context.Background(), a.SID, "custom.test", "u2")
	if err != nil {
		t.Fatal(err)
	}
	if d.SID != reply.DialogueSID || d.Version != 1 {
		t.Errorf("stored dialogue %s version %d, reply dialogue %s", d.SID, d.Version, reply.DialogueSID)
	}
	if _, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, Assistant: "nope", UserID: "u"}); err == nil {
		t.Error("unknown assistant: no error")
	}
}

// TestTurnDeadlineAnswersTheFallback: a webhook slower than the turn's
// deadline fails the turn in time for the fallback to answer, and the
// dialogue is saved.
func TestTurnDeadlineAnswersTheFallback(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) }) // runs first
	db, _ := openDB(t, "https://unused.example")
	a, _, err := assistant.ParseSchema([]byte(fmt.Sprintf(`{"uniqueName": "slowpoke",
		"defaults": {"defaults": {"fallback": "task://sorry"}},
		"tasks": [
		{"uniqueName": "wait", "actions": {"actions": [{"redirect": %q}]}, "samples": [{"language": "en-US", "taggedText": "wait"}]},
		{"uniqueName": "sorry", "actions": {"actions": [{"say": "Sorry, that took too long."}, {"listen": true}]}, "samples": []}]}`, slow.URL)), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if a, err = db.ImportAssistant(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	client, err := webhook.New(webhook.Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	eng := dialogue.New(db, client, dialogue.Options{TurnTimeout: 300 * time.Millisecond})
	start := time.Now()
	reply, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: a.SID, Channel: "test", UserID: "u", Text: "wait"})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the turn took %s with a deadline of 300ms", took)
	}
	if len(reply.Says) != 1 || reply.Says[0].Speech != "Sorry, that took too long." {
		t.Errorf("says %+v, want the fallback's", reply.Says)
	}
	if _, err := db.ActiveDialogue(context.Background(), a.SID, "test", "u"); err != nil {
		t.Errorf("the dialogue was not saved: %v", err)
	}
}

// TestRequestIDOnLogLines: the log lines of a turn carry its request id.
func TestRequestIDOnLogLines(t *testing.T) {
	db, a := openDB(t, "http://127.0.0.1:1/refused")
	var logs strings.Builder
	client, err := webhook.New(webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng := dialogue.New(db, client, dialogue.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if _, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: a.SID, Channel: "test", UserID: "u", Text: "count", RequestID: "req-42"}); err != nil {
		t.Fatal(err)
	}
	if logs.Len() == 0 || strings.Count(logs.String(), "request_id=req-42") != strings.Count(logs.String(), "\n") {
		t.Errorf("log lines without the request id:\n%s", logs.String())
	}
}

// observed records what an Observer is told.
type observed struct {
	mu       sync.Mutex
	turns    []string
	classify []bool
}

func (o *observed) Turn(channel, outcome string, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.turns = append(o.turns, channel+" "+outcome)
}

func (o *observed) Classified(_ float64, understood bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.classify = append(o.classify, understood)
}

// TestObserver: the engine tells its Observer each turn's channel kind and
// outcome, and whether the NLU understood the message.
func TestObserver(t *testing.T) {
	db, a := openDB(t, counterServer(t).URL)
	client, _ := webhook.New(webhook.Options{})
	o := &observed{}
	eng := dialogue.New(db, client, dialogue.Options{Observer: o})
	for _, text := range []string{"count", "what is the meaning of life"} {
		if _, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: a.SID, Channel: "web", MemoryKey: "custom.web", UserID: "o", Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := eng.Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "nosuch", Channel: "sms", UserID: "o", Text: "hi"}); err == nil {
		t.Fatal("unknown assistant: no error")
	}
	want := []string{"custom ok", "custom fallback", "sms error"}
	if diff := cmp.Diff(want, o.turns); diff != "" {
		t.Errorf("turns (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{true, false}, o.classify); diff != "" {
		t.Errorf("classifications (-want +got):\n%s", diff)
	}
}

// TestTurnsAcrossProcessesRunWebhooksOnce: two engines, each on its own
// handle of one SQLite file (as two processes on one data directory), take
// concurrent turns of one dialogue: every turn's webhook runs exactly once,
// none fails, and every remember survives.
func TestTurnsAcrossProcessesRunWebhooksOnce(t *testing.T) {
	var calls atomic.Int32
	counter := counterServer(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		counter.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(hook.Close)
	db, a := openDB(t, hook.URL)
	path := db.Path()
	other, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	engs := []*dialogue.Engine{newEngine(t, db), newEngine(t, other)}
	const turns = 40
	var wg sync.WaitGroup
	for i := range turns {
		wg.Go(func() {
			_, err := engs[i%2].Handle(context.Background(), dialogue.Turn{
				AccountSID: testAccount, AuthToken: testToken, Assistant: a.SID,
				Channel: "test", MemoryKey: "custom.test", UserID: "u1", Text: "count",
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	d, err := db.ActiveDialogue(context.Background(), a.SID, "custom.test", "u1")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Memory struct {
			Count int `json:"count"`
		} `json:"memory"`
	}
	if err := json.Unmarshal(d.State, &st); err != nil {
		t.Fatal(err)
	}
	if st.Memory.Count != turns || calls.Load() != turns {
		t.Errorf("%d turns: count %d, %d webhook calls; want %d and %d", turns, st.Memory.Count, calls.Load(), turns, turns)
	}
}

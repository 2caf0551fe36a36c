package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// wholeReads answers the store's narrow reads (one task, one field type,
// the outline, the count of samples) by reading the whole assistant, as
// every request did before them.
type wholeReads struct {
	api.Store
	account string
}

func (w wholeReads) AssistantTask(ctx context.Context, accountSID, assistantSIDOrName, taskSIDOrName string) (*assistant.Assistant, error) {
	a, err := w.Assistant(ctx, accountSID, assistantSIDOrName)
	if err != nil {
		return nil, err
	}
	for _, t := range a.Tasks {
		if t.SID == taskSIDOrName || t.UniqueName == taskSIDOrName {
			a.Tasks = []assistant.Task{t}
			return a, nil
		}
	}
	return nil, store.ErrNotFound
}

func (w wholeReads) CountSamples(ctx context.Context, assistantSID string) (int, error) {
	a, err := w.Assistant(ctx, w.account, assistantSID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range a.Tasks {
		n += len(t.Samples)
	}
	return n, nil
}

func (w wholeReads) AssistantOutline(ctx context.Context, accountSID, sidOrName string) (*assistant.Assistant, error) {
	return w.Assistant(ctx, accountSID, sidOrName)
}

// BenchmarkSampleRequests measures what the Twilio CLI plugin does for each
// sample it imports, creating it and listing a page of its task's samples,
// against an assistant of 20,000 samples (200 tasks of 100): with the
// store's narrow reads, and with every request reading the whole assistant.
//
// Run: go test -run '^$' -bench SampleRequests ./internal/api
func BenchmarkSampleRequests(b *testing.B) {
	db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "parley.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	acct := store.Account{SID: twilio.NewSID(twilio.PrefixAccount), AuthToken: twilio.NewAuthToken()}
	if err := db.CreateAccount(b.Context(), acct); err != nil {
		b.Fatal(err)
	}
	a := &assistant.Assistant{AccountSID: acct.SID, UniqueName: "big", FriendlyName: "big"}
	for i := range 200 {
		t := assistant.Task{UniqueName: fmt.Sprintf("task%d", i), FriendlyName: fmt.Sprintf("task%d", i)}
		for j := range 100 {
			t.Samples = append(t.Samples, assistant.Sample{Language: "en-US", TaggedText: fmt.Sprintf("sample %d of task %d", j, i)})
		}
		a.Tasks = append(a.Tasks, t)
	}
	if _, err := db.ImportAssistant(b.Context(), a); err != nil {
		b.Fatal(err)
	}
	hooks, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, hooks, dialogue.Options{})
	defer eng.Close()
	for _, bc := range []struct {
		name  string
		store api.Store
	}{{"narrow", db}, {"whole", wholeReads{db, acct.SID}}} {
		b.Run(bc.name, func(b *testing.B) {
			mux := http.NewServeMux()
			(&api.Server{Store: bc.store, Engine: eng}).Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			do := func(method, path string, form url.Values) {
				req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth(acct.SID, acct.AuthToken)
				resp, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					b.Fatalf("%s %s: %d", method, path, resp.StatusCode)
				}
			}
			i := 0
			for b.Loop() {
				task := fmt.Sprintf("/v1/Assistants/big/Tasks/task%d/Samples", i%200)
				do("POST", task, url.Values{"Language": {"en-US"}, "TaggedText": {fmt.Sprintf("%s new sample %d", bc.name, i)}})
				do("GET", task+"?PageSize=50", nil)
				i++
			}
		})
	}
}

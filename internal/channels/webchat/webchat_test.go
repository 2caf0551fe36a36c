package webchat_test

import (
	"encoding/json"
	"github.com/parleyhq/parley/internal/api/apitest"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/channels/webchat"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/webhook"
)

const origin = "https://shop.example"

type chat struct {
	*httptest.Server
	db  *sqlite.DB
	a   *assistant.Assistant
	now time.Time
}

func start(t testing.TB) *chat {
	t.Helper()
	db, acct := apitest.NewStore(t)
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "shop", "defaults": {"defaults": {"fallback": "task://ask"}}, "tasks": [
		{"uniqueName": "ask", "actions": {"actions": [{"collect": {"name": "c", "questions": [{"question": "Your name?", "name": "name"}], "on_complete": {"redirect": "task://thanks"}}}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]},
		{"uniqueName": "thanks", "actions": {"actions": [{"say": "Thanks!"}, {"show": {"body": "Our shop", "images": [{"url": "https://shop.example/s.png", "label": "shop"}]}}]}, "samples": []}]}`), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = acct.SID
	if a, err = db.ImportAssistant(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	if err := db.SetWebChat(t.Context(), acct.SID, store.WebChat{AssistantSID: a.SID, Enabled: true, Origins: []string{origin}}); err != nil {
		t.Fatal(err)
	}
	hooks, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, hooks, dialogue.Options{})
	t.Cleanup(func() { eng.Close() })
	c := &chat{db: db, a: a, now: time.Now()}
	mux := http.NewServeMux()
	(&webchat.Handler{Store: db, Engine: eng, Now: func() time.Time { return c.now }}).Register(mux)
	c.Server = httptest.NewServer(mux)
	t.Cleanup(c.Close)
	return c
}

type reply struct {
	Visitor  string `json:"visitor"`
	Messages []struct {
		Text string `json:"text"`
	} `json:"messages"`
	Says     []string `json:"says"`
	Question string   `json:"question"`
	Shows    []struct {
		Body   string                 `json:"body"`
		Images []struct{ URL string } `json:"images"`
	} `json:"shows"`
	Error string `json:"error"`
}

func (c *chat) send(t *testing.T, from, assistantSID, visitor, text string) (*http.Response, reply) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", c.URL+"/webchat/"+assistantSID+"/messages", strings.NewReader(url.Values{"Text": {text}, "Visitor": {visitor}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if from != "" {
		req.Header.Set("Origin", from)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r reply
	json.NewDecoder(resp.Body).Decode(&r)
	return resp, r
}

func TestConversation(t *testing.T) {
	c := start(t)
	resp, r := c.send(t, origin, c.a.SID, "", "hello")
	if resp.StatusCode != 200 || r.Visitor == "" || len(r.Says) != 1 || r.Says[0] != "Your name?" || r.Question != "name" {
		t.Fatalf("first message: %d %+v", resp.StatusCode, r)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != origin {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}
	// The same visitor continues the dialogue.
	resp, r2 := c.send(t, origin, c.a.SID, r.Visitor, "Ana")
	if resp.StatusCode != 200 || r2.Visitor != r.Visitor || len(r2.Says) != 1 || r2.Says[0] != "Thanks!" || len(r2.Shows) != 1 || r2.Shows[0].Images[0].URL != "https://shop.example/s.png" ||
		len(r2.Messages) != 2 || r2.Messages[0].Text != "Thanks!" || r2.Messages[1].Text != "Our shop" {
		t.Fatalf("the answer: %d %+v", resp.StatusCode, r2)
	}
	// A forged visitor id is not taken: a new visitor, a new dialogue.
	forged := strings.Split(r.Visitor, ".")[0] + ".Zm9yZ2Vk"
	_, r3 := c.send(t, origin, c.a.SID, forged, "hello")
	if r3.Visitor == forged || r3.Visitor == r.Visitor || r3.Question != "name" {
		t.Errorf("a forged visitor: %+v", r3)
	}
}

func TestRefusals(t *testing.T) {
	c := start(t)
	for _, tc := range []struct {
		name, from, assistant string
		status                int
	}{
		{"another origin", "https://evil.example", c.a.SID, 403},
		{"no origin", "", c.a.SID, 403},
		{"unknown assistant", origin, "UA00000000000000000000000000000000", 404},
	} {
		resp, r := c.send(t, tc.from, tc.assistant, "", "hello")
		if resp.StatusCode != tc.status || r.Error == "" || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: %d %+v", tc.name, resp.StatusCode, r)
		}
	}
	if resp, _ := c.send(t, origin, c.a.SID, "", strings.Repeat("x", webchat.MaxText+1)); resp.StatusCode != 400 {
		t.Errorf("a long message: %d", resp.StatusCode)
	}
	// Preflight.
	req, _ := http.NewRequest("OPTIONS", c.URL+"/webchat/"+c.a.SID+"/messages", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	// Turned off: refused.
	wc, _ := c.db.WebChat(t.Context(), c.a.SID)
	wc.Enabled = false
	if err := c.db.SetWebChat(t.Context(), wc.AccountSID, wc); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.send(t, origin, c.a.SID, "", "hello"); resp.StatusCode != 403 {
		t.Errorf("a web chat turned off: %d", resp.StatusCode)
	}
}

func TestRateLimit(t *testing.T) {
	c := start(t)
	_, r := c.send(t, origin, c.a.SID, "", "hello")
	for range webchat.PerVisitor - 1 {
		if resp, _ := c.send(t, origin, c.a.SID, r.Visitor, "hello"); resp.StatusCode != 200 {
			t.Fatalf("within the limit: %d", resp.StatusCode)
		}
	}
	if resp, _ := c.send(t, origin, c.a.SID, r.Visitor, "hello"); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("past the visitor's limit: %d", resp.StatusCode)
	}
	// Another visitor is not limited by the first.
	if resp, _ := c.send(t, origin, c.a.SID, "", "hello"); resp.StatusCode != 200 {
		t.Errorf("another visitor: %d", resp.StatusCode)
	}
	c.now = c.now.Add(2 * time.Minute)
	if resp, _ := c.send(t, origin, c.a.SID, r.Visitor, "hello"); resp.StatusCode != 200 {
		t.Errorf("a minute later: %d", resp.StatusCode)
	}
}

func TestScript(t *testing.T) {
	c := start(t)
	resp, err := http.Get(c.URL + "/webchat.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("webchat.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

package custom_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/channels/custom"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

const (
	acct  = "AC0123456789abcdef0123456789abcdef"
	token = "secret"
)

const schema = `{
  "uniqueName": "shop",
  "defaults": {"defaults": {"fallback": "task://fallback"}},
  "tasks": [
    {"uniqueName": "greeting",
     "actions": {"actions": [{"say": {"speech": "<speak>Hi <break time=\"1s\"/> there</speak>"}},
       {"show": {"body": "Menu", "images": [{"url": "https://example.com/m.png", "label": "menu"}]}},
       {"listen": {"tasks": ["order", "greeting"]}}]},
     "samples": [{"language": "en-US", "taggedText": "hello"}]},
    {"uniqueName": "order",
     "actions": {"actions": [{"collect": {"name": "o", "questions": [{"question": "How many?", "name": "n", "type": "Twilio.NUMBER"}],
       "on_complete": {"redirect": "task://bye"}}}]},
     "samples": [{"language": "en-US", "taggedText": "order"}]},
    {"uniqueName": "bye", "actions": {"actions": [{"say": "Bye."}]}, "samples": [{"language": "en-US", "taggedText": "bye"}]},
    {"uniqueName": "vip", "actions": {"actions": [{"say": "Welcome back."}, {"listen": true}]}, "samples": []},
    {"uniqueName": "fallback", "actions": {"actions": [{"say": "Sorry?"}, {"listen": true}]}, "samples": []}
  ]
}`

func newServer(t testing.TB) (*httptest.Server, *assistant.Assistant) {
	t.Helper()
	return newServerWith(t, &custom.Handler{})
}

// newServerWith serves h, given a store and an engine, with the test's
// assistant.
func newServerWith(t testing.TB, h *custom.Handler) (*httptest.Server, *assistant.Assistant) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(ctx, store.Account{SID: acct, AuthToken: token}); err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema([]byte(schema), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = acct
	if a, err = db.ImportAssistant(ctx, a); err != nil {
		t.Fatal(err)
	}
	client, _ := webhook.New(webhook.Options{})
	mux := http.NewServeMux()
	h.Accounts, h.Engine = db, dialogue.New(db, client, dialogue.Options{})
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, a
}

func post(t *testing.T, u string, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("response is not JSON: %s", body)
	}
	return resp.StatusCode, v
}

func TestV2Conversation(t *testing.T) {
	srv, a := newServer(t)
	u := srv.URL + "/v2/" + acct + "/shop/custom/webchat"
	form := url.Values{"UserId": {"bob"}, "Text": {"hello"}, "Language": {"en-US"}}
	status, got := post(t, u, form, acct, token)
	if status != 200 {
		t.Fatalf("status %d: %v", status, got)
	}
	dlg := got["dialogue"].(map[string]any)
	want := map[string]any{
		"response": map[string]any{
			"says":   []any{map[string]any{"speech": `<speak>Hi <break time="1s"/> there</speak>`, "text": "Hi  there"}},
			"shows":  []any{map[string]any{"body": "Menu", "images": []any{map[string]any{"url": "https://example.com/m.png", "label": "menu"}}}},
			"listen": map[string]any{"tasks": []any{"order", "greeting"}},
		},
		"dialogue": map[string]any{
			"sid": dlg["sid"], "current_task": "greeting", "user_identifier": "bob",
			"memory": `{"twilio":{"custom.webchat":{}}}`, "status": "active",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if !twilio.IsSID(twilio.PrefixDialogue, dlg["sid"].(string)) {
		t.Errorf("dialogue sid %v", dlg["sid"])
	}

	// The assistant's SID works as well as its unique name; the collect
	// question is announced; the dialogue ends after on_complete.
	u = srv.URL + "/v2/" + acct + "/" + a.SID + "/custom/webchat"
	_, got = post(t, u, url.Values{"UserId": {"bob"}, "Text": {"order"}}, acct, token)
	if c := got["response"].(map[string]any)["collect"]; !cmp.Equal(c, map[string]any{"question": "n"}) {
		t.Errorf("collect = %v", c)
	}
	_, got = post(t, u, url.Values{"UserId": {"bob"}, "Text": {"3"}}, acct, token)
	if s := got["dialogue"].(map[string]any)["status"]; s != "ended" {
		t.Errorf("status after on_complete = %v, want ended", s)
	}
}

func TestV1Response(t *testing.T) {
	srv, _ := newServer(t)
	status, got := post(t, srv.URL+"/v1/"+acct+"/shop/custom/cli", url.Values{"user_id": {"amy"}, "text": {"bye"}}, acct, token)
	if status != 200 {
		t.Fatalf("status %d: %v", status, got)
	}
	want := map[string]any{
		"says":     []any{map[string]any{"speech": "Bye."}},
		"shows":    []any{},
		"remember": map[string]any{"memory": `{"twilio":{"custom.cli":{}}}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("v1 reply (-want +got):\n%s", diff)
	}
}

func TestTargetTaskAndMemoryParameters(t *testing.T) {
	srv, _ := newServer(t)
	u := srv.URL + "/v2/" + acct + "/shop/custom/sms?TargetTask=vip&Memory=" + url.QueryEscape(`{"tier":"gold"}`)
	_, got := post(t, u, url.Values{"UserId": {"zoe"}, "Text": {"anything"}}, acct, token)
	resp := got["response"].(map[string]any)
	if diff := cmp.Diff([]any{map[string]any{"speech": "Welcome back.", "text": "Welcome back."}}, resp["says"]); diff != "" {
		t.Errorf("says (-want +got):\n%s", diff)
	}
	if m := got["dialogue"].(map[string]any)["memory"]; m != `{"tier":"gold","twilio":{"custom.sms":{}}}` {
		t.Errorf("memory = %v", m)
	}
}

func TestErrors(t *testing.T) {
	srv, _ := newServer(t)
	base := srv.URL + "/v2/" + acct
	form := url.Values{"UserId": {"bob"}, "Text": {"hello"}}
	tests := []struct {
		name       string
		url        string
		form       url.Values
		user, pass string
		status     int
		code       float64
	}{
		{"no-auth", base + "/shop/custom/web", form, "", "", 401, 20003},
		{"bad-token", base + "/shop/custom/web", form, acct, "wrong", 401, 20003},
		{"other-account", srv.URL + "/v2/AC00000000000000000000000000000000/shop/custom/web", form, acct, token, 401, 20003},
		{"unknown-assistant", base + "/nope/custom/web", form, acct, token, 404, 20404},
		{"missing-user", base + "/shop/custom/web", url.Values{"Text": {"hi"}}, acct, token, 400, 20001},
		{"bad-memory", base + "/shop/custom/web?Memory=%5B1%5D", form, acct, token, 400, 20001},
		{"unknown-target-task", base + "/shop/custom/web?TargetTask=nosuch", form, acct, token, 400, 20001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, got := post(t, tt.url, tt.form, tt.user, tt.pass)
			if status != tt.status || got["code"] != tt.code || got["status"] != float64(tt.status) || got["message"] == "" {
				t.Errorf("got %d %v, want %d code %v", status, got, tt.status, tt.code)
			}
		})
	}
}

func TestSignatureAuth(t *testing.T) {
	srv, _ := newServer(t)
	u := srv.URL + "/v2/" + acct + "/shop/custom/web"
	form := url.Values{"UserId": {"sig"}, "Text": {"hello"}}
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.Signature(token, u, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("signed request: status %d", resp.StatusCode)
	}
}

// TestMemorySeedCountsAgainstTheLimit: a Memory URL parameter larger than
// the Memory limit is a 400 that says so, and starts no dialogue.
func TestMemorySeedCountsAgainstTheLimit(t *testing.T) {
	srv, _ := newServer(t)
	big := `{"blob":"` + strings.Repeat("x", 16<<10) + `"}`
	u := srv.URL + "/v2/" + acct + "/shop/custom/sms"
	status, got := post(t, u+"?Memory="+url.QueryEscape(big), url.Values{"UserId": {"max"}, "Text": {"hello"}}, acct, token)
	if msg, _ := got["message"].(string); status != 400 || got["code"] != float64(20001) || !strings.Contains(msg, "--max-memory") {
		t.Fatalf("oversized seed: %d %v; want 400, 20001 and a message naming --max-memory", status, got)
	}
	_, got = post(t, u, url.Values{"UserId": {"max"}, "Text": {"hello"}}, acct, token)
	if m := got["dialogue"].(map[string]any)["memory"].(string); strings.Contains(m, "blob") {
		t.Errorf("the refused seed reached the dialogue: %s", m)
	}
}

// TestAuthenticationBeforeBody: wrong credentials are refused before the
// body is read, whatever it holds; each failure is logged; an address that
// keeps failing gets 429 until its window passes, even with the right
// token, and other surfaces sharing the limiter see it too.
func TestAuthenticationBeforeBody(t *testing.T) {
	var logs strings.Builder
	limiter := authlimit.New(3, time.Hour)
	srv, _ := newServerWith(t, &custom.Handler{Limiter: limiter, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	u := srv.URL + "/v2/" + acct + "/shop/custom/web"
	send := func(body, user, pass string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", u, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// A body that is not a form: with the right token it is a 400, with a
	// wrong one a 401, not read.
	const notAForm = "%zz=%"
	if got := send(notAForm, acct, token); got != 400 {
		t.Fatalf("authenticated, bad body: %d, want 400", got)
	}
	if got := send(notAForm, acct, "wrong"); got != 401 {
		t.Errorf("wrong token, bad body: %d, want 401 (credentials first)", got)
	}
	if got := send("UserId=a&Text=hi", "", ""); got != 401 {
		t.Errorf("no credentials: %d, want 401", got)
	}
	if got := send("UserId=a&Text=hi", acct, "wrong-again"); got != 401 {
		t.Errorf("third failure: %d, want 401", got)
	}
	if got := send("UserId=a&Text=hi", acct, token); got != 429 {
		t.Errorf("after 3 failures, the right token: %d, want 429", got)
	}
	if n := strings.Count(logs.String(), "authentication failed"); n != 3 {
		t.Errorf("%d failures logged, want 3:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "wrong") {
		t.Errorf("the log holds the password tried:\n%s", logs.String())
	}
	if !limiter.Blocked("127.0.0.1") {
		t.Error("the shared limiter does not block the address")
	}
}

func TestJSONBodyIsRefusedClearly(t *testing.T) {
	srv, _ := newServer(t)
	req, _ := http.NewRequest("POST", srv.URL+"/v2/"+acct+"/shop/custom/web", strings.NewReader(`{"UserId":"a","Text":"hi"}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.SetBasicAuth(acct, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e twilio.Error
	json.NewDecoder(resp.Body).Decode(&e)
	if resp.StatusCode != 400 || e.Code != 20001 || !strings.Contains(e.Message, "form-encoded") {
		t.Errorf("JSON body: %d %+v, want 400 saying form-encoded", resp.StatusCode, e)
	}
}

// downEngine fails every turn as an engine whose store is down does.
type downEngine struct{}

func (downEngine) Handle(context.Context, dialogue.Turn) (*dialogue.Reply, error) {
	return nil, fmt.Errorf("%w: load dialogue: dial tcp 127.0.0.1:5432: connection refused", dialogue.ErrUnavailable)
}

// TestStoreDownIs503: a turn that cannot run because the store is down
// answers 503 with a message that says to send it again.
func TestStoreDownIs503(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(t.Context(), store.Account{SID: acct, AuthToken: token}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	(&custom.Handler{Accounts: db, Engine: downEngine{}}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	code, body := post(t, srv.URL+"/v2/"+acct+"/shop/custom/web", url.Values{"UserId": {"u"}, "Text": {"hi"}}, acct, token)
	if code != http.StatusServiceUnavailable || !strings.Contains(fmt.Sprint(body["message"]), "send it again") {
		t.Errorf("store down: %d %v", code, body)
	}
}

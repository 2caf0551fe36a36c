package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/api/apitest"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/channels/webchat"
	"github.com/parleyhq/parley/internal/console"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// A site is the console and the REST API on a real store, over real HTTP,
// and a browser-like client with a cookie jar that sends the Origin header
// browsers send.
type site struct {
	*httptest.Server
	db     *sqlite.DB
	acct   store.Account
	client *http.Client
	now    time.Time
	eng    *dialogue.Engine
}

func newSite(t *testing.T) *site {
	t.Helper()
	db, acct := apitest.NewStore(t)
	hooks, _ := webhook.New(webhook.Options{})
	eng := dialogue.New(db, hooks, dialogue.Options{TurnLog: db})
	t.Cleanup(func() { eng.Close() })
	s := &site{db: db, acct: acct, now: time.Now(), eng: eng}
	builder := builds.NewBuilder(db, hooks, builds.Options{Poll: 20 * time.Millisecond})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { builder.Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	apiMux := http.NewServeMux()
	(&api.Server{Store: db, Engine: eng, Builds: builder}).Register(apiMux)
	mux := http.NewServeMux()
	(&api.Server{Store: db, Engine: eng}).Register(mux)
	(&webchat.Handler{Store: db, Engine: eng}).Register(mux)
	(&console.Handler{Store: db, Accounts: db, API: apiMux, Engine: eng, Limiter: authlimit.New(5, time.Minute), Now: func() time.Time { return s.now }}).Register(mux)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	jar, _ := cookiejar.New(nil)
	s.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return s
}

// send sends a request as a same-origin browser form would.
func (s *site) send(t *testing.T, method, path, contentType string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", s.URL)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (s *site) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	return s.send(t, "GET", path, "", nil)
}

func (s *site) post(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return s.send(t, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// importSchema posts schema to the console's import form and returns the
// response and its page.
func (s *site) importSchema(t *testing.T, name string, schema []byte) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("schema", name)
	fw.Write(schema)
	mw.Close()
	return s.send(t, "POST", "/console/assistants/import", mw.FormDataContentType(), &buf)
}

// mustImport imports a schema, a file or a literal, through the console.
func (s *site) mustImport(t *testing.T, file, literal string) {
	t.Helper()
	schema := []byte(literal)
	if file != "" {
		var err error
		if schema, err = os.ReadFile(file); err != nil {
			t.Fatal(err)
		}
	}
	if resp, body := s.importSchema(t, "schema.json", schema); resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
}

// createAssistant creates an assistant through the console and returns
// its page's path.
func (s *site) createAssistant(t *testing.T, name string) string {
	t.Helper()
	resp, _ := s.post(t, "/console/assistants", url.Values{"UniqueName": {name}})
	page, _, ok := strings.Cut(resp.Header.Get("Location"), "?")
	if resp.StatusCode != http.StatusSeeOther || !ok {
		t.Fatalf("create %s: %d %s", name, resp.StatusCode, page)
	}
	return page
}

func (s *site) signIn(t *testing.T) {
	t.Helper()
	resp, body := s.post(t, "/console/signin", url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {s.acct.AuthToken}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/assistants" {
		t.Fatalf("sign in: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func TestSignIn(t *testing.T) {
	s := newSite(t)
	if resp, _ := s.get(t, "/"); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/console/" {
		t.Errorf("/: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := s.get(t, "/console/assistants"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/signin") {
		t.Errorf("a page before sign-in: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := s.post(t, "/console/signin", url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "do not match") {
		t.Errorf("wrong token: %d %s", resp.StatusCode, body)
	}
	s.signIn(t)
	var cookie *http.Cookie
	u, _ := url.Parse(s.URL + "/console/")
	for _, c := range s.client.Jar.Cookies(u) {
		if c.Name == "parley_console" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	resp, body = s.get(t, "/console/assistants")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, s.acct.SID) {
		t.Errorf("assistants after sign-in: %d", resp.StatusCode)
	}
	// The cookie's attributes, as the server set them.
	req, _ := http.NewRequest("POST", s.URL+"/console/signin", strings.NewReader(url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {s.acct.AuthToken}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	raw, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	raw.Body.Close()
	setCookie := raw.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/console/"} {
		if !strings.Contains(setCookie, want) {
			t.Errorf("Set-Cookie %q lacks %s", setCookie, want)
		}
	}
	// Sessions expire.
	s.now = s.now.Add(console.SessionTTL + time.Minute)
	if resp, _ := s.get(t, "/console/assistants"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("an expired session: %d", resp.StatusCode)
	}
	s.now = time.Now()
	// Sign out ends it.
	s.signIn(t)
	s.post(t, "/console/signout", nil)
	if resp, _ := s.get(t, "/console/assistants"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", resp.StatusCode)
	}
	// A new auth token ends every session.
	s.signIn(t)
	if err := s.db.SetAuthToken(t.Context(), s.acct.SID, twilio.NewAuthToken()); err != nil {
		t.Fatal(err)
	}
	if resp, _ := s.get(t, "/console/assistants"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after a new token: %d", resp.StatusCode)
	}
}

func TestSignInIsLimited(t *testing.T) {
	s := newSite(t)
	for range 5 {
		s.post(t, "/console/signin", url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {"guess"}})
	}
	resp, body := s.post(t, "/console/signin", url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {s.acct.AuthToken}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many") {
		t.Errorf("after five failures: %d", resp.StatusCode)
	}
}

func TestAssistants(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	// A validation error of the API, next to its field.
	resp, body := s.post(t, "/console/assistants", url.Values{"UniqueName": {"AC0123456789abcdef0123456789abcdef"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="UniqueName-error"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("a SID-shaped unique name: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = s.post(t, "/console/assistants", url.Values{"UniqueName": {"helpdesk"}, "FriendlyName": {"Help desk"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/assistants/UA") {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = s.get(t, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Assistant created.") || !strings.Contains(body, "Help desk") {
		t.Errorf("the new assistant's page: %d", resp.StatusCode)
	}
	// The same name again: the API's conflict, next to the field.
	resp, body = s.post(t, "/console/assistants", url.Values{"UniqueName": {"helpdesk"}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "UniqueName-error") {
		t.Errorf("a taken name: %d", resp.StatusCode)
	}

	// Import a schema file, with its warnings shown.
	schema, err := os.ReadFile("../../../shared/fixtures/autopilot/tpl-event-bot/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, body = s.importSchema(t, "schema.json", schema)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Imported ") || strings.Contains(body, "Updated ") || !strings.Contains(body, "Import warnings") {
		t.Fatalf("import: %d\n%s", resp.StatusCode, body)
	}
	heads, _ := s.db.AssistantHeads(t.Context(), s.acct.SID)
	if len(heads) != 2 {
		t.Fatalf("%d assistants after the import", len(heads))
	}
	var imported string
	for _, a := range heads {
		if a.UniqueName != "helpdesk" {
			imported = a.SID
		}
	}
	builds, _ := s.db.ModelBuilds(t.Context(), s.acct.SID, imported)
	if len(builds) != 1 {
		t.Errorf("the import enqueued %d model builds", len(builds))
	}
	// The same file again updates the assistant, and says so; no new one.
	if resp, body := s.importSchema(t, "schema.json", schema); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Updated ") {
		t.Errorf("the same file again: %d, no \"Updated\"", resp.StatusCode)
	}
	if heads, _ := s.db.AssistantHeads(t.Context(), s.acct.SID); len(heads) != 2 {
		t.Errorf("%d assistants after importing the same file twice", len(heads))
	}
	// Not JSON: an error next to the file field.
	resp, body = s.importSchema(t, "notes.json", []byte("{not json"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "schema-error") || !strings.Contains(body, "notes.json") {
		t.Errorf("a bad file: %d", resp.StatusCode)
	}

	// Export: the schema file.
	resp, body = s.get(t, "/console/assistants/"+imported+"/export")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(body, `"uniqueName"`) {
		t.Errorf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	// Delete.
	resp, _ = s.post(t, "/console/assistants/"+imported+"/delete", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if heads, _ := s.db.AssistantHeads(t.Context(), s.acct.SID); len(heads) != 1 {
		t.Errorf("%d assistants after the delete", len(heads))
	}
	// Another account's assistant is not found.
	if resp, _ := s.get(t, "/console/assistants/UA00000000000000000000000000000000"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown assistant: %d", resp.StatusCode)
	}
}

// TestNextStaysInTheConsole: the page after sign-in is never elsewhere.
func TestNextStaysInTheConsole(t *testing.T) {
	s := newSite(t)
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/console/../x", "/console/assistants"} {
		resp, _ := s.post(t, "/console/signin", url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {s.acct.AuthToken}, "next": {next}})
		loc := resp.Header.Get("Location")
		if !strings.HasPrefix(loc, "/console/") || strings.HasPrefix(loc, "//") {
			t.Errorf("next %q → %q", next, loc)
		}
	}
}

func TestTaskEditing(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	// A task, then its actions: an error shows next to the editor, with the
	// JSON path, and the text sent stays in it.
	resp, _ := s.post(t, page+"/tasks", url.Values{"UniqueName": {"greet"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/tasks/greet") {
		t.Fatalf("create task: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := s.post(t, page+"/tasks", url.Values{"UniqueName": {"greet"}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "UniqueName-error") {
		t.Errorf("a task name taken: %d", resp.StatusCode)
	}
	bad := `{"actions": [{"say": "Hi"}, {"listen": "yes"}]}`
	resp, body = s.post(t, page+"/tasks/greet/actions", url.Values{"Actions": {bad}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="Actions-error"`) || !strings.Contains(body, "actions[1].listen") || !strings.Contains(body, "&#34;listen&#34;: &#34;yes&#34;") {
		t.Errorf("invalid actions: %d\n%s", resp.StatusCode, body)
	}
	good := `{"actions": [{"say": "Hi"}, {"redirect": "task://nowhere"}]}`
	resp, _ = s.post(t, page+"/tasks/greet/actions", url.Values{"Actions": {good}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid actions: %d", resp.StatusCode)
	}
	_, body = s.get(t, resp.Header.Get("Location"))
	if !strings.Contains(body, "Actions saved.") || !strings.Contains(body, "task://nowhere") || !strings.Contains(body, "may not do what you mean") {
		t.Errorf("after saving: the flash, the actions and the linter's warning about task://nowhere:\n%s", body)
	}
	// Samples.
	resp, _ = s.post(t, page+"/tasks/greet/samples", url.Values{"TaggedText": {"hello there"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add sample: %d", resp.StatusCode)
	}
	resp, body = s.post(t, page+"/tasks/greet/samples", url.Values{"TaggedText": {""}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "TaggedText-error") {
		t.Errorf("an empty sample: %d", resp.StatusCode)
	}
	// Several at once, one per line: those refused stay in the editor with
	// why, the others are added.
	resp, body = s.post(t, page+"/tasks/greet/samples", url.Values{"TaggedText": {"good morning\r\n\n hi {nosuch} \nhowdy\n"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "2 samples added") || !strings.Contains(body, ">hi {nosuch}</textarea>") ||
		!strings.Contains(body, "“hi {nosuch}”:") {
		t.Errorf("samples with one refused: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = s.post(t, page+"/tasks/greet/samples", url.Values{"TaggedText": {"hey\nhey there"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), url.QueryEscape("2 samples added.")) {
		t.Errorf("two samples: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	a, err := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	if err != nil || len(a.Tasks) != 1 || len(a.Tasks[0].Samples) != 5 {
		t.Fatalf("after adding: %+v, %v", a, err)
	}
	resp, _ = s.post(t, page+"/tasks/greet/samples/"+a.Tasks[0].Samples[0].SID+"/delete", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete sample: %d", resp.StatusCode)
	}
	if a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop"); len(a.Tasks[0].Samples) != 4 {
		t.Errorf("%d samples after the delete, want 4", len(a.Tasks[0].Samples))
	}
	// A model build, and the page that follows it.
	resp, _ = s.post(t, page+"/builds", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start build: %d", resp.StatusCode)
	}
	_, body = s.get(t, resp.Header.Get("Location"))
	pending := strings.Contains(body, "status-enqueued") || strings.Contains(body, "status-building")
	if !strings.Contains(body, "Model build started.") || !strings.Contains(body, `class="status-`) || pending != strings.Contains(body, `id="builds" data-pending`) || pending != strings.Contains(body, `static/builds.js`) {
		t.Errorf("the assistant's page while a build waits:\n%s", body)
	}
	// Delete asks first.
	_, body = s.get(t, page+"/delete")
	if !strings.Contains(body, "cannot be undone") {
		t.Errorf("the delete confirmation:\n%s", body)
	}
	if resp, _ := s.get(t, page+"/tasks/nosuch"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown task: %d", resp.StatusCode)
	}
}

// TestSimulator: a message in the simulator runs a turn, whose answer comes
// with its trace: the task, its confidence, the webhooks with their status,
// the Memory; another User is another dialogue.
func TestSimulator(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"actions": [{"remember": {"seen": true}}, {"say": "From the webhook."}, {"listen": true}]}`)
	}))
	t.Cleanup(hook.Close)
	schema := `{"uniqueName": "sim", "tasks": [
		{"uniqueName": "greet", "actions": {"actions": [{"say": "Hello!"}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]},
		{"uniqueName": "hooked", "actions": {"actions": [{"redirect": "` + hook.URL + `"}]}, "samples": [{"language": "en-US", "taggedText": "call the webhook"}]}]}`
	s.mustImport(t, "", schema)
	if resp, body := s.get(t, "/console/assistants/sim/simulator"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "simulator.js") {
		t.Fatalf("simulator page: %d", resp.StatusCode)
	}
	turn := func(user, text string) map[string]any {
		t.Helper()
		resp, body := s.post(t, "/console/assistants/sim/simulator", url.Values{"User": {user}, "Text": {text}})
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("turn %q: %d %s", text, resp.StatusCode, body)
		}
		return m
	}
	m := turn("u1", "hello")
	if m["task"] != "greet" || m["says"].([]any)[0] != "Hello!" || m["confidence"].(float64) <= 0 {
		t.Errorf("hello: %v", m)
	}
	m = turn("u1", "call the webhook")
	hooks, _ := m["webhooks"].([]any)
	if m["task"] != "hooked" || len(hooks) != 1 || hooks[0].(map[string]any)["status"].(float64) != 200 || hooks[0].(map[string]any)["url"] != hook.URL {
		t.Errorf("the webhook's trace: %v", m)
	}
	if !strings.Contains(fmt.Sprint(m["memory"]), "seen") {
		t.Errorf("memory after the webhook: %v", m["memory"])
	}
	first := m["dialogue"]
	if other := turn("u2", "hello"); other["dialogue"] == first {
		t.Error("another User shared the dialogue")
	}
	if resp, _ := s.post(t, "/console/assistants/sim/simulator", url.Values{"Text": {"hi"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("no User: %d", resp.StatusCode)
	}
}

// TestRelabel: a logged query becomes a sample of the chosen task in one
// click, and the query is marked reviewed with that sample.
func TestRelabel(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	schema := `{"uniqueName": "desk", "logQueries": true, "tasks": [
		{"uniqueName": "greet", "actions": {"actions": [{"say": "Hello!"}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]},
		{"uniqueName": "hours", "actions": {"actions": [{"say": "9 to 5."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "when are you open"}]}]}`
	s.mustImport(t, "", schema)
	// A query through the REST API, as a client logs one.
	req, _ := http.NewRequest("POST", s.URL+"/v1/Assistants/desk/Queries", strings.NewReader(url.Values{"Language": {"en-US"}, "Query": {"what time do you close"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.acct.SID, s.acct.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var q struct {
		SID string `json:"sid"`
	}
	json.NewDecoder(resp.Body).Decode(&q)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || q.SID == "" {
		t.Fatalf("create query: %d", resp.StatusCode)
	}
	resp, body := s.get(t, "/console/assistants/desk/queries")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "what time do you close") || !strings.Contains(body, "Add as sample") {
		t.Fatalf("queries page: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = s.post(t, "/console/assistants/desk/queries/"+q.SID+"/relabel", url.Values{"Task": {"hours"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("relabel: %d", resp.StatusCode)
	}
	_, body = s.get(t, resp.Header.Get("Location"))
	if !strings.Contains(body, "is now a sample of hours") || !strings.Contains(body, "reviewed") {
		t.Errorf("after relabelling:\n%s", body)
	}
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "desk")
	found := false
	for _, sm := range a.Task("hours").Samples {
		found = found || sm.TaggedText == "what time do you close"
	}
	if !found {
		t.Error("the query is not a sample of hours")
	}
	if resp, _ := s.post(t, "/console/assistants/desk/queries/"+q.SID+"/relabel", url.Values{"Task": {"nosuch"}}); resp.StatusCode == http.StatusSeeOther {
		t.Error("relabelling into an unknown task succeeded")
	}
}

// TestUnderstandingReport: the report of parley eval ASSISTANT as a page.
func TestUnderstandingReport(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	s.mustImport(t, "../../examples/pizza.json", "")
	resp, body := s.get(t, "/console/assistants/pizza/understanding")
	for _, want := range []string{"held-out samples reached their task", "By task (the weakest first)", "<td>order</td>", "everyday requests"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the report lacks %q (status %d)", want, resp.StatusCode)
		}
	}
}

// TestWebChatSettings: the assistant's page turns the web chat on for the
// origins listed, and refuses what is not an origin.
func TestWebChatSettings(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	resp, body := s.post(t, page+"/webchat", url.Values{"Enabled": {"on"}, "Origins": {"https://shop.example/path"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Origins-error") || !strings.Contains(body, "is not an origin") {
		t.Errorf("a URL with a path: %d", resp.StatusCode)
	}
	resp, _ = s.post(t, page+"/webchat", url.Values{"Enabled": {"on"}, "Origins": {"https://Shop.Example\nhttp://localhost:3000\nhttps://shop.example"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	sid := strings.TrimPrefix(page, "/console/assistants/")
	wc, err := s.db.WebChat(t.Context(), sid)
	if err != nil || !wc.Enabled || strings.Join(wc.Origins, " ") != "https://shop.example http://localhost:3000" {
		t.Errorf("stored: %+v, %v", wc, err)
	}
	_, body = s.get(t, page)
	if !strings.Contains(body, "/webchat.js&#34; data-assistant=&#34;"+sid) && !strings.Contains(body, `/webchat.js" data-assistant="`+sid) {
		t.Errorf("the page lacks the script tag:\n%s", body)
	}
}

// TestDocumentsAndFields: Defaults, StyleSheet and fields saved through the
// REST API, with its errors next to their editor.
func TestDocumentsAndFields(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	s.post(t, page+"/tasks", url.Values{"UniqueName": {"greet"}})
	resp, body := s.post(t, page+"/defaults", url.Values{"Defaults": {`{"defaults": {"fallback": "task://nosuch"}}`}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="Defaults-error"`) || !strings.Contains(body, "defaults.fallback") {
		t.Errorf("defaults naming no task: %d", resp.StatusCode)
	}
	if resp, _ := s.post(t, page+"/defaults", url.Values{"Defaults": {`{"defaults": {"fallback": "task://greet"}}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("valid defaults: %d", resp.StatusCode)
	}
	if resp, _ := s.post(t, page+"/stylesheet", url.Values{"StyleSheet": {`{"style_sheet": {"voice": {"say_voice": "Polly.Joanna"}}}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("valid style sheet: %d", resp.StatusCode)
	}
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	if !strings.Contains(string(a.Defaults), "task://greet") || !strings.Contains(string(a.StyleSheet), "Polly.Joanna") {
		t.Errorf("stored: %s %s", a.Defaults, a.StyleSheet)
	}
	resp, body = s.post(t, page+"/tasks/greet/fields", url.Values{"FieldName": {"when"}, "FieldType": {"Custom.NOPE"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "FieldType-error") {
		t.Errorf("a field of an unknown type: %d", resp.StatusCode)
	}
	if resp, _ := s.post(t, page+"/tasks/greet/fields", url.Values{"FieldName": {"when"}, "FieldType": {"Twilio.DATE"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add field: %d", resp.StatusCode)
	}
	a, _ = s.db.Assistant(t.Context(), s.acct.SID, "shop")
	if len(a.Tasks[0].Fields) != 1 {
		t.Fatalf("fields: %+v", a.Tasks[0].Fields)
	}
	if resp, _ := s.post(t, page+"/tasks/greet/fields/"+a.Tasks[0].Fields[0].SID+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete field: %d", resp.StatusCode)
	}
}

// TestFieldTypes: a field type and its values, synonyms included, through
// the REST API.
func TestFieldTypes(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	resp, body := s.post(t, page+"/field-types", url.Values{"TypeName": {"Twilio.COLOR"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "TypeName-error") {
		t.Errorf("a Twilio. name: %d", resp.StatusCode)
	}
	resp, _ = s.post(t, page+"/field-types", url.Values{"TypeName": {"Custom.COLOR"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create field type: %d", resp.StatusCode)
	}
	ft := page + "/field-types/Custom.COLOR"
	if resp, _ := s.post(t, ft+"/values", url.Values{"Value": {"red"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add value: %d", resp.StatusCode)
	}
	if resp, _ := s.post(t, ft+"/values", url.Values{"Value": {"crimson"}, "SynonymOf": {"red"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add synonym: %d", resp.StatusCode)
	}
	resp, body = s.post(t, ft+"/values", url.Values{"Value": {"teal"}, "SynonymOf": {"nosuch"}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, "-error") {
		t.Errorf("a synonym of nothing: %d", resp.StatusCode)
	}
	_, body = s.get(t, ft)
	if !strings.Contains(body, "<td>crimson</td><td>red</td>") {
		t.Errorf("the field type's page:\n%s", body)
	}
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	vals := a.FieldTypes[0].Values
	if resp, _ := s.post(t, ft+"/values/"+vals[len(vals)-1].SID+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete value: %d", resp.StatusCode)
	}
}

// TestDeleteTaskAndFieldType: a task and a field type are deleted after a
// confirmation that lists what names them; a field type in use is refused
// with the REST API's message.
func TestDeleteTaskAndFieldType(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	for _, name := range []string{"greet", "bye"} {
		s.post(t, page+"/tasks", url.Values{"UniqueName": {name}})
	}
	s.post(t, page+"/tasks/bye/actions", url.Values{"Actions": {`{"actions": [{"redirect": "task://greet"}]}`}})
	s.post(t, page+"/defaults", url.Values{"Defaults": {`{"defaults": {"fallback": "task://greet"}}`}})
	s.post(t, page+"/field-types", url.Values{"TypeName": {"Custom.COLOR"}})
	s.post(t, page+"/tasks/bye/fields", url.Values{"FieldName": {"color"}, "FieldType": {"Custom.COLOR"}})

	resp, body := s.get(t, page+"/tasks/greet/delete")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "the actions of task bye") || !strings.Contains(body, "the assistant&#39;s Defaults") ||
		!strings.Contains(body, `action="`+page+`/tasks/greet/delete"`) {
		t.Errorf("the task's delete confirmation: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := s.post(t, page+"/tasks/greet/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete task: %d", resp.StatusCode)
	}
	if resp, _ := s.get(t, page+"/tasks/greet"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the deleted task's page: %d", resp.StatusCode)
	}

	ft := page + "/field-types/Custom.COLOR"
	if _, body := s.get(t, ft+"/delete"); !strings.Contains(body, "field color of task bye") {
		t.Errorf("the field type's delete confirmation:\n%s", body)
	}
	resp, body = s.post(t, ft+"/delete", nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "delete the field first") {
		t.Errorf("deleting a field type in use: %d\n%s", resp.StatusCode, body)
	}
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	s.post(t, page+"/tasks/bye/fields/"+a.Task("bye").Fields[0].SID+"/delete", nil)
	if resp, _ := s.post(t, ft+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete field type: %d", resp.StatusCode)
	}
	a, _ = s.db.Assistant(t.Context(), s.acct.SID, "shop")
	if len(a.Tasks) != 1 || len(a.FieldTypes) != 0 {
		t.Errorf("left: %d tasks, %d field types", len(a.Tasks), len(a.FieldTypes))
	}
}

// TestWebhooks: event webhooks added and deleted through the REST API.
func TestWebhooks(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	resp, body := s.post(t, page+"/webhooks", url.Values{"HookUniqueName": {"ends"}, "HookEvents": {"onDialogueEnd"}, "HookWebhookUrl": {"not a url"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "-error") {
		t.Errorf("a bad URL: %d", resp.StatusCode)
	}
	resp, _ = s.post(t, page+"/webhooks", url.Values{"HookUniqueName": {"ends"}, "HookEvents": {"onDialogueEnd, onDialogueTurn"}, "HookWebhookUrl": {"https://hooks.example/end"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add webhook: %d", resp.StatusCode)
	}
	sid := strings.TrimPrefix(page, "/console/assistants/")
	hooks, _ := s.db.Webhooks(t.Context(), s.acct.SID, sid)
	if len(hooks) != 1 || hooks[0].Events != "onDialogueEnd onDialogueTurn" {
		t.Fatalf("stored: %+v", hooks)
	}
	if resp, _ := s.post(t, page+"/webhooks/"+hooks[0].SID+"/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.StatusCode)
	}
}

// TestFlowPage: the flow graph of an assistant, with what to look at.
func TestFlowPage(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	s.mustImport(t, "../../../shared/fixtures/autopilot/tpl-event-bot/schema.json", "")
	heads, _ := s.db.AssistantHeads(t.Context(), s.acct.SID)
	resp, body := s.get(t, "/console/assistants/"+heads[0].SID+"/flow")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<svg") || !strings.Contains(body, "connect_human") || !strings.Contains(body, "which is no task of this assistant") {
		t.Errorf("the flow page: %d\n%.3000s", resp.StatusCode, body)
	}
}

// TestDialoguesPage: the simulator's dialogues are logged, listed, and
// shown turn by turn with their trace.
func TestDialoguesPage(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	s.mustImport(t, "../../examples/pizza.json", "")
	for _, text := range []string{"hi", "I want a large pepperoni pizza"} {
		if resp, body := s.post(t, "/console/assistants/pizza/simulator", url.Values{"User": {"tester"}, "Text": {text}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("turn: %d %s", resp.StatusCode, body)
		}
	}
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, body = s.get(t, "/console/assistants/pizza/dialogues")
		if strings.Contains(body, "console:tester") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(body, "console:tester") || !strings.Contains(body, "<td>2</td>") {
		t.Fatalf("the dialogues page:\n%s", body)
	}
	i := strings.Index(body, "/dialogues/UK")
	link := body[i+len("/dialogues/") : i+len("/dialogues/")+34]
	resp, body := s.get(t, "/console/assistants/pizza/dialogues/"+link)
	for _, want := range []string{"Hi, this is Parley Pizza!", "How many?", "size = large (Custom.SIZE)", "Trace: order"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("the dialogue page lacks %q (%d)", want, resp.StatusCode)
		}
	}
	if resp, _ := s.get(t, "/console/assistants/pizza/dialogues/UK00000000000000000000000000000000"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown dialogue: %d", resp.StatusCode)
	}
}

// TestSettings: an assistant's properties and a task's names changed
// through the REST API, its errors next to the field, and the callback
// cleared by emptying it.
func TestSettings(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	resp, body := s.post(t, page+"/settings", url.Values{"PropsUniqueName": {"shop"}, "PropsCallbackUrl": {"ftp://nowhere"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="PropsCallbackUrl-error"`) || !strings.Contains(body, `value="ftp://nowhere"`) {
		t.Errorf("a callback that is no http URL: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = s.post(t, page+"/settings", url.Values{"PropsUniqueName": {"store"}, "PropsFriendlyName": {"The store"},
		"PropsDevelopmentStage": {"in-production"}, "PropsCallbackUrl": {"https://example.com/built"}, "PropsCallbackEvents": {"model_build_completed"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), page+"?") {
		t.Fatalf("save settings: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	a, err := s.db.Assistant(t.Context(), s.acct.SID, "store")
	if err != nil {
		t.Fatal(err)
	}
	if a.FriendlyName != "The store" || a.LogQueries || a.DevelopmentStage != "in-production" || a.CallbackURL != "https://example.com/built" || a.CallbackEvents != "model_build_completed" {
		t.Errorf("saved: %+v", a)
	}
	if _, body := s.get(t, page+"/queries"); !strings.Contains(body, "does not log queries") {
		t.Errorf("the queries page does not say that the assistant logs none:\n%s", body)
	}
	if _, body := s.get(t, page); !strings.Contains(body, `value="https://example.com/built"`) || strings.Contains(body, `name="PropsLogQueries" value="on" checked`) {
		t.Errorf("the settings form does not show what is saved:\n%s", body)
	}
	if resp, _ := s.post(t, page+"/settings", url.Values{"PropsUniqueName": {"store"}, "PropsLogQueries": {"on"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", resp.StatusCode)
	}
	a, _ = s.db.Assistant(t.Context(), s.acct.SID, "store")
	if !a.LogQueries || a.CallbackURL != "" || a.CallbackEvents != "" || a.FriendlyName != "The store" {
		t.Errorf("after emptying the callback: %+v", a)
	}
	if _, body := s.get(t, page+"/queries"); strings.Contains(body, "does not log queries") {
		t.Errorf("the queries page says an assistant that logs queries does not")
	}

	for _, name := range []string{"greet", "bye"} {
		s.post(t, page+"/tasks", url.Values{"UniqueName": {name}})
	}
	resp, body = s.post(t, page+"/tasks/greet/settings", url.Values{"TaskUniqueName": {"bye"}})
	if resp.StatusCode == http.StatusSeeOther || !strings.Contains(body, `id="TaskUniqueName-error"`) {
		t.Errorf("a taken task name: %d", resp.StatusCode)
	}
	resp, _ = s.post(t, page+"/tasks/greet/settings", url.Values{"TaskUniqueName": {"hello"}, "TaskFriendlyName": {"Say hello"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), page+"/tasks/hello?") {
		t.Fatalf("rename task: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	a, _ = s.db.Assistant(t.Context(), s.acct.SID, "store")
	if tk := a.Task("hello"); tk == nil || tk.FriendlyName != "Say hello" {
		t.Errorf("the renamed task: %+v", a.Tasks)
	}
}

// TestBuildFailureShown: a failed model build shows why, and a finished
// one how long it took.
func TestBuildFailureShown(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	// Created failed: an enqueued one would be claimed by the site's builder.
	b := &store.ModelBuild{AccountSID: s.acct.SID, AssistantSID: a.SID, UniqueName: "v1", Status: store.BuildFailed,
		ErrorCode: 90101, ErrorMessage: "Training failed: <no samples>", BuildDuration: 3}
	if err := s.db.CreateModelBuild(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	_, body := s.get(t, page)
	if !strings.Contains(body, `class="error-text">Training failed: &lt;no samples&gt;</span>`) || !strings.Contains(body, "<td>3 s</td>") {
		t.Errorf("the failed build:\n%s", body)
	}
}

// TestSecureCookieBehindProxy: the session cookie is Secure when a trusted
// proxy says the browser reached it over TLS, and only then.
func TestSecureCookieBehindProxy(t *testing.T) {
	s := newSite(t)
	mux := http.NewServeMux()
	(&console.Handler{Store: s.db, Accounts: s.db, API: http.NotFoundHandler(),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}).Register(mux)
	for _, c := range []struct {
		peer, proto string
		secure      bool
	}{
		{"10.1.2.3:5000", "https", true},
		{"10.1.2.3:5000", "", false},
		{"192.0.2.7:5000", "https", false}, // not a trusted proxy
	} {
		req := httptest.NewRequest("POST", "/console/signin", strings.NewReader(url.Values{"AccountSid": {s.acct.SID}, "AuthToken": {s.acct.AuthToken}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.RemoteAddr = c.peer
		if c.proto != "" {
			req.Header.Set("X-Forwarded-Proto", c.proto)
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		cookies := rec.Result().Cookies()
		if rec.Code != http.StatusSeeOther || len(cookies) != 1 || cookies[0].Secure != c.secure {
			t.Errorf("from %s, X-Forwarded-Proto %q: %d, cookies %v; want Secure %v", c.peer, c.proto, rec.Code, cookies, c.secure)
		}
	}
}

// TestEveryRouteAuthAndCrossOrigin: every route the console registers
// (read from its source, so a new one cannot be missed) sends a visitor
// without a session to the sign-in page, and refuses a cross-site POST even
// with a session, changing nothing.
func TestEveryRouteAuthAndCrossOrigin(t *testing.T) {
	src, err := os.ReadFile("console.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`handle\("(GET|POST) (/console/[^"]*)", h\.signedIn`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 30 {
		t.Fatalf("found %d signed-in routes in console.go; the pattern no longer matches its source", len(routes))
	}
	s := newSite(t)
	s.signIn(t)
	s.mustImport(t, "../../examples/pizza.json", "")
	fill := strings.NewReplacer("{Assistant}", "pizza", "{Task}", "order", "{FieldType}", "Custom.SIZE", "{$}", "",
		"{Sample}", "UF00000000000000000000000000000000", "{Field}", "UE00000000000000000000000000000000",
		"{Value}", "UC00000000000000000000000000000000", "{Webhook}", "UM00000000000000000000000000000000",
		"{Query}", "UH00000000000000000000000000000000", "{Dialogue}", "UK00000000000000000000000000000000")
	anonymous := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	before, err := s.db.Assistant(t.Context(), s.acct.SID, "pizza")
	if err != nil {
		t.Fatal(err)
	}
	headsBefore, _ := s.db.AssistantHeads(t.Context(), s.acct.SID)
	for _, r := range routes {
		method, path := r[1], fill.Replace(r[2])
		req, _ := http.NewRequestWithContext(t.Context(), method, s.URL+path, strings.NewReader("UniqueName=x&Actions=%7B%7D"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := anonymous.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/console/signin") {
			t.Errorf("%s %s without a session: %d → %q, want the sign-in page", method, path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, r := range routes {
		if r[1] != "POST" {
			continue
		}
		path := fill.Replace(r[2])
		req, _ := http.NewRequestWithContext(t.Context(), "POST", s.URL+path, strings.NewReader("UniqueName=x&Actions=%7B%7D"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s: %d, want 403", path, resp.StatusCode)
		}
	}
	after, err := s.db.Assistant(t.Context(), s.acct.SID, "pizza")
	if err != nil {
		t.Fatalf("after the refused requests: %v", err)
	}
	if after.Revision != before.Revision {
		t.Errorf("the refused requests changed the assistant: revision %d → %d", before.Revision, after.Revision)
	}
	if heads, _ := s.db.AssistantHeads(t.Context(), s.acct.SID); len(heads) != len(headsBefore) {
		t.Errorf("the refused requests left %d assistants, not %d", len(heads), len(headsBefore))
	}
}

// TestEveryPageOfEveryFixture imports each real assistant of the shared
// fixtures through the console and opens every page it has: the assistant,
// each task and field type, the simulator (with a first message), queries,
// dialogues, the flow, the delete confirmations. None may fail.
func TestEveryPageOfEveryFixture(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/fixtures/autopilot/*/*.json")
	if len(files) < 17 {
		t.Fatalf("found only %d fixtures (clone shared/ beside the repository)", len(files))
	}
	s := newSite(t)
	s.signIn(t)
	// Every URL of the fixtures points at a local server instead (tests
	// send nothing beyond loopback), which answers as a webhook would.
	var calls atomic.Int64
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, `{"actions": [{"say": "From the webhook."}, {"listen": true}]}`)
	}))
	t.Cleanup(hook.Close)
	urls := regexp.MustCompile(`https?://[^"\s\\]+`)
	pages := 0
	for _, file := range files {
		data, _ := os.ReadFile(file)
		data = urls.ReplaceAll(data, []byte(hook.URL+"/hook"))
		resp, _ := s.importSchema(t, filepath.Base(file), data)
		if resp.StatusCode == http.StatusBadRequest {
			continue // not a schema the importer takes (cli-legacy, ...): its error is tested elsewhere
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("import %s: %d", file, resp.StatusCode)
			continue
		}
	}
	heads, err := s.db.AssistantHeads(t.Context(), s.acct.SID)
	if err != nil || len(heads) < 15 {
		t.Fatalf("%d assistants imported (%v)", len(heads), err)
	}
	for _, h := range heads {
		a, err := s.db.Assistant(t.Context(), s.acct.SID, h.SID)
		if err != nil {
			t.Fatal(err)
		}
		base := "/console/assistants/" + a.SID
		paths := []string{base, base + "/simulator", base + "/queries", base + "/dialogues", base + "/flow", base + "/delete"}
		for _, tk := range a.Tasks {
			paths = append(paths, base+"/tasks/"+url.PathEscape(tk.UniqueName), base+"/tasks/"+url.PathEscape(tk.UniqueName)+"/delete")
		}
		for _, ft := range a.FieldTypes {
			paths = append(paths, base+"/field-types/"+url.PathEscape(ft.UniqueName), base+"/field-types/"+url.PathEscape(ft.UniqueName)+"/delete")
		}
		for _, p := range paths {
			if resp, body := s.get(t, p); resp.StatusCode != http.StatusOK {
				t.Errorf("%s (%s): %d\n%.300s", p, a.UniqueName, resp.StatusCode, body)
			}
			pages++
		}
		if resp, body := s.post(t, base+"/simulator", url.Values{"User": {"fixture"}, "Text": {"hello"}}); resp.StatusCode != http.StatusOK {
			t.Errorf("simulator of %s: %d %.300s", a.UniqueName, resp.StatusCode, body)
		}
	}
	t.Logf("%d pages of %d assistants, each chatted with; %d webhook calls", pages, len(heads), calls.Load())
}

// TestRestore: after a confirmation naming the build, the assistant goes
// back to what its last completed model build trained on; without one,
// the page says there is none.
func TestRestore(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	if resp, body := s.get(t, page+"/restore"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "no completed model build") {
		t.Errorf("restore without a build: %d", resp.StatusCode)
	}
	s.post(t, page+"/tasks", url.Values{"UniqueName": {"greet"}})
	s.post(t, page+"/tasks/greet/samples", url.Values{"TaggedText": {"hello"}})
	s.post(t, page+"/builds", nil)
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
		if b, err := s.db.LatestCompletedModelBuild(t.Context(), a.SID); err == nil && b != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the model build did not complete")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.post(t, page+"/tasks", url.Values{"UniqueName": {"later"}})
	resp, body := s.get(t, page+"/restore")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="`+page+`/restore"`) || !strings.Contains(body, "Every change made since is undone") {
		t.Fatalf("the restore confirmation: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := s.post(t, page+"/restore", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", resp.StatusCode)
	}
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	if len(a.Tasks) != 1 || a.Tasks[0].UniqueName != "greet" || len(a.Tasks[0].Samples) != 1 {
		t.Errorf("after the restore: %+v", a.Tasks)
	}
}

// TestQueriesPages: the queries page shows a hundred at a time, the newest
// first, with links to older and newer ones, and can show only those
// pending review.
func TestQueriesPages(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	page := s.createAssistant(t, "shop")
	a, _ := s.db.Assistant(t.Context(), s.acct.SID, "shop")
	var batch []*store.Query
	for i := range 250 {
		batch = append(batch, &store.Query{AccountSID: s.acct.SID, AssistantSID: a.SID, Language: "en-US", Query: fmt.Sprintf("question %d", i)})
	}
	if _, err := s.db.CreateQueries(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.UpdateQuery(t.Context(), s.acct.SID, a.SID, batch[249].SID, store.QueryPatch{Status: new("reviewed")}); err != nil {
		t.Fatal(err)
	}
	_, body := s.get(t, page+"/queries")
	if !strings.Contains(body, "1–100, the newest first") || !strings.Contains(body, "<td>question 249</td>") || strings.Contains(body, "<td>question 149</td>") ||
		!strings.Contains(body, `href="/console/assistants/`+a.SID+`/queries?page=1">Older</a>`) || strings.Contains(body, ">Newer</a>") {
		t.Errorf("the first page:\n%s", body)
	}
	_, body = s.get(t, page+"/queries?page=2")
	if !strings.Contains(body, "201–250") || !strings.Contains(body, "<td>question 0</td>") || strings.Contains(body, ">Older</a>") || !strings.Contains(body, ">Newer</a>") {
		t.Errorf("the last page:\n%s", body)
	}
	_, body = s.get(t, page+"/queries?status=pending-review")
	if !strings.Contains(body, "Pending review only") || strings.Contains(body, "<td>question 249</td>") || !strings.Contains(body, "<td>question 248</td>") ||
		!strings.Contains(body, "queries?page=1&amp;status=pending-review") {
		t.Errorf("pending review only:\n%s", body)
	}
}

// wholeReads counts the reads of whole assistants.
type wholeReads struct {
	*sqlite.DB
	n atomic.Int32
}

func (c *wholeReads) Assistant(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error) {
	c.n.Add(1)
	return c.DB.Assistant(ctx, accountSID, sidOrUniqueName)
}

// TestTaskPagesReadOneTask: a task's page and a field type's page read
// that task or field type, not every sample and value of the assistant.
func TestTaskPagesReadOneTask(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	s.mustImport(t, "../../examples/pizza.json", "")
	counter := &wholeReads{DB: s.db}
	mux := http.NewServeMux()
	(&console.Handler{Store: counter, Accounts: s.db, API: http.NotFoundHandler()}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(s.URL + "/console/")
	for _, p := range []string{"/console/assistants/pizza/tasks/order", "/console/assistants/pizza/field-types/Custom.SIZE"} {
		req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+p, nil)
		for _, c := range s.client.Jar.Cookies(u) {
			req.AddCookie(c)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<h1") {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if n := counter.n.Swap(0); n != 0 {
			t.Errorf("%s read the whole assistant %d times", p, n)
		}
	}
	// The task's page still shows its samples and the other tasks' names.
	_, body := s.get(t, "/console/assistants/pizza/tasks/order")
	if !strings.Contains(body, "<td>a {size} pizza</td>") || !strings.Contains(body, `<option value="Custom.TOPPING">`) {
		t.Errorf("the task page lacks its samples or the field types:\n%s", body)
	}
}

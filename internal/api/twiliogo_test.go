package api_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	twilio "github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	autopilot "github.com/twilio/twilio-go/rest/autopilot/v1"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/channels/custom"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	ptwilio "github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// This file drives the REST API with the stock Twilio Go client at v1.17.0,
// the last release with rest/autopilot/v1: only its base URL is changed, by
// an http.RoundTripper that sends requests for *.twilio.com to the test
// server.

// A tgHit is one request the client sent, as the transport saw it.
type tgHit struct {
	Method string
	Host   string // the host the client asked for, before any rewrite
	Path   string
	Query  url.Values
	Status int
}

// tgRewriter is the client's transport: requests for *.twilio.com go to
// target instead, path and query kept; the others (next_page_url on the
// test server) go as they are. It records every request.
type tgRewriter struct {
	target *url.URL

	mu   sync.Mutex
	hits []tgHit
}

func (rw *tgRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	h := tgHit{Method: r.Method, Host: r.URL.Host, Path: r.URL.Path, Query: r.URL.Query()}
	if r.URL.Hostname() == "twilio.com" || strings.HasSuffix(r.URL.Hostname(), ".twilio.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = rw.target.Scheme, rw.target.Host, rw.target.Host
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		h.Status = resp.StatusCode
	}
	rw.mu.Lock()
	rw.hits = append(rw.hits, h)
	rw.mu.Unlock()
	return resp, err
}

// since returns the requests sent after the first n.
func (rw *tgRewriter) since(n int) []tgHit {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return slices.Clone(rw.hits[n:])
}

func (rw *tgRewriter) count() int {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	return len(rw.hits)
}

// last is the last request sent.
func (rw *tgRewriter) last() tgHit {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.hits) == 0 {
		return tgHit{}
	}
	return rw.hits[len(rw.hits)-1]
}

// A tgHookCall is one request the engine or the builder sent to the hook
// server.
type tgHookCall struct {
	Method string
	URL    string // as the server received it: http://host/path?query
	Form   url.Values
	Sig    string
}

// tgHooks is an httptest server standing for the developer's webhooks: it
// records each request and answers with the Actions JSON of its path.
type tgHooks struct {
	srv     *httptest.Server
	answers map[string]string // path -> response body

	mu    sync.Mutex
	calls []tgHookCall
	ch    chan tgHookCall
}

func newTGHooks(t *testing.T, answers map[string]string) *tgHooks {
	h := &tgHooks{answers: answers, ch: make(chan tgHookCall, 100)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c := tgHookCall{Method: r.Method, URL: "http://" + r.Host + r.URL.RequestURI(), Form: r.PostForm,
			Sig: r.Header.Get("X-Twilio-Signature")}
		h.mu.Lock()
		h.calls = append(h.calls, c)
		h.mu.Unlock()
		h.ch <- c
		w.Header().Set("Content-Type", "application/json")
		body, ok := h.answers[r.URL.Path]
		if !ok {
			body = `{}`
		}
		io.WriteString(w, body)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// wait returns the next call to path, failing after a while.
func (h *tgHooks) wait(t *testing.T, path string) tgHookCall {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c := <-h.ch:
			if u, err := url.Parse(c.URL); err == nil && u.Path == path {
				return c
			}
		case <-timeout:
			t.Fatalf("no request to the hook %s", path)
			return tgHookCall{}
		}
	}
}

// tgValidSignature checks a call's X-Twilio-Signature with twilio-go's own
// request validator, as a developer's webhook does.
func tgValidSignature(t *testing.T, token string, c tgHookCall) {
	t.Helper()
	if c.Sig == "" {
		t.Errorf("request to %s has no X-Twilio-Signature", c.URL)
		return
	}
	params := map[string]string{}
	for k, vs := range c.Form {
		if len(vs) != 1 {
			t.Errorf("request to %s: parameter %s has %d values", c.URL, k, len(vs))
		}
		params[k] = vs[0]
	}
	v := client.NewRequestValidator(token)
	if !v.Validate(c.URL, params, c.Sig) {
		t.Errorf("twilio-go's RequestValidator rejects X-Twilio-Signature %q of %s %s with params %v", c.Sig, c.Method, c.URL, params)
	}
	wrong := client.NewRequestValidator(token + "x")
	if wrong.Validate(c.URL, params, c.Sig) {
		t.Errorf("the signature of %s validates with the wrong token", c.URL)
	}
}

// tgEnv is a Parley server with two accounts, on an httptest server.
type tgEnv struct {
	srv   *httptest.Server
	db    *sqlite.DB
	acct  string
	token string
	acct2 string
	tok2  string
	rw    *tgRewriter
	ap    *autopilot.ApiService // the first account's client
}

func tgToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newTGEnv(t *testing.T) *tgEnv {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e := &tgEnv{db: db,
		acct: ptwilio.NewSID(ptwilio.PrefixAccount), token: tgToken(),
		acct2: ptwilio.NewSID(ptwilio.PrefixAccount), tok2: tgToken()}
	for _, a := range []store.Account{{SID: e.acct, AuthToken: e.token}, {SID: e.acct2, AuthToken: e.tok2}} {
		if err := db.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	calls, err := webhook.New(webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng := dialogue.New(db, calls, dialogue.Options{})
	t.Cleanup(func() { eng.Close() })
	builder := builds.NewBuilder(db, calls, builds.Options{Poll: 50 * time.Millisecond})
	bctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { builder.Run(bctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	srv := &api.Server{Store: db, Engine: eng, Builds: builder, PublicURL: ""}
	ch := &custom.Handler{Accounts: db, Engine: eng}
	h, err := tgSharedMux(srv, ch)
	if err != nil {
		t.Fatalf("API and custom channel on one ServeMux: %v", err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)

	target, _ := url.Parse(e.srv.URL)
	e.rw = &tgRewriter{target: target}
	e.ap = e.client(e.acct, e.token)
	return e
}

// tgSharedMux registers the REST API and the custom channel on one
// ServeMux, as the server does; an error when the patterns conflict (a
// ServeMux panics).
func tgSharedMux(srv *api.Server, ch *custom.Handler) (mux *http.ServeMux, err error) {
	defer func() {
		if p := recover(); p != nil {
			mux, err = nil, fmt.Errorf("%v", p)
		}
	}()
	mux = http.NewServeMux()
	srv.Register(mux)
	ch.Register(mux)
	return mux, nil
}

// TestTwilioGoSharedMux checks that the REST API and the custom channel
// (POST /v2/... and /v1/{AccountSid}/...) live on one ServeMux.
func TestTwilioGoSharedMux(t *testing.T) {
	if _, err := tgSharedMux(&api.Server{}, &custom.Handler{}); err != nil {
		t.Errorf("the REST API and the custom channel cannot share a ServeMux: %v", err)
	}
}

// client returns twilio-go's Autopilot v1 client for the account, talking to
// the test server.
func (e *tgEnv) client(acct, token string) *autopilot.ApiService {
	c := &client.Client{
		Credentials: client.NewCredentials(acct, token),
		HTTPClient: &http.Client{
			Transport:     e.rw,
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(acct)
	rc := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
	// TWILIO_EDGE and TWILIO_REGION must not rename the host.
	rc.RequestHandler.Edge, rc.RequestHandler.Region = "", ""
	return rc.AutopilotV1
}

// postForm sends a raw form POST with Basic auth, as the Twilio CLI plugin
// or a channel client does, and returns the status and decoded JSON body.
func (e *tgEnv) postForm(t *testing.T, path string, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("POST %s: status %d, body is not a JSON object: %s", path, resp.StatusCode, body)
		}
	}
	return resp.StatusCode, m
}

// tgSays returns the speech of each say of a custom channel reply.
func tgSays(reply map[string]any) []string {
	var out []string
	resp, _ := reply["response"].(map[string]any)
	list, _ := resp["says"].([]any)
	for _, s := range list {
		if m, ok := s.(map[string]any); ok {
			sp, _ := m["speech"].(string)
			out = append(out, sp)
		}
	}
	return out
}

func tgStr(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// tgJSON decodes a JSON document into the generic value twilio-go gives for
// data and results fields.
func tgJSON(t *testing.T, doc string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", doc, err)
	}
	return v
}

// tgWantError checks that err is twilio-go's *client.TwilioRestError with
// the status, the code (unless 0) and a message containing each of parts.
func tgWantError(t *testing.T, err error, status, code int, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want status %d code %d", status, code)
		return
	}
	te, ok := errors.AsType[*client.TwilioRestError](err)
	if !ok {
		t.Errorf("error %v (%T), want a *client.TwilioRestError with status %d code %d", err, err, status, code)
		return
	}
	if te.Status != status || (code != 0 && te.Code != code) {
		t.Errorf("error status %d code %d (%q), want status %d code %d", te.Status, te.Code, te.Message, status, code)
	}
	for _, p := range parts {
		if !strings.Contains(te.Message, p) {
			t.Errorf("error message %q does not contain %q", te.Message, p)
		}
	}
	if te.MoreInfo == "" {
		t.Errorf("error %d has no more_info", te.Code)
	}
}

// tgWantSID checks a SID's prefix and shape.
func tgWantSID(t *testing.T, what string, sid *string, prefix string) {
	t.Helper()
	if sid == nil || !ptwilio.IsSID(prefix, *sid) {
		t.Errorf("%s sid = %s, want %s followed by 32 hex digits", what, tgStr(sid), prefix)
	}
}

// tgWantDates checks that date_created and date_updated parsed (RFC 3339).
func tgWantDates(t *testing.T, what string, created, updated *time.Time) {
	t.Helper()
	if created == nil || created.IsZero() || updated == nil || updated.IsZero() {
		t.Errorf("%s: date_created %v, date_updated %v, want both set", what, created, updated)
		return
	}
	if updated.Before(*created) {
		t.Errorf("%s: date_updated %v before date_created %v", what, updated, created)
	}
	if d := time.Since(*created); d < -time.Minute || d > time.Hour {
		t.Errorf("%s: date_created %v is not about now", what, created)
	}
}

func tgWantEqual[T comparable](t *testing.T, what string, got *T, want T) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %v", what, want)
	} else if *got != want {
		t.Errorf("%s = %v, want %v", what, *got, want)
	}
}

// tgPollBuild fetches the model build until it ends and returns it with the
// statuses seen in order.
func tgPollBuild(t *testing.T, ap *autopilot.ApiService, assistantSID, sid string) (*autopilot.AutopilotV1ModelBuild, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, err := ap.FetchModelBuild(assistantSID, sid)
		if err != nil {
			t.Fatalf("fetch model build: %v", err)
		}
		st := tgStr(b.Status)
		if len(seen) == 0 || seen[len(seen)-1] != st {
			seen = append(seen, st)
		}
		if st == "completed" || st == "failed" || st == "canceled" {
			return b, seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("model build still %s after 60s (statuses %v)", st, seen)
		}
		select {
		case <-t.Context().Done():
			t.Fatal(t.Context().Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

const (
	tgSayBook     = "Happy to book your room."
	tgSayCheckout = "You are checked out. Have a safe trip!"
	tgSayFallback = "Sorry, I did not get that."
)

// TestTwilioGoWorkflow builds, trains, queries and talks to an assistant
// through twilio-go's Autopilot v1 client, step by step as a developer
// would.
func TestTwilioGoWorkflow(t *testing.T) {
	e := newTGEnv(t)
	ap := e.ap
	hk := newTGHooks(t, map[string]string{
		"/actions/checkout": `{"actions":[{"say":"` + tgSayCheckout + `"}]}`,
	})
	base := e.srv.URL

	var (
		asst                    *autopilot.AutopilotV1Assistant
		aSID                    string
		book, checkout, fall    *autopilot.AutopilotV1Task
		roomType                *autopilot.AutopilotV1FieldType
		suite, junior, standard *autopilot.AutopilotV1FieldValue
		samples                 []autopilot.AutopilotV1Sample
		build                   *autopilot.AutopilotV1ModelBuild
	)

	must := func(t *testing.T, ok bool) {
		if !ok {
			t.FailNow()
		}
	}

	must(t, t.Run("create-assistant", func(t *testing.T) {
		var err error
		asst, err = ap.CreateAssistant((&autopilot.CreateAssistantParams{}).
			SetUniqueName("concierge").SetFriendlyName("Concierge").SetLogQueries(true))
		if err != nil {
			t.Fatal(err)
		}
		if e.rw.last().Status != http.StatusCreated {
			t.Errorf("create status %d, want 201", e.rw.last().Status)
		}
		tgWantSID(t, "assistant", asst.Sid, "UA")
		aSID = tgStr(asst.Sid)
		tgWantEqual(t, "account_sid", asst.AccountSid, e.acct)
		tgWantEqual(t, "unique_name", asst.UniqueName, "concierge")
		tgWantEqual(t, "friendly_name", asst.FriendlyName, "Concierge")
		tgWantEqual(t, "log_queries", asst.LogQueries, true)
		tgWantEqual(t, "development_stage", asst.DevelopmentStage, "in-development")
		tgWantEqual(t, "url", asst.Url, base+"/v1/Assistants/"+aSID)
		tgWantDates(t, "assistant", asst.DateCreated, asst.DateUpdated)
		if asst.LatestModelBuildSid != nil {
			t.Errorf("latest_model_build_sid = %s, want null", *asst.LatestModelBuildSid)
		}
		if asst.Links == nil {
			t.Fatal("no links")
		}
		for k, sub := range map[string]string{"tasks": "Tasks", "field_types": "FieldTypes", "model_builds": "ModelBuilds",
			"queries": "Queries", "defaults": "Defaults", "style_sheet": "StyleSheet", "webhooks": "Webhooks", "dialogues": "Dialogues"} {
			if got := (*asst.Links)[k]; got != base+"/v1/Assistants/"+aSID+"/"+sub {
				t.Errorf("links.%s = %v, want %s", k, got, base+"/v1/Assistants/"+aSID+"/"+sub)
			}
		}

		tasks, err := ap.ListTask(aSID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 0 {
			t.Errorf("a new assistant has %d tasks (%s...), want none", len(tasks), tgStr(tasks[0].UniqueName))
		}
		all, err := ap.ListAssistant(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || tgStr(all[0].Sid) != aSID {
			t.Errorf("ListAssistant = %d assistants, want just %s", len(all), aSID)
		}
	}))

	t.Run("fetch-assistant", func(t *testing.T) {
		for _, id := range []string{aSID, "concierge"} {
			got, err := ap.FetchAssistant(id)
			if err != nil {
				t.Errorf("fetch %s: %v", id, err)
				continue
			}
			if diff := cmp.Diff(asst, got); diff != "" {
				t.Errorf("fetch %s differs from the created assistant (-created +fetched):\n%s", id, diff)
			}
		}
	})

	t.Run("update-assistant", func(t *testing.T) {
		got, err := ap.UpdateAssistant(aSID, (&autopilot.UpdateAssistantParams{}).
			SetFriendlyName("Hotel concierge").SetLogQueries(false))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "friendly_name", got.FriendlyName, "Hotel concierge")
		tgWantEqual(t, "log_queries", got.LogQueries, false)
		tgWantEqual(t, "unique_name", got.UniqueName, "concierge")
		tgWantEqual(t, "sid", got.Sid, aSID)
		tgWantDates(t, "assistant", got.DateCreated, got.DateUpdated)
		got, err = ap.FetchAssistant("concierge")
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "fetched friendly_name", got.FriendlyName, "Hotel concierge")
		tgWantEqual(t, "fetched log_queries", got.LogQueries, false)
		// Log queries again: the query steps below need it.
		if got, err = ap.UpdateAssistant("concierge", (&autopilot.UpdateAssistantParams{}).SetLogQueries(true)); err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "log_queries", got.LogQueries, true)
		tgWantEqual(t, "friendly_name kept", got.FriendlyName, "Hotel concierge")
	})

	bookActions := `{"actions":[{"say":"Which city would you like to stay in?"},{"listen":true}]}`
	must(t, t.Run("create-tasks", func(t *testing.T) {
		var err error
		book, err = ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).
			SetUniqueName("book-room").SetFriendlyName("Book a room").SetActions(json.RawMessage(bookActions)))
		if err != nil {
			t.Fatal(err)
		}
		tgWantSID(t, "task", book.Sid, "UD")
		tgWantEqual(t, "account_sid", book.AccountSid, e.acct)
		tgWantEqual(t, "assistant_sid", book.AssistantSid, aSID)
		tgWantEqual(t, "unique_name", book.UniqueName, "book-room")
		tgWantEqual(t, "friendly_name", book.FriendlyName, "Book a room")
		if book.ActionsUrl != nil {
			t.Errorf("actions_url = %s, want null", *book.ActionsUrl)
		}
		taskURL := base + "/v1/Assistants/" + aSID + "/Tasks/" + tgStr(book.Sid)
		tgWantEqual(t, "url", book.Url, taskURL)
		tgWantDates(t, "task", book.DateCreated, book.DateUpdated)
		if book.Links == nil {
			t.Error("task has no links")
		} else {
			for k, sub := range map[string]string{"fields": "/Fields", "samples": "/Samples", "task_actions": "/Actions", "statistics": "/Statistics"} {
				if got := (*book.Links)[k]; got != taskURL+sub {
					t.Errorf("links.%s = %v, want %s", k, got, taskURL+sub)
				}
			}
		}

		checkout, err = ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).
			SetUniqueName("check-out").SetFriendlyName("Check out").SetActionsUrl(hk.srv.URL+"/actions/checkout"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "actions_url", checkout.ActionsUrl, hk.srv.URL+"/actions/checkout")

		fall, err = ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).SetUniqueName("fallback").
			SetActions(map[string]any{"actions": []any{map[string]any{"say": tgSayFallback}, map[string]any{"listen": true}}}))
		if err != nil {
			t.Fatal(err)
		}
		if fall.FriendlyName != nil && *fall.FriendlyName != "" && *fall.FriendlyName != "fallback" {
			t.Errorf("friendly_name of a task created without one = %q", *fall.FriendlyName)
		}

		for _, id := range []string{tgStr(book.Sid), "book-room"} {
			got, err := ap.FetchTask(aSID, id)
			if err != nil {
				t.Errorf("fetch task %s: %v", id, err)
				continue
			}
			if diff := cmp.Diff(book, got); diff != "" {
				t.Errorf("fetch task %s (-created +fetched):\n%s", id, diff)
			}
		}
		got, err := ap.FetchTask("concierge", "check-out")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(checkout, got); diff != "" {
			t.Errorf("fetch task by assistant and task unique names (-created +fetched):\n%s", diff)
		}

		updated, err := ap.UpdateTask(aSID, "book-room", (&autopilot.UpdateTaskParams{}).SetFriendlyName("Book a hotel room"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "updated friendly_name", updated.FriendlyName, "Book a hotel room")
		tgWantEqual(t, "updated unique_name", updated.UniqueName, "book-room")
		tgWantEqual(t, "updated sid", updated.Sid, tgStr(book.Sid))
		book = updated

		tasks, err := ap.ListTask(aSID, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tk := range tasks {
			names = append(names, tgStr(tk.UniqueName))
		}
		if diff := cmp.Diff([]string{"book-room", "check-out", "fallback"}, names); diff != "" {
			t.Errorf("ListTask names (-want +got):\n%s", diff)
		}
	}))

	bookActions = `{"actions":[{"say":"` + tgSayBook + `"},{"listen":true}]}`
	t.Run("task-actions", func(t *testing.T) {
		ta, err := ap.FetchTaskActions(aSID, tgStr(book.Sid))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "task_sid", ta.TaskSid, tgStr(book.Sid))
		tgWantEqual(t, "assistant_sid", ta.AssistantSid, aSID)
		tgWantEqual(t, "account_sid", ta.AccountSid, e.acct)
		tgWantEqual(t, "url", ta.Url, base+"/v1/Assistants/"+aSID+"/Tasks/"+tgStr(book.Sid)+"/Actions")
		if ta.Data == nil {
			t.Fatal("task actions have no data")
		}
		if diff := cmp.Diff(tgJSON(t, `{"actions":[{"say":"Which city would you like to stay in?"},{"listen":true}]}`), *ta.Data); diff != "" {
			t.Errorf("task actions data (-want +got):\n%s", diff)
		}

		ta, err = ap.UpdateTaskActions(aSID, "book-room", (&autopilot.UpdateTaskActionsParams{}).SetActions(json.RawMessage(bookActions)))
		if err != nil {
			t.Fatal(err)
		}
		if ta.Data == nil {
			t.Fatal("updated task actions have no data")
		}
		if diff := cmp.Diff(tgJSON(t, bookActions), *ta.Data); diff != "" {
			t.Errorf("updated task actions data (-want +got):\n%s", diff)
		}
		ta, err = ap.FetchTaskActions("concierge", "book-room")
		if err != nil {
			t.Fatal(err)
		}
		if ta.Data == nil {
			t.Fatal("task actions have no data")
		}
		if diff := cmp.Diff(tgJSON(t, bookActions), *ta.Data); diff != "" {
			t.Errorf("fetched task actions after update (-want +got):\n%s", diff)
		}
	})

	must(t, t.Run("field-types", func(t *testing.T) {
		var err error
		roomType, err = ap.CreateFieldType(aSID, (&autopilot.CreateFieldTypeParams{}).SetUniqueName("room_type").SetFriendlyName("Room"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantSID(t, "field type", roomType.Sid, "UB")
		tgWantEqual(t, "unique_name", roomType.UniqueName, "room_type")
		tgWantEqual(t, "friendly_name", roomType.FriendlyName, "Room")
		ftURL := base + "/v1/Assistants/" + aSID + "/FieldTypes/" + tgStr(roomType.Sid)
		tgWantEqual(t, "url", roomType.Url, ftURL)
		tgWantDates(t, "field type", roomType.DateCreated, roomType.DateUpdated)
		if roomType.Links == nil || (*roomType.Links)["field_values"] != ftURL+"/FieldValues" {
			t.Errorf("field type links = %v, want field_values %s", roomType.Links, ftURL+"/FieldValues")
		}
		updated, err := ap.UpdateFieldType(aSID, "room_type", (&autopilot.UpdateFieldTypeParams{}).SetFriendlyName("Room type"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "updated friendly_name", updated.FriendlyName, "Room type")
		got, err := ap.FetchFieldType(aSID, "room_type")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(updated, got); diff != "" {
			t.Errorf("fetch field type by unique name (-updated +fetched):\n%s", diff)
		}
		roomType = got

		ftSID := tgStr(roomType.Sid)
		value := func(v, synonymOf string) *autopilot.AutopilotV1FieldValue {
			t.Helper()
			p := (&autopilot.CreateFieldValueParams{}).SetLanguage("en-US").SetValue(v)
			if synonymOf != "" {
				p.SetSynonymOf(synonymOf)
			}
			fv, err := ap.CreateFieldValue(aSID, ftSID, p)
			if err != nil {
				t.Fatalf("create field value %q: %v", v, err)
			}
			tgWantSID(t, "field value", fv.Sid, "UC")
			tgWantEqual(t, "value", fv.Value, v)
			tgWantEqual(t, "language", fv.Language, "en-US")
			tgWantEqual(t, "field_type_sid", fv.FieldTypeSid, ftSID)
			tgWantEqual(t, "url", fv.Url, ftURL+"/FieldValues/"+tgStr(fv.Sid))
			tgWantDates(t, "field value", fv.DateCreated, fv.DateUpdated)
			return fv
		}
		suite = value("suite", "")
		if suite.SynonymOf != nil {
			t.Errorf("canonical value's synonym_of = %s, want null", *suite.SynonymOf)
		}
		value("deluxe", "")
		// SynonymOf names the canonical value; the response gives its SID.
		junior = value("junior suite", "suite")
		tgWantEqual(t, "synonym_of", junior.SynonymOf, tgStr(suite.Sid))

		// The Twilio CLI plugin sends SynonymOf= with every value: an empty
		// SynonymOf is a canonical value.
		status, body := e.postForm(t, "/v1/Assistants/"+aSID+"/FieldTypes/"+ftSID+"/FieldValues",
			url.Values{"Language": {"en-US"}, "Value": {"standard"}, "SynonymOf": {""}}, e.acct, e.token)
		if status != http.StatusCreated {
			t.Fatalf("POST FieldValues with SynonymOf= : status %d %v, want 201", status, body)
		}
		if v, ok := body["synonym_of"]; !ok || v != nil {
			t.Errorf("POST FieldValues with SynonymOf= : synonym_of = %#v, want null", v)
		}
		sid, _ := body["sid"].(string)
		standard, err = ap.FetchFieldValue(aSID, "room_type", sid)
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "value", standard.Value, "standard")
		if standard.SynonymOf != nil {
			t.Errorf("fetched synonym_of of a value created with SynonymOf= : %s, want null", *standard.SynonymOf)
		}
		got2, err := ap.FetchFieldValue(aSID, ftSID, tgStr(junior.Sid))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(junior, got2); diff != "" {
			t.Errorf("fetch field value (-created +fetched):\n%s", diff)
		}

		values, err := ap.ListFieldValue(aSID, ftSID, (&autopilot.ListFieldValueParams{}).SetLanguage("en-US"))
		if err != nil {
			t.Fatal(err)
		}
		var vs []string
		for _, v := range values {
			vs = append(vs, tgStr(v.Value)+"->"+tgStr(v.SynonymOf))
		}
		want := []string{"suite-><nil>", "deluxe-><nil>", "junior suite->" + tgStr(suite.Sid), "standard-><nil>"}
		if diff := cmp.Diff(want, vs); diff != "" {
			t.Errorf("ListFieldValue en-US (-want +got):\n%s", diff)
		}
		types, err := ap.ListFieldType(aSID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(types) != 1 || tgStr(types[0].Sid) != ftSID {
			t.Errorf("ListFieldType = %d types, want just room_type", len(types))
		}
	}))

	must(t, t.Run("fields", func(t *testing.T) {
		city, err := ap.CreateField(aSID, tgStr(book.Sid), (&autopilot.CreateFieldParams{}).SetUniqueName("city").SetFieldType("Twilio.CITY"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantSID(t, "field", city.Sid, "UE")
		tgWantEqual(t, "unique_name", city.UniqueName, "city")
		tgWantEqual(t, "field_type", city.FieldType, "Twilio.CITY")
		tgWantEqual(t, "task_sid", city.TaskSid, tgStr(book.Sid))
		tgWantEqual(t, "assistant_sid", city.AssistantSid, aSID)
		tgWantEqual(t, "url", city.Url, base+"/v1/Assistants/"+aSID+"/Tasks/"+tgStr(book.Sid)+"/Fields/"+tgStr(city.Sid))
		tgWantDates(t, "field", city.DateCreated, city.DateUpdated)

		room, err := ap.CreateField(aSID, "book-room", (&autopilot.CreateFieldParams{}).SetUniqueName("room").SetFieldType("room_type"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "field_type", room.FieldType, "room_type")

		for _, id := range []string{tgStr(room.Sid), "room"} {
			got, err := ap.FetchField(aSID, "book-room", id)
			if err != nil {
				t.Errorf("fetch field %s: %v", id, err)
				continue
			}
			if diff := cmp.Diff(room, got); diff != "" {
				t.Errorf("fetch field %s (-created +fetched):\n%s", id, diff)
			}
		}
		fs, err := ap.ListField(aSID, tgStr(book.Sid), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range fs {
			names = append(names, tgStr(f.UniqueName)+":"+tgStr(f.FieldType))
		}
		if diff := cmp.Diff([]string{"city:Twilio.CITY", "room:room_type"}, names); diff != "" {
			t.Errorf("ListField (-want +got):\n%s", diff)
		}
	}))

	bookSamples := []string{
		"book a room in {city}",
		"I need a hotel room in {city}",
		"reserve a {room} in {city}",
		"I would like to book a room",
		"can I get a room for tonight",
		"book me a {room}",
		"I want to reserve a hotel room",
	}
	must(t, t.Run("samples", func(t *testing.T) {
		for i, text := range bookSamples {
			p := (&autopilot.CreateSampleParams{}).SetLanguage("en-US").SetTaggedText(text)
			if i == 0 {
				p.SetSourceChannel("chat")
			}
			s, err := ap.CreateSample(aSID, tgStr(book.Sid), p)
			if err != nil {
				t.Fatalf("create sample %q: %v", text, err)
			}
			tgWantSID(t, "sample", s.Sid, "UF")
			tgWantEqual(t, "tagged_text", s.TaggedText, text)
			tgWantEqual(t, "language", s.Language, "en-US")
			tgWantEqual(t, "task_sid", s.TaskSid, tgStr(book.Sid))
			tgWantEqual(t, "url", s.Url, base+"/v1/Assistants/"+aSID+"/Tasks/"+tgStr(book.Sid)+"/Samples/"+tgStr(s.Sid))
			tgWantDates(t, "sample", s.DateCreated, s.DateUpdated)
			if i == 0 {
				tgWantEqual(t, "source_channel", s.SourceChannel, "chat")
			} else if s.SourceChannel != nil {
				t.Errorf("source_channel = %s, want null", *s.SourceChannel)
			}
			samples = append(samples, *s)
		}
		for _, text := range []string{"I want to check out", "check out please", "I am leaving, check me out",
			"checkout", "settle my bill and check out"} {
			if _, err := ap.CreateSample(aSID, "check-out", (&autopilot.CreateSampleParams{}).SetLanguage("en-US").SetTaggedText(text)); err != nil {
				t.Fatalf("create sample %q: %v", text, err)
			}
		}

		// Update: the new text and channel, the rest kept.
		s3 := samples[3]
		up, err := ap.UpdateSample(aSID, "book-room", tgStr(s3.Sid), (&autopilot.UpdateSampleParams{}).
			SetTaggedText("I would like to book a room please").SetSourceChannel("sms"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "updated tagged_text", up.TaggedText, "I would like to book a room please")
		tgWantEqual(t, "updated source_channel", up.SourceChannel, "sms")
		tgWantEqual(t, "updated language", up.Language, "en-US")
		tgWantEqual(t, "updated sid", up.Sid, tgStr(s3.Sid))
		got, err := ap.FetchSample(aSID, tgStr(book.Sid), tgStr(s3.Sid))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(up, got); diff != "" {
			t.Errorf("fetch updated sample (-updated +fetched):\n%s", diff)
		}
		samples[3] = *got

		// The Language filter.
		en, err := ap.ListSample(aSID, "book-room", (&autopilot.ListSampleParams{}).SetLanguage("en-US"))
		if err != nil {
			t.Fatal(err)
		}
		if len(en) != len(bookSamples) {
			t.Errorf("ListSample Language=en-US: %d samples, want %d", len(en), len(bookSamples))
		}
		fr, err := ap.ListSample(aSID, "book-room", (&autopilot.ListSampleParams{}).SetLanguage("fr-FR"))
		if err != nil {
			t.Fatal(err)
		}
		if len(fr) != 0 {
			t.Errorf("ListSample Language=fr-FR: %d samples, want none", len(fr))
		}

		for task, want := range map[string][2]int{"book-room": {len(bookSamples), 2}, "check-out": {5, 0}, "fallback": {0, 0}} {
			st, err := ap.FetchTaskStatistics(aSID, task)
			if err != nil {
				t.Errorf("statistics of %s: %v", task, err)
				continue
			}
			if st.SamplesCount == nil || st.FieldsCount == nil || *st.SamplesCount != want[0] || *st.FieldsCount != want[1] {
				t.Errorf("statistics of %s: samples_count %v fields_count %v, want %d and %d",
					task, st.SamplesCount, st.FieldsCount, want[0], want[1])
			}
			if !strings.HasPrefix(tgStr(st.TaskSid), "UD") || !strings.HasSuffix(tgStr(st.Url), "/Statistics") {
				t.Errorf("statistics of %s: task_sid %s url %s", task, tgStr(st.TaskSid), tgStr(st.Url))
			}
		}
	}))

	t.Run("paging", func(t *testing.T) {
		samplesPath := "/v1/Assistants/" + aSID + "/Tasks/" + tgStr(book.Sid) + "/Samples"
		var wantSIDs []string
		for _, s := range samples {
			wantSIDs = append(wantSIDs, tgStr(s.Sid))
		}
		sids := func(list []autopilot.AutopilotV1Sample) []string {
			var out []string
			for _, s := range list {
				out = append(out, tgStr(s.Sid))
			}
			return out
		}

		// List follows next_page_url: 3 + 3 + 1, each once, in creation
		// order; the second and third pages straight on the test server.
		n := e.rw.count()
		all, err := ap.ListSample(aSID, tgStr(book.Sid), (&autopilot.ListSampleParams{}).SetPageSize(3))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantSIDs, sids(all)); diff != "" {
			t.Errorf("ListSample PageSize=3 (-want +got):\n%s", diff)
		}
		hits := e.rw.since(n)
		if len(hits) != 3 {
			t.Errorf("ListSample of 7 with PageSize=3 sent %d requests, want 3: %+v", len(hits), hits)
		}
		for i, h := range hits {
			if h.Path != samplesPath || h.Status != http.StatusOK {
				t.Errorf("page request %d: %s %s -> %d", i, h.Method, h.Path, h.Status)
			}
			if i > 0 && h.Host != e.rw.target.Host {
				t.Errorf("page request %d went to %s, want next_page_url on the test server %s", i, h.Host, e.rw.target.Host)
			}
		}

		// Stream with a limit stops after it.
		n = e.rw.count()
		ch, errc := ap.StreamSample(aSID, "book-room", (&autopilot.ListSampleParams{}).SetPageSize(3).SetLimit(5))
		var streamed []autopilot.AutopilotV1Sample
		for s := range ch {
			streamed = append(streamed, s)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantSIDs[:5], sids(streamed)); diff != "" {
			t.Errorf("StreamSample PageSize=3 Limit=5 (-want +got):\n%s", diff)
		}
		if got := len(e.rw.since(n)); got != 2 {
			t.Errorf("StreamSample Limit=5 PageSize=3 sent %d requests, want 2", got)
		}

		// The page envelope: absolute URLs on the test server, filters kept.
		p0, err := ap.PageSample(aSID, tgStr(book.Sid), (&autopilot.ListSampleParams{}).SetPageSize(3).SetLanguage("en-US"), "", "")
		if err != nil {
			t.Fatal(err)
		}
		m := p0.Meta
		if m.Key != "samples" || m.Page != 0 || m.PageSize != 3 || len(p0.Samples) != 3 {
			t.Errorf("first page: key %q page %d page_size %d with %d samples, want samples 0 3 and 3", m.Key, m.Page, m.PageSize, len(p0.Samples))
		}
		if m.PreviousPageUrl != nil {
			t.Errorf("first page previous_page_url = %s, want null", *m.PreviousPageUrl)
		}
		checkURL := func(what, u string) {
			t.Helper()
			pu, err := url.Parse(u)
			if err != nil || pu.Scheme+"://"+pu.Host != base || pu.Path != samplesPath {
				t.Errorf("%s = %q, want an absolute URL of %s%s", what, u, base, samplesPath)
				return
			}
			q := pu.Query()
			if q.Get("PageSize") != "3" || q.Get("Language") != "en-US" {
				t.Errorf("%s = %q, want PageSize=3 and Language=en-US in its query", what, u)
			}
		}
		checkURL("url", m.Url)
		checkURL("first_page_url", m.FirstPageUrl)
		if m.NextPageUrl == nil {
			t.Fatal("first of 3 pages has no next_page_url")
		}
		checkURL("next_page_url", *m.NextPageUrl)

		seen := sids(p0.Samples)
		next := m.NextPageUrl
		for page := 1; next != nil && page < 10; page++ {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, *next, nil)
			req.SetBasicAuth(e.acct, e.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p autopilot.ListSampleResponse
			err = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("GET next_page_url %s: %d %v", *next, resp.StatusCode, err)
			}
			if p.Meta.Page != page {
				t.Errorf("page %d: meta.page = %d", page, p.Meta.Page)
			}
			if p.Meta.PreviousPageUrl == nil {
				t.Errorf("page %d has no previous_page_url", page)
			} else {
				checkURL(fmt.Sprintf("page %d previous_page_url", page), *p.Meta.PreviousPageUrl)
			}
			checkURL(fmt.Sprintf("page %d url", page), p.Meta.Url)
			seen = append(seen, sids(p.Samples)...)
			next = p.Meta.NextPageUrl
		}
		if diff := cmp.Diff(wantSIDs, seen); diff != "" {
			t.Errorf("pages followed by hand (-want +got):\n%s", diff)
		}
	})

	t.Run("defaults-and-style-sheet", func(t *testing.T) {
		defaults := `{"defaults":{"assistant_initiation":"task://book-room","fallback":"task://fallback"}}`
		d, err := ap.UpdateDefaults(aSID, (&autopilot.UpdateDefaultsParams{}).SetDefaults(json.RawMessage(defaults)))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "defaults assistant_sid", d.AssistantSid, aSID)
		tgWantEqual(t, "defaults account_sid", d.AccountSid, e.acct)
		tgWantEqual(t, "defaults url", d.Url, base+"/v1/Assistants/"+aSID+"/Defaults")
		if d.Data == nil {
			t.Fatal("defaults have no data")
		}
		if diff := cmp.Diff(tgJSON(t, defaults), *d.Data); diff != "" {
			t.Errorf("updated defaults (-want +got):\n%s", diff)
		}
		if d, err = ap.FetchDefaults("concierge"); err != nil {
			t.Fatal(err)
		}
		if d.Data == nil {
			t.Fatal("defaults have no data")
		}
		if diff := cmp.Diff(tgJSON(t, defaults), *d.Data); diff != "" {
			t.Errorf("fetched defaults (-want +got):\n%s", diff)
		}

		style := `{"style_sheet":{"voice":{"say_voice":"Polly.Joanna"}}}`
		s, err := ap.UpdateStyleSheet(aSID, (&autopilot.UpdateStyleSheetParams{}).SetStyleSheet(json.RawMessage(style)))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "style sheet url", s.Url, base+"/v1/Assistants/"+aSID+"/StyleSheet")
		if s.Data == nil {
			t.Fatal("style sheet has no data")
		}
		if diff := cmp.Diff(tgJSON(t, style), *s.Data); diff != "" {
			t.Errorf("updated style sheet (-want +got):\n%s", diff)
		}
		if s, err = ap.FetchStyleSheet(aSID); err != nil {
			t.Fatal(err)
		}
		if s.Data == nil {
			t.Fatal("style sheet has no data")
		}
		if diff := cmp.Diff(tgJSON(t, style), *s.Data); diff != "" {
			t.Errorf("fetched style sheet (-want +got):\n%s", diff)
		}

		// The same documents through the assistant's own update, as JSON
		// text in a form field.
		style2 := `{"style_sheet":{"voice":{"say_voice":"Polly.Matthew"}}}`
		if _, err := ap.UpdateAssistant(aSID, (&autopilot.UpdateAssistantParams{}).SetStyleSheet(json.RawMessage(style2))); err != nil {
			t.Fatal(err)
		}
		if s, err = ap.FetchStyleSheet(aSID); err != nil {
			t.Fatal(err)
		}
		if s.Data == nil {
			t.Fatal("style sheet has no data")
		}
		if diff := cmp.Diff(tgJSON(t, style2), *s.Data); diff != "" {
			t.Errorf("style sheet after UpdateAssistant StyleSheet (-want +got):\n%s", diff)
		}
	})

	must(t, t.Run("model-build", func(t *testing.T) {
		var err error
		created, err := ap.CreateModelBuild(aSID, (&autopilot.CreateModelBuildParams{}).
			SetUniqueName("v1").SetStatusCallback(hk.srv.URL+"/build"))
		if err != nil {
			t.Fatal(err)
		}
		if e.rw.last().Status != http.StatusCreated {
			t.Errorf("create model build status %d, want 201", e.rw.last().Status)
		}
		tgWantSID(t, "model build", created.Sid, "UG")
		tgWantEqual(t, "status", created.Status, "enqueued")
		tgWantEqual(t, "unique_name", created.UniqueName, "v1")
		tgWantEqual(t, "assistant_sid", created.AssistantSid, aSID)
		tgWantEqual(t, "url", created.Url, base+"/v1/Assistants/"+aSID+"/ModelBuilds/"+tgStr(created.Sid))
		tgWantDates(t, "model build", created.DateCreated, created.DateUpdated)

		var seen []string
		build, seen = tgPollBuild(t, ap, aSID, tgStr(created.Sid))
		order := map[string]int{"enqueued": 0, "building": 1, "completed": 2}
		for i := 1; i < len(seen); i++ {
			if order[seen[i]] < order[seen[i-1]] {
				t.Errorf("model build statuses %v go backwards", seen)
			}
		}
		if tgStr(build.Status) != "completed" {
			t.Fatalf("model build ended %s (statuses %v, error_code %v)", tgStr(build.Status), seen, build.ErrorCode)
		}
		if build.BuildDuration == nil || *build.BuildDuration < 0 {
			t.Errorf("completed build_duration = %v, want a number of seconds", build.BuildDuration)
		}
		if build.ErrorCode != nil {
			t.Errorf("completed build error_code = %d, want null", *build.ErrorCode)
		}

		byName, err := ap.FetchModelBuild("concierge", "v1")
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "fetched by unique name: sid", byName.Sid, tgStr(build.Sid))
		renamed, err := ap.UpdateModelBuild(aSID, tgStr(build.Sid), (&autopilot.UpdateModelBuildParams{}).SetUniqueName("v1-final"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "renamed unique_name", renamed.UniqueName, "v1-final")
		tgWantEqual(t, "renamed status", renamed.Status, "completed")
		if got, err := ap.FetchModelBuild(aSID, "v1-final"); err != nil {
			t.Errorf("fetch by new name: %v", err)
		} else {
			tgWantEqual(t, "fetched by new name: sid", got.Sid, tgStr(build.Sid))
		}
		_, err = ap.FetchModelBuild(aSID, "v1")
		tgWantError(t, err, http.StatusNotFound, 20404)
		list, err := ap.ListModelBuild(aSID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || tgStr(list[0].Sid) != tgStr(build.Sid) || tgStr(list[0].UniqueName) != "v1-final" {
			t.Errorf("ListModelBuild = %d builds, want just %s (v1-final)", len(list), tgStr(build.Sid))
		}
		build = renamed

		a, err := ap.FetchAssistant(aSID)
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "latest_model_build_sid", a.LatestModelBuildSid, tgStr(build.Sid))
		tgWantEqual(t, "needs_model_build", a.NeedsModelBuild, false)

		// The builder POSTs the StatusCallback, signed.
		c := hk.wait(t, "/build")
		if c.Method != http.MethodPost {
			t.Errorf("status callback method %s, want POST", c.Method)
		}
		if c.Form.Get("ModelBuildSid") != tgStr(build.Sid) || c.Form.Get("Status") != "completed" {
			t.Errorf("status callback params %v, want ModelBuildSid %s and Status completed", c.Form, tgStr(build.Sid))
		}
		tgValidSignature(t, e.token, c)
	}))

	t.Run("queries", func(t *testing.T) {
		q, err := ap.CreateQuery(aSID, (&autopilot.CreateQueryParams{}).SetLanguage("en-US").SetQuery("could you book me a room in Paris"))
		if err != nil {
			t.Fatal(err)
		}
		if e.rw.last().Status != http.StatusCreated {
			t.Errorf("create query status %d, want 201", e.rw.last().Status)
		}
		tgWantSID(t, "query", q.Sid, "UH")
		tgWantEqual(t, "query", q.Query, "could you book me a room in Paris")
		tgWantEqual(t, "language", q.Language, "en-US")
		tgWantEqual(t, "status", q.Status, "pending-review")
		tgWantEqual(t, "model_build_sid", q.ModelBuildSid, tgStr(build.Sid))
		tgWantEqual(t, "url", q.Url, base+"/v1/Assistants/"+aSID+"/Queries/"+tgStr(q.Sid))
		tgWantDates(t, "query", q.DateCreated, q.DateUpdated)
		if q.SampleSid != nil {
			t.Errorf("sample_sid = %s, want null", *q.SampleSid)
		}
		if q.Results == nil {
			t.Fatal("query has no results")
		}
		res, _ := (*q.Results).(map[string]any)
		if res["task"] != "book-room" {
			t.Errorf("results.task = %v, want book-room (results %v)", res["task"], res)
		}
		if c, ok := res["confidence"].(float64); !ok || c < 0 || c > 1 {
			t.Errorf("results.confidence = %#v, want a number in 0..1", res["confidence"])
		}
		fs, _ := res["fields"].([]any)
		found := false
		for _, f := range fs {
			m, _ := f.(map[string]any)
			v, _ := m["value"].(string)
			if m["name"] == "city" && m["type"] == "Twilio.CITY" && strings.EqualFold(v, "paris") {
				found = true
			}
		}
		if !found {
			t.Errorf("results.fields = %v, want city Paris of type Twilio.CITY", res["fields"])
		}

		q2, err := ap.CreateQuery(aSID, (&autopilot.CreateQueryParams{}).SetLanguage("en-US").SetQuery("please check me out"))
		if err != nil {
			t.Fatal(err)
		}
		if r2, _ := (*q2.Results).(map[string]any); r2["task"] != "check-out" {
			t.Errorf("results.task of %q = %v, want check-out", "please check me out", r2["task"])
		}

		pending, err := ap.ListQuery(aSID, (&autopilot.ListQueryParams{}).SetStatus("pending-review"))
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 2 || tgStr(pending[0].Sid) != tgStr(q.Sid) || tgStr(pending[1].Sid) != tgStr(q2.Sid) {
			var got []string
			for _, x := range pending {
				got = append(got, tgStr(x.Sid)+" "+tgStr(x.Query)+" "+tgStr(x.Status))
			}
			t.Errorf("ListQuery Status=pending-review: %q, want %s and %s, in creation order", got, tgStr(q.Sid), tgStr(q2.Sid))
		}

		up, err := ap.UpdateQuery(aSID, tgStr(q.Sid), (&autopilot.UpdateQueryParams{}).SetStatus("reviewed").SetSampleSid(tgStr(samples[0].Sid)))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "updated status", up.Status, "reviewed")
		tgWantEqual(t, "updated sample_sid", up.SampleSid, tgStr(samples[0].Sid))
		got, err := ap.FetchQuery("concierge", tgStr(q.Sid))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(up, got); diff != "" {
			t.Errorf("fetch updated query (-updated +fetched):\n%s", diff)
		}

		reviewed, err := ap.ListQuery(aSID, (&autopilot.ListQueryParams{}).SetStatus("reviewed"))
		if err != nil {
			t.Fatal(err)
		}
		if len(reviewed) != 1 || tgStr(reviewed[0].Sid) != tgStr(q.Sid) {
			t.Errorf("ListQuery Status=reviewed: %d queries, want just %s", len(reviewed), tgStr(q.Sid))
		}
		pending, err = ap.ListQuery(aSID, (&autopilot.ListQueryParams{}).SetStatus("pending-review"))
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 1 || tgStr(pending[0].Sid) != tgStr(q2.Sid) {
			t.Errorf("ListQuery Status=pending-review after review: %d queries, want just %s", len(pending), tgStr(q2.Sid))
		}
		byBuild, err := ap.ListQuery(aSID, (&autopilot.ListQueryParams{}).SetModelBuild("v1-final"))
		if err != nil {
			t.Fatal(err)
		}
		if len(byBuild) != 2 {
			t.Errorf("ListQuery ModelBuild=v1-final: %d queries, want 2", len(byBuild))
		}

		if err := ap.DeleteQuery(aSID, tgStr(q.Sid)); err != nil {
			t.Fatal(err)
		}
		if s := e.rw.last().Status; s != http.StatusNoContent {
			t.Errorf("delete query status %d, want 204", s)
		}
		_, err = ap.FetchQuery(aSID, tgStr(q.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)

		// Without LogQueries the query is answered but not kept.
		if _, err := ap.UpdateAssistant(aSID, (&autopilot.UpdateAssistantParams{}).SetLogQueries(false)); err != nil {
			t.Fatal(err)
		}
		q3, err := ap.CreateQuery(aSID, (&autopilot.CreateQueryParams{}).SetLanguage("en-US").SetQuery("book a room in Rome"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantSID(t, "unlogged query", q3.Sid, "UH")
		if _, err = ap.FetchQuery(aSID, tgStr(q3.Sid)); err == nil {
			t.Errorf("query %s, created after LogQueries was set to false, was logged: fetch found it, want 404", tgStr(q3.Sid))
		} else {
			tgWantError(t, err, http.StatusNotFound, 20404)
		}
		if _, err := ap.UpdateAssistant(aSID, (&autopilot.UpdateAssistantParams{}).SetLogQueries(true)); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		wh, err := ap.CreateWebhook(aSID, (&autopilot.CreateWebhookParams{}).SetUniqueName("events").
			SetEvents("onDialogueStart onDialogueEnd").SetWebhookUrl(hk.srv.URL+"/events").SetWebhookMethod("POST"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantSID(t, "webhook", wh.Sid, "UM")
		tgWantEqual(t, "unique_name", wh.UniqueName, "events")
		tgWantEqual(t, "events", wh.Events, "onDialogueStart onDialogueEnd")
		tgWantEqual(t, "webhook_url", wh.WebhookUrl, hk.srv.URL+"/events")
		tgWantEqual(t, "webhook_method", wh.WebhookMethod, "POST")
		tgWantEqual(t, "url", wh.Url, base+"/v1/Assistants/"+aSID+"/Webhooks/"+tgStr(wh.Sid))
		tgWantDates(t, "webhook", wh.DateCreated, wh.DateUpdated)

		got, err := ap.FetchWebhook(aSID, "events")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wh, got); diff != "" {
			t.Errorf("fetch webhook by unique name (-created +fetched):\n%s", diff)
		}
		up, err := ap.UpdateWebhook(aSID, tgStr(wh.Sid), (&autopilot.UpdateWebhookParams{}).
			SetEvents("onDialogueTurn").SetWebhookMethod("GET"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "updated events", up.Events, "onDialogueTurn")
		tgWantEqual(t, "updated webhook_method", up.WebhookMethod, "GET")
		tgWantEqual(t, "updated webhook_url kept", up.WebhookUrl, hk.srv.URL+"/events")
		tgWantEqual(t, "updated unique_name kept", up.UniqueName, "events")

		// A second one, then the list in creation order.
		wh2, err := ap.CreateWebhook("concierge", (&autopilot.CreateWebhookParams{}).SetUniqueName("ends").
			SetEvents("onDialogueEnd").SetWebhookUrl(hk.srv.URL+"/ends"))
		if err != nil {
			t.Fatal(err)
		}
		tgWantEqual(t, "default webhook_method", wh2.WebhookMethod, "POST")
		list, err := ap.ListWebhook(aSID, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, w := range list {
			names = append(names, tgStr(w.UniqueName))
		}
		if diff := cmp.Diff([]string{"events", "ends"}, names); diff != "" {
			t.Errorf("ListWebhook (-want +got):\n%s", diff)
		}

		_, err = ap.CreateWebhook(aSID, (&autopilot.CreateWebhookParams{}).SetUniqueName("events").
			SetEvents("onDialogueEnd").SetWebhookUrl(hk.srv.URL+"/x"))
		tgWantError(t, err, http.StatusConflict, 90101)

		for _, id := range []string{"events", tgStr(wh2.Sid)} {
			if err := ap.DeleteWebhook(aSID, id); err != nil {
				t.Fatalf("delete webhook %s: %v", id, err)
			}
			if s := e.rw.last().Status; s != http.StatusNoContent {
				t.Errorf("delete webhook status %d, want 204", s)
			}
		}
		_, err = ap.FetchWebhook(aSID, tgStr(wh.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)
		if list, err := ap.ListWebhook(aSID, nil); err != nil || len(list) != 0 {
			t.Errorf("ListWebhook after deletes: %d webhooks, %v", len(list), err)
		}
	})

	t.Run("deletes", func(t *testing.T) {
		deleted := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("delete %s: %v", what, err)
			}
			if s := e.rw.last().Status; s != http.StatusNoContent {
				t.Errorf("delete %s: status %d, want 204", what, s)
			}
		}
		tmp, err := ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).SetUniqueName("temp").
			SetActions(json.RawMessage(`{"actions":[{"say":"temp"}]}`)))
		if err != nil {
			t.Fatal(err)
		}
		f, err := ap.CreateField(aSID, "temp", (&autopilot.CreateFieldParams{}).SetUniqueName("when").SetFieldType("Twilio.DATE"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := ap.CreateSample(aSID, "temp", (&autopilot.CreateSampleParams{}).SetLanguage("en-US").SetTaggedText("temp on {when}"))
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ap.CreateSample(aSID, "temp", (&autopilot.CreateSampleParams{}).SetLanguage("en-US").SetTaggedText("temporary"))
		if err != nil {
			t.Fatal(err)
		}

		deleted("sample", ap.DeleteSample(aSID, "temp", tgStr(s2.Sid)))
		_, err = ap.FetchSample(aSID, "temp", tgStr(s2.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)

		deleted("sample", ap.DeleteSample(aSID, tgStr(tmp.Sid), tgStr(s.Sid)))
		deleted("field", ap.DeleteField(aSID, "temp", "when"))
		_, err = ap.FetchField(aSID, "temp", tgStr(f.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)

		deleted("task", ap.DeleteTask(aSID, "temp"))
		_, err = ap.FetchTask(aSID, tgStr(tmp.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)
		_, err = ap.FetchTaskActions(aSID, tgStr(tmp.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)

		deleted("field value", ap.DeleteFieldValue(aSID, "room_type", tgStr(standard.Sid)))
		_, err = ap.FetchFieldValue(aSID, tgStr(roomType.Sid), tgStr(standard.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)

		ft, err := ap.CreateFieldType(aSID, (&autopilot.CreateFieldTypeParams{}).SetUniqueName("temp_type"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ap.CreateFieldValue(aSID, "temp_type", (&autopilot.CreateFieldValueParams{}).SetLanguage("en-US").SetValue("x")); err != nil {
			t.Fatal(err)
		}
		deleted("field type", ap.DeleteFieldType(aSID, tgStr(ft.Sid)))
		_, err = ap.FetchFieldType(aSID, "temp_type")
		tgWantError(t, err, http.StatusNotFound, 20404)

		tasks, err := ap.ListTask(aSID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(tasks) != 3 {
			t.Errorf("%d tasks after deleting temp, want 3", len(tasks))
		}
	})

	must(t, t.Run("converse", func(t *testing.T) {
		chat := "/v2/" + e.acct + "/concierge/custom/chat"
		status, reply := e.postForm(t, chat, url.Values{"UserId": {"guest-1"}, "Text": {"I need a hotel room in Paris"}}, e.acct, e.token)
		if status != http.StatusOK {
			t.Fatalf("custom channel: status %d %v", status, reply)
		}
		if got := tgSays(reply); !slices.Contains(got, tgSayBook) {
			t.Errorf("reply says %q, want %q (reply %v)", got, tgSayBook, reply)
		}

		// check-out's actions come from its actions_url, signed.
		status, reply = e.postForm(t, chat, url.Values{"UserId": {"guest-1"}, "Text": {"I want to check out"}}, e.acct, e.token)
		if status != http.StatusOK {
			t.Fatalf("custom channel: status %d %v", status, reply)
		}
		if got := tgSays(reply); !slices.Contains(got, tgSayCheckout) {
			t.Errorf("reply says %q, want %q from the actions_url (reply %v)", got, tgSayCheckout, reply)
		}
		c := hk.wait(t, "/actions/checkout")
		if c.Method != http.MethodPost {
			t.Errorf("actions_url fetched with %s, want POST", c.Method)
		}
		if c.URL != hk.srv.URL+"/actions/checkout" {
			t.Errorf("actions_url request to %s, want %s", c.URL, hk.srv.URL+"/actions/checkout")
		}
		for k, want := range map[string]string{"AccountSid": e.acct, "AssistantSid": aSID, "CurrentTask": "check-out",
			"Channel": "chat", "UserIdentifier": "guest-1", "CurrentInput": "I want to check out"} {
			if got := c.Form.Get(k); got != want {
				t.Errorf("actions_url request %s = %q, want %q", k, got, want)
			}
		}
		tgValidSignature(t, e.token, c)

		// Nonsense goes to the fallback task of the defaults.
		status, reply = e.postForm(t, chat, url.Values{"UserId": {"guest-2"}, "Text": {"purple elephants sing loudly"}}, e.acct, e.token)
		if status != http.StatusOK {
			t.Fatalf("custom channel: status %d %v", status, reply)
		}
		if got := tgSays(reply); !slices.Contains(got, tgSayFallback) {
			t.Errorf("reply to nonsense says %q, want the fallback's %q", got, tgSayFallback)
		}

		// Wrong auth on the channel.
		status, _ = e.postForm(t, chat, url.Values{"UserId": {"guest-1"}, "Text": {"hi"}}, e.acct, e.tok2)
		if status != http.StatusUnauthorized {
			t.Errorf("custom channel with a wrong token: status %d, want 401", status)
		}
	}))

	t.Run("errors", func(t *testing.T) {
		bad := e.client(e.acct, e.token+"x")
		_, err := bad.FetchAssistant(aSID)
		tgWantError(t, err, http.StatusUnauthorized, 20003)
		_, err = bad.ListAssistant(nil)
		tgWantError(t, err, http.StatusUnauthorized, 20003)
		unknown := e.client(ptwilio.NewSID(ptwilio.PrefixAccount), e.token)
		_, err = unknown.FetchAssistant(aSID)
		tgWantError(t, err, http.StatusUnauthorized, 20003)

		// Another account sees none of this one's assistants.
		other := e.client(e.acct2, e.tok2)
		for _, id := range []string{aSID, "concierge"} {
			_, err = other.FetchAssistant(id)
			tgWantError(t, err, http.StatusNotFound, 20404)
			_, err = other.FetchTask(id, tgStr(book.Sid))
			tgWantError(t, err, http.StatusNotFound, 20404)
		}
		_, err = other.CreateTask(aSID, (&autopilot.CreateTaskParams{}).SetUniqueName("intruder"))
		tgWantError(t, err, http.StatusNotFound, 20404)
		err = other.DeleteAssistant(aSID)
		tgWantError(t, err, http.StatusNotFound, 20404)
		if list, err := other.ListAssistant(nil); err != nil || len(list) != 0 {
			t.Errorf("the other account lists %d assistants (%v), want none", len(list), err)
		}
		// The other account may use the same unique name.
		mine, err := other.CreateAssistant((&autopilot.CreateAssistantParams{}).SetUniqueName("concierge"))
		if err != nil {
			t.Errorf("another account's assistant named concierge: %v", err)
		} else if tgStr(mine.Sid) == aSID || tgStr(mine.AccountSid) != e.acct2 {
			t.Errorf("another account's assistant: sid %s account %s", tgStr(mine.Sid), tgStr(mine.AccountSid))
		}

		noTask := "UD" + strings.Repeat("0", 32)
		_, err = ap.FetchTask(aSID, noTask)
		tgWantError(t, err, http.StatusNotFound, 20404, "/v1/Assistants/"+aSID+"/Tasks/"+noTask)
		_, err = ap.FetchTask(aSID, "no-such-task")
		tgWantError(t, err, http.StatusNotFound, 20404)
		_, err = ap.FetchAssistant("UA" + strings.Repeat("0", 32))
		tgWantError(t, err, http.StatusNotFound, 20404)

		_, err = ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).SetFriendlyName("No name"))
		tgWantError(t, err, http.StatusBadRequest, 0, "UniqueName")

		for _, doc := range []string{`{"actions":[{"say":{"speech":5}}]}`, `{"actions":[{"sya":"hi"}]}`} {
			_, err = ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).SetUniqueName("broken").SetActions(json.RawMessage(doc)))
			tgWantError(t, err, http.StatusBadRequest, 90100, "Actions", "actions[0]")
			_, err = ap.UpdateTaskActions(aSID, "book-room", (&autopilot.UpdateTaskActionsParams{}).SetActions(json.RawMessage(doc)))
			tgWantError(t, err, http.StatusBadRequest, 90100, "Actions", "actions[0]")
		}
		if _, err := ap.FetchTask(aSID, "broken"); err == nil {
			t.Error("a task with invalid actions was created")
		}
		if ta, err := ap.FetchTaskActions(aSID, "book-room"); err != nil {
			t.Error(err)
		} else if ta.Data == nil || cmp.Diff(tgJSON(t, bookActions), *ta.Data) != "" {
			t.Errorf("book-room's actions changed by a rejected update: %v", ta.Data)
		}

		_, err = ap.CreateTask(aSID, (&autopilot.CreateTaskParams{}).SetUniqueName("book-room"))
		tgWantError(t, err, http.StatusConflict, 90101, "UniqueName")
		_, err = ap.CreateAssistant((&autopilot.CreateAssistantParams{}).SetUniqueName("concierge"))
		tgWantError(t, err, http.StatusConflict, 90101)

		_, err = ap.CreateField(aSID, "book-room", (&autopilot.CreateFieldParams{}).SetUniqueName("color").SetFieldType("Twilio.NO_SUCH_TYPE"))
		tgWantError(t, err, http.StatusBadRequest, 0, "FieldType")
		_, err = ap.CreateField(aSID, "book-room", (&autopilot.CreateFieldParams{}).SetUniqueName("color").SetFieldType("no_such_type"))
		tgWantError(t, err, http.StatusBadRequest, 0, "FieldType")

		_, err = ap.PageTask(aSID, (&autopilot.ListTaskParams{}).SetPageSize(0), "", "")
		tgWantError(t, err, http.StatusBadRequest, 0, "PageSize")
		_, err = ap.ListSample(aSID, "book-room", (&autopilot.ListSampleParams{}).SetPageSize(0))
		tgWantError(t, err, http.StatusBadRequest, 0, "PageSize")
	})

	t.Run("delete-assistant", func(t *testing.T) {
		if err := ap.DeleteAssistant("concierge"); err != nil {
			t.Fatal(err)
		}
		if s := e.rw.last().Status; s != http.StatusNoContent {
			t.Errorf("delete assistant status %d, want 204", s)
		}
		_, err := ap.FetchAssistant(aSID)
		tgWantError(t, err, http.StatusNotFound, 20404)
		_, err = ap.FetchTask(aSID, tgStr(book.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)
		_, err = ap.FetchModelBuild(aSID, tgStr(build.Sid))
		tgWantError(t, err, http.StatusNotFound, 20404)
		_, err = ap.ListSample(aSID, tgStr(book.Sid), nil)
		tgWantError(t, err, http.StatusNotFound, 20404)
		if list, err := ap.ListAssistant(nil); err != nil || len(list) != 0 {
			t.Errorf("ListAssistant after delete: %d assistants, %v", len(list), err)
		}
		status, body := e.postForm(t, "/v2/"+e.acct+"/concierge/custom/chat",
			url.Values{"UserId": {"guest-1"}, "Text": {"book a room"}}, e.acct, e.token)
		if status != http.StatusNotFound || body["code"] != float64(20404) {
			t.Errorf("custom channel to a deleted assistant: status %d %v, want 404 with code 20404", status, body)
		}
	})
}

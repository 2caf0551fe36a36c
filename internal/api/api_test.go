package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/api/apitest"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
)

// A testServer is the REST API on a real store, over real HTTP.
type testServer struct {
	*httptest.Server
	db   *sqlite.DB
	eng  *dialogue.Engine
	acct store.Account
}

func newServer(t testing.TB) *testServer {
	t.Helper()
	s := apitest.Start(t, apitest.Options{})
	return &testServer{Server: s.Server, db: s.DB, eng: s.Engine, acct: s.Account}
}

// do sends a request with the account's credentials and returns the status
// and the decoded JSON body (nil when empty).
func (s *testServer) do(t testing.TB, method, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(s.acct.SID, s.acct.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return resp.StatusCode, nil
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, m
}

// must is do that fails the test unless the status is want.
func (s *testServer) must(t testing.TB, want int, method, path string, form url.Values) map[string]any {
	t.Helper()
	got, m := s.do(t, method, path, form)
	if got != want {
		t.Fatalf("%s %s: status %d, want %d: %v", method, path, got, want, m)
	}
	return m
}

func TestAuthRequired(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct{ name, user, pass string }{
		{"none", "", ""},
		{"wrong-token", s.acct.SID, "nope"},
		{"unknown-account", twilio.NewSID(twilio.PrefixAccount), "secret-token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL+"/v1/Assistants", nil)
			if tc.user != "" {
				req.SetBasicAuth(tc.user, tc.pass)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e twilio.Error
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != 401 || e.Code != 20003 || e.Status != 401 {
				t.Errorf("status %d, body %+v; want 401 with code 20003", resp.StatusCode, e)
			}
		})
	}
}

// TestFailedAuthIsLimited: an address that keeps failing to authenticate
// gets 429 (code 20429), even with the right credentials, until its window
// passes.
func TestFailedAuthIsLimited(t *testing.T) {
	s := apitest.Start(t, apitest.Options{Limiter: authlimit.New(2, time.Hour)})
	get := func(pass string) (int, twilio.Error) {
		t.Helper()
		req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL+"/v1/Assistants", nil)
		req.SetBasicAuth(s.Account.SID, pass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e twilio.Error
		json.NewDecoder(resp.Body).Decode(&e)
		return resp.StatusCode, e
	}
	if status, _ := get(s.Account.AuthToken); status != 200 {
		t.Fatalf("right token: %d", status)
	}
	for range 2 {
		if status, _ := get("guess"); status != 401 {
			t.Fatalf("wrong token: %d, want 401", status)
		}
	}
	if status, e := get(s.Account.AuthToken); status != 429 || e.Code != 20429 {
		t.Errorf("after two failures: %d %+v, want 429 with code 20429", status, e)
	}
}

func TestErrorsAreTwilioShaped(t *testing.T) {
	s := newServer(t)
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"greet"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/FieldTypes", url.Values{"UniqueName": {"sizes"}})
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		status, code       int
		message            string
	}{
		{"unknown-path", "GET", "/v1/Assistants/bot/Nope", nil, 404, 20404, "/v1/Assistants/bot/Nope"},
		{"method", "PUT", "/v1/Assistants/bot", nil, 405, 20004, "PUT"},
		{"field-update", "POST", "/v1/Assistants/bot/Tasks/greet/Fields/x", url.Values{"UniqueName": {"y"}}, 405, 20004, "POST"},
		{"missing", "POST", "/v1/Assistants/bot/Tasks", url.Values{"FriendlyName": {"x"}}, 400, 20001, "UniqueName"},
		{"empty-is-absent", "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {""}}, 400, 20001, "UniqueName"},
		{"too-long", "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {strings.Repeat("x", 65)}}, 400, 20422, "UniqueName"},
		{"sid-shaped", "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"UD0123456789abcdef0123456789abcdef"}}, 400, 20422, "shaped like a SID"},
		{"slash", "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"a/b"}}, 400, 20422, "'/'"},
		{"control", "POST", "/v1/Assistants", url.Values{"UniqueName": {"bell\a"}}, 400, 20422, "control character"},
		{"long-friendly", "POST", "/v1/Assistants/bot/Tasks/greet", url.Values{"FriendlyName": {strings.Repeat("f", 256)}}, 400, 20422, "FriendlyName"},
		{"long-value", "POST", "/v1/Assistants/bot/FieldTypes/sizes/FieldValues", url.Values{"Language": {"en-US"}, "Value": {strings.Repeat("v", 256)}}, 400, 20422, "Value"},
		{"default-no-task", "POST", "/v1/Assistants/bot/Defaults", url.Values{"Defaults": {`{"defaults":{"fallback":"task://nosuch"}}`}}, 400, 90100, `defaults.fallback: task "nosuch" does not exist`},
		{"default-placeholder", "POST", "/v1/Assistants/bot", url.Values{"Defaults": {`{"defaults":{"assistant_initiation":"YOUR_URL"}}`}}, 400, 90100, "defaults.assistant_initiation"},
		{"unknown-default", "POST", "/v1/Assistants/bot/Defaults", url.Values{"Defaults": {`{"defaults":{"falback":"task://greet"}}`}}, 400, 90100, "defaults.falback: unknown key"},
		{"long-sample", "POST", "/v1/Assistants/bot/Tasks/greet/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {strings.Repeat("s", 2049)}}, 400, 20422, "longer than 2048 characters"},
		{"duplicate", "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"greet"}}, 409, 90101, "greet"},
		{"actions-path", "POST", "/v1/Assistants/bot/Tasks/greet/Actions", url.Values{"Actions": {`{"actions":[{"say":"hi"},{"listen":{"tasks":"x"}}]}`}}, 400, 90100, "actions[1]"},
		{"actions-syntax", "POST", "/v1/Assistants/bot/Tasks/greet", url.Values{"Actions": {`{"actions":[`}}, 400, 90100, "Actions"},
		{"defaults", "POST", "/v1/Assistants/bot/Defaults", url.Values{"Defaults": {`{"defaults":{"fallback":5}}`}}, 400, 90100, "fallback"},
		{"page-size", "GET", "/v1/Assistants/bot/Tasks?PageSize=0", nil, 400, 20422, "PageSize"},
		{"page-token", "GET", "/v1/Assistants/bot/Tasks?PageToken=zz", nil, 400, 20422, "PageToken"},
		{"bool", "POST", "/v1/Assistants/bot", url.Values{"LogQueries": {"maybe"}}, 400, 20422, "LogQueries"},
		{"field-type", "POST", "/v1/Assistants/bot/Tasks/greet/Fields", url.Values{"UniqueName": {"f"}, "FieldType": {"Twilio.NOPE"}}, 400, 20422, "FieldType"},
		{"tag", "POST", "/v1/Assistants/bot/Tasks/greet/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {"to {city}"}}, 400, 20422, "{city}"},
		{"sample-sid", "GET", "/v1/Assistants/bot/Tasks/greet/Samples/UFnope", nil, 404, 20404, "UFnope"},
		{"webhook-event", "POST", "/v1/Assistants/bot/Webhooks", url.Values{"UniqueName": {"w"}, "Events": {"onNothing"}, "WebhookUrl": {"https://example.com/"}}, 400, 20422, "onNothing"},
		{"query-status", "POST", "/v1/Assistants/bot/Queries/UH00000000000000000000000000000000", url.Values{"Status": {"done"}}, 400, 20422, "Status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := s.must(t, tc.status, tc.method, tc.path, tc.form)
			if code, _ := m["code"].(float64); int(code) != tc.code {
				t.Errorf("code %v, want %d: %v", m["code"], tc.code, m)
			}
			if st, _ := m["status"].(float64); int(st) != tc.status {
				t.Errorf("status field %v, want %d", m["status"], tc.status)
			}
			if msg, _ := m["message"].(string); !strings.Contains(msg, tc.message) {
				t.Errorf("message %q does not contain %q", msg, tc.message)
			}
			if mi, _ := m["more_info"].(string); !strings.HasPrefix(mi, "https://www.twilio.com/docs/errors/") {
				t.Errorf("more_info %q", mi)
			}
		})
	}
}

func TestOtherAccountsAreInvisible(t *testing.T) {
	s := newServer(t)
	a := s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"mine"}})
	other := store.Account{SID: twilio.NewSID(twilio.PrefixAccount), AuthToken: "other-token"}
	if err := s.db.CreateAccount(t.Context(), other); err != nil {
		t.Fatal(err)
	}
	s2 := &testServer{Server: s.Server, db: s.db, acct: other}
	sid := a["sid"].(string)
	for _, p := range []string{"/v1/Assistants/" + sid, "/v1/Assistants/mine", "/v1/Assistants/" + sid + "/Tasks"} {
		s2.must(t, 404, "GET", p, nil)
	}
	s2.must(t, 404, "DELETE", "/v1/Assistants/"+sid, nil)
	if l := s2.must(t, 200, "GET", "/v1/Assistants", nil); len(l["assistants"].([]any)) != 0 {
		t.Errorf("the other account lists %v", l["assistants"])
	}
	s.must(t, 200, "GET", "/v1/Assistants/"+sid, nil)
}

func TestPaging(t *testing.T) {
	s := newServer(t)
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	var want []string
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {n}})
		want = append(want, n)
	}
	var got []string
	next := "/v1/Assistants/bot/Tasks?PageSize=3"
	pages := 0
	for next != "" {
		m := s.must(t, 200, "GET", next, nil)
		pages++
		for _, x := range m["tasks"].([]any) {
			got = append(got, x.(map[string]any)["unique_name"].(string))
		}
		meta := m["meta"].(map[string]any)
		if meta["key"] != "tasks" || meta["page_size"].(float64) != 3 {
			t.Errorf("meta %v", meta)
		}
		for _, k := range []string{"url", "first_page_url"} {
			if u, _ := meta[k].(string); !strings.HasPrefix(u, s.URL+"/v1/Assistants/bot/Tasks?") {
				t.Errorf("meta.%s = %q, want an absolute URL on %s", k, u, s.URL)
			}
		}
		next = ""
		if u, ok := meta["next_page_url"].(string); ok {
			if !strings.HasPrefix(u, s.URL) {
				t.Fatalf("next_page_url %q is not absolute on %s", u, s.URL)
			}
			next = strings.TrimPrefix(u, s.URL)
		}
	}
	if pages != 3 || strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%d pages of %v, want 3 pages of %v", pages, got, want)
	}
	// A filter is kept in the page URLs.
	m := s.must(t, 200, "GET", "/v1/Assistants/bot/Queries?Status=reviewed&PageSize=1", nil)
	if u := m["meta"].(map[string]any)["url"].(string); !strings.Contains(u, "Status=reviewed") {
		t.Errorf("page url %q lost the filter", u)
	}
}

func TestNoStarterTaskAndDates(t *testing.T) {
	s := newServer(t)
	a := s.must(t, 201, "POST", "/v1/Assistants", url.Values{"FriendlyName": {"Bot"}})
	sid := a["sid"].(string)
	if !twilio.IsSID("UA", sid) || a["unique_name"] != sid {
		t.Errorf("sid %v unique_name %v: want a UA SID, and it as the unique name", a["sid"], a["unique_name"])
	}
	for _, k := range []string{"date_created", "date_updated"} {
		if _, err := time.Parse(time.RFC3339, a[k].(string)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if a["latest_model_build_sid"] != nil || a["callback_url"] != nil || a["log_queries"] != true {
		t.Errorf("defaults: %v", a)
	}
	if links := a["links"].(map[string]any); links["tasks"] != s.URL+"/v1/Assistants/"+sid+"/Tasks" {
		t.Errorf("links %v", links)
	}
	l := s.must(t, 200, "GET", "/v1/Assistants/"+sid+"/Tasks", nil)
	if n := len(l["tasks"].([]any)); n != 0 {
		t.Errorf("a new assistant has %d tasks", n)
	}
	s.must(t, 404, "DELETE", "/v1/Assistants/"+sid+"/Tasks/hello-world", nil)
}

// waitBuild polls a model build until it has ended.
func (s *testServer) waitBuild(t *testing.T, assistant, build string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b := s.must(t, 200, "GET", "/v1/Assistants/"+assistant+"/ModelBuilds/"+build, nil)
		if st := b["status"]; st == "completed" || st == "failed" {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("model build still %v after 30 s", b["status"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestModelBuildCallbackAndRestore(t *testing.T) {
	s := newServer(t)
	calls := make(chan *http.Request, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		calls <- r
	}))
	defer hook.Close()

	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"greet"}, "Actions": {`{"actions":[{"say":"Hello!"}]}`}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/greet/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {"hello there"}})
	bye := s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"bye"}})
	byeSample := s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/bye/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {"see you"}})
	byeField := s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/bye/Fields", url.Values{"UniqueName": {"when"}, "FieldType": {"Twilio.DATE"}})
	sizes := s.must(t, 201, "POST", "/v1/Assistants/bot/FieldTypes", url.Values{"UniqueName": {"sizes"}})
	large := s.must(t, 201, "POST", "/v1/Assistants/bot/FieldTypes/sizes/FieldValues", url.Values{"Language": {"en-US"}, "Value": {"large"}})
	if a := s.must(t, 200, "GET", "/v1/Assistants/bot", nil); a["needs_model_build"] != true {
		t.Errorf("needs_model_build %v before any build", a["needs_model_build"])
	}
	b := s.must(t, 201, "POST", "/v1/Assistants/bot/ModelBuilds", url.Values{"UniqueName": {"v1"}, "StatusCallback": {hook.URL + "/built"}})
	if b["status"] != "enqueued" || b["build_duration"] != nil {
		t.Errorf("new build: %v", b)
	}
	b = s.waitBuild(t, "bot", "v1")
	if b["status"] != "completed" {
		t.Fatalf("build: %v", b)
	}
	select {
	case r := <-calls:
		if r.PostForm.Get("ModelBuildSid") != b["sid"] || r.PostForm.Get("Status") != "completed" {
			t.Errorf("callback params %v", r.PostForm)
		}
		if !twilio.ValidSignature(s.acct.AuthToken, hook.URL+"/built", r.PostForm, r.Header.Get(twilio.SignatureHeader)) {
			t.Errorf("callback signature %q does not verify", r.Header.Get(twilio.SignatureHeader))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no status callback")
	}
	if a := s.must(t, 200, "GET", "/v1/Assistants/bot", nil); a["needs_model_build"] != false || a["latest_model_build_sid"] != b["sid"] {
		t.Errorf("after the build: needs_model_build %v, latest %v", a["needs_model_build"], a["latest_model_build_sid"])
	}

	// Edits after the build, then Restore undoes them.
	s.must(t, 204, "DELETE", "/v1/Assistants/bot/Tasks/bye", nil)
	s.must(t, 204, "DELETE", "/v1/Assistants/bot/FieldTypes/sizes", nil)
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"extra"}})
	s.must(t, 200, "POST", "/v1/Assistants/bot/Tasks/greet/Actions", url.Values{"Actions": {`{"actions":[{"say":"Changed"}]}`}})
	greet := s.must(t, 200, "GET", "/v1/Assistants/bot/Tasks/greet", nil)
	r := s.must(t, 200, "POST", "/v1/Assistants/Restore", url.Values{"Assistant": {"bot"}})
	if r["unique_name"] != "bot" || r["url"] != nil {
		t.Errorf("restore answered %v", r)
	}
	var names []string
	for _, x := range s.must(t, 200, "GET", "/v1/Assistants/bot/Tasks", nil)["tasks"].([]any) {
		names = append(names, x.(map[string]any)["unique_name"].(string))
	}
	if strings.Join(names, ",") != "greet,bye" {
		t.Errorf("tasks after restore: %v, want greet,bye", names)
	}
	if g := s.must(t, 200, "GET", "/v1/Assistants/bot/Tasks/greet", nil); g["sid"] != greet["sid"] {
		t.Errorf("greet's SID changed in the restore: %v -> %v", greet["sid"], g["sid"])
	}
	// What was deleted comes back under the SIDs clients held.
	for _, x := range []struct {
		what, path string
		was        map[string]any
	}{
		{"task bye", "/v1/Assistants/bot/Tasks/" + bye["sid"].(string), bye},
		{"its sample", "/v1/Assistants/bot/Tasks/bye/Samples/" + byeSample["sid"].(string), byeSample},
		{"its field", "/v1/Assistants/bot/Tasks/bye/Fields/" + byeField["sid"].(string), byeField},
		{"field type sizes", "/v1/Assistants/bot/FieldTypes/" + sizes["sid"].(string), sizes},
		{"its value", "/v1/Assistants/bot/FieldTypes/sizes/FieldValues/" + large["sid"].(string), large},
	} {
		if code, got := s.do(t, "GET", x.path, nil); code != 200 || got["sid"] != x.was["sid"] {
			t.Errorf("%s after restore: %d %v, want its SID %v", x.what, code, got["sid"], x.was["sid"])
		}
	}
	acts := s.must(t, 200, "GET", "/v1/Assistants/bot/Tasks/greet/Actions", nil)
	if d, _ := json.Marshal(acts["data"]); !strings.Contains(string(d), "Hello!") {
		t.Errorf("greet's actions after restore: %s", d)
	}
	s.must(t, 404, "POST", "/v1/Assistants/Restore", url.Values{"Assistant": {"nope"}})
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"unbuilt"}})
	if e := s.must(t, 400, "POST", "/v1/Assistants/Restore", url.Values{"Assistant": {"unbuilt"}}); !strings.Contains(e["message"].(string), "no completed model build") {
		t.Errorf("restore without a build: %v", e)
	}
}

func TestQueryNotLoggedAndDialoguePayload(t *testing.T) {
	s := newServer(t)
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}, "LogQueries": {"false"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"greet"}, "Actions": {`{"actions":[{"say":"Hi"},{"listen":true}]}`}})
	for _, x := range []string{"hello", "hi there", "good morning"} {
		s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/greet/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {x}})
	}
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"order"}, "Actions": {`{"actions":[{"say":"What size?"},{"listen":true}]}`}})
	for _, x := range []string{"i want a pizza", "order a large pizza", "can i get a pizza"} {
		s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/order/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {x}})
	}
	b := s.must(t, 201, "POST", "/v1/Assistants/bot/ModelBuilds", nil)
	s.waitBuild(t, "bot", b["sid"].(string))

	q := s.must(t, 201, "POST", "/v1/Assistants/bot/Queries", url.Values{"Language": {"en-US"}, "Query": {"hello"}})
	res := q["results"].(map[string]any)
	if res["task"] != "greet" || q["model_build_sid"] != b["sid"] {
		t.Errorf("query: %v", q)
	}
	s.must(t, 404, "GET", "/v1/Assistants/bot/Queries/"+q["sid"].(string), nil)
	if n := len(s.must(t, 200, "GET", "/v1/Assistants/bot/Queries", nil)["queries"].([]any)); n != 0 {
		t.Errorf("%d queries logged with LogQueries false", n)
	}
	s.must(t, 400, "POST", "/v1/Assistants/bot/Queries", url.Values{"Language": {"en-US"}, "Query": {strings.Repeat("a", 2049)}})
	s.must(t, 400, "POST", "/v1/Assistants/bot/Queries", url.Values{"Language": {"en-US"}, "Query": {"hi"}, "ModelBuild": {"nope"}})

	// A dialogue's payload is served while it is active.
	d := &store.Dialogue{AccountSID: s.acct.SID, AssistantSID: b["assistant_sid"].(string), Channel: "chat", UserID: "alice",
		Status: store.DialogueActive, State: []byte(`{"memory":{"size":"L"},"current_task":"order","current_input":"a pizza","awaiting":"listen","turns":2}`)}
	if err := s.db.SaveDialogue(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	p := s.must(t, 200, "GET", "/v1/Assistants/bot/Dialogues/"+d.SID, nil)
	data := p["data"].(map[string]any)
	if p["sid"] != d.SID || data["current_task"] != "order" || data["user_identifier"] != "alice" ||
		data["memory"].(map[string]any)["size"] != "L" || data["listening"] == nil {
		t.Errorf("dialogue payload %v", p)
	}
	d.Status = store.DialogueEnded
	if err := s.db.SaveDialogue(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	s.must(t, 404, "GET", "/v1/Assistants/bot/Dialogues/"+d.SID, nil)
}

func TestEventWebhooks(t *testing.T) {
	s := newServer(t)
	type call struct {
		method string
		form   url.Values
		valid  bool
	}
	calls := make(chan call, 64)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		full := "http://" + r.Host + r.URL.RequestURI()
		params := r.PostForm
		if r.Method == "GET" {
			full, params = "http://"+r.Host+r.URL.Path+"?"+r.URL.RawQuery, url.Values{}
		}
		calls <- call{r.Method, r.Form, twilio.ValidSignature(s.acct.AuthToken, full, params, r.Header.Get(twilio.SignatureHeader))}
	}))
	defer hook.Close()

	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"ask"},
		"Actions": {`{"actions":[{"collect":{"name":"c","questions":[{"question":"How many?","name":"count","type":"Twilio.NUMBER"}],"on_complete":{"redirect":"task://done"}}}]}`}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"done"}, "Actions": {`{"actions":[{"say":"Thanks"}]}`}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Webhooks", url.Values{"UniqueName": {"all"}, "WebhookUrl": {hook.URL + "/events"},
		"Events": {"ondialoguestart onDialogueEnd onDialogueTaskStart onDialogueTaskEnd onDialogueTurn onCollectAttempt"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Webhooks", url.Values{"UniqueName": {"ends"}, "WebhookUrl": {hook.URL + "/ends"},
		"Events": {"onDialogueEnd"}, "WebhookMethod": {"GET"}})

	turn := func(text string) {
		t.Helper()
		_, err := s.eng.Handle(t.Context(), dialogue.Turn{AccountSID: s.acct.SID, AuthToken: s.acct.AuthToken, Assistant: "bot",
			Channel: "chat", UserID: "alice", Text: text, TargetTask: "ask"})
		if err != nil {
			t.Fatal(err)
		}
	}
	turn("hi")    // starts the dialogue, runs ask: the collect asks
	turn("lots")  // a failed attempt
	turn("three") // answered: on_complete redirects to done, which ends the dialogue
	s.eng.Close() // waits for the calls in flight
	close(calls)
	var got []string
	for c := range calls {
		if !c.valid {
			t.Errorf("%s %s: X-Twilio-Signature does not verify", c.form.Get("Event"), c.method)
		}
		e := c.method + " " + c.form.Get("Event")
		if c.form.Get("Event") == "onCollectAttempt" {
			e += " " + c.form.Get("CollectFieldName") + "=" + c.form.Get("CollectSuccess")
		}
		if c.form.Get("DialogueSid") == "" || c.form.Get("AssistantSid") == "" {
			t.Errorf("%s without the standard parameters: %v", e, c.form)
		}
		got = append(got, e)
	}
	want := []string{
		"POST onDialogueStart", "POST onDialogueTaskStart", "POST onDialogueTaskEnd", "POST onDialogueTurn",
		"POST onCollectAttempt count=false", "POST onDialogueTurn",
		"POST onCollectAttempt count=true", "POST onDialogueTaskStart", "POST onDialogueTaskEnd", "POST onDialogueTurn", "POST onDialogueEnd", "GET onDialogueEnd",
	}
	slices.Sort(got)
	slices.Sort(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("event webhook calls (-want +got):\n%s", d)
	}
}

func TestQuotas(t *testing.T) {
	s := newServer(t)
	mux := http.NewServeMux()
	(&api.Server{Store: s.db, Engine: s.eng, Limits: api.Limits{Assistants: 1, Tasks: 2, Samples: 1, FieldsPerTask: 1, FieldTypes: 1, ValuesPerFieldType: 1}}).Register(mux)
	s.Config.Handler = mux
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{"/v1/Assistants", url.Values{"UniqueName": {"bot2"}}},
		{"/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"t1"}}},
		{"/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"t2"}}},
		{"/v1/Assistants/bot/Tasks/t1/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {"one"}}},
		{"/v1/Assistants/bot/Tasks/t1/Fields", url.Values{"UniqueName": {"f"}, "FieldType": {"Twilio.CITY"}}},
		{"/v1/Assistants/bot/FieldTypes", url.Values{"UniqueName": {"ft"}}},
		{"/v1/Assistants/bot/FieldTypes/ft/FieldValues", url.Values{"Language": {"en-US"}, "Value": {"v"}}},
	} {
		if step.path != "/v1/Assistants" {
			s.must(t, 201, "POST", step.path, step.form)
		}
		// The next one of the same kind is over the limit.
		over := url.Values{}
		for k, v := range step.form {
			over[k] = []string{v[0] + "-more"}
		}
		if step.path == "/v1/Assistants/bot/Tasks" && step.form.Get("UniqueName") == "t1" {
			continue // the limit is 2 tasks
		}
		if m := s.must(t, 400, "POST", step.path, over); !strings.Contains(m["message"].(string), "limit reached") {
			t.Errorf("%s over its limit: %v", step.path, m)
		}
	}
}

func TestDocumentsKeepTheirBytes(t *testing.T) {
	s := newServer(t)
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	doc := `{"actions":[{"say":"<b>Fish & chips</b> \u0026"}]}`
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"t"}, "Actions": {doc}})
	req, _ := http.NewRequestWithContext(t.Context(), "GET", s.URL+"/v1/Assistants/bot/Tasks/t/Actions", nil)
	req.SetBasicAuth(s.acct.SID, s.acct.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"data":`+doc) {
		t.Errorf("actions came back as %s, want the stored %s", body, doc)
	}
}

func TestParseLimit(t *testing.T) {
	var l api.Limits
	for _, s := range []string{"assistants=2", "tasks=3", "samples=4", "fields=5", "field-types=6", "values=7"} {
		if err := l.ParseLimit(s); err != nil {
			t.Fatal(err)
		}
	}
	if want := (api.Limits{Assistants: 2, Tasks: 3, Samples: 4, FieldsPerTask: 5, FieldTypes: 6, ValuesPerFieldType: 7}); l != want {
		t.Errorf("limits %+v, want %+v", l, want)
	}
	for _, bad := range []string{"tasks", "tasks=0", "tasks=x", "nope=3", "=3"} {
		if err := l.ParseLimit(bad); err == nil {
			t.Errorf("ParseLimit(%q) accepted", bad)
		}
	}
}

func TestQueryWithAnOlderModelBuild(t *testing.T) {
	s := newServer(t)
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"greet"}, "Actions": {`{"actions":[{"say":"Hi"}]}`}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"hours"}, "Actions": {`{"actions":[{"say":"9 to 5"}]}`}})
	for task, texts := range map[string][]string{"greet": {"hello", "hi there", "good morning"}, "hours": {"when are you open", "what are your hours", "are you open today"}} {
		for _, x := range texts {
			s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/"+task+"/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {x}})
		}
	}
	v1 := s.must(t, 201, "POST", "/v1/Assistants/bot/ModelBuilds", url.Values{"UniqueName": {"v1"}})
	s.waitBuild(t, "bot", "v1")
	s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"order"}, "Actions": {`{"actions":[{"say":"What size?"}]}`}})
	for _, x := range []string{"i want a pizza", "order a pizza", "can i get a pizza please"} {
		s.must(t, 201, "POST", "/v1/Assistants/bot/Tasks/order/Samples", url.Values{"Language": {"en-US"}, "TaggedText": {x}})
	}
	v2 := s.must(t, 201, "POST", "/v1/Assistants/bot/ModelBuilds", url.Values{"UniqueName": {"v2"}})
	s.waitBuild(t, "bot", "v2")

	q := s.must(t, 201, "POST", "/v1/Assistants/bot/Queries", url.Values{"Language": {"en-US"}, "Query": {"order a pizza"}})
	if q["results"].(map[string]any)["task"] != "order" || q["model_build_sid"] != v2["sid"] {
		t.Errorf("with the newest build: %v", q)
	}
	q = s.must(t, 201, "POST", "/v1/Assistants/bot/Queries", url.Values{"Language": {"en-US"}, "Query": {"order a pizza"}, "ModelBuild": {"v1"}})
	if task := q["results"].(map[string]any)["task"]; task == "order" || q["model_build_sid"] != v1["sid"] {
		t.Errorf("with build v1, which has no order task: task %v, build %v (want %v)", task, q["model_build_sid"], v1["sid"])
	}
	if got := s.must(t, 200, "GET", "/v1/Assistants/bot/Queries/"+q["sid"].(string), nil); got["model_build_sid"] != v1["sid"] {
		t.Errorf("the logged query names build %v, want %v", got["model_build_sid"], v1["sid"])
	}
	l := s.must(t, 200, "GET", "/v1/Assistants/bot/Queries?ModelBuild=v1", nil)
	if n := len(l["queries"].([]any)); n != 1 {
		t.Errorf("%d queries of build v1, want 1", n)
	}
}

// TestDeleteEveryFieldValue does what the Twilio CLI plugin's
// autopilot:delete does: list every value of a field type, synonyms
// included, and delete them one by one. Each delete succeeds.
func TestDeleteEveryFieldValue(t *testing.T) {
	s := newServer(t)
	s.must(t, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	s.must(t, 201, "POST", "/v1/Assistants/bot/FieldTypes", url.Values{"UniqueName": {"sizes"}})
	base := "/v1/Assistants/bot/FieldTypes/sizes/FieldValues"
	s.must(t, 201, "POST", base, url.Values{"Language": {"en-US"}, "Value": {"large"}, "SynonymOf": {""}})
	s.must(t, 201, "POST", base, url.Values{"Language": {"en-US"}, "Value": {"big"}, "SynonymOf": {"large"}})
	s.must(t, 201, "POST", base, url.Values{"Language": {"en-US"}, "Value": {"huge"}, "SynonymOf": {"large"}})
	list := s.must(t, 200, "GET", base, nil)
	values := list["field_values"].([]any)
	if len(values) != 3 {
		t.Fatalf("%d values listed, want 3", len(values))
	}
	for _, v := range values {
		sid := v.(map[string]any)["sid"].(string)
		s.must(t, 204, "DELETE", base+"/"+sid, nil)
	}
	if left := s.must(t, 200, "GET", base, nil)["field_values"].([]any); len(left) != 0 {
		t.Errorf("%d values left, want none", len(left))
	}
}

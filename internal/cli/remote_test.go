package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/api/apitest"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// testServer is a Parley REST API on a fresh store, with one account.
type testServer struct {
	URL     string
	account store.Account
}

// startServer starts the REST API in process. Every list it serves has pages
// of pageSize items whatever the client asks, so that clients must follow
// next_page_url.
func startServer(t *testing.T, pageSize string) *testServer {
	t.Helper()
	s := apitest.Start(t, apitest.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet {
				q := r.URL.Query()
				q.Set("PageSize", pageSize)
				r.URL.RawQuery = q.Encode()
			}
			h.ServeHTTP(w, r)
		})
	}})
	return &testServer{URL: s.URL, account: s.Account}
}

// run runs the parley command with the environment vars (PARLEY_* unset
// unless given) and returns its exit code and output.
func run(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	for _, k := range []string{"PARLEY_SERVER", "PARLEY_ACCOUNT_SID", "PARLEY_AUTH_TOKEN", "PARLEY_DATA"} {
		t.Setenv(k, vars[k])
	}
	var out, errs strings.Builder
	code = Main(t.Context(), args, strings.NewReader(""), &out, &errs)
	return code, out.String(), errs.String()
}

// as returns the environment of commands acting for the server's account.
func (s *testServer) as() map[string]string {
	return map[string]string{"PARLEY_ACCOUNT_SID": s.account.SID, "PARLEY_AUTH_TOKEN": s.account.AuthToken}
}

// schemaFiles returns the assistant schema files of the shared fixtures and
// the examples; the pre-release CLI schemas among them are rejected by
// import, with or without --server, and left out by the caller.
func schemaFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../../../shared/fixtures/autopilot", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "tpl-snippets" { // Actions documents, not assistants
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the shared fixtures must sit beside the repository: %v", err)
	}
	examples, _ := filepath.Glob("../../examples/*.json")
	return append(files, examples...)
}

// uniqueName returns the unique name of the assistant of a schema file, or
// "" when the file has errors.
func uniqueName(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
	if err != nil {
		return ""
	}
	return a.UniqueName
}

// localExport imports files, in order, into a fresh local store and exports
// the assistant name from it; ok is false when the import fails.
func localExport(t *testing.T, vars map[string]string, name string, files ...string) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		if code, _, _ := run(t, vars, "import", "--data", dir, f); code != 0 {
			return "", false
		}
	}
	code, out, stderr := run(t, vars, "export", "--data", dir, name)
	if code != 0 {
		t.Fatalf("local export %s: exit %d: %s", name, code, stderr)
	}
	return out, true
}

var importedLine = regexp.MustCompile(`^imported (\S+) UA[0-9a-f]{32}: \d+ tasks, \d+ samples, \d+ field types\n  model build \S+ UG[0-9a-f]{32}: completed in \d+s\n$`)

// TestRemoteRoundTrip imports every fixture through the REST API, exports
// it back through the API, and compares that with a local import and export
// of the same file. For a few, a second import (the update path) changes
// nothing: every request of the update path reads the whole assistant on
// the server, which makes it too slow with -race to run for all.
func TestRemoteRoundTrip(t *testing.T) {
	srv := startServer(t, "5")
	vars := srv.as()
	reimport := map[string]bool{
		"tpl-hospitality/schema.json":            true, // custom field types used by fields
		"cli-test-assistant/test_assistant.json": true, // synonyms before their canonical values
		"faq-henry/FAQ_Chatbot.json":             true, // a modelBuild name, which the update cannot take again
		"../../examples/pizza.json":              true,
		"../../examples/clinic.json":             true,
	}
	// The REST API refuses what a local import only warns of in Defaults:
	// its clients see no warnings.
	refused := map[string]string{
		"tpl-event-bot/schema.json": `400 90100 Invalid Defaults: defaults.fallback: task "connect_human" does not exist`,
	}
	imported := 0
	for _, f := range schemaFiles(t) {
		name := strings.TrimPrefix(f, "../../../shared/fixtures/autopilot/")
		t.Run(name, func(t *testing.T) {
			un := uniqueName(t, f)
			if un == "" {
				if !strings.Contains(f, "cli-legacy") {
					t.Fatalf("%s does not import locally", f)
				}
				code, _, stderr := run(t, vars, "import", "--server", srv.URL, f)
				if code != 1 || !strings.Contains(stderr, "nothing imported") {
					t.Errorf("import --server of a file that fails locally: exit %d, stderr:\n%s", code, stderr)
				}
				return
			}
			want, ok := localExport(t, vars, un, f)
			if !ok {
				t.Fatalf("%s does not import locally", f)
			}
			if msg, ok := refused[name]; ok {
				code, _, stderr := run(t, vars, "import", "--server", srv.URL, f)
				if code != 1 || !strings.Contains(stderr, msg) {
					t.Errorf("import --server: exit %d, stderr:\n%s\nwant exit 1 and %q", code, stderr, msg)
				}
				imported++
				return
			}
			for i := range 2 { // create, then update
				if i == 1 && !reimport[name] {
					break
				}
				code, out, stderr := run(t, vars, "import", "--server", srv.URL, f)
				if code != 0 {
					t.Fatalf("import %d: exit %d: %s", i, code, stderr)
				}
				if m := importedLine.FindStringSubmatch(out); m == nil || m[1] != un {
					t.Errorf("import %d: stdout:\n%s", i, out)
				}
				code, got, stderr := run(t, vars, "export", "--server", srv.URL, un)
				if code != 0 {
					t.Fatalf("export %d: exit %d: %s", i, code, stderr)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("export --server after import %d differs from the local export (-local +server):\n%s", i, diff)
				}
			}
			imported++
		})
	}
	if imported < 19 {
		t.Errorf("%d schema files imported, want every fixture and example", imported)
	}
}

// TestRemoteUpdate imports a schema, then other versions of it, through the
// API and locally: the exports agree, so tasks, fields, samples, field types
// and values a version drops are gone and none is there twice. They agree
// but for the order of tasks and field types: an update through the API
// keeps their SIDs, and the API has no way to move them, so those created
// by the update (and tasks made anew to clear their actions or actionsUrl)
// come last, where a local import puts them in file order.
func TestRemoteUpdate(t *testing.T) {
	srv := startServer(t, "3")
	vars := srv.as()
	dir := t.TempDir()
	v1 := filepath.Join(dir, "v1.json")
	v2 := filepath.Join(dir, "v2.json")
	write(t, v1, `{
  "uniqueName": "shop", "friendlyName": "Shop", "modelBuild": {"uniqueName": "v1"},
  "styleSheet": {"style_sheet": {"voice": {"say_voice": "Polly.Amy"}}},
  "defaults": {"defaults": {"fallback": "task://fallback"}},
  "fieldTypes": [
    {"uniqueName": "Color", "values": [{"value": "red"}, {"value": "crimson", "synonymOf": "red"}, {"value": "blue"}]},
    {"uniqueName": "Size", "values": [{"value": "small"}, {"value": "large"}]}
  ],
  "tasks": [
    {"uniqueName": "buy", "actions": {"actions": [{"say": "Which <color> & size?"}]},
     "fields": [{"uniqueName": "color", "fieldType": "Color"}, {"uniqueName": "size", "fieldType": "Size"}],
     "samples": [{"taggedText": "a {color} one"}, {"taggedText": "a {size} one"}, {"taggedText": "buy"}]},
    {"uniqueName": "hook", "actions": {"actions": [{"say": "hook"}]}, "samples": [{"taggedText": "hook me"}]},
    {"uniqueName": "lookup", "actionsUrl": "https://example.com/lookup", "samples": [{"taggedText": "look it up"}]},
    {"uniqueName": "fallback", "actions": {"actions": [{"say": "Sorry?"}, {"listen": true}]}},
    {"uniqueName": "gone", "actions": {"actions": [{"say": "bye"}]}, "samples": [{"taggedText": "gone"}]}
  ]
}`)
	write(t, v2, `{
  "uniqueName": "shop", "friendlyName": "Shop 2", "logQueries": false, "modelBuild": {"uniqueName": "v2"},
  "fieldTypes": [
    {"uniqueName": "Color", "values": [{"value": "blue"}, {"value": "navy", "synonymOf": "blue"}, {"value": "green", "language": "es-ES"}]}
  ],
  "tasks": [
    {"uniqueName": "buy", "actions": {"actions": [{"say": "Which color?"}, {"listen": true}]},
     "fields": [{"uniqueName": "color", "fieldType": "Color"}],
     "samples": [{"taggedText": "a {color} one"}, {"taggedText": "buy it"}]},
    {"uniqueName": "hook", "actionsUrl": "https://example.com/hook", "samples": [{"taggedText": "hook me"}]},
    {"uniqueName": "lookup", "actions": {"actions": [{"say": "looked up"}]}, "samples": [{"taggedText": "look it up"}]},
    {"uniqueName": "fallback", "actions": {"actions": [{"say": "Pardon?"}]}},
    {"uniqueName": "new", "actions": {"actions": [{"say": "new"}]}, "samples": [{"taggedText": "something new"}]}
  ]
}`)
	tests := []struct {
		files []string
		// modelBuild is the schema's modelBuild that export --server gives
		// when it is not the local one: the newest build with a name of its
		// own, as the API does not keep the name the file asked for.
		modelBuild string
		// exact is set when the order of tasks and field types agrees too,
		// and the exports must be byte-identical.
		exact bool
	}{
		{files: []string{v1}, exact: true},
		{files: []string{v1, v2}},
		{files: []string{v1, v2, v2}},
		{files: []string{v1, v2, v1}, modelBuild: "v2"}, // v1 is taken: the new build has no name
	}
	for _, tt := range tests {
		t.Run(strings.Join(names(tt.files), "-"), func(t *testing.T) {
			want, ok := localExport(t, vars, "shop", tt.files...)
			if !ok {
				t.Fatal("local import failed")
			}
			for _, f := range tt.files {
				if code, _, stderr := run(t, vars, "import", "--server", srv.URL, f); code != 0 {
					t.Fatalf("import --server %s: exit %d: %s", f, code, stderr)
				}
			}
			// PARLEY_SERVER is the default of --server.
			env := srv.as()
			env["PARLEY_SERVER"] = srv.URL
			code, got, stderr := run(t, env, "export", "shop")
			if code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr)
			}
			if tt.exact {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("export --server differs from the local export (-local +server):\n%s", diff)
				}
			} else if diff := cmp.Diff(sortSchema(t, want, tt.modelBuild), sortSchema(t, got, "")); diff != "" {
				t.Errorf("export --server differs from the local export (-local +server):\n%s", diff)
			}
		})
	}
}

// sortSchema returns the schema file with its tasks and field types sorted
// by unique name, and its modelBuild set to modelBuild unless that is "".
func sortSchema(t *testing.T, schema, modelBuild string) string {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal([]byte(schema), &s); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"tasks", "fieldTypes"} {
		list, _ := s[key].([]any)
		slices.SortFunc(list, func(a, b any) int {
			return strings.Compare(a.(map[string]any)["uniqueName"].(string), b.(map[string]any)["uniqueName"].(string))
		})
	}
	if modelBuild != "" {
		s["modelBuild"] = map[string]any{"uniqueName": modelBuild}
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func names(files []string) []string {
	var out []string
	for _, f := range files {
		out = append(out, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteErrors checks what import and export --server say when they
// cannot work, and that a file with an error imports nothing.
func TestRemoteErrors(t *testing.T) {
	srv := startServer(t, "50")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	write(t, good, `{"uniqueName": "good", "tasks": [{"uniqueName": "hi", "actions": {"actions": [{"say": "hi"}]}, "samples": [{"taggedText": "hi"}]}]}`)
	bad := filepath.Join(dir, "bad.json")
	write(t, bad, `{"uniqueName": "bad", "tasks": [{"uniqueName": "hi", "actions": {"actions": [{"sya": "hi"}]}}]}`)
	badURL := filepath.Join(dir, "badurl.json")
	write(t, badURL, `{"uniqueName": "badurl", "tasks": [{"uniqueName": "hook", "actionsUrl": "ftp://example.com/hook"}]}`)
	wrong := srv.as()
	wrong["PARLEY_AUTH_TOKEN"] = "wrong"
	noToken := srv.as()
	delete(noToken, "PARLEY_AUTH_TOKEN")

	tests := []struct {
		name   string
		vars   map[string]string
		args   []string
		code   int
		stderr string // a regular expression
	}{
		{"bad-schema", srv.as(), []string{"import", "--server", srv.URL, good, bad},
			1, `(?m)bad.json: error: tasks\[0\].actions.actions\[0\]: unknown action "sya".*\n^nothing imported\n$`},
		{"wrong-token", wrong, []string{"import", "--server", srv.URL, good},
			1, `^parley: import \S+good.json: GET /v1/Assistants/good: 401 20003 Authenticate: HTTP Basic auth with your AccountSid and AuthToken is required\n$`},
		{"wrong-token-export", wrong, []string{"export", "--server", srv.URL, "good"},
			1, `^parley: export: assistant good: GET /v1/Assistants/good: 401 20003 Authenticate`},
		{"no-token", noToken, []string{"import", "--server", srv.URL, good},
			1, `^parley: import: --server http://\S+: set PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN`},
		{"no-account", nil, []string{"export", "--server", srv.URL, "good"},
			1, `^parley: export: --server http://\S+: set PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN`},
		{"bad-server", srv.as(), []string{"export", "--server", "localhost:8080", "good"},
			2, `^parley export: usage: --server "localhost:8080": want the server's base URL`},
		{"api-error", srv.as(), []string{"import", "--server", srv.URL, badURL},
			1, `^parley: import \S+badurl.json: POST /v1/Assistants/badurl/Tasks: 400 20422 Invalid parameter ActionsUrl: "ftp://example.com/hook" is not an absolute http or https URL\n$`},
		{"missing", srv.as(), []string{"export", "--server", srv.URL, "nosuch"},
			1, `^parley: export: assistant nosuch: GET /v1/Assistants/nosuch: 404 20404 The requested resource /v1/Assistants/nosuch was not found\n$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.vars, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !regexp.MustCompile(tt.stderr).MatchString(stderr) {
				t.Errorf("stderr:\n%s\nwant it to match:\n%s", stderr, tt.stderr)
			}
			if stdout != "" && tt.name != "api-error" {
				t.Errorf("stdout: %q, want nothing", stdout)
			}
		})
	}

	// Neither the good file beside the bad one nor anything else was
	// imported by the failures above (badurl's assistant was created before
	// its task failed: the API has no transactions).
	var list struct {
		Assistants []struct {
			UniqueName string `json:"unique_name"`
		} `json:"assistants"`
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", srv.URL+"/v1/Assistants", nil)
	req.SetBasicAuth(srv.account.SID, srv.account.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range list.Assistants {
		got = append(got, a.UniqueName)
	}
	if diff := cmp.Diff([]string{"badurl"}, got); diff != "" {
		t.Errorf("assistants on the server (-want +got):\n%s", diff)
	}
}

package assistant_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
)

// fixtureDir is where CI clones shared/ beside the repository.
const fixtureDir = "../../../shared/fixtures/autopilot"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	if _, err := os.Stat(fixtureDir); err != nil {
		t.Fatalf("autopilot fixtures not found at %s (clone shared/ beside the repository): %v", fixtureDir, err)
	}
	data, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// schemaFixtures lists the non-legacy schema files, relative to fixtureDir.
func schemaFixtures(t testing.TB) []string {
	t.Helper()
	readFixture(t, "README.md")
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		rel, _ := filepath.Rel(fixtureDir, f)
		rel = filepath.ToSlash(rel)
		if !strings.HasPrefix(rel, "cli-legacy/") {
			out = append(out, rel)
		}
	}
	if len(out) < 17 {
		t.Fatalf("found only %d schema fixtures in %s", len(out), fixtureDir)
	}
	return out
}

func warnings(ws []assistant.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

func errorStrings(t *testing.T, err error) []string {
	t.Helper()
	errs, ok := errors.AsType[actions.Errors](err)
	if !ok {
		t.Fatalf("error %T is not actions.Errors: %v", err, err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestFixturesImportAndRoundTrip(t *testing.T) {
	for _, name := range schemaFixtures(t) {
		t.Run(name, func(t *testing.T) {
			a, _, err := assistant.ParseSchema(readFixture(t, name), assistant.ImportOptions{})
			if err != nil {
				t.Fatalf("ParseSchema: %v", err)
			}
			out, err := assistant.MarshalSchema(a)
			if err != nil {
				t.Fatalf("MarshalSchema: %v", err)
			}
			back, _, err := assistant.ParseSchema(out, assistant.ImportOptions{})
			if err != nil {
				t.Fatalf("ParseSchema(MarshalSchema): %v", err)
			}
			if diff := cmp.Diff(a, back); diff != "" {
				t.Errorf("round trip (-import +reimport):\n%s", diff)
			}
			out2, err := assistant.MarshalSchema(back)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(out), string(out2)); diff != "" {
				t.Errorf("MarshalSchema is not a fixed point (-first +second):\n%s", diff)
			}
			// Every task's actions, the defaults and the style sheet stay
			// documents the actions package reads.
			for _, task := range a.Tasks {
				if _, err := actions.Parse(task.Actions); err != nil {
					t.Errorf("task %s: stored actions: %v", task.UniqueName, err)
				}
			}
			if _, err := actions.ParseDefaults(a.Defaults); err != nil {
				t.Errorf("stored defaults: %v", err)
			}
			if _, err := actions.ParseStyleSheet(a.StyleSheet); err != nil {
				t.Errorf("stored style sheet: %v", err)
			}
		})
	}
}

func TestFixtureCounts(t *testing.T) {
	tests := []struct {
		file                        string
		unique, friendly            string
		tasks, samples, fieldTypes  int
		modelBuild                  string
		firstTaskSamples, lastField int
	}{
		{"tpl-faqs-internet-plan/schema.json", "", "", 11, 109, 0, "", -1, -1},
		{"faq-henry/FAQ_Chatbot.json", "FAQ_Chatbot", "Henry", 20, 243, 0, "FAQ_Chatbot_20-3-2021_3.04.29pm", -1, -1},
		{"tpl-hospitality/schema.json", "", "", 9, 65, 2, "", -1, -1},
		{"tpl-restaurant-reservations/schema.json", "deep-table-restaurant", "", 5, 21, 0, "", -1, -1},
		{"cli-test-assistant/test_assistant.json", "", "", 9, 33, 2, "", -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, _, err := assistant.ParseSchema(readFixture(t, tt.file), assistant.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, task := range a.Tasks {
				n += len(task.Samples)
			}
			if len(a.Tasks) != tt.tasks || n != tt.samples || len(a.FieldTypes) != tt.fieldTypes {
				t.Errorf("tasks, samples, field types = %d, %d, %d; want %d, %d, %d",
					len(a.Tasks), n, len(a.FieldTypes), tt.tasks, tt.samples, tt.fieldTypes)
			}
			if tt.unique != "" && a.UniqueName != tt.unique {
				t.Errorf("UniqueName = %q, want %q", a.UniqueName, tt.unique)
			}
			if tt.friendly != "" && a.FriendlyName != tt.friendly {
				t.Errorf("FriendlyName = %q, want %q", a.FriendlyName, tt.friendly)
			}
			if tt.modelBuild != "" && a.ModelBuild != tt.modelBuild {
				t.Errorf("ModelBuild = %q, want %q", a.ModelBuild, tt.modelBuild)
			}
			if a.SID != "" || !a.DateCreated.IsZero() {
				t.Errorf("SID %q / DateCreated %v set on import", a.SID, a.DateCreated)
			}
		})
	}
}

func TestFixtureSynonymsCanonicalFirst(t *testing.T) {
	a, _, err := assistant.ParseSchema(readFixture(t, "cli-test-assistant/test_assistant.json"), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ft := a.FieldType("Yes")
	if ft == nil {
		t.Fatal("no field type Yes")
	}
	if ft.Values[0].SynonymOf != "" || ft.Values[0].Value != "Yes" {
		t.Errorf("first value = %+v, want the canonical Yes", ft.Values[0])
	}
	for _, v := range ft.Values[1:] {
		if v.SynonymOf != "Yes" {
			t.Errorf("value %+v is not a synonym of Yes", v)
		}
	}
}

func TestFixtureWarnings(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"tpl-event-bot/schema.json", []string{
			`tasks[3].samples[8]: duplicate sample "internet" (also samples[1]); dropped`,
			`tasks[4].actions.actions[1].show.images[0].url: image url "{INSERT-MAP-URL-TO-PNG-IE-HOSTED-ON-AWS}" is not an http(s) URL (a placeholder?)`,
			`defaults.defaults.fallback: task "connect_human" does not exist`,
		}},
		{"tpl-disneyland-vacation/schema.json", []string{
			`tasks[2].actions.actions[0].collect.on_complete.redirect.uri: empty redirect target (a placeholder?)`,
			`tasks[3].actions.actions[1].handoff.uri: empty handoff uri (a placeholder?)`,
		}},
		{"tpl-appt-scheduling/schema.json", []string{
			`tasks[1].samples[6]: duplicate sample "no thanks" (also samples[0]); dropped`,
			`tasks[3].samples[6]: duplicate sample "hi" (also samples[0]); dropped`,
			`tasks[3].samples[7]: duplicate sample "hello" (also samples[3]); dropped`,
			`tasks[3].samples[9]: duplicate sample "hi there" (also samples[5]); dropped`,
		}},
		{"faq-henry/FAQ_Chatbot.json", []string{
			`tasks[0].samples[7]: duplicate sample "Where does that live?" (also samples[6]); dropped`,
			`tasks[4].samples[7]: duplicate sample "no thanks" (also samples[4]); dropped`,
			`tasks[14].samples[8]: sample "what do you do" is also a sample of task "greeting"`,
		}},
		{"cantina-sample/bot.json", []string{
			`tasks[1].actions.actions[1].handoff.uri: handoff uri "YOUR_TWIML_BIN" is not an http(s) URL (a placeholder?)`,
			`tasks[2].actions.actions[0].collect.on_complete.redirect.uri: redirect target "YOUR_FUNCTION_URI" is not an http(s) URL or task:// URI (a placeholder?)`,
			`tasks[4].samples[15]: duplicate sample "no thanks" (also samples[13]); dropped`,
		}},
		{"tpl-restaurant-reservations/schema.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, ws, err := assistant.ParseSchema(readFixture(t, tt.file), assistant.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, warnings(ws)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

const legacyHeadline = `legacy schema: this is a pre-release (2018-2019) Autopilot CLI schema; Parley imports the released format: "tasks" with "uniqueName", "actions", "fields" and "samples", "fieldTypes", and "defaults" for the fallback and initiation tasks`

func TestLegacyFixtures(t *testing.T) {
	const (
		fallback   = `fallbackActions: legacy schema: "fallbackActions" is a pre-release key; move these actions into a task and set "defaults": {"defaults": {"fallback": "task://<that task>"}}`
		initiation = `initiationActions: legacy schema: "initiationActions" is a pre-release key; move these actions into a task and set "defaults": {"defaults": {"assistant_initiation": "task://<that task>"}}`
		intents    = `intents: legacy schema: "intents" is the pre-release name of "tasks"; rename the key to "tasks"`
		sid        = `assistantSid: legacy schema: "assistantSid" is a pre-release key; remove it (Parley assigns SIDs on import)`
	)
	fetch := func(path string, more int) string {
		s := path + `: legacy schema: "fetch_actions" is the pre-release name of "redirect"; use {"redirect": {"uri": ..., "method": "POST"}}`
		if more > 0 {
			s += " (and " + string(rune('0'+more)) + " more like it)"
		}
		return s
	}
	tests := []struct {
		file string
		want []string // nil: imports
	}{
		{"cli-legacy/sandbox/deep-table-assistant.json", []string{legacyHeadline, fallback, initiation, intents}},
		{"cli-legacy/sandbox/owl-health-assistant.json", []string{legacyHeadline, fallback, initiation, intents}},
		{"cli-legacy/sandbox/sample_assistant.json", []string{legacyHeadline, intents, fallback, initiation}},
		{"cli-legacy/schemas/assistant.json", []string{legacyHeadline, sid,
			`types: legacy schema: "types" is the pre-release name of "fieldTypes"; rename the key to "fieldTypes"`,
			`tasks[0].intentName: legacy schema: "intentName" is the pre-release name of the task's "uniqueName" (and 4 more like it)`,
			`tasks[0].fields[0].fieldName: legacy schema: "fieldName" is the pre-release name of the field's "uniqueName" (and 9 more like it)`,
		}},
		{"cli-legacy/schemas/assistant1.json", []string{legacyHeadline, sid, fallback, initiation, fetch("tasks[1].actions.actions[0]", 2)}},
		{"cli-legacy/schemas/minimal.1.json", []string{legacyHeadline, fallback, initiation}},
		{"cli-legacy/schemas/test_assistant.json", []string{legacyHeadline, fetch("tasks[0].actions.actions[0]", 6)}},
		{"cli-legacy/schemas/minimal.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, ws, err := assistant.ParseSchema(readFixture(t, tt.file), assistant.ImportOptions{})
			if tt.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				want := &assistant.Assistant{UniqueName: "minimal-assistant", FriendlyName: "minimal-assistant", LogQueries: true}
				if diff := cmp.Diff(want, a); diff != "" {
					t.Errorf("assistant (-want +got):\n%s", diff)
				}
				if len(ws) != 0 {
					t.Errorf("warnings: %v", ws)
				}
				return
			}
			if diff := cmp.Diff(tt.want, errorStrings(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapURL(t *testing.T) {
	opts := assistant.ImportOptions{MapURL: []assistant.URLMap{
		{From: "https://faq-henry-1234-dev.twil.io/", To: "http://localhost:3000/"},
	}}
	data := readFixture(t, "faq-henry/FAQ_Chatbot.json")
	// Find the Function URL the fixture uses, so the test does not hard-code it.
	plain, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var fnURL string
	for _, task := range plain.Tasks {
		doc, _ := actions.Parse(task.Actions)
		for _, a := range doc.Actions {
			if r, ok := a.(*actions.Redirect); ok && strings.HasPrefix(r.URI, "https://") {
				fnURL = r.URI
			}
		}
	}
	if fnURL == "" {
		t.Fatal("faq-henry has no Function URL redirect")
	}
	host := fnURL[:strings.Index(fnURL[len("https://"):], "/")+len("https://")+1]
	opts.MapURL[0].From = host
	mapped, _, err := assistant.ParseSchema(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, task := range mapped.Tasks {
		if string(task.Actions) != string(plain.Tasks[i].Actions) {
			got = append(got, task.UniqueName+": "+string(task.Actions))
		}
	}
	want := "http://localhost:3000/" + fnURL[len(host):]
	if len(got) == 0 {
		t.Fatalf("no task changed by %+v", opts.MapURL)
	}
	for _, g := range got {
		if !strings.Contains(g, want) || strings.Contains(g, host) {
			t.Errorf("task not rewritten to %s: %s", want, g)
		}
	}
	// Everything else is unchanged.
	mapped2 := *mapped
	mapped2.Tasks = nil
	plain2 := *plain
	plain2.Tasks = nil
	if diff := cmp.Diff(plain2, mapped2); diff != "" {
		t.Errorf("mapping changed more than task actions (-plain +mapped):\n%s", diff)
	}
}

func TestMapURLEverywhere(t *testing.T) {
	in := `{"uniqueName":"m",
	"defaults":{"defaults":{"assistant_initiation":"task://t","fallback":"https://old.test/fb","collect":{"validate_on_failure":"https://old.test/vf"},"extra":"https://old.test/keep"}},
	"styleSheet":{"style_sheet":{"collect":{"validate":{"max_attempts":{"num_attempts":2,"redirect":"https://old.test/ma"}}}}},
	"tasks":[{"uniqueName":"t","actionsUrl":"https://old.test/actions","actions":{"actions":[
		{"say":"see https://old.test/text"},
		{"play":{"url":"https://old.test/a.mp3"}},
		{"show":{"body":"b","images":[{"url":"https://old.test/i.png"}]}},
		{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"webhook":{"url":"https://old.test/wh"},"max_attempts":{"num_attempts":1,"redirect":{"uri":"https://old.test/mr","method":"POST"}}}}],
			"on_complete":{"redirect":{"uri":"https://old.test/done","method":"POST"}}}},
		{"redirect":"https://old.test/r"},
		{"handoff":{"channel":"voice","uri":"https://old.test/h","wait_url":"https://old.test/w","action":"https://old.test/act","priority":"5"}}]}},
	{"uniqueName":"u","actionsUrl":"https://old.test/u"}]}`
	a, _, err := assistant.ParseSchema([]byte(in), assistant.ImportOptions{MapURL: []assistant.URLMap{{From: "https://old.test/", To: "http://new.test/"}}})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, raw []byte, want string) {
		t.Helper()
		if got := string(raw); got != want {
			t.Errorf("%s =\n%s\nwant\n%s", what, got, want)
		}
	}
	check("defaults", a.Defaults, `{"defaults":{"assistant_initiation":"task://t","fallback":"http://new.test/fb","collect":{"validate_on_failure":"http://new.test/vf"},"extra":"https://old.test/keep"}}`)
	check("style sheet", a.StyleSheet, `{"style_sheet":{"collect":{"validate":{"max_attempts":{"num_attempts":2,"redirect":"http://new.test/ma"}}}}}`)
	check("actions", a.Tasks[0].Actions, `{"actions":[`+
		`{"say":"see https://old.test/text"},`+
		`{"play":{"url":"http://new.test/a.mp3"}},`+
		`{"show":{"body":"b","images":[{"url":"http://new.test/i.png"}]}},`+
		`{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"webhook":{"url":"http://new.test/wh"},"max_attempts":{"num_attempts":1,"redirect":{"uri":"http://new.test/mr","method":"POST"}}}}],`+
		`"on_complete":{"redirect":{"uri":"http://new.test/done","method":"POST"}}}},`+
		`{"redirect":"http://new.test/r"},`+
		`{"handoff":{"channel":"voice","uri":"http://new.test/h","wait_url":"http://new.test/w","action":"http://new.test/act","priority":"5"}}]}`)
	if got, want := a.Tasks[0].ActionsURL, "http://new.test/actions"; got != want {
		t.Errorf("ActionsURL = %q, want %q", got, want)
	}
	if a.Tasks[1].Actions != nil || a.Tasks[1].ActionsURL != "http://new.test/u" {
		t.Errorf("task u = actions %s, url %q; want no actions and the mapped URL", a.Tasks[1].Actions, a.Tasks[1].ActionsURL)
	}
}

func TestParseURLMap(t *testing.T) {
	tests := []struct {
		in      string
		want    assistant.URLMap
		wantErr string
	}{
		{"https://a.twil.io/=http://localhost:3000/", assistant.URLMap{From: "https://a.twil.io/", To: "http://localhost:3000/"}, ""},
		{"https://a.test/x=", assistant.URLMap{From: "https://a.test/x"}, ""},
		{"https://a.test/?q=1=http://b", assistant.URLMap{From: "https://a.test/?q", To: "1=http://b"}, ""},
		{"nothing", assistant.URLMap{}, `map url "nothing": want FROM=TO`},
		{"=http://b", assistant.URLMap{}, `map url "=http://b": want FROM=TO`},
	}
	for _, tt := range tests {
		got, err := assistant.ParseURLMap(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseURLMap(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseURLMap(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseSchemaErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"not-object", `[]`, []string{`must be an object (an Autopilot assistant schema), got array`}},
		{"no-names", `{"tasks":[]}`, []string{`uniqueName: missing (a schema needs a uniqueName or a friendlyName)`}},
		{"types", `{"uniqueName":1,"logQueries":"yes","tasks":{}}`, []string{
			`uniqueName: must be a string, got number`,
			`uniqueName: missing (a schema needs a uniqueName or a friendlyName)`,
			`logQueries: must be a boolean, got string`,
			`tasks: must be an array, got object`}},
		{"task-no-name", `{"uniqueName":"a","tasks":[{"samples":[]}]}`, []string{`tasks[0].uniqueName: missing`}},
		{"duplicate-task", `{"uniqueName":"a","tasks":[{"uniqueName":"t"},{"uniqueName":"T"}]}`,
			[]string{`tasks[1].uniqueName: duplicate task "T" (also tasks[0]; task names are case-insensitive)`}},
		{"bad-actions", `{"uniqueName":"a","tasks":[{"uniqueName":"t","actions":{"actions":[{"sya":"hi"},{"collect":{"name":"c","questions":[{"question":"Q"}],"on_complete":{"redirect":"task://t"}}}]}}]}`,
			[]string{`tasks[0].actions.actions[0]: unknown action "sya" (did you mean "say"?)`,
				`tasks[0].actions.actions[1].collect.questions[0].name: missing`}},
		{"unknown-field-type", `{"uniqueName":"a","tasks":[{"uniqueName":"t","fields":[{"uniqueName":"n","fieldType":"Twilio.NUMBERS"}]}]}`,
			[]string{`tasks[0].fields[0].fieldType: unknown field type "Twilio.NUMBERS": not a built-in Twilio.* type nor in fieldTypes (did you mean "Twilio.NUMBER"?)`}},
		{"unknown-question-type", `{"uniqueName":"a","tasks":[{"uniqueName":"t","actions":{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","type":"Custom.FOOD"}],"on_complete":{"redirect":"task://t"}}}]}}]}`,
			[]string{`tasks[0].actions.actions[0].collect.questions[0].type: unknown field type "Custom.FOOD": not a built-in Twilio.* type nor in fieldTypes`}},
		{"synonym-of-missing", `{"uniqueName":"a","fieldTypes":[{"uniqueName":"dogs","values":[{"value":"yesDogs","synonymOf":null},{"value":"allow dogs","synonymOf":"yesDog"}]}]}`,
			[]string{`fieldTypes[0].values[1].synonymOf: "yesDog" is not a value of "dogs" (did you mean "yesDogs"?)`}},
		{"synonym-of-synonym", `{"uniqueName":"a","fieldTypes":[{"uniqueName":"dogs","values":[{"value":"a","synonymOf":"b"},{"value":"b","synonymOf":"c"},{"value":"c"}]}]}`,
			[]string{`fieldTypes[0].values[0].synonymOf: "b" is itself a synonym; name a canonical value of "dogs"`}},
		{"duplicate-field-type", `{"uniqueName":"a","fieldTypes":[{"uniqueName":"X"},{"uniqueName":"x"}]}`,
			[]string{`fieldTypes[1].uniqueName: duplicate field type "x" (also fieldTypes[0])`}},
		{"builtin-field-type", `{"uniqueName":"a","fieldTypes":[{"uniqueName":"twilio.number"}]}`,
			[]string{`fieldTypes[0].uniqueName: "twilio.number" is a built-in field type; a custom type needs another name`}},
		{"tag-no-field", `{"uniqueName":"a","tasks":[{"uniqueName":"t","fields":[{"uniqueName":"FirstName","fieldType":"Twilio.FIRST_NAME"}],"samples":[{"language":"en-US","taggedText":"{FirstName} {Last Name}"}]}]}`,
			[]string{`tasks[0].samples[0].taggedText: tag {Last Name} names no field of the task`}},
		{"tag-typo", `{"uniqueName":"a","tasks":[{"uniqueName":"t","fields":[{"uniqueName":"date","fieldType":"Twilio.DATE"}],"samples":[{"taggedText":"on {dat}"}]}]}`,
			[]string{`tasks[0].samples[0].taggedText: tag {dat} names no field of the task (did you mean "date"?)`}},
		{"empty-sample", `{"uniqueName":"a","tasks":[{"uniqueName":"t","samples":[{"taggedText":" "}]}]}`,
			[]string{`tasks[0].samples[0].taggedText: must not be empty`}},
		{"bad-defaults", `{"uniqueName":"a","defaults":{"defaults":{"fallback":3}}}`,
			[]string{`defaults.defaults.fallback: must be a string, got number`}},
		{"bad-style-sheet", `{"uniqueName":"a","styleSheet":{"style_sheet":{"voice":{"say_voice":false}}}}`,
			[]string{`styleSheet.style_sheet.voice.say_voice: must be a string, got boolean`}},
		{"duplicate-field", `{"uniqueName":"a","tasks":[{"uniqueName":"t","fields":[{"uniqueName":"f","fieldType":"Twilio.CITY"},{"uniqueName":"f","fieldType":"Twilio.CITY"}]}]}`,
			[]string{`tasks[0].fields[1].uniqueName: duplicate field "f" (also fields[0])`}},
		{"name-limits", `{"uniqueName":"UA0123456789abcdef0123456789abcdef","friendlyName":"` + strings.Repeat("f", 256) + `","modelBuild":{"uniqueName":"v/1"},
			"fieldTypes":[{"uniqueName":"bad\u0007type","values":[{"value":"` + strings.Repeat("v", 256) + `"}]}],
			"tasks":[{"uniqueName":"a/b","fields":[{"uniqueName":"` + strings.Repeat("n", 65) + `","fieldType":"Twilio.CITY"}],
				"samples":[{"taggedText":"` + strings.Repeat("s", 2049) + `"},{"language":"` + strings.Repeat("e", 36) + `","taggedText":"ok"}]}]}`,
			[]string{
				`uniqueName: shaped like a SID (two letters and 32 hex digits)`,
				`friendlyName: longer than 255 characters`,
				`modelBuild.uniqueName: contains '/'`,
				`fieldTypes[0].uniqueName: contains a control character`,
				`tasks[0].uniqueName: contains '/'`,
				`tasks[0].fields[0].uniqueName: longer than 64 characters`,
				`tasks[0].samples[0].taggedText: longer than 2048 characters`,
				`tasks[0].samples[1].language: longer than 35 characters`,
			}},
		{"field-value-limit", `{"uniqueName":"a","fieldTypes":[{"uniqueName":"t","values":[{"value":"` + strings.Repeat("v", 256) + `"}]}]}`,
			[]string{`fieldTypes[0].values[0].value: longer than 255 characters`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, err := assistant.ParseSchema([]byte(tt.in), assistant.ImportOptions{})
			if err == nil {
				t.Fatalf("no error; got %+v", a)
			}
			if diff := cmp.Diff(tt.want, errorStrings(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSchemaSyntaxError(t *testing.T) {
	in := "{\n  \"uniqueName\": \"a\",\n  \"tasks\": [\n    {\"uniqueName\": \"t\",}\n  ]\n}"
	_, _, err := assistant.ParseSchema([]byte(in), assistant.ImportOptions{})
	se, ok := errors.AsType[*actions.SyntaxError](err)
	if !ok {
		t.Fatalf("error %T is not *actions.SyntaxError: %v", err, err)
	}
	if got, want := se.Error(), `4:24: invalid character '}' looking for beginning of object key string`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestParseSchemaWarnings(t *testing.T) {
	in := `{"friendlyName":"My  Bot","extra":1,
	"defaults":{"defaults":{"assistant_initiation":"","fallback":"task://nope","falback":"task://a","collect":{"validate_on_failure":"YOUR_URL"}}},
	"tasks":[
	 {"uniqueName":"a","actions":{"actions":[{"redirect":{"uri":"task://b","method":"POST"}},{"say":"x"}]},"samples":[{"taggedText":"hi"},{"taggedText":"hi"}],"color":"red"},
	 {"uniqueName":"b","actions":{"actions":[{"listen":{"tasks":["a","c"],"voice_digits":{"redirects":{"1":"task://d"}}}}]},"samples":[{"taggedText":"HI"}]},
	 {"uniqueName":"c","actions":{"actions":[{"collect":{"name":"n","questions":[{"question":"Q","name":"q","validate":{"max_attempts":{"num_attempts":1,"redirect":"task://e"}}}],"on_complete":{"redirect":"task://f"}}}]}}
	]}`
	a, ws, err := assistant.ParseSchema([]byte(in), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`unknown key "extra" ignored`,
		`uniqueName: missing; using "My-Bot", made from friendlyName`,
		`defaults.defaults.falback: unknown key: Autopilot's defaults are assistant_initiation, fallback and collect.validate_on_failure`,
		`tasks[0]: unknown key "color" ignored`,
		`tasks[0].actions.actions[1]: unreachable: redirect at actions[0] ends the task, so this say never runs`,
		`tasks[0].samples[1]: duplicate sample "hi" (also samples[0]); dropped`,
		`defaults.defaults.fallback: task "nope" does not exist`,
		`defaults.defaults.collect.validate_on_failure: redirect target "YOUR_URL" is not an http(s) URL or task:// URI (a placeholder?)`,
		`tasks[1].actions.actions[0].listen.voice_digits.redirects.1: task "d" does not exist`,
		`tasks[2].actions.actions[0].collect.questions[0].validate.max_attempts.redirect: task "e" does not exist`,
		`tasks[2].actions.actions[0].collect.on_complete.redirect: task "f" does not exist`,
		`tasks[1].samples[0]: sample "HI" is also a sample of task "a"`,
	}
	if diff := cmp.Diff(want, warnings(ws)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if a.UniqueName != "My-Bot" || a.FriendlyName != "My  Bot" {
		t.Errorf("names = %q, %q", a.UniqueName, a.FriendlyName)
	}
	if n := len(a.Tasks[0].Samples); n != 1 {
		t.Errorf("task a has %d samples, want 1 (duplicate dropped)", n)
	}
}

func TestParseSchemaNormalises(t *testing.T) {
	in := `{"uniqueName":"n","logQueries":false,"defaults":{},"styleSheet":{},
	"fieldTypes":[{"uniqueName":"Custom.X","values":[{"value":"b","synonymOf":"A"},{"value":"A","synonymOf":""},{"language":"en-US","value":"c","synonymOf":null},{"value":"a2","synonymOf":"a"}]}],
	"tasks":[{"uniqueName":"t","fields":[{"uniqueName":"f","fieldType":"twilio.number"},{"uniqueName":"g","fieldType":"custom.x"}],"samples":[{"taggedText":"{f} {g}"}]},
	         {"uniqueName":"u","actionsUrl":"https://x.test/a"}],
	"modelBuild":{"uniqueName":"v1"}}`
	got, ws, err := assistant.ParseSchema([]byte(in), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 0 {
		t.Errorf("warnings: %v", ws)
	}
	want := &assistant.Assistant{
		UniqueName: "n", FriendlyName: "n", ModelBuild: "v1",
		FieldTypes: []assistant.FieldType{{UniqueName: "Custom.X", FriendlyName: "Custom.X", Values: []assistant.FieldValue{
			{Language: "en-US", Value: "A"},
			{Language: "en-US", Value: "c"},
			{Language: "en-US", Value: "b", SynonymOf: "A"},
			{Language: "en-US", Value: "a2", SynonymOf: "A"},
		}}},
		Tasks: []assistant.Task{
			{UniqueName: "t", FriendlyName: "t", Actions: json.RawMessage(`{"actions":[]}`),
				Fields:  []assistant.Field{{UniqueName: "f", FieldType: "Twilio.NUMBER"}, {UniqueName: "g", FieldType: "Custom.X"}},
				Samples: []assistant.Sample{{Language: "en-US", TaggedText: "{f} {g}"}}},
			{UniqueName: "u", FriendlyName: "u", ActionsURL: "https://x.test/a"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseSchema (-want +got):\n%s", diff)
	}
}

func TestMarshalSchema(t *testing.T) {
	a := &assistant.Assistant{
		UniqueName: "pizza-bot", FriendlyName: "Pizza Bot", LogQueries: true,
		Defaults: json.RawMessage(`{"defaults":{"fallback":"task://greeting"}}`),
		FieldTypes: []assistant.FieldType{{UniqueName: "Custom.SIZE", Values: []assistant.FieldValue{
			{Value: "tiny", SynonymOf: "small"}, {Language: "en-US", Value: "small"}}}},
		Tasks: []assistant.Task{
			{UniqueName: "greeting", Actions: json.RawMessage(`{"actions":[{"say":"<b>Hi</b> & welcome"},{"listen":true}]}`),
				Samples: []assistant.Sample{{Language: "en-US", TaggedText: "hello"}}},
			{UniqueName: "dynamic", ActionsURL: "https://x.test/a"},
		},
		ModelBuild: "v1",
	}
	got, err := assistant.MarshalSchema(a)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "friendlyName": "Pizza Bot",
  "uniqueName": "pizza-bot",
  "logQueries": true,
  "defaults": {
    "defaults": {
      "fallback": "task://greeting"
    }
  },
  "styleSheet": {},
  "fieldTypes": [
    {
      "uniqueName": "Custom.SIZE",
      "values": [
        {
          "language": "en-US",
          "value": "small",
          "synonymOf": null
        },
        {
          "language": "en-US",
          "value": "tiny",
          "synonymOf": "small"
        }
      ]
    }
  ],
  "tasks": [
    {
      "uniqueName": "greeting",
      "actions": {
        "actions": [
          {
            "say": "<b>Hi</b> & welcome"
          },
          {
            "listen": true
          }
        ]
      },
      "fields": [],
      "samples": [
        {
          "language": "en-US",
          "taggedText": "hello"
        }
      ]
    },
    {
      "uniqueName": "dynamic",
      "actionsUrl": "https://x.test/a",
      "fields": [],
      "samples": []
    }
  ],
  "modelBuild": {
    "uniqueName": "v1"
  }
}
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("MarshalSchema (-want +got):\n%s", diff)
	}
	bad := &assistant.Assistant{UniqueName: "x", Tasks: []assistant.Task{{UniqueName: "t", Actions: json.RawMessage(`{`)}}}
	if _, err := assistant.MarshalSchema(bad); err == nil {
		t.Error("MarshalSchema accepted invalid actions JSON")
	}
}

func TestNLUThresholdExtension(t *testing.T) {
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "t", "nluThreshold": 0.55, "tasks": []}`), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.NLUThreshold != 0.55 {
		t.Fatalf("NLUThreshold = %v", a.NLUThreshold)
	}
	out, err := assistant.MarshalSchema(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"nluThreshold": 0.55`) {
		t.Errorf("export lacks nluThreshold:\n%s", out)
	}
	for _, bad := range []string{`0`, `1.5`, `"high"`, `-0.1`} {
		if _, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "t", "nluThreshold": `+bad+`, "tasks": []}`), assistant.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "nluThreshold: must be a number above 0") {
			t.Errorf("nluThreshold %s: err = %v", bad, err)
		}
	}
	plain, _, _ := assistant.ParseSchema([]byte(`{"uniqueName": "t", "tasks": []}`), assistant.ImportOptions{})
	if out, _ := assistant.MarshalSchema(plain); strings.Contains(string(out), "nluThreshold") {
		t.Error("an assistant without a threshold exports one")
	}
}

// TestActionsProblems: a task's actions checked against its assistant, as
// import checks them.
func TestActionsProblems(t *testing.T) {
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "x", "tasks": [{"uniqueName": "greet", "actions": {"actions": []}}]}`), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := actions.Parse([]byte(`{"actions": [{"redirect": "task://greet"}, {"collect": {"name": "c", "questions": [{"question": "Q?", "name": "q", "type": "Custom.NOPE"}], "on_complete": {"redirect": "task://gone"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := assistant.ActionsProblems(a, doc)
	want := []assistant.Problem{
		{Path: "actions[1].collect.questions[0].type", Msg: `unknown field type "Custom.NOPE": not a built-in Twilio.* type nor in fieldTypes`},
		{Path: "actions[1].collect.on_complete.redirect", Msg: `task "gone" does not exist`},
	}
	if len(got) != len(want) {
		t.Fatalf("ActionsProblems = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Path != want[i].Path || !strings.HasPrefix(got[i].Msg, want[i].Msg) {
			t.Errorf("problem %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

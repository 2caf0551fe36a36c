package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

const clinic = "../../examples/clinic.json"

func TestEvalAssistantErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dataset := write("data.jsonl", `{"text": "wake me at 7", "intent": "alarm", "split": "train"}`+"\n")
	oneTask := write("one.json", `{"uniqueName": "one", "tasks": [
		{"uniqueName": "hello", "samples": [{"language": "en-US", "taggedText": "hi"}]},
		{"uniqueName": "fallback", "actions": {"actions": [{"say": "sorry"}]}}
	]}`)
	broken := write("broken.json", `{"uniqueName": `)
	noStore := filepath.Join(dir, "nostore")
	store := t.TempDir()
	if code, _, stderr := run(t, nil, "import", "--data", store, clinic); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"one-fold", []string{"--folds", "1", clinic}, 2, "parley eval: usage: --folds 1: want at least 2\n"},
		{"threshold", []string{"--threshold", "0.5", clinic}, 2, "parley eval: usage: --threshold applies to a dataset (FILE.jsonl), not to an assistant\n"},
		{"fold", []string{"--fold", "2", "clinic"}, 2, "parley eval: usage: --fold applies to a dataset (FILE.jsonl), not to an assistant\n"},
		{"oos-train", []string{clinic, "--oos-train", "exclude"}, 2, "parley eval: usage: --oos-train applies to a dataset (FILE.jsonl), not to an assistant\n"},
		{"min-oos-recall", []string{"--min-oos-recall", "0.3", clinic}, 2, "parley eval: usage: --min-oos-recall applies to a dataset (FILE.jsonl), not to an assistant\n"},
		{"folds-on-dataset", []string{"--folds", "3", dataset}, 2, "parley eval: usage: --folds applies to an assistant, not to a dataset\n"},
		{"data-on-dataset", []string{"--data", store, dataset}, 2, "parley eval: usage: --data applies to an assistant, not to a dataset\n"},
		{"two-assistants", []string{clinic, "clinic"}, 2, "parley eval: usage: want one dataset file or assistant, got 2\n"},
		{"missing-schema", []string{"missing.json"}, 1, "parley: eval: open missing.json: no such file or directory\n"},
		{"broken-schema", []string{"--json", broken}, 1, "parley: eval: " + broken + ": 1:15: unexpected end of JSON input\n"},
		{"one-task-with-samples", []string{oneTask}, 1, "parley: eval: " + oneTask + ": want at least 2 tasks with samples to tell apart, got 1\n"},
		{"no-store", []string{"--data", noStore, "clinic"}, 1, `parley: eval: no assistant "clinic": no Parley store in ` + noStore + ": import an assistant first (parley import --data " + noStore + " FILE), or point --data or PARLEY_DATA at the data directory of parley serve, or --db at its PostgreSQL database (or name a schema file ending in .json)\n"},
		{"unknown-name", []string{"--data", store, "clinik"}, 1, `parley: eval: no assistant "clinik" in ` + store + " (name one by SID or unique name, or a schema file ending in .json)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, nil, append([]string{"eval"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr:\n%s\nwant it to contain:\n%s", stderr, tt.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout: %q, want nothing", stdout)
			}
		})
	}
	if _, err := os.Stat(noStore); !os.IsNotExist(err) {
		t.Errorf("eval of an unknown name made %s: %v", noStore, err)
	}
}

// TestEvalSchemaFile evaluates an assistant from its schema file, for a
// person and as JSON; both tell the same story.
func TestEvalSchemaFile(t *testing.T) {
	code, human, stderr := run(t, nil, "eval", clinic)
	if code != 0 || stderr != "" {
		t.Fatalf("eval: exit %d, stderr:\n%s", code, stderr)
	}
	code, out, stderr := run(t, nil, "eval", "--json", "--folds", "3", clinic)
	if code != 0 || stderr != "" {
		t.Fatalf("eval --json: exit %d, stderr:\n%s", code, stderr)
	}
	var r nlueval.AssistantReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("--json printed %d lines, want one object on one line", strings.Count(out, "\n"))
	}
	if r.Assistant != "clinic" || r.Folds != 3 || r.Samples != 24 || len(r.Tasks) != 5 || r.OffTopic.Requests != 200 {
		t.Errorf("report: assistant %q, %d folds, %d samples, %d tasks, %d off-topic requests; want clinic, 3, 24, 5, 200",
			r.Assistant, r.Folds, r.Samples, len(r.Tasks), r.OffTopic.Requests)
	}
	if got := strings.Join(r.TasksWithoutSamples, ","); got != "ask_for_input,booked,fallback" {
		t.Errorf("tasks without samples: %s", got)
	}
	for _, key := range []string{`"macro_recall":`, `"to_other_task":`, `"tasks_without_samples":`, `"confusions":[`, `"misrouted":[`, `"off_topic":{`, `"not_rejected":[`} {
		if !strings.Contains(out, key) {
			t.Errorf("JSON has no %s", key)
		}
	}

	lines := []string{
		`^recall +\d+\.\d% of 24 held-out samples reach their task \(\d+ to another task, \d+ to the fallback\); macro \d+\.\d%$`,
		`^off-topic +\d+\.\d% of 200 everyday requests reach the fallback$`,
		`^assistant +clinic: 5 tasks with samples, 5-fold cross-validation, threshold 0\.01$`,
		`^task +samples +recall +other task +fallback$`,
		`^book +7 +\d+\.\d% +\d+ +\d+$`,
		`^agent +5 +\d+\.\d% +\d+ +\d+$`,
		`^without samples, not reached by understanding \(redirects may reach them\): ask_for_input, booked, fallback$`,
	}
	for _, l := range lines {
		if !regexp.MustCompile(`(?m)` + l).MatchString(human) {
			t.Errorf("human report has no line %s:\n%s", l, human)
		}
	}
	if !strings.HasPrefix(human, "recall ") {
		t.Errorf("human report does not start with the overall recall:\n%s", human)
	}
}

// TestEvalImportedAssistant evaluates an assistant of the store by its
// unique name and by its SID, as export finds it.
func TestEvalImportedAssistant(t *testing.T) {
	dir := t.TempDir()
	code, imported, stderr := run(t, nil, "import", "--data", dir, clinic)
	if code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	sid := regexp.MustCompile(`UA[0-9a-f]{32}`).FindString(imported)
	_, fromFile, _ := run(t, nil, "eval", "--json", clinic)
	for _, name := range []string{"clinic", sid} {
		code, fromStore, stderr := run(t, nil, "eval", "--json", "--data", dir, name)
		if code != 0 || stderr != "" {
			t.Fatalf("eval %s: exit %d, stderr:\n%s", name, code, stderr)
		}
		if fromStore != fromFile {
			t.Errorf("eval %s: the stored assistant's report differs from its schema file's:\n%s\n%s", name, fromStore, fromFile)
		}
	}
}

func TestWriteAssistantReport(t *testing.T) {
	r := &nlueval.AssistantReport{
		Assistant: "small", Folds: 5, Threshold: 0.4,
		Samples: 17, Routed: 12, ToOtherTask: 1, ToFallback: 4, Recall: 12.0 / 17, MacroRecall: 0.6,
		Tasks: []nlueval.TaskRecall{
			{Task: "thanks", Samples: 2, ToFallback: 2},
			{Task: "greet_the_user", Samples: 5, Routed: 4, ToOtherTask: 1, Recall: 0.8},
			{Task: "order", Samples: 10, Routed: 10, Recall: 1},
		},
		TasksWithoutSamples: []string{"help", "fallback"},
		Confusions:          []nlueval.Confusion{{Task: "greet_the_user", To: "bye", Count: 1}},
		Misrouted: []nlueval.Misrouted{
			{Task: "greet_the_user", Sample: "see you later", To: "bye", Confidence: 0.5},
			{Task: "thanks", Sample: "thanks", Fallback: true},
			{Task: "thanks", Sample: "thank you", Fallback: true},
		},
		OffTopic: nlueval.OffTopicReport{Requests: 200, Rejected: 199, Rejection: 0.995,
			NotRejected: []nlueval.OffTopicMiss{{Text: "order a taxi", Task: "order", Confidence: 0.25}}},
	}
	want := `recall     70.6% of 17 held-out samples reach their task (1 to another task, 4 to the fallback); macro 60.0%
off-topic  99.5% of 200 everyday requests reach the fallback
assistant  small: 3 tasks with samples, 5-fold cross-validation, threshold 0.40

task            samples  recall  other task  fallback
thanks                2    0.0%           0         2
greet_the_user        5   80.0%           1         0
order                10  100.0%           0         0

confused: samples of a task that went to another
  greet_the_user  → bye  1

misrouted samples
  task            sample         went to     confidence
  greet_the_user  see you later  bye         0.50
  thanks          thanks         (fallback)  -
  thanks          thank you      (fallback)  -

off-topic requests that reached a task (1 of 200)
  order a taxi  → order  0.25

without samples, not reached by understanding (redirects may reach them): help, fallback
`
	var b strings.Builder
	if err := writeAssistantReport(&b, r); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("writeAssistantReport:\n%s\nwant:\n%s", b.String(), want)
	}

	// Long lists are cut, and say so.
	for range 25 {
		r.Misrouted = append(r.Misrouted, r.Misrouted[0])
	}
	b.Reset()
	if err := writeAssistantReport(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\n  … and 8 more samples (--json lists them all)\n") {
		t.Errorf("28 misrouted samples, 20 shown:\n%s", b.String())
	}
}

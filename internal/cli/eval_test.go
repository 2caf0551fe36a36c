package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

func TestEvalErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const train = `{"text": "wake me at 7", "intent": "alarm", "split": "train"}` + "\n"
	const test = `{"text": "set an alarm", "intent": "alarm", "split": "test"}` + "\n"
	bad := write("bad.jsonl", train+`{"text": "hi", "intent": "a", "split": "dev"}`+"\n")
	broken := write("broken.jsonl", train+test+`{"text": "hi"`)
	noTrain := write("notrain.jsonl", test)
	noTest := write("notest.jsonl", train)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"missing", []string{"missing.jsonl"}, 1, "parley: eval: open missing.jsonl: no such file or directory\n"},
		{"bad-split", []string{bad}, 1, "parley: eval: " + bad + `:2: unknown split "dev" (want train, val or test)` + "\n"},
		{"broken-line", []string{"--json", broken}, 1, "parley: eval: " + broken + ":3: unexpected end of JSON input\n"},
		{"no-train", []string{noTrain}, 1, "parley: eval: " + noTrain + `: no training items (split "train")` + "\n"},
		{"no-test", []string{"--json", noTest}, 1, "parley: eval: " + noTest + `: no test items (split "test")` + "\n"},
		{"no-fold", []string{"--fold", "3", noTest}, 1, "parley: eval: " + noTest + ": no items in fold 3\n"},
		{"no-file", nil, 2, "usage: parley eval [flags] FILE.jsonl | ASSISTANT\n"},
		{"two-files", []string{bad, noTest}, 2, "parley eval: usage: want one dataset file or assistant, got 2\n"},
		{"bad-oos-train", []string{"--oos-train", "drop", bad}, 2, `parley eval: usage: --oos-train "drop": want label or exclude` + "\n"},
		{"bad-min-recall", []string{"--min-oos-recall", "-1", bad}, 2, "parley eval: usage: --min-oos-recall -1: want a number from 0 to 1\n"},
		{"bad-threshold", []string{"--threshold", "2", bad}, 1, `invalid value "2" for flag -threshold: want a number from 0 to 1` + "\n"},
		{"bad-shots", []string{"--shots", "-2", bad}, 2, "parley eval: usage: --shots -2: want a number of items per intent\n"},
		{"bad-seeds", []string{"--shots", "5", "--seeds", "-1", bad}, 2, "parley eval: usage: --seeds -1: want a number of seeds\n"},
		{"missing-encoder", []string{"--encoder", "nosuch.bin", bad}, 1, "parley: eval: --encoder: open nosuch.bin: no such file or directory\n"},
		{"corrupt-encoder", []string{"--encoder", bad, bad}, 1, "parley: eval: --encoder " + bad + ": decode encoder: corrupt file\n"},
		{"seeds-without-shots", []string{"--seeds", "3", bad}, 2, "parley eval: usage: --seeds needs --shots\n"},
		{"shots-no-train", []string{"--shots", "5", noTrain}, 1, "parley: eval: " + noTrain + `: seed 0: no training items (split "train")` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := Main(context.Background(), append([]string{"eval"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr:\n%s\nwant it to contain:\n%s", stderr.String(), tt.stderr)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout: %q, want nothing", stdout.String())
			}
		})
	}
}

func TestWriteReport(t *testing.T) {
	recall := 0.5
	tests := []struct {
		name string
		r    nlueval.Report
		want string
	}{
		{
			name: "clinc-like",
			r: nlueval.Report{
				Dataset: "clinc150_full.jsonl", InScopeAccuracy: 0.93512, OOSRecall: &recall, MacroF1: 0.912345,
				TrainSeconds: 4.216, ClassifyP50US: 85.04, ClassifyP99US: 210.5, ClassifyMeanUS: 90,
				Accuracy: 0.8, Threshold: 0.27, ThresholdSource: nlueval.ThresholdFromVal, ThresholdCriterion: "max in-scope accuracy + oos recall", OOSTraining: nlueval.OOSTrainedAsLabel,
				Items: 23700, TrainItems: 15100, ValItems: 3100, TestItems: 5500, TestInScope: 4500, TestOOS: 1000, Labels: 151,
			},
			want: `dataset            clinc150_full.jsonl
items              23700: train 15100, val 3100, test 5500 (4500 in scope, 1000 out of scope)
labels             151, out-of-scope trained as "oos"
encoder            embedded
in-scope accuracy  93.51%
oos recall         50.00%
macro-F1           0.9123
accuracy           80.00% (all test items, out of scope as a class)
threshold          0.27 (chosen on split=val: max in-scope accuracy + oos recall)
train              4.22 s
classify           p50 85.0 µs, p99 210.5 µs, mean 90.0 µs
`,
		},
		{
			name: "fold-without-oos",
			r: nlueval.Report{
				Dataset: "hwu64_fold1.jsonl", Encoder: "none", Fold: 2, InScopeAccuracy: 0.9, MacroF1: 0.88, Accuracy: 0.9,
				ThresholdSource: nlueval.ThresholdNone, OOSTraining: nlueval.OOSNoneInTrain,
				Items: 11036, TrainItems: 9960, TestItems: 1076, TestInScope: 1076, Labels: 64,
			},
			want: `dataset            hwu64_fold1.jsonl (test fold 2)
items              11036: train 9960, val 0, test 1076 (1076 in scope, 0 out of scope)
labels             64
encoder            none
in-scope accuracy  90.00%
oos recall         n/a (no out-of-scope test items)
macro-F1           0.8800
accuracy           90.00% (all test items, out of scope as a class)
threshold          0.00 (none: no out-of-scope items)
train              0.00 s
classify           p50 0.0 µs, p99 0.0 µs, mean 0.0 µs
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := writeReport(&b, &tt.r); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, b.String()); d != "" {
				t.Errorf("writeReport (-want +got):\n%s", d)
			}
		})
	}
}

// TestTrainingBarOffTerminal checks that no bar is drawn when stderr is not
// a terminal.
func TestTrainingBarOffTerminal(t *testing.T) {
	var stderr strings.Builder
	b := newTrainingBar(&stderr)
	b.progress(1, 10)
	b.progress(10, 10)
	b.finish()
	if stderr.Len() > 0 {
		t.Errorf("stderr: %q, want nothing", stderr.String())
	}
}

func TestEvalShots(t *testing.T) {
	var data strings.Builder
	for _, intent := range []string{"alarm", "weather", "music"} {
		for i := range 8 {
			fmt.Fprintf(&data, `{"text": "%s request number %d", "intent": %q, "split": "train"}`+"\n", intent, i, intent)
		}
	}
	data.WriteString(`{"text": "alarm please", "intent": "alarm", "split": "test"}` + "\n")
	data.WriteString(`{"text": "weather please", "intent": "weather", "split": "test"}` + "\n")
	path := filepath.Join(t.TempDir(), "tiny.jsonl")
	if err := os.WriteFile(path, []byte(data.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var stdout, stderr strings.Builder
		if code := Main(context.Background(), append([]string{"eval"}, args...), strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("eval %v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.String()
	}
	var sr nlueval.SeedsReport
	if err := json.Unmarshal([]byte(run("--json", "--shots", "3", "--seeds", "2", path)), &sr); err != nil {
		t.Fatal(err)
	}
	if sr.Dataset != "tiny.jsonl" || sr.Shots != 3 || len(sr.Runs) != 2 {
		t.Fatalf("report %+v, want tiny.jsonl, 3 shots, 2 runs", sr)
	}
	for i, r := range sr.Runs {
		if r.Seed != uint64(i) || r.TrainItems != 9 || r.Labels != 3 || r.TestItems != 2 {
			t.Errorf("run %d: seed %d, %d train items, %d labels, %d test items; want seed %d, 9, 3, 2", i, r.Seed, r.TrainItems, r.Labels, r.TestItems, i)
		}
	}
	if sr.Encoder != "embedded" || sr.Runs[0].Encoder != "embedded" {
		t.Errorf("encoder %q, run's %q; want embedded", sr.Encoder, sr.Runs[0].Encoder)
	}
	var none nlueval.Report
	if err := json.Unmarshal([]byte(run("--json", "--encoder", "none", path)), &none); err != nil {
		t.Fatal(err)
	}
	if none.Encoder != "none" {
		t.Errorf("--encoder none: report's encoder %q", none.Encoder)
	}
	human := run("--shots", "3", path)
	for _, want := range []string{"few-shot  3 items per intent from split=train, 3 seeds; test 2 items (2 in scope, 0 out of scope)", "\n2             9 ", "\nmean ", "\nstdev "} {
		if !strings.Contains(human, want) {
			t.Errorf("report:\n%s\nwant it to contain %q", human, want)
		}
	}
}

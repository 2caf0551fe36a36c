package console_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/console"
	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

// cells returns the titles of the non-zero cells of a confusion matrix, row
// by row.
func cells(root *xmlNode) []string {
	var out []string
	root.walk(func(n *xmlNode) {
		if n.XMLName.Local == "g" && len(n.Children) > 0 && n.Children[0].XMLName.Local == "title" {
			out = append(out, strings.TrimSpace(n.Children[0].Text))
		}
	})
	return out
}

func confusionReport() *nlueval.AssistantReport {
	return &nlueval.AssistantReport{
		Assistant: "shop", Folds: 5,
		Samples: 19, Routed: 12, ToOtherTask: 4, ToFallback: 3, Recall: 12.0 / 19,
		Tasks: []nlueval.TaskRecall{
			{Task: "a<b&c", Samples: 4, Routed: 1, ToOtherTask: 1, ToFallback: 2, Recall: 0.25},
			{Task: "book", Samples: 10, Routed: 6, ToOtherTask: 3, ToFallback: 1, Recall: 0.6},
			{Task: "cancel", Samples: 5, Routed: 5, Recall: 1},
		},
		Confusions: []nlueval.Confusion{
			{Task: "book", To: "cancel", Count: 2},
			{Task: "a<b&c", To: "book", Count: 1},
			{Task: "book", To: "a<b&c", Count: 1},
		},
	}
}

func TestConfusionSVG(t *testing.T) {
	got := string(console.ConfusionSVG(confusionReport()))
	root := checkSVG(t, got)
	if again := string(console.ConfusionSVG(confusionReport())); again != got {
		t.Error("two drawings of one report differ")
	}
	want := []string{
		"a<b&c → a<b&c: 1 of 4 samples (25%)",
		"a<b&c → book: 1 of 4 samples (25%)",
		"a<b&c → (fallback): 2 of 4 samples (50%)",
		"book → a<b&c: 1 of 10 samples (10%)",
		"book → book: 6 of 10 samples (60%)",
		"book → cancel: 2 of 10 samples (20%)",
		"book → (fallback): 1 of 10 samples (10%)",
		"cancel → cancel: 5 of 5 samples (100%)",
	}
	if diff := cmp.Diff(want, cells(root)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	text := root.text()
	for _, s := range []string{
		"routed to a<b&c", "samples of a<b&c", "routed to (fallback)", "recall", "25%", "60%", "100%",
		"to their task", "elsewhere", "recall 63%", "Most confused: book to cancel (2)",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("the drawing's text lacks %q", s)
		}
	}
	if !strings.Contains(got, "a&lt;b&amp;c") {
		t.Error("the task name a<b&c is not escaped as a&lt;b&amp;c")
	}
	if strings.Contains(text, "routed to (another task)") {
		t.Error(`an "another task" column, though the confusions account for every sample`)
	}
	golden(t, "confusion-handwritten.svg", got)
}

// TestConfusionSVGShortReport draws a report whose confusions do not add up
// to ToOtherTask, and whose confusions name a task without a TaskRecall.
func TestConfusionSVGShortReport(t *testing.T) {
	r := &nlueval.AssistantReport{
		Tasks: []nlueval.TaskRecall{
			{Task: "x", Samples: 6, Routed: 2, ToOtherTask: 4, Recall: 2.0 / 6},
			{Task: "y", Samples: 2, Routed: 2, Recall: 1},
		},
		Confusions: []nlueval.Confusion{{Task: "x", To: "z", Count: 1}, {Task: "x", To: "y", Count: 1}, {Task: "w", To: "x", Count: 7}},
	}
	root := checkSVG(t, string(console.ConfusionSVG(r)))
	want := []string{
		"x → x: 2 of 6 samples (33%)",
		"x → y: 1 of 6 samples (17%)",
		"x → z: 1 of 6 samples (17%)",
		"x → (another task): 2 of 6 samples (33%)",
		"y → y: 2 of 2 samples (100%)",
	}
	if diff := cmp.Diff(want, cells(root)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestConfusionSVGEmpty(t *testing.T) {
	for name, r := range map[string]*nlueval.AssistantReport{"nil": nil, "no-tasks": {Assistant: "x"}} {
		t.Run(name, func(t *testing.T) {
			root := checkSVG(t, string(console.ConfusionSVG(r)))
			if !strings.Contains(root.text(), "No task has samples") {
				t.Error("an empty report's drawing does not say so")
			}
		})
	}
}

// TestConfusionSVGEvaluation draws the evaluation of the pizza example: the
// cells of each row add up to the task's samples.
func TestConfusionSVGEvaluation(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "pizza.json"))
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := nlueval.EvaluateAssistant(a, nlueval.AssistantOptions{OffTopic: []string{"what is the weather"}})
	if err != nil {
		t.Fatal(err)
	}
	root := checkSVG(t, string(console.ConfusionSVG(r)))
	cell := regexp.MustCompile(`^(.+) → (.+): (\d+) of (\d+) samples`)
	sums := map[string]int{}
	for _, c := range cells(root) {
		m := cell.FindStringSubmatch(c)
		if m == nil {
			t.Fatalf("cell title %q", c)
		}
		n, _ := strconv.Atoi(m[3])
		sums[m[1]] += n
	}
	for _, tr := range r.Tasks {
		if sums[tr.Task] != tr.Samples {
			t.Errorf("row %s: cells add up to %d, want its %d samples", tr.Task, sums[tr.Task], tr.Samples)
		}
	}
}

// FuzzConfusionSVG draws reports of arbitrary task names and counts: the
// drawing must be well-formed.
func FuzzConfusionSVG(f *testing.F) {
	f.Add("book", "a<b&c", 10, 6, 3, 2)
	f.Add("", "\xff\x00", 0, 0, 0, 0)
	f.Add("x", "x", -1, 5, -7, 9)
	f.Fuzz(func(t *testing.T, a, b string, samples, routed, toOther, confused int) {
		r := &nlueval.AssistantReport{
			Tasks: []nlueval.TaskRecall{
				{Task: a, Samples: samples, Routed: routed, ToOtherTask: toOther, ToFallback: samples - routed - toOther},
				{Task: b, Samples: 1, Routed: 1},
			},
			Confusions: []nlueval.Confusion{{Task: a, To: b, Count: confused}, {Task: b, To: "elsewhere", Count: confused}},
		}
		checkSVG(t, string(console.ConfusionSVG(r)))
	})
}

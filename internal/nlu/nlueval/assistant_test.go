package nlueval

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/nlu"
)

// smallAssistant has tasks whose samples are routed by exact matching alone:
// its threshold is above any probability, so the classifier never routes
// anything, and the report does not depend on how good it is. A sample
// written twice in a task always has its twin in another fold, so it reaches
// its task; a sample written once reaches the fallback, or the first task
// that has it too.
func smallAssistant() *assistant.Assistant {
	samples := func(texts ...string) []assistant.Sample {
		var out []assistant.Sample
		for _, t := range texts {
			out = append(out, assistant.Sample{Language: "en-US", TaggedText: t})
		}
		return out
	}
	return &assistant.Assistant{
		UniqueName:   "small",
		NLUThreshold: 1.01,
		FieldTypes: []assistant.FieldType{{UniqueName: "size", Values: []assistant.FieldValue{
			{Value: "small"}, {Value: "large"},
		}}},
		Tasks: []assistant.Task{
			{UniqueName: "bye", Samples: samples("bye", "bye", "see you later", "see you later", "goodbye")},
			{UniqueName: "greet", Samples: samples("hello", "hello", "hi", "hi", "see you later")},
			{UniqueName: "help"},
			{
				UniqueName: "order",
				Fields:     []assistant.Field{{UniqueName: "size", FieldType: "size"}},
				Samples:    samples("order a pizza", "order a pizza", "a {size} pizza please", "a {size} pizza please", "pizza time"),
			},
			{UniqueName: "thanks", Samples: samples("thanks", "thank you")},
		},
	}
}

func TestEvaluateAssistant(t *testing.T) {
	a := smallAssistant()
	r, err := EvaluateAssistant(a, AssistantOptions{OffTopic: []string{"what is the weather", "hello", "order a pizza"}})
	if err != nil {
		t.Fatal(err)
	}
	// Folds depend on hashes; blank them in the misrouted samples, and
	// check them on their own.
	for i, m := range r.Misrouted {
		if m.Fold < 1 || m.Fold > r.Folds {
			t.Errorf("misrouted %q: fold %d, want 1..%d", m.Sample, m.Fold, r.Folds)
		}
		r.Misrouted[i].Fold = 0
	}
	want := &AssistantReport{
		Assistant: "small", Folds: DefaultFolds, Threshold: 1.01,
		Samples: 17, Routed: 12, ToOtherTask: 1, ToFallback: 4,
		Recall: 12.0 / 17, MacroRecall: (0.8 + 0.8 + 0.8 + 0) / 4,
		Tasks: []TaskRecall{
			{Task: "thanks", Samples: 2, ToFallback: 2, Recall: 0},
			{Task: "bye", Samples: 5, Routed: 4, ToFallback: 1, Recall: 0.8},
			{Task: "greet", Samples: 5, Routed: 4, ToOtherTask: 1, Recall: 0.8},
			{Task: "order", Samples: 5, Routed: 4, ToFallback: 1, Recall: 0.8},
		},
		TasksWithoutSamples: []string{"help"},
		Confusions:          []Confusion{{Task: "greet", To: "bye", Count: 1}},
		Misrouted: []Misrouted{
			{Task: "bye", Sample: "goodbye", Text: "goodbye", Fallback: true},
			{Task: "greet", Sample: "see you later", Text: "see you later", To: "bye", Confidence: 1},
			{Task: "order", Sample: "pizza time", Text: "pizza time", Fallback: true},
			{Task: "thanks", Sample: "thanks", Text: "thanks", Fallback: true},
			{Task: "thanks", Sample: "thank you", Text: "thank you", Fallback: true},
		},
		OffTopic: OffTopicReport{
			Requests: 3, Rejected: 1, Rejection: 1.0 / 3,
			NotRejected: []OffTopicMiss{{Text: "hello", Task: "greet", Confidence: 1}, {Text: "order a pizza", Task: "order", Confidence: 1}},
		},
	}
	if d := cmp.Diff(want, r, approx); d != "" {
		t.Errorf("EvaluateAssistant (-want +got):\n%s", d)
	}
}

func TestEvaluateAssistantErrors(t *testing.T) {
	one := &assistant.Assistant{Tasks: []assistant.Task{
		{UniqueName: "a", Samples: []assistant.Sample{{TaggedText: "hello"}}},
		{UniqueName: "b"},
	}}
	tests := []struct {
		name string
		a    *assistant.Assistant
		opts AssistantOptions
		want string
	}{
		{"one-task-with-samples", one, AssistantOptions{}, "want at least 2 tasks with samples to tell apart, got 1"},
		{"no-tasks", &assistant.Assistant{}, AssistantOptions{}, "want at least 2 tasks with samples to tell apart, got 0"},
		{"one-fold", smallAssistant(), AssistantOptions{Folds: 1}, "1 folds: want at least 2"},
		{"negative-folds", smallAssistant(), AssistantOptions{Folds: -3}, "-3 folds: want at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EvaluateAssistant(tt.a, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestDealSpreadsEachTask checks that each task's samples are spread over
// the folds as evenly as they can be, small tasks included.
func TestDealSpreadsEachTask(t *testing.T) {
	a := smallAssistant()
	for _, k := range []int{2, 3, 5, 10} {
		held := deal(a, k)
		if len(held) != 17 {
			t.Fatalf("k=%d: %d samples dealt, want 17", k, len(held))
		}
		for ti, task := range a.Tasks {
			count := make([]int, k)
			var order []int
			for _, h := range held {
				if h.task == ti {
					count[h.fold]++
					order = append(order, h.sample)
				}
			}
			if !slices.IsSorted(order) || len(order) != len(task.Samples) {
				t.Errorf("k=%d, %s: samples %v, want each once in order", k, task.UniqueName, order)
			}
			if lo, hi := slices.Min(count), slices.Max(count); hi-lo > 1 {
				t.Errorf("k=%d, %s: samples per fold %v, want them even", k, task.UniqueName, count)
			}
		}
	}
}

func TestEvaluateAssistantProgress(t *testing.T) {
	var mu sync.Mutex
	var calls [][2]int
	_, err := EvaluateAssistant(smallAssistant(), AssistantOptions{Folds: 3, OffTopic: []string{}, Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, [2]int{done, total})
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{1, 4}, {2, 4}, {3, 4}, {4, 4}}
	if d := cmp.Diff(want, calls); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

func TestOffTopic(t *testing.T) {
	reqs := OffTopic()
	if len(reqs) != 200 {
		t.Errorf("%d off-topic requests, want CLINC150's 200 of train and val", len(reqs))
	}
	for _, r := range reqs {
		if r == "" || strings.TrimSpace(r) != r {
			t.Errorf("request %q: want trimmed text", r)
		}
	}
}

// TestEvaluateFixture checks the report on a real bot with the engine's
// real model: its shape, that its numbers are in range and add up, and that
// two runs give the same report.
func TestEvaluateFixture(t *testing.T) {
	if testing.Short() {
		t.Skip("trains six models")
	}
	data, err := os.ReadFile("../../../../shared/fixtures/autopilot/tpl-hospitality/schema.json")
	if err != nil {
		t.Fatalf("the shared fixtures must sit beside the repository: %v", err)
	}
	a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := EvaluateAssistant(a, AssistantOptions{})
	if err != nil {
		t.Fatal(err)
	}

	samples, withSamples := 0, 0
	var without []string
	for _, task := range a.Tasks {
		samples += len(task.Samples)
		if len(task.Samples) > 0 {
			withSamples++
		} else {
			without = append(without, task.UniqueName)
		}
	}
	if r.Assistant != a.UniqueName || r.Folds != DefaultFolds || r.Threshold != nlu.BackgroundThreshold {
		t.Errorf("assistant %q, folds %d, threshold %g", r.Assistant, r.Folds, r.Threshold)
	}
	if r.Samples != samples || r.Routed+r.ToOtherTask+r.ToFallback != r.Samples {
		t.Errorf("samples %d (routed %d, other %d, fallback %d), want %d", r.Samples, r.Routed, r.ToOtherTask, r.ToFallback, samples)
	}
	if len(r.Tasks) != withSamples {
		t.Errorf("%d tasks, want the %d with samples", len(r.Tasks), withSamples)
	}
	if d := cmp.Diff(without, r.TasksWithoutSamples, cmpEmpty); d != "" {
		t.Errorf("tasks without samples (-want +got):\n%s", d)
	}
	inRange := func(name string, f float64) {
		if f < 0 || f > 1 {
			t.Errorf("%s = %g, want 0..1", name, f)
		}
	}
	inRange("recall", r.Recall)
	inRange("macro recall", r.MacroRecall)
	if r.Recall < 0.3 {
		t.Errorf("recall %g: the model routes few of the bot's own samples", r.Recall)
	}
	var sum TaskRecall
	macro := 0.0
	for i, tr := range r.Tasks {
		inRange(tr.Task+" recall", tr.Recall)
		if tr.Routed+tr.ToOtherTask+tr.ToFallback != tr.Samples || len(a.Task(tr.Task).Samples) != tr.Samples {
			t.Errorf("%+v: counts do not add up to the task's samples", tr)
		}
		if i > 0 && r.Tasks[i-1].Recall > tr.Recall {
			t.Errorf("tasks not by increasing recall: %s before %s", r.Tasks[i-1].Task, tr.Task)
		}
		sum.Samples, sum.Routed, sum.ToOtherTask, sum.ToFallback = sum.Samples+tr.Samples, sum.Routed+tr.Routed, sum.ToOtherTask+tr.ToOtherTask, sum.ToFallback+tr.ToFallback
		macro += tr.Recall
	}
	if sum.Samples != r.Samples || sum.Routed != r.Routed || sum.ToOtherTask != r.ToOtherTask || sum.ToFallback != r.ToFallback {
		t.Errorf("tasks sum to %+v, report has %d/%d/%d/%d", sum, r.Samples, r.Routed, r.ToOtherTask, r.ToFallback)
	}
	if d := macro/float64(len(r.Tasks)) - r.MacroRecall; d > 1e-9 || d < -1e-9 {
		t.Errorf("macro recall %g, want the tasks' mean %g", r.MacroRecall, macro/float64(len(r.Tasks)))
	}
	confused := 0
	for i, c := range r.Confusions {
		confused += c.Count
		if c.Task == c.To || c.To == "" || a.Task(c.Task) == nil || a.Task(c.To) == nil {
			t.Errorf("confusion %+v: want two different tasks", c)
		}
		if i > 0 && r.Confusions[i-1].Count < c.Count {
			t.Errorf("confusions not most frequent first: %+v", r.Confusions)
		}
	}
	if confused != r.ToOtherTask {
		t.Errorf("confusions count %d samples, want to_other_task %d", confused, r.ToOtherTask)
	}
	fallback := 0
	for _, m := range r.Misrouted {
		if m.Fallback != (m.To == "") || m.To == m.Task || m.Fold < 1 || m.Fold > r.Folds || m.Confidence < 0 || m.Confidence > 1 {
			t.Errorf("misrouted %+v", m)
		}
		if m.Fallback {
			fallback++
		}
	}
	if len(r.Misrouted) != r.ToOtherTask+r.ToFallback || fallback != r.ToFallback {
		t.Errorf("%d misrouted (%d to the fallback), want %d (%d)", len(r.Misrouted), fallback, r.ToOtherTask+r.ToFallback, r.ToFallback)
	}
	o := r.OffTopic
	if o.Requests != len(OffTopic()) || o.Rejected+len(o.NotRejected) != o.Requests || o.Rejection != float64(o.Rejected)/float64(o.Requests) {
		t.Errorf("off-topic: %d requests, %d rejected (%g), %d not", o.Requests, o.Rejected, o.Rejection, len(o.NotRejected))
	}
	for _, m := range o.NotRejected {
		if a.Task(m.Task) == nil {
			t.Errorf("off-topic %q reached %q, not a task", m.Text, m.Task)
		}
	}

	again, err := EvaluateAssistant(a, AssistantOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r, again); d != "" {
		t.Errorf("a second run differs (-first +second):\n%s", d)
	}
}

var cmpEmpty = cmp.Transformer("nilIsEmpty", func(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
})

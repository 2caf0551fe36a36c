package nlu

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/fields"
)

func sample(text string) assistant.Sample {
	return assistant.Sample{Language: "en-US", TaggedText: text}
}

func testModel(t *testing.T) *Model { return testModelWith(t, ModelOptions{}) }

func testModelWith(t *testing.T, opts ModelOptions) *Model {
	t.Helper()
	a := &assistant.Assistant{
		FieldTypes: []assistant.FieldType{{UniqueName: "Custom.SIZE", Values: []assistant.FieldValue{
			{Value: "small"}, {Value: "large"}, {Value: "family size", SynonymOf: "large"},
		}}},
		Tasks: []assistant.Task{
			{UniqueName: "greeting", Samples: []assistant.Sample{sample("hello"), sample("Hi there!"), sample("what's up")}},
			{UniqueName: "order", Fields: []assistant.Field{
				{UniqueName: "size", FieldType: "Custom.SIZE"}, {UniqueName: "count", FieldType: "Twilio.NUMBER"},
			}, Samples: []assistant.Sample{sample("I want {count} {size} pizzas"), sample("order a {size} pizza"),
				sample("can I order a pizza"), sample("I'd like a pizza"), sample("get me a pizza")}},
			{UniqueName: "book", Fields: []assistant.Field{
				{UniqueName: "date", FieldType: "Twilio.DATE"}, {UniqueName: "time", FieldType: "Twilio.TIME"},
			}, Samples: []assistant.Sample{sample("{date} at {time}"), sample("{Last Name}")}},
			{UniqueName: "other", Samples: []assistant.Sample{sample("hello")}},
		},
	}
	types := func(name string) (fields.Extractor, bool) {
		if name == "Custom.SIZE" {
			return fields.Custom([]fields.Value{{Value: "small"}, {Value: "large"}, {Value: "family size", SynonymOf: "large"}}), true
		}
		return fields.Builtin(name)
	}
	m, err := TrainModel(a, types, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestClassifyWithClassifier routes utterances that no sample matches with
// the trained classifier, and fills fields by type.
func TestClassifyWithClassifier(t *testing.T) {
	m := testModelWith(t, ModelOptions{Classifier: true})
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		text, task string
		fields     []Field
	}{
		{"order a purple pizza", "order", nil},
		{"can I get a large pizza please", "order", []Field{{Name: "size", Value: "large", Type: "Custom.SIZE"}}},
		{"hi there!", "greeting", nil},
	} {
		r := m.Classify(Query{Text: tt.text, Now: now})
		if r.Task != tt.task || r.Confidence <= 0 || r.Confidence > 1 {
			t.Errorf("Classify(%q) = %+v, want task %s", tt.text, r, tt.task)
		}
		if diff := cmp.Diff(tt.fields, r.Fields); diff != "" {
			t.Errorf("Classify(%q) fields (-want +got):\n%s", tt.text, diff)
		}
	}
	// The restriction holds for the classifier too.
	if r := m.Classify(Query{Text: "can I get a large pizza please", Tasks: []string{"greeting", "book"}, Now: now}); r.Task == "order" {
		t.Errorf("restricted Classify = %+v", r)
	}
	// A threshold above any probability sends everything unmatched to the
	// fallback, while exact samples still match.
	strict := testModelWith(t, ModelOptions{Classifier: true, Threshold: 1.01})
	if r := strict.Classify(Query{Text: "order a purple pizza", Now: now}); r.Task != "" {
		t.Errorf("threshold: %+v", r)
	}
	if r := strict.Classify(Query{Text: "hello", Tasks: []string{"greeting"}, Now: now}); r.Task != "greeting" {
		t.Errorf("exact sample under a strict threshold: %+v", r)
	}
}

func TestExpandTags(t *testing.T) {
	a := &assistant.Assistant{FieldTypes: []assistant.FieldType{{UniqueName: "Custom.SIZE", Values: []assistant.FieldValue{{Value: "small"}, {Value: "large"}}}}}
	got := expandTags("a {size} pizza at {time} {Unknown}", map[string]string{"size": "Custom.SIZE", "time": "Twilio.TIME"}, a)
	want := []string{"a small pizza at 7pm Unknown", "a large pizza at noon Unknown", "a small pizza at 8:30 Unknown"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("expandTags (-want +got):\n%s", diff)
	}
	if got := expandTags("no tags", nil, a); !cmp.Equal(got, []string{"no tags"}) {
		t.Errorf("expandTags without tags = %v", got)
	}
}

func TestClassify(t *testing.T) {
	m := testModel(t)
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    Query
		want Result
	}{
		{"exact-normalised", Query{Text: "HI THERE"}, Result{Task: "greeting", Confidence: 1}},
		{"apostrophe", Query{Text: "whats up?"}, Result{Task: "greeting", Confidence: 1}},
		{"two-tasks-tie", Query{Text: "Hello."}, Result{Task: "greeting", Confidence: 0, NextBest: "other"}},
		{"restricted", Query{Text: "hello", Tasks: []string{"other"}}, Result{Task: "other", Confidence: 1}},
		{"restricted-out", Query{Text: "hi there", Tasks: []string{"order"}}, Result{}},
		{"no-match", Query{Text: "what is the weather"}, Result{}},
		{"empty", Query{Text: "  ?! "}, Result{}},
		{"slots", Query{Text: "I want twenty two family size pizzas"}, Result{Task: "order", Confidence: 1, Fields: []Field{
			{Name: "count", Value: "22", Type: "Twilio.NUMBER"}, {Name: "size", Value: "large", Type: "Custom.SIZE"}}}},
		{"slot-wrong-type", Query{Text: "order a purple pizza"}, Result{}},
		{"dates", Query{Text: "tomorrow at 7:30 pm", Now: now}, Result{Task: "book", Confidence: 1, Fields: []Field{
			{Name: "date", Value: "2026-01-06", Type: "Twilio.DATE"}, {Name: "time", Value: "19:30", Type: "Twilio.TIME"}}}},
		{"unknown-tag-literal", Query{Text: "last name"}, Result{Task: "book", Confidence: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.q.Now.IsZero() {
				tt.q.Now = now
			}
			if diff := cmp.Diff(tt.want, m.Classify(tt.q)); diff != "" {
				t.Errorf("Classify(%q) (-want +got):\n%s", tt.q.Text, diff)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	got := tokens("What’s up, José? 7:30pm")
	want := []token{{"whats", 0, 8}, {"up", 9, 11}, {"josé", 13, 18}, {"7", 20, 21}, {"30pm", 22, 26}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(token{})); diff != "" {
		t.Errorf("tokens (-want +got):\n%s", diff)
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"hello", "I want 2 large pizzas", "tomorrow at 7pm", "", "{size}", "’'’"} {
		f.Add(s)
	}
	m := &Model{}
	f.Fuzz(func(t *testing.T, s string) {
		if m.types == nil {
			m = testModel(t)
		}
		r := m.Classify(Query{Text: s, Now: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)})
		if r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("confidence %v out of range", r.Confidence)
		}
		for _, tk := range tokens(s) {
			if tk.start < 0 || tk.end > len(s) || tk.start >= tk.end {
				t.Fatalf("bad token span %v in %q", tk, s)
			}
		}
	})
}

func TestDecide(t *testing.T) {
	bg := backgroundLabel
	tests := []struct {
		name      string
		all       []Scored
		allowed   []string
		threshold float64
		want      string // "" for no task
	}{
		{"task-first", []Scored{{"a", 0.6}, {bg, 0.3}, {"b", 0.1}}, nil, 0.5, "a"},
		// 0.05 / (0.05 + 0.9) = 0.053
		{"background-far-likelier", []Scored{{bg, 0.9}, {"a", 0.05}, {"b", 0.05}}, nil, 0.01, "a"},
		{"background-far-likelier-strict", []Scored{{bg, 0.9}, {"a", 0.05}, {"b", 0.05}}, nil, 0.1, ""},
		// Sorted as Rank sorts: b's share 0.019 / (0.019 + 0.981).
		{"background-overwhelming", []Scored{{bg, 0.98}, {"b", 0.019}, {"a", 0.001}}, nil, 0.01, "b"},
		{"background-overwhelming-a", []Scored{{bg, 0.995}, {"a", 0.004}, {"b", 0.001}}, nil, 0.01, ""},
		// A listen leaving out a: b's share is 0.02 / (0.02 + 0.97 + 0.01).
		{"listen-left-out-counts", []Scored{{"a", 0.97}, {"b", 0.02}, {bg, 0.01}}, []string{"b"}, 0.05, ""},
		{"listen-allowed", []Scored{{"a", 0.5}, {"b", 0.45}, {bg, 0.05}}, []string{"b"}, 0.3, "b"},
		{"no-allowed-task", []Scored{{"a", 0.5}, {bg, 0.5}}, []string{"c"}, 0, ""},
		{"no-background-zero", []Scored{{"a", 0}, {"b", 0}}, nil, 0.01, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ranked, ok := decide(tt.all, tt.allowed, tt.threshold)
			got := ""
			if ok {
				got = ranked[0].Label
			}
			if got != tt.want {
				t.Errorf("decide: %q (ranked %v), want %q", got, ranked, tt.want)
			}
		})
	}
}

func TestContainsPhrase(t *testing.T) {
	ph := phrases(map[string][]string{"front desk": {"agent"}, "thats all": {"goodbye"}, "operator": {"agent", "help"}})
	if diff := cmp.Diff(map[string][][]string{"agent": {{"front", "desk"}, {"operator"}}, "help": {{"operator"}}}, ph); diff != "" {
		t.Errorf("phrases (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"put me through to the front desk", true},
		{"front desk", true},
		{"the desk at the front", false},
		{"get me an operator", true},
		{"operators", false},
	} {
		if got := containsPhrase(words(tt.text), ph["agent"]); got != tt.want {
			t.Errorf("containsPhrase(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestModelTrustsContainedSample: a message below the threshold that
// contains one of the best task's samples word for word goes to it.
func TestModelTrustsContainedSample(t *testing.T) {
	a := &assistant.Assistant{UniqueName: "desk", Tasks: []assistant.Task{
		{UniqueName: "agent", Samples: []assistant.Sample{sample("front desk"), sample("operator")}},
		{UniqueName: "book", Samples: []assistant.Sample{sample("book an appointment"), sample("I need to see a doctor")}},
	}}
	for _, tt := range []struct {
		threshold float64
		text      string
		want      string
	}{
		{0.999, "please put me through to the front desk right now", "agent"},
		{0.999, "please put me through to the desk at the front", ""},
	} {
		m, err := TrainModel(a, Types(a), ModelOptions{Classifier: true, Threshold: tt.threshold})
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Classify(Query{Text: tt.text}).Task; got != tt.want {
			t.Errorf("threshold %g, %q -> %q, want %q", tt.threshold, tt.text, got, tt.want)
		}
	}
}

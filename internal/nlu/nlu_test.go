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

func testModel(t *testing.T) *Model {
	t.Helper()
	a := &assistant.Assistant{
		FieldTypes: []assistant.FieldType{{UniqueName: "Custom.SIZE", Values: []assistant.FieldValue{
			{Value: "small"}, {Value: "large"}, {Value: "family size", SynonymOf: "large"},
		}}},
		Tasks: []assistant.Task{
			{UniqueName: "greeting", Samples: []assistant.Sample{sample("hello"), sample("Hi there!"), sample("what's up")}},
			{UniqueName: "order", Fields: []assistant.Field{
				{UniqueName: "size", FieldType: "Custom.SIZE"}, {UniqueName: "count", FieldType: "Twilio.NUMBER"},
			}, Samples: []assistant.Sample{sample("I want {count} {size} pizzas"), sample("order a {size} pizza")}},
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
	m, err := Train(a, types)
	if err != nil {
		t.Fatal(err)
	}
	return m
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

package nlu

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestModelRoundTrip(t *testing.T) {
	m := testModelWith(t, ModelOptions{Classifier: true})
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	again, err := testModelWith(t, ModelOptions{Classifier: true}).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Error("the same training gave different bytes")
	}
	loaded, err := LoadModel(data, m.types)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	for _, q := range []Query{
		{Text: "hi there", Now: now},
		{Text: "I want twenty two family size pizzas", Now: now},
		{Text: "can I get a large pizza please", Now: now},
		{Text: "tomorrow at 7:30 pm", Now: now},
		{Text: "what is the capital of peru", Now: now},
		{Text: "hello", Tasks: []string{"other"}, Now: now},
	} {
		if diff := cmp.Diff(m.Classify(q), loaded.Classify(q)); diff != "" {
			t.Errorf("Classify(%q) after loading (-trained +loaded):\n%s", q.Text, diff)
		}
	}
	redone, err := loaded.MarshalBinary()
	if err != nil || !bytes.Equal(redone, data) {
		t.Errorf("a loaded model encodes differently (err %v)", err)
	}
}

func TestLoadModelErrors(t *testing.T) {
	if _, err := LoadModel([]byte("not a model"), nil); err == nil {
		t.Error("garbage loaded")
	}
	m := testModelWith(t, ModelOptions{Classifier: true})
	m.clf.w = m.clf.w[:len(m.clf.w)-1]
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(data, m.types); err == nil {
		t.Error("a classifier with weights of the wrong size loaded")
	}
}

func FuzzLoadModel(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x00\x01\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadModel(data, nil)
		if err != nil {
			return
		}
		m.Classify(Query{Text: "hello there"})
	})
}

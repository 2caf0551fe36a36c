package nlu

import (
	"bytes"
	"encoding/json"
	"os"
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
	m.clf.q = m.clf.q[:len(m.clf.q)-1]
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

// TestLoadModelBeforeMaxPooling loads a model file written before the
// classifier read the maximum of word vectors (testdata, written by the code
// of 72aa055 from testModelWith): stored model builds keep working, and
// classify as they did.
func TestLoadModelBeforeMaxPooling(t *testing.T) {
	data, err := os.ReadFile("testdata/model-before-max-pooling.bin")
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, err := os.ReadFile("testdata/model-before-max-pooling.json")
	if err != nil {
		t.Fatal(err)
	}
	var want []Result
	if err := json.Unmarshal(wantJSON, &want); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModel(data, testModelWith(t, ModelOptions{}).types)
	if err != nil {
		t.Fatal(err)
	}
	if m.clf == nil || m.clf.maxWeight != 0 {
		t.Fatalf("loaded classifier: %+v", m.clf)
	}
	// Built before the threshold was a share of the background's
	// probability: it keeps the rule it was built with.
	if !m.legacy || m.phrases != nil {
		t.Errorf("old model: legacy %v, phrases %v; want the old rule, no phrases", m.legacy, m.phrases)
	}
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	var got []Result
	for _, text := range []string{"hi there", "I want twenty two family size pizzas", "can I get a large pizza please", "what is the capital of peru"} {
		got = append(got, m.Classify(Query{Text: text, Now: now}))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("classifications of the old model (-then +now):\n%s", diff)
	}
}

// TestModelSize: the estimate is of the order of the model's encoding, which
// holds the same weights.
func TestModelSize(t *testing.T) {
	m := testModelWith(t, ModelOptions{Classifier: true})
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if size := m.Size(); size < len(b)/2 || size > 4*len(b) {
		t.Errorf("Size() = %d for a model of %d bytes encoded", size, len(b))
	}
}

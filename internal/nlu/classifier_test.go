package nlu

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

var smallExamples = []Example{
	{"hello", "greeting"}, {"hi there", "greeting"}, {"good morning", "greeting"}, {"hey", "greeting"},
	{"bye", "goodbye"}, {"goodbye", "goodbye"}, {"see you later", "goodbye"}, {"that's all thanks", "goodbye"},
	{"book a table", "book"}, {"reserve a table for two", "book"}, {"I want to book dinner", "book"}, {"make a reservation", "book"},
	{"what are your hours", "hours"}, {"when do you open", "hours"}, {"are you open on sunday", "hours"}, {"what time do you close", "hours"},
}

func TestFitAndRank(t *testing.T) {
	c, err := Fit(smallExamples, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"hello there", "greeting"},
		{"reserve dinner for four", "book"},
		{"when do you close", "hours"},
		{"see you", "goodbye"},
		// A word no sample has: "booking" shares n-grams with "book".
		{"booking for tonight", "book"},
	}
	for _, tt := range tests {
		r := c.Rank(tt.text, nil)
		if r[0].Label != tt.want {
			t.Errorf("Rank(%q)[0] = %+v, want %s (all: %v)", tt.text, r[0], tt.want, r)
		}
		var sum float64
		for i, s := range r {
			sum += s.Prob
			if i > 0 && s.Prob > r[i-1].Prob {
				t.Errorf("Rank(%q) not sorted: %v", tt.text, r)
			}
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("Rank(%q) probabilities sum to %v", tt.text, sum)
		}
	}
	r := c.Rank("hello", []string{"book", "hours"})
	if len(r) != 2 || !slices.Contains([]string{"book", "hours"}, r[0].Label) || math.Abs(r[0].Prob+r[1].Prob-1) > 1e-6 {
		t.Errorf("restricted Rank = %v", r)
	}
	if r := c.Rank("", nil); len(r) != 4 {
		t.Errorf("Rank of empty text = %v", r)
	}
}

func TestFitIsDeterministic(t *testing.T) {
	a, err := Fit(smallExamples, TrainOptions{Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Fit(smallExamples, TrainOptions{Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.w, b.w) || !slices.Equal(a.b, b.b) || !slices.Equal(a.labels, b.labels) {
		t.Error("two trainings on the same examples differ")
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit(nil, TrainOptions{}); err == nil {
		t.Error("no examples: no error")
	}
	if _, err := Fit([]Example{{"a", "x"}, {"b", "x"}}, TrainOptions{}); err == nil {
		t.Error("one label: no error")
	}
}

// TestAccuracyFloor keeps the classifier's quality on NLP.js's Corpus 50
// (few-shot: 5 samples per intent) above a floor, so that a regression fails
// CI instead of moving a number in BENCHMARKS.md.
func TestAccuracyFloor(t *testing.T) {
	f, err := os.Open("../../../shared/data/nlu/nlpjs-corpus50/corpus50_en.jsonl")
	if err != nil {
		t.Fatalf("the shared datasets must sit beside the repository: %v", err)
	}
	defer f.Close()
	var train, test []Example
	s := bufio.NewScanner(f)
	for s.Scan() {
		var it struct{ Text, Intent, Split string }
		if err := json.Unmarshal(s.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		switch {
		case it.Split == "train":
			train = append(train, Example{it.Text, it.Intent})
		case it.Split == "test" && it.Intent != "oos":
			test = append(test, Example{it.Text, it.Intent})
		}
	}
	c, err := Fit(train, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for _, e := range test {
		if c.Rank(e.Text, nil)[0].Label == e.Label {
			right++
		}
	}
	acc := float64(right) / float64(len(test))
	t.Logf("Corpus 50: %d test utterances, accuracy %.3f", len(test), acc)
	const floor = 0.94
	if acc < floor {
		t.Errorf("accuracy %.3f is below the floor %.2f", acc, floor)
	}
}

func TestWordVectorsDecode(t *testing.T) {
	v, err := englishVectors()
	if err != nil {
		t.Fatal(err)
	}
	if v.dims != 100 || v.words() < 10000 {
		t.Fatalf("%d words x %d dims", v.words(), v.dims)
	}
	cos := func(a, b string) float64 {
		x, y := make([]float32, v.dims), make([]float32, v.dims)
		if v.mean([]string{a}, x) == 0 || v.mean([]string{b}, y) == 0 {
			t.Fatalf("%q or %q unknown", a, b)
		}
		var s float64
		for d := range x {
			s += float64(x[d] * y[d])
		}
		return s
	}
	if near, far := cos("plane", "flight"), cos("plane", "banana"); near <= far {
		t.Errorf("plane~flight %.2f <= plane~banana %.2f", near, far)
	}
	if _, err := decodeVectors([]byte("PVEC1\nxx")); err == nil {
		t.Error("corrupt table decoded")
	}
}

func FuzzDecodeVectors(f *testing.F) {
	f.Add(vectorsBin[:200])
	f.Add([]byte("PVEC1\n\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x80\x3f\x01a\x05"))
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeVectors(b)
	})
}

func BenchmarkRank(b *testing.B) {
	c, err := Fit(smallExamples, TrainOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.Rank("I would like to reserve a table for tonight", nil)
	}
}

// TestCrossGrams checks the n-grams that span two words against a
// brute-force reading: every 3- to 5-byte window of " w1 w2 ... " with a
// space strictly inside it, once.
func TestCrossGrams(t *testing.T) {
	for _, ws := range [][]string{{"what", "is"}, {"a", "b", "c"}, {"hello"}, {"new", "york", "city"}} {
		s := " " + strings.Join(ws, " ") + " "
		var want []uint64
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(s); i++ {
				if strings.Contains(s[i+1:i+n-1], " ") {
					want = append(want, hashBytes(fnvOffset^seedCross, s[i:i+n]))
				}
			}
		}
		var fb featureBuf
		got := fb.crossGrams(nil, ws)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("crossGrams(%q): %d n-grams, want %d", ws, len(got), len(want))
		}
	}
}

// TestFitStopsWhenContextEnds: training looks at its context as it goes and
// stops with the context's error.
func TestFitStopsWhenContextEnds(t *testing.T) {
	var ex []Example
	for i := range 2000 {
		ex = append(ex, Example{Text: fmt.Sprintf("utterance number %d of label %d", i, i%4), Label: fmt.Sprint(i % 4)})
	}
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fit(ex, TrainOptions{Context: done}); !errors.Is(err, context.Canceled) {
		t.Errorf("done before training: err = %v, want context.Canceled", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err := Fit(ex, TrainOptions{Context: ctx, Progress: func(done, total int) {
		calls++
		if calls == 1 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled while training: err = %v, want context.Canceled", err)
	}
	if calls != 1 {
		t.Errorf("training went on for %d progress reports after the context ended", calls-1)
	}
}

// TestQuantizedWeights: a trained classifier keeps its weights in a byte
// each, a quarter of float32, and ranks as the float32 weights do, with
// probabilities within a hundredth.
func TestQuantizedWeights(t *testing.T) {
	exact, err := Fit(smallExamples, TrainOptions{float32: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Fit(smallExamples, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.w != nil || len(c.q) != len(exact.w) || len(c.scale)*len(c.labels) != len(c.q) {
		t.Fatalf("trained classifier: %d float32 weights, %d quantized, %d scales; want none, %d, %d", len(c.w), len(c.q), len(c.scale), len(exact.w), len(exact.w)/len(c.labels))
	}
	for _, text := range []string{"hello there", "reserve dinner for four", "when do you close", "see you", "booking for tonight", "what is the capital of peru", ""} {
		want, got := exact.Rank(text, nil), c.Rank(text, nil)
		if want[0].Label != got[0].Label {
			t.Errorf("Rank(%q)[0] = %v, float32 weights: %v", text, got[0], want[0])
		}
		for i := range want {
			j := slices.IndexFunc(got, func(s Scored) bool { return s.Label == want[i].Label })
			if math.Abs(got[j].Prob-want[i].Prob) > 0.01 {
				t.Errorf("Rank(%q): P(%s) = %.4f, float32 weights: %.4f", text, want[i].Label, got[j].Prob, want[i].Prob)
			}
		}
	}
	// Each weight is within half a step of its row's scale.
	K := len(c.labels)
	for r, s := range c.scale {
		for k := range K {
			if d := float32(c.q[r*K+k])*s - exact.w[r*K+k]; d > s/2+1e-7 || d < -s/2-1e-7 {
				t.Fatalf("row %d label %d: %v quantized to %v (scale %v)", r, k, exact.w[r*K+k], float32(c.q[r*K+k])*s, s)
			}
		}
	}
}

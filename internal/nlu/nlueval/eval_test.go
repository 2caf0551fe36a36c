package nlueval

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parleyhq/parley/internal/nlu"
)

// fake ranks each text as its table says, and records the texts it ranked.
type fake struct {
	ranks map[string][]nlu.Scored
	calls []string
}

func (f *fake) Rank(text string, _ []string) []nlu.Scored {
	f.calls = append(f.calls, text)
	return f.ranks[text]
}

// trainer returns a TrainFunc that records its examples and returns f.
func trainer(f *fake, got *[]nlu.Example) TrainFunc {
	return func(ex []nlu.Example, _ nlu.TrainOptions) (Ranker, error) {
		*got = ex
		return f, nil
	}
}

func top(label string, p float64) []nlu.Scored {
	return []nlu.Scored{{Label: label, Prob: p}, {Label: "other", Prob: 1 - p}}
}

func ptr(f float64) *float64 { return &f }

var approx = cmpopts.EquateApprox(0, 1e-9)

func TestScore(t *testing.T) {
	tests := []struct {
		name       string
		gold, pred []string
		want       Metrics
	}{
		{
			name: "all-right",
			gold: []string{"a", "a", "b"}, pred: []string{"a", "a", "b"},
			want: Metrics{InScopeAccuracy: 1, MacroF1: 1, Accuracy: 1},
		},
		{
			// a: tp 1, 2 gold, 1 predicted: F1 2/3; b: tp 2, 2 gold, 3 predicted: F1 4/5
			name: "one-confusion",
			gold: []string{"a", "a", "b", "b"}, pred: []string{"a", "b", "b", "b"},
			want: Metrics{InScopeAccuracy: 0.75, MacroF1: (2.0/3 + 4.0/5) / 2, Accuracy: 0.75},
		},
		{
			// an in-scope item predicted oos is wrong; oos is a class of F1
			name: "oos-both-ways",
			gold: []string{"a", "a", OOS, OOS}, pred: []string{"a", OOS, OOS, "a"},
			want: Metrics{InScopeAccuracy: 0.5, OOSRecall: ptr(0.5), MacroF1: 0.5, Accuracy: 0.5},
		},
		{
			// c has no gold item: not a class, but a miss for a
			name: "predicted-label-without-gold",
			gold: []string{"a", "b"}, pred: []string{"c", "b"},
			want: Metrics{InScopeAccuracy: 0.5, MacroF1: 0.5, Accuracy: 0.5},
		},
		{
			// oos predicted for an oos-free dataset is a plain miss
			name: "oos-predicted-none-gold",
			gold: []string{"a", "b", "b"}, pred: []string{"a", OOS, "b"},
			want: Metrics{InScopeAccuracy: 2.0 / 3, MacroF1: (1 + 2.0/3) / 2, Accuracy: 2.0 / 3},
		},
		{
			// oos: tp 1, 2 gold, 1 predicted: F1 2/3
			name: "only-oos",
			gold: []string{OOS, OOS}, pred: []string{OOS, "a"},
			want: Metrics{InScopeAccuracy: 0, OOSRecall: ptr(0.5), MacroF1: 2.0 / 3, Accuracy: 0.5},
		},
		{
			name: "empty",
			want: Metrics{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.gold, tt.pred)
			if d := cmp.Diff(tt.want, got, approx); d != "" {
				t.Errorf("Score(%q, %q) (-want +got):\n%s", tt.gold, tt.pred, d)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ds := func(n int) []time.Duration {
		var s []time.Duration
		for i := n; i >= 1; i-- { // unsorted on purpose
			s = append(s, time.Duration(i))
		}
		return s
	}
	tests := []struct {
		name string
		n, p int
		want time.Duration
	}{
		{"one", 1, 50, 1},
		{"median-even", 4, 50, 2},
		{"median-odd", 5, 50, 3},
		{"p99-of-100", 100, 99, 99},
		{"p99-of-1000", 1000, 99, 990},
		{"p99-of-10", 10, 99, 10},
		{"p100", 7, 100, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(ds(tt.n), tt.p); got != tt.want {
				t.Errorf("percentile(1..%d, %d) = %d, want %d", tt.n, tt.p, got, tt.want)
			}
		})
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v, want 0", got)
	}
}

// A dataset with oos items in train, val and test, for the fake below.
var small = []Item{
	{Text: "wake me at 7", Intent: "alarm", Split: SplitTrain},
	{Text: "what's the weather", Intent: "weather", Split: SplitTrain},
	{Text: "sing a song", Intent: OOS, Split: SplitTrain},
	{Text: "v-alarm", Intent: "alarm", Split: SplitVal},
	{Text: "v-weather", Intent: "weather", Split: SplitVal},
	{Text: "v-oos", Intent: OOS, Split: SplitVal},
	{Text: "t-alarm", Intent: "alarm", Split: SplitTest},
	{Text: "t-weather", Intent: "weather", Split: SplitTest},
	{Text: "t-oos", Intent: OOS, Split: SplitTest},
	{Text: "t-oos-label", Intent: OOS, Split: SplitTest},
}

func smallRanks() *fake {
	return &fake{ranks: map[string][]nlu.Scored{
		// val: in-scope items at 0.9 and 0.6, the oos one at 0.4, so that
		// every threshold in (0.40, 0.60] is best on val: 0.41..0.60, middle 0.50
		"v-alarm":   top("alarm", 0.9),
		"v-weather": top("weather", 0.6),
		"v-oos":     top("alarm", 0.4),
		// test would choose (0.30, 0.45] instead
		"t-alarm":     top("alarm", 0.45),
		"t-weather":   top("weather", 0.95),
		"t-oos":       top("weather", 0.3),
		"t-oos-label": top(OOS, 0.8),
	}}
}

func TestEvaluate(t *testing.T) {
	f := smallRanks()
	var examples []nlu.Example
	r, err := Evaluate(small, Options{Train: trainer(f, &examples)})
	if err != nil {
		t.Fatal(err)
	}
	want := &Report{
		// t-alarm (0.45 < 0.50) becomes oos: wrong; t-weather right;
		// t-oos below the threshold, t-oos-label ranked oos: both right.
		InScopeAccuracy: 0.5,
		OOSRecall:       ptr(1),
		// alarm: tp 0 → 0; weather: 1; oos: tp 2, 2 gold, 3 predicted → 0.8
		MacroF1:            (0 + 1 + 0.8) / 3,
		Accuracy:           0.75,
		Threshold:          0.5,
		ThresholdSource:    ThresholdFromVal,
		ThresholdCriterion: "max in-scope accuracy + oos recall",
		OOSTraining:        OOSTrainedAsLabel,
		Items:              10,
		TrainItems:         3,
		ValItems:           3,
		TestItems:          4,
		TestInScope:        2,
		TestOOS:            2,
		Labels:             3,
	}
	ignore := cmpopts.IgnoreFields(Report{}, "TrainSeconds", "ClassifyP50US", "ClassifyP99US", "ClassifyMeanUS")
	if d := cmp.Diff(want, r, approx, ignore); d != "" {
		t.Errorf("Evaluate (-want +got):\n%s", d)
	}
	wantEx := []nlu.Example{{Text: "wake me at 7", Label: "alarm"}, {Text: "what's the weather", Label: "weather"}, {Text: "sing a song", Label: OOS}}
	if d := cmp.Diff(wantEx, examples); d != "" {
		t.Errorf("trained on (-want +got):\n%s", d)
	}
	if r.TrainSeconds < 0 || r.ClassifyP50US < 0 || r.ClassifyP99US < r.ClassifyP50US {
		t.Errorf("timings: train %v s, p50 %v µs, p99 %v µs", r.TrainSeconds, r.ClassifyP50US, r.ClassifyP99US)
	}
}

// TestThresholdChosenOnValOnly checks that the threshold is the one val
// chooses although test would choose another, and that no test item is
// ranked before it is fixed.
func TestThresholdChosenOnValOnly(t *testing.T) {
	f := smallRanks()
	var gold []string
	var ranked [][]nlu.Scored
	for _, it := range small {
		if it.Split == SplitTest {
			gold, ranked = append(gold, it.Intent), append(ranked, f.ranks[it.Text])
		}
	}
	if onTest := bestThreshold(gold, ranked, 0); onTest == 0.5 {
		t.Fatalf("the test split chooses %v too: the test proves nothing", onTest)
	}
	var examples []nlu.Example
	r, err := Evaluate(small, Options{Train: trainer(f, &examples)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Threshold != 0.5 || r.ThresholdSource != ThresholdFromVal {
		t.Errorf("threshold %v from %s, want 0.5 from val", r.Threshold, r.ThresholdSource)
	}
	// Val first, then test twice: an untimed warm-up pass and the timed one.
	want := []string{"v-alarm", "v-weather", "v-oos",
		"t-alarm", "t-weather", "t-oos", "t-oos-label",
		"t-alarm", "t-weather", "t-oos", "t-oos-label"}
	if d := cmp.Diff(want, f.calls); d != "" {
		t.Errorf("ranked (-want +got):\n%s", d)
	}
}

func TestBestThreshold(t *testing.T) {
	tests := []struct {
		name      string
		gold      []string
		ranked    [][]nlu.Scored
		minRecall float64
		want      float64
	}{
		{"separable", []string{"a", OOS}, [][]nlu.Scored{top("a", 0.8), top("a", 0.2)}, 0, 0.5},
		// best at 0.00..0.20 (all in scope right) and 0.96..1.00 (all oos
		// right): the middle of the first run, 0.10
		{"no-gain", []string{"a", "a", OOS}, [][]nlu.Scored{top("a", 0.2), top("a", 0.9), top("b", 0.95)}, 0, 0.10},
		{"oos-ranked-first", []string{"a", OOS}, [][]nlu.Scored{top("a", 0.3), top(OOS, 0.9)}, 0, 0.15},
		{"empty-ranking-is-oos", []string{"a", OOS}, [][]nlu.Scored{top("a", 1), nil}, 0, 0.5},
		// recall 1/3 above 0.20, 2/3 above 0.40, 1 above 0.60
		{"min-recall-half", []string{"a", OOS, OOS, OOS}, [][]nlu.Scored{top("a", 0.9), top("b", 0.2), top("b", 0.4), top("b", 0.6)}, 0.5, 0.41},
		{"min-recall-reached-at-0", []string{"a", OOS}, [][]nlu.Scored{top("a", 0.9), top(OOS, 0.4)}, 0.5, 0},
		{"min-recall-unreachable", []string{"a", OOS, OOS}, [][]nlu.Scored{top("a", 0.9), top("b", 0.3), nil}, 1.5, 0.31},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bestThreshold(tt.gold, tt.ranked, tt.minRecall); got != tt.want {
				t.Errorf("bestThreshold = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEvaluateOptions(t *testing.T) {
	noVal := func(items []Item) []Item {
		var out []Item
		for _, it := range items {
			if it.Split != SplitVal {
				out = append(out, it)
			}
		}
		return out
	}
	inScope := func(items []Item) []Item {
		var out []Item
		for _, it := range items {
			if it.Intent != OOS {
				out = append(out, it)
			}
		}
		return out
	}
	tests := []struct {
		name          string
		items         []Item
		opts          Options
		threshold     float64
		source        string
		oosTraining   string
		trainExamples int
		oosRecall     *float64
	}{
		{"threshold-option", small, Options{Threshold: ptr(0.35)}, 0.35, ThresholdFromOptions, OOSTrainedAsLabel, 3, ptr(1)},
		{"threshold-option-zero", small, Options{Threshold: ptr(0)}, 0, ThresholdFromOptions, OOSTrainedAsLabel, 3, ptr(0.5)},
		{"no-val-default", noVal(small), Options{}, DefaultThreshold, ThresholdDefault, OOSTrainedAsLabel, 3, ptr(0.5)},
		{"no-val-given-default", noVal(small), Options{DefaultThreshold: 0.7}, 0.7, ThresholdDefault, OOSTrainedAsLabel, 3, ptr(1)},
		{"no-oos-anywhere", inScope(small), Options{}, 0, ThresholdNone, OOSNoneInTrain, 2, nil},
		{"min-oos-recall", small, Options{MinOOSRecall: 1}, 0.41, ThresholdFromVal, OOSTrainedAsLabel, 3, ptr(1)},
		{"exclude-oos", small, Options{ExcludeOOS: true}, 0.5, ThresholdFromVal, OOSExcluded, 2, ptr(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var examples []nlu.Example
			tt.opts.Train = trainer(smallRanks(), &examples)
			r, err := Evaluate(tt.items, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{r.Threshold, r.ThresholdSource, r.OOSTraining, len(examples), r.TrainItems, r.OOSRecall}
			want := []any{tt.threshold, tt.source, tt.oosTraining, tt.trainExamples, tt.trainExamples, tt.oosRecall}
			if d := cmp.Diff(want, got, approx); d != "" {
				t.Errorf("threshold, source, oos training, examples, train items, oos recall (-want +got):\n%s", d)
			}
		})
	}
}

func TestEvaluateFold(t *testing.T) {
	items := []Item{
		{Text: "t-alarm", Intent: "alarm", Split: SplitTest, Fold: 1},
		{Text: "a2", Intent: "alarm", Split: SplitTrain, Fold: 2},
		{Text: "t-weather", Intent: "weather", Split: SplitTrain, Fold: 3},
		{Text: "w1", Intent: "weather", Split: SplitTest, Fold: 1},
	}
	f := smallRanks()
	var examples []nlu.Example
	r, err := Evaluate(items, Options{Train: trainer(f, &examples), Fold: 3})
	if err != nil {
		t.Fatal(err)
	}
	wantEx := []nlu.Example{{Text: "t-alarm", Label: "alarm"}, {Text: "a2", Label: "alarm"}, {Text: "w1", Label: "weather"}}
	if d := cmp.Diff(wantEx, examples); d != "" {
		t.Errorf("fold 3: trained on (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"t-weather", "t-weather"}, f.calls); d != "" { // warm-up and timed
		t.Errorf("fold 3: tested on (-want +got):\n%s", d)
	}
	if r.Fold != 3 || r.TestItems != 1 || r.InScopeAccuracy != 1 {
		t.Errorf("fold %d, %d test items, in-scope accuracy %v; want 3, 1, 1", r.Fold, r.TestItems, r.InScopeAccuracy)
	}
}

func TestEvaluateErrors(t *testing.T) {
	onlyOOSTrain := []Item{
		{Text: "x", Intent: OOS, Split: SplitTrain},
		{Text: "y", Intent: "a", Split: SplitTest},
	}
	tests := []struct {
		name  string
		items []Item
		opts  Options
		want  string
	}{
		{"empty", nil, Options{}, `no training items (split "train")`},
		{"no-train", []Item{{Text: "x", Intent: "a", Split: SplitTest}}, Options{}, `no training items (split "train")`},
		{"no-test", []Item{{Text: "x", Intent: "a", Split: SplitTrain}, {Text: "y", Intent: "a", Split: SplitVal}}, Options{}, `no test items (split "test")`},
		{"no-fold", small, Options{Fold: 2}, "no items in fold 2"},
		{"only-fold", []Item{{Text: "x", Intent: "a", Split: SplitTest, Fold: 1}}, Options{Fold: 1}, "no items in other folds than 1 to train on"},
		{"only-oos-excluded", onlyOOSTrain, Options{ExcludeOOS: true}, "no training items left without the out-of-scope ones"},
		{"train-fails", small, Options{Train: func([]nlu.Example, nlu.TrainOptions) (Ranker, error) {
			return nil, errors.New("no luck")
		}}, "train: no luck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Train == nil {
				tt.opts.Train = trainer(smallRanks(), new([]nlu.Example))
			}
			_, err := Evaluate(tt.items, tt.opts)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Evaluate: error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEvaluateProgress(t *testing.T) {
	var calls int
	opts := Options{
		TrainOptions: nlu.TrainOptions{Progress: func(done, total int) { calls++ }},
		Train: func(ex []nlu.Example, o nlu.TrainOptions) (Ranker, error) {
			for i := range len(ex) {
				o.Progress(i+1, len(ex))
			}
			return smallRanks(), nil
		},
	}
	if _, err := Evaluate(small, opts); err != nil {
		t.Fatal(err)
	}
	if calls != 3 {
		t.Errorf("progress called %d times, want 3", calls)
	}
}

func TestReportJSONKeys(t *testing.T) {
	r, err := Evaluate(small, Options{Train: trainer(smallRanks(), new([]nlu.Example))})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"in_scope_accuracy", "oos_recall", "macro_f1", "train_seconds", "classify_p50_us", "classify_p99_us"} {
		if !strings.Contains(string(b), `"`+k+`":`) {
			t.Errorf("report JSON has no %q: %s", k, b)
		}
	}
	r.OOSRecall = nil
	b, _ = json.Marshal(r)
	if !strings.Contains(string(b), `"oos_recall":null`) {
		t.Errorf("report JSON without oos items: %s, want oos_recall null", b)
	}
}

func TestEvaluateShots(t *testing.T) {
	var items []Item
	for _, intent := range []string{"b", "a", "oos"} {
		for i := range 7 {
			items = append(items, Item{Text: fmt.Sprintf("%s train %d", intent, i), Intent: intent, Split: SplitTrain})
		}
	}
	items = append(items, Item{Text: "x", Intent: "a", Split: SplitTest}, Item{Text: "y", Intent: "b", Split: SplitTest})
	f := &fake{ranks: map[string][]nlu.Scored{"x": top("a", 0.9), "y": top("a", 0.9)}}
	draw := func(seed uint64, exclude bool) []nlu.Example {
		t.Helper()
		var got []nlu.Example
		r, err := Evaluate(items, Options{Train: trainer(f, &got), Shots: 3, Seed: seed, ExcludeOOS: exclude})
		if err != nil {
			t.Fatal(err)
		}
		if r.Shots != 3 || r.Seed != seed || r.TrainItems != len(got) {
			t.Errorf("report shots %d seed %d train items %d, want 3, %d, %d", r.Shots, r.Seed, r.TrainItems, seed, len(got))
		}
		return got
	}
	got := draw(0, false)
	perIntent := map[string]int{}
	for _, e := range got {
		perIntent[e.Label]++
	}
	if diff := cmp.Diff(map[string]int{"a": 3, "b": 3, "oos": 3}, perIntent); diff != "" {
		t.Errorf("examples per intent (-want +got):\n%s", diff)
	}
	// The items keep their order in the file: b's before a's.
	if got[0].Label != "b" || got[len(got)-1].Label != "oos" {
		t.Errorf("examples out of file order: %v", got)
	}
	if diff := cmp.Diff(got, draw(0, false)); diff != "" {
		t.Errorf("seed 0 drew other items the second time (-first +second):\n%s", diff)
	}
	if cmp.Equal(got, draw(1, false)) {
		t.Errorf("seeds 0 and 1 drew the same items: %v", got)
	}
	for _, e := range draw(0, true) {
		if e.Label == OOS {
			t.Errorf("out-of-scope item trained with ExcludeOOS: %v", e)
		}
	}
	// More shots than items: all of them.
	var all []nlu.Example
	if _, err := Evaluate(items, Options{Train: trainer(f, &all), Shots: 50}); err != nil {
		t.Fatal(err)
	}
	if len(all) != 21 {
		t.Errorf("with 50 shots, trained on %d items, want all 21", len(all))
	}
	if _, err := Evaluate(items, Options{Train: trainer(f, &all), Shots: -1}); err == nil {
		t.Error("negative shots: no error")
	}
}

func TestEvaluateSeeds(t *testing.T) {
	var items []Item
	for _, intent := range []string{"a", "b"} {
		for i := range 5 {
			items = append(items, Item{Text: fmt.Sprintf("%s %d", intent, i), Intent: intent, Split: SplitTrain})
		}
	}
	items = append(items, Item{Text: "x", Intent: "a", Split: SplitTest}, Item{Text: "y", Intent: "b", Split: SplitTest})
	// The trainer answers "a" for both test items when its first example is
	// "a 0", else "b": so the accuracy depends on the seed.
	var seen []uint64
	train := func(ex []nlu.Example, _ nlu.TrainOptions) (Ranker, error) {
		label := "b"
		for _, e := range ex {
			if e.Text == "a 0" {
				label = "a"
			}
		}
		return &fake{ranks: map[string][]nlu.Scored{"x": top(label, 1), "y": top(label, 1)}}, nil
	}
	sr, err := EvaluateSeeds(items, Options{Train: train, Shots: 2}, 4, func(r *Report) { seen = append(seen, r.Seed) })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]uint64{0, 1, 2, 3}, seen); diff != "" {
		t.Errorf("seeds run (-want +got):\n%s", diff)
	}
	var sum float64
	for _, r := range sr.Runs {
		if r.InScopeAccuracy != 0.5 {
			t.Errorf("seed %d: in-scope accuracy %g, want 0.5 (one of two right)", r.Seed, r.InScopeAccuracy)
		}
		sum += r.MacroF1
	}
	if sr.Shots != 2 || len(sr.Runs) != 4 || sr.Mean.InScopeAccuracy != 0.5 || sr.Stdev.InScopeAccuracy != 0 || sr.Mean.OOSRecall != nil {
		t.Errorf("summary %+v / %+v, want 4 runs of 2 shots, mean 0.5, stdev 0, no oos recall", sr.Mean, sr.Stdev)
	}
	if !cmp.Equal(sum/4, sr.Mean.MacroF1, approx) {
		t.Errorf("mean macro-F1 %g, want %g", sr.Mean.MacroF1, sum/4)
	}
	if _, err := EvaluateSeeds(items, Options{Train: train}, 3, nil); err == nil {
		t.Error("no shots: no error")
	}
	if _, err := EvaluateSeeds(items, Options{Train: train, Shots: 1}, 0, nil); err == nil {
		t.Error("0 seeds: no error")
	}
}

func TestSeedsStdev(t *testing.T) {
	var items []Item
	for _, intent := range []string{"a", "b"} {
		for i := range 6 {
			items = append(items, Item{Text: fmt.Sprintf("%s %d", intent, i), Intent: intent, Split: SplitTrain})
		}
	}
	items = append(items, Item{Text: "x", Intent: "a", Split: SplitTest})
	// Right only when the draw holds "a 0".
	train := func(ex []nlu.Example, _ nlu.TrainOptions) (Ranker, error) {
		label := "b"
		for _, e := range ex {
			if e.Text == "a 0" {
				label = "a"
			}
		}
		return &fake{ranks: map[string][]nlu.Scored{"x": top(label, 1)}}, nil
	}
	sr, err := EvaluateSeeds(items, Options{Train: train, Shots: 1}, 12, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, r := range sr.Runs {
		n += r.InScopeAccuracy
	}
	p := n / 12
	if p == 0 || p == 1 {
		t.Fatalf("every one of 12 seeds drew the same: accuracy %g", p)
	}
	if !cmp.Equal(p, sr.Mean.InScopeAccuracy, approx) || !cmp.Equal(math.Sqrt(p*(1-p)), sr.Stdev.InScopeAccuracy, approx) {
		t.Errorf("mean %g stdev %g, want %g and %g", sr.Mean.InScopeAccuracy, sr.Stdev.InScopeAccuracy, p, math.Sqrt(p*(1-p)))
	}
}

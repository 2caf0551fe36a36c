package nlu

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
)

// BenchmarkFixtureRouting measures an assistant's model (samples matched
// exactly, then the classifier trained with the background of everyday
// requests, at the default threshold, BackgroundThreshold) on the real bots
// of the shared fixtures and on the examples:
//
//   - inscope: leave-one-out over the bot's own samples (expanded tags): the
//     share of held-out samples routed to their task, as a paraphrase no
//     sample matches would be (a held-out sample that another sample
//     repeats is matched exactly, as in the engine);
//   - oos: the share of CLINC150's out-of-scope train and val utterances
//     (questions no bot here answers) sent to the fallback.
//
// Run: go test -run '^$' -bench FixtureRouting -benchtime 1x ./internal/nlu
func BenchmarkFixtureRouting(b *testing.B) {
	probes := outOfScopeProbes(b)
	for _, bot := range routingBots(b) {
		b.Run(bot.name, func(b *testing.B) {
			for b.Loop() {
				r := routeBot(b, bot.examples, probes, []float64{BackgroundThreshold})[0]
				b.ReportMetric(float64(r.tasks), "tasks")
				b.ReportMetric(BackgroundThreshold, "threshold")
				b.ReportMetric(r.inScope, "inscope")
				b.ReportMetric(r.oos, "oos")
			}
		})
	}
}

// BenchmarkFixtureRoutingCurve measures the same at several thresholds and
// reports the means over the bots: the trade-off between routing
// paraphrases and sending off-topic messages to the fallback.
//
// Run: go test -run '^$' -bench FixtureRoutingCurve -benchtime 1x ./internal/nlu
func BenchmarkFixtureRoutingCurve(b *testing.B) {
	probes := outOfScopeProbes(b)
	bots := routingBots(b)
	thresholds := []float64{0.5, 0.3, 0.1, 0.05, 0.02, 0.01, 0.005, 0}
	for b.Loop() {
		sum := make([]routing, len(thresholds))
		for _, bot := range bots {
			for i, r := range routeBot(b, bot.examples, probes, thresholds) {
				sum[i].inScope += r.inScope / float64(len(bots))
				sum[i].oos += r.oos / float64(len(bots))
			}
		}
		for i, th := range thresholds {
			b.ReportMetric(sum[i].inScope, fmt.Sprintf("inscope@%g", th))
			b.ReportMetric(sum[i].oos, fmt.Sprintf("oos@%g", th))
		}
	}
}

// A routingBot is a bot's name and its samples, tags expanded.
type routingBot struct {
	name     string
	examples []Example
}

// routingBots reads the fixture bots (all but the legacy CLI schemas) and
// the examples that have samples in two tasks or more.
func routingBots(tb testing.TB) []routingBot {
	files, _ := filepath.Glob("../../../shared/fixtures/autopilot/*/*.json")
	files = append(files, "../../examples/clinic.json", "../../examples/pizza.json")
	var bots []routingBot
	for _, file := range files {
		if strings.Contains(file, "cli-legacy") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
		if err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		var ex []Example
		tasks := 0
		for _, t := range a.Tasks {
			ft := map[string]string{}
			for _, fl := range t.Fields {
				ft[fl.UniqueName] = fl.FieldType
			}
			if len(t.Samples) > 0 {
				tasks++
			}
			for _, sm := range t.Samples {
				for _, x := range expandTags(sm.TaggedText, ft, a) {
					ex = append(ex, Example{x, t.UniqueName})
				}
			}
		}
		if tasks < 2 {
			continue
		}
		name := filepath.Base(filepath.Dir(file)) + "/" + strings.TrimSuffix(filepath.Base(file), ".json")
		bots = append(bots, routingBot{name, ex})
	}
	return bots
}

// outOfScopeProbes returns CLINC150's out-of-scope train and val utterances.
func outOfScopeProbes(tb testing.TB) []string {
	f, err := os.Open("../../../shared/data/nlu/clinc150/clinc150_full.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var probes []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		var it struct{ Text, Intent, Split string }
		if err := json.Unmarshal(s.Bytes(), &it); err != nil {
			tb.Fatal(err)
		}
		if it.Intent == "oos" && it.Split != "test" {
			probes = append(probes, it.Text)
		}
	}
	return probes
}

type routing struct {
	tasks        int
	inScope, oos float64
}

// routeBot measures one bot at each of thresholds.
func routeBot(tb testing.TB, ex []Example, probes []string, thresholds []float64) []routing {
	out := make([]routing, len(thresholds))
	full, err := exampleModel(ex)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for i := range ex {
		m, err := exampleModel(slices.Concat(ex[:i], ex[i+1:]))
		if err != nil {
			continue // one task left
		}
		n++
		for k, th := range thresholds {
			m.threshold = th
			if m.Classify(Query{Text: ex[i].Text}).Task == ex[i].Label {
				out[k].inScope++
			}
		}
	}
	for k, th := range thresholds {
		full.threshold = th
		for _, q := range probes {
			if full.Classify(Query{Text: q}).Task == "" {
				out[k].oos++
			}
		}
		out[k].inScope /= float64(max(n, 1))
		out[k].oos /= float64(len(probes))
		for _, l := range full.clf.Labels() {
			if l != backgroundLabel {
				out[k].tasks++
			}
		}
	}
	return out
}

// exampleModel is the model TrainModel builds from samples without tags:
// the exact matcher and the classifier with the background.
func exampleModel(ex []Example) (*Model, error) {
	m := &Model{exact: map[string][]string{}, fields: map[string][]taskField{}}
	for _, e := range ex {
		key := strings.Join(words(e.Text), " ")
		if key != "" && !slices.Contains(m.exact[key], e.Label) {
			m.exact[key] = append(m.exact[key], e.Label)
		}
	}
	m.phrases = phrases(m.exact)
	clf, err := fitWithBackground(ex, TrainOptions{})
	if err != nil {
		return nil, err
	}
	m.clf = clf
	return m, nil
}

// BenchmarkTrainModelFixture measures a model build of a fixture bot of
// about a hundred samples (tpl-faqs-internet-plan: 9 tasks, 109 samples),
// as the engine trains it, and the memory one such model holds beyond what
// all models share (the word vectors and the encoder).
//
// Run: go test -run '^$' -bench TrainModelFixture ./internal/nlu
func BenchmarkTrainModelFixture(b *testing.B) {
	data, err := os.ReadFile("../../../shared/fixtures/autopilot/tpl-faqs-internet-plan/schema.json")
	if err != nil {
		b.Fatal(err)
	}
	a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts TrainOptions
	}{{"encoder", TrainOptions{}}, {"no-encoder", TrainOptions{NoEncoder: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			train := func() *Model {
				m, err := TrainModel(a, Types(a), ModelOptions{Classifier: true, Train: bc.opts})
				if err != nil {
					b.Fatal(err)
				}
				return m
			}
			train() // the shared tables, decoded once
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			keep := make([]*Model, 10)
			for i := range keep {
				keep[i] = train()
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			perModel := float64(after.HeapAlloc-before.HeapAlloc) / float64(len(keep))
			runtime.KeepAlive(keep)
			for b.Loop() {
				train()
			}
			b.ReportMetric(perModel, "heap-B/model")
		})
	}
}

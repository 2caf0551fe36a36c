package nlu

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
)

// BenchmarkFixtureRouting measures an assistant's classifier (trained with
// the background of everyday requests) on the real bots of the shared
// fixtures, at the default threshold (BackgroundThreshold):
//
//   - inscope: leave-one-out over the bot's own samples (expanded tags): the
//     share of held-out samples routed to their task, as a paraphrase no
//     sample matches would be;
//   - oos: the share of CLINC150's out-of-scope train and val utterances
//     (questions no bot here answers) sent to the fallback.
//
// Run: go test -run '^$' -bench FixtureRouting -benchtime 1x ./internal/nlu
func BenchmarkFixtureRouting(b *testing.B) {
	var probes []string
	f, err := os.Open("../../../shared/data/nlu/clinc150/clinc150_full.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	s := bufio.NewScanner(f)
	for s.Scan() {
		var it struct{ Text, Intent, Split string }
		if err := json.Unmarshal(s.Bytes(), &it); err != nil {
			b.Fatal(err)
		}
		if it.Intent == "oos" && it.Split != "test" {
			probes = append(probes, it.Text)
		}
	}
	f.Close()
	files, _ := filepath.Glob("../../../shared/fixtures/autopilot/*/*.json")
	for _, file := range files {
		if strings.Contains(file, "cli-legacy") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		var ex []Example
		for _, t := range a.Tasks {
			ft := map[string]string{}
			for _, fl := range t.Fields {
				ft[fl.UniqueName] = fl.FieldType
			}
			for _, sm := range t.Samples {
				for _, x := range expandTags(sm.TaggedText, ft, a) {
					ex = append(ex, Example{x, t.UniqueName})
				}
			}
		}
		name := filepath.Base(filepath.Dir(file)) + "/" + strings.TrimSuffix(filepath.Base(file), ".json")
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				full, err := fitWithBackground(ex, TrainOptions{})
				if err != nil {
					b.Skip("fewer than two tasks with samples")
				}
				th := BackgroundThreshold
				right, n := 0, 0
				for i := range ex {
					held := append(append([]Example(nil), ex[:i]...), ex[i+1:]...)
					c, err := fitWithBackground(held, TrainOptions{})
					if err != nil {
						continue
					}
					n++
					if r := c.Rank(ex[i].Text, nil); r[0].Label == ex[i].Label && r[0].Prob >= th {
						right++
					}
				}
				rejected := 0
				for _, q := range probes {
					if r := full.Rank(q, nil); r[0].Label == backgroundLabel || r[0].Prob < th {
						rejected++
					}
				}
				tasks := 0
				for _, l := range full.Labels() {
					if l != backgroundLabel {
						tasks++
					}
				}
				b.ReportMetric(float64(tasks), "tasks")
				b.ReportMetric(th, "threshold")
				b.ReportMetric(float64(right)/float64(max(n, 1)), "inscope")
				b.ReportMetric(float64(rejected)/float64(len(probes)), "oos")
			}
		})
	}
}

package nlu

import (
	"bufio"
	"encoding/json"
	"os"
	"sync"
	"testing"
)

const clincPath = "../../../shared/data/nlu/clinc150/clinc150_full.jsonl"

var clinc struct {
	once sync.Once
	clf  *Classifier
	test []string
	err  error
}

// clincClassifier returns a classifier trained on CLINC150 Full's train split
// and the texts of its test split, trained once per test binary. It skips
// when the shared data is missing.
func clincClassifier(tb testing.TB) (*Classifier, []string) {
	tb.Helper()
	if _, err := os.Stat(clincPath); err != nil {
		tb.Skipf("no CLINC150 data: %v", err)
	}
	clinc.once.Do(func() {
		f, err := os.Open(clincPath)
		if err != nil {
			clinc.err = err
			return
		}
		defer f.Close()
		var train []Example
		s := bufio.NewScanner(f)
		for s.Scan() {
			var it struct{ Text, Intent, Split string }
			if err := json.Unmarshal(s.Bytes(), &it); err != nil {
				clinc.err = err
				return
			}
			switch it.Split {
			case "train":
				train = append(train, Example{it.Text, it.Intent})
			case "test":
				clinc.test = append(clinc.test, it.Text)
			}
		}
		if clinc.err = s.Err(); clinc.err != nil {
			return
		}
		clinc.clf, clinc.err = Fit(train, TrainOptions{})
	})
	if clinc.err != nil {
		tb.Fatal(clinc.err)
	}
	return clinc.clf, clinc.test
}

// BenchmarkRankCLINC measures Classifier.Rank on CLINC150 Full's test utterances
// (151 labels), one utterance per iteration, as `parley eval` times it.
//
// Run: go test -run '^$' -bench RankCLINC -count 10 ./internal/nlu
func BenchmarkRankCLINC(b *testing.B) {
	c, test := clincClassifier(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Rank(test[i], nil)
		i++
		if i == len(test) {
			i = 0
		}
	}
}

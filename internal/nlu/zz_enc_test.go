package nlu_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

func readSet(t *testing.T, path string) []nlueval.Item {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := nlueval.ReadJSONL(f)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func envInt(k string) int   { v, _ := strconv.Atoi(os.Getenv(k)); return v }
func envF(k string) float64 { v, _ := strconv.ParseFloat(os.Getenv(k), 64); return v }

func TestZZEncoder(t *testing.T) {
	if os.Getenv("ENC") == "" {
		t.Skip()
	}
	d := "../../../shared/data/nlu/"
	sources := map[string]string{
		"banking77": d + "banking77/banking77.jsonl",
		"hwu64":     d + "hwu64/hwu64_fold1.jsonl",
		"snips":     d + "snips2017/snips2017_full.jsonl",
		"corpus50":  d + "nlpjs-corpus50/corpus50_en.jsonl",
	}
	var ex []nlu.Example
	for _, name := range []string{"banking77", "hwu64", "snips", "corpus50"} {
		for _, it := range readSet(t, sources[name]) {
			if it.Intent == "oos" || it.Split == "test" {
				continue
			}
			ex = append(ex, nlu.Example{Text: it.Text, Label: name + "/" + it.Intent})
		}
	}
	opts := nlu.EncoderOptions{Epochs: envInt("E_EPOCHS"), Dims: envInt("E_DIMS"), MinCount: envInt("E_MIN"), Scale: envF("E_SCALE"), Margin: envF("E_MARGIN"), Rate: envF("E_RATE"), Dropout: envF("E_DROP"), Bigrams: os.Getenv("E_BI") != ""}
	start := time.Now()
	enc, err := nlu.TrainEncoder(ex, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("encoder %+v on %d examples: %s", opts, len(ex), time.Since(start))
	items := readSet(t, "/tmp/clinc_val.jsonl")
	for _, w := range []float64{0.7, 1} {
		o := nlueval.Options{Shots: 10, ExcludeOOS: true, Threshold: new(0.0)}
		o.TrainOptions = nlu.TrainOptions{Encoder: enc, EncoderWeight: w}
		sr, err := nlueval.EvaluateSeeds(items, o, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("K=10 encoder weight %g: %.4f", w, sr.Mean.InScopeAccuracy)
	}
}

func TestZZBraunLOO(t *testing.T) {
	if os.Getenv("BRAUN") == "" {
		t.Skip()
	}
	d := "../../../shared/data/nlu/braun2017/"
	for _, f := range []string{"chatbot.jsonl", "askubuntu.jsonl", "webapplications.jsonl"} {
		var ex []nlu.Example
		for _, it := range readSet(t, d+f) {
			if it.Split == "train" {
				ex = append(ex, nlu.Example{Text: it.Text, Label: it.Intent})
			}
		}
		for _, noEnc := range []bool{true, false} {
			right := 0
			for i := range ex {
				held := append(append([]nlu.Example(nil), ex[:i]...), ex[i+1:]...)
				c, err := nlu.Fit(held, nlu.TrainOptions{NoEncoder: noEnc})
				if err != nil {
					t.Fatal(err)
				}
				if c.Rank(ex[i].Text, nil)[0].Label == ex[i].Label {
					right++
				}
			}
			t.Logf("%s no-encoder=%v: %d/%d", f, noEnc, right, len(ex))
		}
	}
}

func TestZZClincSizes(t *testing.T) {
	if os.Getenv("SIZES") == "" {
		t.Skip()
	}
	b, _ := os.ReadFile("/tmp/enc/without-clinc150.bin")
	enc, err := nlu.LoadEncoder(b)
	if err != nil {
		t.Fatal(err)
	}
	items := readSet(t, "/tmp/clinc_val.jsonl")
	for _, k := range []int{20, 30, 50, 0} {
		for _, noEnc := range []bool{true, false} {
			o := nlueval.Options{Shots: k, ExcludeOOS: true, Threshold: new(0.0)}
			o.TrainOptions = nlu.TrainOptions{Encoder: enc, NoEncoder: noEnc}
			var acc float64
			if k == 0 {
				r, err := nlueval.Evaluate(items, o)
				if err != nil {
					t.Fatal(err)
				}
				acc = r.InScopeAccuracy
			} else {
				sr, err := nlueval.EvaluateSeeds(items, o, 2, nil)
				if err != nil {
					t.Fatal(err)
				}
				acc = sr.Mean.InScopeAccuracy
			}
			t.Logf("K=%d no-encoder=%v: %.4f", k, noEnc, acc)
		}
	}
}

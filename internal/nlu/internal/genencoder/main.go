//go:build ignore

// Command genencoder trains the sentence encoder of internal/nlu on the
// intents of the public datasets in the common JSONL format
// (../shared/data/nlu) whose licences let the result be shipped without
// conditions on it (CLINC150, BANKING77, HWU64, SNIPS 2017, NLP.js Corpus
// 50; not Braun et al., which is CC BY-SA): the train and val items of every
// in-scope intent, labelled dataset/intent; never a test item, nor an
// out-of-scope one.
//
//	go run internal/nlu/internal/genencoder/main.go -data ../shared/data/nlu -o internal/nlu/data/encoder.bin
//
// -without NAME leaves one dataset out, so that the encoder can score that
// dataset honestly (`parley eval --encoder FILE`; scripts/eval-datasets.sh
// does it for each). The datasets, by NAME: clinc150, banking77, hwu64,
// snips2017, nlpjs-corpus50. Training is deterministic: the same data gives
// the same bytes.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

// datasets are the files read, by dataset name.
var datasets = map[string][]string{
	"clinc150":       {"clinc150/clinc150_full.jsonl"},
	"banking77":      {"banking77/banking77.jsonl"},
	"hwu64":          {"hwu64/hwu64_fold1.jsonl"},
	"snips2017":      {"snips2017/snips2017_full.jsonl"},
	"nlpjs-corpus50": {"nlpjs-corpus50/corpus50_en.jsonl"},
}

// order fixes the order the datasets are read in, so that training is
// deterministic.
var order = []string{"clinc150", "banking77", "hwu64", "snips2017", "nlpjs-corpus50"}

func main() {
	data := flag.String("data", "../shared/data/nlu", "the `directory` of the datasets")
	out := flag.String("o", "", "write the encoder to this `file`")
	without := flag.String("without", "", "leave out this `dataset`")
	flag.Parse()
	if *out == "" {
		log.Fatal("usage: genencoder [-data DIR] [-without NAME] -o FILE")
	}
	if _, ok := datasets[*without]; *without != "" && !ok {
		log.Fatalf("-without %q: not a dataset (want one of %v)", *without, order)
	}
	var examples []nlu.Example
	for _, name := range order {
		if name == *without {
			continue
		}
		for _, file := range datasets[name] {
			f, err := os.Open(filepath.Join(*data, file))
			if err != nil {
				log.Fatal(err)
			}
			items, err := nlueval.ReadJSONL(f)
			f.Close()
			if err != nil {
				log.Fatalf("%s: %v", file, err)
			}
			prefix := name + "/" + filepath.Base(file) + "/"
			for _, it := range items {
				if it.Intent == nlueval.OOS || it.Split == nlueval.SplitTest {
					continue
				}
				examples = append(examples, nlu.Example{Text: it.Text, Label: prefix + it.Intent})
			}
		}
	}
	enc, err := nlu.TrainEncoder(examples, nlu.EncoderOptions{})
	if err != nil {
		log.Fatal(err)
	}
	b, err := enc.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d examples, %d bytes\n", *out, len(examples), len(b))
}

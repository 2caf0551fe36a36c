package fields

import (
	_ "embed"
	"strings"
	"sync"
)

// The data files are derived from npm packages by internal/gen; see
// data/README.md for their sources and licences.

//go:embed data/first_names.txt
var firstNamesTxt string

//go:embed data/cities.txt
var citiesTxt string

//go:embed data/last_names.txt
var lastNamesTxt string

// A lexicon maps the folded words of a phrase, joined by single spaces, to
// its canonical spelling.
type lexicon struct {
	entries  map[string]string
	maxWords int
}

func newLexicon() *lexicon { return &lexicon{entries: map[string]string{}} }

// add records canonical under the key of phrase, unless the key is taken
// (the first added wins) or override is set.
func (l *lexicon) add(phrase, canonical string, override bool) {
	ws := tokenWords(phrase)
	if len(ws) == 0 {
		return
	}
	key := strings.Join(ws, " ")
	if _, ok := l.entries[key]; ok && !override {
		return
	}
	l.entries[key] = canonical
	l.maxWords = max(l.maxWords, len(ws))
}

// has reports whether phrase is in l.
func (l *lexicon) has(phrase string) bool {
	_, ok := l.entries[strings.Join(tokenWords(phrase), " ")]
	return ok
}

// longest returns the canonical form of the longest phrase of l starting at
// word token i: the words may be joined by ".", "-" or "'" as well as by
// spaces ("St. Louis", "Winston-Salem").
func (l *lexicon) longest(ts tokens, i int) (canonical string, j int, ok bool) {
	if ts.word(i) == "" {
		return "", 0, false
	}
	var b strings.Builder
	k, n := i, 0
	for k < len(ts) && n < l.maxWords {
		t := ts[k]
		if t.kind == punctToken {
			if t.text != "." && t.text != "-" && t.text != "'" {
				break
			}
			k++
			continue
		}
		if n > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
		n++
		k++
		if c, found := l.entries[b.String()]; found && ts.boundaryAfter(k) {
			canonical, j, ok = c, k, true
		}
	}
	return canonical, j, ok
}

var (
	namesOnce sync.Once
	names     *lexicon
)

func firstNames() *lexicon {
	namesOnce.Do(func() {
		names = newLexicon()
		for line := range strings.Lines(firstNamesTxt) {
			if n := strings.TrimSpace(line); n != "" {
				names.add(n, n, false)
			}
		}
	})
	return names
}

// lexiconExtractor finds the longest names of a lexicon in a text. A
// one-word name that ambiguous says is also a common word counts only when
// capitalised or when it is the whole text.
func lexiconExtractor(lex func() *lexicon, ambiguous func(word string) bool) Extractor {
	return ExtractorFunc(func(in Input) []Match {
		l := lex()
		return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
			if !ts.boundaryBefore(i) {
				return "", 0, false
			}
			c, j, ok := l.longest(ts, i)
			if !ok {
				return "", 0, false
			}
			if j == i+1 && ambiguous(ts.word(i)) && !ts[i].upper && !ts.only(i, j) {
				return "", 0, false
			}
			return c, j, true
		})
	})
}

package fields

import (
	"strings"
	"unicode"
)

// A Value is one value of a custom field type as its author wrote it. A
// synonym names its canonical value in SynonymOf; a canonical value leaves
// it empty.
type Value struct {
	Value, SynonymOf string
}

// Custom returns the extractor of a custom field type with the given values.
//
// Values and synonyms match case- and accent-insensitively at word
// boundaries, over several words ("french fries"); punctuation between words
// is ignored. Matches are leftmost-longest and do not overlap. A synonym
// reports its canonical value. A camelCase value also matches as separate
// words ("yesDogs" matches "yes dogs").
//
// Small misspellings are tolerated word by word: one edit (a change, an
// insertion, a deletion or a swap of two neighbours) in words of 4 to 7
// letters, two in longer words; words of 3 letters or fewer and digits must
// be exact. At any position an exact match wins over a fuzzy one, and among
// fuzzy ones the fewest edits, then the longest, then the first value win.
func Custom(values []Value) Extractor {
	c := &custom{exact: map[string]string{}}
	for _, v := range values {
		canon := v.Value
		if v.SynonymOf != "" {
			canon = v.SynonymOf
		}
		for _, p := range []string{v.Value, splitCamel(v.Value)} {
			ws := tokenWords(p)
			if len(ws) == 0 {
				continue
			}
			key := strings.Join(ws, " ")
			if _, ok := c.exact[key]; ok {
				continue // the first value wins
			}
			c.exact[key] = canon
			c.phrases = append(c.phrases, customPhrase{words: ws, value: canon})
			c.maxWords = max(c.maxWords, len(ws))
		}
	}
	return c
}

type custom struct {
	exact    map[string]string // folded words joined by spaces → canonical value
	phrases  []customPhrase    // in the order given
	maxWords int
}

type customPhrase struct {
	words []string
	value string
}

func (c *custom) Extract(in Input) []Match {
	if len(c.phrases) == 0 {
		return nil
	}
	return scan(in.Text, c.parse)
}

// parse returns the longest exact phrase at token i, else the best fuzzy one.
func (c *custom) parse(ts tokens, i int) (string, int, bool) {
	if ts[i].kind == punctToken || !ts.boundaryBefore(i) {
		return "", 0, false
	}
	words, ends := c.wordsAt(ts, i)
	for n := len(words); n >= 1; n-- {
		if v, ok := c.exact[strings.Join(words[:n], " ")]; ok && ts.boundaryAfter(ends[n-1]) {
			return v, ends[n-1], true
		}
	}
	bestV, bestJ, bestD, bestN := "", 0, 0, 0
	for _, p := range c.phrases {
		n := len(p.words)
		if n > len(words) || !ts.boundaryAfter(ends[n-1]) {
			continue
		}
		d, ok := phraseDistance(p.words, words[:n])
		if !ok {
			continue
		}
		if bestJ == 0 || d < bestD || d == bestD && n > bestN {
			bestV, bestJ, bestD, bestN = p.value, ends[n-1], d, n
		}
	}
	return bestV, bestJ, bestJ > 0
}

// wordsAt returns up to maxWords words and numbers from token i, skipping
// punctuation between them, and the token index after each.
func (c *custom) wordsAt(ts tokens, i int) (words []string, ends []int) {
	for k := i; k < len(ts) && len(words) < c.maxWords; k++ {
		if ts[k].kind == punctToken {
			if ts[k].text == "," || ts[k].text == "." && ts[k].space {
				break
			}
			continue
		}
		words = append(words, ts[k].text)
		ends = append(ends, k+1)
	}
	return words, ends
}

// phraseDistance returns the total edits between want and got, word by word,
// and false if any word is beyond its tolerance.
func phraseDistance(want, got []string) (int, bool) {
	total := 0
	for k, w := range want {
		g := got[k]
		if w == g {
			continue
		}
		limit := tolerance(w)
		if limit == 0 {
			return 0, false
		}
		d := editDistance(w, g, limit)
		if d > limit {
			return 0, false
		}
		total += d
	}
	return total, true
}

// tolerance is the number of edits allowed in a misspelling of w.
func tolerance(w string) int {
	n := len([]rune(w))
	for _, r := range w {
		if unicode.IsDigit(r) {
			return 0
		}
	}
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// editDistance is the optimal string alignment distance between a and b
// (Levenshtein plus swaps of neighbours), or limit+1 when it is above limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit+1)
}

// splitCamel splits "yesDogs" into "yes Dogs"; other text is unchanged.
func splitCamel(s string) string {
	var b strings.Builder
	var last rune
	for _, r := range s {
		if unicode.IsUpper(r) && unicode.IsLower(last) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

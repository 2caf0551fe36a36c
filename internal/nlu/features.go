package nlu

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// A feature is a hashed n-gram of an utterance and its count in it.
type feature struct {
	h  uint64
	tf float32
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
	// Seeds keep the kinds of n-grams apart in the hash space.
	seedWord   = 0x9e3779b97f4a7c15
	seedBigram = 0xbf58476d1ce4e5b9
	seedChar   = 0x94d049bb133111eb
	seedCross  = 0x2545f4914f6cdd1d
)

func hashBytes(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// words returns the normalised words of text.
func words(text string) []string {
	ts := tokens(text)
	ws := make([]string, len(ts))
	for i, t := range ts {
		ws[i] = t.norm
	}
	return ws
}

// extract appends to buf the features of an utterance's words: the words,
// the word bigrams, the character n-grams (2 to 5 bytes) of each word padded
// with spaces, and, with cross, the character 3- to 5-grams that span a space
// between two words, each with its count, sorted by hash.
func extract(ws []string, buf []feature, cross bool) []feature {
	buf = buf[:0]
	if cross {
		buf = crossGrams(buf, ws)
	}
	prev := ""
	for i, w := range ws {
		buf = append(buf, feature{h: hashBytes(fnvOffset^seedWord, w), tf: 1})
		if i > 0 {
			h := hashBytes(fnvOffset^seedBigram, prev)
			h = hashBytes(h, " ")
			buf = append(buf, feature{h: hashBytes(h, w), tf: 1})
		}
		prev = w
		buf = charGrams(buf, w)
	}
	if len(buf) == 0 {
		return buf
	}
	slices.SortFunc(buf, func(a, b feature) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return 0
	})
	out := buf[:1]
	for _, f := range buf[1:] {
		if f.h == out[len(out)-1].h {
			out[len(out)-1].tf++
			continue
		}
		out = append(out, f)
	}
	return out
}

// crossGrams appends the 3- to 5-byte n-grams of " w1 w2 ... " that span a
// space inside it: "s i" and "at is" of "what is". They see how words meet.
func crossGrams(buf []feature, ws []string) []feature {
	if len(ws) < 2 {
		return buf
	}
	n := 1
	for _, w := range ws {
		n += len(w) + 1
	}
	var jb [256]byte
	j := jb[:0]
	if n > len(jb) {
		j = make([]byte, 0, n)
	}
	j = append(j, ' ')
	for _, w := range ws {
		j = append(j, w...)
		j = append(j, ' ')
	}
	s := string(j)
	for i := 1; i < len(s)-1; i++ {
		if s[i] != ' ' {
			continue
		}
		// Every n-gram with this inner space, not starting or ending on it.
		for n := 3; n <= 5; n++ {
			for start := max(i-n+2, 0); start < i && start+n <= len(s); start++ {
				if start+n-1 <= i {
					continue
				}
				g := s[start : start+n]
				if strings.IndexByte(g[1:n-1], ' ') != i-start-1 {
					continue // spans another inner space too: seen at that space
				}
				buf = append(buf, feature{h: hashBytes(fnvOffset^seedCross, g), tf: 1})
			}
		}
	}
	return buf
}

// charGrams appends the 2- to 5-byte n-grams of " w ".
func charGrams(buf []feature, w string) []feature {
	var pad [80]byte
	if len(w) > len(pad)-2 {
		w = w[:len(pad)-2]
	}
	p := pad[:0]
	p = append(p, ' ')
	p = append(p, w...)
	p = append(p, ' ')
	s := string(p)
	for n := 2; n <= 5; n++ {
		for i := 0; i+n <= len(s); i++ {
			if i > 0 && !utf8.RuneStart(s[i]) {
				continue
			}
			buf = append(buf, feature{h: hashBytes(fnvOffset^seedChar, s[i:i+n]), tf: 1})
		}
	}
	return buf
}

// A sparse vector of feature rows and values.
type sparse struct {
	idx []int32
	val []float32
}

// vectorize turns the features of text into a TF-IDF vector over the known
// rows, with sublinear term frequency, normalised to unit length (unknown
// features are dropped), followed by the text's mean word vector when the
// classifier uses word vectors.
func (c *Classifier) vectorize(ws []string, fs []feature, v *sparse) {
	v.idx, v.val = v.idx[:0], v.val[:0]
	var norm float64
	for _, f := range fs {
		row, ok := c.index.row(f.h)
		if !ok {
			continue
		}
		x := (1 + float32(math.Log(float64(f.tf)))) * c.idf[row]
		v.idx = append(v.idx, row)
		v.val = append(v.val, x)
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range v.val {
			v.val[i] *= inv
		}
	}
	if c.vecs == nil {
		return
	}
	var wtb [64]float32
	weights := wtb[:0]
	for _, w := range ws {
		// Rare words say more than common ones: weight each word's vector
		// by its inverse document frequency in the training examples.
		wt := c.maxIDF
		if row, ok := c.index.row(hashBytes(fnvOffset^seedWord, w)); ok {
			wt = c.idf[row]
		}
		weights = append(weights, wt)
	}
	var mb [256]float32
	mean := mb[:c.vecs.dims]
	if c.vecs.weightedMean(ws, weights, mean) == 0 {
		return
	}
	for d, x := range mean {
		v.idx = append(v.idx, c.vecRow+int32(d))
		v.val = append(v.val, c.vecWeight*x)
	}
}

package nlu

import (
	"math"
	"slices"
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
	var b wordBuf
	return b.words(text)
}

// A wordBuf splits utterances into words, keeping its memory from one
// utterance to the next.
type wordBuf struct {
	norm  []byte
	spans []wordSpan
	ws    []string
}

// words returns the normalised words of text, as tokens finds them, in a
// slice valid until the next call. The words themselves stay valid: they
// share one new string.
func (b *wordBuf) words(text string) []string {
	b.norm, b.spans = scanWords(text, b.norm[:0], b.spans[:0])
	all := string(b.norm)
	ws := b.ws[:0]
	for _, sp := range b.spans {
		ws = append(ws, all[sp.from:sp.to])
	}
	b.ws = ws
	return ws
}

// A featureBuf extracts the features of utterances, keeping its memory from
// one utterance to the next.
type featureBuf struct {
	hashes []uint64 // of every n-gram, repeats included
	feats  []feature
	joined []byte // " w1 w2 ... " for the n-grams across words
}

// extract returns the features of an utterance's words: the words, the word
// bigrams, the character n-grams (2 to 5 bytes) of each word padded with
// spaces, and, with cross, the character 3- to 5-grams that span a space
// between two words, each with its count, sorted by hash. They are valid
// until the next call.
func (b *featureBuf) extract(ws []string, cross bool) []feature {
	hs := b.hashes[:0]
	if cross {
		hs = b.crossGrams(hs, ws)
	}
	prev := ""
	for i, w := range ws {
		hs = append(hs, hashBytes(fnvOffset^seedWord, w))
		if i > 0 {
			h := hashBytes(fnvOffset^seedBigram, prev)
			h = hashBytes(h, " ")
			hs = append(hs, hashBytes(h, w))
		}
		prev = w
		hs = charGrams(hs, w)
	}
	b.hashes = hs
	// Sorting plain integers, not features, spares a call of a comparison
	// function for each pair compared.
	slices.Sort(hs)
	out := b.feats[:0]
	for i, h := range hs {
		if i > 0 && h == hs[i-1] {
			out[len(out)-1].tf++
			continue
		}
		out = append(out, feature{h: h, tf: 1})
	}
	b.feats = out
	return out
}

// fnvStep adds byte c to FNV-1a hash h: hashBytes(h, s+string(c)) is
// fnvStep(hashBytes(h, s), c).
func fnvStep(h uint64, c byte) uint64 { return (h ^ uint64(c)) * fnvPrime }

// crossGrams appends to hs the hashes of the 3- to 5-byte n-grams of
// " w1 w2 ... " with a space strictly inside them: "s i" and "at is" of "what
// is". They see how words meet.
func (b *featureBuf) crossGrams(hs []uint64, ws []string) []uint64 {
	if len(ws) < 2 {
		return hs
	}
	s := append(b.joined[:0], ' ')
	for _, w := range ws {
		s = append(s, w...)
		s = append(s, ' ')
	}
	b.joined = s
	// Each n-gram is hashed as its start's 2-gram grows, byte by byte.
	for i := 0; i+3 <= len(s); i++ {
		h := fnvStep(fnvStep(fnvOffset^seedCross, s[i]), s[i+1])
		inner := false // a space inside s[i:i+n]
		for n := 3; n <= 5 && i+n <= len(s); n++ {
			inner = inner || s[i+n-2] == ' '
			h = fnvStep(h, s[i+n-1])
			if inner {
				hs = append(hs, h)
			}
		}
	}
	return hs
}

// charGrams appends to hs the hashes of the 2- to 5-byte n-grams of " w "
// (w cut to 78 bytes) that start a character.
func charGrams(hs []uint64, w string) []uint64 {
	var pad [80]byte
	if len(w) > len(pad)-2 {
		w = w[:len(pad)-2]
	}
	s := append(append(append(pad[:0], ' '), w...), ' ')
	// Each n-gram is hashed as its start's 2-gram grows, byte by byte.
	for i := 0; i+2 <= len(s); i++ {
		if i > 0 && !utf8.RuneStart(s[i]) {
			continue
		}
		h := fnvStep(fnvStep(fnvOffset^seedChar, s[i]), s[i+1])
		hs = append(hs, h)
		for n := 3; n <= 5 && i+n <= len(s); n++ {
			h = fnvStep(h, s[i+n-1])
			hs = append(hs, h)
		}
	}
	return hs
}

// A sparse vector of feature rows and values.
type sparse struct {
	idx []int32
	val []float32
}

// vectorize turns the features of text into a TF-IDF vector over the known
// rows, with sublinear term frequency, normalised to unit length (unknown
// features are dropped), followed by the text's mean word vector and the
// element-wise maximum of its word vectors when the classifier uses word
// vectors.
func (c *Classifier) vectorize(ws []string, fs []feature, v *sparse) {
	v.idx, v.val = v.idx[:0], v.val[:0]
	for _, f := range fs {
		row, ok := c.index.row(f.h)
		if !ok {
			continue
		}
		x := c.idf[row] // 1 + log(tf) is 1 for most
		if f.tf != 1 {
			x = (1 + float32(math.Log(float64(f.tf)))) * c.idf[row]
		}
		v.idx = append(v.idx, row)
		v.val = append(v.val, x)
	}
	normalize(v.val)
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
	if c.maxWeight == 0 {
		return
	}
	// The element-wise maximum sees the one word that stands out, which
	// the mean dilutes.
	// It goes where the encoder reads it, after the smooth-inverse-frequency
	// mean (see encoderInput).
	var xb [512]float32
	mx := xb[c.vecs.dims : 2*c.vecs.dims]
	c.vecs.maxPool(ws, mx)
	for d, x := range mx {
		v.idx = append(v.idx, c.vecRow+int32(c.vecs.dims+d))
		v.val = append(v.val, c.maxWeight*x)
	}
	if c.enc == nil {
		return
	}
	var zb [512]float32
	x := xb[:c.enc.in]
	z := zb[:c.enc.out]
	sifMean(c.vecs, ws, x[:c.vecs.dims])
	c.enc.encode(x, ws, z)
	for d, zv := range z {
		v.idx = append(v.idx, c.encRow+int32(d))
		v.val = append(v.val, c.encWeight*zv)
	}
}

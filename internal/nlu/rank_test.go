package nlu

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// A refClassifier ranks as Classifier.Rank did before it was made fast, and
// as plainly as it can: a Go map for the feature index, strings for words and
// n-grams, a sort of every feature and a stable sort of every label. The
// optimised Rank must give exactly what it gives.
type refClassifier struct {
	*Classifier
	index map[uint64]int32
}

func newRef(c *Classifier) refClassifier {
	cf := c.file()
	index := make(map[uint64]int32, len(cf.Hashes))
	for i, h := range cf.Hashes {
		index[h] = cf.Rows[i]
	}
	return refClassifier{c, index}
}

func (c refClassifier) Rank(text string, allowed []string) []Scored {
	index := c.index

	var ws []string
	for _, t := range refTokens(text) {
		ws = append(ws, t.norm)
	}

	// Features, sorted by hash, with their counts.
	var hs []uint64
	if c.cross && len(ws) >= 2 {
		s := " " + strings.Join(ws, " ") + " "
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(s); i++ {
				if strings.Contains(s[i+1:i+n-1], " ") {
					hs = append(hs, hashBytes(fnvOffset^seedCross, s[i:i+n]))
				}
			}
		}
	}
	for i, w := range ws {
		hs = append(hs, hashBytes(fnvOffset^seedWord, w))
		if i > 0 {
			hs = append(hs, hashBytes(fnvOffset^seedBigram, ws[i-1]+" "+w))
		}
		if len(w) > 78 {
			w = w[:78]
		}
		s := " " + w + " "
		for n := 2; n <= 5; n++ {
			for i := 0; i+n <= len(s); i++ {
				if i == 0 || utf8.RuneStart(s[i]) {
					hs = append(hs, hashBytes(fnvOffset^seedChar, s[i:i+n]))
				}
			}
		}
	}
	slices.Sort(hs)

	// The TF-IDF vector, then the weighted mean word vector.
	var idx []int32
	var val []float32
	var norm float64
	for i := 0; i < len(hs); {
		j := i
		for j < len(hs) && hs[j] == hs[i] {
			j++
		}
		if row, ok := index[hs[i]]; ok {
			x := (1 + float32(math.Log(float64(j-i)))) * c.idf[row]
			idx = append(idx, row)
			val = append(val, x)
			norm += float64(x) * float64(x)
		}
		i = j
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range val {
			val[i] *= inv
		}
	}
	if v := c.vecs; v != nil {
		mean := make([]float32, v.dims)
		known := 0
		for _, w := range ws {
			i, ok := slices.BinarySearch(v.hashes, wordHash(w))
			if !ok {
				continue
			}
			known++
			wt := c.maxIDF
			if row, ok := index[hashBytes(fnvOffset^seedWord, w)]; ok {
				wt = c.idf[row]
			}
			row := v.data[int(v.rows[i])*v.dims : int(v.rows[i]+1)*v.dims]
			for d, x := range row {
				mean[d] += wt * float32(x) * v.scales[d]
			}
		}
		refUnit(mean)
		if known > 0 {
			for d, x := range mean {
				idx = append(idx, c.vecRow+int32(d))
				val = append(val, c.vecWeight*x)
			}
			if c.maxWeight != 0 {
				mx := make([]float32, v.dims)
				for d := range mx {
					mx[d] = float32(math.Inf(-1))
				}
				for _, w := range ws {
					i, ok := slices.BinarySearch(v.hashes, wordHash(w))
					if !ok {
						continue
					}
					row := v.data[int(v.rows[i])*v.dims : int(v.rows[i]+1)*v.dims]
					for d, x := range row {
						mx[d] = max(mx[d], float32(x)*v.scales[d])
					}
				}
				refUnit(mx)
				for d, x := range mx {
					idx = append(idx, c.vecRow+int32(v.dims+d))
					val = append(val, c.maxWeight*x)
				}
				if e := c.enc; e != nil {
					for d, x := range refEncode(v, e, ws) {
						idx = append(idx, c.encRow+int32(d))
						val = append(val, c.encWeight*x)
					}
				}
			}
		}
	}

	// Scores, probabilities and the ranking.
	K := len(c.labels)
	acc := slices.Clone(c.b)
	for j, row := range idx {
		x := val[j] * c.scale[row]
		for k := range K {
			acc[k] += float32(c.q[int(row)*K+k]) * x
		}
	}
	var s []float64
	var names []string
	for k, l := range c.labels {
		if len(allowed) == 0 || slices.Contains(allowed, l) {
			s = append(s, float64(acc[k]))
			names = append(names, l)
		}
	}
	softmax(s)
	out := make([]Scored, len(s))
	for i, p := range s {
		out[i] = Scored{names[i], p}
	}
	slices.SortStableFunc(out, func(a, b Scored) int {
		switch {
		case a.Prob > b.Prob:
			return -1
		case a.Prob < b.Prob:
			return 1
		}
		return 0
	})
	return out
}

// refUnit scales x to unit length (a zero x stays zero).
func refUnit(x []float32) {
	var n float64
	for _, y := range x {
		n += float64(y) * float64(y)
	}
	if n > 0 {
		inv := float32(1 / math.Sqrt(n))
		for i := range x {
			x[i] *= inv
		}
	}
}

// refEncode is Encoder.encode of the words ws, written plainly.
func refEncode(v *wordVectors, e *Encoder, ws []string) []float32 {
	unit := refUnit
	mean := make([]float32, v.dims)
	mx := make([]float32, v.dims)
	for d := range mx {
		mx[d] = float32(math.Inf(-1))
	}
	known := 0
	for _, w := range ws {
		i, ok := slices.BinarySearch(v.hashes, wordHash(w))
		if !ok {
			continue
		}
		known++
		r := v.rows[i]
		wt := float32(sifA / (sifA + 0.1/(float64(r)+10)))
		row := v.data[int(r)*v.dims : int(r+1)*v.dims]
		for d, x := range row {
			mean[d] += wt * float32(x) * v.scales[d]
			mx[d] = max(mx[d], float32(x)*v.scales[d])
		}
	}
	if known == 0 {
		clear(mx)
	}
	unit(mean)
	unit(mx)
	x := append(mean, mx...)
	z := make([]float32, e.out)
	for o := range z {
		for i, xv := range x {
			z[o] += e.p[o*e.in+i] * xv
		}
	}
	var rows []int
	for _, w := range ws {
		if i := slices.Index(e.vocab, w); i >= 0 {
			rows = append(rows, i)
		}
	}
	for _, r := range rows {
		for o := range z {
			z[o] += e.e[r*e.out+o] / float32(len(rows))
		}
	}
	unit(z)
	return z
}

// refTokens is tokens as it was before it was made fast.
func refTokens(s string) []token {
	var out []token
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start >= 0 && b.Len() > 0 {
			out = append(out, token{norm: b.String(), start: start, end: end})
		}
		b.Reset()
		start = -1
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
			b.WriteString(strings.ToLower(string(r)))
		case (r == '\'' || r == '’') && start >= 0 && refNextIsLetter(s[i+utf8.RuneLen(r):]):
			// inside a word: skip
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}

func refNextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// rankTexts are utterances that exercise the corners of tokenisation and
// feature extraction.
var rankTexts = []string{
	"",
	"   ",
	"hello",
	"Hello there!",
	"I would like to reserve a table for tonight",
	"what's the time? it's   late",
	"don’t, won't; can' t 'quoted' o'",
	"x'1 O'Neil's rock’n’roll ’tis it's' '' ’’ a'’b",
	"Ça coûte combien à Zürich? ÉTÉ straße İstanbul ǅ",
	"naïve cafe\u0301 re\u0301sume\u0301",
	"日本語のテキスト 東京 and 中文",
	"emoji 🍕🍕 pizza🍕time",
	"a b c d e f g h i j k l m n o p q r s t u v w x y z",
	strings.Repeat("x", 200),
	"short " + strings.Repeat("ab", 60) + " words",
	strings.Repeat("book a table for two please and then ", 20),
	strings.Repeat("é", 50) + " " + strings.Repeat("日", 40),
	"\xff\xfe invalid \xc3 utf8 \xe2\x80",
	"tabs\tand\nnewlines\r\nand\u00a0nbsp",
	"1234 5 6 7 8 +14155550199 ana@example.com 7:30pm",
}

// crossExamples are enough examples per label (crossMinPerLabel) for the
// classifier to read character n-grams across words.
func crossExamples() []Example {
	var ex []Example
	for i := range crossMinPerLabel {
		ex = append(ex,
			Example{fmt.Sprintf("book a table for %d people", i), "book"},
			Example{fmt.Sprintf("what time do you open on day %d", i), "hours"},
			Example{fmt.Sprintf("hello number %d how are you", i), "greeting"},
		)
	}
	return ex
}

func TestRankMatchesReference(t *testing.T) {
	small, err := Fit(smallExamples, TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cross, err := Fit(crossExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !cross.cross {
		t.Fatal("crossExamples trained no cross n-grams")
	}
	novecs, err := Fit(smallExamples, TrainOptions{VectorWeight: -1})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := cross.file().classifier()
	if err != nil {
		t.Fatal(err)
	}
	// A weight that is not a number makes every probability NaN, which
	// is neither more nor less than another.
	nan := *small
	nan.b = slices.Clone(small.b)
	nan.b[1] = float32(math.NaN())
	classifiers := []struct {
		name string
		c    *Classifier
	}{
		{"small", small},
		{"cross", cross},
		{"no-vectors", novecs},
		{"loaded", loaded},
		{"nan", &nan},
	}
	texts := append(slices.Clone(rankTexts), smallExamples[0].Text, crossExamples()[7].Text)
	for _, tc := range classifiers {
		t.Run(tc.name, func(t *testing.T) {
			ref := newRef(tc.c)
			for _, text := range texts {
				for _, allowed := range [][]string{nil, {"hours", "book"}, {"nothing"}} {
					want := ref.Rank(text, allowed)
					got := tc.c.Rank(text, allowed)
					if diff := cmp.Diff(want, got, cmpopts.EquateNaNs()); diff != "" {
						t.Errorf("Rank(%q, %q) (-reference +got):\n%s", text, allowed, diff)
					}
				}
			}
		})
	}
}

// TestRankMatchesReferenceCLINC compares Rank with the reference on every
// fifth test utterance of CLINC150 (1100), with a classifier trained on part
// of its train split (a large feature index, cross n-grams, 151 labels).
func TestRankMatchesReferenceCLINC(t *testing.T) {
	f, err := os.Open(clincPath)
	if err != nil {
		t.Skipf("no CLINC150 data: %v", err)
	}
	defer f.Close()
	var train []Example
	var test []string
	per := map[string]int{}
	n := 0
	s := bufio.NewScanner(f)
	for s.Scan() {
		var it struct{ Text, Intent, Split string }
		if err := json.Unmarshal(s.Bytes(), &it); err != nil {
			t.Fatal(err)
		}
		switch {
		case it.Split == "train" && per[it.Intent] < crossMinPerLabel:
			per[it.Intent]++
			train = append(train, Example{it.Text, it.Intent})
		case it.Split == "test":
			if n++; n%5 == 0 {
				test = append(test, it.Text)
			}
		}
	}
	if testing.Short() {
		test = test[:200]
	}
	c, err := Fit(train, TrainOptions{Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	ref := newRef(c)
	bad := 0
	for _, text := range test {
		if diff := cmp.Diff(ref.Rank(text, nil), c.Rank(text, nil)); diff != "" {
			t.Errorf("Rank(%q) (-reference +got):\n%s", text, diff)
			if bad++; bad == 5 {
				t.Fatal("too many differences")
			}
		}
	}
}

func FuzzTokensMatchReference(f *testing.F) {
	for _, text := range rankTexts {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if diff := cmp.Diff(refTokens(text), tokens(text), cmp.AllowUnexported(token{})); diff != "" {
			t.Errorf("tokens(%q) (-reference +got):\n%s", text, diff)
		}
	})
}

func FuzzRankMatchesReference(f *testing.F) {
	for _, text := range rankTexts {
		f.Add(text)
	}
	c, err := Fit(crossExamples(), TrainOptions{})
	if err != nil {
		f.Fatal(err)
	}
	ref := newRef(c)
	f.Fuzz(func(t *testing.T, text string) {
		if diff := cmp.Diff(ref.Rank(text, nil), c.Rank(text, nil)); diff != "" {
			t.Errorf("Rank(%q) (-reference +got):\n%s", text, diff)
		}
	})
}

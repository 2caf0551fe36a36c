package nlu

import (
	"cmp"
	_ "embed"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"sync"
)

// vectorsBin is a table of English word vectors derived from GloVe (see
// data/README.md and internal/genvectors).
//
//go:embed data/vectors.bin
var vectorsBin []byte

// wordVectors maps words to int8 vectors with per-dimension scales. It holds
// no pointers but its slices, so that the garbage collector has nothing to
// scan in it.
type wordVectors struct {
	dims   int
	scales []float32
	hashes []uint64      // hash of each word, sorted
	rows   []int32       // row of the word with hashes[i]
	index  *featureIndex // hashes[i] -> rows[i], for lookups
	data   []int8        // rows * dims
}

func wordHash(w string) uint64 { return hashBytes(fnvOffset, w) }

// row returns the row of word w.
func (v *wordVectors) row(w string) (int32, bool) {
	return v.index.row(wordHash(w))
}

// words returns how many words the table holds.
func (v *wordVectors) words() int { return len(v.rows) }

var (
	vectorsOnce sync.Once
	vectorsTab  *wordVectors
	vectorsErr  error
)

// englishVectors returns the embedded table, decoded on first use.
func englishVectors() (*wordVectors, error) {
	vectorsOnce.Do(func() { vectorsTab, vectorsErr = decodeVectors(vectorsBin) })
	return vectorsTab, vectorsErr
}

func decodeVectors(b []byte) (*wordVectors, error) {
	const magic = "PVEC1\n"
	bad := errors.New("word vectors: corrupt table")
	if len(b) < len(magic)+8 || string(b[:len(magic)]) != magic {
		return nil, bad
	}
	b = b[len(magic):]
	n := int(binary.LittleEndian.Uint32(b))
	dims := int(binary.LittleEndian.Uint32(b[4:]))
	b = b[8:]
	if dims <= 0 || dims > 1024 || len(b) < 4*dims {
		return nil, bad
	}
	// Each record takes at least 1+dims bytes: a count that cannot fit is
	// refused before anything is allocated for it.
	if n < 0 || n > (len(b)-4*dims)/(1+dims) {
		return nil, bad
	}
	v := &wordVectors{dims: dims, scales: make([]float32, dims), data: make([]int8, 0, n*dims)}
	type entry struct {
		h   uint64
		row int32
	}
	entries := make([]entry, 0, n)
	for d := range dims {
		v.scales[d] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*d:]))
	}
	b = b[4*dims:]
	for i := range n {
		if len(b) < 1 {
			return nil, bad
		}
		l := int(b[0])
		if len(b) < 1+l+dims {
			return nil, bad
		}
		entries = append(entries, entry{wordHash(string(b[1 : 1+l])), int32(i)})
		for _, x := range b[1+l : 1+l+dims] {
			v.data = append(v.data, int8(x))
		}
		b = b[1+l+dims:]
	}
	slices.SortStableFunc(entries, func(a, b entry) int { return cmp.Compare(a.h, b.h) })
	for i, e := range entries {
		if i > 0 && e.h == entries[i-1].h {
			continue // a hash collision: the more frequent word wins
		}
		v.hashes = append(v.hashes, e.h)
		v.rows = append(v.rows, e.row)
	}
	v.index = newFeatureIndex(len(v.hashes))
	for i, h := range v.hashes {
		v.index.set(h, v.rows[i])
	}
	return v, nil
}

// mean writes into out (len dims) the unit-length mean of the vectors of the
// words it knows, and reports how many it knew.
func (v *wordVectors) mean(words []string, out []float32) int {
	return v.weightedMean(words, nil, out)
}

// weightedMean is mean with word i weighted by weights[i] (1 when weights is
// nil).
func (v *wordVectors) weightedMean(words []string, weights []float32, out []float32) int {
	clear(out)
	known := 0
	for wi, w := range words {
		i, ok := v.row(w)
		if !ok {
			continue
		}
		known++
		wt := float32(1)
		if weights != nil {
			wt = weights[wi]
		}
		row := v.data[int(i)*v.dims : int(i+1)*v.dims]
		for d, x := range row {
			out[d] += wt * float32(x) * v.scales[d]
		}
	}
	normalize(out)
	return known
}

// maxPool writes the unit-length element-wise maximum of the vectors of the
// known words into out and returns how many words were known (0: out is
// all zero).
func (v *wordVectors) maxPool(words []string, out []float32) int {
	for d := range out {
		out[d] = float32(math.Inf(-1))
	}
	known := 0
	for _, w := range words {
		i, ok := v.row(w)
		if !ok {
			continue
		}
		known++
		row := v.data[int(i)*v.dims : int(i+1)*v.dims]
		for d, x := range row {
			out[d] = max(out[d], float32(x)*v.scales[d])
		}
	}
	if known == 0 {
		clear(out)
		return 0
	}
	normalize(out)
	return known
}

// normalize scales v to unit length (a zero v stays zero).
func normalize(v []float32) {
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(norm))
		for i := range v {
			v[i] *= inv
		}
	}
}

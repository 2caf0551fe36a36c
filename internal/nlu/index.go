package nlu

import (
	"cmp"
	"math/bits"
	"slices"
)

// A featureIndex maps feature hashes to rows of the weights (or word hashes
// to rows of the word vectors). It is an
// open-addressing table with linear probing in one flat slice without
// pointers: a lookup reads one or two adjacent slots where a Go map reads a
// group's control word and then its slots, and the garbage collector has
// nothing to scan in it. It is built once and then only read.
type featureIndex struct {
	slots []indexSlot // a power of two of them, at most three quarters full
	shift uint        // 64 - log2(len(slots))
	n     int
}

type indexSlot struct {
	h    uint64
	row1 int32 // the row plus one; 0 for an empty slot
}

// newFeatureIndex returns an index with room for n hashes.
func newFeatureIndex(n int) *featureIndex {
	size := 8
	for 3*size < 4*n {
		size *= 2
	}
	return &featureIndex{slots: make([]indexSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

// home returns the slot where the probe for h begins. FNV-1a's low bits mix
// poorly, so a Fibonacci hash takes the high bits of the product instead.
func (x *featureIndex) home(h uint64) uint64 { return (h * 0x9e3779b97f4a7c15) >> x.shift }

// set maps h to row, replacing what h mapped to.
func (x *featureIndex) set(h uint64, row int32) {
	mask := uint64(len(x.slots) - 1)
	for i := x.home(h); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.row1 == 0 {
			*s = indexSlot{h, row + 1}
			x.n++
			return
		}
		if s.h == h {
			s.row1 = row + 1
			return
		}
	}
}

// row returns the row of h.
func (x *featureIndex) row(h uint64) (int32, bool) {
	mask := uint64(len(x.slots) - 1)
	for i := x.home(h); ; i = (i + 1) & mask {
		s := x.slots[i]
		if s.h == h && s.row1 != 0 {
			return s.row1 - 1, true
		}
		if s.row1 == 0 {
			return 0, false
		}
	}
}

// sorted returns the hashes of the index in increasing order and the row of
// each.
func (x *featureIndex) sorted() (hashes []uint64, rows []int32) {
	all := make([]indexSlot, 0, x.n)
	for _, s := range x.slots {
		if s.row1 != 0 {
			all = append(all, s)
		}
	}
	slices.SortFunc(all, func(a, b indexSlot) int { return cmp.Compare(a.h, b.h) })
	hashes, rows = make([]uint64, len(all)), make([]int32, len(all))
	for i, s := range all {
		hashes[i], rows[i] = s.h, s.row1-1
	}
	return hashes, rows
}

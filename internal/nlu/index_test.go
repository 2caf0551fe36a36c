package nlu

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestFeatureIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := map[uint64]int32{0: 7, ^uint64(0): 8}
	for i := range 5000 {
		want[rng.Uint64()] = int32(i)
		// Hashes that differ only in their low bits, as FNV-1a's of
		// similar n-grams can.
		want[uint64(i)] = int32(i)
		want[uint64(i)<<40] = int32(i)
	}
	x := newFeatureIndex(len(want))
	for h, r := range want {
		x.set(h, r+1)
		x.set(h, r) // the last row set wins
	}
	for h, r := range want {
		if got, ok := x.row(h); !ok || got != r {
			t.Errorf("row(%#x) = %d, %v; want %d", h, got, ok, r)
		}
	}
	for range 1000 {
		h := rng.Uint64()
		if _, ok := want[h]; ok {
			continue
		}
		if r, ok := x.row(h); ok {
			t.Errorf("row(%#x) = %d for a hash never set", h, r)
		}
	}
	hashes, rows := x.sorted()
	if len(hashes) != len(want) || !slices.IsSorted(hashes) {
		t.Fatalf("sorted: %d hashes, want %d, sorted %v", len(hashes), len(want), slices.IsSorted(hashes))
	}
	for i, h := range hashes {
		if rows[i] != want[h] {
			t.Errorf("sorted: row of %#x = %d, want %d", h, rows[i], want[h])
		}
	}
	if r, ok := newFeatureIndex(0).row(0); ok {
		t.Errorf("empty index: row(0) = %d", r)
	}
}

package nlu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAxpy4MatchesLoop checks the vector kernel against the scalar loop of
// scores, bit for bit, on every length up to a few vectors, with values that
// make rounding matter.
func TestAxpy4MatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	f := func() float32 { return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))) }
	for n := range 40 {
		acc := make([]float32, n)
		ws := make([][]float32, 4)
		for i := range ws {
			ws[i] = make([]float32, n)
			for k := range ws[i] {
				ws[i][k] = f()
			}
		}
		for k := range acc {
			acc[k] = f()
		}
		x := [4]float32{f(), f(), f(), f()}
		want := make([]float32, n)
		for k := range want {
			a := acc[k]
			a += ws[0][k] * x[0]
			a += ws[1][k] * x[1]
			a += ws[2][k] * x[2]
			a += ws[3][k] * x[3]
			want[k] = a
		}
		got := append([]float32(nil), acc...)
		done := axpy4(got, ws[0], ws[1], ws[2], ws[3], &x)
		if done%8 != 0 || done > n {
			t.Fatalf("n=%d: did %d", n, done)
		}
		for k := range done {
			if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
				t.Fatalf("n=%d k=%d: %v, want %v", n, k, got[k], want[k])
			}
		}
		for k := done; k < n; k++ {
			if got[k] != acc[k] {
				t.Fatalf("n=%d: element %d past %d changed", n, k, done)
			}
		}
	}
}

// TestAxpy4QMatchesLoop does the same for the kernel of quantized rows.
func TestAxpy4QMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f := func() float32 { return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3))) }
	for n := range 40 {
		acc := make([]float32, n)
		qs := make([][]int8, 4)
		for i := range qs {
			qs[i] = make([]int8, n)
			for k := range qs[i] {
				qs[i][k] = int8(rng.IntN(256) - 128)
			}
		}
		for k := range acc {
			acc[k] = f()
		}
		x := [4]float32{f(), f(), f(), f()}
		want := make([]float32, n)
		for k := range want {
			a := acc[k]
			a += float32(qs[0][k]) * x[0]
			a += float32(qs[1][k]) * x[1]
			a += float32(qs[2][k]) * x[2]
			a += float32(qs[3][k]) * x[3]
			want[k] = a
		}
		got := append([]float32(nil), acc...)
		done := axpy4Q(got, qs[0], qs[1], qs[2], qs[3], &x)
		if done%8 != 0 || done > n || (useAVX2 && done != n&^7) {
			t.Fatalf("n=%d: did %d", n, done)
		}
		for k := range done {
			if math.Float32bits(got[k]) != math.Float32bits(want[k]) {
				t.Fatalf("n=%d k=%d: %v, want %v", n, k, got[k], want[k])
			}
		}
		for k := done; k < n; k++ {
			if got[k] != acc[k] {
				t.Fatalf("n=%d: element %d past %d changed", n, k, done)
			}
		}
	}
}

package nlu

import "golang.org/x/sys/cpu"

// useAVX2 says whether scores adds rows with the AVX2 kernel.
var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func axpy4AVX2(acc, w0, w1, w2, w3 *float32, n int, x *[4]float32)

// axpy4 adds four weight rows times their values to acc, as the loop in
// scores does, with AVX2 when the CPU has it; it returns how many leading
// elements it did (a multiple of 8), the rest being the caller's.
func axpy4(acc, w0, w1, w2, w3 []float32, x *[4]float32) int {
	n := len(acc) &^ 7
	if !useAVX2 || n == 0 {
		return 0
	}
	_, _, _, _ = w0[n-1], w1[n-1], w2[n-1], w3[n-1] // bounds, once
	axpy4AVX2(&acc[0], &w0[0], &w1[0], &w2[0], &w3[0], n, x)
	return n
}

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

//go:noescape
func axpy4QAVX2(acc *float32, q0, q1, q2, q3 *int8, n int, x *[4]float32)

// axpy4Q is axpy4 for rows of int8 weights.
func axpy4Q(acc []float32, q0, q1, q2, q3 []int8, x *[4]float32) int {
	n := len(acc) &^ 7
	if !useAVX2 || n == 0 {
		return 0
	}
	_, _, _, _ = q0[n-1], q1[n-1], q2[n-1], q3[n-1] // bounds, once
	axpy4QAVX2(&acc[0], &q0[0], &q1[0], &q2[0], &q3[0], n, x)
	return n
}

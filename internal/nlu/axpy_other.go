//go:build !amd64

package nlu

// axpy4 has no vector kernel on this architecture: scores does all of it.
func axpy4(acc, w0, w1, w2, w3 []float32, x *[4]float32) int { return 0 }

// axpy4Q has no vector kernel on this architecture either.
func axpy4Q(acc []float32, q0, q1, q2, q3 []int8, x *[4]float32) int { return 0 }

//go:build !amd64

package nlu

// axpy4 has no vector kernel on this architecture: scores does all of it.
func axpy4(acc, w0, w1, w2, w3 []float32, x *[4]float32) int { return 0 }

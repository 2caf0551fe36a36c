package nlu

import (
	"errors"
	"math"
	"math/rand/v2"
)

// An Encoder maps an utterance to a unit vector in which utterances of one
// intent lie close together: a linear projection of the utterance's word
// vectors (their frequency-weighted mean and their element-wise maximum),
// trained on the intents of public datasets ([TrainEncoder]). It is
// immutable and safe for concurrent use.
type Encoder struct {
	in, out int
	p       []float32 // out x in, row-major
	pt      []float32 // p transposed, in x out: encode adds its rows
	inRows  []int32   // 0, 1, ..., in-1: the rows of pt, in order
	// words, when not nil, adds the mean of the learned vectors e of the
	// utterance's words it knows to the projection.
	words *featureIndex
	vocab []string  // the words, by row
	e     []float32 // len(vocab) x out
	// sum identifies an encoder loaded from a file (a hash of its bytes),
	// so that a stored model names the encoder it was trained with; 0 for
	// one trained in memory.
	sum uint64
}

// encoderIn is the size of an encoder's input: the weighted mean and the
// maximum of the word vectors.
func encoderIn(v *wordVectors) int { return 2 * v.dims }

// encoderInput writes the encoder's input for the words ws into x: their
// smooth-inverse-frequency mean (sifMean), then the unit element-wise
// maximum of their vectors. It reports how many words had a vector.
func encoderInput(v *wordVectors, ws []string, x []float32) int {
	n := sifMean(v, ws, x[:v.dims])
	v.maxPool(ws, x[v.dims:2*v.dims])
	return n
}

// sifMean writes into out the unit mean of the vectors of the words ws, each
// weighted by a/(a+p(w)) with p(w) the word's frequency estimated from its
// rank in the vector table (smooth inverse frequency: "the", "a" count
// little), and reports how many words had a vector.
func sifMean(v *wordVectors, ws []string, out []float32) int {
	var wb [64]float32
	weights := wb[:0]
	for _, w := range ws {
		wt := float32(0)
		if r, ok := v.row(w); ok {
			p := 0.1 / (float64(r) + 10)
			wt = float32(sifA / (sifA + p))
		}
		weights = append(weights, wt)
	}
	return v.weightedMean(ws, weights, out)
}

// sifA is the smoothing of the smooth-inverse-frequency weights.
const sifA = 1e-3

// encode writes the unit encoding of x and the words ws into z.
func (e *Encoder) encode(x []float32, ws []string, z []float32) {
	// z = P x, as the rows of P transposed times x's values, added four at
	// a time (with AVX2 where the CPU has it): each z[o] still sums its
	// terms in the order of x, as a dot product of P's row o would.
	clear(z)
	addRows(z, e.pt, e.out, e.inRows, x)
	if e.words != nil {
		var rb [64]int32
		rows := rb[:0]
		for _, w := range ws {
			if r, ok := e.words.row(wordHash(w)); ok {
				rows = append(rows, r)
			}
		}
		for _, r := range rows {
			er := e.e[int(r)*e.out : int(r+1)*e.out]
			for o := range z {
				z[o] += er[o] / float32(len(rows))
			}
		}
	}
	normalize(z)
}

// EncoderOptions tune [TrainEncoder]. Zero values give the defaults.
type EncoderOptions struct {
	Dims   int     // of the encoding; 128
	Epochs int     // 5
	Scale  float64 // of the cosines in the softmax; 20
	Margin float64 // subtracted from the true intent's cosine; 0.2
	Rate   float64 // initial learning rate; 0.5
	Seed   uint64
	// Dropout is the probability with which each word of an example is
	// left out at each step of training (0: none).
	Dropout float64
	// MinCount is the number of examples a word must be seen in to have a
	// vector of its own (2 when 0, none when negative).
	MinCount int
	// Progress, when set, is called with the work done and in all.
	Progress func(done, total int)
}

// TrainEncoder trains an Encoder on labelled utterances: a projection and
// one vector per label, trained so that each utterance's projection is
// nearer, by cosine, to its label's vector than to any other by a margin
// (a softmax over scaled cosines with an additive margin, CosFace). The
// label vectors are thrown away: what the projection learned of intents in
// general is what it keeps.
func TrainEncoder(examples []Example, opts EncoderOptions) (*Encoder, error) {
	if opts.Dims <= 0 {
		opts.Dims = 128
	}
	if opts.MinCount == 0 {
		opts.MinCount = 2
	}
	if opts.Epochs <= 0 {
		opts.Epochs = 5
	}
	if opts.Scale <= 0 {
		opts.Scale = 20
	}
	if opts.Margin == 0 {
		opts.Margin = 0.2
	}
	if opts.Rate <= 0 {
		opts.Rate = 0.5
	}
	v, err := englishVectors()
	if err != nil {
		return nil, err
	}
	in, k := encoderIn(v), opts.Dims
	labelOf := map[string]int{}
	var xs [][]float32
	var ys []int
	var wrows [][]int32
	var wss [][]string
	var vocab map[string]int32
	if opts.MinCount > 0 {
		count := map[string]int{}
		for _, ex := range examples {
			seen := map[string]bool{}
			for _, w := range words(ex.Text) {
				if !seen[w] {
					seen[w] = true
					count[w]++
				}
			}
		}
		vocab = map[string]int32{}
		for _, ex := range examples { // in order, for determinism
			for _, w := range words(ex.Text) {
				if _, ok := vocab[w]; !ok && count[w] >= opts.MinCount && len(w) < 256 {
					vocab[w] = int32(len(vocab))
				}
			}
		}
	}
	// vocabRows appends to dst the rows of the words of ws that have one.
	vocabRows := func(dst []int32, ws []string) []int32 {
		for _, w := range ws {
			if r, ok := vocab[w]; ok {
				dst = append(dst, r)
			}
		}
		return dst
	}
	for _, ex := range examples {
		x := make([]float32, in)
		ws := words(ex.Text)
		if encoderInput(v, ws, x) == 0 {
			continue
		}
		wrows = append(wrows, vocabRows(nil, ws))
		wss = append(wss, ws)
		y, ok := labelOf[ex.Label]
		if !ok {
			y = len(labelOf)
			labelOf[ex.Label] = y
		}
		xs = append(xs, x)
		ys = append(ys, y)
	}
	C := len(labelOf)
	if C < 2 {
		return nil, errors.New("train encoder: need examples of at least two labels")
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	e := &Encoder{in: in, out: k, p: make([]float32, k*in)}
	// A random start, scaled so that projections have about unit length.
	for i := range e.p {
		e.p[i] = float32(rng.NormFloat64() / math.Sqrt(float64(in)))
	}
	if vocab != nil {
		e.words = newFeatureIndex(len(vocab))
		e.vocab = make([]string, len(vocab))
		for wd, r := range vocab {
			e.words.set(wordHash(wd), r)
			e.vocab[r] = wd
		}
		e.e = make([]float32, len(vocab)*k)
	}
	w := make([]float32, C*k)
	for i := range w {
		w[i] = float32(rng.NormFloat64() / math.Sqrt(float64(k)))
	}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	h := make([]float32, k)
	z := make([]float32, k)
	dz := make([]float32, k)
	cos := make([]float64, C)
	wn := make([]float32, C) // norms of the label vectors
	logits := make([]float64, C)
	s := float32(opts.Scale)
	var kept []string
	xd := make([]float32, in)
	var wd []int32
	total, step := opts.Epochs*len(xs), 0
	for range opts.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			lr := float32(opts.Rate * (1 - float64(step)/float64(total)))
			step++
			x, y, wr := xs[i], ys[i], wrows[i]
			if opts.Dropout > 0 {
				kept = kept[:0]
				for _, w := range wss[i] {
					if rng.Float64() >= opts.Dropout {
						kept = append(kept, w)
					}
				}
				if len(kept) > 0 && encoderInput(v, kept, xd) > 0 {
					x = xd
					wd = vocabRows(wd[:0], kept)
					wr = wd
				}
			}
			// Forward: h = P x, z = h/|h|, cos_c = z . w_c/|w_c|.
			var hn float64
			for o := range k {
				row := e.p[o*in : (o+1)*in]
				var acc float32
				for j, xv := range x {
					acc += row[j] * xv
				}
				h[o] = acc
			}
			for _, r := range wr {
				er := e.e[int(r)*k : int(r+1)*k]
				for o := range k {
					h[o] += er[o] / float32(len(wr))
				}
			}
			for o := range k {
				hn += float64(h[o]) * float64(h[o])
			}
			hn = math.Sqrt(hn)
			if hn == 0 {
				continue
			}
			for o := range k {
				z[o] = h[o] / float32(hn)
			}
			for c := range C {
				wc := w[c*k : (c+1)*k]
				var dot, n float32
				for o, zv := range z {
					dot += zv * wc[o]
					n += wc[o] * wc[o]
				}
				wn[c] = float32(math.Sqrt(float64(n)))
				cos[c] = float64(dot / wn[c])
			}
			for c := range C {
				logits[c] = float64(s) * cos[c]
			}
			logits[y] -= float64(s) * opts.Margin
			softmax(logits)
			logits[y] -= 1 // now the gradient of the loss wrt the logits
			// Backward: through the cosines to z and to the label vectors.
			clear(dz)
			for c, g := range logits {
				if g > -1e-5 && g < 1e-5 {
					continue
				}
				gc := s * float32(g) // dL/dcos_c
				wc := w[c*k : (c+1)*k]
				inv := 1 / wn[c]
				// d cos / d w_c = (z - cos * u_c) / |w_c|, u_c = w_c/|w_c|
				cc := float32(cos[c])
				for o := range k {
					u := wc[o] * inv
					dz[o] += gc * u
					wc[o] -= lr * gc * (z[o] - cc*u) * inv
				}
			}
			// Through the normalisation of h: dh = (dz - (dz.z) z)/|h|.
			var dzz float32
			for o := range k {
				dzz += dz[o] * z[o]
			}
			for o := range k {
				dh := (dz[o] - dzz*z[o]) / float32(hn)
				if dh == 0 {
					continue
				}
				row := e.p[o*in : (o+1)*in]
				for j, xv := range x {
					row[j] -= lr * dh * xv
				}
				for _, r := range wr {
					e.e[int(r)*k+o] -= lr * dh / float32(len(wr))
				}
			}
			if opts.Progress != nil && step%1024 == 0 {
				opts.Progress(step, total)
			}
		}
	}
	e.transpose()
	return e, nil
}

// transpose fills pt from p.
func (e *Encoder) transpose() {
	e.inRows = make([]int32, e.in)
	for i := range e.inRows {
		e.inRows[i] = int32(i)
	}
	e.pt = make([]float32, len(e.p))
	for o := range e.out {
		for i := range e.in {
			e.pt[i*e.out+o] = e.p[o*e.in+i]
		}
	}
}

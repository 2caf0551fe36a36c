package nlu

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// encoderMagic begins an encoder file.
const encoderMagic = "PENC1\n"

// MarshalBinary encodes e: its projection and its words' vectors, each row
// as int8 values with a float32 scale. The same encoder always gives the
// same bytes.
func (e *Encoder) MarshalBinary() ([]byte, error) {
	b := []byte(encoderMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(e.in))
	b = binary.LittleEndian.AppendUint32(b, uint32(e.out))
	for o := range e.out {
		b = appendRow(b, e.p[o*e.in:(o+1)*e.in])
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(e.vocab)))
	for i, w := range e.vocab {
		if len(w) > 255 {
			return nil, errors.New("encode encoder: word too long")
		}
		b = append(b, byte(len(w)))
		b = append(b, w...)
		b = appendRow(b, e.e[i*e.out:(i+1)*e.out])
	}
	return b, nil
}

// appendRow appends row as a float32 scale and int8 values.
func appendRow(b []byte, row []float32) []byte {
	var m float32
	for _, x := range row {
		m = max(m, float32(math.Abs(float64(x))))
	}
	scale := m / 127
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(scale))
	for _, x := range row {
		q := int8(0)
		if scale > 0 {
			q = int8(math.Round(float64(x / scale)))
		}
		b = append(b, byte(q))
	}
	return b
}

// LoadEncoder decodes an encoder that MarshalBinary encoded.
func LoadEncoder(b []byte) (*Encoder, error) {
	whole := b
	bad := errors.New("decode encoder: corrupt file")
	if len(b) < len(encoderMagic)+8 || string(b[:len(encoderMagic)]) != encoderMagic {
		return nil, bad
	}
	b = b[len(encoderMagic):]
	in, out := int(binary.LittleEndian.Uint32(b)), int(binary.LittleEndian.Uint32(b[4:]))
	b = b[8:]
	v, err := englishVectors()
	if err != nil {
		return nil, err
	}
	if in != encoderIn(v) {
		return nil, fmt.Errorf("decode encoder: input of %d dimensions, want %d (the word vectors')", in, encoderIn(v))
	}
	if out <= 0 || out > 512 || len(b) < out*(4+in) {
		return nil, bad
	}
	e := &Encoder{in: in, out: out, p: make([]float32, in*out)}
	for o := range out {
		b = readRow(b, e.p[o*in:(o+1)*in])
	}
	if len(b) < 4 {
		return nil, bad
	}
	n := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	if n < 0 || n > len(b)/(1+4+out) {
		return nil, bad
	}
	if n > 0 {
		e.e = make([]float32, n*out)
		e.words = newFeatureIndex(n)
	}
	for i := range n {
		if len(b) < 1 {
			return nil, bad
		}
		l := int(b[0])
		if len(b) < 1+l+4+out {
			return nil, bad
		}
		w := string(b[1 : 1+l])
		e.vocab = append(e.vocab, w)
		e.words.set(wordHash(w), int32(i))
		b = readRow(b[1+l:], e.e[i*out:(i+1)*out])
	}
	if len(b) != 0 {
		return nil, bad
	}
	e.sum = hashBytes(fnvOffset, string(whole))
	e.transpose()
	return e, nil
}

// readRow reads a row that appendRow wrote into row and returns the rest.
func readRow(b []byte, row []float32) []byte {
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b))
	for i := range row {
		row[i] = float32(int8(b[4+i])) * scale
	}
	return b[4+len(row):]
}

// encoderBin is the encoder trained on the intents of the public datasets
// (see data/README.md and internal/genencoder).
//
//go:embed data/encoder.bin
var encoderBin []byte

var (
	encoderOnce sync.Once
	encoderTab  *Encoder
	encoderErr  error
)

// DefaultEncoder returns the embedded encoder, decoded on first use.
func DefaultEncoder() (*Encoder, error) {
	encoderOnce.Do(func() { encoderTab, encoderErr = LoadEncoder(encoderBin) })
	return encoderTab, encoderErr
}

package nlu

import (
	"bytes"
	"testing"
)

// encoderExamples are utterances of a few intents whose words differ from
// one intent to the next.
func encoderExamples() []Example {
	return []Example{
		{"what is the weather today", "weather"}, {"will it rain tomorrow", "weather"},
		{"is it sunny outside", "weather"}, {"how cold is it", "weather"}, {"weather forecast please", "weather"},
		{"play some music", "music"}, {"put on a song", "music"}, {"play my playlist", "music"},
		{"i want to hear jazz", "music"}, {"start the radio", "music"},
		{"set an alarm for seven", "alarm"}, {"wake me up at six", "alarm"}, {"alarm at noon", "alarm"},
		{"remind me to wake up early", "alarm"}, {"set my alarm", "alarm"},
	}
}

func encodeText(t *testing.T, e *Encoder, text string) []float32 {
	t.Helper()
	v, err := englishVectors()
	if err != nil {
		t.Fatal(err)
	}
	ws := words(text)
	x := make([]float32, e.in)
	encoderInput(v, ws, x)
	z := make([]float32, e.out)
	e.encode(x, ws, z)
	return z
}

func cosine(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TestTrainEncoderGathersIntents: after training, utterances of one intent
// are nearer to each other than to those of another.
func TestTrainEncoderGathersIntents(t *testing.T) {
	ex := encoderExamples()
	e, err := TrainEncoder(ex, EncoderOptions{Dims: 32, Epochs: 30})
	if err != nil {
		t.Fatal(err)
	}
	same, other := 0.0, 0.0
	ns, no := 0, 0
	for i, a := range ex {
		za := encodeText(t, e, a.Text)
		for _, b := range ex[i+1:] {
			c := float64(cosine(za, encodeText(t, e, b.Text)))
			if a.Label == b.Label {
				same, ns = same+c, ns+1
			} else {
				other, no = other+c, no+1
			}
		}
	}
	same, other = same/float64(ns), other/float64(no)
	if same < other+0.3 {
		t.Errorf("mean cosine within intents %.2f, across %.2f: want within well above across", same, other)
	}
	// Deterministic: the same examples give the same bytes.
	e2, err := TrainEncoder(ex, EncoderOptions{Dims: 32, Epochs: 30})
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := e.MarshalBinary()
	b2, _ := e2.MarshalBinary()
	if !bytes.Equal(b1, b2) {
		t.Error("two trainings on the same examples differ")
	}
	if _, err := TrainEncoder(ex[:3], EncoderOptions{}); err == nil {
		t.Error("one label: no error")
	}
}

func TestEncoderRoundTrip(t *testing.T) {
	e, err := TrainEncoder(encoderExamples(), EncoderOptions{Dims: 16, Epochs: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadEncoder(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.sum == 0 || got.in != e.in || got.out != e.out || len(got.vocab) != len(e.vocab) {
		t.Fatalf("loaded encoder: in %d out %d vocab %d sum %x; want %d %d %d and a sum", got.in, got.out, len(got.vocab), got.sum, e.in, e.out, len(e.vocab))
	}
	// Quantised to 8 bits a row: the encodings stay close.
	for _, text := range []string{"will it rain", "play jazz", "wake me at five", "zzz unknown"} {
		if c := cosine(encodeText(t, e, text), encodeText(t, got, text)); c < 0.99 {
			t.Errorf("%q: cosine %.4f between the encodings before and after the round trip", text, c)
		}
	}
	again, _ := got.MarshalBinary()
	if !bytes.Equal(again, b) {
		t.Error("re-encoding a loaded encoder changes its bytes")
	}
	for i := range len(b) {
		if _, err := LoadEncoder(b[:i]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", i, len(b))
		}
	}
}

// TestDefaultEncoder: the embedded encoder loads and a stored model names
// it.
func TestDefaultEncoder(t *testing.T) {
	e, err := DefaultEncoder()
	if err != nil {
		t.Fatal(err)
	}
	if e.sum == 0 || e.out == 0 || len(e.vocab) == 0 {
		t.Fatalf("embedded encoder: out %d, %d words, sum %x", e.out, len(e.vocab), e.sum)
	}
	c, err := Fit(encoderExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.enc != e {
		t.Fatal("Fit did not use the embedded encoder by default")
	}
	c2, err := Fit(encoderExamples(), TrainOptions{NoEncoder: true})
	if err != nil || c2.enc != nil {
		t.Fatalf("NoEncoder: %v, encoder %v", err, c2.enc)
	}
}

func FuzzLoadEncoder(f *testing.F) {
	e, err := TrainEncoder(encoderExamples(), EncoderOptions{Dims: 4, Epochs: 1, MinCount: 1})
	if err != nil {
		f.Fatal(err)
	}
	b, _ := e.MarshalBinary()
	f.Add(b)
	f.Add([]byte(encoderMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := LoadEncoder(b)
		if err != nil {
			return
		}
		again, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := LoadEncoder(again); err != nil {
			t.Fatalf("re-encoded encoder does not load: %v", err)
		}
		encodeText(t, e, "what is the weather")
	})
}

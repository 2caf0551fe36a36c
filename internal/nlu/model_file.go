package nlu

import (
	"bytes"
	"cmp"
	"encoding/gob"
	"errors"
	"fmt"
	"maps"
	"slices"
	"unsafe"
)

// modelVersion is the version of the model file format.
const modelVersion = 1

// modelFile is a Model as stored: maps as sorted slices, so that the same
// model always encodes to the same bytes.
type modelFile struct {
	Version    int
	Exact      []exactFile
	Patterns   []patternFile
	Fields     []fieldsFile
	Threshold  float64
	Classifier *classifierFile
	// Share is true when Threshold is a share of the best task's and the
	// background's probabilities (BackgroundThreshold); false in files
	// written before, whose Threshold is a probability of the best task and
	// which send a message most like the background to the fallback.
	Share bool
}

type exactFile struct {
	Text  string
	Tasks []string
}

type patternFile struct {
	Task  string
	Parts []partFile
}

type partFile struct{ Word, Field, FieldType string }

type fieldsFile struct {
	Task   string
	Fields []taskFieldFile
}

type taskFieldFile struct{ Name, FieldType string }

type classifierFile struct {
	Labels []string
	Hashes []uint64 // feature hashes, sorted
	Rows   []int32  // row of each hash
	IDF    []float32
	// W holds the weights in float32, in files written before they were
	// quantized; Q (int8 as bytes) and Scale hold them since.
	W, B      []float32
	Q         []byte
	Scale     []float32
	Vectors   bool
	VecRow    int32
	VecWeight float32
	MaxWeight float32 // 0 in files written before max pooling
	MaxIDF    float32
	Cross     bool
	// EncoderSum names the embedded encoder the classifier was trained
	// with (0: none, as in files written before it).
	EncoderSum    uint64
	EncoderRow    int32
	EncoderWeight float32
}

// MarshalBinary encodes the model, for a model build to store. The same
// model always gives the same bytes.
func (m *Model) MarshalBinary() ([]byte, error) {
	f := modelFile{Version: modelVersion, Threshold: m.threshold, Share: !m.legacy}
	for _, text := range slices.Sorted(maps.Keys(m.exact)) {
		f.Exact = append(f.Exact, exactFile{text, m.exact[text]})
	}
	for _, p := range m.patterns {
		pf := patternFile{Task: p.task}
		for _, x := range p.parts {
			pf.Parts = append(pf.Parts, partFile{x.word, x.field, x.fieldType})
		}
		f.Patterns = append(f.Patterns, pf)
	}
	for _, task := range slices.Sorted(maps.Keys(m.fields)) {
		ff := fieldsFile{Task: task}
		for _, tf := range m.fields[task] {
			ff.Fields = append(ff.Fields, taskFieldFile{tf.name, tf.fieldType})
		}
		f.Fields = append(f.Fields, ff)
	}
	if m.clf != nil {
		if m.clf.enc != nil && m.clf.enc.sum == 0 {
			return nil, errors.New("encode model: its encoder was not loaded from a file")
		}
		f.Classifier = m.clf.file()
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(&f); err != nil {
		return nil, fmt.Errorf("encode model: %w", err)
	}
	return b.Bytes(), nil
}

// LoadModel decodes a model that MarshalBinary encoded. types resolves the
// field types of its {field} slots, as for TrainModel.
func LoadModel(data []byte, types TypeResolver) (*Model, error) {
	var f modelFile
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&f); err != nil {
		return nil, fmt.Errorf("decode model: %w", err)
	}
	if f.Version != modelVersion {
		return nil, fmt.Errorf("decode model: version %d, want %d (rebuild the model)", f.Version, modelVersion)
	}
	m := &Model{exact: map[string][]string{}, types: types, threshold: f.Threshold, fields: map[string][]taskField{}, legacy: !f.Share}
	for _, e := range f.Exact {
		m.exact[e.Text] = e.Tasks
	}
	if !m.legacy {
		m.phrases = phrases(m.exact)
	}
	for _, pf := range f.Patterns {
		p := pattern{task: pf.Task}
		for _, x := range pf.Parts {
			p.parts = append(p.parts, part{x.Word, x.Field, x.FieldType})
		}
		m.patterns = append(m.patterns, p)
	}
	for _, ff := range f.Fields {
		for _, tf := range ff.Fields {
			m.fields[ff.Task] = append(m.fields[ff.Task], taskField{tf.Name, tf.FieldType})
		}
	}
	if cf := f.Classifier; cf != nil {
		c, err := cf.classifier()
		if err != nil {
			return nil, fmt.Errorf("decode model: %w", err)
		}
		m.clf = c
	}
	return m, nil
}

// file returns c as stored.
func (c *Classifier) file() *classifierFile {
	cf := &classifierFile{Labels: c.labels, IDF: c.idf, W: c.w, B: c.b, Q: unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c.q))), len(c.q)), Scale: c.scale,
		Vectors: c.vecs != nil, VecRow: c.vecRow, VecWeight: c.vecWeight, MaxWeight: c.maxWeight, MaxIDF: c.maxIDF, Cross: c.cross}
	if c.enc != nil {
		cf.EncoderSum, cf.EncoderRow, cf.EncoderWeight = c.enc.sum, c.encRow, c.encWeight
	}
	cf.Hashes, cf.Rows = c.index.sorted()
	return cf
}

// classifier checks the sizes of a stored classifier, so that a damaged file
// is an error here and never an out-of-range index later.
func (cf *classifierFile) classifier() (*Classifier, error) {
	K := len(cf.Labels)
	rows := len(cf.IDF)
	c := &Classifier{labels: cf.Labels, idf: cf.IDF, w: cf.W, b: cf.B, scale: cf.Scale, q: unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(cf.Q))), len(cf.Q)), vecRow: cf.VecRow, vecWeight: cf.VecWeight, maxWeight: cf.MaxWeight, maxIDF: cf.MaxIDF, cross: cf.Cross}
	if cf.Vectors {
		vecs, err := englishVectors()
		if err != nil {
			return nil, err
		}
		c.vecs = vecs
		if int(cf.VecRow) != rows {
			return nil, errors.New("classifier: vector rows misplaced")
		}
		rows += vecs.dims
		if cf.MaxWeight != 0 {
			rows += vecs.dims
		}
		if cf.EncoderSum != 0 {
			enc, err := DefaultEncoder()
			if err != nil {
				return nil, err
			}
			if enc.sum != cf.EncoderSum {
				return nil, errors.New("classifier: trained with another encoder than this version's (rebuild the model)")
			}
			if int(cf.EncoderRow) != rows {
				return nil, errors.New("classifier: encoder rows misplaced")
			}
			c.enc, c.encRow, c.encWeight = enc, cf.EncoderRow, cf.EncoderWeight
			rows += enc.out
		}
	}
	switch {
	case K < 2:
		return nil, errors.New("classifier: fewer than two labels")
	case len(cf.B) != K:
		return nil, errors.New("classifier: weights of the wrong size")
	case cf.W != nil && (len(cf.W) != rows*K || cf.Q != nil || cf.Scale != nil):
		return nil, errors.New("classifier: weights of the wrong size")
	case cf.W == nil && (len(cf.Q) != rows*K || len(cf.Scale) != rows):
		return nil, errors.New("classifier: weights of the wrong size")
	case len(cf.Hashes) != len(cf.Rows) || !slices.IsSortedFunc(cf.Hashes, cmp.Compare[uint64]):
		return nil, errors.New("classifier: damaged feature index")
	}
	c.index = newFeatureIndex(len(cf.Hashes))
	for i, h := range cf.Hashes {
		r := cf.Rows[i]
		if r < 0 || int(r) >= len(cf.IDF) {
			return nil, errors.New("classifier: feature row out of range")
		}
		c.index.set(h, r)
	}
	// A classifier stored with float32 weights keeps them, and classifies
	// exactly as it did, until its model is rebuilt.
	return c, nil
}

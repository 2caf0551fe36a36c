// Package nlu decides which task a user's utterance asks for, and fills the
// task's fields from it.
//
// A [Model] is trained from an assistant's samples ([TrainModel]). It first
// matches an utterance against the samples after normalisation (case,
// punctuation and spacing do not matter), each {field} tag of a sample
// matching the words of a value of the field's type. An utterance no sample
// matches goes to a [Classifier] trained on the samples and on a background
// of everyday requests the assistant does not claim: its most probable task,
// unless the background (and the tasks a listen leaves out) outweighs it past
// the threshold ([BackgroundThreshold]) and the utterance contains none of
// the task's samples, else no task (the engine's fallback). [Fit] and [Classifier.Rank] are the
// classifier alone, as `parley eval` measures it. The package is pure: no
// I/O, no clock.
package nlu

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/fields"
)

// A Query asks which task an utterance is for.
type Query struct {
	Text     string
	Language string
	// Tasks, when not empty, restricts the candidates to these task unique
	// names (listen: {tasks: [...]}).
	Tasks []string
	Now   time.Time // reference for relative dates in fields
}

// A Result is the answer to a [Query]. Task is empty when no task fits: the
// engine then runs the fallback.
type Result struct {
	Task       string
	Confidence float64 // 0..1
	NextBest   string  // the runner-up task, or empty
	Fields     []Field
}

// A Field is one field value found in the utterance.
type Field struct {
	Name  string `json:"name"`  // the field's unique name
	Value string `json:"value"` // normalised by the field's type
	Type  string `json:"type"`  // the field type's unique name
}

// TypeResolver returns the extractor of a field type (a built-in Twilio.*
// name or a custom type's unique name), or false when there is none.
type TypeResolver func(fieldType string) (fields.Extractor, bool)

// A Model matches utterances to the tasks of one assistant. It is immutable
// and safe for concurrent use.
type Model struct {
	exact    map[string][]string // normalised sample -> task names, in task order
	patterns []pattern           // samples with {field} tags
	types    TypeResolver

	// clf generalises beyond the samples; nil when fewer than two tasks
	// have samples. Below threshold, its best task is not trusted.
	clf       *Classifier
	threshold float64
	fields    map[string][]taskField // by task
	// phrases holds the words of each task's samples that have a content
	// word: an utterance that contains one of its task's phrases is trusted
	// below the threshold.
	phrases map[string][][]string
	// legacy models were built before the threshold was a share of the
	// background's probability: they keep the rule they were built with
	// (see decideLegacy) until they are rebuilt.
	legacy bool
}

type taskField struct{ name, fieldType string }

// DefaultThreshold is the probability below which the classifier's best
// label is not trusted, for a dataset with many labels: on CLINC150's
// validation split (150 intents) it keeps in-scope accuracy while catching
// half of the out-of-scope utterances (see BENCHMARKS.md).
const DefaultThreshold = 0.3

// BackgroundThreshold is the default threshold of an assistant's
// classifier, which is trained with a background of everyday requests: the
// least share that the best task must have of its probability and the
// background's together, P(task) / (P(task) + P(background)). Below it, the
// message is far more like the everyday requests than like the task and
// gets the fallback, unless it contains one of the task's samples word for
// word. At 0.5 everything the background outweighs would go to the
// fallback. Chosen on the fixture bots and the examples (samples left out
// one at a time; CLINC150's out-of-scope train and val questions as
// off-topic messages), mean over 19 bots of the held-out samples routed
// right / the off-topic questions sent to the fallback, without the
// encoder: 0.5: 0.730 / 0.984, 0.1: 0.806 / 0.964, 0.02: 0.828 / 0.922,
// 0.01: 0.837 / 0.880, 0.005: 0.837 / 0.813, no threshold: 0.844 routed
// right; with it: 0.5: 0.769 / 0.987, 0.02: 0.850 / 0.936, 0.01: 0.851 /
// 0.913, 0.005: 0.852 / 0.877, none: 0.859. 0.01 routes nearly every
// message the classifier gets right and still sends most off-topic ones to
// the fallback (BENCHMARKS.md, docs/engine.md).
const BackgroundThreshold = 0.01

// ModelOptions tune [TrainModel].
type ModelOptions struct {
	// Classifier, when set, trains a classifier that routes utterances no
	// sample matches; without it, they get no task. The engine sets it.
	Classifier bool
	// Threshold replaces BackgroundThreshold when positive.
	Threshold float64
	Train     TrainOptions
}

type pattern struct {
	task  string
	parts []part
}

// A part of a pattern is a literal normalised word, or a field slot.
type part struct {
	word      string
	field     string // non-empty for a slot
	fieldType string
}

var tagRE = regexp.MustCompile(`\{([^{}]+)\}`)

// TrainModel builds a Model from the samples of a's tasks: an exact matcher
// of the samples (after normalisation, with typed {field} slots) and a
// classifier trained on them, their tags filled with example values of the
// fields' types.
func TrainModel(a *assistant.Assistant, types TypeResolver, opts ModelOptions) (*Model, error) {
	m := &Model{exact: map[string][]string{}, types: types, threshold: opts.Threshold, fields: map[string][]taskField{}}
	var examples []Example
	labels := 0
	for _, t := range a.Tasks {
		ftypes := map[string]string{}
		for _, f := range t.Fields {
			ftypes[f.UniqueName] = f.FieldType
			m.fields[t.UniqueName] = append(m.fields[t.UniqueName], taskField{f.UniqueName, f.FieldType})
		}
		if len(t.Samples) > 0 {
			labels++
		}
		for _, s := range t.Samples {
			for _, text := range expandTags(s.TaggedText, ftypes, a) {
				examples = append(examples, Example{Text: text, Label: t.UniqueName})
			}
		}
		for _, s := range t.Samples {
			p := compile(t.UniqueName, s.TaggedText, ftypes)
			if !p.hasSlot() {
				key := joinWords(p.parts)
				if key == "" {
					continue
				}
				if !slices.Contains(m.exact[key], t.UniqueName) {
					m.exact[key] = append(m.exact[key], t.UniqueName)
				}
				continue
			}
			if types == nil {
				return nil, fmt.Errorf("train: task %q: sample %q has fields but no field types were given", t.UniqueName, s.TaggedText)
			}
			m.patterns = append(m.patterns, p)
		}
	}
	m.phrases = phrases(m.exact)
	if opts.Classifier && labels >= 2 {
		clf, err := fitWithBackground(examples, opts.Train)
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		m.clf = clf
		if m.threshold <= 0 {
			m.threshold = BackgroundThreshold
		}
	}
	return m, nil
}

// exampleValues are values of the built-in types, put in place of tags in
// training sentences.
var exampleValues = map[string][]string{
	"twilio.number":             {"two", "5", "10"},
	"twilio.number_sequence":    {"1234", "5 6 7 8"},
	"twilio.alphanumeric":       {"ab123", "x9z"},
	"twilio.phone_number":       {"415 555 0100", "+14155550199"},
	"twilio.email":              {"ana@example.com"},
	"twilio.date":               {"tomorrow", "monday", "january 5th"},
	"twilio.time":               {"7pm", "noon", "8:30"},
	"twilio.day_of_week":        {"monday", "friday"},
	"twilio.month":              {"january", "july"},
	"twilio.yes_no":             {"yes", "no"},
	"twilio.first_name":         {"john", "maria"},
	"twilio.last_name":          {"smith", "garcia"},
	"twilio.city":               {"london", "new york"},
	"twilio.us_state":           {"california", "texas"},
	"twilio.country":            {"france", "canada"},
	"twilio.country_iso_alpha2": {"france", "canada"},
	"twilio.country_iso_alpha3": {"france", "canada"},
	"twilio.currency":           {"dollars", "euros"},
	"twilio.language":           {"spanish", "english"},
}

// expandTags returns the training sentences of a tagged sample: with no
// tags, the sample itself; otherwise up to three sentences, each tag filled
// with a value of its field's type (a custom type's values, or examples of a
// built-in type). Tags naming no field stay as words.
func expandTags(tagged string, ftypes map[string]string, a *assistant.Assistant) []string {
	locs := tagRE.FindAllStringSubmatchIndex(tagged, -1)
	if len(locs) == 0 {
		return []string{tagged}
	}
	var out []string
	for variant := 0; variant < 3; variant++ {
		var b strings.Builder
		last, filled := 0, false
		for _, loc := range locs {
			b.WriteString(tagged[last:loc[0]])
			name := tagged[loc[2]:loc[3]]
			vals := valuesOf(ftypes[name], a)
			if len(vals) == 0 {
				b.WriteString(name)
			} else {
				b.WriteString(vals[variant%len(vals)])
				filled = filled || variant < len(vals)
			}
			last = loc[1]
		}
		b.WriteString(tagged[last:])
		if variant > 0 && !filled {
			break
		}
		out = append(out, b.String())
	}
	return out
}

// valuesOf returns example values of a field type.
func valuesOf(fieldType string, a *assistant.Assistant) []string {
	if fieldType == "" {
		return nil
	}
	if ft := a.FieldType(fieldType); ft != nil {
		var vs []string
		for _, v := range ft.Values {
			if len(vs) == 3 {
				break
			}
			vs = append(vs, v.Value)
		}
		return vs
	}
	return exampleValues[strings.ToLower(fieldType)]
}

func compile(task, tagged string, ftypes map[string]string) pattern {
	p := pattern{task: task}
	last := 0
	for _, loc := range tagRE.FindAllStringSubmatchIndex(tagged, -1) {
		for _, w := range tokens(tagged[last:loc[0]]) {
			p.parts = append(p.parts, part{word: w.norm})
		}
		name := tagged[loc[2]:loc[3]]
		if ft, ok := ftypes[name]; ok {
			p.parts = append(p.parts, part{field: name, fieldType: ft})
		} else {
			for _, w := range tokens(name) {
				p.parts = append(p.parts, part{word: w.norm})
			}
		}
		last = loc[1]
	}
	for _, w := range tokens(tagged[last:]) {
		p.parts = append(p.parts, part{word: w.norm})
	}
	return p
}

func (p pattern) hasSlot() bool {
	for _, x := range p.parts {
		if x.field != "" {
			return true
		}
	}
	return false
}

func joinWords(parts []part) string {
	ws := make([]string, len(parts))
	for i, x := range parts {
		ws[i] = x.word
	}
	return strings.Join(ws, " ")
}

// Classify matches q against the model's samples.
func (m *Model) Classify(q Query) Result {
	toks := tokens(q.Text)
	if len(toks) == 0 {
		return Result{}
	}
	allowed := func(task string) bool { return len(q.Tasks) == 0 || slices.Contains(q.Tasks, task) }
	var matched []string
	var found []Field
	norm := make([]string, len(toks))
	for i, t := range toks {
		norm[i] = t.norm
	}
	for _, task := range m.exact[strings.Join(norm, " ")] {
		if allowed(task) {
			matched = append(matched, task)
		}
	}
	in := fields.Input{Text: q.Text, Language: q.Language, Now: q.Now}
	for _, p := range m.patterns {
		if !allowed(p.task) || slices.Contains(matched, p.task) {
			continue
		}
		if fs, ok := m.match(p.parts, toks, in); ok {
			if len(matched) == 0 {
				found = fs
			}
			matched = append(matched, p.task)
		}
	}
	if len(matched) == 0 {
		return m.classify(q, in)
	}
	r := Result{Task: matched[0], Confidence: 1, Fields: found}
	if len(matched) > 1 {
		// Two tasks share the utterance: Autopilot's confidence is
		// (p1-p2)/p1, which a tie makes 0.
		r.Confidence = 0
		r.NextBest = matched[1]
	}
	return r
}

// classify asks the classifier for an utterance no sample matches exactly.
// The confidence is Autopilot's: (p1-p2)/p1 of the two most probable tasks.
func (m *Model) classify(q Query, in fields.Input) Result {
	if m.clf == nil {
		return Result{}
	}
	var ranked []Scored
	var ok bool
	if m.legacy {
		ranked, ok = decideLegacy(m.clf.Rank(q.Text, nil), q.Tasks, m.threshold)
	} else {
		ranked, ok = decide(m.clf.Rank(q.Text, nil), q.Tasks, m.threshold)
		ok = ok || len(ranked) > 0 && containsPhrase(words(q.Text), m.phrases[ranked[0].Label])
	}
	if !ok {
		return Result{}
	}
	r := Result{Task: ranked[0].Label, Confidence: 1}
	if len(ranked) > 1 {
		p1, p2 := ranked[0].Prob, ranked[1].Prob
		r.Confidence = (p1 - p2) / p1
		r.NextBest = ranked[1].Label
	}
	r.Fields = m.extractFields(r.Task, q, in)
	return r
}

// decide picks the tasks an utterance may be for from the probabilities of
// an assistant's classifier (all its labels, background included): the
// allowed tasks (all when allowed is empty) by decreasing probability, and
// whether the best of them is trusted: its share of its own probability and
// that of everything it is not allowed to be (the background, and the tasks
// a listen leaves out) reaches threshold (see [BackgroundThreshold]).
// Probabilities are over all labels: renormalising over a listen's few
// tasks would make any utterance look certain.
func decide(all []Scored, allowed []string, threshold float64) ([]Scored, bool) {
	var other float64
	var ranked []Scored
	for _, s := range all {
		if s.Label != backgroundLabel && (len(allowed) == 0 || slices.Contains(allowed, s.Label)) {
			ranked = append(ranked, s)
		} else {
			other += s.Prob
		}
	}
	if len(ranked) == 0 {
		return nil, false
	}
	return ranked, inScope(ranked[0].Prob, other) >= threshold
}

// decideLegacy is the rule of models built before [decide]: an utterance
// whose most probable label is the background fits no task, nor one whose
// best allowed task is less probable than threshold.
func decideLegacy(all []Scored, allowed []string, threshold float64) ([]Scored, bool) {
	if len(all) == 0 || all[0].Label == backgroundLabel {
		return nil, false
	}
	ranked, _ := decide(all, allowed, 0)
	return ranked, len(ranked) > 0 && ranked[0].Prob >= threshold
}

// phrases returns the words of the samples of each task that have a content
// word, from the exact matcher's table.
func phrases(exact map[string][]string) map[string][][]string {
	out := map[string][][]string{}
	for _, key := range slices.Sorted(maps.Keys(exact)) {
		if len(contentWords(key)) == 0 {
			continue
		}
		ws := strings.Fields(key)
		for _, task := range exact[key] {
			out[task] = append(out[task], ws)
		}
	}
	return out
}

// containsPhrase reports whether one of phrases appears, word for word, in
// the words ws: "put me through to the front desk" contains the sample
// "front desk".
func containsPhrase(ws []string, phrases [][]string) bool {
	for _, p := range phrases {
		for i := 0; i+len(p) <= len(ws); i++ {
			if slices.Equal(ws[i:i+len(p)], p) {
				return true
			}
		}
	}
	return false
}

// inScope is the share of a task's probability p in p and the probability
// bg of what it is not allowed to be, together; 0 when both are 0.
func inScope(p, bg float64) float64 {
	if p+bg == 0 {
		return 0
	}
	return p / (p + bg)
}

// extractFields fills the fields of task from an utterance: through a
// tagged sample of the task whose words match, else by finding a value of
// each field's type anywhere in it.
func (m *Model) extractFields(task string, q Query, in fields.Input) []Field {
	toks := tokens(q.Text)
	for _, p := range m.patterns {
		if p.task != task {
			continue
		}
		if fs, ok := m.match(p.parts, toks, in); ok {
			return fs
		}
	}
	var out []Field
	for _, f := range m.fields[task] {
		if m.types == nil {
			break
		}
		ext, ok := m.types(f.fieldType)
		if !ok {
			continue
		}
		if v, ok := fields.Answer(ext, in); ok {
			out = append(out, Field{Name: f.name, Value: v, Type: f.fieldType})
		}
	}
	return out
}

// match reports whether parts match all of toks, and the fields the slots
// took. Slots take the shortest span whose original text is exactly a value
// of the field's type, backtracking to longer spans.
func (m *Model) match(parts []part, toks []token, in fields.Input) ([]Field, bool) {
	if len(parts) == 0 {
		return nil, len(toks) == 0
	}
	p := parts[0]
	if p.field == "" {
		if len(toks) == 0 || toks[0].norm != p.word {
			return nil, false
		}
		return m.match(parts[1:], toks[1:], in)
	}
	if m.types == nil {
		return nil, false
	}
	ext, ok := m.types(p.fieldType)
	if !ok {
		return nil, false
	}
	for n := 1; n <= len(toks)-minWords(parts[1:]); n++ {
		span := fields.Input{Text: in.Text[toks[0].start:toks[n-1].end], Language: in.Language, Now: in.Now}
		v, ok := fields.Exact(ext, span)
		if !ok {
			continue
		}
		rest, ok := m.match(parts[1:], toks[n:], in)
		if ok {
			return append([]Field{{Name: p.field, Value: v, Type: p.fieldType}}, rest...), true
		}
	}
	return nil, false
}

func minWords(parts []part) int { return len(parts) }

// A token is one word of an utterance: its normalised form and its byte span
// in the original text.
type token struct {
	norm       string
	start, end int
}

// tokens splits s into words: runs of letters and digits, lower-cased, with
// apostrophes inside a word dropped ("what's" -> "whats").
func tokens(s string) []token {
	var nb [256]byte
	var sb [32]wordSpan
	norm, spans := scanWords(s, nb[:0], sb[:0])
	if len(spans) == 0 {
		return nil
	}
	all := string(norm)
	out := make([]token, len(spans))
	for i, sp := range spans {
		out[i] = token{norm: all[sp.from:sp.to], start: sp.start, end: sp.end}
	}
	return out
}

// A wordSpan locates a word that scanWords found: its normalised form is
// norm[from:to] and it was s[start:end].
type wordSpan struct{ from, to, start, end int }

// scanWords appends to norm the normalised words of s (see tokens), one after
// the other, and to spans where each is.
func scanWords(s string, norm []byte, spans []wordSpan) ([]byte, []wordSpan) {
	start, from := -1, 0 // of the word being read, in s and in norm
	for i := 0; i < len(s); {
		c := s[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		n := len(norm)
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
			norm = append(norm, c)
		case 'A' <= c && c <= 'Z':
			norm = append(norm, c+('a'-'A'))
		case c >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)):
			norm = utf8.AppendRune(norm, unicode.ToLower(r))
		case (r == '\'' || r == '’') && start >= 0 && nextIsLetter(s[i+size:]):
			// inside a word: skip
		default:
			if start >= 0 {
				spans = append(spans, wordSpan{from, len(norm), start, i})
				start = -1
			}
		}
		if start < 0 && len(norm) > n {
			start, from = i, n // a word begins
		}
		i += size
	}
	if start >= 0 {
		spans = append(spans, wordSpan{from, len(norm), start, len(s)})
	}
	return norm, spans
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// Types resolves the field types of an assistant: its custom types (values
// and synonyms), else the built-in Twilio.* types.
func Types(a *assistant.Assistant) TypeResolver {
	custom := make(map[string]fields.Extractor, len(a.FieldTypes))
	for _, ft := range a.FieldTypes {
		vals := make([]fields.Value, len(ft.Values))
		for i, v := range ft.Values {
			vals[i] = fields.Value{Value: v.Value, SynonymOf: v.SynonymOf}
		}
		custom[ft.UniqueName] = fields.Custom(vals)
	}
	return func(name string) (fields.Extractor, bool) {
		if x, ok := custom[name]; ok {
			return x, true
		}
		return fields.Builtin(name)
	}
}

// Size estimates the bytes of memory the model holds of its own: its
// weights, feature index and sample tables (the shared word vectors and
// encoder not counted).
func (m *Model) Size() int {
	n := 0
	for k, v := range m.exact {
		n += len(k) + 16*len(v) + 48
	}
	n += 64 * len(m.patterns)
	if c := m.clf; c != nil {
		n += len(c.q) + 4*(len(c.w)+len(c.scale)+len(c.idf)+len(c.b)) + 16*len(c.index.slots)
		for _, l := range c.labels {
			n += len(l) + 16
		}
	}
	return n
}

// Package nlu decides which task a user's utterance asks for, and fills the
// task's fields from it.
//
// A [Model] is trained from an assistant's samples. This first model matches
// an utterance against the samples after normalisation (case, punctuation and
// spacing do not matter), with each {field} tag of a sample matching the words
// of a value of the field's type; an utterance that matches no sample gets no
// task, and the engine sends it to the fallback. The classifier that
// generalises beyond the samples replaces [Train] behind the same [Query] and
// [Result]. The package is pure: no I/O, no clock.
package nlu

import (
	"fmt"
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
	Name  string // the field's unique name
	Value string // normalised by the field's type
	Type  string // the field type's unique name
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

// Train builds a Model from the samples of a's tasks. Tags naming no field of
// their task are matched as literal words.
func Train(a *assistant.Assistant, types TypeResolver) (*Model, error) {
	m := &Model{exact: map[string][]string{}, types: types}
	for _, t := range a.Tasks {
		ftypes := map[string]string{}
		for _, f := range t.Fields {
			ftypes[f.UniqueName] = f.FieldType
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
	return m, nil
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
		return Result{}
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
	var out []token
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start >= 0 && b.Len() > 0 {
			out = append(out, token{norm: b.String(), start: start, end: end})
		}
		b.Reset()
		start = -1
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
			b.WriteString(strings.ToLower(string(r)))
		case (r == '\'' || r == '’') && start >= 0 && nextIsLetter(s[i+utf8.RuneLen(r):]):
			// inside a word: skip
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

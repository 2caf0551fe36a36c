package actions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Marshal writes doc as canonical, compact Actions JSON that [Parse] reads
// back to an equal Document:
//
//   - say is a string; a redirect is a string unless it has a method;
//   - listen is true, false, or an object when it has options;
//   - max_attempts is always the object form;
//   - object keys come in the order of the Actions reference, except that
//     remember values and handoff options are sorted by key and written as
//     they were parsed;
//   - <, > and & are written as they are (SSML stays readable).
//
// Marshal fails only on a nil or foreign Action; it does not validate.
func Marshal(doc *Document) ([]byte, error) {
	var w writer
	w.document(doc)
	return w.bytes()
}

// MarshalJSON implements json.Marshaler with [Marshal].
func (d Document) MarshalJSON() ([]byte, error) { return Marshal(&d) }

// UnmarshalJSON implements json.Unmarshaler with [Parse].
func (d *Document) UnmarshalJSON(data []byte) error {
	doc, err := Parse(data)
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

// writer builds compact JSON with keys in a chosen order.
type writer struct {
	b     bytes.Buffer
	comma []bool // per open container: an element was written
	skip  bool   // a key was just written: its value needs no comma
	err   error
}

func (w *writer) bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.b.Bytes(), nil
}

// sep writes the comma before a value when needed.
func (w *writer) sep() {
	if w.skip {
		w.skip = false
		return
	}
	if n := len(w.comma); n > 0 {
		if w.comma[n-1] {
			w.b.WriteByte(',')
		}
		w.comma[n-1] = true
	}
}

func (w *writer) open() {
	w.sep()
	w.b.WriteByte('{')
	w.comma = append(w.comma, false)
}

func (w *writer) openArray() {
	w.sep()
	w.b.WriteByte('[')
	w.comma = append(w.comma, false)
}

func (w *writer) close() {
	w.comma = w.comma[:len(w.comma)-1]
	w.b.WriteByte('}')
}

func (w *writer) closeArray() {
	w.comma = w.comma[:len(w.comma)-1]
	w.b.WriteByte(']')
}

// key writes an object key; the value that follows writes no comma.
func (w *writer) key(k string) {
	w.sep()
	w.quote(k)
	w.b.WriteByte(':')
	w.skip = true
}

// value starts a scalar value.
func (w *writer) value() { w.sep() }

func (w *writer) str(s string) {
	w.value()
	w.quote(s)
}

func (w *writer) boolean(b bool) {
	w.value()
	w.b.WriteString(strconv.FormatBool(b))
}

func (w *writer) integer(n int) {
	w.value()
	w.b.WriteString(strconv.Itoa(n))
}

func (w *writer) raw(r json.RawMessage) {
	w.value()
	if len(r) == 0 {
		w.b.WriteString("null")
		return
	}
	w.b.Write(r)
}

// quote writes s as a JSON string without HTML escaping. Invalid UTF-8 is
// written as U+FFFD, as encoding/json does.
func (w *writer) quote(s string) {
	const hex = "0123456789abcdef"
	w.b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				w.b.WriteByte('\\')
				w.b.WriteByte(c)
			case c == '\n':
				w.b.WriteString(`\n`)
			case c == '\r':
				w.b.WriteString(`\r`)
			case c == '\t':
				w.b.WriteString(`\t`)
			case c < 0x20:
				w.b.WriteString(`\u00`)
				w.b.WriteByte(hex[c>>4])
				w.b.WriteByte(hex[c&0xf])
			default:
				w.b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			w.b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&w.b, `\u%04x`, r)
		default:
			w.b.WriteString(s[i : i+size])
		}
		i += size
	}
	w.b.WriteByte('"')
}

func (w *writer) document(doc *Document) {
	w.open()
	w.key("actions")
	w.openArray()
	if doc != nil {
		for i, a := range doc.Actions {
			w.action(i, a)
		}
	}
	w.closeArray()
	w.close()
}

func (w *writer) action(i int, a Action) {
	if a == nil {
		w.fail(fmt.Errorf("actions[%d]: nil action", i))
		return
	}
	w.open()
	w.key(a.Kind())
	switch a := a.(type) {
	case *Say:
		w.str(a.Speech)
	case *Play:
		w.open()
		w.key("url")
		w.str(a.URL)
		if a.Loop != 0 {
			w.key("loop")
			w.integer(a.Loop)
		}
		w.close()
	case *Show:
		w.open()
		w.key("body")
		w.str(a.Body)
		if a.Subject != "" {
			w.key("subject")
			w.str(a.Subject)
		}
		if len(a.Images) > 0 {
			w.key("images")
			w.openArray()
			for _, im := range a.Images {
				w.open()
				w.key("url")
				w.str(im.URL)
				if im.Label != "" {
					w.key("label")
					w.str(im.Label)
				}
				w.close()
			}
			w.closeArray()
		}
		w.close()
	case *Remember:
		w.rawObject(a.Values)
	case *Redirect:
		w.redirect(a)
	case *Listen:
		w.listen(a)
	case *Collect:
		w.collect(a)
	case *Handoff:
		w.open()
		w.key("channel")
		w.str(a.Channel)
		w.key("uri")
		w.str(a.URI)
		if a.Method != "" {
			w.key("method")
			w.str(a.Method)
		}
		for _, k := range slices.Sorted(mapKeys(a.Options)) {
			w.key(k)
			w.raw(a.Options[k])
		}
		w.close()
	default:
		w.fail(fmt.Errorf("actions[%d]: unknown action type %T", i, a))
		w.b.WriteString("null")
	}
	w.close()
}

func (w *writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (w *writer) rawObject(m map[string]json.RawMessage) {
	w.open()
	for _, k := range slices.Sorted(mapKeys(m)) {
		w.key(k)
		w.raw(m[k])
	}
	w.close()
}

func (w *writer) redirect(r *Redirect) {
	if r == nil {
		w.str("")
		return
	}
	if r.Method == "" {
		w.str(r.URI)
		return
	}
	w.open()
	w.key("uri")
	w.str(r.URI)
	w.key("method")
	w.str(r.Method)
	w.close()
}

func (w *writer) listen(l *Listen) {
	if l.Off {
		w.boolean(false)
		return
	}
	if len(l.Tasks) == 0 && l.VoiceDigits == nil && l.Barge == nil {
		w.boolean(true)
		return
	}
	w.open()
	if len(l.Tasks) > 0 {
		w.key("tasks")
		w.strings(l.Tasks)
	}
	if l.VoiceDigits != nil {
		w.key("voice_digits")
		w.voiceDigits(l.VoiceDigits)
	}
	if l.Barge != nil {
		w.key("barge")
		w.boolean(*l.Barge)
	}
	w.close()
}

func (w *writer) strings(ss []string) {
	w.openArray()
	for _, s := range ss {
		w.str(s)
	}
	w.closeArray()
}

func (w *writer) voiceDigits(vd *VoiceDigits) {
	w.open()
	if vd.NumDigits != 0 {
		w.key("num_digits")
		w.integer(vd.NumDigits)
	}
	if vd.FinishOnKey != "" {
		w.key("finish_on_key")
		w.str(vd.FinishOnKey)
	}
	if vd.Redirects != nil {
		w.key("redirects")
		w.open()
		for _, k := range slices.Sorted(mapKeys(vd.Redirects)) {
			w.key(k)
			w.str(vd.Redirects[k])
		}
		w.close()
	}
	w.close()
}

func (w *writer) collect(c *Collect) {
	w.open()
	w.key("name")
	w.str(c.Name)
	w.key("questions")
	w.openArray()
	for _, q := range c.Questions {
		w.question(&q)
	}
	w.closeArray()
	w.key("on_complete")
	w.open()
	w.key("redirect")
	w.redirect(c.OnComplete)
	w.close()
	w.close()
}

func (w *writer) question(q *Question) {
	w.open()
	w.key("question")
	w.str(q.Question.Speech)
	w.key("name")
	w.str(q.Name)
	if q.Type != "" {
		w.key("type")
		w.str(q.Type)
	}
	if q.VoiceDigits != nil {
		w.key("voice_digits")
		w.voiceDigits(q.VoiceDigits)
	}
	if q.Validate != nil {
		w.key("validate")
		w.validate(q.Validate)
	}
	if q.Prefill != "" {
		w.key("prefill")
		w.str(q.Prefill)
	}
	w.close()
}

func (w *writer) validate(v *Validate) {
	w.open()
	if v.AllowedValues != nil {
		w.key("allowed_values")
		w.open()
		w.key("list")
		w.strings(v.AllowedValues)
		w.close()
	}
	if v.OnFailure != nil {
		w.key("on_failure")
		w.onFailure(v.OnFailure)
	}
	if v.OnSuccess != nil {
		w.key("on_success")
		w.sayMessage(*v.OnSuccess)
	}
	if v.MaxAttempts != nil {
		w.key("max_attempts")
		w.maxAttempts(v.MaxAttempts, false)
	}
	if v.Webhook != nil {
		w.key("webhook")
		w.open()
		w.key("url")
		w.str(v.Webhook.URL)
		if v.Webhook.Method != "" {
			w.key("method")
			w.str(v.Webhook.Method)
		}
		w.close()
	}
	w.close()
}

func (w *writer) sayMessage(s Say) {
	w.open()
	w.key("say")
	w.str(s.Speech)
	w.close()
}

func (w *writer) onFailure(f *OnFailure) {
	w.open()
	if f.Messages != nil {
		w.key("messages")
		w.openArray()
		for _, m := range f.Messages {
			w.sayMessage(m)
		}
		w.closeArray()
	}
	if f.RepeatQuestion != nil {
		w.key("repeat_question")
		w.boolean(*f.RepeatQuestion)
	}
	w.close()
}

// maxAttempts writes the object form, or the bare integer when bare is set
// and there is no redirect (the style sheet's usual shape).
func (w *writer) maxAttempts(m *MaxAttempts, bare bool) {
	if bare && m.Redirect == nil {
		w.integer(m.NumAttempts)
		return
	}
	w.open()
	w.key("num_attempts")
	w.integer(m.NumAttempts)
	if m.Redirect != nil {
		w.key("redirect")
		w.redirect(m.Redirect)
	}
	w.close()
}

package assistant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/parleyhq/parley/internal/actions"
)

// This file holds the small JSON walker under ParseSchema. Values stay
// json.RawMessage until a rule looks at them, so keys keep their order and
// errors come out in document order.

type member struct {
	key string
	val json.RawMessage
}

// A Warning is a problem that does not stop an import: a placeholder, a
// reference to a task that does not exist, a duplicate sample. Path is the
// JSON path in the schema file.
type Warning struct {
	Path string
	Msg  string
}

func (w Warning) String() string {
	if w.Path == "" {
		return w.Msg
	}
	return w.Path + ": " + w.Msg
}

type walker struct {
	errs  actions.Errors
	warns []Warning

	// legacy collects the pre-release keys found, by key, in document order.
	legacy     map[string][]string
	legacyKeys []string
}

func (w *walker) legacyKey(key, path string) {
	if w.legacy == nil {
		w.legacy = map[string][]string{}
	}
	if _, ok := w.legacy[key]; !ok {
		w.legacyKeys = append(w.legacyKeys, key)
	}
	w.legacy[key] = append(w.legacy[key], path)
}

func (w *walker) errorf(path, format string, args ...any) {
	w.errs = append(w.errs, &actions.Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (w *walker) warnf(path, format string, args ...any) {
	w.warns = append(w.warns, Warning{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func checkSyntax(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	se, ok := errors.AsType[*json.SyntaxError](err)
	if !ok {
		return &actions.SyntaxError{Line: 1, Column: 1, Msg: msg}
	}
	at := min(max(se.Offset-1, 0), int64(len(data)))
	before := data[:at]
	return &actions.SyntaxError{
		Line:   bytes.Count(before, []byte("\n")) + 1,
		Column: int(at) - bytes.LastIndexByte(before, '\n'),
		Offset: se.Offset,
		Msg:    msg,
	}
}

func kind(raw json.RawMessage) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func (w *walker) wrongType(path, want string, raw json.RawMessage) {
	w.errorf(path, "must be %s, got %s", want, kind(raw))
}

func (w *walker) members(path string, raw json.RawMessage, want string) ([]member, bool) {
	if kind(raw) != "object" {
		w.wrongType(path, want, raw)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		w.errorf(path, "%v", err)
		return nil, false
	}
	var ms []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			w.errorf(path, "%v", err)
			return nil, false
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			w.errorf(path, "%v", err)
			return nil, false
		}
		ms = append(ms, member{key, v})
	}
	return ms, true
}

func (w *walker) elems(path string, raw json.RawMessage, want string) ([]json.RawMessage, bool) {
	if kind(raw) != "array" {
		w.wrongType(path, want, raw)
		return nil, false
	}
	var es []json.RawMessage
	if err := json.Unmarshal(raw, &es); err != nil {
		w.errorf(path, "%v", err)
		return nil, false
	}
	return es, true
}

// fields returns the known members of an object by key. Duplicate keys are
// errors; unknown keys are warnings (schema.md: ignore unknown keys), except
// those in legacy, which are errors with the given advice.
func (w *walker) fields(path string, ms []member, known []string, legacy map[string]string) map[string]json.RawMessage {
	got := make(map[string]json.RawMessage, len(ms))
	for _, m := range ms {
		if _, dup := got[m.key]; dup {
			w.errorf(path, "duplicate key %q", m.key)
			continue
		}
		got[m.key] = m.val
		if slices.Contains(known, m.key) {
			continue
		}
		if _, ok := legacy[m.key]; ok {
			w.legacyKey(m.key, joinPath(path, m.key))
			continue
		}
		w.warnf(path, "unknown key %q ignored%s", m.key, didYouMean(m.key, known))
	}
	return got
}

func (w *walker) str(path string, raw json.RawMessage) (string, bool) {
	if kind(raw) != "string" {
		w.wrongType(path, "a string", raw)
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		w.errorf(path, "%v", err)
		return "", false
	}
	return s, true
}

// optStr reads an optional string member: absent and null give "".
func (w *walker) optStr(path string, got map[string]json.RawMessage, key string) string {
	v, ok := got[key]
	if !ok || kind(v) == "null" {
		return ""
	}
	s, _ := w.str(joinPath(path, key), v)
	return s
}

// reqStr reads a required non-empty string member.
func (w *walker) reqStr(path string, got map[string]json.RawMessage, key string) (string, bool) {
	p := joinPath(path, key)
	v, ok := got[key]
	if !ok {
		w.errorf(p, "missing")
		return "", false
	}
	s, ok := w.str(p, v)
	if ok && strings.TrimSpace(s) == "" {
		w.errorf(p, "must not be empty")
		return "", false
	}
	return s, ok
}

func joinPath(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
}

func didYouMean(s string, known []string) string {
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, k := range known {
		// Only near-equal lengths can be within distance 2; the check also
		// keeps long fuzzed strings from costing len(a)*len(b).
		if diff := len(k) - len(ls); diff > 2 || diff < -2 || len(k) > 100 {
			continue
		}
		if d := levenshtein.ComputeDistance(ls, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD >= len(s) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return slices.Clone(raw)
	}
	return b.Bytes()
}

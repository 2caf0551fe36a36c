// Package jsonwalk reads hand-written JSON documents one value at a time and
// reports every problem at once, each with the JSON path of the value at
// fault. The main type is [Walker]: the actions parser and the assistant
// schema parser embed one and build their typed values on its helpers.
//
// Values stay [json.RawMessage] until a rule looks at them, so object members
// come out in document order and so do the errors, and a value kept "as
// written" is the author's bytes. The package is pure: no I/O, no clock.
package jsonwalk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
)

// A Member is one key and value of a JSON object.
type Member struct {
	Key string
	Val json.RawMessage
}

// A Walker collects errors while a parser walks a document. The zero value is
// ready to use. Every helper that returns false has added an error for it.
type Walker struct {
	Errs Errors
}

// Errorf adds an error at path.
func (w *Walker) Errorf(path, format string, args ...any) {
	w.Errs = append(w.Errs, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// WrongType adds "must be want, got <kind of raw>" at path.
func (w *Walker) WrongType(path, want string, raw json.RawMessage) {
	w.Errorf(path, "must be %s, got %s", want, Kind(raw))
}

// Members splits an object into its members in document order. It reports
// and returns false when raw is not an object; want says what was expected.
func (w *Walker) Members(path string, raw json.RawMessage, want string) ([]Member, bool) {
	if Kind(raw) != "object" {
		w.WrongType(path, want, raw)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		w.Errorf(path, "%v", err)
		return nil, false
	}
	var ms []Member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			w.Errorf(path, "%v", err)
			return nil, false
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			w.Errorf(path, "%v", err)
			return nil, false
		}
		ms = append(ms, Member{key, v})
	}
	return ms, true
}

// Elems splits an array into its elements. It reports and returns false when
// raw is not an array; want says what was expected.
func (w *Walker) Elems(path string, raw json.RawMessage, want string) ([]json.RawMessage, bool) {
	if Kind(raw) != "array" {
		w.WrongType(path, want, raw)
		return nil, false
	}
	var es []json.RawMessage
	if err := json.Unmarshal(raw, &es); err != nil {
		w.Errorf(path, "%v", err)
		return nil, false
	}
	return es, true
}

// Require returns got[key], a member of the object at path, or reports
// path.key missing.
func (w *Walker) Require(path string, got map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	v, ok := got[key]
	if !ok {
		w.Errorf(JoinPath(path, key), "missing")
	}
	return v, ok
}

// Str reads a string.
func (w *Walker) Str(path string, raw json.RawMessage) (string, bool) {
	if Kind(raw) != "string" {
		w.WrongType(path, "a string", raw)
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		w.Errorf(path, "%v", err)
		return "", false
	}
	return s, true
}

// Bool reads true or false.
func (w *Walker) Bool(path string, raw json.RawMessage) (bool, bool) {
	if Kind(raw) != "boolean" {
		w.WrongType(path, "a boolean", raw)
		return false, false
	}
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("true")), true
}

// Integer reads a non-negative integer.
func (w *Walker) Integer(path string, raw json.RawMessage) (int, bool) {
	if Kind(raw) != "number" {
		w.WrongType(path, "an integer", raw)
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
	if err != nil {
		w.Errorf(path, "must be an integer, got %s", bytes.TrimSpace(raw))
		return 0, false
	}
	if n < 0 {
		w.Errorf(path, "must not be negative, got %d", n)
		return 0, false
	}
	return n, true
}

// Strings reads an array of strings. It returns the strings it could read and
// false if any element was not one.
func (w *Walker) Strings(path string, raw json.RawMessage) ([]string, bool) {
	es, ok := w.Elems(path, raw, "an array of strings")
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(es))
	for i, e := range es {
		if s, ok := w.Str(fmt.Sprintf("%s[%d]", path, i), e); ok {
			out = append(out, s)
		} else {
			ok = false
		}
	}
	return out, ok
}

// Kind names the JSON type of a well-formed value: "object", "array",
// "string", "boolean", "null", "number", or "nothing" for no value at all.
func Kind(raw json.RawMessage) string {
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

// JoinPath appends path to prefix with a dot, or without one when path is an
// index ("[2]"); either may be empty.
func JoinPath(prefix, path string) string {
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

// Compact returns raw without insignificant white space.
func Compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return slices.Clone(raw)
	}
	return b.Bytes()
}

// DidYouMean suggests the closest of known for a misspelt key, as
// ` (did you mean "say"?)`, or "". A suggestion needs an edit distance of at
// most 2, and less than the key's length, so that "x" is not "corrected" to
// "say".
func DidYouMean(key string, known []string) string {
	best, bestD := "", 3
	lk := strings.ToLower(key)
	for _, k := range known {
		// Only near-equal lengths can be within distance 2; the check also
		// keeps long fuzzed strings from costing len(a)*len(b).
		if diff := len(k) - len(lk); diff > 2 || diff < -2 || len(k) > 100 {
			continue
		}
		if d := levenshtein.ComputeDistance(lk, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD >= len(key) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
)

// This file holds the small JSON walker under Parse, ParseStyleSheet and
// ParseDefaults. Values stay json.RawMessage until a rule looks at them, so
// object keys keep their order (errors come out in document order) and values
// kept "as written" (remember, handoff options) are the author's bytes.

type member struct {
	key string
	val json.RawMessage
}

// checkSyntax reports whether data is one well-formed JSON value.
func checkSyntax(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return newSyntaxError(data, se.Offset, strings.TrimPrefix(se.Error(), "json: "))
	}
	return &SyntaxError{Line: 1, Column: 1, Msg: strings.TrimPrefix(err.Error(), "json: ")}
}

// kind names the JSON type of a well-formed value.
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

// parser collects errors while walking a document.
type parser struct {
	errs Errors
}

func (p *parser) errorf(path, format string, args ...any) {
	p.errs = append(p.errs, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) wrongType(path, want string, raw json.RawMessage) {
	p.errorf(path, "must be %s, got %s", want, kind(raw))
}

// members splits an object into its members in document order. It reports
// and returns false when raw is not an object.
func (p *parser) members(path string, raw json.RawMessage, want string) ([]member, bool) {
	if kind(raw) != "object" {
		p.wrongType(path, want, raw)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		p.errorf(path, "%v", err)
		return nil, false
	}
	var ms []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			p.errorf(path, "%v", err)
			return nil, false
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			p.errorf(path, "%v", err)
			return nil, false
		}
		ms = append(ms, member{key, v})
	}
	return ms, true
}

// elems splits an array into its elements.
func (p *parser) elems(path string, raw json.RawMessage, want string) ([]json.RawMessage, bool) {
	if kind(raw) != "array" {
		p.wrongType(path, want, raw)
		return nil, false
	}
	var es []json.RawMessage
	if err := json.Unmarshal(raw, &es); err != nil {
		p.errorf(path, "%v", err)
		return nil, false
	}
	return es, true
}

// fields checks the keys of an object against the known ones and returns the
// known members by key. Unknown keys are errors (with a suggestion) unless
// strict is false, in which case they are returned in extra.
func (p *parser) fields(path string, ms []member, known []string, strict bool) (got map[string]json.RawMessage, extra []member) {
	got = make(map[string]json.RawMessage, len(ms))
	seen := make(map[string]bool, len(ms))
	for _, m := range ms {
		if seen[m.key] {
			p.errorf(path, "duplicate key %q", m.key)
			continue
		}
		seen[m.key] = true
		if slices.Contains(known, m.key) {
			got[m.key] = m.val
			continue
		}
		if !strict {
			extra = append(extra, m)
			continue
		}
		p.errorf(path, "unknown key %q%s", m.key, didYouMean(m.key, known))
	}
	return got, extra
}

// require reports a missing key.
func (p *parser) require(path string, got map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	v, ok := got[key]
	if !ok {
		p.errorf(joinPath(path, key), "missing")
	}
	return v, ok
}

func (p *parser) str(path string, raw json.RawMessage) (string, bool) {
	if kind(raw) != "string" {
		p.wrongType(path, "a string", raw)
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		p.errorf(path, "%v", err)
		return "", false
	}
	return s, true
}

func (p *parser) boolean(path string, raw json.RawMessage) (bool, bool) {
	if kind(raw) != "boolean" {
		p.wrongType(path, "a boolean", raw)
		return false, false
	}
	return bytes.HasPrefix(bytes.TrimSpace(raw), []byte("true")), true
}

func (p *parser) integer(path string, raw json.RawMessage) (int, bool) {
	if kind(raw) != "number" {
		p.wrongType(path, "an integer", raw)
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(raw)))
	if err != nil {
		p.errorf(path, "must be an integer, got %s", bytes.TrimSpace(raw))
		return 0, false
	}
	if n < 0 {
		p.errorf(path, "must not be negative, got %d", n)
		return 0, false
	}
	return n, true
}

func (p *parser) strings(path string, raw json.RawMessage) ([]string, bool) {
	es, ok := p.elems(path, raw, "an array of strings")
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(es))
	for i, e := range es {
		if s, ok := p.str(fmt.Sprintf("%s[%d]", path, i), e); ok {
			out = append(out, s)
		} else {
			ok = false
		}
	}
	return out, ok
}

// method reads an HTTP method: GET or POST, any case, normalised upper-case.
func (p *parser) method(path string, raw json.RawMessage) string {
	s, ok := p.str(path, raw)
	if !ok {
		return ""
	}
	switch m := strings.ToUpper(s); m {
	case "GET", "POST":
		return m
	}
	p.errorf(path, "must be GET or POST, got %q", s)
	return ""
}

// compact returns raw without insignificant white space.
func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return slices.Clone(raw)
	}
	return b.Bytes()
}

// didYouMean suggests the closest of known for a misspelt key, or "". A
// suggestion needs an edit distance of at most 2, and less than the key's
// length, so that "x" is not "corrected" to "say".
func didYouMean(key string, known []string) string {
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

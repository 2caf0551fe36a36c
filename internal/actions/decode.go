package actions

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/jsonwalk"
)

// This file holds what Parse, ParseStyleSheet and ParseDefaults add to the
// JSON walker they share with the assistant schema parser ([jsonwalk.Walker]):
// strict keys and HTTP methods. Values stay json.RawMessage until a rule
// looks at them, so object keys keep their order (errors come out in document
// order) and values kept "as written" (remember, handoff options) are the
// author's bytes.

// parser collects errors while walking a document.
type parser struct {
	jsonwalk.Walker
}

// fields checks the keys of an object against the known ones and returns the
// known members by key. Unknown keys are errors (with a suggestion) unless
// strict is false, in which case they are returned in extra.
func (p *parser) fields(path string, ms []jsonwalk.Member, known []string, strict bool) (got map[string]json.RawMessage, extra []jsonwalk.Member) {
	got = make(map[string]json.RawMessage, len(ms))
	seen := make(map[string]bool, len(ms))
	for _, m := range ms {
		if seen[m.Key] {
			p.Errorf(path, "duplicate key %q", m.Key)
			continue
		}
		seen[m.Key] = true
		if slices.Contains(known, m.Key) {
			got[m.Key] = m.Val
			continue
		}
		if !strict {
			extra = append(extra, m)
			continue
		}
		p.Errorf(path, "unknown key %q%s", m.Key, jsonwalk.DidYouMean(m.Key, known))
	}
	return got, extra
}

// method reads an HTTP method: GET or POST, any case, normalised upper-case.
func (p *parser) method(path string, raw json.RawMessage) string {
	s, ok := p.Str(path, raw)
	if !ok {
		return ""
	}
	switch m := strings.ToUpper(s); m {
	case "GET", "POST":
		return m
	}
	p.Errorf(path, "must be GET or POST, got %q", s)
	return ""
}

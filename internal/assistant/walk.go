package assistant

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/jsonwalk"
)

// This file holds what ParseSchema adds to the JSON walker it shares with the
// actions parser ([jsonwalk.Walker]): warnings, lenient keys and pre-release
// keys. Values stay json.RawMessage until a rule looks at them, so keys keep
// their order and errors come out in document order.

// A Warning is a problem that does not stop an import: a placeholder, a
// reference to a task that does not exist, a duplicate sample. Path is the
// JSON path in the schema file. It is an [actions.Issue], the kind of warning
// [actions.Lint] gives for the actions documents inside a schema.
type Warning = actions.Issue

// walker collects the errors (as [actions.Errors]) and warnings of a schema
// file.
type walker struct {
	jsonwalk.Walker
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

func (w *walker) warnf(path, format string, args ...any) {
	w.warns = append(w.warns, Warning{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// fields returns the known members of an object by key. Duplicate keys are
// errors; unknown keys are warnings (schema.md: ignore unknown keys), except
// those in legacy, which are errors with the given advice.
func (w *walker) fields(path string, ms []jsonwalk.Member, known []string, legacy map[string]string) map[string]json.RawMessage {
	got := make(map[string]json.RawMessage, len(ms))
	for _, m := range ms {
		if _, dup := got[m.Key]; dup {
			w.Errorf(path, "duplicate key %q", m.Key)
			continue
		}
		got[m.Key] = m.Val
		if slices.Contains(known, m.Key) {
			continue
		}
		if _, ok := legacy[m.Key]; ok {
			w.legacyKey(m.Key, jsonwalk.JoinPath(path, m.Key))
			continue
		}
		w.warnf(path, "unknown key %q ignored%s", m.Key, jsonwalk.DidYouMean(m.Key, known))
	}
	return got
}

// optStr reads an optional string member: absent and null give "".
func (w *walker) optStr(path string, got map[string]json.RawMessage, key string) string {
	v, ok := got[key]
	if !ok || jsonwalk.Kind(v) == "null" {
		return ""
	}
	s, _ := w.Str(jsonwalk.JoinPath(path, key), v)
	return s
}

// reqStr reads a required non-empty string member.
func (w *walker) reqStr(path string, got map[string]json.RawMessage, key string) (string, bool) {
	v, ok := w.Require(path, got, key)
	if !ok {
		return "", false
	}
	p := jsonwalk.JoinPath(path, key)
	s, ok := w.Str(p, v)
	if ok && strings.TrimSpace(s) == "" {
		w.Errorf(p, "must not be empty")
		return "", false
	}
	return s, ok
}

package assistant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/parleyhq/parley/internal/jsonwalk"
)

// A URLMap rewrites URLs that start with From so that they start with To
// instead: From "https://old-1234.twil.io/" and To "http://localhost:3000/"
// move a bot's Functions to a local server.
type URLMap struct {
	From, To string
}

// ParseURLMap reads a URLMap written "FROM=TO", the form of the --map-url
// flag. FROM must not be empty; TO may be.
func ParseURLMap(s string) (URLMap, error) {
	from, to, ok := strings.Cut(s, "=")
	if !ok || from == "" {
		return URLMap{}, fmt.Errorf("map url %q: want FROM=TO", s)
	}
	return URLMap{From: from, To: to}, nil
}

// apply returns u rewritten by the first map whose From prefixes it.
func apply(maps []URLMap, u string) string {
	for _, m := range maps {
		if rest, ok := strings.CutPrefix(u, m.From); ok {
			return m.To + rest
		}
	}
	return u
}

// The places in each document that hold a URL, as JSON paths with array
// indexes written "[]".
var (
	actionsURLPaths = pathSet(
		"actions[].redirect", "actions[].redirect.uri",
		"actions[].collect.on_complete.redirect", "actions[].collect.on_complete.redirect.uri",
		"actions[].collect.questions[].validate.max_attempts.redirect",
		"actions[].collect.questions[].validate.max_attempts.redirect.uri",
		"actions[].collect.questions[].validate.webhook.url",
		"actions[].handoff.uri", "actions[].handoff.wait_url", "actions[].handoff.action",
		"actions[].handoff.voice_status_callback_url",
		"actions[].play.url", "actions[].show.images[].url",
	)
	defaultsURLPaths = pathSet(
		"defaults.assistant_initiation", "defaults.fallback", "defaults.collect.validate_on_failure",
	)
	styleSheetURLPaths = pathSet(
		"style_sheet.collect.validate.max_attempts.redirect",
		"style_sheet.collect.validate.max_attempts.redirect.uri",
	)
)

func pathSet(paths ...string) map[string]bool {
	m := make(map[string]bool, len(paths))
	for _, p := range paths {
		m[p] = true
	}
	return m
}

// mapURLs rewrites the string values at the given paths of a well-formed
// JSON document. It returns the compacted document, rewritten or not, and
// whether anything changed. Key order, numbers and every other value stay as
// written.
func mapURLs(raw json.RawMessage, paths map[string]bool, maps []URLMap) (json.RawMessage, bool) {
	if len(maps) == 0 {
		return jsonwalk.Compact(raw), false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	r := rewriter{dec: dec, paths: paths, maps: maps}
	if err := r.value(""); err != nil || !r.changed {
		return jsonwalk.Compact(raw), false
	}
	return r.out.Bytes(), true
}

type rewriter struct {
	dec     *json.Decoder
	out     bytes.Buffer
	paths   map[string]bool
	maps    []URLMap
	changed bool
}

func (r *rewriter) value(path string) error {
	t, err := r.dec.Token()
	if err != nil {
		return err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			r.out.WriteByte('{')
			for i := 0; r.dec.More(); i++ {
				k, err := r.dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				if i > 0 {
					r.out.WriteByte(',')
				}
				r.str(key)
				r.out.WriteByte(':')
				if err := r.value(jsonwalk.JoinPath(path, key)); err != nil {
					return err
				}
			}
			r.out.WriteByte('}')
		case '[':
			r.out.WriteByte('[')
			for i := 0; r.dec.More(); i++ {
				if i > 0 {
					r.out.WriteByte(',')
				}
				if err := r.value(path + "[]"); err != nil {
					return err
				}
			}
			r.out.WriteByte(']')
		}
		_, err := r.dec.Token() // the closing delimiter
		if err == io.EOF {
			err = nil
		}
		return err
	case string:
		if r.paths[path] {
			if m := apply(r.maps, t); m != t {
				t = m
				r.changed = true
			}
		}
		r.str(t)
	case json.Number:
		r.out.WriteString(t.String())
	case bool:
		fmt.Fprint(&r.out, t)
	case nil:
		r.out.WriteString("null")
	}
	return nil
}

func (r *rewriter) str(s string) {
	enc := json.NewEncoder(&r.out)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	r.out.Truncate(r.out.Len() - 1)
}

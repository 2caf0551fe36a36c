package dialoguetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/parleyhq/parley/internal/twilio"
)

// hookServer serves the "hook PATH" sections of a conversation file.
type hookServer struct {
	*httptest.Server
	token string
	hooks map[string]*hook

	mu       sync.Mutex
	problems []string
}

type hook struct {
	path        string
	method      string // expected method, when the section name gives one
	status      int
	delay       time.Duration
	contentType string
	expect      [][2]string
	absent      []string
	body        *template.Template
}

func newHookServer(files []txtar.File, token string) (*hookServer, error) {
	s := &hookServer{token: token, hooks: map[string]*hook{}}
	for _, f := range files {
		h, err := parseHook(f)
		if err != nil {
			return nil, err
		}
		s.hooks[h.path] = h
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s, nil
}

func parseHook(f txtar.File) (*hook, error) {
	fieldsOf := strings.Fields(strings.TrimPrefix(f.Name, "hook "))
	h := &hook{status: 200, contentType: "application/json"}
	switch len(fieldsOf) {
	case 1:
		h.path = fieldsOf[0]
	case 2:
		h.method, h.path = strings.ToUpper(fieldsOf[0]), fieldsOf[1]
	default:
		return nil, fmt.Errorf("section %q: want \"hook [METHOD] /path\"", f.Name)
	}
	lines := strings.Split(string(f.Data), "\n")
	i := 0
	for ; i < len(lines); i++ {
		key, val, ok := strings.Cut(lines[i], ":")
		if strings.TrimSpace(lines[i]) == "" {
			i++
			break
		}
		if !ok || strings.ContainsAny(key, " {\"") {
			break
		}
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "status":
			h.status, err = strconv.Atoi(val)
		case "delay":
			h.delay, err = time.ParseDuration(val)
		case "content-type":
			h.contentType = val
		case "expect":
			name, v, _ := strings.Cut(val, "=")
			h.expect = append(h.expect, [2]string{name, v})
		case "expect-absent":
			h.absent = append(h.absent, val)
		default:
			err = fmt.Errorf("unknown header %q", key)
		}
		if err != nil {
			return nil, fmt.Errorf("section %q: %v", f.Name, err)
		}
	}
	body := strings.Join(lines[i:], "\n")
	t, err := template.New(h.path).Option("missingkey=error").Funcs(template.FuncMap{
		"form":   func(string) string { return "" },
		"memory": func(string) string { return "" },
		"hooks":  func() string { return "" },
		"repeat": strings.Repeat,
	}).Parse(body)
	if err != nil {
		return nil, fmt.Errorf("section %q: %v", f.Name, err)
	}
	h.body = t
	return h, nil
}

func (s *hookServer) problem(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, fmt.Sprintf(format, args...))
}

// Problems returns what went wrong in calls to the stubs.
func (s *hookServer) Problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

func (s *hookServer) serve(w http.ResponseWriter, r *http.Request) {
	h := s.hooks[r.URL.Path]
	if h == nil {
		s.problem("webhook %s %s: no hook section for this path", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.problem("hook %s: bad form: %v", h.path, err)
	}
	signed := s.URL + r.URL.RequestURI()
	var params url.Values
	if r.Method == http.MethodPost {
		params = r.PostForm
	}
	if !twilio.ValidSignature(s.token, signed, params, r.Header.Get(twilio.SignatureHeader)) {
		s.problem("hook %s: invalid or missing X-Twilio-Signature", h.path)
	}
	if h.method != "" && r.Method != h.method {
		s.problem("hook %s: method %s, want %s", h.path, r.Method, h.method)
	}
	for _, e := range h.expect {
		// "expect: NAME=" (empty) also accepts an absent parameter.
		if got := r.Form.Get(e[0]); got != e[1] || (e[1] != "" && !r.Form.Has(e[0])) {
			s.problem("hook %s: parameter %s = %q, want %q", h.path, e[0], got, e[1])
		}
	}
	for _, name := range h.absent {
		if r.Form.Has(name) {
			s.problem("hook %s: parameter %s is present, want it absent", h.path, name)
		}
	}
	if h.delay > 0 {
		select {
		case <-time.After(h.delay):
		case <-r.Context().Done():
			return
		}
	}
	var memory map[string]any
	if m := r.Form.Get("Memory"); m != "" {
		if err := json.Unmarshal([]byte(m), &memory); err != nil {
			s.problem("hook %s: Memory is not a JSON object: %v", h.path, err)
		}
	}
	t, _ := h.body.Clone()
	t.Funcs(template.FuncMap{
		"form":   r.Form.Get,
		"memory": func(path string) string { return lookup(memory, path) },
		"hooks":  func() string { return s.URL },
	})
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		s.problem("hook %s: template: %v", h.path, err)
	}
	w.Header().Set("Content-Type", h.contentType)
	w.WriteHeader(h.status)
	w.Write(b.Bytes())
}

// lookup walks a dotted path into decoded JSON and returns the value there as
// text: strings as they are, anything else as JSON.
func lookup(v any, path string) string {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

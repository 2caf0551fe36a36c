// Package channeltest runs Twilio's channel handlers for tests: on a real
// SQLite store with a real engine, over real HTTP, with one account, and
// posts to them the forms Twilio posts, signed as Twilio signs them (and
// checked with twilio-go's own RequestValidator before they are sent).
// Webhooks may only reach loopback addresses.
package channeltest

import (
	"bytes"
	"encoding/xml"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// A Server is a channel handler on its own store. Everything it started
// stops when the test ends.
type Server struct {
	*httptest.Server
	DB       *sqlite.DB
	Engine   *dialogue.Engine
	Account  store.Account
	Verifier *twiliohook.Verifier
	logs     *syncBuffer
}

// Start starts a Server; register adds the handler under test to mux.
func Start(t testing.TB, register func(s *Server, mux *http.ServeMux)) *Server {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acct := store.Account{SID: twilio.NewSID(twilio.PrefixAccount), AuthToken: twilio.NewAuthToken(), FriendlyName: "test"}
	if err := db.CreateAccount(t.Context(), acct); err != nil {
		t.Fatal(err)
	}
	hooks, err := webhook.New(webhook.Options{Allow: []string{"127.0.0.0/8", "::1/128"}})
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	eng := dialogue.New(db, hooks, dialogue.Options{Logger: log})
	t.Cleanup(func() { eng.Close() })
	s := &Server{DB: db, Engine: eng, Account: acct, logs: logs,
		Verifier: &twiliohook.Verifier{Accounts: db, Limiter: authlimit.New(1000, 0), Logger: log}}
	mux := http.NewServeMux()
	register(s, mux)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Server.Close)
	return s
}

// Logger is the logger of the server's engine and verifier, for handlers.
func (s *Server) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// Logs returns what was logged so far.
func (s *Server) Logs() string { return s.logs.String() }

// Import imports a schema as the account's.
func (s *Server) Import(t testing.TB, schema []byte) *assistant.Assistant {
	t.Helper()
	return s.ImportWith(t, schema, assistant.ImportOptions{})
}

// ImportOffline imports a schema written for the internet with every URL
// it fetches (actions, webhooks, defaults) moved to a closed port of the
// loopback address: its webhooks fail at once, and no test traffic leaves
// the machine.
func (s *Server) ImportOffline(t testing.TB, schema []byte) *assistant.Assistant {
	t.Helper()
	return s.ImportWith(t, schema, assistant.ImportOptions{MapURL: []assistant.URLMap{
		{From: "https://", To: "http://127.0.0.1:9/"}, {From: "http://", To: "http://127.0.0.1:9/"},
	}})
}

// ImportWith imports a schema as the account's with opts.
func (s *Server) ImportWith(t testing.TB, schema []byte, opts assistant.ImportOptions) *assistant.Assistant {
	t.Helper()
	a, _, err := assistant.ParseSchema(schema, opts)
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = s.Account.SID
	stored, err := s.DB.ImportAssistant(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	return stored
}

// Sign returns the X-Twilio-Signature of a post of form to fullURL with the
// account's token. It fails the test unless twilio-go's RequestValidator
// accepts it: the reference for how Twilio signs.
func (s *Server) Sign(t testing.TB, fullURL string, form url.Values) string {
	t.Helper()
	sig := twilio.Signature(s.Account.AuthToken, fullURL, form)
	params := map[string]string{}
	for k, vs := range form {
		if len(vs) > 1 {
			t.Fatalf("Sign: parameter %s has %d values; twilio-go's validator takes one", k, len(vs))
		}
		params[k] = vs[0]
	}
	v := client.NewRequestValidator(s.Account.AuthToken)
	if !v.Validate(fullURL, params, sig) {
		t.Fatalf("twilio-go's RequestValidator rejects the signature of %s %v", fullURL, form)
	}
	return sig
}

// A Response is what a handler answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Post posts form to the server's path (with its query), signed.
func (s *Server) Post(t testing.TB, path string, form url.Values) Response {
	t.Helper()
	return s.PostWith(t, path, form, map[string]string{twilio.SignatureHeader: s.Sign(t, s.URL+path, form)})
}

// PostWith posts form to path with the given headers and no others.
func (s *Server) PostWith(t testing.TB, path string, form url.Values, header map[string]string) Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// A Node is an XML element of a TwiML document: its name, attributes, text
// and children, in order.
type Node struct {
	Name     string
	Attrs    map[string]string
	Text     string // the character data directly inside, trimmed
	Children []*Node
}

// ParseTwiML parses a TwiML document with encoding/xml and returns its root,
// which must be <Response>; it fails the test on anything else.
func ParseTwiML(t testing.TB, r Response) *Node {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("status %d, want 200 with TwiML: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") && !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("Content-Type %q, want application/xml", ct)
	}
	dec := xml.NewDecoder(bytes.NewReader(r.Body))
	var stack []*Node
	var root *Node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("TwiML does not parse: %v\n%s", err, r.Body)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &Node{Name: tok.Name.Local, Attrs: map[string]string{}}
			for _, a := range tok.Attr {
				n.Attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					t.Fatalf("TwiML has two roots:\n%s", r.Body)
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.Text = strings.TrimSpace(n.Text)
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	if root == nil || root.Name != "Response" {
		t.Fatalf("TwiML root is not <Response>:\n%s", r.Body)
	}
	for _, c := range root.Children {
		checkDocumented(t, c, "Response", r.Body)
	}
	return root
}

// documented are the TwiML verbs and nouns Parley writes, with the
// attributes Twilio documents for them and the elements they may hold.
var documented = map[string]struct {
	attrs, children []string
}{
	"Message":  {[]string{"to", "from", "action", "method", "statusCallback"}, []string{"Body", "Media"}},
	"Body":     {nil, nil},
	"Media":    {nil, nil},
	"Say":      {[]string{"voice", "loop", "language"}, ssml},
	"Play":     {[]string{"loop", "digits"}, nil},
	"Gather":   {[]string{"input", "action", "method", "timeout", "speechTimeout", "maxSpeechTime", "profanityFilter", "finishOnKey", "numDigits", "partialResultCallback", "partialResultCallbackMethod", "language", "hints", "bargeIn", "debug", "actionOnEmptyResult", "speechModel", "enhanced"}, []string{"Say", "Play", "Pause"}},
	"Redirect": {[]string{"method"}, nil},
	"Hangup":   {nil, nil},
	"Enqueue":  {[]string{"action", "maxQueueSize", "method", "waitUrl", "waitUrlMethod", "workflowSid"}, []string{"Task"}},
	"Task":     {[]string{"priority", "timeout"}, nil},
}

// ssml are the SSML elements <Say> takes (Amazon Polly's, as Twilio
// documents them).
var ssml = []string{"break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as", "sub", "w", "effect", "domain"}

// checkDocumented fails the test on an element or attribute Twilio does not
// document where it is.
func checkDocumented(t testing.TB, n *Node, parent string, body []byte) {
	t.Helper()
	if parent == "Say" || slices.Contains(ssml, parent) {
		if !slices.Contains(ssml, n.Name) {
			t.Fatalf("<%s> inside <Say> is not SSML:\n%s", n.Name, body)
		}
		for _, c := range n.Children {
			checkDocumented(t, c, n.Name, body)
		}
		return
	}
	d, ok := documented[n.Name]
	if !ok {
		t.Fatalf("<%s> is not a TwiML verb Parley should write:\n%s", n.Name, body)
	}
	if parent != "Response" && !slices.Contains(documented[parent].children, n.Name) {
		t.Fatalf("<%s> inside <%s> is not documented TwiML:\n%s", n.Name, parent, body)
	}
	for a := range n.Attrs {
		if !slices.Contains(d.attrs, a) {
			t.Fatalf("<%s %s> is not a documented attribute:\n%s", n.Name, a, body)
		}
	}
	for _, c := range n.Children {
		checkDocumented(t, c, n.Name, body)
	}
}

// Names returns the names of n's children.
func (n *Node) Names() []string {
	var out []string
	for _, c := range n.Children {
		out = append(out, c.Name)
	}
	return out
}

// Child returns n's first child named name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns n's children named name.
func (n *Node) All(name string) []*Node {
	var out []*Node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Form returns a copy of base with the pairs kv (name, value, ...) set.
func Form(base url.Values, kv ...string) url.Values {
	f := maps.Clone(base)
	if f == nil {
		f = url.Values{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

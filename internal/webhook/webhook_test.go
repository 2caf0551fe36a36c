package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/twilio"
)

func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPostIsSignedFormWithMemory(t *testing.T) {
	var got url.Values
	var sigOK bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		got = r.PostForm
		sigOK = twilio.ValidSignature("token", "http://"+r.Host+r.URL.String(), r.PostForm, r.Header.Get(twilio.SignatureHeader))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"actions":[]}`)
	}))
	defer srv.Close()
	c := newClient(t, Options{})
	params := url.Values{"CurrentInput": {"hi & bye"}, "Memory": {`{"a":"b"}`}}
	resp, err := c.Do(context.Background(), Request{URL: srv.URL + "/hook?x=1", Params: params, AuthToken: "token"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"actions":[]}` {
		t.Errorf("body = %q", resp.Body)
	}
	if got.Get("CurrentInput") != "hi & bye" || got.Get("Memory") != `{"a":"b"}` {
		t.Errorf("form = %v", got)
	}
	if !sigOK {
		t.Error("signature did not validate")
	}
}

func TestGetSendsParamsInQueryWithoutMemory(t *testing.T) {
	var q url.Values
	var sigOK bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q = r.URL.Query()
		sigOK = twilio.ValidSignature("token", "http://"+r.Host+r.URL.String(), nil, r.Header.Get(twilio.SignatureHeader))
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c := newClient(t, Options{})
	_, err := c.Do(context.Background(), Request{Method: "get", URL: srv.URL, Params: url.Values{"CurrentTask": {"t"}, "Memory": {"{}"}}, AuthToken: "token"})
	if err != nil {
		t.Fatal(err)
	}
	if q.Get("CurrentTask") != "t" || q.Has("Memory") {
		t.Errorf("query = %v", q)
	}
	if !sigOK {
		t.Error("signature did not validate")
	}
}

func TestFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/500":
			http.Error(w, "boom", 500)
		case "/big":
			io.WriteString(w, strings.Repeat("x", 100))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	defer srv.Close()
	c := newClient(t, Options{Timeout: 200 * time.Millisecond, MaxBody: 50})
	tests := []struct {
		name   string
		url    string
		code   int
		status int
		msg    string
	}{
		{"non-2xx", srv.URL + "/500", 11200, 500, "answered HTTP 500"},
		{"too-big", srv.URL + "/big", 11200, 200, "larger than 50 bytes"},
		{"timeout", srv.URL + "/slow", 11205, 0, "no answer within 200ms"},
		{"relative", "/hook", 11100, 0, "not an absolute"},
		{"placeholder", "YOUR_FUNCTION_URI", 11100, 0, "not an absolute"},
		{"empty", "", 11100, 0, "not an absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), Request{URL: tt.url, AuthToken: "t"})
			e, ok := errors.AsType[*Error](err)
			if !ok {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Code != tt.code || e.Status != tt.status || !strings.Contains(e.Error(), tt.msg) {
				t.Errorf("got code %d status %d %q; want %d %d %q", e.Code, e.Status, e.Error(), tt.code, tt.status, tt.msg)
			}
		})
	}
}

func TestAllowList(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "{}") }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL) // 127.0.0.1:port

	refused := newClient(t, Options{Allow: []string{"10.0.0.0/8"}})
	if _, err := refused.Do(context.Background(), Request{URL: srv.URL}); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("IP outside the allow list: err = %v", err)
	}
	byName := newClient(t, Options{Allow: []string{"10.0.0.0/8", "localhost"}})
	if _, err := byName.Do(context.Background(), Request{URL: "http://localhost:" + u.Port()}); err != nil {
		t.Errorf("allowed host name: %v", err)
	}
	if _, err := byName.Do(context.Background(), Request{URL: srv.URL}); err == nil {
		t.Error("IP literal outside the prefixes was not refused")
	}
	byNet := newClient(t, Options{Allow: []string{"127.0.0.0/8"}})
	if _, err := byNet.Do(context.Background(), Request{URL: "http://localhost:" + u.Port()}); err != nil {
		t.Errorf("host resolving into an allowed prefix: %v", err)
	}
	if _, err := New(Options{Allow: []string{"http://x"}}); err == nil {
		t.Error("bad allow entry accepted")
	}
}

// hook is a test webhook on a loopback address that records the requests it
// gets.
type hook struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
	sigs []string
}

// newHook starts a webhook listening on ip (a loopback address) that
// answers with handle.
func newHook(t *testing.T, ip string, handle func(h *hook, w http.ResponseWriter, r *http.Request)) *hook {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatalf("listen on %s: %v", ip, err)
	}
	h := &hook{}
	h.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		h.mu.Lock()
		h.reqs = append(h.reqs, r)
		h.sigs = append(h.sigs, r.Header.Get(twilio.SignatureHeader))
		h.mu.Unlock()
		handle(h, w, r)
	}))
	h.Listener.Close()
	h.Listener = ln
	h.Start()
	t.Cleanup(h.Close)
	return h
}

func (h *hook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reqs)
}

func answer(_ *hook, w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{"actions":[]}`) }

// TestRedirectHopsAreChecked: a redirect to a host outside the allow list is
// refused at dial time like a first request, and the other host hears
// nothing.
func TestRedirectHopsAreChecked(t *testing.T) {
	other := newHook(t, "127.0.0.2", answer)
	first := newHook(t, "127.0.0.1", func(_ *hook, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/stolen", http.StatusTemporaryRedirect)
	})
	_, port, _ := net.SplitHostPort(first.Listener.Addr().String())
	c := newClient(t, Options{Allow: []string{"localhost"}})
	_, err := c.Do(context.Background(), Request{URL: "http://localhost:" + port + "/hook", Params: url.Values{"CurrentInput": {"hi"}}, AuthToken: "tok"})
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code != twilio.CodeHTTPRetrieval || !strings.Contains(e.Error(), "refused") {
		t.Fatalf("err = %v, want a refused target", err)
	}
	if first.count() != 1 || other.count() != 0 {
		t.Errorf("requests: first %d, other %d; want 1 and 0", first.count(), other.count())
	}
	// A host the allow list names by its address is followed.
	ok2 := newClient(t, Options{Allow: []string{"localhost", "127.0.0.2"}})
	if _, err := ok2.Do(context.Background(), Request{URL: "http://localhost:" + port + "/hook", AuthToken: "tok"}); err != nil {
		t.Fatalf("redirect to an allowed address: %v", err)
	}
	if other.count() != 1 {
		t.Errorf("the allowed redirect target got %d requests, want 1", other.count())
	}
}

// TestRedirectSignature: a signature goes only to the URL it was computed
// for: a hop on the same origin is signed anew for its URL (a 307 keeps the
// POST and its parameters), a hop to another host gets none.
func TestRedirectSignature(t *testing.T) {
	params := url.Values{"CurrentInput": {"book a table"}, "Memory": {`{"a":1}`}}
	other := newHook(t, "127.0.0.2", answer)
	first := newHook(t, "127.0.0.1", func(h *hook, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusTemporaryRedirect)
		case "/away":
			http.Redirect(w, r, other.URL+"/there", http.StatusTemporaryRedirect)
		case "/here":
			answer(h, w, r)
		}
	})
	c := newClient(t, Options{})
	if _, err := c.Do(context.Background(), Request{URL: first.URL + "/moved", Params: params, AuthToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	first.mu.Lock()
	last := first.reqs[len(first.reqs)-1]
	sig := first.sigs[len(first.sigs)-1]
	first.mu.Unlock()
	if last.Method != http.MethodPost || last.PostForm.Get("CurrentInput") != "book a table" {
		t.Errorf("the 307 hop: %s with %v, want the POST again", last.Method, last.PostForm)
	}
	if want := twilio.Signature("tok", first.URL+"/here", params); sig != want {
		t.Errorf("signature of the same-origin hop %q, want %q (signed for its own URL)", sig, want)
	}
	if _, err := c.Do(context.Background(), Request{URL: first.URL + "/away", Params: params, AuthToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	if other.count() != 1 {
		t.Fatalf("other host got %d requests, want 1", other.count())
	}
	if other.sigs[0] != "" {
		t.Errorf("the other host got a signature %q, want none", other.sigs[0])
	}
}

func TestRedirectLimits(t *testing.T) {
	loop := newHook(t, "127.0.0.1", func(_ *hook, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/again", http.StatusFound)
	})
	metadata := newHook(t, "127.0.0.1", func(_ *hook, w http.ResponseWriter, r *http.Request) {
		// Never dialled: refused before the connection is made.
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	scheme := newHook(t, "127.0.0.1", func(_ *hook, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	c := newClient(t, Options{})
	for _, tt := range []struct {
		name, url, msg string
	}{
		{"loop", loop.URL + "/hook", "more than 3 redirects"},
		{"metadata", metadata.URL + "/hook", "refused"},
		{"scheme", scheme.URL + "/hook", "not an http or https URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Do(context.Background(), Request{URL: tt.url, AuthToken: "tok"})
			e, ok := errors.AsType[*Error](err)
			if !ok || e.Code != twilio.CodeHTTPRetrieval || !strings.Contains(e.Error(), tt.msg) {
				t.Fatalf("err = %v, want code 11200 and %q", err, tt.msg)
			}
		})
	}
	if n := loop.count(); n != MaxRedirects+1 {
		t.Errorf("the looping hook got %d requests, want %d", n, MaxRedirects+1)
	}
}

// TestLinkLocalRefused: without an allow list, link-local and metadata
// addresses are refused before any connection; an allow list that names one
// lets it through (checked here without dialling it).
func TestLinkLocalRefused(t *testing.T) {
	c := newClient(t, Options{})
	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/"} {
		_, err := c.Do(context.Background(), Request{URL: u, AuthToken: "tok"})
		if e, ok := errors.AsType[*Error](err); !ok || !strings.Contains(e.Error(), "refused") {
			t.Errorf("%s: err = %v, want refused", u, err)
		}
	}
	for _, ip := range []string{"127.0.0.1", "10.1.2.3", "192.168.1.1", "::1"} {
		if !c.ipDialable(netip.MustParseAddr(ip)) {
			t.Errorf("%s refused without an allow list: loopback and private ranges stay open", ip)
		}
	}
	named := newClient(t, Options{Allow: []string{"169.254.169.254"}})
	if !named.ipDialable(netip.MustParseAddr("169.254.169.254")) || named.ipDialable(netip.MustParseAddr("169.254.1.1")) {
		t.Error("an allow list naming 169.254.169.254 should let that address, and only it, through")
	}
}

func TestObserve(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/500" {
			http.Error(w, "boom", 500)
			return
		}
		io.WriteString(w, "{}")
	}))
	defer srv.Close()
	var codes []int
	c := newClient(t, Options{Observe: func(code int, took time.Duration) {
		if took <= 0 {
			t.Errorf("duration %s", took)
		}
		codes = append(codes, code)
	}})
	c.Do(context.Background(), Request{URL: srv.URL + "/ok", AuthToken: "t"})
	c.Do(context.Background(), Request{URL: srv.URL + "/500", AuthToken: "t"})
	c.Do(context.Background(), Request{URL: "not a url", AuthToken: "t"})
	if len(codes) != 3 || codes[0] != 0 || codes[1] != twilio.CodeHTTPRetrieval || codes[2] != twilio.CodeInvalidURL {
		t.Errorf("observed %v, want [0 11200 11100]", codes)
	}
}

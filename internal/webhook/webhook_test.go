package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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

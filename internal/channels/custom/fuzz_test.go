package custom_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCustomChannel posts arbitrary bodies and query strings to the channel:
// it must always answer JSON, and never a 500.
func FuzzCustomChannel(f *testing.F) {
	f.Add("UserId=bob&Text=hello&Language=en-US", "")
	f.Add("UserId=bob&Text=order", "TargetTask=order")
	f.Add("UserId=%ff&Text=%00", "Memory=%7B%22a%22%3A1%7D")
	f.Add("UserId=x&Text="+strings.Repeat("a", 3000), "Memory=%7B")
	f.Add("%%%", "TargetTask=nope&Memory=null")
	srv, _ := newServer(f)
	h := srv.Config.Handler
	f.Fuzz(func(t *testing.T, body, query string) {
		for _, path := range []string{"/v2/" + acct + "/shop/custom/fuzz", "/v1/" + acct + "/shop/custom/fuzz"} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.URL.RawQuery = query
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(acct, token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("status %d for body %q query %q: %s", w.Code, body, query, w.Body)
			}
			if w.Code != http.StatusNotFound && !json.Valid(w.Body.Bytes()) {
				t.Fatalf("status %d, body not JSON: %q", w.Code, w.Body)
			}
		}
	})
}

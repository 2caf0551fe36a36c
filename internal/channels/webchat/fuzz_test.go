package webchat_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzWebChat posts what any page on the internet may send to the public
// web chat channel: any assistant segment, origin, visitor id and text, or
// a raw body. It never answers a server error, its answers are JSON with
// CORS only for the allowed origin, and a visitor id it hands out is
// taken back.
func FuzzWebChat(f *testing.F) {
	f.Add("", origin, "", "hello", "")
	f.Add("", origin, "x.y", "Ana", "")
	f.Add("UA00000000000000000000000000000000", origin, "", "hi", "")
	f.Add("", "https://evil.example", "", "hello", "")
	f.Add("", origin, "", "", "Text=%ZZ&Visitor=%")
	f.Add("", origin, "", strings.Repeat("é", 600), "")
	f.Add("shop", "null", ".", "\x00\xff", "")
	c := start(f)
	h := c.Config.Handler
	f.Fuzz(func(t *testing.T, asst, from, visitor, text, raw string) {
		// A minute on each time: the rate limits would otherwise answer
		// every input after the first 600 (calls are sequential here).
		c.now = c.now.Add(time.Minute + time.Second)
		if asst == "" {
			asst = c.a.SID
		}
		body := raw
		if body == "" {
			body = url.Values{"Text": {text}, "Visitor": {visitor}}.Encode()
		}
		req := httptest.NewRequest("POST", "/webchat/x/messages", strings.NewReader(body))
		req.URL.Path = "/webchat/" + asst + "/messages"
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", from)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d for asst %q origin %q visitor %q text %q raw %q: %s", rec.Code, asst, from, visitor, text, raw, rec.Body)
		}
		if rec.Header().Get("Content-Type") != "application/json" {
			// The mux's own answer to a path that is no web chat's, or not
			// clean ("/webchat/./messages").
			switch rec.Code {
			case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
				return
			}
			t.Fatalf("status %d, %q, not JSON", rec.Code, rec.Header().Get("Content-Type"))
		}
		var r struct {
			Visitor string `json:"visitor"`
			Error   string `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("status %d, not JSON: %v: %q", rec.Code, err, rec.Body)
		}
		if cors := rec.Header().Get("Access-Control-Allow-Origin"); cors != "" && cors != origin {
			t.Fatalf("CORS allowed for %q", cors)
		}
		if rec.Code != http.StatusOK {
			if r.Error == "" {
				t.Fatalf("status %d without an error", rec.Code)
			}
			return
		}
		// The visitor id handed out is taken back: the same visitor.
		again := httptest.NewRequest("POST", "/webchat/"+c.a.SID+"/messages", strings.NewReader(url.Values{"Text": {"hello"}, "Visitor": {r.Visitor}}.Encode()))
		again.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		again.Header.Set("Origin", origin)
		rec2 := httptest.NewRecorder()
		h.ServeHTTP(rec2, again)
		var r2 struct {
			Visitor string `json:"visitor"`
		}
		json.Unmarshal(rec2.Body.Bytes(), &r2)
		if rec2.Code == http.StatusOK && r2.Visitor != r.Visitor {
			t.Fatalf("visitor %q came back as %q", r.Visitor, r2.Visitor)
		}
	})
}

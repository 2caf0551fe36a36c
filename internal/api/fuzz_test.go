package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzAPI sends arbitrary forms to every kind of route of an assistant that
// exists: whatever the input, the API answers with a status below 500 and a
// JSON body (or none, for a 204).
func FuzzAPI(f *testing.F) {
	for _, seed := range []struct{ method, path, body string }{
		{"POST", "/v1/Assistants/bot/Tasks", "UniqueName=t1&Actions=%7B%22actions%22%3A%5B%7B%22say%22%3A%22hi%22%7D%5D%7D"},
		{"POST", "/v1/Assistants/bot/Tasks/greet/Samples", "Language=en-US&TaggedText=hello+%7Bcity%7D"},
		{"POST", "/v1/Assistants/bot/FieldTypes/size/FieldValues", "Language=en-US&Value=big&SynonymOf=large"},
		{"GET", "/v1/Assistants/bot/Tasks?PageSize=2&PageToken=PT1", ""},
		{"POST", "/v1/Assistants/bot/Queries", "Language=en-US&Query=hello&Tasks=greet,,x"},
		{"POST", "/v1/Assistants/bot/Webhooks", "UniqueName=w&Events=ondialogueend&WebhookUrl=https://e.com&WebhookMethod=get"},
		{"POST", "/v1/Assistants/bot/StyleSheet", "StyleSheet=%7B%22style_sheet%22%3A%5B%5D%7D"},
		{"POST", "/v1/Assistants/bot", "LogQueries=TRUE&DevelopmentStage=in-production&CallbackUrl=ftp://x"},
		{"DELETE", "/v1/Assistants/bot/Tasks/greet/Fields/city", ""},
		{"POST", "/v1/Assistants/Restore", "Assistant=bot"},
	} {
		f.Add(seed.method, seed.path, seed.body)
	}
	s := newServer(f)
	s.must(f, 201, "POST", "/v1/Assistants", url.Values{"UniqueName": {"bot"}})
	s.must(f, 201, "POST", "/v1/Assistants/bot/Tasks", url.Values{"UniqueName": {"greet"}})
	s.must(f, 201, "POST", "/v1/Assistants/bot/Tasks/greet/Fields", url.Values{"UniqueName": {"city"}, "FieldType": {"Twilio.CITY"}})
	s.must(f, 201, "POST", "/v1/Assistants/bot/FieldTypes", url.Values{"UniqueName": {"size"}})
	s.must(f, 201, "POST", "/v1/Assistants/bot/FieldTypes/size/FieldValues", url.Values{"Language": {"en-US"}, "Value": {"large"}})
	h := s.Config.Handler
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if !strings.HasPrefix(path, "/v1/Assistants") {
			path = "/v1/Assistants/bot/" + path
		}
		u, err := url.Parse(path)
		if err != nil || u.Path == "" {
			return
		}
		switch method {
		case "GET", "POST", "DELETE", "PUT":
		default:
			method = "POST"
		}
		req, err := http.NewRequestWithContext(t.Context(), method, "http://parley.test"+u.RequestURI(), strings.NewReader(body))
		if err != nil {
			return // not a request a client could send
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(s.acct.SID, s.acct.AuthToken)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, u.RequestURI(), body, w.Code, w.Body)
		}
		switch {
		case w.Code == http.StatusNoContent:
			return // no body
		case w.Code >= 300 && w.Code < 400:
			return // the mux redirects unclean paths ("/a/./b") to clean ones
		case w.Code == http.StatusNotFound && !json.Valid(w.Body.Bytes()):
			return // the mux's own 404, for paths outside the API's patterns
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %s %q: %d, not JSON: %s", method, u.RequestURI(), body, w.Code, w.Body)
		}
	})
}

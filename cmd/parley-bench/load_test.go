package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var ds []time.Duration
		for _, x := range n {
			ds = append(ds, time.Duration(x)*time.Millisecond)
		}
		return ds
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, tc := range []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 0, 7 * time.Millisecond},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(7), 100, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{ms(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{ms(1, 2, 3, 4), 0, 1 * time.Millisecond},
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 99.5, 100 * time.Millisecond},
		{hundred, 100, 100 * time.Millisecond},
	} {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}

func TestNewTargetLoopbackOnly(t *testing.T) {
	for _, base := range []string{"http://127.0.0.1:8080", "http://[::1]:8080"} {
		if _, err := newTarget("x", base, "AC1", "t", "a", "hi", 1); err != nil {
			t.Errorf("newTarget(%s): %v", base, err)
		}
	}
	for _, base := range []string{"http://10.0.0.1:8080", "http://example.com", "https://127.0.0.1:8080"} {
		if _, err := newTarget("x", base, "AC1", "t", "a", "hi", 1); err == nil {
			t.Errorf("newTarget(%s) succeeded, want an error", base)
		}
	}
}

// TestBaselineHandler checks that the load generator counts the bare
// handler's reply as a success, in process (no server is started).
func TestBaselineHandler(t *testing.T) {
	h := baselineHandler("AC1", "tok")
	form := url.Values{"UserId": {"u"}, "Text": {"hello"}, "Language": {"en-US"}}.Encode()
	for _, tc := range []struct {
		user, pass string
		want       int
	}{
		{"AC1", "tok", http.StatusOK},
		{"AC1", "bad", http.StatusUnauthorized},
	} {
		req := httptest.NewRequest("POST", "/v2/AC1/bench/custom/bench", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(tc.user, tc.pass)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%s:%s: status %d, want %d", tc.user, tc.pass, rec.Code, tc.want)
		}
		if rec.Code == http.StatusOK {
			var r replyJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || len(r.Response.Says) != 1 || r.Response.Says[0].Speech != greeting {
				t.Errorf("reply %s (%v), want the greeting say", rec.Body, err)
			}
		}
	}
}

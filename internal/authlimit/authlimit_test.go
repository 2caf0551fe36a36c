package authlimit

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	l := New(3, time.Minute)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if l.Blocked("1.2.3.4") {
			t.Fatalf("blocked after %d failures, want after 3", i)
		}
		l.Fail("1.2.3.4")
	}
	if !l.Blocked("1.2.3.4") {
		t.Fatal("not blocked after 3 failures")
	}
	if l.Blocked("5.6.7.8") {
		t.Error("another address is blocked")
	}
	now = now.Add(59 * time.Second)
	if !l.Blocked("1.2.3.4") {
		t.Error("unblocked before the window passed")
	}
	now = now.Add(time.Second)
	if l.Blocked("1.2.3.4") {
		t.Error("still blocked once the window passed")
	}
	l.Fail("1.2.3.4")
	if l.Blocked("1.2.3.4") {
		t.Error("one failure in a new window blocks")
	}
	var nilLimiter *Limiter
	nilLimiter.Fail("x")
	if nilLimiter.Blocked("x") {
		t.Error("a nil Limiter blocks")
	}
}

func TestLimiterForgets(t *testing.T) {
	now := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	l := New(1, time.Minute)
	l.now = func() time.Time { return now }
	for i := range maxAddrs {
		l.Fail(fmt.Sprint(i))
	}
	now = now.Add(2 * time.Minute)
	l.Fail("new")
	if len(l.addrs) != 1 {
		t.Errorf("%d addresses remembered after their windows passed, want 1", len(l.addrs))
	}
	now = now.Add(time.Second)
	for i := range maxAddrs {
		l.Fail(fmt.Sprint(i))
	}
	if len(l.addrs) > maxAddrs {
		t.Errorf("%d addresses remembered, want at most %d", len(l.addrs), maxAddrs)
	}
}

func TestClientAddr(t *testing.T) {
	for in, want := range map[string]string{"127.0.0.1:5555": "127.0.0.1", "[::1]:80": "::1", "pipe": "pipe"} {
		r := &http.Request{RemoteAddr: in, Header: http.Header{"X-Forwarded-For": {"9.9.9.9"}}}
		if got := ClientAddr(r); got != want {
			t.Errorf("ClientAddr(%q) = %q, want %q", in, got, want)
		}
	}
}

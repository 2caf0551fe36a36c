// Package authlimit counts failed authentications by client address, so
// that every surface that checks credentials (the REST API, the channels)
// can refuse an address that keeps guessing. One [Limiter] is shared by all
// of them. A nil *Limiter limits nothing.
package authlimit

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Defaults of [New].
const (
	DefaultMax    = 20
	DefaultWindow = time.Minute
)

// maxAddrs bounds the addresses remembered: past it, those whose window
// has passed are forgotten, and if none has, all are.
const maxAddrs = 100_000

// A Limiter allows each client address Max failed authentications per
// Window, counted from the first; an address past it is blocked until its
// window ends. It is safe for concurrent use.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	addrs map[string]*count
}

type count struct {
	since time.Time
	n     int
}

// New returns a Limiter allowing max failures per window (the defaults
// when 0).
func New(max int, window time.Duration) *Limiter {
	if max <= 0 {
		max = DefaultMax
	}
	if window <= 0 {
		window = DefaultWindow
	}
	return &Limiter{max: max, window: window, now: time.Now, addrs: map[string]*count{}}
}

// Blocked reports whether addr has failed too often in its current window.
func (l *Limiter) Blocked(addr string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.addrs[addr]
	if c == nil {
		return false
	}
	if l.now().Sub(c.since) >= l.window {
		delete(l.addrs, addr)
		return false
	}
	return c.n >= l.max
}

// Fail counts a failed authentication of addr.
func (l *Limiter) Fail(addr string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.addrs[addr]
	if c == nil || now.Sub(c.since) >= l.window {
		if len(l.addrs) >= maxAddrs {
			l.forget(now)
		}
		c = &count{since: now}
		l.addrs[addr] = c
	}
	c.n++
}

// forget drops the addresses whose window has passed, or all of them when
// none has.
func (l *Limiter) forget(now time.Time) {
	for a, c := range l.addrs {
		if now.Sub(c.since) >= l.window {
			delete(l.addrs, a)
		}
	}
	if len(l.addrs) >= maxAddrs {
		clear(l.addrs)
	}
}

// ClientAddr is the address a request came from: the host of its
// RemoteAddr (a proxy's X-Forwarded-For is not trusted).
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

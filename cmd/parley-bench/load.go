package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A target is one server under test: its custom-channel URL, the credentials
// it expects and the say text every successful reply carries.
type target struct {
	name     string
	url      string // POST URL of the custom channel
	sid      string
	token    string
	wantSay  string
	client   *http.Client
	sequence int // distinguishes the users of successive runs
}

// newTarget returns a target for base (http://HOST:PORT), which must be a
// loopback address: the load generator never sends traffic off the machine.
func newTarget(name, base, sid, token, assistant, wantSay string, conns int) (*target, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Scheme != "http" || ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%s: %s is not a loopback http address", name, base)
	}
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &target{
		name:    name,
		url:     base + "/v2/" + sid + "/" + assistant + "/custom/bench",
		sid:     sid,
		token:   token,
		wantSay: wantSay,
		client:  &http.Client{Transport: tr, Timeout: 10 * time.Second},
	}, nil
}

// texts are what the users say, in turn; all of them are greeting samples.
var texts = []string{"hello", "hi there", "good morning", "hey"}

// A user is one side of a dialogue. Its turns are never concurrent.
type user struct {
	bodies [][]byte // the encoded form of each text
	turn   int
}

func newUser(id string) *user {
	u := &user{}
	for _, t := range texts {
		f := url.Values{"UserId": {id}, "Text": {t}, "Language": {"en-US"}}
		u.bodies = append(u.bodies, []byte(f.Encode()))
	}
	return u
}

func (u *user) next() []byte {
	b := u.bodies[u.turn%len(u.bodies)]
	u.turn++
	return b
}

// errBadReply marks a reply that is not a 200 with the expected JSON.
var errBadReply = errors.New("bad reply")

type replyJSON struct {
	Response struct {
		Says []struct {
			Speech string `json:"speech"`
		} `json:"says"`
	} `json:"response"`
}

// do sends one turn and checks its reply: only a 200 whose body is valid JSON
// with the expected say counts as a success.
func (t *target) do(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(t.sid, t.token)
	resp, err := t.client.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: status %d: %.200s", errBadReply, resp.StatusCode, b)
	}
	var r replyJSON
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%w: %v: %.200s", errBadReply, err, b)
	}
	for _, s := range r.Response.Says {
		if s.Speech == t.wantSay {
			return nil
		}
	}
	return fmt.Errorf("%w: no say %q: %.200s", errBadReply, t.wantSay, b)
}

// users returns n users per worker for the next run, with ids no earlier run
// of t used.
func (t *target) users(workers, n int) [][]*user {
	t.sequence++
	us := make([][]*user, workers)
	for w := range us {
		for j := range n {
			us[w] = append(us[w], newUser(fmt.Sprintf("r%d-w%d-u%d", t.sequence, w, j)))
		}
	}
	return us
}

// A result is what one run measured.
type result struct {
	ok, errs  int
	elapsed   time.Duration
	latencies []time.Duration // of successes, sorted
	firstErr  error
}

func (r *result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.ok) / r.elapsed.Seconds()
}

// collector gathers the workers' outcomes.
type collector struct {
	mu sync.Mutex
	result
}

func (c *collector) add(lat []time.Duration, errs int, first error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ok += len(lat)
	c.latencies = append(c.latencies, lat...)
	c.errs += errs
	if c.firstErr == nil {
		c.firstErr = first
	}
}

func (c *collector) done(start time.Time) result {
	c.elapsed = time.Since(start)
	slices.Sort(c.latencies)
	return c.result
}

// closedLoop runs clients workers, each sending turns back to back for
// usersPer users in turn, until d has passed or max turns were sent, and
// returns the successes per second over the whole run.
func closedLoop(ctx context.Context, t *target, clients, usersPer int, d time.Duration, max int) result {
	users := t.users(clients, usersPer)
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		c    collector
		wg   sync.WaitGroup
		sent atomic.Int64
	)
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			var (
				lat   []time.Duration
				errs  int
				first error
			)
			for i := 0; ctx.Err() == nil; i++ {
				if sent.Add(1) > int64(max) {
					break
				}
				u := users[w][i%usersPer]
				t0 := time.Now()
				// The turn itself is not cancelled at the deadline: the
				// run ends after the turns in flight.
				err := t.do(context.WithoutCancel(ctx), u.next())
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			c.add(lat, errs, first)
		})
	}
	wg.Wait()
	return c.done(start)
}

// openLoop sends turns at rate per second for d (at most max turns) on a
// fixed schedule, whatever the replies take, from workers senders each with
// its own users. A turn's latency runs from the time it was scheduled, so that
// a slow server is not flattered by turns sent late.
func openLoop(ctx context.Context, t *target, rate float64, workers, usersPer int, d time.Duration, max int) result {
	n := min(max, int(math.Round(rate*d.Seconds())))
	users := t.users(workers, usersPer)
	interval := time.Duration(float64(time.Second) / rate)
	due := make(chan time.Time, n)
	var (
		c  collector
		wg sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			var (
				lat   []time.Duration
				errs  int
				first error
				i     int
			)
			for at := range due {
				u := users[w][i%usersPer]
				i++
				err := t.do(ctx, u.next())
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, time.Since(at))
			}
			c.add(lat, errs, first)
		})
	}
	start := time.Now()
	for i := 0; i < n && ctx.Err() == nil; {
		now := time.Now()
		for ; i < n; i++ {
			at := start.Add(time.Duration(i) * interval)
			if at.After(now) {
				break
			}
			due <- at
		}
		if i < n {
			time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		}
	}
	close(due)
	wg.Wait()
	return c.done(start)
}

// percentile returns the p-th percentile (0 <= p <= 100) of sorted by the
// nearest-rank method: the smallest value at least p percent of the values
// are at most. It returns 0 for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// median returns the median of xs (the mean of the middle two for an even
// count), or 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// ms formats d in milliseconds.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64)
}

package dialogue_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/postgres"
	"github.com/parleyhq/parley/internal/store/postgres/pgtest"
)

// statementCounter counts the statements sent to PostgreSQL: each is one
// round trip.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// pgSchema is pgtest.Schema.
func pgSchema(t *testing.T) string { return pgtest.Schema(t) }

// TestPostgresRoundTripsPerTurn counts the statements a turn of an ongoing
// dialogue sends to PostgreSQL, once the engine has the assistant: the
// dialogue's lease, its read, its save, and giving the lease back.
func TestPostgresRoundTripsPerTurn(t *testing.T) {
	var count statementCounter
	db, err := postgres.OpenWith(t.Context(), pgSchema(t), postgres.Options{Tracer: &count})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(t.Context(), store.Account{SID: testAccount, AuthToken: testToken}); err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema([]byte(greeterSchema), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if _, err := db.ImportAssistant(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, db)
	turn := dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "greeter", Channel: "sms", UserID: "+15550001111", Text: "hello"}
	if _, err := eng.Handle(t.Context(), turn); err != nil { // the assistant compiled, the dialogue begun
		t.Fatal(err)
	}
	const turns = 20
	start := count.n.Load()
	for range turns {
		if _, err := eng.Handle(t.Context(), turn); err != nil {
			t.Fatal(err)
		}
	}
	perTurn := float64(count.n.Load()-start) / turns
	t.Logf("%.2f statements (round trips) per turn", perTurn)
	if perTurn > maxRoundTrips {
		t.Errorf("%.2f round trips per turn, want at most %d", perTurn, maxRoundTrips)
	}
}

// TestPostgresTurnsAcrossNodesRunWebhooksOnce: two engines, each on its own
// connection pool to one PostgreSQL database (two nodes), take concurrent
// turns of one dialogue: every turn's webhook runs once, none fails, and
// every remember survives.
func TestPostgresTurnsAcrossNodesRunWebhooksOnce(t *testing.T) {
	dsn := pgSchema(t)
	var calls atomic.Int32
	counter := counterServer(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		counter.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(hook.Close)
	var engs []*dialogue.Engine
	var first *postgres.DB
	for i := range 2 {
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			first = db
		}
		engs = append(engs, newEngine(t, db))
	}
	if err := first.CreateAccount(t.Context(), store.Account{SID: testAccount, AuthToken: testToken}); err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema(fmt.Appendf(nil, `{"uniqueName": "counter", "tasks": [{"uniqueName": "count",
		"actions": {"actions": [{"redirect": %q}]}, "samples": [{"language": "en-US", "taggedText": "count"}]}]}`, hook.URL), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if a, err = first.ImportAssistant(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	const turns = 30
	var wg sync.WaitGroup
	for i := range turns {
		wg.Go(func() {
			if _, err := engs[i%2].Handle(context.Background(), dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: a.SID,
				Channel: "test", MemoryKey: "custom.test", UserID: "u1", Text: "count"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	d, err := first.ActiveDialogue(context.Background(), a.SID, "custom.test", "u1")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Memory struct {
			Count int `json:"count"`
		} `json:"memory"`
	}
	if err := json.Unmarshal(d.State, &st); err != nil {
		t.Fatal(err)
	}
	if st.Memory.Count != turns || calls.Load() != turns {
		t.Errorf("%d turns: count %d, %d webhook calls; want %d and %d", turns, st.Memory.Count, calls.Load(), turns, turns)
	}
}

// A faultProxy forwards TCP connections to PostgreSQL until it is cut: then
// it closes them all and refuses new ones, as a database that restarts
// does, until it is restored. Loopback only.
type faultProxy struct {
	target string
	mu     sync.Mutex
	ln     net.Listener
	addr   string
	conns  []net.Conn
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	p := &faultProxy{target: target}
	p.listen(t, "127.0.0.1:0")
	t.Cleanup(p.cut)
	return p
}

func (p *faultProxy) listen(t *testing.T, addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes every connection and the listener.
func (p *faultProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestPostgresOutage: while the database cannot be reached, turns fail at
// once with ErrUnavailable (they do not hang); once it is back, the engine
// recovers by itself.
func TestPostgresOutage(t *testing.T) {
	dsn := pgSchema(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newFaultProxy(t, u.Host)
	u.Host = proxy.addr
	db, err := postgres.Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.CreateAccount(t.Context(), store.Account{SID: testAccount, AuthToken: testToken}); err != nil {
		t.Fatal(err)
	}
	a, _, err := assistant.ParseSchema([]byte(greeterSchema), assistant.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a.AccountSID = testAccount
	if _, err := db.ImportAssistant(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	eng := dialogue.New(db, nil, dialogue.Options{AssistantRefresh: -1})
	t.Cleanup(func() { eng.Close() })
	turn := dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: "greeter", Channel: "sms", UserID: "+15550001111", Text: "hello"}
	if _, err := eng.Handle(t.Context(), turn); err != nil {
		t.Fatal(err)
	}

	proxy.cut()
	start := time.Now()
	for range 3 {
		_, err := eng.Handle(t.Context(), turn)
		if !errors.Is(err, dialogue.ErrUnavailable) {
			t.Fatalf("a turn while the database is down: %v, want ErrUnavailable", err)
		}
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("three turns while the database is down took %s", took)
	}

	proxy.listen(t, proxy.addr)
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := eng.Handle(t.Context(), turn)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery 15 s after the database came back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPostgresNodesUseNewestBuild: a model build completed through one node
// routes turns on another node within 2 seconds.
func TestPostgresNodesUseNewestBuild(t *testing.T) {
	dsn := pgSchema(t)
	var nodes []*postgres.DB
	for range 2 {
		db, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes = append(nodes, db)
	}
	a, b := nodes[0], nodes[1]
	if err := a.CreateAccount(t.Context(), store.Account{SID: testAccount, AuthToken: testToken}); err != nil {
		t.Fatal(err)
	}
	schema := func(sample string) *assistant.Assistant {
		s, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "builds", "tasks": [
			{"uniqueName": "greet", "actions": {"actions": [{"say": "Hi."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]},
			{"uniqueName": "dance", "actions": {"actions": [{"say": "Dancing."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "`+sample+`"}]}]}`), assistant.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.AccountSID = testAccount
		return s
	}
	if _, err := a.ImportAssistant(t.Context(), schema("let us dance")); err != nil {
		t.Fatal(err)
	}
	if _, err := builds.Build(t.Context(), a, testAccount, "builds", ""); err != nil {
		t.Fatal(err)
	}
	eng := newEngine(t, b) // node b: its own engine and connections
	ask := func() string {
		r, err := eng.Query(t.Context(), nil, testAccount, "builds", "en-US", "shake it", nil)
		if err != nil {
			t.Fatal(err)
		}
		return r.Task
	}
	if got := ask(); got == "dance" {
		t.Fatal("before the new samples, shake it went to dance")
	}
	if _, err := a.ImportAssistant(t.Context(), schema("shake it")); err != nil {
		t.Fatal(err)
	}
	if _, err := builds.Build(t.Context(), a, testAccount, "builds", ""); err != nil {
		t.Fatal(err)
	}
	built := time.Now()
	for ask() != "dance" {
		if time.Since(built) > 2*time.Second {
			t.Fatal("node b did not use the new build within 2 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("node b used the new build after %s", time.Since(built).Round(time.Millisecond))
}

// Package apitest runs Parley's REST API for tests: on a real SQLite store
// in a temporary directory, with a real engine and model builder, over real
// HTTP, with one account.
package apitest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// A Server is the REST API on its own store. Everything it started stops
// when the test ends.
type Server struct {
	*httptest.Server
	DB      *sqlite.DB
	Engine  *dialogue.Engine
	Account store.Account
}

// Options change what [Start] starts.
type Options struct {
	// Wrap, when set, wraps the API's handler (to rewrite requests, say).
	Wrap func(http.Handler) http.Handler
	// Limiter, when set, counts failed authentications (api.Server.Limiter).
	Limiter *authlimit.Limiter
}

// NewStore opens a SQLite store in a temporary directory, closed when the
// test ends, with one new account.
func NewStore(t testing.TB) (*sqlite.DB, store.Account) {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	acct := store.Account{SID: twilio.NewSID(twilio.PrefixAccount), AuthToken: twilio.NewAuthToken(), FriendlyName: "test"}
	if err := db.CreateAccount(t.Context(), acct); err != nil {
		t.Fatal(err)
	}
	return db, acct
}

// Start starts a Server.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	db, acct := NewStore(t)
	hooks, err := webhook.New(webhook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eng := dialogue.New(db, hooks, dialogue.Options{})
	t.Cleanup(func() { eng.Close() })
	builder := builds.NewBuilder(db, hooks, builds.Options{Poll: 20 * time.Millisecond})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { builder.Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	mux := http.NewServeMux()
	(&api.Server{Store: db, Engine: eng, Builds: builder, Limiter: opts.Limiter}).Register(mux)
	var h http.Handler = mux
	if opts.Wrap != nil {
		h = opts.Wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Server{Server: srv, DB: db, Engine: eng, Account: acct}
}

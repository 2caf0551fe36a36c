package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/channels/custom"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "")
	addr := fs.String("addr", envOr(e, "PARLEY_ADDR", "127.0.0.1:8080"), "address to listen on (HOST:PORT)")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	publicURL := fs.String("public-url", e.getenv("PARLEY_PUBLIC_URL"), "base URL of this server as clients and webhooks reach it (default: taken from each request)")
	timeout := fs.Duration("webhook-timeout", webhook.DefaultTimeout, "timeout of each webhook request")
	turnTimeout := fs.Duration("turn-timeout", dialogue.DefaultTurnTimeout, "deadline of a turn's actions, webhooks included; past it the fallback answers")
	allow := fs.String("webhook-allow", e.getenv("PARLEY_WEBHOOK_ALLOW"), "comma-separated hosts and CIDRs webhooks may reach (default: any)")
	maxMemory := fs.Int("max-memory", 16<<10, "largest dialogue Memory in bytes")
	retention := fs.Duration("query-retention", 30*24*time.Hour, "how long logged queries are kept (Autopilot's 30 days); 0 keeps them")
	logTurns := fs.Bool("log-turn-queries", false, "log every message the NLU classifies as a Query, for assistants that log queries (costs about a quarter of the throughput; see BENCHMARKS.md)")
	logLevel := fs.String("log-level", envOr(e, "PARLEY_LOG_LEVEL", "info"), "log level (debug, info, warn, error)")
	var imports, maps, limitFlags multiFlag
	fs.Var(&limitFlags, "limit", "raise or lower a quota of the REST API: NAME=N, NAME one of assistants (per account), tasks, samples (per assistant), fields (per task), field-types, values (per field type); repeatable (default: Autopilot's)")
	fs.Var(&imports, "import", "import this schema file or directory of schema files before serving (repeatable)")
	fs.Var(&maps, "map-url", "with --import: rewrite URLs starting with FROM to start with TO (FROM=TO; repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	log := e.logger(*logLevel)
	var limits api.Limits
	for _, l := range limitFlags {
		if err := limits.ParseLimit(l); err != nil {
			return fmt.Errorf("%w: --limit: %v", errUsage, err)
		}
	}

	db, acct, err := openAccount(e, *dir)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(imports) > 0 {
		opts, err := importOptions(maps)
		if err != nil {
			return err
		}
		if _, err := importFiles(e, db, acct, imports, opts, false); err != nil {
			return err
		}
	}
	var allowList []string
	if *allow != "" {
		allowList = strings.Split(*allow, ",")
	}
	client, err := webhook.New(webhook.Options{Timeout: *timeout, Allow: allowList})
	if err != nil {
		return err
	}
	if *turnTimeout <= 0 {
		return fmt.Errorf("%w: --turn-timeout %s: want a positive duration", errUsage, *turnTimeout)
	}
	opts := dialogue.Options{Logger: log, PublicURL: *publicURL, MaxMemory: *maxMemory, TurnTimeout: *turnTimeout}
	if *logTurns {
		opts.QueryLog = db
	}
	eng := dialogue.New(db, client, opts)
	defer eng.Close() // writes the queries still queued

	// In the background, model builds enqueued through the REST API train,
	// and logged queries older than the retention go; both stop before the
	// store closes.
	builder := dialogue.NewBuilder(db, client, dialogue.BuilderOptions{Node: hostname(), Logger: log})
	bgCtx, stopBackground := context.WithCancel(context.Background())
	var background sync.WaitGroup
	background.Go(func() { builder.Run(bgCtx) })
	if *retention > 0 {
		background.Go(func() { purgeQueries(bgCtx, db, *retention, log) })
	}
	defer func() { stopBackground(); background.Wait() }()

	mux := http.NewServeMux()
	// Accounts are read once per accountTTL, not on every request.
	accounts := &store.AccountCache{Source: db, TTL: accountTTL}
	// One count of failed authentications for every surface.
	limiter := authlimit.New(authlimit.DefaultMax, authlimit.DefaultWindow)
	(&custom.Handler{Accounts: accounts, Engine: eng, Logger: log, PublicURL: *publicURL, Limiter: limiter}).Register(mux)
	(&api.Server{Store: db, Engine: eng, Accounts: accounts, Logger: log, PublicURL: *publicURL, Builds: builder, Limits: limits, Limiter: limiter}).Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           twilioErrors(mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		// Above a turn's deadline, with time for its fallback and its
		// save: a client always gets an answer, never a closed connection.
		WriteTimeout: *turnTimeout + time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     nil,
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "parley %s serving on %s (account %s)\n", Version, base, acct.SID)
	fmt.Fprintf(e.stdout, "REST API: %s/v1/Assistants (HTTP Basic auth AccountSid:AuthToken)\n", base)
	fmt.Fprintf(e.stdout, "custom channel: POST %s/v2/%s/{assistant}/custom/{channel} with UserId and Text\n", base, acct.SID)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-e.ctx.Done():
	}
	log.Info("shutting down")
	// Background work stops now (a model build being trained goes back to
	// the queue within a moment), while the turns in flight drain.
	stopBackground()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// accountTTL is how long an account's credentials are trusted before they
// are read again: a token changed by another process applies within it.
const accountTTL = 5 * time.Second

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// hostname names this node in the model builds it claims.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "parley"
	}
	return h + ":" + strconv.Itoa(os.Getpid())
}

// purgeQueries deletes logged queries older than retention, at start and
// then every hour, until ctx is done.
func purgeQueries(ctx context.Context, db interface {
	PurgeQueries(ctx context.Context, before time.Time) (int64, error)
}, retention time.Duration, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := db.PurgeQueries(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("purge queries", "error", err)
		case n > 0:
			log.Info("purged queries", "count", n, "older_than", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// twilioErrors serves mux, answering the requests it routes nowhere with
// Twilio's JSON error body instead of the mux's plain text: 404 (20404), or
// 405 (20004) with the Allow header when the path exists for other methods.
func twilioErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// What the mux would answer: its status and Allow header.
		rec := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		if rec.code == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			twilio.WriteError(w, twilio.NewError(http.StatusMethodNotAllowed, twilio.CodeMethodNotAllowed, "Method %s not allowed on %s", r.Method, r.URL.Path))
			return
		}
		if rec.code != http.StatusNotFound {
			// A redirect the mux makes (a path to clean): as it is.
			mux.ServeHTTP(w, r)
			return
		}
		twilio.WriteError(w, twilio.NewError(http.StatusNotFound, twilio.CodeNotFound, "The requested resource %s was not found", r.URL.Path))
	})
}

// statusRecorder keeps the status and headers a handler writes, and drops
// its body.
type statusRecorder struct {
	header http.Header
	code   int
}

func (s *statusRecorder) Header() http.Header { return s.header }

func (s *statusRecorder) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return len(b), nil
}

package cli

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/api"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/channels/chat"
	"github.com/parleyhq/parley/internal/channels/custom"
	"github.com/parleyhq/parley/internal/channels/messaging"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/channels/voice"
	"github.com/parleyhq/parley/internal/channels/webchat"
	"github.com/parleyhq/parley/internal/console"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/metrics"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/postgres"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

func runServe(e *env, args []string) error {
	fs := newFlags(e, "serve", "")
	addr := fs.String("addr", envOr(e, "PARLEY_ADDR", "127.0.0.1:8080"), "address to listen on (HOST:PORT)")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	dsn := dbFlag(e, fs)
	publicURL := fs.String("public-url", e.getenv("PARLEY_PUBLIC_URL"), "base URL of this server as clients and webhooks reach it (default: taken from each request)")
	timeout := fs.Duration("webhook-timeout", webhook.DefaultTimeout, "timeout of each webhook request")
	turnTimeout := fs.Duration("turn-timeout", dialogue.DefaultTurnTimeout, "deadline of a turn's actions, webhooks included; past it the fallback answers")
	allow := fs.String("webhook-allow", e.getenv("PARLEY_WEBHOOK_ALLOW"), "comma-separated hosts and CIDRs webhooks may reach (default: any)")
	maxMemory := fs.Int("max-memory", 16<<10, "largest dialogue Memory in bytes")
	retention := fs.Duration("query-retention", 30*24*time.Hour, "how long logged queries are kept (Autopilot's 30 days); 0 keeps them")
	dialogueRetention := fs.Duration("dialogue-retention", 30*24*time.Hour, "how long ended dialogues are kept after their last turn; active ones are kept however old; 0 keeps them all")
	logAllTurns := fs.Bool("log-turns", false, "log every turn of every channel with its trace, for the console's Dialogues page (the simulator's turns are always logged); written in the background, purged after --query-retention")
	logTurns := fs.Bool("log-turn-queries", false, "log every message the NLU classifies as a Query, for assistants that log queries (costs about a quarter of the throughput; see BENCHMARKS.md); without it only the console simulator's messages are logged")
	logLevel := fs.String("log-level", envOr(e, "PARLEY_LOG_LEVEL", "info"), "log level (debug, info, warn, error)")
	logFormat := fs.String("log-format", envOr(e, "PARLEY_LOG_FORMAT", "text"), "log format: text or json")
	var imports, maps, limitFlags multiFlag
	fs.Var(&limitFlags, "limit", "raise or lower a quota of the REST API: NAME=N, NAME one of assistants (per account), tasks, samples (per assistant), fields (per task), field-types, values (per field type); repeatable (default: Autopilot's)")
	fs.Var(&imports, "import", "import this schema file or directory of schema files before serving (repeatable)")
	fs.Var(&maps, "map-url", "with --import: rewrite URLs starting with FROM to start with TO (FROM=TO; repeatable)")
	cacheMB := fs.Int("cache-mb", dialogue.DefaultMaxCacheBytes>>20, "memory in MiB (estimated) for the assistants kept ready to run, models included; the least recently used go first")
	keepModels := fs.Int("keep-models", builds.DefaultKeepModels, "how many trained models of each assistant's newest builds are kept; older builds keep their record and schema (for Restore)")
	var proxies multiFlag
	fs.Var(&proxies, "trusted-proxy", "a reverse proxy (IP or CIDR; repeatable) whose X-Forwarded-Proto and X-Forwarded-Host give the public URL Twilio signed, when --public-url is not set")
	skipSignature := fs.Bool("insecure-skip-signature", false, "accept Twilio channel requests (twilio-messaging, twilio-voice, twilio-chat) without a valid X-Twilio-Signature: for local development only")
	twilioAPI := fs.String("twilio-api-url", e.getenv("PARLEY_TWILIO_API_URL"), "base URL replacing Twilio's REST API hosts (chat.twilio.com, conversations.twilio.com) for the messages the twilio-chat channel posts (default: Twilio's)")
	check := fs.Bool("check", false, "check the flags, the environment and the store, print the settings (secrets redacted) and exit")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	log, err := e.newLogger(*logLevel, *logFormat)
	if err != nil {
		return err
	}
	var limits api.Limits
	for _, l := range limitFlags {
		if err := limits.ParseLimit(l); err != nil {
			return fmt.Errorf("%w: --limit: %v", errUsage, err)
		}
	}
	if *turnTimeout <= 0 {
		return fmt.Errorf("%w: --turn-timeout %s: want a positive duration", errUsage, *turnTimeout)
	}
	if *cacheMB < 1 {
		return fmt.Errorf("%w: --cache-mb %d: want at least 1", errUsage, *cacheMB)
	}
	if *keepModels < 1 {
		return fmt.Errorf("%w: --keep-models %d: want at least 1", errUsage, *keepModels)
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("%w: --addr %q: want HOST:PORT", errUsage, *addr)
	}
	if *publicURL != "" {
		if u, err := url.Parse(*publicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: --public-url %q: want an absolute http or https URL", errUsage, *publicURL)
		}
	}
	trusted, err := twiliohook.ParseProxies(proxies)
	if err != nil {
		return fmt.Errorf("%w: --trusted-proxy: %v", errUsage, err)
	}
	if *twilioAPI != "" {
		if u, err := url.Parse(*twilioAPI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: --twilio-api-url %q: want an absolute http or https URL", errUsage, *twilioAPI)
		}
	}
	var allowList []string
	if *allow != "" {
		allowList = strings.Split(*allow, ",")
	}
	m := metrics.New()
	client, err := webhook.New(webhook.Options{Timeout: *timeout, Allow: allowList, Observe: m.Webhook})
	if err != nil {
		return fmt.Errorf("%w: --webhook-allow: %v", errUsage, err)
	}
	if _, err := importOptions(maps); err != nil {
		return err
	}
	if *check {
		return checkServe(e, location{dir: *dir, dsn: *dsn}, []struct{ k, v string }{
			{"addr", *addr}, {"data", *dir}, {"public-url", cmp.Or(*publicURL, "(from each request)")},
			{"webhook-timeout", timeout.String()}, {"turn-timeout", turnTimeout.String()},
			{"webhook-allow", cmp.Or(*allow, "(any; link-local refused)")}, {"max-memory", fmt.Sprint(*maxMemory)},
			{"query-retention", retention.String()}, {"dialogue-retention", dialogueRetention.String()}, {"keep-models", fmt.Sprint(*keepModels)}, {"cache-mb", fmt.Sprint(*cacheMB)}, {"log-turn-queries", fmt.Sprint(*logTurns)}, {"log-turns", fmt.Sprint(*logAllTurns)},
			{"trusted-proxy", cmp.Or(strings.Join(proxies, ", "), "(none)")}, {"insecure-skip-signature", fmt.Sprint(*skipSignature)},
			{"twilio-api-url", cmp.Or(*twilioAPI, "(Twilio's)")},
			{"log-level", *logLevel}, {"log-format", *logFormat}, {"limits", cmp.Or(strings.Join(limitFlags, ", "), "(Autopilot's)")},
		})
	}

	loc := location{dir: *dir, dsn: *dsn}
	db, acct, err := openAccount(e, loc)
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
	opts := dialogue.Options{Logger: log, PublicURL: *publicURL, MaxMemory: *maxMemory, TurnTimeout: *turnTimeout, Observer: m, MaxCacheBytes: *cacheMB << 20,
		TurnLog: db, LogAllTurns: *logAllTurns, QueryLog: db, QueryLogAskedOnly: !*logTurns}
	eng := dialogue.New(db, client, opts)
	defer eng.Close() // writes the queries still queued

	// In the background, model builds enqueued through the REST API train,
	// and logged queries older than the retention go; both stop before the
	// store closes.
	builder := builds.NewBuilder(db, client, builds.Options{Node: hostname(), Logger: log, Observe: m.ModelBuild, KeepModels: *keepModels})
	bgCtx, stopBackground := context.WithCancel(context.Background())
	var background sync.WaitGroup
	background.Go(func() { builder.Run(bgCtx) })
	if *retention > 0 {
		background.Go(func() { purgeEveryHour(bgCtx, "queries", db.PurgeQueries, *retention, log) })
	}
	if *dialogueRetention > 0 {
		background.Go(func() { purgeEveryHour(bgCtx, "ended dialogues", db.PurgeDialogues, *dialogueRetention, log) })
	}
	defer func() { stopBackground(); background.Wait() }()

	mux := http.NewServeMux()
	// Accounts are read once per accountTTL, not on every request.
	accounts := &store.AccountCache{Source: db, TTL: accountTTL}
	// One count of failed authentications for every surface.
	limiter := authlimit.New(authlimit.DefaultMax, authlimit.DefaultWindow)
	(&custom.Handler{Accounts: accounts, Engine: eng, Logger: log, PublicURL: *publicURL, TrustedProxies: trusted, Limiter: limiter}).Register(mux)
	// Twilio's channels: requests signed for the account in their path.
	verifier := &twiliohook.Verifier{Accounts: accounts, PublicURL: *publicURL, TrustedProxies: trusted, SkipSignature: *skipSignature, Limiter: limiter, Logger: log}
	if *skipSignature {
		log.Warn("--insecure-skip-signature: Twilio channel requests are accepted without a valid X-Twilio-Signature; anyone who can reach this server can talk as any caller")
	}
	twilioMux := http.NewServeMux()
	(&messaging.Handler{Verifier: verifier, Engine: eng, Logger: log}).Register(twilioMux)
	(&voice.Handler{Verifier: verifier, Engine: eng, Logger: log}).Register(twilioMux)
	(&chat.Handler{Verifier: verifier, Engine: eng, Logger: log, APIURL: *twilioAPI}).Register(twilioMux)
	(&api.Server{Store: db, Engine: eng, Accounts: accounts, Logger: log, PublicURL: *publicURL, Builds: builder, Limits: limits, Limiter: limiter}).Register(mux)
	// The web console, at /console/ (and / redirects there): its changes
	// go through the REST API's handlers on mux.
	(&webchat.Handler{Store: db, Engine: eng, Logger: log}).Register(mux)
	(&console.Handler{Store: db, Accounts: accounts, API: mux, Engine: eng, Logger: log, PublicURL: *publicURL, TrustedProxies: trusted, Limiter: limiter}).Register(mux)
	// /healthz: the process answers. /readyz: it can serve turns (its
	// store answers, and it is not shutting down).
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if e.ctx.Err() != nil {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		if err := db.Ping(ctx); err != nil {
			log.Warn("not ready", "error", err)
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", m.Handler())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           withRequestID(twiliohook.Route(twilioErrors(twilioMux), twilioErrors(mux))),
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
	fmt.Fprintf(e.stdout, "web console: %s/console/ (sign in with the account SID and auth token)\n", base)
	fmt.Fprintf(e.stdout, "REST API: %s/v1/Assistants (HTTP Basic auth AccountSid:AuthToken)\n", base)
	fmt.Fprintf(e.stdout, "custom channel: POST %s/v2/%s/{assistant}/custom/{channel} with UserId and Text\n", base, acct.SID)
	fmt.Fprintf(e.stdout, "Twilio channels: %s/v1/%s/{assistant}/twilio-messaging, twilio-voice, twilio-chat (docs/channels.md)\n", base, acct.SID)

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

// purgeEveryHour deletes what purge deletes (queries, ended dialogues)
// older than retention, at start and then every hour, until ctx ends.
func purgeEveryHour(ctx context.Context, what string, purge func(context.Context, time.Time) (int64, error), retention time.Duration, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := purge(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("purge "+what, "error", err)
		case n > 0:
			log.Info("purged "+what, "count", n, "older_than", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// withRequestID gives every request an id, on its X-Request-Id header (for
// the handlers' log lines) and on the response's: the client's own, when it
// sent a short plain one, else a new one.
func withRequestID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !plainID(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
			r.Header.Set("X-Request-Id", id)
		}
		w.Header().Set("X-Request-Id", id)
		h.ServeHTTP(w, r)
	})
}

// plainID reports whether id can be logged as it is: 1 to 64 letters,
// digits, '-', '_' or '.'.
func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// checkServe prints serve's settings and what the store holds, without
// creating a store or an account, for serve --check.
func checkServe(e *env, loc location, settings []struct{ k, v string }) error {
	for _, s := range settings {
		fmt.Fprintf(e.stdout, "%-17s %s\n", s.k, s.v)
	}
	sid, token, err := pinnedAccount(e)
	if err != nil {
		return err
	}
	if sid != "" {
		fmt.Fprintf(e.stdout, "%-17s %s (auth token %s…, pinned)\n", "account", sid, token[:4])
	}
	if loc.dsn != "" {
		// Connect only: serve applies the migrations.
		n, err := postgres.Check(e.ctx, loc.dsn)
		if err != nil {
			return fmt.Errorf("store %s: %w", loc, err)
		}
		fmt.Fprintf(e.stdout, "%-17s %s: answers, schema version %d\n", "store", loc, n)
		fmt.Fprintln(e.stdout, "ok")
		return nil
	}
	dir := loc.dir
	if _, err := os.Stat(filepath.Join(dir, "parley.db")); err != nil {
		fmt.Fprintf(e.stdout, "%-17s none yet in %s: serve creates it\n", "store", dir)
		fmt.Fprintln(e.stdout, "ok")
		return nil
	}
	db, err := openStore(e, loc)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ping(e.ctx); err != nil {
		return err
	}
	accts, err := db.Accounts(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%-17s %s: %d account(s)\n", "store", filepath.Join(dir, "parley.db"), len(accts))
	fmt.Fprintln(e.stdout, "ok")
	return nil
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

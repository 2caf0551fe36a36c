package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// Store is what the API reads and writes; *sqlite.DB is one.
type Store interface {
	store.AccountSource
	store.Assistants
	store.Tasks
	store.Samples
	store.FieldTypes
	store.ModelBuilds
	store.Queries
	store.Webhooks
	Dialogue(ctx context.Context, accountSID, assistantSID, dialogueSID string) (*store.Dialogue, error)
}

// Engine classifies queries; *dialogue.Engine is one. Forget tells it that
// the account's assistants changed, so that its next turn reads them again.
type Engine interface {
	QueryBuild(ctx context.Context, log dialogue.QueryLog, accountSID, assistantName, build, language, text string, tasks []string) (*dialogue.QueryResult, error)
	Forget(accountSID string)
}

// A Server serves the REST API. Its fields are set before [Server.Register]
// and not changed after.
type Server struct {
	Store  Store
	Engine Engine
	// Accounts authenticates requests; Store when nil (a
	// [store.AccountCache] in front of it saves a query per request).
	Accounts store.AccountSource
	Logger   *slog.Logger
	// PublicURL is the server's base URL as clients reach it, used in the
	// url, links and page URLs of responses; taken from each request when
	// empty.
	PublicURL string
	// Limiter, when set, refuses client addresses that failed to
	// authenticate too often (shared with the channels).
	Limiter *authlimit.Limiter
	// Builds, when set, is told of every model build created, so that it
	// starts at once instead of at its next poll.
	Builds interface{ Wake() }
	// Limits are the quotas of accounts and assistants; zero values are
	// Autopilot's (DefaultLimits).
	Limits Limits
	// Now is time.Now when nil.
	Now func() time.Time
}

// Limits bound what an account may create, as Autopilot's quotas did.
type Limits struct {
	Assistants         int // per account
	Tasks              int // per assistant
	Samples            int // per assistant, all tasks together
	FieldsPerTask      int
	FieldTypes         int // custom field types per assistant
	ValuesPerFieldType int // synonyms included
}

// ParseLimit sets one limit of l from "name=N", name being assistants,
// tasks, samples, fields, field-types or values.
func (l *Limits) ParseLimit(s string) error {
	name, v, ok := strings.Cut(s, "=")
	n, err := strconv.Atoi(v)
	if !ok || err != nil || n < 1 {
		return fmt.Errorf("limit %q: want NAME=N with N >= 1", s)
	}
	switch name {
	case "assistants":
		l.Assistants = n
	case "tasks":
		l.Tasks = n
	case "samples":
		l.Samples = n
	case "fields":
		l.FieldsPerTask = n
	case "field-types":
		l.FieldTypes = n
	case "values":
		l.ValuesPerFieldType = n
	default:
		return fmt.Errorf("limit %q: no limit %q (assistants, tasks, samples, fields, field-types, values)", s, name)
	}
	return nil
}

// DefaultLimits are Autopilot's final quotas.
var DefaultLimits = Limits{Assistants: 500, Tasks: 600, Samples: 50000, FieldsPerTask: 50, FieldTypes: 50, ValuesPerFieldType: 1000}

// limit returns the limit that pick selects, Autopilot's when unset.
func (s *Server) limit(pick func(Limits) int) int {
	if n := pick(s.Limits); n > 0 {
		return n
	}
	return pick(DefaultLimits)
}

// checkQuota fails when a parent already holds n things of what, the limit
// that pick selects.
func (s *Server) checkQuota(what string, n int, pick func(Limits) int) error {
	if max := s.limit(pick); n >= max {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "limit reached: at most %d %s", max, what)
	}
	return nil
}

// A request is what every handler gets beyond the HTTP request: the
// authenticated account and the base URL of responses.
type request struct {
	*http.Request
	account store.Account
	base    string // scheme://host, no trailing slash
	form    form
}

// handlerFunc is a handler that returns its error for [Server.handle] to
// render.
type handlerFunc func(w http.ResponseWriter, r *request) error

// handle authenticates the request, parses its form, runs h and renders an
// error it returns: a *twilio.Error as it is, anything else as a 500 whose
// details go to the log only.
func (s *Server) handle(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, hr *http.Request) {
		err := s.serve(w, hr, h)
		if err == nil {
			return
		}
		te, ok := errors.AsType[*twilio.Error](err)
		if !ok {
			s.logger().Error("api", "method", hr.Method, "path", hr.URL.Path, "error", err, "request_id", hr.Header.Get("X-Request-Id"))
			te = twilio.NewError(http.StatusInternalServerError, twilio.CodeInternal, "internal server error")
		}
		twilio.WriteError(w, te)
	}
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request, h handlerFunc) error {
	addr := authlimit.ClientAddr(hr)
	if s.Limiter.Blocked(addr) {
		return twilio.NewError(http.StatusTooManyRequests, twilio.CodeTooManyRequests, "too many failed authentications from this address; try again later")
	}
	acct, err := s.authenticate(hr)
	if te, ok := errors.AsType[*twilio.Error](err); ok && te.Code == twilio.CodeAuthenticate {
		s.Limiter.Fail(addr)
		user, _, _ := hr.BasicAuth()
		s.logger().Warn("authentication failed", "surface", "api", "account_sid", user, "remote", addr, "request_id", hr.Header.Get("X-Request-Id"))
	}
	if err != nil {
		return err
	}
	hr.Body = http.MaxBytesReader(w, hr.Body, maxBody)
	if err := hr.ParseForm(); err != nil {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the request is not a valid form: %v", err)
	}
	r := &request{Request: hr, account: acct, base: s.baseURL(hr)}
	r.form = form{hr.Form}
	if hr.Method == http.MethodPost {
		r.form = form{hr.PostForm}
	}
	err = h(w, r)
	if err == nil && hr.Method != http.MethodGet {
		// Conversations in this process see the change at once (other
		// nodes within the engine's AssistantRefresh).
		s.Engine.Forget(acct.SID)
	}
	return err
}

// maxBody bounds a request body: the largest is an Actions, Defaults or
// StyleSheet document.
const maxBody = 1 << 20

// authenticate checks HTTP Basic auth as AccountSid:AuthToken.
func (s *Server) authenticate(r *http.Request) (store.Account, error) {
	deny := twilio.NewError(http.StatusUnauthorized, twilio.CodeAuthenticate, "Authenticate: HTTP Basic auth with your AccountSid and AuthToken is required")
	user, pass, ok := r.BasicAuth()
	if !ok || !twilio.IsSID(twilio.PrefixAccount, user) {
		return store.Account{}, deny
	}
	accounts := s.Accounts
	if accounts == nil {
		accounts = s.Store
	}
	acct, err := accounts.Account(r.Context(), user)
	if errors.Is(err, store.ErrNotFound) {
		return store.Account{}, deny
	}
	if err != nil {
		return store.Account{}, fmt.Errorf("authenticate: %w", err)
	}
	if !twilio.ValidBasicAuth(user, pass, acct.SID, acct.AuthToken) {
		return store.Account{}, deny
	}
	return acct, nil
}

func (s *Server) baseURL(r *http.Request) string {
	if s.PublicURL != "" {
		return strings.TrimSuffix(s.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host}).String()
}

func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

func (s *Server) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// writeJSON writes v with the given status. JSON documents (actions,
// defaults, style sheets) go out with the bytes they were stored with: no
// HTML escaping of <, > and &.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err := w.Write(b.Bytes())
	return err
}

// noContent answers a delete.
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// date formats a time as the API does: RFC 3339, UTC, whole seconds.
func date(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// nullable returns nil for "", else &s: unset optional fields are JSON null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

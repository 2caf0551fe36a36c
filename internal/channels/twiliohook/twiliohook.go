// Package twiliohook holds what the channels Twilio's products call have in
// common: finding the public URL Twilio signed, checking X-Twilio-Signature
// against the owning account's auth token before anything changes, limiting
// the addresses that keep failing, reading the form with a size limit, and
// the URL parameters of every channel (TargetTask, Memory).
package twiliohook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// Accounts finds the account that owns a channel URL.
type Accounts interface {
	Account(ctx context.Context, sid string) (store.Account, error)
}

// MaxBody is the largest form a Twilio webhook may post: Twilio's own are a
// few kilobytes (a message body is at most 1,600 characters).
const MaxBody = 64 << 10

// A Verifier authenticates the requests of Twilio's webhooks.
type Verifier struct {
	Accounts Accounts
	// PublicURL is the server's base URL as Twilio reaches it
	// (https://parley.example.com). When empty it is taken from each
	// request: its Host, and X-Forwarded-Proto and X-Forwarded-Host when
	// the request comes from one of TrustedProxies.
	PublicURL      string
	TrustedProxies []netip.Prefix
	// SkipSignature accepts requests without a valid signature: for local
	// development only.
	SkipSignature bool
	Limiter       *authlimit.Limiter
	Logger        *slog.Logger
}

// ErrForbidden is the error of a request whose signature is missing or
// wrong (403, code 20003).
var ErrForbidden = twilio.NewError(http.StatusForbidden, twilio.CodeAuthenticate, "the request's X-Twilio-Signature is missing or not valid for this URL and the account's auth token")

// Verify reads the request's form (at most MaxBody bytes) and checks its
// signature for the account named by the path's {AccountSid}. It returns the
// account, or a *twilio.Error: 429 for an address that failed too often,
// 403 for a bad signature or an unknown account, 400 for a body that is not
// a form. surface names the channel in log lines.
func (v *Verifier) Verify(w http.ResponseWriter, r *http.Request, surface string) (store.Account, error) {
	addr := authlimit.ClientAddr(r)
	if v.Limiter.Blocked(addr) {
		return store.Account{}, twilio.NewError(http.StatusTooManyRequests, twilio.CodeTooManyRequests, "too many failed authentications from this address; try again later")
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		return store.Account{}, twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the request body is not a valid form (application/x-www-form-urlencoded, at most %d bytes): %v", MaxBody, err)
	}
	acct, err := v.Accounts.Account(r.Context(), r.PathValue("AccountSid"))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		// Twilio retries a 503 where it would give up on a 500.
		v.logger().Error(surface+": reading the account failed", "account_sid", r.PathValue("AccountSid"), "error", err, "request_id", r.Header.Get("X-Request-Id"))
		return store.Account{}, twilio.NewError(http.StatusServiceUnavailable, twilio.CodeInternal, "the server cannot check the request's signature now; try again")
	}
	if err == nil && (v.SkipSignature || twilio.ValidSignature(acct.AuthToken, v.URL(r), r.PostForm, r.Header.Get(twilio.SignatureHeader))) {
		return acct, nil
	}
	v.Limiter.Fail(addr)
	v.logger().Warn("authentication failed", "surface", surface, "account_sid", r.PathValue("AccountSid"), "url", v.URL(r),
		"signature", r.Header.Get(twilio.SignatureHeader) != "", "remote", addr, "request_id", r.Header.Get("X-Request-Id"))
	return store.Account{}, ErrForbidden
}

func (v *Verifier) logger() *slog.Logger { return Logger(v.Logger) }

// BaseURL returns the server's base URL as the client of r reached it.
func (v *Verifier) BaseURL(r *http.Request) string {
	return BaseURL(r, v.PublicURL, v.TrustedProxies)
}

// URL returns the full URL of r as its client requested it: what Twilio
// signed.
func (v *Verifier) URL(r *http.Request) string {
	return v.BaseURL(r) + r.URL.RequestURI()
}

// BaseURL returns publicURL without its trailing slash or, when it is
// empty, the scheme and host r was sent to: X-Forwarded-Proto and
// X-Forwarded-Host are believed only from the proxies named by trusted.
func BaseURL(r *http.Request, publicURL string, trusted []netip.Prefix) string {
	if publicURL != "" {
		return strings.TrimSuffix(publicURL, "/")
	}
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if fromTrusted(r, trusted) {
		if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "https" || p == "http" {
			scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
			host = h
		}
	}
	return (&url.URL{Scheme: scheme, Host: host}).String()
}

// firstValue returns the first of a header's comma-separated values: the
// one the proxy nearest the client wrote.
func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}

// fromTrusted reports whether r's peer address is in trusted.
func fromTrusted(r *http.Request, trusted []netip.Prefix) bool {
	if len(trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParseProxies reads the --trusted-proxy values: CIDRs or single addresses.
func ParseProxies(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range values {
		for part := range strings.SplitSeq(s, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if p, err := netip.ParsePrefix(part); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, errors.New("trusted proxy " + part + ": not an IP address or CIDR")
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return out, nil
}

// Params are the URL parameters every channel URL takes.
type Params struct {
	TargetTask string
	Memory     json.RawMessage
}

// URLParams reads TargetTask and Memory from r's query string; Memory must
// be a JSON object.
func URLParams(r *http.Request) (Params, error) {
	q := r.URL.Query()
	p := Params{TargetTask: q.Get("TargetTask")}
	if m := q.Get("Memory"); m != "" {
		if !json.Valid([]byte(m)) || !strings.HasPrefix(strings.TrimSpace(m), "{") {
			return p, twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the Memory URL parameter must be a JSON object")
		}
		p.Memory = json.RawMessage(m)
	}
	return p, nil
}

// Form returns the posted parameters as Memory holds them: each name with
// its first value.
func Form(r *http.Request) map[string]any {
	m := make(map[string]any, len(r.PostForm))
	for k, vs := range r.PostForm {
		if len(vs) > 0 {
			m[k] = vs[0]
		}
	}
	return m
}

// Engine runs turns; *dialogue.Engine is one.
type Engine interface {
	Handle(ctx context.Context, t dialogue.Turn) (*dialogue.Reply, error)
}

// Logger returns log, or a logger that discards when it is nil.
func Logger(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

// Run runs a turn. It returns the reply; or a *twilio.Error when the request
// is at fault (see TurnError); or neither when the turn could not run (its
// store unavailable, say): that is logged, and the channel answers as if
// the bot had nothing to say, for Twilio never gets a 500.
func Run(r *http.Request, eng Engine, turn dialogue.Turn, log *slog.Logger, surface string) (*dialogue.Reply, error) {
	reply, err := eng.Handle(r.Context(), turn)
	err = TurnError(err, r, len(turn.Memory))
	if _, ok := err.(*twilio.Error); ok || err == nil {
		return reply, err
	}
	Logger(log).Error(surface+": turn failed", "path", r.URL.Path, "user", turn.UserID, "error", err, "request_id", turn.RequestID)
	return nil, nil
}

// TurnError turns the engine's errors about the request (an unknown
// assistant or TargetTask, a Memory parameter over the limit) into 4xx
// errors that say so; it returns other errors unchanged, and nil for nil.
func TurnError(err error, r *http.Request, memory int) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, dialogue.ErrUnknownTargetTask):
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the TargetTask URL parameter: %v", err)
	case errors.Is(err, dialogue.ErrMemoryTooLarge):
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the Memory URL parameter is %d bytes, over the limit of Memory (--max-memory): %v", memory, err)
	case errors.Is(err, dialogue.ErrAssistantNotFound):
		return twilio.NewError(http.StatusNotFound, twilio.CodeNotFound, "the requested resource %s was not found", r.URL.Path)
	}
	return err
}

// WriteError writes err as Twilio's JSON error body: a *twilio.Error as it
// is, anything else as a 500 after logging it.
func WriteError(w http.ResponseWriter, r *http.Request, log *slog.Logger, surface string, err error) {
	te, ok := errors.AsType[*twilio.Error](err)
	if !ok {
		log.Error(surface, "path", r.URL.Path, "error", err, "request_id", r.Header.Get("X-Request-Id"))
		te = twilio.NewError(http.StatusInternalServerError, twilio.CodeInternal, "internal error")
	} else if te.Status != http.StatusForbidden && te.Status != http.StatusTooManyRequests && te.Status != http.StatusServiceUnavailable {
		log.Warn(surface+": request refused", "path", r.URL.Path, "status", te.Status, "error", te.Message, "request_id", r.Header.Get("X-Request-Id"))
	}
	twilio.WriteError(w, te)
}

// ServeTwiML returns a handler that answers what handle returns: a TwiML
// document, or its error as WriteError writes it.
func ServeTwiML(handle func(http.ResponseWriter, *http.Request) (string, error), log *slog.Logger, surface string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		doc, err := handle(w, r)
		if err != nil {
			WriteError(w, r, Logger(log), surface, err)
			return
		}
		WriteTwiML(w, doc)
	}
}

// WriteTwiML writes a TwiML document with status 200.
func WriteTwiML(w http.ResponseWriter, doc string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, doc)
}

// Channels are the last path segments of Twilio's channel URLs.
var Channels = []string{"twilio-messaging", "twilio-voice", "twilio-chat"}

// Route sends the requests for Twilio's channel URLs,
// /v1/{AccountSid}/{Assistant}/twilio-..., to channels and all others to
// rest. The REST API's /v1/Assistants/{Assistant}/{Resource} has the same
// shape, so the two cannot share one http.ServeMux.
func Route(channels, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if IsChannelPath(r.URL.Path) {
			channels.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}

// IsChannelPath reports whether path is a Twilio channel URL.
func IsChannelPath(path string) bool {
	rest, ok := strings.CutPrefix(path, "/v1/")
	if !ok {
		return false
	}
	parts := strings.Split(rest, "/")
	return len(parts) == 3 && parts[0] != "Assistants" && parts[0] != "" && parts[1] != "" && slices.Contains(Channels, parts[2])
}

// Package custom serves Autopilot's custom channel: a client POSTs a user's
// text to /v2/{AccountSid}/{Assistant}/custom/{ChannelName} (or the
// deprecated v1 URL) with HTTP Basic auth, and gets the bot's reply as JSON.
// It is also the simplest way to talk to a bot over HTTP.
package custom

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// Accounts authenticates requests.
type Accounts interface {
	Account(ctx context.Context, sid string) (store.Account, error)
}

// Engine runs turns; *dialogue.Engine is one.
type Engine = twiliohook.Engine

// A Handler serves the custom channel endpoints.
type Handler struct {
	Accounts Accounts
	Engine   Engine
	Logger   *slog.Logger
	// PublicURL is the server's base URL as clients reach it. When empty it
	// is taken from each request.
	PublicURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-Proto and
	// X-Forwarded-Host headers are believed when PublicURL is empty.
	TrustedProxies []netip.Prefix
	// Limiter, when set, refuses client addresses that failed to
	// authenticate too often (shared with the other surfaces).
	Limiter *authlimit.Limiter
}

// Register adds the channel's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v2/{AccountSid}/{Assistant}/custom/{ChannelName}", h.serve(2))
	mux.HandleFunc("POST /v1/{AccountSid}/{Assistant}/custom/{ChannelName}", h.serve(1))
}

func (h *Handler) serve(version int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h.handle(w, r, version); err != nil {
			te, ok := errors.AsType[*twilio.Error](err)
			if !ok {
				h.logger().Error("custom channel", "path", r.URL.Path, "error", err, "request_id", r.Header.Get("X-Request-Id"))
				te = twilio.NewError(http.StatusInternalServerError, twilio.CodeInternal, "internal error")
			}
			twilio.WriteError(w, te)
		}
	}
}

func (h *Handler) logger() *slog.Logger { return twiliohook.Logger(h.Logger) }

// MaxBody is the largest request body the custom channel reads.
const MaxBody = 64 << 10

func (h *Handler) handle(w http.ResponseWriter, r *http.Request, version int) error {
	addr := authlimit.ClientAddr(r)
	if h.Limiter.Blocked(addr) {
		return twilio.NewError(http.StatusTooManyRequests, twilio.CodeTooManyRequests, "too many failed authentications from this address; try again later")
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	base := h.baseURL(r)
	acct, err := h.authenticate(r, base)
	if errors.Is(err, errDenied) {
		h.Limiter.Fail(addr)
		h.logger().Warn("authentication failed", "surface", "custom channel", "account_sid", r.PathValue("AccountSid"), "remote", addr, "request_id", r.Header.Get("X-Request-Id"))
		return twilio.NewError(http.StatusUnauthorized, twilio.CodeAuthenticate, "authenticate with HTTP Basic auth as AccountSid:AuthToken, or sign the request with X-Twilio-Signature")
	}
	if err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the custom channel takes a form-encoded body (application/x-www-form-urlencoded: UserId=...&Text=...), not JSON")
	}
	if err := r.ParseForm(); err != nil {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the request body is not a valid form (application/x-www-form-urlencoded, at most %d bytes): %v", MaxBody, err)
	}
	userKey, textKey := "UserId", "Text"
	if version == 1 {
		userKey, textKey = "user_id", "text"
	}
	user := r.PostForm.Get(userKey)
	if user == "" {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "missing required parameter %s", userKey)
	}
	params, err := twiliohook.URLParams(r)
	if err != nil {
		return err
	}
	name := r.PathValue("ChannelName")
	turn := dialogue.Turn{
		AccountSID:  acct.SID,
		AuthToken:   acct.AuthToken,
		Assistant:   r.PathValue("Assistant"),
		Channel:     name,
		MemoryKey:   "custom." + name,
		ChannelData: map[string]any{},
		UserID:      user,
		Text:        r.PostForm.Get(textKey),
		Language:    r.PostForm.Get("Language"),
		TargetTask:  params.TargetTask,
		Memory:      params.Memory,
		PublicURL:   base,
		RequestID:   r.Header.Get("X-Request-Id"),
	}
	reply, err := h.Engine.Handle(r.Context(), turn)
	if errors.Is(err, dialogue.ErrUnavailable) {
		h.logger().Error("custom channel: turn failed", "path", r.URL.Path, "error", err, "request_id", r.Header.Get("X-Request-Id"))
		return twilio.NewError(http.StatusServiceUnavailable, twilio.CodeInternal, "the turn could not run now (its store failed); nothing of it was saved: send it again")
	}
	if err := twiliohook.TurnError(err, r, len(turn.Memory)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if version == 1 {
		return enc.Encode(v1Response(reply))
	}
	return enc.Encode(v2Response(reply, user))
}

// authenticate checks HTTP Basic auth (AccountSid:AuthToken) or, without it,
// a valid X-Twilio-Signature, against the account named in the path. Basic
// auth is checked before the body is read; a signature needs the body's
// parameters. Wrong or missing credentials are errDenied.
func (h *Handler) authenticate(r *http.Request, base string) (store.Account, error) {
	acct, err := h.Accounts.Account(r.Context(), r.PathValue("AccountSid"))
	if errors.Is(err, store.ErrNotFound) {
		return store.Account{}, errDenied
	}
	if err != nil {
		return store.Account{}, err
	}
	if user, pass, ok := r.BasicAuth(); ok {
		if twilio.ValidBasicAuth(user, pass, acct.SID, acct.AuthToken) {
			return acct, nil
		}
		return store.Account{}, errDenied
	}
	sig := r.Header.Get(twilio.SignatureHeader)
	if sig == "" {
		return store.Account{}, errDenied
	}
	if err := r.ParseForm(); err != nil {
		return store.Account{}, errDenied
	}
	if twilio.ValidSignature(acct.AuthToken, base+r.URL.RequestURI(), r.PostForm, sig) {
		return acct, nil
	}
	return store.Account{}, errDenied
}

var errDenied = errors.New("authentication failed")

func (h *Handler) baseURL(r *http.Request) string {
	return twiliohook.BaseURL(r, h.PublicURL, h.TrustedProxies)
}

type sayJSON struct {
	Speech string `json:"speech"`
	Text   string `json:"text,omitempty"`
}

type imageJSON struct {
	URL   string `json:"url"`
	Label string `json:"label,omitempty"`
}

type showJSON struct {
	Body    string      `json:"body"`
	Subject string      `json:"subject,omitempty"`
	Images  []imageJSON `json:"images,omitempty"`
}

type playJSON struct {
	URL  string `json:"url"`
	Loop int    `json:"loop,omitempty"`
}

type responseJSON struct {
	Says    []sayJSON       `json:"says"`
	Shows   []showJSON      `json:"shows,omitempty"`
	Plays   []playJSON      `json:"plays,omitempty"`
	Listen  any             `json:"listen,omitempty"`
	Collect *collectJSON    `json:"collect,omitempty"`
	Handoff json.RawMessage `json:"handoff,omitempty"`
}

type collectJSON struct {
	Question string `json:"question"`
}

type dialogueJSON struct {
	SID            string `json:"sid"`
	CurrentTask    string `json:"current_task"`
	UserIdentifier string `json:"user_identifier"`
	Memory         string `json:"memory"`
	Status         string `json:"status"`
}

type v2JSON struct {
	Response responseJSON `json:"response"`
	Dialogue dialogueJSON `json:"dialogue"`
}

func v2Response(r *dialogue.Reply, user string) v2JSON {
	resp := responseJSON{Says: []sayJSON{}}
	for _, s := range r.Says {
		resp.Says = append(resp.Says, sayJSON{Speech: s.Speech, Text: s.Text})
	}
	for _, s := range r.Shows {
		resp.Shows = append(resp.Shows, showOf(s))
	}
	for _, p := range r.Plays {
		resp.Plays = append(resp.Plays, playJSON{URL: p.URL, Loop: p.Loop})
	}
	resp.Listen = listenOf(r.Listen)
	if r.Question != "" {
		resp.Collect = &collectJSON{Question: r.Question}
	}
	if r.Handoff != nil {
		resp.Handoff = handoffOf(r.Handoff)
	}
	status := store.DialogueActive
	if r.Ended {
		status = store.DialogueEnded
	}
	return v2JSON{Response: resp, Dialogue: dialogueJSON{
		SID: r.DialogueSID, CurrentTask: r.CurrentTask, UserIdentifier: user, Memory: string(r.Memory), Status: status,
	}}
}

type v1JSON struct {
	Says     []sayJSON  `json:"says"`
	Shows    []showJSON `json:"shows"`
	Listen   any        `json:"listen,omitempty"`
	Remember struct {
		Memory string `json:"memory"`
	} `json:"remember"`
}

func v1Response(r *dialogue.Reply) v1JSON {
	v := v1JSON{Says: []sayJSON{}, Shows: []showJSON{}}
	for _, s := range r.Says {
		v.Says = append(v.Says, sayJSON{Speech: s.Speech})
	}
	for _, s := range r.Shows {
		v.Shows = append(v.Shows, showOf(s))
	}
	if r.Listen != nil {
		v.Listen = map[string]any{}
	}
	v.Remember.Memory = string(r.Memory)
	return v
}

func showOf(s actions.Show) showJSON {
	j := showJSON{Body: s.Body, Subject: s.Subject}
	for _, img := range s.Images {
		j.Images = append(j.Images, imageJSON{URL: img.URL, Label: img.Label})
	}
	return j
}

// listenOf renders a pending listen: true, or the listen's options.
func listenOf(l *actions.Listen) any {
	if l == nil {
		return nil
	}
	if len(l.Tasks) == 0 && l.VoiceDigits == nil && l.Barge == nil {
		return true
	}
	m := map[string]any{}
	if len(l.Tasks) > 0 {
		m["tasks"] = l.Tasks
	}
	if l.Barge != nil {
		m["barge"] = *l.Barge
	}
	if vd := l.VoiceDigits; vd != nil {
		d := map[string]any{}
		if vd.NumDigits > 0 {
			d["num_digits"] = vd.NumDigits
		}
		if vd.FinishOnKey != "" {
			d["finish_on_key"] = vd.FinishOnKey
		}
		if len(vd.Redirects) > 0 {
			d["redirects"] = vd.Redirects
		}
		m["voice_digits"] = d
	}
	return m
}

func handoffOf(h *actions.Handoff) json.RawMessage {
	m := map[string]any{}
	for k, v := range h.Options {
		m[k] = v
	}
	if h.Channel != "" {
		m["channel"] = h.Channel
	}
	m["uri"] = h.URI
	if h.Method != "" {
		m["method"] = h.Method
	}
	b, _ := json.Marshal(m)
	return b
}

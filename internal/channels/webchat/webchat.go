// Package webchat serves the web chat: a chat window any page embeds with
//
//	<script src="https://parley.example/webchat.js" data-assistant="UA…"></script>
//
// It talks to a public channel of the assistant, /webchat/{AssistantSid}/
// messages, that needs no account token: the assistant turns it on and
// lists the origins of the pages allowed to embed it (the console's
// assistant page does both). Each visitor gets an anonymous id, signed with
// the assistant's web chat secret, that the window keeps in the page's
// local storage; messages are limited per visitor and per assistant.
package webchat

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
)

//go:embed webchat.js
var script []byte

// Store is what the web chat reads.
type Store interface {
	store.AccountSource
	WebChat(ctx context.Context, assistantSID string) (store.WebChat, error)
}

// Engine runs turns; *dialogue.Engine is one.
type Engine interface {
	Handle(ctx context.Context, t dialogue.Turn) (*dialogue.Reply, error)
}

// Limits of the web chat's messages, per minute.
const (
	PerVisitor   = 30
	PerAssistant = 600
	MaxText      = 2000 // characters of one message
)

// A Handler serves the web chat's script and channel.
type Handler struct {
	Store  Store
	Engine Engine
	Logger *slog.Logger
	Now    func() time.Time

	mu      sync.Mutex
	windows map[string]*window // rate windows by visitor and by assistant
}

type window struct {
	start time.Time
	n     int
}

// Register adds the web chat's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /webchat.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Write(script)
	})
	mux.HandleFunc("OPTIONS /webchat/{Assistant}/messages", h.preflight)
	mux.HandleFunc("POST /webchat/{Assistant}/messages", h.message)
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

func (h *Handler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// allowed returns the web chat of the path's assistant when it is on and
// the request's Origin is one of its origins.
func (h *Handler) allowed(r *http.Request) (store.WebChat, int, string) {
	wc, err := h.Store.WebChat(r.Context(), r.PathValue("Assistant"))
	if errors.Is(err, store.ErrNotFound) {
		return wc, http.StatusNotFound, "no such assistant"
	}
	if err != nil {
		h.logger().Error("web chat", "error", err)
		return wc, http.StatusServiceUnavailable, "the web chat is unavailable; try again"
	}
	origin := r.Header.Get("Origin")
	if !wc.Enabled {
		return wc, http.StatusForbidden, "this assistant's web chat is off"
	}
	if origin == "" || !slices.Contains(wc.Origins, origin) {
		return wc, http.StatusForbidden, "this page's origin may not embed this assistant's web chat"
	}
	return wc, 0, ""
}

func (h *Handler) preflight(w http.ResponseWriter, r *http.Request) {
	if _, status, _ := h.allowed(r); status != 0 {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	cors(w, r)
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

func cors(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", r.Header.Get("Origin"))
	w.Header().Add("Vary", "Origin")
}

// A reply is what the window shows of a turn: Messages in the order the
// actions ran (Says and Shows hold the same apart).
type reply struct {
	Visitor  string    `json:"visitor"`
	Messages []message `json:"messages"`
	Says     []string  `json:"says"`
	Shows    []show    `json:"shows,omitempty"`
	Question string    `json:"question,omitempty"`
	Ended    bool      `json:"ended,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// A message is a say (Text) or a show (Text, its body, and Images).
type message struct {
	Text   string  `json:"text"`
	Images []image `json:"images,omitempty"`
}

type show struct {
	Body   string  `json:"body"`
	Images []image `json:"images,omitempty"`
}

type image struct {
	URL   string `json:"url"`
	Label string `json:"label,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (h *Handler) message(w http.ResponseWriter, r *http.Request) {
	wc, status, msg := h.allowed(r)
	if status != 0 {
		writeJSON(w, status, reply{Error: msg})
		return
	}
	cors(w, r)
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, reply{Error: "the message could not be read"})
		return
	}
	text := r.PostForm.Get("Text")
	if len([]rune(text)) > MaxText {
		writeJSON(w, http.StatusBadRequest, reply{Error: "the message is too long"})
		return
	}
	visitor, ok := checkVisitor(wc.Secret, r.PostForm.Get("Visitor"))
	token := r.PostForm.Get("Visitor")
	if !ok {
		visitor, token = newVisitor(wc.Secret)
	}
	if !h.take("v:"+wc.AssistantSID+":"+visitor, PerVisitor) || !h.take("a:"+wc.AssistantSID, PerAssistant) {
		w.Header().Set("Retry-After", "60")
		writeJSON(w, http.StatusTooManyRequests, reply{Visitor: token, Error: "too many messages; wait a minute"})
		return
	}
	acct, err := h.Store.Account(r.Context(), wc.AccountSID)
	if err != nil {
		h.logger().Error("web chat", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, reply{Visitor: token, Error: "the web chat is unavailable; try again"})
		return
	}
	rep, err := h.Engine.Handle(r.Context(), dialogue.Turn{
		AccountSID: acct.SID, AuthToken: acct.AuthToken, Assistant: wc.AssistantSID,
		Channel: "webchat", MemoryKey: "webchat", ChannelData: map[string]any{"Origin": r.Header.Get("Origin")},
		UserID: "web:" + visitor, Text: text, Language: "en-US", RequestID: r.Header.Get("X-Request-Id"),
	})
	if err != nil {
		h.logger().Error("web chat: turn failed", "assistant_sid", wc.AssistantSID, "error", err, "request_id", r.Header.Get("X-Request-Id"))
		writeJSON(w, http.StatusServiceUnavailable, reply{Visitor: token, Error: "the bot could not answer; try again"})
		return
	}
	out := reply{Visitor: token, Messages: []message{}, Says: []string{}, Question: rep.Question, Ended: rep.Ended}
	rep.Outputs(func(s dialogue.Say) {
		out.Says = append(out.Says, s.Text)
		out.Messages = append(out.Messages, message{Text: s.Text})
	}, nil, func(s actions.Show) {
		sh := show{Body: s.Body}
		for _, img := range s.Images {
			sh.Images = append(sh.Images, image{img.URL, img.Label})
		}
		out.Shows = append(out.Shows, sh)
		out.Messages = append(out.Messages, message{Text: s.Body, Images: sh.Images})
	})
	writeJSON(w, http.StatusOK, out)
}

// take counts one message against key's limit per minute, and reports
// whether it is within it.
func (h *Handler) take(key string, limit int) bool {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.windows == nil {
		h.windows = map[string]*window{}
	}
	if len(h.windows) > 100_000 {
		for k, w := range h.windows {
			if now.Sub(w.start) > time.Minute {
				delete(h.windows, k)
			}
		}
	}
	w := h.windows[key]
	if w == nil || now.Sub(w.start) > time.Minute {
		w = &window{start: now}
		h.windows[key] = w
	}
	w.n++
	return w.n <= limit
}

// newVisitor returns a new visitor id and its token: the id and its HMAC.
func newVisitor(secret string) (id, token string) {
	b := make([]byte, 12)
	rand.Read(b)
	id = hex.EncodeToString(b)
	return id, id + "." + visitorMAC(secret, id)
}

func visitorMAC(secret, id string) string {
	m := hmac.New(sha256.New, []byte("parley-webchat\x00"+secret))
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// checkVisitor returns the visitor id of a token it signed.
func checkVisitor(secret, token string) (string, bool) {
	id, mac, ok := strings.Cut(token, ".")
	if !ok || len(id) != 24 || !hmac.Equal([]byte(mac), []byte(visitorMAC(secret, id))) {
		return "", false
	}
	return id, true
}

package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
)

// Engine runs the simulator's turns; *dialogue.Engine is one.
type Engine interface {
	Handle(ctx context.Context, t dialogue.Turn) (*dialogue.Reply, error)
}

// simulatorChannel is the custom channel the simulator talks on.
const simulatorChannel = "console"

func (h *Handler) simulator(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	return h.render(w, http.StatusOK, "simulator", page{Title: "Simulator: " + a.UniqueName, Account: acct.SID, Data: a})
}

// simTurn is the simulator's answer to one message, for simulator.js.
type simTurn struct {
	Says       []string         `json:"says"`
	Shows      []simShow        `json:"shows,omitempty"`
	Question   string           `json:"question,omitempty"`
	Task       string           `json:"task"`
	Confidence float64          `json:"confidence"`
	NextBest   string           `json:"next_best,omitempty"`
	Fields     []simField       `json:"fields,omitempty"`
	Redirects  []string         `json:"redirects,omitempty"`
	Webhooks   []simWebhook     `json:"webhooks,omitempty"`
	Faults     []dialogue.Fault `json:"faults,omitempty"`
	Fallback   bool             `json:"fallback"`
	Ended      bool             `json:"ended"`
	Handoff    bool             `json:"handoff,omitempty"`
	Memory     json.RawMessage  `json:"memory"`
	Dialogue   string           `json:"dialogue"`
	Error      string           `json:"error,omitempty"`
}

type simShow struct {
	Body   string   `json:"body"`
	Images []string `json:"images,omitempty"`
}

type simField struct{ Name, Value, Type string }

type simWebhook struct {
	Method string  `json:"method"`
	URL    string  `json:"url"`
	Status int     `json:"status"`
	TookMS float64 `json:"took_ms"`
	Error  string  `json:"error,omitempty"`
}

// simulatorTurn runs one message of the simulator: the form's Text from
// the form's User (a name the page makes up; a new one starts a new
// dialogue), on the custom channel "console".
func (h *Handler) simulatorTurn(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	writeJSON := func(status int, v any) error {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		return json.NewEncoder(w).Encode(v)
	}
	if err := r.ParseForm(); err != nil {
		return writeJSON(http.StatusBadRequest, simTurn{Error: "the form could not be read"})
	}
	user := strings.TrimSpace(r.PostForm.Get("User"))
	if user == "" || len(user) > 64 {
		return writeJSON(http.StatusBadRequest, simTurn{Error: "missing User"})
	}
	if h.Engine == nil {
		return writeJSON(http.StatusServiceUnavailable, simTurn{Error: "this server runs no engine"})
	}
	reply, err := h.Engine.Handle(r.Context(), dialogue.Turn{
		AccountSID: acct.SID, AuthToken: acct.AuthToken, Assistant: r.PathValue("Assistant"),
		Channel: simulatorChannel, MemoryKey: "custom." + simulatorChannel, ChannelData: map[string]any{},
		UserID: "console:" + user, Text: r.PostForm.Get("Text"), Language: "en-US", Log: true,
		PublicURL: h.PublicURL, RequestID: r.Header.Get("X-Request-Id"),
	})
	if errors.Is(err, dialogue.ErrAssistantNotFound) {
		return writeJSON(http.StatusNotFound, simTurn{Error: "no such assistant"})
	}
	if err != nil {
		h.logger().Error("console simulator", "error", err, "request_id", r.Header.Get("X-Request-Id"))
		return writeJSON(http.StatusServiceUnavailable, simTurn{Error: "the turn could not run: " + err.Error()})
	}
	t := simTurn{Says: []string{}, Question: reply.Question, Task: reply.CurrentTask, Confidence: reply.Confidence, NextBest: reply.NextBest,
		Redirects: reply.Redirects, Faults: reply.Faults, Fallback: reply.Fallback, Ended: reply.Ended, Handoff: reply.Handoff != nil,
		Memory: reply.Memory, Dialogue: reply.DialogueSID}
	for _, s := range reply.Says {
		t.Says = append(t.Says, s.Text)
	}
	for _, s := range reply.Shows {
		sh := simShow{Body: s.Body}
		for _, img := range s.Images {
			sh.Images = append(sh.Images, img.URL)
		}
		t.Shows = append(t.Shows, sh)
	}
	for _, f := range reply.Fields {
		t.Fields = append(t.Fields, simField{f.Name, f.Value, f.Type})
	}
	for _, c := range reply.Webhooks {
		t.Webhooks = append(t.Webhooks, simWebhook{Method: c.Method, URL: c.URL, Status: c.Status, TookMS: float64(c.Took.Microseconds()) / 1000, Error: c.Error})
	}
	return writeJSON(http.StatusOK, t)
}

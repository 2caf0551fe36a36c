package console

import (
	"encoding/json"
	"net/http"

	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
)

// dialoguesData is the dialogues page's data.
type dialoguesData struct {
	SID, Name string
	Dialogues []store.DialogueSummary
}

func (h *Handler) dialogues(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	ref, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	ds, err := h.Store.RecentDialogues(r.Context(), acct.SID, ref.SID, 100)
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "dialogues", page{Title: "Dialogues: " + ref.UniqueName, Account: acct.SID,
		Data: dialoguesData{SID: ref.SID, Name: ref.UniqueName, Dialogues: ds}})
}

// turnView is a logged turn as the dialogue page shows it.
type turnView struct {
	store.TurnRecord
	Says       []string                `json:"says"`
	Confidence float64                 `json:"confidence"`
	NextBest   string                  `json:"next_best"`
	Fields     []nlu.Field             `json:"fields"`
	Redirects  []string                `json:"redirects"`
	Webhooks   []webhookView           `json:"webhooks"`
	Faults     []dialogue.Fault        `json:"faults"`
	Fallback   bool                    `json:"fallback"`
	Ended      bool                    `json:"ended"`
	Memory     json.RawMessage         `json:"memory"`
	Shows      []struct{ Body string } `json:"shows"`
	MemoryText string                  `json:"-"`
}

type webhookView struct {
	Method, URL string
	Status      int
	Took        int64 // nanoseconds, as time.Duration encodes
	Error       string
}

// TookMS is the call's time in milliseconds.
func (w webhookView) TookMS() float64 { return float64(w.Took) / 1e6 }

// dialogueData is the dialogue page's data.
type dialogueData struct {
	SID, Name, Dialogue string
	Turns               []turnView
}

func (h *Handler) dialoguePage(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	ref, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	ts, err := h.Store.DialogueTurns(r.Context(), acct.SID, ref.SID, r.PathValue("Dialogue"))
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		http.NotFound(w, r)
		return nil
	}
	d := dialogueData{SID: ref.SID, Name: ref.UniqueName, Dialogue: r.PathValue("Dialogue")}
	for _, t := range ts {
		v := turnView{TurnRecord: t}
		json.Unmarshal(t.Trace, &v)
		if len(v.Memory) > 0 {
			var m any
			if json.Unmarshal(v.Memory, &m) == nil {
				b, _ := json.MarshalIndent(m, "", "  ")
				v.MemoryText = string(b)
			}
		}
		d.Turns = append(d.Turns, v)
	}
	return h.render(w, http.StatusOK, "dialogue", page{Title: "Dialogue " + d.Dialogue, Account: acct.SID, Data: d})
}

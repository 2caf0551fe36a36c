package dialogue

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// Payload is the data of the Dialogue resource (what DialoguePayloadUrl
// serves) for a stored dialogue: who is talking on which channel, the
// current task and input, the memory, what the dialogue is waiting for, and
// its dates.
func Payload(d *store.Dialogue) (json.RawMessage, error) {
	st := &state{Memory: map[string]any{}}
	if len(d.State) > 0 {
		if err := json.Unmarshal(d.State, st); err != nil {
			return nil, fmt.Errorf("dialogue %s: state: %w", d.SID, err)
		}
	}
	type listening struct {
		Tasks []string `json:"tasks"`
	}
	type collecting struct {
		Task     string `json:"name"`
		Question int    `json:"question"`
		Attempts int    `json:"attempts"`
	}
	p := struct {
		SID            string         `json:"sid"`
		AssistantSID   string         `json:"assistant_sid"`
		Channel        string         `json:"channel"`
		UserIdentifier string         `json:"user_identifier"`
		Status         string         `json:"status"`
		CurrentTask    *string        `json:"current_task"`
		CurrentInput   *string        `json:"current_input"`
		Confidence     float64        `json:"current_task_confidence"`
		NextBestTask   *string        `json:"next_best_task"`
		Memory         map[string]any `json:"memory"`
		Listening      *listening     `json:"listening"`
		Collect        *collecting    `json:"collect"`
		Turns          int            `json:"turns"`
		DateCreated    string         `json:"date_created"`
		DateUpdated    string         `json:"date_updated"`
	}{
		SID:            d.SID,
		AssistantSID:   d.AssistantSID,
		Channel:        d.Channel,
		UserIdentifier: d.UserID,
		Status:         d.Status,
		CurrentTask:    orNil(st.CurrentTask),
		CurrentInput:   orNil(st.CurrentInput),
		Confidence:     st.Confidence,
		NextBestTask:   orNil(st.NextBest),
		Memory:         st.Memory,
		Turns:          st.Turns,
		DateCreated:    d.DateCreated.UTC().Format(time.RFC3339),
		DateUpdated:    d.DateUpdated.UTC().Format(time.RFC3339),
	}
	switch st.Awaiting {
	case awaitListen:
		p.Listening = &listening{}
		if st.Listen != nil {
			p.Listening.Tasks = st.Listen.Tasks
		}
	case awaitCollect:
		if c := st.Collect; c != nil {
			p.Collect = &collecting{Task: c.Task, Question: c.Index, Attempts: c.Attempts}
		}
	}
	return json.Marshal(p)
}

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

package dialogue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/nlu"
)

// state is what the engine keeps of a dialogue between turns, stored as JSON
// in the dialogue's row.
type state struct {
	Memory map[string]any `json:"memory"`

	CurrentTask  string      `json:"current_task,omitempty"`
	CurrentInput string      `json:"current_input,omitempty"`
	Confidence   float64     `json:"confidence,omitempty"`
	NextBest     string      `json:"next_best_task,omitempty"`
	Fields       []nlu.Field `json:"fields,omitempty"`

	// Awaiting is "listen" or "collect" when the dialogue waits for input.
	Awaiting string        `json:"awaiting,omitempty"`
	Listen   *listenState  `json:"listen,omitempty"`
	Collect  *collectState `json:"collect,omitempty"`

	Turns int `json:"turns"`
}

const (
	awaitListen  = "listen"
	awaitCollect = "collect"
)

type listenState struct {
	Tasks     []string          `json:"tasks,omitempty"`
	Redirects map[string]string `json:"voice_digits,omitempty"`
}

// collectState is a collect in progress.
type collectState struct {
	Doc      json.RawMessage `json:"doc"` // {"actions":[{"collect":...}]}, as it came
	Task     string          `json:"task"`
	Index    int             `json:"question"`
	Attempts int             `json:"attempts"`
	// Validations counts validation runs, Failures failed answers, of the
	// current question.
	Validations int `json:"validate_attempts"`
	Failures    int `json:"failures"`
}

func newState(t Turn) (*state, error) {
	st := &state{Memory: map[string]any{}}
	if len(bytes.TrimSpace(t.Memory)) > 0 {
		var seed map[string]any
		if err := unmarshalNumber(t.Memory, &seed); err != nil {
			return nil, fmt.Errorf("memory parameter: not a JSON object: %w", err)
		}
		for k, v := range seed {
			if k != "twilio" {
				st.Memory[k] = v
			}
		}
	}
	data := map[string]any{}
	for k, v := range t.ChannelData {
		data[k] = v
	}
	st.twilio()[t.MemoryKey] = data
	return st, nil
}

func decodeState(data []byte) (*state, error) {
	st := &state{}
	if err := unmarshalNumber(data, st); err != nil {
		return nil, fmt.Errorf("decode state: %w", err)
	}
	if st.Memory == nil {
		st.Memory = map[string]any{}
	}
	return st, nil
}

func (st *state) encode() ([]byte, error) {
	return marshal(st)
}

// twilio returns Memory.twilio, creating it when missing.
func (st *state) twilio() map[string]any {
	tw, ok := st.Memory["twilio"].(map[string]any)
	if !ok {
		tw = map[string]any{}
		st.Memory["twilio"] = tw
	}
	return tw
}

// collectedData returns Memory.twilio.collected_data, creating it.
func (st *state) collectedData() map[string]any {
	tw := st.twilio()
	cd, ok := tw["collected_data"].(map[string]any)
	if !ok {
		cd = map[string]any{}
		tw["collected_data"] = cd
	}
	return cd
}

func (st *state) memoryJSON() ([]byte, error) {
	return marshal(st.Memory)
}

// marshal is json.Marshal without HTML escaping: webhooks receive "<" and "&"
// as written.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func unmarshalNumber(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

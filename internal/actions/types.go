package actions

import (
	"encoding/json"
	"strings"
)

// A Document is one Actions JSON document: {"actions": [...]}.
type Document struct {
	Actions []Action
}

// An Action is one element of a Document: exactly one of the eight Autopilot
// actions. The concrete types are [*Say], [*Play], [*Show], [*Remember],
// [*Redirect], [*Listen], [*Collect] and [*Handoff].
type Action interface {
	// Kind is the action's JSON key: "say", "play", ... (The method cannot be
	// called Name: [Collect] has a Name field.)
	Kind() string
}

// Say speaks or sends text. {"say": "..."} and {"say": {"speech": "..."}}
// both parse into it.
type Say struct {
	Speech string
}

// Play plays an audio file on voice channels.
type Play struct {
	URL  string
	Loop int // 0 when absent; the engine treats 0 as 1
}

// Show displays a body and optional images on visual channels.
type Show struct {
	Body    string
	Subject string
	Images  []Image
}

// An Image is one picture of a [Show].
type Image struct {
	URL   string
	Label string
}

// Remember merges its values into the top level of the dialogue's Memory.
type Remember struct {
	// Values maps each key to its JSON value, kept as written.
	Values map[string]json.RawMessage
}

// Redirect sends the dialogue to a task (URI "task://name") or a URL.
// {"redirect": "..."} and {"redirect": {"uri": "...", "method": "..."}} both
// parse into it.
type Redirect struct {
	URI    string
	Method string // "GET" or "POST"; empty when not given (POST)
}

// Task returns the task name of a task:// URI and true, or "" and false for a
// URL.
func (r *Redirect) Task() (string, bool) {
	const p = "task://"
	if len(r.URI) >= len(p) && strings.EqualFold(r.URI[:len(p)], p) {
		return r.URI[len(p):], true
	}
	return "", false
}

// Listen ends the turn and waits for the user. {"listen": true} has no
// options; {"listen": false} parses as a Listen with Off set, which the engine
// treats as no listen at all.
type Listen struct {
	Off         bool
	Tasks       []string // restricts the next match to these tasks
	VoiceDigits *VoiceDigits
	Barge       *bool
}

// VoiceDigits lets a voice caller answer with the keypad.
type VoiceDigits struct {
	NumDigits   int
	FinishOnKey string
	// Redirects maps a digit string to a redirect URI (task://...). Only
	// listen's voice_digits has it.
	Redirects map[string]string
}

// Collect asks a list of questions, validates the answers and stores them in
// Memory under twilio.collected_data.<Name>.
type Collect struct {
	Name       string
	Questions  []Question
	OnComplete *Redirect // the redirect of on_complete
}

// A Question is one question of a [Collect].
type Question struct {
	Name        string
	Question    Say // the question text; a string or {"say": ...}
	Type        string
	VoiceDigits *VoiceDigits
	Validate    *Validate // nil when absent or false
	Prefill     string
}

// Validate says how an answer to a [Question] is checked.
type Validate struct {
	AllowedValues []string     // from allowed_values.list; nil when absent
	OnFailure     *OnFailure   // nil when absent
	OnSuccess     *Say         // nil when absent
	MaxAttempts   *MaxAttempts // nil when absent
	Webhook       *Webhook     // nil when absent
}

// OnFailure lists what to say after an invalid answer.
type OnFailure struct {
	Messages       []Say
	RepeatQuestion *bool
}

// MaxAttempts caps the attempts at a question. The object form
// {"num_attempts": 3, "redirect": "task://x"} and the bare integer form both
// parse into it.
type MaxAttempts struct {
	NumAttempts int
	Redirect    *Redirect // nil when absent
}

// Webhook is a URL that validates an answer and answers {"valid": bool}.
type Webhook struct {
	URL    string
	Method string
}

// Handoff hands a voice call to a human (a TwiML URL or taskrouter://).
type Handoff struct {
	Channel string
	URI     string
	Method  string
	// Options keeps the other keys (wait_url, action, priority, timeout,
	// voice_status_callback_url, ...) as written.
	Options map[string]json.RawMessage
}

func (*Say) Kind() string      { return "say" }
func (*Play) Kind() string     { return "play" }
func (*Show) Kind() string     { return "show" }
func (*Remember) Kind() string { return "remember" }
func (*Redirect) Kind() string { return "redirect" }
func (*Listen) Kind() string   { return "listen" }
func (*Collect) Kind() string  { return "collect" }
func (*Handoff) Kind() string  { return "handoff" }

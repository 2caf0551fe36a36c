// Package store defines the records Parley persists and the errors its
// backends return. The backends live in sub-packages (sqlite and postgres)
// and both pass the conformance suite in storetest.
//
// Every method of a backend returns [ErrNotFound] when the thing asked for does
// not exist, [ErrConflict] when a compare-and-swap lost a race, [ErrExists]
// when a unique name or SID is already taken, and [ErrInvalid] when the input
// breaks a rule the store itself checks (a required value missing, a reference
// that names nothing).
package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict: changed since it was read")
	ErrExists   = errors.New("already exists")
	ErrInvalid  = errors.New("invalid")
)

// An Account owns assistants and authenticates with its auth token.
type Account struct {
	SID          string // AC…
	AuthToken    string
	FriendlyName string
	DateCreated  time.Time
}

// AssistantRef is the cheap head of an assistant: enough to authorise a turn
// and to check whether a cached compiled assistant is still current.
type AssistantRef struct {
	SID        string
	AccountSID string
	UniqueName string
	Revision   int64
	// ModelBuildSID is the newest completed model build, "" when none
	// (filled by AssistantRef, which the engine asks on every turn).
	ModelBuildSID string
}

// Dialogue statuses.
const (
	DialogueActive = "active"
	DialogueEnded  = "ended"
)

// A Dialogue is one conversation of one user on one channel with one
// assistant. State is the engine's own JSON; the store does not read it.
type Dialogue struct {
	SID          string // UK…
	AccountSID   string
	AssistantSID string
	Channel      string
	UserID       string
	Status       string
	State        []byte
	// Version is 0 for a dialogue never saved. SaveDialogue succeeds only if
	// the stored version still equals Version, and then increments it.
	Version     int64
	DateCreated time.Time
	DateUpdated time.Time
}

// Model build statuses: a build is enqueued, then building, and ends
// completed, failed or canceled.
const (
	BuildEnqueued  = "enqueued"
	BuildBuilding  = "building"
	BuildCompleted = "completed"
	BuildFailed    = "failed"
	BuildCanceled  = "canceled"
)

// A ModelBuild is one training of an assistant's NLU model, and the job that
// does it. Model is the trained model, opaque to the store; the engine of
// every node loads the newest completed one.
type ModelBuild struct {
	SID            string // UG…
	AccountSID     string
	AssistantSID   string
	UniqueName     string // the SID when not given
	Status         string // Build…
	StatusCallback string // URL POSTed when the build ends; "" for none
	ErrorCode      int    // 0 for none
	ErrorMessage   string
	BuildDuration  int   // seconds; 0 until the build ends
	Revision       int64 // the assistant revision the build trains on
	Model          []byte
	// Schema is the assistant the build trained on, as a schema file
	// (assistant.MarshalSchema): what Restore brings the assistant back to.
	// Read with the model.
	Schema []byte
	// SIDs are the SIDs of what the build trained on (JSON, see
	// assistant.SIDsOf), for Restore. Read with the model.
	SIDs        []byte
	DateCreated time.Time
	DateUpdated time.Time
}

// BuildState is what an assistant shows of its model builds.
type BuildState struct {
	// LatestModelBuildSID is the newest completed build, "" when there is
	// none.
	LatestModelBuildSID string
	// NeedsModelBuild is true when the assistant changed after the build of
	// its current revision completed, or no such build has.
	NeedsModelBuild bool
}

// A Query is one utterance the NLU classified, kept when the assistant logs
// queries (the Queries resource).
type Query struct {
	SID           string // UH…
	AccountSID    string
	AssistantSID  string
	Language      string
	Query         string
	Tasks         string // the Tasks filter: comma-separated unique names
	ModelBuildSID string
	SampleSID     string
	DialogueSID   string
	Status        string // pending-review, reviewed, discarded
	SourceChannel string
	Results       []byte // JSON: {"task", "fields", "confidence", "next_best_task"}
	DateCreated   time.Time
	DateUpdated   time.Time
}

// A Webhook is an assistant's event webhook (the Webhooks resource): Parley
// calls WebhookURL when one of Events happens.
type Webhook struct {
	SID           string // UM…
	AccountSID    string
	AssistantSID  string
	UniqueName    string
	Events        string // space-separated event names
	WebhookURL    string
	WebhookMethod string // GET or POST
	DateCreated   time.Time
	DateUpdated   time.Time
}

// Patches change some properties of a stored thing and leave the others as
// they are: a nil pointer (or a nil JSON document) means "unchanged".
type (
	// AssistantPatch updates an assistant's own properties.
	AssistantPatch struct {
		UniqueName, FriendlyName                      *string
		LogQueries                                    *bool
		Defaults, StyleSheet                          json.RawMessage
		CallbackURL, CallbackEvents, DevelopmentStage *string
	}
	// TaskPatch updates a task.
	TaskPatch struct {
		UniqueName, FriendlyName, ActionsURL *string
		Actions                              json.RawMessage
	}
	// SamplePatch updates a sample.
	SamplePatch struct {
		Language, TaggedText, SourceChannel *string
	}
	// FieldTypePatch updates a custom field type.
	FieldTypePatch struct {
		UniqueName, FriendlyName *string
	}
	// WebhookPatch updates an event webhook.
	WebhookPatch struct {
		UniqueName, Events, WebhookURL, WebhookMethod *string
	}
	// QueryPatch relabels a logged query.
	QueryPatch struct {
		SampleSID, Status *string
	}
)

// A WebChat is the web chat channel of an assistant: a chat window that
// pages of the listed origins embed with a script tag (a Parley
// extension). Secret signs the ids the channel gives its visitors.
type WebChat struct {
	AccountSID   string
	AssistantSID string
	Enabled      bool
	Origins      []string // scheme://host[:port], as browsers send Origin
	Secret       string
}

// NewWebChatSecret returns a new secret for a web chat.
func NewWebChatSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// A TurnRecord is one logged turn of a dialogue: what the user said, the
// task it reached, and Trace, a JSON document of what the turn did (the
// engine's, for the console).
type TurnRecord struct {
	AccountSID   string
	AssistantSID string
	DialogueSID  string
	Channel      string
	UserID       string
	Input        string
	Task         string
	Trace        []byte
	DateCreated  time.Time
}

// A DialogueSummary is a logged dialogue: its last turn, and how many.
type DialogueSummary struct {
	DialogueSID string
	Channel     string
	UserID      string
	Turns       int
	LastInput   string
	First, Last time.Time
}

// QueryFilter narrows a list of logged queries: each string field, when not
// empty, must match. The list is newest first (oldest first with Oldest),
// starts at Offset and holds at most Limit queries (0: all).
type QueryFilter struct {
	Language, ModelBuildSID, Status, DialogueSID string
	Oldest                                       bool
	Offset, Limit                                int
}

// SQL returns the conditions of f to append to a WHERE clause (each
// starting with AND), the ORDER BY, LIMIT and OFFSET that follow it, and
// their arguments; placeholder(n) is the SQL of the nth argument, counted
// from first.
func (f QueryFilter) SQL(first int, placeholder func(n int) string) (where, tail string, args []any) {
	var b strings.Builder
	for _, c := range []struct{ column, value string }{
		{"language", f.Language}, {"model_build_sid", f.ModelBuildSID}, {"status", f.Status}, {"dialogue_sid", f.DialogueSID},
	} {
		if c.value != "" {
			b.WriteString(" AND " + c.column + " = " + placeholder(first+len(args)))
			args = append(args, c.value)
		}
	}
	tail = " ORDER BY id DESC"
	if f.Oldest {
		tail = " ORDER BY id"
	}
	if f.Limit > 0 || f.Offset > 0 {
		limit := int64(f.Limit)
		if limit == 0 {
			limit = 1 << 62 // every row from Offset: a LIMIT no list reaches
		}
		tail += " LIMIT " + placeholder(first+len(args)) + " OFFSET " + placeholder(first+len(args)+1)
		args = append(args, limit, f.Offset)
	}
	return b.String(), tail, args
}

// Package assistant is Parley's domain model of an Autopilot assistant (tasks,
// samples, fields, field types, defaults and style sheet) and its native file
// format, the Autopilot assistant schema JSON, which it imports with
// [ParseSchema] (errors for what is wrong, [Warning] values for what real bots
// ship with) and exports with [MarshalSchema].
//
// The model is plain data: it never touches the network or a database, so the
// same values flow from a schema file, through the store, to the engine.
package assistant

import (
	"encoding/json"
	"strings"
	"time"
)

// An Assistant is one bot: its tasks, its custom field types, and the
// assistant-wide defaults and style sheet.
type Assistant struct {
	SID          string // UA…
	AccountSID   string // AC…
	UniqueName   string
	FriendlyName string
	LogQueries   bool

	// Defaults and StyleSheet hold the wrapper documents exactly as the REST
	// API takes them: {"defaults": {...}} and {"style_sheet": {...}}. Empty
	// means unset.
	Defaults   json.RawMessage
	StyleSheet json.RawMessage

	Tasks      []Task
	FieldTypes []FieldType

	// ModelBuild is the unique name of the model build the schema file named,
	// kept so that export writes it back.
	ModelBuild string

	// NLUThreshold, when above 0, is the share of the best task's
	// probability (against the background of everyday requests) below which
	// the classifier's best task is not trusted and the fallback runs (a
	// Parley extension, schema key nluThreshold; see
	// nlu.BackgroundThreshold); 0 means the engine's default.
	NLUThreshold float64

	// CallbackURL, CallbackEvents and DevelopmentStage are properties of the
	// REST resource that the schema file does not carry.
	CallbackURL      string
	CallbackEvents   string
	DevelopmentStage string // in-development (the default) or in-production

	// Revision grows by one on every change to the assistant or anything it
	// holds, so that caches of compiled assistants know when to rebuild.
	Revision    int64
	DateCreated time.Time
	DateUpdated time.Time
}

// A Task is an intent plus what to do when it matches.
type Task struct {
	SID          string // UD…
	UniqueName   string
	FriendlyName string

	// Actions is the Actions JSON document ({"actions": [...]}) as written by
	// its author. Empty when the task fetches its actions from ActionsURL.
	Actions json.RawMessage
	// ActionsURL, when set and Actions is empty, is fetched for the task's
	// Actions JSON each time the task runs.
	ActionsURL string

	Fields  []Field
	Samples []Sample

	DateCreated time.Time
	DateUpdated time.Time
}

// A Field is a typed slot of a task, filled from the words of a sample tagged
// {UniqueName}.
type Field struct {
	SID        string // UE…
	UniqueName string
	FieldType  string // a built-in Twilio.* name or a custom FieldType's UniqueName

	DateCreated time.Time
	DateUpdated time.Time
}

// A Sample is one training utterance of a task. TaggedText marks field values
// as {field_unique_name}.
type Sample struct {
	SID           string // UF…
	Language      string // en-US
	TaggedText    string
	SourceChannel string

	DateCreated time.Time
	DateUpdated time.Time
}

// A FieldType is a custom list of values, some of which are synonyms of
// others.
type FieldType struct {
	SID          string // UB…
	UniqueName   string
	FriendlyName string
	Values       []FieldValue

	DateCreated time.Time
	DateUpdated time.Time
}

// A FieldValue is one value of a custom field type. SynonymOf is empty for a
// canonical value, and otherwise holds the canonical value string it stands for.
type FieldValue struct {
	SID       string // UC…
	Language  string
	Value     string
	SynonymOf string
	// SynonymOfSID is the SID of the canonical value, set by the store
	// (the REST resource shows it); empty for a canonical value.
	SynonymOfSID string

	DateCreated time.Time
	DateUpdated time.Time
}

// Task returns the task with the given unique name (case-insensitive, as
// Autopilot resolved task:// URIs), or nil.
func (a *Assistant) Task(uniqueName string) *Task {
	for i := range a.Tasks {
		if a.Tasks[i].UniqueName == uniqueName {
			return &a.Tasks[i]
		}
	}
	for i := range a.Tasks {
		if strings.EqualFold(a.Tasks[i].UniqueName, uniqueName) {
			return &a.Tasks[i]
		}
	}
	return nil
}

// FieldType returns the custom field type with the given unique name, or nil.
func (a *Assistant) FieldType(uniqueName string) *FieldType {
	for i := range a.FieldTypes {
		if a.FieldTypes[i].UniqueName == uniqueName {
			return &a.FieldTypes[i]
		}
	}
	return nil
}

package store

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
)

// The store's interfaces, by what they hold. Each backend (SQLite,
// PostgreSQL) implements them all, as [Store]; a consumer takes the
// smallest combination it needs. Each method's contract is written on the
// SQLite implementation (internal/store/sqlite) and checked for every
// backend by internal/store/storetest.

// Accounts holds accounts and their auth tokens.
type Accounts interface {
	AccountSource
	CreateAccount(ctx context.Context, a Account) error
	Accounts(ctx context.Context) ([]Account, error)
	SetAuthToken(ctx context.Context, sid, token string) error
}

// Assistants holds assistants whole (import, export, restore) and their
// heads.
type Assistants interface {
	ImportAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error)
	RestoreAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error)
	CreateAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error)
	Assistant(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error)
	AssistantOutline(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error)
	AssistantRef(ctx context.Context, accountSID, sidOrUniqueName string) (AssistantRef, error)
	Assistants(ctx context.Context, accountSID string) ([]AssistantRef, error)
	AssistantHeads(ctx context.Context, accountSID string) ([]*assistant.Assistant, error)
	UpdateAssistant(ctx context.Context, accountSID, sidOrName string, p AssistantPatch) (*assistant.Assistant, error)
	DeleteAssistant(ctx context.Context, accountSID, sidOrUniqueName string) error
}

// Tasks holds an assistant's tasks and their fields.
type Tasks interface {
	AssistantTask(ctx context.Context, accountSID, assistantSIDOrName, taskSIDOrName string) (*assistant.Assistant, error)
	CreateTask(ctx context.Context, accountSID, assistantSID string, t assistant.Task) (assistant.Task, error)
	UpdateTask(ctx context.Context, accountSID, assistantSID, sidOrName string, p TaskPatch) (assistant.Task, error)
	DeleteTask(ctx context.Context, accountSID, assistantSID, sidOrName string) error
	CreateField(ctx context.Context, accountSID, assistantSID, taskSIDOrName string, f assistant.Field) (assistant.Field, error)
	DeleteField(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sidOrName string) error
}

// Samples holds the samples of tasks.
type Samples interface {
	CreateSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName string, s assistant.Sample) (assistant.Sample, error)
	UpdateSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sid string, p SamplePatch) (assistant.Sample, error)
	DeleteSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sid string) error
	CountSamples(ctx context.Context, assistantSID string) (int, error)
}

// FieldTypes holds an assistant's field types and their values.
type FieldTypes interface {
	AssistantFieldType(ctx context.Context, accountSID, assistantSIDOrName, typeSIDOrName string) (*assistant.Assistant, error)
	CreateFieldType(ctx context.Context, accountSID, assistantSID string, ft assistant.FieldType) (assistant.FieldType, error)
	UpdateFieldType(ctx context.Context, accountSID, assistantSID, sidOrName string, p FieldTypePatch) (assistant.FieldType, error)
	DeleteFieldType(ctx context.Context, accountSID, assistantSID, sidOrName string) error
	CreateFieldValue(ctx context.Context, accountSID, assistantSID, typeSIDOrName string, v assistant.FieldValue) (assistant.FieldValue, error)
	DeleteFieldValue(ctx context.Context, accountSID, assistantSID, typeSIDOrName, sid string) error
}

// ModelBuilds holds model builds: the job queue of the builds to train,
// and the trained models.
type ModelBuilds interface {
	CreateModelBuild(ctx context.Context, b *ModelBuild) error
	UpdateModelBuild(ctx context.Context, b *ModelBuild) error
	ModelBuild(ctx context.Context, accountSID, assistantSID, sidOrUniqueName string) (*ModelBuild, error)
	ModelBuilds(ctx context.Context, accountSID, assistantSID string) ([]ModelBuild, error)
	LatestCompletedModelBuild(ctx context.Context, assistantSID string) (*ModelBuild, error)
	RenameModelBuild(ctx context.Context, accountSID, assistantSID, sidOrName, uniqueName string) (*ModelBuild, error)
	DeleteModelBuild(ctx context.Context, accountSID, assistantSID, sidOrUniqueName string) error
	ClaimModelBuild(ctx context.Context, node string, lease time.Duration) (*ModelBuild, error)
	PruneModels(ctx context.Context, assistantSID string, keep int) (int64, error)
	BuildState(ctx context.Context, accountSID, assistantSID string) (BuildState, error)
}

// Dialogues holds dialogues and their state.
type Dialogues interface {
	ActiveDialogue(ctx context.Context, assistantSID, channel, userID string) (*Dialogue, error)
	Dialogue(ctx context.Context, accountSID, assistantSID, dialogueSID string) (*Dialogue, error)
	SaveDialogue(ctx context.Context, d *Dialogue) error
	// PurgeDialogues deletes the ended dialogues last saved before before,
	// and returns how many it deleted; active ones stay, however old.
	PurgeDialogues(ctx context.Context, before time.Time) (int64, error)
}

// Queries holds the query log.
type Queries interface {
	CreateQuery(ctx context.Context, q *Query) error
	CreateQueries(ctx context.Context, qs []*Query) (int, error)
	Query(ctx context.Context, accountSID, assistantSID, sid string) (*Query, error)
	// Queries lists an assistant's logged queries that f lets through, in
	// f's order and window: a page reads its own rows, not the whole log.
	Queries(ctx context.Context, accountSID, assistantSID string, f QueryFilter) ([]Query, error)
	UpdateQuery(ctx context.Context, accountSID, assistantSID, sid string, p QueryPatch) (*Query, error)
	DeleteQuery(ctx context.Context, accountSID, assistantSID, sid string) error
	PurgeQueries(ctx context.Context, before time.Time) (int64, error)
}

// Webhooks holds an assistant's event webhooks.
type Webhooks interface {
	CreateWebhook(ctx context.Context, w *Webhook) error
	Webhook(ctx context.Context, accountSID, assistantSID, sidOrName string) (*Webhook, error)
	Webhooks(ctx context.Context, accountSID, assistantSID string) ([]Webhook, error)
	UpdateWebhook(ctx context.Context, accountSID, assistantSID, sidOrName string, p WebhookPatch) (*Webhook, error)
	DeleteWebhook(ctx context.Context, accountSID, assistantSID, sidOrName string) error
}

// WebChats holds the web chat settings of assistants.
type WebChats interface {
	// WebChat returns the web chat of the assistant assistantSID (a SID),
	// with the account that owns it: disabled, with a new secret, when it
	// was never set. ErrNotFound when there is no such assistant.
	WebChat(ctx context.Context, assistantSID string) (WebChat, error)
	// SetWebChat stores w (its Secret too; a new one when empty).
	SetWebChat(ctx context.Context, accountSID string, w WebChat) error
}

// TurnLog holds the logged turns of dialogues.
type TurnLog interface {
	// LogTurns writes turns (those of assistants that still exist) and
	// returns how many it wrote.
	LogTurns(ctx context.Context, ts []*TurnRecord) (int, error)
	// RecentDialogues returns the logged dialogues of an assistant, the
	// latest first, at most limit.
	RecentDialogues(ctx context.Context, accountSID, assistantSID string, limit int) ([]DialogueSummary, error)
	// DialogueTurns returns the logged turns of a dialogue, in order.
	DialogueTurns(ctx context.Context, accountSID, assistantSID, dialogueSID string) ([]TurnRecord, error)
}

// Store is a whole backend.
type Store interface {
	Accounts
	Assistants
	Tasks
	Samples
	FieldTypes
	ModelBuilds
	Dialogues
	Queries
	Webhooks
	WebChats
	TurnLog
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	Close() error
}

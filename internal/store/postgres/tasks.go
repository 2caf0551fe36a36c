package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// A kind is a table of things held by a parent (an assistant, a task or a
// field type), which the methods below find and append to.
type kind struct {
	what   string // for errors
	table  string
	parent string // the column of the parent's SID
	byName bool   // found by SID or unique name, not by SID only
}

var (
	taskKind   = kind{"task", "tasks", "assistant_sid", true}
	fieldKind  = kind{"field", "fields", "task_sid", true}
	sampleKind = kind{"sample", "samples", "task_sid", false}
)

// lookup returns the SID of the thing of parent parentSID whose SID is key,
// or, for kinds found by name, whose SID or unique name is key (the SID
// winning when both match). No such thing is [store.ErrNotFound].
func (k kind) lookup(ctx context.Context, tx *sql.Tx, parentSID, key string) (string, error) {
	match := `sid = $2`
	if k.byName {
		match = `(sid = $2 OR unique_name = $2) ORDER BY sid = $2 DESC LIMIT 1`
	}
	var sid string
	err := tx.QueryRowContext(ctx, `SELECT sid FROM `+k.table+` WHERE `+k.parent+` = $1 AND `+match, parentSID, key).Scan(&sid)
	if missing(err) {
		return "", fmt.Errorf("%s %s: %w", k.what, key, store.ErrNotFound)
	}
	return sid, err
}

// next returns the position after the last of parentSID's things.
func (k kind) next(ctx context.Context, tx *sql.Tx, parentSID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position) + 1, 0) FROM `+k.table+` WHERE `+k.parent+` = $1`,
		parentSID).Scan(&n)
	return n, err
}

// delete deletes the thing of parent parentSID that key names, as lookup
// finds it, and with it what the schema cascades to.
func (k kind) delete(ctx context.Context, tx *sql.Tx, parentSID, key string) error {
	sid, err := k.lookup(ctx, tx, parentSID, key)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE sid = $1`, sid)
	return err
}

// change runs f in a write transaction that first records a change to the
// account's assistant assistantSID (see touchAssistant), so that f runs only
// for an assistant of the account, and the change counts only if f succeeds.
// The update locks the assistant's row until the commit: changes to one
// assistant run one after the other, and f reads what those before it
// wrote (positions, names).
func (db *DB) change(ctx context.Context, accountSID, assistantSID string, f func(tx *sql.Tx, now int64) error) error {
	now := db.timestamp().Unix()
	return db.write(ctx, func(tx *sql.Tx) error {
		if err := touchAssistant(ctx, tx, accountSID, assistantSID, now); err != nil {
			return err
		}
		return f(tx, now)
	})
}

// touchAssistant records, in tx, a change to the account's assistant
// assistantSID or to anything in it that the NLU or the engine reads: its
// revision grows by one, it needs a model build, and its date_updated is
// now. It is [store.ErrNotFound] when the account has no such assistant, so
// it is also the check that the assistant is the account's.
func touchAssistant(ctx context.Context, tx *sql.Tx, accountSID, assistantSID string, now int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE assistants
		SET revision = revision + 1, needs_model_build = true, date_updated = $1
		WHERE sid = $2 AND account_sid = $3`, now, assistantSID, accountSID)
	if missing(err) {
		return fmt.Errorf("assistant %s: %w", assistantSID, store.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return orErr(err, fmt.Errorf("assistant %s: %w", assistantSID, store.ErrNotFound))
	}
	return nil
}

// The methods below change one task, field or sample of the assistant
// assistantSID (a SID, not a name) of account accountSID; tasks and fields
// are named by SID or unique name (the SID winning when both match), samples
// by SID. Each change is a change of the assistant: its revision grows by
// one and its date_updated is now, in the same transaction. Errors:
// [store.ErrNotFound] when the account has no such assistant, or the
// assistant no such task, field or sample.

// CreateTask appends a task with t's UniqueName, FriendlyName, Actions and
// ActionsURL to the assistant, and returns it as stored; t's fields and
// samples are ignored. Errors: [store.ErrInvalid] when the unique name is
// empty; [store.ErrExists] when the assistant has a task of that name.
func (db *DB) CreateTask(ctx context.Context, accountSID, assistantSID string, t assistant.Task) (assistant.Task, error) {
	if t.UniqueName == "" {
		return assistant.Task{}, fmt.Errorf("create task: unique name required: %w", store.ErrInvalid)
	}
	var out assistant.Task
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		pos, err := taskKind.next(ctx, tx, assistantSID)
		if err != nil {
			return err
		}
		sid := twilio.NewSID(twilio.PrefixTask)
		if _, err := tx.ExecContext(ctx, `INSERT INTO tasks
			(sid, assistant_sid, unique_name, friendly_name, actions, actions_url, position, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, sid, assistantSID, t.UniqueName, t.FriendlyName,
			nullBytes(t.Actions), nullString(t.ActionsURL), pos, now, now); err != nil {
			return constraint(err)
		}
		out, err = readTask(ctx, tx, sid)
		return err
	})
	if err != nil {
		return assistant.Task{}, fmt.Errorf("create task %s: %w", t.UniqueName, err)
	}
	return out, nil
}

// UpdateTask changes the properties p sets of the task, sets its
// date_updated, and returns it without its fields and samples. Actions set to
// an empty, non-nil document are unset. Errors: [store.ErrInvalid] when the
// unique name is set to ""; [store.ErrExists] when the new unique name is
// another task's.
func (db *DB) UpdateTask(ctx context.Context, accountSID, assistantSID, sidOrName string, p store.TaskPatch) (assistant.Task, error) {
	if p.UniqueName != nil && *p.UniqueName == "" {
		return assistant.Task{}, fmt.Errorf("update task %s: unique name required: %w", sidOrName, store.ErrInvalid)
	}
	var out assistant.Task
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		sid, err := taskKind.lookup(ctx, tx, assistantSID, sidOrName)
		if err != nil {
			return err
		}
		var u update
		if p.UniqueName != nil {
			u.set("unique_name", *p.UniqueName)
		}
		if p.FriendlyName != nil {
			u.set("friendly_name", *p.FriendlyName)
		}
		if p.Actions != nil {
			u.set("actions", nullBytes(p.Actions))
		}
		if p.ActionsURL != nil {
			u.set("actions_url", nullString(*p.ActionsURL))
		}
		u.set("date_updated", now)
		if err := u.exec(ctx, tx, "tasks", sid); err != nil {
			return err
		}
		out, err = readTask(ctx, tx, sid)
		return err
	})
	if err != nil {
		return assistant.Task{}, fmt.Errorf("update task %s: %w", sidOrName, err)
	}
	return out, nil
}

// DeleteTask deletes the task, and its fields and samples with it.
func (db *DB) DeleteTask(ctx context.Context, accountSID, assistantSID, sidOrName string) error {
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, _ int64) error {
		return taskKind.delete(ctx, tx, assistantSID, sidOrName)
	})
	if err != nil {
		return fmt.Errorf("delete task %s: %w", sidOrName, err)
	}
	return nil
}

func readTask(ctx context.Context, tx *sql.Tx, sid string) (assistant.Task, error) {
	return scanTask(tx.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM tasks t WHERE t.sid = $1`, sid))
}

// CreateField appends a field with f's UniqueName and FieldType (stored as
// given: the store does not check that it names a type) to the task, and
// returns it as stored. Errors: [store.ErrInvalid] when the unique name or
// the field type is empty; [store.ErrExists] when the task has a field of
// that name.
func (db *DB) CreateField(ctx context.Context, accountSID, assistantSID, taskSIDOrName string, f assistant.Field) (assistant.Field, error) {
	if f.UniqueName == "" || f.FieldType == "" {
		return assistant.Field{}, fmt.Errorf("create field %s: unique name and field type required: %w", f.UniqueName, store.ErrInvalid)
	}
	var out assistant.Field
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		taskSID, err := taskKind.lookup(ctx, tx, assistantSID, taskSIDOrName)
		if err != nil {
			return err
		}
		pos, err := fieldKind.next(ctx, tx, taskSID)
		if err != nil {
			return err
		}
		sid := twilio.NewSID(twilio.PrefixField)
		if _, err := tx.ExecContext(ctx, `INSERT INTO fields
			(sid, task_sid, unique_name, field_type, position, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sid, taskSID, f.UniqueName, f.FieldType, pos, now, now); err != nil {
			return constraint(err)
		}
		out, err = scanField(tx.QueryRowContext(ctx, `SELECT `+fieldColumns+` FROM fields f WHERE f.sid = $1`, sid))
		return err
	})
	if err != nil {
		return assistant.Field{}, fmt.Errorf("create field %s: %w", f.UniqueName, err)
	}
	return out, nil
}

// DeleteField deletes the field of the task.
func (db *DB) DeleteField(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sidOrName string) error {
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, _ int64) error {
		taskSID, err := taskKind.lookup(ctx, tx, assistantSID, taskSIDOrName)
		if err != nil {
			return err
		}
		return fieldKind.delete(ctx, tx, taskSID, sidOrName)
	})
	if err != nil {
		return fmt.Errorf("delete field %s: %w", sidOrName, err)
	}
	return nil
}

// CreateSample appends a sample with s's Language, TaggedText and
// SourceChannel to the task, and returns it as stored. Errors:
// [store.ErrInvalid] when the language or the tagged text is empty.
func (db *DB) CreateSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName string, s assistant.Sample) (assistant.Sample, error) {
	if s.Language == "" || s.TaggedText == "" {
		return assistant.Sample{}, fmt.Errorf("create sample %q: language and tagged text required: %w", s.TaggedText, store.ErrInvalid)
	}
	var out assistant.Sample
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		taskSID, err := taskKind.lookup(ctx, tx, assistantSID, taskSIDOrName)
		if err != nil {
			return err
		}
		pos, err := sampleKind.next(ctx, tx, taskSID)
		if err != nil {
			return err
		}
		sid := twilio.NewSID(twilio.PrefixSample)
		if _, err := tx.ExecContext(ctx, `INSERT INTO samples
			(sid, task_sid, language, tagged_text, source_channel, position, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, sid, taskSID, s.Language, s.TaggedText, nullString(s.SourceChannel),
			pos, now, now); err != nil {
			return constraint(err)
		}
		out, err = readSample(ctx, tx, sid)
		return err
	})
	if err != nil {
		return assistant.Sample{}, fmt.Errorf("create sample %q: %w", s.TaggedText, err)
	}
	return out, nil
}

// UpdateSample changes the properties p sets of the task's sample sid, sets
// its date_updated, and returns it. Errors: [store.ErrInvalid] when the
// language or the tagged text is set to "".
func (db *DB) UpdateSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sid string, p store.SamplePatch) (assistant.Sample, error) {
	if p.Language != nil && *p.Language == "" || p.TaggedText != nil && *p.TaggedText == "" {
		return assistant.Sample{}, fmt.Errorf("update sample %s: language and tagged text required: %w", sid, store.ErrInvalid)
	}
	var out assistant.Sample
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		taskSID, err := taskKind.lookup(ctx, tx, assistantSID, taskSIDOrName)
		if err != nil {
			return err
		}
		if _, err := sampleKind.lookup(ctx, tx, taskSID, sid); err != nil {
			return err
		}
		var u update
		if p.Language != nil {
			u.set("language", *p.Language)
		}
		if p.TaggedText != nil {
			u.set("tagged_text", *p.TaggedText)
		}
		if p.SourceChannel != nil {
			u.set("source_channel", nullString(*p.SourceChannel))
		}
		u.set("date_updated", now)
		if err := u.exec(ctx, tx, "samples", sid); err != nil {
			return err
		}
		out, err = readSample(ctx, tx, sid)
		return err
	})
	if err != nil {
		return assistant.Sample{}, fmt.Errorf("update sample %s: %w", sid, err)
	}
	return out, nil
}

// DeleteSample deletes the task's sample sid.
func (db *DB) DeleteSample(ctx context.Context, accountSID, assistantSID, taskSIDOrName, sid string) error {
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, _ int64) error {
		taskSID, err := taskKind.lookup(ctx, tx, assistantSID, taskSIDOrName)
		if err != nil {
			return err
		}
		return sampleKind.delete(ctx, tx, taskSID, sid)
	})
	if err != nil {
		return fmt.Errorf("delete sample %s: %w", sid, err)
	}
	return nil
}

func readSample(ctx context.Context, tx *sql.Tx, sid string) (assistant.Sample, error) {
	return scanSample(tx.QueryRowContext(ctx, `SELECT `+sampleColumns+` FROM samples s WHERE s.sid = $1`, sid))
}

package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// resolveAssistant is the WHERE clause that finds an assistant of account $1
// by SID or unique name $2, the SID winning when both match.
const resolveAssistant = `account_sid = $1 AND (sid = $2 OR unique_name = $2) ORDER BY sid = $2 DESC LIMIT 1`

// ImportAssistant stores a whole assistant in one transaction and returns it
// as [DB.Assistant] would.
//
// The target is a.SID when set (which must be an assistant of a.AccountSID,
// and is then renamed to a.UniqueName), and otherwise the account's assistant
// named a.UniqueName; if there is none, a new assistant is created. Importing
// into an existing assistant replaces its contents, as the Autopilot CLI's
// update did: the assistant keeps its SID and creation date, tasks and field
// types keep theirs when a task or field type of the same unique name is
// imported, fields, samples and field values are recreated, and whatever
// a does not hold is deleted. The revision grows by one.
//
// Other SIDs and all dates in a are ignored: the store assigns them. Errors:
// [store.ErrInvalid] when a.AccountSID or a.UniqueName is empty or a synonym
// names no canonical value of its type; [store.ErrExists] when a holds two
// tasks, field types, or fields of one task with the same unique name, or the
// rename takes a name in use; [store.ErrNotFound] when the account or a.SID
// does not exist. On error nothing has changed.
func (db *DB) ImportAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error) {
	if a.AccountSID == "" || a.UniqueName == "" {
		return nil, fmt.Errorf("import assistant %q: account and unique name required: %w", a.UniqueName, store.ErrInvalid)
	}
	if err := checkNames(a); err != nil {
		return nil, fmt.Errorf("import assistant %s: %w", a.UniqueName, err)
	}
	var sid string
	for attempt := 1; ; attempt++ {
		err := db.write(ctx, func(tx *sql.Tx) error {
			var err error
			sid, err = importAssistant(ctx, tx, a, db.timestamp().Unix(), false)
			return err
		})
		// Another import created the assistant of that name since this one
		// looked: import into it, as SQLite's one writer would have.
		if a.SID == "" && attempt < maxAttempts && violates(err, "assistants_account_unique_name") {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("import assistant %s: %w", a.UniqueName, err)
		}
		break
	}
	return db.Assistant(ctx, a.AccountSID, sid)
}

// RestoreAssistant is ImportAssistant into the existing assistant a.SID,
// except that the tasks, fields, samples, field types and values of a that
// carry SIDs (of the right kind) keep them: Restore brings back what a model
// build trained on under the SIDs clients hold. The SIDs must not belong to
// another assistant's rows.
func (db *DB) RestoreAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error) {
	if a.SID == "" || a.AccountSID == "" || a.UniqueName == "" {
		return nil, fmt.Errorf("restore assistant %q: SID, account and unique name required: %w", a.UniqueName, store.ErrInvalid)
	}
	if err := checkNames(a); err != nil {
		return nil, fmt.Errorf("restore assistant %s: %w", a.UniqueName, err)
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := importAssistant(ctx, tx, a, db.timestamp().Unix(), true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("restore assistant %s: %w", a.UniqueName, err)
	}
	return db.Assistant(ctx, a.AccountSID, a.SID)
}

// sidOr is sid when keep is set and sid is a SID of prefix, else a new SID
// of prefix.
func sidOr(keep bool, prefix, sid string) string {
	if keep && twilio.IsSID(prefix, sid) {
		return sid
	}
	return twilio.NewSID(prefix)
}

// checkNames reports unique names a holds twice where the schema wants them
// unique.
func checkNames(a *assistant.Assistant) error {
	dup := func(what string, names func(yield func(string) bool)) error {
		seen := map[string]bool{}
		for n := range names {
			if seen[n] {
				return fmt.Errorf("%s %q twice: %w", what, n, store.ErrExists)
			}
			seen[n] = true
		}
		return nil
	}
	if err := dup("task", func(yield func(string) bool) {
		for _, t := range a.Tasks {
			if !yield(t.UniqueName) {
				return
			}
		}
	}); err != nil {
		return err
	}
	if err := dup("field type", func(yield func(string) bool) {
		for _, ft := range a.FieldTypes {
			if !yield(ft.UniqueName) {
				return
			}
		}
	}); err != nil {
		return err
	}
	for _, t := range a.Tasks {
		if err := dup("task "+t.UniqueName+": field", func(yield func(string) bool) {
			for _, f := range t.Fields {
				if !yield(f.UniqueName) {
					return
				}
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

// importAssistant writes a within tx and returns the assistant's SID.
func importAssistant(ctx context.Context, tx *sql.Tx, a *assistant.Assistant, now int64, keepSIDs bool) (string, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM accounts WHERE sid = $1`, a.AccountSID).Scan(&one)
	if missing(err) {
		return "", fmt.Errorf("account %s: %w", a.AccountSID, store.ErrNotFound)
	}
	if err != nil {
		return "", err
	}

	var sid string
	if a.SID != "" {
		err = tx.QueryRowContext(ctx, `SELECT sid FROM assistants WHERE sid = $1 AND account_sid = $2 FOR NO KEY UPDATE`,
			a.SID, a.AccountSID).Scan(&sid)
		if missing(err) {
			return "", fmt.Errorf("assistant %s: %w", a.SID, store.ErrNotFound)
		}
	} else {
		err = tx.QueryRowContext(ctx, `SELECT sid FROM assistants WHERE account_sid = $1 AND unique_name = $2 FOR NO KEY UPDATE`,
			a.AccountSID, a.UniqueName).Scan(&sid)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	}
	if err != nil {
		return "", constraint(err)
	}

	if sid == "" {
		sid = twilio.NewSID(twilio.PrefixAssistant)
		_, err = tx.ExecContext(ctx, `INSERT INTO assistants
			(sid, account_sid, unique_name, friendly_name, log_queries, defaults, style_sheet, model_build,
			 nlu_threshold, needs_model_build, revision, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, 1, $10, $11)`,
			sid, a.AccountSID, a.UniqueName, a.FriendlyName, a.LogQueries,
			nullBytes(a.Defaults), nullBytes(a.StyleSheet), a.ModelBuild, nullFloat(a.NLUThreshold), now, now)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE assistants
			SET unique_name = $1, friendly_name = $2, log_queries = $3, defaults = $4, style_sheet = $5, model_build = $6,
			    nlu_threshold = $7, needs_model_build = true, revision = revision + 1, date_updated = $8
			WHERE sid = $9`,
			a.UniqueName, a.FriendlyName, a.LogQueries,
			nullBytes(a.Defaults), nullBytes(a.StyleSheet), a.ModelBuild, nullFloat(a.NLUThreshold), now, sid)
	}
	if err != nil {
		return "", constraint(err)
	}
	if err := importTasks(ctx, tx, sid, a.Tasks, now, keepSIDs); err != nil {
		return "", err
	}
	if err := importFieldTypes(ctx, tx, sid, a.FieldTypes, now, keepSIDs); err != nil {
		return "", err
	}
	return sid, nil
}

// existing returns the SIDs of the rows of table under assistantSID by
// unique name, after deleting those whose name is not in keep.
func existing(ctx context.Context, tx *sql.Tx, table, assistantSID string, keep map[string]bool) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT sid, unique_name FROM `+table+` WHERE assistant_sid = $1`, assistantSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sids := map[string]string{}
	var drop []string
	for rows.Next() {
		var sid, name string
		if err := rows.Scan(&sid, &name); err != nil {
			return nil, err
		}
		if keep[name] {
			sids[name] = sid
		} else {
			drop = append(drop, sid)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, sid := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE sid = $1`, sid); err != nil {
			return nil, err
		}
	}
	return sids, nil
}

func importTasks(ctx context.Context, tx *sql.Tx, assistantSID string, tasks []assistant.Task, now int64, keepSIDs bool) error {
	keep := map[string]bool{}
	for _, t := range tasks {
		keep[t.UniqueName] = true
	}
	sids, err := existing(ctx, tx, "tasks", assistantSID, keep)
	if err != nil {
		return err
	}
	// Fields and samples of kept tasks are recreated.
	for _, table := range []string{"fields", "samples"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+`
			WHERE task_sid IN (SELECT sid FROM tasks WHERE assistant_sid = $1)`, assistantSID); err != nil {
			return err
		}
	}
	insertTask := `INSERT INTO tasks
		(sid, assistant_sid, unique_name, friendly_name, actions, actions_url, position, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`
	updateTask := `UPDATE tasks
		SET friendly_name = $1, actions = $2, actions_url = $3, position = $4, date_updated = $5
		WHERE sid = $6`
	insertField := `INSERT INTO fields
		(sid, task_sid, unique_name, field_type, position, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	insertSample := `INSERT INTO samples
		(sid, task_sid, language, tagged_text, source_channel, position, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

	for i, t := range tasks {
		sid, ok := sids[t.UniqueName]
		if ok {
			_, err = tx.ExecContext(ctx, updateTask, t.FriendlyName, nullBytes(t.Actions), nullString(t.ActionsURL), i, now, sid)
		} else {
			sid = sidOr(keepSIDs, twilio.PrefixTask, t.SID)
			_, err = tx.ExecContext(ctx, insertTask, sid, assistantSID, t.UniqueName, t.FriendlyName,
				nullBytes(t.Actions), nullString(t.ActionsURL), i, now, now)
		}
		if err != nil {
			return fmt.Errorf("task %q: %w", t.UniqueName, constraint(err))
		}
		for j, f := range t.Fields {
			if _, err := tx.ExecContext(ctx, insertField, sidOr(keepSIDs, twilio.PrefixField, f.SID), sid,
				f.UniqueName, f.FieldType, j, now, now); err != nil {
				return fmt.Errorf("task %q: field %q: %w", t.UniqueName, f.UniqueName, constraint(err))
			}
		}
		for j, s := range t.Samples {
			if _, err := tx.ExecContext(ctx, insertSample, sidOr(keepSIDs, twilio.PrefixSample, s.SID), sid,
				s.Language, s.TaggedText, nullString(s.SourceChannel), j, now, now); err != nil {
				return fmt.Errorf("task %q: sample %d: %w", t.UniqueName, j, constraint(err))
			}
		}
	}
	return nil
}

func importFieldTypes(ctx context.Context, tx *sql.Tx, assistantSID string, types []assistant.FieldType, now int64, keepSIDs bool) error {
	keep := map[string]bool{}
	for _, ft := range types {
		keep[ft.UniqueName] = true
	}
	sids, err := existing(ctx, tx, "field_types", assistantSID, keep)
	if err != nil {
		return err
	}
	// Values of kept types are recreated.
	if _, err := tx.ExecContext(ctx, `DELETE FROM field_values
		WHERE field_type_sid IN (SELECT sid FROM field_types WHERE assistant_sid = $1)`, assistantSID); err != nil {
		return err
	}
	insertType := `INSERT INTO field_types
		(sid, assistant_sid, unique_name, friendly_name, position, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`
	updateType := `UPDATE field_types
		SET friendly_name = $1, position = $2, date_updated = $3
		WHERE sid = $4`
	insertValue := `INSERT INTO field_values
		(sid, field_type_sid, language, value, synonym_of, synonym_of_sid, position, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

	for i, ft := range types {
		sid, ok := sids[ft.UniqueName]
		if ok {
			_, err = tx.ExecContext(ctx, updateType, ft.FriendlyName, i, now, sid)
		} else {
			sid = sidOr(keepSIDs, twilio.PrefixFieldType, ft.SID)
			_, err = tx.ExecContext(ctx, insertType, sid, assistantSID, ft.UniqueName, ft.FriendlyName, i, now, now)
		}
		if err != nil {
			return fmt.Errorf("field type %q: %w", ft.UniqueName, constraint(err))
		}
		// Canonical values first, so that synonyms can name their SIDs;
		// position keeps the order of ft.Values.
		type key struct{ language, value string }
		canonical := map[key]string{}
		anyLanguage := map[string]string{}
		for j, v := range ft.Values {
			if v.SynonymOf != "" {
				continue
			}
			vsid := sidOr(keepSIDs, twilio.PrefixFieldValue, v.SID)
			if _, err := tx.ExecContext(ctx, insertValue, vsid, sid, v.Language, v.Value, nil, nil, j, now, now); err != nil {
				return fmt.Errorf("field type %q: value %q: %w", ft.UniqueName, v.Value, constraint(err))
			}
			if _, ok := canonical[key{v.Language, v.Value}]; !ok {
				canonical[key{v.Language, v.Value}] = vsid
			}
			if _, ok := anyLanguage[v.Value]; !ok {
				anyLanguage[v.Value] = vsid
			}
		}
		for j, v := range ft.Values {
			if v.SynonymOf == "" {
				continue
			}
			of, ok := canonical[key{v.Language, v.SynonymOf}]
			if !ok {
				of, ok = anyLanguage[v.SynonymOf]
			}
			if !ok {
				return fmt.Errorf("field type %q: value %q: synonym of %q, which is no canonical value of the type: %w",
					ft.UniqueName, v.Value, v.SynonymOf, store.ErrInvalid)
			}
			if _, err := tx.ExecContext(ctx, insertValue, sidOr(keepSIDs, twilio.PrefixFieldValue, v.SID), sid,
				v.Language, v.Value, v.SynonymOf, of, j, now, now); err != nil {
				return fmt.Errorf("field type %q: value %q: %w", ft.UniqueName, v.Value, constraint(err))
			}
		}
	}
	return nil
}

// Assistant returns the whole assistant of account accountSID with the given
// SID or unique name (the SID wins when both match): tasks with their fields
// and samples, field types with their values, all in stored order and read
// from one snapshot. An assistant of another account is [store.ErrNotFound].
func (db *DB) Assistant(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error) {
	var a *assistant.Assistant
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = readAssistant(ctx, tx, accountSID, sidOrUniqueName, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get assistant %s: %w", sidOrUniqueName, err)
	}
	return a, nil
}

// The columns of the scan functions below: each table under its usual
// alias (a, t, f, s, ft, v).
const (
	assistantColumns = `a.sid, a.account_sid, a.unique_name, a.friendly_name, a.log_queries, a.defaults, a.style_sheet,
	a.model_build, a.nlu_threshold, a.callback_url, a.callback_events, a.development_stage, a.revision,
	a.date_created, a.date_updated`
	taskColumns      = `t.sid, t.unique_name, t.friendly_name, t.actions, t.actions_url, t.date_created, t.date_updated`
	fieldColumns     = `f.sid, f.unique_name, f.field_type, f.date_created, f.date_updated`
	sampleColumns    = `s.sid, s.language, s.tagged_text, s.source_channel, s.date_created, s.date_updated`
	fieldTypeColumns = `ft.sid, ft.unique_name, ft.friendly_name, ft.date_created, ft.date_updated`
	valueColumns     = `v.sid, v.language, v.value, v.synonym_of, v.synonym_of_sid, v.date_created, v.date_updated`
)

// scanAssistant reads assistantColumns: the assistant without its tasks and
// field types.
func scanAssistant(s scanner) (*assistant.Assistant, error) {
	a := &assistant.Assistant{}
	var defaults, styleSheet, callbackURL, callbackEvents sql.NullString
	var threshold sql.NullFloat64
	var created, updated int64
	if err := s.Scan(&a.SID, &a.AccountSID, &a.UniqueName, &a.FriendlyName, &a.LogQueries, &defaults, &styleSheet,
		&a.ModelBuild, &threshold, &callbackURL, &callbackEvents, &a.DevelopmentStage, &a.Revision,
		&created, &updated); err != nil {
		return nil, err
	}
	a.Defaults, a.StyleSheet = rawJSON(defaults), rawJSON(styleSheet)
	a.NLUThreshold = threshold.Float64
	a.CallbackURL, a.CallbackEvents = callbackURL.String, callbackEvents.String
	a.DateCreated, a.DateUpdated = fromUnix(created), fromUnix(updated)
	return a, nil
}

// scanTask reads the columns of prefix (when given), then taskColumns.
func scanTask(s scanner, prefix ...any) (assistant.Task, error) {
	var t assistant.Task
	var actions, actionsURL sql.NullString
	var created, updated int64
	if err := s.Scan(append(prefix, &t.SID, &t.UniqueName, &t.FriendlyName, &actions, &actionsURL, &created, &updated)...); err != nil {
		return assistant.Task{}, err
	}
	t.Actions, t.ActionsURL = rawJSON(actions), actionsURL.String
	t.DateCreated, t.DateUpdated = fromUnix(created), fromUnix(updated)
	return t, nil
}

// scanField reads the columns of prefix (when given), then fieldColumns.
func scanField(s scanner, prefix ...any) (assistant.Field, error) {
	var f assistant.Field
	var created, updated int64
	if err := s.Scan(append(prefix, &f.SID, &f.UniqueName, &f.FieldType, &created, &updated)...); err != nil {
		return assistant.Field{}, err
	}
	f.DateCreated, f.DateUpdated = fromUnix(created), fromUnix(updated)
	return f, nil
}

// scanSample reads the columns of prefix (when given), then sampleColumns.
func scanSample(s scanner, prefix ...any) (assistant.Sample, error) {
	var sm assistant.Sample
	var channel sql.NullString
	var created, updated int64
	if err := s.Scan(append(prefix, &sm.SID, &sm.Language, &sm.TaggedText, &channel, &created, &updated)...); err != nil {
		return assistant.Sample{}, err
	}
	sm.SourceChannel = channel.String
	sm.DateCreated, sm.DateUpdated = fromUnix(created), fromUnix(updated)
	return sm, nil
}

// scanFieldType reads the columns of prefix (when given), then
// fieldTypeColumns: the type without its values.
func scanFieldType(s scanner, prefix ...any) (assistant.FieldType, error) {
	var ft assistant.FieldType
	var created, updated int64
	if err := s.Scan(append(prefix, &ft.SID, &ft.UniqueName, &ft.FriendlyName, &created, &updated)...); err != nil {
		return assistant.FieldType{}, err
	}
	ft.DateCreated, ft.DateUpdated = fromUnix(created), fromUnix(updated)
	return ft, nil
}

// scanValue reads the columns of prefix (when given), then valueColumns.
func scanValue(s scanner, prefix ...any) (assistant.FieldValue, error) {
	var v assistant.FieldValue
	var synonymOf, synonymOfSID sql.NullString
	var created, updated int64
	if err := s.Scan(append(prefix, &v.SID, &v.Language, &v.Value, &synonymOf, &synonymOfSID, &created, &updated)...); err != nil {
		return assistant.FieldValue{}, err
	}
	v.SynonymOf, v.SynonymOfSID = synonymOf.String, synonymOfSID.String
	v.DateCreated, v.DateUpdated = fromUnix(created), fromUnix(updated)
	return v, nil
}

// readHead reads the assistant's own row, without tasks or field types.
func readHead(ctx context.Context, tx *sql.Tx, accountSID, sidOrUniqueName string) (*assistant.Assistant, error) {
	a, err := scanAssistant(tx.QueryRowContext(ctx, `SELECT `+assistantColumns+`
		FROM assistants a WHERE `+resolveAssistant, accountSID, sidOrUniqueName))
	if missing(err) {
		return nil, store.ErrNotFound
	}
	return a, err
}

// AssistantOutline returns the assistant of account accountSID that
// sidOrUniqueName names, with its tasks and field types but not what they
// hold (fields, samples, field values): what listing tasks or field types,
// or checking names and quotas, needs. Errors: [store.ErrNotFound].
func (db *DB) AssistantOutline(ctx context.Context, accountSID, sidOrUniqueName string) (*assistant.Assistant, error) {
	var a *assistant.Assistant
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = readAssistant(ctx, tx, accountSID, sidOrUniqueName, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get assistant %s: %w", sidOrUniqueName, err)
	}
	return a, nil
}

// readAssistant reads an assistant with its tasks and field types, and,
// when whole, their fields, samples and values.
func readAssistant(ctx context.Context, tx *sql.Tx, accountSID, sidOrUniqueName string, whole bool) (*assistant.Assistant, error) {
	a, err := readHead(ctx, tx, accountSID, sidOrUniqueName)
	if err != nil {
		return nil, err
	}

	// Tasks, then their fields and samples in one query each.
	taskIndex := map[string]int{}
	err = each(ctx, tx, `SELECT `+taskColumns+`
		FROM tasks t WHERE t.assistant_sid = $1 ORDER BY t.position, t.id`, []any{a.SID}, func(rows *sql.Rows) error {
		t, err := scanTask(rows)
		if err != nil {
			return err
		}
		taskIndex[t.SID] = len(a.Tasks)
		a.Tasks = append(a.Tasks, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	if !whole {
		return a, readFieldTypes(ctx, tx, a, false)
	}
	err = each(ctx, tx, `SELECT f.task_sid, `+fieldColumns+`
		FROM fields f JOIN tasks t ON t.sid = f.task_sid
		WHERE t.assistant_sid = $1 ORDER BY t.position, t.id, f.position, f.id`, []any{a.SID}, func(rows *sql.Rows) error {
		var taskSID string
		f, err := scanField(rows, &taskSID)
		if err != nil {
			return err
		}
		t := &a.Tasks[taskIndex[taskSID]]
		t.Fields = append(t.Fields, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("fields: %w", err)
	}
	err = each(ctx, tx, `SELECT s.task_sid, `+sampleColumns+`
		FROM samples s JOIN tasks t ON t.sid = s.task_sid
		WHERE t.assistant_sid = $1 ORDER BY t.position, t.id, s.position, s.id`, []any{a.SID}, func(rows *sql.Rows) error {
		var taskSID string
		s, err := scanSample(rows, &taskSID)
		if err != nil {
			return err
		}
		t := &a.Tasks[taskIndex[taskSID]]
		t.Samples = append(t.Samples, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	return a, readFieldTypes(ctx, tx, a, true)
}

// readFieldTypes reads a's field types, and their values when withValues.
func readFieldTypes(ctx context.Context, tx *sql.Tx, a *assistant.Assistant, withValues bool) error {
	typeIndex := map[string]int{}
	err := each(ctx, tx, `SELECT `+fieldTypeColumns+`
		FROM field_types ft WHERE ft.assistant_sid = $1 ORDER BY ft.position, ft.id`, []any{a.SID}, func(rows *sql.Rows) error {
		ft, err := scanFieldType(rows)
		if err != nil {
			return err
		}
		typeIndex[ft.SID] = len(a.FieldTypes)
		a.FieldTypes = append(a.FieldTypes, ft)
		return nil
	})
	if err != nil {
		return fmt.Errorf("field types: %w", err)
	}
	if !withValues {
		return nil
	}
	err = each(ctx, tx, `SELECT v.field_type_sid, `+valueColumns+`
		FROM field_values v JOIN field_types ft ON ft.sid = v.field_type_sid
		WHERE ft.assistant_sid = $1 ORDER BY ft.position, ft.id, v.position, v.id`, []any{a.SID}, func(rows *sql.Rows) error {
		var typeSID string
		v, err := scanValue(rows, &typeSID)
		if err != nil {
			return err
		}
		ft := &a.FieldTypes[typeIndex[typeSID]]
		ft.Values = append(ft.Values, v)
		return nil
	})
	if err != nil {
		return fmt.Errorf("field values: %w", err)
	}
	return nil
}

// each runs query and calls f for every row.
func each(ctx context.Context, tx *sql.Tx, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func rawJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// AssistantRef returns the head of the account's assistant with the given SID
// or unique name (the SID wins when both match): one indexed query, cheap
// enough for every turn.
func (db *DB) AssistantRef(ctx context.Context, accountSID, sidOrUniqueName string) (store.AssistantRef, error) {
	var r store.AssistantRef
	err := db.db.QueryRowContext(ctx, `SELECT sid, account_sid, unique_name, revision,
		COALESCE(latest_model_build_sid, '')
		FROM assistants WHERE `+resolveAssistant, accountSID, sidOrUniqueName).
		Scan(&r.SID, &r.AccountSID, &r.UniqueName, &r.Revision, &r.ModelBuildSID)
	if missing(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.AssistantRef{}, fmt.Errorf("get assistant %s: %w", sidOrUniqueName, err)
	}
	return r, nil
}

// Assistants returns the heads of the account's assistants, oldest first.
// An account without assistants, or no account, has none.
func (db *DB) Assistants(ctx context.Context, accountSID string) ([]store.AssistantRef, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT sid, account_sid, unique_name, revision
		FROM assistants WHERE account_sid = $1 ORDER BY id`, accountSID)
	if err != nil {
		return nil, fmt.Errorf("list assistants: %w", err)
	}
	defer rows.Close()
	var refs []store.AssistantRef
	for rows.Next() {
		var r store.AssistantRef
		if err := rows.Scan(&r.SID, &r.AccountSID, &r.UniqueName, &r.Revision); err != nil {
			return nil, fmt.Errorf("list assistants: %w", err)
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list assistants: %w", err)
	}
	return refs, nil
}

// DeleteAssistant deletes the account's assistant with the given SID or
// unique name and everything it holds: tasks, fields, samples, field types,
// values, model builds, queries, webhooks and dialogues.
func (db *DB) DeleteAssistant(ctx context.Context, accountSID, sidOrUniqueName string) error {
	var sid string
	err := db.db.QueryRowContext(ctx, `DELETE FROM assistants
		WHERE sid = (SELECT sid FROM assistants WHERE `+resolveAssistant+`) RETURNING sid`, accountSID, sidOrUniqueName).Scan(&sid)
	if missing(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("delete assistant %s: %w", sidOrUniqueName, err)
	}
	return nil
}

// CreateAssistant stores a new, empty assistant (no tasks, no field types) of
// the account a.AccountSID from a's UniqueName (the new SID when empty),
// FriendlyName, LogQueries, Defaults, StyleSheet, CallbackURL, CallbackEvents
// and DevelopmentStage ("in-development" when empty), and returns it as
// stored: revision 1, in need of a model build. The rest of a is ignored.
//
// Errors: [store.ErrInvalid] when a.AccountSID is empty; [store.ErrNotFound]
// when the account does not exist; [store.ErrExists] when the account has an
// assistant of that unique name.
func (db *DB) CreateAssistant(ctx context.Context, a *assistant.Assistant) (*assistant.Assistant, error) {
	if a.AccountSID == "" {
		return nil, fmt.Errorf("create assistant %s: account required: %w", a.UniqueName, store.ErrInvalid)
	}
	sid := twilio.NewSID(twilio.PrefixAssistant)
	name := cmp.Or(a.UniqueName, sid)
	now := db.timestamp().Unix()
	var out *assistant.Assistant
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO assistants
			(sid, account_sid, unique_name, friendly_name, log_queries, defaults, style_sheet, callback_url,
			 callback_events, development_stage, needs_model_build, revision, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, 1, $11, $12)`,
			sid, a.AccountSID, name, a.FriendlyName, a.LogQueries, nullBytes(a.Defaults), nullBytes(a.StyleSheet),
			nullString(a.CallbackURL), nullString(a.CallbackEvents), cmp.Or(a.DevelopmentStage, developmentStage),
			now, now)
		if err != nil {
			return constraint(err)
		}
		out, err = assistantHead(ctx, tx, a.AccountSID, sid)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create assistant %s: %w", name, err)
	}
	return out, nil
}

// developmentStage is an assistant's stage when none is given.
const developmentStage = "in-development"

// UpdateAssistant changes the properties p sets of the account's assistant
// with the given SID or unique name (the SID wins when both match), and
// returns it without its tasks and field types, as [DB.AssistantHeads] does.
// A unique name or development stage set to "" becomes the default of
// [DB.CreateAssistant]; a Defaults or StyleSheet set to an empty, non-nil
// document is unset. Every update is a change: the revision grows by one.
//
// Errors: [store.ErrNotFound] when the account has no such assistant;
// [store.ErrExists] when the new unique name is another assistant's.
func (db *DB) UpdateAssistant(ctx context.Context, accountSID, sidOrName string, p store.AssistantPatch) (*assistant.Assistant, error) {
	now := db.timestamp().Unix()
	var out *assistant.Assistant
	err := db.write(ctx, func(tx *sql.Tx) error {
		var sid string
		err := tx.QueryRowContext(ctx, `SELECT sid FROM assistants WHERE `+resolveAssistant+` FOR NO KEY UPDATE`,
			accountSID, sidOrName).Scan(&sid)
		if missing(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var u update
		if p.UniqueName != nil {
			u.set("unique_name", cmp.Or(*p.UniqueName, sid))
		}
		if p.FriendlyName != nil {
			u.set("friendly_name", *p.FriendlyName)
		}
		if p.LogQueries != nil {
			u.set("log_queries", *p.LogQueries)
		}
		if p.Defaults != nil {
			u.set("defaults", nullBytes(p.Defaults))
		}
		if p.StyleSheet != nil {
			u.set("style_sheet", nullBytes(p.StyleSheet))
		}
		if p.CallbackURL != nil {
			u.set("callback_url", nullString(*p.CallbackURL))
		}
		if p.CallbackEvents != nil {
			u.set("callback_events", nullString(*p.CallbackEvents))
		}
		if p.DevelopmentStage != nil {
			u.set("development_stage", cmp.Or(*p.DevelopmentStage, developmentStage))
		}
		u.add("revision = revision + 1")
		u.add("needs_model_build = true")
		u.set("date_updated", now)
		if err := u.exec(ctx, tx, "assistants", sid); err != nil {
			return err
		}
		out, err = assistantHead(ctx, tx, accountSID, sid)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update assistant %s: %w", sidOrName, err)
	}
	return out, nil
}

// assistantHead reads the account's assistant sid without its tasks and
// field types.
func assistantHead(ctx context.Context, tx *sql.Tx, accountSID, sid string) (*assistant.Assistant, error) {
	a, err := scanAssistant(tx.QueryRowContext(ctx, `SELECT `+assistantColumns+`
		FROM assistants a WHERE a.sid = $1 AND a.account_sid = $2`, sid, accountSID))
	if missing(err) {
		return nil, store.ErrNotFound
	}
	return a, err
}

// AssistantHeads returns the account's assistants, oldest first, with their
// own properties but without their tasks and field types. An account without
// assistants, or no account, has none.
func (db *DB) AssistantHeads(ctx context.Context, accountSID string) ([]*assistant.Assistant, error) {
	var as []*assistant.Assistant
	err := db.read(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, `SELECT `+assistantColumns+`
			FROM assistants a WHERE a.account_sid = $1 ORDER BY a.id`, []any{accountSID}, func(rows *sql.Rows) error {
			a, err := scanAssistant(rows)
			if err != nil {
				return err
			}
			as = append(as, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list assistants: %w", err)
	}
	return as, nil
}

// AssistantTask returns the assistant of account accountSID that
// assistantSIDOrName names, with only the task taskSIDOrName (SID or unique
// name, the SID winning), its fields and its samples: what a request about
// one task or sample needs, read without the rest of the assistant. Its
// FieldTypes are not read. Errors: [store.ErrNotFound].
func (db *DB) AssistantTask(ctx context.Context, accountSID, assistantSIDOrName, taskSIDOrName string) (*assistant.Assistant, error) {
	var a *assistant.Assistant
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if a, err = readHead(ctx, tx, accountSID, assistantSIDOrName); err != nil {
			return err
		}
		taskSID, err := taskKind.lookup(ctx, tx, a.SID, taskSIDOrName)
		if err != nil {
			return err
		}
		var t assistant.Task
		err = each(ctx, tx, `SELECT `+taskColumns+` FROM tasks t WHERE t.sid = $1`, []any{taskSID}, func(rows *sql.Rows) error {
			t, err = scanTask(rows)
			return err
		})
		if err != nil {
			return fmt.Errorf("task: %w", err)
		}
		err = each(ctx, tx, `SELECT f.task_sid, `+fieldColumns+`
			FROM fields f WHERE f.task_sid = $1 ORDER BY f.position, f.id`, []any{taskSID}, func(rows *sql.Rows) error {
			var owner string
			f, err := scanField(rows, &owner)
			t.Fields = append(t.Fields, f)
			return err
		})
		if err != nil {
			return fmt.Errorf("fields: %w", err)
		}
		err = each(ctx, tx, `SELECT s.task_sid, `+sampleColumns+`
			FROM samples s WHERE s.task_sid = $1 ORDER BY s.position, s.id`, []any{taskSID}, func(rows *sql.Rows) error {
			var owner string
			s, err := scanSample(rows, &owner)
			t.Samples = append(t.Samples, s)
			return err
		})
		if err != nil {
			return fmt.Errorf("samples: %w", err)
		}
		a.Tasks = []assistant.Task{t}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get task %s of assistant %s: %w", taskSIDOrName, assistantSIDOrName, err)
	}
	return a, nil
}

// CountSamples returns how many samples the tasks of the assistant
// assistantSID have together.
func (db *DB) CountSamples(ctx context.Context, assistantSID string) (int, error) {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM samples s JOIN tasks t ON t.sid = s.task_sid
		WHERE t.assistant_sid = $1`, assistantSID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count samples of %s: %w", assistantSID, err)
	}
	return n, nil
}

// AssistantFieldType returns the assistant of account accountSID that
// assistantSIDOrName names, with only the field type typeSIDOrName (SID or
// unique name, the SID winning) and its values: what a request about one
// field value needs. Its Tasks are not read. Errors: [store.ErrNotFound].
func (db *DB) AssistantFieldType(ctx context.Context, accountSID, assistantSIDOrName, typeSIDOrName string) (*assistant.Assistant, error) {
	var a *assistant.Assistant
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		if a, err = readHead(ctx, tx, accountSID, assistantSIDOrName); err != nil {
			return err
		}
		typeSID, err := fieldTypeKind.lookup(ctx, tx, a.SID, typeSIDOrName)
		if err != nil {
			return err
		}
		var ft assistant.FieldType
		err = each(ctx, tx, `SELECT `+fieldTypeColumns+` FROM field_types ft WHERE ft.sid = $1`, []any{typeSID}, func(rows *sql.Rows) error {
			ft, err = scanFieldType(rows)
			return err
		})
		if err != nil {
			return fmt.Errorf("field type: %w", err)
		}
		err = each(ctx, tx, `SELECT v.field_type_sid, `+valueColumns+`
			FROM field_values v WHERE v.field_type_sid = $1 ORDER BY v.position, v.id`, []any{typeSID}, func(rows *sql.Rows) error {
			var owner string
			v, err := scanValue(rows, &owner)
			ft.Values = append(ft.Values, v)
			return err
		})
		if err != nil {
			return fmt.Errorf("field values: %w", err)
		}
		a.FieldTypes = []assistant.FieldType{ft}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get field type %s of assistant %s: %w", typeSIDOrName, assistantSIDOrName, err)
	}
	return a, nil
}

package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

var (
	fieldTypeKind = kind{"field type", "field_types", "assistant_sid", true}
	valueKind     = kind{"field value", "field_values", "field_type_sid", false}
)

// The methods below change one custom field type or value of the assistant
// assistantSID (a SID, not a name) of account accountSID; field types are
// named by SID or unique name (the SID winning when both match), values by
// SID. As for tasks, each change is a change of the assistant (its revision
// grows by one), and [store.ErrNotFound] means that the account has no such
// assistant, or the assistant no such field type or value.

// CreateFieldType appends a field type with ft's UniqueName and FriendlyName
// to the assistant, and returns it as stored; ft's values are ignored.
// Errors: [store.ErrInvalid] when the unique name is empty;
// [store.ErrExists] when the assistant has a field type of that name.
func (db *DB) CreateFieldType(ctx context.Context, accountSID, assistantSID string, ft assistant.FieldType) (assistant.FieldType, error) {
	if ft.UniqueName == "" {
		return assistant.FieldType{}, fmt.Errorf("create field type: unique name required: %w", store.ErrInvalid)
	}
	var out assistant.FieldType
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		pos, err := fieldTypeKind.next(ctx, tx, assistantSID)
		if err != nil {
			return err
		}
		sid := twilio.NewSID(twilio.PrefixFieldType)
		if _, err := tx.ExecContext(ctx, `INSERT INTO field_types
			(sid, assistant_sid, unique_name, friendly_name, position, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, sid, assistantSID, ft.UniqueName, ft.FriendlyName, pos, now, now); err != nil {
			return constraint(err)
		}
		out, err = readFieldType(ctx, tx, sid)
		return err
	})
	if err != nil {
		return assistant.FieldType{}, fmt.Errorf("create field type %s: %w", ft.UniqueName, err)
	}
	return out, nil
}

// UpdateFieldType changes the properties p sets of the field type, sets its
// date_updated, and returns it without its values. Fields that name the
// type by its old unique name keep that name. Errors: [store.ErrInvalid]
// when the unique name is set to ""; [store.ErrExists] when the new unique
// name is another field type's.
func (db *DB) UpdateFieldType(ctx context.Context, accountSID, assistantSID, sidOrName string, p store.FieldTypePatch) (assistant.FieldType, error) {
	if p.UniqueName != nil && *p.UniqueName == "" {
		return assistant.FieldType{}, fmt.Errorf("update field type %s: unique name required: %w", sidOrName, store.ErrInvalid)
	}
	var out assistant.FieldType
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		sid, err := fieldTypeKind.lookup(ctx, tx, assistantSID, sidOrName)
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
		u.set("date_updated", now)
		if err := u.exec(ctx, tx, "field_types", sid); err != nil {
			return err
		}
		out, err = readFieldType(ctx, tx, sid)
		return err
	})
	if err != nil {
		return assistant.FieldType{}, fmt.Errorf("update field type %s: %w", sidOrName, err)
	}
	return out, nil
}

// DeleteFieldType deletes the field type and its values. Fields that name
// the type stay.
func (db *DB) DeleteFieldType(ctx context.Context, accountSID, assistantSID, sidOrName string) error {
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, _ int64) error {
		return fieldTypeKind.delete(ctx, tx, assistantSID, sidOrName)
	})
	if err != nil {
		return fmt.Errorf("delete field type %s: %w", sidOrName, err)
	}
	return nil
}

func readFieldType(ctx context.Context, tx *sql.Tx, sid string) (assistant.FieldType, error) {
	return scanFieldType(tx.QueryRowContext(ctx, `SELECT `+fieldTypeColumns+` FROM field_types ft WHERE ft.sid = $1`, sid))
}

// CreateFieldValue appends a value with v's Language, Value and SynonymOf to
// the field type, and returns it as stored. A synonym names its canonical
// value by v.SynonymOf: a canonical value of the type in v.Language, or the
// SID of a canonical value of the type in any language. The stored synonym
// has SynonymOf set to the canonical value's string and SynonymOfSID to its
// SID. Values are not unique: the same value may be created twice.
//
// Errors: [store.ErrInvalid] when the language or the value is empty, or
// v.SynonymOf names no canonical value of the type (a synonym of a synonym
// is not one).
func (db *DB) CreateFieldValue(ctx context.Context, accountSID, assistantSID, typeSIDOrName string, v assistant.FieldValue) (assistant.FieldValue, error) {
	if v.Language == "" || v.Value == "" {
		return assistant.FieldValue{}, fmt.Errorf("create field value %q: language and value required: %w", v.Value, store.ErrInvalid)
	}
	var out assistant.FieldValue
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, now int64) error {
		typeSID, err := fieldTypeKind.lookup(ctx, tx, assistantSID, typeSIDOrName)
		if err != nil {
			return err
		}
		var synonymOf, synonymOfSID sql.NullString
		if v.SynonymOf != "" {
			err := tx.QueryRowContext(ctx, `SELECT value, sid FROM field_values
				WHERE field_type_sid = $1 AND synonym_of_sid IS NULL
				  AND (sid = $2 OR value = $2 AND language = $3)
				ORDER BY sid = $2 DESC, position, id LIMIT 1`, typeSID, v.SynonymOf, v.Language).
				Scan(&synonymOf, &synonymOfSID)
			if missing(err) {
				return fmt.Errorf("synonym of %q, which is no canonical value of the type: %w", v.SynonymOf, store.ErrInvalid)
			}
			if err != nil {
				return err
			}
		}
		pos, err := valueKind.next(ctx, tx, typeSID)
		if err != nil {
			return err
		}
		sid := twilio.NewSID(twilio.PrefixFieldValue)
		if _, err := tx.ExecContext(ctx, `INSERT INTO field_values
			(sid, field_type_sid, language, value, synonym_of, synonym_of_sid, position, date_created, date_updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, sid, typeSID, v.Language, v.Value, synonymOf, synonymOfSID,
			pos, now, now); err != nil {
			return constraint(err)
		}
		out, err = scanValue(tx.QueryRowContext(ctx, `SELECT `+valueColumns+` FROM field_values v WHERE v.sid = $1`, sid))
		return err
	})
	if err != nil {
		return assistant.FieldValue{}, fmt.Errorf("create field value %q: %w", v.Value, err)
	}
	return out, nil
}

// DeleteFieldValue deletes the field type's value sid; deleting a canonical
// value deletes its synonyms too.
func (db *DB) DeleteFieldValue(ctx context.Context, accountSID, assistantSID, typeSIDOrName, sid string) error {
	err := db.change(ctx, accountSID, assistantSID, func(tx *sql.Tx, _ int64) error {
		typeSID, err := fieldTypeKind.lookup(ctx, tx, assistantSID, typeSIDOrName)
		if err != nil {
			return err
		}
		// The value's synonyms stay, as values of their own: clients such
		// as the Twilio CLI plugin list every value, synonyms included, and
		// delete them one by one.
		if _, err := tx.ExecContext(ctx, `UPDATE field_values SET synonym_of = NULL, synonym_of_sid = NULL
			WHERE field_type_sid = $1 AND synonym_of_sid = $2`, typeSID, sid); err != nil {
			return err
		}
		return valueKind.delete(ctx, tx, typeSID, sid)
	})
	if err != nil {
		return fmt.Errorf("delete field value %s: %w", sid, err)
	}
	return nil
}

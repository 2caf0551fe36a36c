package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ActiveDialogue returns the dialogue with status [store.DialogueActive] of
// userID on channel with the assistant assistantSID (a SID, not a name), or
// [store.ErrNotFound]. It is one lookup in a unique index.
func (db *DB) ActiveDialogue(ctx context.Context, assistantSID, channel, userID string) (*store.Dialogue, error) {
	d := &store.Dialogue{AssistantSID: assistantSID, Channel: channel, UserID: userID}
	var created, updated int64
	err := db.activeDialogue.QueryRowContext(ctx, assistantSID, channel, userID).
		Scan(&d.SID, &d.AccountSID, &d.Status, &d.State, &d.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get active dialogue %s/%s: %w", channel, userID, err)
	}
	d.DateCreated, d.DateUpdated = fromUnix(created), fromUnix(updated)
	return d, nil
}

// Dialogue returns the dialogue dialogueSID of the assistant assistantSID (a
// SID, not a name) of account accountSID, whatever its status.
func (db *DB) Dialogue(ctx context.Context, accountSID, assistantSID, dialogueSID string) (*store.Dialogue, error) {
	d := &store.Dialogue{SID: dialogueSID, AccountSID: accountSID, AssistantSID: assistantSID}
	var created, updated int64
	err := db.r.QueryRowContext(ctx, `SELECT channel, user_id, status, state, version, date_created, date_updated
		FROM dialogues WHERE sid = ? AND assistant_sid = ? AND account_sid = ?`, dialogueSID, assistantSID, accountSID).
		Scan(&d.Channel, &d.UserID, &d.Status, &d.State, &d.Version, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get dialogue %s: %w", dialogueSID, err)
	}
	d.DateCreated, d.DateUpdated = fromUnix(created), fromUnix(updated)
	return d, nil
}

// SaveDialogue stores d with a compare-and-swap on its version, and on
// success increments d.Version and sets d.DateUpdated.
//
// A dialogue with Version 0 is new: it is inserted (with a new SID if d.SID is
// empty, and DateCreated now), and needs AccountSID, AssistantSID, Channel,
// UserID and Status ([store.ErrInvalid]). Otherwise only Status and State are
// written, and only if the stored version still equals d.Version.
//
// Errors: [store.ErrConflict] when the stored version has moved on, or when d
// would be a second active dialogue of its (assistant, channel, user);
// [store.ErrNotFound] when the assistant, or the dialogue being updated, does
// not exist; [store.ErrExists] when a new dialogue's SID is taken. On error d
// is unchanged.
func (db *DB) SaveDialogue(ctx context.Context, d *store.Dialogue) error {
	now := db.timestamp()
	if d.Version == 0 {
		if d.AccountSID == "" || d.AssistantSID == "" || d.Channel == "" || d.UserID == "" || d.Status == "" {
			return fmt.Errorf("save dialogue %s/%s: account, assistant, channel, user and status required: %w",
				d.Channel, d.UserID, store.ErrInvalid)
		}
		sid := d.SID
		if sid == "" {
			sid = twilio.NewSID(twilio.PrefixDialogue)
		}
		_, err := db.insertDialogue.ExecContext(ctx, sid, d.AccountSID, d.AssistantSID, d.Channel, d.UserID,
			d.Status, blob(d.State), now.Unix(), now.Unix())
		if err != nil {
			return fmt.Errorf("save dialogue %s/%s: %w", d.Channel, d.UserID, dialogueConstraint(err))
		}
		d.SID, d.Version, d.DateCreated, d.DateUpdated = sid, 1, now, now
		return nil
	}

	res, err := db.updateDialogue.ExecContext(ctx, d.Status, blob(d.State), now.Unix(), d.SID, d.Version)
	if err != nil {
		return fmt.Errorf("save dialogue %s: %w", d.SID, dialogueConstraint(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("save dialogue %s: %w", d.SID, err)
	}
	if n == 0 {
		// Lost the race, or the dialogue is gone (its assistant deleted).
		var one int
		err := db.r.QueryRowContext(ctx, `SELECT 1 FROM dialogues WHERE sid = ?`, d.SID).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = store.ErrNotFound
		case err == nil:
			err = fmt.Errorf("%w (version %d is stale)", store.ErrConflict, d.Version)
		}
		return fmt.Errorf("save dialogue %s: %w", d.SID, err)
	}
	d.Version++
	d.DateUpdated = now
	return nil
}

// dialogueConstraint classifies a failed dialogue write: the partial unique
// index on active dialogues is a conflict, not an existing SID.
func dialogueConstraint(err error) error {
	if e, ok := errors.AsType[*sqlite.Error](err); ok && e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE &&
		!strings.Contains(e.Error(), "dialogues.sid") {
		return fmt.Errorf("%w: another dialogue of this user is active (%v)", store.ErrConflict, err)
	}
	return constraint(err)
}

// blob binds a byte slice as a BLOB, and an empty one as NULL.
func blob(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

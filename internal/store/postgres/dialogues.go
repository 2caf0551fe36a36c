package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// ActiveDialogue returns the dialogue with status [store.DialogueActive] of
// userID on channel with the assistant assistantSID (a SID, not a name), or
// [store.ErrNotFound]. It is one lookup in a unique index.
func (db *DB) ActiveDialogue(ctx context.Context, assistantSID, channel, userID string) (*store.Dialogue, error) {
	d := &store.Dialogue{AssistantSID: assistantSID, Channel: channel, UserID: userID}
	var created, updated int64
	err := db.db.QueryRowContext(ctx, `SELECT sid, account_sid, status, state, version, date_created, date_updated
		FROM dialogues
		WHERE assistant_sid = $1 AND channel = $2 AND user_id = $3 AND status = 'active'`, assistantSID, channel, userID).
		Scan(&d.SID, &d.AccountSID, &d.Status, &d.State, &d.Version, &created, &updated)
	if missing(err) {
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
	err := db.db.QueryRowContext(ctx, `SELECT channel, user_id, status, state, version, date_created, date_updated
		FROM dialogues WHERE sid = $1 AND assistant_sid = $2 AND account_sid = $3`, dialogueSID, assistantSID, accountSID).
		Scan(&d.Channel, &d.UserID, &d.Status, &d.State, &d.Version, &created, &updated)
	if missing(err) {
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
// Each save is one statement of its own transaction: PostgreSQL, unlike
// SQLite, lets saves of many dialogues commit side by side, so they are not
// batched. Of two saves of one version, the second waits for the first's row
// lock, then finds the version moved on.
//
// Errors: [store.ErrConflict] when the stored version has moved on, or when d
// would be a second active dialogue of its (assistant, channel, user);
// [store.ErrNotFound] when the assistant, or the dialogue being updated, does
// not exist; [store.ErrExists] when a new dialogue's SID is taken. On error d
// is unchanged.
func (db *DB) SaveDialogue(ctx context.Context, d *store.Dialogue) error {
	return db.saveDialogue(ctx, d, "")
}

// SaveDialogueAndRelease saves d as SaveDialogue does and, in the same
// statement, when the save succeeds, gives back this node's lease of key
// (see LeaseDialogue), recording the dialogue the save left.
func (db *DB) SaveDialogueAndRelease(ctx context.Context, key string, d *store.Dialogue) error {
	return db.saveDialogue(ctx, d, leaseKey(key))
}

// released makes save, a statement with n arguments that writes one
// dialogue, give a lease back in the same statement: argument n+1 is the
// lease's key, n+2 this node; the lease records the saved row.
func released(save string, n int) string {
	return `WITH saved AS (` + save + ` RETURNING sid, version, status), freed AS (
		UPDATE dialogue_locks SET expires = clock_timestamp(),
			dialogue_sid = (SELECT sid FROM saved), dialogue_version = (SELECT version FROM saved),
			dialogue_active = (SELECT status = 'active' FROM saved)
		WHERE key = $` + strconv.Itoa(n+1) + ` AND node = $` + strconv.Itoa(n+2) + ` AND EXISTS (SELECT 1 FROM saved))
	SELECT count(*) FROM saved`
}

// The statements of a save, alone and giving a lease back.
const (
	insertDialogue = `INSERT INTO dialogues
		(sid, account_sid, assistant_sid, channel, user_id, status, state, version, date_created, date_updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)`
	updateDialogue = `UPDATE dialogues
		SET status = $1, state = $2, version = version + 1, date_updated = $3
		WHERE sid = $4 AND version = $5`
)

var (
	insertDialogueReleasing = released(insertDialogue, 8)
	updateDialogueReleasing = released(updateDialogue, 5)
)

// saveDialogue is SaveDialogue, and gives back the lease of lease (a lease
// key) when it is not empty.
func (db *DB) saveDialogue(ctx context.Context, d *store.Dialogue, lease string) error {
	if d.Version == 0 && (d.AccountSID == "" || d.AssistantSID == "" || d.Channel == "" || d.UserID == "" || d.Status == "") {
		return fmt.Errorf("save dialogue %s/%s: account, assistant, channel, user and status required: %w",
			d.Channel, d.UserID, store.ErrInvalid)
	}
	now := db.timestamp()
	if d.Version == 0 {
		sid := d.SID
		if sid == "" {
			sid = twilio.NewSID(twilio.PrefixDialogue)
		}
		args := []any{sid, d.AccountSID, d.AssistantSID, d.Channel, d.UserID, d.Status, blob(d.State), now.Unix()}
		var err error
		if lease == "" {
			_, err = db.db.ExecContext(ctx, insertDialogue, args...)
		} else {
			var n int
			err = db.db.QueryRowContext(ctx, insertDialogueReleasing, append(args, lease, db.node)...).Scan(&n)
		}
		if err != nil {
			return fmt.Errorf("save dialogue %s/%s: %w", d.Channel, d.UserID, dialogueConstraint(err))
		}
		d.SID, d.Version, d.DateCreated, d.DateUpdated = sid, 1, now, now
		return nil
	}
	args := []any{d.Status, blob(d.State), now.Unix(), d.SID, d.Version}
	var n int64
	var err error
	if lease == "" {
		var res sql.Result
		res, err = db.db.ExecContext(ctx, updateDialogue, args...)
		if err == nil {
			n, err = res.RowsAffected()
		}
	} else {
		err = db.db.QueryRowContext(ctx, updateDialogueReleasing, append(args, lease, db.node)...).Scan(&n)
	}
	if err != nil {
		return fmt.Errorf("save dialogue %s: %w", d.SID, dialogueConstraint(err))
	}
	if n == 0 {
		// Lost the race, or the dialogue is gone (its assistant deleted).
		var one int
		err := db.db.QueryRowContext(ctx, `SELECT 1 FROM dialogues WHERE sid = $1`, d.SID).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			err = store.ErrNotFound
		case err == nil:
			err = fmt.Errorf("%w (version %d is stale)", store.ErrConflict, d.Version)
		}
		return fmt.Errorf("save dialogue %s: %w", d.SID, err)
	}
	d.Version, d.DateUpdated = d.Version+1, now
	return nil
}

// dialogueConstraint classifies a failed dialogue write: the partial unique
// index on active dialogues is a conflict, not an existing SID.
func dialogueConstraint(err error) error {
	if violates(err, "dialogues_active") {
		return fmt.Errorf("%w: another dialogue of this user is active (%w)", store.ErrConflict, err)
	}
	return constraint(err)
}

// PurgeDialogues deletes the ended dialogues last saved before before, a
// thousand at a time so that no transaction holds the writer for long, and
// returns how many it deleted. Active dialogues stay, however old.
func (db *DB) PurgeDialogues(ctx context.Context, before time.Time) (int64, error) {
	n, err := store.DeleteInBatches(func() (sql.Result, error) {
		return db.db.ExecContext(ctx, `DELETE FROM dialogues WHERE id IN
			(SELECT id FROM dialogues WHERE status <> 'active' AND date_updated < $1 LIMIT `+store.PurgeLimit+`)`, before.Unix())
	})
	if err != nil {
		return n, fmt.Errorf("purge dialogues: %w", err)
	}
	return n, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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
	if d.Version == 0 && (d.AccountSID == "" || d.AssistantSID == "" || d.Channel == "" || d.UserID == "" || d.Status == "") {
		return fmt.Errorf("save dialogue %s/%s: account, assistant, channel, user and status required: %w",
			d.Channel, d.UserID, store.ErrInvalid)
	}
	// Turns of many dialogues save at once: their saves are written
	// together, in one transaction of the writer (group commit), each with
	// its own compare-and-swap and its own outcome.
	req := &saveRequest{d: d, done: make(chan error, 1)}
	select {
	case db.saves <- req:
	case <-ctx.Done():
		return fmt.Errorf("save dialogue %s: %w", d.SID, ctx.Err())
	case <-db.stopSaves:
		return fmt.Errorf("save dialogue %s: store closed", d.SID)
	}
	select {
	case err := <-req.done:
		return err
	case <-ctx.Done():
		// The save may still be written; the next save of this dialogue
		// then finds its version stale and reads it again.
		return fmt.Errorf("save dialogue %s: %w", d.SID, ctx.Err())
	case <-db.saverDone:
		select {
		case err := <-req.done:
			return err
		default:
			return fmt.Errorf("save dialogue %s: store closed", d.SID)
		}
	}
}

// A saveRequest is a dialogue waiting to be saved, and where its outcome
// goes.
type saveRequest struct {
	d    *store.Dialogue
	done chan error
	// after the commit: what the save gives the dialogue
	sid     string
	version int64
}

// maxSaveBatch bounds the saves written in one transaction.
const maxSaveBatch = 128

// saver writes the queued dialogue saves, as many as are waiting (up to
// maxSaveBatch) in each transaction, until stopSaves is closed.
func (db *DB) saver() {
	defer close(db.saverDone)
	for {
		var first *saveRequest
		select {
		case first = <-db.saves:
		case <-db.stopSaves:
			return
		}
		batch := []*saveRequest{first}
	more:
		for len(batch) < maxSaveBatch {
			select {
			case r := <-db.saves:
				batch = append(batch, r)
			default:
				break more
			}
		}
		db.saveBatch(batch)
	}
}

// saveBatch writes batch in one transaction and tells each request its
// outcome: a conflict or a missing dialogue fails that save alone; a failed
// commit fails them all.
func (db *DB) saveBatch(batch []*saveRequest) {
	ctx := context.Background()
	now := db.timestamp()
	errs := make([]error, len(batch))
	tx, err := db.w.BeginTx(ctx, nil)
	if err == nil {
		ins, upd := tx.StmtContext(ctx, db.insertDialogue), tx.StmtContext(ctx, db.updateDialogue)
		for i, r := range batch {
			errs[i] = db.saveOne(ctx, ins, upd, r, now)
		}
		err = tx.Commit()
		if err != nil {
			tx.Rollback()
		}
	}
	for i, r := range batch {
		switch {
		case err != nil:
			r.done <- fmt.Errorf("save dialogue %s: %w", r.d.SID, err)
		case errs[i] != nil:
			r.done <- errs[i]
		default:
			d := r.d
			if d.Version == 0 {
				d.SID, d.DateCreated = r.sid, now
			}
			d.Version, d.DateUpdated = r.version, now
			r.done <- nil
		}
	}
}

// saveOne writes one save of a batch with the transaction's statements.
func (db *DB) saveOne(ctx context.Context, ins, upd *sql.Stmt, r *saveRequest, now time.Time) error {
	d := r.d
	if d.Version == 0 {
		sid := d.SID
		if sid == "" {
			sid = twilio.NewSID(twilio.PrefixDialogue)
		}
		if _, err := ins.ExecContext(ctx, sid, d.AccountSID, d.AssistantSID, d.Channel, d.UserID,
			d.Status, blob(d.State), now.Unix(), now.Unix()); err != nil {
			return fmt.Errorf("save dialogue %s/%s: %w", d.Channel, d.UserID, dialogueConstraint(err))
		}
		r.sid, r.version = sid, 1
		return nil
	}
	res, err := upd.ExecContext(ctx, d.Status, blob(d.State), now.Unix(), d.SID, d.Version)
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
	r.version = d.Version + 1
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

// PurgeDialogues deletes the ended dialogues last saved before before, a
// thousand at a time so that no transaction holds the writer for long, and
// returns how many it deleted. Active dialogues stay, however old.
func (db *DB) PurgeDialogues(ctx context.Context, before time.Time) (int64, error) {
	n, err := store.DeleteInBatches(func() (sql.Result, error) {
		return db.w.ExecContext(ctx, `DELETE FROM dialogues WHERE id IN
			(SELECT id FROM dialogues WHERE status <> 'active' AND date_updated < ? LIMIT `+store.PurgeLimit+`)`, before.Unix())
	})
	if err != nil {
		return n, fmt.Errorf("purge dialogues: %w", err)
	}
	return n, nil
}

package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// buildColumns are the columns scanBuild reads, model_builds as b joined
// with its assistant as a; withModel adds the model.
const buildColumns = `b.sid, a.account_sid, b.assistant_sid, b.unique_name, b.status, b.status_callback,
	b.error_code, b.error_message, b.build_duration, b.revision, b.date_created, b.date_updated`

// resolveBuild is the WHERE clause that finds a build of account $1 and
// assistant $2 by SID or unique name $3, the SID winning when both match.
const resolveBuild = `a.account_sid = $1 AND b.assistant_sid = $2 AND (b.sid = $3 OR b.unique_name = $3)
	ORDER BY b.sid = $3 DESC LIMIT 1`

// latestCompleted is the query of LatestCompletedModelBuild: one search in
// the partial index model_builds_completed.
const latestCompleted = `SELECT ` + buildColumns + `, b.model, b.schema, b.sids
	FROM model_builds b JOIN assistants a ON a.sid = b.assistant_sid
	WHERE b.assistant_sid = $1 AND b.status = 'completed'
	ORDER BY b.id DESC LIMIT 1`

// refreshBuildState recomputes the assistant $1's latest_model_build_sid (its
// newest completed build) and needs_model_build (no completed build of its
// current revision) after its builds changed.
const refreshBuildState = `UPDATE assistants SET
	latest_model_build_sid = (SELECT sid FROM model_builds
		WHERE assistant_sid = $1 AND status = 'completed' ORDER BY id DESC LIMIT 1),
	needs_model_build = NOT EXISTS (SELECT 1 FROM model_builds
		WHERE assistant_sid = $1 AND status = 'completed' AND revision = assistants.revision)
	WHERE sid = $1`

func validBuildStatus(s string) bool {
	switch s {
	case store.BuildEnqueued, store.BuildBuilding, store.BuildCompleted, store.BuildFailed, store.BuildCanceled:
		return true
	}
	return false
}

// CreateModelBuild stores a new build of the assistant b.AssistantSID (a SID,
// not a name) of account b.AccountSID, and sets b's SID (when empty), dates,
// UniqueName (the SID when empty), Status ([store.BuildEnqueued] when empty)
// and Revision (the assistant's current revision when 0). Everything else in b
// is stored as given; a build created completed counts as in
// [DB.UpdateModelBuild].
//
// Errors: [store.ErrInvalid] when the account or assistant is empty or the
// status is none of the Build… constants; [store.ErrNotFound] when the
// account has no such assistant; [store.ErrExists] when the assistant has a
// build of that unique name, or the SID is taken. On error b is unchanged.
func (db *DB) CreateModelBuild(ctx context.Context, b *store.ModelBuild) error {
	if b.AccountSID == "" || b.AssistantSID == "" {
		return fmt.Errorf("create model build: account and assistant required: %w", store.ErrInvalid)
	}
	status := b.Status
	if status == "" {
		status = store.BuildEnqueued
	}
	if !validBuildStatus(status) {
		return fmt.Errorf("create model build: status %q: %w", status, store.ErrInvalid)
	}
	sid := b.SID
	if sid == "" {
		sid = twilio.NewSID(twilio.PrefixModelBuild)
	}
	name := b.UniqueName
	if name == "" {
		name = sid
	}
	now := db.timestamp()
	var revision int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := lockAssistant(ctx, tx, b.AccountSID, b.AssistantSID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO model_builds
			(sid, assistant_sid, unique_name, status, status_callback, error_code, error_message, build_duration,
			 revision, model, date_created, date_updated)
			SELECT $1::text, sid, $2::text, $3::text, $4::text, $5::integer, $6::text, $7::integer,
				CASE WHEN $8::bigint = 0 THEN revision ELSE $8::bigint END, $9::bytea, $10::bigint, $10::bigint
			FROM assistants WHERE sid = $11 AND account_sid = $12
			RETURNING revision`,
			sid, name, status, nullString(b.StatusCallback), nullInt(b.ErrorCode), nullString(b.ErrorMessage),
			nullInt(b.BuildDuration), b.Revision, blob(b.Model), now.Unix(), b.AssistantSID, b.AccountSID).
			Scan(&revision)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("assistant %s: %w", b.AssistantSID, store.ErrNotFound)
		}
		if err != nil {
			return constraint(err)
		}
		if status == store.BuildCompleted {
			_, err = tx.ExecContext(ctx, refreshBuildState, b.AssistantSID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create model build %s: %w", name, err)
	}
	b.SID, b.UniqueName, b.Status, b.Revision = sid, name, status, revision
	b.DateCreated, b.DateUpdated = now, now
	return nil
}

// UpdateModelBuild writes b's UniqueName (unless empty), Status,
// StatusCallback, ErrorCode, ErrorMessage, BuildDuration and Model (unless
// empty: a build read without its model keeps it) to the build b.SID of the
// assistant b.AssistantSID of account b.AccountSID, and sets b.DateUpdated.
// SID, account, assistant, revision and creation date never change.
//
// In the same transaction it brings the assistant up to date: its
// latest_model_build_sid becomes its newest completed build (by creation
// order, as [DB.LatestCompletedModelBuild]), and needs_model_build is false
// exactly when a completed build of the assistant's current revision exists.
// So a build completing sets both, and a build of an older revision
// completing leaves the assistant needing a build.
//
// Errors: [store.ErrInvalid] when the SID, account or assistant is empty or
// the status is none of the Build… constants; [store.ErrNotFound] when there
// is no such build; [store.ErrExists] when the new unique name is taken. On
// error b is unchanged.
func (db *DB) UpdateModelBuild(ctx context.Context, b *store.ModelBuild) error {
	if b.SID == "" || b.AccountSID == "" || b.AssistantSID == "" {
		return fmt.Errorf("update model build %s: sid, account and assistant required: %w", b.SID, store.ErrInvalid)
	}
	if !validBuildStatus(b.Status) {
		return fmt.Errorf("update model build %s: status %q: %w", b.SID, b.Status, store.ErrInvalid)
	}
	now := db.timestamp()
	var name string
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := lockAssistant(ctx, tx, b.AccountSID, b.AssistantSID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `UPDATE model_builds SET
				unique_name = COALESCE(NULLIF($1, ''), unique_name), status = $2, status_callback = $3,
				error_code = $4, error_message = $5, build_duration = $6, model = COALESCE($7, model), schema = COALESCE($12, schema), sids = COALESCE($13, sids),
				date_updated = $8
			WHERE sid = $9 AND assistant_sid = $10
			  AND assistant_sid IN (SELECT sid FROM assistants WHERE account_sid = $11)
			RETURNING unique_name`,
			b.UniqueName, b.Status, nullString(b.StatusCallback), nullInt(b.ErrorCode), nullString(b.ErrorMessage),
			nullInt(b.BuildDuration), blob(b.Model), now.Unix(), b.SID, b.AssistantSID, b.AccountSID, blob(b.Schema), blob(b.SIDs)).
			Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return constraint(err)
		}
		_, err = tx.ExecContext(ctx, refreshBuildState, b.AssistantSID)
		return err
	})
	if err != nil {
		return fmt.Errorf("update model build %s: %w", b.SID, err)
	}
	b.UniqueName, b.DateUpdated = name, now
	return nil
}

// ModelBuild returns the build, with its model, of the assistant
// assistantSID (a SID, not a name) of account accountSID with the given SID or
// unique name (the SID wins when both match).
func (db *DB) ModelBuild(ctx context.Context, accountSID, assistantSID, sidOrUniqueName string) (*store.ModelBuild, error) {
	b, err := scanBuild(db.db.QueryRowContext(ctx, `SELECT `+buildColumns+`, b.model, b.schema, b.sids
		FROM model_builds b JOIN assistants a ON a.sid = b.assistant_sid
		WHERE `+resolveBuild, accountSID, assistantSID, sidOrUniqueName), true)
	if missing(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get model build %s: %w", sidOrUniqueName, err)
	}
	return b, nil
}

// ModelBuilds returns the builds of the assistant assistantSID (a SID, not a
// name) of account accountSID, newest first, without their models. An
// assistant that does not exist, or is another account's, has none.
func (db *DB) ModelBuilds(ctx context.Context, accountSID, assistantSID string) ([]store.ModelBuild, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+buildColumns+`
		FROM model_builds b JOIN assistants a ON a.sid = b.assistant_sid
		WHERE b.assistant_sid = $1 AND a.account_sid = $2
		ORDER BY b.id DESC`, assistantSID, accountSID)
	if err != nil {
		return nil, fmt.Errorf("list model builds: %w", err)
	}
	defer rows.Close()
	var bs []store.ModelBuild
	for rows.Next() {
		b, err := scanBuild(rows, false)
		if err != nil {
			return nil, fmt.Errorf("list model builds: %w", err)
		}
		bs = append(bs, *b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list model builds: %w", err)
	}
	return bs, nil
}

// LatestCompletedModelBuild returns the newest (by creation order) completed
// build of the assistant assistantSID (a SID, not a name), with its model, or
// [store.ErrNotFound] when it has none. It is one search in an index that
// holds only completed builds, for the engine to run when it loads an
// assistant.
func (db *DB) LatestCompletedModelBuild(ctx context.Context, assistantSID string) (*store.ModelBuild, error) {
	b, err := scanBuild(db.db.QueryRowContext(ctx, latestCompleted, assistantSID), true)
	if missing(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get latest completed model build of %s: %w", assistantSID, err)
	}
	return b, nil
}

// PruneModels drops the trained models of the completed builds of the
// assistant assistantSID but its newest keep; the build records stay, with
// their schema (what Restore needs), without the model. It returns how many
// models it dropped.
func (db *DB) PruneModels(ctx context.Context, assistantSID string, keep int) (int64, error) {
	if keep < 1 {
		return 0, fmt.Errorf("prune models of %s: keep %d: %w", assistantSID, keep, store.ErrInvalid)
	}
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE model_builds SET model = NULL
			WHERE assistant_sid = $1 AND status = 'completed' AND model IS NOT NULL
			  AND id NOT IN (SELECT id FROM model_builds WHERE assistant_sid = $1 AND status = 'completed' ORDER BY id DESC LIMIT $2)`,
			assistantSID, keep)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune models of %s: %w", assistantSID, err)
	}
	return n, nil
}

// DeleteModelBuild deletes the build of the assistant assistantSID (a SID,
// not a name) of account accountSID with the given SID or unique name (the SID
// wins when both match), and brings the assistant's build state up to date as
// [DB.UpdateModelBuild] does.
func (db *DB) DeleteModelBuild(ctx context.Context, accountSID, assistantSID, sidOrUniqueName string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := lockAssistant(ctx, tx, accountSID, assistantSID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM model_builds WHERE sid = (SELECT b.sid
			FROM model_builds b JOIN assistants a ON a.sid = b.assistant_sid
			WHERE `+resolveBuild+`)`, accountSID, assistantSID, sidOrUniqueName)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orErr(err, store.ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, refreshBuildState, assistantSID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete model build %s: %w", sidOrUniqueName, err)
	}
	return nil
}

// BuildState returns the model build state of the assistant assistantSID (a
// SID, not a name) of account accountSID: what its REST resource shows as
// latest_model_build_sid and needs_model_build.
func (db *DB) BuildState(ctx context.Context, accountSID, assistantSID string) (store.BuildState, error) {
	var s store.BuildState
	var latest sql.NullString
	err := db.db.QueryRowContext(ctx, `SELECT latest_model_build_sid, needs_model_build
		FROM assistants WHERE sid = $1 AND account_sid = $2`, assistantSID, accountSID).
		Scan(&latest, &s.NeedsModelBuild)
	if missing(err) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.BuildState{}, fmt.Errorf("get build state of %s: %w", assistantSID, err)
	}
	s.LatestModelBuildSID = latest.String
	return s, nil
}

// scanBuild reads buildColumns, and then the model and schema if withModel.
func scanBuild(s scanner, withModel bool) (*store.ModelBuild, error) {
	b := &store.ModelBuild{}
	var callback, message sql.NullString
	var code, duration sql.NullInt64
	var created, updated int64
	dst := []any{&b.SID, &b.AccountSID, &b.AssistantSID, &b.UniqueName, &b.Status, &callback,
		&code, &message, &duration, &b.Revision, &created, &updated}
	if withModel {
		dst = append(dst, &b.Model, &b.Schema, &b.SIDs)
	}
	if err := s.Scan(dst...); err != nil {
		return nil, err
	}
	b.StatusCallback, b.ErrorMessage = callback.String, message.String
	b.ErrorCode, b.BuildDuration = int(code.Int64), int(duration.Int64)
	b.DateCreated, b.DateUpdated = fromUnix(created), fromUnix(updated)
	return b, nil
}

// RenameModelBuild sets the unique name of the build of the assistant
// assistantSID (a SID, not a name) of account accountSID with the given SID
// or unique name (the SID wins when both match), and its date_updated, and
// returns it without its model. An empty uniqueName is the build's SID, as
// in [DB.CreateModelBuild]. Errors: [store.ErrNotFound] when there is no such
// build; [store.ErrExists] when the assistant has another build of that
// name.
func (db *DB) RenameModelBuild(ctx context.Context, accountSID, assistantSID, sidOrName, uniqueName string) (*store.ModelBuild, error) {
	var b *store.ModelBuild
	err := db.write(ctx, func(tx *sql.Tx) error {
		var sid string
		err := tx.QueryRowContext(ctx, `SELECT b.sid FROM model_builds b JOIN assistants a ON a.sid = b.assistant_sid
			WHERE `+resolveBuild, accountSID, assistantSID, sidOrName).Scan(&sid)
		if missing(err) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var u update
		u.set("unique_name", cmp.Or(uniqueName, sid))
		u.set("date_updated", db.timestamp().Unix())
		if err := u.exec(ctx, tx, "model_builds", sid); err != nil {
			return err
		}
		b, err = readBuild(ctx, tx, sid)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("rename model build %s: %w", sidOrName, err)
	}
	return b, nil
}

// ClaimModelBuild hands the oldest build waiting for a node to node: a build
// enqueued, or building under a claim that ran out (its node died). In one
// write transaction it sets the build's status to building, its claim to
// node until now plus lease, and its date_updated, and returns it without
// its model; [store.ErrNotFound] when no build waits. A build set to
// building by [DB.UpdateModelBuild] without a claim is never claimed. A node
// that builds for longer than its lease claims the build again to extend
// the lease; another node may have claimed it meanwhile.
//
// Claims that run at once take different builds: each locks the build it
// takes (FOR UPDATE SKIP LOCKED) and passes over those that others hold.
func (db *DB) ClaimModelBuild(ctx context.Context, node string, lease time.Duration) (*store.ModelBuild, error) {
	now := db.timestamp()
	var b *store.ModelBuild
	err := db.write(ctx, func(tx *sql.Tx) error {
		var sid string
		err := tx.QueryRowContext(ctx, `UPDATE model_builds
			SET status = 'building', claimed_by = $1, claimed_until = $2, date_updated = $3
			WHERE id = (SELECT id FROM model_builds
				WHERE status IN ('enqueued', 'building') AND (status = 'enqueued' OR claimed_until < $3)
				ORDER BY id LIMIT 1
				FOR UPDATE SKIP LOCKED)
			RETURNING sid`, node, now.Add(lease).Unix(), now.Unix()).Scan(&sid)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		b, err = readBuild(ctx, tx, sid)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim model build for %s: %w", node, err)
	}
	return b, nil
}

// lockAssistant locks the row of the account's assistant assistantSID until
// the end of tx, or is [store.ErrNotFound] when there is no such assistant.
// Writes to a model build take it before they touch the build, so that they
// lock in the order DeleteAssistant does (the assistant, then by cascade its
// builds), and a build write and the assistant's build state change one
// after the other.
func lockAssistant(ctx context.Context, tx *sql.Tx, accountSID, assistantSID string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM assistants WHERE sid = $1 AND account_sid = $2 FOR NO KEY UPDATE`,
		assistantSID, accountSID).Scan(&one)
	if missing(err) {
		return fmt.Errorf("assistant %s: %w", assistantSID, store.ErrNotFound)
	}
	return err
}

// readBuild reads the build sid without its model.
func readBuild(ctx context.Context, tx *sql.Tx, sid string) (*store.ModelBuild, error) {
	return scanBuild(tx.QueryRowContext(ctx, `SELECT `+buildColumns+`
		FROM model_builds b JOIN assistants a ON a.sid = b.assistant_sid WHERE b.sid = $1`, sid), false)
}

package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// Webhooks are not read by the NLU nor the engine's compiled assistant:
// changing them leaves the assistant's revision as it is.

// webhookColumns are the columns scanWebhook reads, webhooks as w joined with
// its assistant as a.
const webhookColumns = `w.sid, a.account_sid, w.assistant_sid, w.unique_name, w.events, w.webhook_url,
	w.webhook_method, w.date_created, w.date_updated`

// resolveWebhook is the WHERE clause that finds a webhook of account $1 and
// assistant $2 by SID or unique name $3, the SID winning when both match.
const resolveWebhook = `a.account_sid = $1 AND w.assistant_sid = $2 AND (w.sid = $3 OR w.unique_name = $3)
	ORDER BY w.sid = $3 DESC LIMIT 1`

// defaultWebhookMethod is a webhook's method when none is given.
const defaultWebhookMethod = "POST"

// CreateWebhook stores a new webhook of the assistant w.AssistantSID (a SID,
// not a name) of account w.AccountSID, and sets w's SID, dates, and
// WebhookMethod when empty (POST). Events and WebhookMethod are stored as
// given.
//
// Errors: [store.ErrInvalid] when the account, assistant, unique name, events
// or URL is empty; [store.ErrNotFound] when the account has no such
// assistant; [store.ErrExists] when the assistant has a webhook of that
// unique name. On error w is unchanged.
func (db *DB) CreateWebhook(ctx context.Context, w *store.Webhook) error {
	if w.AccountSID == "" || w.AssistantSID == "" || w.UniqueName == "" || w.Events == "" || w.WebhookURL == "" {
		return fmt.Errorf("create webhook %s: account, assistant, unique name, events and URL required: %w",
			w.UniqueName, store.ErrInvalid)
	}
	sid := twilio.NewSID(twilio.PrefixWebhook)
	method := cmp.Or(w.WebhookMethod, defaultWebhookMethod)
	now := db.timestamp()
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks
			(sid, assistant_sid, unique_name, events, webhook_url, webhook_method, date_created, date_updated)
			SELECT $1::text, sid, $2::text, $3::text, $4::text, $5::text, $6::bigint, $7::bigint
			FROM assistants WHERE sid = $8 AND account_sid = $9`,
			sid, w.UniqueName, w.Events, w.WebhookURL, method, now.Unix(), now.Unix(), w.AssistantSID, w.AccountSID)
		if err != nil {
			return constraint(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orErr(err, fmt.Errorf("assistant %s: %w", w.AssistantSID, store.ErrNotFound))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create webhook %s: %w", w.UniqueName, err)
	}
	w.SID, w.WebhookMethod, w.DateCreated, w.DateUpdated = sid, method, now, now
	return nil
}

// Webhook returns the webhook of the assistant assistantSID (a SID, not a
// name) of account accountSID with the given SID or unique name (the SID
// wins when both match).
func (db *DB) Webhook(ctx context.Context, accountSID, assistantSID, sidOrName string) (*store.Webhook, error) {
	var w *store.Webhook
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = readWebhook(ctx, tx, accountSID, assistantSID, sidOrName)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get webhook %s: %w", sidOrName, err)
	}
	return w, nil
}

func readWebhook(ctx context.Context, tx *sql.Tx, accountSID, assistantSID, sidOrName string) (*store.Webhook, error) {
	w, err := scanWebhook(tx.QueryRowContext(ctx, `SELECT `+webhookColumns+`
		FROM webhooks w JOIN assistants a ON a.sid = w.assistant_sid
		WHERE `+resolveWebhook, accountSID, assistantSID, sidOrName))
	if missing(err) {
		return nil, store.ErrNotFound
	}
	return w, err
}

// Webhooks returns the webhooks of the assistant assistantSID (a SID, not a
// name) of account accountSID, oldest first. An assistant that does not
// exist, or is another account's, has none.
func (db *DB) Webhooks(ctx context.Context, accountSID, assistantSID string) ([]store.Webhook, error) {
	var ws []store.Webhook
	err := db.read(ctx, func(tx *sql.Tx) error {
		return each(ctx, tx, `SELECT `+webhookColumns+`
			FROM webhooks w JOIN assistants a ON a.sid = w.assistant_sid
			WHERE w.assistant_sid = $1 AND a.account_sid = $2
			ORDER BY w.id`, []any{assistantSID, accountSID}, func(rows *sql.Rows) error {
			w, err := scanWebhook(rows)
			if err != nil {
				return err
			}
			ws = append(ws, *w)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return ws, nil
}

// UpdateWebhook changes the properties p sets of the webhook (named as in
// [DB.Webhook]), sets its date_updated, and returns it. A method set to ""
// becomes POST.
//
// Errors: [store.ErrInvalid] when the unique name, events or URL is set to
// ""; [store.ErrNotFound] when there is no such webhook; [store.ErrExists]
// when the new unique name is another webhook's of the assistant.
func (db *DB) UpdateWebhook(ctx context.Context, accountSID, assistantSID, sidOrName string, p store.WebhookPatch) (*store.Webhook, error) {
	for _, s := range []*string{p.UniqueName, p.Events, p.WebhookURL} {
		if s != nil && *s == "" {
			return nil, fmt.Errorf("update webhook %s: unique name, events and URL required: %w", sidOrName, store.ErrInvalid)
		}
	}
	now := db.timestamp().Unix()
	var w *store.Webhook
	err := db.write(ctx, func(tx *sql.Tx) error {
		old, err := readWebhook(ctx, tx, accountSID, assistantSID, sidOrName)
		if err != nil {
			return err
		}
		var u update
		if p.UniqueName != nil {
			u.set("unique_name", *p.UniqueName)
		}
		if p.Events != nil {
			u.set("events", *p.Events)
		}
		if p.WebhookURL != nil {
			u.set("webhook_url", *p.WebhookURL)
		}
		if p.WebhookMethod != nil {
			u.set("webhook_method", cmp.Or(*p.WebhookMethod, defaultWebhookMethod))
		}
		u.set("date_updated", now)
		if err := u.exec(ctx, tx, "webhooks", old.SID); err != nil {
			return err
		}
		w, err = readWebhook(ctx, tx, accountSID, assistantSID, old.SID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update webhook %s: %w", sidOrName, err)
	}
	return w, nil
}

// DeleteWebhook deletes the webhook (named as in [DB.Webhook]).
func (db *DB) DeleteWebhook(ctx context.Context, accountSID, assistantSID, sidOrName string) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE sid = (SELECT w.sid
			FROM webhooks w JOIN assistants a ON a.sid = w.assistant_sid
			WHERE `+resolveWebhook+`)`, accountSID, assistantSID, sidOrName)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orErr(err, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete webhook %s: %w", sidOrName, err)
	}
	return nil
}

func scanWebhook(s scanner) (*store.Webhook, error) {
	w := &store.Webhook{}
	var created, updated int64
	if err := s.Scan(&w.SID, &w.AccountSID, &w.AssistantSID, &w.UniqueName, &w.Events, &w.WebhookURL,
		&w.WebhookMethod, &created, &updated); err != nil {
		return nil, err
	}
	w.DateCreated, w.DateUpdated = fromUnix(created), fromUnix(updated)
	return w, nil
}

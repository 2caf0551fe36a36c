package postgres

import (
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// TestTextPostgreSQLCannotHold: PostgreSQL text holds valid UTF-8 without
// NUL bytes (SQLite stores any bytes). Such text is ErrInvalid when written,
// and names nothing when looked up.
func TestTextPostgreSQLCannotHold(t *testing.T) {
	ctx := t.Context()
	db := open(t)
	acct := newAccount(t, db)
	a, err := db.CreateAssistant(ctx, &assistant.Assistant{AccountSID: acct, UniqueName: "text"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"nul\x00byte", "not\xffutf8"} {
		for _, tc := range []struct {
			name string
			err  error
			want error
		}{
			{"account", func() error { _, err := db.Account(ctx, bad); return err }(), store.ErrNotFound},
			{"assistant-ref", func() error { _, err := db.AssistantRef(ctx, acct, bad); return err }(), store.ErrNotFound},
			{"assistant", func() error { _, err := db.Assistant(ctx, acct, bad); return err }(), store.ErrNotFound},
			{"task-lookup", db.DeleteTask(ctx, acct, a.SID, bad), store.ErrNotFound},
			{"create-task", func() error {
				_, err := db.CreateTask(ctx, acct, a.SID, assistant.Task{UniqueName: bad})
				return err
			}(), store.ErrInvalid},
			{"import", func() error {
				_, err := db.ImportAssistant(ctx, &assistant.Assistant{AccountSID: acct, UniqueName: bad})
				return err
			}(), store.ErrInvalid},
			{"save-dialogue", db.SaveDialogue(ctx, &store.Dialogue{AccountSID: acct, AssistantSID: a.SID,
				Channel: "sms", UserID: bad, Status: store.DialogueActive}), store.ErrInvalid},
		} {
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("%s %q: %v, want %v", tc.name, bad, tc.err, tc.want)
			}
		}
	}
}

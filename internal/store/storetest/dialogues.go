package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

func newDialogue(acct store.Account, assistantSID, channel, user string) *store.Dialogue {
	return &store.Dialogue{
		AccountSID:   acct.SID,
		AssistantSID: assistantSID,
		Channel:      channel,
		UserID:       user,
		Status:       store.DialogueActive,
		State:        []byte(`{"memory":{}}`),
	}
}

func saveOK(t *testing.T, s Store, d *store.Dialogue) {
	t.Helper()
	if err := s.SaveDialogue(t.Context(), d); err != nil {
		t.Fatalf("SaveDialogue: %v", err)
	}
}

func dialogueOK(t *testing.T, s Store, d *store.Dialogue) *store.Dialogue {
	t.Helper()
	got, err := s.Dialogue(t.Context(), d.AccountSID, d.AssistantSID, d.SID)
	if err != nil {
		t.Fatalf("Dialogue: %v", err)
	}
	return got
}

func testDialogues(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "dialogues")
	a := importOK(t, s, fixture(acct.SID))

	t.Run("insert-get", func(t *testing.T) {
		before := now()
		d := newDialogue(acct, a.SID, "sms", "+15550001")
		saveOK(t, s, d)
		if !twilio.IsSID(twilio.PrefixDialogue, d.SID) || d.Version != 1 {
			t.Errorf("after insert: SID, Version = %q, %d; want UK…, 1", d.SID, d.Version)
		}
		checkDate(t, "DateCreated", d.DateCreated, before)
		if !d.DateUpdated.Equal(d.DateCreated) {
			t.Errorf("DateUpdated %v != DateCreated %v", d.DateUpdated, d.DateCreated)
		}
		if diff := cmp.Diff(d, dialogueOK(t, s, d)); diff != "" {
			t.Errorf("Dialogue (-want +got):\n%s", diff)
		}
		got, err := s.ActiveDialogue(ctx, a.SID, "sms", "+15550001")
		if err != nil {
			t.Fatalf("ActiveDialogue: %v", err)
		}
		if diff := cmp.Diff(d, got); diff != "" {
			t.Errorf("ActiveDialogue (-want +got):\n%s", diff)
		}
	})

	t.Run("given-sid", func(t *testing.T) {
		d := newDialogue(acct, a.SID, "chat", "given")
		d.SID = twilio.NewSID(twilio.PrefixDialogue)
		d.State = nil
		saveOK(t, s, d)
		if diff := cmp.Diff(d, dialogueOK(t, s, d)); diff != "" {
			t.Errorf("Dialogue (-want +got):\n%s", diff)
		}
		dup := newDialogue(acct, a.SID, "chat", "someone-else")
		dup.SID = d.SID
		wantErr(t, "SaveDialogue with a taken SID", s.SaveDialogue(ctx, dup), store.ErrExists)
	})

	t.Run("update-cas", func(t *testing.T) {
		d := newDialogue(acct, a.SID, "sms", "+15550002")
		saveOK(t, s, d)
		stale := *d
		d.State = []byte(`{"memory":{"n":1}}`)
		saveOK(t, s, d)
		if d.Version != 2 {
			t.Errorf("Version = %d, want 2", d.Version)
		}
		if diff := cmp.Diff(d, dialogueOK(t, s, d)); diff != "" {
			t.Errorf("Dialogue (-want +got):\n%s", diff)
		}
		stale.State = []byte(`{"memory":{"lost":true}}`)
		before := stale
		wantErr(t, "SaveDialogue with a stale version", s.SaveDialogue(ctx, &stale), store.ErrConflict)
		if diff := cmp.Diff(before, stale); diff != "" {
			t.Errorf("a failed SaveDialogue changed its argument (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(d, dialogueOK(t, s, d)); diff != "" {
			t.Errorf("a stale save changed the dialogue (-want +got):\n%s", diff)
		}
	})

	t.Run("one-active-per-key", func(t *testing.T) {
		d := newDialogue(acct, a.SID, "voice", "+15550003")
		saveOK(t, s, d)
		second := newDialogue(acct, a.SID, "voice", "+15550003")
		wantErr(t, "SaveDialogue of a second active dialogue", s.SaveDialogue(ctx, second), store.ErrConflict)
		if second.SID != "" || second.Version != 0 {
			t.Errorf("a failed insert changed its argument: SID, Version = %q, %d", second.SID, second.Version)
		}
		// Other channels, users and assistants are other keys.
		f := fixture(acct.SID)
		f.UniqueName = "other"
		other := importOK(t, s, f)
		for _, k := range []*store.Dialogue{
			newDialogue(acct, a.SID, "sms", "+15550003"),
			newDialogue(acct, a.SID, "voice", "+15550004"),
			newDialogue(acct, other.SID, "voice", "+15550003"),
		} {
			saveOK(t, s, k)
		}
	})

	t.Run("ended-frees-the-key", func(t *testing.T) {
		old := newDialogue(acct, a.SID, "whatsapp", "+15550005")
		saveOK(t, s, old)
		old.Status = store.DialogueEnded
		saveOK(t, s, old)
		_, err := s.ActiveDialogue(ctx, a.SID, "whatsapp", "+15550005")
		wantErr(t, "ActiveDialogue after end", err, store.ErrNotFound)

		d := newDialogue(acct, a.SID, "whatsapp", "+15550005")
		saveOK(t, s, d)
		got, err := s.ActiveDialogue(ctx, a.SID, "whatsapp", "+15550005")
		if err != nil {
			t.Fatalf("ActiveDialogue: %v", err)
		}
		if got.SID != d.SID || got.SID == old.SID {
			t.Errorf("ActiveDialogue SID = %s, want the new %s", got.SID, d.SID)
		}
		if diff := cmp.Diff(old, dialogueOK(t, s, old)); diff != "" {
			t.Errorf("ended Dialogue (-want +got):\n%s", diff)
		}
		old.Status = store.DialogueActive
		wantErr(t, "SaveDialogue reactivating beside an active one", s.SaveDialogue(ctx, old), store.ErrConflict)
	})

	t.Run("not-found", func(t *testing.T) {
		d := newDialogue(acct, a.SID, "sms", "+15550006")
		saveOK(t, s, d)
		for _, tc := range []struct{ name, account, assistant, sid string }{
			{"other-account", twilio.NewSID(twilio.PrefixAccount), a.SID, d.SID},
			{"other-assistant", acct.SID, twilio.NewSID(twilio.PrefixAssistant), d.SID},
			{"no-such-dialogue", acct.SID, a.SID, twilio.NewSID(twilio.PrefixDialogue)},
		} {
			_, err := s.Dialogue(ctx, tc.account, tc.assistant, tc.sid)
			wantErr(t, "Dialogue "+tc.name, err, store.ErrNotFound)
		}
		_, err := s.ActiveDialogue(ctx, a.SID, "sms", "nobody")
		wantErr(t, "ActiveDialogue of nobody", err, store.ErrNotFound)

		gone := *d
		gone.SID = twilio.NewSID(twilio.PrefixDialogue)
		wantErr(t, "SaveDialogue update of a missing dialogue", s.SaveDialogue(ctx, &gone), store.ErrNotFound)
		orphan := newDialogue(acct, twilio.NewSID(twilio.PrefixAssistant), "sms", "x")
		wantErr(t, "SaveDialogue for a missing assistant", s.SaveDialogue(ctx, orphan), store.ErrNotFound)
		wantErr(t, "SaveDialogue without channel", s.SaveDialogue(ctx, newDialogue(acct, a.SID, "", "x")), store.ErrInvalid)
	})

	t.Run("deleted-with-assistant", func(t *testing.T) {
		f := fixture(acct.SID)
		f.UniqueName = "short-lived"
		b := importOK(t, s, f)
		d := newDialogue(acct, b.SID, "sms", "+15550007")
		saveOK(t, s, d)
		if err := s.DeleteAssistant(ctx, acct.SID, b.SID); err != nil {
			t.Fatalf("DeleteAssistant: %v", err)
		}
		_, err := s.Dialogue(ctx, acct.SID, b.SID, d.SID)
		wantErr(t, "Dialogue after DeleteAssistant", err, store.ErrNotFound)
		_, err = s.ActiveDialogue(ctx, b.SID, "sms", "+15550007")
		wantErr(t, "ActiveDialogue after DeleteAssistant", err, store.ErrNotFound)
		wantErr(t, "SaveDialogue after DeleteAssistant", s.SaveDialogue(ctx, d), store.ErrNotFound)
	})

	t.Run("concurrent-increments", func(t *testing.T) {
		const workers, each = 8, 20
		d := newDialogue(acct, a.SID, "chat", "busy")
		d.State = []byte(`{"n":0}`)
		saveOK(t, s, d)

		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				for range each {
					if err := increment(t, s, a.SID); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := dialogueOK(t, s, d)
		var state struct{ N int }
		if err := json.Unmarshal(got.State, &state); err != nil {
			t.Fatal(err)
		}
		if state.N != workers*each || got.Version != workers*each+1 {
			t.Errorf("n, Version = %d, %d; want %d, %d", state.N, got.Version, workers*each, workers*each+1)
		}
	})
}

// increment is one turn's read-modify-write of the "busy" dialogue, retried
// until its compare-and-swap wins.
func increment(t *testing.T, s Store, assistantSID string) error {
	for {
		d, err := s.ActiveDialogue(t.Context(), assistantSID, "chat", "busy")
		if err != nil {
			return err
		}
		var state struct{ N int }
		if err := json.Unmarshal(d.State, &state); err != nil {
			return err
		}
		state.N++
		d.State, _ = json.Marshal(map[string]int{"n": state.N})
		err = s.SaveDialogue(t.Context(), d)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		return err
	}
}

// testPurgeDialogues: ended dialogues older than the cut go, more than one
// batch of them; active ones stay, however old; newer ended ones stay.
func testPurgeDialogues(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "purge-dialogues")
	a := namedAssistant(t, s, acct, "purge-dialogues")
	var ended []*store.Dialogue
	for i := range 1100 { // more than one batch
		d := newDialogue(acct, a.SID, "sms", fmt.Sprintf("+1555%07d", i))
		saveOK(t, s, d)
		d.Status = store.DialogueEnded
		saveOK(t, s, d)
		ended = append(ended, d)
	}
	active := newDialogue(acct, a.SID, "sms", "+15559999999")
	saveOK(t, s, active)
	if n, err := s.PurgeDialogues(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PurgeDialogues(an hour ago) = %d, %v; want 0: every dialogue is newer", n, err)
	}
	if n, err := s.PurgeDialogues(ctx, time.Now().Add(time.Hour)); err != nil || n != 1100 {
		t.Errorf("PurgeDialogues(in an hour) = %d, %v; want the 1100 ended ones", n, err)
	}
	if _, err := s.Dialogue(ctx, acct.SID, a.SID, ended[0].SID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a purged dialogue: %v, want ErrNotFound", err)
	}
	if got := dialogueOK(t, s, active); got.Status != store.DialogueActive {
		t.Errorf("the active dialogue after the purge: %+v", got)
	}
}

package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
)

func TestPurgeEveryHourPurgesAtStart(t *testing.T) {
	calls := make(chan time.Time, 1)
	purge := func(ctx context.Context, before time.Time) (int64, error) {
		calls <- before
		return 3, nil
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		purgeEveryHour(ctx, "queries", purge, 30*24*time.Hour, slog.New(slog.DiscardHandler))
		close(done)
	}()
	select {
	case before := <-calls:
		if d := time.Since(before) - 30*24*time.Hour; d < 0 || d > time.Minute {
			t.Errorf("purged before %v: want 30 days ago", before)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no purge at start")
	}
	cancel()
	<-done
}

// TestServePurgesEndedDialogues: serve deletes the ended dialogues older
// than --dialogue-retention, and keeps the active ones.
func TestServePurgesEndedDialogues(t *testing.T) {
	const sid, token = "AC0123456789abcdef0123456789abcdef", "purge-token-0123456789abcdef0123456789"
	t.Setenv("PARLEY_ACCOUNT_SID", sid)
	t.Setenv("PARLEY_AUTH_TOKEN", token)
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccount(t.Context(), store.Account{SID: sid, AuthToken: token}); err != nil {
		t.Fatal(err)
	}
	a, err := db.ImportAssistant(t.Context(), &assistant.Assistant{AccountSID: sid, UniqueName: "bot"})
	if err != nil {
		t.Fatal(err)
	}
	ended := &store.Dialogue{AccountSID: sid, AssistantSID: a.SID, Channel: "sms", UserID: "+15550001", Status: store.DialogueActive}
	active := &store.Dialogue{AccountSID: sid, AssistantSID: a.SID, Channel: "sms", UserID: "+15550002", Status: store.DialogueActive}
	for _, d := range []*store.Dialogue{ended, active} {
		if err := db.SaveDialogue(t.Context(), d); err != nil {
			t.Fatal(err)
		}
	}
	ended.Status = store.DialogueEnded
	if err := db.SaveDialogue(t.Context(), ended); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// Dates are kept to the second: the saves are older than the retention
	// below once the next second has begun.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	stop := time.AfterFunc(30*time.Second, func() { pw.CloseWithError(errors.New("no purge in 30 s")) })
	defer stop.Stop()
	go func() {
		done <- Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--dialogue-retention", "1ms", "--log-level", "info"}, strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	buf := make([]byte, 64<<10)
	var log strings.Builder
	for !strings.Contains(log.String(), "purged ended dialogues") {
		n, err := pr.Read(buf)
		if err != nil {
			t.Fatalf("serve's log has no purge: %v\n%s", err, log.String())
		}
		log.Write(buf[:n])
	}
	go io.Copy(io.Discard, pr)
	cancel()
	<-done

	db, err = sqlite.Open(t.Context(), filepath.Join(dir, "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Dialogue(t.Context(), sid, a.SID, ended.SID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the ended dialogue: %v, want it purged", err)
	}
	if _, err := db.Dialogue(t.Context(), sid, a.SID, active.SID); err != nil {
		t.Errorf("the active dialogue: %v", err)
	}
}

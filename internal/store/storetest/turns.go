package storetest

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// testTurnLog: turns logged read back in order, dialogues listed latest
// first; turns of an assistant that is gone are skipped, and go with it;
// they are purged with the queries.
func testTurnLog(t *testing.T, s Store) {
	ctx := t.Context()
	acct := newAccount(t, s, "turns")
	a := namedAssistant(t, s, acct, "turns")
	turn := func(dialogue, input, task string, at time.Time) *store.TurnRecord {
		return &store.TurnRecord{AccountSID: acct.SID, AssistantSID: a.SID, DialogueSID: dialogue, Channel: "console", UserID: "u-" + dialogue,
			Input: input, Task: task, Trace: []byte(`{"says":["x"]}`), DateCreated: at}
	}
	old := time.Now().Add(-48 * time.Hour).Truncate(time.Second).UTC()
	now := time.Now().Truncate(time.Second).UTC()
	ts := []*store.TurnRecord{turn("UK1", "hello", "greet", old), turn("UK1", "book", "book", old), turn("UK2", "hi", "greet", now),
		{AccountSID: acct.SID, AssistantSID: "UA00000000000000000000000000000000", DialogueSID: "UK9", Channel: "c", UserID: "u", Input: "x", Task: "", Trace: []byte(`{}`)}}
	n, err := s.LogTurns(ctx, ts)
	if err != nil || n != 3 {
		t.Fatalf("LogTurns: %d, %v; want 3 (the unknown assistant's skipped)", n, err)
	}
	ds, err := s.RecentDialogues(ctx, acct.SID, a.SID, 10)
	if err != nil || len(ds) != 2 || ds[0].DialogueSID != "UK2" || ds[1].DialogueSID != "UK1" || ds[1].Turns != 2 || ds[1].LastInput != "book" || ds[1].UserID != "u-UK1" {
		t.Fatalf("RecentDialogues: %+v, %v", ds, err)
	}
	if ds, _ := s.RecentDialogues(ctx, acct.SID, a.SID, 1); len(ds) != 1 {
		t.Errorf("RecentDialogues with a limit of 1: %d", len(ds))
	}
	got, err := s.DialogueTurns(ctx, acct.SID, a.SID, "UK1")
	if err != nil || len(got) != 2 || got[0].Input != "hello" || got[1].Task != "book" || string(got[1].Trace) != `{"says":["x"]}` || !got[0].DateCreated.Equal(old) {
		t.Fatalf("DialogueTurns: %+v, %v", got, err)
	}
	other := newAccount(t, s, "turns-other")
	if got, _ := s.DialogueTurns(ctx, other.SID, a.SID, "UK1"); len(got) != 0 {
		t.Errorf("another account read %d turns", len(got))
	}
	if _, err := s.PurgeQueries(ctx, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DialogueTurns(ctx, acct.SID, a.SID, "UK1"); len(got) != 0 {
		t.Errorf("%d old turns survived the purge", len(got))
	}
	if err := s.DeleteAssistant(ctx, acct.SID, a.SID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.DialogueTurns(ctx, acct.SID, a.SID, "UK2"); len(got) != 0 {
		t.Errorf("%d turns survived their assistant", len(got))
	}
}

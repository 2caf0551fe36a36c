package sqlite_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
)

// benchStore is a store with one account, one assistant and 1000 dialogues
// (one active dialogue per user), so that lookups go through real indexes.
func benchStore(b *testing.B) (*sqlite.DB, store.AssistantRef) {
	b.Helper()
	ctx := b.Context()
	db := open(b)
	acct := store.Account{SID: twilio.NewSID(twilio.PrefixAccount), AuthToken: twilio.NewAuthToken()}
	if err := db.CreateAccount(ctx, acct); err != nil {
		b.Fatal(err)
	}
	a, err := db.ImportAssistant(ctx, &assistant.Assistant{AccountSID: acct.SID, UniqueName: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		d := &store.Dialogue{AccountSID: acct.SID, AssistantSID: a.SID, Channel: "sms",
			UserID: fmt.Sprintf("+1555%07d", i), Status: store.DialogueActive, State: []byte(`{}`)}
		if err := db.SaveDialogue(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
	return db, store.AssistantRef{SID: a.SID, AccountSID: acct.SID, UniqueName: a.UniqueName}
}

// state is a dialogue state of a typical size: memory, a collect in
// progress, and a short history.
var state = []byte(`{"memory":{"twilio":{"sms":{"From":"+15550000500"}},"party_size":4,"cuisine":"thai"},` +
	`"awaiting":{"kind":"collect","name":"book","question":1,"attempts":0},` +
	`"current_task":"book_table","history":["greeting","book_table"]}`)

func BenchmarkSaveDialogue(b *testing.B) {
	db, ref := benchStore(b)
	ctx := b.Context()
	d, err := db.ActiveDialogue(ctx, ref.SID, "sms", "+15550000500")
	if err != nil {
		b.Fatal(err)
	}
	d.State = state
	for b.Loop() {
		if err := db.SaveDialogue(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkActiveDialogue(b *testing.B) {
	db, ref := benchStore(b)
	ctx := b.Context()
	for b.Loop() {
		if _, err := db.ActiveDialogue(ctx, ref.SID, "sms", "+15550000500"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAssistantRef(b *testing.B) {
	db, ref := benchStore(b)
	ctx := b.Context()
	for b.Loop() {
		if _, err := db.AssistantRef(ctx, ref.AccountSID, ref.UniqueName); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTurn is the store's share of one turn: the assistant head, the
// active dialogue, and the save, from parallel users.
func BenchmarkTurnParallel(b *testing.B) {
	db, ref := benchStore(b)
	ctx := b.Context()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		user := fmt.Sprintf("+1555%07d", next.Add(1)-1)
		for pb.Next() {
			if _, err := db.AssistantRef(ctx, ref.AccountSID, ref.SID); err != nil {
				b.Fatal(err)
			}
			d, err := db.ActiveDialogue(ctx, ref.SID, "sms", user)
			if err != nil {
				b.Fatal(err)
			}
			d.State = state
			if err := db.SaveDialogue(ctx, d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package dialogue_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
)

// BenchmarkHandle measures one turn of a static say + listen task through the
// engine and the SQLite store, for 64 users taking turns.
func BenchmarkHandle(b *testing.B) {
	db, _ := openDB(b, "https://unused.example")
	a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "bench", "tasks": [
		{"uniqueName": "greeting", "actions": {"actions": [{"say": "Hello! How can I help?"}, {"listen": true}]},
		 "samples": [{"language": "en-US", "taggedText": "hello"}, {"language": "en-US", "taggedText": "hi there"}]}]}`), assistant.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	a.AccountSID = testAccount
	if _, err := db.ImportAssistant(context.Background(), a); err != nil {
		b.Fatal(err)
	}
	eng := newEngine(b, db)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		_, err := eng.Handle(ctx, dialogue.Turn{
			AccountSID: testAccount, AuthToken: testToken, Assistant: "bench",
			Channel: "bench", MemoryKey: "custom.bench", UserID: fmt.Sprint("u", i%64), Text: "hi there",
		})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}

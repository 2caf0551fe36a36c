package dialogue_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/webhook"
)

// BenchmarkAssistantsMemory measures the heap that 100 assistants of 50
// tasks x 10 samples hold after one turn each, with the engine's cache of
// compiled assistants at 256 and at 128 MiB (the default).
//
// Run: go test -run '^$' -bench AssistantsMemory -benchtime 1x ./internal/dialogue
func BenchmarkAssistantsMemory(b *testing.B) {
	t := b
	db, _ := openDB(t, "https://unused.example")
	ctx := context.Background()
	words := strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu book cancel order pay ship track return refund open close start stop help call")
	var sids []string
	for i := range 100 {
		var tasks []string
		for j := range 50 {
			var samples []string
			for k := range 10 {
				samples = append(samples, fmt.Sprintf(`{"language":"en-US","taggedText":"%s %s %s number %d"}`, words[(i+j+k)%len(words)], words[(j*3+k)%len(words)], words[(j+k*7)%len(words)], j*10+k))
			}
			tasks = append(tasks, fmt.Sprintf(`{"uniqueName":"t%d","actions":{"actions":[{"say":"ok %d"},{"listen":true}]},"samples":[%s]}`, j, j, strings.Join(samples, ",")))
		}
		a, _, err := assistant.ParseSchema([]byte(fmt.Sprintf(`{"uniqueName":"a%d","tasks":[%s]}`, i, strings.Join(tasks, ","))), assistant.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		a.AccountSID = testAccount
		st, err := db.ImportAssistant(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := builds.Build(ctx, db, testAccount, st.SID, ""); err != nil {
			t.Fatal(err)
		}
		sids = append(sids, st.SID)
	}
	client, _ := webhook.New(webhook.Options{})
	for b.Loop() {
		for _, mb := range []int{256, 128} {
			eng := dialogue.New(db, client, dialogue.Options{MaxCacheBytes: mb << 20})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for _, sid := range sids {
				if _, err := eng.Handle(ctx, dialogue.Turn{AccountSID: testAccount, AuthToken: testToken, Assistant: sid, Channel: "t", UserID: "u", Text: "something else entirely"}); err != nil {
					t.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/1e6, fmt.Sprintf("heap-MB@cache-%dMiB", mb))
			runtime.KeepAlive(eng)
		}
	}
}

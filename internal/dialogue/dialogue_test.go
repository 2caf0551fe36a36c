package dialogue_test

import (
	"context"
	"flag"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/dialogue/dialoguetest"
)

var update = flag.Bool("update", false, "rewrite the golden conversations with what the bot did")

// TestConversations runs every golden conversation in testdata/conversations:
// each file is an assistant, webhook stubs, and what the user and the bot say.
func TestConversations(t *testing.T) {
	files, err := filepath.Glob("testdata/conversations/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no conversations found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			res, err := dialoguetest.RunFile(context.Background(), f, dialoguetest.Options{Update: *update, Logger: logger})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Problems {
				t.Error(p)
			}
			if res.Diff != "" && !*update {
				t.Errorf("%s", res.Diff)
			}
		})
	}
}

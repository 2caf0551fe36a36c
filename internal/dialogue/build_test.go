package dialogue_test

import (
	"context"
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
)

// TestEngineUsesNewestCompletedBuild: samples changed by an import route only
// once a model build of them completes, as in Autopilot; until then the
// engine keeps the newest completed build.
func TestEngineUsesNewestCompletedBuild(t *testing.T) {
	db, _ := openDB(t, "https://unused.example")
	ctx := context.Background()
	schema := func(sample string) *assistant.Assistant {
		a, _, err := assistant.ParseSchema([]byte(`{"uniqueName": "builds", "modelBuild": {"uniqueName": "v1"}, "tasks": [
			{"uniqueName": "greet", "actions": {"actions": [{"say": "Hi."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]},
			{"uniqueName": "dance", "actions": {"actions": [{"say": "Dancing."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "`+sample+`"}]}]}`), assistant.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		a.AccountSID = testAccount
		return a
	}
	if _, err := db.ImportAssistant(ctx, schema("let us dance")); err != nil {
		t.Fatal(err)
	}
	b1, err := builds.Build(ctx, db, testAccount, "builds", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if b1.Status != store.BuildCompleted || b1.UniqueName != "v1" || len(b1.Model) == 0 {
		t.Fatalf("build: %+v", b1)
	}
	ask := func(text string) string {
		t.Helper()
		eng := newEngine(t, db) // a fresh engine: nothing cached
		r, err := eng.Query(ctx, nil, testAccount, "builds", "en-US", text, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r.Task
	}
	if got := ask("shake it"); got == "dance" {
		t.Fatalf("before the new samples, %q went to dance", "shake it")
	}
	if _, err := db.ImportAssistant(ctx, schema("shake it")); err != nil {
		t.Fatal(err)
	}
	if got := ask("shake it"); got == "dance" {
		t.Errorf("a sample imported without a build routes already")
	}
	b2, err := builds.Build(ctx, db, testAccount, "builds", "v1") // name taken: named by its SID
	if err != nil {
		t.Fatal(err)
	}
	if b2.UniqueName != b2.SID || b2.Status != store.BuildCompleted {
		t.Errorf("second build: %+v", b2)
	}
	if got := ask("shake it"); got != "dance" {
		t.Errorf("after the build, %q went to %q, want dance", "shake it", got)
	}
}

// TestOldModelsArePruned: of an assistant's completed builds, only the
// newest DefaultKeepModels keep their model; a query naming an older one
// says why it cannot run.
func TestOldModelsArePruned(t *testing.T) {
	db, a := openDB(t, "https://unused.example")
	ctx := context.Background()
	var made []*store.ModelBuild
	for range builds.DefaultKeepModels + 2 {
		b, err := builds.Build(ctx, db, testAccount, a.SID, "")
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, b)
	}
	for i, b := range made {
		got, err := db.ModelBuild(ctx, testAccount, a.SID, b.SID)
		if err != nil {
			t.Fatal(err)
		}
		if kept := i >= 2; (len(got.Model) > 0) != kept || len(got.Schema) == 0 {
			t.Errorf("build %d: %d bytes of model, %d of schema; want model kept %v and the schema", i, len(got.Model), len(got.Schema), kept)
		}
	}
	eng := newEngine(t, db)
	_, err := eng.QueryBuild(ctx, nil, testAccount, a.SID, made[0].SID, "en-US", "count", nil)
	if !errors.Is(err, dialogue.ErrModelPruned) {
		t.Errorf("query of a pruned build: %v, want ErrModelPruned", err)
	}
	if _, err := eng.QueryBuild(ctx, nil, testAccount, a.SID, made[len(made)-1].SID, "en-US", "count", nil); err != nil {
		t.Errorf("query of the newest build: %v", err)
	}
}

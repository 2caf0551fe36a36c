package actions_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/actions"
)

// fixtureDir is where CI clones shared/ beside the repository.
const fixtureDir = "../../../shared/fixtures/autopilot"

func fixtures(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(fixtureDir); err != nil {
		t.Fatalf("autopilot fixtures not found at %s (clone shared/ beside the repository): %v", fixtureDir, err)
	}
	return fixtureDir
}

// schemaDocs returns the actions, defaults and style sheet documents of
// every non-legacy schema fixture, named "file: tasks[i].actions" and so on.
type fixtureDoc struct {
	name string
	kind string // "actions", "defaults" or "style_sheet"
	data []byte
}

func fixtureDocs(t testing.TB) []fixtureDoc {
	t.Helper()
	dir := fixtures(t)
	var docs []fixtureDoc
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "cli-legacy" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".json") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "tpl-snippets/Actions/"):
			docs = append(docs, fixtureDoc{rel, "actions", data})
			return nil
		case strings.HasPrefix(rel, "tpl-snippets/StyleSheets/"):
			docs = append(docs, fixtureDoc{rel, "style_sheet", data})
			return nil
		}
		var schema struct {
			Defaults   json.RawMessage `json:"defaults"`
			StyleSheet json.RawMessage `json:"styleSheet"`
			Tasks      []struct {
				UniqueName string          `json:"uniqueName"`
				Actions    json.RawMessage `json:"actions"`
			} `json:"tasks"`
		}
		if err := json.Unmarshal(data, &schema); err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		}
		if schema.Tasks == nil {
			return nil // not a schema
		}
		docs = append(docs,
			fixtureDoc{rel + ": defaults", "defaults", schema.Defaults},
			fixtureDoc{rel + ": styleSheet", "style_sheet", schema.StyleSheet})
		for i, task := range schema.Tasks {
			docs = append(docs, fixtureDoc{fmt.Sprintf("%s: tasks[%d] (%s).actions", rel, i, task.UniqueName), "actions", task.Actions})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 200 {
		t.Fatalf("found only %d fixture documents in %s", len(docs), dir)
	}
	return docs
}

func TestFixturesParse(t *testing.T) {
	for _, fd := range fixtureDocs(t) {
		switch fd.kind {
		case "actions":
			doc, err := actions.Parse(fd.data)
			if err != nil {
				t.Errorf("%s: %v", fd.name, err)
				continue
			}
			out, err := actions.Marshal(doc)
			if err != nil {
				t.Errorf("%s: Marshal: %v", fd.name, err)
				continue
			}
			back, err := actions.Parse(out)
			if err != nil {
				t.Errorf("%s: Parse(Marshal(doc)): %v\n%s", fd.name, err, out)
				continue
			}
			if diff := cmp.Diff(doc, back); diff != "" {
				t.Errorf("%s: round trip (-parsed +reparsed):\n%s", fd.name, diff)
			}
		case "defaults":
			d, err := actions.ParseDefaults(fd.data)
			if err != nil {
				t.Errorf("%s: %v", fd.name, err)
				continue
			}
			out, _ := actions.MarshalDefaults(d)
			back, err := actions.ParseDefaults(out)
			if err != nil {
				t.Errorf("%s: reparse: %v", fd.name, err)
			} else if diff := cmp.Diff(d, back); diff != "" {
				t.Errorf("%s: round trip (-parsed +reparsed):\n%s", fd.name, diff)
			}
		case "style_sheet":
			ss, err := actions.ParseStyleSheet(fd.data)
			if err != nil {
				t.Errorf("%s: %v", fd.name, err)
				continue
			}
			if ss.SayVoice == "" {
				t.Errorf("%s: no say_voice parsed", fd.name)
			}
			out, _ := actions.MarshalStyleSheet(ss)
			back, err := actions.ParseStyleSheet(out)
			if err != nil {
				t.Errorf("%s: reparse: %v", fd.name, err)
			} else if diff := cmp.Diff(ss, back); diff != "" {
				t.Errorf("%s: round trip (-parsed +reparsed):\n%s", fd.name, diff)
			}
		}
	}
}

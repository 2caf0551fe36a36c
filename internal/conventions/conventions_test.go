package conventions

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const root = "../.."

// TestPackageDocs fails when a package has no doc comment.
func TestPackageDocs(t *testing.T) {
	for _, top := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			entries, err := os.ReadDir(path)
			if err != nil {
				return err
			}
			documented, built := false, false
			fset := token.NewFileSet()
			for _, e := range entries {
				name := filepath.Join(path, e.Name())
				if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") || ignored(name) {
					continue
				}
				f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.PackageClauseOnly)
				if err != nil {
					return err
				}
				built = true
				documented = documented || f.Doc != nil
			}
			if built && !documented {
				t.Errorf("%s: package has no doc comment", path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// ignored reports whether a file is built only on request (//go:build
// ignore), like generators.
func ignored(name string) bool {
	data, err := os.ReadFile(name)
	return err == nil && strings.Contains(string(data), "//go:build ignore")
}

// TestPurePackages keeps the packages that understand and describe bots free
// of the network and the database, so that they stay deterministic and
// fuzzable (DESIGN.md §3).
func TestPurePackages(t *testing.T) {
	pure := []string{"actions", "assistant", "fields", "jsonwalk", "nlu", "nlu/nlueval"}
	banned := []string{"net/http", "database/sql", "github.com/parleyhq/parley/internal/store"}
	for _, p := range pure {
		out, err := exec.Command("go", "list", "-deps", "github.com/parleyhq/parley/internal/"+p).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", p, err)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, b := range banned {
				if d == b || strings.HasPrefix(d, b+"/") {
					t.Errorf("internal/%s depends on %s", p, d)
				}
			}
		}
	}
}

// TestBinaryDeps keeps test-only libraries out of the parley binary: the
// conversation-test runner that `parley test` uses compares without go-cmp.
func TestBinaryDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/parleyhq/parley/cmd/parley").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, d := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/google/go-cmp", "github.com/twilio/twilio-go/client", "github.com/golang/mock"} {
			if d == banned || strings.HasPrefix(d, banned+"/") {
				t.Errorf("cmd/parley depends on %s", d)
			}
		}
	}
}

package assistant_test

import (
	"go/build"
	"strings"
	"testing"
)

// TestPure checks that the package never reaches the network or a database,
// directly or through its dependencies (DESIGN.md §3).
func TestPure(t *testing.T) {
	forbidden := map[string]bool{"net/http": true, "database/sql": true}
	seen := map[string]bool{}
	var visit func(path, dir string, chain []string)
	visit = func(path, dir string, chain []string) {
		if seen[path] || path == "C" || path == "unsafe" {
			return
		}
		seen[path] = true
		chain = append(chain, path)
		if forbidden[path] {
			t.Errorf("imports %s", strings.Join(chain, " -> "))
			return
		}
		pkg, err := build.Default.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			visit(imp, pkg.Dir, chain)
		}
	}
	visit("github.com/parleyhq/parley/internal/assistant", ".", nil)
	if !seen["encoding/json"] {
		t.Fatalf("dependency walk found only %d packages", len(seen))
	}
}

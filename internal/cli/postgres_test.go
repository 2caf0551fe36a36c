package cli

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/store/postgres/pgtest"
)

// TestPostgresStore: with --db, import, export and migrate use a
// PostgreSQL database, and an assistant exported from it is the file
// exported from the embedded store. It runs when PARLEY_TEST_POSTGRES names
// a database (.ci/run sets it).
func TestPostgresStore(t *testing.T) {
	pg := pgtest.Schema(t)

	vars := map[string]string{"PARLEY_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "PARLEY_AUTH_TOKEN": "pg-token-0123456789abcdef0123456789abcdef"}
	if code, out, stderr := run(t, vars, "migrate", "--db", pg); code != 0 || !strings.Contains(out, "schema up to date") {
		t.Fatalf("migrate: %d %q %q", code, out, stderr)
	}
	dir := t.TempDir()
	for _, name := range []string{"pizza", "clinic"} {
		file := "../../examples/" + name + ".json"
		if code, _, stderr := run(t, vars, "import", "--db", pg, file); code != 0 {
			t.Fatalf("import --db %s: %d %s", file, code, stderr)
		}
		if code, _, stderr := run(t, vars, "import", "--data", dir, file); code != 0 {
			t.Fatalf("import --data %s: %d %s", file, code, stderr)
		}
		code, fromPG, stderr := run(t, vars, "export", "--db", pg, name)
		if code != 0 {
			t.Fatalf("export --db %s: %d %s", name, code, stderr)
		}
		_, fromSQLite, _ := run(t, vars, "export", "--data", dir, name)
		if fromPG != fromSQLite || fromPG == "" {
			t.Errorf("%s exported from PostgreSQL differs from the embedded store's export", name)
		}
	}
	if code, _, stderr := run(t, vars, "export", "--db", pg, "nosuch"); code == 0 || !strings.Contains(stderr, "nosuch") {
		t.Errorf("export of a missing assistant: %d %q", code, stderr)
	}
	if code, _, stderr := run(t, vars, "import", "--db", "mysql://x", "../../examples/pizza.json"); code != 2 || !strings.Contains(stderr, "postgres://") {
		t.Errorf("a --db that is not PostgreSQL: %d %q", code, stderr)
	}
}

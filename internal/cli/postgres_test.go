package cli

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver of database/sql
)

// TestPostgresStore: with --db, import, export and migrate use a
// PostgreSQL database, and an assistant exported from it is the file
// exported from the embedded store. It runs when PARLEY_TEST_POSTGRES names
// a database (.ci/run sets it).
func TestPostgresStore(t *testing.T) {
	dsn := os.Getenv("PARLEY_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("set PARLEY_TEST_POSTGRES (postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "parley_cli_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pg := u.String()

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

package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/parleyhq/parley/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"parley": func() {
			os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the CLI scripts in testdata/script. $FIXTURES is the
// shared folder of real Autopilot assistants, beside the repository.
func TestScripts(t *testing.T) {
	fixtures, err := filepath.Abs("../../../shared/fixtures/autopilot")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fixtures); err != nil {
		t.Fatalf("the shared fixtures must sit beside the repository: %v", err)
	}
	examples, _ := filepath.Abs("../../examples")
	testdata, _ := filepath.Abs("testdata")
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			e.Setenv("FIXTURES", fixtures)
			e.Setenv("EXAMPLES", examples)
			e.Setenv("TESTDATA", testdata)
			e.Setenv("PARLEY_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef")
			e.Setenv("PARLEY_AUTH_TOKEN", "test-token-0123456789abcdef0123456789")
			return nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") != "",
	})
}

// Package cli implements the parley command: one file per subcommand, each a
// function of its arguments and standard streams, so that tests run them in
// process.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/postgres"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/twilio"
)

// Version is the version of this build: the module's version when built by
// go install MODULE@VERSION, else "dev".
var Version = "dev"

// versionLine says which parley this is: its version, the commit it was
// built from (with "+dirty" for uncommitted changes), and the Go version.
func versionLine() string {
	v, commit, dirty := Version, "", false
	goVersion := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if mv := bi.Main.Version; mv != "" && mv != "(devel)" && v == "dev" {
			v = mv
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	line := "parley " + v
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if dirty {
			commit += "+dirty"
		}
		line += " (commit " + commit + ")"
	}
	return line + " " + goVersion
}

// env holds a command's standard streams.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve the channels of the stored assistants over HTTP", runServe},
		{"import", "import assistant schema files", runImport},
		{"export", "write an assistant's schema file", runExport},
		{"chat", "talk to an assistant in the terminal", runChat},
		{"test", "run golden conversation files", runTest},
		{"migrate", "bring the store's schema up to date (every command that opens the store does it too)", runMigrate},
		{"eval", "score the classifier on an intent dataset (JSONL), or an assistant on its own samples", runEval},
		{"version", "print the version, the commit and the Go version", func(e *env, _ []string) error {
			fmt.Fprintln(e.stdout, versionLine())
			return nil
		}},
	}
}

// errUsage marks an error whose message is a usage problem (exit code 2).
var errUsage = errors.New("usage")

// errSilent is returned by a command that has already reported its failure.
var errSilent = errors.New("failed")

// Main runs the parley command with args and returns its exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 2 && args[0] == "help" {
		// parley help CMD is parley CMD -h.
		args = []string{args[1], "-h"}
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errSilent):
			return 1
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "parley %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "parley: %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "parley: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: parley <command> [flags] [args]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run parley help <command> (or parley <command> -h) for a command's flags.")
}

// newFlags returns a FlagSet that reports errors to stderr and not os.Exit.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: parley %s [flags] %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before and after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errSilent
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// dataDir is the --data flag's default: $PARLEY_DATA, else ./data.
func (e *env) dataDir() string {
	if d := e.getenv("PARLEY_DATA"); d != "" {
		return d
	}
	return "data"
}

func (e *env) logger(level string) *slog.Logger {
	l, err := e.newLogger(level, "text")
	if err != nil {
		return slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	return l
}

// newLogger returns the logger of a command: at level (debug, info, warn,
// error), in format text or json, on standard error.
func (e *env) newLogger(level, format string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, level)
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(e.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(e.stderr, opts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, format)
}

// A location is where a command's store is: the PostgreSQL database dsn
// names, else the embedded SQLite store in the data directory dir.
type location struct{ dir, dsn string }

// String names the location in messages, without a password.
func (l location) String() string {
	if l.dsn == "" {
		return l.dir
	}
	if u, err := url.Parse(l.dsn); err == nil {
		return u.Redacted()
	}
	return "the PostgreSQL database of --db"
}

// dbFlag adds --db, which takes the place of --data, to a command that opens
// the store.
func dbFlag(e *env, fs *flag.FlagSet) *string {
	return fs.String("db", e.getenv("PARLEY_DB"), "PostgreSQL database to use instead of the embedded store of --data: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default $PARLEY_DB)")
}

// openStore opens (and migrates) the store at loc.
func openStore(e *env, loc location) (store.Store, error) {
	if loc.dsn != "" {
		if !strings.HasPrefix(loc.dsn, "postgres://") && !strings.HasPrefix(loc.dsn, "postgresql://") {
			return nil, fmt.Errorf("%w: --db %s: want a postgres:// URL", errUsage, loc)
		}
		db, err := postgres.Open(e.ctx, loc.dsn)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", loc, err)
		}
		return db, nil
	}
	db, err := sqlite.Open(e.ctx, filepath.Join(loc.dir, "parley.db"))
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", loc.dir, err)
	}
	return db, nil
}

// openExisting opens the store at loc for a command that only reads it
// (export, chat NAME, eval NAME), and returns it with the account the
// command acts for: the pinned one, else the store's first. It creates no
// embedded store and no account: a directory without a store, or a store
// without that account, is an error that says where it looked.
func openExisting(e *env, loc location) (store.Store, store.Account, error) {
	if loc.dsn == "" {
		if _, err := os.Stat(filepath.Join(loc.dir, "parley.db")); err != nil {
			return nil, store.Account{}, fmt.Errorf("no Parley store in %s: import an assistant first (parley import --data %s FILE), or point --data or PARLEY_DATA at the data directory of parley serve, or --db at its PostgreSQL database", loc.dir, loc.dir)
		}
	}
	db, err := openStore(e, loc)
	if err != nil {
		return nil, store.Account{}, err
	}
	acct, err := existingAccount(e, db)
	if err != nil {
		db.Close()
		return nil, store.Account{}, fmt.Errorf("store %s: %w", loc, err)
	}
	return db, acct, nil
}

// existingAccount is the account a read-only command acts for.
func existingAccount(e *env, db store.Store) (store.Account, error) {
	if sid := e.getenv("PARLEY_ACCOUNT_SID"); sid != "" {
		a, err := db.Account(e.ctx, sid)
		if errors.Is(err, store.ErrNotFound) {
			return store.Account{}, fmt.Errorf("no account %s (PARLEY_ACCOUNT_SID)", sid)
		}
		return a, err
	}
	accts, err := db.Accounts(e.ctx)
	if err != nil {
		return store.Account{}, err
	}
	if len(accts) == 0 {
		return store.Account{}, errors.New("no account yet: import an assistant first")
	}
	return accts[0], nil
}

// openAccount opens the store at loc and returns it with the account the
// command acts for (see account). The caller closes the store.
func openAccount(e *env, loc location) (store.Store, store.Account, error) {
	db, err := openStore(e, loc)
	if err != nil {
		return nil, store.Account{}, err
	}
	acct, err := account(e, db)
	if err != nil {
		db.Close()
		return nil, store.Account{}, err
	}
	return db, acct, nil
}

// account returns the account commands act for: the one PARLEY_ACCOUNT_SID
// and PARLEY_AUTH_TOKEN pin (created when missing), else the store's first
// account, else a new one, whose credentials are printed once.
func account(e *env, db store.Store) (store.Account, error) {
	return accountFor(e, db, false)
}

// accountFor is account; quiet creates a new account without printing it,
// for throwaway stores.
func accountFor(e *env, db store.Store, quiet bool) (store.Account, error) {
	sid, token, err := pinnedAccount(e)
	if err != nil {
		return store.Account{}, err
	}
	if sid != "" {
		a, err := db.Account(e.ctx, sid)
		if errors.Is(err, store.ErrNotFound) {
			a = store.Account{SID: sid, AuthToken: token, FriendlyName: "pinned"}
			return a, db.CreateAccount(e.ctx, a)
		}
		if err != nil {
			return store.Account{}, err
		}
		if a.AuthToken != token {
			if err := db.SetAuthToken(e.ctx, sid, token); err != nil {
				return store.Account{}, err
			}
			a.AuthToken = token
		}
		return a, nil
	}
	accts, err := db.Accounts(e.ctx)
	if err != nil {
		return store.Account{}, err
	}
	if len(accts) > 0 {
		return accts[0], nil
	}
	a := store.Account{SID: twilio.NewSID(twilio.PrefixAccount), AuthToken: twilio.NewAuthToken(), FriendlyName: "default"}
	if err := db.CreateAccount(e.ctx, a); err != nil {
		return store.Account{}, err
	}
	if !quiet {
		fmt.Fprintf(e.stderr, "created account %s with auth token %s\n", a.SID, a.AuthToken)
		fmt.Fprintln(e.stderr, "(shown once: set PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN to pin them)")
	}
	return a, nil
}

// pinnedAccount returns the account SID and auth token that
// PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN pin, both empty when they pin
// none, or why they cannot pin one.
func pinnedAccount(e *env) (sid, token string, err error) {
	sid, token = e.getenv("PARLEY_ACCOUNT_SID"), e.getenv("PARLEY_AUTH_TOKEN")
	switch {
	case (sid == "") != (token == ""):
		return "", "", errors.New("set both PARLEY_ACCOUNT_SID and PARLEY_AUTH_TOKEN, or neither")
	case sid == "":
		return "", "", nil
	case !twilio.IsSID(twilio.PrefixAccount, sid):
		return "", "", fmt.Errorf("PARLEY_ACCOUNT_SID %q is not an account SID (AC and 32 hex digits)", sid)
	case len(token) < minAuthToken:
		return "", "", fmt.Errorf("PARLEY_AUTH_TOKEN has %d characters; a pinned auth token needs at least %d (Twilio's are 32 hex digits)", len(token), minAuthToken)
	}
	return sid, token, nil
}

// minAuthToken is the length a pinned auth token must have at least.
const minAuthToken = 32

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

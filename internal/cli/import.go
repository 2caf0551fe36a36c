package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
)

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import", "FILE|DIR...")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	strict := fs.Bool("strict", false, "treat warnings as errors: import nothing when a file has any")
	var maps multiFlag
	fs.Var(&maps, "map-url", "rewrite URLs starting with FROM to start with TO (FROM=TO; repeatable)")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: no schema file given", errUsage)
	}
	opts, err := importOptions(maps)
	if err != nil {
		return err
	}
	db, acct, err := openAccount(e, *dir)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = importFiles(e, db, acct, paths, opts, *strict)
	return err
}

func importOptions(maps []string) (assistant.ImportOptions, error) {
	var opts assistant.ImportOptions
	for _, m := range maps {
		um, err := assistant.ParseURLMap(m)
		if err != nil {
			return opts, fmt.Errorf("%w: --map-url %s: %v", errUsage, m, err)
		}
		opts.MapURL = append(opts.MapURL, um)
	}
	return opts, nil
}

// expand replaces each directory in paths by the .json files in it.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	return out, nil
}

// importFiles parses every file first, so that an error or, with strict, a
// warning in any of them imports nothing; then imports each assistant in one
// transaction, printing a line for each.
func importFiles(e *env, db *sqlite.DB, acct store.Account, paths []string, opts assistant.ImportOptions, strict bool) ([]*assistant.Assistant, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, err
	}
	parsed := make([]*assistant.Assistant, len(files))
	failed := false
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		a, warnings, err := assistant.ParseSchema(data, opts)
		if err != nil {
			if es, ok := errors.AsType[actions.Errors](err); ok {
				for _, x := range es {
					fmt.Fprintf(e.stderr, "%s: error: %v\n", f, x)
				}
			} else {
				fmt.Fprintf(e.stderr, "%s: error: %v\n", f, err)
			}
			failed = true
			continue
		}
		kind := "warning"
		if strict {
			kind = "error"
		}
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "%s: %s: %s\n", f, kind, w)
		}
		if strict && len(warnings) > 0 {
			failed = true
		}
		parsed[i] = a
	}
	if failed {
		fmt.Fprintln(e.stderr, "nothing imported")
		return nil, errSilent
	}
	var out []*assistant.Assistant
	for i, a := range parsed {
		a.AccountSID = acct.SID
		stored, err := db.ImportAssistant(e.ctx, a)
		if err != nil {
			return out, fmt.Errorf("import %s: %w", files[i], err)
		}
		samples := 0
		for _, t := range stored.Tasks {
			samples += len(t.Samples)
		}
		fmt.Fprintf(e.stdout, "imported %s %s: %d tasks, %d samples, %d field types\n",
			stored.UniqueName, stored.SID, len(stored.Tasks), samples, len(stored.FieldTypes))
		// Every import trains a model build, as Autopilot's CLI started one.
		b, err := dialogue.Build(e.ctx, db, acct.SID, stored.SID, a.ModelBuild)
		if err != nil {
			return out, fmt.Errorf("import %s: %w", files[i], err)
		}
		fmt.Fprintf(e.stdout, "  model build %s %s: %s in %ds\n", b.UniqueName, b.SID, b.Status, b.BuildDuration)
		out = append(out, stored)
	}
	return out, nil
}

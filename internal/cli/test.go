package cli

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/parleyhq/parley/internal/dialogue/dialoguetest"
)

func runTest(e *env, args []string) error {
	fs := newFlags(e, "test", "FILE|DIR...")
	update := fs.Bool("update", false, "rewrite the bot's lines and memory.json with what the bot did")
	verbose := fs.Bool("v", false, "list every conversation, and import warnings")
	logLevel := fs.String("log-level", "error", "log level of the engine while testing (debug, info, warn, error)")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: no conversation file given", errUsage)
	}
	var files []string
	for _, p := range paths {
		m, err := filepath.Glob(filepath.Join(p, "*.txtar"))
		if err == nil && len(m) > 0 {
			sort.Strings(m)
			files = append(files, m...)
			continue
		}
		files = append(files, p)
	}
	passed, failed := 0, 0
	opts := dialoguetest.Options{Update: *update, Logger: e.logger(*logLevel)}
	for _, f := range files {
		res, err := dialoguetest.RunFile(e.ctx, f, opts)
		if err != nil {
			fmt.Fprintf(e.stdout, "FAIL %s\n    %v\n", f, err)
			failed++
			continue
		}
		if *verbose {
			for _, w := range res.Warnings {
				fmt.Fprintf(e.stdout, "     %s: warning: %s\n", f, w)
			}
		}
		switch {
		case res.Passed():
			passed++
			if *verbose {
				fmt.Fprintf(e.stdout, "ok   %s\n", f)
			}
		case *update && res.Updated != nil && len(res.Problems) == 0:
			passed++
			fmt.Fprintf(e.stdout, "updated %s\n", f)
		default:
			failed++
			fmt.Fprintf(e.stdout, "FAIL %s\n", f)
			for _, p := range res.Problems {
				fmt.Fprintf(e.stdout, "    %s\n", p)
			}
			if res.Diff != "" && !*update {
				fmt.Fprintf(e.stdout, "%s\n", indent(res.Diff))
			}
		}
	}
	fmt.Fprintf(e.stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return errSilent
	}
	return nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n    ")
}

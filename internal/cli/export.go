package cli

import (
	"fmt"
	"os"

	"github.com/parleyhq/parley/internal/assistant"
)

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export", "ASSISTANT")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name one assistant (SID or unique name)", errUsage)
	}
	db, acct, err := openAccount(e, *dir)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.Assistant(e.ctx, acct.SID, pos[0])
	if err != nil {
		return fmt.Errorf("assistant %s: %w", pos[0], err)
	}
	data, err := assistant.MarshalSchema(a)
	if err != nil {
		return err
	}
	if *out != "" {
		return os.WriteFile(*out, data, 0o644)
	}
	_, err = e.stdout.Write(data)
	return err
}

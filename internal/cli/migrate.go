package cli

import "fmt"

// runMigrate brings a store's schema up to this version's, and nothing else:
// for upgrades that migrate before the servers start (every command that
// opens the store migrates it too).
func runMigrate(e *env, args []string) error {
	fs := newFlags(e, "migrate", "")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	dsn := dbFlag(e, fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return fmt.Errorf("%w: unexpected argument %q", errUsage, pos[0])
	}
	loc := location{dir: *dir, dsn: *dsn}
	db, err := openStore(e, loc)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Ping(e.ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "store %s: schema up to date\n", loc)
	return nil
}

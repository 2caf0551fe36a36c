package sqlite

import (
	"context"
	"hash/fnv"
	"time"
)

// LockDialogue serializes the turns of one dialogue, named by key, across
// the processes that share this database file (two `parley serve` on one
// data directory): it waits until no other holder has the key, holds it
// until unlock is called, and returns ctx's error if ctx ends first.
//
// The lock is a lock on one byte of the file beside the database
// (parley-locks.db for parley.db), at an offset given by the key's hash: a
// system call, no disk write, and the kernel lets go of it when its
// process dies, even by kill -9. Within one process, each call holds its
// own lock (an open file description's), so two calls exclude each other
// too.
func (db *DB) LockDialogue(ctx context.Context, key string) (unlock func(), err error) {
	h := fnv.New64a()
	h.Write([]byte(key))
	off := int64(h.Sum64() >> 2) // 62 bits: a valid, positive file offset
	wait := 100 * time.Microsecond
	for {
		unlock, ok, err := lockByte(db.lockPath, off)
		if err != nil {
			return nil, err
		}
		if ok {
			return unlock, nil
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(wait):
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
}

// lockPath returns the path of the lock file of the database at path.
func lockPath(path string) string {
	return withSuffix(path, "-locks")
}

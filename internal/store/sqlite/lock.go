package sqlite

import (
	"context"
	"hash/fnv"
	"time"
)

// LockDialogue serializes the turns of one dialogue, named by key, across
// the processes (and the handles of this package) that share the database
// file: it waits until no other holder has the key, holds it until unlock
// is called, and returns ctx's error if ctx ends first. Callers that share
// one handle serialize their own calls for a key (the engine does).
//
// The lock is a lock on one byte of the file beside the database
// (parley-locks.db for parley.db), at an offset given by the key's hash: a
// system call, no disk write, and the kernel lets go of it when its
// process dies, even by kill -9.
func (db *DB) LockDialogue(ctx context.Context, key string) (unlock func(), err error) {
	off := lockOffset + int64(keyHash(key)>>2)
	wait := 100 * time.Microsecond
	for {
		ok, err := db.locks.tryLock(off)
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { db.locks.unlock(off) }, nil
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(wait):
		}
		wait = min(2*wait, 20*time.Millisecond)
	}
}

// DialogueGeneration returns the generation of the dialogue of key: a
// number that every process sharing the database changes, with
// BumpDialogueGeneration, when it saves that dialogue. A process whose own
// copy of a dialogue carries the current generation knows that nobody else
// saved it since; otherwise (or, rarely, when another dialogue shares the
// number) it reads the dialogue again.
func (db *DB) DialogueGeneration(key string) uint64 {
	return db.locks.generation(keyHash(key) % generations)
}

// BumpDialogueGeneration changes the generation of the dialogue of key,
// after a save, and returns the new one.
func (db *DB) BumpDialogueGeneration(key string) uint64 {
	return db.locks.bump(keyHash(key) % generations)
}

func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// The lock file holds the generations, 8 bytes each, at its start; the
// byte locks are taken from lockOffset on, past them.
const (
	generations = 1 << 18
	lockOffset  = 1 << 32
)

// lockPath returns the path of the lock file of the database at path.
func lockPath(path string) string {
	return withSuffix(path, "-locks")
}

//go:build !linux

package sqlite

import (
	"sync"
	"sync/atomic"
)

// lockFile, where open file description locks and shared mappings are not
// used, holds locks and generations within this process only: several
// processes on one data directory need Linux.
type lockFile struct {
	mu   sync.Mutex
	held map[int64]bool
	gens []atomic.Uint64
}

func openLockFile(path string) (*lockFile, error) {
	return &lockFile{held: map[int64]bool{}, gens: make([]atomic.Uint64, generations)}, nil
}

func (l *lockFile) close() error { return nil }

func (l *lockFile) tryLock(off int64) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[off] {
		return false, nil
	}
	l.held[off] = true
	return true, nil
}

func (l *lockFile) unlock(off int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.held, off)
}

func (l *lockFile) generation(i uint64) uint64 { return l.gens[i].Load() }
func (l *lockFile) bump(i uint64) uint64       { return l.gens[i].Add(1) }

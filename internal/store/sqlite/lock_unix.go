//go:build linux

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// lockFile is the open lock file of a handle: its byte locks are an open
// file description's (F_OFD_SETLK), so they conflict with those of every
// other open of the file, in this process or another, and the file's
// generations are shared memory (a MAP_SHARED mapping) that every process
// reads and changes atomically.
type lockFile struct {
	f    *os.File
	gens []uint64
	mem  []byte
}

func openLockFile(path string) (*lockFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	// Its owner's alone, like the database beside it.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	size := int64(generations * 8)
	if fi, err := f.Stat(); err == nil && fi.Size() < size {
		// Sparse: the pages no dialogue touched take no disk.
		if err := f.Truncate(size); err != nil {
			f.Close()
			return nil, fmt.Errorf("open lock file: %w", err)
		}
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("map lock file: %w", err)
	}
	return &lockFile{f: f, mem: mem, gens: unsafe.Slice((*uint64)(unsafe.Pointer(&mem[0])), generations)}, nil
}

func (l *lockFile) close() error {
	return errors.Join(unix.Munmap(l.mem), l.f.Close())
}

// tryLock takes a write lock on the byte at off; false when another holds
// it.
func (l *lockFile) tryLock(off int64) (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: off, Len: 1}
	err := unix.FcntlFlock(l.f.Fd(), unix.F_OFD_SETLK, &lk)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lock dialogue: %w", err)
	}
	return true, nil
}

func (l *lockFile) unlock(off int64) {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: 0, Start: off, Len: 1}
	unix.FcntlFlock(l.f.Fd(), unix.F_OFD_SETLK, &lk)
}

func (l *lockFile) generation(i uint64) uint64 { return atomic.LoadUint64(&l.gens[i]) }
func (l *lockFile) bump(i uint64) uint64       { return atomic.AddUint64(&l.gens[i], 1) }

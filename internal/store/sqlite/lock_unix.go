//go:build linux

package sqlite

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// lockByte tries to take a write lock on byte off of the file at path, as
// an open file description's lock (F_OFD_SETLK): it conflicts with every
// other open of the file, in this process or another. ok is false when
// another holds it.
func lockByte(path string, off int64) (unlock func(), ok bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("lock dialogue: %w", err)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: off, Len: 1}
	err = unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
	if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EACCES) {
		f.Close()
		return nil, false, nil
	}
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("lock dialogue: %w", err)
	}
	// Closing the file releases the lock.
	return func() { f.Close() }, true, nil
}

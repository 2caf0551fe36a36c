//go:build !linux

package sqlite

import "sync"

// lockByte holds locks within this process only where open file
// description locks are not available: several processes on one data
// directory need Linux.
func lockByte(path string, off int64) (unlock func(), ok bool, err error) {
	key := lockKey{path, off}
	if _, taken := held.LoadOrStore(key, struct{}{}); taken {
		return nil, false, nil
	}
	return func() { held.Delete(key) }, true, nil
}

type lockKey struct {
	path string
	off  int64
}

var held sync.Map

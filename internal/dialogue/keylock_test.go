package dialogue

import (
	"sync"
	"testing"
	"time"
)

func TestKeyLockSerializesOneKeyOnly(t *testing.T) {
	var l keyLock
	unlockA := l.lock("a")
	// Another key is not held up by "a".
	done := make(chan struct{})
	go func() {
		l.lock("b")()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("key b waited for key a")
	}
	// The same key waits.
	got := make(chan struct{})
	go func() {
		l.lock("a")()
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("second holder of key a did not wait")
	case <-time.After(50 * time.Millisecond):
	}
	unlockA()
	<-got

	var wg sync.WaitGroup
	n := 0
	for range 100 {
		wg.Go(func() {
			defer l.lock("c")()
			n++
		})
	}
	wg.Wait()
	if n != 100 {
		t.Errorf("n = %d", n)
	}
	if len(l.locks) != 0 {
		t.Errorf("%d lock entries left behind", len(l.locks))
	}
}

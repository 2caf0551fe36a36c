package storetest

import (
	"testing"
	"time"
)

// fixedDate is a date in the store's precision (UTC, whole seconds).
var fixedDate = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)

// now is the earliest date a store may stamp on something created after it.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

// checkDate checks that d is in the store's precision and no earlier than
// before nor later than now.
func checkDate(t *testing.T, what string, d, before time.Time) {
	t.Helper()
	if d.Location() != time.UTC || d.Nanosecond() != 0 {
		t.Errorf("%s = %v, want UTC whole seconds", what, d)
	}
	if d.Before(before) || d.After(now()) {
		t.Errorf("%s = %v, want in [%v, %v]", what, d, before, now())
	}
}

package cli

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

type purgeRecorder struct{ calls chan time.Time }

func (p purgeRecorder) PurgeQueries(ctx context.Context, before time.Time) (int64, error) {
	p.calls <- before
	return 3, nil
}

func TestPurgeQueriesAtStart(t *testing.T) {
	rec := purgeRecorder{calls: make(chan time.Time, 1)}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { purgeQueries(ctx, rec, 30*24*time.Hour, slog.New(slog.DiscardHandler)); close(done) }()
	select {
	case before := <-rec.calls:
		if d := time.Since(before) - 30*24*time.Hour; d < 0 || d > time.Minute {
			t.Errorf("purged before %v: want 30 days ago", before)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no purge at start")
	}
	cancel()
	<-done
}

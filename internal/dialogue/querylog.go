package dialogue

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/internal/store"
)

// QueryBatchLog stores batches of queries; *sqlite.DB is one.
type QueryBatchLog interface {
	CreateQueries(ctx context.Context, qs []*store.Query) (int, error)
}

// TurnLog stores batches of logged turns; *sqlite.DB is one.
type TurnLog interface {
	LogTurns(ctx context.Context, ts []*store.TurnRecord) (int, error)
}

// A batchLogger writes records of turns (queries, turns) in the
// background, in batches, so that logging them costs a turn no write of its
// own. When it falls behind, records are dropped (and counted) rather than
// turns delayed.
type batchLogger[T any] struct {
	what    string
	write   func(context.Context, []T) (int, error)
	log     *slog.Logger
	ch      chan T
	done    chan struct{}
	once    sync.Once
	dropped atomic.Int64
}

const (
	queryLogBuffer = 4096
	queryLogBatch  = 256
	queryLogEvery  = 200 * time.Millisecond
)

func newBatchLogger[T any](what string, write func(context.Context, []T) (int, error), log *slog.Logger) *batchLogger[T] {
	q := &batchLogger[T]{what: what, write: write, log: log, ch: make(chan T, queryLogBuffer), done: make(chan struct{})}
	go q.run()
	return q
}

func newQueryLogger(s QueryBatchLog, log *slog.Logger) *batchLogger[*store.Query] {
	return newBatchLogger("queries", s.CreateQueries, log)
}

func newTurnLogger(s TurnLog, log *slog.Logger) *batchLogger[*store.TurnRecord] {
	return newBatchLogger("turns", s.LogTurns, log)
}

func (q *batchLogger[T]) add(x T) {
	select {
	case q.ch <- x:
	default:
		if q.dropped.Add(1)%1000 == 1 {
			q.log.Warn(q.what+" log falling behind; "+q.what+" dropped", "dropped", q.dropped.Load())
		}
	}
}

func (q *batchLogger[T]) run() {
	defer close(q.done)
	t := time.NewTicker(queryLogEvery)
	defer t.Stop()
	var batch []T
	flush := func() {
		if len(batch) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := q.write(ctx, batch); err != nil {
			q.log.Error("log "+q.what, "error", err, q.what, len(batch))
		}
		cancel()
		batch = batch[:0]
	}
	for {
		select {
		case x, ok := <-q.ch:
			if !ok {
				flush()
				return
			}
			batch = append(batch, x)
			if len(batch) >= queryLogBatch {
				flush()
			}
		case <-t.C:
			flush()
		}
	}
}

// close writes what is queued and stops.
func (q *batchLogger[T]) close() {
	q.once.Do(func() { close(q.ch) })
	<-q.done
}

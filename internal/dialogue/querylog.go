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

// A queryLogger writes the queries of turns in the background, in batches,
// so that logging them costs a turn no write of its own. When it falls
// behind, queries are dropped (and counted) rather than turns delayed.
type queryLogger struct {
	store   QueryBatchLog
	log     *slog.Logger
	ch      chan *store.Query
	done    chan struct{}
	once    sync.Once
	dropped atomic.Int64
}

const (
	queryLogBuffer = 4096
	queryLogBatch  = 256
	queryLogEvery  = 200 * time.Millisecond
)

func newQueryLogger(s QueryBatchLog, log *slog.Logger) *queryLogger {
	q := &queryLogger{store: s, log: log, ch: make(chan *store.Query, queryLogBuffer), done: make(chan struct{})}
	go q.run()
	return q
}

func (q *queryLogger) add(x *store.Query) {
	select {
	case q.ch <- x:
	default:
		if q.dropped.Add(1)%1000 == 1 {
			q.log.Warn("query log falling behind; queries dropped", "dropped", q.dropped.Load())
		}
	}
}

func (q *queryLogger) run() {
	defer close(q.done)
	t := time.NewTicker(queryLogEvery)
	defer t.Stop()
	var batch []*store.Query
	flush := func() {
		if len(batch) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if _, err := q.store.CreateQueries(ctx, batch); err != nil {
			q.log.Error("log queries", "error", err, "queries", len(batch))
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
func (q *queryLogger) close() {
	q.once.Do(func() { close(q.ch) })
	<-q.done
}

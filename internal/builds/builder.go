package builds

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// QueueStore is what a [Builder] needs from persistence: model builds as
// jobs, claimed one at a time by a node.
type QueueStore interface {
	Store
	Account(ctx context.Context, sid string) (store.Account, error)
	ClaimModelBuild(ctx context.Context, node string, lease time.Duration) (*store.ModelBuild, error)
}

// Callbacks sends the status callbacks of finished builds;
// *webhook.Client is one.
type Callbacks interface {
	Do(ctx context.Context, req webhook.Request) (*webhook.Response, error)
}

// Options configure a [Builder].
type Options struct {
	// Node names this process in the builds it claims.
	Node string
	// Poll is how often the queue is looked at without a Wake; 2 s when 0.
	// Builds enqueued by another node start within it.
	Poll time.Duration
	// Lease is how long a claimed build belongs to this node; a build
	// still building after it (the node died) is claimed again. 10 minutes
	// when 0.
	Lease  time.Duration
	Logger *slog.Logger
	// KeepModels is how many models of an assistant's newest completed
	// builds are kept (DefaultKeepModels when 0); older builds keep their
	// record and schema, without the model.
	KeepModels int
	// Observe, when set, is told the status each build ends with:
	// completed, failed, or interrupted (enqueued again).
	Observe func(status string)
}

// A Builder trains enqueued model builds in the background, one at a time,
// and POSTs each build's StatusCallback when it ends.
type Builder struct {
	s     QueueStore
	calls Callbacks
	opts  Options
	wake  chan struct{}
}

// NewBuilder returns a Builder; [Builder.Run] starts it. calls sends the
// status callbacks (signed with the account's token); nil sends none.
func NewBuilder(s QueueStore, calls Callbacks, opts Options) *Builder {
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 10 * time.Minute
	}
	if opts.Node == "" {
		opts.Node = "parley"
	}
	if opts.KeepModels <= 0 {
		opts.KeepModels = DefaultKeepModels
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Builder{s: s, calls: calls, opts: opts, wake: make(chan struct{}, 1)}
}

// Wake makes the builder look at the queue now.
func (b *Builder) Wake() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Run trains builds until ctx is done.
func (b *Builder) Run(ctx context.Context) {
	t := time.NewTicker(b.opts.Poll)
	defer t.Stop()
	for {
		for b.next(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-t.C:
		}
	}
}

// next claims and trains one build; false when there was none (or the
// queue could not be read).
func (b *Builder) next(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	mb, err := b.s.ClaimModelBuild(ctx, b.opts.Node, b.opts.Lease)
	if errors.Is(err, store.ErrNotFound) {
		return false
	}
	if err != nil {
		b.opts.Logger.Error("model build queue", "error", err)
		return false
	}
	log := b.opts.Logger.With("assistant_sid", mb.AssistantSID, "model_build", mb.SID)
	a, err := b.s.Assistant(ctx, mb.AccountSID, mb.AssistantSID)
	if err != nil {
		// The assistant went away while the build waited.
		mb.Status, mb.ErrorMessage = store.BuildFailed, err.Error()
		if err := b.s.UpdateModelBuild(ctx, mb); err != nil {
			log.Warn("model build", "error", err)
		}
		return true
	}
	err = train(ctx, b.s, a, mb, b.opts.KeepModels)
	if errors.Is(err, ErrInterrupted) {
		log.Info("model build interrupted; back in the queue")
		b.observe("interrupted")
		return false
	}
	if err != nil {
		log.Warn("model build failed", "error", err)
	} else {
		log.Info("model build completed", "duration", mb.BuildDuration)
	}
	b.observe(mb.Status)
	b.callback(ctx, log, mb)
	return true
}

func (b *Builder) observe(status string) {
	if b.opts.Observe != nil {
		b.opts.Observe(status)
	}
}

// callback POSTs a finished build's status to its StatusCallback.
func (b *Builder) callback(ctx context.Context, log *slog.Logger, mb *store.ModelBuild) {
	if mb.StatusCallback == "" || b.calls == nil {
		return
	}
	acct, err := b.s.Account(ctx, mb.AccountSID)
	if err != nil {
		log.Warn("model build callback", "error", err)
		return
	}
	p := url.Values{}
	p.Set("AccountSid", mb.AccountSID)
	p.Set("AssistantSid", mb.AssistantSID)
	p.Set("ModelBuildSid", mb.SID)
	p.Set("UniqueName", mb.UniqueName)
	p.Set("Status", mb.Status)
	p.Set("BuildDuration", strconv.Itoa(mb.BuildDuration))
	if mb.ErrorCode != 0 {
		p.Set("ErrorCode", strconv.Itoa(mb.ErrorCode))
	}
	if _, err := b.calls.Do(ctx, webhook.Request{URL: mb.StatusCallback, Params: p, AuthToken: acct.AuthToken}); err != nil {
		log.Warn("model build callback", "url", mb.StatusCallback, "error", err)
	}
}

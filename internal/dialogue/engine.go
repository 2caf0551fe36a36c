package dialogue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// Store is what the engine needs from persistence.
type Store interface {
	AssistantRef(ctx context.Context, accountSID, sidOrName string) (store.AssistantRef, error)
	Assistant(ctx context.Context, accountSID, sidOrName string) (*assistant.Assistant, error)
	LatestCompletedModelBuild(ctx context.Context, assistantSID string) (*store.ModelBuild, error)
	ActiveDialogue(ctx context.Context, assistantSID, channel, userID string) (*store.Dialogue, error)
	SaveDialogue(ctx context.Context, d *store.Dialogue) error
	Webhooks(ctx context.Context, accountSID, assistantSID string) ([]store.Webhook, error)
	ModelBuild(ctx context.Context, accountSID, assistantSID, sidOrName string) (*store.ModelBuild, error)
}

// A DialogueLocker serializes the turns of one dialogue across the
// processes that share a store (found by type assertion on the Store):
// LockDialogue waits until key is free, and holds it until unlock. With one,
// the engine trusts its own copy of a dialogue only if the store also
// keeps DialogueGenerations; otherwise it reads every dialogue from the
// store, since another process may have saved it.
type DialogueLocker interface {
	LockDialogue(ctx context.Context, key string) (unlock func(), err error)
}

// DialogueGenerations, kept by a DialogueLocker, tell a process whether
// another one saved a dialogue since its own last save: every process bumps
// the dialogue's generation when it saves it, and trusts its own copy only
// while the generation is the one its save left.
type DialogueGenerations interface {
	DialogueGeneration(key string) uint64
	BumpDialogueGeneration(key string) uint64
}

// Webhooks sends outbound Autopilot Requests; *webhook.Client is one.
type Webhooks interface {
	Do(ctx context.Context, req webhook.Request) (*webhook.Response, error)
}

// A Classifier is a trained NLU model of one assistant.
type Classifier interface {
	Classify(q nlu.Query) nlu.Result
}

// Options configure an [Engine]. Zero values mean the Autopilot defaults.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time

	// PublicURL is the base URL of this server as webhooks reach it, used to
	// build DialoguePayloadUrl ("https://parley.example.com").
	PublicURL string

	MaxRedirects       int           // per turn; 5
	MaxMemory          int           // bytes of Memory JSON; 16384
	DialogueTimeout    time.Duration // a listening dialogue ends after this long; 4h
	DefaultMaxAttempts int           // collect attempts when neither question nor style sheet says; 3
	// Observer, when set, is told of every turn and classification (for
	// metrics).
	Observer Observer
	// MaxCacheBytes bounds the estimated memory of the assistants kept
	// compiled (models included), least recently used out; 128 MiB.
	MaxCacheBytes int
	// TurnTimeout bounds the actions of one turn, webhooks and redirects
	// included; past it the webhook waited on fails and the fallback
	// answers. The dialogue is saved after it all the same. 60s; servers
	// keep their write timeout above it.
	TurnTimeout time.Duration

	// QueryLog, when set, stores the query of every message the NLU
	// classifies for an assistant that logs queries, in the background.
	// Call Close to write what is pending.
	QueryLog QueryBatchLog
	// QueryLogAskedOnly limits the query log to the turns that ask to be
	// logged (Turn.Log: the console's simulator), so an author's own
	// tries reach the Queries page without the cost of logging every
	// channel's messages.
	QueryLogAskedOnly bool
	// TurnLog, when set, keeps the turns that ask for it (Turn.Log), or
	// every turn with LogAllTurns, with their trace, for the console's
	// Dialogues page; written in the background, in batches.
	TurnLog     TurnLog
	LogAllTurns bool

	// AssistantRefresh is how long the engine trusts what it knows of an
	// assistant's revision before asking the store again: a change made by
	// another process (an import) takes effect within it. 1s; negative
	// means ask on every turn.
	AssistantRefresh time.Duration
}

// An Engine runs turns. It is safe for concurrent use.
type Engine struct {
	store    Store
	webhooks Webhooks
	opts     Options
	log      *slog.Logger

	mu    sync.Mutex
	cache *compiledCache       // by assistant SID
	refs  map[string]cachedRef // by account SID and the name a turn used
	// dialogues holds a copy of each active dialogue this engine saved last,
	// by dialogue key.
	dialogues map[string]cachedDialogue
	// locker, when the store is one, serializes turns across processes;
	// gens, when it keeps them, tell when a copy of a dialogue is stale.
	locker DialogueLocker
	gens   DialogueGenerations
	// leaser, when the store is one, serializes turns across nodes with
	// leases (and locker and gens are nil).
	leaser DialogueLeaser

	locks keyLock // one per dialogue key

	queries *batchLogger[*store.Query]      // nil without Options.QueryLog
	turns   *batchLogger[*store.TurnRecord] // nil without Options.TurnLog

	hooks      map[string]cachedHooks // event webhooks by assistant SID
	eventSlots chan struct{}          // one per event webhook call in flight
	eventCalls sync.WaitGroup
}

// New returns an Engine.
func New(s Store, w Webhooks, opts Options) *Engine {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	if opts.MaxMemory <= 0 {
		opts.MaxMemory = 16 << 10
	}
	if opts.DialogueTimeout <= 0 {
		opts.DialogueTimeout = 4 * time.Hour
	}
	if opts.AssistantRefresh == 0 {
		opts.AssistantRefresh = time.Second
	}
	if opts.DefaultMaxAttempts <= 0 {
		opts.DefaultMaxAttempts = 3
	}
	if opts.TurnTimeout <= 0 {
		opts.TurnTimeout = DefaultTurnTimeout
	}
	if opts.MaxCacheBytes <= 0 {
		opts.MaxCacheBytes = DefaultMaxCacheBytes
	}
	e := &Engine{store: s, webhooks: w, opts: opts, log: opts.Logger, cache: newCompiledCache(opts.MaxCacheBytes), refs: map[string]cachedRef{}, dialogues: map[string]cachedDialogue{},
		hooks: map[string]cachedHooks{}, eventSlots: make(chan struct{}, maxEventCalls)}
	if e.leaser, _ = s.(DialogueLeaser); e.leaser == nil {
		if e.locker, _ = s.(DialogueLocker); e.locker != nil {
			e.gens, _ = s.(DialogueGenerations)
		}
	}
	if opts.QueryLog != nil {
		e.queries = newQueryLogger(opts.QueryLog, opts.Logger)
	}
	if opts.TurnLog != nil {
		e.turns = newTurnLogger(opts.TurnLog, opts.Logger)
	}
	return e
}

// Close waits for the event webhook calls in flight and writes the queries
// still waiting to be logged. Turns must not run after it.
func (e *Engine) Close() error {
	e.eventCalls.Wait()
	if e.turns != nil {
		e.turns.close()
	}
	if e.queries != nil {
		e.queries.close()
	}
	return nil
}

// A Turn is one incoming user message, as a channel decoded it.
type Turn struct {
	AccountSID string
	AuthToken  string // the account's token: signs the outbound requests
	Assistant  string // SID or unique name

	// Channel is the Channel parameter webhooks receive ("sms", "voice",
	// or a custom channel's name). MemoryKey is the key of the channel's data
	// under Memory.twilio ("sms", "custom.cli").
	Channel     string
	MemoryKey   string
	ChannelData map[string]any

	UserID string
	// Thread, when set, is part of the dialogue's identity beside the
	// channel and the user: the number a text message was sent to, the SID
	// of a call.
	Thread   string
	Text     string
	Digits   string // DTMF digits on voice
	Language string
	// Log, when the engine has a TurnLog, logs this turn with its trace
	// (Options.LogAllTurns logs every turn).
	Log bool
	// Initiate, on a new dialogue, runs defaults.assistant_initiation
	// instead of understanding Text: a call that has just connected. With
	// no assistant_initiation the bot listens.
	Initiate bool

	// RequestID, when set, is on every log line of the turn.
	RequestID string
	// TargetTask, on the first turn of a dialogue, runs that task instead of
	// asking the NLU. Memory seeds a new dialogue's Memory (a JSON object).
	TargetTask string
	Memory     json.RawMessage

	// PublicURL is this server's base URL as the webhooks reach it, for
	// DialoguePayloadUrl; Options.PublicURL when empty.
	PublicURL string
}

// A Reply is the bot's answer to a Turn.
type Reply struct {
	DialogueSID string
	CurrentTask string

	Says  []Say
	Plays []actions.Play
	Shows []actions.Show
	// Order says in which order the says, plays and shows came: the n-th
	// OutputSay is Says[n], and so on.
	Order []Output

	// Listen is set when the dialogue waits for the user (after listen or a
	// collect question); Question then names the pending collect question.
	Listen   *actions.Listen
	Question string
	Handoff  *actions.Handoff
	Ended    bool

	Memory json.RawMessage
	// SayVoice is the style sheet's voice.say_voice, for voice channels.
	SayVoice string
	// Request holds the parameters of an Autopilot Request as the turn left
	// the dialogue, when it ended or handed off: what a voice channel
	// passes on to the TwiML that takes the call over.
	Request url.Values

	// Confidence, NextBest and Fields are what understanding made of the
	// input, as the Autopilot Request carries them.
	Confidence float64
	NextBest   string
	Fields     []nlu.Field
	// Webhooks lists the turn's requests to webhooks (actions URLs and
	// redirects), in order.
	Webhooks []WebhookCall

	// Redirects lists the redirect targets followed this turn, in order.
	Redirects []string
	// Faults lists what failed this turn.
	Faults []Fault
	// Fallback is set when the fallback ran: no task was understood, or
	// something failed.
	Fallback bool
}

// A WebhookCall is one request of a turn to a webhook.
type WebhookCall struct {
	Method, URL string
	Status      int // the HTTP status; 0 when no answer came
	Took        time.Duration
	Error       string // why it failed, if it did
}

// An Output is the kind of one of a reply's outputs.
type Output uint8

// The kinds of output.
const (
	OutputSay Output = iota
	OutputPlay
	OutputShow
)

// Outputs calls say, play and show on the reply's says, plays and shows,
// in the order the actions made them; a nil function skips its kind.
func (r *Reply) Outputs(say func(Say), play func(actions.Play), show func(actions.Show)) {
	var says, plays, shows int
	for _, o := range r.Order {
		switch o {
		case OutputSay:
			if say != nil {
				say(r.Says[says])
			}
			says++
		case OutputPlay:
			if play != nil {
				play(r.Plays[plays])
			}
			plays++
		case OutputShow:
			if show != nil {
				show(r.Shows[shows])
			}
			shows++
		}
	}
}

// A Say is one message of the bot: Speech as written (SSML included) and Text
// with the SSML markup removed.
type Say struct {
	Speech string `json:"speech"`
	Text   string `json:"text"`
}

// A Fault is one failure during a turn, with the Twilio error code that names
// it (90100 invalid Actions JSON or Memory, 11200 HTTP failure, ...).
type Fault struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (f Fault) String() string { return fmt.Sprintf("%d: %s", f.Code, f.Message) }

// ErrAssistantNotFound is returned by Handle for an unknown assistant.
var ErrAssistantNotFound = errors.New("assistant not found")

// An Observer is told what turns do, for metrics; its methods must be
// cheap and safe for concurrent use. *metrics.Metrics is one.
type Observer interface {
	// Turn is a turn's channel kind ("custom", "sms", ...), outcome (ok,
	// fallback, fault or error) and duration.
	Turn(channel, outcome string, took time.Duration)
	// Classified is the NLU's confidence in a message's task, understood
	// false when it found none.
	Classified(confidence float64, understood bool)
}

// DefaultMaxCacheBytes is Options.MaxCacheBytes' default.
const DefaultMaxCacheBytes = 128 << 20

// DefaultTurnTimeout is Options.TurnTimeout's default.
const DefaultTurnTimeout = 60 * time.Second

// saveTimeout bounds the save of a turn's dialogue, which does not depend on
// the turn's own context: what the turn did (webhooks it called) is kept
// even when its client went away or its deadline passed.
const saveTimeout = 10 * time.Second

// ErrUnknownTargetTask is returned by Handle for a Turn whose TargetTask
// names no task of the assistant: nothing is run or stored.
var ErrUnknownTargetTask = errors.New("unknown target task")

// ErrMemoryTooLarge is returned by Handle for a Turn whose Memory seed is
// larger than Options.MaxMemory: nothing is run or stored.
var ErrMemoryTooLarge = errors.New("memory seed too large")

// ErrUnavailable wraps the errors of the turns that could not run at all,
// the turn's own request being fine: its store failed (a database that is
// down or restarting), or it ran out of time before its dialogue could be
// read. Nothing of the turn was saved; the same turn may be sent again.
var ErrUnavailable = errors.New("the turn could not run now")

// classify wraps the errors of handle that are not the request's fault in
// ErrUnavailable.
func (e *Engine) classify(r *Reply, err error) (*Reply, error) {
	if err == nil || errors.Is(err, ErrAssistantNotFound) || errors.Is(err, ErrUnknownTargetTask) || errors.Is(err, ErrMemoryTooLarge) {
		return r, err
	}
	return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// maxSaveAttempts bounds how often a turn is run again after another
// process changed its dialogue first.
const maxSaveAttempts = 16

// Handle runs one turn and returns the bot's reply once the dialogue's new
// state is saved.
func (e *Engine) Handle(ctx context.Context, t Turn) (*Reply, error) {
	if e.opts.Observer == nil {
		return e.classify(e.handle(ctx, t))
	}
	start := time.Now()
	reply, err := e.classify(e.handle(ctx, t))
	outcome := "ok"
	switch {
	case err != nil:
		outcome = "error"
	case len(reply.Faults) > 0:
		outcome = "fault"
	case reply.Fallback:
		outcome = "fallback"
	}
	e.opts.Observer.Turn(channelKind(t), outcome, time.Since(start))
	return reply, err
}

// channelKind is the kind of a turn's channel, a metric's label: "custom"
// for every custom channel, whatever its name, else the channel.
func channelKind(t Turn) string {
	if kind, _, ok := strings.Cut(t.MemoryKey, "."); ok {
		return kind
	}
	return t.Channel
}

func (e *Engine) handle(ctx context.Context, t Turn) (*Reply, error) {
	if len(t.Memory) > e.opts.MaxMemory {
		return nil, fmt.Errorf("%w: %d bytes, over the limit of %d", ErrMemoryTooLarge, len(t.Memory), e.opts.MaxMemory)
	}
	ref, err := e.assistantRef(ctx, t.AccountSID, t.Assistant)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrAssistantNotFound, t.Assistant)
	}
	if err != nil {
		return nil, fmt.Errorf("handle turn: %w", err)
	}
	c, err := e.compiled(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		e.Forget(t.AccountSID)
		return nil, fmt.Errorf("%w: %s", ErrAssistantNotFound, t.Assistant)
	}
	if err != nil {
		return nil, fmt.Errorf("handle turn: %w", err)
	}
	if t.TargetTask != "" && c.a.Task(t.TargetTask) == nil {
		return nil, fmt.Errorf("%w: %q is not a task of %s", ErrUnknownTargetTask, t.TargetTask, c.a.UniqueName)
	}
	if t.MemoryKey == "" {
		t.MemoryKey = t.Channel
	}

	key := dialogueKey(ref.SID, t)
	h, err := e.hold(ctx, key, ref.SID, t.storeChannel(), t.UserID)
	if err != nil {
		return nil, fmt.Errorf("handle turn: %w", err)
	}
	defer h.release()

	for attempt := 1; ; attempt++ {
		reply, err := e.handleOnce(ctx, c, t, h)
		if err != nil {
			e.forget(key)
		}
		if errors.Is(err, store.ErrConflict) && attempt < maxSaveAttempts {
			// Another process changed this dialogue since we read it: run
			// the turn again on the new state, after a random pause that
			// lets the other process finish its own run of turns.
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(rand.Int64N(int64(attempt) * int64(2*time.Millisecond)))):
			}
			continue
		}
		if errors.Is(err, store.ErrNotFound) {
			// The assistant went away while the engine trusted its copy.
			e.Forget(t.AccountSID)
			if _, rerr := e.store.AssistantRef(ctx, t.AccountSID, t.Assistant); errors.Is(rerr, store.ErrNotFound) {
				return nil, fmt.Errorf("%w: %s", ErrAssistantNotFound, t.Assistant)
			}
		}
		return reply, err
	}
}

type cachedRef struct {
	ref     store.AssistantRef
	fetched time.Time
}

// assistantRef returns the head of an assistant, from the store at most once
// per AssistantRefresh.
func (e *Engine) assistantRef(ctx context.Context, accountSID, name string) (store.AssistantRef, error) {
	key := accountSID + "\x00" + name
	now := time.Now()
	e.mu.Lock()
	c, ok := e.refs[key]
	e.mu.Unlock()
	if ok && now.Sub(c.fetched) < e.opts.AssistantRefresh {
		return c.ref, nil
	}
	ref, err := e.store.AssistantRef(ctx, accountSID, name)
	if err != nil {
		return ref, err
	}
	e.mu.Lock()
	if len(e.refs) > 10000 {
		clear(e.refs)
	}
	e.refs[key] = cachedRef{ref: ref, fetched: now}
	e.mu.Unlock()
	return ref, nil
}

// Forget drops what the engine knows of the account's assistants, so that
// its next turn or query reads them from the store: the REST API calls it
// after every change, so that this process sees changes at once.
func (e *Engine) Forget(accountSID string) {
	prefix := accountSID + "\x00"
	e.mu.Lock()
	defer e.mu.Unlock()
	for k := range e.refs {
		if strings.HasPrefix(k, prefix) {
			delete(e.refs, k)
		}
	}
	clear(e.hooks)
}

// maxCachedDialogues bounds the engine's copies of active dialogues.
const maxCachedDialogues = 100_000

// activeDialogue returns the active dialogue of a key: the engine's own copy
// of the one it last saved, while no other process saved it since (see
// DialogueLocker), else the store's. Should a copy be outdated all the same
// (a store that is no DialogueLocker, shared by processes), the
// compare-and-swap of SaveDialogue fails with ErrConflict and the turn runs
// again on the store's version.
func (e *Engine) activeDialogue(ctx context.Context, key, assistantSID, channel, userID string) (*store.Dialogue, error) {
	e.mu.Lock()
	c, ok := e.dialogues[key]
	e.mu.Unlock()
	shared := e.locker != nil || e.leaser != nil
	if ok && (!shared || e.gens != nil && e.gens.DialogueGeneration(key) == c.generation) {
		cp := *c.d
		return &cp, nil
	}
	return e.store.ActiveDialogue(ctx, assistantSID, channel, userID)
}

// A cachedDialogue is a copy of a dialogue this engine saved, with the
// generation its save left (see DialogueLocker).
type cachedDialogue struct {
	d          *store.Dialogue
	generation uint64
}

// saved records a save of the dialogue of key: its new generation, and a
// copy of it while it is active.
func (e *Engine) saved(key string, d *store.Dialogue) {
	var gen uint64
	if e.gens != nil {
		gen = e.gens.BumpDialogueGeneration(key)
	}
	if d.Status != store.DialogueActive || (e.locker != nil || e.leaser != nil) && e.gens == nil {
		e.forget(key)
		return
	}
	cp := *d
	e.mu.Lock()
	if len(e.dialogues) >= maxCachedDialogues {
		clear(e.dialogues)
	}
	e.dialogues[key] = cachedDialogue{&cp, gen}
	e.mu.Unlock()
}

func (e *Engine) forget(key string) {
	e.mu.Lock()
	delete(e.dialogues, key)
	e.mu.Unlock()
}

// dialogueKey is the key of t's dialogue among the engine's locks and
// cached dialogues.
func dialogueKey(assistantSID string, t Turn) string {
	return assistantSID + "\x00" + t.storeChannel() + "\x00" + t.UserID
}

// storeChannel is the channel a dialogue is stored under: the channel's
// memory key, and its thread after a space when it has one.
func (t Turn) storeChannel() string {
	if t.Thread == "" {
		return t.MemoryKey
	}
	return t.MemoryKey + " " + t.Thread
}

// End ends the active dialogue of the user and thread t names, if there is
// one: a call that hung up. The assistant's onDialogueEnd webhooks are
// called, as when a turn ends a dialogue.
func (e *Engine) End(ctx context.Context, t Turn) error {
	ref, err := e.assistantRef(ctx, t.AccountSID, t.Assistant)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrAssistantNotFound, t.Assistant)
	}
	if err != nil {
		return fmt.Errorf("end dialogue: %w", err)
	}
	if t.MemoryKey == "" {
		t.MemoryKey = t.Channel
	}
	key := dialogueKey(ref.SID, t)
	h, err := e.hold(ctx, key, ref.SID, t.storeChannel(), t.UserID)
	if err != nil {
		return fmt.Errorf("end dialogue: %w", err)
	}
	defer h.release()
	d, err := h.active(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("end dialogue: %w", err)
	}
	e.forget(key)
	c, err := e.compiled(ctx, ref)
	if err != nil {
		return fmt.Errorf("end dialogue %s: %w", d.SID, err)
	}
	st, err := decodeState(d.State)
	if err != nil {
		return fmt.Errorf("end dialogue %s: %w", d.SID, err)
	}
	r := &run{e: e, c: c, t: t, d: d, st: st, now: e.opts.Now().UTC(), reply: &Reply{DialogueSID: d.SID}}
	r.log = e.log.With("assistant_sid", c.a.SID, "dialogue_sid", d.SID, "channel", t.Channel)
	r.hooks = e.eventHooks(ctx, c.a.AccountSID, c.a.SID)
	r.event(EventDialogueEnd, nil)
	d.Status = store.DialogueEnded
	if err := h.saveLast(ctx, d); err != nil {
		return fmt.Errorf("end dialogue %s: %w", d.SID, err)
	}
	e.dispatch(r)
	return nil
}

func (e *Engine) handleOnce(ctx context.Context, c *compiled, t Turn, h *hold) (*Reply, error) {
	now := e.opts.Now().UTC()
	d, err := h.active(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load dialogue: %w", err)
	}
	if d != nil && now.Sub(d.DateUpdated) > e.opts.DialogueTimeout {
		// The user came back after the dialogue timed out: close it, start anew.
		d.Status = store.DialogueEnded
		if err := h.save(ctx, d); err != nil {
			return nil, fmt.Errorf("end timed-out dialogue: %w", err)
		}
		d = nil
	}
	var st *state
	if d == nil {
		d = &store.Dialogue{
			SID:          twilio.NewSID(twilio.PrefixDialogue),
			AccountSID:   c.a.AccountSID,
			AssistantSID: c.a.SID,
			Channel:      t.storeChannel(),
			UserID:       t.UserID,
			Status:       store.DialogueActive,
		}
		st, err = newState(t)
		if err != nil {
			return nil, err
		}
	} else {
		st, err = decodeState(d.State)
		if err != nil {
			return nil, fmt.Errorf("dialogue %s: %w", d.SID, err)
		}
		if len(t.ChannelData) > 0 {
			// The channel's data is the latest message's.
			st.twilio()[t.MemoryKey] = maps.Clone(t.ChannelData)
		}
	}

	r := &run{e: e, c: c, t: t, d: d, st: st, now: now, reply: &Reply{DialogueSID: d.SID}}
	r.log = e.log.With("assistant_sid", c.a.SID, "dialogue_sid", d.SID, "channel", t.Channel)
	if t.RequestID != "" {
		r.log = r.log.With("request_id", t.RequestID)
	}
	r.hooks = e.eventHooks(ctx, c.a.AccountSID, c.a.SID)
	if d.Version == 0 {
		r.event(EventDialogueStart, nil)
	}
	runCtx, cancelRun := context.WithTimeout(ctx, e.opts.TurnTimeout)
	r.turn(runCtx)
	cancelRun()
	r.event(EventDialogueTurn, nil)
	if r.reply.Ended {
		r.event(EventDialogueEnd, nil)
	}

	st.Turns++
	d.State, err = st.encode()
	if err != nil {
		return nil, fmt.Errorf("dialogue %s: %w", d.SID, err)
	}
	if r.reply.Ended {
		d.Status = store.DialogueEnded
	}
	sctx, cancelSave := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer cancelSave()
	if err := h.saveLast(sctx, d); err != nil {
		return nil, fmt.Errorf("save dialogue %s: %w", d.SID, err)
	}
	e.dispatch(r)
	if e.turns != nil && (t.Log || e.opts.LogAllTurns) {
		defer func() { e.logTurn(t, c.a.SID, r.reply) }()
	}
	if r.query != nil && e.queries != nil {
		e.queries.add(r.query)
	}
	r.reply.CurrentTask = st.CurrentTask
	r.reply.Confidence, r.reply.NextBest, r.reply.Fields = st.Confidence, st.NextBest, st.Fields
	r.reply.SayVoice = c.style.SayVoice
	if r.reply.Ended || r.reply.Handoff != nil {
		r.reply.Request = r.params()
	}
	r.reply.Memory, err = st.memoryJSON()
	if err != nil {
		return nil, err
	}
	return r.reply, nil
}

// traceJSON is a logged turn's trace: what the console's Dialogues page
// shows of it.
type traceJSON struct {
	Says       []string        `json:"says"`
	Shows      []actions.Show  `json:"shows,omitempty"`
	Question   string          `json:"question,omitempty"`
	Confidence float64         `json:"confidence"`
	NextBest   string          `json:"next_best,omitempty"`
	Fields     []nlu.Field     `json:"fields,omitempty"`
	Redirects  []string        `json:"redirects,omitempty"`
	Webhooks   []WebhookCall   `json:"webhooks,omitempty"`
	Faults     []Fault         `json:"faults,omitempty"`
	Fallback   bool            `json:"fallback,omitempty"`
	Ended      bool            `json:"ended,omitempty"`
	Memory     json.RawMessage `json:"memory,omitempty"`
}

// logTurn queues a turn and its trace for the turn log.
func (e *Engine) logTurn(t Turn, assistantSID string, r *Reply) {
	tr := traceJSON{Says: []string{}, Shows: r.Shows, Question: r.Question, Confidence: r.Confidence, NextBest: r.NextBest,
		Fields: r.Fields, Redirects: r.Redirects, Webhooks: r.Webhooks, Faults: r.Faults, Fallback: r.Fallback, Ended: r.Ended, Memory: r.Memory}
	for _, s := range r.Says {
		tr.Says = append(tr.Says, s.Text)
	}
	data, err := json.Marshal(tr)
	if err != nil {
		return
	}
	input := t.Text
	if input == "" && t.Digits != "" {
		input = t.Digits
	}
	e.turns.add(&store.TurnRecord{AccountSID: t.AccountSID, AssistantSID: assistantSID, DialogueSID: r.DialogueSID, Channel: t.Channel,
		UserID: t.UserID, Input: input, Task: r.CurrentTask, Trace: data})
}

package dialogue

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

// Event webhooks (the Webhooks resource): an assistant's webhooks subscribe
// to events of its dialogues, and the engine calls them after the turn that
// raised the events is saved, in the background: their answers are ignored,
// and a slow or failing one holds up no conversation.
const (
	EventDialogueStart     = "onDialogueStart"
	EventDialogueEnd       = "onDialogueEnd"
	EventDialogueTaskStart = "onDialogueTaskStart"
	EventDialogueTaskEnd   = "onDialogueTaskEnd"
	EventDialogueTurn      = "onDialogueTurn"
	EventCollectAttempt    = "onCollectAttempt"
	EventActionsFetch      = "onActionsFetch"
)

// Events are the events a webhook can subscribe to.
var Events = []string{EventDialogueStart, EventDialogueEnd, EventDialogueTaskStart, EventDialogueTaskEnd,
	EventDialogueTurn, EventCollectAttempt, EventActionsFetch}

// eventTimeout bounds one event webhook call (Autopilot's 30 s).
const eventTimeout = 30 * time.Second

// maxEventCalls bounds the event webhook calls in flight; events beyond it
// are dropped (and logged) rather than queued without end.
const maxEventCalls = 256

// An event is one occurrence, with the Autopilot Request parameters of the
// moment it happened.
type event struct {
	name   string
	params url.Values
}

type cachedHooks struct {
	hooks   []store.Webhook
	fetched time.Time
}

// eventHooks returns the assistant's event webhooks, trusted for
// AssistantRefresh like the assistant itself.
func (e *Engine) eventHooks(ctx context.Context, accountSID, assistantSID string) []store.Webhook {
	now := time.Now()
	e.mu.Lock()
	c, ok := e.hooks[assistantSID]
	e.mu.Unlock()
	if ok && now.Sub(c.fetched) < e.opts.AssistantRefresh {
		return c.hooks
	}
	hooks, err := e.store.Webhooks(ctx, accountSID, assistantSID)
	if err != nil {
		e.log.Warn("event webhooks", "assistant_sid", assistantSID, "error", err)
		return c.hooks
	}
	e.mu.Lock()
	if len(e.hooks) > 10000 {
		clear(e.hooks)
	}
	e.hooks[assistantSID] = cachedHooks{hooks: hooks, fetched: now}
	e.mu.Unlock()
	return hooks
}

// wants reports whether a webhook subscribes to the event.
func wants(h store.Webhook, name string) bool {
	return slices.Contains(strings.Fields(h.Events), name)
}

// event records that name happened, when a webhook of the assistant wants
// it: the turn's parameters now, the event's name and time, and extra.
func (r *run) event(name string, extra url.Values) {
	if !slices.ContainsFunc(r.hooks, func(h store.Webhook) bool { return wants(h, name) }) {
		return
	}
	p := r.params()
	p.Set("Event", name)
	p.Set("Timestamp", r.now.Format(time.RFC3339))
	for k, v := range extra {
		p[k] = v
	}
	r.events = append(r.events, event{name: name, params: p})
}

// dispatch calls the webhooks of a saved turn's events in the background.
func (e *Engine) dispatch(r *run) {
	for _, ev := range r.events {
		for _, h := range r.hooks {
			if !wants(h, ev.name) {
				continue
			}
			select {
			case e.eventSlots <- struct{}{}:
			default:
				r.log.Warn("event webhook dropped: too many in flight", "event", ev.name, "url", h.WebhookURL)
				continue
			}
			e.eventCalls.Add(1)
			go func() {
				defer func() { <-e.eventSlots; e.eventCalls.Done() }()
				ctx, cancel := context.WithTimeout(context.Background(), eventTimeout)
				defer cancel()
				_, err := e.webhooks.Do(ctx, webhook.Request{Method: h.WebhookMethod, URL: h.WebhookURL, Params: ev.params, AuthToken: r.t.AuthToken})
				if err != nil {
					r.log.Warn("event webhook", "event", ev.name, "url", h.WebhookURL, "error", err)
				}
			}()
		}
	}
}

// collectParams are the extra parameters of onCollectAttempt.
func collectParams(field string, ok bool, value string) url.Values {
	return url.Values{"CollectFieldName": {field}, "CollectSuccess": {strconv.FormatBool(ok)}, "CollectOutput": {value}}
}

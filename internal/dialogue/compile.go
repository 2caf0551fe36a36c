package dialogue

import (
	"container/list"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
)

// compiled is an assistant made ready to run: actions parsed, NLU trained,
// field types resolved. It is immutable once built.
type compiled struct {
	revision int64
	build    string // the model build whose model it uses; "" when trained here
	a        *assistant.Assistant
	tasks    map[string]*compiledTask // by unique name, and by lower-cased name
	defaults actions.Defaults
	style    actions.StyleSheet
	types    nlu.TypeResolver // field types: the assistant's custom ones, else Twilio.*
	nlu      Classifier

	// problems found while compiling; each fails the turn that meets it.
	defaultsErr, styleErr error
}

type compiledTask struct {
	t   *assistant.Task
	doc *actions.Document // nil when the task fetches its actions from ActionsURL
	err error             // why the static actions are invalid
}

// compiled returns the compiled assistant of ref, building it when the cache
// has none of ref's revision.
func (e *Engine) compiled(ctx context.Context, ref store.AssistantRef) (*compiled, error) {
	c := e.cache.get(ref.SID)
	if c != nil && c.revision == ref.Revision && c.build == ref.ModelBuildSID {
		return c, nil
	}
	a, err := e.store.Assistant(ctx, ref.AccountSID, ref.SID)
	if err != nil {
		return nil, fmt.Errorf("load assistant %s: %w", ref.SID, err)
	}
	c, err = e.compile(ctx, a, ref.ModelBuildSID)
	if err != nil {
		return nil, err
	}
	e.cache.put(ref.SID, c)
	return c, nil
}

// A compiledCache keeps compiled assistants by SID, least recently used
// out when their estimated size passes max bytes. It is safe for
// concurrent use.
type compiledCache struct {
	max int

	mu    sync.Mutex
	bytes int
	lru   *list.List // of *cacheEntry, most recently used first
	bySID map[string]*list.Element
}

type cacheEntry struct {
	sid  string
	c    *compiled
	size int
}

func newCompiledCache(max int) *compiledCache {
	return &compiledCache{max: max, lru: list.New(), bySID: map[string]*list.Element{}}
}

func (cc *compiledCache) get(sid string) *compiled {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	el, ok := cc.bySID[sid]
	if !ok {
		return nil
	}
	cc.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).c
}

// put keeps c for sid, replacing what was there, and lets go of the least
// recently used others while the total is over max (c itself stays, however
// large).
func (cc *compiledCache) put(sid string, c *compiled) {
	size := c.size()
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if el, ok := cc.bySID[sid]; ok {
		cc.bytes -= el.Value.(*cacheEntry).size
		cc.lru.Remove(el)
	}
	cc.bySID[sid] = cc.lru.PushFront(&cacheEntry{sid, c, size})
	cc.bytes += size
	for cc.bytes > cc.max && cc.lru.Len() > 1 {
		last := cc.lru.Back()
		e := last.Value.(*cacheEntry)
		cc.lru.Remove(last)
		delete(cc.bySID, e.sid)
		cc.bytes -= e.size
	}
}

// len reports how many compiled assistants the cache holds.
func (cc *compiledCache) len() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.lru.Len()
}

// size estimates the bytes a compiled assistant holds: its model and its
// tasks.
func (c *compiled) size() int {
	n := 4096
	if s, ok := c.nlu.(interface{ Size() int }); ok {
		n += s.Size()
	}
	for _, t := range c.a.Tasks {
		n += 2048 + len(t.Actions)
	}
	return n
}

func (e *Engine) compile(ctx context.Context, a *assistant.Assistant, build string) (*compiled, error) {
	c := &compiled{
		revision: a.Revision,
		a:        a,
		tasks:    make(map[string]*compiledTask, 2*len(a.Tasks)),
		types:    nlu.Types(a),
	}
	for i := range a.Tasks {
		t := &a.Tasks[i]
		ct := &compiledTask{t: t}
		if len(t.Actions) > 0 || t.ActionsURL == "" {
			ct.doc, ct.err = actions.Parse(nonEmpty(t.Actions))
		}
		c.tasks[t.UniqueName] = ct
		if low := strings.ToLower(t.UniqueName); c.tasks[low] == nil {
			c.tasks[low] = ct
		}
	}
	if d, err := actions.ParseDefaults(a.Defaults); err != nil {
		c.defaultsErr = err
	} else {
		c.defaults = *d
	}
	if s, err := actions.ParseStyleSheet(a.StyleSheet); err != nil {
		c.styleErr = err
	} else {
		c.style = *s
	}
	model, err := e.model(ctx, a, c.types, build)
	if err != nil {
		return nil, err
	}
	c.nlu, c.build = model, build
	// The model holds what routing needs of the samples: the compiled
	// assistant lets go of them (a is its own copy, read for it).
	for i := range a.Tasks {
		a.Tasks[i].Samples = nil
	}
	return c, nil
}

// model returns the NLU model of the assistant's newest completed model
// build, or, when it has none (or it cannot be read), one trained now from
// its current samples.
func (e *Engine) model(ctx context.Context, a *assistant.Assistant, types nlu.TypeResolver, build string) (*nlu.Model, error) {
	if build != "" {
		b, err := e.store.LatestCompletedModelBuild(ctx, a.SID)
		if err == nil {
			m, err := nlu.LoadModel(b.Model, types)
			if err == nil {
				return m, nil
			}
			e.log.Warn("model build unreadable; training in memory", "assistant_sid", a.SID, "model_build", b.SID, "error", err)
		} else {
			e.log.Warn("model build not found; training in memory", "assistant_sid", a.SID, "model_build", build, "error", err)
		}
	}
	m, err := builds.TrainModel(ctx, a, types)
	if err != nil {
		return nil, fmt.Errorf("assistant %s: train: %w", a.UniqueName, err)
	}
	return m, nil
}

func nonEmpty(doc []byte) []byte {
	if len(doc) == 0 {
		return []byte(`{"actions":[]}`)
	}
	return doc
}

// task returns the task named name (exactly, else case-insensitively).
func (c *compiled) task(name string) *compiledTask {
	if t := c.tasks[name]; t != nil {
		return t
	}
	return c.tasks[strings.ToLower(name)]
}

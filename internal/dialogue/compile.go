package dialogue

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/fields"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
)

// compiled is an assistant made ready to run: actions parsed, NLU trained,
// field types resolved. It is immutable once built.
type compiled struct {
	revision int64
	a        *assistant.Assistant
	tasks    map[string]*compiledTask // by unique name, and by lower-cased name
	defaults actions.Defaults
	style    actions.StyleSheet
	types    nlu.TypeResolver
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
	e.mu.Lock()
	c := e.cache[ref.SID]
	e.mu.Unlock()
	if c != nil && c.revision == ref.Revision {
		return c, nil
	}
	a, err := e.store.Assistant(ctx, ref.AccountSID, ref.SID)
	if err != nil {
		return nil, fmt.Errorf("load assistant %s: %w", ref.SID, err)
	}
	c, err = e.compile(a)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if old := e.cache[ref.SID]; old == nil || old.revision < c.revision {
		e.cache[ref.SID] = c
	}
	e.mu.Unlock()
	return c, nil
}

func (e *Engine) compile(a *assistant.Assistant) (*compiled, error) {
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
	model, err := e.opts.Train(a, c.types)
	if err != nil {
		return nil, fmt.Errorf("assistant %s: train: %w", a.UniqueName, err)
	}
	c.nlu = model
	return c, nil
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

// fieldType resolves a field type name: a custom type of the assistant, or a
// built-in Twilio.* type.
func (c *compiled) fieldType(name string) (fields.Extractor, bool) { return c.types(name) }

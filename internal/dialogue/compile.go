package dialogue

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
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
	e.mu.Lock()
	c := e.cache[ref.SID]
	e.mu.Unlock()
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
	e.mu.Lock()
	e.cache[ref.SID] = c
	e.mu.Unlock()
	return c, nil
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
	m, err := trainModel(ctx, a, types)
	if err != nil {
		return nil, fmt.Errorf("assistant %s: train: %w", a.UniqueName, err)
	}
	return m, nil
}

// trainModel trains the NLU model of an assistant as the engine routes with
// it: the sample matcher and the classifier.
func trainModel(ctx context.Context, a *assistant.Assistant, types nlu.TypeResolver) (*nlu.Model, error) {
	return nlu.TrainModel(a, types, nlu.ModelOptions{Classifier: true, Threshold: a.NLUThreshold, Train: nlu.TrainOptions{Context: ctx}})
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

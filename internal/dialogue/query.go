package dialogue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
)

// A QueryResult is what the NLU makes of an utterance, in the shape of
// Autopilot's Query resource results: the task (the fallback task's name
// when none fits), its fields, the confidence and the next best task.
type QueryResult struct {
	// SID is the logged Query (UH…) when the assistant logs queries, else "".
	SID string `json:"-"`
	// ModelBuildSID is the build whose model classified, "" for a model
	// trained in memory (no build completed yet).
	ModelBuildSID string      `json:"-"`
	Task          string      `json:"task"`
	Fields        []nlu.Field `json:"fields"`
	Confidence    float64     `json:"confidence"`
	NextBestTask  string      `json:"next_best_task"`
}

// queryResult turns an NLU result into the Query resource's results.
func queryResult(c *compiled, res nlu.Result) *QueryResult {
	out := &QueryResult{Task: res.Task, Fields: res.Fields, Confidence: res.Confidence, NextBestTask: res.NextBest, ModelBuildSID: c.build}
	if out.Fields == nil {
		out.Fields = []nlu.Field{}
	}
	if out.Task == "" {
		// No task fits: Autopilot reported the fallback task.
		if name, ok := (&actions.Redirect{URI: c.defaults.Fallback}).Task(); ok {
			out.Task = name
		}
		out.Confidence = 0
	}
	return out
}

// queryRecord is the Query resource's record of a classification.
func (c *compiled) queryRecord(q nlu.Query, language string, out *QueryResult) (*store.Query, error) {
	results, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &store.Query{AccountSID: c.a.AccountSID, AssistantSID: c.a.SID, Language: language, Query: q.Text,
		Tasks: strings.Join(q.Tasks, ","), ModelBuildSID: c.build, Results: results}, nil
}

// QueryLog stores the queries of assistants that log them; *sqlite.DB is one.
type QueryLog interface {
	CreateQuery(ctx context.Context, q *store.Query) error
}

// Query classifies text with the assistant's model, restricted to tasks when
// not empty, without running anything or touching any dialogue. When the
// assistant logs queries and log is not nil, the query and its results are
// stored (status pending-review), and the result carries its SID.
func (e *Engine) Query(ctx context.Context, log QueryLog, accountSID, assistantName, language, text string, tasks []string) (*QueryResult, error) {
	return e.QueryBuild(ctx, log, accountSID, assistantName, "", language, text, tasks)
}

// QueryBuild is Query with the model of a given completed model build (SID
// or unique name) instead of the newest; "" means the newest.
func (e *Engine) QueryBuild(ctx context.Context, log QueryLog, accountSID, assistantName, build, language, text string, tasks []string) (*QueryResult, error) {
	ref, err := e.assistantRef(ctx, accountSID, assistantName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrAssistantNotFound, assistantName)
	}
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	c, err := e.compiled(ctx, ref)
	if errors.Is(err, store.ErrNotFound) {
		e.Forget(accountSID)
		return nil, fmt.Errorf("%w: %s", ErrAssistantNotFound, assistantName)
	}
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	if build != "" && build != c.build {
		if c, err = e.compiledBuild(ctx, c, build); err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
	}
	nq := nlu.Query{Text: text, Tasks: tasks, Now: e.opts.Now()}
	out := queryResult(c, c.nlu.Classify(nq))
	if log != nil && c.a.LogQueries {
		q, err := c.queryRecord(nq, language, out)
		if err != nil {
			return nil, fmt.Errorf("query: %w", err)
		}
		if err := log.CreateQuery(ctx, q); err != nil {
			return nil, fmt.Errorf("query: log: %w", err)
		}
		out.SID = q.SID
	}
	return out, nil
}

// compiledBuild returns c with the model of another completed build of its
// assistant, for a query that names one. It is not cached: such queries
// are rare, and the turns keep the newest build.
func (e *Engine) compiledBuild(ctx context.Context, c *compiled, build string) (*compiled, error) {
	b, err := e.store.ModelBuild(ctx, c.a.AccountSID, c.a.SID, build)
	if err != nil {
		return nil, fmt.Errorf("model build %s: %w", build, err)
	}
	if b.Status != store.BuildCompleted {
		return nil, fmt.Errorf("model build %s is %s: %w", b.SID, b.Status, ErrBuildNotCompleted)
	}
	if len(b.Model) == 0 {
		return nil, fmt.Errorf("model build %s: %w", b.SID, ErrModelPruned)
	}
	m, err := nlu.LoadModel(b.Model, c.types)
	if err != nil {
		return nil, fmt.Errorf("model build %s: %w", b.SID, err)
	}
	other := *c
	other.nlu, other.build = m, b.SID
	return &other, nil
}

// ErrModelPruned is returned by QueryBuild for a completed build whose model
// is no longer kept (only the newest builds' are).
var ErrModelPruned = errors.New("its model is no longer kept (only the newest builds' are): query the newest build, or build again")

// ErrBuildNotCompleted is returned by QueryBuild for a build that has not
// completed.
var ErrBuildNotCompleted = errors.New("model build not completed")

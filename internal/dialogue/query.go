package dialogue

import (
	"context"
	"errors"
	"fmt"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
)

// A QueryResult is what the NLU makes of an utterance, in the shape of
// Autopilot's Query resource results: the task (the fallback task's name
// when none fits), its fields, the confidence and the next best task.
type QueryResult struct {
	Task         string      `json:"task"`
	Fields       []nlu.Field `json:"fields"`
	Confidence   float64     `json:"confidence"`
	NextBestTask string      `json:"next_best_task"`
}

// Query classifies text with the assistant's model, restricted to tasks when
// not empty, without running anything or touching any dialogue.
func (e *Engine) Query(ctx context.Context, accountSID, assistantName, text string, tasks []string) (*QueryResult, error) {
	ref, err := e.assistantRef(ctx, accountSID, assistantName)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrAssistantNotFound, assistantName)
	}
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	c, err := e.compiled(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	res := c.nlu.Classify(nlu.Query{Text: text, Tasks: tasks, Now: e.opts.Now()})
	out := &QueryResult{Task: res.Task, Fields: res.Fields, Confidence: res.Confidence, NextBestTask: res.NextBest}
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
	return out, nil
}

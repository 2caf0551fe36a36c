// Package builds runs model builds: the job queue of builds enqueued
// through the REST API, claimed with a lease by one node at a time,
// training an assistant's NLU model from its samples, storing it, and
// calling the build's StatusCallback. Engines load the newest completed
// build's model.
package builds

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
)

// Store is what a model build needs from persistence.
type Store interface {
	Assistant(ctx context.Context, accountSID, sidOrName string) (*assistant.Assistant, error)
	CreateModelBuild(ctx context.Context, b *store.ModelBuild) error
	UpdateModelBuild(ctx context.Context, b *store.ModelBuild) error
}

// ErrInterrupted says that a model build stopped because its context
// ended; the build is enqueued again.
var ErrInterrupted = errors.New("interrupted; enqueued again")

// Build runs a model build of an assistant: it records the build as
// enqueued, then building, trains the assistant's NLU model from its current
// samples and stores it, completed, or records why it failed. name is the
// build's unique name; when empty, or already taken, the build is named by
// its SID. Engines use the newest completed build.
func Build(ctx context.Context, s Store, accountSID, assistantName, name string) (*store.ModelBuild, error) {
	a, err := s.Assistant(ctx, accountSID, assistantName)
	if err != nil {
		return nil, fmt.Errorf("model build: %w", err)
	}
	b := &store.ModelBuild{AccountSID: a.AccountSID, AssistantSID: a.SID, UniqueName: name, Revision: a.Revision, Status: store.BuildEnqueued}
	err = s.CreateModelBuild(ctx, b)
	if errors.Is(err, store.ErrExists) && name != "" {
		b.UniqueName = ""
		err = s.CreateModelBuild(ctx, b)
	}
	if err != nil {
		return nil, fmt.Errorf("model build: %w", err)
	}
	b.Status = store.BuildBuilding
	if err := s.UpdateModelBuild(ctx, b); err != nil {
		return b, fmt.Errorf("model build %s: %w", b.SID, err)
	}
	return b, train(ctx, s, a, b, DefaultKeepModels)
}

// DefaultKeepModels is how many trained models of an assistant's newest
// completed builds are kept; older builds keep their record and schema.
const DefaultKeepModels = 5

// A modelPruner drops the models of an assistant's older builds (found by
// type assertion on the store).
type modelPruner interface {
	PruneModels(ctx context.Context, assistantSID string, keep int) (int64, error)
}

// train trains the model of build b, which is building, from assistant a,
// and records the outcome in the store: completed with the model, or failed
// with the reason, which it also returns. When ctx ends first (the process
// is shutting down), training stops within a moment and the build goes back
// to the queue, enqueued, for this or another process to build; train then
// returns an error that wraps [ErrInterrupted].
func train(ctx context.Context, s Store, a *assistant.Assistant, b *store.ModelBuild, keep int) error {
	start := time.Now()
	data, trainErr := func() ([]byte, error) {
		m, err := TrainModel(ctx, a, nlu.Types(a))
		if err != nil {
			return nil, err
		}
		data, err := m.MarshalBinary()
		if err != nil {
			return nil, err
		}
		// What the build trained on, and under which SIDs, for Restore.
		if b.Schema, err = assistant.MarshalSchema(a); err != nil {
			return nil, err
		}
		b.SIDs, err = assistant.SIDsOf(a).MarshalSIDs()
		return data, err
	}()
	b.BuildDuration = int(math.Ceil(time.Since(start).Seconds()))
	// The outcome is written even when ctx is done: a build that finished
	// is kept, one that was stopped goes back to the queue.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if trainErr != nil && ctx.Err() != nil {
		b.Status, b.BuildDuration = store.BuildEnqueued, 0
		if err := s.UpdateModelBuild(sctx, b); err != nil {
			return fmt.Errorf("model build %s: interrupted, and not put back in the queue: %w", b.SID, err)
		}
		return fmt.Errorf("model build %s: %w", b.SID, ErrInterrupted)
	}
	if trainErr != nil {
		b.Status, b.ErrorMessage = store.BuildFailed, trainErr.Error()
	} else {
		b.Status, b.Model = store.BuildCompleted, data
	}
	if err := s.UpdateModelBuild(sctx, b); err != nil {
		return fmt.Errorf("model build %s: %w", b.SID, err)
	}
	if trainErr != nil {
		return fmt.Errorf("model build %s failed: %w", b.SID, trainErr)
	}
	if p, ok := s.(modelPruner); ok {
		if _, err := p.PruneModels(sctx, b.AssistantSID, keep); err != nil {
			return fmt.Errorf("model build %s: %w", b.SID, err)
		}
	}
	return nil
}

// TrainModel trains the NLU model of an assistant as engines route with
// it: the sample matcher and the classifier. Engines train with it too, in
// memory, for an assistant that has no completed build.
func TrainModel(ctx context.Context, a *assistant.Assistant, types nlu.TypeResolver) (*nlu.Model, error) {
	return nlu.TrainModel(a, types, nlu.ModelOptions{Classifier: true, Threshold: a.NLUThreshold, Train: nlu.TrainOptions{Context: ctx}})
}

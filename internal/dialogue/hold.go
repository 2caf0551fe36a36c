package dialogue

import (
	"context"

	"github.com/parleyhq/parley/internal/store"
)

// A DialogueLeaser is a store that serializes the turns of one dialogue
// across nodes with leases it keeps beside the dialogues (found by type
// assertion on the Store; PostgreSQL's): it takes a dialogue's lease and
// reads the dialogue in one round trip, and saves the dialogue and gives
// the lease back in another.
type DialogueLeaser interface {
	// LeaseDialogue waits until key's lease is free and takes it, and
	// returns the active dialogue of the assistant, channel and user, or
	// nil when there is none. It returns ctx's error if ctx ends first.
	LeaseDialogue(ctx context.Context, key, assistantSID, channel, userID string) (*store.Dialogue, error)
	// SaveDialogueAndRelease saves d as SaveDialogue does and, when the
	// save succeeds, gives key's lease back.
	SaveDialogueAndRelease(ctx context.Context, key string, d *store.Dialogue) error
	// ReleaseDialogue gives key's lease back.
	ReleaseDialogue(key string)
}

// A hold is a turn's hold on its dialogue: the engine's lock of the key,
// and across processes the store's lock or lease. It reads the dialogue
// and saves it.
type hold struct {
	e                                *Engine
	key, assistantSID, channel, user string

	unlockHere, unlockThere func()
	leased                  bool            // the store's lease is held
	first                   *store.Dialogue // read with the lease
	firstRead               bool
}

// hold takes the hold of the dialogue of key.
func (e *Engine) hold(ctx context.Context, key, assistantSID, channel, user string) (*hold, error) {
	h := &hold{e: e, key: key, assistantSID: assistantSID, channel: channel, user: user}
	h.unlockHere = e.locks.lock(key)
	var err error
	switch {
	case e.leaser != nil:
		h.first, err = e.leaser.LeaseDialogue(ctx, key, assistantSID, channel, user)
		h.leased = err == nil
	case e.locker != nil:
		h.unlockThere, err = e.locker.LockDialogue(ctx, key)
	}
	if err != nil {
		h.unlockHere()
		return nil, err
	}
	return h, nil
}

// release gives the hold back (the lease, unless the last save did).
func (h *hold) release() {
	if h.leased {
		h.e.leaser.ReleaseDialogue(h.key)
	}
	if h.unlockThere != nil {
		h.unlockThere()
	}
	h.unlockHere()
}

// active returns the active dialogue, or store.ErrNotFound.
func (h *hold) active(ctx context.Context) (*store.Dialogue, error) {
	if h.leased && !h.firstRead {
		h.firstRead = true
		if h.first == nil {
			return nil, store.ErrNotFound
		}
		return h.first, nil
	}
	return h.e.activeDialogue(ctx, h.key, h.assistantSID, h.channel, h.user)
}

// save saves d, keeping the hold.
func (h *hold) save(ctx context.Context, d *store.Dialogue) error {
	if err := h.e.store.SaveDialogue(ctx, d); err != nil {
		return err
	}
	h.e.saved(h.key, d)
	return nil
}

// saveLast saves d, the turn's last save: with a lease, it gives the lease
// back in the same step.
func (h *hold) saveLast(ctx context.Context, d *store.Dialogue) error {
	if !h.leased {
		return h.save(ctx, d)
	}
	if err := h.e.leaser.SaveDialogueAndRelease(ctx, h.key, d); err != nil {
		return err
	}
	h.leased = false
	h.e.saved(h.key, d)
	return nil
}

package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// restoreAssistant is POST /v1/Assistants/Restore: the assistant named by
// Assistant goes back to what its newest completed model build trained on
// (tasks, samples, fields, field types, defaults, style sheet), undoing the
// edits since. Tasks and field types that come back keep their SIDs.
func (s *Server) restoreAssistant(w http.ResponseWriter, r *request) error {
	name, err := r.form.required("Assistant")
	if err != nil {
		return err
	}
	ref, err := s.Store.AssistantRef(r.Context(), r.account.SID, name)
	if errors.Is(err, store.ErrNotFound) {
		return notFound("/v1/Assistants/" + name)
	}
	if err != nil {
		return err
	}
	b, err := s.Store.LatestCompletedModelBuild(r.Context(), ref.SID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && len(b.Schema) == 0) {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidValue,
			"Invalid parameter Assistant: %s has no completed model build to restore", name)
	}
	if err != nil {
		return err
	}
	a, _, err := assistant.ParseSchema(b.Schema, assistant.ImportOptions{})
	if err != nil {
		return err
	}
	cur, err := s.Store.Assistant(r.Context(), r.account.SID, ref.SID)
	if err != nil {
		return err
	}
	// The assistant's own properties stay: only its contents go back, under
	// the SIDs they had at the build (builds made before Parley kept them
	// keep the SIDs of tasks and field types of the same names).
	a.SID, a.AccountSID, a.UniqueName, a.FriendlyName, a.LogQueries = cur.SID, cur.AccountSID, cur.UniqueName, cur.FriendlyName, cur.LogQueries
	a.CallbackURL, a.CallbackEvents, a.DevelopmentStage = cur.CallbackURL, cur.CallbackEvents, cur.DevelopmentStage
	if len(b.SIDs) > 0 {
		sids, err := assistant.ParseSIDs(b.SIDs)
		if err != nil {
			return fmt.Errorf("restore: model build %s: %w", b.SID, err)
		}
		sids.Apply(a)
	}
	restored, err := s.Store.RestoreAssistant(r.Context(), a)
	if err != nil {
		return storeError(r, "assistant", a.UniqueName, err)
	}
	// The Restore resource is the assistant without url and links.
	j, err := s.assistantJSON(r, restored)
	if err != nil {
		return err
	}
	j.URL, j.Links = "", nil
	return writeJSON(w, http.StatusOK, j)
}

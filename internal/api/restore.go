package api

import (
	"errors"
	"net/http"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// restoreJSON is the Restore resource: an assistant without url and links.
type restoreJSON struct {
	AccountSID          string  `json:"account_sid"`
	SID                 string  `json:"sid"`
	UniqueName          string  `json:"unique_name"`
	FriendlyName        *string `json:"friendly_name"`
	NeedsModelBuild     bool    `json:"needs_model_build"`
	LatestModelBuildSID *string `json:"latest_model_build_sid"`
	LogQueries          bool    `json:"log_queries"`
	DevelopmentStage    string  `json:"development_stage"`
	CallbackURL         *string `json:"callback_url"`
	CallbackEvents      *string `json:"callback_events"`
	DateCreated         string  `json:"date_created"`
	DateUpdated         string  `json:"date_updated"`
}

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
	// The assistant's own properties stay: only its contents go back.
	a.SID, a.AccountSID, a.UniqueName, a.FriendlyName, a.LogQueries = cur.SID, cur.AccountSID, cur.UniqueName, cur.FriendlyName, cur.LogQueries
	a.CallbackURL, a.CallbackEvents, a.DevelopmentStage = cur.CallbackURL, cur.CallbackEvents, cur.DevelopmentStage
	restored, err := s.Store.ImportAssistant(r.Context(), a)
	if err != nil {
		return storeError(r, "assistant", a.UniqueName, err)
	}
	j, err := s.assistantJSON(r, restored)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, restoreJSON{
		AccountSID: j.AccountSID, SID: j.SID, UniqueName: j.UniqueName, FriendlyName: j.FriendlyName,
		NeedsModelBuild: j.NeedsModelBuild, LatestModelBuildSID: j.LatestModelBuildSID, LogQueries: j.LogQueries,
		DevelopmentStage: j.DevelopmentStage, CallbackURL: j.CallbackURL, CallbackEvents: j.CallbackEvents,
		DateCreated: j.DateCreated, DateUpdated: j.DateUpdated,
	})
}

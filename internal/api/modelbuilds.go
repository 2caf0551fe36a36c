package api

import (
	"net/http"
	"slices"

	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

type modelBuildJSON struct {
	AccountSID    string `json:"account_sid"`
	AssistantSID  string `json:"assistant_sid"`
	SID           string `json:"sid"`
	UniqueName    string `json:"unique_name"`
	Status        string `json:"status"`
	BuildDuration *int   `json:"build_duration"`
	ErrorCode     *int   `json:"error_code"`
	// ErrorMessage says why a build failed (a Parley addition).
	ErrorMessage *string `json:"error_message,omitempty"`
	DateCreated  string  `json:"date_created"`
	DateUpdated  string  `json:"date_updated"`
	URL          string  `json:"url"`
}

func (r *request) modelBuildJSON(b store.ModelBuild) modelBuildJSON {
	j := modelBuildJSON{
		AccountSID:   b.AccountSID,
		AssistantSID: b.AssistantSID,
		SID:          b.SID,
		UniqueName:   b.UniqueName,
		Status:       b.Status,
		ErrorMessage: nullable(b.ErrorMessage),
		DateCreated:  date(b.DateCreated),
		DateUpdated:  date(b.DateUpdated),
		URL:          r.assistantURL(b.AssistantSID) + "/ModelBuilds/" + b.SID,
	}
	if b.Status == store.BuildCompleted || b.Status == store.BuildFailed {
		d := b.BuildDuration
		j.BuildDuration = &d
	}
	if b.ErrorCode != 0 {
		c := b.ErrorCode
		j.ErrorCode = &c
	}
	return j
}

func (s *Server) listModelBuilds(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	bs, err := s.Store.ModelBuilds(r.Context(), r.account.SID, ref.SID)
	if err != nil {
		return storeError(r, "model build", "", err)
	}
	slices.Reverse(bs) // the store lists the newest first; lists are in creation order
	return writeList(w, r, "model_builds", bs, r.modelBuildJSON)
}

// createModelBuild enqueues a build: it trains in the background (the
// builder), and the client polls it until completed or failed.
func (s *Server) createModelBuild(w http.ResponseWriter, r *request) error {
	if err := checkUniqueName("UniqueName", r.form.opt("UniqueName")); err != nil {
		return err
	}
	callback := r.form.str("StatusCallback")
	if callback != "" {
		if err := checkURL("StatusCallback", callback); err != nil {
			return err
		}
	}
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	b := &store.ModelBuild{AccountSID: r.account.SID, AssistantSID: ref.SID, UniqueName: r.form.str("UniqueName"),
		Status: store.BuildEnqueued, StatusCallback: callback}
	if err := s.Store.CreateModelBuild(r.Context(), b); err != nil {
		return storeError(r, "model build", b.UniqueName, err)
	}
	if s.Builds != nil {
		s.Builds.Wake()
	}
	return writeJSON(w, http.StatusCreated, r.modelBuildJSON(*b))
}

// buildHead returns the assistant's build with the given SID or unique name
// (the SID winning), without its model: clients poll builds, and a model can
// weigh tens of megabytes. [store.ErrNotFound] when there is none.
func (s *Server) buildHead(r *request, assistantSID, id string) (*store.ModelBuild, error) {
	bs, err := s.Store.ModelBuilds(r.Context(), r.account.SID, assistantSID)
	if err != nil {
		return nil, err
	}
	b := bySIDOrName(bs, id, func(b *store.ModelBuild) (string, string) { return b.SID, b.UniqueName })
	if b == nil {
		return nil, store.ErrNotFound
	}
	return b, nil
}

func (s *Server) getModelBuild(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	b, err := s.buildHead(r, ref.SID, r.PathValue("ModelBuild"))
	if err != nil {
		return storeError(r, "model build", "", err)
	}
	return writeJSON(w, http.StatusOK, r.modelBuildJSON(*b))
}

func (s *Server) updateModelBuild(w http.ResponseWriter, r *request) error {
	name := r.form.opt("UniqueName")
	if err := checkUniqueName("UniqueName", name); err != nil {
		return err
	}
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	var b *store.ModelBuild
	if name == nil {
		b, err = s.buildHead(r, ref.SID, r.PathValue("ModelBuild"))
	} else {
		b, err = s.Store.RenameModelBuild(r.Context(), r.account.SID, ref.SID, r.PathValue("ModelBuild"), *name)
	}
	if err != nil {
		return storeError(r, "model build", r.form.str("UniqueName"), err)
	}
	return writeJSON(w, http.StatusOK, r.modelBuildJSON(*b))
}

func (s *Server) deleteModelBuild(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	b, err := s.buildHead(r, ref.SID, r.PathValue("ModelBuild"))
	if err != nil {
		return storeError(r, "model build", "", err)
	}
	if b.Status == store.BuildEnqueued || b.Status == store.BuildBuilding {
		return twilio.NewError(http.StatusConflict, twilio.CodeConflict, "model build %s is %s: delete it when it has ended", b.SID, b.Status)
	}
	if err := s.Store.DeleteModelBuild(r.Context(), r.account.SID, ref.SID, b.SID); err != nil {
		return storeError(r, "model build", "", err)
	}
	return noContent(w)
}

package console

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// restoreData is the restore confirmation's data.
type restoreData struct {
	A     *assistant.Assistant
	Build *store.ModelBuild
}

// confirmRestore asks before an assistant goes back to its newest completed
// model build (the REST API's Restore).
func (h *Handler) confirmRestore(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, err := h.Store.AssistantOutline(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	b, err := h.Store.LatestCompletedModelBuild(r.Context(), a.SID)
	if errors.Is(err, store.ErrNotFound) {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "There is no completed model build to restore."}, nil)
	}
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "restore", page{Title: "Restore " + a.UniqueName + "?", Account: acct.SID, Data: restoreData{A: a, Build: b}})
}

func (h *Handler) restore(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/Restore", url.Values{"Assistant": {r.PathValue("Assistant")}})
	if status != http.StatusOK {
		return h.assistantPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, nil)
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(r.PathValue("Assistant"))+"?done="+url.QueryEscape("Restored to the last completed model build."), http.StatusSeeOther)
	return nil
}

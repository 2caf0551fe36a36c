package console

import (
	"html/template"
	"net/http"
	"sync"

	"github.com/parleyhq/parley/internal/nlu/nlueval"
	"github.com/parleyhq/parley/internal/store"
)

// reports keeps the understanding report of each assistant's revision:
// cross-validating trains a model per fold, seconds of work that a page
// should not redo while nothing changed.
type reports struct {
	mu   sync.Mutex
	byID map[string]cachedReport
	// one evaluation at a time: they are CPU-bound.
	slot chan struct{}
}

type cachedReport struct {
	revision int64
	report   *nlueval.AssistantReport
	matrix   template.HTML // ConfusionSVG of report
}

// reportData is the understanding page's data.
type reportData struct {
	SID, Name string
	R         *nlueval.AssistantReport
	Matrix    template.HTML
}

func (h *Handler) report(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	// The head tells whether the cached report is current; the whole
	// assistant (every sample) is read only to evaluate it again.
	ref, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	h.reports.mu.Lock()
	if h.reports.byID == nil {
		h.reports.byID, h.reports.slot = map[string]cachedReport{}, make(chan struct{}, 1)
	}
	c, ok := h.reports.byID[ref.SID]
	slot := h.reports.slot
	h.reports.mu.Unlock()
	if !ok || c.revision != ref.Revision {
		a, err := h.Store.Assistant(r.Context(), acct.SID, ref.SID)
		if err != nil {
			return err
		}
		select {
		case slot <- struct{}{}:
		case <-r.Context().Done():
			return nil
		}
		rep, err := nlueval.EvaluateAssistant(a, nlueval.AssistantOptions{})
		<-slot
		if err != nil {
			return h.render(w, http.StatusOK, "report", page{Title: "Understanding: " + a.UniqueName, Account: acct.SID,
				Error: "The assistant cannot be evaluated: " + err.Error(), Data: reportData{SID: a.SID, Name: a.UniqueName}})
		}
		c = cachedReport{revision: a.Revision, report: rep, matrix: ConfusionSVG(rep)}
		h.reports.mu.Lock()
		if len(h.reports.byID) > 1000 {
			clear(h.reports.byID)
		}
		h.reports.byID[a.SID] = c
		h.reports.mu.Unlock()
	}
	return h.render(w, http.StatusOK, "report", page{Title: "Understanding: " + ref.UniqueName, Account: acct.SID,
		Data: reportData{SID: ref.SID, Name: ref.UniqueName, R: c.report, Matrix: c.matrix}})
}

package console

import (
	"html/template"
	"net/http"

	"github.com/parleyhq/parley/internal/store"
)

// flowData is the flow page's data.
type flowData struct {
	SID, Name                     string
	SVG                           template.HTML
	DeadEnds, Unreachable, Broken []FlowNode
	Missing                       []FlowNode
}

func (h *Handler) flow(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, err := h.Store.Assistant(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	f := FlowGraph(a)
	d := flowData{SID: a.SID, Name: a.UniqueName, SVG: f.SVG()}
	for _, n := range f.Nodes {
		switch {
		case n.Kind == NodeMissing:
			d.Missing = append(d.Missing, n)
		case n.Kind != NodeTask:
		case n.Err != nil:
			d.Broken = append(d.Broken, n)
		case n.Unreachable:
			d.Unreachable = append(d.Unreachable, n)
		case n.DeadEnd:
			d.DeadEnds = append(d.DeadEnds, n)
		}
	}
	p := page{Title: "Flow: " + a.UniqueName, Account: acct.SID, Data: d}
	if f.DefaultsErr != nil {
		p.Error = "The assistant's Defaults are invalid: " + f.DefaultsErr.Error()
	}
	return h.render(w, http.StatusOK, "flow", p)
}

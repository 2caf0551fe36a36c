package console

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// queryRow is a line of the queries page.
type queryRow struct {
	store.Query
	Task       string
	Confidence float64
}

// queriesData is the queries page's data.
type queriesData struct {
	A       *assistant.Assistant
	Queries []queryRow
}

func (h *Handler) queriesPage(w http.ResponseWriter, r *http.Request, acct store.Account, status int, p page) error {
	a, err := h.Store.AssistantOutline(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	qs, err := h.Store.Queries(r.Context(), acct.SID, a.SID)
	if err != nil {
		return err
	}
	d := queriesData{A: a}
	for _, q := range qs {
		row := queryRow{Query: q}
		var res struct {
			Task       string  `json:"task"`
			Confidence float64 `json:"confidence"`
		}
		if json.Unmarshal(q.Results, &res) == nil {
			row.Task, row.Confidence = res.Task, res.Confidence
		}
		d.Queries = append(d.Queries, row)
	}
	p.Title, p.Account, p.Data = "Queries: "+a.UniqueName, acct.SID, d
	if p.Flash == "" {
		p.Flash = r.URL.Query().Get("done")
	}
	return h.render(w, status, "queries", p)
}

func (h *Handler) queries(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	return h.queriesPage(w, r, acct, http.StatusOK, page{})
}

// relabel adds a query's text as a sample of the task the form names, and
// marks the query reviewed with that sample: through the REST API.
func (h *Handler) relabel(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.queriesPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."})
	}
	asst := url.PathEscape(r.PathValue("Assistant"))
	ref, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	var q *store.Query
	if err == nil {
		q, err = h.Store.Query(r.Context(), acct.SID, ref.SID, r.PathValue("Query"))
	}
	if err != nil {
		return err // ErrNotFound answers 404
	}
	task := r.PostForm.Get("Task")
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+asst+"/Tasks/"+url.PathEscape(task)+"/Samples",
		url.Values{"Language": {q.Language}, "TaggedText": {q.Query}})
	if status != http.StatusCreated {
		return h.queriesPage(w, r, acct, status, page{Error: "The sample could not be added to " + task + ": " + apiErrorOf(body).Message})
	}
	var sample struct {
		SID string `json:"sid"`
	}
	json.Unmarshal(body, &sample)
	if status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+asst+"/Queries/"+url.PathEscape(q.SID),
		url.Values{"SampleSid": {sample.SID}, "Status": {"reviewed"}}); status != http.StatusOK {
		return h.queriesPage(w, r, acct, status, page{Error: "The sample was added, but the query could not be marked reviewed: " + apiErrorOf(body).Message})
	}
	http.Redirect(w, r, "/console/assistants/"+asst+"/queries?done="+url.QueryEscape("“"+q.Query+"” is now a sample of "+task+": start a model build to use it."), http.StatusSeeOther)
	return nil
}

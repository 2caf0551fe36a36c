package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

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
	// Pending shows the queries pending review only; Page is the page
	// shown (0: the newest), Older whether older queries follow.
	Pending     bool
	Page        int
	Older       bool
	Prev, Next  string // the links to the newer and older pages
	First, Last int    // the positions of the page's first and last queries
}

// queriesPerPage is how many queries the queries page shows at once; it
// reads no more than those (and one to tell whether older ones follow).
const queriesPerPage = 100

func (h *Handler) queriesPage(w http.ResponseWriter, r *http.Request, acct store.Account, status int, p page) error {
	a, err := h.Store.AssistantOutline(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	d := queriesData{A: a, Pending: r.URL.Query().Get("status") == "pending-review"}
	d.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	d.Page = max(d.Page, 0)
	f := store.QueryFilter{Offset: d.Page * queriesPerPage, Limit: queriesPerPage + 1}
	if d.Pending {
		f.Status = "pending-review"
	}
	qs, err := h.Store.Queries(r.Context(), acct.SID, a.SID, f)
	if err != nil {
		return err
	}
	if len(qs) > queriesPerPage {
		d.Older, qs = true, qs[:queriesPerPage]
	}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if d.Pending {
			v.Set("status", "pending-review")
		}
		return "/console/assistants/" + url.PathEscape(a.SID) + "/queries?" + v.Encode()
	}
	if d.Page > 0 {
		d.Prev = link(d.Page - 1)
	}
	if d.Older {
		d.Next = link(d.Page + 1)
	}
	d.First, d.Last = f.Offset+1, f.Offset+len(qs)
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

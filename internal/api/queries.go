package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

type queryJSON struct {
	AccountSID    string          `json:"account_sid"`
	AssistantSID  string          `json:"assistant_sid"`
	SID           string          `json:"sid"`
	Language      string          `json:"language"`
	Query         string          `json:"query"`
	ModelBuildSID *string         `json:"model_build_sid"`
	SampleSID     *string         `json:"sample_sid"`
	DialogueSID   *string         `json:"dialogue_sid"`
	Status        string          `json:"status"`
	SourceChannel *string         `json:"source_channel"`
	Results       json.RawMessage `json:"results"`
	DateCreated   string          `json:"date_created"`
	DateUpdated   string          `json:"date_updated"`
	URL           string          `json:"url"`
}

func (r *request) queryJSON(q store.Query) queryJSON {
	results := json.RawMessage(q.Results)
	if len(results) == 0 {
		results = json.RawMessage("null")
	}
	return queryJSON{
		AccountSID:    q.AccountSID,
		AssistantSID:  q.AssistantSID,
		SID:           q.SID,
		Language:      q.Language,
		Query:         q.Query,
		ModelBuildSID: nullable(q.ModelBuildSID),
		SampleSID:     nullable(q.SampleSID),
		DialogueSID:   nullable(q.DialogueSID),
		Status:        q.Status,
		SourceChannel: nullable(q.SourceChannel),
		Results:       results,
		DateCreated:   date(q.DateCreated),
		DateUpdated:   date(q.DateUpdated),
		URL:           r.assistantURL(q.AssistantSID) + "/Queries/" + q.SID,
	}
}

// Query statuses.
var queryStatuses = map[string]bool{"pending-review": true, "reviewed": true, "discarded": true}

func (s *Server) listQueries(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	build := q.Get("ModelBuild")
	if build != "" {
		b, err := s.buildHead(r, ref.SID, build)
		if errors.Is(err, store.ErrNotFound) {
			return invalid("ModelBuild", "no model build %q", build)
		}
		if err != nil {
			return err
		}
		build = b.SID
	}
	// Lists are in creation order; the store reads the page's rows only.
	f := store.QueryFilter{Language: q.Get("Language"), ModelBuildSID: build, Status: q.Get("Status"), DialogueSID: q.Get("DialogueSid"), Oldest: true}
	return writeFetchedList(w, r, "queries", func(offset, limit int) ([]store.Query, error) {
		f.Offset, f.Limit = offset, limit
		qs, err := s.Store.Queries(r.Context(), r.account.SID, ref.SID, f)
		if err != nil {
			return nil, storeError(r, "query", "", err)
		}
		return qs, nil
	}, r.queryJSON)
}

// createQuery classifies an utterance with the assistant's newest model (or
// the completed build ModelBuild names), and logs it when the assistant logs
// queries.
func (s *Server) createQuery(w http.ResponseWriter, r *request) error {
	lang, err := r.form.required("Language")
	if err != nil {
		return err
	}
	if err := checkLanguage(lang); err != nil {
		return err
	}
	text, err := r.form.required("Query")
	if err != nil {
		return err
	}
	if err := checkLen("Query", &text, maxQuery); err != nil {
		return err
	}
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	build := r.form.str("ModelBuild")
	if build != "" {
		b, err := s.buildHead(r, ref.SID, build)
		if errors.Is(err, store.ErrNotFound) {
			return invalid("ModelBuild", "no model build %q", build)
		}
		if err != nil {
			return err
		}
		if b.Status != store.BuildCompleted {
			return invalid("ModelBuild", "model build %s is %s, not completed", b.SID, b.Status)
		}
		build = b.SID
	}
	var tasks []string
	for t := range strings.SplitSeq(r.form.str("Tasks"), ",") {
		if t = strings.TrimSpace(t); t != "" {
			tasks = append(tasks, t)
		}
	}
	res, err := s.Engine.QueryBuild(r.Context(), s.Store, r.account.SID, ref.SID, build, lang, text, tasks)
	if errors.Is(err, dialogue.ErrAssistantNotFound) {
		return notFound(r.URL.Path)
	}
	if errors.Is(err, dialogue.ErrModelPruned) {
		return invalid("ModelBuild", "model build %s: %v", build, dialogue.ErrModelPruned)
	}
	if err != nil {
		return err
	}
	if res.SID != "" {
		q, err := s.Store.Query(r.Context(), r.account.SID, ref.SID, res.SID)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, r.queryJSON(*q))
	}
	// Not logged: the resource is answered but not kept (a fetch of it is a
	// 404, as with Autopilot).
	results, err := json.Marshal(res)
	if err != nil {
		return err
	}
	now := s.now()
	q := store.Query{SID: twilio.NewSID(twilio.PrefixQuery), AccountSID: r.account.SID, AssistantSID: ref.SID,
		Language: lang, Query: text, Tasks: strings.Join(tasks, ","), Status: "pending-review", Results: results,
		ModelBuildSID: res.ModelBuildSID, DateCreated: now, DateUpdated: now}
	return writeJSON(w, http.StatusCreated, r.queryJSON(q))
}

func (s *Server) getQuery(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	q, err := s.Store.Query(r.Context(), r.account.SID, ref.SID, r.PathValue("Query"))
	if err != nil {
		return storeError(r, "query", "", err)
	}
	return writeJSON(w, http.StatusOK, r.queryJSON(*q))
}

// updateQuery relabels a query: the sample it became, and its review status.
func (s *Server) updateQuery(w http.ResponseWriter, r *request) error {
	p := store.QueryPatch{SampleSID: r.form.opt("SampleSid"), Status: r.form.opt("Status")}
	if p.Status != nil && !queryStatuses[*p.Status] {
		return invalid("Status", "%q is not pending-review, reviewed or discarded", *p.Status)
	}
	if p.SampleSID != nil && !twilio.IsSID(twilio.PrefixSample, *p.SampleSID) {
		return invalid("SampleSid", "%q is not a sample SID (UF…)", *p.SampleSID)
	}
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	if p.SampleSID != nil {
		a, err := s.Store.Assistant(r.Context(), r.account.SID, ref.SID)
		if err != nil {
			return err
		}
		found := false
		for _, t := range a.Tasks {
			for _, sm := range t.Samples {
				found = found || sm.SID == *p.SampleSID
			}
		}
		if !found {
			return invalid("SampleSid", "no sample %s in this assistant", *p.SampleSID)
		}
	}
	q, err := s.Store.UpdateQuery(r.Context(), r.account.SID, ref.SID, r.PathValue("Query"), p)
	if err != nil {
		return storeError(r, "query", "", err)
	}
	return writeJSON(w, http.StatusOK, r.queryJSON(*q))
}

func (s *Server) deleteQuery(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteQuery(r.Context(), r.account.SID, ref.SID, r.PathValue("Query")); err != nil {
		return storeError(r, "query", "", err)
	}
	return noContent(w)
}

type dialogueJSON struct {
	AccountSID   string          `json:"account_sid"`
	AssistantSID string          `json:"assistant_sid"`
	SID          string          `json:"sid"`
	Data         json.RawMessage `json:"data"`
	URL          string          `json:"url"`
}

// getDialogue serves the dialogue payload (DialoguePayloadUrl) while the
// dialogue is active; an ended one is a 404, as with Autopilot.
func (s *Server) getDialogue(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	d, err := s.Store.Dialogue(r.Context(), r.account.SID, ref.SID, r.PathValue("Dialogue"))
	if err != nil {
		return storeError(r, "dialogue", "", err)
	}
	if d.Status != store.DialogueActive {
		return notFound(r.URL.Path)
	}
	data, err := dialogue.Payload(d)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dialogueJSON{AccountSID: d.AccountSID, AssistantSID: d.AssistantSID, SID: d.SID,
		Data: data, URL: r.assistantURL(d.AssistantSID) + "/Dialogues/" + d.SID})
}

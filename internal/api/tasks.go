package api

import (
	"encoding/json"
	"errors"
	"github.com/parleyhq/parley/internal/fields"
	"net/http"
	"net/url"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

type taskJSON struct {
	AccountSID   string            `json:"account_sid"`
	AssistantSID string            `json:"assistant_sid"`
	SID          string            `json:"sid"`
	UniqueName   string            `json:"unique_name"`
	FriendlyName *string           `json:"friendly_name"`
	ActionsURL   *string           `json:"actions_url"`
	DateCreated  string            `json:"date_created"`
	DateUpdated  string            `json:"date_updated"`
	URL          string            `json:"url"`
	Links        map[string]string `json:"links"`
}

func (r *request) taskURL(assistantSID, taskSID string) string {
	return r.assistantURL(assistantSID) + "/Tasks/" + taskSID
}

func (r *request) taskJSON(a *assistant.Assistant, t assistant.Task) taskJSON {
	u := r.taskURL(a.SID, t.SID)
	return taskJSON{
		AccountSID:   a.AccountSID,
		AssistantSID: a.SID,
		SID:          t.SID,
		UniqueName:   t.UniqueName,
		FriendlyName: nullable(t.FriendlyName),
		ActionsURL:   nullable(t.ActionsURL),
		DateCreated:  date(t.DateCreated),
		DateUpdated:  date(t.DateUpdated),
		URL:          u,
		Links: map[string]string{
			"fields":       u + "/Fields",
			"samples":      u + "/Samples",
			"task_actions": u + "/Actions",
			"statistics":   u + "/Statistics",
		},
	}
}

// bySIDOrName returns the item whose SID is id, else the first whose unique
// name is id (key gives both), else nil.
func bySIDOrName[T any](items []T, id string, key func(*T) (sid, name string)) *T {
	var named *T
	for i := range items {
		sid, name := key(&items[i])
		if sid == id {
			return &items[i]
		}
		if name == id && named == nil {
			named = &items[i]
		}
	}
	return named
}

// loadOneTask reads the path's task ({Task}: SID or unique name) alone:
// the assistant it returns holds that task only, with its fields and
// samples (and no field types).
func (s *Server) loadOneTask(r *request) (*assistant.Assistant, *assistant.Task, error) {
	a, err := s.Store.AssistantTask(r.Context(), r.account.SID, r.PathValue("Assistant"), r.PathValue("Task"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound(r.URL.Path)
	}
	if err != nil {
		return nil, nil, err
	}
	return a, &a.Tasks[0], nil
}

// countSamples counts the samples of all of a's tasks.
func (s *Server) countSamples(r *request, a *assistant.Assistant) (int, error) {
	return s.Store.CountSamples(r.Context(), a.SID)
}

// actionsParam reads the Actions parameter: a JSON document that must
// validate, wrapped as {"actions": [...]} (a bare list is wrapped).
func actionsParam(f form) (json.RawMessage, error) {
	v := f.opt("Actions")
	if v == nil {
		return nil, nil
	}
	doc := []byte(*v)
	var list []json.RawMessage
	if json.Unmarshal(doc, &list) == nil {
		doc, _ = json.Marshal(map[string]any{"actions": list})
	}
	if _, err := actions.Parse(doc); err != nil {
		return nil, twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidActions, "Invalid Actions: %v", err)
	}
	return doc, nil
}

// checkURL fails when v is not an absolute http(s) URL.
func checkURL(key, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid(key, "%q is not an absolute http or https URL", v)
	}
	return nil
}

func taskPatch(f form) (store.TaskPatch, error) {
	var p store.TaskPatch
	if err := f.checkNames(); err != nil {
		return p, err
	}
	p.UniqueName, p.FriendlyName, p.ActionsURL = f.opt("UniqueName"), f.opt("FriendlyName"), f.opt("ActionsUrl")
	if p.ActionsURL != nil {
		if err := checkURL("ActionsUrl", *p.ActionsURL); err != nil {
			return p, err
		}
	}
	var err error
	p.Actions, err = actionsParam(f)
	return p, err
}

func (s *Server) listTasks(w http.ResponseWriter, r *request) error {
	a, err := s.loadOutline(r)
	if err != nil {
		return err
	}
	return writeList(w, r, "tasks", a.Tasks, func(t assistant.Task) taskJSON { return r.taskJSON(a, t) })
}

func (s *Server) createTask(w http.ResponseWriter, r *request) error {
	name, err := r.form.required("UniqueName")
	if err != nil {
		return err
	}
	p, err := taskPatch(r.form)
	if err != nil {
		return err
	}
	a, err := s.loadOutline(r)
	if err != nil {
		return err
	}
	if err := s.checkQuota("tasks per assistant", len(a.Tasks), func(l Limits) int { return l.Tasks }); err != nil {
		return err
	}
	t := assistant.Task{UniqueName: name, Actions: p.Actions}
	apply(&t.FriendlyName, p.FriendlyName)
	apply(&t.ActionsURL, p.ActionsURL)
	t, err = s.Store.CreateTask(r.Context(), r.account.SID, a.SID, t)
	if err != nil {
		return storeError(r, "task", name, err)
	}
	return writeJSON(w, http.StatusCreated, r.taskJSON(a, t))
}

func (s *Server) getTask(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, r.taskJSON(a, *t))
}

func (s *Server) updateTask(w http.ResponseWriter, r *request) error {
	p, err := taskPatch(r.form)
	if err != nil {
		return err
	}
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	updated, err := s.Store.UpdateTask(r.Context(), r.account.SID, a.SID, t.SID, p)
	if err != nil {
		return storeError(r, "task", r.form.str("UniqueName"), err)
	}
	return writeJSON(w, http.StatusOK, r.taskJSON(a, updated))
}

func (s *Server) deleteTask(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTask(r.Context(), r.account.SID, a.SID, t.SID); err != nil {
		return storeError(r, "task", "", err)
	}
	return noContent(w)
}

type taskActionsJSON struct {
	AccountSID   string          `json:"account_sid"`
	AssistantSID string          `json:"assistant_sid"`
	TaskSID      string          `json:"task_sid"`
	URL          string          `json:"url"`
	Data         json.RawMessage `json:"data"`
}

// taskActions serves a task's Actions: GET shows them, POST replaces them.
func (s *Server) taskActions(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	if r.Method == http.MethodPost {
		doc, err := actionsParam(r.form)
		if err != nil {
			return err
		}
		if doc == nil {
			return missing("Actions")
		}
		updated, err := s.Store.UpdateTask(r.Context(), r.account.SID, a.SID, t.SID, store.TaskPatch{Actions: doc})
		if err != nil {
			return storeError(r, "task", "", err)
		}
		t = &updated
	}
	data := t.Actions
	if len(data) == 0 {
		data = json.RawMessage(`{"actions":[]}`)
	}
	return writeJSON(w, http.StatusOK, taskActionsJSON{
		AccountSID:   a.AccountSID,
		AssistantSID: a.SID,
		TaskSID:      t.SID,
		URL:          r.taskURL(a.SID, t.SID) + "/Actions",
		Data:         data,
	})
}

func (s *Server) taskStatistics(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{
		"account_sid":   a.AccountSID,
		"assistant_sid": a.SID,
		"task_sid":      t.SID,
		"samples_count": len(t.Samples),
		"fields_count":  len(t.Fields),
		"url":           r.taskURL(a.SID, t.SID) + "/Statistics",
	})
}

type fieldJSON struct {
	AccountSID   string `json:"account_sid"`
	AssistantSID string `json:"assistant_sid"`
	TaskSID      string `json:"task_sid"`
	SID          string `json:"sid"`
	UniqueName   string `json:"unique_name"`
	FieldType    string `json:"field_type"`
	DateCreated  string `json:"date_created"`
	DateUpdated  string `json:"date_updated"`
	URL          string `json:"url"`
}

func (r *request) fieldJSON(a *assistant.Assistant, t *assistant.Task, f assistant.Field) fieldJSON {
	return fieldJSON{
		AccountSID:   a.AccountSID,
		AssistantSID: a.SID,
		TaskSID:      t.SID,
		SID:          f.SID,
		UniqueName:   f.UniqueName,
		FieldType:    f.FieldType,
		DateCreated:  date(f.DateCreated),
		DateUpdated:  date(f.DateUpdated),
		URL:          r.taskURL(a.SID, t.SID) + "/Fields/" + f.SID,
	}
}

func (s *Server) listFields(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	return writeList(w, r, "fields", t.Fields, func(f assistant.Field) fieldJSON { return r.fieldJSON(a, t, f) })
}

// findField returns the task's field named by the path's {Field}.
func findField(r *request, t *assistant.Task) (*assistant.Field, error) {
	f := bySIDOrName(t.Fields, r.PathValue("Field"), func(f *assistant.Field) (string, string) { return f.SID, f.UniqueName })
	if f == nil {
		return nil, notFound(r.URL.Path)
	}
	return f, nil
}

func (s *Server) createField(w http.ResponseWriter, r *request) error {
	name, err := r.form.required("UniqueName")
	if err != nil {
		return err
	}
	if err := r.form.checkNames(); err != nil {
		return err
	}
	ftype, err := r.form.required("FieldType")
	if err != nil {
		return err
	}
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	if err := s.checkQuota("fields per task", len(t.Fields), func(l Limits) int { return l.FieldsPerTask }); err != nil {
		return err
	}
	// The type is a built-in, or one of the assistant's own by unique name
	// or SID (kept as given, as Twilio showed it).
	known := fields.IsBuiltin(ftype)
	if !known {
		outline, err := s.loadOutline(r)
		if err != nil {
			return err
		}
		known = knownFieldType(outline, ftype)
	}
	if !known {
		return invalid("FieldType", "%q is neither a built-in Twilio.* type nor a field type of this assistant", ftype)
	}
	f, err := s.Store.CreateField(r.Context(), r.account.SID, a.SID, t.SID, assistant.Field{UniqueName: name, FieldType: ftype})
	if err != nil {
		return storeError(r, "field", name, err)
	}
	return writeJSON(w, http.StatusCreated, r.fieldJSON(a, t, f))
}

func (s *Server) getField(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	f, err := findField(r, t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, r.fieldJSON(a, t, *f))
}

func (s *Server) deleteField(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	f, err := findField(r, t)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteField(r.Context(), r.account.SID, a.SID, t.SID, f.SID); err != nil {
		return storeError(r, "field", "", err)
	}
	return noContent(w)
}

type sampleJSON struct {
	AccountSID    string  `json:"account_sid"`
	AssistantSID  string  `json:"assistant_sid"`
	TaskSID       string  `json:"task_sid"`
	SID           string  `json:"sid"`
	Language      string  `json:"language"`
	TaggedText    string  `json:"tagged_text"`
	SourceChannel *string `json:"source_channel"`
	DateCreated   string  `json:"date_created"`
	DateUpdated   string  `json:"date_updated"`
	URL           string  `json:"url"`
}

func (r *request) sampleJSON(a *assistant.Assistant, t *assistant.Task, s assistant.Sample) sampleJSON {
	return sampleJSON{
		AccountSID:    a.AccountSID,
		AssistantSID:  a.SID,
		TaskSID:       t.SID,
		SID:           s.SID,
		Language:      s.Language,
		TaggedText:    s.TaggedText,
		SourceChannel: nullable(s.SourceChannel),
		DateCreated:   date(s.DateCreated),
		DateUpdated:   date(s.DateUpdated),
		URL:           r.taskURL(a.SID, t.SID) + "/Samples/" + s.SID,
	}
}

func (s *Server) listSamples(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	samples := t.Samples
	if lang := r.URL.Query().Get("Language"); lang != "" {
		samples = nil
		for _, sm := range t.Samples {
			if sm.Language == lang {
				samples = append(samples, sm)
			}
		}
	}
	return writeList(w, r, "samples", samples, func(sm assistant.Sample) sampleJSON { return r.sampleJSON(a, t, sm) })
}

// findSample returns the task's sample with the path's {Sample} SID.
func findSample(r *request, t *assistant.Task) (*assistant.Sample, error) {
	id := r.PathValue("Sample")
	for i := range t.Samples {
		if t.Samples[i].SID == id {
			return &t.Samples[i], nil
		}
	}
	return nil, notFound(r.URL.Path)
}

// sampleChannels are the values SourceChannel takes.
var sampleChannels = map[string]bool{"voice": true, "sms": true, "chat": true, "alexa": true, "google-assistant": true, "slack": true}

func samplePatch(f form) (store.SamplePatch, error) {
	p := store.SamplePatch{Language: f.opt("Language"), TaggedText: f.opt("TaggedText"), SourceChannel: f.opt("SourceChannel")}
	if err := checkLen("TaggedText", p.TaggedText, assistant.MaxSampleText); err != nil {
		return p, err
	}
	if p.SourceChannel != nil && !sampleChannels[*p.SourceChannel] {
		return p, invalid("SourceChannel", "%q is not one of voice, sms, chat, alexa, google-assistant, slack", *p.SourceChannel)
	}
	if p.Language != nil {
		if err := checkLanguage(*p.Language); err != nil {
			return p, err
		}
	}
	return p, nil
}

// checkLanguage accepts a language tag such as en-US.
func checkLanguage(v string) error {
	if len(v) < 2 || len(v) > 35 {
		return invalid("Language", "%q is not a language tag such as en-US", v)
	}
	for _, c := range v {
		if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return invalid("Language", "%q is not a language tag such as en-US", v)
		}
	}
	return nil
}

func (s *Server) createSample(w http.ResponseWriter, r *request) error {
	if _, err := r.form.required("Language"); err != nil {
		return err
	}
	if _, err := r.form.required("TaggedText"); err != nil {
		return err
	}
	p, err := samplePatch(r.form)
	if err != nil {
		return err
	}
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	if err := checkTags(t, *p.TaggedText); err != nil {
		return err
	}
	samples, err := s.countSamples(r, a)
	if err != nil {
		return err
	}
	if err := s.checkQuota("samples per assistant", samples, func(l Limits) int { return l.Samples }); err != nil {
		return err
	}
	sm := assistant.Sample{Language: *p.Language, TaggedText: *p.TaggedText}
	apply(&sm.SourceChannel, p.SourceChannel)
	sm, err = s.Store.CreateSample(r.Context(), r.account.SID, a.SID, t.SID, sm)
	if err != nil {
		return storeError(r, "sample", "", err)
	}
	return writeJSON(w, http.StatusCreated, r.sampleJSON(a, t, sm))
}

func (s *Server) getSample(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	sm, err := findSample(r, t)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, r.sampleJSON(a, t, *sm))
}

func (s *Server) updateSample(w http.ResponseWriter, r *request) error {
	p, err := samplePatch(r.form)
	if err != nil {
		return err
	}
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	sm, err := findSample(r, t)
	if err != nil {
		return err
	}
	if p.TaggedText != nil {
		if err := checkTags(t, *p.TaggedText); err != nil {
			return err
		}
	}
	updated, err := s.Store.UpdateSample(r.Context(), r.account.SID, a.SID, t.SID, sm.SID, p)
	if err != nil {
		return storeError(r, "sample", "", err)
	}
	return writeJSON(w, http.StatusOK, r.sampleJSON(a, t, updated))
}

func (s *Server) deleteSample(w http.ResponseWriter, r *request) error {
	a, t, err := s.loadOneTask(r)
	if err != nil {
		return err
	}
	sm, err := findSample(r, t)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSample(r.Context(), r.account.SID, a.SID, t.SID, sm.SID); err != nil {
		return storeError(r, "sample", "", err)
	}
	return noContent(w)
}

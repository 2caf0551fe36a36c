package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

type assistantJSON struct {
	AccountSID          string  `json:"account_sid"`
	SID                 string  `json:"sid"`
	UniqueName          string  `json:"unique_name"`
	FriendlyName        *string `json:"friendly_name"`
	LogQueries          bool    `json:"log_queries"`
	DevelopmentStage    string  `json:"development_stage"`
	NeedsModelBuild     bool    `json:"needs_model_build"`
	LatestModelBuildSID *string `json:"latest_model_build_sid"`
	CallbackURL         *string `json:"callback_url"`
	CallbackEvents      *string `json:"callback_events"`
	DateCreated         string  `json:"date_created"`
	DateUpdated         string  `json:"date_updated"`
	// URL and Links are empty only in the answer of Restore, which has
	// neither.
	URL   string            `json:"url,omitempty"`
	Links map[string]string `json:"links,omitempty"`
}

func (r *request) assistantURL(sid string) string { return r.base + "/v1/Assistants/" + sid }

func (s *Server) assistantJSON(r *request, a *assistant.Assistant) (assistantJSON, error) {
	bs, err := s.Store.BuildState(r.Context(), a.AccountSID, a.SID)
	if err != nil {
		return assistantJSON{}, err
	}
	u := r.assistantURL(a.SID)
	stage := a.DevelopmentStage
	if stage == "" {
		stage = "in-development"
	}
	return assistantJSON{
		AccountSID:          a.AccountSID,
		SID:                 a.SID,
		UniqueName:          a.UniqueName,
		FriendlyName:        nullable(a.FriendlyName),
		LogQueries:          a.LogQueries,
		DevelopmentStage:    stage,
		NeedsModelBuild:     bs.NeedsModelBuild,
		LatestModelBuildSID: nullable(bs.LatestModelBuildSID),
		CallbackURL:         nullable(a.CallbackURL),
		CallbackEvents:      nullable(a.CallbackEvents),
		DateCreated:         date(a.DateCreated),
		DateUpdated:         date(a.DateUpdated),
		URL:                 u,
		Links: map[string]string{
			"field_types":  u + "/FieldTypes",
			"tasks":        u + "/Tasks",
			"model_builds": u + "/ModelBuilds",
			"queries":      u + "/Queries",
			"style_sheet":  u + "/StyleSheet",
			"defaults":     u + "/Defaults",
			"dialogues":    u + "/Dialogues",
			"webhooks":     u + "/Webhooks",
		},
	}, nil
}

func (s *Server) writeAssistant(w http.ResponseWriter, r *request, status int, a *assistant.Assistant) error {
	j, err := s.assistantJSON(r, a)
	if err != nil {
		return err
	}
	return writeJSON(w, status, j)
}

// assistantRef resolves the path's {Assistant} (SID or unique name) to one of
// the account's assistants.
func (s *Server) assistantRef(r *request) (store.AssistantRef, error) {
	ref, err := s.Store.AssistantRef(r.Context(), r.account.SID, r.PathValue("Assistant"))
	if errors.Is(err, store.ErrNotFound) {
		return ref, notFound(r.URL.Path)
	}
	return ref, err
}

// loadAssistant reads the path's assistant whole.
func (s *Server) loadAssistant(r *request) (*assistant.Assistant, error) {
	a, err := s.Store.Assistant(r.Context(), r.account.SID, r.PathValue("Assistant"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(r.URL.Path)
	}
	return a, err
}

// loadOutline reads the path's assistant, with its tasks and field types,
// for the handlers that need no more of them than their names and SIDs:
// without their fields, samples and values.
func (s *Server) loadOutline(r *request) (*assistant.Assistant, error) {
	a, err := s.Store.AssistantOutline(r.Context(), r.account.SID, r.PathValue("Assistant"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound(r.URL.Path)
	}
	return a, err
}

// assistantPatch reads the parameters of an assistant create or update.
func assistantPatch(f form) (store.AssistantPatch, error) {
	var p store.AssistantPatch
	if err := f.checkNames(); err != nil {
		return p, err
	}
	p.UniqueName, p.FriendlyName = f.opt("UniqueName"), f.opt("FriendlyName")
	lq, err := f.boolean("LogQueries")
	if err != nil {
		return p, err
	}
	p.LogQueries = lq
	p.CallbackURL, p.CallbackEvents = f.opt("CallbackUrl"), f.opt("CallbackEvents")
	if p.CallbackURL != nil {
		if err := checkURL("CallbackUrl", *p.CallbackURL); err != nil {
			return p, err
		}
	}
	if p.Defaults, err = jsonParam(f, "Defaults", checkDefaults); err != nil {
		return p, err
	}
	if p.StyleSheet, err = jsonParam(f, "StyleSheet", func(b []byte) error { _, err := actions.ParseStyleSheet(b); return err }); err != nil {
		return p, err
	}
	if v := f.opt("DevelopmentStage"); v != nil {
		if *v != "in-development" && *v != "in-production" {
			return p, invalid("DevelopmentStage", "%q is not in-development or in-production", *v)
		}
		p.DevelopmentStage = v
	}
	return p, nil
}

// jsonParam reads a parameter holding a JSON document and checks it with
// parse; nil when absent.
func jsonParam(f form, key string, parse func([]byte) error) (json.RawMessage, error) {
	v := f.opt(key)
	if v == nil {
		return nil, nil
	}
	if err := parse([]byte(*v)); err != nil {
		return nil, twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidActions, "Invalid %s: %v", key, err)
	}
	return json.RawMessage(*v), nil
}

func (s *Server) listAssistants(w http.ResponseWriter, r *request) error {
	as, err := s.Store.AssistantHeads(r.Context(), r.account.SID)
	if err != nil {
		return err
	}
	p, err := paginate(r, "assistants", len(as))
	if err != nil {
		return err
	}
	out := make([]assistantJSON, 0, p.hi-p.lo)
	for _, a := range as[p.lo:p.hi] {
		j, err := s.assistantJSON(r, a)
		if err != nil {
			return err
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"assistants": out, "meta": p.meta})
}

func (s *Server) createAssistant(w http.ResponseWriter, r *request) error {
	p, err := assistantPatch(r.form)
	if err != nil {
		return err
	}
	heads, err := s.Store.AssistantHeads(r.Context(), r.account.SID)
	if err != nil {
		return err
	}
	if err := s.checkQuota("assistants per account", len(heads), func(l Limits) int { return l.Assistants }); err != nil {
		return err
	}
	a := &assistant.Assistant{AccountSID: r.account.SID, LogQueries: true}
	apply(&a.UniqueName, p.UniqueName)
	apply(&a.FriendlyName, p.FriendlyName)
	apply(&a.LogQueries, p.LogQueries)
	apply(&a.CallbackURL, p.CallbackURL)
	apply(&a.CallbackEvents, p.CallbackEvents)
	apply(&a.DevelopmentStage, p.DevelopmentStage)
	a.Defaults, a.StyleSheet = p.Defaults, p.StyleSheet
	if err := checkDefaultTargets(a, p.Defaults); err != nil {
		return err
	}
	created, err := s.Store.CreateAssistant(r.Context(), a)
	if err != nil {
		return storeError(r, "assistant", a.UniqueName, err)
	}
	return s.writeAssistant(w, r, http.StatusCreated, created)
}

// apply sets *dst to *v when v is not nil.
func apply[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (s *Server) getAssistant(w http.ResponseWriter, r *request) error {
	a, err := s.loadOutline(r)
	if err != nil {
		return err
	}
	return s.writeAssistant(w, r, http.StatusOK, a)
}

func (s *Server) updateAssistant(w http.ResponseWriter, r *request) error {
	p, err := assistantPatch(r.form)
	if err != nil {
		return err
	}
	if p.Defaults != nil {
		cur, err := s.loadOutline(r)
		if err != nil {
			return err
		}
		if err := checkDefaultTargets(cur, p.Defaults); err != nil {
			return err
		}
	}
	a, err := s.Store.UpdateAssistant(r.Context(), r.account.SID, r.PathValue("Assistant"), p)
	if err != nil {
		return storeError(r, "assistant", r.form.str("UniqueName"), err)
	}
	return s.writeAssistant(w, r, http.StatusOK, a)
}

func (s *Server) deleteAssistant(w http.ResponseWriter, r *request) error {
	if err := s.Store.DeleteAssistant(r.Context(), r.account.SID, r.PathValue("Assistant")); err != nil {
		return storeError(r, "assistant", "", err)
	}
	return noContent(w)
}

// checkDefaults checks a Defaults document as import does, strictly: what
// import warns of, the REST API refuses (its clients see no warnings).
func checkDefaults(b []byte) error {
	d, err := actions.ParseDefaults(b)
	if err != nil {
		return err
	}
	if len(d.Unknown) > 0 {
		return fmt.Errorf("%s: unknown key (Autopilot's defaults are assistant_initiation, fallback and collect.validate_on_failure)", d.Unknown[0])
	}
	return nil
}

// checkDefaultTargets refuses a Defaults document whose targets import
// would warn of for assistant a: a task that does not exist, a placeholder.
func checkDefaultTargets(a *assistant.Assistant, doc json.RawMessage) error {
	if doc == nil {
		return nil
	}
	d, err := actions.ParseDefaults(doc)
	if err != nil {
		return err
	}
	if ps := assistant.DefaultsProblems(a, d); len(ps) > 0 {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidActions, "Invalid Defaults: %s: %s", ps[0].Path, ps[0].Msg)
	}
	return nil
}

// documentJSON is the Defaults and StyleSheet resources.
type documentJSON struct {
	AccountSID   string          `json:"account_sid"`
	AssistantSID string          `json:"assistant_sid"`
	URL          string          `json:"url"`
	Data         json.RawMessage `json:"data"`
}

// document serves the Defaults or StyleSheet of an assistant: GET shows it,
// POST replaces it with the parameter param.
func (s *Server) document(param string) handlerFunc {
	parse := checkDefaults
	get := func(a *assistant.Assistant) json.RawMessage { return a.Defaults }
	empty := `{"defaults":{}}`
	if param == "StyleSheet" {
		parse = func(b []byte) error { _, err := actions.ParseStyleSheet(b); return err }
		get = func(a *assistant.Assistant) json.RawMessage { return a.StyleSheet }
		empty = `{"style_sheet":{}}`
	}
	return func(w http.ResponseWriter, r *request) error {
		// One read of the assistant: its head for a new style sheet, its
		// outline (the task names Defaults may name) for the rest.
		var a *assistant.Assistant
		var sid string
		if r.Method == http.MethodPost && param == "StyleSheet" {
			ref, err := s.assistantRef(r)
			if err != nil {
				return err
			}
			sid = ref.SID
		} else {
			var err error
			if a, err = s.loadOutline(r); err != nil {
				return err
			}
			sid = a.SID
		}
		if r.Method == http.MethodPost {
			doc, err := jsonParam(r.form, param, parse)
			if err != nil {
				return err
			}
			if doc == nil {
				return missing(param)
			}
			p := store.AssistantPatch{Defaults: doc}
			if param == "StyleSheet" {
				p = store.AssistantPatch{StyleSheet: doc}
			} else if err := checkDefaultTargets(a, doc); err != nil {
				return err
			}
			if a, err = s.Store.UpdateAssistant(r.Context(), r.account.SID, sid, p); err != nil {
				return storeError(r, "assistant", "", err)
			}
		}
		data := get(a)
		if len(data) == 0 {
			data = json.RawMessage(empty)
		}
		return writeJSON(w, http.StatusOK, documentJSON{
			AccountSID:   a.AccountSID,
			AssistantSID: a.SID,
			URL:          r.assistantURL(a.SID) + "/" + param,
			Data:         data,
		})
	}
}

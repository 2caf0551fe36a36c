package api

import (
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
)

type webhookJSON struct {
	AccountSID    string `json:"account_sid"`
	AssistantSID  string `json:"assistant_sid"`
	SID           string `json:"sid"`
	UniqueName    string `json:"unique_name"`
	Events        string `json:"events"`
	WebhookURL    string `json:"webhook_url"`
	WebhookMethod string `json:"webhook_method"`
	DateCreated   string `json:"date_created"`
	DateUpdated   string `json:"date_updated"`
	URL           string `json:"url"`
}

func (r *request) webhookJSON(h store.Webhook) webhookJSON {
	return webhookJSON{
		AccountSID:    h.AccountSID,
		AssistantSID:  h.AssistantSID,
		SID:           h.SID,
		UniqueName:    h.UniqueName,
		Events:        h.Events,
		WebhookURL:    h.WebhookURL,
		WebhookMethod: h.WebhookMethod,
		DateCreated:   date(h.DateCreated),
		DateUpdated:   date(h.DateUpdated),
		URL:           r.assistantURL(h.AssistantSID) + "/Webhooks/" + h.SID,
	}
}

// webhookEvents are the events an assistant's webhooks can ask for, by
// their lower-case spelling (clients send either; responses show these).
var webhookEvents = map[string]string{}

func init() {
	for _, e := range dialogue.Events {
		webhookEvents[strings.ToLower(e)] = e
	}
}

func webhookPatch(f form) (store.WebhookPatch, error) {
	p := store.WebhookPatch{UniqueName: f.opt("UniqueName"), Events: f.opt("Events"), WebhookURL: f.opt("WebhookUrl"), WebhookMethod: f.opt("WebhookMethod")}
	if err := f.checkNames(); err != nil {
		return p, err
	}
	if p.Events != nil {
		evs := strings.Fields(*p.Events)
		if len(evs) == 0 {
			return p, missing("Events")
		}
		for i, e := range evs {
			name, ok := webhookEvents[strings.ToLower(e)]
			if !ok {
				return p, invalid("Events", "unknown event %q (events: %s)", e, strings.Join(dialogue.Events, " "))
			}
			evs[i] = name
		}
		joined := strings.Join(evs, " ")
		p.Events = &joined
	}
	if p.WebhookURL != nil {
		if err := checkURL("WebhookUrl", *p.WebhookURL); err != nil {
			return p, err
		}
	}
	if p.WebhookMethod != nil {
		m := strings.ToUpper(*p.WebhookMethod)
		if m != http.MethodGet && m != http.MethodPost {
			return p, invalid("WebhookMethod", "%q is not GET or POST", *p.WebhookMethod)
		}
		p.WebhookMethod = &m
	}
	return p, nil
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	hs, err := s.Store.Webhooks(r.Context(), r.account.SID, ref.SID)
	if err != nil {
		return storeError(r, "webhook", "", err)
	}
	return writeList(w, r, "webhooks", hs, r.webhookJSON)
}

func (s *Server) createWebhook(w http.ResponseWriter, r *request) error {
	for _, k := range []string{"UniqueName", "Events", "WebhookUrl"} {
		if _, err := r.form.required(k); err != nil {
			return err
		}
	}
	p, err := webhookPatch(r.form)
	if err != nil {
		return err
	}
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	h := &store.Webhook{AccountSID: r.account.SID, AssistantSID: ref.SID, UniqueName: *p.UniqueName,
		Events: *p.Events, WebhookURL: *p.WebhookURL, WebhookMethod: http.MethodPost}
	apply(&h.WebhookMethod, p.WebhookMethod)
	if err := s.Store.CreateWebhook(r.Context(), h); err != nil {
		return storeError(r, "webhook", h.UniqueName, err)
	}
	return writeJSON(w, http.StatusCreated, r.webhookJSON(*h))
}

func (s *Server) getWebhook(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	h, err := s.Store.Webhook(r.Context(), r.account.SID, ref.SID, r.PathValue("Webhook"))
	if err != nil {
		return storeError(r, "webhook", "", err)
	}
	return writeJSON(w, http.StatusOK, r.webhookJSON(*h))
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *request) error {
	p, err := webhookPatch(r.form)
	if err != nil {
		return err
	}
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	h, err := s.Store.UpdateWebhook(r.Context(), r.account.SID, ref.SID, r.PathValue("Webhook"), p)
	if err != nil {
		return storeError(r, "webhook", r.form.str("UniqueName"), err)
	}
	return writeJSON(w, http.StatusOK, r.webhookJSON(*h))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *request) error {
	ref, err := s.assistantRef(r)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteWebhook(r.Context(), r.account.SID, ref.SID, r.PathValue("Webhook")); err != nil {
		return storeError(r, "webhook", "", err)
	}
	return noContent(w)
}

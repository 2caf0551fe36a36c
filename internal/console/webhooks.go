package console

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/store"
)

// createWebhook adds an event webhook to the assistant through the REST
// API: its events (space- or comma-separated), URL and method.
func (h *Handler) createWebhook(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
	}
	form := url.Values{}
	for _, k := range []string{"UniqueName", "Events", "WebhookUrl", "WebhookMethod"} {
		form.Set(k, strings.TrimSpace(r.PostForm.Get("Hook"+k)))
	}
	form.Set("Events", strings.Join(strings.FieldsFunc(form.Get("Events"), func(r rune) bool { return r == ',' || r == ' ' }), " "))
	asst := url.PathEscape(r.PathValue("Assistant"))
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+asst+"/Webhooks", form)
	if status != http.StatusCreated {
		e := apiErrorOf(body)
		// When the message names several, the first of these wins.
		field := "Hook" + cmp.Or(fieldOf(e, "WebhookMethod", "WebhookUrl", "Events"), "UniqueName")
		values := map[string]string{}
		for k := range form {
			values["Hook"+k] = r.PostForm.Get("Hook" + k)
		}
		return h.assistantPage(w, r, acct, status, page{Fields: map[string]string{field: e.Message}}, values)
	}
	http.Redirect(w, r, "/console/assistants/"+asst+"?done="+url.QueryEscape("Webhook added."), http.StatusSeeOther)
	return nil
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	asst := url.PathEscape(r.PathValue("Assistant"))
	status, body := h.callAPI(r, acct, http.MethodDelete, "/v1/Assistants/"+asst+"/Webhooks/"+url.PathEscape(r.PathValue("Webhook")), nil)
	if status != http.StatusNoContent {
		return h.assistantPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, nil)
	}
	http.Redirect(w, r, "/console/assistants/"+asst+"?done="+url.QueryEscape("Webhook deleted."), http.StatusSeeOther)
	return nil
}

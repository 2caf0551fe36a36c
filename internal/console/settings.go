package console

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/store"
)

// assistantProps are the assistant's properties the settings form edits,
// by their REST API parameter; the form's fields are named "Props"+name.
var assistantProps = []string{"UniqueName", "FriendlyName", "DevelopmentStage", "CallbackUrl", "CallbackEvents"}

// saveSettings changes the assistant's properties through the REST API:
// its names, whether it logs queries, its development stage and its
// model-build status callback.
func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
	}
	form := url.Values{"LogQueries": {strconv.FormatBool(r.PostForm.Get("PropsLogQueries") == "on")}}
	for _, k := range assistantProps {
		// An empty value is an absent parameter to the REST API: the
		// callback is cleared below, the rest keep their value.
		if v := strings.TrimSpace(r.PostForm.Get("Props" + k)); v != "" {
			form.Set(k, v)
		}
	}
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+url.PathEscape(r.PathValue("Assistant")), form)
	if status != http.StatusOK {
		e := apiErrorOf(body)
		field := "Props" + cmp.Or(fieldOf(e, assistantProps...), "UniqueName")
		values := map[string]string{"PropsLogQueries": r.PostForm.Get("PropsLogQueries")}
		for _, k := range assistantProps {
			values["Props"+k] = r.PostForm.Get("Props" + k)
		}
		return h.assistantPage(w, r, acct, status, page{Fields: map[string]string{field: e.Message}}, values)
	}
	var a struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return err
	}
	if form.Get("CallbackUrl") == "" {
		empty := ""
		if _, err := h.Store.UpdateAssistant(r.Context(), acct.SID, a.SID, store.AssistantPatch{CallbackURL: &empty, CallbackEvents: &empty}); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(a.SID)+"?done="+url.QueryEscape("Settings saved."), http.StatusSeeOther)
	return nil
}

// saveTaskSettings renames a task through the REST API.
func (h *Handler) saveTaskSettings(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.taskPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, "", nil)
	}
	form := url.Values{}
	for _, k := range []string{"UniqueName", "FriendlyName"} {
		if v := strings.TrimSpace(r.PostForm.Get("Task" + k)); v != "" {
			form.Set(k, v)
		}
	}
	_, apiPath := taskPaths(r)
	status, body := h.callAPI(r, acct, http.MethodPost, apiPath, form)
	if status != http.StatusOK {
		e := apiErrorOf(body)
		field := "Task" + cmp.Or(fieldOf(e, "UniqueName", "FriendlyName"), "UniqueName")
		values := map[string]string{"TaskUniqueName": r.PostForm.Get("TaskUniqueName"), "TaskFriendlyName": r.PostForm.Get("TaskFriendlyName")}
		return h.taskPage(w, r, acct, status, page{Fields: map[string]string{field: e.Message}}, "", values)
	}
	var t struct {
		UniqueName string `json:"unique_name"`
	}
	if err := json.Unmarshal(body, &t); err != nil {
		return err
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(r.PathValue("Assistant"))+"/tasks/"+url.PathEscape(t.UniqueName)+"?done="+url.QueryEscape("Task saved."), http.StatusSeeOther)
	return nil
}

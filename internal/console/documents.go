package console

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/store"
)

// saveDocument saves the assistant's Defaults or StyleSheet (param) from
// the form through the REST API; its errors, with their JSON paths, show
// next to the editor.
func (h *Handler) saveDocument(param string) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, acct store.Account) error {
		r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
		if err := r.ParseForm(); err != nil {
			return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
		}
		text := r.PostForm.Get(param)
		asst := url.PathEscape(r.PathValue("Assistant"))
		status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+asst+"/"+param, url.Values{param: {text}})
		if status != http.StatusOK {
			return h.assistantPage(w, r, acct, status, page{Fields: map[string]string{param: apiErrorOf(body).Message}}, map[string]string{param: text})
		}
		http.Redirect(w, r, "/console/assistants/"+asst+"?done="+url.QueryEscape(param+" saved."), http.StatusSeeOther)
		return nil
	}
}

// addField adds a field to the path's task through the REST API.
func (h *Handler) addField(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.taskPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, "", nil)
	}
	name, ftype := strings.TrimSpace(r.PostForm.Get("FieldName")), strings.TrimSpace(r.PostForm.Get("FieldType"))
	consolePath, apiPath := taskPaths(r)
	status, body := h.callAPI(r, acct, http.MethodPost, apiPath+"/Fields", url.Values{"UniqueName": {name}, "FieldType": {ftype}})
	if status != http.StatusCreated {
		e := apiErrorOf(body)
		field := cmp.Or(fieldOf(e, "FieldType"), "FieldName")
		return h.taskPage(w, r, acct, status, page{Fields: map[string]string{field: e.Message}}, "", map[string]string{"FieldName": name, "FieldType": ftype})
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape("Field added."), http.StatusSeeOther)
	return nil
}

// deleteField deletes a field of the path's task through the REST API.
func (h *Handler) deleteField(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	consolePath, apiPath := taskPaths(r)
	status, body := h.callAPI(r, acct, http.MethodDelete, apiPath+"/Fields/"+url.PathEscape(r.PathValue("Field")), nil)
	if status != http.StatusNoContent {
		return h.taskPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, "", nil)
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape("Field deleted."), http.StatusSeeOther)
	return nil
}

package console

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// fieldTypeData is the field type page's data.
type fieldTypeData struct {
	A    *assistant.Assistant
	FT   *assistant.FieldType
	Form map[string]string
}

// loadFieldType reads the path's field type, whole, with the head of its
// assistant.
func (h *Handler) loadFieldType(r *http.Request, acct store.Account) (*assistant.Assistant, *assistant.FieldType, error) {
	a, err := h.Store.AssistantFieldType(r.Context(), acct.SID, r.PathValue("Assistant"), r.PathValue("FieldType"))
	if err != nil {
		return nil, nil, err
	}
	return a, &a.FieldTypes[0], nil
}

func (h *Handler) fieldTypePage(w http.ResponseWriter, r *http.Request, acct store.Account, status int, p page, form map[string]string) error {
	a, ft, err := h.loadFieldType(r, acct)
	if err != nil {
		return err // ErrNotFound answers 404
	}
	p.Title, p.Account, p.Data = ft.UniqueName, acct.SID, fieldTypeData{A: a, FT: ft, Form: form}
	if p.Flash == "" {
		p.Flash = r.URL.Query().Get("done")
	}
	return h.render(w, status, "fieldtype", p)
}

func (h *Handler) fieldType(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	return h.fieldTypePage(w, r, acct, http.StatusOK, page{}, nil)
}

// fieldTypePaths are the console and API paths of the request's field type.
func fieldTypePaths(r *http.Request) (console, api string) {
	a, ft := url.PathEscape(r.PathValue("Assistant")), url.PathEscape(r.PathValue("FieldType"))
	return "/console/assistants/" + a + "/field-types/" + ft, "/v1/Assistants/" + a + "/FieldTypes/" + ft
}

func (h *Handler) createFieldType(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
	}
	name := strings.TrimSpace(r.PostForm.Get("TypeName"))
	asst := url.PathEscape(r.PathValue("Assistant"))
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+asst+"/FieldTypes", url.Values{"UniqueName": {name}})
	if status != http.StatusCreated {
		return h.assistantPage(w, r, acct, status, page{Fields: map[string]string{"TypeName": apiErrorOf(body).Message}}, map[string]string{"TypeName": name})
	}
	http.Redirect(w, r, "/console/assistants/"+asst+"/field-types/"+url.PathEscape(name)+"?done="+url.QueryEscape("Field type created."), http.StatusSeeOther)
	return nil
}

func (h *Handler) addFieldValue(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.fieldTypePage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
	}
	value, syn := r.PostForm.Get("Value"), strings.TrimSpace(r.PostForm.Get("SynonymOf"))
	form := url.Values{"Language": {"en-US"}, "Value": {value}}
	if syn != "" {
		form.Set("SynonymOf", syn)
	}
	consolePath, apiPath := fieldTypePaths(r)
	status, body := h.callAPI(r, acct, http.MethodPost, apiPath+"/FieldValues", form)
	if status != http.StatusCreated {
		e := apiErrorOf(body)
		field := cmp.Or(fieldOf(e, "SynonymOf"), "Value")
		return h.fieldTypePage(w, r, acct, status, page{Fields: map[string]string{field: e.Message}}, map[string]string{"Value": value, "SynonymOf": syn})
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape("Value added."), http.StatusSeeOther)
	return nil
}

func (h *Handler) deleteFieldValue(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	consolePath, apiPath := fieldTypePaths(r)
	status, body := h.callAPI(r, acct, http.MethodDelete, apiPath+"/FieldValues/"+url.PathEscape(r.PathValue("Value")), nil)
	if status != http.StatusNoContent {
		return h.fieldTypePage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, nil)
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape("Value deleted."), http.StatusSeeOther)
	return nil
}

// confirmDeleteFieldType asks before a field type is deleted.
func (h *Handler) confirmDeleteFieldType(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, ft, err := h.loadFieldType(r, acct)
	if err != nil {
		return err // ErrNotFound answers 404
	}
	// The fields of every task (a rare page: it may read them all).
	whole, err := h.Store.Assistant(r.Context(), acct.SID, a.SID)
	if err != nil {
		return err
	}
	consolePath, _ := fieldTypePaths(r)
	d := deleteData{Noun: "field type", Name: ft.UniqueName, SID: ft.SID, With: "values and synonyms",
		Action: consolePath + "/delete", Back: consolePath}
	for _, t := range whole.Tasks {
		for _, f := range t.Fields {
			if f.FieldType == ft.UniqueName || f.FieldType == ft.SID {
				d.NamedBy = append(d.NamedBy, "field "+f.UniqueName+" of task "+t.UniqueName+" (delete it first)")
			}
		}
	}
	return h.render(w, http.StatusOK, "delete", page{Title: "Delete " + ft.UniqueName + "?", Account: acct.SID, Data: d})
}

func (h *Handler) deleteFieldType(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	_, apiPath := fieldTypePaths(r)
	status, body := h.callAPI(r, acct, http.MethodDelete, apiPath, nil)
	if status != http.StatusNoContent {
		return h.fieldTypePage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, nil)
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(r.PathValue("Assistant"))+"?done="+url.QueryEscape("Field type deleted."), http.StatusSeeOther)
	return nil
}

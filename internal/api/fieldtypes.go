package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/fields"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

// knownFieldType reports whether name is a built-in type or a field type of
// a, by unique name or SID.
func knownFieldType(a *assistant.Assistant, name string) bool {
	if fields.IsBuiltin(name) {
		return true
	}
	for _, ft := range a.FieldTypes {
		if ft.UniqueName == name || ft.SID == name {
			return true
		}
	}
	return false
}

// checkTags fails when a sample's tagged text marks a field the task does
// not have: such a sample could never fill it.
func checkTags(t *assistant.Task, tagged string) error {
	for _, tag := range assistant.Tags(tagged) {
		found := false
		for _, f := range t.Fields {
			found = found || f.UniqueName == tag
		}
		if !found {
			return invalid("TaggedText", "tag {%s} names no field of task %s: create the field first", tag, t.UniqueName)
		}
	}
	return nil
}

type fieldTypeJSON struct {
	AccountSID   string            `json:"account_sid"`
	AssistantSID string            `json:"assistant_sid"`
	SID          string            `json:"sid"`
	UniqueName   string            `json:"unique_name"`
	FriendlyName *string           `json:"friendly_name"`
	DateCreated  string            `json:"date_created"`
	DateUpdated  string            `json:"date_updated"`
	URL          string            `json:"url"`
	Links        map[string]string `json:"links"`
}

func (r *request) fieldTypeURL(assistantSID, sid string) string {
	return r.assistantURL(assistantSID) + "/FieldTypes/" + sid
}

func (r *request) fieldTypeJSON(a *assistant.Assistant, ft assistant.FieldType) fieldTypeJSON {
	u := r.fieldTypeURL(a.SID, ft.SID)
	return fieldTypeJSON{
		AccountSID:   a.AccountSID,
		AssistantSID: a.SID,
		SID:          ft.SID,
		UniqueName:   ft.UniqueName,
		FriendlyName: nullable(ft.FriendlyName),
		DateCreated:  date(ft.DateCreated),
		DateUpdated:  date(ft.DateUpdated),
		URL:          u,
		Links:        map[string]string{"field_values": u + "/FieldValues"},
	}
}

// loadFieldType reads the path's assistant and field type ({FieldType}: SID
// or unique name): the whole assistant, or, unless whole, its outline (no
// fields, samples or field values).
func (s *Server) loadFieldType(r *request, whole bool) (*assistant.Assistant, *assistant.FieldType, error) {
	load := s.loadOutline
	if whole {
		load = s.loadAssistant
	}
	a, err := load(r)
	if err != nil {
		return nil, nil, err
	}
	ft := bySIDOrName(a.FieldTypes, r.PathValue("FieldType"), func(ft *assistant.FieldType) (string, string) { return ft.SID, ft.UniqueName })
	if ft == nil {
		return nil, nil, notFound(r.URL.Path)
	}
	return a, ft, nil
}

// loadOneFieldType is loadFieldType for the handlers that need the field
// type alone: the assistant it returns holds that type only, with its
// values (and no tasks).
func (s *Server) loadOneFieldType(r *request) (*assistant.Assistant, *assistant.FieldType, error) {
	a, err := s.Store.AssistantFieldType(r.Context(), r.account.SID, r.PathValue("Assistant"), r.PathValue("FieldType"))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, notFound(r.URL.Path)
	}
	if err != nil {
		return nil, nil, err
	}
	return a, &a.FieldTypes[0], nil
}

func (s *Server) listFieldTypes(w http.ResponseWriter, r *request) error {
	a, err := s.loadOutline(r)
	if err != nil {
		return err
	}
	return writeList(w, r, "field_types", a.FieldTypes, func(ft assistant.FieldType) fieldTypeJSON { return r.fieldTypeJSON(a, ft) })
}

func (s *Server) createFieldType(w http.ResponseWriter, r *request) error {
	name, err := r.form.required("UniqueName")
	if err != nil {
		return err
	}
	if err := r.form.checkNames(); err != nil {
		return err
	}
	if strings.HasPrefix(name, "Twilio.") {
		return invalid("UniqueName", "%q: names starting with Twilio. are the built-in types'", name)
	}
	a, err := s.loadOutline(r)
	if err != nil {
		return err
	}
	if err := s.checkQuota("field types per assistant", len(a.FieldTypes), func(l Limits) int { return l.FieldTypes }); err != nil {
		return err
	}
	ft, err := s.Store.CreateFieldType(r.Context(), r.account.SID, a.SID, assistant.FieldType{UniqueName: name, FriendlyName: r.form.str("FriendlyName")})
	if err != nil {
		return storeError(r, "field type", name, err)
	}
	return writeJSON(w, http.StatusCreated, r.fieldTypeJSON(a, ft))
}

func (s *Server) getFieldType(w http.ResponseWriter, r *request) error {
	a, ft, err := s.loadFieldType(r, false)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, r.fieldTypeJSON(a, *ft))
}

func (s *Server) updateFieldType(w http.ResponseWriter, r *request) error {
	if err := r.form.checkNames(); err != nil {
		return err
	}
	a, ft, err := s.loadFieldType(r, false)
	if err != nil {
		return err
	}
	p := store.FieldTypePatch{UniqueName: r.form.opt("UniqueName"), FriendlyName: r.form.opt("FriendlyName")}
	updated, err := s.Store.UpdateFieldType(r.Context(), r.account.SID, a.SID, ft.SID, p)
	if err != nil {
		return storeError(r, "field type", r.form.str("UniqueName"), err)
	}
	return writeJSON(w, http.StatusOK, r.fieldTypeJSON(a, updated))
}

func (s *Server) deleteFieldType(w http.ResponseWriter, r *request) error {
	// Whole: the fields of every task are checked for the type.
	a, ft, err := s.loadFieldType(r, true)
	if err != nil {
		return err
	}
	for _, t := range a.Tasks {
		for _, f := range t.Fields {
			if f.FieldType == ft.UniqueName || f.FieldType == ft.SID {
				return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidValue,
					"field type %s is used by field %s of task %s: delete the field first", ft.UniqueName, f.UniqueName, t.UniqueName)
			}
		}
	}
	if err := s.Store.DeleteFieldType(r.Context(), r.account.SID, a.SID, ft.SID); err != nil {
		return storeError(r, "field type", "", err)
	}
	return noContent(w)
}

type fieldValueJSON struct {
	AccountSID   string  `json:"account_sid"`
	AssistantSID string  `json:"assistant_sid"`
	FieldTypeSID string  `json:"field_type_sid"`
	SID          string  `json:"sid"`
	Language     string  `json:"language"`
	Value        string  `json:"value"`
	SynonymOf    *string `json:"synonym_of"`
	DateCreated  string  `json:"date_created"`
	DateUpdated  string  `json:"date_updated"`
	URL          string  `json:"url"`
}

func (r *request) fieldValueJSON(a *assistant.Assistant, ft *assistant.FieldType, v assistant.FieldValue) fieldValueJSON {
	return fieldValueJSON{
		AccountSID:   a.AccountSID,
		AssistantSID: a.SID,
		FieldTypeSID: ft.SID,
		SID:          v.SID,
		Language:     v.Language,
		Value:        v.Value,
		SynonymOf:    nullable(v.SynonymOfSID),
		DateCreated:  date(v.DateCreated),
		DateUpdated:  date(v.DateUpdated),
		URL:          r.fieldTypeURL(a.SID, ft.SID) + "/FieldValues/" + v.SID,
	}
}

func (s *Server) listFieldValues(w http.ResponseWriter, r *request) error {
	a, ft, err := s.loadOneFieldType(r)
	if err != nil {
		return err
	}
	values := ft.Values
	if lang := r.URL.Query().Get("Language"); lang != "" {
		values = nil
		for _, v := range ft.Values {
			if v.Language == lang {
				values = append(values, v)
			}
		}
	}
	return writeList(w, r, "field_values", values, func(v assistant.FieldValue) fieldValueJSON { return r.fieldValueJSON(a, ft, v) })
}

func findValue(r *request, ft *assistant.FieldType) (*assistant.FieldValue, error) {
	id := r.PathValue("FieldValue")
	for i := range ft.Values {
		if ft.Values[i].SID == id {
			return &ft.Values[i], nil
		}
	}
	return nil, notFound(r.URL.Path)
}

func (s *Server) createFieldValue(w http.ResponseWriter, r *request) error {
	lang, err := r.form.required("Language")
	if err != nil {
		return err
	}
	if err := checkLanguage(lang); err != nil {
		return err
	}
	value, err := r.form.required("Value")
	if err != nil {
		return err
	}
	if err := checkLen("Value", &value, assistant.MaxFieldValue); err != nil {
		return err
	}
	a, ft, err := s.loadOneFieldType(r)
	if err != nil {
		return err
	}
	if err := s.checkQuota("values per field type", len(ft.Values), func(l Limits) int { return l.ValuesPerFieldType }); err != nil {
		return err
	}
	v := assistant.FieldValue{Language: lang, Value: value, SynonymOf: r.form.str("SynonymOf")}
	for _, old := range ft.Values {
		if strings.EqualFold(old.Value, value) && old.Language == lang {
			return twilio.NewError(http.StatusConflict, twilio.CodeUniqueNameInUse, "FieldValue already in use: %q is a value of %s", value, ft.UniqueName)
		}
	}
	v, err = s.Store.CreateFieldValue(r.Context(), r.account.SID, a.SID, ft.SID, v)
	if err != nil {
		if r.form.str("SynonymOf") != "" && isInvalid(err) {
			return invalid("SynonymOf", "%q is not a canonical value (or its SID) of %s", r.form.str("SynonymOf"), ft.UniqueName)
		}
		return storeError(r, "field value", value, err)
	}
	return writeJSON(w, http.StatusCreated, r.fieldValueJSON(a, ft, v))
}

func (s *Server) getFieldValue(w http.ResponseWriter, r *request) error {
	a, ft, err := s.loadOneFieldType(r)
	if err != nil {
		return err
	}
	v, err := findValue(r, ft)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, r.fieldValueJSON(a, ft, *v))
}

func (s *Server) deleteFieldValue(w http.ResponseWriter, r *request) error {
	a, ft, err := s.loadOneFieldType(r)
	if err != nil {
		return err
	}
	v, err := findValue(r, ft)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteFieldValue(r.Context(), r.account.SID, a.SID, ft.SID, v.SID); err != nil {
		return storeError(r, "field value", "", err)
	}
	return noContent(w)
}

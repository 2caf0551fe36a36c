package assistant

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// The schema file as MarshalSchema writes it: struct field order is the key
// order of schema.md §12.
type schemaFile struct {
	FriendlyName string          `json:"friendlyName"`
	UniqueName   string          `json:"uniqueName"`
	LogQueries   bool            `json:"logQueries"`
	Defaults     json.RawMessage `json:"defaults"`
	StyleSheet   json.RawMessage `json:"styleSheet"`
	FieldTypes   []fileFieldType `json:"fieldTypes"`
	Tasks        []fileTask      `json:"tasks"`
	ModelBuild   *fileModelBuild `json:"modelBuild,omitempty"`
	NLUThreshold float64         `json:"nluThreshold,omitempty"` // a Parley extension
}

type fileFieldType struct {
	UniqueName string      `json:"uniqueName"`
	Values     []fileValue `json:"values"`
}

type fileValue struct {
	Language  string  `json:"language"`
	Value     string  `json:"value"`
	SynonymOf *string `json:"synonymOf"` // null for a canonical value
}

type fileTask struct {
	UniqueName string          `json:"uniqueName"`
	Actions    json.RawMessage `json:"actions,omitempty"`
	ActionsURL string          `json:"actionsUrl,omitempty"` // a Parley extension
	Fields     []fileField     `json:"fields"`
	Samples    []fileSample    `json:"samples"`
}

type fileField struct {
	UniqueName string `json:"uniqueName"`
	FieldType  string `json:"fieldType"`
}

type fileSample struct {
	Language   string `json:"language"`
	TaggedText string `json:"taggedText"`
}

type fileModelBuild struct {
	UniqueName string `json:"uniqueName"`
}

// MarshalSchema writes a as an Autopilot assistant schema file, indented by
// two spaces, with keys in the order of schema.md §12. Unset defaults and
// style sheet are written as {}; field values list canonical values before
// synonyms, with synonymOf the canonical value string or null; a task's
// actionsUrl (a Parley extension) is written only when set, and its actions
// only when it has some. SIDs, dates and sample source channels are not part
// of the format.
//
// ParseSchema(MarshalSchema(a)) gives back a for any a that ParseSchema
// returned.
func MarshalSchema(a *Assistant) ([]byte, error) {
	f := schemaFile{
		FriendlyName: a.FriendlyName,
		UniqueName:   a.UniqueName,
		LogQueries:   a.LogQueries,
		Defaults:     orEmpty(a.Defaults),
		StyleSheet:   orEmpty(a.StyleSheet),
		FieldTypes:   []fileFieldType{},
		Tasks:        []fileTask{},
	}
	for _, ft := range a.FieldTypes {
		out := fileFieldType{UniqueName: ft.UniqueName, Values: []fileValue{}}
		for _, synonyms := range []bool{false, true} {
			for _, v := range ft.Values {
				if (v.SynonymOf != "") != synonyms {
					continue
				}
				fv := fileValue{Language: orDefault(v.Language), Value: v.Value}
				if synonyms {
					fv.SynonymOf = &v.SynonymOf
				}
				out.Values = append(out.Values, fv)
			}
		}
		f.FieldTypes = append(f.FieldTypes, out)
	}
	for _, t := range a.Tasks {
		out := fileTask{
			UniqueName: t.UniqueName,
			Actions:    t.Actions,
			ActionsURL: t.ActionsURL,
			Fields:     []fileField{},
			Samples:    []fileSample{},
		}
		if len(out.Actions) > 0 && !json.Valid(out.Actions) {
			return nil, fmt.Errorf("marshal schema: task %q: actions are not valid JSON", t.UniqueName)
		}
		if len(out.Actions) == 0 && t.ActionsURL == "" {
			out.Actions = json.RawMessage(`{"actions":[]}`)
		}
		for _, fl := range t.Fields {
			out.Fields = append(out.Fields, fileField{UniqueName: fl.UniqueName, FieldType: fl.FieldType})
		}
		for _, s := range t.Samples {
			out.Samples = append(out.Samples, fileSample{Language: orDefault(s.Language), TaggedText: s.TaggedText})
		}
		f.Tasks = append(f.Tasks, out)
	}
	if a.ModelBuild != "" {
		f.ModelBuild = &fileModelBuild{UniqueName: a.ModelBuild}
	}
	f.NLUThreshold = a.NLUThreshold
	for name, raw := range map[string]json.RawMessage{"defaults": f.Defaults, "styleSheet": f.StyleSheet} {
		if !json.Valid(raw) {
			return nil, fmt.Errorf("marshal schema: %s is not valid JSON", name)
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("marshal schema: %w", err)
	}
	return b.Bytes(), nil
}

func orEmpty(raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage("{}")
	}
	return raw
}

func orDefault(lang string) string {
	if lang == "" {
		return defaultLanguage
	}
	return lang
}

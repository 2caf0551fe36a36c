package assistant

import "encoding/json"

// SIDs are the SIDs of an assistant's contents, found again by name: tasks
// and field types by unique name, fields by task and name, samples by task,
// language and text, values by field type, language and value. A model
// build keeps them so that Restore brings its contents back under the SIDs
// clients hold.
type SIDs struct {
	Tasks      map[string]string            `json:"tasks,omitempty"`
	Fields     map[string]map[string]string `json:"fields,omitempty"`
	Samples    map[string]map[string]string `json:"samples,omitempty"`
	FieldTypes map[string]string            `json:"field_types,omitempty"`
	Values     map[string]map[string]string `json:"values,omitempty"`
}

func textKey(language, text string) string { return language + "\x00" + text }

// SIDsOf returns the SIDs of a's contents.
func SIDsOf(a *Assistant) SIDs {
	s := SIDs{Tasks: map[string]string{}, Fields: map[string]map[string]string{}, Samples: map[string]map[string]string{},
		FieldTypes: map[string]string{}, Values: map[string]map[string]string{}}
	for _, t := range a.Tasks {
		s.Tasks[t.UniqueName] = t.SID
		for _, f := range t.Fields {
			if s.Fields[t.UniqueName] == nil {
				s.Fields[t.UniqueName] = map[string]string{}
			}
			s.Fields[t.UniqueName][f.UniqueName] = f.SID
		}
		for _, sm := range t.Samples {
			if s.Samples[t.UniqueName] == nil {
				s.Samples[t.UniqueName] = map[string]string{}
			}
			s.Samples[t.UniqueName][textKey(sm.Language, sm.TaggedText)] = sm.SID
		}
	}
	for _, ft := range a.FieldTypes {
		s.FieldTypes[ft.UniqueName] = ft.SID
		for _, v := range ft.Values {
			if s.Values[ft.UniqueName] == nil {
				s.Values[ft.UniqueName] = map[string]string{}
			}
			s.Values[ft.UniqueName][textKey(v.Language, v.Value)] = v.SID
		}
	}
	return s
}

// Apply sets on a's contents the SIDs that s has for them; the others keep
// theirs.
func (s SIDs) Apply(a *Assistant) {
	for i := range a.Tasks {
		t := &a.Tasks[i]
		if sid := s.Tasks[t.UniqueName]; sid != "" {
			t.SID = sid
		}
		for j := range t.Fields {
			if sid := s.Fields[t.UniqueName][t.Fields[j].UniqueName]; sid != "" {
				t.Fields[j].SID = sid
			}
		}
		for j := range t.Samples {
			sm := &t.Samples[j]
			if sid := s.Samples[t.UniqueName][textKey(sm.Language, sm.TaggedText)]; sid != "" {
				sm.SID = sid
			}
		}
	}
	for i := range a.FieldTypes {
		ft := &a.FieldTypes[i]
		if sid := s.FieldTypes[ft.UniqueName]; sid != "" {
			ft.SID = sid
		}
		for j := range ft.Values {
			v := &ft.Values[j]
			if sid := s.Values[ft.UniqueName][textKey(v.Language, v.Value)]; sid != "" {
				v.SID = sid
			}
		}
	}
}

// MarshalSIDs encodes s.
func (s SIDs) MarshalSIDs() ([]byte, error) { return json.Marshal(s) }

// ParseSIDs decodes what MarshalSIDs encoded.
func ParseSIDs(data []byte) (SIDs, error) {
	var s SIDs
	err := json.Unmarshal(data, &s)
	return s, err
}

package nlu

import "github.com/parleyhq/parley/internal/assistant"

// SampleText returns the utterance a user would type for a tagged sample of
// task t of a: the sample with each {field} tag filled by the first example
// value of the field's type, as the classifier is trained on it (a custom
// type's first value, or an example of a built-in type). Tags naming no
// field of t stay as words. Evaluations classify it as a held-out sample.
func SampleText(a *assistant.Assistant, t *assistant.Task, tagged string) string {
	ftypes := make(map[string]string, len(t.Fields))
	for _, f := range t.Fields {
		ftypes[f.UniqueName] = f.FieldType
	}
	return expandTags(tagged, ftypes, a)[0]
}

package nlu

import (
	"testing"

	"github.com/parleyhq/parley/internal/assistant"
)

func TestSampleText(t *testing.T) {
	a := &assistant.Assistant{FieldTypes: []assistant.FieldType{{UniqueName: "Custom.SIZE", Values: []assistant.FieldValue{{Value: "small"}, {Value: "large"}}}}}
	task := &assistant.Task{Fields: []assistant.Field{{UniqueName: "size", FieldType: "Custom.SIZE"}, {UniqueName: "time", FieldType: "Twilio.TIME"}}}
	tests := []struct {
		name, tagged, want string
	}{
		{"no-tags", "order a pizza", "order a pizza"},
		{"custom-and-builtin", "a {size} pizza at {time}", "a small pizza at 7pm"},
		{"unknown-field", "a pizza for {Unknown}", "a pizza for Unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SampleText(a, task, tt.tagged); got != tt.want {
				t.Errorf("SampleText(%q) = %q, want %q", tt.tagged, got, tt.want)
			}
		})
	}
}

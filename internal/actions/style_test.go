package actions_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parleyhq/parley/internal/actions"
)

func TestParseStyleSheet(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *actions.StyleSheet
	}{
		{"empty-input", ``, &actions.StyleSheet{}},
		{"empty-object", `{}`, &actions.StyleSheet{}},
		{"empty-style-sheet", `{"style_sheet":{}}`, &actions.StyleSheet{}},
		{"voice-only", `{"style_sheet":{"voice":{"say_voice":"Polly.Salli"}}}`, &actions.StyleSheet{SayVoice: "Polly.Salli"}},
		{"full", `{"style_sheet":{"name":"Matthew","voice":{"say_voice":"Polly.Matthew"},"collect":{"validate":{
			"on_failure":{"repeat_question":false,"messages":[{"say":"A"},{"say":{"speech":"B"}}]},
			"on_success":{"say":""},"max_attempts":4}}}}`,
			&actions.StyleSheet{Name: "Matthew", SayVoice: "Polly.Matthew",
				OnFailure:   &actions.OnFailure{Messages: []actions.Say{{Speech: "A"}, {Speech: "B"}}, RepeatQuestion: ptr(false)},
				OnSuccess:   &actions.Say{},
				MaxAttempts: &actions.MaxAttempts{NumAttempts: 4}}},
		{"on-success-speech", `{"style_sheet":{"collect":{"validate":{"on_success":{"say":{"speech":"Got it."}}}}}}`,
			&actions.StyleSheet{OnSuccess: &actions.Say{Speech: "Got it."}}},
		{"max-attempts-object", `{"style_sheet":{"collect":{"validate":{"max_attempts":{"num_attempts":2,"redirect":"task://t"}}}}}`,
			&actions.StyleSheet{MaxAttempts: &actions.MaxAttempts{NumAttempts: 2, Redirect: &actions.Redirect{URI: "task://t"}}}},
		{"unknown-keys", `{"style_sheet":{"mood":"happy","voice":{"say_voice":"Polly.Amy","speed":1},"collect":{"x":1,"validate":{"y":2}}}}`,
			&actions.StyleSheet{SayVoice: "Polly.Amy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := actions.ParseStyleSheet([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseStyleSheet (-want +got):\n%s", diff)
			}
			out, err := actions.MarshalStyleSheet(got)
			if err != nil {
				t.Fatal(err)
			}
			back, err := actions.ParseStyleSheet(out)
			if err != nil {
				t.Fatalf("reparse: %v\n%s", err, out)
			}
			if diff := cmp.Diff(got, back); diff != "" {
				t.Errorf("round trip (-parsed +reparsed):\n%s\n%s", diff, out)
			}
		})
	}
}

func TestMarshalStyleSheet(t *testing.T) {
	ss := &actions.StyleSheet{Name: "Amy", SayVoice: "Polly.Amy", OnSuccess: &actions.Say{Speech: "Lovely"}, MaxAttempts: &actions.MaxAttempts{NumAttempts: 4}}
	got, err := actions.MarshalStyleSheet(ss)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"style_sheet":{"name":"Amy","voice":{"say_voice":"Polly.Amy"},"collect":{"validate":{"on_success":{"say":"Lovely"},"max_attempts":4}}}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, _ := actions.MarshalStyleSheet(&actions.StyleSheet{}); string(got) != "{}" {
		t.Errorf("zero style sheet = %s, want {}", got)
	}
}

func TestParseStyleSheetErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"no-wrapper", `{"voice":{"say_voice":"Polly.Amy"}}`, "2 errors:\n\tunknown key \"voice\"\n\tstyle_sheet: missing"},
		{"not-object", `{"style_sheet":[]}`, `style_sheet: must be an object, got array`},
		{"voice-type", `{"style_sheet":{"voice":{"say_voice":1}}}`, `style_sheet.voice.say_voice: must be a string, got number`},
		{"max-attempts-type", `{"style_sheet":{"collect":{"validate":{"max_attempts":"4"}}}}`,
			`style_sheet.collect.validate.max_attempts: must be an integer or an object {"num_attempts": ..., "redirect": ...}, got string`},
		{"message-type", `{"style_sheet":{"collect":{"validate":{"on_failure":{"messages":[{"say":1}]}}}}}`,
			`style_sheet.collect.validate.on_failure.messages[0].say: must be a string or {"speech": ...}, got number`},
		{"syntax", `{"style_sheet":`, `1:15: unexpected end of JSON input`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := actions.ParseStyleSheet([]byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *actions.Defaults
	}{
		{"empty-input", ` `, &actions.Defaults{}},
		{"empty-object", `{}`, &actions.Defaults{}},
		{"full", `{"defaults":{"assistant_initiation":"task://greeting","fallback":"https://x.test/fb","collect":{"validate_on_failure":"task://cf"}}}`,
			&actions.Defaults{AssistantInitiation: "task://greeting", Fallback: "https://x.test/fb", ValidateOnFailure: "task://cf"}},
		{"nulls-and-empties", `{"defaults":{"assistant_initiation":"","fallback":null,"collect":{}}}`, &actions.Defaults{}},
		{"unknown-keys", `{"defaults":{"fallback":"task://f","greeting":"x","collect":{"other":1}}}`,
			&actions.Defaults{Fallback: "task://f", Unknown: []string{"defaults.greeting", "defaults.collect.other"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := actions.ParseDefaults([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseDefaults (-want +got):\n%s", diff)
			}
			out, err := actions.MarshalDefaults(got)
			if err != nil {
				t.Fatal(err)
			}
			back, err := actions.ParseDefaults(out)
			if err != nil {
				t.Fatalf("reparse: %v\n%s", err, out)
			}
			// Unknown keys are not written back.
			if diff := cmp.Diff(got, back, cmpopts.IgnoreFields(actions.Defaults{}, "Unknown")); diff != "" {
				t.Errorf("round trip (-parsed +reparsed):\n%s", diff)
			}
		})
	}
}

func TestParseDefaultsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"no-wrapper", `{"fallback":"task://x"}`, []string{`unknown key "fallback"`, `defaults: missing`}},
		{"fallback-type", `{"defaults":{"fallback":1,"collect":{"validate_on_failure":true}}}`,
			[]string{`defaults.fallback: must be a string, got number`, `defaults.collect.validate_on_failure: must be a string, got boolean`}},
		{"collect-type", `{"defaults":{"collect":"task://x"}}`, []string{`defaults.collect: must be an object, got string`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := actions.ParseDefaults([]byte(tt.in))
			errs, ok := errors.AsType[actions.Errors](err)
			if !ok {
				t.Fatalf("error %T is not actions.Errors: %v", err, err)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMarshalDefaults(t *testing.T) {
	got, err := actions.MarshalDefaults(&actions.Defaults{Fallback: "task://f"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"defaults":{"assistant_initiation":"","fallback":"task://f","collect":{"validate_on_failure":""}}}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

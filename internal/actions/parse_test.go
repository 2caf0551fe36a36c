package actions_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/actions"
)

func ptr[T any](v T) *T { return &v }

func doc(as ...actions.Action) *actions.Document { return &actions.Document{Actions: as} }

func TestParseShapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *actions.Document
	}{
		{"empty", `{"actions":[]}`, &actions.Document{Actions: []actions.Action{}}},
		{"say-string", `{"actions":[{"say":"Hi"}]}`, doc(&actions.Say{Speech: "Hi"})},
		{"say-speech", `{"actions":[{"say":{"speech":"Hi"}}]}`, doc(&actions.Say{Speech: "Hi"})},
		{"say-empty", `{"actions":[{"say":""}]}`, doc(&actions.Say{})},
		{"play", `{"actions":[{"play":{"url":"https://x.test/a.mp3","loop":2}}]}`,
			doc(&actions.Play{URL: "https://x.test/a.mp3", Loop: 2})},
		{"play-no-loop", `{"actions":[{"play":{"url":"https://x.test/a.mp3"}}]}`,
			doc(&actions.Play{URL: "https://x.test/a.mp3"})},
		{"show", `{"actions":[{"show":{"body":"B","subject":"S","images":[{"label":"L","url":"https://x.test/i.png"},{"url":"u"}]}}]}`,
			doc(&actions.Show{Body: "B", Subject: "S", Images: []actions.Image{{URL: "https://x.test/i.png", Label: "L"}, {URL: "u"}}})},
		{"show-empty-images", `{"actions":[{"show":{"body":"","images":[]}}]}`, doc(&actions.Show{})},
		{"remember-any-json", `{"actions":[{"remember":{"a":"x","b":{ "n" : 1 },"c":[true, null],"d":2.5}}]}`,
			doc(&actions.Remember{Values: map[string]json.RawMessage{
				"a": json.RawMessage(`"x"`), "b": json.RawMessage(`{"n":1}`),
				"c": json.RawMessage(`[true,null]`), "d": json.RawMessage(`2.5`)}})},
		{"remember-empty", `{"actions":[{"remember":{}}]}`, doc(&actions.Remember{Values: map[string]json.RawMessage{}})},
		{"redirect-task", `{"actions":[{"redirect":"task://greeting"}]}`, doc(&actions.Redirect{URI: "task://greeting"})},
		{"redirect-url", `{"actions":[{"redirect":"https://x.test/next"}]}`, doc(&actions.Redirect{URI: "https://x.test/next"})},
		{"redirect-empty", `{"actions":[{"redirect":""}]}`, doc(&actions.Redirect{})},
		{"redirect-placeholder", `{"actions":[{"redirect":"YOUR_FUNCTION_URI"}]}`, doc(&actions.Redirect{URI: "YOUR_FUNCTION_URI"})},
		{"redirect-object", `{"actions":[{"redirect":{"uri":"https://x.test/next","method":"post"}}]}`,
			doc(&actions.Redirect{URI: "https://x.test/next", Method: "POST"})},
		{"redirect-object-task", `{"actions":[{"redirect":{"method":"POST","uri":"task://complete_survey"}}]}`,
			doc(&actions.Redirect{URI: "task://complete_survey", Method: "POST"})},
		{"redirect-object-get", `{"actions":[{"redirect":{"uri":"https://x.test/","method":"Get"}}]}`,
			doc(&actions.Redirect{URI: "https://x.test/", Method: "GET"})},
		{"listen-true", `{"actions":[{"listen":true}]}`, doc(&actions.Listen{})},
		{"listen-false", `{"actions":[{"listen":false}]}`, doc(&actions.Listen{Off: true})},
		{"listen-tasks", `{"actions":[{"listen":{"tasks":["a","b"]}}]}`, doc(&actions.Listen{Tasks: []string{"a", "b"}})},
		{"listen-empty-object", `{"actions":[{"listen":{}}]}`, doc(&actions.Listen{})},
		{"listen-voice-digits", `{"actions":[{"listen":{"tasks":["a"],"voice_digits":{"num_digits":1,"finish_on_key":"#","redirects":{"1":"task://a","2":"task://b"}},"barge":false}}]}`,
			doc(&actions.Listen{Tasks: []string{"a"}, Barge: ptr(false), VoiceDigits: &actions.VoiceDigits{
				NumDigits: 1, FinishOnKey: "#", Redirects: map[string]string{"1": "task://a", "2": "task://b"}}})},
		{"collect-full", `{"actions":[{"collect":{"name":"order","questions":[
			{"question":"Name?","name":"first_name","type":"Twilio.FIRST_NAME","prefill":"first_name"},
			{"question":{"say":"How many?"},"name":"n","type":"Twilio.NUMBER","voice_digits":{"num_digits":2,"finish_on_key":"#"},
			 "validate":{"allowed_values":{"list":["1","2"]},
			   "on_failure":{"messages":[{"say":"No."},{"say":{"speech":"Again."}}],"repeat_question":true},
			   "on_success":{"say":""},
			   "max_attempts":{"redirect":{"uri":"task://trouble","method":"POST"},"num_attempts":3},
			   "webhook":{"url":"https://x.test/v","method":"get"}}},
			{"question":{"say":{"speech":"Notes?"}},"name":"notes","validate":false}],
			"on_complete":{"redirect":"task://done"}}}]}`,
			doc(&actions.Collect{Name: "order", OnComplete: &actions.Redirect{URI: "task://done"}, Questions: []actions.Question{
				{Name: "first_name", Question: actions.Say{Speech: "Name?"}, Type: "Twilio.FIRST_NAME", Prefill: "first_name"},
				{Name: "n", Question: actions.Say{Speech: "How many?"}, Type: "Twilio.NUMBER",
					VoiceDigits: &actions.VoiceDigits{NumDigits: 2, FinishOnKey: "#"},
					Validate: &actions.Validate{
						AllowedValues: []string{"1", "2"},
						OnFailure:     &actions.OnFailure{Messages: []actions.Say{{Speech: "No."}, {Speech: "Again."}}, RepeatQuestion: ptr(true)},
						OnSuccess:     &actions.Say{},
						MaxAttempts:   &actions.MaxAttempts{NumAttempts: 3, Redirect: &actions.Redirect{URI: "task://trouble", Method: "POST"}},
						Webhook:       &actions.Webhook{URL: "https://x.test/v", Method: "GET"},
					}},
				{Name: "notes", Question: actions.Say{Speech: "Notes?"}},
			}})},
		{"collect-max-attempts-int", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"max_attempts":2}}],"on_complete":{"redirect":{"uri":""}}}}]}`,
			doc(&actions.Collect{Name: "c", OnComplete: &actions.Redirect{}, Questions: []actions.Question{
				{Name: "q", Question: actions.Say{Speech: "Q"}, Validate: &actions.Validate{MaxAttempts: &actions.MaxAttempts{NumAttempts: 2}}}}})},
		{"handoff", `{"actions":[{"handoff":{"channel":"voice","uri":"taskrouter://WW0","wait_url":"https://x.test/w","priority":"5","timeout":200}}]}`,
			doc(&actions.Handoff{Channel: "voice", URI: "taskrouter://WW0", Options: map[string]json.RawMessage{
				"wait_url": json.RawMessage(`"https://x.test/w"`), "priority": json.RawMessage(`"5"`), "timeout": json.RawMessage(`200`)}})},
		{"handoff-empty-uri", `{"actions":[{"handoff":{"channel":"voice","uri":"","method":"post"}}]}`,
			doc(&actions.Handoff{Channel: "voice", Method: "POST"})},
		{"show-with-collect", `{"actions":[{"show":{"body":"B"}},{"collect":{"name":"c","questions":[{"question":"Q","name":"q"}],"on_complete":{"redirect":"task://x"}}}]}`,
			doc(&actions.Show{Body: "B"}, &actions.Collect{Name: "c", Questions: []actions.Question{{Name: "q", Question: actions.Say{Speech: "Q"}}}, OnComplete: &actions.Redirect{URI: "task://x"}})},
		{"after-redirect", `{"actions":[{"say":"a"},{"redirect":"task://x"},{"listen":false}]}`,
			doc(&actions.Say{Speech: "a"}, &actions.Redirect{URI: "task://x"}, &actions.Listen{Off: true})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := actions.Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			out, err := actions.Marshal(got)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			back, err := actions.Parse(out)
			if err != nil {
				t.Fatalf("Parse(Marshal): %v\n%s", err, out)
			}
			if diff := cmp.Diff(got, back); diff != "" {
				t.Errorf("round trip (-parsed +reparsed):\n%s\n%s", diff, out)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const q = `{"question":"Q","name":"q"}`
	const oc = `"on_complete":{"redirect":"task://x"}`
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"not-object", `[]`, []string{`must be an object {"actions": [...]}, got array`}},
		{"no-actions", `{}`, []string{`actions: missing`}},
		{"unknown-top-key", `{"actions":[],"action":1}`, []string{`unknown key "action" (did you mean "actions"?)`}},
		{"duplicate-key", `{"actions":[],"actions":[]}`, []string{`duplicate key "actions"`}},
		{"actions-not-array", `{"actions":{}}`, []string{`actions: must be an array, got object`}},
		{"element-not-object", `{"actions":["say"]}`, []string{`actions[0]: must be an object with one action, got string`}},
		{"no-action", `{"actions":[{}]}`, []string{`actions[0]: no action (want one of say, play, show, remember, redirect, listen, collect, handoff)`}},
		{"two-actions", `{"actions":[{"say":"a","listen":true}]}`, []string{`actions[0]: more than one action: "say", "listen" (want exactly one per element)`}},
		{"unknown-action", `{"actions":[{"sya":"hi"}]}`, []string{`actions[0]: unknown action "sya" (did you mean "say"?)`}},
		{"unknown-action-far", `{"actions":[{"dance":"hi"}]}`, []string{`actions[0]: unknown action "dance"`}},
		{"fetch-actions", `{"actions":[{"fetch_actions":{"uri":"https://x.test"}}]}`,
			[]string{`actions[0]: unknown action "fetch_actions" ("fetch_actions" is the pre-release name of "redirect"; use {"redirect": {"uri": ..., "method": "POST"}})`}},
		{"say-number", `{"actions":[{"say":1}]}`, []string{`actions[0].say: must be a string or {"speech": ...}, got number`}},
		{"say-no-speech", `{"actions":[{"say":{}}]}`, []string{`actions[0].say.speech: missing`}},
		{"say-speech-type", `{"actions":[{"say":{"speech":true}}]}`, []string{`actions[0].say.speech: must be a string, got boolean`}},
		{"say-unknown-key", `{"actions":[{"say":{"speech":"a","speach":"b"}}]}`, []string{`actions[0].say: unknown key "speach" (did you mean "speech"?)`}},
		{"play-no-url", `{"actions":[{"play":{"loop":1}}]}`, []string{`actions[0].play.url: missing`}},
		{"play-loop-float", `{"actions":[{"play":{"url":"u","loop":1.5}}]}`, []string{`actions[0].play.loop: must be an integer, got 1.5`}},
		{"play-loop-negative", `{"actions":[{"play":{"url":"u","loop":-1}}]}`, []string{`actions[0].play.loop: must not be negative, got -1`}},
		{"play-string", `{"actions":[{"play":"u"}]}`, []string{`actions[0].play: must be an object {"url": ...}, got string`}},
		{"show-no-body", `{"actions":[{"show":{}}]}`, []string{`actions[0].show.body: missing`}},
		{"show-images-not-array", `{"actions":[{"show":{"body":"","images":{}}}]}`, []string{`actions[0].show.images: must be an array, got object`}},
		{"show-image-no-url", `{"actions":[{"show":{"body":"","images":[{"label":"x"}]}}]}`, []string{`actions[0].show.images[0].url: missing`}},
		{"remember-array", `{"actions":[{"remember":["a"]}]}`, []string{`actions[0].remember: must be an object, got array`}},
		{"redirect-number", `{"actions":[{"redirect":5}]}`, []string{`actions[0].redirect: must be a string or an object {"uri": ..., "method": ...}, got number`}},
		{"redirect-null", `{"actions":[{"redirect":null}]}`, []string{`actions[0].redirect: must be a string or an object {"uri": ..., "method": ...}, got null`}},
		{"redirect-no-uri", `{"actions":[{"redirect":{"method":"POST"}}]}`, []string{`actions[0].redirect.uri: missing`}},
		{"redirect-bad-method", `{"actions":[{"redirect":{"uri":"u","method":"PUT"}}]}`, []string{`actions[0].redirect.method: must be GET or POST, got "PUT"`}},
		{"redirect-url-key", `{"actions":[{"redirect":{"url":"u"}}]}`, []string{`actions[0].redirect: unknown key "url" (did you mean "uri"?)`, `actions[0].redirect.uri: missing`}},
		{"listen-string", `{"actions":[{"listen":"yes"}]}`, []string{`actions[0].listen: must be true, false or an object, got string`}},
		{"listen-tasks-string", `{"actions":[{"listen":{"tasks":"a"}}]}`, []string{`actions[0].listen.tasks: must be an array of strings, got string`}},
		{"listen-tasks-number", `{"actions":[{"listen":{"tasks":["a",1]}}]}`, []string{`actions[0].listen.tasks[1]: must be a string, got number`}},
		{"listen-barge-string", `{"actions":[{"listen":{"barge":"true"}}]}`, []string{`actions[0].listen.barge: must be a boolean, got string`}},
		{"listen-digits-key", `{"actions":[{"listen":{"voice_digits":{"num_digit":1}}}]}`, []string{`actions[0].listen.voice_digits: unknown key "num_digit" (did you mean "num_digits"?)`}},
		{"listen-redirects-value", `{"actions":[{"listen":{"voice_digits":{"redirects":{"1":2}}}}]}`, []string{`actions[0].listen.voice_digits.redirects.1: must be a string, got number`}},
		{"collect-missing-all", `{"actions":[{"collect":{}}]}`, []string{
			`actions[0].collect.name: missing`, `actions[0].collect.questions: missing`, `actions[0].collect.on_complete: missing`}},
		{"collect-name-space", `{"actions":[{"collect":{"name":"my order","questions":[` + q + `],` + oc + `}}]}`,
			[]string{`actions[0].collect.name: must not contain spaces, got "my order"`}},
		{"collect-name-empty", `{"actions":[{"collect":{"name":"","questions":[` + q + `],` + oc + `}}]}`,
			[]string{`actions[0].collect.name: must not be empty`}},
		{"collect-no-questions", `{"actions":[{"collect":{"name":"c","questions":[],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions: must not be empty`}},
		{"collect-on-complete-empty", `{"actions":[{"collect":{"name":"c","questions":[` + q + `],"on_complete":{}}}]}`,
			[]string{`actions[0].collect.on_complete.redirect: missing`}},
		{"question-missing", `{"actions":[{"say":"a"},{"say":"b"},{"collect":{"name":"c","questions":[{"question":"Q"}],` + oc + `}}]}`,
			[]string{`actions[2].collect.questions[0].name: missing`}},
		{"question-no-text", `{"actions":[{"collect":{"name":"c","questions":[{"name":"q"}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].question: missing`}},
		{"question-number", `{"actions":[{"collect":{"name":"c","questions":[{"name":"q","question":3}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].question: must be a string or {"say": ...}, got number`}},
		{"question-speech-object", `{"actions":[{"collect":{"name":"c","questions":[{"name":"q","question":{"speech":"Q"}}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].question: unknown key "speech"`, `actions[0].collect.questions[0].question.say: missing`}},
		{"question-duplicate-name", `{"actions":[{"collect":{"name":"c","questions":[` + q + `,` + q + `],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[1].name: duplicate question name "q" (also questions[0])`}},
		{"question-name-space", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"first name"}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].name: must not contain spaces, got "first name"`}},
		{"question-digits-redirects", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","voice_digits":{"redirects":{}}}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].voice_digits: unknown key "redirects"`}},
		{"validate-true", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":true}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].validate: must be an object or false, got true`}},
		{"validate-allowed-list", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"allowed_values":["a"]}}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].validate.allowed_values: must be an object {"list": [...]}, got array`}},
		{"validate-messages", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"on_failure":{"messages":["no"]}}}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].validate.on_failure.messages[0]: must be an object {"say": ...}, got string`}},
		{"validate-max-attempts", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"max_attempts":"3"}}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].validate.max_attempts: must be an integer or an object {"num_attempts": ..., "redirect": ...}, got string`}},
		{"validate-webhook-method", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"webhook":{"url":"u","method":"PATCH"}}}],` + oc + `}}]}`,
			[]string{`actions[0].collect.questions[0].validate.webhook.method: must be GET or POST, got "PATCH"`}},
		{"handoff-missing", `{"actions":[{"handoff":{}}]}`, []string{`actions[0].handoff.channel: missing`, `actions[0].handoff.uri: missing`}},
		{"handoff-sms", `{"actions":[{"handoff":{"channel":"sms","uri":"u"}}]}`, []string{`actions[0].handoff.channel: must be "voice", got "sms"`}},
		{"several", `{"actions":[{"sya":"a"},{"listen":1},{"redirect":{}}]}`, []string{
			`actions[0]: unknown action "sya" (did you mean "say"?)`,
			`actions[1].listen: must be true, false or an object, got number`,
			`actions[2].redirect.uri: missing`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := actions.Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", doc)
			}
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

func TestParseSyntaxError(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"trailing-comma", "{\n  \"actions\": [\n    {\"say\": \"hi\"},\n  ]\n}", "4:3: invalid character ']' looking for beginning of value"},
		{"truncated", `{"actions": [`, "1:13: unexpected end of JSON input"},
		{"empty", ``, "1:1: unexpected end of JSON input"},
		{"garbage", "\n\nhello", "3:1: invalid character 'h' looking for beginning of value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := actions.Parse([]byte(tt.in))
			se, ok := errors.AsType[*actions.SyntaxError](err)
			if !ok {
				t.Fatalf("error %T is not *actions.SyntaxError: %v", err, err)
			}
			if got := se.Error(); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrorsFormat(t *testing.T) {
	errs := actions.Errors{{Path: "actions[0]", Msg: "a"}, {Path: "", Msg: "b"}}
	if got, want := errs.Error(), "2 errors:\n\tactions[0]: a\n\tb"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	p := errs.Prefix("tasks[1].actions")
	if got, want := p.Error(), "2 errors:\n\ttasks[1].actions.actions[0]: a\n\ttasks[1].actions: b"; got != want {
		t.Errorf("Prefix = %q, want %q", got, want)
	}
}

func TestMarshalCanonical(t *testing.T) {
	in := `{"actions":[{"say":{"speech":"<speak>Hi & bye</speak>"}},{"redirect":{"uri":"task://x"}},{"listen":{"tasks":[]}},
		{"handoff":{"uri":"u","timeout":"5","channel":"voice","action":"a"}},{"remember":{"b":1,"a":{"z":1, "y":2}}}]}`
	d, err := actions.Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := actions.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"actions":[{"say":"<speak>Hi & bye</speak>"},{"redirect":"task://x"},{"listen":true},` +
		`{"handoff":{"channel":"voice","uri":"u","action":"a","timeout":"5"}},{"remember":{"a":{"z":1,"y":2},"b":1}}]}`
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
	if _, err := actions.Marshal(doc(nil)); err == nil {
		t.Error("Marshal of a nil action succeeded")
	}
	// Document implements json.Marshaler and json.Unmarshaler.
	var d2 actions.Document
	if err := json.Unmarshal([]byte(in), &d2); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, &d2); diff != "" {
		t.Errorf("json.Unmarshal (-Parse +Unmarshal):\n%s", diff)
	}
	b, err := json.Marshal(d2) // escapes <, > and &, still the same document
	if err != nil {
		t.Fatal(err)
	}
	var d3 actions.Document
	if err := json.Unmarshal(b, &d3); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, &d3); diff != "" {
		t.Errorf("json round trip (-want +got):\n%s", diff)
	}
}

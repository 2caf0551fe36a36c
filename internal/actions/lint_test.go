package actions_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/actions"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"clean", `{"actions":[{"say":"hi"},{"redirect":"task://x"}]}`, nil},
		{"clean-url", `{"actions":[{"redirect":{"uri":"https://fn.twil.io/x","method":"POST"}}]}`, nil},
		{"empty-redirect", `{"actions":[{"redirect":""}]}`, []string{`actions[0].redirect: empty redirect target (a placeholder?)`}},
		{"placeholder-redirect", `{"actions":[{"redirect":{"uri":"YOUR_FUNCTION_URI","method":"POST"}}]}`,
			[]string{`actions[0].redirect.uri: redirect target "YOUR_FUNCTION_URI" is not an http(s) URL or task:// URI (a placeholder?)`}},
		{"empty-task", `{"actions":[{"redirect":"task://"}]}`, []string{`actions[0].redirect: redirect target "task://" names no task`}},
		{"on-complete-empty-uri", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q"}],"on_complete":{"redirect":{"method":"POST","uri":""}}}}]}`,
			[]string{`actions[0].collect.on_complete.redirect.uri: empty redirect target (a placeholder?)`}},
		{"max-attempts-and-webhook", `{"actions":[{"collect":{"name":"c","questions":[{"question":"Q","name":"q","validate":{"max_attempts":{"num_attempts":1,"redirect":""},"webhook":{"url":"x"}}}],"on_complete":{"redirect":"task://d"}}}]}`,
			[]string{
				`actions[0].collect.questions[0].validate.max_attempts.redirect: empty redirect target (a placeholder?)`,
				`actions[0].collect.questions[0].validate.webhook.url: webhook url "x" is not an http(s) URL (a placeholder?)`,
			}},
		{"empty-handoff", `{"actions":[{"handoff":{"channel":"voice","uri":""}}]}`, []string{`actions[0].handoff.uri: empty handoff uri (a placeholder?)`}},
		{"handoff-taskrouter-ok", `{"actions":[{"handoff":{"channel":"voice","uri":"taskrouter://WW0123456789abcdef0123456789abcdef"}}]}`, nil},
		{"handoff-taskrouter-placeholder", `{"actions":[{"handoff":{"channel":"voice","uri":"taskrouter://INSERT SID"}}]}`,
			[]string{`actions[0].handoff.uri: handoff uri "taskrouter://INSERT SID" does not name a TaskRouter workflow SID (WW + 32 hex digits; a placeholder?)`}},
		{"play-and-image", `{"actions":[{"play":{"url":""}},{"show":{"body":"","images":[{"url":"{INSERT-MAP}"}]}}]}`,
			[]string{`actions[0].play.url: empty play url (a placeholder?)`, `actions[1].show.images[0].url: image url "{INSERT-MAP}" is not an http(s) URL (a placeholder?)`}},
		{"show-with-collect", `{"actions":[{"show":{"body":"B"}},{"collect":{"name":"c","questions":[{"question":"Q","name":"q"}],"on_complete":{"redirect":"task://x"}}}]}`,
			[]string{`actions[0]: show together with collect (actions[1]) in one document is not supported by Autopilot; redirect to another task to show`}},
		{"after-redirect", `{"actions":[{"say":"a"},{"redirect":"task://x"},{"listen":false},{"say":"b"}]}`,
			[]string{
				`actions[2]: unreachable: redirect at actions[1] ends the task, so this listen never runs`,
				`actions[3]: unreachable: redirect at actions[1] ends the task, so this say never runs`,
			}},
		{"after-listen", `{"actions":[{"listen":true},{"say":"b"}]}`,
			[]string{`actions[1]: unreachable: listen at actions[0] ends the task, so this say never runs`}},
		{"listen-false-continues", `{"actions":[{"listen":false},{"say":"b"}]}`, nil},
		{"after-handoff", `{"actions":[{"handoff":{"channel":"voice","uri":"https://x.test/twiml"}},{"say":"b"}]}`,
			[]string{`actions[1]: unreachable: handoff at actions[0] ends the task, so this say never runs`}},
		{"voice-digit-redirects", `{"actions":[{"listen":{"voice_digits":{"redirects":{"2":"task://","1":"task://a"}}}}]}`,
			[]string{`actions[0].listen.voice_digits.redirects.2: redirect target "task://" names no task`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := actions.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, is := range actions.Lint(doc) {
				got = append(got, is.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lint (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLintNil(t *testing.T) {
	if got := actions.Lint(nil); got != nil {
		t.Errorf("Lint(nil) = %v", got)
	}
}

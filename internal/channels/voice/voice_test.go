package voice_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/channels/channeltest"
	"github.com/parleyhq/parley/internal/channels/voice"
	"github.com/parleyhq/parley/internal/store"
)

func start(t *testing.T) *channeltest.Server {
	t.Helper()
	return channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		(&voice.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger()}).Register(mux)
	})
}

const airline = `{"uniqueName": "airline",
 "defaults": {"defaults": {"assistant_initiation": "task://welcome", "fallback": "task://fallback"}},
 "styleSheet": {"style_sheet": {"voice": {"say_voice": "Polly.Joanna"}}},
 "tasks": [
  {"uniqueName": "welcome", "actions": {"actions": [
     {"say": "<speak>Welcome to Parley Air.<break time=\"500ms\"/>How can I help?</speak>"}, {"listen": true}]}, "samples": []},
  {"uniqueName": "book", "actions": {"actions": [{"collect": {"name": "booking", "questions": [
     {"question": "How many passengers?", "name": "count", "type": "Twilio.NUMBER", "voice_digits": {"num_digits": 1},
      "validate": {"on_failure": {"messages": [{"say": "Please say or key in a number."}], "repeat_question": true}}}],
     "on_complete": {"redirect": "task://confirm"}}}]},
   "samples": [{"language": "en-US", "taggedText": "I want to book a flight"}, {"language": "en-US", "taggedText": "book a flight"}]},
  {"uniqueName": "confirm", "actions": {"actions": [{"say": "Your booking is noted."}, {"play": {"url": "https://example.com/chime.mp3", "loop": 2}},
     {"say": "Press 0 for an agent."}, {"listen": {"voice_digits": {"num_digits": 1, "finish_on_key": "#", "redirects": {"0": "task://agent"}}}}]}, "samples": []},
  {"uniqueName": "agent", "actions": {"actions": [{"say": "Connecting you to an agent."},
     {"handoff": {"channel": "voice", "uri": "taskrouter://WW0123456789abcdef0123456789abcdef", "priority": "5", "timeout": "300",
      "wait_url": "https://example.com/hold", "wait_url_method": "GET", "action": "https://example.com/after-queue"}}]}, "samples": []},
  {"uniqueName": "operator", "actions": {"actions": [{"handoff": {"channel": "voice", "uri": "https://example.com/twiml/operator", "method": "POST"}}]},
   "samples": [{"language": "en-US", "taggedText": "put me through to the operator"}]},
  {"uniqueName": "bye", "actions": {"actions": [{"say": "Goodbye."}]},
   "samples": [{"language": "en-US", "taggedText": "goodbye"}, {"language": "en-US", "taggedText": "that is all"}]},
  {"uniqueName": "fallback", "actions": {"actions": [{"say": "Sorry, I did not get that."}, {"listen": true}]}, "samples": []}
 ]}`

// call is a call in progress: the form Twilio posts for it.
type call struct {
	s    *channeltest.Server
	base url.Values
}

func newCall(s *channeltest.Server, sid string) *call {
	return &call{s: s, base: url.Values{
		"AccountSid": {s.Account.SID}, "ApiVersion": {"2010-04-01"}, "CallSid": {sid}, "CallStatus": {"ringing"},
		"Called": {"+14155550199"}, "Caller": {"+14155550100"}, "Direction": {"inbound"}, "From": {"+14155550100"},
		"To": {"+14155550199"}, "FromCity": {"SAN FRANCISCO"}, "FromCountry": {"US"},
	}}
}

// post posts the call's form, with kv set, to path and parses the TwiML.
func (c *call) post(t *testing.T, path string, kv ...string) *channeltest.Node {
	t.Helper()
	return channeltest.ParseTwiML(t, c.s.Post(t, path, channeltest.Form(c.base, kv...)))
}

// gatherAction returns the action of the <Gather> root holds, which must
// be its only verb, relative to the server.
func gatherAction(t *testing.T, s *channeltest.Server, root *channeltest.Node) (*channeltest.Node, string) {
	t.Helper()
	if diff := cmp.Diff([]string{"Gather"}, root.Names()); diff != "" {
		t.Fatalf("verbs (-want +got):\n%s", diff)
	}
	g := root.Children[0]
	for k, want := range map[string]string{"input": "speech dtmf", "method": "POST", "actionOnEmptyResult": "true", "speechTimeout": "auto", "timeout": "5"} {
		if g.Attrs[k] != want {
			t.Errorf("<Gather %s=%q>, want %q", k, g.Attrs[k], want)
		}
	}
	action, ok := strings.CutPrefix(g.Attrs["action"], s.URL)
	if !ok {
		t.Fatalf("Gather action %q is not on the server %s", g.Attrs["action"], s.URL)
	}
	return g, action
}

// sayTexts returns each <Say>'s voice and text, and each <Play>'s loop and
// URL, of n's children.
func outputs(n *channeltest.Node) []string {
	var out []string
	for _, c := range n.Children {
		switch c.Name {
		case "Say":
			out = append(out, "say("+c.Attrs["voice"]+"): "+c.Text)
		case "Play":
			out = append(out, "play(x"+c.Attrs["loop"]+"): "+c.Text)
		}
	}
	return out
}

// TestCallToTaskRouter: a call from its first webhook through a spoken
// request, a keypad answer to a collect question, a silence and a digit
// redirect, to a TaskRouter handoff.
func TestCallToTaskRouter(t *testing.T) {
	s := start(t)
	a := s.Import(t, []byte(airline))
	c := newCall(s, "CA0123456789abcdef0123456789abcdef")
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-voice"

	// The call connects: assistant_initiation speaks, with its SSML kept.
	root := c.post(t, path)
	g, action := gatherAction(t, s, root)
	if diff := cmp.Diff([]string{"say(Polly.Joanna): Welcome to Parley Air.How can I help?"}, outputs(g)); diff != "" {
		t.Errorf("greeting (-want +got):\n%s", diff)
	}
	if br := g.Children[0].Child("break"); br == nil || br.Attrs["time"] != "500ms" {
		t.Errorf("the say's SSML <break> was lost: %+v", g.Children[0])
	}
	c.base.Set("CallStatus", "in-progress")

	// Speech: a booking; the collect asks, taking one keypad digit.
	root = c.post(t, action, "SpeechResult", "I want to book a flight", "Confidence", "0.92")
	g, action = gatherAction(t, s, root)
	if diff := cmp.Diff([]string{"say(Polly.Joanna): How many passengers?"}, outputs(g)); diff != "" {
		t.Errorf("question (-want +got):\n%s", diff)
	}
	if g.Attrs["numDigits"] != "1" {
		t.Errorf("<Gather numDigits=%q>, want 1", g.Attrs["numDigits"])
	}

	// Silence: the question again, after the style of a failed answer.
	root = c.post(t, action)
	g, action = gatherAction(t, s, root)
	if diff := cmp.Diff([]string{"say(Polly.Joanna): Please say or key in a number.", "say(Polly.Joanna): How many passengers?"}, outputs(g)); diff != "" {
		t.Errorf("after silence (-want +got):\n%s", diff)
	}

	// The keypad: 2 passengers; the confirmation plays twice and waits for a
	// digit.
	root = c.post(t, action, "Digits", "2", "FinishedOnKey", "")
	g, action = gatherAction(t, s, root)
	if diff := cmp.Diff([]string{"say(Polly.Joanna): Your booking is noted.", "play(x2): https://example.com/chime.mp3", "say(Polly.Joanna): Press 0 for an agent."}, outputs(g)); diff != "" {
		t.Errorf("confirmation (-want +got):\n%s", diff)
	}
	if g.Attrs["numDigits"] != "1" || g.Attrs["finishOnKey"] != "#" {
		t.Errorf("<Gather numDigits=%q finishOnKey=%q>", g.Attrs["numDigits"], g.Attrs["finishOnKey"])
	}

	// 0: the agent, through TaskRouter.
	root = c.post(t, action, "Digits", "0")
	if diff := cmp.Diff([]string{"Say", "Enqueue"}, root.Names()); diff != "" {
		t.Fatalf("handoff verbs (-want +got):\n%s", diff)
	}
	enq := root.Child("Enqueue")
	for k, want := range map[string]string{"workflowSid": "WW0123456789abcdef0123456789abcdef", "waitUrl": "https://example.com/hold", "waitUrlMethod": "GET", "action": "https://example.com/after-queue"} {
		if enq.Attrs[k] != want {
			t.Errorf("<Enqueue %s=%q>, want %q", k, enq.Attrs[k], want)
		}
	}
	task := enq.Child("Task")
	if task == nil || task.Attrs["priority"] != "5" || task.Attrs["timeout"] != "300" {
		t.Fatalf("<Task>: %+v", task)
	}
	var attrs struct {
		CurrentTask, Channel, UserIdentifier string
		Memory                               struct {
			Twilio struct {
				CollectedData struct {
					Booking struct {
						Answers struct {
							Count struct{ Answer string } `json:"count"`
						} `json:"answers"`
					} `json:"booking"`
				} `json:"collected_data"`
				Voice map[string]string `json:"voice"`
			} `json:"twilio"`
		}
	}
	if err := json.Unmarshal([]byte(task.Text), &attrs); err != nil {
		t.Fatalf("<Task> attributes are not JSON: %v: %s", err, task.Text)
	}
	if attrs.CurrentTask != "agent" || attrs.Channel != "voice" || attrs.UserIdentifier != "+14155550100" ||
		attrs.Memory.Twilio.CollectedData.Booking.Answers.Count.Answer != "2" || attrs.Memory.Twilio.Voice["CallSid"] != "CA0123456789abcdef0123456789abcdef" {
		t.Errorf("<Task> attributes: %s", task.Text)
	}
}

// TestCallToHangUp: a goodbye ends the dialogue with <Hangup/>; the status
// callback of a call hung up in the middle ends its dialogue.
func TestCallToHangUp(t *testing.T) {
	s := start(t)
	a := s.Import(t, []byte(airline))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-voice"

	c := newCall(s, "CA00000000000000000000000000000001")
	_, action := gatherAction(t, s, c.post(t, path))
	root := c.post(t, action, "SpeechResult", "goodbye")
	if diff := cmp.Diff([]string{"Say", "Hangup"}, root.Names()); diff != "" {
		t.Errorf("goodbye (-want +got):\n%s", diff)
	}

	c = newCall(s, "CA00000000000000000000000000000002")
	c.post(t, path)
	d, err := s.DB.ActiveDialogue(t.Context(), a.SID, "voice CA00000000000000000000000000000002", "+14155550100")
	if err != nil {
		t.Fatal(err)
	}
	root = c.post(t, path, "CallStatus", "completed", "CallDuration", "12")
	if len(root.Children) != 0 {
		t.Errorf("status callback answered %v", root.Names())
	}
	got, err := s.DB.Dialogue(t.Context(), s.Account.SID, a.SID, d.SID)
	if err != nil || got.Status != store.DialogueEnded {
		t.Errorf("dialogue after the hang-up: %+v, %v", got, err)
	}
}

// TestActionAfterDialogue: with the URL parameter action, the end of the
// dialogue redirects the call there with the Autopilot Request parameters,
// as <Connect action><Autopilot> did; a URL handoff redirects to its TwiML.
func TestActionAfterDialogue(t *testing.T) {
	s := start(t)
	a := s.Import(t, []byte(airline))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-voice?action=" + url.QueryEscape("https://example.com/after-bot?step=2")

	c := newCall(s, "CA00000000000000000000000000000003")
	_, action := gatherAction(t, s, c.post(t, path))
	if !strings.Contains(action, "action=") {
		t.Fatalf("the Gather action %q lost the action parameter", action)
	}
	root := c.post(t, action, "SpeechResult", "that is all")
	red := root.Child("Redirect")
	if red == nil || red.Attrs["method"] != "POST" {
		t.Fatalf("end with action: %v", root.Names())
	}
	u, err := url.Parse(red.Text)
	if err != nil || u.Host != "example.com" || u.Path != "/after-bot" {
		t.Fatalf("<Redirect>%s", red.Text)
	}
	q := u.Query()
	if q.Get("step") != "2" || q.Get("CurrentTask") != "bye" || q.Get("Channel") != "voice" || q.Get("AssistantSid") != a.SID || q.Get("DialogueSid") == "" {
		t.Errorf("<Redirect> parameters: %v", q)
	}

	c = newCall(s, "CA00000000000000000000000000000004")
	_, action = gatherAction(t, s, c.post(t, "/v1/"+s.Account.SID+"/"+a.SID+"/twilio-voice"))
	root = c.post(t, action, "SpeechResult", "put me through to the operator")
	red = root.Child("Redirect")
	if red == nil || !strings.HasPrefix(red.Text, "https://example.com/twiml/operator?") || !strings.Contains(red.Text, "CurrentTask=operator") {
		t.Errorf("URL handoff: %v %+v", root.Names(), red)
	}
}

// TestVoiceRefusals: unsigned calls get 403; a call without CallSid 400.
func TestVoiceRefusals(t *testing.T) {
	s := start(t)
	a := s.Import(t, []byte(airline))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-voice"
	c := newCall(s, "CA00000000000000000000000000000005")
	if r := s.PostWith(t, path, c.base, nil); r.Status != http.StatusForbidden {
		t.Errorf("unsigned: %d %s", r.Status, r.Body)
	}
	if _, err := s.DB.ActiveDialogue(t.Context(), a.SID, "voice CA00000000000000000000000000000005", "+14155550100"); err == nil {
		t.Error("an unsigned call started a dialogue")
	}
	noSID := channeltest.Form(c.base)
	noSID.Del("CallSid")
	if r := s.Post(t, path, noSID); r.Status != http.StatusBadRequest {
		t.Errorf("no CallSid: %d %s", r.Status, r.Body)
	}
	if r := s.Post(t, path+"?action=ftp%3A%2F%2Fexample.com", c.base); r.Status != http.StatusBadRequest {
		t.Errorf("bad action: %d %s", r.Status, r.Body)
	}
}

// TestVoiceTargetTask: TargetTask on the number's URL starts the call in
// that task instead of assistant_initiation.
func TestVoiceTargetTask(t *testing.T) {
	s := start(t)
	a := s.Import(t, []byte(airline))
	c := newCall(s, "CA00000000000000000000000000000006")
	root := c.post(t, "/v1/"+s.Account.SID+"/"+a.UniqueName+"/twilio-voice?TargetTask=bye")
	if diff := cmp.Diff([]string{"say(Polly.Joanna): Goodbye."}, outputs(root)); diff != "" || root.Child("Hangup") == nil {
		t.Errorf("TargetTask=bye: %v (-want +got):\n%s", root.Names(), diff)
	}
}

package channels_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/channels/channeltest"
	"github.com/parleyhq/parley/internal/channels/chat"
	"github.com/parleyhq/parley/internal/channels/custom"
	"github.com/parleyhq/parley/internal/channels/messaging"
	"github.com/parleyhq/parley/internal/channels/voice"
)

// TestEveryBotOnEveryChannel: every example and fixture bot answers a
// greeting on every channel (a call that connects on voice, "hello"
// elsewhere) with a valid answer, never an error; the webhooks they call,
// moved to a closed loopback port, fail into their fallbacks.
func TestEveryBotOnEveryChannel(t *testing.T) {
	files, _ := filepath.Glob("../../../shared/fixtures/autopilot/*/*.json")
	files = append(files, "../../examples/clinic.json", "../../examples/pizza.json")
	if len(files) < 15 {
		t.Fatalf("found %d bots; the fixtures are missing (../shared)", len(files))
	}
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) }))
	t.Cleanup(stub.Close)
	s := channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		(&messaging.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger()}).Register(mux)
		(&voice.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger()}).Register(mux)
		(&chat.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger(), APIURL: stub.URL}).Register(mux)
		(&custom.Handler{Accounts: s.DB, Engine: s.Engine, Logger: s.Logger()}).Register(mux)
	})
	bots, spoke := 0, 0
	for _, file := range files {
		if strings.Contains(file, "cli-legacy") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		a := s.ImportOffline(t, data)
		bots++
		base := "/v1/" + s.Account.SID + "/" + a.SID + "/"
		t.Run(strings.TrimPrefix(file, "../../"), func(t *testing.T) {
			sms := channeltest.ParseTwiML(t, s.Post(t, base+"twilio-messaging", url.Values{"From": {"+14155550100"}, "To": {"+14155550199"}, "Body": {"hello"}, "MessageSid": {"SM1"}, "AccountSid": {s.Account.SID}}))
			for _, c := range sms.Children {
				if c.Name != "Message" {
					t.Errorf("messaging: <%s>", c.Name)
				}
			}
			call := channeltest.ParseTwiML(t, s.Post(t, base+"twilio-voice", url.Values{"CallSid": {"CA" + a.SID[2:]}, "From": {"+14155550100"}, "To": {"+14155550199"}, "CallStatus": {"ringing"}, "AccountSid": {s.Account.SID}}))
			names := call.Names()
			if len(names) == 0 {
				t.Fatal("voice: an empty answer to a call")
			}
			switch last := names[len(names)-1]; last {
			case "Gather", "Hangup", "Redirect", "Enqueue":
			default:
				t.Errorf("voice: the answer ends with <%s>: %v", last, names)
			}
			if g := call.Child("Gather"); g != nil && len(g.Children) > 0 || call.Child("Say") != nil {
				spoke++
			}
			if r := s.Post(t, base+"twilio-chat", url.Values{"EventType": {"onMessageSent"}, "ServiceSid": {"IS1"}, "ChannelSid": {"CH1"}, "From": {"alice"}, "Body": {"hello"}}); r.Status != http.StatusOK {
				t.Errorf("chat: %d %s", r.Status, r.Body)
			}
			req, _ := http.NewRequestWithContext(t.Context(), "POST", s.URL+"/v2/"+s.Account.SID+"/"+a.SID+"/custom/web", strings.NewReader("UserId=u1&Text=hello"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(s.Account.SID, s.Account.AuthToken)
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
				t.Errorf("custom: %d, %v", resp.StatusCode, err)
			}
			resp.Body.Close()
		})
	}
	if strings.Contains(s.Logs(), "turn failed") {
		t.Errorf("turns failed:\n%s", s.Logs())
	}
	t.Logf("%d bots; %d spoke when called", bots, spoke)
	if spoke < bots/2 {
		t.Errorf("only %d of %d bots said anything when called", spoke, bots)
	}
}

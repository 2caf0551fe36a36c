package messaging_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/channels/channeltest"
	"github.com/parleyhq/parley/internal/channels/messaging"
	"github.com/parleyhq/parley/internal/twilio"
)

func start(t *testing.T) *channeltest.Server {
	t.Helper()
	return channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		(&messaging.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger()}).Register(mux)
	})
}

// inbound is the form of Twilio's incoming-message webhook for a text.
func inbound(acct, from, to, body string) url.Values {
	return url.Values{
		"ToCountry": {"US"}, "ToState": {"CA"}, "SmsMessageSid": {"SM0123456789abcdef0123456789abcdef"},
		"NumMedia": {"0"}, "ToCity": {"SAN FRANCISCO"}, "FromZip": {"94105"}, "SmsSid": {"SM0123456789abcdef0123456789abcdef"},
		"FromState": {"CA"}, "SmsStatus": {"received"}, "FromCity": {"SAN FRANCISCO"}, "Body": {body},
		"FromCountry": {"US"}, "To": {to}, "ToZip": {"94107"}, "NumSegments": {"1"},
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "AccountSid": {acct}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}
}

// messages returns the bodies of a TwiML messaging response's messages, and
// their media URLs after " +media ".
func messages(t *testing.T, root *channeltest.Node) []string {
	t.Helper()
	var out []string
	for _, m := range root.Children {
		if m.Name != "Message" {
			t.Fatalf("<Response> holds <%s>; want only <Message>", m.Name)
		}
		s := ""
		for _, c := range m.Children {
			switch c.Name {
			case "Body":
				s += c.Text
			case "Media":
				s += " +media " + c.Text
			default:
				t.Fatalf("<Message> holds <%s>", c.Name)
			}
		}
		out = append(out, s)
	}
	return out
}

const customer, number = "+14155550100", "+14155550199"

// TestSMSCollectConversation: the pizza example's order, texted: each say
// is a message, the collect's questions come one by one, a wrong answer is
// refused with the question again, and the order ends the dialogue.
func TestSMSCollectConversation(t *testing.T) {
	s := start(t)
	schema, err := os.ReadFile("../../../examples/pizza.json")
	if err != nil {
		t.Fatal(err)
	}
	a := s.Import(t, schema)
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-messaging"
	for i, step := range []struct {
		text string
		want []string
	}{
		{"hi", []string{"Hi, this is Parley Pizza! You can order a pizza, see the menu or ask for our opening hours."}},
		{"I want a large pepperoni pizza", []string{"How many?"}},
		{"twelve", []string{"We deliver 1 to 10 pizzas per order.", "How many?"}},
		{"two", []string{"What time should we deliver?"}},
		{"at 7pm", []string{"Shall I place the order?"}},
		{"yes", []string{"Thank you! Your order is in the oven.", "Anything else?"}},
		{"bye", []string{"Bye, and enjoy your pizza!"}},
	} {
		got := messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, customer, number, step.text))))
		if diff := cmp.Diff(step.want, got); diff != "" {
			t.Fatalf("step %d, %q (-want +got):\n%s", i, step.text, diff)
		}
	}
	// The dialogue ended with the goodbye: the next text starts anew.
	got := messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, customer, number, "hello"))))
	if len(got) != 1 || !strings.HasPrefix(got[0], "Hi, this is Parley Pizza") {
		t.Errorf("after the goodbye: %q", got)
	}
}

// TestMMSShow: a show is a message with its body and its image as <Media>,
// in the order of the actions; between numbers that cannot take MMS, the
// body alone.
func TestMMSShow(t *testing.T) {
	s := start(t)
	schema, err := os.ReadFile("../../../examples/pizza.json")
	if err != nil {
		t.Fatal(err)
	}
	a := s.Import(t, schema)
	path := "/v1/" + s.Account.SID + "/" + a.SID + "/twilio-messaging"
	want := []string{"Margherita, pepperoni, mushroom or veggie; small, medium or large. +media https://example.com/parley-pizza/menu.png", "Would you like to order?"}
	got := messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, customer, number, "show me the menu"))))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("menu by MMS (-want +got):\n%s", diff)
	}
	want[0] = "Margherita, pepperoni, mushroom or veggie; small, medium or large."
	got = messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, "+447700900123", "+447700900999", "show me the menu"))))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("menu by SMS without MMS (-want +got):\n%s", diff)
	}
}

// hookRecorder is a webhook that records the Autopilot Requests it gets and
// answers with a say of the channel it saw, and a listen.
type hookRecorder struct {
	mu  sync.Mutex
	got []url.Values
	srv *httptest.Server
}

func newHook(t *testing.T) *hookRecorder {
	h := &hookRecorder{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		h.mu.Lock()
		h.got = append(h.got, r.PostForm)
		h.mu.Unlock()
		fmt.Fprintf(w, `{"actions":[{"say":"You wrote %s on %s."},{"listen":true}]}`, r.PostForm.Get("CurrentInput"), r.PostForm.Get("Channel"))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookRecorder) last() url.Values {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got[len(h.got)-1]
}

const echoSchema = `{"uniqueName": "echo",
	"defaults": {"defaults": {"fallback": "%s"}},
	"tasks": [{"uniqueName": "greet", "actions": {"actions": [{"say": "Hello there."}, {"listen": true}]},
		"samples": [{"language": "en-US", "taggedText": "hello"}]},
		{"uniqueName": "other", "actions": {"actions": [{"say": "Other."}, {"listen": true}]},
		"samples": [{"language": "en-US", "taggedText": "track my parcel"}]}]}`

// TestWhatsAppConversation: a WhatsApp sender's messages are a dialogue on
// the whatsapp channel: webhooks see Channel=whatsapp, the sender as
// UserIdentifier and the inbound parameters under Memory.twilio.whatsapp.
func TestWhatsAppConversation(t *testing.T) {
	s := start(t)
	hook := newHook(t)
	a := s.Import(t, fmt.Appendf(nil, echoSchema, hook.srv.URL))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-messaging"
	from, to := "whatsapp:+14155550100", "whatsapp:+14155238886"
	got := messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, from, to, "hello"))))
	if diff := cmp.Diff([]string{"Hello there."}, got); diff != "" {
		t.Errorf("greeting (-want +got):\n%s", diff)
	}
	got = messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, from, to, "what is the weather in paris tomorrow"))))
	if diff := cmp.Diff([]string{"You wrote what is the weather in paris tomorrow on whatsapp."}, got); diff != "" {
		t.Errorf("fallback through the webhook (-want +got):\n%s", diff)
	}
	req := hook.last()
	var mem struct {
		Twilio struct {
			WhatsApp map[string]string `json:"whatsapp"`
		} `json:"twilio"`
	}
	if err := json.Unmarshal([]byte(req.Get("Memory")), &mem); err != nil {
		t.Fatal(err)
	}
	if req.Get("Channel") != "whatsapp" || req.Get("UserIdentifier") != from || mem.Twilio.WhatsApp["From"] != from || mem.Twilio.WhatsApp["To"] != to || mem.Twilio.WhatsApp["Body"] != "what is the weather in paris tomorrow" {
		t.Errorf("Autopilot Request: Channel %q, UserIdentifier %q, Memory.twilio.whatsapp %v", req.Get("Channel"), req.Get("UserIdentifier"), mem.Twilio.WhatsApp)
	}
	first, _ := s.DB.ActiveDialogue(t.Context(), a.SID, "whatsapp "+to, from)
	if first == nil {
		t.Fatal("no active dialogue keyed by the sender and the number written to")
	}
	// The same sender writing to another number is another dialogue.
	s.Post(t, path, inbound(s.Account.SID, from, "whatsapp:+14155230000", "hello"))
	other, _ := s.DB.ActiveDialogue(t.Context(), a.SID, "whatsapp whatsapp:+14155230000", from)
	if other == nil || other.SID == first.SID {
		t.Errorf("a message to another number joined dialogue %v", other)
	}
}

// TestSignatures: a request without a signature, with a forged one, signed
// with another token or for another URL gets 403 and changes nothing.
func TestSignatures(t *testing.T) {
	s := start(t)
	a := s.Import(t, fmt.Appendf(nil, echoSchema, "task://greet"))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-messaging"
	form := inbound(s.Account.SID, customer, number, "hello")
	for name, sig := range map[string]string{
		"missing":       "",
		"forged":        "bm90IGEgc2lnbmF0dXJl",
		"other token":   twilio.Signature("0123456789abcdef0123456789abcdef", s.URL+path, form),
		"other URL":     twilio.Signature(s.Account.AuthToken, s.URL+path+"?TargetTask=greet", form),
		"other account": twilio.Signature(s.Account.AuthToken, s.URL+"/v1/AC00000000000000000000000000000000/echo/twilio-messaging", form),
	} {
		h := map[string]string{}
		if sig != "" {
			h[twilio.SignatureHeader] = sig
		}
		r := s.PostWith(t, path, form, h)
		var e twilio.Error
		json.Unmarshal(r.Body, &e)
		if r.Status != http.StatusForbidden || e.Code != twilio.CodeAuthenticate {
			t.Errorf("%s signature: %d %s, want 403", name, r.Status, r.Body)
		}
	}
	if d, err := s.DB.ActiveDialogue(t.Context(), a.SID, "sms "+number, customer); err == nil {
		t.Errorf("a refused request started dialogue %s", d.SID)
	}
	if !strings.Contains(s.Logs(), "authentication failed") {
		t.Error("refused requests were not logged")
	}
	// A signed request to an unknown account's URL is refused the same way.
	other := "/v1/AC00000000000000000000000000000000/echo/twilio-messaging"
	if r := s.Post(t, other, form); r.Status != http.StatusForbidden {
		t.Errorf("unknown account: %d", r.Status)
	}
}

// TestBadRequests: what is not Twilio's webhook gets a 4xx that says why,
// and a log line.
func TestBadRequests(t *testing.T) {
	s := start(t)
	a := s.Import(t, fmt.Appendf(nil, echoSchema, "task://greet"))
	base := "/v1/" + s.Account.SID + "/"
	noFrom := inbound(s.Account.SID, customer, number, "hello")
	noFrom.Del("From")
	for _, tc := range []struct {
		name, path string
		form       url.Values
		status     int
		want       string
	}{
		{"no From", base + a.UniqueName + "/twilio-messaging", noFrom, 400, "From"},
		{"unknown assistant", base + "nosuch/twilio-messaging", inbound(s.Account.SID, customer, number, "hello"), 404, "not found"},
		{"unknown TargetTask", base + a.UniqueName + "/twilio-messaging?TargetTask=nosuch", inbound(s.Account.SID, customer, number, "hello"), 400, "TargetTask"},
		{"Memory not an object", base + a.UniqueName + "/twilio-messaging?Memory=%5B1%5D", inbound(s.Account.SID, customer, number, "hello"), 400, "Memory"},
		{"Memory over --max-memory", base + a.UniqueName + "/twilio-messaging?Memory=" + url.QueryEscape(`{"big":"`+strings.Repeat("x", 17<<10)+`"}`), inbound(s.Account.SID, customer, number, "hello"), 400, "over the limit"},
		{"oversized body", base + a.UniqueName + "/twilio-messaging", inbound(s.Account.SID, customer, number, strings.Repeat("x", 70<<10)), 400, "at most"},
	} {
		r := s.Post(t, tc.path, tc.form)
		if r.Status != tc.status || !strings.Contains(string(r.Body), tc.want) {
			t.Errorf("%s: %d %s; want %d mentioning %q", tc.name, r.Status, r.Body, tc.status, tc.want)
		}
	}
	if n := strings.Count(s.Logs(), "request refused"); n < 4 {
		t.Errorf("%d refusals logged, want at least 4:\n%s", n, s.Logs())
	}
}

// TestTargetTaskAndMemory: the URL parameters start the dialogue in a task
// with its Memory seeded.
func TestTargetTaskAndMemory(t *testing.T) {
	s := start(t)
	hook := newHook(t)
	a := s.Import(t, fmt.Appendf(nil, echoSchema, hook.srv.URL))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-messaging?TargetTask=other&Memory=" + url.QueryEscape(`{"CarModel":"Diablo"}`)
	got := messages(t, channeltest.ParseTwiML(t, s.Post(t, path, inbound(s.Account.SID, customer, number, "hello"))))
	if diff := cmp.Diff([]string{"Other."}, got); diff != "" {
		t.Errorf("TargetTask (-want +got):\n%s", diff)
	}
	s.Post(t, path, inbound(s.Account.SID, customer, number, "what is the weather in paris tomorrow"))
	if m := hook.last().Get("Memory"); !strings.Contains(m, `"CarModel":"Diablo"`) {
		t.Errorf("Memory after a seeded start: %s", m)
	}
}

// TestEmptyReply: a turn that says nothing answers an empty <Response/>.
func TestEmptyReply(t *testing.T) {
	s := start(t)
	a := s.Import(t, []byte(`{"uniqueName": "mute", "tasks": [{"uniqueName": "quiet", "actions": {"actions": [{"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]}]}`))
	root := channeltest.ParseTwiML(t, s.Post(t, "/v1/"+s.Account.SID+"/"+a.UniqueName+"/twilio-messaging", inbound(s.Account.SID, customer, number, "hello")))
	if len(root.Children) != 0 {
		t.Errorf("an empty reply holds %v", root.Names())
	}
}

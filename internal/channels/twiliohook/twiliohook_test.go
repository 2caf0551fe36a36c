package twiliohook_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/channels/channeltest"
	"github.com/parleyhq/parley/internal/channels/chat"
	"github.com/parleyhq/parley/internal/channels/messaging"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/channels/voice"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
)

func TestBaseURL(t *testing.T) {
	proxies, err := twiliohook.ParseProxies([]string{"10.0.0.0/8, 192.168.1.5", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	req := func(remote string, tlsOn bool, hdr ...string) *http.Request {
		r := httptest.NewRequest("POST", "/v1/x", nil)
		r.Host = "internal:8080"
		r.RemoteAddr = remote
		if tlsOn {
			r.TLS = &tls.ConnectionState{}
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	for _, tc := range []struct {
		name, public string
		r            *http.Request
		want         string
	}{
		{"plain", "", req("203.0.113.7:5000", false), "http://internal:8080"},
		{"tls", "", req("203.0.113.7:5000", true), "https://internal:8080"},
		{"forwarded by a stranger", "", req("203.0.113.7:5000", false, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil.example"), "http://internal:8080"},
		{"forwarded by a trusted proxy", "", req("10.1.2.3:5000", false, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "bot.example.com"), "https://bot.example.com"},
		{"forwarded twice", "", req("192.168.1.5:5000", false, "X-Forwarded-Proto", "https, http", "X-Forwarded-Host", "bot.example.com, proxy2"), "https://bot.example.com"},
		{"trusted IPv6 proxy", "", req("[::1]:5000", false, "X-Forwarded-Proto", "https"), "https://internal:8080"},
		{"public URL wins", "https://parley.example.com/", req("10.1.2.3:5000", false, "X-Forwarded-Host", "other"), "https://parley.example.com"},
	} {
		if got := twiliohook.BaseURL(tc.r, tc.public, proxies); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	if _, err := twiliohook.ParseProxies([]string{"proxy.example.com"}); err == nil {
		t.Error("a host name was taken as a trusted proxy")
	}
	if p, _ := twiliohook.ParseProxies([]string{"::ffff:10.0.0.1"}); len(p) != 1 || !p[0].Contains(netip.MustParseAddr("10.0.0.1")) {
		t.Errorf("IPv4-mapped proxy: %v", p)
	}
}

// TestSkipSignature: with SkipSignature, unsigned requests are served.
func TestSkipSignature(t *testing.T) {
	s := channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		s.Verifier.SkipSignature = true
		(&messaging.Handler{Verifier: s.Verifier, Engine: s.Engine}).Register(mux)
	})
	a := s.Import(t, []byte(`{"uniqueName": "hi", "tasks": [{"uniqueName": "hi", "actions": {"actions": [{"say": "Hi."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]}]}`))
	r := s.PostWith(t, "/v1/"+s.Account.SID+"/"+a.UniqueName+"/twilio-messaging", channeltest.Form(nil, "From", "+14155550100", "To", "+14155550199", "Body", "hello"), nil)
	if root := channeltest.ParseTwiML(t, r); len(root.Children) != 1 {
		t.Errorf("unsigned request with the check off: %s", r.Body)
	}
}

// FuzzTwilioChannels posts arbitrary forms and query strings to the three
// Twilio channels (signatures not checked, so that the rest is reached):
// never a 500, and TwiML that parses whenever messaging or voice answer 200.
func FuzzTwilioChannels(f *testing.F) {
	f.Add("From=%2B14155550100&To=%2B14155550199&Body=hello", "")
	f.Add("From=whatsapp%3A%2B1&To=x&Body=menu&NumMedia=1&MediaUrl0=http%3A%2F%2Fx", "TargetTask=greeting")
	f.Add("CallSid=CA1&From=%2B1&CallStatus=ringing", "Memory=%7B%22a%22%3A1%7D")
	f.Add("CallSid=CA1&From=%2B1&SpeechResult=order&Digits=1", "Gather=1&action=https%3A%2F%2Fexample.com")
	f.Add("CallSid=CA1&From=%2B1&CallStatus=completed", "")
	f.Add("EventType=onMessageSent&ServiceSid=IS1&ChannelSid=CH1&From=al&Body=hi", "Memory=%5B")
	f.Add("%%%&From=", "TargetTask=nope&action=ftp%3A%2F%2Fx")
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) }))
	f.Cleanup(stub.Close)
	var paths []string
	s := channeltest.Start(f, func(s *channeltest.Server, mux *http.ServeMux) {
		s.Verifier.SkipSignature = true
		(&messaging.Handler{Verifier: s.Verifier, Engine: s.Engine}).Register(mux)
		(&voice.Handler{Verifier: s.Verifier, Engine: s.Engine}).Register(mux)
		(&chat.Handler{Verifier: s.Verifier, Engine: s.Engine, APIURL: stub.URL}).Register(mux)
	})
	a := s.Import(f, []byte(`{"uniqueName": "shop", "defaults": {"defaults": {"assistant_initiation": "task://greeting", "fallback": "task://greeting"}},
		"tasks": [{"uniqueName": "greeting", "actions": {"actions": [{"say": "<speak>Hi <break time=\"1s\"/></speak>"}, {"show": {"body": "menu", "images": [{"url": "https://example.com/m.png"}]}}, {"listen": true}]},
		"samples": [{"language": "en-US", "taggedText": "hello"}]},
		{"uniqueName": "order", "actions": {"actions": [{"collect": {"name": "o", "questions": [{"question": "How many?", "name": "n", "type": "Twilio.NUMBER", "voice_digits": {"num_digits": 1}}], "on_complete": {"redirect": "task://greeting"}}}]},
		"samples": [{"language": "en-US", "taggedText": "order"}]}]}`))
	for _, ch := range []string{"twilio-messaging", "twilio-voice", "twilio-chat"} {
		paths = append(paths, "/v1/"+s.Account.SID+"/"+a.UniqueName+"/"+ch)
	}
	h := s.Config.Handler
	f.Fuzz(func(t *testing.T, body, query string) {
		for _, path := range paths {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.URL.RawQuery = query
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("%s: status %d for body %q query %q: %s", path, w.Code, body, query, w.Body)
			}
			if w.Code == 200 && !strings.HasSuffix(path, "chat") {
				dec := xml.NewDecoder(bytes.NewReader(w.Body.Bytes()))
				for {
					_, err := dec.Token()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s: TwiML does not parse (%v): %s", path, err, w.Body)
					}
				}
			}
		}
	})
}

// brokenEngine fails every turn as an engine whose store is down would.
type brokenEngine struct{}

func (brokenEngine) Handle(context.Context, dialogue.Turn) (*dialogue.Reply, error) {
	return nil, errors.New("load dialogue: database is locked")
}

func (brokenEngine) End(context.Context, dialogue.Turn) error {
	return errors.New("end dialogue: database is locked")
}

// TestEngineFailureStillAnswersTwiML: when a turn cannot run at all, Twilio
// still gets valid TwiML (no answer on messaging, a hang-up on voice) and
// chat posts nothing; the error is logged. Never a 500.
func TestEngineFailureStillAnswersTwiML(t *testing.T) {
	s := channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		(&messaging.Handler{Verifier: s.Verifier, Engine: brokenEngine{}, Logger: s.Logger()}).Register(mux)
		(&voice.Handler{Verifier: s.Verifier, Engine: brokenEngine{}, Logger: s.Logger()}).Register(mux)
		(&chat.Handler{Verifier: s.Verifier, Engine: brokenEngine{}, Logger: s.Logger(), APIURL: "http://127.0.0.1:9"}).Register(mux)
	})
	base := "/v1/" + s.Account.SID + "/bot/"
	root := channeltest.ParseTwiML(t, s.Post(t, base+"twilio-messaging", channeltest.Form(nil, "From", "+14155550100", "To", "+14155550199", "Body", "hi")))
	if len(root.Children) != 0 {
		t.Errorf("messaging: %v", root.Names())
	}
	root = channeltest.ParseTwiML(t, s.Post(t, base+"twilio-voice", channeltest.Form(nil, "CallSid", "CA1", "From", "+14155550100", "CallStatus", "ringing")))
	if len(root.Children) != 1 || root.Children[0].Name != "Hangup" {
		t.Errorf("voice: %v", root.Names())
	}
	if r := s.Post(t, base+"twilio-chat", channeltest.Form(nil, "EventType", "onMessageSent", "ServiceSid", "IS1", "ChannelSid", "CH1", "From", "al", "Body", "hi")); r.Status != http.StatusOK {
		t.Errorf("chat: %d %s", r.Status, r.Body)
	}
	if n := strings.Count(s.Logs(), "turn failed"); n != 3 {
		t.Errorf("%d failures logged, want 3:\n%s", n, s.Logs())
	}
}

// brokenAccounts cannot read accounts.
type brokenAccounts struct{}

func (brokenAccounts) Account(context.Context, string) (store.Account, error) {
	return store.Account{}, errors.New("database is locked")
}

// TestAccountsUnavailable: when the account cannot be read, the request is
// a 503, which Twilio retries, not a 500 or a 403.
func TestAccountsUnavailable(t *testing.T) {
	s := channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		s.Verifier.Accounts = brokenAccounts{}
		(&messaging.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger()}).Register(mux)
	})
	r := s.Post(t, "/v1/"+s.Account.SID+"/bot/twilio-messaging", channeltest.Form(nil, "From", "+14155550100", "To", "+14155550199", "Body", "hi"))
	if r.Status != http.StatusServiceUnavailable {
		t.Errorf("status %d: %s", r.Status, r.Body)
	}
}

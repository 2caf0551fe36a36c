package chat_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/channels/channeltest"
	"github.com/parleyhq/parley/internal/channels/chat"
)

// restStub stands for Twilio's REST API: it records the messages created.
type restStub struct {
	*httptest.Server
	mu    sync.Mutex
	posts []post
}

type post struct {
	Path, User, Pass string
	Form             url.Values
}

func newStub(t *testing.T) *restStub {
	s := &restStub{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		user, pass, _ := r.BasicAuth()
		s.mu.Lock()
		s.posts = append(s.posts, post{r.URL.Path, user, pass, r.PostForm})
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"sid": "IM00000000000000000000000000000000"}`))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *restStub) take() []post {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.posts
	s.posts = nil
	return p
}

func start(t *testing.T, api string) *channeltest.Server {
	t.Helper()
	return channeltest.Start(t, func(s *channeltest.Server, mux *http.ServeMux) {
		(&chat.Handler{Verifier: s.Verifier, Engine: s.Engine, Logger: s.Logger(), APIURL: api}).Register(mux)
	})
}

const (
	service = "IS0123456789abcdef0123456789abcdef"
	channel = "CH0123456789abcdef0123456789abcdef"
)

// chatMessage is Programmable Chat's onMessageSent webhook form.
func chatMessage(acct, from, body string) url.Values {
	return url.Values{
		"EventType": {"onMessageSent"}, "AccountSid": {acct}, "ServiceSid": {service}, "ChannelSid": {channel},
		"MessageSid": {"IM0123456789abcdef0123456789abcdef"}, "Body": {body}, "From": {from}, "Attributes": {"{}"},
		"Index": {"3"}, "DateCreated": {"2026-12-04T10:00:00.000Z"}, "Source": {"SDK"}, "RetryCount": {"0"},
		"WebhookType": {"webhook"}, "WebhookSid": {"WH0123456789abcdef0123456789abcdef"}, "ClientIdentity": {from},
	}
}

// TestChatConversation: a Programmable Chat user's messages are answered by
// messages created in the channel, as the assistant, with the account's
// credentials; a show carries its images in the message's attributes.
func TestChatConversation(t *testing.T) {
	stub := newStub(t)
	s := start(t, stub.URL)
	schema, err := os.ReadFile("../../../examples/pizza.json")
	if err != nil {
		t.Fatal(err)
	}
	a := s.Import(t, schema)
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-chat"
	if r := s.Post(t, path, chatMessage(s.Account.SID, "alice", "hi")); r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	posts := stub.take()
	want := []post{{"/v2/Services/" + service + "/Channels/" + channel + "/Messages", s.Account.SID, s.Account.AuthToken,
		url.Values{"Body": {"Hi, this is Parley Pizza! You can order a pizza, see the menu or ask for our opening hours."}, "From": {"pizza"}}}}
	if diff := cmp.Diff(want, posts); diff != "" {
		t.Fatalf("messages posted (-want +got):\n%s", diff)
	}

	s.Post(t, path, chatMessage(s.Account.SID, "alice", "show me the menu"))
	posts = stub.take()
	if len(posts) != 2 || posts[0].Form.Get("Body") != "Margherita, pepperoni, mushroom or veggie; small, medium or large." || posts[1].Form.Get("Body") != "Would you like to order?" {
		t.Fatalf("menu: %+v", posts)
	}
	var attrs struct {
		Images []struct{ URL, Label string }
	}
	if err := json.Unmarshal([]byte(posts[0].Form.Get("Attributes")), &attrs); err != nil || len(attrs.Images) != 1 || attrs.Images[0].URL != "https://example.com/parley-pizza/menu.png" {
		t.Errorf("the show's attributes: %q (%v)", posts[0].Form.Get("Attributes"), err)
	}

	// The bot's own messages and other events are not answered.
	s.Post(t, path, chatMessage(s.Account.SID, "pizza", "Would you like to order?"))
	other := chatMessage(s.Account.SID, "alice", "")
	other.Set("EventType", "onMemberAdded")
	s.Post(t, path, other)
	if posts := stub.take(); len(posts) != 0 {
		t.Errorf("answered its own message or another event: %+v", posts)
	}
	d, err := s.DB.ActiveDialogue(t.Context(), a.SID, "chat "+channel, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Memory struct {
			Twilio struct {
				Chat map[string]string `json:"chat"`
			} `json:"twilio"`
		} `json:"memory"`
	}
	json.Unmarshal(d.State, &st)
	if c := st.Memory.Twilio.Chat; c["ChannelSid"] != channel || c["ServiceSid"] != service || c["From"] != "alice" || c["AssistantName"] != "pizza" {
		t.Errorf("Memory.twilio.chat = %v", c)
	}
}

// TestConversationsMessage: a Conversations onMessageAdded webhook is
// answered in the conversation of its chat service.
func TestConversationsMessage(t *testing.T) {
	stub := newStub(t)
	s := start(t, stub.URL)
	a := s.Import(t, []byte(`{"uniqueName": "helper", "tasks": [{"uniqueName": "hi", "actions": {"actions": [{"say": "<speak>Hello <break time=\"1s\"/> there.</speak>"}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]}]}`))
	form := url.Values{
		"EventType": {"onMessageAdded"}, "AccountSid": {s.Account.SID}, "ChatServiceSid": {service}, "ConversationSid": {channel},
		"MessageSid": {"IM0123456789abcdef0123456789abcdef"}, "ParticipantSid": {"MB0123456789abcdef0123456789abcdef"},
		"Author": {"bob"}, "Body": {"hello"}, "Attributes": {"{}"}, "Index": {"0"}, "Source": {"API"}, "RetryCount": {"0"},
	}
	if r := s.Post(t, "/v1/"+s.Account.SID+"/"+a.SID+"/twilio-chat", form); r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	want := []post{{"/v1/Services/" + service + "/Conversations/" + channel + "/Messages", s.Account.SID, s.Account.AuthToken,
		url.Values{"Body": {"Hello  there."}, "Author": {a.SID}}}}
	if diff := cmp.Diff(want, stub.take()); diff != "" {
		t.Errorf("messages posted (-want +got):\n%s", diff)
	}
}

// TestChatRefusals: unsigned requests get 403 and post nothing; a message
// with no channel or author gets 400.
func TestChatRefusals(t *testing.T) {
	stub := newStub(t)
	s := start(t, stub.URL)
	a := s.Import(t, []byte(`{"uniqueName": "helper", "tasks": [{"uniqueName": "hi", "actions": {"actions": [{"say": "Hi."}, {"listen": true}]}, "samples": [{"language": "en-US", "taggedText": "hello"}]}]}`))
	path := "/v1/" + s.Account.SID + "/" + a.UniqueName + "/twilio-chat"
	if r := s.PostWith(t, path, chatMessage(s.Account.SID, "alice", "hello"), map[string]string{"X-Twilio-Signature": "Zm9yZ2Vk"}); r.Status != http.StatusForbidden {
		t.Errorf("forged signature: %d", r.Status)
	}
	bad := chatMessage(s.Account.SID, "alice", "hello")
	bad.Del("ChannelSid")
	if r := s.Post(t, path, bad); r.Status != http.StatusBadRequest {
		t.Errorf("no ChannelSid: %d %s", r.Status, r.Body)
	}
	if posts := stub.take(); len(posts) != 0 {
		t.Errorf("refused requests posted %+v", posts)
	}
}

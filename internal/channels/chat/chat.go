// Package chat serves Autopilot's twilio-chat channel: a Programmable Chat
// channel (onMessageSent) or a Conversations conversation (onMessageAdded)
// whose webhook is .../v1/{AccountSid}/{Assistant}/twilio-chat. The bot's
// answers are posted back as messages of that channel or conversation
// through Twilio's REST API, with the account's credentials.
package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/twilio"
)

// Twilio's REST API hosts for chat messages.
const (
	ChatURL          = "https://chat.twilio.com"
	ConversationsURL = "https://conversations.twilio.com"
)

// A Handler serves the chat channel.
type Handler struct {
	Verifier *twiliohook.Verifier
	Engine   twiliohook.Engine
	Logger   *slog.Logger
	// APIURL, when set, replaces the hosts of Twilio's REST API (ChatURL,
	// ConversationsURL) for the messages the bot posts: a test server, or a
	// regional edge.
	APIURL string
	// Client posts the messages; a client with a 10-second timeout when nil.
	Client *http.Client
}

// Register adds the channel's route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/{AccountSid}/{Assistant}/twilio-chat", h.serve)
}

func (h *Handler) logger() *slog.Logger { return twiliohook.Logger(h.Logger) }

const surface = "twilio-chat channel"

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	if err := h.handle(w, r); err != nil {
		twiliohook.WriteError(w, r, h.logger(), surface, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// A thread is where a message was written and where the answers go.
type thread struct {
	sid    string // the channel (Programmable Chat) or the conversation
	user   string // who wrote
	post   string // the Messages URL of the thread
	author string // the form key naming the author of a posted message
}

func (h *Handler) threadOf(f url.Values) (thread, bool) {
	chatURL, convURL := ChatURL, ConversationsURL
	if h.APIURL != "" {
		chatURL, convURL = strings.TrimSuffix(h.APIURL, "/"), strings.TrimSuffix(h.APIURL, "/")
	}
	if conv := f.Get("ConversationSid"); conv != "" {
		post := convURL + "/v1/Conversations/" + url.PathEscape(conv) + "/Messages"
		if svc := f.Get("ChatServiceSid"); svc != "" {
			post = convURL + "/v1/Services/" + url.PathEscape(svc) + "/Conversations/" + url.PathEscape(conv) + "/Messages"
		}
		return thread{sid: conv, user: f.Get("Author"), post: post, author: "Author"}, f.Get("Author") != ""
	}
	ch, svc := f.Get("ChannelSid"), f.Get("ServiceSid")
	if ch == "" || svc == "" {
		return thread{}, false
	}
	return thread{sid: ch, user: f.Get("From"), author: "From",
		post: chatURL + "/v2/Services/" + url.PathEscape(svc) + "/Channels/" + url.PathEscape(ch) + "/Messages"}, f.Get("From") != ""
}

func (h *Handler) handle(w http.ResponseWriter, r *http.Request) error {
	acct, err := h.Verifier.Verify(w, r, surface)
	if err != nil {
		return err
	}
	params, err := twiliohook.URLParams(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	switch f.Get("EventType") {
	case "onMessageSent", "onMessageAdded", "":
	default:
		return nil // another event of the channel: nothing to answer
	}
	th, ok := h.threadOf(f)
	if !ok {
		return twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "missing required parameters: a message of a Programmable Chat channel (ServiceSid, ChannelSid, From) or of a conversation (ConversationSid, Author)")
	}
	assistantName := r.PathValue("Assistant")
	if th.user == assistantName {
		return nil // the bot's own message
	}
	data := twiliohook.Form(r)
	data["AssistantName"] = assistantName
	turn := dialogue.Turn{
		AccountSID:  acct.SID,
		AuthToken:   acct.AuthToken,
		Assistant:   assistantName,
		Channel:     "chat",
		MemoryKey:   "chat",
		ChannelData: data,
		UserID:      th.user,
		Thread:      th.sid,
		Text:        f.Get("Body"),
		TargetTask:  params.TargetTask,
		Memory:      params.Memory,
		PublicURL:   h.Verifier.BaseURL(r),
		RequestID:   r.Header.Get("X-Request-Id"),
	}
	reply, err := twiliohook.Run(r, h.Engine, turn, h.Logger, surface)
	if err != nil || reply == nil {
		return err // nil when the turn failed, and was logged: nothing to post
	}
	if reply.Handoff != nil {
		h.logger().Warn(surface+": handoff is not supported on chat; the dialogue ended", "dialogue_sid", reply.DialogueSID, "request_id", turn.RequestID)
	}
	// The turn is saved: its answers are posted even if Twilio stops
	// waiting for this response.
	ctx := context.WithoutCancel(r.Context())
	for _, m := range Messages(reply) {
		m.Set(th.author, assistantName)
		if err := h.post(ctx, acct.SID, acct.AuthToken, th.post, m); err != nil {
			h.logger().Error(surface+": posting the answer failed", "url", th.post, "dialogue_sid", reply.DialogueSID, "error", err, "request_id", turn.RequestID)
			break
		}
	}
	return nil
}

// Messages returns the messages of a reply, in order: one per say (its
// text, SSML removed) and one per show (its body, and its images in the
// message's Attributes as {"images": [{"url", "label"}]}).
func Messages(reply *dialogue.Reply) []url.Values {
	var out []url.Values
	reply.Outputs(func(s dialogue.Say) {
		out = append(out, url.Values{"Body": {s.Text}})
	}, nil, func(s actions.Show) {
		m := url.Values{"Body": {s.Body}}
		if len(s.Images) > 0 {
			type image struct {
				URL   string `json:"url"`
				Label string `json:"label,omitempty"`
			}
			var imgs []image
			for _, img := range s.Images {
				imgs = append(imgs, image{img.URL, img.Label})
			}
			b, _ := json.Marshal(map[string]any{"images": imgs})
			m.Set("Attributes", string(b))
		}
		out = append(out, m)
	})
	return out
}

func (h *Handler) client() *http.Client {
	if h.Client != nil {
		return h.Client
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// post creates one message through Twilio's REST API.
func (h *Handler) post(ctx context.Context, accountSID, token, to string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, to, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(accountSID, token)
	resp, err := h.client().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

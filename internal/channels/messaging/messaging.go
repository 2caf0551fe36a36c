// Package messaging serves Autopilot's twilio-messaging channel: a Twilio
// phone number, Messaging Service or WhatsApp sender whose "a message comes
// in" webhook is .../v1/{AccountSid}/{Assistant}/twilio-messaging gets the
// bot's answers as TwiML <Message> verbs.
package messaging

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/twilio/twilio-go/twiml"
)

// A Handler serves the messaging channel.
type Handler struct {
	Verifier *twiliohook.Verifier
	Engine   twiliohook.Engine
	Logger   *slog.Logger
}

// Register adds the channel's route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/{AccountSid}/{Assistant}/twilio-messaging", twiliohook.ServeTwiML(h.handle, h.Logger, surface))
}

func (h *Handler) logger() *slog.Logger { return twiliohook.Logger(h.Logger) }

const surface = "twilio-messaging channel"

func (h *Handler) handle(w http.ResponseWriter, r *http.Request) (string, error) {
	acct, err := h.Verifier.Verify(w, r, surface)
	if err != nil {
		return "", err
	}
	params, err := twiliohook.URLParams(r)
	if err != nil {
		return "", err
	}
	from, to := r.PostForm.Get("From"), r.PostForm.Get("To")
	if from == "" {
		return "", twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "missing required parameter From: this URL takes Twilio's incoming message webhook")
	}
	channel := Channel(from)
	turn := dialogue.Turn{
		AccountSID:  acct.SID,
		AuthToken:   acct.AuthToken,
		Assistant:   r.PathValue("Assistant"),
		Channel:     channel,
		MemoryKey:   channel,
		ChannelData: twiliohook.Form(r),
		UserID:      from,
		Thread:      to,
		Text:        r.PostForm.Get("Body"),
		TargetTask:  params.TargetTask,
		Memory:      params.Memory,
		PublicURL:   h.Verifier.BaseURL(r),
		RequestID:   r.Header.Get("X-Request-Id"),
	}
	reply, err := twiliohook.Run(r, h.Engine, turn, h.Logger, surface)
	if err != nil {
		return "", err
	}
	if reply == nil {
		return twiml.Messages(nil) // the turn failed, and was logged
	}
	if reply.Handoff != nil {
		h.logger().Warn(surface+": handoff is not supported on messaging; the dialogue ended", "dialogue_sid", reply.DialogueSID, "request_id", turn.RequestID)
	}
	return twiml.Messages(Render(reply, HasMedia(from, to)))
}

// Channel is the Channel of a message from the sender from: "whatsapp" for
// a WhatsApp sender (whatsapp:+1...), else "sms".
func Channel(from string) string {
	if strings.HasPrefix(from, "whatsapp:") {
		return "whatsapp"
	}
	return "sms"
}

// HasMedia reports whether messages between from and to can carry images:
// WhatsApp and Messenger, and MMS, which Twilio offers on numbers of the
// United States and Canada (+1). Elsewhere a show sends its body alone.
func HasMedia(from, to string) bool {
	if strings.Contains(from, ":") || strings.Contains(to, ":") {
		return true // whatsapp:, messenger:, ...
	}
	return strings.HasPrefix(from, "+1") && strings.HasPrefix(to, "+1")
}

// Render turns a reply into <Message> verbs, in the order of the actions:
// one per say (its text, SSML removed) and one per show (its body, and its
// images as <Media> when media is set). Plays are not for messaging.
func Render(reply *dialogue.Reply, media bool) []twiml.Element {
	var out []twiml.Element
	reply.Outputs(func(s dialogue.Say) {
		out = append(out, &twiml.MessagingMessage{InnerElements: []twiml.Element{&twiml.MessagingBody{Message: s.Text}}})
	}, nil, func(s actions.Show) {
		if m := showMessage(s, media); m != nil {
			out = append(out, m)
		}
	})
	return out
}

func showMessage(s actions.Show, media bool) twiml.Element {
	var inner []twiml.Element
	if s.Body != "" {
		inner = append(inner, &twiml.MessagingBody{Message: s.Body})
	}
	if media {
		for _, img := range s.Images {
			if img.URL != "" {
				inner = append(inner, &twiml.MessagingMedia{Url: img.URL})
			}
		}
	}
	if len(inner) == 0 {
		return nil
	}
	return &twiml.MessagingMessage{InnerElements: inner}
}

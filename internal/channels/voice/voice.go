// Package voice serves Autopilot's twilio-voice channel: a Twilio phone
// number whose "a call comes in" webhook is
// .../v1/{AccountSid}/{Assistant}/twilio-voice talks with the assistant.
// Each answer is TwiML: the bot's says and plays, then a <Gather> of speech
// and keypad digits whose action comes back here, a <Redirect> or
// <Enqueue> for a handoff, and a <Hangup/> (or a <Redirect> to the URL
// parameter action) when the dialogue ends. The same URL as the number's
// status callback ends the dialogue of a call that hangs up.
package voice

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/beevik/etree"
	"github.com/twilio/twilio-go/twiml"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/channels/twiliohook"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/twilio"
)

// Engine runs turns and ends the dialogues of calls that hung up;
// *dialogue.Engine is one.
type Engine interface {
	twiliohook.Engine
	End(ctx context.Context, t dialogue.Turn) error
}

// A Handler serves the voice channel.
type Handler struct {
	Verifier *twiliohook.Verifier
	Engine   Engine
	Logger   *slog.Logger
}

// Register adds the channel's route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/{AccountSid}/{Assistant}/twilio-voice", twiliohook.ServeTwiML(h.handle, h.Logger, surface))
}

const surface = "twilio-voice channel"

// The query parameters Parley adds to its own Gather action URLs.
const gatherParam = "Gather"

// SilenceTimeout is how many seconds a <Gather> waits for the caller to
// begin speaking or pressing keys.
const SilenceTimeout = 5

// finished are the statuses of a call that is over.
var finished = map[string]bool{"completed": true, "busy": true, "failed": true, "no-answer": true, "canceled": true}

func (h *Handler) handle(w http.ResponseWriter, r *http.Request) (string, error) {
	acct, err := h.Verifier.Verify(w, r, surface)
	if err != nil {
		return "", err
	}
	params, err := twiliohook.URLParams(r)
	if err != nil {
		return "", err
	}
	f := r.PostForm
	callSID, from := f.Get("CallSid"), f.Get("From")
	if callSID == "" || from == "" {
		return "", twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "missing required parameter CallSid or From: this URL takes Twilio's incoming call webhook")
	}
	q := r.URL.Query()
	after := afterURL{url: q.Get("action"), method: strings.ToUpper(q.Get("method"))}
	if after.url != "" {
		if u, err := url.Parse(after.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", twilio.NewError(http.StatusBadRequest, twilio.CodeInvalidParameter, "the action URL parameter must be an absolute http or https URL")
		}
	}
	turn := dialogue.Turn{
		AccountSID:  acct.SID,
		AuthToken:   acct.AuthToken,
		Assistant:   r.PathValue("Assistant"),
		Channel:     "voice",
		MemoryKey:   "voice",
		ChannelData: twiliohook.Form(r),
		UserID:      from,
		Thread:      callSID,
		PublicURL:   h.Verifier.BaseURL(r),
		RequestID:   r.Header.Get("X-Request-Id"),
	}
	if finished[f.Get("CallStatus")] {
		// The number's status callback: the call is over.
		if err := twiliohook.TurnError(h.Engine.End(r.Context(), turn), r, 0); err != nil {
			return "", err
		}
		return twiml.Voice(nil)
	}
	if q.Get(gatherParam) == "" {
		// The call has just connected.
		turn.Initiate, turn.TargetTask, turn.Memory = true, params.TargetTask, params.Memory
	} else {
		turn.Text, turn.Digits = f.Get("SpeechResult"), f.Get("Digits")
	}
	reply, err := twiliohook.Run(r, h.Engine, turn, h.Logger, surface)
	if err != nil {
		return "", err
	}
	if reply == nil {
		return twiml.Voice([]twiml.Element{&twiml.VoiceHangup{}}) // the turn failed, and was logged
	}
	return Render(reply, h.gatherURL(r, after), after)
}

// gatherURL is where a <Gather> sends what the caller said: this URL, with
// the action to go to when the dialogue ends.
func (h *Handler) gatherURL(r *http.Request, after afterURL) string {
	q := url.Values{gatherParam: {"1"}}
	if after.url != "" {
		q.Set("action", after.url)
		if after.method != "" {
			q.Set("method", after.method)
		}
	}
	return h.Verifier.BaseURL(r) + r.URL.Path + "?" + q.Encode()
}

// afterURL is where the call goes when the dialogue ends: the URL
// parameters action and method, as <Connect action method> had them.
type afterURL struct{ url, method string }

// Render writes a reply as TwiML: its says (with the style sheet's voice,
// SSML kept) and plays in order; then a handoff, a <Gather> when the
// dialogue waits for the caller, or the end of the call.
func Render(reply *dialogue.Reply, gather string, after afterURL) (string, error) {
	var out []twiml.Element
	var ssml []*etree.Element // the parsed SSML of each <Say>, in document order (nil for plain text)
	reply.Outputs(func(s dialogue.Say) {
		say := &twiml.VoiceSay{Voice: reply.SayVoice, Message: s.Speech}
		var markup *etree.Element
		if strings.Contains(s.Speech, "<") {
			if markup = parseSSML(s.Speech); markup != nil {
				say.Message = ""
			} else {
				say.Message = s.Text
			}
		}
		ssml = append(ssml, markup)
		out = append(out, say)
	}, func(p actions.Play) {
		play := &twiml.VoicePlay{Url: p.URL}
		if p.Loop > 0 {
			play.Loop = strconv.Itoa(p.Loop)
		}
		out = append(out, play)
	}, nil)
	switch {
	case reply.Handoff != nil:
		out = append(out, handoff(reply.Handoff, reply.Request))
	case !reply.Ended:
		out = []twiml.Element{gatherOf(reply.Listen, gather, out)}
	case after.url != "":
		out = append(out, &twiml.VoiceRedirect{Url: withParams(after.url, reply.Request), Method: cmp.Or(after.method, "POST")})
	default:
		out = append(out, &twiml.VoiceHangup{})
	}
	doc, response := twiml.CreateDocument()
	twiml.AddAllVerbs(response, out)
	for i, el := range response.FindElements("//Say") {
		if i < len(ssml) && ssml[i] != nil {
			setSSML(el, ssml[i])
		}
	}
	return twiml.ToXML(doc)
}

// gatherOf wraps the outputs in a <Gather> of speech and digits, as a
// listen or a collect question asks (voice_digits: num_digits,
// finish_on_key; barge). Twilio calls the action even when the caller said
// nothing (actionOnEmptyResult): silence is a turn with no input.
func gatherOf(l *actions.Listen, action string, inner []twiml.Element) twiml.Element {
	g := &twiml.VoiceGather{Input: "speech dtmf", Action: action, Method: "POST", SpeechTimeout: "auto",
		Timeout: strconv.Itoa(SilenceTimeout), ActionOnEmptyResult: "true", InnerElements: inner}
	if l != nil {
		if vd := l.VoiceDigits; vd != nil {
			if vd.NumDigits > 0 {
				g.NumDigits = strconv.Itoa(vd.NumDigits)
			}
			g.FinishOnKey = vd.FinishOnKey
		}
		if l.Barge != nil && !*l.Barge {
			g.BargeIn = "false"
		}
	}
	return g
}

// handoff hands the call over: to TaskRouter (<Enqueue workflowSid> with a
// <Task>) for taskrouter://WW..., else to the TwiML at the URI (<Redirect>),
// with the parameters of an Autopilot Request.
func handoff(h *actions.Handoff, req url.Values) twiml.Element {
	opt := func(k string) string {
		var s string
		if raw, ok := h.Options[k]; ok && json.Unmarshal(raw, &s) != nil {
			s = strings.Trim(string(raw), `"`)
		}
		return s
	}
	if workflow, ok := strings.CutPrefix(h.URI, "taskrouter://"); ok {
		attrs := h.Options["attributes"]
		if len(attrs) == 0 || attrs[0] != '{' {
			attrs = taskAttributes(req)
		}
		return &twiml.VoiceEnqueue{WorkflowSid: workflow, Action: opt("action"), WaitUrl: opt("wait_url"), WaitUrlMethod: opt("wait_url_method"),
			InnerElements: []twiml.Element{&twiml.VoiceTask{Body: string(attrs), Priority: opt("priority"), Timeout: opt("timeout")}}}
	}
	return &twiml.VoiceRedirect{Url: withParams(h.URI, req), Method: cmp.Or(strings.ToUpper(h.Method), "POST")}
}

// taskAttributes are the attributes of a TaskRouter task when the handoff
// names none: the dialogue as an Autopilot Request describes it, Memory as
// an object.
func taskAttributes(req url.Values) json.RawMessage {
	m := map[string]any{}
	for _, k := range []string{"AccountSid", "AssistantSid", "DialogueSid", "UserIdentifier", "CurrentTask", "CurrentInput", "Channel"} {
		m[k] = req.Get(k)
	}
	var mem any
	if json.Unmarshal([]byte(req.Get("Memory")), &mem) == nil {
		m["Memory"] = mem
	}
	b, _ := json.Marshal(m)
	return b
}

// withParams adds params to the query of raw.
func withParams(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil || len(params) == 0 {
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// parseSSML parses a say's SSML, with or without its <speak> element,
// into a <speak> element; nil when it is not well-formed XML.
func parseSSML(speech string) *etree.Element {
	s := strings.TrimSpace(speech)
	if rest, ok := strings.CutPrefix(s, "<speak>"); ok {
		if inner, ok := strings.CutSuffix(rest, "</speak>"); ok {
			s = inner
		}
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromString("<speak>" + s + "</speak>"); err != nil {
		return nil
	}
	return doc.Root()
}

// setSSML replaces the content of a <Say> element by that of the parsed
// SSML's <speak>.
func setSSML(say *etree.Element, speak *etree.Element) {
	say.SetText("")
	for _, tok := range append([]etree.Token(nil), speak.Child...) {
		say.AddChild(tok)
	}
}

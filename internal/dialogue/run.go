package dialogue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
	"github.com/parleyhq/parley/internal/webhook"
)

// run is one turn in progress.
type run struct {
	e     *Engine
	c     *compiled
	t     Turn
	d     *store.Dialogue
	st    *state
	now   time.Time
	reply *Reply
	log   *slog.Logger

	redirects int // followed this turn (reset for the fallback after a fault)

	query *store.Query // what the NLU made of the message, to log

	hooks  []store.Webhook // the assistant's event webhooks
	events []event         // raised this turn, called once it is saved
}

// turn routes the user's input and runs what it leads to.
func (r *run) turn(ctx context.Context) {
	st := r.st
	if r.t.Text == "" && r.t.Digits != "" && (st.Listen == nil || st.Listen.Redirects[r.t.Digits] == "") {
		// Keypad digits that no voice_digits redirect maps are routed like
		// words ("3" may be a sample).
		r.t.Text = r.t.Digits
	}
	st.CurrentInput = r.t.Text
	awaiting, listen := st.Awaiting, st.Listen
	st.Awaiting, st.Listen = "", nil

	switch {
	case awaiting == awaitCollect && st.Collect != nil:
		r.answer(ctx)
	case r.t.Digits != "" && listen != nil && listen.Redirects[r.t.Digits] != "":
		st.Fields, st.NextBest = nil, ""
		r.follow(ctx, &actions.Redirect{URI: listen.Redirects[r.t.Digits]})
	case r.t.TargetTask != "" && st.Turns == 0:
		r.startTask(ctx, r.t.TargetTask, 1, "", nil)
	case r.t.Initiate && st.Turns == 0:
		r.initiate(ctx)
	default:
		q := nlu.Query{Text: r.t.Text, Language: r.t.Language, Now: r.now}
		if listen != nil {
			q.Tasks = listen.Tasks
		}
		res := r.c.nlu.Classify(q)
		r.logQuery(q, res)
		if o := r.e.opts.Observer; o != nil {
			o.Classified(res.Confidence, res.Task != "")
		}
		if res.Task == "" {
			st.Confidence, st.NextBest, st.Fields = res.Confidence, res.NextBest, nil
			r.fallback(ctx)
			break
		}
		r.startTask(ctx, res.Task, res.Confidence, res.NextBest, res.Fields)
	}

	if st.Awaiting == "" {
		r.reply.Ended = true
	}
}

// initiate runs defaults.assistant_initiation, or listens when there is
// none.
func (r *run) initiate(ctx context.Context) {
	r.runDefaultOrListen(ctx, r.c.defaults.AssistantInitiation)
}

// startTask runs a task chosen by the NLU (or TargetTask).
func (r *run) startTask(ctx context.Context, name string, confidence float64, nextBest string, fs []nlu.Field) {
	ct := r.c.task(name)
	if ct == nil {
		r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("no task named %q", name))
		return
	}
	r.st.CurrentTask, r.st.Confidence, r.st.NextBest, r.st.Fields = ct.t.UniqueName, confidence, nextBest, fs
	r.runTask(ctx, ct)
}

// runTask runs a task's actions: its own, or those its ActionsURL answers.
func (r *run) runTask(ctx context.Context, ct *compiledTask) {
	r.log.Debug("task", "task", ct.t.UniqueName)
	if ct.err != nil {
		r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("task %q: invalid actions: %v", ct.t.UniqueName, ct.err))
		return
	}
	r.event(EventDialogueTaskStart, nil)
	doc := ct.doc
	if doc == nil {
		var f *Fault
		doc, f = r.fetch(ctx, "POST", ct.t.ActionsURL, nil)
		if f != nil {
			r.failWith(ctx, *f)
			return
		}
	}
	r.exec(ctx, doc)
	r.event(EventDialogueTaskEnd, nil)
}

// exec interprets one Actions document. It returns when the document ends the
// turn (listen, collect, handoff, a redirect's target ending it) or runs out.
func (r *run) exec(ctx context.Context, doc *actions.Document) {
	for _, a := range doc.Actions {
		switch a := a.(type) {
		case *actions.Say:
			r.say(a.Speech)
		case *actions.Play:
			r.reply.Plays = append(r.reply.Plays, *a)
			r.reply.Order = append(r.reply.Order, OutputPlay)
		case *actions.Show:
			r.reply.Shows = append(r.reply.Shows, *a)
			r.reply.Order = append(r.reply.Order, OutputShow)
		case *actions.Remember:
			if !r.remember(ctx, a) {
				return
			}
		case *actions.Redirect:
			r.follow(ctx, a)
			return
		case *actions.Listen:
			if a.Off {
				continue // listen: false is no listen at all
			}
			r.listen(a)
			return
		case *actions.Collect:
			r.startCollect(ctx, a)
			return
		case *actions.Handoff:
			if !validHandoffURI(a.URI) {
				r.fail(ctx, twilio.CodeInvalidURL, fmt.Sprintf("handoff uri %q is neither an http(s) URL nor taskrouter://WORKFLOW (a placeholder left in the assistant?)", a.URI))
				return
			}
			r.reply.Handoff = a
			r.st.Awaiting = ""
			return
		}
	}
}

func (r *run) listen(l *actions.Listen) {
	r.st.Awaiting = awaitListen
	ls := &listenState{Tasks: l.Tasks}
	if l.VoiceDigits != nil {
		ls.Redirects = l.VoiceDigits.Redirects
	}
	r.st.Listen = ls
	r.reply.Listen = l
}

var ssmlTag = regexp.MustCompile(`<[^<>]*>`)

// validHandoffURI reports whether a handoff can go to uri: an absolute http
// or https URL (TwiML) or taskrouter:// with a workflow.
func validHandoffURI(uri string) bool {
	if w, ok := strings.CutPrefix(uri, "taskrouter://"); ok {
		return w != "" && !strings.ContainsAny(w, " /")
	}
	u, err := url.Parse(uri)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (r *run) say(speech string) {
	if speech == "" {
		return
	}
	text := speech
	if strings.Contains(text, "<") {
		text = html.UnescapeString(ssmlTag.ReplaceAllString(text, ""))
	}
	r.reply.Says = append(r.reply.Says, Say{Speech: speech, Text: text})
	r.reply.Order = append(r.reply.Order, OutputSay)
}

// remember merges values into Memory. A write over the Memory limit is
// dropped and fails the turn.
func (r *run) remember(ctx context.Context, a *actions.Remember) bool {
	old := make(map[string]any, len(a.Values))
	for k, raw := range a.Values {
		if k == "twilio" {
			r.log.Warn("remember: the twilio key of Memory is reserved; value ignored", "task", r.st.CurrentTask)
			continue
		}
		var v any
		if err := unmarshalNumber(raw, &v); err != nil {
			r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("remember %q: %v", k, err))
			return false
		}
		if prev, ok := r.st.Memory[k]; ok {
			old[k] = prev
		} else {
			old[k] = deleted{}
		}
		r.st.Memory[k] = v
	}
	if n, ok := r.memoryFits(); !ok {
		for k, v := range old {
			if _, gone := v.(deleted); gone {
				delete(r.st.Memory, k)
			} else {
				r.st.Memory[k] = v
			}
		}
		r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("remember in task %q: Memory would be %d bytes, over the limit of %d; the write is dropped", r.st.CurrentTask, n, r.e.opts.MaxMemory))
		return false
	}
	return true
}

type deleted struct{}

func (r *run) memoryFits() (int, bool) {
	data, err := r.st.memoryJSON()
	if err != nil {
		return 0, false
	}
	return len(data), len(data) <= r.e.opts.MaxMemory
}

// follow runs a redirect: a task:// URI or a URL answering Actions JSON.
func (r *run) follow(ctx context.Context, rd *actions.Redirect) {
	r.redirects++
	r.reply.Redirects = append(r.reply.Redirects, rd.URI)
	if r.redirects > r.e.opts.MaxRedirects {
		r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("more than %d redirects in one turn: %s", r.e.opts.MaxRedirects, strings.Join(r.reply.Redirects, " -> ")))
		return
	}
	if name, ok := rd.Task(); ok {
		ct := r.c.task(name)
		if ct == nil {
			r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("redirect to unknown task %q", name))
			return
		}
		// Request parameters of a task reached by redirect: confidence 1.0,
		// no next best task; the fields of the input are kept.
		r.st.CurrentTask, r.st.Confidence, r.st.NextBest = ct.t.UniqueName, 1, ""
		r.runTask(ctx, ct)
		return
	}
	doc, f := r.fetch(ctx, rd.Method, rd.URI, nil)
	if f != nil {
		r.failWith(ctx, *f)
		return
	}
	r.exec(ctx, doc)
}

// fetch sends the Autopilot Request to a URL and parses the Actions JSON it
// answers.
func (r *run) fetch(ctx context.Context, method, uri string, extra url.Values) (*actions.Document, *Fault) {
	resp, f := r.call(ctx, method, uri, extra)
	if f != nil {
		return nil, f
	}
	doc, err := actions.Parse(resp.Body)
	if err != nil {
		return nil, &Fault{Code: twilio.CodeInvalidActions, Message: fmt.Sprintf("%s answered invalid Actions JSON: %v", uri, firstError(err))}
	}
	r.event(EventActionsFetch, url.Values{"ActionsUrl": {uri}})
	return doc, nil
}

func (r *run) call(ctx context.Context, method, uri string, extra url.Values) (*webhook.Response, *Fault) {
	if strings.TrimSpace(uri) == "" {
		return nil, &Fault{Code: twilio.CodeInvalidURL, Message: "empty redirect or webhook URL (a placeholder left in the assistant?)"}
	}
	params := r.params()
	for k, v := range extra {
		params[k] = v
	}
	start := time.Now()
	resp, err := r.e.webhooks.Do(ctx, webhook.Request{Method: method, URL: uri, Params: params, AuthToken: r.t.AuthToken})
	took := time.Since(start)
	r.log.Debug("webhook", "url", uri, "duration", took, "error", err)
	call := WebhookCall{Method: cmp.Or(method, "POST"), URL: uri, Took: took}
	if resp != nil {
		call.Status = resp.Status
	}
	if err == nil {
		r.reply.Webhooks = append(r.reply.Webhooks, call)
		return resp, nil
	}
	call.Error = err.Error()
	f := &Fault{Code: twilio.CodeHTTPRetrieval, Message: err.Error()}
	if we, ok := errors.AsType[*webhook.Error](err); ok {
		if we.Status != 0 {
			call.Status = we.Status
		}
		f = &Fault{Code: we.Code, Message: we.Error()}
	}
	r.reply.Webhooks = append(r.reply.Webhooks, call)
	return nil, f
}

// firstError shortens a list of validation errors to its first, which names
// the JSON path.
func firstError(err error) error {
	if es, ok := errors.AsType[actions.Errors](err); ok && len(es) > 0 {
		if len(es) == 1 {
			return es[0]
		}
		return fmt.Errorf("%v (and %d more)", es[0], len(es)-1)
	}
	return err
}

// params are the standard parameters of an Autopilot Request.
func (r *run) params() url.Values {
	st := r.st
	v := url.Values{}
	v.Set("AccountSid", r.c.a.AccountSID)
	v.Set("AssistantSid", r.c.a.SID)
	v.Set("DialogueSid", r.d.SID)
	v.Set("UserIdentifier", r.t.UserID)
	v.Set("CurrentInput", st.CurrentInput)
	v.Set("CurrentTask", st.CurrentTask)
	v.Set("CurrentTaskConfidence", formatConfidence(st.Confidence))
	v.Set("NextBestTask", st.NextBest)
	v.Set("Channel", r.t.Channel)
	base := r.t.PublicURL
	if base == "" {
		base = r.e.opts.PublicURL
	}
	v.Set("DialoguePayloadUrl", strings.TrimSuffix(base, "/")+"/v1/Assistants/"+r.c.a.SID+"/Dialogues/"+r.d.SID)
	if mem, err := st.memoryJSON(); err == nil {
		v.Set("Memory", string(mem))
	}
	for _, f := range st.Fields {
		v.Set("Field_"+f.Name+"_Value", f.Value)
		v.Set("Field_"+f.Name+"_Type", f.Type)
	}
	return v
}

// formatConfidence writes a confidence as Autopilot did: "1.0", "0.82".
func formatConfidence(c float64) string {
	s := strconv.FormatFloat(c, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// fallback runs defaults.fallback because no task fits the input. With no
// fallback, the bot says nothing and keeps listening.
func (r *run) fallback(ctx context.Context) {
	r.reply.Fallback = true // a fault from now on ends the turn
	r.runDefaultOrListen(ctx, r.c.defaults.Fallback)
}

// runDefaultOrListen runs a default (target, from the assistant's
// defaults), or listens when it is empty or the defaults are invalid.
func (r *run) runDefaultOrListen(ctx context.Context, target string) {
	if r.c.defaultsErr != nil {
		r.note(Fault{Code: twilio.CodeInvalidActions, Message: fmt.Sprintf("assistant defaults: %v", r.c.defaultsErr)})
		target = ""
	}
	if strings.TrimSpace(target) == "" {
		r.st.Awaiting = awaitListen
		return
	}
	r.runDefault(ctx, target)
}

// runDefault runs a default (task:// or URL). Reaching a default is not a
// redirect the user's actions asked for, so it does not count as one.
func (r *run) runDefault(ctx context.Context, target string) {
	rd := &actions.Redirect{URI: target}
	if name, ok := rd.Task(); ok {
		ct := r.c.task(name)
		if ct == nil {
			r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("default names unknown task %q", name))
			return
		}
		r.st.CurrentTask, r.st.Fields = ct.t.UniqueName, nil
		r.runTask(ctx, ct)
		return
	}
	doc, f := r.fetch(ctx, "POST", target, nil)
	if f != nil {
		r.failWith(ctx, *f)
		return
	}
	r.exec(ctx, doc)
}

// fail records a fault, logs it, and answers with the fallback. A fault while
// the fallback runs ends the turn with the dialogue still listening.
func (r *run) fail(ctx context.Context, code int, msg string) {
	r.failWith(ctx, Fault{Code: code, Message: msg})
}

func (r *run) failWith(ctx context.Context, f Fault) {
	r.note(f)
	r.st.Collect = nil
	if r.reply.Fallback { // a fault in the fallback itself
		r.st.Awaiting = awaitListen
		return
	}
	r.redirects = 0
	r.fallback(ctx)
}

// note records and logs a fault that does not change the flow.
func (r *run) note(f Fault) {
	r.reply.Faults = append(r.reply.Faults, f)
	r.log.Error("turn fault", "code", f.Code, "error", f.Message, "task", r.st.CurrentTask, "redirects", strings.Join(r.reply.Redirects, " -> "))
}

// logQuery prepares the Query record of a classified message, when the
// assistant logs queries; it is written once the turn is saved.
func (r *run) logQuery(q nlu.Query, res nlu.Result) {
	if !r.c.a.LogQueries || r.e.queries == nil || (r.e.opts.QueryLogAskedOnly && !r.t.Log) {
		return
	}
	rec, err := r.c.queryRecord(q, r.t.Language, queryResult(r.c, res))
	if err != nil {
		return
	}
	rec.DialogueSID, rec.SourceChannel = r.d.SID, r.t.Channel
	r.query = rec
}

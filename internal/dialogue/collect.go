package dialogue

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/fields"
	"github.com/parleyhq/parley/internal/twilio"
)

// startCollect begins a collect: it resets the collect's answers in Memory and
// asks the first question that prefill does not answer.
func (r *run) startCollect(ctx context.Context, c *actions.Collect) {
	for _, q := range c.Questions {
		if q.Type == "" {
			continue
		}
		if _, ok := r.c.types(q.Type); !ok {
			r.fail(ctx, twilio.CodeInvalidCollectType, fmt.Sprintf("collect %q: question %q: unknown field type %q", c.Name, q.Name, q.Type))
			return
		}
	}
	doc, err := actions.Marshal(&actions.Document{Actions: []actions.Action{c}})
	if err != nil {
		r.fail(ctx, twilio.CodeCollectStart, fmt.Sprintf("collect %q: %v", c.Name, err))
		return
	}
	r.st.Collect = &collectState{Doc: doc, Task: r.st.CurrentTask}
	r.st.collectedData()[c.Name] = map[string]any{
		"answers":      map[string]any{},
		"date_started": rfc3339(r.now),
		"status":       "in_progress",
	}
	r.ask(ctx, c)
}

// ask asks the current question of the collect in progress, or completes the
// collect when every question has its answer.
func (r *run) ask(ctx context.Context, c *actions.Collect) {
	cs := r.st.Collect
	for cs.Index < len(c.Questions) {
		q := &c.Questions[cs.Index]
		if v, ok := r.prefill(q); ok {
			r.storeAnswer(c, q, v, 0, 0)
			cs.Index++
			continue
		}
		r.say(q.Question.Speech)
		r.awaitAnswer(q)
		return
	}
	entry, _ := r.st.collectedData()[c.Name].(map[string]any)
	if entry != nil {
		entry["status"] = "complete"
		entry["date_completed"] = rfc3339(r.now)
	}
	r.st.Collect = nil
	if n, ok := r.memoryFits(); !ok {
		r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("collect %q: Memory would be %d bytes, over the limit of %d", c.Name, n, r.e.opts.MaxMemory))
		return
	}
	if c.OnComplete != nil {
		r.follow(ctx, c.OnComplete)
	}
}

func (r *run) awaitAnswer(q *actions.Question) {
	r.st.Awaiting = awaitCollect
	l := &actions.Listen{}
	if q.VoiceDigits != nil {
		l.VoiceDigits = q.VoiceDigits
	}
	r.reply.Listen = l
	r.reply.Question = q.Name
}

// prefill answers q from a field of the input that started the task.
func (r *run) prefill(q *actions.Question) (string, bool) {
	if q.Prefill == "" {
		return "", false
	}
	for _, f := range r.st.Fields {
		if f.Name == q.Prefill && f.Value != "" {
			return f.Value, true
		}
	}
	return "", false
}

func (r *run) storeAnswer(c *actions.Collect, q *actions.Question, value string, attempts, validations int) {
	entry, _ := r.st.collectedData()[c.Name].(map[string]any)
	if entry == nil {
		entry = map[string]any{"status": "in_progress"}
		r.st.collectedData()[c.Name] = entry
	}
	answers, _ := entry["answers"].(map[string]any)
	if answers == nil {
		answers = map[string]any{}
		entry["answers"] = answers
	}
	a := map[string]any{
		"answer":            value,
		"filled":            true,
		"attempts":          attempts,
		"validate_attempts": validations,
		"confirm_attempts":  0,
		"confirmed":         false,
	}
	if q.Type != "" {
		a["type"] = q.Type
	}
	answers[q.Name] = a
}

// answer handles the user's input as the answer to the pending question.
func (r *run) answer(ctx context.Context) {
	cs := r.st.Collect
	doc, err := actions.Parse(cs.Doc)
	var c *actions.Collect
	if err == nil && len(doc.Actions) == 1 {
		c, _ = doc.Actions[0].(*actions.Collect)
	}
	if c == nil || cs.Index >= len(c.Questions) {
		r.fail(ctx, twilio.CodeCollectAnswer, fmt.Sprintf("collect in progress is unreadable: %v", err))
		return
	}
	r.st.CurrentTask = cs.Task
	q := &c.Questions[cs.Index]
	cs.Attempts++

	value, ok := r.check(ctx, c, q)
	r.event(EventCollectAttempt, collectParams(q.Name, ok, value))
	if ok {
		r.storeAnswer(c, q, value, cs.Attempts, cs.Validations)
		if s := r.onSuccess(q); s != nil {
			r.say(s.Speech)
		}
		cs.Index++
		cs.Attempts, cs.Validations, cs.Failures = 0, 0, 0
		if n, ok := r.memoryFits(); !ok {
			r.fail(ctx, twilio.CodeInvalidActions, fmt.Sprintf("collect %q: Memory would be %d bytes, over the limit of %d", c.Name, n, r.e.opts.MaxMemory))
			return
		}
		r.ask(ctx, c)
		return
	}

	cs.Failures++
	limit, redirect := r.maxAttempts(q)
	if cs.Failures >= limit {
		r.st.Collect = nil
		switch {
		case redirect != nil:
			r.follow(ctx, redirect)
		case strings.TrimSpace(r.c.defaults.ValidateOnFailure) != "":
			r.follow(ctx, &actions.Redirect{URI: r.c.defaults.ValidateOnFailure})
		default:
			r.fallback(ctx)
		}
		return
	}
	of := r.onFailure(q)
	repeat := of == nil || len(of.Messages) == 0
	if of != nil {
		if len(of.Messages) > 0 {
			r.say(of.Messages[min(cs.Failures, len(of.Messages))-1].Speech)
		}
		if of.RepeatQuestion != nil {
			repeat = *of.RepeatQuestion
		}
	}
	if repeat {
		r.say(q.Question.Speech)
	}
	r.awaitAnswer(q)
}

// check type-checks and validates the input as an answer to q, and returns
// the answer's normalised value.
func (r *run) check(ctx context.Context, c *actions.Collect, q *actions.Question) (string, bool) {
	cs := r.st.Collect
	text := strings.TrimSpace(r.t.Text)
	if text == "" {
		return "", false
	}
	value := text
	if q.Type != "" || q.Validate != nil {
		cs.Validations++
	}
	if q.Type != "" {
		ext, ok := r.c.types(q.Type)
		if !ok {
			r.note(Fault{Code: twilio.CodeInvalidCollectType, Message: fmt.Sprintf("collect %q: question %q: unknown field type %q", c.Name, q.Name, q.Type)})
			return "", false
		}
		v, ok := fields.Answer(ext, fields.Input{Text: text, Language: r.t.Language, Now: r.now})
		if !ok {
			return "", false
		}
		value = v
	}
	if q.Validate == nil {
		return value, true
	}
	if q.Validate.AllowedValues != nil && !containsFold(q.Validate.AllowedValues, value) {
		return "", false
	}
	if w := q.Validate.Webhook; w != nil {
		extra := url.Values{
			"CollectName":         {c.Name},
			"ValidateFieldName":   {q.Name},
			"ValidateFieldAnswer": {value},
		}
		resp, f := r.call(ctx, w.Method, w.URL, extra)
		if f != nil {
			r.note(Fault{Code: f.Code, Message: "validate webhook: " + f.Message})
			return "", false
		}
		var v struct {
			Valid *bool `json:"valid"`
		}
		if err := json.Unmarshal(resp.Body, &v); err != nil || v.Valid == nil {
			r.note(Fault{Code: twilio.CodeCollectAnswer, Message: fmt.Sprintf("validate webhook %s: answer is not {\"valid\": true|false}", w.URL)})
			return "", false
		}
		if !*v.Valid {
			return "", false
		}
	}
	return value, true
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), v) {
			return true
		}
	}
	return false
}

// validated reports whether q's answers are checked, so that the style
// sheet's collect messages apply to it.
func validated(q *actions.Question) bool { return q.Type != "" || q.Validate != nil }

func (r *run) onSuccess(q *actions.Question) *actions.Say {
	if q.Validate != nil && q.Validate.OnSuccess != nil {
		return q.Validate.OnSuccess
	}
	if validated(q) {
		return r.c.style.OnSuccess
	}
	return nil
}

func (r *run) onFailure(q *actions.Question) *actions.OnFailure {
	if q.Validate != nil && q.Validate.OnFailure != nil {
		return q.Validate.OnFailure
	}
	return r.c.style.OnFailure
}

// maxAttempts is the number of failed answers that ends the question, and
// where to go then (nil: defaults.collect.validate_on_failure).
func (r *run) maxAttempts(q *actions.Question) (int, *actions.Redirect) {
	n := 0
	var rd *actions.Redirect
	if q.Validate != nil && q.Validate.MaxAttempts != nil {
		n, rd = q.Validate.MaxAttempts.NumAttempts, q.Validate.MaxAttempts.Redirect
	}
	if n <= 0 && r.c.style.MaxAttempts != nil {
		n = r.c.style.MaxAttempts.NumAttempts
		if rd == nil {
			rd = r.c.style.MaxAttempts.Redirect
		}
	}
	if n <= 0 {
		n = r.e.opts.DefaultMaxAttempts
	}
	return n, rd
}

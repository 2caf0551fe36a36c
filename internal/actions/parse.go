package actions

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleyhq/parley/internal/jsonwalk"
)

// actionNames lists the eight actions in the order the docs give them.
var actionNames = []string{"say", "play", "show", "remember", "redirect", "listen", "collect", "handoff"}

// preRelease maps action names of the pre-release Autopilot CLI to advice.
var preRelease = map[string]string{
	"fetch_actions": `"fetch_actions" is the pre-release name of "redirect"; use {"redirect": {"uri": ..., "method": "POST"}}`,
}

// Parse reads one Actions JSON document ({"actions": [...]}) and checks every
// rule of the Actions reference. It returns a [*SyntaxError] when data is not
// JSON, and [Errors] listing every problem when it is JSON but not a valid
// document.
//
// Parse is lenient where real bots are: empty or placeholder redirect and
// handoff targets, show together with collect, and actions after a
// transitional action all parse; [Lint] reports them. Collect question types
// are not checked against the known field types: only the engine knows the
// assistant's custom types.
func Parse(data []byte) (*Document, error) {
	if err := jsonwalk.CheckSyntax(data); err != nil {
		return nil, err
	}
	var p parser
	doc := p.document(data)
	if len(p.Errs) > 0 {
		return nil, p.Errs
	}
	return doc, nil
}

func (p *parser) document(raw json.RawMessage) *Document {
	ms, ok := p.Members("", raw, `an object {"actions": [...]}`)
	if !ok {
		return nil
	}
	got, _ := p.fields("", ms, []string{"actions"}, true)
	v, ok := p.Require("", got, "actions")
	if !ok {
		return nil
	}
	es, ok := p.Elems("actions", v, "an array")
	if !ok {
		return nil
	}
	doc := &Document{Actions: make([]Action, 0, len(es))}
	for i, e := range es {
		if a := p.action(fmt.Sprintf("actions[%d]", i), e); a != nil {
			doc.Actions = append(doc.Actions, a)
		}
	}
	return doc
}

func (p *parser) action(path string, raw json.RawMessage) Action {
	ms, ok := p.Members(path, raw, "an object with one action")
	if !ok {
		return nil
	}
	switch len(ms) {
	case 0:
		p.Errorf(path, "no action (want one of %s)", strings.Join(actionNames, ", "))
		return nil
	case 1:
	default:
		keys := make([]string, len(ms))
		for i, m := range ms {
			keys[i] = fmt.Sprintf("%q", m.Key)
		}
		p.Errorf(path, "more than one action: %s (want exactly one per element)", strings.Join(keys, ", "))
		return nil
	}
	name, v := ms[0].Key, ms[0].Val
	apath := path + "." + name
	switch name {
	case "say":
		if s, ok := p.say(apath, v); ok {
			return &s
		}
	case "play":
		return p.play(apath, v)
	case "show":
		return p.show(apath, v)
	case "remember":
		return p.remember(apath, v)
	case "redirect":
		return p.redirect(apath, v)
	case "listen":
		return p.listen(apath, v)
	case "collect":
		return p.collect(apath, v)
	case "handoff":
		return p.handoff(apath, v)
	default:
		if advice, ok := preRelease[name]; ok {
			p.Errorf(path, "unknown action %q (%s)", name, advice)
		} else {
			p.Errorf(path, "unknown action %q%s", name, jsonwalk.DidYouMean(name, actionNames))
		}
	}
	return nil
}

// say reads "text" or {"speech": "text"}.
func (p *parser) say(path string, raw json.RawMessage) (Say, bool) {
	if jsonwalk.Kind(raw) == "string" {
		s, ok := p.Str(path, raw)
		return Say{Speech: s}, ok
	}
	ms, ok := p.Members(path, raw, `a string or {"speech": ...}`)
	if !ok {
		return Say{}, false
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"speech"}, true)
	var s Say
	if v, ok := p.Require(path, got, "speech"); ok {
		s.Speech, _ = p.Str(path+".speech", v)
	}
	return s, len(p.Errs) == n
}

// sayMessage reads {"say": "text"} or {"say": {"speech": "text"}}, the shape
// of on_success, on_failure messages and object questions.
func (p *parser) sayMessage(path string, raw json.RawMessage) (Say, bool) {
	ms, ok := p.Members(path, raw, `an object {"say": ...}`)
	if !ok {
		return Say{}, false
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"say"}, true)
	var s Say
	if v, ok := p.Require(path, got, "say"); ok {
		s, _ = p.say(path+".say", v)
	}
	return s, len(p.Errs) == n
}

func (p *parser) play(path string, raw json.RawMessage) *Play {
	ms, ok := p.Members(path, raw, `an object {"url": ...}`)
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"url", "loop"}, true)
	var a Play
	if v, ok := p.Require(path, got, "url"); ok {
		a.URL, _ = p.Str(path+".url", v)
	}
	if v, ok := got["loop"]; ok {
		a.Loop, _ = p.Integer(path+".loop", v)
	}
	if len(p.Errs) > n {
		return nil
	}
	return &a
}

func (p *parser) show(path string, raw json.RawMessage) *Show {
	ms, ok := p.Members(path, raw, `an object {"body": ...}`)
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"body", "subject", "images"}, true)
	var a Show
	if v, ok := p.Require(path, got, "body"); ok {
		a.Body, _ = p.Str(path+".body", v)
	}
	if v, ok := got["subject"]; ok {
		a.Subject, _ = p.Str(path+".subject", v)
	}
	if v, ok := got["images"]; ok {
		es, _ := p.Elems(path+".images", v, "an array")
		for i, e := range es {
			ipath := fmt.Sprintf("%s.images[%d]", path, i)
			ims, ok := p.Members(ipath, e, `an object {"url": ..., "label": ...}`)
			if !ok {
				continue
			}
			igot, _ := p.fields(ipath, ims, []string{"url", "label"}, true)
			var im Image
			if v, ok := p.Require(ipath, igot, "url"); ok {
				im.URL, _ = p.Str(ipath+".url", v)
			}
			if v, ok := igot["label"]; ok {
				im.Label, _ = p.Str(ipath+".label", v)
			}
			a.Images = append(a.Images, im)
		}
	}
	if len(p.Errs) > n {
		return nil
	}
	return &a
}

func (p *parser) remember(path string, raw json.RawMessage) *Remember {
	ms, ok := p.Members(path, raw, "an object")
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, nil, false)
	_ = got
	a := &Remember{Values: make(map[string]json.RawMessage, len(ms))}
	for _, m := range ms {
		a.Values[m.Key] = jsonwalk.Compact(m.Val)
	}
	if len(p.Errs) > n {
		return nil
	}
	return a
}

// redirect reads "uri" or {"uri": ..., "method": ...}. An empty URI parses
// (templates ship it as a placeholder); Lint reports it.
func (p *parser) redirect(path string, raw json.RawMessage) *Redirect {
	if jsonwalk.Kind(raw) == "string" {
		s, _ := p.Str(path, raw)
		return &Redirect{URI: s}
	}
	ms, ok := p.Members(path, raw, `a string or an object {"uri": ..., "method": ...}`)
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"uri", "method"}, true)
	var r Redirect
	if v, ok := p.Require(path, got, "uri"); ok {
		r.URI, _ = p.Str(path+".uri", v)
	}
	if v, ok := got["method"]; ok {
		r.Method = p.method(path+".method", v)
	}
	if len(p.Errs) > n {
		return nil
	}
	return &r
}

func (p *parser) listen(path string, raw json.RawMessage) *Listen {
	if jsonwalk.Kind(raw) == "boolean" {
		on, _ := p.Bool(path, raw)
		return &Listen{Off: !on}
	}
	ms, ok := p.Members(path, raw, "true, false or an object")
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"tasks", "voice_digits", "barge"}, true)
	var a Listen
	if v, ok := got["tasks"]; ok {
		a.Tasks, _ = p.Strings(path+".tasks", v)
		if len(a.Tasks) == 0 {
			a.Tasks = nil
		}
	}
	if v, ok := got["voice_digits"]; ok {
		a.VoiceDigits = p.voiceDigits(path+".voice_digits", v, true)
	}
	if v, ok := got["barge"]; ok {
		if b, ok := p.Bool(path+".barge", v); ok {
			a.Barge = &b
		}
	}
	if len(p.Errs) > n {
		return nil
	}
	return &a
}

func (p *parser) voiceDigits(path string, raw json.RawMessage, redirects bool) *VoiceDigits {
	ms, ok := p.Members(path, raw, "an object")
	if !ok {
		return nil
	}
	known := []string{"num_digits", "finish_on_key"}
	if redirects {
		known = append(known, "redirects")
	}
	got, _ := p.fields(path, ms, known, true)
	var vd VoiceDigits
	if v, ok := got["num_digits"]; ok {
		vd.NumDigits, _ = p.Integer(path+".num_digits", v)
	}
	if v, ok := got["finish_on_key"]; ok {
		vd.FinishOnKey, _ = p.Str(path+".finish_on_key", v)
	}
	if v, ok := got["redirects"]; ok {
		rpath := path + ".redirects"
		rms, ok := p.Members(rpath, v, "an object mapping digits to task:// URIs")
		if ok {
			rgot, _ := p.fields(rpath, rms, nil, false)
			_ = rgot
			vd.Redirects = make(map[string]string, len(rms))
			for _, m := range rms {
				if s, ok := p.Str(rpath+"."+m.Key, m.Val); ok {
					vd.Redirects[m.Key] = s
				}
			}
		}
	}
	return &vd
}

func (p *parser) collect(path string, raw json.RawMessage) *Collect {
	ms, ok := p.Members(path, raw, "an object")
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"name", "questions", "on_complete"}, true)
	var c Collect
	if v, ok := p.Require(path, got, "name"); ok {
		c.Name, _ = p.name(path+".name", v)
	}
	if v, ok := p.Require(path, got, "questions"); ok {
		qpath := path + ".questions"
		es, ok := p.Elems(qpath, v, "an array")
		if ok && len(es) == 0 {
			p.Errorf(qpath, "must not be empty")
		}
		seen := map[string]int{}
		for i, e := range es {
			ipath := fmt.Sprintf("%s[%d]", qpath, i)
			q, ok := p.question(ipath, e)
			if !ok {
				continue
			}
			if j, dup := seen[q.Name]; dup && q.Name != "" {
				p.Errorf(ipath+".name", "duplicate question name %q (also questions[%d])", q.Name, j)
			} else {
				seen[q.Name] = i
			}
			c.Questions = append(c.Questions, q)
		}
	}
	if v, ok := p.Require(path, got, "on_complete"); ok {
		opath := path + ".on_complete"
		if oms, ok := p.Members(opath, v, `an object {"redirect": ...}`); ok {
			ogot, _ := p.fields(opath, oms, []string{"redirect"}, true)
			if v, ok := p.Require(opath, ogot, "redirect"); ok {
				c.OnComplete = p.redirect(opath+".redirect", v)
			}
		}
	}
	if len(p.Errs) > n {
		return nil
	}
	return &c
}

// name reads a collect or question name: a non-empty string with no spaces.
func (p *parser) name(path string, raw json.RawMessage) (string, bool) {
	s, ok := p.Str(path, raw)
	if !ok {
		return "", false
	}
	switch {
	case s == "":
		p.Errorf(path, "must not be empty")
		return "", false
	case strings.ContainsAny(s, " \t\r\n"):
		p.Errorf(path, "must not contain spaces, got %q", s)
		return "", false
	}
	return s, true
}

func (p *parser) question(path string, raw json.RawMessage) (Question, bool) {
	ms, ok := p.Members(path, raw, "an object")
	if !ok {
		return Question{}, false
	}
	n := len(p.Errs)
	got, _ := p.fields(path, ms, []string{"question", "name", "type", "voice_digits", "validate", "prefill"}, true)
	var q Question
	if v, ok := p.Require(path, got, "name"); ok {
		q.Name, _ = p.name(path+".name", v)
	}
	if v, ok := p.Require(path, got, "question"); ok {
		qpath := path + ".question"
		switch jsonwalk.Kind(v) {
		case "string":
			q.Question.Speech, _ = p.Str(qpath, v)
		case "object":
			q.Question, _ = p.sayMessage(qpath, v)
		default:
			p.WrongType(qpath, `a string or {"say": ...}`, v)
		}
	}
	if v, ok := got["type"]; ok {
		q.Type, _ = p.Str(path+".type", v)
	}
	if v, ok := got["voice_digits"]; ok {
		q.VoiceDigits = p.voiceDigits(path+".voice_digits", v, false)
	}
	if v, ok := got["validate"]; ok {
		q.Validate = p.validate(path+".validate", v)
	}
	if v, ok := got["prefill"]; ok {
		q.Prefill, _ = p.Str(path+".prefill", v)
	}
	return q, len(p.Errs) == n
}

// validate reads a question's validate object; false means no validation.
func (p *parser) validate(path string, raw json.RawMessage) *Validate {
	if jsonwalk.Kind(raw) == "boolean" {
		if on, _ := p.Bool(path, raw); on {
			p.Errorf(path, "must be an object or false, got true")
		}
		return nil
	}
	ms, ok := p.Members(path, raw, "an object or false")
	if !ok {
		return nil
	}
	got, _ := p.fields(path, ms, []string{"allowed_values", "on_failure", "on_success", "max_attempts", "webhook"}, true)
	var val Validate
	if v, ok := got["allowed_values"]; ok {
		apath := path + ".allowed_values"
		if ams, ok := p.Members(apath, v, `an object {"list": [...]}`); ok {
			agot, _ := p.fields(apath, ams, []string{"list"}, true)
			if v, ok := p.Require(apath, agot, "list"); ok {
				val.AllowedValues, _ = p.Strings(apath+".list", v)
			}
		}
	}
	if v, ok := got["on_failure"]; ok {
		val.OnFailure = p.onFailure(path+".on_failure", v)
	}
	if v, ok := got["on_success"]; ok {
		if s, ok := p.sayMessage(path+".on_success", v); ok {
			val.OnSuccess = &s
		}
	}
	if v, ok := got["max_attempts"]; ok {
		val.MaxAttempts = p.maxAttempts(path+".max_attempts", v)
	}
	if v, ok := got["webhook"]; ok {
		wpath := path + ".webhook"
		if wms, ok := p.Members(wpath, v, `an object {"url": ..., "method": ...}`); ok {
			wgot, _ := p.fields(wpath, wms, []string{"url", "method"}, true)
			var w Webhook
			if v, ok := p.Require(wpath, wgot, "url"); ok {
				w.URL, _ = p.Str(wpath+".url", v)
			}
			if v, ok := wgot["method"]; ok {
				w.Method = p.method(wpath+".method", v)
			}
			val.Webhook = &w
		}
	}
	return &val
}

func (p *parser) onFailure(path string, raw json.RawMessage) *OnFailure {
	ms, ok := p.Members(path, raw, `an object {"messages": [...], "repeat_question": ...}`)
	if !ok {
		return nil
	}
	got, _ := p.fields(path, ms, []string{"messages", "repeat_question"}, true)
	var f OnFailure
	if v, ok := got["messages"]; ok {
		es, ok := p.Elems(path+".messages", v, `an array of {"say": ...}`)
		if ok {
			f.Messages = make([]Say, 0, len(es))
		}
		for i, e := range es {
			if s, ok := p.sayMessage(fmt.Sprintf("%s.messages[%d]", path, i), e); ok {
				f.Messages = append(f.Messages, s)
			}
		}
	}
	if v, ok := got["repeat_question"]; ok {
		if b, ok := p.Bool(path+".repeat_question", v); ok {
			f.RepeatQuestion = &b
		}
	}
	return &f
}

// maxAttempts reads {"num_attempts": n, "redirect": ...} or a bare n.
func (p *parser) maxAttempts(path string, raw json.RawMessage) *MaxAttempts {
	if jsonwalk.Kind(raw) == "number" {
		n, ok := p.Integer(path, raw)
		if !ok {
			return nil
		}
		return &MaxAttempts{NumAttempts: n}
	}
	ms, ok := p.Members(path, raw, `an integer or an object {"num_attempts": ..., "redirect": ...}`)
	if !ok {
		return nil
	}
	got, _ := p.fields(path, ms, []string{"num_attempts", "redirect"}, true)
	var m MaxAttempts
	if v, ok := got["num_attempts"]; ok {
		m.NumAttempts, _ = p.Integer(path+".num_attempts", v)
	}
	if v, ok := got["redirect"]; ok {
		m.Redirect = p.redirect(path+".redirect", v)
	}
	return &m
}

func (p *parser) handoff(path string, raw json.RawMessage) *Handoff {
	ms, ok := p.Members(path, raw, `an object {"channel": "voice", "uri": ...}`)
	if !ok {
		return nil
	}
	n := len(p.Errs)
	got, extra := p.fields(path, ms, []string{"channel", "uri", "method"}, false)
	var h Handoff
	if v, ok := p.Require(path, got, "channel"); ok {
		if s, ok := p.Str(path+".channel", v); ok {
			if !strings.EqualFold(s, "voice") {
				p.Errorf(path+".channel", `must be "voice", got %q`, s)
			}
			h.Channel = s
		}
	}
	if v, ok := p.Require(path, got, "uri"); ok {
		h.URI, _ = p.Str(path+".uri", v)
	}
	if v, ok := got["method"]; ok {
		h.Method = p.method(path+".method", v)
	}
	if len(extra) > 0 {
		h.Options = make(map[string]json.RawMessage, len(extra))
		for _, m := range extra {
			h.Options[m.Key] = jsonwalk.Compact(m.Val)
		}
	}
	if len(p.Errs) > n {
		return nil
	}
	return &h
}

package actions

import (
	"encoding/json"
	"fmt"
	"strings"
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
	if err := checkSyntax(data); err != nil {
		return nil, err
	}
	var p parser
	doc := p.document(data)
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return doc, nil
}

func (p *parser) document(raw json.RawMessage) *Document {
	ms, ok := p.members("", raw, `an object {"actions": [...]}`)
	if !ok {
		return nil
	}
	got, _ := p.fields("", ms, []string{"actions"}, true)
	v, ok := p.require("", got, "actions")
	if !ok {
		return nil
	}
	es, ok := p.elems("actions", v, "an array")
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
	ms, ok := p.members(path, raw, "an object with one action")
	if !ok {
		return nil
	}
	switch len(ms) {
	case 0:
		p.errorf(path, "no action (want one of %s)", strings.Join(actionNames, ", "))
		return nil
	case 1:
	default:
		keys := make([]string, len(ms))
		for i, m := range ms {
			keys[i] = fmt.Sprintf("%q", m.key)
		}
		p.errorf(path, "more than one action: %s (want exactly one per element)", strings.Join(keys, ", "))
		return nil
	}
	name, v := ms[0].key, ms[0].val
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
			p.errorf(path, "unknown action %q (%s)", name, advice)
		} else {
			p.errorf(path, "unknown action %q%s", name, didYouMean(name, actionNames))
		}
	}
	return nil
}

// say reads "text" or {"speech": "text"}.
func (p *parser) say(path string, raw json.RawMessage) (Say, bool) {
	if kind(raw) == "string" {
		s, ok := p.str(path, raw)
		return Say{Speech: s}, ok
	}
	ms, ok := p.members(path, raw, `a string or {"speech": ...}`)
	if !ok {
		return Say{}, false
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"speech"}, true)
	var s Say
	if v, ok := p.require(path, got, "speech"); ok {
		s.Speech, _ = p.str(path+".speech", v)
	}
	return s, len(p.errs) == n
}

// sayMessage reads {"say": "text"} or {"say": {"speech": "text"}}, the shape
// of on_success, on_failure messages and object questions.
func (p *parser) sayMessage(path string, raw json.RawMessage) (Say, bool) {
	ms, ok := p.members(path, raw, `an object {"say": ...}`)
	if !ok {
		return Say{}, false
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"say"}, true)
	var s Say
	if v, ok := p.require(path, got, "say"); ok {
		s, _ = p.say(path+".say", v)
	}
	return s, len(p.errs) == n
}

func (p *parser) play(path string, raw json.RawMessage) *Play {
	ms, ok := p.members(path, raw, `an object {"url": ...}`)
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"url", "loop"}, true)
	var a Play
	if v, ok := p.require(path, got, "url"); ok {
		a.URL, _ = p.str(path+".url", v)
	}
	if v, ok := got["loop"]; ok {
		a.Loop, _ = p.integer(path+".loop", v)
	}
	if len(p.errs) > n {
		return nil
	}
	return &a
}

func (p *parser) show(path string, raw json.RawMessage) *Show {
	ms, ok := p.members(path, raw, `an object {"body": ...}`)
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"body", "subject", "images"}, true)
	var a Show
	if v, ok := p.require(path, got, "body"); ok {
		a.Body, _ = p.str(path+".body", v)
	}
	if v, ok := got["subject"]; ok {
		a.Subject, _ = p.str(path+".subject", v)
	}
	if v, ok := got["images"]; ok {
		es, _ := p.elems(path+".images", v, "an array")
		for i, e := range es {
			ipath := fmt.Sprintf("%s.images[%d]", path, i)
			ims, ok := p.members(ipath, e, `an object {"url": ..., "label": ...}`)
			if !ok {
				continue
			}
			igot, _ := p.fields(ipath, ims, []string{"url", "label"}, true)
			var im Image
			if v, ok := p.require(ipath, igot, "url"); ok {
				im.URL, _ = p.str(ipath+".url", v)
			}
			if v, ok := igot["label"]; ok {
				im.Label, _ = p.str(ipath+".label", v)
			}
			a.Images = append(a.Images, im)
		}
	}
	if len(p.errs) > n {
		return nil
	}
	return &a
}

func (p *parser) remember(path string, raw json.RawMessage) *Remember {
	ms, ok := p.members(path, raw, "an object")
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, nil, false)
	_ = got
	a := &Remember{Values: make(map[string]json.RawMessage, len(ms))}
	for _, m := range ms {
		a.Values[m.key] = compact(m.val)
	}
	if len(p.errs) > n {
		return nil
	}
	return a
}

// redirect reads "uri" or {"uri": ..., "method": ...}. An empty URI parses
// (templates ship it as a placeholder); Lint reports it.
func (p *parser) redirect(path string, raw json.RawMessage) *Redirect {
	if kind(raw) == "string" {
		s, _ := p.str(path, raw)
		return &Redirect{URI: s}
	}
	ms, ok := p.members(path, raw, `a string or an object {"uri": ..., "method": ...}`)
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"uri", "method"}, true)
	var r Redirect
	if v, ok := p.require(path, got, "uri"); ok {
		r.URI, _ = p.str(path+".uri", v)
	}
	if v, ok := got["method"]; ok {
		r.Method = p.method(path+".method", v)
	}
	if len(p.errs) > n {
		return nil
	}
	return &r
}

func (p *parser) listen(path string, raw json.RawMessage) *Listen {
	if kind(raw) == "boolean" {
		on, _ := p.boolean(path, raw)
		return &Listen{Off: !on}
	}
	ms, ok := p.members(path, raw, "true, false or an object")
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"tasks", "voice_digits", "barge"}, true)
	var a Listen
	if v, ok := got["tasks"]; ok {
		a.Tasks, _ = p.strings(path+".tasks", v)
		if len(a.Tasks) == 0 {
			a.Tasks = nil
		}
	}
	if v, ok := got["voice_digits"]; ok {
		a.VoiceDigits = p.voiceDigits(path+".voice_digits", v, true)
	}
	if v, ok := got["barge"]; ok {
		if b, ok := p.boolean(path+".barge", v); ok {
			a.Barge = &b
		}
	}
	if len(p.errs) > n {
		return nil
	}
	return &a
}

func (p *parser) voiceDigits(path string, raw json.RawMessage, redirects bool) *VoiceDigits {
	ms, ok := p.members(path, raw, "an object")
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
		vd.NumDigits, _ = p.integer(path+".num_digits", v)
	}
	if v, ok := got["finish_on_key"]; ok {
		vd.FinishOnKey, _ = p.str(path+".finish_on_key", v)
	}
	if v, ok := got["redirects"]; ok {
		rpath := path + ".redirects"
		rms, ok := p.members(rpath, v, "an object mapping digits to task:// URIs")
		if ok {
			rgot, _ := p.fields(rpath, rms, nil, false)
			_ = rgot
			vd.Redirects = make(map[string]string, len(rms))
			for _, m := range rms {
				if s, ok := p.str(rpath+"."+m.key, m.val); ok {
					vd.Redirects[m.key] = s
				}
			}
		}
	}
	return &vd
}

func (p *parser) collect(path string, raw json.RawMessage) *Collect {
	ms, ok := p.members(path, raw, "an object")
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"name", "questions", "on_complete"}, true)
	var c Collect
	if v, ok := p.require(path, got, "name"); ok {
		c.Name, _ = p.name(path+".name", v)
	}
	if v, ok := p.require(path, got, "questions"); ok {
		qpath := path + ".questions"
		es, ok := p.elems(qpath, v, "an array")
		if ok && len(es) == 0 {
			p.errorf(qpath, "must not be empty")
		}
		seen := map[string]int{}
		for i, e := range es {
			ipath := fmt.Sprintf("%s[%d]", qpath, i)
			q, ok := p.question(ipath, e)
			if !ok {
				continue
			}
			if j, dup := seen[q.Name]; dup && q.Name != "" {
				p.errorf(ipath+".name", "duplicate question name %q (also questions[%d])", q.Name, j)
			} else {
				seen[q.Name] = i
			}
			c.Questions = append(c.Questions, q)
		}
	}
	if v, ok := p.require(path, got, "on_complete"); ok {
		opath := path + ".on_complete"
		if oms, ok := p.members(opath, v, `an object {"redirect": ...}`); ok {
			ogot, _ := p.fields(opath, oms, []string{"redirect"}, true)
			if v, ok := p.require(opath, ogot, "redirect"); ok {
				c.OnComplete = p.redirect(opath+".redirect", v)
			}
		}
	}
	if len(p.errs) > n {
		return nil
	}
	return &c
}

// name reads a collect or question name: a non-empty string with no spaces.
func (p *parser) name(path string, raw json.RawMessage) (string, bool) {
	s, ok := p.str(path, raw)
	if !ok {
		return "", false
	}
	switch {
	case s == "":
		p.errorf(path, "must not be empty")
		return "", false
	case strings.ContainsAny(s, " \t\r\n"):
		p.errorf(path, "must not contain spaces, got %q", s)
		return "", false
	}
	return s, true
}

func (p *parser) question(path string, raw json.RawMessage) (Question, bool) {
	ms, ok := p.members(path, raw, "an object")
	if !ok {
		return Question{}, false
	}
	n := len(p.errs)
	got, _ := p.fields(path, ms, []string{"question", "name", "type", "voice_digits", "validate", "prefill"}, true)
	var q Question
	if v, ok := p.require(path, got, "name"); ok {
		q.Name, _ = p.name(path+".name", v)
	}
	if v, ok := p.require(path, got, "question"); ok {
		qpath := path + ".question"
		switch kind(v) {
		case "string":
			q.Question.Speech, _ = p.str(qpath, v)
		case "object":
			q.Question, _ = p.sayMessage(qpath, v)
		default:
			p.wrongType(qpath, `a string or {"say": ...}`, v)
		}
	}
	if v, ok := got["type"]; ok {
		q.Type, _ = p.str(path+".type", v)
	}
	if v, ok := got["voice_digits"]; ok {
		q.VoiceDigits = p.voiceDigits(path+".voice_digits", v, false)
	}
	if v, ok := got["validate"]; ok {
		q.Validate = p.validate(path+".validate", v)
	}
	if v, ok := got["prefill"]; ok {
		q.Prefill, _ = p.str(path+".prefill", v)
	}
	return q, len(p.errs) == n
}

// validate reads a question's validate object; false means no validation.
func (p *parser) validate(path string, raw json.RawMessage) *Validate {
	if kind(raw) == "boolean" {
		if on, _ := p.boolean(path, raw); on {
			p.errorf(path, "must be an object or false, got true")
		}
		return nil
	}
	ms, ok := p.members(path, raw, "an object or false")
	if !ok {
		return nil
	}
	got, _ := p.fields(path, ms, []string{"allowed_values", "on_failure", "on_success", "max_attempts", "webhook"}, true)
	var val Validate
	if v, ok := got["allowed_values"]; ok {
		apath := path + ".allowed_values"
		if ams, ok := p.members(apath, v, `an object {"list": [...]}`); ok {
			agot, _ := p.fields(apath, ams, []string{"list"}, true)
			if v, ok := p.require(apath, agot, "list"); ok {
				val.AllowedValues, _ = p.strings(apath+".list", v)
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
		if wms, ok := p.members(wpath, v, `an object {"url": ..., "method": ...}`); ok {
			wgot, _ := p.fields(wpath, wms, []string{"url", "method"}, true)
			var w Webhook
			if v, ok := p.require(wpath, wgot, "url"); ok {
				w.URL, _ = p.str(wpath+".url", v)
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
	ms, ok := p.members(path, raw, `an object {"messages": [...], "repeat_question": ...}`)
	if !ok {
		return nil
	}
	got, _ := p.fields(path, ms, []string{"messages", "repeat_question"}, true)
	var f OnFailure
	if v, ok := got["messages"]; ok {
		es, ok := p.elems(path+".messages", v, `an array of {"say": ...}`)
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
		if b, ok := p.boolean(path+".repeat_question", v); ok {
			f.RepeatQuestion = &b
		}
	}
	return &f
}

// maxAttempts reads {"num_attempts": n, "redirect": ...} or a bare n.
func (p *parser) maxAttempts(path string, raw json.RawMessage) *MaxAttempts {
	if kind(raw) == "number" {
		n, ok := p.integer(path, raw)
		if !ok {
			return nil
		}
		return &MaxAttempts{NumAttempts: n}
	}
	ms, ok := p.members(path, raw, `an integer or an object {"num_attempts": ..., "redirect": ...}`)
	if !ok {
		return nil
	}
	got, _ := p.fields(path, ms, []string{"num_attempts", "redirect"}, true)
	var m MaxAttempts
	if v, ok := got["num_attempts"]; ok {
		m.NumAttempts, _ = p.integer(path+".num_attempts", v)
	}
	if v, ok := got["redirect"]; ok {
		m.Redirect = p.redirect(path+".redirect", v)
	}
	return &m
}

func (p *parser) handoff(path string, raw json.RawMessage) *Handoff {
	ms, ok := p.members(path, raw, `an object {"channel": "voice", "uri": ...}`)
	if !ok {
		return nil
	}
	n := len(p.errs)
	got, extra := p.fields(path, ms, []string{"channel", "uri", "method"}, false)
	var h Handoff
	if v, ok := p.require(path, got, "channel"); ok {
		if s, ok := p.str(path+".channel", v); ok {
			if !strings.EqualFold(s, "voice") {
				p.errorf(path+".channel", `must be "voice", got %q`, s)
			}
			h.Channel = s
		}
	}
	if v, ok := p.require(path, got, "uri"); ok {
		h.URI, _ = p.str(path+".uri", v)
	}
	if v, ok := got["method"]; ok {
		h.Method = p.method(path+".method", v)
	}
	if len(extra) > 0 {
		h.Options = make(map[string]json.RawMessage, len(extra))
		for _, m := range extra {
			h.Options[m.key] = compact(m.val)
		}
	}
	if len(p.errs) > n {
		return nil
	}
	return &h
}

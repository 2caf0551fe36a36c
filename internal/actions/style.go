package actions

import (
	"bytes"
	"encoding/json"

	"github.com/parleyhq/parley/internal/jsonwalk"
)

// A StyleSheet is an assistant's style sheet: the TTS voice and the default
// validate behaviour of collect questions. A question's own validate settings
// override these key by key.
type StyleSheet struct {
	Name        string // style_sheet.name: a label with no run-time effect
	SayVoice    string // style_sheet.voice.say_voice, e.g. "Polly.Matthew"
	OnFailure   *OnFailure
	OnSuccess   *Say // {"say": ""} parses as a Say with empty Speech: say nothing
	MaxAttempts *MaxAttempts
}

// ParseStyleSheet reads a style sheet document, {"style_sheet": {...}}. Empty
// input and {} give the zero StyleSheet. Unknown keys inside the style sheet
// are tolerated (templates carry some); known keys of the wrong type are
// errors, reported like [Parse] does.
func ParseStyleSheet(data []byte) (*StyleSheet, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return &StyleSheet{}, nil
	}
	if err := jsonwalk.CheckSyntax(data); err != nil {
		return nil, err
	}
	var p parser
	ss := p.styleSheet(data)
	if len(p.Errs) > 0 {
		return nil, p.Errs
	}
	return ss, nil
}

func (p *parser) styleSheet(raw json.RawMessage) *StyleSheet {
	ss := &StyleSheet{}
	ms, ok := p.Members("", raw, `an object {"style_sheet": {...}}`)
	if !ok || len(ms) == 0 {
		return ss
	}
	got, _ := p.fields("", ms, []string{"style_sheet"}, true)
	v, ok := p.Require("", got, "style_sheet")
	if !ok {
		return ss
	}
	const path = "style_sheet"
	ms, ok = p.Members(path, v, "an object")
	if !ok {
		return ss
	}
	got, _ = p.fields(path, ms, []string{"name", "voice", "collect"}, false)
	if v, ok := got["name"]; ok {
		ss.Name, _ = p.Str(path+".name", v)
	}
	if v, ok := got["voice"]; ok {
		if vms, ok := p.Members(path+".voice", v, "an object"); ok {
			vgot, _ := p.fields(path+".voice", vms, []string{"say_voice"}, false)
			if v, ok := vgot["say_voice"]; ok {
				ss.SayVoice, _ = p.Str(path+".voice.say_voice", v)
			}
		}
	}
	v, ok = got["collect"]
	if !ok {
		return ss
	}
	cms, ok := p.Members(path+".collect", v, "an object")
	if !ok {
		return ss
	}
	cgot, _ := p.fields(path+".collect", cms, []string{"validate"}, false)
	v, ok = cgot["validate"]
	if !ok {
		return ss
	}
	const vpath = path + ".collect.validate"
	vms, ok := p.Members(vpath, v, "an object")
	if !ok {
		return ss
	}
	vgot, _ := p.fields(vpath, vms, []string{"on_failure", "on_success", "max_attempts"}, false)
	if v, ok := vgot["on_failure"]; ok {
		ss.OnFailure = p.onFailure(vpath+".on_failure", v)
	}
	if v, ok := vgot["on_success"]; ok {
		if s, ok := p.sayMessage(vpath+".on_success", v); ok {
			ss.OnSuccess = &s
		}
	}
	if v, ok := vgot["max_attempts"]; ok {
		ss.MaxAttempts = p.maxAttempts(vpath+".max_attempts", v)
	}
	return ss
}

// MarshalStyleSheet writes ss as a style sheet document that ParseStyleSheet
// reads back to an equal value. The zero StyleSheet is written as {}.
func MarshalStyleSheet(ss *StyleSheet) ([]byte, error) {
	var w writer
	if ss == nil || *ss == (StyleSheet{}) {
		return []byte("{}"), nil
	}
	w.open()
	w.key("style_sheet")
	w.open()
	if ss.Name != "" {
		w.key("name")
		w.str(ss.Name)
	}
	if ss.SayVoice != "" {
		w.key("voice")
		w.open()
		w.key("say_voice")
		w.str(ss.SayVoice)
		w.close()
	}
	if ss.OnFailure != nil || ss.OnSuccess != nil || ss.MaxAttempts != nil {
		w.key("collect")
		w.open()
		w.key("validate")
		w.open()
		if ss.OnFailure != nil {
			w.key("on_failure")
			w.onFailure(ss.OnFailure)
		}
		if ss.OnSuccess != nil {
			w.key("on_success")
			w.sayMessage(*ss.OnSuccess)
		}
		if ss.MaxAttempts != nil {
			w.key("max_attempts")
			w.maxAttempts(ss.MaxAttempts, true)
		}
		w.close()
		w.close()
	}
	w.close()
	w.close()
	return w.bytes()
}

// Defaults are an assistant's defaults: where the dialogue goes when the
// assistant speaks first, when nothing matches, and when a collect question
// runs out of attempts. Each is a task:// URI, a URL, or empty for unset.
type Defaults struct {
	AssistantInitiation string // defaults.assistant_initiation
	Fallback            string // defaults.fallback
	ValidateOnFailure   string // defaults.collect.validate_on_failure

	// Unknown lists the paths of the keys that are none of these
	// ("defaults.falback"): tolerated by ParseDefaults, warned about on
	// import, refused by the REST API.
	Unknown []string
}

// ParseDefaults reads a defaults document, {"defaults": {...}}. Empty input
// and {} give the zero Defaults; null values mean unset. Unknown keys inside
// the defaults are tolerated.
func ParseDefaults(data []byte) (*Defaults, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return &Defaults{}, nil
	}
	if err := jsonwalk.CheckSyntax(data); err != nil {
		return nil, err
	}
	var p parser
	d := p.defaults(data)
	if len(p.Errs) > 0 {
		return nil, p.Errs
	}
	return d, nil
}

func (p *parser) defaults(raw json.RawMessage) *Defaults {
	d := &Defaults{}
	ms, ok := p.Members("", raw, `an object {"defaults": {...}}`)
	if !ok || len(ms) == 0 {
		return d
	}
	got, _ := p.fields("", ms, []string{"defaults"}, true)
	v, ok := p.Require("", got, "defaults")
	if !ok {
		return d
	}
	const path = "defaults"
	ms, ok = p.Members(path, v, "an object")
	if !ok {
		return d
	}
	got, extra := p.fields(path, ms, []string{"assistant_initiation", "fallback", "collect"}, false)
	for _, m := range extra {
		d.Unknown = append(d.Unknown, path+"."+m.Key)
	}
	target := func(path string, v json.RawMessage) string {
		if jsonwalk.Kind(v) == "null" {
			return ""
		}
		s, _ := p.Str(path, v)
		return s
	}
	if v, ok := got["assistant_initiation"]; ok {
		d.AssistantInitiation = target(path+".assistant_initiation", v)
	}
	if v, ok := got["fallback"]; ok {
		d.Fallback = target(path+".fallback", v)
	}
	if v, ok := got["collect"]; ok {
		if cms, ok := p.Members(path+".collect", v, "an object"); ok {
			cgot, cextra := p.fields(path+".collect", cms, []string{"validate_on_failure"}, false)
			for _, m := range cextra {
				d.Unknown = append(d.Unknown, path+".collect."+m.Key)
			}
			if v, ok := cgot["validate_on_failure"]; ok {
				d.ValidateOnFailure = target(path+".collect.validate_on_failure", v)
			}
		}
	}
	return d
}

// MarshalDefaults writes d as a defaults document that ParseDefaults reads
// back to an equal value (Unknown keys are not written). Defaults with none
// of the three set are written as {}; otherwise all three keys are written,
// unset ones as "".
func MarshalDefaults(d *Defaults) ([]byte, error) {
	if d == nil || d.AssistantInitiation == "" && d.Fallback == "" && d.ValidateOnFailure == "" {
		return []byte("{}"), nil
	}
	var w writer
	w.open()
	w.key("defaults")
	w.open()
	w.key("assistant_initiation")
	w.str(d.AssistantInitiation)
	w.key("fallback")
	w.str(d.Fallback)
	w.key("collect")
	w.open()
	w.key("validate_on_failure")
	w.str(d.ValidateOnFailure)
	w.close()
	w.close()
	w.close()
	return w.bytes()
}

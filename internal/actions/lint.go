package actions

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// An Issue is a warning about a document that parses but will not work as
// written: a placeholder target, show together with collect, or actions that
// can never run. Path is the JSON path, as in [Error].
type Issue struct {
	Path string
	Msg  string
}

func (i Issue) String() string {
	if i.Path == "" {
		return i.Msg
	}
	return i.Path + ": " + i.Msg
}

// Lint reports the problems that [Parse] tolerates on purpose, in document
// order:
//
//   - empty redirect, handoff, webhook, play and image targets, and targets
//     that are neither task:// nor an http(s) URL (placeholders such as
//     "YOUR_FUNCTION_URI");
//   - show together with collect in one document, which Autopilot does not
//     support;
//   - actions after a redirect, collect, handoff or listen, which never run.
//
// Lint does not know the assistant, so it cannot tell whether a task://
// target exists; the assistant package checks that.
func Lint(doc *Document) []Issue {
	if doc == nil {
		return nil
	}
	var l linter
	showAt, collectAt := -1, -1
	end := -1 // index of the first action that ends the list
	for i, a := range doc.Actions {
		path := fmt.Sprintf("actions[%d]", i)
		if end >= 0 {
			l.add(path, "unreachable: %s at actions[%d] ends the task, so this %s never runs", doc.Actions[end].Kind(), end, kindOf(a))
		}
		switch a := a.(type) {
		case *Play:
			l.url(path+".play.url", "play url", a.URL, false)
		case *Show:
			if showAt < 0 {
				showAt = i
			}
			for j, im := range a.Images {
				l.url(fmt.Sprintf("%s.show.images[%d].url", path, j), "image url", im.URL, false)
			}
		case *Redirect:
			l.redirect(path+".redirect", a)
		case *Collect:
			if collectAt < 0 {
				collectAt = i
			}
			for j, q := range a.Questions {
				if q.Validate == nil {
					continue
				}
				vpath := fmt.Sprintf("%s.collect.questions[%d].validate", path, j)
				if m := q.Validate.MaxAttempts; m != nil && m.Redirect != nil {
					l.redirect(vpath+".max_attempts.redirect", m.Redirect)
				}
				if w := q.Validate.Webhook; w != nil {
					l.url(vpath+".webhook.url", "webhook url", w.URL, false)
				}
			}
			if a.OnComplete != nil {
				l.redirect(path+".collect.on_complete.redirect", a.OnComplete)
			}
		case *Handoff:
			l.handoff(path+".handoff", a)
		case *Listen:
			if a.Off {
				continue // listen: false is no listen at all
			}
			if vd := a.VoiceDigits; vd != nil {
				for _, k := range sortedKeys(vd.Redirects) {
					l.target(path+".listen.voice_digits.redirects."+k, "redirect target", vd.Redirects[k])
				}
			}
		}
		if end < 0 && ends(a) {
			end = i
		}
	}
	if showAt >= 0 && collectAt >= 0 {
		l.add(fmt.Sprintf("actions[%d]", showAt), "show together with collect (actions[%d]) in one document is not supported by Autopilot; redirect to another task to show", collectAt)
	}
	return l.issues
}

func kindOf(a Action) string {
	if a == nil {
		return "action"
	}
	return a.Kind()
}

// ends reports whether a ends the action list: a transitional action or a
// listen.
func ends(a Action) bool {
	switch a := a.(type) {
	case *Redirect, *Collect, *Handoff:
		return true
	case *Listen:
		return !a.Off
	}
	return false
}

type linter struct {
	issues []Issue
}

func (l *linter) add(path, format string, args ...any) {
	l.issues = append(l.issues, Issue{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (l *linter) redirect(path string, r *Redirect) {
	if r.Method != "" {
		path += ".uri"
	}
	l.target(path, "redirect target", r.URI)
}

// target checks a redirect-like target: task://name or an http(s) URL.
func (l *linter) target(path, what, s string) {
	if name, ok := (&Redirect{URI: s}).Task(); ok {
		if strings.TrimSpace(name) == "" {
			l.add(path, "%s %q names no task", what, s)
		}
		return
	}
	l.url(path, what, s, false)
}

// url checks an http(s) URL; taskrouter:// is allowed where taskRouter is.
func (l *linter) url(path, what, s string, taskRouter bool) {
	if s == "" {
		l.add(path, "empty %s (a placeholder?)", what)
		return
	}
	if taskRouter && strings.HasPrefix(strings.ToLower(s), "taskrouter://") {
		sid := s[len("taskrouter://"):]
		if !isWorkflowSID(sid) {
			l.add(path, "%s %q does not name a TaskRouter workflow SID (WW + 32 hex digits; a placeholder?)", what, s)
		}
		return
	}
	if !isHTTPURL(s) {
		l.add(path, "%s %q is not an http(s) URL%s (a placeholder?)", what, s, orTask(what))
	}
}

func orTask(what string) string {
	if what == "redirect target" {
		return " or task:// URI"
	}
	return ""
}

func (l *linter) handoff(path string, h *Handoff) {
	if h.URI == "" {
		l.add(path+".uri", "empty handoff uri (a placeholder?)")
		return
	}
	l.url(path+".uri", "handoff uri", h.URI, true)
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Host != "" && !strings.ContainsAny(u.Host, "{} ")
}

func isWorkflowSID(s string) bool {
	if len(s) != 34 || s[:2] != "WW" {
		return false
	}
	for _, c := range s[2:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

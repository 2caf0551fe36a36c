package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/store"
)

// taskData is the task page's data.
type taskData struct {
	A        *assistant.Assistant
	T        *assistant.Task
	Actions  string   // the editor's text
	Warnings []string // what the action linter says of the saved actions
	Form     map[string]string
}

// loadTask reads the path's task, whole, and the outline of its assistant
// (the other tasks' names and actions, the field types' names): a task's
// page does not read every sample of the assistant.
func (h *Handler) loadTask(r *http.Request, acct store.Account) (*assistant.Assistant, *assistant.Task, error) {
	one, err := h.Store.AssistantTask(r.Context(), acct.SID, r.PathValue("Assistant"), r.PathValue("Task"))
	if err != nil {
		return nil, nil, err
	}
	a, err := h.Store.AssistantOutline(r.Context(), acct.SID, one.SID)
	if err != nil {
		return nil, nil, err
	}
	for i := range a.Tasks {
		if a.Tasks[i].SID == one.Tasks[0].SID {
			a.Tasks[i] = one.Tasks[0]
			return a, &a.Tasks[i], nil
		}
	}
	return nil, nil, store.ErrNotFound // deleted between the two reads
}

// taskPage renders the task page with p's messages; actionsText, when not
// empty, is the editor's text (what the user sent), else the saved
// actions.
func (h *Handler) taskPage(w http.ResponseWriter, r *http.Request, acct store.Account, status int, p page, actionsText string, form map[string]string) error {
	a, t, err := h.loadTask(r, acct)
	if err != nil {
		return err // ErrNotFound answers 404
	}
	d := taskData{A: a, T: t, Actions: actionsText, Form: form}
	if d.Actions == "" {
		d.Actions = indent(t.Actions)
	}
	if doc, err := actions.Parse(nonEmpty(t.Actions)); err == nil {
		// The linter's warnings, and import's about this assistant (tasks
		// and field types the actions name).
		for _, i := range actions.Lint(doc) {
			d.Warnings = append(d.Warnings, i.String())
		}
		for _, p := range assistant.ActionsProblems(a, doc) {
			d.Warnings = append(d.Warnings, p.Path+": "+p.Msg)
		}
	}
	p.Title, p.Account, p.Data = t.UniqueName, acct.SID, d
	if p.Flash == "" {
		p.Flash = r.URL.Query().Get("done")
	}
	return h.render(w, status, "task", p)
}

func nonEmpty(doc []byte) []byte {
	if len(bytes.TrimSpace(doc)) == 0 {
		return []byte(`{"actions":[]}`)
	}
	return doc
}

// indent returns a JSON document indented for the editor.
func indent(doc []byte) string {
	var b bytes.Buffer
	if json.Indent(&b, nonEmpty(doc), "", "  ") != nil {
		return string(doc)
	}
	return b.String()
}

func (h *Handler) task(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	return h.taskPage(w, r, acct, http.StatusOK, page{}, "", nil)
}

// taskPath is the console path of the request's task, and its API path.
func taskPaths(r *http.Request) (console, api string) {
	a, t := url.PathEscape(r.PathValue("Assistant")), url.PathEscape(r.PathValue("Task"))
	return "/console/assistants/" + a + "/tasks/" + t, "/v1/Assistants/" + a + "/Tasks/" + t
}

// apiErrorOf reads the REST API's error body.
func apiErrorOf(body []byte) apiError {
	var e apiError
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		e.Message = "The request failed."
	}
	return e
}

func (h *Handler) createTask(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.assistantPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil)
	}
	name := strings.TrimSpace(r.PostForm.Get("UniqueName"))
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+url.PathEscape(r.PathValue("Assistant"))+"/Tasks", url.Values{"UniqueName": {name}})
	if status != http.StatusCreated {
		return h.assistantPage(w, r, acct, status, page{Fields: map[string]string{"UniqueName": apiErrorOf(body).Message}}, map[string]string{"UniqueName": name})
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(r.PathValue("Assistant"))+"/tasks/"+url.PathEscape(name)+"?done="+url.QueryEscape("Task created."), http.StatusSeeOther)
	return nil
}

func (h *Handler) saveActions(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return h.taskPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read (at most 1 MB)."}, "", nil)
	}
	text := r.PostForm.Get("Actions")
	consolePath, apiPath := taskPaths(r)
	status, body := h.callAPI(r, acct, http.MethodPost, apiPath+"/Actions", url.Values{"Actions": {text}})
	if status != http.StatusOK {
		return h.taskPage(w, r, acct, status, page{Fields: map[string]string{"Actions": apiErrorOf(body).Message}}, text, nil)
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape("Actions saved."), http.StatusSeeOther)
	return nil
}

// addSamples adds the samples of the form, one per line, each through the
// REST API. Those refused stay in the editor with the API's message for
// each; the others are added.
func (h *Handler) addSamples(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return h.taskPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read (at most 1 MB)."}, "", nil)
	}
	lang := strings.TrimSpace(r.PostForm.Get("Language"))
	if lang == "" {
		lang = "en-US"
	}
	var lines []string
	for line := range strings.Lines(r.PostForm.Get("TaggedText")) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return h.taskPage(w, r, acct, http.StatusBadRequest, page{Fields: map[string]string{"TaggedText": "Write a sample, or several, one per line."}}, "", map[string]string{"Language": lang})
	}
	consolePath, apiPath := taskPaths(r)
	var refused, why []string
	status := http.StatusBadRequest
	for _, line := range lines {
		code, body := h.callAPI(r, acct, http.MethodPost, apiPath+"/Samples", url.Values{"TaggedText": {line}, "Language": {lang}})
		if code != http.StatusCreated {
			refused, status = append(refused, line), code
			why = append(why, fmt.Sprintf("“%s”: %s", line, apiErrorOf(body).Message))
		}
	}
	added := len(lines) - len(refused)
	if len(refused) > 0 {
		p := page{Fields: map[string]string{"TaggedText": strings.Join(why, " ")}}
		if added > 0 {
			p.Flash = plural(added, "sample") + " added; those left below were refused."
		}
		return h.taskPage(w, r, acct, status, p, "", map[string]string{"TaggedText": strings.Join(refused, "\n"), "Language": lang})
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape(plural(added, "sample")+" added."), http.StatusSeeOther)
	return nil
}

// plural is "1 sample" or "n samples".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (h *Handler) deleteSample(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	consolePath, apiPath := taskPaths(r)
	status, body := h.callAPI(r, acct, http.MethodDelete, apiPath+"/Samples/"+url.PathEscape(r.PathValue("Sample")), nil)
	if status != http.StatusNoContent {
		return h.taskPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, "", nil)
	}
	http.Redirect(w, r, consolePath+"?done="+url.QueryEscape("Sample deleted."), http.StatusSeeOther)
	return nil
}

func (h *Handler) startBuild(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+url.PathEscape(r.PathValue("Assistant"))+"/ModelBuilds", url.Values{})
	if status != http.StatusCreated {
		return h.assistantPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, nil)
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(r.PathValue("Assistant"))+"?done="+url.QueryEscape("Model build started."), http.StatusSeeOther)
	return nil
}

// deleteData is the delete confirmation's data.
type deleteData struct {
	Noun, Name, SID string
	With, Keep      string   // what goes with it; how to keep a copy
	NamedBy         []string // what names it and will name nothing after
	Action, Back    string   // the form's target; the page Cancel returns to
}

// confirmDelete asks before an assistant is deleted.
func (h *Handler) confirmDelete(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, err := h.Store.AssistantRef(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	back := "/console/assistants/" + url.PathEscape(a.SID)
	return h.render(w, http.StatusOK, "delete", page{Title: "Delete " + a.UniqueName + "?", Account: acct.SID, Data: deleteData{
		Noun: "assistant", Name: a.UniqueName, SID: a.SID,
		With: "tasks, samples, field types, model builds, dialogues and queries", Keep: "export it first to keep a copy",
		Action: back + "/delete", Back: back}})
}

// confirmDeleteTask asks before a task is deleted, listing the tasks and
// defaults that redirect to it.
func (h *Handler) confirmDeleteTask(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, t, err := h.loadTask(r, acct)
	if err != nil {
		return err // ErrNotFound answers 404
	}
	consolePath, _ := taskPaths(r)
	d := deleteData{Noun: "task", Name: t.UniqueName, SID: t.SID, With: "samples and fields",
		Action: consolePath + "/delete", Back: consolePath}
	ref := []byte(`"task://` + t.UniqueName + `"`)
	for _, other := range a.Tasks {
		if other.SID != t.SID && bytes.Contains(other.Actions, ref) {
			d.NamedBy = append(d.NamedBy, "the actions of task "+other.UniqueName)
		}
	}
	if bytes.Contains(a.Defaults, ref) {
		d.NamedBy = append(d.NamedBy, "the assistant's Defaults")
	}
	return h.render(w, http.StatusOK, "delete", page{Title: "Delete " + t.UniqueName + "?", Account: acct.SID, Data: d})
}

func (h *Handler) deleteTask(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	_, apiPath := taskPaths(r)
	status, body := h.callAPI(r, acct, http.MethodDelete, apiPath, nil)
	if status != http.StatusNoContent {
		return h.taskPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, "", nil)
	}
	http.Redirect(w, r, "/console/assistants/"+url.PathEscape(r.PathValue("Assistant"))+"?done="+url.QueryEscape("Task deleted."), http.StatusSeeOther)
	return nil
}

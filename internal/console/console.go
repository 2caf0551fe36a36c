package console

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/authlimit"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/twilio"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Store is what the console reads: the account's assistants, and their
// import.
type Store interface {
	store.Accounts
	store.Assistants
	store.Tasks
	store.FieldTypes
	store.ModelBuilds
	store.Queries
	store.Webhooks
	store.WebChats
	store.TurnLog
}

// A Handler serves the console. Its fields are set before Register.
type Handler struct {
	Store Store
	// Accounts authenticates sign-ins and sessions (a cache of Store's, say).
	Accounts store.AccountSource
	// API is the REST API's handler: every change goes through it.
	API http.Handler
	// Engine runs the simulator's turns.
	Engine Engine
	Logger *slog.Logger
	// PublicURL is the server's base URL as browsers reach it; an https one
	// makes the session cookie Secure. Without it, the URL is the request's,
	// with X-Forwarded-Proto and X-Forwarded-Host believed only from
	// TrustedProxies (a proxy that terminates TLS makes the cookie Secure).
	PublicURL      string
	TrustedProxies []netip.Prefix
	// Limiter, when set, refuses client addresses that failed to sign in
	// too often (shared with the other surfaces).
	Limiter *authlimit.Limiter
	Now     func() time.Time

	pages   map[string]*template.Template
	reports reports
}

// MaxImport is the largest schema file the console imports.
const MaxImport = 16 << 20

// Register adds the console's routes to mux, and / redirecting to it.
func (h *Handler) Register(mux *http.ServeMux) {
	h.pages = parsePages()
	protect := http.NewCrossOriginProtection()
	handle := func(pattern string, f func(http.ResponseWriter, *http.Request) error) {
		mux.Handle(pattern, protect.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; frame-ancestors 'none'")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			if err := f(w, r); errors.Is(err, store.ErrNotFound) {
				http.NotFound(w, r)
			} else if err != nil {
				h.logger().Error("console", "path", r.URL.Path, "error", err, "request_id", r.Header.Get("X-Request-Id"))
				http.Error(w, "Something went wrong; the server's log says what (request id "+r.Header.Get("X-Request-Id")+").", http.StatusInternalServerError)
			}
		})))
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusFound)
	})
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	handle("GET /console/{$}", h.home)
	handle("GET /console/signin", h.signinPage)
	handle("POST /console/signin", h.signin)
	handle("POST /console/signout", h.signout)
	handle("GET /console/assistants", h.signedIn(h.assistants))
	handle("POST /console/assistants", h.signedIn(h.createAssistant))
	handle("POST /console/assistants/import", h.signedIn(h.importAssistant))
	handle("GET /console/assistants/{Assistant}", h.signedIn(h.assistant))
	handle("GET /console/assistants/{Assistant}/export", h.signedIn(h.export))
	handle("GET /console/assistants/{Assistant}/delete", h.signedIn(h.confirmDelete))
	handle("POST /console/assistants/{Assistant}/delete", h.signedIn(h.deleteAssistant))
	handle("POST /console/assistants/{Assistant}/builds", h.signedIn(h.startBuild))
	handle("GET /console/assistants/{Assistant}/restore", h.signedIn(h.confirmRestore))
	handle("POST /console/assistants/{Assistant}/restore", h.signedIn(h.restore))
	handle("GET /console/assistants/{Assistant}/simulator", h.signedIn(h.simulator))
	handle("GET /console/assistants/{Assistant}/queries", h.signedIn(h.queries))
	handle("GET /console/assistants/{Assistant}/understanding", h.signedIn(h.report))
	handle("GET /console/assistants/{Assistant}/flow", h.signedIn(h.flow))
	handle("GET /console/assistants/{Assistant}/dialogues", h.signedIn(h.dialogues))
	handle("GET /console/assistants/{Assistant}/dialogues/{Dialogue}", h.signedIn(h.dialoguePage))
	handle("POST /console/assistants/{Assistant}/webchat", h.signedIn(h.saveWebChat))
	handle("POST /console/assistants/{Assistant}/settings", h.signedIn(h.saveSettings))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/settings", h.signedIn(h.saveTaskSettings))
	handle("POST /console/assistants/{Assistant}/defaults", h.signedIn(h.saveDocument("Defaults")))
	handle("POST /console/assistants/{Assistant}/stylesheet", h.signedIn(h.saveDocument("StyleSheet")))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/fields", h.signedIn(h.addField))
	handle("POST /console/assistants/{Assistant}/field-types", h.signedIn(h.createFieldType))
	handle("POST /console/assistants/{Assistant}/webhooks", h.signedIn(h.createWebhook))
	handle("POST /console/assistants/{Assistant}/webhooks/{Webhook}/delete", h.signedIn(h.deleteWebhook))
	handle("GET /console/assistants/{Assistant}/field-types/{FieldType}", h.signedIn(h.fieldType))
	handle("POST /console/assistants/{Assistant}/field-types/{FieldType}/values", h.signedIn(h.addFieldValue))
	handle("POST /console/assistants/{Assistant}/field-types/{FieldType}/values/{Value}/delete", h.signedIn(h.deleteFieldValue))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/fields/{Field}/delete", h.signedIn(h.deleteField))
	handle("POST /console/assistants/{Assistant}/queries/{Query}/relabel", h.signedIn(h.relabel))
	handle("POST /console/assistants/{Assistant}/simulator", h.signedIn(h.simulatorTurn))
	handle("POST /console/assistants/{Assistant}/tasks", h.signedIn(h.createTask))
	handle("GET /console/assistants/{Assistant}/tasks/{Task}", h.signedIn(h.task))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/actions", h.signedIn(h.saveActions))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/samples", h.signedIn(h.addSamples))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/samples/{Sample}/delete", h.signedIn(h.deleteSample))
	handle("GET /console/assistants/{Assistant}/tasks/{Task}/delete", h.signedIn(h.confirmDeleteTask))
	handle("POST /console/assistants/{Assistant}/tasks/{Task}/delete", h.signedIn(h.deleteTask))
	handle("GET /console/assistants/{Assistant}/field-types/{FieldType}/delete", h.signedIn(h.confirmDeleteFieldType))
	handle("POST /console/assistants/{Assistant}/field-types/{FieldType}/delete", h.signedIn(h.deleteFieldType))
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Logger
}

func (h *Handler) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// A page handler gets the signed-in account.
type pageFunc func(w http.ResponseWriter, r *http.Request, acct store.Account) error

// signedIn runs f for a signed-in account, and sends others to sign in.
func (h *Handler) signedIn(f pageFunc) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		acct, err := h.session(r)
		if err != nil {
			http.Redirect(w, r, "/console/signin?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return nil
		}
		return f(w, r, acct)
	}
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.session(r); err != nil {
		http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/console/assistants", http.StatusSeeOther)
	return nil
}

// page is what every page template gets.
type page struct {
	Title   string
	Account string // the signed-in account's SID; empty on the sign-in page
	Flash   string // a message of the last action
	Error   string // what went wrong, for the whole form
	// Fields holds errors by form field name, shown next to the field.
	Fields map[string]string
	Data   any
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, p page) error {
	t, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("no page %s", name)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(b.Bytes())
	return err
}

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"date":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"pct":       func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"split":     strings.Fields,
		"hasPrefix": strings.HasPrefix,
		"hookLabels": func() map[string]string {
			return map[string]string{"UniqueName": "Webhook's unique name", "Events": "Events (e.g. onDialogueEnd onDialogueTurn)",
				"WebhookUrl": "URL", "WebhookMethod": "Method (POST or GET; POST when empty)"}
		},
	}
	pages := map[string]*template.Template{}
	for _, name := range []string{"signin", "assistants", "assistant", "task", "delete", "simulator", "queries", "report", "fieldtype", "flow", "dialogues", "dialogue", "restore"} {
		pages[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
	}
	return pages
}

// signinPage shows the sign-in form.
func (h *Handler) signinPage(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, http.StatusOK, "signin", page{Title: "Sign in", Data: map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}})
}

// safeNext keeps a redirect after sign-in within the console.
func safeNext(next string) string {
	if strings.ContainsAny(next, "\\\r\n") || !strings.HasPrefix(next, "/") {
		return "/console/assistants"
	}
	if next = path.Clean(next); !strings.HasPrefix(next, "/console/") {
		return "/console/assistants"
	}
	return next
}

func (h *Handler) signin(w http.ResponseWriter, r *http.Request) error {
	addr := authlimit.ClientAddr(r)
	if h.Limiter.Blocked(addr) {
		return h.render(w, http.StatusTooManyRequests, "signin", page{Title: "Sign in", Error: "Too many failed sign-ins from this address; try again in a minute.", Data: map[string]string{}})
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.render(w, http.StatusBadRequest, "signin", page{Title: "Sign in", Error: "The form could not be read.", Data: map[string]string{}})
	}
	sid, token := strings.TrimSpace(r.PostForm.Get("AccountSid")), strings.TrimSpace(r.PostForm.Get("AuthToken"))
	next := safeNext(r.PostForm.Get("next"))
	acct, err := h.Accounts.Account(r.Context(), sid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err != nil || !twilio.ValidBasicAuth(sid, token, acct.SID, acct.AuthToken) {
		h.Limiter.Fail(addr)
		h.logger().Warn("authentication failed", "surface", "console", "account_sid", sid, "remote", addr, "request_id", r.Header.Get("X-Request-Id"))
		return h.render(w, http.StatusUnauthorized, "signin", page{Title: "Sign in", Error: "That account SID and auth token do not match an account.",
			Data: map[string]string{"Next": next, "AccountSid": sid}})
	}
	h.setSession(w, r, acct)
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handler) signout(w http.ResponseWriter, r *http.Request) error {
	h.clearSession(w, r)
	http.Redirect(w, r, "/console/signin", http.StatusSeeOther)
	return nil
}

// apiError is the REST API's error body.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  int    `json:"status"`
}

// callAPI sends a request to the REST API as acct, and returns its status
// and body.
func (h *Handler) callAPI(r *http.Request, acct store.Account, method, path string, form url.Values) (int, []byte) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequestWithContext(r.Context(), method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Request-Id", r.Header.Get("X-Request-Id"))
	req.SetBasicAuth(acct.SID, acct.AuthToken)
	req.RemoteAddr = r.RemoteAddr
	req.Host = r.Host
	rec := httptest.NewRecorder()
	h.API.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// fieldOf names the form field an API error is about: the parameter its
// message names, if it is one of fields.
func fieldOf(e apiError, fields ...string) string {
	for _, f := range fields {
		if strings.Contains(e.Message, f) {
			return f
		}
	}
	return ""
}

// assistantRow is a line of the assistants page.
type assistantRow struct {
	SID, UniqueName, FriendlyName string
	Tasks                         int
	Updated                       time.Time
}

// assistantsData is the assistants page's data.
type assistantsData struct {
	Assistants []assistantRow
	Form       map[string]string
	Warnings   []string
}

func (h *Handler) assistantsPage(w http.ResponseWriter, r *http.Request, acct store.Account, status int, p page, form map[string]string, warnings []string) error {
	heads, err := h.Store.AssistantHeads(r.Context(), acct.SID)
	if err != nil {
		return err
	}
	var rows []assistantRow
	for _, a := range heads {
		row := assistantRow{SID: a.SID, UniqueName: a.UniqueName, FriendlyName: a.FriendlyName, Updated: a.DateUpdated}
		if o, err := h.Store.AssistantOutline(r.Context(), acct.SID, a.SID); err == nil {
			row.Tasks = len(o.Tasks)
		}
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b assistantRow) int { return strings.Compare(a.UniqueName, b.UniqueName) })
	p.Title, p.Account = "Assistants", acct.SID
	p.Data = assistantsData{Assistants: rows, Form: form, Warnings: warnings}
	return h.render(w, status, "assistants", p)
}

func (h *Handler) assistants(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	return h.assistantsPage(w, r, acct, http.StatusOK, page{Flash: r.URL.Query().Get("done")}, nil, nil)
}

func (h *Handler) createAssistant(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return h.assistantsPage(w, r, acct, http.StatusBadRequest, page{Error: "The form could not be read."}, nil, nil)
	}
	form := url.Values{}
	for _, k := range []string{"UniqueName", "FriendlyName"} {
		if v := strings.TrimSpace(r.PostForm.Get(k)); v != "" {
			form.Set(k, v)
		}
	}
	status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants", form)
	if status != http.StatusCreated {
		e := apiErrorOf(body)
		p := page{Fields: map[string]string{}}
		if f := fieldOf(e, "UniqueName", "FriendlyName"); f != "" {
			p.Fields[f] = e.Message
		} else {
			p.Error = e.Message
		}
		return h.assistantsPage(w, r, acct, status, p, map[string]string{"UniqueName": form.Get("UniqueName"), "FriendlyName": form.Get("FriendlyName")}, nil)
	}
	var created struct {
		SID string `json:"sid"`
	}
	json.Unmarshal(body, &created)
	http.Redirect(w, r, "/console/assistants/"+created.SID+"?done="+url.QueryEscape("Assistant created."), http.StatusSeeOther)
	return nil
}

func (h *Handler) importAssistant(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxImport+1<<20)
	fail := func(status int, msg string) error {
		return h.assistantsPage(w, r, acct, status, page{Fields: map[string]string{"schema": msg}}, nil, nil)
	}
	f, hdr, err := r.FormFile("schema")
	if err != nil {
		return fail(http.StatusBadRequest, "Choose an assistant schema file (.json) to import.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxImport+1))
	if err != nil {
		return fail(http.StatusBadRequest, "The file could not be read.")
	}
	if len(data) > MaxImport {
		return fail(http.StatusRequestEntityTooLarge, fmt.Sprintf("%s is larger than %d MB.", hdr.Filename, MaxImport>>20))
	}
	a, problems, err := assistant.ParseSchema(data, assistant.ImportOptions{})
	if err != nil {
		return fail(http.StatusBadRequest, fmt.Sprintf("%s: %v", hdr.Filename, err))
	}
	var warnings []string
	for _, p := range problems {
		warnings = append(warnings, p.String())
	}
	a.AccountSID = acct.SID
	_, err = h.Store.AssistantRef(r.Context(), acct.SID, a.UniqueName)
	existed := err == nil
	stored, err := h.Store.ImportAssistant(r.Context(), a)
	if errors.Is(err, store.ErrInvalid) || errors.Is(err, store.ErrExists) {
		return fail(http.StatusBadRequest, fmt.Sprintf("%s: %v", hdr.Filename, err))
	}
	if err != nil {
		return err
	}
	// A model build, as every import starts: the API wakes the server's
	// builder, which trains it.
	if status, body := h.callAPI(r, acct, http.MethodPost, "/v1/Assistants/"+stored.SID+"/ModelBuilds", url.Values{}); status != http.StatusCreated {
		warnings = append(warnings, "the model build could not start: "+apiErrorOf(body).Message)
	}
	verb := "Imported"
	if existed {
		verb = "Updated"
	}
	flash := fmt.Sprintf("%s %s: %d tasks, %d field types; a model build started.", verb, stored.UniqueName, len(stored.Tasks), len(stored.FieldTypes))
	return h.assistantsPage(w, r, acct, http.StatusOK, page{Flash: flash}, nil, warnings)
}

// assistantData is the assistant page's data.
type assistantData struct {
	A      *assistant.Assistant
	Builds []store.ModelBuild
	// Pending is set while a build is enqueued or building: the page then
	// reloads itself to show its status.
	Pending bool
	Form    map[string]string
	WebChat store.WebChat
	Base    string // the server's base URL, for the web chat's script tag
	// Defaults and StyleSheet are their editors' text.
	Defaults, StyleSheet string
	Webhooks             []store.Webhook
}

func (h *Handler) assistantPage(w http.ResponseWriter, r *http.Request, acct store.Account, status int, p page, form map[string]string) error {
	a, err := h.Store.Assistant(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	builds, err := h.Store.ModelBuilds(r.Context(), acct.SID, a.SID)
	if err != nil {
		return err
	}
	wc, err := h.Store.WebChat(r.Context(), a.SID)
	if err != nil {
		return err
	}
	hooks, err := h.Store.Webhooks(r.Context(), acct.SID, a.SID)
	if err != nil {
		return err
	}
	d := assistantData{A: a, Builds: builds, Form: form, WebChat: wc, Base: h.baseURL(r),
		Defaults: cmp.Or(form["Defaults"], indentOr(a.Defaults, `{"defaults": {}}`)), StyleSheet: cmp.Or(form["StyleSheet"], indentOr(a.StyleSheet, `{"style_sheet": {}}`)),
		Webhooks: hooks}
	for _, b := range builds {
		if b.Status == store.BuildEnqueued || b.Status == store.BuildBuilding {
			d.Pending = true
		}
	}
	p.Title, p.Account, p.Data = a.UniqueName, acct.SID, d
	if p.Flash == "" {
		p.Flash = r.URL.Query().Get("done")
	}
	return h.render(w, status, "assistant", p)
}

func (h *Handler) assistant(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	return h.assistantPage(w, r, acct, http.StatusOK, page{}, nil)
}

func (h *Handler) export(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	a, err := h.Store.Assistant(r.Context(), acct.SID, r.PathValue("Assistant"))
	if err != nil {
		return err // ErrNotFound answers 404
	}
	data, err := assistant.MarshalSchema(a)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+a.UniqueName+`.json"`)
	_, err = w.Write(data)
	return err
}

func (h *Handler) deleteAssistant(w http.ResponseWriter, r *http.Request, acct store.Account) error {
	status, body := h.callAPI(r, acct, http.MethodDelete, "/v1/Assistants/"+url.PathEscape(r.PathValue("Assistant")), nil)
	if status != http.StatusNoContent {
		return h.assistantsPage(w, r, acct, status, page{Error: apiErrorOf(body).Message}, nil, nil)
	}
	http.Redirect(w, r, "/console/assistants?done="+url.QueryEscape("Assistant deleted."), http.StatusSeeOther)
	return nil
}

// indentOr returns doc indented for an editor, or empty when doc is.
func indentOr(doc []byte, empty string) string {
	if len(bytes.TrimSpace(doc)) == 0 {
		return empty
	}
	return indent(doc)
}

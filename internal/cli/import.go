package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/store"
)

func runImport(e *env, args []string) error {
	fs := newFlags(e, "import", "FILE|DIR...")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	dsn := dbFlag(e, fs)
	server := fs.String("server", e.getenv("PARLEY_SERVER"), "import through the REST API of the Parley server at this base URL instead of into --data (auth: PARLEY_ACCOUNT_SID, PARLEY_AUTH_TOKEN)")
	strict := fs.Bool("strict", false, "treat warnings as errors: import nothing when a file has any")
	var maps multiFlag
	fs.Var(&maps, "map-url", "rewrite URLs starting with FROM to start with TO (FROM=TO; repeatable)")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: no schema file given", errUsage)
	}
	opts, err := importOptions(maps)
	if err != nil {
		return err
	}
	if *server != "" {
		r, err := newRemote(e, *server)
		if err != nil {
			return err
		}
		return reportImport(e, importRemoteFiles(e, r, paths, opts, *strict))
	}
	db, acct, err := openAccount(e, location{dir: *dir, dsn: *dsn})
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = importFiles(e, db, acct, paths, opts, *strict)
	return reportImport(e, err)
}

// An importError is the failure of one file's import, after the files
// before it were imported.
type importError struct {
	file string
	err  error
}

func (e *importError) Error() string { return "import " + e.file + ": " + e.err.Error() }
func (e *importError) Unwrap() error { return e.err }

// reportImport prints the failure of a file's import as
// "parley: import FILE: ...", which names the command already.
func reportImport(e *env, err error) error {
	if ie, ok := errors.AsType[*importError](err); ok {
		fmt.Fprintf(e.stderr, "parley: %v\n", ie)
		return errSilent
	}
	return err
}

func importOptions(maps []string) (assistant.ImportOptions, error) {
	var opts assistant.ImportOptions
	for _, m := range maps {
		um, err := assistant.ParseURLMap(m)
		if err != nil {
			return opts, fmt.Errorf("%w: --map-url %s: %v", errUsage, m, err)
		}
		opts.MapURL = append(opts.MapURL, um)
	}
	return opts, nil
}

// expand replaces each directory in paths by the .json files in it.
func expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		m, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		out = append(out, m...)
	}
	return out, nil
}

// parseFiles parses every file of paths (directories expanded), printing
// their warnings and errors, and returns the files with their assistants.
// An error or, with strict, a warning in any file fails them all: the error
// is errSilent, as parseFiles has reported it.
func parseFiles(e *env, paths []string, opts assistant.ImportOptions, strict bool) ([]string, []*assistant.Assistant, error) {
	files, err := expand(paths)
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("nothing to import: no schema file (*.json) in %s", strings.Join(paths, ", "))
	}
	parsed := make([]*assistant.Assistant, len(files))
	failed := false
	mapped := make([]bool, len(opts.MapURL))
	for i, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		for k, m := range opts.MapURL {
			mapped[k] = mapped[k] || bytes.Contains(data, []byte(m.From))
		}
		a, warnings, err := assistant.ParseSchema(data, opts)
		if err != nil {
			if es, ok := errors.AsType[actions.Errors](err); ok {
				for _, x := range es {
					fmt.Fprintf(e.stderr, "%s: error: %v\n", f, x)
				}
			} else {
				fmt.Fprintf(e.stderr, "%s: error: %v\n", f, err)
			}
			failed = true
			continue
		}
		kind := "warning"
		if strict {
			kind = "error"
		}
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "%s: %s: %s\n", f, kind, w)
		}
		if u := twilioFunctionURLs(a); len(u) > 0 {
			// Not a schema problem: a warning even with --strict.
			fmt.Fprintf(e.stderr, "%s: warning: %d URL(s) still on *.twil.io, such as %s: Twilio Functions no longer run there; serve them yourself and rewrite the URLs with --map-url https://HOST.twil.io=http://YOUR-HOST\n", f, len(u), u[0])
		}
		if strict && len(warnings) > 0 {
			failed = true
		}
		parsed[i] = a
	}
	if failed {
		fmt.Fprintln(e.stderr, "nothing imported")
		return nil, nil, errSilent
	}
	for k, m := range opts.MapURL {
		if !mapped[k] {
			fmt.Fprintf(e.stderr, "warning: --map-url %s=%s: no URL starts with %s\n", m.From, m.To, m.From)
		}
	}
	return files, parsed, nil
}

var twilioFunctionURL = regexp.MustCompile(`https?://[A-Za-z0-9.-]+\.twil\.io\b[^"\s]*`)

// twilioFunctionURLs returns the distinct URLs of a's schema that are still
// on *.twil.io, where Twilio Functions ran.
func twilioFunctionURLs(a *assistant.Assistant) []string {
	data, err := assistant.MarshalSchema(a)
	if err != nil {
		return nil
	}
	var out []string
	for _, u := range twilioFunctionURL.FindAllString(string(data), -1) {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// importFiles parses every file first, so that an error or, with strict, a
// warning in any of them imports nothing; then imports each assistant in one
// transaction, printing a line for each.
func importFiles(e *env, db store.Store, acct store.Account, paths []string, opts assistant.ImportOptions, strict bool) ([]*assistant.Assistant, error) {
	files, parsed, err := parseFiles(e, paths, opts, strict)
	if err != nil {
		return nil, err
	}
	var out []*assistant.Assistant
	for i, a := range parsed {
		a.AccountSID = acct.SID
		stored, err := db.ImportAssistant(e.ctx, a)
		if err != nil {
			return out, &importError{files[i], err}
		}
		printImported(e, stored)
		// Every import trains a model build, as Autopilot's CLI started one.
		b, err := builds.Build(e.ctx, db, acct.SID, stored.SID, a.ModelBuild)
		if err != nil {
			return out, &importError{files[i], err}
		}
		fmt.Fprintf(e.stdout, "  model build %s %s: %s in %ds\n", b.UniqueName, b.SID, b.Status, b.BuildDuration)
		out = append(out, stored)
	}
	return out, nil
}

// printImported prints the line of an imported assistant.
func printImported(e *env, a *assistant.Assistant) {
	samples := 0
	for _, t := range a.Tasks {
		samples += len(t.Samples)
	}
	fmt.Fprintf(e.stdout, "imported %s %s: %d tasks, %d samples, %d field types\n",
		a.UniqueName, a.SID, len(a.Tasks), samples, len(a.FieldTypes))
}

// importRemoteFiles is importFiles through the REST API of r: the files are
// parsed the same way, then each assistant is created or updated with the
// API's requests, as the Twilio CLI's autopilot plugin did, and a model
// build is started and waited for.
func importRemoteFiles(e *env, r *remote, paths []string, opts assistant.ImportOptions, strict bool) error {
	files, parsed, err := parseFiles(e, paths, opts, strict)
	if err != nil {
		return err
	}
	for i, a := range parsed {
		if a.NLUThreshold > 0 {
			fmt.Fprintf(e.stderr, "%s: warning: nluThreshold: the REST API does not carry it; the server's assistant keeps its own\n", files[i])
		}
		sid, err := r.importAssistant(e.ctx, a)
		if err != nil {
			return &importError{files[i], err}
		}
		printImported(e, &assistant.Assistant{SID: sid, UniqueName: a.UniqueName, Tasks: a.Tasks, FieldTypes: a.FieldTypes})
		b, err := r.modelBuild(e.ctx, a.UniqueName, a.ModelBuild)
		if err != nil {
			return &importError{files[i], err}
		}
		fmt.Fprintf(e.stdout, "  model build %s %s: %s in %ds\n", b.UniqueName, b.SID, b.Status, deref0(b.BuildDuration))
		if b.Status != store.BuildCompleted {
			return &importError{files[i], fmt.Errorf("model build %s %s: %s", b.SID, b.Status, deref(b.ErrorMessage))}
		}
	}
	return nil
}

func deref0(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// importAssistant creates or updates the assistant a.UniqueName, and makes
// its field types, tasks, defaults and style sheet those of a. It returns
// the assistant's SID.
//
// Stale tasks go first (a task's unique name may come back in another
// case), then field types, which must exist before the fields that use
// them; each task's fields come before the samples that tag them; field
// types no task uses any more go last.
func (r *remote) importAssistant(ctx context.Context, a *assistant.Assistant) (string, error) {
	params := url.Values{
		"UniqueName":   {a.UniqueName},
		"FriendlyName": {a.FriendlyName},
		"LogQueries":   {strconv.FormatBool(a.LogQueries)},
	}
	base := "/v1/Assistants/" + segment(a.UniqueName)
	var head assistantResource
	err := r.get(ctx, base, &head)
	switch {
	case isNotFound(err):
		err = r.post(ctx, "/v1/Assistants", params, &head)
	case err == nil:
		err = r.post(ctx, base, params, &head)
	}
	if err != nil {
		return "", err
	}

	oldTasks, err := list[taskResource](ctx, r, base+"/Tasks", "tasks")
	if err != nil {
		return "", err
	}
	keep := map[string]bool{}
	for _, t := range a.Tasks {
		keep[t.UniqueName] = true
	}
	tasks := map[string]taskResource{}
	for _, t := range oldTasks {
		if keep[t.UniqueName] {
			tasks[t.UniqueName] = t
			continue
		}
		if err := r.delete(ctx, base+"/Tasks/"+segment(t.UniqueName)); err != nil {
			return "", err
		}
	}

	oldTypes, err := list[fieldTypeResource](ctx, r, base+"/FieldTypes", "field_types")
	if err != nil {
		return "", err
	}
	types := map[string]bool{}
	for _, ft := range oldTypes {
		types[ft.UniqueName] = true
	}
	for _, ft := range a.FieldTypes {
		if err := r.importFieldType(ctx, base, ft, types[ft.UniqueName]); err != nil {
			return "", err
		}
	}

	for _, t := range a.Tasks {
		old, ok := tasks[t.UniqueName]
		if err := r.importTask(ctx, base, t, old, ok); err != nil {
			return "", err
		}
	}

	keep = map[string]bool{}
	for _, ft := range a.FieldTypes {
		keep[ft.UniqueName] = true
	}
	for _, ft := range oldTypes {
		if keep[ft.UniqueName] {
			continue
		}
		if err := r.delete(ctx, base+"/FieldTypes/"+segment(ft.UniqueName)); err != nil {
			return "", err
		}
	}

	// The API's empty documents: an assistant without defaults gets {}.
	for _, doc := range []struct {
		name string
		data json.RawMessage
	}{{"Defaults", a.Defaults}, {"StyleSheet", a.StyleSheet}} {
		data := string(doc.data)
		if data == "" {
			data = "{}"
		}
		if err := r.post(ctx, base+"/"+doc.name, url.Values{doc.name: {data}}, nil); err != nil {
			return "", err
		}
	}
	return head.SID, nil
}

// importFieldType creates the field type ft, or updates it when it exists,
// and replaces its values: canonical values first, then synonyms.
func (r *remote) importFieldType(ctx context.Context, base string, ft assistant.FieldType, exists bool) error {
	path := base + "/FieldTypes/" + segment(ft.UniqueName)
	if exists {
		if err := r.post(ctx, path, url.Values{"FriendlyName": {ft.FriendlyName}}, nil); err != nil {
			return err
		}
		values, err := list[fieldValueResource](ctx, r, path+"/FieldValues", "field_values")
		if err != nil {
			return err
		}
		// Synonyms go before the values they stand for.
		for _, synonyms := range []bool{true, false} {
			for _, v := range values {
				if (v.SynonymOf != nil) != synonyms {
					continue
				}
				if err := r.delete(ctx, path+"/FieldValues/"+v.SID); err != nil {
					return err
				}
			}
		}
	} else {
		params := url.Values{"UniqueName": {ft.UniqueName}, "FriendlyName": {ft.FriendlyName}}
		if err := r.post(ctx, base+"/FieldTypes", params, nil); err != nil {
			return err
		}
	}
	for _, synonyms := range []bool{false, true} {
		for _, v := range ft.Values {
			if (v.SynonymOf != "") != synonyms {
				continue
			}
			params := url.Values{"Language": {v.Language}, "Value": {v.Value}, "SynonymOf": {v.SynonymOf}}
			if err := r.post(ctx, path+"/FieldValues", params, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// importTask creates the task t, or updates old when exists, and replaces
// its fields and samples.
func (r *remote) importTask(ctx context.Context, base string, t assistant.Task, old taskResource, exists bool) error {
	path := base + "/Tasks/" + segment(t.UniqueName)
	// An update cannot clear a task's Actions or ActionsUrl (the API takes
	// an empty parameter as absent), so such a task is made anew.
	if exists && (len(t.Actions) == 0 || t.ActionsURL == "" && old.ActionsURL != nil) {
		if err := r.delete(ctx, path); err != nil {
			return err
		}
		exists = false
	}
	params := url.Values{"FriendlyName": {t.FriendlyName}}
	if len(t.Actions) > 0 {
		params.Set("Actions", string(t.Actions))
	}
	if t.ActionsURL != "" {
		params.Set("ActionsUrl", t.ActionsURL)
	}
	if exists {
		if err := r.post(ctx, path, params, nil); err != nil {
			return err
		}
		samples, err := list[sampleResource](ctx, r, path+"/Samples", "samples")
		if err != nil {
			return err
		}
		for _, s := range samples {
			if err := r.delete(ctx, path+"/Samples/"+s.SID); err != nil {
				return err
			}
		}
		fields, err := list[fieldResource](ctx, r, path+"/Fields", "fields")
		if err != nil {
			return err
		}
		for _, f := range fields {
			if err := r.delete(ctx, path+"/Fields/"+f.SID); err != nil {
				return err
			}
		}
	} else {
		params.Set("UniqueName", t.UniqueName)
		if err := r.post(ctx, base+"/Tasks", params, nil); err != nil {
			return err
		}
	}
	for _, f := range t.Fields {
		if err := r.post(ctx, path+"/Fields", url.Values{"UniqueName": {f.UniqueName}, "FieldType": {f.FieldType}}, nil); err != nil {
			return err
		}
	}
	for _, s := range t.Samples {
		params := url.Values{"Language": {s.Language}, "TaggedText": {s.TaggedText}}
		if s.SourceChannel != "" {
			params.Set("SourceChannel", s.SourceChannel)
		}
		if err := r.post(ctx, path+"/Samples", params, nil); err != nil {
			return err
		}
	}
	return nil
}

// buildPoll is how often a model build is looked at until it ends.
const buildPoll = 200 * time.Millisecond

// modelBuild starts a model build of the assistant, named name when that is
// set and free (else the server names it), and waits for it to end.
func (r *remote) modelBuild(ctx context.Context, assistantName, name string) (*modelBuildResource, error) {
	path := "/v1/Assistants/" + segment(assistantName) + "/ModelBuilds"
	var params url.Values
	if name != "" {
		params = url.Values{"UniqueName": {name}}
	}
	b := &modelBuildResource{}
	err := r.post(ctx, path, params, b)
	if ae, ok := errors.AsType[*apiError](err); ok && name != "" && ae.Status == http.StatusConflict {
		err = r.post(ctx, path, nil, b)
	}
	if err != nil {
		return nil, err
	}
	for b.Status == store.BuildEnqueued || b.Status == store.BuildBuilding {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(buildPoll):
		}
		if err := r.get(ctx, path+"/"+b.SID, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

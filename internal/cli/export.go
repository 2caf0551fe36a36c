package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/parleyhq/parley/internal/assistant"
)

func runExport(e *env, args []string) error {
	fs := newFlags(e, "export", "ASSISTANT")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store")
	dsn := dbFlag(e, fs)
	server := fs.String("server", e.getenv("PARLEY_SERVER"), "export through the REST API of the Parley server at this base URL instead of from --data (auth: PARLEY_ACCOUNT_SID, PARLEY_AUTH_TOKEN)")
	out := fs.String("o", "", "write to this file instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name one assistant (SID or unique name)", errUsage)
	}
	var a *assistant.Assistant
	if *server != "" {
		r, err := newRemote(e, *server)
		if err != nil {
			return err
		}
		if a, err = r.exportAssistant(e.ctx, pos[0]); err != nil {
			return fmt.Errorf("assistant %s: %w", pos[0], err)
		}
	} else {
		db, acct, err := openExisting(e, location{dir: *dir, dsn: *dsn})
		if err != nil {
			return err
		}
		defer db.Close()
		if a, err = db.Assistant(e.ctx, acct.SID, pos[0]); err != nil {
			return fmt.Errorf("assistant %s: %w", pos[0], err)
		}
	}
	data, err := assistant.MarshalSchema(a)
	if err != nil {
		return err
	}
	if *out != "" {
		return os.WriteFile(*out, data, 0o644)
	}
	_, err = e.stdout.Write(data)
	return err
}

// exportAssistant reads the assistant name (SID or unique name) and
// everything under it through the REST API, as the Twilio CLI's autopilot
// plugin exported, into the model that MarshalSchema writes.
//
// What the API does not carry is left out: nluThreshold (Parley's schema
// extension). The schema's modelBuild is the unique name of the newest
// build that has one of its own (not its SID), the name an import asks for.
func (r *remote) exportAssistant(ctx context.Context, name string) (*assistant.Assistant, error) {
	var head assistantResource
	if err := r.get(ctx, "/v1/Assistants/"+segment(name), &head); err != nil {
		return nil, err
	}
	base := "/v1/Assistants/" + head.SID
	a := &assistant.Assistant{
		SID:          head.SID,
		UniqueName:   head.UniqueName,
		FriendlyName: deref(head.FriendlyName),
		LogQueries:   head.LogQueries,
	}
	var err error
	if a.Defaults, err = r.document(ctx, base+"/Defaults", `{"defaults":{}}`); err != nil {
		return nil, err
	}
	if a.StyleSheet, err = r.document(ctx, base+"/StyleSheet", `{"style_sheet":{}}`); err != nil {
		return nil, err
	}

	types, err := list[fieldTypeResource](ctx, r, base+"/FieldTypes", "field_types")
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		values, err := list[fieldValueResource](ctx, r, base+"/FieldTypes/"+t.SID+"/FieldValues", "field_values")
		if err != nil {
			return nil, err
		}
		byID := map[string]string{}
		for _, v := range values {
			byID[v.SID] = v.Value
		}
		ft := assistant.FieldType{SID: t.SID, UniqueName: t.UniqueName, FriendlyName: deref(t.FriendlyName)}
		for _, v := range values {
			fv := assistant.FieldValue{SID: v.SID, Language: v.Language, Value: v.Value}
			if v.SynonymOf != nil {
				canonical, ok := byID[*v.SynonymOf]
				if !ok {
					return nil, fmt.Errorf("field type %s: value %q is a synonym of %s, which is not a value of the type", t.UniqueName, v.Value, *v.SynonymOf)
				}
				fv.SynonymOf, fv.SynonymOfSID = canonical, *v.SynonymOf
			}
			ft.Values = append(ft.Values, fv)
		}
		a.FieldTypes = append(a.FieldTypes, ft)
	}

	tasks, err := list[taskResource](ctx, r, base+"/Tasks", "tasks")
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		path := base + "/Tasks/" + t.SID
		task := assistant.Task{SID: t.SID, UniqueName: t.UniqueName, FriendlyName: deref(t.FriendlyName), ActionsURL: deref(t.ActionsURL)}
		// A task without actions shows {"actions":[]}: with an actionsUrl,
		// that is the empty document of a task whose actions are fetched.
		empty := ""
		if task.ActionsURL != "" {
			empty = `{"actions":[]}`
		}
		if task.Actions, err = r.document(ctx, path+"/Actions", empty); err != nil {
			return nil, err
		}
		fields, err := list[fieldResource](ctx, r, path+"/Fields", "fields")
		if err != nil {
			return nil, err
		}
		for _, f := range fields {
			task.Fields = append(task.Fields, assistant.Field{SID: f.SID, UniqueName: f.UniqueName, FieldType: f.FieldType})
		}
		samples, err := list[sampleResource](ctx, r, path+"/Samples", "samples")
		if err != nil {
			return nil, err
		}
		for _, s := range samples {
			task.Samples = append(task.Samples, assistant.Sample{SID: s.SID, Language: s.Language, TaggedText: s.TaggedText, SourceChannel: deref(s.SourceChannel)})
		}
		a.Tasks = append(a.Tasks, task)
	}

	builds, err := list[modelBuildResource](ctx, r, base+"/ModelBuilds", "model_builds")
	if err != nil {
		return nil, err
	}
	for _, b := range slices.Backward(builds) { // the list is in creation order
		if b.UniqueName != b.SID {
			a.ModelBuild = b.UniqueName
			break
		}
	}
	return a, nil
}

// document reads the data of a JSON document resource (Actions, Defaults,
// StyleSheet) with the bytes it was stored with. {} and empty, the
// document the API shows when there is none, come back as nil.
func (r *remote) document(ctx context.Context, path, empty string) (json.RawMessage, error) {
	var doc documentResource
	if err := r.get(ctx, path, &doc); err != nil {
		return nil, err
	}
	data := bytes.TrimSpace(doc.Data)
	if string(data) == "{}" || string(data) == "null" || (empty != "" && string(data) == empty) {
		return nil, nil
	}
	return json.RawMessage(data), nil
}

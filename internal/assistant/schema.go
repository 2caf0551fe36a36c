package assistant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/jsonwalk"
)

// ImportOptions change how ParseSchema reads a schema.
type ImportOptions struct {
	// MapURL rewrites URL prefixes in task actions, task actionsUrl, the
	// defaults and the style sheet; the first map whose From matches wins.
	MapURL []URLMap
}

// BuiltinFieldTypes are the unique names of Autopilot's built-in field types
// (nlu.md §4). Field types are matched case-insensitively and stored in this
// spelling.
var BuiltinFieldTypes = []string{
	"Twilio.NUMBER", "Twilio.NUMBER_SEQUENCE", "Twilio.ALPHANUMERIC", "Twilio.PHONE_NUMBER",
	"Twilio.EMAIL", "Twilio.DATE", "Twilio.TIME", "Twilio.DAY_OF_WEEK", "Twilio.MONTH",
	"Twilio.YES_NO", "Twilio.FIRST_NAME", "Twilio.LAST_NAME", "Twilio.CITY", "Twilio.US_STATE",
	"Twilio.COUNTRY", "Twilio.COUNTRY_ISO_ALPHA2", "Twilio.COUNTRY_ISO_ALPHA3", "Twilio.CURRENCY",
	"Twilio.LANGUAGE",
}

const defaultLanguage = "en-US"

// Keys of the pre-release Autopilot CLI schema (2018–2019) and what replaced
// them. ParseSchema rejects them: their actions use fetch_actions, their
// fields fieldName, and mapping them half-way would import a different bot.
var (
	legacyTopKeys = map[string]string{
		"intents":           `"intents" is the pre-release name of "tasks"; rename the key to "tasks"`,
		"types":             `"types" is the pre-release name of "fieldTypes"; rename the key to "fieldTypes"`,
		"fallbackActions":   `"fallbackActions" is a pre-release key; move these actions into a task and set "defaults": {"defaults": {"fallback": "task://<that task>"}}`,
		"initiationActions": `"initiationActions" is a pre-release key; move these actions into a task and set "defaults": {"defaults": {"assistant_initiation": "task://<that task>"}}`,
		"assistantSid":      `"assistantSid" is a pre-release key; remove it (Parley assigns SIDs on import)`,
	}
	legacyActions = map[string]string{
		"fetch_actions": `"fetch_actions" is the pre-release name of "redirect"; use {"redirect": {"uri": ..., "method": "POST"}}`,
	}
	legacyTaskKeys = map[string]string{
		"intentName": `"intentName" is the pre-release name of the task's "uniqueName"`,
	}
	legacyFieldKeys = map[string]string{
		"fieldName": `"fieldName" is the pre-release name of the field's "uniqueName"`,
	}
)

var tagRE = regexp.MustCompile(`\{([^{}]*)\}`)

// Tags returns the field names a sample's tagged text marks, as in "to
// {city} on {date}", in order.
func Tags(tagged string) []string {
	var out []string
	for _, m := range tagRE.FindAllStringSubmatch(tagged, -1) {
		out = append(out, m[1])
	}
	return out
}

// ParseSchema reads an Autopilot assistant schema file (schema.md), checks
// it, and returns the assistant it describes, with no SIDs and no dates: the
// store assigns them.
//
// Problems that make the assistant wrong are errors, all returned together
// as [actions.Errors] (a file that is not JSON gives an [*actions.SyntaxError]
// with line and column):
//
//   - neither uniqueName nor friendlyName;
//   - a wrong JSON type anywhere, a missing required key, a duplicate task,
//     field, field type or field value;
//   - a task's actions that [actions.Parse] rejects (paths start
//     "tasks[i].actions."), defaults or a style sheet that
//     [actions.ParseDefaults] or [actions.ParseStyleSheet] reject;
//   - a field type that is neither built-in nor defined in the file, and a
//     collect question whose type is neither;
//   - a synonymOf that names no canonical value of its type;
//   - a sample tag {x} that names no field of its task;
//   - the keys of the pre-release CLI schema (intents, types,
//     fallbackActions, initiationActions, assistantSid, intentName,
//     fieldName) and the fetch_actions action, each with what to use
//     instead.
//
// Problems that real bots ship with are warnings, and the import goes on
// (DESIGN.md §5.4): every [actions.Lint] issue of a task's actions
// (placeholders, unreachable actions, show with collect), defaults and
// task:// targets naming tasks that do not exist, duplicate samples within a
// task (dropped), the same sample in two tasks, and unknown keys (ignored).
//
// Normalisation, so that an import of an export equals the import:
//   - a task without actions and without actionsUrl gets {"actions":[]},
//     which ends the dialogue; with actionsUrl it gets no actions;
//   - defaults, styleSheet and actions are kept as written, compacted; {} and
//     absent are both empty; they are rewritten only when MapURL changes them;
//   - friendlyName defaults to uniqueName; a missing uniqueName is made from
//     friendlyName (spaces become dashes) with a warning; a task's
//     FriendlyName is its uniqueName;
//   - logQueries defaults to true; a missing language to en-US;
//   - field values list canonical values first, then synonyms, each in file
//     order; synonymOf is stored in the canonical value's spelling;
//   - built-in field type names are stored in their canonical spelling;
//   - empty lists are nil.
func ParseSchema(data []byte, opts ImportOptions) (*Assistant, []Warning, error) {
	if err := jsonwalk.CheckSyntax(data); err != nil {
		return nil, nil, err
	}
	s := schemaParser{opts: opts}
	a := s.assistant(data)
	s.legacyErrors()
	if len(s.Errs) > 0 {
		return nil, s.warns, s.Errs
	}
	return a, s.warns, nil
}

// legacyErrors replaces the errors of a pre-release schema by one headline
// and one error per pre-release key: the other errors (missing uniqueName
// next to an intentName, ...) only repeat them.
func (s *schemaParser) legacyErrors() {
	for _, e := range s.Errs {
		if strings.Contains(e.Msg, `unknown action "fetch_actions"`) {
			s.legacyKey("fetch_actions", e.Path)
		}
	}
	if len(s.legacyKeys) == 0 {
		return
	}
	errs := actions.Errors{{Msg: "legacy schema: this is a pre-release (2018-2019) Autopilot CLI schema; " +
		`Parley imports the released format: "tasks" with "uniqueName", "actions", "fields" and "samples", "fieldTypes", and "defaults" for the fallback and initiation tasks`}}
	for _, key := range s.legacyKeys {
		paths := s.legacy[key]
		advice := legacyTopKeys[key] + legacyTaskKeys[key] + legacyFieldKeys[key] + legacyActions[key]
		if n := len(paths) - 1; n > 0 {
			advice += fmt.Sprintf(" (and %d more like it)", n)
		}
		errs = append(errs, &actions.Error{Path: paths[0], Msg: "legacy schema: " + advice})
	}
	s.Errs = errs
}

type schemaParser struct {
	walker
	opts ImportOptions

	// parsed per task, for the checks that need every task
	docs []*actions.Document
}

func (s *schemaParser) assistant(raw json.RawMessage) *Assistant {
	ms, ok := s.Members("", raw, "an object (an Autopilot assistant schema)")
	if !ok {
		return nil
	}
	got := s.fields("", ms, []string{
		"friendlyName", "uniqueName", "logQueries", "defaults", "styleSheet",
		"fieldTypes", "tasks", "modelBuild", "nluThreshold",
	}, legacyTopKeys)

	a := &Assistant{LogQueries: true}
	a.UniqueName = s.optStr("", got, "uniqueName")
	a.FriendlyName = s.optStr("", got, "friendlyName")
	switch {
	case strings.TrimSpace(a.UniqueName) == "" && strings.TrimSpace(a.FriendlyName) == "":
		s.Errorf("uniqueName", "missing (a schema needs a uniqueName or a friendlyName)")
	case strings.TrimSpace(a.UniqueName) == "":
		a.UniqueName = strings.Join(strings.Fields(a.FriendlyName), "-")
		s.warnf("uniqueName", "missing; using %q, made from friendlyName", a.UniqueName)
	case a.FriendlyName == "":
		a.FriendlyName = a.UniqueName
	}
	if err := CheckUniqueName(a.UniqueName); err != nil {
		s.Errorf("uniqueName", "%v", err)
	}
	if err := CheckText(a.FriendlyName, MaxFriendlyName); err != nil {
		s.Errorf("friendlyName", "%v", err)
	}
	if v, ok := got["logQueries"]; ok {
		if jsonwalk.Kind(v) == "boolean" {
			a.LogQueries = bytes.HasPrefix(bytes.TrimSpace(v), []byte("true"))
		} else {
			s.WrongType("logQueries", "a boolean", v)
		}
	}
	if v, ok := got["nluThreshold"]; ok {
		var th float64
		if jsonwalk.Kind(v) != "number" || json.Unmarshal(v, &th) != nil || th <= 0 || th > 1 {
			s.Errorf("nluThreshold", "must be a number above 0 and at most 1 (a probability)")
		} else {
			a.NLUThreshold = th
		}
	}
	if v, ok := got["modelBuild"]; ok && jsonwalk.Kind(v) != "null" {
		if bms, ok := s.Members("modelBuild", v, `an object {"uniqueName": ...}`); ok {
			bgot := s.fields("modelBuild", bms, []string{"uniqueName"}, nil)
			a.ModelBuild = s.optStr("modelBuild", bgot, "uniqueName")
			if err := CheckUniqueName(a.ModelBuild); err != nil {
				s.Errorf("modelBuild.uniqueName", "%v", err)
			}
		}
	}

	var defaults *actions.Defaults
	if v, ok := got["defaults"]; ok {
		a.Defaults, defaults = s.defaults(v)
	}
	if v, ok := got["styleSheet"]; ok {
		a.StyleSheet = s.styleSheet(v)
	}
	if v, ok := got["fieldTypes"]; ok {
		a.FieldTypes = s.fieldTypes(v)
	}
	if v, ok := got["tasks"]; ok {
		a.Tasks = s.tasks(v, a)
	}
	s.crossChecks(a, defaults)
	return a
}

// emptyObject reports whether raw is {} (or null).
func emptyObject(raw json.RawMessage) bool {
	c := jsonwalk.Compact(raw)
	return string(c) == "{}" || string(c) == "null"
}

func (s *schemaParser) defaults(raw json.RawMessage) (json.RawMessage, *actions.Defaults) {
	if emptyObject(raw) {
		return nil, nil
	}
	if jsonwalk.Kind(raw) != "object" {
		s.WrongType("defaults", `an object {"defaults": {...}}`, raw)
		return nil, nil
	}
	d, err := actions.ParseDefaults(raw)
	if err != nil {
		s.addErr("defaults", err)
		return nil, nil
	}
	for _, u := range d.Unknown {
		s.warnf("defaults."+u, "unknown key: Autopilot's defaults are assistant_initiation, fallback and collect.validate_on_failure")
	}
	out, _ := mapURLs(raw, defaultsURLPaths, s.opts.MapURL)
	if len(s.opts.MapURL) > 0 {
		d, _ = actions.ParseDefaults(out)
	}
	return out, d
}

func (s *schemaParser) styleSheet(raw json.RawMessage) json.RawMessage {
	if emptyObject(raw) {
		return nil
	}
	if jsonwalk.Kind(raw) != "object" {
		s.WrongType("styleSheet", `an object {"style_sheet": {...}}`, raw)
		return nil
	}
	if _, err := actions.ParseStyleSheet(raw); err != nil {
		s.addErr("styleSheet", err)
		return nil
	}
	out, _ := mapURLs(raw, styleSheetURLPaths, s.opts.MapURL)
	return out
}

// addErr adds the errors of a nested document under prefix.
func (s *schemaParser) addErr(prefix string, err error) {
	switch err := err.(type) {
	case actions.Errors:
		s.Errs = append(s.Errs, err.Prefix(prefix)...)
	default:
		s.Errorf(prefix, "%v", err)
	}
}

func (s *schemaParser) fieldTypes(raw json.RawMessage) []FieldType {
	es, ok := s.Elems("fieldTypes", raw, "an array")
	if !ok {
		return nil
	}
	var fts []FieldType
	seen := map[string]int{}
	for i, e := range es {
		path := fmt.Sprintf("fieldTypes[%d]", i)
		ms, ok := s.Members(path, e, "an object")
		if !ok {
			continue
		}
		got := s.fields(path, ms, []string{"uniqueName", "values"}, nil)
		name, ok := s.reqStr(path, got, "uniqueName")
		if !ok {
			continue
		}
		if j, dup := seen[strings.ToLower(name)]; dup {
			s.Errorf(path+".uniqueName", "duplicate field type %q (also fieldTypes[%d])", name, j)
			continue
		}
		seen[strings.ToLower(name)] = i
		if b := builtin(name); b != "" {
			s.Errorf(path+".uniqueName", "%q is a built-in field type; a custom type needs another name", name)
			continue
		}
		if err := CheckUniqueName(name); err != nil {
			s.Errorf(path+".uniqueName", "%v", err)
			continue
		}
		ft := FieldType{UniqueName: name, FriendlyName: name}
		if v, ok := got["values"]; ok && jsonwalk.Kind(v) != "null" {
			ft.Values = s.fieldValues(path+".values", v, name)
		}
		fts = append(fts, ft)
	}
	return fts
}

func (s *schemaParser) fieldValues(path string, raw json.RawMessage, typeName string) []FieldValue {
	es, ok := s.Elems(path, raw, "an array")
	if !ok {
		return nil
	}
	type entry struct {
		FieldValue
		path string
	}
	var canon, syn []entry
	byValue := map[string]entry{} // lower-case value → first entry
	for i, e := range es {
		vpath := fmt.Sprintf("%s[%d]", path, i)
		ms, ok := s.Members(vpath, e, "an object")
		if !ok {
			continue
		}
		got := s.fields(vpath, ms, []string{"language", "value", "synonymOf"}, nil)
		val, ok := s.reqStr(vpath, got, "value")
		if !ok {
			continue
		}
		fv := FieldValue{Value: val, Language: s.optStr(vpath, got, "language"), SynonymOf: s.optStr(vpath, got, "synonymOf")}
		if err := CheckText(val, MaxFieldValue); err != nil {
			s.Errorf(vpath+".value", "%v", err)
			continue
		}
		if err := CheckText(fv.Language, MaxLanguage); err != nil {
			s.Errorf(vpath+".language", "%v", err)
			continue
		}
		if fv.Language == "" {
			fv.Language = defaultLanguage
		}
		if first, dup := byValue[strings.ToLower(val)]; dup {
			s.warnf(vpath, "duplicate value %q of %q (values are case-insensitive; also %s); dropped", val, typeName, first.path)
			continue
		}
		en := entry{fv, vpath}
		byValue[strings.ToLower(val)] = en
		if fv.SynonymOf == "" {
			canon = append(canon, en)
		} else {
			syn = append(syn, en)
		}
	}
	canonical := map[string]string{} // lower-case → spelling
	for _, c := range canon {
		canonical[strings.ToLower(c.Value)] = c.Value
	}
	var out []FieldValue
	for _, c := range canon {
		out = append(out, c.FieldValue)
	}
	for _, sy := range syn {
		spelling, ok := canonical[strings.ToLower(sy.SynonymOf)]
		if !ok {
			if _, isValue := byValue[strings.ToLower(sy.SynonymOf)]; isValue {
				s.Errorf(sy.path+".synonymOf", "%q is itself a synonym; name a canonical value of %q", sy.SynonymOf, typeName)
			} else {
				s.Errorf(sy.path+".synonymOf", "%q is not a value of %q%s", sy.SynonymOf, typeName, jsonwalk.DidYouMean(sy.SynonymOf, keys(canonical)))
			}
			continue
		}
		sy.SynonymOf = spelling
		out = append(out, sy.FieldValue)
	}
	return out
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// builtin returns the canonical spelling of a built-in type name, or "".
func builtin(name string) string {
	for _, b := range BuiltinFieldTypes {
		if strings.EqualFold(b, name) {
			return b
		}
	}
	return ""
}

// resolveType returns the stored spelling of a field type name: a built-in
// or a custom type of a, or "" when there is none.
func resolveType(a *Assistant, name string) string {
	if b := builtin(name); b != "" {
		return b
	}
	if ft := a.FieldType(name); ft != nil {
		return ft.UniqueName
	}
	for _, ft := range a.FieldTypes {
		if strings.EqualFold(ft.UniqueName, name) {
			return ft.UniqueName
		}
	}
	return ""
}

func typeNames(a *Assistant) []string {
	names := append([]string(nil), BuiltinFieldTypes...)
	for _, ft := range a.FieldTypes {
		names = append(names, ft.UniqueName)
	}
	return names
}

func (s *schemaParser) tasks(raw json.RawMessage, a *Assistant) []Task {
	es, ok := s.Elems("tasks", raw, "an array")
	if !ok {
		return nil
	}
	var tasks []Task
	seen := map[string]int{}
	for i, e := range es {
		path := fmt.Sprintf("tasks[%d]", i)
		ms, ok := s.Members(path, e, "an object")
		if !ok {
			continue
		}
		got := s.fields(path, ms, []string{"uniqueName", "actions", "actionsUrl", "fields", "samples"}, legacyTaskKeys)
		t := Task{}
		name, ok := s.reqStr(path, got, "uniqueName")
		if ok {
			if j, dup := seen[strings.ToLower(name)]; dup {
				s.Errorf(path+".uniqueName", "duplicate task %q (also tasks[%d]; task names are case-insensitive)", name, j)
			} else {
				seen[strings.ToLower(name)] = i
			}
			if err := CheckUniqueName(name); err != nil {
				s.Errorf(path+".uniqueName", "%v", err)
			}
		}
		t.UniqueName, t.FriendlyName = name, name
		if u := s.optStr(path, got, "actionsUrl"); u != "" {
			t.ActionsURL = apply(s.opts.MapURL, u)
		}
		var doc *actions.Document
		if v, ok := got["actions"]; ok && jsonwalk.Kind(v) != "null" {
			t.Actions, doc = s.taskActions(path+".actions", v)
			if t.ActionsURL != "" && t.Actions != nil {
				s.warnf(path+".actionsUrl", "ignored while the task has actions")
			}
		} else if t.ActionsURL == "" {
			t.Actions = json.RawMessage(`{"actions":[]}`)
			doc = &actions.Document{}
		}
		s.docs = append(s.docs, doc)
		if v, ok := got["fields"]; ok && jsonwalk.Kind(v) != "null" {
			t.Fields = s.taskFields(path+".fields", v, a)
		}
		if v, ok := got["samples"]; ok && jsonwalk.Kind(v) != "null" {
			t.Samples = s.samples(path+".samples", v, t.Fields)
		}
		tasks = append(tasks, t)
	}
	return tasks
}

func (s *schemaParser) taskActions(path string, raw json.RawMessage) (json.RawMessage, *actions.Document) {
	doc, err := actions.Parse(raw)
	if err != nil {
		s.addErr(path, err)
		return nil, nil
	}
	for _, is := range actions.Lint(doc) {
		s.warnf(jsonwalk.JoinPath(path, is.Path), "%s", is.Msg)
	}
	out, _ := mapURLs(raw, actionsURLPaths, s.opts.MapURL)
	return out, doc
}

func (s *schemaParser) taskFields(path string, raw json.RawMessage, a *Assistant) []Field {
	es, ok := s.Elems(path, raw, "an array")
	if !ok {
		return nil
	}
	var fields []Field
	seen := map[string]int{}
	for i, e := range es {
		fpath := fmt.Sprintf("%s[%d]", path, i)
		ms, ok := s.Members(fpath, e, "an object")
		if !ok {
			continue
		}
		got := s.fields(fpath, ms, []string{"uniqueName", "fieldType"}, legacyFieldKeys)
		name, ok1 := s.reqStr(fpath, got, "uniqueName")
		typ, ok2 := s.reqStr(fpath, got, "fieldType")
		if !ok1 || !ok2 {
			continue
		}
		if j, dup := seen[name]; dup {
			s.Errorf(fpath+".uniqueName", "duplicate field %q (also fields[%d])", name, j)
			continue
		}
		if err := CheckUniqueName(name); err != nil {
			s.Errorf(fpath+".uniqueName", "%v", err)
			continue
		}
		seen[name] = i
		resolved := resolveType(a, typ)
		if resolved == "" {
			s.Errorf(fpath+".fieldType", "unknown field type %q: not a built-in Twilio.* type nor in fieldTypes%s", typ, jsonwalk.DidYouMean(typ, typeNames(a)))
			continue
		}
		fields = append(fields, Field{UniqueName: name, FieldType: resolved})
	}
	return fields
}

func (s *schemaParser) samples(path string, raw json.RawMessage, fields []Field) []Sample {
	es, ok := s.Elems(path, raw, "an array")
	if !ok {
		return nil
	}
	var samples []Sample
	seen := map[string]int{}
	for i, e := range es {
		spath := fmt.Sprintf("%s[%d]", path, i)
		ms, ok := s.Members(spath, e, "an object")
		if !ok {
			continue
		}
		got := s.fields(spath, ms, []string{"language", "taggedText"}, nil)
		text, ok := s.reqStr(spath, got, "taggedText")
		if !ok {
			continue
		}
		lang := s.optStr(spath, got, "language")
		if lang == "" {
			lang = defaultLanguage
		}
		if err := CheckText(text, MaxSampleText); err != nil {
			s.Errorf(spath+".taggedText", "%v", err)
			continue
		}
		if err := CheckText(lang, MaxLanguage); err != nil {
			s.Errorf(spath+".language", "%v", err)
			continue
		}
		bad := false
		for _, tag := range Tags(text) {
			if !hasField(fields, tag) {
				names := make([]string, len(fields))
				for i, f := range fields {
					names[i] = f.UniqueName
				}
				s.Errorf(spath+".taggedText", "tag {%s} names no field of the task%s", tag, jsonwalk.DidYouMean(tag, names))
				bad = true
			}
		}
		if bad {
			continue
		}
		key := lang + "\x00" + text
		if j, dup := seen[key]; dup {
			s.warnf(spath, "duplicate sample %q (also samples[%d]); dropped", text, j)
			continue
		}
		seen[key] = i
		samples = append(samples, Sample{Language: lang, TaggedText: text})
	}
	return samples
}

func hasField(fields []Field, name string) bool {
	for _, f := range fields {
		if f.UniqueName == name {
			return true
		}
	}
	return false
}

// crossChecks runs the checks that need every task: task references,
// collect question types, and samples shared between tasks.
func (s *schemaParser) crossChecks(a *Assistant, d *actions.Defaults) {
	for _, p := range DefaultsProblems(a, d) {
		s.warnf("defaults."+p.Path, "%s", p.Msg)
	}
	for i, doc := range s.docs {
		if doc == nil || i >= len(a.Tasks) {
			continue
		}
		s.checkDoc(a, fmt.Sprintf("tasks[%d].actions", i), doc)
	}

	// The same sample in two tasks confuses the classifier.
	owner := map[string]int{}
	for i, t := range a.Tasks {
		for j, sm := range t.Samples {
			key := strings.ToLower(strings.Join(strings.Fields(sm.TaggedText), " "))
			if k, ok := owner[key]; ok && k != i {
				s.warnf(fmt.Sprintf("tasks[%d].samples[%d]", i, j), "sample %q is also a sample of task %q", sm.TaggedText, a.Tasks[k].UniqueName)
				continue
			}
			owner[key] = i
		}
	}
}

// A Problem is something wrong at a JSON path of a document.
type Problem struct{ Path, Msg string }

// DefaultsProblems returns what is wrong with the targets of defaults d for
// assistant a: a task:// target naming no task of a, or a target that is no
// URL (a placeholder such as "YOUR_URL"), each at its path
// ("defaults.fallback"). Import warns of them; the REST API refuses them.
func DefaultsProblems(a *Assistant, d *actions.Defaults) []Problem {
	if d == nil {
		return nil
	}
	var out []Problem
	for _, t := range []struct{ key, target string }{
		{"assistant_initiation", d.AssistantInitiation},
		{"fallback", d.Fallback},
		{"collect.validate_on_failure", d.ValidateOnFailure},
	} {
		if t.target == "" {
			continue
		}
		path := "defaults." + t.key
		r := &actions.Redirect{URI: t.target}
		if name, ok := r.Task(); ok {
			if a.Task(name) == nil {
				out = append(out, Problem{path, fmt.Sprintf("task %q does not exist", name)})
			}
			continue
		}
		doc := &actions.Document{Actions: []actions.Action{r}}
		for _, is := range actions.Lint(doc) {
			out = append(out, Problem{path, is.Msg})
		}
	}
	return out
}

// checkDoc checks the task:// targets and question types of one task.
func (s *schemaParser) checkDoc(a *Assistant, path string, doc *actions.Document) {
	task := func(p string, r *actions.Redirect) {
		if r == nil {
			return
		}
		if name, ok := r.Task(); ok && name != "" && a.Task(name) == nil {
			if r.Method != "" {
				p += ".uri"
			}
			s.warnf(p, "task %q does not exist", name)
		}
	}
	for i, act := range doc.Actions {
		ap := fmt.Sprintf("%s.actions[%d]", path, i)
		switch act := act.(type) {
		case *actions.Redirect:
			task(ap+".redirect", act)
		case *actions.Listen:
			for j, name := range act.Tasks {
				if a.Task(name) == nil {
					s.warnf(fmt.Sprintf("%s.listen.tasks[%d]", ap, j), "task %q does not exist", name)
				}
			}
			if act.VoiceDigits != nil {
				for _, k := range sortedKeys(act.VoiceDigits.Redirects) {
					task(ap+".listen.voice_digits.redirects."+k, &actions.Redirect{URI: act.VoiceDigits.Redirects[k]})
				}
			}
		case *actions.Collect:
			for j, q := range act.Questions {
				qp := fmt.Sprintf("%s.collect.questions[%d]", ap, j)
				if q.Type != "" && resolveType(a, q.Type) == "" {
					s.Errorf(qp+".type", "unknown field type %q: not a built-in Twilio.* type nor in fieldTypes%s", q.Type, jsonwalk.DidYouMean(q.Type, typeNames(a)))
				}
				if q.Validate != nil && q.Validate.MaxAttempts != nil {
					task(qp+".validate.max_attempts.redirect", q.Validate.MaxAttempts.Redirect)
				}
			}
			task(ap+".collect.on_complete.redirect", act.OnComplete)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ActionsProblems returns what import says of the actions doc of a task of
// a, beyond what actions.Parse and actions.Lint check alone: task://
// targets that name no task of a (warnings), and question types that are
// neither built in nor a field type of a (errors: the collect fails). Paths
// start at "actions[…]".
func ActionsProblems(a *Assistant, doc *actions.Document) []Problem {
	if doc == nil {
		return nil
	}
	var s schemaParser
	s.checkDoc(a, "", doc)
	var out []Problem
	for _, e := range s.Errs {
		out = append(out, Problem{Path: strings.TrimPrefix(e.Path, "."), Msg: e.Msg})
	}
	for _, w := range s.warns {
		out = append(out, Problem{Path: strings.TrimPrefix(w.Path, "."), Msg: w.Msg})
	}
	return out
}

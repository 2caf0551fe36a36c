package dialoguetest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/builds"
	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/sqlite"
	"github.com/parleyhq/parley/internal/webhook"
)

// Clock is the fixed time every conversation runs at: Monday 5 January 2026,
// 10:00 UTC.
var Clock = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)

// Options configure a run.
type Options struct {
	// Update rewrites the bot's lines and memory.json with what the bot did.
	Update bool
	Logger *slog.Logger
}

// A Result is the outcome of one conversation file.
type Result struct {
	Name string
	// Diff is the difference between the expected and the actual transcript
	// and memory, (-want +got); empty when they agree.
	Diff string
	// Problems are failures outside the transcript: webhook stubs called
	// without a valid signature, or with parameters they did not expect.
	Problems []string
	// Updated is the file rewritten with the actual transcript, when
	// Options.Update is set and something differed.
	Updated []byte
	// Warnings are the import warnings of the assistant.
	Warnings []string
}

// Passed reports whether the conversation went as written.
func (r *Result) Passed() bool { return r.Diff == "" && len(r.Problems) == 0 }

// RunFile runs the conversation file at path. With Options.Update, a file
// whose transcript differs is rewritten in place.
func RunFile(ctx context.Context, path string, opts Options) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	res, err := Run(ctx, filepath.Base(path), filepath.Dir(path), data, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if opts.Update && res.Updated != nil {
		if err := os.WriteFile(path, res.Updated, 0o644); err != nil {
			return nil, err
		}
	}
	return res, nil
}

type options struct {
	schema  string
	mapURL  []string
	timeout time.Duration
	maxMem  int
	channel string
	user    string
	trace   bool
}

func parseOptions(data []byte) (options, error) {
	o := options{timeout: 2 * time.Second, channel: "test", user: "user"}
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "schema":
			o.schema = val
		case "map-url":
			o.mapURL = append(o.mapURL, val)
		case "timeout":
			o.timeout, err = time.ParseDuration(val)
		case "max-memory":
			o.maxMem, err = strconv.Atoi(val)
		case "channel":
			o.channel = val
		case "user":
			o.user = val
		case "trace":
			o.trace = true
		default:
			err = fmt.Errorf("unknown option %q", key)
		}
		if err != nil {
			return o, fmt.Errorf("options:%d: %v", n+1, err)
		}
	}
	return o, nil
}

// Run runs one conversation file's contents; dir resolves relative paths in
// its options.
func Run(ctx context.Context, name, dir string, data []byte, opts Options) (*Result, error) {
	ar := txtar.Parse(data)
	files := map[string][]byte{}
	var hookFiles []txtar.File
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "hook ") {
			hookFiles = append(hookFiles, f)
			continue
		}
		files[f.Name] = f.Data
	}
	o, err := parseOptions(files["options"])
	if err != nil {
		return nil, err
	}
	conv, ok := files["conversation"]
	if !ok {
		return nil, fmt.Errorf("no conversation section")
	}
	schema := files["assistant.json"]
	if o.schema != "" {
		if schema, err = os.ReadFile(filepath.Join(dir, o.schema)); err != nil {
			return nil, err
		}
	}
	if schema == nil {
		return nil, fmt.Errorf("no assistant.json section and no schema option")
	}

	account := store.Account{SID: "AC" + strings.Repeat("0", 31) + "1", AuthToken: "test-auth-token"}
	hooks, err := newHookServer(hookFiles, account.AuthToken)
	if err != nil {
		return nil, err
	}
	defer hooks.Close()

	mapping := []assistant.URLMap{{From: "https://hooks.test", To: hooks.URL}}
	for _, m := range o.mapURL {
		um, err := assistant.ParseURLMap(strings.ReplaceAll(m, "{{hooks}}", hooks.URL))
		if err != nil {
			return nil, fmt.Errorf("options: map-url: %v", err)
		}
		mapping = append(mapping, um)
	}
	a, warnings, err := assistant.ParseSchema(schema, assistant.ImportOptions{MapURL: mapping})
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	res := &Result{Name: name}
	for _, w := range warnings {
		res.Warnings = append(res.Warnings, w.String())
	}

	tmp, err := os.MkdirTemp("", "parley-conversation-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	db, err := sqlite.Open(ctx, filepath.Join(tmp, "parley.db"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.CreateAccount(ctx, account); err != nil {
		return nil, err
	}
	a.AccountSID = account.SID
	stored, err := db.ImportAssistant(ctx, a)
	if err != nil {
		return nil, err
	}
	// As parley import does: the engine then routes with the stored build.
	if _, err := builds.Build(ctx, db, account.SID, stored.SID, a.ModelBuild); err != nil {
		return nil, err
	}
	client, err := webhook.New(webhook.Options{Timeout: o.timeout})
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	eng := dialogue.New(db, client, dialogue.Options{
		Logger:    logger,
		Now:       func() time.Time { return Clock },
		MaxMemory: o.maxMem,
		PublicURL: "https://parley.test",
	})

	memoryKey := o.channel
	if !isNativeChannel(o.channel) {
		memoryKey = "custom." + o.channel
	}
	var got []string
	var memory json.RawMessage
	clean := func(s string) string { return strings.ReplaceAll(s, hooks.URL, "https://hooks.test") }
	want := transcript(conv)
	for _, line := range want {
		if !strings.HasPrefix(line, ">") {
			if strings.HasPrefix(line, "#") {
				got = append(got, line)
			}
			continue
		}
		got = append(got, line)
		turn := dialogue.Turn{
			AccountSID: account.SID, AuthToken: account.AuthToken, Assistant: stored.SID,
			Channel: o.channel, MemoryKey: memoryKey, UserID: o.user, Language: "en-US",
		}
		if d, ok := strings.CutPrefix(line, ">>"); ok {
			turn.Digits = strings.TrimSpace(d)
		} else {
			turn.Text = strings.TrimSpace(strings.TrimPrefix(line, ">"))
		}
		reply, err := eng.Handle(ctx, turn)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", line, err)
		}
		for _, l := range Render(reply, o.trace) {
			// Trailing blanks are not kept in the file, so not compared.
			got = append(got, strings.TrimRight(clean(l), " \t\r"))
		}
		memory = reply.Memory
	}
	res.Problems = hooks.Problems()

	var diff strings.Builder
	if d := lineDiff(want, got); d != "" {
		fmt.Fprintf(&diff, "conversation (-want +got):\n%s", d)
	}
	wantMem, hasMem := files["memory.json"]
	var gotMem []byte
	if hasMem {
		gotMem, err = indentJSON(memory)
		if err != nil {
			return nil, err
		}
		// Both as values, written again with sorted keys, compared line by
		// line: the same JSON however it is spaced or ordered.
		w, werr := canonicalJSON(wantMem)
		g, gerr := canonicalJSON(gotMem)
		if err := cmp.Or(werr, gerr); err != nil {
			fmt.Fprintf(&diff, "memory.json: %v\n", err)
		} else if d := lineDiff(w, g); d != "" {
			fmt.Fprintf(&diff, "memory.json (-want +got):\n%s", d)
		}
	}
	res.Diff = diff.String()
	if opts.Update && res.Diff != "" {
		for i := range ar.Files {
			switch ar.Files[i].Name {
			case "conversation":
				ar.Files[i].Data = []byte(strings.Join(got, "\n") + "\n")
			case "memory.json":
				ar.Files[i].Data = gotMem
			}
		}
		res.Updated = txtar.Format(ar)
	}
	return res, nil
}

// transcript returns the non-blank lines of a conversation section.
func transcript(conv []byte) []string {
	var out []string
	for _, line := range strings.Split(string(conv), "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

var nativeChannels = map[string]bool{"sms": true, "whatsapp": true, "voice": true, "chat": true, "slack": true}

func isNativeChannel(c string) bool { return nativeChannels[c] }

// Render writes a reply as transcript lines.
func Render(r *dialogue.Reply, trace bool) []string {
	var out []string
	if trace {
		for _, uri := range r.Redirects {
			out = append(out, "~ "+uri)
		}
	}
	for _, s := range r.Says {
		out = append(out, "< "+oneLine(s.Text))
	}
	for _, s := range r.Shows {
		l := "< [show] " + oneLine(s.Body)
		for _, img := range s.Images {
			l += " [image " + img.URL + "]"
		}
		out = append(out, l)
	}
	for _, p := range r.Plays {
		out = append(out, "< [play] "+p.URL)
	}
	if r.Handoff != nil {
		out = append(out, "< [handoff] "+r.Handoff.URI)
	}
	for _, f := range r.Faults {
		out = append(out, "! "+oneLine(f.Message))
	}
	switch {
	case r.Ended:
		out = append(out, "= ended")
	case r.Question != "":
		out = append(out, "= question "+r.Question)
	default:
		out = append(out, "= listening")
	}
	return out
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// canonicalJSON returns the lines of data's value written as indented JSON
// with sorted keys.
func canonicalJSON(data []byte) ([]string, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return strings.Split(string(b), "\n"), nil
}

func indentJSON(data []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

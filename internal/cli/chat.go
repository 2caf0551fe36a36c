package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/parleyhq/parley/internal/dialogue"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/webhook"
)

func runChat(e *env, args []string) error {
	fs := newFlags(e, "chat", "ASSISTANT|FILE")
	dir := fs.String("data", e.dataDir(), "data directory of the embedded store (not used with a schema FILE)")
	dsn := dbFlag(e, fs)
	trace := fs.Bool("trace", false, "show the redirects and Memory after each turn")
	user := fs.String("user", "terminal", "user identifier of this conversation")
	channel := fs.String("channel", "cli", "custom channel name (Memory key twilio[\"custom.NAME\"])")
	timeout := fs.Duration("webhook-timeout", webhook.DefaultTimeout, "timeout of each webhook request")
	logLevel := fs.String("log-level", "warn", "log level (debug, info, warn, error)")
	var maps multiFlag
	fs.Var(&maps, "map-url", "with a schema FILE: rewrite URLs starting with FROM to start with TO (FROM=TO; repeatable)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: name one assistant (SID or unique name) or schema file", errUsage)
	}
	target := pos[0]
	dataDir := *dir
	if st, err := os.Stat(target); err == nil && !st.IsDir() {
		// A schema file: talk to it from a throwaway store.
		tmp, err := os.MkdirTemp("", "parley-chat-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	throwaway := dataDir != *dir
	var db store.Store
	var acct store.Account
	if throwaway {
		db, err = openStore(e, location{dir: dataDir})
		if err == nil {
			acct, err = accountFor(e, db, true)
		}
	} else {
		// A name: the store must exist and have it, before any prompt.
		loc := location{dir: dataDir, dsn: *dsn}
		db, acct, err = openExisting(e, loc)
		if err == nil {
			if _, err = db.AssistantRef(e.ctx, acct.SID, target); errors.Is(err, store.ErrNotFound) {
				err = fmt.Errorf("no assistant %q in %s (name one by SID or unique name, or a schema file)", target, loc)
			}
		}
	}
	if db != nil {
		defer db.Close()
	}
	if err != nil {
		return err
	}
	if throwaway {
		opts, err := importOptions(maps)
		if err != nil {
			return err
		}
		imported, err := importFiles(e, db, acct, []string{target}, opts, false)
		if err != nil {
			return err
		}
		target = imported[0].SID
	}
	client, err := webhook.New(webhook.Options{Timeout: *timeout})
	if err != nil {
		return err
	}
	log, err := e.newLogger(*logLevel, "text")
	if err != nil {
		return err
	}
	eng := dialogue.New(db, client, dialogue.Options{Logger: log, QueryLog: db})
	defer eng.Close()

	interactive := false
	if f, ok := e.stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			interactive = true
		}
	}
	if interactive {
		fmt.Fprintln(e.stdout, "Type a message; an empty line or Ctrl-D ends the chat.")
	}
	in := bufio.NewScanner(e.stdin)
	for {
		if interactive {
			fmt.Fprint(e.stdout, "you> ")
		}
		if !in.Scan() {
			break
		}
		text := strings.TrimSpace(in.Text())
		if text == "" && interactive {
			break
		}
		reply, err := eng.Handle(e.ctx, dialogue.Turn{
			AccountSID: acct.SID, AuthToken: acct.AuthToken, Assistant: target,
			Channel: *channel, MemoryKey: "custom." + *channel, ChannelData: map[string]any{},
			UserID: *user, Text: text, Language: "en-US",
		})
		if errors.Is(err, dialogue.ErrAssistantNotFound) {
			return fmt.Errorf("no assistant %q in %s", target, dataDir)
		}
		if err != nil {
			return err
		}
		printReply(e, reply, *trace)
	}
	return in.Err()
}

func printReply(e *env, r *dialogue.Reply, trace bool) {
	w := e.stdout
	if trace {
		for _, uri := range r.Redirects {
			fmt.Fprintf(w, "  ~ redirect %s\n", uri)
		}
	}
	for _, s := range r.Says {
		fmt.Fprintf(w, "bot> %s\n", s.Text)
	}
	for _, s := range r.Shows {
		fmt.Fprintf(w, "bot> [show] %s", s.Body)
		for _, img := range s.Images {
			fmt.Fprintf(w, " [image %s]", img.URL)
		}
		fmt.Fprintln(w)
	}
	for _, p := range r.Plays {
		fmt.Fprintf(w, "bot> [play] %s\n", p.URL)
	}
	if r.Handoff != nil {
		fmt.Fprintf(w, "bot> [handoff to %s]\n", r.Handoff.URI)
	}
	for _, f := range r.Faults {
		fmt.Fprintf(w, "  ! error %d: %s\n", f.Code, f.Message)
	}
	if trace {
		fmt.Fprintf(w, "  task: %s  memory: %s\n", r.CurrentTask, r.Memory)
	}
	switch {
	case r.Ended:
		fmt.Fprintln(w, "  (the dialogue ended; your next message starts a new one)")
	case r.Question != "":
		if trace {
			fmt.Fprintf(w, "  (collecting %s)\n", r.Question)
		}
	}
}

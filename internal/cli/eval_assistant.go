package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/actions"
	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/nlu/nlueval"
	"github.com/parleyhq/parley/internal/store"
)

// The flags of `parley eval` that apply to one kind of argument only.
var (
	datasetFlags   = []string{"threshold", "fold", "oos-train", "min-oos-recall", "shots", "seeds", "encoder"}
	assistantFlags = []string{"folds", "data", "db"}
)

// evalAssistantFlags are the flags of `parley eval ASSISTANT`.
type evalAssistantFlags struct {
	folds *int
	data  *string
	db    *string
}

func addEvalAssistantFlags(e *env, fs *flag.FlagSet) evalAssistantFlags {
	return evalAssistantFlags{
		folds: fs.Int("folds", nlueval.DefaultFolds, "with an assistant: cross-validate on this many `folds` of its samples (at least 2)"),
		data:  fs.String("data", e.dataDir(), "with an assistant named by SID or unique name: data directory of the embedded store"),
		db:    fs.String("db", e.getenv("PARLEY_DB"), "with an assistant named by SID or unique name: its PostgreSQL database instead of the embedded store (default $PARLEY_DB)"),
	}
}

// isDataset reports whether the argument of eval is a dataset file rather
// than an assistant.
func isDataset(arg string) bool { return strings.HasSuffix(strings.ToLower(arg), ".jsonl") }

// onlyFor fails when a flag of names was set: they do not apply to what
// (a dataset or an assistant).
func onlyFor(fs *flag.FlagSet, names []string, what, instead string) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		for _, n := range names {
			if f.Name == n && err == nil {
				err = fmt.Errorf("%w: --%s applies to %s, not to %s", errUsage, n, instead, what)
			}
		}
	})
	return err
}

// runEvalAssistant is `parley eval [--json] [--folds K] ASSISTANT`: the
// report of nlueval.EvaluateAssistant on a schema file (*.json) or on an
// assistant of the store, named by SID or unique name.
func runEvalAssistant(e *env, fs *flag.FlagSet, f evalAssistantFlags, name string, asJSON bool) error {
	if err := onlyFor(fs, datasetFlags, "an assistant", "a dataset (FILE.jsonl)"); err != nil {
		return err
	}
	if *f.folds < 2 {
		return fmt.Errorf("%w: --folds %d: want at least 2", errUsage, *f.folds)
	}
	a, err := loadAssistant(e, name, location{dir: *f.data, dsn: *f.db})
	if err != nil {
		return err
	}
	bar := newTrainingBar(e.stderr)
	r, err := nlueval.EvaluateAssistant(a, nlueval.AssistantOptions{Folds: *f.folds, Progress: bar.progress})
	bar.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	return writeAssistantReport(e.stdout, r)
}

// loadAssistant reads the assistant name: a schema file when it ends in
// .json, else the assistant of that SID or unique name in the store in dir.
func loadAssistant(e *env, name string, loc location) (*assistant.Assistant, error) {
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		a, _, err := assistant.ParseSchema(data, assistant.ImportOptions{})
		if es, ok := errors.AsType[actions.Errors](err); ok {
			for _, x := range es {
				fmt.Fprintf(e.stderr, "%s: error: %v\n", name, x)
			}
			return nil, errSilent
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return a, nil
	}
	db, acct, err := openExisting(e, loc)
	if err != nil {
		return nil, fmt.Errorf("no assistant %q: %w (or name a schema file ending in .json)", name, err)
	}
	defer db.Close()
	a, err := db.Assistant(e.ctx, acct.SID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no assistant %q in %s (name one by SID or unique name, or a schema file ending in .json)", name, loc)
	}
	if err != nil {
		return nil, fmt.Errorf("assistant %s: %w", name, err)
	}
	return a, nil
}

// How many of each list the human report shows; --json has them all.
const (
	shownConfusions = 10
	shownMisrouted  = 20
	shownOffTopic   = 5
)

// writeAssistantReport prints r for a bot author to read: the overall
// numbers, then what to work on.
func writeAssistantReport(w io.Writer, r *nlueval.AssistantReport) error {
	pct := func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + "%" }
	conf := func(c float64) string { return strconv.FormatFloat(c, 'f', 2, 64) }
	to := func(task string) string {
		if task == "" {
			return "(fallback)"
		}
		return task
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "recall\t%s of %d held-out samples reach their task (%d to another task, %d to the fallback); macro %s\n",
		pct(r.Recall), r.Samples, r.ToOtherTask, r.ToFallback, pct(r.MacroRecall))
	fmt.Fprintf(tw, "off-topic\t%s of %d everyday requests reach the fallback\n", pct(r.OffTopic.Rejection), r.OffTopic.Requests)
	fmt.Fprintf(tw, "assistant\t%s: %d tasks with samples, %d-fold cross-validation, threshold %s\n", r.Assistant, len(r.Tasks), r.Folds, conf(r.Threshold))
	if err := tw.Flush(); err != nil {
		return err
	}

	// Names to the left, numbers to the right.
	width := len("task")
	for _, t := range r.Tasks {
		width = max(width, utf8.RuneCountInString(t.Task))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-*s  samples  recall  other task  fallback\n", width, "task")
	for _, t := range r.Tasks {
		fmt.Fprintf(w, "%-*s  %7d  %6s  %10d  %8d\n", width, t.Task, t.Samples, pct(t.Recall), t.ToOtherTask, t.ToFallback)
	}

	if len(r.Confusions) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "confused: samples of a task that went to another")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range r.Confusions[:min(len(r.Confusions), shownConfusions)] {
			fmt.Fprintf(tw, "  %s\t→ %s\t%d\n", c.Task, c.To, c.Count)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		more(w, len(r.Confusions)-shownConfusions, "pairs")
	}

	if len(r.Misrouted) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "misrouted samples")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  task\tsample\twent to\tconfidence")
		for _, m := range r.Misrouted[:min(len(r.Misrouted), shownMisrouted)] {
			c := "-"
			if !m.Fallback {
				c = conf(m.Confidence)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", m.Task, m.Sample, to(m.To), c)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		more(w, len(r.Misrouted)-shownMisrouted, "samples")
	}

	if n := len(r.OffTopic.NotRejected); n > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "off-topic requests that reached a task (%d of %d)\n", n, r.OffTopic.Requests)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, m := range r.OffTopic.NotRejected[:min(n, shownOffTopic)] {
			fmt.Fprintf(tw, "  %s\t→ %s\t%s\n", m.Text, m.Task, conf(m.Confidence))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		more(w, n-shownOffTopic, "requests")
	}

	if len(r.TasksWithoutSamples) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "without samples, not reached by understanding (redirects may reach them): %s\n", strings.Join(r.TasksWithoutSamples, ", "))
	}
	return nil
}

// more says how many items of a list the human report left out.
func more(w io.Writer, n int, what string) {
	if n > 0 {
		fmt.Fprintf(w, "  … and %d more %s (--json lists them all)\n", n, what)
	}
}

package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/parleyhq/parley/internal/nlu"
	"github.com/parleyhq/parley/internal/nlu/nlueval"
)

func runEval(e *env, args []string) error {
	fs := newFlags(e, "eval", "FILE.jsonl | ASSISTANT")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	af := addEvalAssistantFlags(e, fs)
	var threshold *float64
	fs.Func("threshold", "fix the out-of-scope probability `threshold` (0..1) instead of choosing it on split=val", func(s string) error {
		t, err := strconv.ParseFloat(s, 64)
		if err != nil || t < 0 || t > 1 {
			return errors.New("want a number from 0 to 1")
		}
		threshold = &t
		return nil
	})
	minRecall := fs.Float64("min-oos-recall", 0.5, "choose on split=val the lowest threshold whose oos `recall` reaches this (0..1); 0 maximises in-scope accuracy + oos recall instead")
	fold := fs.Int("fold", 0, "test on this `fold` and train on the others, whatever the split (HWU64)")
	oosTrain := fs.String("oos-train", "label", "what to do with out-of-scope training items: label (train them as \"oos\") or exclude")
	shots := fs.Int("shots", 0, "few-shot: train on `K` items of each intent drawn from split=train (0: all)")
	seeds := fs.Int("seeds", 0, "with --shots, repeat with the seeds 0..`N`-1 and report the mean and spread (default 3)")
	encoder := fs.String("encoder", "", "train with the sentence encoder in this `file` (made by genencoder, e.g. without the dataset evaluated), or none (default: the embedded one)")
	paths, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(paths) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: want one dataset file or assistant, got %d", errUsage, len(paths))
	}
	if !isDataset(paths[0]) {
		return runEvalAssistant(e, fs, af, paths[0], *asJSON)
	}
	if err := onlyFor(fs, assistantFlags, "a dataset", "an assistant"); err != nil {
		return err
	}
	if *oosTrain != "label" && *oosTrain != "exclude" {
		return fmt.Errorf("%w: --oos-train %q: want label or exclude", errUsage, *oosTrain)
	}
	if *minRecall < 0 || *minRecall > 1 {
		return fmt.Errorf("%w: --min-oos-recall %g: want a number from 0 to 1", errUsage, *minRecall)
	}
	if *fold < 0 {
		return fmt.Errorf("%w: --fold %d: want a fold number", errUsage, *fold)
	}
	if *shots < 0 {
		return fmt.Errorf("%w: --shots %d: want a number of items per intent", errUsage, *shots)
	}
	switch {
	case *seeds < 0:
		return fmt.Errorf("%w: --seeds %d: want a number of seeds", errUsage, *seeds)
	case *seeds > 0 && *shots == 0:
		return fmt.Errorf("%w: --seeds needs --shots", errUsage)
	case *seeds == 0:
		*seeds = 3
	}
	path := paths[0]
	var trainOpts nlu.TrainOptions
	encoderName := *encoder
	switch *encoder {
	case "":
		encoderName = "embedded"
	case "none":
		trainOpts.NoEncoder = true
	default:
		b, err := os.ReadFile(*encoder)
		if err != nil {
			return fmt.Errorf("--encoder: %w", err)
		}
		if trainOpts.Encoder, err = nlu.LoadEncoder(b); err != nil {
			return fmt.Errorf("--encoder %s: %w", *encoder, err)
		}
	}

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	items, err := nlueval.ReadJSONL(f)
	f.Close()
	if le, ok := errors.AsType[*nlueval.LineError](err); ok {
		return fmt.Errorf("%s:%d: %w", path, le.Line, le.Err)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}

	opts := nlueval.Options{
		ExcludeOOS:       *oosTrain == "exclude",
		Threshold:        threshold,
		DefaultThreshold: nlueval.DefaultThreshold,
		MinOOSRecall:     *minRecall,
		Fold:             *fold,
		Shots:            *shots,
	}
	opts.TrainOptions = trainOpts
	bar := newTrainingBar(e.stderr)
	opts.TrainOptions.Progress = bar.progress
	if *shots > 0 {
		sr, err := nlueval.EvaluateSeeds(items, opts, *seeds, func(*nlueval.Report) { bar.finish() })
		bar.finish()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		sr.Dataset, sr.Encoder = filepath.Base(path), encoderName
		for _, r := range sr.Runs {
			r.Dataset, r.Encoder = sr.Dataset, encoderName
		}
		if *asJSON {
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			return enc.Encode(sr)
		}
		return writeSeedsReport(e.stdout, sr)
	}
	r, err := nlueval.Evaluate(items, opts)
	bar.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	r.Dataset, r.Encoder = filepath.Base(path), encoderName
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	return writeReport(e.stdout, r)
}

// writeReport prints r for a person to read.
func writeReport(w io.Writer, r *nlueval.Report) error {
	pct := func(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) + "%" }
	fold := ""
	if r.Fold != 0 {
		fold = fmt.Sprintf(" (test fold %d)", r.Fold)
	}
	oosRecall := "n/a (no out-of-scope test items)"
	if r.OOSRecall != nil {
		oosRecall = pct(*r.OOSRecall)
	}
	var oosTraining string
	switch r.OOSTraining {
	case nlueval.OOSTrainedAsLabel:
		oosTraining = `, out-of-scope trained as "oos"`
	case nlueval.OOSExcluded:
		oosTraining = ", out-of-scope training items left out"
	}
	var from string
	switch r.ThresholdSource {
	case nlueval.ThresholdFromVal:
		from = "chosen on split=val: " + r.ThresholdCriterion
	case nlueval.ThresholdFromOptions:
		from = "set by --threshold"
	case nlueval.ThresholdDefault:
		from = "default: no val split with out-of-scope items to choose on"
	case nlueval.ThresholdNone:
		from = "none: no out-of-scope items"
	}
	lines := []struct{ k, v string }{
		{"dataset", r.Dataset + fold},
		{"items", fmt.Sprintf("%d: train %d, val %d, test %d (%d in scope, %d out of scope)",
			r.Items, r.TrainItems, r.ValItems, r.TestItems, r.TestInScope, r.TestOOS)},
		{"labels", fmt.Sprintf("%d%s", r.Labels, oosTraining)},
		{"encoder", cmp.Or(r.Encoder, "embedded")},
		{"in-scope accuracy", pct(r.InScopeAccuracy)},
		{"oos recall", oosRecall},
		{"macro-F1", strconv.FormatFloat(r.MacroF1, 'f', 4, 64)},
		{"accuracy", pct(r.Accuracy) + " (all test items, out of scope as a class)"},
		{"threshold", fmt.Sprintf("%.2f (%s)", r.Threshold, from)},
		{"train", fmt.Sprintf("%.2f s", r.TrainSeconds)},
		{"classify", fmt.Sprintf("p50 %.1f µs, p99 %.1f µs, mean %.1f µs", r.ClassifyP50US, r.ClassifyP99US, r.ClassifyMeanUS)},
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "%-18s %s\n", l.k, l.v); err != nil {
			return err
		}
	}
	return nil
}

// writeSeedsReport prints a few-shot evaluation for a person to read: a line
// a seed, then the mean and standard deviation.
func writeSeedsReport(w io.Writer, sr *nlueval.SeedsReport) error {
	pct := func(f float64) string { return strconv.FormatFloat(100*f, 'f', 2, 64) }
	oos := func(f *float64) string {
		if f == nil {
			return "-"
		}
		return pct(*f)
	}
	r0 := sr.Runs[0]
	fold := ""
	if r0.Fold != 0 {
		fold = fmt.Sprintf(" (test fold %d)", r0.Fold)
	}
	fmt.Fprintf(w, "dataset   %s%s\n", sr.Dataset, fold)
	fmt.Fprintf(w, "encoder   %s\n", cmp.Or(sr.Encoder, "embedded"))
	fmt.Fprintf(w, "few-shot  %d items per intent from split=train, %d seeds; test %d items (%d in scope, %d out of scope)\n\n",
		sr.Shots, len(sr.Runs), r0.TestItems, r0.TestInScope, r0.TestOOS)
	fmt.Fprintf(w, "%-6s %8s %8s %9s %9s %9s %8s\n", "seed", "train", "in-scope", "oos rec.", "macro-F1", "threshold", "train s")
	for _, r := range sr.Runs {
		fmt.Fprintf(w, "%-6d %8d %8s %9s %9.4f %9.2f %8.2f\n", r.Seed, r.TrainItems, pct(r.InScopeAccuracy), oos(r.OOSRecall), r.MacroF1, r.Threshold, r.TrainSeconds)
	}
	fmt.Fprintf(w, "%-6s %8s %8s %9s %9.4f %9s %8.2f\n", "mean", "", pct(sr.Mean.InScopeAccuracy), oos(sr.Mean.OOSRecall), sr.Mean.MacroF1, "", sr.Mean.TrainSeconds)
	_, err := fmt.Fprintf(w, "%-6s %8s %8s %9s %9.4f\n", "stdev", "", pct(sr.Stdev.InScopeAccuracy), oos(sr.Stdev.OOSRecall), sr.Stdev.MacroF1)
	return err
}

// trainingBar draws a progress bar of training on a terminal, and nothing
// anywhere else (pipes, files, tests): the bar only ever goes to stderr, so
// stdout stays the report alone, JSON or not.
type trainingBar struct {
	w   io.Writer // nil when not a terminal
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func newTrainingBar(stderr io.Writer) *trainingBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return &trainingBar{}
	}
	return &trainingBar{w: f}
}

// progress is an nlu.TrainOptions.Progress.
func (b *trainingBar) progress(done, total int) {
	if b.w == nil || total <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar == nil {
		b.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(b.w),
			progressbar.OptionSetDescription("training"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if b.bar.GetMax() != total {
		b.bar.ChangeMax(total)
	}
	_ = b.bar.Set(done)
}

// finish clears the bar, if one was drawn.
func (b *trainingBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		_ = b.bar.Finish()
		_ = b.bar.Clear()
		b.bar = nil
	}
}

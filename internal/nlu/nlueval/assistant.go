package nlueval

import (
	"bufio"
	"cmp"
	_ "embed"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/parleyhq/parley/internal/assistant"
	"github.com/parleyhq/parley/internal/nlu"
)

// DefaultFolds is the number of folds of [EvaluateAssistant] when
// [AssistantOptions] set none.
const DefaultFolds = 5

// foldSeed is mixed into the hashes that deal samples to folds: change it
// and every sample may move.
const foldSeed = "parley-folds-1"

//go:embed data/offtopic.txt
var offTopicText string

// OffTopic returns the everyday requests that [EvaluateAssistant] expects an
// assistant to send to the fallback by default: CLINC150's out-of-scope
// utterances of splits train and val (see data/README.md).
func OffTopic() []string {
	var out []string
	s := bufio.NewScanner(strings.NewReader(offTopicText))
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// AssistantOptions tune [EvaluateAssistant].
type AssistantOptions struct {
	// Folds is the number of folds of cross-validation, at least 2; 0 means
	// DefaultFolds.
	Folds int
	// OffTopic are the requests that should reach the fallback; nil means
	// [OffTopic]. They are classified as English (en-US).
	OffTopic []string
	// Progress, when set, is called after each model is trained, with the
	// models trained and the models there are to train (one per fold, and
	// one on all the samples). Calls may come from several goroutines, one
	// at a time.
	Progress func(done, total int)
}

// An AssistantReport is how well an assistant's own model routes its own
// samples and rejects everyday requests, as [EvaluateAssistant] measures it.
// Recalls and shares are fractions (0..1).
type AssistantReport struct {
	Assistant string  `json:"assistant"` // unique name
	Folds     int     `json:"folds"`
	Threshold float64 `json:"threshold"` // the classifier's, as the model is trained

	// Samples counts the held-out samples: every sample of every task.
	// Each was routed to its own task, to another task, or to the
	// fallback.
	Samples     int `json:"samples"`
	Routed      int `json:"routed"`
	ToOtherTask int `json:"to_other_task"`
	ToFallback  int `json:"to_fallback"`
	// Recall is Routed / Samples; MacroRecall is the mean of the tasks'
	// recalls, so that a small task counts as much as a large one.
	Recall      float64 `json:"recall"`
	MacroRecall float64 `json:"macro_recall"`

	// Tasks are the tasks with samples, by increasing recall (then in the
	// assistant's order): the ones to work on first.
	Tasks []TaskRecall `json:"tasks"`
	// TasksWithoutSamples cannot be reached by understanding an utterance;
	// they may still be reached by redirects, listen or defaults.
	TasksWithoutSamples []string `json:"tasks_without_samples"`
	// Confusions are the pairs of tasks whose samples went to another task,
	// most frequent first; the fallback is not among them (see
	// TaskRecall.ToFallback).
	Confusions []Confusion `json:"confusions"`
	// Misrouted are the samples not routed to their task, in the
	// assistant's order of tasks and samples.
	Misrouted []Misrouted `json:"misrouted"`

	OffTopic OffTopicReport `json:"off_topic"`
}

// A TaskRecall is how one task's held-out samples were routed.
type TaskRecall struct {
	Task        string  `json:"task"`
	Samples     int     `json:"samples"`
	Routed      int     `json:"routed"` // to this task
	ToOtherTask int     `json:"to_other_task"`
	ToFallback  int     `json:"to_fallback"`
	Recall      float64 `json:"recall"` // Routed / Samples
}

// A Confusion counts the held-out samples of Task that went to To.
type Confusion struct {
	Task  string `json:"task"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// A Misrouted sample is a held-out sample that did not reach its task.
type Misrouted struct {
	Task   string `json:"task"`
	Sample string `json:"sample"` // the tagged text
	Text   string `json:"text"`   // the utterance classified (see nlu.SampleText)
	// To is the task it went to, or empty when it went to the fallback.
	To         string  `json:"to"`
	Fallback   bool    `json:"fallback"`
	Confidence float64 `json:"confidence"` // nlu.Result.Confidence; 0 for the fallback
	Fold       int     `json:"fold"`       // 1..Folds
}

// An OffTopicReport is how many everyday requests the model trained on all
// the samples sends to the fallback.
type OffTopicReport struct {
	Requests  int     `json:"requests"`
	Rejected  int     `json:"rejected"`  // sent to the fallback
	Rejection float64 `json:"rejection"` // Rejected / Requests
	// NotRejected are the requests that reached a task, in the order of
	// the requests.
	NotRejected []OffTopicMiss `json:"not_rejected"`
}

// An OffTopicMiss is an everyday request that reached a task.
type OffTopicMiss struct {
	Text       string  `json:"text"`
	Task       string  `json:"task"`
	Confidence float64 `json:"confidence"`
}

// A heldOut is a sample and the fold it is tested in.
type heldOut struct {
	task, sample int // indexes in a.Tasks and its Samples
	fold         int // 0-based
	text, lang   string
}

// EvaluateAssistant measures the model the engine trains for a (see
// [nlu.TrainModel]) on a's own samples, by stratified k-fold
// cross-validation: each task's samples are dealt to the folds in an order
// fixed by a hash of their text, so that two runs give the same report and
// a task with fewer samples than folds still has them in different folds.
// For each fold, a model trained on the samples of the other folds routes
// the fold's samples (their {field} tags filled as [nlu.SampleText] does).
// A model trained on all the samples then routes the off-topic requests.
//
// It fails when fewer than two tasks have samples, when Folds is below 2,
// or when training fails.
func EvaluateAssistant(a *assistant.Assistant, opts AssistantOptions) (*AssistantReport, error) {
	k := opts.Folds
	if k == 0 {
		k = DefaultFolds
	}
	if k < 2 {
		return nil, fmt.Errorf("%d folds: want at least 2", k)
	}
	offTopic := opts.OffTopic
	if offTopic == nil {
		offTopic = OffTopic()
	}
	r := &AssistantReport{
		Assistant:           a.UniqueName,
		Folds:               k,
		Threshold:           a.NLUThreshold,
		Tasks:               []TaskRecall{},
		TasksWithoutSamples: []string{},
		Confusions:          []Confusion{},
		Misrouted:           []Misrouted{},
		OffTopic:            OffTopicReport{NotRejected: []OffTopicMiss{}},
	}
	if r.Threshold <= 0 {
		r.Threshold = nlu.BackgroundThreshold
	}
	held := deal(a, k)
	withSamples := 0
	for _, t := range a.Tasks {
		if len(t.Samples) > 0 {
			withSamples++
		} else {
			r.TasksWithoutSamples = append(r.TasksWithoutSamples, t.UniqueName)
		}
	}
	if withSamples < 2 {
		return nil, fmt.Errorf("want at least 2 tasks with samples to tell apart, got %d", withSamples)
	}

	// Train one model per fold, and one on all the samples (fold -1).
	folds := []int{-1}
	for f := range k {
		if slices.ContainsFunc(held, func(h heldOut) bool { return h.fold == f }) {
			folds = append(folds, f)
		}
	}
	models, err := trainAll(a, held, folds, opts.Progress)
	if err != nil {
		return nil, err
	}
	byFold := map[int]*nlu.Model{}
	for i, f := range folds {
		byFold[f] = models[i]
	}

	// Route each held-out sample with its fold's model.
	perTask := make([]TaskRecall, len(a.Tasks))
	confusions := map[[2]string]int{}
	for _, h := range held {
		t := &a.Tasks[h.task]
		tr := &perTask[h.task]
		tr.Samples++
		res := byFold[h.fold].Classify(nlu.Query{Text: h.text, Language: h.lang})
		switch res.Task {
		case t.UniqueName:
			tr.Routed++
			continue
		case "":
			tr.ToFallback++
		default:
			tr.ToOtherTask++
			confusions[[2]string{t.UniqueName, res.Task}]++
		}
		r.Misrouted = append(r.Misrouted, Misrouted{
			Task:       t.UniqueName,
			Sample:     t.Samples[h.sample].TaggedText,
			Text:       h.text,
			To:         res.Task,
			Fallback:   res.Task == "",
			Confidence: res.Confidence,
			Fold:       h.fold + 1,
		})
	}
	for i, t := range a.Tasks {
		tr := perTask[i]
		if tr.Samples == 0 {
			continue
		}
		tr.Task, tr.Recall = t.UniqueName, frac(tr.Routed, tr.Samples)
		r.Tasks = append(r.Tasks, tr)
		r.Samples += tr.Samples
		r.Routed += tr.Routed
		r.ToOtherTask += tr.ToOtherTask
		r.ToFallback += tr.ToFallback
		r.MacroRecall += tr.Recall
	}
	r.Recall = frac(r.Routed, r.Samples)
	r.MacroRecall /= float64(len(r.Tasks))
	slices.SortStableFunc(r.Tasks, func(x, y TaskRecall) int { return cmp.Compare(x.Recall, y.Recall) })
	for pair, n := range confusions {
		r.Confusions = append(r.Confusions, Confusion{Task: pair[0], To: pair[1], Count: n})
	}
	slices.SortFunc(r.Confusions, func(x, y Confusion) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), strings.Compare(x.Task, y.Task), strings.Compare(x.To, y.To))
	})

	// Everyday requests, with the model of all the samples.
	all := byFold[-1]
	r.OffTopic.Requests = len(offTopic)
	for _, text := range offTopic {
		res := all.Classify(nlu.Query{Text: text, Language: "en-US"})
		if res.Task == "" {
			r.OffTopic.Rejected++
			continue
		}
		r.OffTopic.NotRejected = append(r.OffTopic.NotRejected, OffTopicMiss{Text: text, Task: res.Task, Confidence: res.Confidence})
	}
	r.OffTopic.Rejection = frac(r.OffTopic.Rejected, r.OffTopic.Requests)
	return r, nil
}

// deal returns every sample of a with its fold, in the order of a's tasks
// and samples: a task's samples, ordered by a hash of their text, go to
// consecutive folds from one its name's hash picks, so that folds hold about
// as many samples of each task, and small tasks do not all start at the same
// fold.
func deal(a *assistant.Assistant, k int) []heldOut {
	var out []heldOut
	for ti := range a.Tasks {
		first := len(out)
		t := &a.Tasks[ti]
		order := make([]int, len(t.Samples))
		keys := make([]uint64, len(t.Samples))
		for i, s := range t.Samples {
			order[i], keys[i] = i, hash(t.UniqueName, s.TaggedText)
		}
		slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(keys[x], keys[y]) })
		start := int(hash(t.UniqueName, "") % uint64(k))
		for rank, i := range order {
			s := t.Samples[i]
			out = append(out, heldOut{
				task: ti, sample: i, fold: (start + rank) % k,
				text: nlu.SampleText(a, t, s.TaggedText), lang: s.Language,
			})
		}
		slices.SortFunc(out[first:], func(x, y heldOut) int { return cmp.Compare(x.sample, y.sample) })
	}
	return out
}

func hash(task, text string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(foldSeed))
	h.Write([]byte{0})
	h.Write([]byte(task))
	h.Write([]byte{0})
	h.Write([]byte(text))
	return h.Sum64()
}

// trainAll trains, for each fold f of folds, the engine's model of a
// without the samples held out in f (all of them for f = -1), on as many
// goroutines as there are CPUs.
func trainAll(a *assistant.Assistant, held []heldOut, folds []int, progress func(done, total int)) ([]*nlu.Model, error) {
	models := make([]*nlu.Model, len(folds))
	errs := make([]error, len(folds))
	jobs := make(chan int)
	var mu sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(folds)) {
		wg.Go(func() {
			for i := range jobs {
				models[i], errs[i] = train(a, held, folds[i])
				if progress != nil {
					mu.Lock()
					done++
					progress(done, len(folds))
					mu.Unlock()
				}
			}
		})
	}
	for i := range folds {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			if folds[i] < 0 {
				return nil, fmt.Errorf("train on all samples: %w", err)
			}
			return nil, fmt.Errorf("train without fold %d: %w", folds[i]+1, err)
		}
	}
	return models, nil
}

// train trains the engine's model of a copy of a that keeps only the
// samples not held out in fold (held is in a's order, so the samples keep
// theirs), as the engine compiles an assistant.
func train(a *assistant.Assistant, held []heldOut, fold int) (*nlu.Model, error) {
	b := *a
	b.Tasks = slices.Clone(a.Tasks)
	for i := range b.Tasks {
		b.Tasks[i].Samples = nil
	}
	for _, h := range held {
		if h.fold != fold {
			t := &b.Tasks[h.task]
			t.Samples = append(t.Samples, a.Tasks[h.task].Samples[h.sample])
		}
	}
	m, err := nlu.TrainModel(&b, nlu.Types(&b), nlu.ModelOptions{Classifier: true, Threshold: b.NLUThreshold})
	if err != nil {
		return nil, err
	}
	return m, nil
}

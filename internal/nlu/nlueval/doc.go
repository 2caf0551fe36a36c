// Package nlueval measures an intent classifier on a labelled dataset, the way
// `parley eval` reports it: [ReadJSONL] reads the common JSONL format of
// ../shared/data/nlu, and [Evaluate] trains on one part of it, evaluates on
// another and returns a [Report]. [EvaluateAssistant] measures instead the
// engine's own model of one assistant on the assistant's samples (k-fold
// cross-validation) and on everyday requests it should send to the fallback,
// and returns an [AssistantReport]. It is pure: it reads only the io.Reader it
// is given and its embedded data, and the clock only to time training and
// classification.
//
// # Protocol
//
// Evaluate trains on the items of split "train" (or, with [Options].Fold, on
// every fold but that one), chooses the out-of-scope threshold on split "val",
// and scores on split "test". The test items never influence a choice: the
// threshold and the training set are fixed before the first test item is
// classified.
//
// Out-of-scope training items (intent [OOS]) are given to the classifier as
// one more label "oos" by default; [Options].ExcludeOOS leaves them out. The
// default was measured on CLINC150's validation split only (see [Options]).
//
// The prediction for an utterance is the classifier's best label, or OOS when
// that label is "oos" or its probability is below the threshold. The
// threshold comes from, in order:
//
//   - [Options].Threshold, when set;
//   - the val split, when it has both in-scope and out-of-scope items: the
//     threshold on a grid of 0.00, 0.01, …, 1.00 that maximises in-scope
//     accuracy plus out-of-scope recall on val (ties: the middle of the first
//     run of best values), or with [Options].MinOOSRecall the lowest whose
//     out-of-scope recall on val reaches it;
//   - [Options].DefaultThreshold, when the dataset has out-of-scope items
//     anywhere but cannot choose on val;
//   - 0 (never out of scope) when the dataset has no out-of-scope item at
//     all, so that in-scope benchmarks measure plain accuracy.
//
// [Report].ThresholdSource says which one applied.
//
// # Few-shot
//
// With [Options].Shots = K, training uses at most K training items of each
// intent, drawn with [Options].Seed: for each intent in sorted order, that
// intent's training items (in file order) are shuffled by one PCG generator
// seeded with the seed, and the first K are kept. Val and test are
// unchanged: every test item is scored. [EvaluateSeeds] repeats this for the
// seeds 0 to N-1 and reports the mean and standard deviation of each metric,
// the protocol of Casanueva et al. 2020 ("Efficient Intent Detection with
// Dual Sentence Encoders": K = 10 and the full training set, in-scope
// accuracy on the whole test split). The draws are Go's, not Python's, so a
// seed picks other items than in reports made with Python.
//
// # Metrics
//
// See [Metrics] for in-scope accuracy, out-of-scope recall (null when the test
// split has no out-of-scope items), macro-F1 and accuracy. Training time is the
// wall time of the train function; classification latency is the wall time of
// each Rank call on a test item, reported as nearest-rank percentiles.
//
// # An assistant's own samples
//
// [EvaluateAssistant] deals each task's samples to k folds (stratified, in an
// order fixed by hashes, so that reports are reproducible), trains the model
// the engine would ([nlu.TrainModel], classifier included) on all folds but
// one, and routes the held-out samples with [nlu.Model.Classify]; a sample
// reaches its task, another task or the fallback. It reports recall per task
// and overall, the task pairs most confused, and every misrouted sample. A
// model trained on all the samples then routes [OffTopic] requests: the share
// sent to the fallback is the off-topic rejection. It uses the model through
// its public API only, so it measures whatever the engine runs.
package nlueval

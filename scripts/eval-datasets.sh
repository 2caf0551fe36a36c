#!/usr/bin/env bash
# Evaluates Parley's NLU on the public intent datasets in ../shared/data/nlu
# with `parley eval --json` and prints a Markdown table: the rows of
# BENCHMARKS.md, then the few-shot table. Usage: scripts/eval-datasets.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/nlu}
tmp=$(mktemp -d)
bin=$tmp/parley
go build -o "$bin" ./cmd/parley

# The sentence encoder embedded in parley was trained on these datasets
# (Braun's excepted). Each dataset is scored with an encoder trained on the
# others alone (internal/nlu/internal/genencoder -without), made here: a few
# minutes. Braun's are scored with the embedded one, which never saw them.
for ds in clinc150 banking77 hwu64 snips2017 nlpjs-corpus50; do
  go run ./internal/nlu/internal/genencoder/main.go -data "$data" -without $ds -o "$tmp/$ds.bin" 2>/dev/null
done
cp internal/nlu/data/encoder.bin "$tmp/braun2017.bin"

row() { # name encoder file [flags...]
  local name=$1 enc=$2 file=$3
  shift 3
  "$bin" eval --json --encoder "$tmp/$enc.bin" "$@" "$data/$file" | python3 -c '
import json, sys
r = json.load(sys.stdin)
name = sys.argv[1]
pct = lambda v: "-" if v is None else "%.1f" % (100 * v)
print("| %s | %d | %s | %s | %s | %.3f | %.2f %s | %.1f | %.1f | %.1f |" % (
    name, r.get("test_items", 0), pct(r["in_scope_accuracy"]), pct(r["oos_recall"]),
    pct(r["accuracy"]), r["macro_f1"], r["threshold"], r["threshold_source"],
    r["train_seconds"], r["classify_p50_us"], r["classify_p99_us"]))
' "$name"
}

echo "| dataset | test items | in-scope accuracy % | OOS recall % | accuracy, OOS as a class % | macro-F1 | threshold (from) | train s | p50 µs | p99 µs |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
row "CLINC150 Full" clinc150 clinc150/clinc150_full.jsonl
row "CLINC150 Small" clinc150 clinc150/clinc150_small.jsonl
# The encoder without HWU64 left all its folds out, so any fold is fair.
for k in 1 2 3; do
  row "HWU64 fold $k" hwu64 hwu64/hwu64_fold1.jsonl --fold $k
done
row "BANKING77" banking77 banking77/banking77.jsonl
# Braun et al. count None as a class: no threshold.
row "Braun Chatbot" braun2017 braun2017/chatbot.jsonl --threshold 0
row "Braun AskUbuntu" braun2017 braun2017/askubuntu.jsonl --threshold 0
row "Braun WebApplications" braun2017 braun2017/webapplications.jsonl --threshold 0
row "SNIPS 2017" snips2017 snips2017/snips2017_full.jsonl
row "NLP.js Corpus 50" nlpjs-corpus50 nlpjs-corpus50/corpus50_en.jsonl

# Few-shot: K training items per intent drawn from split=train, the mean of
# seeds 0-2, in-scope accuracy on the whole test split with no out-of-scope
# threshold (out-of-scope training items left out), beside the full data.
fewshot() { # name encoder file [flags...]
  local name=$1 enc=$2 file=$3
  shift 3
  local cells=()
  for k in 5 10; do
    cells+=("$("$bin" eval --json --encoder "$tmp/$enc.bin" --shots $k --seeds 3 --threshold 0 --oos-train exclude "$@" "$data/$file" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%.1f ± %.1f" % (100 * r["mean"]["in_scope_accuracy"], 100 * r["stdev"]["in_scope_accuracy"]))
')")
  done
  cells+=("$("$bin" eval --json --encoder "$tmp/$enc.bin" --threshold 0 --oos-train exclude "$@" "$data/$file" | python3 -c '
import json, sys
print("%.1f" % (100 * json.load(sys.stdin)["in_scope_accuracy"]))
')")
  echo "| $name | ${cells[0]} | ${cells[1]} | ${cells[2]} |"
}

echo
echo "| dataset (in-scope accuracy %, no threshold) | K=5, mean ± sd of 3 seeds | K=10 | full training data |"
echo "|---|--:|--:|--:|"
fewshot "CLINC150 Full" clinc150 clinc150/clinc150_full.jsonl
fewshot "HWU64 fold 1" hwu64 hwu64/hwu64_fold1.jsonl --fold 1
fewshot "BANKING77" banking77 banking77/banking77.jsonl
fewshot "SNIPS 2017" snips2017 snips2017/snips2017_full.jsonl
fewshot "NLP.js Corpus 50" nlpjs-corpus50 nlpjs-corpus50/corpus50_en.jsonl

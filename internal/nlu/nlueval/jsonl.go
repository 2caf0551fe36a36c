package nlueval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// OOS is the intent of out-of-scope items, and the prediction for an
// utterance the classifier is not confident enough about.
const OOS = "oos"

// The splits of a dataset.
const (
	SplitTrain = "train"
	SplitVal   = "val"
	SplitTest  = "test"
)

// An Item is one line of a dataset in the common JSONL format
// (../shared/data/nlu/README.md).
type Item struct {
	Text   string `json:"text"`
	Intent string `json:"intent"` // OOS for out-of-scope utterances
	Split  string `json:"split"`  // SplitTrain, SplitVal or SplitTest
	// Fold is the upstream cross-validation fold (HWU64), or 0.
	Fold int `json:"fold,omitempty"`
	// OrigIntent is the upstream label when Intent differs from it (OOS).
	OrigIntent string `json:"orig_intent,omitempty"`
	Slots      []Slot `json:"slots,omitempty"`
}

// A Slot is a typed span of an item's text. Start and End are offsets in
// Unicode code points, End exclusive.
type Slot struct {
	Entity string `json:"entity"`
	Value  string `json:"value"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
}

// A LineError is a problem with one line of a JSONL file.
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ReadJSONL reads a dataset in the common JSONL format: one JSON object a
// line, blank lines ignored. Every item must have a text, an intent and a
// split among train, val and test; unknown keys are ignored. A bad line gives
// a [*LineError].
func ReadJSONL(r io.Reader) ([]Item, error) {
	br := bufio.NewReader(r)
	var items []Item
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			it, perr := parseItem(trimmed)
			if perr != nil {
				return nil, &LineError{Line: n, Err: perr}
			}
			items = append(items, it)
		}
		if err != nil { // io.EOF
			return items, nil
		}
	}
}

func parseItem(line []byte) (Item, error) {
	if line[0] != '{' {
		return Item{}, errors.New("not a JSON object")
	}
	var it Item
	if err := json.Unmarshal(line, &it); err != nil {
		return Item{}, err
	}
	switch {
	case it.Text == "":
		return Item{}, errors.New(`missing "text"`)
	case it.Intent == "":
		return Item{}, errors.New(`missing "intent"`)
	case it.Split == "":
		return Item{}, errors.New(`missing "split"`)
	case it.Split != SplitTrain && it.Split != SplitVal && it.Split != SplitTest:
		return Item{}, fmt.Errorf("unknown split %q (want train, val or test)", it.Split)
	case it.Fold < 0:
		return Item{}, fmt.Errorf("negative fold %d", it.Fold)
	}
	return it, nil
}

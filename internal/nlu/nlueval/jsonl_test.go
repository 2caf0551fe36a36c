package nlueval

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadJSONL(t *testing.T) {
	in := "\uFEFF" + `{"text": "wake me up at five am", "intent": "alarm_set", "split": "train", "fold": 2, "slots": [{"entity": "time", "value": "five am", "start": 14, "end": 21}]}

{"text": "How to record my screen?", "intent": "oos", "split": "val", "orig_intent": "None", "extra": [1, 2]}` + "\r\n" +
		`  {"text": "café", "intent": "order", "split": "test"}  ` // no final newline
	got, err := ReadJSONL(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{
		{Text: "wake me up at five am", Intent: "alarm_set", Split: SplitTrain, Fold: 2,
			Slots: []Slot{{Entity: "time", Value: "five am", Start: 14, End: 21}}},
		{Text: "How to record my screen?", Intent: OOS, Split: SplitVal, OrigIntent: "None"},
		{Text: "café", Intent: "order", Split: SplitTest},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ReadJSONL (-want +got):\n%s", d)
	}
}

func TestReadJSONLErrors(t *testing.T) {
	const ok = `{"text": "hi", "intent": "greet", "split": "train"}` + "\n"
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"not-json", ok + "hello\n", "line 2: not a JSON object"},
		{"array", "[1]\n", "line 1: not a JSON object"},
		{"truncated", ok + ok + `{"text": "hi"`, "line 3: unexpected end of JSON input"},
		{"trailing", `{"text": "hi", "intent": "a", "split": "test"} x`, "line 1: invalid character 'x' after top-level value"},
		{"wrong-type", `{"text": "hi", "intent": 3, "split": "test"}`, "line 1: json: cannot unmarshal number into Go struct field Item.intent of type string"},
		{"no-text", ok + `{"intent": "a", "split": "test"}`, `line 2: missing "text"`},
		{"no-intent", `{"text": "hi", "split": "test"}`, `line 1: missing "intent"`},
		{"no-split", `{"text": "hi", "intent": "a"}`, `line 1: missing "split"`},
		{"bad-split", ok + "\n" + `{"text": "hi", "intent": "a", "split": "dev"}`, `line 3: unknown split "dev" (want train, val or test)`},
		{"negative-fold", `{"text": "hi", "intent": "a", "split": "test", "fold": -1}`, "line 1: negative fold -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSONL(strings.NewReader(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ReadJSONL: error %v, want %q", err, tt.want)
			}
			if _, ok := errors.AsType[*LineError](err); !ok {
				t.Errorf("ReadJSONL: error %T, want a *LineError", err)
			}
		})
	}
}

func TestReadJSONLEmpty(t *testing.T) {
	got, err := ReadJSONL(strings.NewReader("\n  \n"))
	if err != nil || len(got) != 0 {
		t.Errorf("ReadJSONL(blank) = %v, %v; want no items and no error", got, err)
	}
}

// FuzzReadJSONL checks that ReadJSONL never panics, that what it accepts is
// valid, and that writing the items back reads the same items.
func FuzzReadJSONL(f *testing.F) {
	f.Add(`{"text": "wake me up at five am", "intent": "alarm_set", "split": "train", "fold": 2, "slots": [{"entity": "time", "value": "five am", "start": 14, "end": 21}]}`)
	f.Add(`{"text": "How to record my screen?", "intent": "oos", "split": "test", "orig_intent": "None"}` + "\n\n" + `{"text":"x","intent":"a","split":"val"}`)
	f.Add("\uFEFF{\"text\":\"\\u00e9\",\"intent\":\"a\",\"split\":\"train\"}\r\n")
	f.Add(`{"text": "hi", "intent": 3}`)
	f.Add("[]\n{}\nnull")
	f.Fuzz(func(t *testing.T, in string) {
		items, err := ReadJSONL(strings.NewReader(in))
		if err != nil {
			if _, ok := errors.AsType[*LineError](err); !ok {
				t.Fatalf("error %T %v, want a *LineError", err, err)
			}
			return
		}
		var buf bytes.Buffer
		for _, it := range items {
			if it.Text == "" || it.Intent == "" || it.Fold < 0 ||
				(it.Split != SplitTrain && it.Split != SplitVal && it.Split != SplitTest) {
				t.Fatalf("accepted invalid item %+v", it)
			}
			b, err := json.Marshal(it)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
		again, err := ReadJSONL(&buf)
		if err != nil {
			t.Fatalf("reading written items: %v", err)
		}
		if d := cmp.Diff(items, again, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip (-read +written and read again):\n%s", d)
		}
	})
}

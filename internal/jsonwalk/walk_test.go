package jsonwalk_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/parleyhq/parley/internal/jsonwalk"
)

func TestWalkerReportsEveryProblemWithItsPath(t *testing.T) {
	var w jsonwalk.Walker
	ms, ok := w.Members("", json.RawMessage(`{"b": [1, "x"], "a": -1, "c": "s", "d": 1.5}`), "an object")
	if !ok || len(ms) != 4 || ms[0].Key != "b" || ms[1].Key != "a" {
		t.Fatalf("Members = %v, %v; want b, a, c, d in document order", ms, ok)
	}
	w.Strings("b", ms[0].Val)
	w.Integer("a", ms[1].Val)
	w.Bool("c", ms[2].Val)
	w.Integer("d", ms[3].Val)
	w.Require("", map[string]json.RawMessage{}, "e")
	w.Elems("f", json.RawMessage(`{}`), "an array of tasks")
	want := "6 errors:" +
		"\n\tb[0]: must be a string, got number" +
		"\n\ta: must not be negative, got -1" +
		"\n\tc: must be a boolean, got string" +
		"\n\td: must be an integer, got 1.5" +
		"\n\te: missing" +
		"\n\tf: must be an array of tasks, got object"
	if got := w.Errs.Error(); got != want {
		t.Errorf("errors:\n%s\nwant:\n%s", got, want)
	}
	if got := w.Errs.Prefix("tasks[2]")[0].Error(); got != "tasks[2].b[0]: must be a string, got number" {
		t.Errorf("Prefix: %s", got)
	}
}

func TestJoinPath(t *testing.T) {
	for _, c := range [][3]string{
		{"", "a", "a"},
		{"a", "", "a"},
		{"a", "b", "a.b"},
		{"a", "[2]", "a[2]"},
	} {
		if got := jsonwalk.JoinPath(c[0], c[1]); got != c[2] {
			t.Errorf("JoinPath(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestDidYouMeanNeedsACloseKey(t *testing.T) {
	known := []string{"say", "redirect"}
	if got := jsonwalk.DidYouMean("sya", known); got != ` (did you mean "say"?)` {
		t.Errorf("sya: %q", got)
	}
	if got := jsonwalk.DidYouMean("x", known); got != "" {
		t.Errorf("x: %q", got)
	}
}

func TestCheckSyntaxGivesLineAndColumn(t *testing.T) {
	err := jsonwalk.CheckSyntax([]byte("{\n  \"a\": ]\n}"))
	se, ok := errors.AsType[*jsonwalk.SyntaxError](err)
	if !ok {
		t.Fatalf("error %T is not *jsonwalk.SyntaxError: %v", err, err)
	}
	if se.Line != 2 || se.Column != 8 {
		t.Errorf("at %d:%d, want 2:8 (%v)", se.Line, se.Column, se)
	}
	if err := jsonwalk.CheckSyntax([]byte(` {"a": [1, true, null]} `)); err != nil {
		t.Errorf("well-formed: %v", err)
	}
}

package jsonwalk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// An Error is one problem in a document: the JSON path of the offending value
// (for example "actions[2].collect.questions[0].name") and what is wrong with
// it. Path is empty for a problem with the document as a whole.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Errors is every problem found in one document, in document order. A walk
// returns all of them at once so that an author can fix everything in one go.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d errors:", len(es))
	for _, e := range es {
		b.WriteString("\n\t")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Prefix returns a copy of es with prefix put before every path, joined by a
// dot: Prefix("tasks[3].actions") turns "actions[0]" into
// "tasks[3].actions.actions[0]".
func (es Errors) Prefix(prefix string) Errors {
	out := make(Errors, len(es))
	for i, e := range es {
		out[i] = &Error{Path: JoinPath(prefix, e.Path), Msg: e.Msg}
	}
	return out
}

// A SyntaxError is a document that is not JSON at all. Line and Column are
// 1-based; Column counts bytes.
type SyntaxError struct {
	Line, Column int
	Offset       int64 // byte offset of the error
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg)
}

// CheckSyntax reports whether data is one well-formed JSON value: nil if it
// is, a [*SyntaxError] if not.
func CheckSyntax(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	if err == nil {
		return nil
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	se, ok := errors.AsType[*json.SyntaxError](err)
	if !ok {
		return &SyntaxError{Line: 1, Column: 1, Msg: msg}
	}
	offset := min(max(se.Offset, 0), int64(len(data)))
	// encoding/json reports the offset just after the offending byte.
	at := max(offset-1, 0)
	before := data[:at]
	return &SyntaxError{
		Line:   bytes.Count(before, []byte("\n")) + 1,
		Column: int(at) - bytes.LastIndexByte(before, '\n'),
		Offset: offset,
		Msg:    msg,
	}
}

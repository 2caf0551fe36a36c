package actions

import (
	"bytes"
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

// Errors is every problem found in one document, in document order. Parse
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
		out[i] = &Error{Path: joinPath(prefix, e.Path), Msg: e.Msg}
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

// newSyntaxError converts the offset of an encoding/json syntax error into a
// line and column.
func newSyntaxError(data []byte, offset int64, msg string) *SyntaxError {
	if offset < 0 {
		offset = 0
	}
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	// encoding/json reports the offset just after the offending byte.
	at := offset
	if at > 0 {
		at--
	}
	before := data[:at]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(at) - bytes.LastIndexByte(before, '\n')
	return &SyntaxError{Line: line, Column: col, Offset: offset, Msg: msg}
}

func joinPath(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "":
		return prefix
	case path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
}

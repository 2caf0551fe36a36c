package actions

import "github.com/parleyhq/parley/internal/jsonwalk"

// The error types are the shared walker's ([jsonwalk]), so that the
// assistant schema parser, which walks its files with the same walker,
// reports the very same types.

// An Error is one problem in a document: the JSON path of the offending value
// (for example "actions[2].collect.questions[0].name") and what is wrong with
// it. Path is empty for a problem with the document as a whole.
type Error = jsonwalk.Error

// Errors is every problem found in one document, in document order. Parse
// returns all of them at once so that an author can fix everything in one go.
type Errors = jsonwalk.Errors

// A SyntaxError is a document that is not JSON at all. Line and Column are
// 1-based; Column counts bytes.
type SyntaxError = jsonwalk.SyntaxError

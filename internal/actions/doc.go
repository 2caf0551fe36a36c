// Package actions reads, checks and writes Autopilot Actions JSON: the
// {"actions": [...]} documents that say what a task does, and the two
// assistant-wide documents that shape them, the style sheet and the defaults.
//
// The main entry point is [Parse], which turns a document into a [Document]
// of typed actions ([*Say], [*Play], [*Show], [*Remember], [*Redirect],
// [*Listen], [*Collect], [*Handoff]) and checks every rule of the Actions
// reference at once. [Marshal] writes a Document back as canonical JSON.
//
// The package is pure: it does no I/O, knows no HTTP and no database, and
// every function is deterministic, so it can be fuzzed.
//
// # Errors
//
// A document that is not JSON gives a [*SyntaxError] with a line and column.
// A JSON document that breaks the rules gives [Errors], one [*Error] per
// problem, each naming the JSON path of the value at fault:
//
//	actions[2].collect.questions[0].name: missing
//	actions[0]: unknown action "sya" (did you mean "say"?)
//
// # Strict and lenient
//
// Parse rejects what Autopilot rejected (unknown actions and keys, wrong
// types, a collect without questions, a method other than GET or POST).
// It accepts what real bots ship even though it cannot run: an empty or
// placeholder redirect or handoff target, show together with collect, and
// actions after a redirect, collect, handoff or listen. [Lint] reports those
// as [Issue] values; the engine fails the turn only if it reaches them.
//
// Whether a collect question's type exists is not checked here: only the
// engine knows the assistant's custom field types.
//
// # Invariant
//
// For every data that Parse accepts, Parse(Marshal(doc)) equals doc.
// FuzzParse checks it.
package actions

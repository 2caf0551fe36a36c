// Package fields extracts typed values (numbers, dates, yes/no, names, cities,
// custom values, …) from user utterances. Each type is an [Extractor];
// extractors are pure functions of their [Input] and never touch the network
// or the clock: "now" and the language arrive in Input.
package fields

import "time"

// Input is what an extractor reads.
type Input struct {
	Text     string
	Language string    // BCP 47, e.g. "en-US"; empty means en-US
	Now      time.Time // the reference for relative dates ("tomorrow")
}

// A Match is one value found in Input.Text.
type Match struct {
	// Value is the normalised value as Autopilot reported it: "12" for
	// "twelve", "Yes" for "yeah", "2026-01-06" for "tomorrow", the canonical
	// value for a synonym of a custom type.
	Value string
	// Start and End are byte offsets of the matched span in Input.Text.
	Start, End int
}

// An Extractor finds values of one field type in an utterance.
type Extractor interface {
	Extract(in Input) []Match
}

// ExtractorFunc adapts a function to an Extractor.
type ExtractorFunc func(Input) []Match

// Extract calls f(in).
func (f ExtractorFunc) Extract(in Input) []Match { return f(in) }

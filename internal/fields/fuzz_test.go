package fields_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley/internal/fields"
)

// fuzzExtractor checks the invariants of e on text: valid offsets, values
// accepted by valid, and Exact and Answer agreeing with Extract.
func fuzzExtractor(t *testing.T, e fields.Extractor, text string, valid func(string) bool) {
	in := fields.Input{Text: text, Now: now}
	ms := e.Extract(in)
	checkMatches(t, text, ms)
	for _, m := range ms {
		if !valid(m.Value) {
			t.Fatalf("Extract(%q): malformed value %q", text, m.Value)
		}
	}
	a, ok := fields.Answer(e, in)
	if ok != (len(ms) > 0) || ok && a != ms[0].Value {
		t.Fatalf("Answer(%q) = %q, %v; Extract = %v", text, a, ok, ms)
	}
	if x, ok := fields.Exact(e, in); ok && (len(ms) != 1 || x != ms[0].Value) {
		t.Fatalf("Exact(%q) = %q with matches %v", text, x, ms)
	}
}

func addSeeds(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add(s)
	}
}

var numberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$`)

func FuzzNumber(f *testing.F) {
	addSeeds(f, "there will be 4 of us", "1,000", "one hundred and five", "twenty-two",
		"-3", "2.5", "minus three", "two point five", "1.5 million", "a dozen", "5k",
		"1,234,567.89", "one million two hundred thousand and five", "3rd", "007",
		"- 5", "1,00", "9999999999999999999999999 billion", "point five")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.Number, s, func(v string) bool {
			return numberRE.MatchString(v) && v != "-0"
		})
	})
}

func FuzzDate(f *testing.F) {
	addSeeds(f, "2026-01-06", "1/6/2026", "1/6", "12/25/26", "January 6", "Jan 6th, 2026",
		"6 January 2026", "the 6th of January", "today", "tomorrow", "day after tomorrow",
		"yesterday", "next monday", "this friday", "last Sat", "in 3 days", "in 999 years",
		"next week", "next month", "this weekend", "February 29", "march twenty-first",
		"Tuesday, January 6th, 2027", "on the 31st", "9999-12-31 plus tomorrow")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.Date, s, func(v string) bool {
			_, err := time.Parse("2006-01-02", v)
			return err == nil
		})
	})
}

func FuzzTime(f *testing.F) {
	addSeeds(f, "7pm", "7:30 pm", "19:00", "7 o'clock", "noon", "midnight", "half past four",
		"quarter to five", "7 in the evening", "at 7", "7", "at seven thirty", "12am",
		"seven oh five p.m.", "20 to 7", "11 at night", "tomorrow at 9 a.m.", "24:00")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.Time, s, func(v string) bool {
			_, err := time.Parse("15:04", v)
			return err == nil && len(v) == 5
		})
	})
}

func FuzzYesNo(f *testing.F) {
	addSeeds(f, "yes", "yes please", "no thanks", "not really", "not sure", "of course not",
		"yesss", "noooo", "that's right", "nope", "y", "n", "no problem", "I don't know")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.YesNo, s, func(v string) bool { return v == "Yes" || v == "No" })
	})
}

func FuzzCustom(f *testing.F) {
	values := []fields.Value{
		{Value: "french fries"}, {Value: "fries", SynonymOf: "french fries"},
		{Value: "hamburger"}, {Value: "burger", SynonymOf: "hamburger"},
		{Value: "yesDogs"}, {Value: "allow dogs", SynonymOf: "yesDogs"},
		{Value: "crème brûlée"}, {Value: "pie"}, {Value: "7up"},
	}
	canonical := map[string]bool{}
	for _, v := range values {
		if v.SynonymOf == "" {
			canonical[v.Value] = true
		}
	}
	e := fields.Custom(values)
	addSeeds(f, "a burger and frnech fries", "hamburgr", "yes dogs", "ALLOW DOGS!", "creme brulee",
		"fires", "7up", "pie pies", "fren-ch fries", "crème brûlée")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, e, s, func(v string) bool { return canonical[v] })
	})
}

// FuzzCityAndName checks the data-backed extractors return text from their
// lists or the input.
func FuzzCityAndName(f *testing.F) {
	addSeeds(f, "new york", "my name is Valentina", "São Paulo", "St. Louis", "call me will")
	f.Fuzz(func(t *testing.T, s string) {
		ok := func(v string) bool { return utf8.ValidString(v) || strings.Contains(s, v) }
		fuzzExtractor(t, fields.City, s, ok)
		fuzzExtractor(t, fields.FirstName, s, ok)
	})
}

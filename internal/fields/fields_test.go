package fields_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/fields"
)

// now is a Monday.
var now = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)

type valuesCase struct {
	name string
	text string
	want []string // the values of all matches, in order
}

// runValues checks the values e extracts from each case and the invariants
// of every result.
func runValues(t *testing.T, e fields.Extractor, cases []valuesCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms := e.Extract(fields.Input{Text: c.text, Now: now})
			checkMatches(t, c.text, ms)
			var got []string
			for _, m := range ms {
				got = append(got, m.Value)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("Extract(%q) values (-want +got):\n%s", c.text, diff)
			}
		})
	}
}

// checkMatches fails t unless ms are sorted, non-overlapping, within text
// and non-empty.
func checkMatches(t testing.TB, text string, ms []fields.Match) {
	t.Helper()
	last := 0
	for _, m := range ms {
		if m.Start < last || m.Start >= m.End || m.End > len(text) {
			t.Fatalf("Extract(%q): bad offsets in %+v", text, ms)
		}
		if m.Value == "" {
			t.Fatalf("Extract(%q): empty value in %+v", text, ms)
		}
		last = m.End
	}
}

func TestNumber(t *testing.T) {
	runValues(t, fields.Number, []valuesCase{
		{"digits", "12", []string{"12"}},
		{"in-sentence", "there will be 4 of us", []string{"4"}},
		{"negative", "-3", []string{"-3"}},
		{"negative-word", "minus three degrees", []string{"-3"}},
		{"decimal", "2.5", []string{"2.5"}},
		{"decimal-trailing-zero", "2.50", []string{"2.5"}},
		{"thousands-separator", "1,000", []string{"1000"}},
		{"millions-separator", "1,234,567.89", []string{"1234567.89"}},
		{"list-not-separator", "1, 2, 3", []string{"1", "2", "3"}},
		{"leading-zeros", "007", []string{"7"}},
		{"full-stop", "I need 3.", []string{"3"}},
		{"ordinal-digits", "the 3rd time", []string{"3"}},
		{"k-suffix", "5k", []string{"5000"}},
		{"digits-scale", "1.5 million", []string{"1500000"}},
		{"digits-hundred", "5 hundred", []string{"500"}},
		{"word", "twelve", []string{"12"}},
		{"compound", "twenty two", []string{"22"}},
		{"hyphenated", "twenty-two people", []string{"22"}},
		{"hundred-and", "one hundred and five", []string{"105"}},
		{"a-hundred", "a hundred", []string{"100"}},
		{"fifteen-hundred", "fifteen hundred", []string{"1500"}},
		{"one-thousand", "one thousand", []string{"1000"}},
		{"thousand-and", "two thousand and twenty six", []string{"2026"}},
		{"millions", "one million two hundred thousand and five", []string{"1200005"}},
		{"billions", "three billion", []string{"3000000000"}},
		{"billions-compound", "four billion five hundred million", []string{"4500000000"}},
		{"dozen", "a dozen eggs", []string{"12"}},
		{"two-dozen", "two dozen", []string{"24"}},
		{"point", "two point five", []string{"2.5"}},
		{"zero", "zero", []string{"0"}},
		{"sequence-of-words", "one two three", []string{"1", "2", "3"}},
		{"increasing-scales", "one thousand million", []string{"1000"}},
		{"mixed", "table for two at 7", []string{"2", "7"}},
		{"inside-code", "AB12", nil},
		{"glued-unit", "7pm", nil},
		{"none", "no idea", nil},
		{"empty", "", nil},
	})
}

func TestYesNo(t *testing.T) {
	runValues(t, fields.YesNo, []valuesCase{
		{"yes", "yes", []string{"Yes"}},
		{"yes-capital", "YES!", []string{"Yes"}},
		{"yeah", "yeah", []string{"Yes"}},
		{"yep", "yep", []string{"Yes"}},
		{"sure", "sure", []string{"Yes"}},
		{"ok", "ok", []string{"Yes"}},
		{"okay", "Okay.", []string{"Yes"}},
		{"of-course", "of course", []string{"Yes"}},
		{"correct", "that's correct", []string{"Yes"}},
		{"curly-apostrophe", "that’s right", []string{"Yes"}},
		{"absolutely", "absolutely", []string{"Yes"}},
		{"affirmative", "affirmative", []string{"Yes"}},
		{"y", "y", []string{"Yes"}},
		{"yes-please", "yes please", []string{"Yes"}},
		{"stretched", "yesss", []string{"Yes"}},
		{"no-problem", "no problem", []string{"Yes"}},
		{"no", "no", []string{"No"}},
		{"nope", "nope", []string{"No"}},
		{"nah", "nah", []string{"No"}},
		{"no-thanks", "no thanks", []string{"No"}},
		{"no-comma-thanks", "no, thanks", []string{"No"}},
		{"not-really", "not really", []string{"No"}},
		{"negative", "negative", []string{"No"}},
		{"n", "n", []string{"No"}},
		{"of-course-not", "of course not", []string{"No"}},
		{"not-plus-yes", "not ok", []string{"No"}},
		{"stretched-no", "noooo", []string{"No"}},
		{"not-sure", "not sure", nil},
		{"dont-know", "I don't know", nil},
		{"maybe", "maybe", nil},
		{"unrelated", "book a table", nil},
		{"no-inside-word", "know", nil},
		{"two", "yes and no", []string{"Yes", "No"}},
	})
}

func TestDate(t *testing.T) {
	runValues(t, fields.Date, []valuesCase{
		{"iso", "2026-01-06", []string{"2026-01-06"}},
		{"iso-slashes", "2026/1/6", []string{"2026-01-06"}},
		{"us", "1/6/2026", []string{"2026-01-06"}},
		{"us-short-year", "12/25/26", []string{"2026-12-25"}},
		{"us-no-year", "1/6", []string{"2026-01-06"}},
		{"us-no-year-past", "1/4", []string{"2027-01-04"}},
		{"us-today", "1/5", []string{"2026-01-05"}},
		{"written", "January 6", []string{"2026-01-06"}},
		{"abbreviated-ordinal", "Jan 6th", []string{"2026-01-06"}},
		{"abbreviated-dot", "Jan. 6", []string{"2026-01-06"}},
		{"with-year", "January 6, 2026", []string{"2026-01-06"}},
		{"day-month-year", "6 January 2026", []string{"2026-01-06"}},
		{"the-nth-of", "the 6th of January", []string{"2026-01-06"}},
		{"ordinal-word", "january sixth", []string{"2026-01-06"}},
		{"ordinal-compound", "march twenty-first", []string{"2026-03-21"}},
		{"weekday-and-date", "Tuesday, January 6th, 2027", []string{"2027-01-06"}},
		{"no-year-past", "January 4", []string{"2027-01-04"}},
		{"the-nth", "on the 6th", []string{"2026-01-06"}},
		{"the-nth-past", "the 2nd", []string{"2026-02-02"}},
		{"feb-29", "February 29", []string{"2028-02-29"}},
		{"invalid", "February 30", nil},
		{"invalid-numeric", "13/1/2026", nil},
		{"today", "today", []string{"2026-01-05"}},
		{"tonight", "tonight", []string{"2026-01-05"}},
		{"tomorrow", "tomorrow", []string{"2026-01-06"}},
		{"tomorrow-typo", "tmrw", []string{"2026-01-06"}},
		{"day-after-tomorrow", "day after tomorrow", []string{"2026-01-07"}},
		{"the-day-after-tomorrow", "the day after tomorrow", []string{"2026-01-07"}},
		{"yesterday", "yesterday", []string{"2026-01-04"}},
		{"weekday-same-day", "monday", []string{"2026-01-12"}},
		{"next-monday", "next monday", []string{"2026-01-12"}},
		{"this-friday", "this friday", []string{"2026-01-09"}},
		{"wednesday", "on Wednesday", []string{"2026-01-07"}},
		{"last-friday", "last friday", []string{"2026-01-02"}},
		{"sat-capital", "Sat", []string{"2026-01-10"}},
		{"sat-verb", "I sat down", nil},
		{"in-days", "in 3 days", []string{"2026-01-08"}},
		{"in-words", "in two weeks", []string{"2026-01-19"}},
		{"in-a-month", "in a month", []string{"2026-02-05"}},
		{"from-now", "3 days from now", []string{"2026-01-08"}},
		{"next-week", "next week", []string{"2026-01-12"}},
		{"next-month", "next month", []string{"2026-02-05"}},
		{"next-year", "next year", []string{"2027-01-05"}},
		{"this-weekend", "this weekend", []string{"2026-01-10"}},
		{"sentence", "can I book for tomorrow at 7pm", []string{"2026-01-06"}},
		{"may-verb", "may I come", nil},
		{"number-alone", "7", nil},
		{"none", "whenever", nil},
	})
}

func TestDateUsesNowLocation(t *testing.T) {
	// 2026-01-05 23:30 in New York is already 2026-01-06 in UTC.
	ny := time.FixedZone("EST", -5*3600)
	in := fields.Input{Text: "tomorrow", Now: time.Date(2026, 1, 5, 23, 30, 0, 0, ny)}
	got, ok := fields.Answer(fields.Date, in)
	if !ok || got != "2026-01-06" {
		t.Errorf("Answer(DATE, %q) = %q, %v; want 2026-01-06", in.Text, got, ok)
	}
}

func TestDateMonthEnd(t *testing.T) {
	in := fields.Input{Text: "in a month", Now: time.Date(2026, 1, 31, 9, 0, 0, 0, time.UTC)}
	got, _ := fields.Answer(fields.Date, in)
	if got != "2026-02-28" {
		t.Errorf("Answer(DATE, %q) on Jan 31 = %q; want 2026-02-28", in.Text, got)
	}
}

func TestTime(t *testing.T) {
	runValues(t, fields.Time, []valuesCase{
		{"pm", "7pm", []string{"19:00"}},
		{"pm-space", "7 pm", []string{"19:00"}},
		{"pm-dots", "7 p.m.", []string{"19:00"}},
		{"minutes-pm", "7:30 pm", []string{"19:30"}},
		{"minutes-pm-glued", "7:30pm", []string{"19:30"}},
		{"dot-pm", "7.30pm", []string{"19:30"}},
		{"24h", "19:00", []string{"19:00"}},
		{"24h-seconds", "19:00:30", []string{"19:00"}},
		{"am", "9am", []string{"09:00"}},
		{"12am", "12am", []string{"00:00"}},
		{"12pm", "12pm", []string{"12:00"}},
		{"oclock", "7 o'clock", []string{"07:00"}},
		{"oclock-word", "seven o'clock", []string{"07:00"}},
		{"oclock-evening", "7 o'clock in the evening", []string{"19:00"}},
		{"noon", "noon", []string{"12:00"}},
		{"12-noon", "12 noon", []string{"12:00"}},
		{"midnight", "midnight", []string{"00:00"}},
		{"half-past", "half past four", []string{"04:30"}},
		{"half-past-afternoon", "half past four in the afternoon", []string{"16:30"}},
		{"quarter-past", "quarter past 4", []string{"04:15"}},
		{"quarter-to", "quarter to five", []string{"04:45"}},
		{"ten-past", "ten past six", []string{"06:10"}},
		{"twenty-to", "20 to 7", []string{"06:40"}},
		{"minutes-past", "5 minutes past 3", []string{"03:05"}},
		{"evening", "7 in the evening", []string{"19:00"}},
		{"morning", "9 in the morning", []string{"09:00"}},
		{"tonight", "8 tonight", []string{"20:00"}},
		{"tonight-first", "tonight at 8", []string{"20:00"}},
		{"evening-first", "this evening at 7:30", []string{"19:30"}},
		{"afternoon-first", "tomorrow afternoon at 3", []string{"15:00"}},
		{"morning-first", "tomorrow morning at 9", []string{"09:00"}},
		{"own-meridiem-wins", "tonight at 8am", []string{"08:00"}},
		{"at-night", "11 at night", []string{"23:00"}},
		{"at", "at 7", []string{"07:00"}},
		{"at-word", "at seven", []string{"07:00"}},
		{"at-minutes", "at seven thirty", []string{"07:30"}},
		{"at-clock", "at 7:30", []string{"07:30"}},
		{"words-pm", "seven thirty pm", []string{"19:30"}},
		{"oh-five", "seven oh five pm", []string{"19:05"}},
		{"alone", "7", []string{"07:00"}},
		{"alone-words", "seven thirty", []string{"07:30"}},
		{"sentence", "can I book for tomorrow at 7pm", []string{"19:00"}},
		{"number-in-sentence", "a table for 4", nil},
		{"invalid-minutes", "7:75", nil},
		{"invalid-am", "13am", nil},
		{"none", "whenever", nil},
	})
}

func TestFirstName(t *testing.T) {
	runValues(t, fields.FirstName, []valuesCase{
		{"alone", "valentina", []string{"Valentina"}},
		{"capitalised", "Valentina", []string{"Valentina"}},
		{"cue", "my name is Valentina", []string{"Valentina"}},
		{"cue-lower", "my name is john", []string{"John"}},
		{"im", "I'm Sofia", []string{"Sofia"}},
		{"unlisted-after-cue", "my name is Xiomara", []string{"Xiomara"}},
		{"unlisted-upper", "my name is XIOMARA", []string{"Xiomara"}},
		{"common-word-cue", "call me will", []string{"Will"}},
		{"common-word-alone", "Grace", []string{"Grace"}},
		{"common-word-mid-sentence", "book it for Grace", []string{"Grace"}},
		{"common-word-lower", "i will call", nil},
		{"common-word-start", "Will you book", nil},
		{"not-a-name-after-cue", "my name is not important", nil},
		{"none", "hello there", nil},
		{"accented", "josé", []string{"Jose"}},
	})
}

func TestCity(t *testing.T) {
	runValues(t, fields.City, []valuesCase{
		{"one-word", "paris", []string{"Paris"}},
		{"multi-word", "new york", []string{"New York"}},
		{"alias", "nyc", []string{"New York"}},
		{"new-york-city", "New York City", []string{"New York"}},
		{"accents-folded", "I live in sao paulo", []string{"São Paulo"}},
		{"accents-kept", "São Paulo", []string{"São Paulo"}},
		{"st-dot", "St. Louis", []string{"St. Louis"}},
		{"st-for-saint", "st paul", []string{"Saint Paul"}},
		{"hyphen", "winston-salem", []string{"Winston-Salem"}},
		{"longest", "los angeles", []string{"Los Angeles"}},
		{"old-name", "bombay", []string{"Mumbai"}},
		{"sentence", "I want to fly from London to Tokyo", []string{"London", "Tokyo"}},
		{"ambiguous-lower", "that is nice", nil},
		{"ambiguous-capital", "a week in Nice", []string{"Nice"}},
		{"ambiguous-alone", "nice", []string{"Nice"}},
		{"none", "somewhere warm", nil},
	})
}

func TestCustom(t *testing.T) {
	food := fields.Custom([]fields.Value{
		{Value: "french fries"},
		{Value: "fries", SynonymOf: "french fries"},
		{Value: "chips", SynonymOf: "french fries"},
		{Value: "hamburger"},
		{Value: "burger", SynonymOf: "hamburger"},
		{Value: "cheeseburger"},
		{Value: "ice cream"},
		{Value: "pie"},
	})
	runValues(t, food, []valuesCase{
		{"value", "hamburger", []string{"hamburger"}},
		{"case", "HAMBURGER", []string{"hamburger"}},
		{"synonym", "a burger please", []string{"hamburger"}},
		{"multi-word", "french fries", []string{"french fries"}},
		{"longest", "some french fries", []string{"french fries"}},
		{"synonym-of-multi-word", "chips", []string{"french fries"}},
		{"several", "a burger, fries and ice cream", []string{"hamburger", "french fries", "ice cream"}},
		{"misspelt", "hamburgr", []string{"hamburger"}},
		{"misspelt-long-two-edits", "chesseburgr", []string{"cheeseburger"}},
		{"swapped-letters", "fires", []string{"french fries"}},
		{"misspelt-multi-word", "frnech fries", []string{"french fries"}},
		{"exact-over-fuzzy", "burger", []string{"hamburger"}},
		{"short-words-exact", "pies", nil},
		{"short-word", "pie", []string{"pie"}},
		{"word-boundary", "hamburgers", []string{"hamburger"}},
		{"inside-word", "spied", nil},
		{"too-far", "hmbrgr", nil},
		{"none", "a salad", nil},
	})

	dogs := fields.Custom([]fields.Value{
		{Value: "yesDogs"},
		{Value: "allow dogs", SynonymOf: "yesDogs"},
		{Value: "noDogs"},
		{Value: "no dogs allowed", SynonymOf: "noDogs"},
	})
	runValues(t, dogs, []valuesCase{
		{"camel-case", "yesDogs", []string{"yesDogs"}},
		{"camel-case-split", "yes dogs", []string{"yesDogs"}},
		{"synonym", "we allow dogs", []string{"yesDogs"}},
		{"longest-synonym", "no dogs allowed", []string{"noDogs"}},
	})
}

func TestCustomEmpty(t *testing.T) {
	if ms := fields.Custom(nil).Extract(fields.Input{Text: "anything"}); ms != nil {
		t.Errorf("Custom(nil).Extract = %v; want nil", ms)
	}
}

func TestMatchOffsets(t *testing.T) {
	tests := []struct {
		name string
		e    fields.Extractor
		text string
		want []fields.Match
	}{
		{"number", fields.Number, "there will be 4 of us", []fields.Match{{Value: "4", Start: 14, End: 15}}},
		{"name-after-cue", fields.FirstName, "my name is Valentina", []fields.Match{{Value: "Valentina", Start: 11, End: 20}}},
		{"city-accents", fields.City, "to São Paulo!", []fields.Match{{Value: "São Paulo", Start: 3, End: 13}}},
		{"time-at", fields.Time, "see you at 7", []fields.Match{{Value: "07:00", Start: 8, End: 12}}},
		{"date", fields.Date, "Jan 6th please", []fields.Match{{Value: "2026-01-06", Start: 0, End: 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.e.Extract(fields.Input{Text: tt.text, Now: now})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestExact(t *testing.T) {
	tests := []struct {
		name   string
		e      fields.Extractor
		text   string
		want   string
		wantOK bool
	}{
		{"number", fields.Number, "12", "12", true},
		{"number-punctuation", fields.Number, " 12! ", "12", true},
		{"number-words", fields.Number, "twenty two", "22", true},
		{"number-filler", fields.Number, "um, 12", "12", true},
		{"number-extra-words", fields.Number, "12 people", "", false},
		{"two-numbers", fields.Number, "1 2", "", false},
		{"date-its", fields.Date, "it's tomorrow", "2026-01-06", true},
		{"date-sentence", fields.Date, "tomorrow at noon", "", false},
		{"time", fields.Time, "7:30 pm", "19:30", true},
		{"yes-no", fields.YesNo, "Yes.", "Yes", true},
		{"name", fields.FirstName, "Valentina", "Valentina", true},
		{"city", fields.City, "new york", "New York", true},
		{"no-match", fields.Number, "hello", "", false},
		{"empty", fields.Number, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := fields.Exact(tt.e, fields.Input{Text: tt.text, Now: now})
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Exact(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestAnswer(t *testing.T) {
	tests := []struct {
		name   string
		typ    string
		text   string
		want   string
		wantOK bool
	}{
		{"number", "Twilio.NUMBER", "there will be 4 of us", "4", true},
		{"number-words", "Twilio.NUMBER", "we are twenty two", "22", true},
		{"yes", "Twilio.YES_NO", "yes please", "Yes", true},
		{"no", "Twilio.YES_NO", "no, thank you", "No", true},
		{"leftmost", "Twilio.YES_NO", "yes, no wait", "Yes", true},
		{"name", "Twilio.FIRST_NAME", "my name is Valentina", "Valentina", true},
		{"name-hi", "Twilio.FIRST_NAME", "hi, I'm Sofia", "Sofia", true},
		{"date", "Twilio.DATE", "how about next friday?", "2026-01-09", true},
		{"time", "Twilio.TIME", "let's say half past four in the afternoon", "16:30", true},
		{"city", "Twilio.CITY", "I'm flying to los angeles", "Los Angeles", true},
		{"nothing", "Twilio.NUMBER", "lots of us", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := fields.Builtin(tt.typ)
			if !ok {
				t.Fatalf("Builtin(%q) not found", tt.typ)
			}
			got, ok := fields.Answer(e, fields.Input{Text: tt.text, Now: now})
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Answer(%s, %q) = %q, %v; want %q, %v", tt.typ, tt.text, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestBuiltinNames(t *testing.T) {
	all := []string{
		"Twilio.NUMBER", "Twilio.NUMBER_SEQUENCE", "Twilio.ALPHANUMERIC", "Twilio.PHONE_NUMBER",
		"Twilio.EMAIL", "Twilio.DATE", "Twilio.TIME", "Twilio.DAY_OF_WEEK", "Twilio.MONTH",
		"Twilio.YES_NO", "Twilio.FIRST_NAME", "Twilio.LAST_NAME", "Twilio.CITY", "Twilio.US_STATE",
		"Twilio.COUNTRY", "Twilio.COUNTRY_ISO_ALPHA2", "Twilio.COUNTRY_ISO_ALPHA3",
		"Twilio.CURRENCY", "Twilio.LANGUAGE",
	}
	for _, n := range all {
		if !fields.IsBuiltin(n) {
			t.Errorf("IsBuiltin(%q) = false", n)
		}
		if e, ok := fields.Builtin(n); !ok || e == nil {
			t.Errorf("Builtin(%q) = %v, %v", n, e, ok)
		}
	}
	for _, n := range []string{"Twilio.Email", "twilio.number", "TWILIO.YES_NO"} {
		if !fields.IsBuiltin(n) {
			t.Errorf("IsBuiltin(%q) = false; names are case-insensitive", n)
		}
	}
	for _, n := range []string{"", "Custom.FOOD", "Twilio.", "Twilio.FOO", "NUMBER"} {
		if fields.IsBuiltin(n) {
			t.Errorf("IsBuiltin(%q) = true", n)
		}
	}
}

// TestNoPlaceholder checks that no built-in accepts arbitrary text.
func TestNoPlaceholder(t *testing.T) {
	for _, n := range []string{
		"Twilio.NUMBER", "Twilio.NUMBER_SEQUENCE", "Twilio.ALPHANUMERIC", "Twilio.PHONE_NUMBER",
		"Twilio.EMAIL", "Twilio.DATE", "Twilio.TIME", "Twilio.DAY_OF_WEEK", "Twilio.MONTH",
		"Twilio.YES_NO", "Twilio.FIRST_NAME", "Twilio.LAST_NAME", "Twilio.CITY", "Twilio.US_STATE",
		"Twilio.COUNTRY", "Twilio.COUNTRY_ISO_ALPHA2", "Twilio.COUNTRY_ISO_ALPHA3",
		"Twilio.CURRENCY", "Twilio.LANGUAGE",
	} {
		e, _ := fields.Builtin(n)
		for _, text := range []string{"what do you mean by that", "hmm, let me think about it"} {
			if ms := e.Extract(fields.Input{Text: text, Now: now}); len(ms) > 0 {
				t.Errorf("%s extracts %v from %q", n, ms, text)
			}
		}
	}
}

func TestOtherBuiltins(t *testing.T) {
	tests := []struct {
		typ  string
		text string
		want []string
	}{
		{"Twilio.EMAIL", "it's ana.diaz@example.com.", []string{"ana.diaz@example.com"}},
		{"Twilio.EMAIL", "ana dot diaz at example dot com", []string{"ana.diaz@example.com"}},
		{"Twilio.EMAIL", "meet me at noon", nil},
		{"Twilio.PHONE_NUMBER", "+1 (415) 555-0100", []string{"+14155550100"}},
		{"Twilio.PHONE_NUMBER", "call 415.555.0100 now", []string{"4155550100"}},
		{"Twilio.PHONE_NUMBER", "table for 4", nil},
		{"Twilio.NUMBER_SEQUENCE", "four one five oh", []string{"4150"}},
		{"Twilio.NUMBER_SEQUENCE", "1 2 3 4", []string{"1234"}},
		{"Twilio.ALPHANUMERIC", "my code is AB-1234", []string{"AB1234"}},
		{"Twilio.ALPHANUMERIC", "no code", nil},
		{"Twilio.DAY_OF_WEEK", "on tues", []string{"Tuesday"}},
		{"Twilio.MONTH", "sept", []string{"September"}},
		{"Twilio.MONTH", "I may go", nil},
		{"Twilio.US_STATE", "I live in new york", []string{"New York"}},
		{"Twilio.US_STATE", "CA", []string{"California"}},
		{"Twilio.US_STATE", "ok", nil},
	}
	for _, tt := range tests {
		t.Run(tt.typ+"/"+tt.text, func(t *testing.T) {
			e, ok := fields.Builtin(tt.typ)
			if !ok {
				t.Fatalf("Builtin(%q) not found", tt.typ)
			}
			runValues(t, e, []valuesCase{{"case", tt.text, tt.want}})
		})
	}
}

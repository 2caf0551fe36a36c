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
		"Tuesday, January 6th, 2027", "on the 31st", "9999-12-31 plus tomorrow",
		"valentine's day", "thanksgiving", "easter monday", "new year's eve")
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

var (
	alpha2RE   = regexp.MustCompile(`^[A-Z]{2}$`)
	alpha3RE   = regexp.MustCompile(`^[A-Z]{3}$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	phoneRE    = regexp.MustCompile(`^\+?[0-9]{7,15}$`)
)

// FuzzCountry checks the three country types agree on where countries are.
func FuzzCountry(f *testing.F) {
	addSeeds(f, "we're based in canada", "the US", "U.S.A.", "UK", "côte d’ivoire", "CA", "NO",
		"Trinidad & Tobago", "st. lucia", "the United States of America", "Turkey turkey",
		"Congo-Kinshasa", "DEU", "U.S", "the u.s.a")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.Country, s, func(v string) bool { return utf8.ValidString(v) && v != "" })
		fuzzExtractor(t, fields.CountryISOAlpha2, s, alpha2RE.MatchString)
		fuzzExtractor(t, fields.CountryISOAlpha3, s, alpha3RE.MatchString)
		in := fields.Input{Text: s}
		a, b, c := fields.Country.Extract(in), fields.CountryISOAlpha2.Extract(in), fields.CountryISOAlpha3.Extract(in)
		if len(a) != len(b) || len(a) != len(c) {
			t.Fatalf("%q: %v, %v, %v", s, a, b, c)
		}
		for k := range a {
			if a[k].Start != b[k].Start || a[k].End != c[k].End {
				t.Fatalf("%q: %v, %v, %v", s, a, b, c)
			}
		}
	})
}

func FuzzCurrency(f *testing.F) {
	addSeeds(f, "50 dollars", "$50", "US$100", "20€", "C$", "canadian dollars", "5000 won", "TRY",
		"try", "R$ 50", "złoty", "¥", "pounds sterling", "$")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.Currency, s, currencyRE.MatchString)
	})
}

func FuzzLanguage(f *testing.F) {
	addSeeds(f, "spanish", "español", "日本語", "mandarin", "I speak Polish", "brazilian portuguese",
		"ASL", "Norwegian Bokmål", "en français")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.Language, s, func(v string) bool { return utf8.ValidString(v) && v != "" })
	})
}

func FuzzLastName(f *testing.F) {
	addSeeds(f, "Rossi", "Valentina Rossi", "my last name is de la Cruz", "Mr. Smith", "O'Brien",
		"obrien", "Smith-Jones", "Rodríguez López", "it's Rossi", "surname: van der", "mc", "o'",
		"ǅ", "İstanbul", "MCDONALD")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.LastName, s, func(v string) bool { return utf8.ValidString(v) && v != "" })
	})
}

func FuzzPhoneNumber(f *testing.F) {
	addSeeds(f, "+1 (415) 555-0100", "415.555.0100", "four one five five five five zero one three four",
		"plus one four one five double five five oh one oh oh", "1,234,567", "(415) 555-0100",
		"four one five, five five five, oh one three four", "+ 1 415", "double double five")
	f.Fuzz(func(t *testing.T, s string) {
		fuzzExtractor(t, fields.PhoneNumber, s, phoneRE.MatchString)
	})
}

package fields

import (
	"strings"
	"sync"
	"time"
)

// Email extracts Twilio.EMAIL values: written addresses ("Ana.Diaz@example.com")
// and spoken ones ("ana dot diaz at example dot com"). The value is
// lower-cased.
var Email Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, parseEmail)
})

func parseEmail(ts tokens, i int) (string, int, bool) {
	if !ts.boundaryBefore(i) {
		return "", 0, false
	}
	local, j, ok := emailPart(ts, i, true)
	if !ok {
		return "", 0, false
	}
	switch {
	case ts.punct(j, "@"):
		j++
	case ts.isWord(j, "at") && ts[j].space:
		j++
	default:
		return "", 0, false
	}
	domain, k, ok := emailPart(ts, j, false)
	if !ok || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", 0, false
	}
	return strings.ToLower(local + "@" + domain), k, true
}

// emailPart reads the local part or the domain: words, digits and the
// punctuation allowed there, joined without spaces, or "dot" between words.
func emailPart(ts tokens, i int, local bool) (string, int, bool) {
	var b strings.Builder
	j := i
	for j < len(ts) {
		t := ts[j]
		if j > i && t.space {
			// Only " dot " may join spoken parts.
			if t.kind == wordToken && t.text == "dot" && j+1 < len(ts) && ts[j+1].kind != punctToken {
				b.WriteByte('.')
				j++
				continue
			}
			if b.Len() > 0 && strings.HasSuffix(b.String(), ".") && t.kind != punctToken {
				b.WriteString(t.raw)
				j++
				continue
			}
			break
		}
		switch {
		case t.kind != punctToken:
			b.WriteString(t.raw)
		case t.text == "." || t.text == "-" || t.text == "_" || local && t.text == "+":
			if j+1 >= len(ts) || ts[j+1].space || ts[j+1].kind == punctToken {
				return b.String(), j, b.Len() > 0 // sentence full stop
			}
			b.WriteString(t.text)
		default:
			return b.String(), j, b.Len() > 0
		}
		j++
	}
	return b.String(), j, b.Len() > 0
}

// PhoneNumber extracts Twilio.PHONE_NUMBER values: 7 to 15 digits, written
// ("+1 (415) 555-0100", "415.555.0100") or spoken one by one ("four one
// five, five five five, oh one three four", "double five", "plus one"),
// with optional "+", spaces, commas between spoken groups, dots, dashes and
// parentheses. The value is the digits, with the "+" kept when given:
// "+14155550100", "4155550134".
var PhoneNumber Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, parsePhone)
})

func parsePhone(ts tokens, i int) (string, int, bool) {
	if !ts.boundaryBefore(i) {
		return "", 0, false
	}
	var b strings.Builder
	j := i
	switch {
	case ts.punct(j, "+") && ts.num(j+1) != "" && ts.glued(j+1):
		b.WriteByte('+')
		j++
	case ts.isWord(j, "plus") && spokenDigitAt(ts, j+1):
		b.WriteByte('+')
		j++
	}
	last := i
	for j < len(ts) {
		if d, k := digitsAt(ts, j, b.Len() > 0 && b.String() != "+"); k > j {
			b.WriteString(d)
			j = k
			last = j
			continue
		}
		if ts[j].kind == punctToken && strings.Contains("()-.,", ts[j].text) {
			// Separators between groups, never two in a row but ") -".
			if digitsStartAt(ts, j+1) || ts.punct(j+1, "(") || ts.punct(j, ")") && (ts.punct(j+1, "-") || ts.punct(j+1, ".")) && digitsStartAt(ts, j+2) {
				if ts.punct(j, ",") && (ts.num(j-1) != "" || ts.num(j+1) != "") {
					break // commas join spoken groups only: "3, 4, 5" is a list
				}
				j++
				continue
			}
		}
		break
	}
	v := b.String()
	n := len(v) - strings.Count(v, "+")
	if last == i || n < 7 || n > 15 || !ts.boundaryAfter(last) {
		return "", 0, false
	}
	return v, last, true
}

// digitsAt reads the digits at token i: a run of digits, a digit word
// ("five"), "oh" when a digit came before, or "double"/"triple" and a
// digit. It returns the digits and the index past them (i when none).
func digitsAt(ts tokens, i int, after bool) (string, int) {
	if d := ts.num(i); d != "" {
		return d, i + 1
	}
	w := ts.word(i)
	if u, ok := units[w]; ok && u < 10 {
		return string(byte('0' + u)), i + 1
	}
	if (w == "oh" || w == "o") && after {
		return "0", i + 1
	}
	if n := map[string]int{"double": 2, "triple": 3}[w]; n > 0 {
		if d, k := digitsAt(ts, i+1, true); k == i+2 && len(d) == 1 {
			return strings.Repeat(d, n), k
		}
	}
	return "", i
}

// digitsStartAt reports whether digits start at token i ("oh" counts:
// a separator is always preceded by digits).
func digitsStartAt(ts tokens, i int) bool {
	_, k := digitsAt(ts, i, true)
	return k > i
}

// spokenDigitAt reports whether a digit word or digits start at token i.
func spokenDigitAt(ts tokens, i int) bool {
	_, k := digitsAt(ts, i, false)
	return k > i
}

// NumberSequence extracts Twilio.NUMBER_SEQUENCE values: digits read one by
// one, as digits or words ("four one five", "4 1 5", "oh", "double 5"). The
// value is the digits: "415".
var NumberSequence Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		var b strings.Builder
		j := i
		for j < len(ts) {
			if d := ts.num(j); d != "" {
				b.WriteString(d)
				j++
				continue
			}
			if ts.punct(j, "-") && b.Len() > 0 && ts.num(j+1) != "" {
				j++
				continue
			}
			w := ts.word(j)
			if u, ok := units[w]; ok && u < 10 {
				b.WriteByte(byte('0' + u))
				j++
				continue
			}
			if w == "oh" && b.Len() > 0 {
				b.WriteByte('0')
				j++
				continue
			}
			if (w == "double" || w == "triple") && j+1 < len(ts) {
				if u, ok := units[ts.word(j+1)]; ok && u < 10 {
					b.WriteString(strings.Repeat(string(byte('0'+u)), map[string]int{"double": 2, "triple": 3}[w]))
					j += 2
					continue
				}
			}
			break
		}
		if b.Len() == 0 || !ts.boundaryBefore(i) || !ts.boundaryAfter(j) {
			return "", 0, false
		}
		return b.String(), j, true
	})
})

// Alphanumeric extracts Twilio.ALPHANUMERIC values: a code of letters and
// digits with at least one digit, possibly with dashes ("AB-1234", "x9k2").
// The value is upper-cased without dashes: "AB1234".
var Alphanumeric Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		if ts[i].kind == punctToken || !ts.boundaryBefore(i) {
			return "", 0, false
		}
		var b strings.Builder
		digits := false
		j := i
	loop:
		for ; j < len(ts) && (j == i || !ts[j].space); j++ {
			switch {
			case ts[j].kind == numToken:
				digits = true
				b.WriteString(ts[j].text)
			case ts[j].kind == wordToken:
				b.WriteString(strings.ToUpper(ts[j].raw))
			case ts[j].text == "-" && j+1 < len(ts) && !ts[j+1].space && ts[j+1].kind != punctToken:
				// "AB-1234": the dash is dropped
			default:
				break loop
			}
		}
		if !digits || b.Len() < 2 {
			return "", 0, false
		}
		return b.String(), j, true
	})
})

// DayOfWeek extracts Twilio.DAY_OF_WEEK values: "monday", "Tues" →
// "Monday", "Tuesday".
var DayOfWeek Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		d, ok := weekdayAt(ts, i)
		if !ok || !ts.boundaryBefore(i) {
			return "", 0, false
		}
		return d.String(), i + 1, true
	})
})

// Month extracts Twilio.MONTH values: "jan", "September" → "January",
// "September". "may" and "march" count only when capitalised or alone.
var Month Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		w := ts.word(i)
		m, ok := monthNames[w]
		if !ok || !ts.boundaryBefore(i) {
			return "", 0, false
		}
		if (w == "may" || w == "march") && !ts[i].upper && !ts.only(i, i+1) {
			return "", 0, false
		}
		return time.Month(m).String(), i + 1, true
	})
})

// USState extracts Twilio.US_STATE values: state names and postal codes
// ("new york", "CA") → "New York", "California". Two-letter codes count only
// when written in capitals.
var USState Extractor = ExtractorFunc(func(in Input) []Match {
	l := stateLexicon()
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		if !ts.boundaryBefore(i) {
			return "", 0, false
		}
		if w := ts.word(i); len(w) == 2 && ts[i].raw == strings.ToUpper(ts[i].raw) && ts.boundaryAfter(i+1) {
			if s, ok := stateCodes[strings.ToUpper(w)]; ok {
				return s, i + 1, true
			}
		}
		c, j, ok := l.longest(ts, i)
		return c, j, ok
	})
})

var stateCodes = map[string]string{
	"AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
	"CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
	"HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
	"KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
	"MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
	"MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
	"NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
	"ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
	"RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
	"TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
	"WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}

var stateLexicon = sync.OnceValue(func() *lexicon {
	l := newLexicon()
	for _, s := range stateCodes {
		l.add(s, s, false)
	}
	l.add("washington dc", "District of Columbia", true)
	l.add("washington d c", "District of Columbia", true)
	return l
})

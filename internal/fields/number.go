package fields

import (
	"math/big"
	"strings"
)

// Number extracts Twilio.NUMBER values: cardinal numbers written in digits
// ("12", "-3", "2.5", "1,000", "3rd", "5k", "1.5 million") or in English
// words ("twenty two", "one hundred and five", "a dozen", "two point five",
// "minus three"). The value is a plain decimal string: "1000", "-3", "2.5".
//
// Only numbers are numbers: "just me", "me and my wife" or "a couple of us"
// answer "how many people?" without one, and reading them as 1, 2 or 2 is
// the bot's business (a custom field type or a follow-up question), not
// NUMBER's.
var Number Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, parseNumber)
})

var units = map[string]int64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19,
}

var tens = map[string]int64{
	"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

var scales = map[string]int64{
	"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
}

// parseNumber reads one number at token i.
func parseNumber(ts tokens, i int) (string, int, bool) {
	if !ts.boundaryBefore(i) {
		return "", 0, false // inside "a7" or "7a"
	}
	neg := false
	k := i
	switch {
	case ts.isWord(k, "minus", "negative") && startsNumber(ts, k+1):
		neg, k = true, k+1
	case ts.punct(k, "-") && ts[k].space && ts.num(k+1) != "" && ts.glued(k+1):
		neg, k = true, k+1
	}
	r, j, ok := parseDigitNumber(ts, k)
	if !ok {
		r, j, ok = parseWordNumber(ts, k)
	}
	if !ok {
		return "", 0, false
	}
	if neg {
		r.Neg(r)
	}
	return formatRat(r), j, true
}

func startsNumber(ts tokens, i int) bool {
	if ts.num(i) != "" {
		return true
	}
	_, _, ok := parseWordNumber(ts, i)
	return ok
}

// parseDigitNumber reads "1,000", "2.5", "3rd", "5k", "2 million",
// "1.5 billion" or "2 dozen".
func parseDigitNumber(ts tokens, i int) (*big.Rat, int, bool) {
	s, j, ok := readDecimal(ts, i)
	if !ok {
		return nil, 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, 0, false
	}
	switch {
	case ts.glued(j) && ts.isWord(j, "st", "nd", "rd", "th") && ts.boundaryAfter(j+1):
		j++ // ordinal suffix: "3rd" is 3
	case ts.glued(j) && ts.isWord(j, "k") && ts.boundaryAfter(j+1):
		r.Mul(r, big.NewRat(1000, 1))
		j++
	case ts.isWord(j, "hundred"):
		r.Mul(r, big.NewRat(100, 1))
		j++
	case scales[ts.word(j)] > 0:
		r.Mul(r, big.NewRat(scales[ts.word(j)], 1))
		j++
	case ts.isWord(j, "dozen"):
		r.Mul(r, big.NewRat(12, 1))
		j++
	}
	if !ts.boundaryAfter(j) {
		return nil, 0, false
	}
	return r, j, true
}

// readDecimal reads digits with thousands separators and a decimal part:
// "1,000,000.5" → "1000000.5". A comma is a separator only before exactly
// three digits, so "1, 2, 3" reads as three numbers.
func readDecimal(ts tokens, i int) (string, int, bool) {
	d := ts.num(i)
	if d == "" {
		return "", 0, false
	}
	var b strings.Builder
	b.WriteString(d)
	j := i + 1
	if len(d) <= 3 {
		for ts.punct(j, ",") && ts.glued(j) && ts.glued(j+1) && len(ts.num(j+1)) == 3 {
			b.WriteString(ts.num(j + 1))
			j += 2
		}
	}
	if ts.punct(j, ".") && ts.glued(j) && ts.glued(j+1) && ts.num(j+1) != "" {
		b.WriteString(".")
		b.WriteString(ts.num(j + 1))
		j += 2
	}
	return b.String(), j, true
}

// parseWordNumber reads a number written in words: groups below a thousand
// joined by decreasing scales ("two million three hundred thousand and
// five"), then an optional "point" and digits ("two point five").
func parseWordNumber(ts tokens, i int) (*big.Rat, int, bool) {
	var total int64
	last := int64(1) << 62 // the previous scale; scales must decrease
	j := i
	read := false
	for {
		g, k, ok := parseHundreds(ts, j)
		if !ok {
			break
		}
		read = true
		s := scales[ts.word(k)]
		if s == 0 || s >= last {
			total += g
			j = k
			break
		}
		total += g * s
		last = s
		j = k + 1
		// "one thousand and five", "two million, three hundred"
		if ts.isWord(j, "and") || ts.punct(j, ",") {
			if _, _, ok := parseHundreds(ts, j+1); ok && scales[ts.word(j+1)] == 0 {
				j++
			}
		}
	}
	if !read {
		return nil, 0, false
	}
	r := new(big.Rat).SetInt64(total)
	if ts.isWord(j, "dozen") {
		r.Mul(r, big.NewRat(12, 1))
		j++
	}
	if ts.isWord(j, "point") {
		var frac strings.Builder
		k := j + 1
		for ; k < len(ts); k++ {
			if d := ts.num(k); d != "" && frac.Len() == 0 {
				frac.WriteString(d)
				continue
			}
			if u, ok := units[ts.word(k)]; ok && u < 10 {
				frac.WriteByte(byte('0' + u))
				continue
			}
			break
		}
		if frac.Len() > 0 {
			f, _ := new(big.Rat).SetString("0." + frac.String())
			r.Add(r, f)
			j = k
		}
	}
	return r, j, true
}

// parseHundreds reads a number below ten thousand in words: "five",
// "twenty-two", "a hundred", "one hundred and five", "fifteen hundred",
// "a dozen".
func parseHundreds(ts tokens, i int) (int64, int, bool) {
	if ts.isWord(i, "a", "an") {
		switch {
		case ts.isWord(i+1, "hundred"):
			v, j := 100, i+2
			if t, k, ok := afterHundred(ts, j); ok {
				return int64(v) + t, k, true
			}
			return int64(v), j, true
		case scales[ts.word(i+1)] > 0:
			return 1, i + 1, true // "a thousand": the caller reads the scale
		case ts.isWord(i+1, "dozen"):
			return 12, i + 2, true
		}
		return 0, 0, false
	}
	v, j, ok := parseTens(ts, i)
	if !ok {
		if ts.isWord(i, "hundred") {
			v, j, ok = 1, i, true
		} else {
			return 0, 0, false
		}
	}
	if ts.isWord(j, "hundred") && v > 0 {
		v *= 100
		j++
		if t, k, ok := afterHundred(ts, j); ok {
			v += t
			j = k
		}
	}
	return v, j, true
}

// afterHundred reads the "and five" of "one hundred and five".
func afterHundred(ts tokens, i int) (int64, int, bool) {
	k := i
	if ts.isWord(k, "and") {
		k++
	}
	t, j, ok := parseTens(ts, k)
	if !ok || t == 0 {
		return 0, 0, false
	}
	return t, j, true
}

// parseTens reads 0…99 in words: "seven", "fifteen", "forty", "forty-two",
// "forty two".
func parseTens(ts tokens, i int) (int64, int, bool) {
	w := ts.word(i)
	if u, ok := units[w]; ok {
		return u, i + 1, true
	}
	t, ok := tens[w]
	if !ok {
		return 0, 0, false
	}
	j := i + 1
	k := j
	if ts.punct(k, "-") && ts.glued(k) && ts.glued(k+1) {
		k++
	}
	if u, ok := units[ts.word(k)]; ok && u > 0 && u < 10 {
		return t + u, k + 1, true
	}
	return t, j, true
}

// formatRat writes r as a plain decimal: "12", "-3", "2.5". Values that
// have no finite decimal form are rounded to 12 places.
func formatRat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	for prec := 1; prec <= 40; prec++ {
		s := r.FloatString(prec)
		if x, ok := new(big.Rat).SetString(s); ok && x.Cmp(r) == 0 {
			return s
		}
	}
	s := strings.TrimRight(r.FloatString(12), "0")
	return strings.TrimSuffix(s, ".")
}

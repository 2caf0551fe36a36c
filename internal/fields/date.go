package fields

import (
	"fmt"
	"strconv"
	"time"
)

// Date extracts Twilio.DATE values as "YYYY-MM-DD". It reads
//
//   - numeric dates: ISO "2026-01-06" (also with slashes) and US month-first
//     "1/6/2026", "1/6/26", "1/6";
//   - written dates: "January 6", "Jan. 6th, 2026", "6 January 2026",
//     "the 6th of January", "January sixth", "Tuesday, January 6";
//   - "the 6th" (the next 6th of a month);
//   - relative days: "today", "tonight", "tomorrow", "the day after
//     tomorrow", "yesterday", "the day before yesterday";
//   - weekdays: "monday", "next monday", "this friday", "on sat" (see below),
//     "last monday";
//   - offsets: "in 3 days", "in two weeks", "in a month", "3 days from now",
//     "next week", "next month", "next year", "this weekend";
//   - holidays: "Christmas", "Valentine's Day", "New Year's Eve",
//     "Halloween", "the 4th of July", "Easter" and the U.S. holidays
//     defined by a weekday ("Thanksgiving", "Labor Day", "Mother's Day"),
//     as their next occurrence on or after today.
//
// Relative dates count from the date of in.Now in in.Now's own location.
// Because people book ahead, a date without a year is its next occurrence on
// or after that date ("January 6" said on 2026-03-01 is 2027-01-06), and a
// weekday, with or without "next" or "this", is its next occurrence strictly
// after today ("monday" said on a Monday is a week later). "last monday" is
// the previous one. "next week" is today plus 7 days.
var Date Extractor = ExtractorFunc(func(in Input) []Match {
	y, m, d := in.Now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		if !ts.boundaryBefore(i) {
			return "", 0, false
		}
		best, bestJ := time.Time{}, 0
		for _, p := range dateParsers {
			if t, j, ok := p(ts, i, today); ok && j > bestJ && ts.boundaryAfter(j) {
				best, bestJ = t, j
			}
		}
		if bestJ == 0 || best.Year() < 1 || best.Year() > 9999 {
			return "", 0, false
		}
		return formatDate(best), bestJ, true
	})
})

type dateParser func(ts tokens, i int, today time.Time) (time.Time, int, bool)

var dateParsers = []dateParser{
	parseNumericDate, parseWrittenDate, parseTheNth, parseRelativeDay,
	parseWeekday, parseOffset, parseHoliday,
}

// mkDate returns the date y-m-d if it exists (no February 30).
func mkDate(y int, m time.Month, d int) (time.Time, bool) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t, t.Day() == d && t.Month() == m
}

// nextOccurrence returns month m, day d in the first year from today's on
// which it falls on or after today.
func nextOccurrence(today time.Time, m time.Month, d int) (time.Time, bool) {
	for y := today.Year(); y <= today.Year()+8; y++ {
		if t, ok := mkDate(y, m, d); ok && !t.Before(today) {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseNumericDate reads "2026-01-06", "2026/1/6", "1/6/2026", "1/6/26",
// "1-6-2026" and "1/6".
func parseNumericDate(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	a := ts.num(i)
	if a == "" || len(a) > 4 {
		return time.Time{}, 0, false
	}
	sep := ""
	switch {
	case ts.punct(i+1, "/"):
		sep = "/"
	case ts.punct(i+1, "-"):
		sep = "-"
	default:
		return time.Time{}, 0, false
	}
	b := ts.num(i + 2)
	if !ts.glued(i+1) || !ts.glued(i+2) || b == "" || len(b) > 2 {
		return time.Time{}, 0, false
	}
	c := ""
	if ts.punct(i+3, sep) && ts.glued(i+3) && ts.glued(i+4) {
		c = ts.num(i + 4)
	}
	ai, _ := strconv.Atoi(a)
	bi, _ := strconv.Atoi(b)
	if len(a) == 4 { // ISO: year first
		ci, err := strconv.Atoi(c)
		if err != nil || len(c) > 2 {
			return time.Time{}, 0, false
		}
		t, ok := mkDate(ai, time.Month(bi), ci)
		return t, i + 5, ok
	}
	if len(a) > 2 {
		return time.Time{}, 0, false
	}
	if c == "" {
		if sep == "-" { // "5-6" is more often a range than a date
			return time.Time{}, 0, false
		}
		t, ok := nextOccurrence(today, time.Month(ai), bi)
		return t, i + 3, ok
	}
	ci, _ := strconv.Atoi(c)
	switch len(c) {
	case 2:
		ci += 2000
	case 4:
	default:
		return time.Time{}, 0, false
	}
	t, ok := mkDate(ci, time.Month(ai), bi)
	return t, i + 5, ok
}

// parseWrittenDate reads a date with a month name, optionally after a
// weekday: "January 6", "Jan. 6th, 2026", "January the 6th", "6 January",
// "the 6th of January 2026", "Tuesday, January 6".
func parseWrittenDate(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	k := i
	if _, ok := weekdayAt(ts, k); ok {
		k++
		if ts.punct(k, ",") {
			k++
		}
	}
	// month day
	if m, ok := monthNames[ts.word(k)]; ok {
		j := k + 1
		if ts.punct(j, ".") && ts.glued(j) {
			j++
		}
		if ts.isWord(j, "the") {
			j++
		}
		if d, j, ok := parseDay(ts, j); ok {
			return withYear(ts, j, today, m, d)
		}
		return time.Time{}, 0, false
	}
	// [the] day [of] month
	if ts.isWord(k, "the") {
		k++
	}
	d, j, ok := parseDay(ts, k)
	if !ok {
		return time.Time{}, 0, false
	}
	if ts.isWord(j, "of") {
		j++
	}
	m, ok := monthNames[ts.word(j)]
	if !ok {
		return time.Time{}, 0, false
	}
	j++
	if ts.punct(j, ".") && ts.glued(j) {
		j++
	}
	return withYear(ts, j, today, m, d)
}

// withYear finishes a written date with an optional year at token j:
// ", 2026" or " 2026". Without one, it is the next occurrence.
func withYear(ts tokens, j int, today time.Time, m time.Month, d int) (time.Time, int, bool) {
	k := j
	if ts.punct(k, ",") {
		k++
	}
	if y := ts.num(k); len(y) == 4 && ts.boundaryAfter(k+1) {
		yi, _ := strconv.Atoi(y)
		t, ok := mkDate(yi, m, d)
		return t, k + 1, ok
	}
	t, ok := nextOccurrence(today, m, d)
	return t, j, ok
}

// parseDay reads a day of the month: "6", "6th", "sixth", "twenty-first",
// "twenty one".
func parseDay(ts tokens, i int) (int, int, bool) {
	if n := ts.num(i); n != "" {
		if len(n) > 2 {
			return 0, 0, false
		}
		d, _ := strconv.Atoi(n)
		j := i + 1
		if ts.glued(j) && ts.isWord(j, "st", "nd", "rd", "th") {
			j++
		}
		return d, j, d >= 1 && d <= 31 && ts.boundaryAfter(j)
	}
	if d, j, ok := parseOrdinalWord(ts, i); ok {
		return d, j, true
	}
	if d, j, ok := parseTens(ts, i); ok && d >= 1 && d <= 31 {
		return int(d), j, true
	}
	return 0, 0, false
}

// parseTheNth reads "the 6th": the next day 6 of a month, today included.
func parseTheNth(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	k := i
	if ts.isWord(k, "on") {
		k++
	}
	if !ts.isWord(k, "the") || ts.num(k+1) == "" || !ts.glued(k+2) || !ts.isWord(k+2, "st", "nd", "rd", "th") {
		return time.Time{}, 0, false
	}
	d, j, ok := parseDay(ts, k+1)
	if !ok {
		return time.Time{}, 0, false
	}
	for n := 0; n < 3; n++ {
		first := time.Date(today.Year(), today.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
		if t, ok := mkDate(first.Year(), first.Month(), d); ok && !t.Before(today) {
			return t, j, true
		}
	}
	return time.Time{}, 0, false
}

var relativeDays = []struct {
	words []string
	days  int
}{
	{[]string{"today"}, 0},
	{[]string{"tonight"}, 0},
	{[]string{"tomorrow"}, 1}, {[]string{"tmrw"}, 1}, {[]string{"tmr"}, 1},
	{[]string{"tomorow"}, 1}, {[]string{"tommorow"}, 1}, {[]string{"tommorrow"}, 1},
	{[]string{"tomorrow", "night"}, 1}, {[]string{"tomorrow", "morning"}, 1},
	{[]string{"day", "after", "tomorrow"}, 2},
	{[]string{"the", "day", "after", "tomorrow"}, 2},
	{[]string{"overmorrow"}, 2},
	{[]string{"yesterday"}, -1},
	{[]string{"day", "before", "yesterday"}, -2},
	{[]string{"the", "day", "before", "yesterday"}, -2},
}

func parseRelativeDay(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	best, bestN := 0, 0
	for _, r := range relativeDays {
		if n := matchPhrase(ts, i, [][]string{r.words}); n > bestN {
			best, bestN = r.days, n
		}
	}
	if bestN == 0 {
		return time.Time{}, 0, false
	}
	// "tomorrow night" names a day; keep "night"/"morning" out of the span
	// so that TIME can still read it.
	if bestN == 2 && ts.isWord(i+1, "night", "morning") {
		bestN = 1
	}
	return today.AddDate(0, 0, best), i + bestN, true
}

// parseWeekday reads "monday", "next monday", "this friday", "coming
// tuesday", "on wednesday", "last monday", "monday next".
func parseWeekday(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	k := i
	last := false
	switch {
	case ts.isWord(k, "next", "this", "coming", "on"):
		k++
		if ts.isWord(k, "coming") {
			k++
		}
	case ts.isWord(k, "last", "past", "previous"):
		last = true
		k++
	case ts.isWord(k, "the") && ts.isWord(k+1, "coming"):
		k += 2
	}
	wd, ok := weekdayAt(ts, k)
	if !ok {
		return time.Time{}, 0, false
	}
	k++
	if ts.punct(k, ".") && ts.glued(k) && len(ts.word(k-1)) <= 5 {
		k++ // "Fri."
	}
	if last {
		n := (int(today.Weekday()) - int(wd) + 7) % 7
		if n == 0 {
			n = 7
		}
		return today.AddDate(0, 0, -n), k, true
	}
	n := (int(wd) - int(today.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	return today.AddDate(0, 0, n), k, true
}

var offsetUnits = map[string][3]int{ // years, months, days
	"day": {0, 0, 1}, "days": {0, 0, 1}, "week": {0, 0, 7}, "weeks": {0, 0, 7},
	"fortnight": {0, 0, 14}, "month": {0, 1, 0}, "months": {0, 1, 0},
	"year": {1, 0, 0}, "years": {1, 0, 0},
}

// parseOffset reads "in 3 days", "in a week", "two weeks from now", "3 days
// from today", "a week later", "next week", "next month", "next year", "this
// weekend", "next weekend".
func parseOffset(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	switch {
	case ts.isWord(i, "next") && ts.word(i+1) != "":
		if u, ok := offsetUnits[ts.word(i+1)]; ok && ts.word(i+1) != "days" {
			return addUnits(today, u, 1), i + 2, true
		}
		if ts.isWord(i+1, "weekend") {
			return nextSaturday(today).AddDate(0, 0, 7), i + 2, true
		}
	case ts.isWord(i, "this", "the") && ts.isWord(i+1, "weekend"):
		return nextSaturday(today), i + 2, true
	case ts.isWord(i, "weekend"):
		return nextSaturday(today), i + 1, true
	}
	k := i
	in := ts.isWord(k, "in", "within")
	if in {
		k++
	}
	n, k, ok := parseCount(ts, k)
	if !ok {
		return time.Time{}, 0, false
	}
	u, ok := offsetUnits[ts.word(k)]
	if !ok {
		return time.Time{}, 0, false
	}
	k++
	switch {
	case ts.isWord(k, "from") && ts.isWord(k+1, "now", "today"):
		k += 2
	case ts.isWord(k, "later", "hence"):
		k++
	case !in:
		return time.Time{}, 0, false
	}
	return addUnits(today, u, n), k, true
}

// parseCount reads a small count: "3", "three", "a", "a couple of", "a few".
func parseCount(ts tokens, i int) (int, int, bool) {
	switch {
	case ts.isWord(i, "a", "an", "one") && ts.isWord(i+1, "couple") && ts.isWord(i+2, "of"):
		return 2, i + 3, true
	case ts.isWord(i, "a", "an") && ts.isWord(i+1, "few"):
		return 3, i + 2, true
	case ts.isWord(i, "a", "an"):
		return 1, i + 1, true
	}
	if d := ts.num(i); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n > 1000 || !ts.boundaryAfter(i+1) {
			return 0, 0, false
		}
		return n, i + 1, true
	}
	if v, j, ok := parseTens(ts, i); ok {
		return int(v), j, true
	}
	return 0, 0, false
}

// addUnits adds n times u (years, months, days) to t. Month arithmetic
// clamps to the end of the month: January 31 plus one month is February 28.
func addUnits(t time.Time, u [3]int, n int) time.Time {
	if u[0] == 0 && u[1] == 0 {
		return t.AddDate(0, 0, u[2]*n)
	}
	months := u[0]*12*n + u[1]*n
	first := time.Date(t.Year(), t.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// nextSaturday returns the first Saturday on or after t.
func nextSaturday(t time.Time) time.Time {
	return t.AddDate(0, 0, (int(time.Saturday)-int(t.Weekday())+7)%7)
}

// formatDate is the DATE value of t.
func formatDate(t time.Time) string {
	return fmt.Sprintf("%04d-%02d-%02d", t.Year(), t.Month(), t.Day())
}

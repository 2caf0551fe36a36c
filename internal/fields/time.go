package fields

import (
	"fmt"
	"strconv"
)

// Time extracts Twilio.TIME values as 24-hour "HH:mm". It reads
//
//   - clock times: "19:00", "7:30", "7:30:15", "7.30pm";
//   - hours with a meridiem or "o'clock": "7pm", "7 p.m.", "seven am",
//     "7 o'clock";
//   - "noon", "midday", "midnight", "12 noon";
//   - "half past four", "quarter past 4", "quarter to five", "ten past six",
//     "20 to 7", "5 minutes past 3";
//   - hours and minutes in words after "at" or before a meridiem: "at seven
//     thirty", "seven fifteen pm";
//   - an hour after "at": "at 7" is "07:00";
//   - a part of the day after any of these: "7 in the evening" is "19:00",
//     "8 tonight" is "20:00", "9 in the morning" is "09:00"; or before them:
//     "tonight at 8" is "20:00", "this afternoon at 3:30" is "15:30".
//
// Without a meridiem or a part of the day, hours are read as written: "at 7"
// and "7 o'clock" are 07:00 and "half past four" is 04:30. A bare number is
// a time only when it is the whole text ("7").
var Time Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		if !ts.boundaryBefore(i) {
			return "", 0, false
		}
		h, m, j, ok := parseTime(ts, i)
		if !ok || !ts.boundaryAfter(j) {
			return "", 0, false
		}
		return fmt.Sprintf("%02d:%02d", h, m), j, true
	})
})

// parseTime reads the longest time at token i.
func parseTime(ts tokens, i int) (h, m, j int, ok bool) {
	for _, p := range []func(tokens, int) (int, int, int, bool){
		parseNoon, parseClock, parseHourWithMarker, parsePast, parseAt, parseAlone, parseDayPartFirst,
	} {
		if h2, m2, j2, ok2 := p(ts, i); ok2 && j2 > j {
			h, m, j, ok = h2, m2, j2, true
		}
	}
	return h, m, j, ok
}

func parseNoon(ts tokens, i int) (int, int, int, bool) {
	k := i
	if ts.num(k) == "12" || ts.isWord(k, "twelve") {
		k++
	}
	switch {
	case ts.isWord(k, "noon", "midday"):
		return 12, 0, k + 1, true
	case ts.isWord(k, "midnight"):
		return 0, 0, k + 1, true
	}
	return 0, 0, 0, false
}

// parseClock reads "19:00", "7:30", "7:30:15", then an optional meridiem
// or part of the day; "7.30" only with a meridiem.
func parseClock(ts tokens, i int) (int, int, int, bool) {
	hs, ms := ts.num(i), ts.num(i+2)
	dot := ts.punct(i+1, ".")
	if hs == "" || len(hs) > 2 || len(ms) != 2 || !(ts.punct(i+1, ":") || dot) || !ts.glued(i+1) || !ts.glued(i+2) {
		return 0, 0, 0, false
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	j := i + 3
	if !dot && ts.punct(j, ":") && ts.glued(j) && ts.glued(j+1) && len(ts.num(j+1)) == 2 {
		j += 2 // seconds, dropped
	}
	if h == 24 && m == 0 {
		h = 0
	}
	if h > 23 || m > 59 {
		return 0, 0, 0, false
	}
	h, j2, marked, ok := applyMarker(ts, j, h)
	if !ok || dot && !marked {
		return 0, 0, 0, false
	}
	return h, m, j2, true
}

// parseHourWithMarker reads an hour, optional minutes in words or digits,
// and a meridiem, "o'clock" or part of the day: "7pm", "seven thirty pm",
// "7 30 pm", "7 o'clock", "8 tonight".
func parseHourWithMarker(ts tokens, i int) (int, int, int, bool) {
	h, j, ok := parseHour(ts, i)
	if !ok {
		return 0, 0, 0, false
	}
	m := 0
	if mm, k, ok := parseMinutes(ts, j); ok {
		if _, _, marked, _ := applyMarker(ts, k, h); marked {
			m, j = mm, k
		}
	}
	oclock := 0
	switch {
	case ts.isWord(j, "o'clock", "oclock"):
		oclock = 1
	case ts.isWord(j, "o") && ts.isWord(j+1, "clock"):
		oclock = 2
	}
	if oclock > 0 && m != 0 {
		return 0, 0, 0, false
	}
	h, k, marked, ok := applyMarker(ts, j+oclock, h)
	if !ok || !marked && oclock == 0 {
		return 0, 0, 0, false
	}
	return h, m, k, true
}

// parsePast reads "half past four", "quarter to five", "ten past six",
// "20 to 7", "5 minutes after 3", then an optional marker.
func parsePast(ts tokens, i int) (int, int, int, bool) {
	var m, j int
	switch {
	case ts.isWord(i, "half"):
		m, j = 30, i+1
	case ts.isWord(i, "quarter"):
		m, j = 15, i+1
	case ts.isWord(i, "a") && ts.isWord(i+1, "quarter"):
		m, j = 15, i+2
	default:
		v, k, ok := parseMinuteCount(ts, i)
		if !ok {
			return 0, 0, 0, false
		}
		m, j = v, k
		if ts.isWord(j, "minute", "minutes", "mins", "min") {
			j++
		}
	}
	before := false
	switch {
	case ts.isWord(j, "past", "after"):
	case ts.isWord(j, "to", "till", "til", "before", "of"):
		before = true
	default:
		return 0, 0, 0, false
	}
	h, k, ok := parseHour(ts, j+1)
	if !ok || m == 0 || m >= 60 || before && m == 30 {
		return 0, 0, 0, false
	}
	h, k, _, ok = applyMarker(ts, k, h)
	if !ok {
		return 0, 0, 0, false
	}
	if before {
		m = 60 - m
		h = (h + 23) % 24
	}
	return h, m, k, true
}

// parseAt reads "at 7", "at seven thirty", "at 7 30" with an optional marker.
// The span includes "at", which is what makes a bare number a time.
func parseAt(ts tokens, i int) (int, int, int, bool) {
	if !ts.isWord(i, "at", "by", "around", "before", "after") && !ts.punct(i, "@") {
		return 0, 0, 0, false
	}
	if h, m, j, ok := parseTime(ts, i+1); ok {
		return h, m, j, true // "at 7:30", "at 7pm", "at half past four"
	}
	h, j, ok := parseHour(ts, i+1)
	if !ok {
		if n := ts.num(i + 1); len(n) <= 2 && n != "" {
			h, _ = strconv.Atoi(n)
			j, ok = i+2, h <= 23
		}
	}
	if !ok || !ts.boundaryAfter(j) {
		return 0, 0, 0, false
	}
	m := 0
	if mm, k, ok := parseMinutes(ts, j); ok {
		m, j = mm, k
	}
	h, j, _, ok = applyMarker(ts, j, h)
	return h, m, j, ok
}

// parseAlone reads a text that is only an hour, with optional minutes in
// words: "7", "seven thirty".
func parseAlone(ts tokens, i int) (int, int, int, bool) {
	for k := 0; k < i; k++ {
		if ts[k].kind != punctToken {
			return 0, 0, 0, false
		}
	}
	h, j, ok := parseHour(ts, i)
	if !ok {
		if n := ts.num(i); len(n) <= 2 && n != "" {
			h, _ = strconv.Atoi(n)
			j, ok = i+1, h <= 23
		}
	}
	if !ok {
		return 0, 0, 0, false
	}
	m := 0
	if mm, k, ok := parseMinutes(ts, j); ok {
		m, j = mm, k
	}
	for k := j; k < len(ts); k++ {
		if ts[k].kind != punctToken {
			return 0, 0, 0, false
		}
	}
	return h, m, j, true
}

// parseHour reads an hour of a 12-hour clock: "7", "07", "seven", "12".
func parseHour(ts tokens, i int) (int, int, bool) {
	if n := ts.num(i); n != "" {
		h, err := strconv.Atoi(n)
		if err != nil || len(n) > 2 || h > 12 {
			return 0, 0, false
		}
		return h, i + 1, true
	}
	if u, ok := units[ts.word(i)]; ok && u >= 1 && u <= 12 {
		return int(u), i + 1, true
	}
	return 0, 0, false
}

// parseMinutes reads the minutes after an hour: "thirty", "forty-five",
// "oh five", "30".
func parseMinutes(ts tokens, i int) (int, int, bool) {
	if ts.isWord(i, "oh", "o") {
		if u, ok := units[ts.word(i+1)]; ok && u >= 1 && u <= 9 {
			return int(u), i + 2, true
		}
		return 0, 0, false
	}
	if n := ts.num(i); n != "" {
		m, _ := strconv.Atoi(n)
		if len(n) != 2 || m > 59 {
			return 0, 0, false
		}
		return m, i + 1, true
	}
	v, j, ok := parseTens(ts, i)
	if !ok || v < 10 || v > 59 {
		return 0, 0, false
	}
	return int(v), j, true
}

// parseMinuteCount reads the minutes before "past" or "to": "ten",
// "twenty-five", "5".
func parseMinuteCount(ts tokens, i int) (int, int, bool) {
	if n := ts.num(i); n != "" {
		m, err := strconv.Atoi(n)
		if err != nil || len(n) > 2 {
			return 0, 0, false
		}
		return m, i + 1, true
	}
	v, j, ok := parseTens(ts, i)
	return int(v), j, ok
}

type dayPart struct {
	words []string
	pm    bool // afternoon or evening
	night bool
}

var dayParts = []dayPart{
	{words: []string{"in", "the", "morning"}},
	{words: []string{"this", "morning"}},
	{words: []string{"tomorrow", "morning"}},
	{words: []string{"in", "the", "afternoon"}, pm: true},
	{words: []string{"this", "afternoon"}, pm: true},
	{words: []string{"tomorrow", "afternoon"}, pm: true},
	{words: []string{"in", "the", "evening"}, pm: true},
	{words: []string{"this", "evening"}, pm: true},
	{words: []string{"tomorrow", "evening"}, pm: true},
	{words: []string{"tonight"}, night: true},
	{words: []string{"at", "night"}, night: true},
	{words: []string{"tomorrow", "night"}, night: true},
}

// applyMarker reads an optional meridiem ("pm", "p.m.") or part of the day
// ("in the evening") at token j and applies it to hour h. marked reports
// whether there was one; ok is false when h does not fit it ("13 am").
func applyMarker(ts tokens, j, h int) (hour, next int, marked, ok bool) {
	if pm, k, found := parseMeridiem(ts, j); found {
		switch {
		case h > 12 || h == 0:
			return 0, 0, false, false
		case pm && h < 12:
			h += 12
		case !pm && h == 12:
			h = 0
		}
		return h, k, true, true
	}
	best, bestN := longestDayPart(ts, j)
	if bestN == 0 {
		return h, j, false, true
	}
	return best.apply(h), j + bestN, true, true
}

// longestDayPart returns the longest part of the day at token j and its
// length in tokens (0 when there is none).
func longestDayPart(ts tokens, j int) (dayPart, int) {
	best, bestN := dayPart{}, 0
	for _, p := range dayParts {
		if n := matchPhrase(ts, j, [][]string{p.words}); n > bestN {
			best, bestN = p, n
		}
	}
	return best, bestN
}

// apply reads hour h (0-23, as written) in this part of the day.
func (p dayPart) apply(h int) int {
	switch {
	case h > 12:
	case p.pm && h < 12:
		h += 12
	case p.night && h == 12:
		h = 0
	case p.night && h >= 5:
		h += 12
	case !p.pm && !p.night && h == 12:
		h = 0
	}
	return h
}

// parseDayPartFirst reads a part of the day before a time: "tonight at 8" is
// 20:00, "this afternoon at 3:30" 15:30. A time that says its own meridiem
// or part of the day ("tonight at 8am") keeps it.
func parseDayPartFirst(ts tokens, i int) (int, int, int, bool) {
	p, n := longestDayPart(ts, i)
	if n == 0 {
		return 0, 0, 0, false
	}
	h, m, j, ok := parseTime(ts, i+n)
	if !ok {
		return 0, 0, 0, false
	}
	for k := i + n; k < j; k++ {
		if ts.isWord(k, "am", "pm", "a", "p", "morning", "afternoon", "evening", "night", "tonight", "noon", "midday", "midnight") {
			return h, m, j, true
		}
	}
	return p.apply(h), m, j, true
}

// parseMeridiem reads "am", "pm", "a.m.", "p.m", "a m".
func parseMeridiem(ts tokens, j int) (pm bool, next int, ok bool) {
	switch {
	case ts.isWord(j, "am"):
		return false, j + 1, true
	case ts.isWord(j, "pm"):
		return true, j + 1, true
	case ts.isWord(j, "a", "p") && ts.punct(j+1, ".") && ts.glued(j+1) && ts.isWord(j+2, "m") && ts.glued(j+2):
		k := j + 3
		if ts.punct(k, ".") && ts.glued(k) {
			k++
		}
		return ts.word(j) == "p", k, true
	}
	return false, 0, false
}

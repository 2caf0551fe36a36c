package fields

import "time"

// Calendar words shared by the DATE, TIME, DAY_OF_WEEK and MONTH types.

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "febuary": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10,
	"oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday,
	"wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday,
	"saturday": time.Saturday, "sundays": time.Sunday, "mondays": time.Monday,
	"tuesdays": time.Tuesday, "wednesdays": time.Wednesday, "thursdays": time.Thursday,
	"fridays": time.Friday, "saturdays": time.Saturday,
	"mon": time.Monday, "tue": time.Tuesday, "tues": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "fri": time.Friday,
	// "sat" and "sun" are words too; see weekdayAt.
	"sat": time.Saturday, "sun": time.Sunday,
}

// weekdayAt returns the weekday named by token i. The abbreviations "sat"
// and "sun" count only when written with a capital ("Sat", "Sun").
func weekdayAt(ts tokens, i int) (time.Weekday, bool) {
	w := ts.word(i)
	d, ok := weekdayNames[w]
	if !ok {
		return 0, false
	}
	if (w == "sat" || w == "sun") && !ts[i].upper {
		return 0, false
	}
	return d, true
}

// ordinalWords are the day numbers written as ordinals.
var ordinalWords = map[string]int{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
	"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
	"twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
	"sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
	"twentieth": 20, "thirtieth": 30,
}

// parseOrdinalWord reads "sixth", "twenty first", "twenty-first",
// "thirty-first".
func parseOrdinalWord(ts tokens, i int) (int, int, bool) {
	if v, ok := ordinalWords[ts.word(i)]; ok {
		return v, i + 1, true
	}
	t, ok := tens[ts.word(i)]
	if !ok || t > 30 {
		return 0, 0, false
	}
	k := i + 1
	if ts.punct(k, "-") && ts.glued(k) && ts.glued(k+1) {
		k++
	}
	if v, ok := ordinalWords[ts.word(k)]; ok && v < 10 {
		return int(t) + v, k + 1, true
	}
	return 0, 0, false
}

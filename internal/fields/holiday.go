package fields

import (
	"sync"
	"time"
)

// holidays are the named days Date reads, by canonical name: fixed dates
// and the U.S. holidays defined by a weekday of a month. en-US is the
// default language, so "Thanksgiving" is the U.S. one.
var holidays = map[string]func(year int) time.Time{
	"new year's day":     fixedDay(time.January, 1),
	"valentine's day":    fixedDay(time.February, 14),
	"st patrick's day":   fixedDay(time.March, 17),
	"cinco de mayo":      fixedDay(time.May, 5),
	"juneteenth":         fixedDay(time.June, 19),
	"independence day":   fixedDay(time.July, 4),
	"halloween":          fixedDay(time.October, 31),
	"veterans day":       fixedDay(time.November, 11),
	"christmas eve":      fixedDay(time.December, 24),
	"christmas":          fixedDay(time.December, 25),
	"boxing day":         fixedDay(time.December, 26),
	"new year's eve":     fixedDay(time.December, 31),
	"mlk day":            nthWeekday(time.January, time.Monday, 3),
	"presidents day":     nthWeekday(time.February, time.Monday, 3),
	"mother's day":       nthWeekday(time.May, time.Sunday, 2),
	"memorial day":       nthWeekday(time.May, time.Monday, -1),
	"father's day":       nthWeekday(time.June, time.Sunday, 3),
	"labor day":          nthWeekday(time.September, time.Monday, 1),
	"columbus day":       nthWeekday(time.October, time.Monday, 2),
	"thanksgiving":       nthWeekday(time.November, time.Thursday, 4),
	"easter":             easter,
	"easter sunday":      easter,
	"good friday":        func(y int) time.Time { return easter(y).AddDate(0, 0, -2) },
	"easter monday":      func(y int) time.Time { return easter(y).AddDate(0, 0, 1) },
	"black friday":       func(y int) time.Time { return nthWeekday(time.November, time.Thursday, 4)(y).AddDate(0, 0, 1) },
	"christmas day":      fixedDay(time.December, 25),
	"fourth of july":     fixedDay(time.July, 4),
	"thanksgiving day":   nthWeekday(time.November, time.Thursday, 4),
	"martin luther king": nthWeekday(time.January, time.Monday, 3),
}

// holidayAliases are other spellings of holidays.
var holidayAliases = map[string]string{
	"new years day": "new year's day", "new year": "new year's day", "new years": "new year's day",
	"new year's": "new year's day", "valentines day": "valentine's day", "valentine day": "valentine's day",
	"valentines": "valentine's day", "valentine's": "valentine's day", "st patricks day": "st patrick's day",
	"saint patrick's day": "st patrick's day", "saint patricks day": "st patrick's day",
	"st paddy's day": "st patrick's day", "the fourth of july": "fourth of july",
	"the 4th of july": "fourth of july", "4th of july": "fourth of july", "july 4th": "fourth of july",
	"xmas": "christmas", "x-mas": "christmas", "christmas eve": "christmas eve",
	"new years eve": "new year's eve", "nye": "new year's eve", "veterans' day": "veterans day",
	"veteran's day": "veterans day", "mothers day": "mother's day", "fathers day": "father's day",
	"labour day": "labor day", "president's day": "presidents day", "presidents' day": "presidents day",
	"martin luther king day": "martin luther king", "martin luther king jr day": "martin luther king",
	"thanksgiving day": "thanksgiving day",
}

func fixedDay(m time.Month, d int) func(int) time.Time {
	return func(y int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
}

// nthWeekday returns the n-th weekday wd of month m (n = -1: the last).
func nthWeekday(m time.Month, wd time.Weekday, n int) func(int) time.Time {
	return func(y int) time.Time {
		if n < 0 {
			t := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)
			return t.AddDate(0, 0, -((int(t.Weekday()) - int(wd) + 7) % 7))
		}
		t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return t.AddDate(0, 0, (int(wd)-int(t.Weekday())+7)%7+7*(n-1))
	}
}

// easter returns Western Easter Sunday of year y (the anonymous Gregorian
// algorithm).
func easter(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(y, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

var holidayLexicon = sync.OnceValue(func() *lexicon {
	l := newLexicon()
	for n := range holidays {
		l.add(n, n, true)
	}
	for a, n := range holidayAliases {
		l.add(a, n, true)
	}
	return l
})

// parseHoliday reads a named day ("Valentine's Day", "thanksgiving") as
// its next occurrence on or after today.
func parseHoliday(ts tokens, i int, today time.Time) (time.Time, int, bool) {
	name, j, ok := holidayLexicon().longest(ts, i)
	if !ok {
		return time.Time{}, 0, false
	}
	f := holidays[name]
	for y := today.Year(); y <= today.Year()+1 && y <= 9999; y++ {
		if t := f(y); !t.Before(today) {
			return t, j, true
		}
	}
	return time.Time{}, 0, false
}

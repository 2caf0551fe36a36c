package fields

import "strings"

// builtins are the Twilio.* field types of nlu.md §4, by lower-case name.
var builtins = map[string]Extractor{
	"twilio.yes_no":             YesNo,
	"twilio.number":             Number,
	"twilio.date":               Date,
	"twilio.time":               Time,
	"twilio.city":               City,
	"twilio.first_name":         FirstName,
	"twilio.email":              Email,
	"twilio.phone_number":       PhoneNumber,
	"twilio.number_sequence":    NumberSequence,
	"twilio.alphanumeric":       Alphanumeric,
	"twilio.day_of_week":        DayOfWeek,
	"twilio.month":              Month,
	"twilio.us_state":           USState,
	"twilio.last_name":          placeholder,
	"twilio.country":            placeholder,
	"twilio.country_iso_alpha2": placeholder,
	"twilio.country_iso_alpha3": placeholder,
	"twilio.currency":           placeholder,
	"twilio.language":           placeholder,
}

// Builtin returns the extractor of the built-in field type name, such as
// "Twilio.NUMBER". Names are case-insensitive, so the legacy spelling
// "Twilio.Email" works too.
//
// LAST_NAME, COUNTRY, COUNTRY_ISO_ALPHA2, COUNTRY_ISO_ALPHA3, CURRENCY and
// LANGUAGE are placeholders until a later issue completes them: they accept
// the whole trimmed text as the value.
func Builtin(name string) (Extractor, bool) {
	e, ok := builtins[strings.ToLower(strings.TrimSpace(name))]
	return e, ok
}

// IsBuiltin reports whether name is one of the built-in field types
// (case-insensitive). User-defined types must not use these names.
func IsBuiltin(name string) bool {
	_, ok := Builtin(name)
	return ok
}

// placeholder stands for the built-ins not written yet: the whole text,
// trimmed of white space and punctuation, is the value.
var placeholder Extractor = ExtractorFunc(func(in Input) []Match {
	ts := tokenize(in.Text)
	first, last := -1, -1
	for k, t := range ts {
		if t.kind != punctToken {
			if first < 0 {
				first = k
			}
			last = k
		}
	}
	if first < 0 {
		return nil
	}
	start, end := ts[first].start, ts[last].end
	return []Match{{Value: in.Text[start:end], Start: start, End: end}}
})

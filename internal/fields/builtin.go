package fields

import "strings"

// builtins are the 19 Twilio.* field types of nlu.md §4, by lower-case name.
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
	"twilio.last_name":          LastName,
	"twilio.country":            Country,
	"twilio.country_iso_alpha2": CountryISOAlpha2,
	"twilio.country_iso_alpha3": CountryISOAlpha3,
	"twilio.currency":           Currency,
	"twilio.language":           Language,
}

// Builtin returns the extractor of the built-in field type name, such as
// "Twilio.NUMBER". Names are case-insensitive, so the legacy spelling
// "Twilio.Email" works too.
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

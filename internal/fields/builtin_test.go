package fields_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/fields"
)

func TestCountry(t *testing.T) {
	runValues(t, fields.Country, []valuesCase{
		{"sentence", "we're based in canada", []string{"Canada"}},
		{"the-us", "the US", []string{"United States"}},
		{"usa", "USA", []string{"United States"}},
		{"us-dots", "I live in the U.S.", []string{"United States"}},
		{"us-in-sentence", "we ship from the US to Mexico", []string{"United States", "Mexico"}},
		{"us-pronoun", "let us know", nil},
		{"america", "america", []string{"United States"}},
		{"united-states", "united states", []string{"United States"}},
		{"united-states-of-america", "The United States of America", []string{"United States"}},
		{"uk", "UK", []string{"United Kingdom"}},
		{"uk-lower", "i'm in the uk", []string{"United Kingdom"}},
		{"britain", "great britain", []string{"United Kingdom"}},
		{"england", "England", []string{"United Kingdom"}},
		{"scotland", "scotland", []string{"United Kingdom"}},
		{"endonym", "deutschland", []string{"Germany"}},
		{"accents", "españa", []string{"Spain"}},
		{"accents-folded", "espana", []string{"Spain"}},
		{"holland", "Holland", []string{"Netherlands"}},
		{"the-netherlands", "the netherlands", []string{"Netherlands"}},
		{"south-korea", "south korea", []string{"South Korea"}},
		{"korea", "korea", []string{"South Korea"}},
		{"north-korea", "North Korea", []string{"North Korea"}},
		{"ivory-coast", "ivory coast", []string{"Côte d'Ivoire"}},
		{"cote-divoire", "Côte d’Ivoire", []string{"Côte d'Ivoire"}},
		{"drc", "DRC", []string{"Democratic Republic of the Congo"}},
		{"congo", "congo", []string{"Republic of the Congo"}},
		{"and", "bosnia and herzegovina", []string{"Bosnia and Herzegovina"}},
		{"ampersand", "Trinidad & Tobago", []string{"Trinidad and Tobago"}},
		{"saint", "st lucia", []string{"Saint Lucia"}},
		{"old-name", "swaziland", []string{"Eswatini"}},
		{"czech-republic", "czech republic", []string{"Czechia"}},
		{"burma", "burma", []string{"Myanmar"}},
		{"hong-kong", "hong kong", []string{"Hong Kong"}},
		{"kosovo", "Kosovo", []string{"Kosovo"}},
		{"code-alone", "CA", []string{"Canada"}},
		{"alpha3-alone", "DEU", []string{"Germany"}},
		{"code-in-sentence", "I work in IT", nil},
		{"code-is-word", "NO", nil},
		{"alpha3-is-word", "CAN", nil},
		{"ambiguous-lower", "we had turkey for dinner", nil},
		{"ambiguous-capital", "I flew to Turkey", []string{"Turkey"}},
		{"ambiguous-alone", "chad", []string{"Chad"}},
		{"two", "France or Italy", []string{"France", "Italy"}},
		{"new-mexico", "I live in New Mexico", nil},
		{"new-jersey", "New Jersey", nil},
		{"new-south-wales", "Sydney, New South Wales", nil},
		{"new-zealand", "new zealand", []string{"New Zealand"}},
		{"papua-new-guinea", "Papua New Guinea", []string{"Papua New Guinea"}},
		{"the-states", "I'm from the States", []string{"United States"}},
		{"europe", "Europe", nil},
		{"eu", "the European Union", nil},
		{"world", "the world", nil},
		{"none", "somewhere warm", nil},
	})
}

func TestCountryISO(t *testing.T) {
	tests := []struct{ name, text, alpha2, alpha3 string }{
		{"canada", "canada", "CA", "CAN"},
		{"us", "the US", "US", "USA"},
		{"america", "america", "US", "USA"},
		{"uk", "UK", "GB", "GBR"},
		{"britain", "britain", "GB", "GBR"},
		{"england", "england", "GB", "GBR"},
		{"germany", "Deutschland", "DE", "DEU"},
		{"alpha3-in", "GBR", "GB", "GBR"},
		{"alpha2-in", "FR", "FR", "FRA"},
		{"japan", "I'm from Japan", "JP", "JPN"},
		{"kosovo", "kosovo", "XK", "XKX"},
		{"ivory-coast", "ivory coast", "CI", "CIV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runValues(t, fields.CountryISOAlpha2, []valuesCase{{"alpha2", tt.text, []string{tt.alpha2}}})
			runValues(t, fields.CountryISOAlpha3, []valuesCase{{"alpha3", tt.text, []string{tt.alpha3}}})
		})
	}
}

// TestCountryTable checks every country's codes and name.
func TestCountryTable(t *testing.T) {
	alpha2 := regexp.MustCompile(`^[A-Z]{2}$`)
	alpha3 := regexp.MustCompile(`^[A-Z]{3}$`)
	seen := map[string]bool{}
	for _, code := range strings.Fields(countryCodes) {
		ms2 := fields.CountryISOAlpha2.Extract(fields.Input{Text: code})
		if len(ms2) != 1 || ms2[0].Value != code || !alpha2.MatchString(code) {
			t.Errorf("alpha-2 of %q = %v", code, ms2)
			continue
		}
		ms3 := fields.CountryISOAlpha3.Extract(fields.Input{Text: code})
		if len(ms3) != 1 || !alpha3.MatchString(ms3[0].Value) || ms3[0].Value == "ZZZ" || seen[ms3[0].Value] {
			t.Errorf("alpha-3 of %q = %v", code, ms3)
			continue
		}
		seen[ms3[0].Value] = true
		name := fields.Country.Extract(fields.Input{Text: code})
		if len(name) != 1 || strings.Contains(name[0].Value, "&") || strings.Contains(name[0].Value, " - ") {
			t.Errorf("name of %q = %v", code, name)
			continue
		}
		// The name reads back as the same country.
		back := fields.CountryISOAlpha2.Extract(fields.Input{Text: name[0].Value})
		if len(back) != 1 || back[0].Value != code {
			t.Errorf("%q (%s) reads back as %v", name[0].Value, code, back)
		}
	}
	if n := len(strings.Fields(countryCodes)); len(seen) != n {
		t.Errorf("%d countries, want %d", len(seen), n)
	}
}

// countryCodes are the ISO 3166-1 alpha-2 codes plus XK, without the codes
// that are English words (they are not read alone).
const countryCodes = `AD AE AF AG AI AL AO AQ AR AU AW AX AZ BA BB BD BF BG BH BI
BJ BL BM BN BO BQ BR BS BT BV BW BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY
CZ DE DJ DK DM DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN
GP GQ GR GS GT GU GW GY HK HM HN HR HT HU IE IL IM IO IQ IR KE KG KH
KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD MF MG MH MK ML MM MN MO
MP MQ MR MS MT MU MV MW MX MZ NA NC NE NF NG NI NL NP NR NU NZ OM PA PE PF PG PH PK PL
PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN
VU WF WS XK YE YT ZA ZM ZW`

func TestCurrency(t *testing.T) {
	runValues(t, fields.Currency, []valuesCase{
		{"dollars", "dollars", []string{"USD"}},
		{"amount-dollars", "50 dollars", []string{"USD"}},
		{"dollar-sign", "$50", []string{"USD"}},
		{"bucks", "twenty bucks", []string{"USD"}},
		{"us-dollars", "US dollars", []string{"USD"}},
		{"us-dollar-sign", "US$ 100", []string{"USD"}},
		{"usd", "usd", []string{"USD"}},
		{"euros", "euros", []string{"EUR"}},
		{"euro-sign", "€20", []string{"EUR"}},
		{"euro-sign-after", "20€", []string{"EUR"}},
		{"pounds", "pounds", []string{"GBP"}},
		{"pound-sign", "£5", []string{"GBP"}},
		{"gbp", "GBP", []string{"GBP"}},
		{"sterling", "pounds sterling", []string{"GBP"}},
		{"quid", "a tenner, so ten quid", []string{"GBP"}},
		{"yen", "yen", []string{"JPY"}},
		{"yen-sign", "¥1000", []string{"JPY"}},
		{"canadian", "canadian dollars", []string{"CAD"}},
		{"cad", "cad", []string{"CAD"}},
		{"c-dollar", "C$30", []string{"CAD"}},
		{"australian", "Australian dollars", []string{"AUD"}},
		{"swiss", "swiss francs", []string{"CHF"}},
		{"yuan", "renminbi", []string{"CNY"}},
		{"rupees", "rupees", []string{"INR"}},
		{"pesos", "pesos", []string{"MXN"}},
		{"real-sign", "R$ 50", []string{"BRL"}},
		{"reais", "reais", []string{"BRL"}},
		{"won-after-number", "5000 won", []string{"KRW"}},
		{"won-verb", "I won the lottery", nil},
		{"real-word", "is this real", nil},
		{"real-alone", "real", []string{"BRL"}},
		{"try-verb", "try again", nil},
		{"try-code", "TRY", []string{"TRY"}},
		{"danish", "danish kroner", []string{"DKK"}},
		{"krone-alone", "krone", nil},
		{"zloty", "złoty", []string{"PLN"}},
		{"two", "dollars or euros", []string{"USD", "EUR"}},
		{"none", "cash", nil},
	})
}

func TestLanguage(t *testing.T) {
	runValues(t, fields.Language, []valuesCase{
		{"spanish", "spanish", []string{"Spanish"}},
		{"sentence", "I speak Spanish and English", []string{"Spanish", "English"}},
		{"endonym", "español", []string{"Spanish"}},
		{"endonym-folded", "espanol", []string{"Spanish"}},
		{"francais", "en français s'il vous plaît", []string{"French"}},
		{"deutsch", "Deutsch", []string{"German"}},
		{"non-latin", "日本語", []string{"Japanese"}},
		{"mandarin", "mandarin", []string{"Chinese"}},
		{"cantonese", "Cantonese", []string{"Cantonese"}},
		{"farsi", "farsi", []string{"Persian"}},
		{"tagalog", "tagalog", []string{"Filipino"}},
		{"brazilian", "brazilian portuguese", []string{"Portuguese"}},
		{"norwegian", "norwegian", []string{"Norwegian"}},
		{"bangla", "bangla", []string{"Bengali"}},
		{"asl", "ASL", []string{"American Sign Language"}},
		{"ambiguous-lower", "polish my shoes", nil},
		{"ambiguous-capital", "I speak Polish", []string{"Polish"}},
		{"ambiguous-alone", "polish", []string{"Polish"}},
		{"country-not-language", "I live in Indonesia", nil},
		{"bahasa-indonesia", "Bahasa Indonesia", []string{"Indonesian"}},
		{"none", "whatever you like", nil},
	})
}

func TestLastName(t *testing.T) {
	runValues(t, fields.LastName, []valuesCase{
		{"alone", "Rossi", []string{"Rossi"}},
		{"alone-lower", "rossi", []string{"Rossi"}},
		{"unlisted-alone", "xiong", []string{"Xiong"}},
		{"given-then-family", "Valentina Rossi", []string{"Rossi"}},
		{"given-then-family-lower", "valentina rossi", []string{"Rossi"}},
		{"cue", "my last name is Rossi", []string{"Rossi"}},
		{"cue-unlisted", "my surname is zyxwabc", []string{"Zyxwabc"}},
		{"cue-colon", "surname: de la Cruz", []string{"de la Cruz"}},
		{"its", "it's Rossi", []string{"Rossi"}},
		{"im-full-name", "I'm Will Smith", []string{"Smith"}},
		{"my-name-is-full", "my name is Valentina Rossi", []string{"Rossi"}},
		{"title", "Mr. Smith", []string{"Smith"}},
		{"under", "a table under Jones", []string{"Jones"}},
		{"mc", "mcdonald", []string{"McDonald"}},
		{"mixed-case-kept", "MacKenzie", []string{"MacKenzie"}},
		{"apostrophe-restored", "obrien", []string{"O'Brien"}},
		{"apostrophe", "O'Brien", []string{"O'Brien"}},
		{"double", "Rodríguez López", []string{"Rodríguez López"}},
		{"double-trimmed", "  Rodríguez López. ", []string{"Rodríguez López"}},
		{"unlisted-given", "Priya Raman", []string{"Raman"}},
		{"hyphen", "Smith-Jones", []string{"Smith-Jones"}},
		{"particles", "van der Berg", []string{"van der Berg"}},
		{"mid-sentence-capital", "I live in London", nil},
		{"lower-sentence", "i will call", nil},
		{"given-lower-sentence", "maria said yes", nil},
		{"yes", "yes", nil},
		{"none", "what do you mean", nil},
	})
}

func TestPhoneNumber(t *testing.T) {
	runValues(t, fields.PhoneNumber, []valuesCase{
		{"international", "+1 (415) 555-0100", []string{"+14155550100"}},
		{"dots", "call 415.555.0100 now", []string{"4155550100"}},
		{"dashes", "415-555-0100", []string{"4155550100"}},
		{"spaces", "my number is 415 555 0134", []string{"4155550134"}},
		{"parentheses", "(415) 555-0100", []string{"4155550100"}},
		{"spoken", "four one five five five five zero one three four", []string{"4155550134"}},
		{"spoken-oh", "four one five five five five oh one three four", []string{"4155550134"}},
		{"spoken-groups", "four one five, five five five, oh one three four", []string{"4155550134"}},
		{"spoken-double", "four one five double five five oh one three four", []string{"4155550134"}},
		{"spoken-triple", "four one five triple five oh one three four", []string{"4155550134"}},
		{"spoken-plus", "plus one four one five five five five oh one oh oh", []string{"+14155550100"}},
		{"spoken-mixed", "415 five five five 0134", []string{"4155550134"}},
		{"digits-one-by-one", "4 1 5 5 5 5 0 1 3 4", []string{"4155550134"}},
		{"seven-digits", "it's 555-0100", []string{"5550100"}},
		{"leading-oh", "oh four one five five five five zero one three four", []string{"4155550134"}},
		{"too-short", "table for 4", nil},
		{"spoken-too-short", "one two three", nil},
		{"too-long", "12345678901234567890", nil},
		{"thousands", "1,234,567", nil},
		{"list", "options 3, 4, 5, 6, 7, 8 and 9", nil},
	})
}

func TestNumberIsNotAPartySize(t *testing.T) {
	// "just me" answers "how many people?" but is not a number: NUMBER
	// reports numbers only, the bot's question decides what "me" means.
	runValues(t, fields.Number, []valuesCase{
		{"just-me", "just me", nil},
		{"only-me", "only me", nil},
		{"me-and-my-wife", "me and my wife", nil},
		{"a-couple", "a couple of us", nil},
	})
}

func TestDateHolidays(t *testing.T) {
	// now is Monday 2026-01-05.
	runValues(t, fields.Date, []valuesCase{
		{"valentines", "Valentine's Day", []string{"2026-02-14"}},
		{"valentines-curly", "on valentine’s day", []string{"2026-02-14"}},
		{"valentines-no-apostrophe", "valentines day", []string{"2026-02-14"}},
		{"christmas", "christmas", []string{"2026-12-25"}},
		{"christmas-eve", "Christmas Eve", []string{"2026-12-24"}},
		{"new-years-eve", "new year's eve", []string{"2026-12-31"}},
		{"new-years-day-passed", "new year's day", []string{"2027-01-01"}},
		{"halloween", "halloween", []string{"2026-10-31"}},
		{"fourth-of-july", "the fourth of july", []string{"2026-07-04"}},
		{"thanksgiving", "thanksgiving", []string{"2026-11-26"}},
		{"mothers-day", "mother's day", []string{"2026-05-10"}},
		{"memorial-day", "memorial day", []string{"2026-05-25"}},
		{"labor-day", "labor day", []string{"2026-09-07"}},
		{"easter", "easter", []string{"2026-04-05"}},
		{"good-friday", "good friday", []string{"2026-04-03"}},
	})
}

package fields

import (
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country extracts Twilio.COUNTRY values: the country's English name as
// CLDR gives it (golang.org/x/text/language/display), tidied ("&" → "and",
// "St." → "Saint", no "SAR China" or "- Kinshasa"): "we're based in canada"
// → "Canada", "the US" → "United States".
//
// It knows the 249 territories of ISO 3166-1 plus Kosovo, each by its CLDR
// name, a few official or former names and common aliases ("USA",
// "America", "UK", "Britain", "Holland", "Ivory Coast", "Burma",
// "Czech Republic", "Swaziland") and some names in the country's own
// language ("Deutschland", "España", "Nihon"). Macro-regions ("Europe",
// "European Union", "World") are not countries. England, Scotland, Wales
// and Northern Ireland are reported as "United Kingdom", since ISO 3166-1
// has no code for them and the three country types must agree.
//
// Matching ignores case and accents. Codes are read only in capitals: "US",
// "USA", "UK" and "UAE" anywhere, other ISO codes ("CA", "DEU") only as the
// whole text, and never when the code is also an English word ("NO",
// "CAN"). "New Mexico", "New Jersey" and "New South Wales" are not
// countries. Names that are common words ("Chad", "Jordan", "Turkey", "China",
// "Guinea", "Jersey") count only when capitalised or the whole text.
var Country Extractor = countryExtractor(func(c *country) string { return c.name })

// CountryISOAlpha2 extracts Twilio.COUNTRY_ISO_ALPHA2 values: the countries
// of [Country] reported by their ISO 3166-1 alpha-2 code ("canada" → "CA",
// "britain" → "GB"; Kosovo is "XK").
var CountryISOAlpha2 Extractor = countryExtractor(func(c *country) string { return c.alpha2 })

// CountryISOAlpha3 extracts Twilio.COUNTRY_ISO_ALPHA3 values: the countries
// of [Country] reported by their ISO 3166-1 alpha-3 code ("canada" → "CAN",
// "britain" → "GBR"; Kosovo is "XKX", the code the EU and IMF use).
var CountryISOAlpha3 Extractor = countryExtractor(func(c *country) string { return c.alpha3 })

type country struct {
	alpha2, alpha3, name string
}

func countryExtractor(value func(*country) string) Extractor {
	return ExtractorFunc(func(in Input) []Match {
		t := countryTable()
		return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
			c, j, ok := t.at(ts, i)
			if !ok {
				return "", 0, false
			}
			return value(c), j, true
		})
	})
}

// iso3166 lists the ISO 3166-1 alpha-2 codes in use, plus XK (Kosovo).
const iso3166 = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI
BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY
CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN
GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH
KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN
VU WF WS XK YE YT ZA ZM ZW`

// countryNames replaces CLDR names that are awkward as a value.
var countryNames = map[string]string{
	"CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
	"CI": "Côte d'Ivoire", "HK": "Hong Kong", "MO": "Macau", "MM": "Myanmar",
	"MK": "North Macedonia", "SZ": "Eswatini", "PS": "Palestine",
	"UM": "U.S. Minor Outlying Islands", "CC": "Cocos Islands", "VC": "Saint Vincent and the Grenadines",
	"HM": "Heard Island and McDonald Islands",
	"GS": "South Georgia and the South Sandwich Islands",
}

// countryAliases are other names of countries, by alpha-2 code.
var countryAliases = map[string][]string{
	"US": {"United States of America", "America", "U.S.", "U.S.A.", "the States", "the U.S.", "the US",
		"Estados Unidos", "Etats-Unis", "Vereinigte Staaten"},
	"GB": {"UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales",
		"Northern Ireland", "the United Kingdom of Great Britain and Northern Ireland", "Reino Unido"},
	"AE": {"UAE", "U.A.E.", "the Emirates", "Emirates"},
	"NL": {"Holland", "the Netherlands", "Nederland"},
	"CI": {"Ivory Coast", "Côte d’Ivoire", "Cote dIvoire"},
	"CD": {"DRC", "DR Congo", "Congo-Kinshasa", "Congo Kinshasa", "Zaire"},
	"CG": {"Congo", "Congo-Brazzaville", "Congo Brazzaville", "Republic of Congo"},
	"CZ": {"Czech Republic", "Česko", "Ceska republika"},
	"MM": {"Burma", "Myanmar (Burma)"},
	"MK": {"Macedonia", "Republic of North Macedonia"},
	"SZ": {"Swaziland"},
	"TR": {"Türkiye", "Turkiye"},
	"CV": {"Cabo Verde"},
	"TL": {"East Timor"},
	"KR": {"Korea", "Republic of Korea", "S Korea", "Hanguk"},
	"KP": {"N Korea", "DPRK"},
	"RU": {"Russian Federation", "Rossiya"},
	"VA": {"Vatican", "the Vatican", "Holy See"},
	"PS": {"Palestinian Territories", "State of Palestine"},
	"HK": {"Hong Kong SAR China", "Hong Kong SAR"},
	"MO": {"Macao", "Macau SAR China", "Macao SAR"},
	"FM": {"Federated States of Micronesia"},
	"BS": {"the Bahamas"},
	"GM": {"the Gambia"},
	"PH": {"the Philippines", "Pilipinas"},
	"DO": {"Dominican Rep", "República Dominicana"},
	"IR": {"Persia"},
	"LK": {"Ceylon"},
	"TW": {"Republic of China", "Formosa"},
	"CN": {"People's Republic of China", "PRC", "Zhongguo"},
	"BA": {"Bosnia", "BiH"},
	"TT": {"Trinidad"},
	"AG": {"Antigua"},
	"KN": {"St Kitts", "Saint Kitts"},
	"VC": {"St Vincent", "Saint Vincent"},
	"CC": {"Keeling Islands"},
	"FK": {"Falklands", "Malvinas", "Islas Malvinas"},
	"VI": {"US Virgin Islands", "United States Virgin Islands"},
	"DE": {"Deutschland", "Alemania", "Allemagne", "Germania"},
	"ES": {"España", "Espagne", "Spanien"},
	"FR": {"Frankreich", "Francia"},
	"IT": {"Italia", "Italien"},
	"BR": {"Brasil"},
	"MX": {"México", "Mejico"},
	"JP": {"Nihon", "Nippon"},
	"AT": {"Österreich"},
	"CH": {"Schweiz", "Suisse", "Svizzera", "Helvetia"},
	"SE": {"Sverige"},
	"NO": {"Norge"},
	"DK": {"Danmark"},
	"FI": {"Suomi"},
	"PL": {"Polska"},
	"GR": {"Hellas", "Ellada"},
	"HU": {"Magyarország"},
	"IE": {"Éire", "Republic of Ireland"},
	"IN": {"Bharat"},
	"BE": {"Belgique", "België"},
	"PE": {"Perú"},
}

// upperCountryCodes are the codes read in capitals anywhere in a sentence.
var upperCountryCodes = map[string]string{"US": "US", "USA": "US", "UK": "GB", "UAE": "AE", "GB": "GB"}

// wordCodes are ISO codes that are also English words: "NO" and "CAN" are
// not Norway and Canada even in capitals.
var wordCodes = map[string]bool{
	"am": true, "as": true, "at": true, "be": true, "by": true, "do": true, "go": true, "hi": true,
	"id": true, "in": true, "is": true, "it": true, "me": true, "my": true, "no": true, "so": true,
	"to": true, "and": true, "are": true, "ben": true, "can": true, "com": true, "cub": true,
	"fin": true, "gin": true, "mac": true, "mar": true, "pan": true, "per": true, "pol": true,
	"ton": true, "tun": true, "aus": true, "arm": true, "nor": true, "cod": true, "col": true,
	"dom": true, "sun": true,
}

// ambiguousCountries are country names that are also common words or
// given names.
var ambiguousCountries = map[string]bool{
	"chad": true, "jordan": true, "turkey": true, "china": true, "guinea": true, "jersey": true,
	"georgia": true, "niger": true, "congo": true, "america": true, "wales": true, "bosnia": true,
	"trinidad": true, "antigua": true, "emirates": true,
}

type countries struct {
	byCode map[string]*country // alpha-2 and alpha-3
	names  *lexicon            // canonical is the alpha-2 code
}

var countryTable = sync.OnceValue(func() *countries {
	t := &countries{byCode: map[string]*country{}, names: newLexicon()}
	en := display.English.Regions()
	for _, code := range strings.Fields(iso3166) {
		r := language.MustParseRegion(code)
		c := &country{alpha2: code, alpha3: r.ISO3(), name: en.Name(r)}
		if code == "XK" {
			c.alpha3 = "XKX"
		}
		cldr := c.name
		if n, ok := countryNames[code]; ok {
			c.name = n
		} else {
			c.name = strings.ReplaceAll(c.name, " & ", " and ")
			if rest, ok := strings.CutPrefix(c.name, "St. "); ok {
				c.name = "Saint " + rest
			}
		}
		t.byCode[c.alpha2] = c
		t.byCode[c.alpha3] = c
		t.names.add(c.name, code, true)
		t.names.add(cldr, code, false)
		if rest, ok := strings.CutPrefix(c.name, "Saint "); ok {
			t.names.add("St "+rest, code, false)
		}
		if strings.Contains(c.name, " and ") {
			t.names.add(strings.ReplaceAll(c.name, " and ", " & "), code, false)
		}
	}
	for code, as := range countryAliases {
		for _, a := range as {
			t.names.add(a, code, true)
		}
	}
	return t
})

// at reads a country at token i and returns it with the index past it.
func (t *countries) at(ts tokens, i int) (*country, int, bool) {
	if ts.word(i) == "" || !ts.boundaryBefore(i) {
		return nil, 0, false
	}
	raw := ts[i].raw
	if raw == strings.ToUpper(raw) && ts.boundaryAfter(i+1) {
		if code, ok := upperCountryCodes[raw]; ok {
			return t.byCode[code], i + 1, true
		}
		if c, ok := t.byCode[raw]; ok && ts.only(i, i+1) && !wordCodes[ts.word(i)] {
			return c, i + 1, true
		}
	}
	code, j, ok := t.names.longest(ts, i)
	if !ok {
		return nil, 0, false
	}
	w := ts.word(i)
	if j == i+1 && !ts[i].upper && !ts.only(i, j) && ambiguousCountries[w] {
		return nil, 0, false
	}
	// "New Mexico", "New Jersey", "New South Wales" are not countries.
	if i > 0 && (ts.word(i-1) == "new" || ts.word(i-1) == "south" && w == "wales") {
		return nil, 0, false
	}
	return t.byCode[code], j, true
}

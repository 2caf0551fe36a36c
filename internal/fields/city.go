package fields

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// City extracts Twilio.CITY values: the names of the world's cities of at
// least 50,000 inhabitants (GeoNames, see data/README.md) plus a few
// common aliases ("NYC", "Bombay", "Saigon"). Matching ignores case and
// accents ("sao paulo" is "São Paulo"), reads "St." as "Saint" and prefers
// the longest name ("New York City" over "York"). The value is the
// canonical name: "new york" → "New York".
//
// Names of three letters or fewer and names that are common English words
// ("Nice", "Mobile", "Reading") count only when capitalised or when they are
// the whole text.
var City = lexiconExtractor(cityLexicon, ambiguousCity)

// cityAliases maps other names to canonical ones; the canonical names
// replace GeoNames' where both exist ("New York City" is "New York").
var cityAliases = map[string]string{
	"new york": "New York", "new york city": "New York", "nyc": "New York",
	"washington": "Washington", "washington dc": "Washington", "washington d c": "Washington",
	"washington, d.c.": "Washington", "dc": "Washington",
	"sf": "San Francisco", "san fran": "San Francisco",
	"vegas": "Las Vegas", "philly": "Philadelphia", "nola": "New Orleans",
	"bombay": "Mumbai", "calcutta": "Kolkata", "madras": "Chennai", "bangalore": "Bengaluru",
	"peking": "Beijing", "canton": "Guangzhou", "kiev": "Kyiv", "saigon": "Ho Chi Minh City",
	"rio": "Rio de Janeiro", "cdmx": "Mexico City", "ciudad de mexico": "Mexico City",
	"cologne": "Köln", "nuremberg": "Nürnberg", "frankfurt am main": "Frankfurt am Main",
	"the hague": "The Hague", "den haag": "The Hague", "lisboa": "Lisbon", "roma": "Rome",
	"milano": "Milan", "napoli": "Naples", "firenze": "Florence", "venezia": "Venice",
	"torino": "Turin", "wien": "Vienna", "praha": "Prague", "warszawa": "Warsaw",
	"moskva": "Moscow", "muenchen": "Munich", "munchen": "Munich", "koln": "Köln",
	"zurich": "Zürich", "geneve": "Geneva", "geneva": "Geneva", "bruxelles": "Brussels",
}

// ambiguousCities are city names that are also common English words.
var ambiguousCities = map[string]bool{
	"bath": true, "bend": true, "bury": true, "cork": true, "delta": true, "derby": true,
	"male": true, "man": true, "metro": true, "mobile": true, "most": true, "nice": true,
	"normal": true, "orange": true, "oral": true, "sale": true, "spring": true,
	"split": true, "temple": true, "tours": true, "union": true, "worms": true,
	"sandy": true, "reading": true, "surprise": true, "independence": true,
	"mission": true, "commerce": true, "concord": true, "march": true, "palm": true,
	"troy": true, "mary": true, "martin": true, "hope": true, "paradise": true,
	"victoria": true, "providence": true, "florence": true, "eden": true, "enterprise": true,
	"livingston": true, "mercedes": true, "canton": true, "pasco": true, "uptown": true,
	"queens": true, "turbo": true, "rugby": true, "melody": true, "rio": true,
}

func ambiguousCity(w string) bool {
	return utf8.RuneCountInString(w) <= 3 || ambiguousCities[w]
}

var (
	citiesOnce sync.Once
	cities     *lexicon
)

// cityLexicon loads the embedded cities once.
func cityLexicon() *lexicon {
	citiesOnce.Do(func() {
		cities = newLexicon()
		for a, c := range cityAliases {
			cities.add(a, c, true)
		}
		var saints []string
		for line := range strings.Lines(citiesTxt) {
			n := strings.TrimSpace(line)
			if n == "" {
				continue
			}
			cities.add(n, n, false)
			if ws := tokenWords(n); len(ws) > 1 && (ws[0] == "st" || ws[0] == "saint") {
				saints = append(saints, n)
			}
		}
		// "St. Louis" is also "Saint Louis" and the other way round, unless
		// a city has that name itself.
		for _, n := range saints {
			ws := tokenWords(n)
			rest := strings.Join(ws[1:], " ")
			if ws[0] == "st" {
				cities.add("saint "+rest, n, false)
			} else {
				cities.add("st "+rest, n, false)
			}
		}
	})
	return cities
}

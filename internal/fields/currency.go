package fields

import (
	"strings"
	"sync"
)

// Currency extracts Twilio.CURRENCY values: currency names, symbols and
// codes, reported as the ISO 4217 code: "dollars", "$", "bucks" → "USD";
// "euros", "€" → "EUR"; "pounds", "£", "quid" → "GBP"; "canadian dollars",
// "C$", "cad" → "CAD".
//
// It knows the 44 currencies of currencyTable (the most traded ones of the
// ISO 4217 list), each by code, English name with and without the country
// ("yen", "japanese yen"), plural and symbol. Bare names shared by several
// currencies go to the most used one: "dollars" and "$" are USD, "pesos"
// MXN, "francs" CHF, "rupees" INR, "¥" JPY, "krona" SEK, "dinar" and
// "krone" nothing (say "danish krone"). Codes are read in any case except
// those that are English words ("TRY", "PEN"), which need capitals; names
// that are common words ("won", "real", "sol", "dong") count only after a
// number ("5000 won"), in capitals or as the whole text.
var Currency Extractor = ExtractorFunc(func(in Input) []Match {
	t := currencyLexicon()
	return scan(in.Text, func(ts tokens, i int) (string, int, bool) {
		// "50$", "20€", "100usd": a currency may be glued to its amount.
		if !ts.boundaryBefore(i) && ts.num(i-1) == "" {
			return "", 0, false
		}
		if ts[i].kind == punctToken {
			code, ok := currencySymbols[ts[i].text]
			return code, i + 1, ok
		}
		if ts.word(i) == "" {
			return "", 0, false
		}
		// "US$", "C$", "R$": letters glued to a dollar sign.
		if ts.punct(i+1, "$") && ts.glued(i+1) {
			if code, ok := dollarPrefixes[ts.word(i)]; ok {
				return code, i + 2, true
			}
		}
		code, j, ok := t.longest(ts, i)
		if !ok {
			return "", 0, false
		}
		if w := ts.word(i); j == i+1 {
			if currencyWords[w] && ts[i].raw != strings.ToUpper(ts[i].raw) {
				return "", 0, false
			}
			if ambiguousCurrencies[w] && !ts[i].upper && !ts.only(i, j) && !afterNumber(ts, i) {
				return "", 0, false
			}
		}
		return code, j, true
	})
})

// currencyTable lists currencies by ISO 4217 code (source: the ISO 4217
// list of current currencies, SIX Financial Information, as published at
// iso.org) with the English names people use; names are given singular,
// plurals in "s" are added, irregular ones are listed.
var currencyTable = []struct {
	code  string
	names []string
}{
	{"USD", []string{"US dollar", "U.S. dollar", "American dollar", "United States dollar", "dollar", "buck", "greenback"}},
	{"EUR", []string{"euro"}},
	{"GBP", []string{"pound", "pound sterling", "pounds sterling", "sterling", "British pound", "UK pound", "quid"}},
	{"JPY", []string{"yen", "Japanese yen"}},
	{"CNY", []string{"yuan", "Chinese yuan", "renminbi", "RMB", "kuai"}},
	{"AUD", []string{"Australian dollar", "Aussie dollar"}},
	{"CAD", []string{"Canadian dollar", "loonie"}},
	{"CHF", []string{"franc", "Swiss franc"}},
	{"HKD", []string{"Hong Kong dollar", "HK dollar"}},
	{"SGD", []string{"Singapore dollar", "Singaporean dollar"}},
	{"SEK", []string{"krona", "kronor", "Swedish krona", "Swedish kronor", "Swedish crown"}},
	{"NOK", []string{"Norwegian krone", "Norwegian kroner", "Norwegian crown"}},
	{"DKK", []string{"Danish krone", "Danish kroner", "Danish crown"}},
	{"NZD", []string{"New Zealand dollar", "NZ dollar", "Kiwi dollar"}},
	{"KRW", []string{"won", "Korean won", "South Korean won"}},
	{"INR", []string{"rupee", "Indian rupee"}},
	{"BRL", []string{"real", "reais", "Brazilian real", "Brazilian reais"}},
	{"RUB", []string{"ruble", "rouble", "Russian ruble", "Russian rouble"}},
	{"ZAR", []string{"rand", "South African rand"}},
	{"MXN", []string{"peso", "Mexican peso"}},
	{"TRY", []string{"lira", "Turkish lira", "Turkish lire"}},
	{"PLN", []string{"zloty", "zlotys", "złoty", "złote", "zł", "Polish zloty"}},
	{"THB", []string{"baht", "Thai baht"}},
	{"IDR", []string{"rupiah", "Indonesian rupiah"}},
	{"MYR", []string{"ringgit", "Malaysian ringgit"}},
	{"PHP", []string{"Philippine peso", "Filipino peso"}},
	{"TWD", []string{"Taiwan dollar", "New Taiwan dollar", "Taiwanese dollar"}},
	{"HUF", []string{"forint", "Hungarian forint"}},
	{"CZK", []string{"koruna", "koruny", "Czech koruna", "Czech crown"}},
	{"ILS", []string{"shekel", "sheqel", "shekalim", "Israeli shekel", "new shekel", "new Israeli shekel"}},
	{"AED", []string{"dirham", "UAE dirham", "Emirati dirham"}},
	{"SAR", []string{"riyal", "Saudi riyal"}},
	{"CLP", []string{"Chilean peso"}},
	{"COP", []string{"Colombian peso"}},
	{"ARS", []string{"Argentine peso", "Argentinian peso"}},
	{"PEN", []string{"sol", "soles", "Peruvian sol", "Peruvian soles", "nuevo sol"}},
	{"EGP", []string{"Egyptian pound"}},
	{"NGN", []string{"naira", "Nigerian naira"}},
	{"KES", []string{"Kenyan shilling", "Kenya shilling"}},
	{"VND", []string{"dong", "Vietnamese dong"}},
	{"PKR", []string{"Pakistani rupee"}},
	{"BDT", []string{"taka", "Bangladeshi taka"}},
	{"UAH", []string{"hryvnia", "hryvnias", "hryvnya", "Ukrainian hryvnia"}},
	{"RON", []string{"leu", "lei", "Romanian leu", "Romanian lei"}},
}

// currencySymbols are single-rune symbols.
var currencySymbols = map[string]string{
	"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB",
	"₺": "TRY", "₪": "ILS", "฿": "THB", "₱": "PHP", "₫": "VND", "₦": "NGN", "₴": "UAH",
	"元": "CNY", "円": "JPY",
}

// dollarPrefixes are the letters before "$" that name a dollar or a real.
var dollarPrefixes = map[string]string{
	"us": "USD", "c": "CAD", "ca": "CAD", "can": "CAD", "a": "AUD", "au": "AUD",
	"nz": "NZD", "hk": "HKD", "s": "SGD", "sg": "SGD", "r": "BRL", "mx": "MXN", "nt": "TWD",
}

// currencyWords are codes that are English words: they need capitals.
var currencyWords = map[string]bool{"try": true, "pen": true}

// ambiguousCurrencies are names that are common words.
var ambiguousCurrencies = map[string]bool{
	"won": true, "real": true, "reals": true, "sol": true, "dong": true, "lei": true, "rand": true,
	"leu": true, "taka": true,
}

// afterNumber reports whether token i follows a number: "5000 won".
func afterNumber(ts tokens, i int) bool {
	if i == 0 {
		return false
	}
	if ts.num(i-1) != "" {
		return true
	}
	w := ts.word(i - 1)
	_, u := units[w]
	_, t := tens[w]
	_, s := scales[w]
	return u || t || s || w == "hundred" || w == "k"
}

var currencyLexicon = sync.OnceValue(func() *lexicon {
	l := newLexicon()
	for _, c := range currencyTable {
		l.add(c.code, c.code, true)
		for _, n := range c.names {
			l.add(n, c.code, true)
			if !strings.HasSuffix(n, "s") {
				l.add(n+"s", c.code, false)
			}
		}
	}
	return l
})

package fields

import (
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Language extracts Twilio.LANGUAGE values: the language's English name as
// CLDR gives it (golang.org/x/text/language/display): "spanish",
// "español" → "Spanish"; "mandarin" → "Chinese"; "farsi" → "Persian".
//
// It knows every ISO 639-1 language plus Cantonese, Hawaiian, Hmong,
// Cebuano and American Sign Language, by English name, by the name in the
// language itself as CLDR gives it ("Deutsch", "français", "日本語") and by
// a few aliases. Varieties are reported as their language: "Mandarin",
// "Simplified Chinese" → "Chinese"; "Brazilian Portuguese" → "Portuguese";
// "Flemish" → "Dutch"; "Castilian" → "Spanish"; "Tagalog" → "Filipino";
// but "Cantonese" stays "Cantonese" (ISO 639-3 yue). "Norwegian" is
// "Norwegian", "Bangla" is "Bengali" and a bare "Gaelic" is "Scottish
// Gaelic" (its ISO 639 name). Names that are common words ("polish",
// "ewe") count only when capitalised or the whole text.
var Language = lexiconExtractor(languageLexicon, func(w string) bool { return ambiguousLanguages[w] })

// extraLanguages are languages without an ISO 639-1 code that people name.
var extraLanguages = []string{"yue", "haw", "hmn", "ceb", "ase"}

// languageNames replaces CLDR names, by code.
var languageNames = map[string]string{"no": "Norwegian", "bn": "Bengali"}

// skippedLanguages are deprecated ISO 639-1 codes, doubles of others.
var skippedLanguages = map[string]bool{
	"in": true, "iw": true, "ji": true, "jw": true, "mo": true, "tw": true, "sh": true,
}

// languageAliases are other names of languages, by code.
var languageAliases = map[string][]string{
	"zh":  {"Mandarin", "Mandarin Chinese", "Simplified Chinese", "Traditional Chinese", "Putonghua"},
	"yue": {"Cantonese Chinese"},
	"fa":  {"Farsi", "Parsi"},
	"tl":  {"Tagalog", "Pilipino"},
	"es":  {"Castilian", "castellano", "Latin American Spanish", "Mexican Spanish"},
	"pt":  {"Brazilian Portuguese", "European Portuguese", "portugues"},
	"en":  {"American English", "British English", "Australian English", "Canadian English"},
	"fr":  {"Canadian French", "Quebecois", "Québécois"},
	"nl":  {"Flemish", "Vlaams", "Hollands"},
	"gd":  {"Gaelic", "Scots Gaelic"},
	"ga":  {"Irish Gaelic"},
	"bn":  {"Bangla"},
	"pa":  {"Panjabi"},
	"sl":  {"Slovene"},
	"ky":  {"Kirghiz"},
	"si":  {"Sinhalese"},
	"ro":  {"Moldovan", "Moldavian"},
	"or":  {"Oriya"},
	"ug":  {"Uighur"},
	"ps":  {"Pushto"},
	"km":  {"Cambodian"},
	"lo":  {"Laotian"},
	"ht":  {"Creole", "Haitian", "Kreyol"},
	"az":  {"Azeri"},
	"ny":  {"Chichewa"},
	"st":  {"Sesotho"},
	"no":  {"Norsk"},
	"ms":  {"Bahasa Melayu"},
	"id":  {"Bahasa Indonesia", "Bahasa"},
	"ase": {"ASL", "Ameslan"},
	"he":  {"Ivrit"},
	"ar":  {"Arabi"},
	"el":  {"Ellinika"},
	"ru":  {"Russkiy"},
	"ja":  {"Nihongo"},
	"ko":  {"Hangugeo", "Hangul"},
	"hi":  {"Hindustani"},
	"sw":  {"Kiswahili"},
}

// ambiguousLanguages are language names that are common words.
var ambiguousLanguages = map[string]bool{
	"polish": true, "ewe": true, "ido": true, "sango": true, "ganda": true, "pali": true,
	"venda": true, "kongo": true, "komi": true, "creole": true, "haitian": true, "bahasa": true,
	"hangul": true, "mandarin": true, "akan": true,
}

var languageLexicon = sync.OnceValue(func() *lexicon {
	l := newLexicon()
	en := display.English.Languages()
	self := display.Self
	var codes []string
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			code := string([]rune{a, b})
			if skippedLanguages[code] {
				continue
			}
			if base, err := language.ParseBase(code); err == nil && base.String() == code {
				codes = append(codes, code)
			}
		}
	}
	codes = append(codes, extraLanguages...)
	canonical := map[string]string{}
	for _, code := range codes {
		tag := language.Make(code)
		name := en.Name(tag)
		if n, ok := languageNames[code]; ok {
			name = n
		}
		if name == "" {
			continue
		}
		canonical[code] = name
		l.add(name, name, true)
		l.add(en.Name(tag), name, false)
	}
	// Own names come after all English names so that no own name hides
	// an English one.
	for _, code := range codes {
		if name := canonical[code]; name != "" {
			// "Indonesia" names a country before a language.
			if s := self.Name(language.Make(code)); s != "" && !countryTable().names.has(s) {
				l.add(s, name, false)
			}
		}
	}
	for code, as := range languageAliases {
		for _, a := range as {
			l.add(a, canonical[code], true)
		}
	}
	return l
})

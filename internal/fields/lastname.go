package fields

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// LastName extracts Twilio.LAST_NAME values: family names, from an
// embedded list of the 20,000 most frequent family names of the 1990 U.S.
// census (see data/README.md) and from the shape of the answer. A family
// name is read
//
//   - after a cue: "my last name is Rossi", "surname: Rossi", "family name
//     is de la Cruz" (any word that is not a common function word, listed
//     or not);
//   - after a title or "under": "Mr. Smith", "a table under Jones" (listed
//     or capitalised);
//   - after a given name: "Valentina Rossi", "I'm Will Smith" → "Rossi",
//     "Smith" (capitalised, or listed and ending the text: "valentina
//     rossi");
//   - after "it's", "I'm", "this is": "it's Rossi" (listed or capitalised,
//     ending the text);
//   - as the whole text: "Rossi", "rossi", "Xiong" (an unlisted word counts,
//     as for [FirstName]), "de la Cruz", "Smith-Jones", "O'Brien",
//     "Rodríguez López" (two listed family names), "Priya Raman" → "Raman".
//
// A capitalised word in the middle of a sentence is not enough ("I live in
// London" has no family name), because the list holds many place names and
// words. The value keeps the spelling typed when it is in mixed case or
// has accents ("McKenzie", "Rodríguez"); a name typed all in one case takes
// the list's spelling or a capital: "mcdonald" → "McDonald", "obrien" →
// "O'Brien", "xiong" → "Xiong". Particles keep their case: "van der Berg".
var LastName Extractor = ExtractorFunc(func(in Input) []Match {
	return scanSpans(in.Text, parseLastName)
})

var (
	lastNameCues = phrases("my last name is", "last name is", "my last name's", "last name's",
		"last name", "my surname is", "surname is", "my surname's", "surname's", "surname",
		"my family name is", "family name is", "family name", "my last name", "my surname",
		"last name is spelled", "surname is spelled")
	titleCues = phrases("mr", "mrs", "ms", "miss", "mister", "missus", "dr", "doctor", "prof",
		"professor", "under", "under the name", "under the name of", "in the name of")
)

// surnameParticles may precede a family name: "de la Cruz", "van der Berg".
var surnameParticles = map[string]bool{
	"de": true, "del": true, "della": true, "di": true, "da": true, "dos": true, "das": true,
	"du": true, "la": true, "le": true, "van": true, "von": true, "der": true, "den": true,
	"ter": true, "ten": true, "bin": true, "al": true, "el": true, "st": true, "zu": true,
}

// notSurnames are words that follow a cue without being a family name.
var notSurnames = map[string]bool{
	"you": true, "i": true, "we": true, "they": true, "he": true, "she": true, "it": true,
	"this": true, "that": true, "there": true, "here": true, "please": true, "thanks": true,
	"thank": true, "sorry": true, "hello": true, "hi": true, "hey": true, "why": true, "who": true,
	"how": true, "when": true, "where": true, "don't": true, "dont": true, "idk": true,
	"know": true, "sure": true, "okay": true, "same": true, "name": true, "surname": true,
	"family": true, "spell": true, "spelled": true, "it's": true, "its": true, "i'm": true,
	"im": true, "your": true, "our": true, "their": true, "for": true, "with": true, "from": true,
	"to": true, "of": true, "in": true, "on": true, "at": true, "by": true, "um": true, "uh": true,
	"er": true, "just": true, "only": true, "also": true, "too": true, "again": true, "or": true,
	"was": true, "will": true, "would": true, "can": true, "could": true, "should": true,
	"have": true, "has": true, "do": true, "does": true, "did": true, "are": true, "be": true,
	"been": true, "want": true, "need": true, "like": true, "ok": true, "yes": true,
}

func parseLastName(ts tokens, i int) (string, int, int, bool) {
	if ts.word(i) == "" || !ts.boundaryBefore(i) {
		return "", 0, 0, false
	}
	if n := matchPhrase(ts, i, lastNameCues); n > 0 {
		k := i + n
		if ts.punct(k, ":") || ts.punct(k, "-") {
			k++
		}
		if v, j, ok := surnameAt(ts, k, true); ok {
			return v, k, j, true
		}
	}
	if n := matchPhrase(ts, i, titleCues); n > 0 {
		k := i + n
		if ts.punct(k, ".") {
			k++
		}
		if v, j, ok := surnameAt(ts, k, false); ok {
			return v, k, j, true
		}
	}
	if n := matchPhrase(ts, i, weakCues); n > 0 {
		k := i + n
		if v, j, ok := surnameAt(ts, k, false); ok && ts.onlyFrom(k, j) {
			if _, given := firstNameWord(ts, k); !given || listedSurname(ts.word(k)) {
				return v, k, j, true
			}
		}
	}
	// A given name, then the family name: "Valentina Rossi".
	if _, j, ok := firstNames().longest(ts, i); ok && j < len(ts) && ts[j].space && (ts[i].upper || !isCommonWord(ts.word(i))) {
		if v, k, ok := surnameAt(ts, j, false); ok && (ts[j].upper || ts.onlyFrom(j, k)) {
			return v, j, k, true
		}
	}
	// The whole text.
	if v, j, ok := surnameAt(ts, i, true); ok && ts.only(i, j) {
		return v, i, j, true
	}
	// "Priya Raman": an unlisted given name, then the family name.
	if ts.only(i, i+2) && plausibleSurname(ts, i) && ts[i+1].space {
		if v, j, ok := surnameAt(ts, i+1, true); ok && j == i+2 {
			return v, i + 1, j, true
		}
	}
	return "", 0, 0, false
}

// onlyFrom reports whether nothing but punctuation follows token j-1, from
// token i on: the match that starts at i ends the text.
func (ts tokens) onlyFrom(i, j int) bool {
	for k := j; k < len(ts); k++ {
		if ts[k].kind != punctToken {
			return false
		}
	}
	return i < j
}

// firstNameWord reports whether the word at i alone is a listed given name.
func firstNameWord(ts tokens, i int) (string, bool) {
	c, j, ok := firstNames().longest(ts, i)
	return c, ok && j == i+1
}

// surnameAt reads a family name at token i: particles, a name, a second
// name after a hyphen ("Smith-Jones") and, when anyWord is set, a second
// listed family name ("Rodríguez López"). With anyWord set any plausible
// word is a name; otherwise the name must be listed or capitalised.
func surnameAt(ts tokens, i int, anyWord bool) (string, int, bool) {
	var parts []string
	k := i
	for len(parts) < 3 && surnameParticles[ts.word(k)] && ts.word(k+1) != "" && ts[k+1].space {
		parts = append(parts, ts[k].raw)
		k++
	}
	if k >= len(ts) || (k == i && !ts.boundaryBefore(k)) || !plausibleSurname(ts, k) {
		return "", 0, false
	}
	listed := listedSurname(ts.word(k))
	if !anyWord && !listed && !ts[k].upper {
		return "", 0, false
	}
	v := surnameSpelling(ts[k])
	j := k + 1
	for ts.punct(j, "-") && ts.glued(j) && ts.glued(j+1) && plausibleSurname(ts, j+1) {
		v += "-" + surnameSpelling(ts[j+1])
		j += 2
	}
	if anyWord && listed && len(parts) == 0 && j == k+1 && j < len(ts) && ts[j].space &&
		plausibleSurname(ts, j) && listedSurname(ts.word(j)) && ts[j].upper == ts[k].upper {
		if _, given := firstNameWord(ts, k); !given {
			v += " " + surnameSpelling(ts[j])
			j++
		}
	}
	if !ts.boundaryAfter(j) {
		return "", 0, false
	}
	return strings.Join(append(parts, v), " "), j, true
}

// plausibleSurname reports whether the word at i may be a family name.
func plausibleSurname(ts tokens, i int) bool {
	w := ts.word(i)
	return w != "" && utf8.RuneCountInString(w) >= 2 && !notSurnames[w] &&
		!slices.Contains(notNames, w) && !yesNoWord(w)
}

func listedSurname(w string) bool {
	_, ok := surnameLexicon()[w]
	return ok
}

// surnameSpelling returns the family name of token t as reported.
func surnameSpelling(t token) string {
	raw := t.raw
	oneCase := raw == strings.ToLower(raw) || raw == strings.ToUpper(raw)
	if c, ok := surnameLexicon()[t.text]; ok && oneCase && isASCII(raw) {
		return c
	}
	s := capitalise(raw)
	if oneCase {
		s = surnameCase(s)
	}
	return s
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// surnameCase capitalises the letter after "Mc" and "O'": "Mcdonald" →
// "McDonald", "O'brien" → "O'Brien".
func surnameCase(s string) string {
	for _, p := range []string{"Mc", "O'", "O’", "D'"} {
		if rest, ok := strings.CutPrefix(s, p); ok && rest != "" {
			r, n := utf8.DecodeRuneInString(rest)
			if unicode.IsLower(r) {
				return p + string(unicode.ToUpper(r)) + rest[n:]
			}
		}
	}
	return s
}

// apostropheSurnames are census names that lost their apostrophe.
var apostropheSurnames = []string{"O'Brien", "O'Connor", "O'Neil", "O'Neill", "O'Donnell",
	"O'Leary", "O'Hara", "O'Reilly", "O'Rourke", "O'Keefe", "O'Sullivan", "O'Malley",
	"O'Bryan", "O'Dell", "O'Connell", "O'Shea", "O'Toole", "O'Grady", "O'Dea", "O'Boyle",
	"O'Callaghan", "O'Halloran", "O'Hare", "O'Mara", "O'Meara", "O'Neal", "D'Angelo",
	"D'Amico", "D'Souza"}

// surnameLexicon maps folded family names to their spelling.
var surnameLexicon = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(lastNamesTxt) {
		if n := strings.TrimSpace(line); n != "" {
			m[fold(n)] = surnameCase(n)
		}
	}
	for _, n := range apostropheSurnames {
		m[fold(n)] = n
		m[fold(strings.ReplaceAll(n, "'", ""))] = n
	}
	return m
})

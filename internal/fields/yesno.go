package fields

import "strings"

// YesNo extracts Twilio.YES_NO values: affirmations report "Yes" and
// negations "No". Phrases are matched longest first, so "not really" is a
// "No" and "no problem" a "Yes"; "not" before an affirmation negates it
// ("not correct"). Uncertain answers ("not sure", "maybe", "I don't know")
// match nothing.
var YesNo Extractor = ExtractorFunc(func(in Input) []Match {
	return scan(in.Text, parseYesNo)
})

var yesPhrases = phrases(
	"yes", "yeah", "yea", "yeh", "yah", "ya", "yep", "yup", "yeap", "yas", "ye", "y",
	"sure", "sure thing", "ok", "okay", "okey", "okie", "k", "kk", "alright", "all right",
	"of course", "correct", "that's correct", "thats correct", "that is correct",
	"absolutely", "affirmative", "certainly", "definitely", "indeed", "exactly",
	"that's right", "thats right", "that is right", "you're right", "right on",
	"agreed", "agree", "i agree", "true", "confirm", "confirmed", "i confirm",
	"yes please", "please do", "go ahead", "go for it", "do it", "sounds good",
	"sounds great", "perfect", "i do", "i would", "i will", "i did",
	"uh huh", "uh-huh", "mhm", "why not", "no problem", "no doubt", "you bet", "yes i am",
	"totally", "for sure", "yes sir", "si", "oui", "ja",
)

var noPhrases = phrases(
	"no", "nope", "nah", "naw", "nay", "n", "no thanks", "no thank you",
	"not really", "negative", "never", "not at all", "no way", "not now",
	"not today", "not yet", "not interested", "not correct", "not right",
	"incorrect", "wrong", "that's wrong", "thats wrong", "false",
	"i don't", "i dont", "i do not", "don't", "dont", "i won't", "i will not",
	"i wouldn't", "i would not", "i'm not", "i am not", "i didn't", "i did not",
	"of course not", "absolutely not", "definitely not", "certainly not",
	"no sir", "nuh uh", "non",
)

// unsurePhrases block a span without a value: "not sure" is not "sure".
var unsurePhrases = phrases(
	"not sure", "i'm not sure", "im not sure", "i am not sure", "unsure", "maybe",
	"perhaps", "dunno", "don't know", "dont know", "i don't know", "i dont know",
	"no idea", "not certain", "i'm not certain", "no clue", "it depends", "depends",
	"not sure yet",
)

func phrases(ps ...string) [][]string {
	out := make([][]string, len(ps))
	for i, p := range ps {
		out[i] = tokenWords(p)
	}
	return out
}

// tokenWords splits a phrase the way tokenize does, keeping words and digits.
func tokenWords(p string) []string {
	var ws []string
	for _, t := range tokenize(p) {
		if t.kind != punctToken {
			ws = append(ws, t.text)
		}
	}
	return ws
}

func parseYesNo(ts tokens, i int) (string, int, bool) {
	if ts.word(i) == "" || !ts.boundaryBefore(i) {
		return "", 0, false
	}
	y := matchPhrase(ts, i, yesPhrases)
	n := matchPhrase(ts, i, noPhrases)
	u := matchPhrase(ts, i, unsurePhrases)
	// "not" + affirmation: "not ok", "not exactly".
	if ts.isWord(i, "not") {
		if k := matchPhrase(ts, i+1, yesPhrases); k > 0 && k+1 > n {
			n = k + 1
		}
	}
	switch {
	case u > 0 && u >= y && u >= n:
		return "", i + u, ts.boundaryAfter(i + u)
	case n > 0 && n >= y && ts.boundaryAfter(i+n):
		return "No", i + n, true
	case y > 0 && ts.boundaryAfter(i+y):
		return "Yes", i + y, true
	}
	// Drawn-out spellings: "yesss", "yeahhh", "noooo", "nooope".
	w := ts.word(i)
	if ts.boundaryAfter(i + 1) {
		switch {
		case stretched(w, "yes"), stretched(w, "yeah"), stretched(w, "yep"), stretched(w, "yup"):
			return "Yes", i + 1, true
		case stretched(w, "no"), stretched(w, "nope"), stretched(w, "nah"):
			return "No", i + 1, true
		}
	}
	return "", 0, false
}

// stretched reports whether w is base with some letters repeated: "yesss".
func stretched(w, base string) bool {
	if len(w) <= len(base) || len(w) > 3*len(base)+6 {
		return false
	}
	for _, r := range base {
		if !strings.HasPrefix(w, string(r)) {
			return false
		}
		w = strings.TrimLeft(w, string(r))
	}
	return w == ""
}

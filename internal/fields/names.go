package fields

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FirstName extracts Twilio.FIRST_NAME values: given names from an embedded
// list of about 8,400 English given names (see data/README.md), reported
// capitalised as listed ("valentina" → "Valentina").
//
// Names that are also common words ("Will", "May", "Hope", "Bill") count
// only when capitalised inside a sentence, after a cue ("my name is will",
// "I'm grace", "call me hope") or when they are the whole text. After a
// strong cue ("my name is", "call me", "my first name is") any word that
// is not a common word is taken as a name even if it is not listed, so
// "my name is Xiomara" reports "Xiomara".
var FirstName Extractor = ExtractorFunc(func(in Input) []Match {
	return scanSpans(in.Text, parseFirstName)
})

// strongCues introduce a name; weakCues often do ("I'm tired").
var (
	strongCues = phrases("my name is", "my name's", "name is", "name's", "names",
		"call me", "my first name is", "first name is", "i go by", "they call me",
		"i am called", "i'm called", "name")
	weakCues = phrases("i'm", "im", "i am", "this is", "it's", "its", "it is")
)

func parseFirstName(ts tokens, i int) (string, int, int, bool) {
	if !ts.boundaryBefore(i) {
		return "", 0, 0, false
	}
	// A cue and the name after it are read together so that "my name is
	// Will" does not stop at a weaker reading; the span is the name alone.
	if n := matchPhrase(ts, i, strongCues); n > 0 {
		if v, j, ok := nameAfterCue(ts, i+n, true); ok {
			return v, i + n, j, true
		}
	}
	if n := matchPhrase(ts, i, weakCues); n > 0 {
		if v, j, ok := nameAfterCue(ts, i+n, false); ok {
			return v, i + n, j, true
		}
	}
	c, j, ok := firstNames().longest(ts, i)
	if !ok {
		return unlistedName(ts, i)
	}
	if isCommonWord(ts.word(i)) && !(ts[i].upper && i > 0) && !ts.only(i, j) {
		return "", 0, 0, false
	}
	return c, i, j, true
}

// nameAfterCue reads the name at token i, right after a cue. After a strong
// cue, an unlisted word that is not a common word is a name too.
func nameAfterCue(ts tokens, i int, strong bool) (string, int, bool) {
	if ts.word(i) == "" || !ts[i].space {
		return "", 0, false
	}
	if c, j, ok := firstNames().longest(ts, i); ok {
		return c, j, true
	}
	// After a weak cue ("I'm tired") only a capitalised word is a name.
	if !strong && !ts[i].upper {
		return "", 0, false
	}
	if !plausibleName(ts, i) || !ts.boundaryAfter(i+1) {
		return "", 0, false
	}
	return capitalise(ts[i].raw), i + 1, true
}

// plausibleName reports whether the word at i may be an unlisted given name:
// a word of two letters or more that is not a common word.
func plausibleName(ts tokens, i int) bool {
	w := ts.word(i)
	return w != "" && ts[i].kind == wordToken && !isCommonWord(w) && !slices.Contains(notNames, w) &&
		utf8.RuneCountInString(w) >= 2 && !yesNoWord(w)
}

// unlistedName accepts a name missing from the list when it is the whole
// text, alone ("Priya") or followed by a capitalised family name ("Han
// Solo"): the answer to "What is your first name?".
func unlistedName(ts tokens, i int) (string, int, int, bool) {
	if !plausibleName(ts, i) {
		return "", 0, 0, false
	}
	if ts.only(i, i+1) || (ts.only(i, i+2) && ts[i].upper && ts[i+1].upper && ts[i+1].kind == wordToken) {
		return capitalise(ts[i].raw), i, i + 1, true
	}
	return "", 0, 0, false
}

// yesNoWord reports whether w alone answers yes or no.
func yesNoWord(w string) bool {
	return len(YesNo.Extract(Input{Text: w})) > 0
}

// capitalise upper-cases the first letter of a name and, when the rest is
// all one case, lower-cases the rest: "valentina" and "VALENTINA" become
// "Valentina", "McKenzie" stays.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	rest := s[n:]
	if strings.ToLower(rest) == rest || strings.ToUpper(rest) == rest {
		rest = strings.ToLower(rest)
	}
	return string(unicode.ToUpper(r)) + rest
}

// notNames are words that follow "my name is" without being a name.
var notNames = []string{"not", "no", "a", "an", "the", "is", "and", "but", "what", "unknown",
	"none", "nothing", "mr", "mrs", "ms", "miss", "dr", "sir", "madam", "first", "last"}

// commonWords are given names of the list that are also common English
// words; they need a capital, a cue or the whole text to count as names.
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`
		ab ad ade ado ag al any art ash axe bail bald bale ban bank bar bard barn base bat bay
		bear beck bee bell bent berry bill bing bird bliss bo bond bone boot booth boy brand brew
		bride brook buck bud buddy bunny burl cad camel candy car care carry cart case cash chase
		chick chip chuck clay cliff con coral cord court cross curry dale dame dare darn dawn dean
		deck dew dill doe doll dot drake drew duke early ebony else even fair faith fan fancy far
		fawn fax fee fern field fin ford free gage gal gale gates gay gene gill glad glory grace
		gram gran grant gray grove gun guy had hall ham happy hardy harp hart hasty haven haze
		heath herb hew hi hill holly honey honor hope hunt hy itch ivory jack jade jewel job joy
		kin king kit lacy land lane lark law lay lee lex lion link lock lucky major man mar march
		mark marsh mart may mayor mead mercy merry mil mile mill min miner minor misty moss my
		nap nappy nil noble north page pail palm pall park pat pearl pen penny pet pip poppy port
		puff ram rand raven ray read red reed rich ring rip robin rock rocky rose row royal ruby
		rusty saw sax say see sky sly smith son star storm sue sunny tab tan temp town trace trip
		tuck urban van verge wade wait wake ward ware wash way web wells west will win windy wit
		witty wolf wood worth yard yank amber angel april august carter chance charity chevy
		christian crystal easter forest harmony hunter miller patience prudence sterling
		sunshine taylor tuesday summer autumn winter destiny liberty trinity diamond victory
		be so to do go me he we us it is on in at of or as by no yes ok am an he she his her
		ha oh ho lo sol ole ode ora ola one ax`) {
		commonWords[w] = true
	}
}

func isCommonWord(w string) bool { return commonWords[w] }

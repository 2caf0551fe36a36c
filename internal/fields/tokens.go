package fields

import (
	"unicode"
	"unicode/utf8"
)

type tokenKind uint8

const (
	wordToken  tokenKind = iota + 1 // letters, with inner apostrophes ("o'clock")
	numToken                        // ASCII digits
	punctToken                      // any other single non-space rune
)

// A token is a word, a run of digits or one punctuation rune of the input.
type token struct {
	kind       tokenKind
	text       string // folded (see fold) for words, as written otherwise
	raw        string // as written
	start, end int    // byte offsets in the input
	space      bool   // preceded by white space or at the start of the input
	upper      bool   // a word written with a capital first letter
}

// tokens is a tokenised input with helpers for the hand-written parsers.
type tokens []token

// tokenize splits s into tokens. Letters and digits form separate tokens even
// when adjacent ("7pm" is "7" then "pm" with space false), which lets the
// parsers see suffixes such as "th" and "pm".
func tokenize(s string) tokens {
	var ts tokens
	space := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			space = true
			i += n
			continue
		case r >= '0' && r <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			ts = append(ts, token{kind: numToken, text: s[i:j], raw: s[i:j], start: i, end: j, space: space})
			i = j
		case isWordRune(r):
			j := i + n
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if isWordRune(r) {
					j += n
					continue
				}
				if isApostrophe(r) && j+n < len(s) {
					// Keep an apostrophe between letters: "o'clock", "it's".
					if r2, _ := utf8.DecodeRuneInString(s[j+n:]); isWordRune(r2) {
						j += n
						continue
					}
				}
				break
			}
			ts = append(ts, token{kind: wordToken, text: fold(s[i:j]), raw: s[i:j], start: i, end: j, space: space, upper: unicode.IsUpper(r)})
			i = j
		default:
			ts = append(ts, token{kind: punctToken, text: s[i : i+n], raw: s[i : i+n], start: i, end: i + n, space: space})
			i += n
		}
		space = false
	}
	return ts
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ'
}

// word returns the folded text of token i if it is a word, else "".
func (ts tokens) word(i int) string {
	if i < 0 || i >= len(ts) || ts[i].kind != wordToken {
		return ""
	}
	return ts[i].text
}

// num returns the digits of token i if it is a number, else "".
func (ts tokens) num(i int) string {
	if i < 0 || i >= len(ts) || ts[i].kind != numToken {
		return ""
	}
	return ts[i].text
}

// punct reports whether token i is the punctuation p.
func (ts tokens) punct(i int, p string) bool {
	return i >= 0 && i < len(ts) && ts[i].kind == punctToken && ts[i].text == p
}

// glued reports whether token i exists and directly follows token i-1.
func (ts tokens) glued(i int) bool {
	return i > 0 && i < len(ts) && !ts[i].space
}

// isWord reports whether token i is one of the words ws.
func (ts tokens) isWord(i int, ws ...string) bool {
	w := ts.word(i)
	if w == "" {
		return false
	}
	for _, x := range ws {
		if w == x {
			return true
		}
	}
	return false
}

// boundaryAfter reports whether a match may end before token j: token j is
// not glued to it, or is punctuation ("7" must not match in "7a1").
func (ts tokens) boundaryAfter(j int) bool {
	return j >= len(ts) || ts[j].space || ts[j].kind == punctToken
}

// boundaryBefore reports whether a match may start at token i.
func (ts tokens) boundaryBefore(i int) bool {
	return i == 0 || ts[i].space || ts[i-1].kind == punctToken
}

// only reports whether tokens [i, j) are all of ts apart from punctuation.
func (ts tokens) only(i, j int) bool {
	for k, t := range ts {
		if (k < i || k >= j) && t.kind != punctToken {
			return false
		}
	}
	return true
}

// A parseFunc tries to read a value at token i. It returns the value and the
// index just past the last token read.
type parseFunc func(ts tokens, i int) (value string, j int, ok bool)

// scan runs parse at every token left to right and keeps the matches it
// finds, skipping the tokens a match covers: the result is leftmost-longest
// as far as parse itself returns its longest reading.
func scan(text string, parse parseFunc) []Match {
	return scanSpans(text, func(ts tokens, i int) (string, int, int, bool) {
		v, j, ok := parse(ts, i)
		return v, i, j, ok
	})
}

// A spanFunc is a parseFunc whose value may start after token i, at token
// from: a cue such as "my name is" is read but not reported.
type spanFunc func(ts tokens, i int) (value string, from, j int, ok bool)

// scanSpans is scan for a spanFunc.
func scanSpans(text string, parse spanFunc) []Match {
	ts := tokenize(text)
	var ms []Match
	for i := 0; i < len(ts); {
		v, from, j, ok := parse(ts, i)
		if !ok || j <= i || from < i || from >= j {
			i++
			continue
		}
		if v != "" { // an empty value blocks a span without reporting it
			ms = append(ms, Match{Value: v, Start: ts[from].start, End: ts[j-1].end})
		}
		i = j
	}
	return ms
}

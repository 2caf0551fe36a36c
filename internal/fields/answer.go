package fields

import "slices"

// fillers are words that may surround a value in [Exact] without making
// the text more than the value: hesitations only, which never carry meaning.
var fillers = []string{"um", "umm", "uh", "uhh", "uhm", "er", "erm", "hmm", "ah"}

// leadingFillers may also precede the value: "it's Valentina".
var leadingFillers = [][]string{{"it's"}, {"its"}, {"it", "is"}}

// Exact returns the value of e when a single match covers the whole of
// in.Text, apart from surrounding white space, punctuation and hesitations
// ("um", "uh") and a leading "it's" / "it is". It is used to check the words
// that fill a {field} slot of a sample.
func Exact(e Extractor, in Input) (string, bool) {
	ms := e.Extract(in)
	if len(ms) != 1 {
		return "", false
	}
	m := ms[0]
	if m.Start < 0 || m.End > len(in.Text) || m.Start >= m.End {
		return "", false
	}
	if !trivial(tokenize(in.Text[:m.Start]), true) || !trivial(tokenize(in.Text[m.End:]), false) {
		return "", false
	}
	return m.Value, true
}

// trivial reports whether ts holds only punctuation and fillers.
func trivial(ts tokens, leading bool) bool {
	for i := 0; i < len(ts); i++ {
		t := ts[i]
		switch {
		case t.kind == punctToken:
			continue
		case t.kind == wordToken && slices.Contains(fillers, t.text):
			continue
		}
		if leading {
			if n := matchPhrase(ts, i, leadingFillers); n > 0 {
				i += n - 1
				continue
			}
		}
		return false
	}
	return true
}

// matchPhrase returns the length of the longest phrase of ps that starts at
// word token i, or 0.
func matchPhrase(ts tokens, i int, ps [][]string) int {
	best := 0
	for _, p := range ps {
		if len(p) <= best || i+len(p) > len(ts) {
			continue
		}
		ok := true
		for k, w := range p {
			if ts.word(i+k) != w {
				ok = false
				break
			}
		}
		if ok {
			best = len(p)
		}
	}
	return best
}

// Answer returns the value of the first (leftmost) match of e anywhere in
// in.Text: "there will be 4 of us" answers a NUMBER question with "4". It is
// how collect type-checks an answer. The leftmost match is taken because
// people answer first and explain after ("yes, but not before 5"); the
// extractors themselves already prefer the cued reading where it matters
// (FIRST_NAME reads "my name is Valentina" as "Valentina", not "my").
func Answer(e Extractor, in Input) (string, bool) {
	ms := e.Extract(in)
	if len(ms) == 0 {
		return "", false
	}
	return ms[0].Value, true
}
